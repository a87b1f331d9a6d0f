"""Retries with backoff, honouring ``Retry-After`` on 429 and 503 (Scrapy's retry ignores it).

A retried request is not sent before its delay: it waits
``FAKTI_RETRY_BACKOFF_BASE * 2**(attempt-1)`` seconds, capped by ``FAKTI_RETRY_BACKOFF_MAX``,
and a ``Retry-After`` (seconds, or an HTTP date read against the response's ``Date``: the
server's clock; capped by ``FAKTI_RETRY_AFTER_MAX``, 0 = not honoured) pauses the whole host,
also after a last attempt: the retry waits the longer of the two, never less than its
backoff (a ``Retry-After`` of 0 or in the past is no reason to retry at once). A request
other than robots.txt that gives up after a download error (``RETRY_EXCEPTIONS``) is
counted: :data:`PAGES_GAVE_UP`, read by the early stop of an unreachable site.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from newsspider.extraction.listings import clock_from_date_header
from newsspider.middlewares.gate import HostGate
from newsspider.middlewares.politeness import NOT_BEFORE

RETRY_AFTER_STATUSES = frozenset({429, 503})
#: Stat: requests other than robots.txt that gave up after a download error (``RETRY_EXCEPTIONS``).
PAGES_GAVE_UP = "retry/pages_gave_up"


def _http_date(value: str) -> datetime | None:
    """An HTTP date (``Sun, 26 Oct 2025 10:00:00 GMT``) as an aware datetime, else None."""
    try:
        when = parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def parse_retry_after(value: str | bytes | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds, or an HTTP date less
    ``now``: 0 when past), else None."""
    if isinstance(value, bytes):
        value = value.decode("latin-1", "replace")
    value = (value or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():  # (not "²": a digit to str.isdigit)
        return float(value)
    when = _http_date(value)
    return None if when is None else max(0.0, (when - now).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's ``RetryMiddleware`` plus ``Retry-After`` and exponential backoff."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        mw = super().from_crawler(crawler)
        settings = crawler.settings
        mw.backoff_base = settings.getfloat("FAKTI_RETRY_BACKOFF_BASE", 2.0)
        mw.backoff_max = settings.getfloat("FAKTI_RETRY_BACKOFF_MAX", 60.0)
        mw.retry_after_max = settings.getfloat("FAKTI_RETRY_AFTER_MAX", 300.0)
        mw.gate = HostGate.for_crawler(crawler)
        return mw

    def process_response(self, request: Request, response: Response) -> Request | Response:
        """A ``Retry-After`` on 429/503 pauses the host, also when the request is not retried
        again (its last attempt): the site asked for a pause, not for that request. A retry
        also keeps its own backoff: it waits the longer of the two."""
        result = super().process_response(request, response)
        if response.status in RETRY_AFTER_STATUSES:
            headers = response.headers
            # (the server's clock, against which its Retry-After date is written)
            now = clock_from_date_header(headers.get(b"Date"), datetime.now(UTC))
            wait = parse_retry_after(headers.get(b"Retry-After"), now)
            if wait is not None:
                self.gate.pause(urlparse_cached(request).netloc, min(wait, self.retry_after_max))
                self.crawler.stats.inc_value("politeness/retry_after")
        return self._backoff(result)

    def process_exception(
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        download_error = isinstance(exception, self.exceptions_to_retry)
        if result is None and download_error and urlparse_cached(request).path != "/robots.txt":
            self.crawler.stats.inc_value(PAGES_GAVE_UP)
        return self._backoff(result)

    def _backoff(self, result: Request | Response | None) -> Request | Response | None:
        if isinstance(result, Request) and self.backoff_base > 0:
            attempt = result.meta.get("retry_times", 1)
            wait = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
            result.meta[NOT_BEFORE] = self.gate.wall() + wait
        return result
