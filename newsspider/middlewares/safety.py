"""Safety limits: no request leaves the site, no listing is walked forever.

- :class:`SiteGuardMiddleware` (downloader): refuses, before robots.txt or the download
  handler sees it, every request that is not ``http``/``https`` (``file:``, ``data:``,
  ``javascript:``, ``mailto:``...) or not on the crawled site (the origin of
  ``FAKTI_BASE_URL``, or of the embedded replica; the fakti.bg host variants when crawling
  fakti.bg itself). Redirects are re-scheduled through the downloader middlewares, so an
  off-site redirect is refused here too.
- :class:`SizeLimitMiddleware` (downloader, in place of Scrapy's ``HttpCompressionMiddleware``):
  decodes each compressed body once (:func:`~newsspider.middlewares.streams.decode`), with
  ``DOWNLOAD_MAXSIZE`` applied to the decompressed size, so a gzip bomb is cut near the
  limit; counts every response dropped for its size and turns the download handler's
  cancellation into a quiet ``IgnoreRequest`` (no traceback; one warning line). A compressed
  body cut short (or that cannot be decoded) is retried, then fails as a
  ``ResponseDataLossError``: never read as a shorter page.
- :class:`ListingGuardMiddleware` (spider): drops a pagination request deeper than
  ``FAKTI_MAX_LISTING_PAGES`` and one that loops (points back to a page of the same listing
  already requested, or to an earlier page number), and sends :data:`listing_cut` (the walk
  below is not done: the spider then moves no watermark).

Both count what they refuse in the stats (``safety/...``) and log it.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, ResponseDataLossError
from scrapy.http import Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils.httpobj import urlparse_cached

from newsspider.extraction import patterns as P
from newsspider.extraction.urls import page_number
from newsspider.middlewares.streams import DECODERS, DecodedTooLarge, decode

logger = logging.getLogger(__name__)

#: Signal sent (``request=``, ``reason=``) when a listing request is dropped.
listing_cut = object()

#: ``Request.meta`` key set by the spider on listing and search requests: the page number.
PAGE_META = "page"


def _origin(url: str) -> tuple[str, int | None] | None:
    """``(host, port)`` of an http(s) URL (host lower-case, trailing dot dropped), else None."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in P.WEB_SCHEMES or not host:
        return None
    return host, port if port is not None else P.DEFAULT_PORTS[scheme]


def is_allowed(url: str, base_url: str) -> bool:
    """Whether ``url`` may be requested when crawling ``base_url``: http(s), same host and
    port as the base; any fakti.bg host variant on a default port when the base is fakti.bg."""
    origin, base = _origin(url), _origin(base_url)
    if origin is None or base is None:
        return False
    if origin == base:
        return True
    site = {h.rstrip(".") for h in P.SITE_HOSTS}
    return base[0] in site and origin[0] in site and origin[1] in P.DEFAULT_PORTS.values()


class SiteGuardMiddleware:
    """Refuses (``IgnoreRequest``) non-http(s) and off-site requests, redirects included.

    Stats: ``safety/refused/scheme``, ``safety/refused/offsite``, and
    ``safety/refused/redirect`` for those that came from a redirect.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteGuardMiddleware:
        return cls(crawler)

    def _base_url(self) -> str:
        spider = getattr(self.crawler, "spider", None)
        base = getattr(spider, "base_url", None)
        return str(base or self.crawler.settings.get("FAKTI_BASE_URL") or P.CANONICAL_ORIGIN)

    def process_request(self, request: Request) -> None:
        if is_allowed(request.url, self._base_url()):
            return
        scheme = urlparse_cached(request).scheme.lower()
        why = "offsite" if scheme in P.WEB_SCHEMES else "scheme"
        self.stats.inc_value(f"safety/refused/{why}")
        redirected = bool(request.meta.get("redirect_urls"))
        if redirected:
            self.stats.inc_value("safety/refused/redirect")
        logger.warning(
            "refused %s request%s: %.200s",
            why,
            f" (redirect from {request.meta['redirect_urls'][-1]:.200})" if redirected else "",
            request.url,
        )
        raise IgnoreRequest(f"refused {why} request: {request.url:.200}")


class TooLarge(IgnoreRequest):
    """A response over ``DOWNLOAD_MAXSIZE`` was dropped."""


class SizeLimitMiddleware(HttpCompressionMiddleware):
    """Decodes compressed responses in place of Scrapy's ``HttpCompressionMiddleware``
    (same ``Accept-Encoding``, headers, response class, size settings, warnings and
    ``httpcompression/...`` stats), each body in one pass (:func:`decode`).

    Responses over ``DOWNLOAD_MAXSIZE`` (as sent, or once decompressed) are dropped
    (:class:`TooLarge`) and counted: ``safety/refused/maxsize``. A compressed body that is
    not whole (one of its ``Content-Encoding`` streams does not end, or cannot be decoded)
    is counted, ``safety/truncated``, and retried like a download error (``RETRY_TIMES``,
    Scrapy's ``retry/...`` stats), then fails with ``ResponseDataLossError``."""

    crawler: Crawler
    max_size: int
    warn_size: int

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SizeLimitMiddleware:
        mw = super().from_crawler(crawler)
        mw.crawler = crawler
        mw.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        mw.warn_size = crawler.settings.getint("DOWNLOAD_WARNSIZE")
        return mw

    def process_response(self, request: Request, response: Response) -> Request | Response:
        encodings = [
            token.strip().lower()
            for value in response.headers.getlist("Content-Encoding")
            for token in value.split(b",")
        ]
        if request.method == "HEAD" or not encodings:
            return response
        max_size = request.meta.get("download_maxsize", self.max_size)
        body = response.body
        while encodings and encodings[-1] in DECODERS:  # the last applied, the first undone
            encoding = encodings.pop()
            try:
                body, whole = decode(body, encoding, max_size)
            except DecodedTooLarge as exc:
                self._count()
                msg = (
                    f"dropped {response.url:.200}: {exc.size} B decompressed so far "
                    f"({len(response.body)} B compressed), over DOWNLOAD_MAXSIZE ({max_size} B)"
                )
                logger.warning(msg)
                raise TooLarge(msg) from exc
            if not whole and 200 <= response.status < 300:  # (an error page is not read)
                return self._cut_short(request, encoding.decode("latin-1"))
        return self._decoded(request, response, body, encodings)

    def _decoded(
        self, request: Request, response: Response, body: bytes, kept: list[bytes]
    ) -> Response:
        """``response`` with ``body``, the encodings not decoded (``kept``) left in its
        header, its class guessed again (a text one detects its encoding again)."""
        warn_size = request.meta.get("download_warnsize", self.warn_size)
        if len(response.body) < warn_size <= len(body):
            logger.warning(
                "%s: %d B once decompressed, over DOWNLOAD_WARNSIZE (%d B)",
                response,
                len(body),
                warn_size,
            )
        headers = response.headers.copy()
        if kept:
            logger.warning(
                "%s: cannot decode %s from encoding(s) %r",
                type(self).__name__,
                response.url,
                b",".join(kept).decode("latin-1"),
            )
            headers["Content-Encoding"] = kept
        else:
            del headers["Content-Encoding"]
        self.crawler.stats.inc_value("httpcompression/response_bytes", len(body))
        self.crawler.stats.inc_value("httpcompression/response_count")
        cls = responsetypes.from_args(headers=headers, url=response.url, body=body)
        text = {"encoding": None} if issubclass(cls, TextResponse) else {}
        return response.replace(cls=cls, body=body, headers=headers, **text)

    def _cut_short(self, request: Request, encoding: str) -> Request:
        self.crawler.stats.inc_value("safety/truncated")
        logger.warning("%s body cut short or undecodable: %.200s", encoding, request.url)
        settings = self.crawler.settings
        if settings.getbool("RETRY_ENABLED") and not request.meta.get("dont_retry"):
            retry = get_retry_request(request, spider=self.crawler.spider, reason="truncated body")
            if retry is not None:
                return retry
        raise ResponseDataLossError(f"{encoding} body cut short or undecodable: {request.url:.200}")

    def process_exception(self, request: Request, exception: Exception) -> None:
        # Scrapy's HTTP handler cancels a download only when it exceeds DOWNLOAD_MAXSIZE
        # (announced by Content-Length, or received so far); it logged the sizes.
        if isinstance(exception, DownloadCancelledError):
            self._count()
            logger.warning("dropped %.200s: larger than DOWNLOAD_MAXSIZE", request.url)
            raise TooLarge(f"larger than DOWNLOAD_MAXSIZE: {request.url:.200}") from exception

    def _count(self) -> None:
        if self.stats is not None:
            self.stats.inc_value("safety/refused/maxsize")


def _page_of(url: str) -> tuple[str, int]:
    """``(walk, page number)`` of a listing URL; a URL without a usable ``page`` is page 0.
    The walk is the path, and for a search its query without the page (sorted): a search
    of another date range (a narrowed search of a capped walk) pages from 0 again."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    if P.SEARCH_PATH.match(parts.path):
        query = parse_qsl(parts.query, keep_blank_values=True)
        path += "?" + urlencode(sorted((k, v) for k, v in query if k != P.PAGE_PARAM))
    return path, page_number(parts.query, 0)


class ListingGuardMiddleware(BaseSpiderMiddleware):
    """Bounds listing and search pagination.

    A request the spider marks with ``meta["page"]`` is a listing page. It is dropped when:

    - its page number (``meta["page"]`` or the URL's ``page``) exceeds
      ``FAKTI_MAX_LISTING_PAGES`` (``safety/listing/max_pages``);
    - it follows from a listing page and points back: to a ``(path, page)`` already
      requested this run, or to a page number not above the current one on the same path
      (``safety/listing/loop``). A search's "path" includes its query without the page:
      the narrowed search of a capped search walk (another ``todate``) starts at page 0.

    ``meta["page"]`` of a search page counts the pages of its edition's whole search walk,
    narrowed searches included, so ``FAKTI_MAX_LISTING_PAGES`` bounds the walk.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.max_pages = int(crawler.settings.getfloat("FAKTI_MAX_LISTING_PAGES", 10_000))
        self.stats = crawler.stats
        self.signals = crawler.signals
        self.seen: set[tuple[str, int]] = set()

    def get_processed_request(self, request: Request, response: Response | None) -> Any:
        if PAGE_META not in request.meta:
            return request
        key = _page_of(request.url)
        number = max(key[1], _int(request.meta.get(PAGE_META)))
        if self.max_pages and number > self.max_pages:
            self._drop("max_pages", request, f"page {number} > {self.max_pages}")
            return None
        if response is not None and PAGE_META in response.meta:
            here = _page_of(response.url)
            if key in self.seen or (key[0] == here[0] and key[1] <= here[1]):
                self._drop("loop", request, f"points back from {response.url:.200}")
                return None
        self.seen.add(key)
        return request

    def _drop(self, why: str, request: Request, detail: str) -> None:
        self.stats.inc_value(f"safety/listing/{why}")
        logger.warning("listing %s: dropped %.200s (%s)", why, request.url, detail)
        self.signals.send_catch_log(listing_cut, request=request, reason=f"{why}: {detail}")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
