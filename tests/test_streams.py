"""Whether a compressed body is whole (``stream_ends``), and what the middleware does when not."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
from scrapy import Request, Spider
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from newsspider.middlewares.safety import SizeLimitMiddleware
from newsspider.middlewares.streams import stream_ends, zstd

PAGE = b"<html><body>" + b"<p>Synthetic sentence of a made-up page.</p>" * 400 + b"</body></html>"


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


PACKERS = {
    b"gzip": gzip.compress,
    b"x-gzip": gzip.compress,
    b"deflate": zlib.compress,
    b"br": brotli.compress,
    b"zstd": zstd.compress,
}


@pytest.mark.parametrize("encoding", list(PACKERS))
@pytest.mark.parametrize("keep", [0.5, -1])  # half the stream; all but its last byte
def test_a_stream_cut_short_does_not_end(encoding: bytes, keep: float) -> None:
    packed = PACKERS[encoding](PAGE)
    cut = packed[: int(len(packed) * keep)] if keep > 0 else packed[:keep]
    assert stream_ends(packed, encoding)
    assert not stream_ends(cut, encoding)


def test_raw_deflate_is_judged_as_scrapy_reads_it() -> None:
    packed = _raw_deflate(PAGE)
    assert stream_ends(packed, b"deflate") and stream_ends(packed, b" Deflate ")
    assert not stream_ends(packed[:-10], b"deflate")


@pytest.mark.parametrize("encoding", list(PACKERS))
def test_the_encoding_token_is_judged_whatever_its_case(encoding: bytes) -> None:
    """Content-Encoding is case-insensitive: a stream cut short sent as 'GZIP' is still cut."""
    packed = PACKERS[encoding](PAGE)
    assert stream_ends(packed, b" " + encoding.upper() + b" ") is True
    assert stream_ends(packed[:-12], encoding.upper()) is False


@pytest.mark.parametrize("encoding", [b"gzip", b"zstd"])
def test_every_member_must_end_and_trailing_bytes_are_ignored(encoding: bytes) -> None:
    packed = PACKERS[encoding](PAGE)
    assert stream_ends(packed + packed, encoding)
    assert not stream_ends(packed + packed[:-3], encoding)
    # GzipFile stops at bytes that are not a member; ZstdFile fails on them (ZstdError)
    assert stream_ends(packed + b"\0\0 not a member", encoding) is (encoding == b"gzip")


@pytest.mark.parametrize("encoding", list(PACKERS))
def test_garbage_does_not_end(encoding: bytes) -> None:
    assert not stream_ends(b"not compressed at all", encoding)


@pytest.mark.parametrize("encoding", list(PACKERS))
def test_an_empty_body_is_no_stream_cut_short(encoding: bytes) -> None:
    """A 404, 204 or redirect with no content and the header (review): not cut."""
    assert stream_ends(b"", encoding)


def test_encodings_scrapy_does_not_decode_are_not_judged() -> None:
    assert stream_ends(b"whatever", b"identity") and stream_ends(b"", b"compress")


def _middleware(**settings) -> SizeLimitMiddleware:
    crawler = get_crawler(Spider, settings_dict=settings)
    crawler.spider = crawler._create_spider("fakti")
    return SizeLimitMiddleware.from_crawler(crawler)


def _response(request: Request, body: bytes, encoding: str = "gzip") -> Response:
    headers = {"Content-Encoding": encoding, "Content-Type": "text/html; charset=utf-8"}
    return HtmlResponse(request.url, body=body, headers=headers, request=request)


URL = "http://127.0.0.1:9/en/world/1000001-a"


def test_a_whole_body_is_decoded() -> None:
    mw = _middleware()
    request = Request(URL)
    decoded = mw.process_response(request, _response(request, gzip.compress(PAGE)))
    assert decoded.body == PAGE
    assert mw.crawler.stats.get_value("safety/truncated") is None


def test_a_body_cut_short_is_retried_then_fails_as_data_loss() -> None:
    mw = _middleware(RETRY_TIMES=2)
    cut = gzip.compress(PAGE)[:-8]  # the trailer (CRC and size) missing: all the text is there
    request = Request(URL)
    for attempt in (1, 2):
        request = mw.process_response(request, _response(request, cut))
        assert isinstance(request, Request) and request.meta["retry_times"] == attempt
    with pytest.raises(ResponseDataLossError, match="gzip body cut short"):
        mw.process_response(request, _response(request, cut))
    stats = mw.crawler.stats
    assert stats.get_value("safety/truncated") == 3
    assert stats.get_value("retry/reason_count/truncated body") == 2
    assert stats.get_value("retry/max_reached") == 1


@pytest.mark.parametrize(
    ("settings", "meta"), [({"RETRY_ENABLED": False}, {}), ({}, {"dont_retry": True})]
)
def test_no_retry_when_retries_are_off(settings: dict, meta: dict) -> None:
    mw = _middleware(**settings)
    request = Request(URL, meta=meta)
    with pytest.raises(ResponseDataLossError):
        mw.process_response(request, _response(request, gzip.compress(PAGE)[:-1]))


def test_the_outermost_encoding_is_the_one_judged() -> None:
    """``deflate, gzip``: gzip was applied last; its stream is what the transfer carries."""
    mw = _middleware(RETRY_ENABLED=False)
    request = Request(URL)
    packed = gzip.compress(zlib.compress(PAGE))
    assert mw.process_response(request, _response(request, packed, "deflate, gzip")).body == PAGE
    with pytest.raises(ResponseDataLossError, match="gzip body"):
        mw.process_response(request, _response(request, packed[:-4], "deflate, gzip"))


SKIPPABLE = (0x184D2A50).to_bytes(4, "little") + (5).to_bytes(4, "little") + b"extra"


@pytest.mark.parametrize(
    ("encoding", "between"),
    [("gzip", b"\0" * 7), ("x-gzip", b"\0"), ("zstd", SKIPPABLE)],
)
def test_a_cut_member_after_padding_is_cut(encoding: str, between: bytes) -> None:
    """A whole member, padding Scrapy skips (gzip: zero bytes; zstd: a skippable frame),
    then a member cut short: Scrapy keeps what it decoded (gzip: the second member's part
    too), so the page would be read shorter; it was taken for whole (only a member right
    after another was judged)."""
    mw = _middleware(RETRY_ENABLED=False)
    request = Request(URL)
    pack = PACKERS[encoding.encode()]
    second = pack(PAGE)
    body = pack(b"<html><head><title>Synthetic</title></head>") + between + second
    decoded = mw.process_response(request, _response(request, body, encoding)).body
    assert decoded == b"<html><head><title>Synthetic</title></head>" + PAGE
    with pytest.raises(ResponseDataLossError, match=f"{encoding} body cut short"):
        mw.process_response(request, _response(request, body[: -len(second) // 2], encoding))
    assert mw.crawler.stats.get_value("safety/truncated") == 1
