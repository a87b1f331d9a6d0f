"""The run's JSONL feed, written crash-safely and recorded exactly once in the state.

Protocol for the run file ``F`` (see :mod:`newsspider.state`): each record goes to the
temporary file and its ``(key, content_hash)`` to the state as *pending for F* (in batches);
at close the last batch is recorded, the temporary is fsynced and renamed to ``F``, the folder
is fsynced, and only then are the keys committed as exported to ``F``. A run with no records
writes no file.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from newsspider.extensions.lock import LockLost, lost_locks
from newsspider.extensions.summary import LEFTOVERS_REMOVED
from newsspider.items import ArticleItem
from newsspider.pipelines.atomic import clean_leftovers, error_text
from newsspider.pipelines.dedup import item_key
from newsspider.pipelines.jsonline import json_line
from newsspider.pipelines.runfiles import RunFiles, run_files
from newsspider.pipelines.validate import record_of
from newsspider.pipelines.writer import RunFileWriter, write_failed
from newsspider.startup import exit_on
from newsspider.state import Key, SettingError, StateStore, get_store

logger = logging.getLogger(__name__)

#: Pending keys are recorded in the state in batches of this size.
PENDING_BATCH = 500
_CRAWLER_ATTR = "_fakti_export"
GZIP_PLUGIN = "scrapy.extensions.postprocessing.GzipPlugin"
GZIP_OPTIONS = {"gzip_compresslevel": 6}


class ExportPipeline:
    """Appends each emitted record, fields in ``RECORD_FIELDS`` order, to the run's file.

    Stats: ``export/items``, ``export/file``, ``export/leftovers_removed``,
    ``export/write_failed``.

    A write that fails (disk full, quota...) may leave part of a line: the run stops (finish
    reason ``export_failed``), the file is not published and its keys are rolled back, so the
    next run asks for those articles again. A state that fails to record the keys (``errors``
    of the store: its disk full, Redis gone) fails the file the same way; one that fails to
    commit them once the file is published fails the run (``export_failed``) and leaves them
    pending, for the next run's recovery to commit. A run lock file removed or replaced during
    the run (:func:`~newsspider.extensions.lock.lost_locks`: another run may have rolled this
    run's keys back and exported them itself) fails the file the same way, before publishing.
    A state file deleted or replaced during the run (:meth:`StateStore.lost`) fails the run,
    whether or not it wrote records; its file is published first: its keys are in no state, so
    the next run writes its records again (not publishing it could lose them: a first run
    walks back only its first-run days). Any other error on the way (a ``MemoryError``, a
    bug) fails the file or the run in the same way, with its traceback; one that escapes the
    close all the same (raised as it starts) is found by :func:`check_closed`.
    """

    def __init__(
        self, store: StateStore, files: RunFiles, crawler: Crawler, stats: StatsCollector
    ) -> None:
        self.store = store
        self.files = files
        self.crawler = crawler
        self.stats = stats
        plugins = [GZIP_PLUGIN] if files.gzip else None
        self._writer = RunFileWriter(crawler, files.feed, plugins, GZIP_OPTIONS)
        self._rows: list[tuple[Key, str]] = []
        self.closed = False  # (its close finished: see check_closed)
        setattr(crawler, _CRAWLER_ATTR, self)

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
            self.stats.set_value(LEFTOVERS_REMOVED, len(removed))
            logger.warning(
                "removed %d unfinished file(s) of an interrupted run: %s",
                len(removed), ", ".join(path.name for path in removed),
            )  # fmt: skip

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        self._writer.write(json_line(record_of(item)))
        self.stats.inc_value("export/items")  # (the records in the file, published or not)
        self._rows.append((item_key(item), item["content_hash"]))
        if len(self._rows) >= PENDING_BATCH:
            self._flush_pending()
        return item

    def _flush_pending(self) -> None:
        """Record the queued rows as pending; an error (the store's, or any other) fails the
        feed, then is raised."""
        try:
            self.store.add_pending(str(self.files.feed), self._rows)
        except Exception as exc:
            self._writer.fail(exc, trace=not isinstance(exc, self.store.errors))
            raise
        self._rows = []

    def close_spider(self) -> None:
        path = self._publish()
        lost = self.store.lost()
        if lost is not None:
            self._state_lost(path, lost)
        elif path is not None:
            self._commit(path)
        self.closed = True

    def check_closed(self) -> None:
        """See :func:`check_closed`."""
        file = self._writer.file
        if self.closed or (file is None and self._writer.failed is None):
            return
        self.closed = True
        error = RuntimeError("its close raised: see the error logged before")
        if file is not None and file.final.exists() and not file.temp.exists():  # renamed
            self.stats.set_value("export/file", str(file.final))
            then = (
                f"; {file.final.name} is published, but its keys are left pending: the next "
                "run commits them as it starts"
            )
            write_failed(self.crawler, file.final.name, error, then)
            return
        self._writer.fail(error)
        if file is not None:
            file.discard()
        self._roll_back()

    def _publish(self) -> Path | None:
        """Publish the run file; ``None`` if there is none (no records, or it failed: its keys
        are rolled back)."""
        if self._writer.file is None and self._writer.failed is None:
            logger.info("no records to export: no feed file written")
            return None
        if self._writer.failed is None:
            try:
                self._flush_pending()
            except Exception as exc:  # (the feed failed, if not already: discarded below)
                self._writer.fail(exc, trace=True)
        path = self._writer.publish(self._check_lock)
        if path is None:
            self._roll_back()
            return None
        self.stats.set_value("export/file", str(path))
        return path

    def _state_lost(self, path: Path | None, lost: str) -> None:
        """Fail the run whose state went away (``lost``: why), with or without a run file."""
        if path is None:
            then = (
                "; the run wrote no records and moves no watermark: the next run starts from "
                "the state file as it then is (a first run if there is none)"
            )
            write_failed(self.crawler, "the state", OSError(lost), then)
            return
        written = self.stats.get_value("export/items", 0)
        then = (
            f"; {path.name} is published, but its {written} record(s) are in no state: "
            "the next run writes them again"
        )
        write_failed(self.crawler, path.name, OSError(lost), then)

    def _commit(self, path: Path) -> None:
        """Commit the published file's keys as exported to it."""
        try:
            count = self.store.commit_file(str(path))
        except Exception as exc:  # (the store's, or any other: a bug's with its traceback)
            write_failed(self.crawler, path.name, exc, trace=not isinstance(exc, self.store.errors))
            logger.error(
                "%s is published but its keys are not committed: the next run commits them "
                "as it starts",
                path.name,
            )
            return
        logger.info("exported %d record(s) to %s", count, path)

    def _check_lock(self) -> None:
        """Raise :class:`LockLost` if a run lock file of this run was removed or replaced."""
        lost = lost_locks(self.crawler)
        if lost:
            raise LockLost(
                f"the run lock {lost[0]} was removed or replaced during the run, so another "
                "run may have recovered this run's keys and be exporting them"
            )

    def _roll_back(self) -> None:
        """Forget the pending keys of the unpublished feed (or leave them to the next run's
        recovery, which forgets them too, when the state fails again)."""
        written = int(self.stats.get_value("export/items", 0))
        try:
            rolled = self.store.rollback_file(str(self.files.feed))
        except Exception as exc:  # (the store's, or any other: a bug's with its traceback)
            logger.error(
                "feed not published: its %d record(s) discarded; its keys could not be rolled "
                "back (%s): the next run does it as it starts",
                written,
                error_text(exc),
                exc_info=None if isinstance(exc, self.store.errors) else exc,
            )
            return
        logger.error(
            "feed not published: its %d record(s) discarded and their keys left out of the "
            "state (%d pending rolled back): the next run asks for them again",
            written,
            rolled,
        )


def check_closed(crawler: Crawler) -> None:
    """Fail the run whose :class:`ExportPipeline` wrote records but did not finish its close
    (it raised before its own checks could: a ``MemoryError`` as it started; Scrapy logged
    the error and went on, and the run exited 0, healthy, with no feed for its records):
    :func:`write_failed` (``export_failed``, exit status 9), as a write that failed. A file
    not yet in place is deleted and its keys rolled back (asked for again by the next run);
    one in place is the run's feed (``export/file``), its keys left pending for the next
    run's recovery to commit. Called by the spider first as it closes, before the report."""
    pipeline: ExportPipeline | None = getattr(crawler, _CRAWLER_ATTR, None)
    if pipeline is not None:
        pipeline.check_closed()
