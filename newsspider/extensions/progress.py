"""A periodic progress line on long runs (``FAKTI_PROGRESS_INTERVAL`` seconds; 0: off).

``progress: 1520 pages (25.3/min), 480 articles (8.0/min), 470 emitted, 3 rejected;
oldest published so far 2025-04-02`` — the oldest date tells how far a backfill has got.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from newsspider.extensions.summary import valid_records
from newsspider.items import ArticleItem

logger = logging.getLogger(__name__)


class ProgressTracker:
    """The oldest publication time seen, and the line (pure, clock injectable)."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self.clock = clock
        self.started = clock()
        self.oldest: datetime | None = None

    def saw(self, item: Any) -> None:
        """An article record reached the pipelines' end (emitted or deduplicated)."""
        if not isinstance(item, ArticleItem):
            return
        published = item.get("published_at")
        if published:
            when = datetime.fromisoformat(str(published))
            if self.oldest is None or when < self.oldest:
                self.oldest = when

    def line(self, stats: dict[str, Any]) -> str:
        minutes = max((self.clock() - self.started) / 60.0, 1e-9)
        pages = int(stats.get("response_received_count", 0))
        articles = valid_records(stats)  # (counted before export/items: never fewer)
        parts = [
            f"{pages} pages ({pages / minutes:.1f}/min)",
            f"{articles} articles ({articles / minutes:.1f}/min)",
            f"{int(stats.get('export/items', 0))} emitted",
            f"{int(stats.get('rejects/total', 0))} rejected",
        ]
        oldest = f"; oldest published so far {self.oldest.isoformat()}" if self.oldest else ""
        return "progress: " + ", ".join(parts) + oldest


class Progress:
    """Logs :meth:`ProgressTracker.line` every ``FAKTI_PROGRESS_INTERVAL`` seconds."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.tracker = ProgressTracker()
        self._task: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("FAKTI_PROGRESS_INTERVAL", 60.0)
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.tracker.saw, signal=signals.item_scraped)
        crawler.signals.connect(ext.tracker.saw, signal=signals.item_dropped)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.tracker.started = self.tracker.clock()
        self._task = task.LoopingCall(self.log)
        self._task.start(self.interval, now=False)

    def log(self) -> None:
        assert self.crawler.stats is not None
        logger.info("%s", self.tracker.line(self.crawler.stats.get_stats()))

    def spider_closed(self, spider: Spider) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
