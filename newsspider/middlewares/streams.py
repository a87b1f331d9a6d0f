"""Whether a compressed HTTP body is whole: its stream reaches its end marker.

Scrapy's decompression keeps whatever a cut stream gives (a gzip without its trailer, a
brotli or zstd frame without its end), so a body cut short by the server or a proxy, with a
``Content-Length`` that matches what was sent, would be read as a shorter page. The HTTP
layer's data-loss check covers only connections cut before ``Content-Length``.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable
from typing import Any

try:
    import brotli
except ImportError:  # PyPy: Scrapy uses brotlicffi there
    import brotlicffi as brotli

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

_GZIP_MAGIC = b"\x1f\x8b"


def _members_end(
    body: bytes,
    new: Callable[[], Any],
    next_member: Callable[[bytes], bytes],
    errors: tuple[type[Exception], ...],
) -> bool:
    """Every member (gzip) or frame (zstd) of ``body`` ends. ``next_member`` gives, from
    the bytes after one, where Scrapy's decompression reads another (b"": none)."""
    rest = body
    while rest:
        decompressor = new()
        try:
            decompressor.decompress(rest)
        except errors:
            return False
        if not decompressor.eof:
            return False
        rest = next_member(decompressor.unused_data)
    return True


def _gzip() -> Any:
    return zlib.decompressobj(16 + zlib.MAX_WBITS)


def _next_gzip_member(rest: bytes) -> bytes:
    """GzipFile skips zero padding after a member, then stops at bytes that are not one."""
    rest = rest.lstrip(b"\0")
    return rest if rest.startswith(_GZIP_MAGIC) else b""


def _next_zstd_frame(rest: bytes) -> bytes:
    """ZstdFile reads every byte left as frames (a skippable one too)."""
    return rest


def _deflate_ends(body: bytes) -> bool:
    """A zlib stream, or a raw deflate one (as Scrapy tries them), ends."""
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
        decompressor = zlib.decompressobj(wbits)
        try:
            decompressor.decompress(body)
        except zlib.error:
            continue
        return decompressor.eof
    return False


def _brotli_ends(body: bytes) -> bool:
    decompressor = brotli.Decompressor()
    try:
        decompressor.process(body)
    except brotli.error:
        return False
    return decompressor.is_finished()


def stream_ends(body: bytes, encoding: bytes) -> bool:
    """Whether ``body``, compressed with ``encoding`` (a ``Content-Encoding`` token), runs to
    its end. An empty body (no stream), and other encodings (not decoded by Scrapy), are
    not judged: True.

    Meant for a body Scrapy already decoded within ``DOWNLOAD_MAXSIZE``: this inflates it
    again, whole."""
    encoding = encoding.strip().lower()
    if not body:  # (no content at all: a 404, 204 or redirect with the header; nothing cut)
        return True
    if encoding in (b"gzip", b"x-gzip"):
        return _members_end(body, _gzip, _next_gzip_member, (zlib.error,))
    if encoding == b"deflate":
        return _deflate_ends(body)
    if encoding == b"br":
        return _brotli_ends(body)
    if encoding == b"zstd":
        return _members_end(body, zstd.ZstdDecompressor, _next_zstd_frame, (zstd.ZstdError,))
    return True
