"""Stop a run that has stalled (``FAKTI_STALL_SECONDS``; 0: off).

A run can hang without an error: an exception in Scrapy's own step that hands out a page's
outputs leaves that page open for ever: the spider never closes, or its close never ends
(README "Known limits"); so can a feed storage that never answers as the run closes. Nothing
more is fetched or written, and under cron every later run finds the state locked (exit 3).
When none of :data:`PROGRESS` has changed for ``FAKTI_STALL_SECONDS`` and the engine was not
idle meanwhile (``spider_idle``: a distributed worker waiting for the others is no stall), the
run is stopped with the finish reason ``stalled`` (exit 9). Such a hang also blocks the
graceful close, so a run still not ended after another ``FAKTI_STALL_SECONDS`` without
progress is forced to stop, as a second SIGTERM would: nothing more is published, and the next
run writes its records. The watch lasts until the engine has stopped.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from typing import Any, NoReturn

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task
from twisted.internet.error import ReactorNotRunning

from newsspider.extensions.exitstatus import exit_status
from newsspider.extensions.health import EXIT_FINISH_REASON
from newsspider.offload.pool import JOB_TIMEOUT, WATCH_INTERVAL

logger = logging.getLogger(__name__)

REASON = "stalled"
#: Stat set when the stalled run had to be forced to stop (the command's last line says so).
FORCED = "stall/forced"
#: Stats whose change is progress: a request sent, a response (a retried one too) or a
#: download error, an item.
PROGRESS = (
    "downloader/request_count",
    "downloader/response_count",
    "downloader/exception_count",
    "response_received_count",
    "item_scraped_count",
    "item_dropped_count",
    "pipelines/lost",
)

#: Settings a healthy run may wait for, one after the other, with no progress counted.
WAITS = (
    "DOWNLOAD_TIMEOUT",
    "FAKTI_CRAWL_DELAY_MAX",
    "FAKTI_RETRY_AFTER_MAX",
    "FAKTI_RETRY_BACKOFF_MAX",
)
AUTOTHROTTLE_DELAYS = ("AUTOTHROTTLE_START_DELAY", "AUTOTHROTTLE_MAX_DELAY")
#: The longest the extraction pool takes to kill a worker that left a page unanswered.
WORKER_KILLED = JOB_TIMEOUT + 2 * WATCH_INTERVAL


def quiet_bound(settings: BaseSettings) -> float:
    """The longest a healthy run may count no progress, in seconds: a request's download
    timeout, a ``Crawl-delay``, a ``Retry-After`` pause, a retry's backoff, Scrapy's longest
    delay between two requests with its random jitter (``DOWNLOAD_DELAY``, a ``DOWNLOAD_SLOTS``
    delay, AutoThrottle's start and largest delays when it is on), and, when pages go to
    extraction workers, the time the pool takes to kill a hung one. ``FAKTI_STALL_SECONDS``
    must be above it. ``DOWNLOAD_SLOTS`` holds dicts of numbers (checked before)."""
    slots = settings.getdict("DOWNLOAD_SLOTS").values()
    delays = [settings.getfloat("DOWNLOAD_DELAY"), *(float(s.get("delay") or 0) for s in slots)]
    if settings.getbool("AUTOTHROTTLE_ENABLED"):
        delays += [settings.getfloat(name) for name in AUTOTHROTTLE_DELAYS]
    jitters = [settings.getfloat("DOWNLOAD_DELAY_JITTER")]
    jitters += [float(s.get("jitter") or 0) for s in slots]
    if settings.getbool("RANDOMIZE_DOWNLOAD_DELAY") or any(
        s.get("randomize_delay") for s in slots
    ):  # (deprecated: 0.5; Scrapy 2.19 reads the setting only when given)
        jitters.append(0.5)
    bound = sum(map(settings.getfloat, WAITS)) + max(delays) * (1 + max(jitters))
    return bound + (WORKER_KILLED if settings.getint("FAKTI_EXTRACT_WORKERS") else 0)


def exit_now(status: int) -> NoReturn:
    """End the process at once with ``status``, its log flushed: threads still running (a
    stalled feed upload) are not waited for, as a normal exit would wait for ever."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def last_line(stats: StatsCollector, closed: bool, status: int) -> str:
    """The last line of a run a stall forced to stop: before its spider closed, or after."""
    feed = stats.get_value("export/file")
    published = f"its feed {feed} was published" if feed else "no feed published"
    if not closed:
        return (
            "run stopped before its spider could close (a stalled run that did not close when "
            f"stopped: FAKTI_STALL_SECONDS): {published}, no report; exit status {status}"
        )
    written = stats.get_value("health/exit_code") is not None
    return (
        f"run forced to stop as it closed (stalled: FAKTI_STALL_SECONDS): {published}, "
        f"{'its report written' if written else 'no report'}; exit status {status}"
    )


class StallWatch:
    """When the run stalled (pure: the stats and a clock are given)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self.last: tuple[Any, ...] = ()
        self.since = clock()

    def progressed(self) -> None:
        """Something other than :data:`PROGRESS` moved (the engine was idle, the watch
        restarted, the process was not running)."""
        self.since = self.clock()

    def stalled(self, stats: Mapping[str, Any]) -> bool:
        """Whether none of :data:`PROGRESS` changed, and nothing else progressed, for
        :attr:`seconds`."""
        now, seen = self.clock(), tuple(stats.get(name) for name in PROGRESS)
        if seen != self.last:
            self.since = now if self.last else self.since  # (the first reading: no change)
            self.last = seen
        return now - self.since >= self.seconds


class StallStop:
    """Stops a stalled run (:class:`StallWatch`), and forces it to stop if it then stalls
    again without ending."""

    def __init__(self, crawler: Crawler, seconds: float) -> None:
        self.crawler = crawler
        self.watch = StallWatch(seconds)
        #: Seconds between checks; a longer gap (the process stopped, a blocking call) is no
        #: silence of the site's.
        self.interval = min(60.0, seconds / 10)
        self.checked = self.watch.clock()
        self.stopping = self.closed = False
        self._task: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StallStop:
        seconds = crawler.settings.getfloat("FAKTI_STALL_SECONDS")
        if seconds <= 0:
            raise NotConfigured
        ext = cls(crawler, seconds)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        crawler.signals.connect(ext.watch.progressed, signal=signals.spider_idle)
        return ext

    def spider_opened(self) -> None:
        self.watch.progressed()
        self.checked = self.watch.clock()
        self._task = task.LoopingCall(self.check)
        self._task.start(self.interval, now=False)

    def check(self) -> None:
        stats = self.crawler.stats
        assert stats is not None
        now = self.watch.clock()
        if now - self.checked > 2 * self.interval:
            self.watch.progressed()  # (not running meanwhile: SIGSTOP, a paused machine)
        self.checked = now
        if not self.watch.stalled(stats.get_stats()):
            return
        seconds = self.watch.seconds
        if self.stopping or self.closed:
            if self.closed:
                logger.error("run stalled as it closed: nothing for %g s; forcing it", seconds)
            else:
                logger.error("stalled run not ended %g s after it was stopped: forcing it", seconds)
            stats.set_value(FORCED, 1)
            self.engine_stopped()
            self._force()
            return
        logger.error("run stalled: no request, response or item for %g s; stopping", seconds)
        self.stopping = True
        self.watch.progressed()
        deferred_from_coro(self._close())

    async def _close(self) -> None:
        """The spider closed with :data:`REASON` (one already closing goes on as it was)."""
        assert self.crawler.engine is not None
        with suppress(RuntimeError):  # (closed meanwhile)
            await self.crawler.engine.close_spider_async(reason=REASON)

    def _force(self) -> None:
        """What a second SIGTERM does: the reactor stopped, the spider left unclosed (the
        crawler no longer crawling, so that the reactor's shutdown does not wait for it). A
        process still alive a little later (the reactor's shutdown waiting for a thread that
        never ends, a feed's upload) is ended (:meth:`_exit_anyway`)."""
        from twisted.internet import reactor

        self.crawler.crawling = False
        with suppress(ReactorNotRunning):
            reactor.stop()
        timer = threading.Timer(min(self.watch.seconds, 60.0), self._exit_anyway)
        timer.daemon = True
        timer.start()

    def _exit_anyway(self) -> None:
        """The process's end when the reactor's could not come (its last line as the
        command's would be, the stalled thread named)."""
        stats = self.crawler.stats
        assert stats is not None
        status = exit_status(self.crawler) or EXIT_FINISH_REASON
        line = last_line(stats, self.closed, status)
        logger.error("%s (a thread still running, such as a feed's upload, left)", line)
        exit_now(status)

    def spider_closed(self) -> None:
        """The close goes on (feeds stored by other ``spider_closed`` handlers): a stall now is
        forced to stop."""
        self.closed = True

    def engine_stopped(self) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
