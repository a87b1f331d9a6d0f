"""Write rejects beside the run's file (``<run>.rejects.jsonl``), count them, drop them."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newsspider.items import RejectItem
from newsspider.pipelines.jsonline import json_line
from newsspider.pipelines.runfiles import RunFiles, run_files
from newsspider.pipelines.writer import RunFileWriter
from newsspider.startup import exit_on
from newsspider.state import SettingError

logger = logging.getLogger(__name__)


class RejectDropped(DropItem):
    """The drop of a :class:`RejectItem` (its ``reason``). Scrapy's ``item_dropped`` signal
    names the item the spider yielded, not the reject a pipeline made of it: this exception
    is what tells a receiver that the record was rejected, and why."""

    def __init__(self, reason: str, url: Any) -> None:
        super().__init__(f"rejected ({reason}): {url}", log_level="DEBUG")
        self.reason = reason


class RejectsPipeline:
    """Each :class:`RejectItem` becomes one line ``{"url", "reason", "partial"}`` (no
    ``layers``), counted as ``rejects/<reason>``; it never reaches the feeds. The file is
    crash-safe like the feed and only exists when the run had rejects; a failed write stops
    the run as for the feed (:mod:`~newsspider.pipelines.writer`) and leaves no
    rejects file."""

    def __init__(self, files: RunFiles, crawler: Crawler, stats: StatsCollector) -> None:
        self.stats = stats
        self._writer = RunFileWriter(crawler, files.rejects)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RejectsPipeline:
        assert crawler.stats is not None
        with exit_on(SettingError):  # a redis:// state that cannot be used (down, no free slot)
            files = run_files(crawler)
        return cls(files, crawler, crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, RejectItem):
            return item
        reason = item.get("reason") or "unknown"
        partial = {k: v for k, v in (item.get("partial") or {}).items() if k != "layers"}
        self._writer.write(
            json_line({"url": item.get("url"), "reason": reason, "partial": partial})
        )
        self.stats.inc_value(f"rejects/{reason}")
        self.stats.inc_value("rejects/total")
        raise RejectDropped(reason, item.get("url"))

    def close_spider(self) -> None:
        if self._writer.file is None:
            return
        path = self._writer.publish()
        if path is None:
            logger.error("rejects file not published")
            return
        logger.info("rejects: %s (%d)", path, self.stats.get_value("rejects/total", 0))
