"""Stop a run early when the site is unreachable.

Once a request other than robots.txt has failed all its retries with a download error
(``retry/pages_gave_up``) and no response at all has been received, every other request would
fail the same way, each after its own retries (an hour with live timeouts). The run is then
closed with the finish reason ``site_unreachable``, and the health gate reports it (exit
status 4). A robots.txt that gave up does not count: it disallows everything
(:mod:`newsspider.middlewares.robots`), so no other request is sent and the run ends on its
own; nor is a page's failed attempt, which its retry may still get an answer to.
``FAKTI_HEALTH_UNREACHABLE_ABORT=False`` keeps trying every request instead.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from newsspider.middlewares.retry import PAGES_GAVE_UP

logger = logging.getLogger(__name__)

REASON = "site_unreachable"
#: Seconds between checks of the stats.
CHECK_INTERVAL = 0.5


def unreachable(stats: dict[str, Any]) -> bool:
    """A request other than robots.txt gave up retrying, and nothing ever answered."""
    return bool(stats.get(PAGES_GAVE_UP)) and not stats.get("response_received_count")


class UnreachableAbort:
    """Closes the spider with reason ``site_unreachable`` (:func:`unreachable`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._task: task.LoopingCall | None = None
        self._closing: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnreachableAbort:
        if not crawler.settings.getbool("FAKTI_HEALTH_UNREACHABLE_ABORT", True):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self._task = task.LoopingCall(self.check)
        self._task.start(CHECK_INTERVAL, now=False)

    def check(self) -> None:
        assert self.crawler.stats is not None and self.crawler.engine is not None
        if self._closing is None and unreachable(self.crawler.stats.get_stats()):
            logger.warning("no response from the site and a request gave up: stopping the run")
            self._closing = deferred_from_coro(
                self.crawler.engine.close_spider_async(reason=REASON)
            )

    def spider_closed(self, spider: Spider) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
