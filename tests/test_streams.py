"""A compressed body decoded once (``decode``): Scrapy's bytes, whether it is whole, the size
limit; and what the middleware does with it, against Scrapy's own ``HttpCompressionMiddleware``."""

from __future__ import annotations

import gzip
import logging
import random
import tracemalloc
import zlib
from collections.abc import Callable, Iterator

import brotli
import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import Headers, HtmlResponse, Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.utils.gz import gunzip
from scrapy.utils.test import get_crawler

from newsspider.middlewares.safety import SizeLimitMiddleware, TooLarge
from newsspider.middlewares.streams import DecodedTooLarge, decode, zstd

PAGE = b"<html><body>" + b"<p>Synthetic sentence of a made-up page.</p>" * 400 + b"</body></html>"
MiB = 1024 * 1024


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
def test_a_stream_cut_short_is_not_whole(encoding: bytes, keep: float) -> None:
    packed = PACKERS[encoding](PAGE)
    cut = packed[: int(len(packed) * keep)] if keep > 0 else packed[:keep]
    assert decode(packed, encoding) == (PAGE, True)
    decoded, whole = decode(cut, encoding)
    assert not whole and PAGE.startswith(decoded)


def test_raw_deflate_is_decoded_as_scrapy_reads_it() -> None:
    packed = _raw_deflate(PAGE)
    assert decode(packed, b"deflate") == decode(packed, b" Deflate ") == (PAGE, True)
    assert decode(packed + b"bytes after the stream", b"deflate") == (PAGE, True)
    assert decode(packed[:-10], b"deflate")[1] is False


@pytest.mark.parametrize("encoding", list(PACKERS))
def test_the_encoding_token_is_read_whatever_its_case(encoding: bytes) -> None:
    """Content-Encoding is case-insensitive: a stream cut short sent as 'GZIP' is still cut."""
    packed = PACKERS[encoding](PAGE)
    assert decode(packed, b" " + encoding.upper() + b" ") == (PAGE, True)
    assert decode(packed[:-12], encoding.upper())[1] is False


@pytest.mark.parametrize("encoding", [b"gzip", b"zstd"])
def test_every_member_must_end_and_trailing_bytes_are_judged_as_scrapy_reads_them(
    encoding: bytes,
) -> None:
    packed = PACKERS[encoding](PAGE)
    assert decode(packed + packed, encoding) == (PAGE + PAGE, True)
    assert decode(packed + packed[:-3], encoding)[1] is False
    # GzipFile stops at bytes that are not a member; ZstdFile fails on them (ZstdError)
    trailing = decode(packed + b"\0\0 not a member", encoding)
    assert trailing == ((PAGE, True) if encoding == b"gzip" else (b"", False))


def test_a_gzip_member_whose_trailer_does_not_match_is_not_whole() -> None:
    """Scrapy keeps the member's text when its checksum or size is wrong; it is not whole."""
    packed = gzip.compress(PAGE)
    for bad in (packed[:-8] + b"\0\0\0\0" + packed[-4:], packed[:-4] + b"\0\0\0\0"):
        assert gunzip(bad) == PAGE
        assert decode(bad, b"gzip") == (b"", False)


def test_many_tiny_members_are_decoded() -> None:
    """Each member costs at most a bounded copy of what follows it (not the whole rest)."""
    member = gzip.compress(b"<p>x</p>")
    assert decode(member * 20_000, b"gzip") == (b"<p>x</p>" * 20_000, True)


@pytest.mark.parametrize("encoding", list(PACKERS))
def test_garbage_is_not_whole(encoding: bytes) -> None:
    assert decode(b"not compressed at all", encoding) == (b"", False)


@pytest.mark.parametrize("encoding", list(PACKERS))
def test_an_empty_body_is_no_stream_cut_short(encoding: bytes) -> None:
    """A 404, 204 or redirect with no content and the header (review): not cut."""
    assert decode(b"", encoding) == (b"", True)


def _zeros(encoding: bytes, size: int) -> bytes:
    """``size`` zero bytes compressed, built a MiB at a time (never the whole in memory)."""
    chunk = b"\0" * MiB
    if encoding == b"br":
        packer = brotli.Compressor(quality=5)
        return b"".join(packer.process(chunk) for _ in range(size // MiB)) + packer.finish()
    if encoding == b"zstd":
        packer = zstd.ZstdCompressor()
        return b"".join(packer.compress(chunk) for _ in range(size // MiB)) + packer.flush()
    packer = zlib.compressobj(9, zlib.DEFLATED, 31 if b"gzip" in encoding else 15)
    return b"".join(packer.compress(chunk) for _ in range(size // MiB)) + packer.flush()


@pytest.mark.parametrize("encoding", list(PACKERS))
def test_a_bomb_stops_near_the_limit(encoding: bytes) -> None:
    """50 MiB of zeros with a 1 MiB limit: stopped past the limit, never 50 MiB in memory."""
    bomb = _zeros(encoding, 50 * MiB)
    tracemalloc.start()
    try:
        with pytest.raises(DecodedTooLarge) as raised:
            decode(bomb, encoding, MiB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert MiB < raised.value.size <= MiB + 64 * 1024  # (brotli's limit is soft: 16 MiB once)
    assert peak < 4 * MiB
    assert decode(_zeros(encoding, 2 * MiB), encoding, 2 * MiB) == (b"\0" * 2 * MiB, True)


def _middleware(**settings) -> SizeLimitMiddleware:
    crawler = get_crawler(Spider, settings_dict=settings)
    crawler.spider = crawler._create_spider("fakti")
    return SizeLimitMiddleware.from_crawler(crawler)


def _scrapy(**settings) -> HttpCompressionMiddleware:
    return HttpCompressionMiddleware.from_crawler(get_crawler(Spider, settings_dict=settings))


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


def test_an_error_page_cut_short_is_passed_on_with_its_status() -> None:
    """An error page (404) whose compressed body is cut short is not retried as a truncated
    body: it is passed on as decoded, and its status decides (an article's reject reads
    ``http:404``)."""
    mw = _middleware()
    request = Request(URL)
    cut = _response(request, gzip.compress(PAGE)[:-8]).replace(status=404)
    passed = mw.process_response(request, cut)
    assert isinstance(passed, Response) and (passed.status, passed.body) == (404, PAGE)
    assert mw.crawler.stats.get_value("safety/truncated") is None


@pytest.mark.parametrize(
    ("settings", "meta"), [({"RETRY_ENABLED": False}, {}), ({}, {"dont_retry": True})]
)
def test_no_retry_when_retries_are_off(settings: dict, meta: dict) -> None:
    mw = _middleware(**settings)
    request = Request(URL, meta=meta)
    with pytest.raises(ResponseDataLossError):
        mw.process_response(request, _response(request, gzip.compress(PAGE)[:-1]))


def test_every_encoding_is_judged() -> None:
    """``deflate, gzip``: gzip was applied last and is undone first; the deflate stream
    inside it must end too."""
    mw = _middleware(RETRY_ENABLED=False)
    request = Request(URL)
    packed = gzip.compress(zlib.compress(PAGE))
    assert mw.process_response(request, _response(request, packed, "deflate, gzip")).body == PAGE
    with pytest.raises(ResponseDataLossError, match="gzip body"):
        mw.process_response(request, _response(request, packed[:-4], "deflate, gzip"))
    inner_cut = gzip.compress(zlib.compress(PAGE)[:-4])
    with pytest.raises(ResponseDataLossError, match="deflate body"):
        mw.process_response(request, _response(request, inner_cut, "deflate, gzip"))


def test_a_body_that_cannot_be_decoded_is_not_read() -> None:
    """A plain page labelled gzip: Scrapy raises its decoder's error; here it is retried
    like a body cut short, then fails as a data loss."""
    request = Request(URL)
    with pytest.raises(OSError, match="Not a gzipped file"):
        _scrapy().process_response(request, _response(request, PAGE))
    with pytest.raises(ResponseDataLossError, match="gzip body cut short or undecodable"):
        _middleware(RETRY_ENABLED=False).process_response(request, _response(request, PAGE))


def test_a_bomb_is_dropped_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    mw = _middleware(DOWNLOAD_MAXSIZE=MiB)
    request = Request(URL)
    bomb = _zeros(b"gzip", 50 * MiB)
    with pytest.raises(TooLarge, match=r"\d+ B decompressed so far"):
        mw.process_response(request, _response(request, bomb))
    assert mw.crawler.stats.get_value("safety/refused/maxsize") == 1
    assert mw.crawler.stats.get_value("httpcompression/response_count") is None
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert f"({len(bomb)} B compressed), over DOWNLOAD_MAXSIZE (1048576 B)" in line


@pytest.mark.parametrize("encoding", list(PACKERS))
def test_the_download_maxsize_meta_is_the_limit(encoding: bytes) -> None:
    """The limit is the decompressed size: a body of exactly the limit passes, one byte
    over it does not; ``download_maxsize`` in the request's meta overrides the setting."""
    mw = _middleware(DOWNLOAD_MAXSIZE=1000)
    packed = PACKERS[encoding](PAGE)
    for limit in (0, len(PAGE)):
        request = Request(URL, meta={"download_maxsize": limit})
        assert (
            mw.process_response(request, _response(request, packed, encoding.decode())).body == PAGE
        )
    request = Request(URL, meta={"download_maxsize": len(PAGE) - 1})
    with pytest.raises(TooLarge, match=f"{len(PAGE)} B decompressed so far"):
        mw.process_response(request, _response(request, packed, encoding.decode()))
    with pytest.raises(TooLarge):
        mw.process_response(Request(URL), _response(Request(URL), packed, encoding.decode()))
    assert mw.crawler.stats.get_value("safety/refused/maxsize") == 2


def test_the_download_warnsize_meta_is_the_warning_size(caplog: pytest.LogCaptureFixture) -> None:
    """``download_warnsize`` in the request's meta overrides ``DOWNLOAD_WARNSIZE``: one
    warning for a body over it once decompressed."""
    mw = _middleware()
    request = Request(URL, meta={"download_warnsize": len(PAGE)})
    assert mw.process_response(request, _response(request, gzip.compress(PAGE))).body == PAGE
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert line.endswith(
        f": {len(PAGE)} B once decompressed, over DOWNLOAD_WARNSIZE ({len(PAGE)} B)"
    )


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


def _cases() -> Iterator[tuple[str, list[bytes], bytes, str]]:
    """``(name, Content-Encoding header lines, body, Content-Type)``: whole bodies."""
    html = "text/html; charset=utf-8"
    head, tail = PAGE[:1000], PAGE[1000:]
    for encoding, pack in PACKERS.items():
        yield encoding.decode(), [encoding], pack(PAGE), html
        noise = random.Random(7).randbytes(300_000)  # incompressible: many pieces and chunks
        yield f"{encoding.decode()} noise", [encoding], pack(noise), "application/octet-stream"
    yield "raw deflate", [b"deflate"], _raw_deflate(PAGE), html
    yield "deflate, bytes after", [b"deflate"], zlib.compress(PAGE) + b"trailing", html
    yield "gzip members", [b"gzip"], gzip.compress(head) + gzip.compress(tail), html
    padded = gzip.compress(head) + b"\0" * 9 + gzip.compress(tail) + b"\0" * 3
    yield "gzip zero padding", [b"gzip"], padded, html
    yield "gzip garbage after", [b"gzip"], gzip.compress(PAGE) + b"\0\0garbage", html
    yield "gzip many members", [b"gzip"], b"".join(map(gzip.compress, PAGE.split(b"</p>"))), html
    frames = zstd.compress(head) + SKIPPABLE + zstd.compress(tail) + SKIPPABLE
    yield "zstd skippable frames", [b"zstd"], frames, html
    yield "gzip, gzip", [b"gzip, gzip"], gzip.compress(gzip.compress(PAGE)), html
    yield "deflate + br lines", [b"deflate", b"BR"], brotli.compress(zlib.compress(PAGE)), html
    yield "unknown, gzip", [b"Foo , gzip"], gzip.compress(PAGE), html
    yield "gzip, unknown", [b"gzip, foo"], PAGE, html
    yield "identity", [b"identity"], PAGE, html
    yield "empty gzip", [b"gzip"], b"", html
    yield "over the warning size", [b"gzip"], gzip.compress(PAGE * 10), html
    page = "<html><head><meta charset=windows-1251></head><p>Синтетичен текст.</p></html>"
    yield "charset in the page", [b"gzip"], gzip.compress(page.encode("cp1251")), "text/html"
    yield "json", [b"br"], brotli.compress(b'{"synthetic": "value"}'), "application/json"
    yield "no content type", [b"zstd"], zstd.compress(PAGE), ""


def _run(
    process: Callable[[Request, Response], Request | Response],
    request: Request,
    lines: list[bytes],
    body: bytes,
    content_type: str,
    caplog: pytest.LogCaptureFixture,
) -> tuple[object, ...]:
    """What a middleware makes of a response built as Scrapy's download handler builds it."""
    headers = Headers({"Content-Encoding": lines, "Content-Type": content_type})
    cls = responsetypes.from_args(headers=headers, url=URL, body=body)
    response = cls(URL, headers=headers, body=body, request=request)
    caplog.clear()
    out = process(request, response)
    warnings = sum(r.levelno == logging.WARNING for r in caplog.records)
    assert isinstance(out, Response)
    encoding = out.encoding if isinstance(out, TextResponse) else None
    return type(out), out.body, sorted(out.headers.items()), encoding, warnings, out is response


@pytest.mark.parametrize(("name", "lines", "body", "content_type"), list(_cases()))
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_whole_bodies_come_out_as_from_scrapys_middleware(
    name: str,
    lines: list[bytes],
    body: bytes,
    content_type: str,
    method: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Class, body, headers, text encoding, warnings and stats: the same as Scrapy's
    ``HttpCompressionMiddleware`` gives (HEAD: the response as it came)."""
    settings = {"DOWNLOAD_WARNSIZE": 100_000}
    ours, scrapys = _middleware(**settings), _scrapy(**settings)
    request = Request(URL, method=method)
    got = _run(ours.process_response, request, lines, body, content_type, caplog)
    assert got == _run(scrapys.process_response, request, lines, body, content_type, caplog)
    assert got[-1] is (method == "HEAD")
    stats = ("httpcompression/response_bytes", "httpcompression/response_count")
    assert [ours.crawler.stats.get_value(k) for k in stats] == [
        scrapys.stats.get_value(k) for k in stats
    ]


def test_a_response_without_content_encoding_is_passed_on() -> None:
    request = Request(URL)
    response = HtmlResponse(URL, body=PAGE, request=request)
    assert _middleware().process_response(request, response) is response


@pytest.mark.parametrize("between", [b"", b"\0" * 3])
def test_a_member_cut_one_byte_in_is_cut(between: bytes) -> None:
    """The body ends with the first byte of the next member's magic: a member cut one byte in
    (taken for bytes after the last member, the page read shorter)."""
    first = gzip.compress(PAGE[:1000])
    body = first + between + gzip.compress(PAGE[1000:])
    assert decode(body, b"gzip") == (PAGE, True)
    assert decode(body[: len(first) + len(between) + 1], b"gzip") == (PAGE[:1000], False)
    assert decode(first + between + b"\x1e", b"gzip") == (PAGE[:1000], True)  # not a member


def test_many_tiny_members_cost_about_the_page_in_memory() -> None:
    """100,000 one-byte gzip members: each member's output was kept as its own object until
    the end (about 60 bytes a member of overhead, 60 times the page)."""
    body = gzip.compress(b"a") * 100_000
    tracemalloc.start()
    try:
        decoded, whole = decode(body, b"gzip")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (decoded, whole) == (b"a" * 100_000, True)
    assert peak < 1 * MiB


@pytest.mark.parametrize("status", [404, 503])
def test_an_error_page_cut_short_keeps_its_status(status: int) -> None:
    """An error page is not read: one cut short is passed on with its status (an article
    gone, a server error), not retried as a truncated body and failed as a data loss."""
    mw = _middleware()
    request = Request(URL)
    cut = gzip.compress(PAGE)[:-8]
    response = _response(request, cut).replace(status=status)
    passed = mw.process_response(request, response)
    assert isinstance(passed, Response) and passed.status == status
    assert passed.body == PAGE and "Content-Encoding" not in passed.headers
    assert mw.crawler.stats.get_value("safety/truncated") is None
