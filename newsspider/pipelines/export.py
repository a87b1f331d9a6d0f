"""The run's JSONL feed, written crash-safely and recorded exactly once in the state.

Protocol for the run file ``F`` (see :mod:`newsspider.state`): each record goes to the
temporary file and its ``(key, content_hash)`` to the state as *pending for F* (in batches);
at close the last batch is recorded, the temporary is fsynced and renamed to ``F``, the folder
is fsynced, and only then are the keys committed as exported to ``F``. A run with no records
writes no file.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from newsspider.items import ArticleItem
from newsspider.pipelines.atomic import clean_leftovers
from newsspider.pipelines.dedup import item_key
from newsspider.pipelines.jsonline import json_line
from newsspider.pipelines.runfiles import RunFiles, run_files
from newsspider.pipelines.validate import record_of
from newsspider.pipelines.writer import RunFileWriter
from newsspider.startup import exit_on
from newsspider.state import Key, SettingError, StateStore, get_store

logger = logging.getLogger(__name__)

#: Pending keys are recorded in the state in batches of this size.
PENDING_BATCH = 500
GZIP_PLUGIN = "scrapy.extensions.postprocessing.GzipPlugin"
GZIP_OPTIONS = {"gzip_compresslevel": 6}


class ExportPipeline:
    """Appends each emitted record, fields in ``RECORD_FIELDS`` order, to the run's file.

    Stats: ``export/items``, ``export/file``, ``export/leftovers_removed``,
    ``export/write_failed``.

    A write that fails (disk full, quota...) may leave part of a line: the run stops (finish
    reason ``export_failed``), the file is not published and its keys are rolled back, so the
    next run asks for those articles again.
    """

    def __init__(
        self, store: StateStore, files: RunFiles, crawler: Crawler, stats: StatsCollector
    ) -> None:
        self.store = store
        self.files = files
        self.stats = stats
        plugins = [GZIP_PLUGIN] if files.gzip else None
        self._writer = RunFileWriter(crawler, files.feed, plugins, GZIP_OPTIONS)
        self._rows: list[tuple[Key, str]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExportPipeline:
        assert crawler.stats is not None
        with exit_on(SettingError):
            store = get_store(crawler)
            files = run_files(crawler)
        return cls(store, files, crawler, crawler.stats)

    def open_spider(self) -> None:
        removed = clean_leftovers(self.files.directory)
        if removed:
            self.stats.set_value("export/leftovers_removed", len(removed))
            logger.warning("removed %d unfinished file(s) of an interrupted run", len(removed))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        self._writer.write(json_line(record_of(item)))
        self._rows.append((item_key(item), item["content_hash"]))
        if len(self._rows) >= PENDING_BATCH:
            self._flush_pending()
        self.stats.inc_value("export/items")
        return item

    def _flush_pending(self) -> None:
        self.store.add_pending(str(self.files.feed), self._rows)
        self._rows = []

    def close_spider(self) -> None:
        if self._writer.file is None and self._writer.failed is None:
            logger.info("no records to export: no feed file written")
            return
        self._flush_pending()
        path = self._writer.publish()
        if path is None:
            rolled = self.store.rollback_file(str(self.files.feed))
            logger.error("feed not published; %d record(s) rolled back for the next run", rolled)
            return
        count = self.store.commit_file(str(path))
        self.stats.set_value("export/file", str(path))
        logger.info("exported %d record(s) to %s", count, path)
