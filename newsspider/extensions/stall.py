"""Stop a run that has stalled (``FAKTI_STALL_SECONDS``; 0: off).

A run can hang without an error: an exception in Scrapy's own step that hands out a page's
outputs leaves that page open for ever: the spider never closes, or its close never ends
(README "Known limits"). Nothing more is fetched or written, and under cron every later run
finds the state locked (exit 3). When none of :data:`PROGRESS` has changed for
``FAKTI_STALL_SECONDS`` and the engine was not idle meanwhile (``spider_idle``: a distributed
worker waiting for the others is no stall), the run is stopped with the finish reason
``stalled`` (exit 9). Such a hang also blocks the graceful close, so a run not closed
``FAKTI_STALL_SECONDS`` later is forced to stop, as a second SIGTERM would: nothing more is
published, and the next run writes its records.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task
from twisted.internet.error import ReactorNotRunning

from newsspider.offload.pool import JOB_TIMEOUT

logger = logging.getLogger(__name__)

REASON = "stalled"
#: Stat set when the stalled run had to be forced to stop (the command's last line says so).
FORCED = "stall/forced"
#: Stats whose change is progress: a request sent, a response or a download error, an item.
PROGRESS = (
    "downloader/request_count",
    "downloader/exception_count",
    "response_received_count",
    "item_scraped_count",
    "item_dropped_count",
    "pipelines/lost",
)
#: Settings whose sum is the longest a healthy run may go without progress (:func:`quiet_bound`).
QUIET_SETTINGS = (
    "DOWNLOAD_TIMEOUT",
    "FAKTI_RETRY_AFTER_MAX",
    "FAKTI_RETRY_BACKOFF_MAX",
    "FAKTI_CRAWL_DELAY_MAX",
    "DOWNLOAD_DELAY",
)


def quiet_bound(settings: Mapping[str, Any]) -> float:
    """The longest a healthy run may count no progress, in seconds: a request's download
    timeout, a ``Retry-After`` pause, a retry's backoff and the delays between requests (plus
    AutoThrottle's largest delay when it is on, and an extraction worker's job timeout when
    pages go to workers). ``FAKTI_STALL_SECONDS`` must be above it."""
    bound = sum(float(settings.get(name) or 0) for name in QUIET_SETTINGS)
    if str(settings.get("AUTOTHROTTLE_ENABLED")) in ("True", "true", "1", "1.0"):
        bound += float(settings.get("AUTOTHROTTLE_MAX_DELAY") or 0)
    if int(float(settings.get("FAKTI_EXTRACT_WORKERS") or 0)):
        bound += JOB_TIMEOUT
    return bound


class StallWatch:
    """When the run stalled (pure: the stats and a clock are given)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self.last: tuple[Any, ...] = ()
        self.since = clock()

    def progressed(self) -> None:
        """Something other than :data:`PROGRESS` moved (the engine was idle)."""
        self.since = self.clock()

    def stalled(self, stats: Mapping[str, Any]) -> bool:
        """Whether none of :data:`PROGRESS` changed, and nothing else progressed, for
        :attr:`seconds`."""
        now, seen = self.clock(), tuple(stats.get(name) for name in PROGRESS)
        if seen != self.last:
            self.last, self.since = seen, now
        return now - self.since >= self.seconds


class StallStop:
    """Stops a stalled run (:class:`StallWatch`), and forces it to stop if it does not close."""

    def __init__(self, crawler: Crawler, seconds: float) -> None:
        self.crawler = crawler
        self.watch = StallWatch(seconds)
        self.stopped_at: float | None = None
        self._task: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StallStop:
        seconds = crawler.settings.getfloat("FAKTI_STALL_SECONDS")
        if seconds <= 0:
            raise NotConfigured
        ext = cls(crawler, seconds)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.watch.progressed, signal=signals.spider_idle)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.watch.progressed()
        self._task = task.LoopingCall(self.check)
        self._task.start(min(60.0, self.watch.seconds / 10), now=False)

    def check(self) -> None:
        engine, stats = self.crawler.engine, self.crawler.stats
        assert engine is not None and stats is not None
        seconds = self.watch.seconds
        if self.stopped_at is None and self.watch.stalled(stats.get_stats()):
            logger.error("run stalled: no request, response or item for %g s; stopping", seconds)
            self.stopped_at = self.watch.clock()
            deferred_from_coro(engine.close_spider_async(reason=REASON))
        elif self.stopped_at is not None and self.watch.clock() - self.stopped_at >= seconds:
            logger.error("stalled run not closed %g s after it was stopped: forcing it", seconds)
            stats.set_value(FORCED, 1)
            self.spider_closed(None)
            self._force()

    def _force(self) -> None:
        """What a second SIGTERM does: the reactor stopped, the spider left unclosed (the
        crawler no longer crawling, so that the reactor's shutdown does not wait for it)."""
        from twisted.internet import reactor

        self.crawler.crawling = False
        with suppress(ReactorNotRunning):
            reactor.stop()

    def spider_closed(self, spider: Spider | None) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
