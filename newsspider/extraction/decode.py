"""Bytes → text and bytes → one lxml tree, whatever the declared or actual encoding."""

from __future__ import annotations

import codecs
import re
from functools import cache

import webencodings
from lxml import etree

from newsspider.extraction import patterns as P

_FALLBACK = "cp1251"
_ASCII = bytes(range(128))
#: Text codecs Python knows that no page is written in (``idna`` even refuses ``"replace"``).
_NOT_CHARSETS = frozenset({"idna", "punycode", "undefined"})
#: WHATWG encodings with no text to read (``replacement``) or no Python codec.
_UNREADABLE = frozenset({"replacement", "x-user-defined"})
#: Byte order marks, which outrank every label (WHATWG "decode"); ``utf-16`` drops its own.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _codec(name: str | bytes | None) -> str | None:
    """The Python codec name for a charset label, or ``None`` if unknown or not a charset
    (``rot13``, ``base64``, ``idna``...: a hostile label made decoding raise).

    A WHATWG label means what it means to a browser (``webencodings``): ``x-cp1251`` and
    ``x-mac-cyrillic``, unknown to Python, are read; ``latin1`` and ``ascii`` mean
    windows-1252. Other labels Python knows (``cp855``) are read by their Python codec.
    """
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    label = name.strip().lower()
    known = webencodings.lookup(label)
    if known is not None:
        label = "" if known.name in _UNREADABLE else known.codec_info.name
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def header_encoding(content_type: str | None) -> str | None:
    """The known codec the Content-Type header's ``charset`` names (see :func:`_codec`)."""
    match = P.HEADER_CHARSET.search(content_type) if content_type else None
    return _codec(match.group(1)) if match else None


def _meta_encoding(body: bytes) -> str | None:
    match = P.META_CHARSET.search(body[: P.META_SNIFF_BYTES])
    codec = _codec(match.group(1)) if match else None
    # a <meta> read as ASCII cannot be in UTF-16 (WHATWG's prescan: it means UTF-8)
    return "utf-8" if codec and codec.startswith("utf-16") else codec


def declared_encoding(body: bytes, content_type: str | None = None) -> str | None:
    """The known codec declared by the Content-Type header, else by a ``<meta>`` tag. A
    header charset the page is not valid in yields to a ``<meta>`` one it is valid in, when
    that is UTF-8 (valid UTF-8 is no accident) or the header's cannot read the page
    (:func:`_misread`): a server's default charset on a page written in another. (Every
    Cyrillic letter of a windows-1251 page served as UTF-8 was U+FFFD, and the record kept.)"""
    header, meta = header_encoding(content_type), _meta_encoding(body)
    if (
        header
        and meta
        and meta != header
        and not decodes(body, header)
        and decodes(body, meta)
        and (meta == "utf-8" or _misread(body, header))
    ):
        return meta
    return header or meta


def _misread(body: bytes, codec: str) -> bool:
    """Whether ``codec`` cannot read ``body``: decoding it gives a quarter or more as many
    replacement characters as the body has non-ASCII bytes. (A UTF-8 page with one stray
    byte is UTF-8 still: read as an old ``<meta>``'s windows-1251, all of it was mojibake.)"""
    bad = body.decode(codec, "replace").count("\ufffd")
    return bad * 4 >= len(body.translate(None, _ASCII))  # (the non-ASCII bytes)


def bom_encoding(body: bytes) -> str | None:
    """The codec ``body``'s byte order mark implies (``utf-16`` drops the mark; ``utf-8``
    keeps it as U+FEFF), else ``None``."""
    return next((codec for bom, codec in _BOMS if body.startswith(bom)), None)


def detect_encoding(body: bytes, content_type: str | None = None) -> str:
    """The codec of ``body``: its byte order mark, else the declared charset (header, then
    ``<meta>``), else UTF-8 when the bytes are valid UTF-8, else cp1251."""
    declared = bom_encoding(body) or declared_encoding(body, content_type)
    if declared:
        return declared
    if body.isascii():
        return "utf-8"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return _FALLBACK
    return "utf-8"


def decode(body: bytes | str | None, content_type: str | None = None) -> str:
    """``body`` as text (see :func:`detect_encoding`); a leading BOM is dropped."""
    if body is None:
        return ""
    if isinstance(body, str):
        return body
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace")
    return body.decode(detect_encoding(body, content_type), "replace")


def decodes(data: bytes, codec: str) -> bool:
    """Whether ``data`` is valid in ``codec`` (libxml2 stops at a byte its codec lacks)."""
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


@cache
def _parser(encoding: str) -> etree.HTMLParser:
    # Plain etree elements: no per-element Python class lookup as with ``lxml.html``.
    return etree.HTMLParser(encoding=encoding, remove_comments=True, huge_tree=True)


def page_bytes(
    body: bytes | str | None, content_type: str | None = None
) -> tuple[bytes, str] | None:
    """The bytes :func:`parse_html` parses and their codec; ``None`` when there is nothing.

    Bytes are kept as they are (no re-encoding on the common path) in UTF-8 and in the other
    ``FAST_CODECS`` (libxml2 reads them as Python does) when valid in them; other bytes are
    decoded here as :func:`decode` does and encoded as UTF-8: libxml2 does not know many
    codecs by name (``utf-16-le``, ``cp855``: a reject, LookupError) and stopped at a byte
    its codec lacks (0x81 in windows-1252, what ``latin1`` means: an empty body).
    """
    if not body:
        return None
    try:
        if isinstance(body, str):
            return body.encode("utf-8", "surrogatepass"), "utf-8"
        if body.startswith(codecs.BOM_UTF8):
            return body[3:], "utf-8"
        codec = detect_encoding(body, content_type)
        if codec == "utf-8" or (codec in P.FAST_CODECS and decodes(body, codec)):
            return body, codec
        return body.decode(codec, "replace").encode("utf-8", "surrogatepass"), "utf-8"
    except (ValueError, TypeError, UnicodeError):
        return None


def cut_after(data: bytes, end_tag: re.Pattern[bytes], start: int = 0) -> int:
    """Where the fast paths cut ``data``: just after the `>` of the first ``end_tag`` match
    from ``start``; 0 when there is none."""
    end = end_tag.search(data, start)
    return data.find(b">", end.start()) + 1 if end else 0


def parse_bytes(data: bytes, encoding: str) -> etree._Element | None:
    """Parse ``data`` (in ``encoding``) with lxml; ``None`` when no element tree results."""
    try:
        root = etree.fromstring(data, parser=_parser(encoding))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError, TypeError, UnicodeError):
        return None
    return root if root is not None and isinstance(root.tag, str) else None


def parse_html(body: bytes | str | None, content_type: str | None = None) -> etree._Element | None:
    """Parse a page once with lxml; ``None`` when there is nothing to parse."""
    page = page_bytes(body, content_type)
    return parse_bytes(*page) if page else None
