"""Honour robots.txt ``Crawl-delay`` (Scrapy obeys robots rules but ignores the delay),
and hold requests until the host gate allows them (``Retry-After`` pauses, retry backoff)."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from protego import Protego
from scrapy import Request, signals
from scrapy.core.downloader import Downloader
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached

from newsspider.middlewares.gate import HostGate

logger = logging.getLogger(__name__)

#: ``Request.meta`` key: a wall-clock time (seconds since the epoch) before which the request
#: must not be sent (its retry backoff).
NOT_BEFORE = "fakti_not_before"
#: Seconds between looks at a download slot that still holds a request this one must follow.
QUEUE_POLL = 0.05


def parse_crawl_delay(robots_txt: str, user_agent: str) -> float | None:
    """The ``Crawl-delay`` of the group whose rules Scrapy's robots.txt parser (Protego, its
    default ``ROBOTSTXT_PARSER``) applies to ``user_agent``: the longest group name found in
    it at a word boundary (``spider`` is not in ``newsspider``), else the ``*`` group;
    ``None`` when that group has none (another group's delay does not apply)."""
    return Protego.parse(robots_txt).crawl_delay(user_agent)


class CrawlDelayMiddleware:
    """Reads ``Crawl-delay`` from each host's robots.txt response and spaces requests by it
    (capped by ``FAKTI_CRAWL_DELAY_MAX``); also applies the gate's pauses and each request's
    retry backoff.

    Settings: ``FAKTI_CRAWL_DELAY_OBEY`` (default on; off in loopback fast mode),
    ``FAKTI_CRAWL_DELAY_MAX`` (seconds, default 60).
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.obey = settings.getbool("FAKTI_CRAWL_DELAY_OBEY", True)
        self.max_delay = settings.getfloat("FAKTI_CRAWL_DELAY_MAX", 60.0)
        self.backoff_max = settings.getfloat("FAKTI_RETRY_BACKOFF_MAX", 60.0)
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or ""
        self.crawler = crawler
        self.stats = crawler.stats
        self.gate = HostGate.for_crawler(crawler)
        #: Scrapy's downloader, once the engine has started.
        self.downloader: Downloader | None = None
        crawler.signals.connect(self._engine_started, signal=signals.engine_started)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelayMiddleware:
        return cls(crawler)

    def _engine_started(self) -> None:
        self.downloader = self.crawler.engine.downloader

    async def process_request(self, request: Request) -> None:
        """Wait out the request's own backoff (it alone; at most ``FAKTI_RETRY_BACKOFF_MAX``,
        whatever another machine's clock said; robots.txt's too: one not obtained stops the
        run, so a blip of a few seconds must not), then the host's slot (``Crawl-delay``; not
        for robots.txt) and any pause of the host, also one set while it waited."""
        url = urlparse_cached(request)
        robots = url.path == "/robots.txt"
        own = min(request.meta.get(NOT_BEFORE, 0.0) - self.gate.wall(), self.backoff_max)
        wait = max(own, 0.0)
        if wait > 0:
            await sleep(wait)
        slot = self.gate.paused_for if robots else self.gate.reserve
        host = slot(url.netloc)
        while host > 0:
            wait += host
            await sleep(host)
            host = slot(url.netloc) if self.gate.paused_for(url.netloc) > 0 else 0.0
        delay = 0.0 if robots else self.gate.delays.get(url.netloc, 0.0)
        if delay > 0:
            wait += await self._sent_apart(request, url.netloc, delay)
        if wait > 0:
            self.stats.inc_value("politeness/delayed")

    async def _sent_apart(self, request: Request, host: str, delay: float) -> float:
        """Wait until Scrapy's download slot of ``request`` has no other request queued to be
        sent and sent its last one ``delay`` seconds ago, and ``host`` is not paused (a
        ``Retry-After`` set meanwhile); the seconds waited. (The booking above spaces
        requests as they leave this middleware; one the slot then held, behind a slow
        download or its own delay, was sent late, and the next one too soon after it.)"""
        downloader = self.downloader
        if downloader is None:
            return 0.0
        key = downloader.get_slot_key(request)
        waited = 0.0
        while (held := downloader.slots.get(key)) is not None:
            # (Scrapy stamps a slot's last send with time.monotonic)
            wait = max(delay - (time.monotonic() - held.lastseen), self.gate.paused_for(host))
            if held.queue:
                wait = max(wait, QUEUE_POLL)
            if wait <= 0:
                break
            waited += wait
            await sleep(wait)
        return waited

    def process_response(self, request: Request, response: Response) -> Response:
        """A robots.txt's ``Crawl-delay`` holds for the host asked and, when it redirected,
        for the host that answered."""
        url = urlparse_cached(request)
        redirects = request.meta.get("redirect_urls")
        asked = urlsplit(redirects[0]) if redirects else url  # (parsed once per response)
        if asked.path == "/robots.txt" and self.obey and response.status == 200:
            text = response.body.decode("utf-8-sig", "replace")  # (a BOM hid the first line)
            delay = parse_crawl_delay(text, self.user_agent)
            if delay is not None:
                delay = min(delay, self.max_delay)
                for host in dict.fromkeys((asked.netloc, url.netloc)):
                    self.gate.set_delay(host, delay)
                self.stats.set_value("politeness/crawl_delay", delay)
                logger.info("Crawl-delay %.3gs for %s", delay, asked.netloc)
        return response
