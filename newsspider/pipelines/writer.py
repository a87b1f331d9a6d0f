"""A run file (feed, rejects, report) that a failed write can never leave half-published.

:class:`RunFileWriter` makes the crash-safe :class:`~newsspider.pipelines.atomic.AtomicFile`
on its first write. A write, the making of the temporary, or the publishing that fails (disk
full, quota, file size limit; or anything else: a ``MemoryError``, a bug), or the state's
record of the feed's keys (see :class:`~newsspider.pipelines.export.ExportPipeline`) is
:func:`write_failed`: logged, counted
(``export/write_failed``), exit status 9 asked for, :data:`write_failure` signalled (the
spider then moves no watermark) and the run stopped (finish reason :data:`EXPORT_FAILED`);
the file is not published.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from newsspider.extensions.exitstatus import set_exit_status
from newsspider.extensions.health import EXIT_FINISH_REASON, EXPORT_FAILED
from newsspider.pipelines.atomic import AtomicFile, WriteFailed, error_text

logger = logging.getLogger(__name__)

#: Signal sent (``name=``, the file's name) on the first failed write of a run: the spider
#: then counts its walk as incomplete (no watermark moves, in a distributed job too).
write_failure = object()


def write_failed(
    crawler: Crawler, name: str, error: Exception, then: str = "", trace: bool = False
) -> None:
    """The first failed write of a run file (``name``: its final name; a ``-o``/``-O`` feed's
    URI) or of its record in the state: logged (``then``: what it means, appended to the
    line; ``trace``: with the error's traceback, for one that is no disk's or state's, a
    bug), counted, signalled, and the run asked to stop (whatever follows cannot be
    published)."""
    if crawler.stats.get_value("export/write_failed"):
        return
    crawler.stats.set_value("export/write_failed", name)
    logger.error(
        "writing %s failed (%s): stopping the run%s",
        name,
        error_text(error),
        then,
        exc_info=error if trace else None,
    )
    set_exit_status(crawler, EXIT_FINISH_REASON)  # (even if the run is then forced to stop)
    crawler.signals.send_catch_log(write_failure, name=name)
    try:
        engine = crawler.engine
    except RuntimeError:  # no crawl running: nothing to stop
        return
    if engine is not None and engine.running and engine.spider is not None:
        deferred_from_coro(engine.close_spider_async(reason=EXPORT_FAILED))


class RunFileWriter:
    """The run file ``path``, made on the first :meth:`write` (``plugins``/``options`` as for
    :class:`~newsspider.pipelines.atomic.AtomicFile`)."""

    def __init__(
        self,
        crawler: Crawler,
        path: Path,
        plugins: list[Any] | None = None,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.crawler, self.path = crawler, path
        self.plugins, self.options = plugins, options
        self.file: AtomicFile | None = None
        self.failed: Exception | None = None

    def write(self, data: bytes) -> None:
        """Append ``data``; a failure is :meth:`fail`, then raised. Once one has failed
        (even the making of the temporary), every write raises :class:`WriteFailed`."""
        if self.failed is not None:
            raise WriteFailed(f"{self.path.name}: an earlier write failed") from self.failed
        try:
            if self.file is None:  # (the temporary may not even be made: no inode, no quota)
                self.file = AtomicFile(self.path, self.plugins, self.options)
            self.file.write(data)
        except OSError as exc:
            self.fail(exc)
            raise

    def fail(self, error: Exception, trace: bool = False) -> None:
        """The file can no longer be published whole (a write of it, or of its keys in the
        state, failed): :func:`write_failed`."""
        self.failed = self.failed or error
        write_failed(self.crawler, self.path.name, error, trace=trace)

    def publish(self, check: Callable[[], None] | None = None) -> Path | None:
        """Publish the file (``check`` as for :meth:`AtomicFile.publish`); ``None`` when nothing
        was written, or when a write, ``check`` or publishing failed, whatever the error (not
        only an ``OSError``: a ``MemoryError`` as it is synced would otherwise leave the file
        unpublished while the run says nothing; :meth:`fail`; the temporary is deleted)."""
        if self.file is None:
            return None
        if self.failed is None:
            try:
                return self.file.publish(check)
            except Exception as exc:  # (once renamed, publish raises no more: it is in place)
                self.fail(exc, trace=not isinstance(exc, OSError))
        self.file.discard()
        return None
