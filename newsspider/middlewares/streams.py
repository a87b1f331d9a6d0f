"""A compressed HTTP body decoded once: its bytes, within a size limit, and whether it is whole.

Scrapy's decompression keeps whatever a cut stream gives (a gzip without its trailer, a
brotli or zstd frame without its end), so a body cut short by the server or a proxy, with a
``Content-Length`` that matches what was sent, would be read as a shorter page. The HTTP
layer's data-loss check covers only connections cut before ``Content-Length``.
:func:`decode` gives, in one pass, the bytes Scrapy's decoding gives for a whole body and
whether every stream in it reached its end marker.
"""

from __future__ import annotations

import re
import sys
import zlib
from collections.abc import Callable
from functools import partial
from typing import Any

try:
    import brotli
except ImportError:  # PyPy: Scrapy uses brotlicffi there
    import brotlicffi as brotli

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

#: Zero padding, then the magic of a gzip member, or its first byte at the body's end (a
#: member cut one byte in).
_NEXT_GZIP_MEMBER = re.compile(rb"\0*(?=\x1f\x8b|\x1f\Z)")
#: Compressed bytes first fed to a decompressor, then as many as it has read of its stream
#: so far: the bytes left after a member are copied (``unused_data``), so a body of many
#: tiny members costs no more than this a member, and a large member a few calls.
_PIECE = 4 * 1024
#: Decoded bytes asked of brotli at a time (its limit is soft: it may give a block more).
_BROTLI_CHUNK = 64 * 1024
_ERRORS = (zlib.error, brotli.error, zstd.ZstdError)


class DecodedTooLarge(ValueError):
    """The decoded body passed the size limit: ``size`` bytes decoded when it stopped."""

    def __init__(self, size: int, max_size: int) -> None:
        super().__init__(f"{size} B decoded so far, over {max_size} B")
        self.size = size


def _room(size: int, max_size: int) -> int:
    """Bytes to ask a decompressor for: one more than the limit allows (0: no limit)."""
    return max_size + 1 - size if max_size else sys.maxsize


def _check(size: int, max_size: int) -> None:
    if max_size and size > max_size:
        raise DecodedTooLarge(size, max_size)


def _streams(
    body: bytes, new: Callable[[], Any], next_at: Callable[[bytes, int], int | None], max_size: int
) -> tuple[bytes, bool]:
    """Decodes the streams of ``body`` one after another (``new()``: a zlib or zstd
    decompressor); ``next_at(body, end)``: where the next one starts, None when done."""
    out = bytearray()
    start, pos, view = 0, 0, memoryview(body)
    decompressor = new()
    while True:
        piece = view[pos : pos + max(_PIECE, pos - start)]
        pos += len(piece)
        out += decompressor.decompress(piece, _room(len(out), max_size))
        _check(len(out), max_size)  # (not over: it gave less than asked, so took the whole piece)
        if decompressor.eof:
            after = next_at(body, pos - len(decompressor.unused_data))
            if after is None:
                return bytes(out), True
            start = pos = after
            decompressor = new()
        elif pos >= len(body):
            return bytes(out), False


def _next_gzip_member(body: bytes, end: int) -> int | None:
    """GzipFile skips zero padding after a member, then stops at bytes that are not one."""
    member = _NEXT_GZIP_MEMBER.match(body, end)
    return member.end() if member else None


def _next_zstd_frame(body: bytes, end: int) -> int | None:
    """ZstdFile reads every byte left as frames (a skippable one too)."""
    return end if end < len(body) else None


def _one_stream(body: bytes, end: int) -> None:
    """Bytes after a deflate stream are ignored, as Scrapy ignores them."""


def _gunzip(body: bytes, max_size: int) -> tuple[bytes, bool]:
    return _streams(
        body, partial(zlib.decompressobj, 16 + zlib.MAX_WBITS), _next_gzip_member, max_size
    )


def _inflate(body: bytes, max_size: int) -> tuple[bytes, bool]:
    """A zlib stream, else a raw deflate one, as Scrapy tries them."""
    try:
        return _streams(body, zlib.decompressobj, _one_stream, max_size)
    except zlib.error:
        return _streams(body, partial(zlib.decompressobj, -zlib.MAX_WBITS), _one_stream, max_size)


def _unbrotli(body: bytes, max_size: int) -> tuple[bytes, bool]:
    """One stream, decoded :data:`_BROTLI_CHUNK` at a time so that a bomb stops near the
    limit."""
    decompressor = brotli.Decompressor()
    out = bytearray(decompressor.process(body, output_buffer_limit=_BROTLI_CHUNK))
    while True:
        _check(len(out), max_size)
        if decompressor.is_finished():
            return bytes(out), True
        chunk = decompressor.process(b"", output_buffer_limit=_BROTLI_CHUNK)
        if not chunk:
            return bytes(out), False
        out += chunk


def _unzstd(body: bytes, max_size: int) -> tuple[bytes, bool]:
    return _streams(body, zstd.ZstdDecompressor, _next_zstd_frame, max_size)


#: The ``Content-Encoding`` tokens Scrapy decodes (lower case), and their decoders.
DECODERS: dict[bytes, Callable[[bytes, int], tuple[bytes, bool]]] = {
    b"gzip": _gunzip,
    b"x-gzip": _gunzip,
    b"deflate": _inflate,
    b"br": _unbrotli,
    b"zstd": _unzstd,
}


def decode(body: bytes, encoding: bytes, max_size: int = 0) -> tuple[bytes, bool]:
    """``body`` decoded from ``encoding`` (a token of :data:`DECODERS`, any case), and
    whether it is whole: every stream in it reaches its end marker (gzip: every member,
    after zero padding; zstd: every frame). A whole body gives the bytes Scrapy's own
    decoding gives; bytes after the last gzip member that do not start one, and after a
    deflate stream, are ignored as Scrapy ignores them.

    Not whole: a stream cut short, ``(decoded so far, False)``; a body that cannot be decoded
    (corrupt, not in that format, a gzip member whose checksum or size does not match),
    ``(b"", False)``, where Scrapy raises its decoder's error (gzip: keeps what it decoded
    before the fault, if anything). An empty body is no stream: ``(b"", True)``.
    Raises :class:`DecodedTooLarge` as soon as more than ``max_size`` bytes are decoded
    (0: no limit), so a bomb stops near the limit.
    """
    if not body:  # (no content at all: a 404, 204 or redirect with the header; nothing cut)
        return b"", True
    try:
        return DECODERS[encoding.strip().lower()](body, max_size)
    except _ERRORS:
        return b"", False
