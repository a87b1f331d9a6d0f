"""Scrapy's ``-o``/``-O`` feeds (``FEEDS``), whose failures fail the run.

:class:`CheckedFeedExporter` takes the place of Scrapy's ``FeedExporter``. A feed that cannot
be opened or written as an item is scraped (a folder that is a file, no permission, a full
disk) was one traceback per item ("Error caught on signal handler"), and the run exited 0:
the feed's consumer missed those records without a word. Now it is
:func:`~newsspider.pipelines.writer.write_failed` (one ERROR line naming the feed's URI,
finish reason ``export_failed``, exit status 9, no watermark moves), stat :data:`FEED_FAILED`.
The run file, the project's own output, is published as usual (unless its own write fails):
the feeds are extra copies, so nothing is rolled back for them (a rollback made the next run
append the records a ``-o`` feed or a healthy second feed already held, a second time).

A feed that fails only as it is stored at the end (Scrapy's ``feedexport/failed_count/*``: an
upload, or a local file whose last bytes do not fit) fails the run the same way, with one
ERROR line, after the run report was written.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.extensions.feedexport import FeedExporter

from newsspider.extensions.exitstatus import exit_status, set_exit_status
from newsspider.extensions.health import EXIT_FINISH_REASON
from newsspider.pipelines.writer import write_failed

logger = logging.getLogger(__name__)

#: Stat: the URIs of the run's feeds, set when one of them could not be opened or written.
FEED_FAILED = "export/feed_failed"
#: Scrapy's stats of feeds that could not be stored (``<prefix><storage class>``).
STORE_FAILED = "feedexport/failed_count/"
#: What a feed that failed mid-run lacks, said on its line (the run file's own fate is logged
#: as it is published, or not).
_LACKS = "; the -o/-O feed lacks the records from this one on"


class CheckedFeedExporter(FeedExporter):
    """Scrapy's ``FeedExporter`` whose failures fail the run (see the module)."""

    def _uris(self) -> str:
        return ", ".join(slot.uri for slot in self.slots)

    def item_scraped(self, item: Any, spider: Spider) -> None:
        try:
            super().item_scraped(item, spider)
        except Exception as exc:  # (the item's feed slots are Scrapy's: which one is not told)
            stats = self.crawler.stats
            if not stats.get_value(FEED_FAILED):
                uris = self._uris()
                stats.set_value(FEED_FAILED, uris)
                write_failed(self.crawler, uris, exc, _LACKS)

    async def close_spider(self, spider: Spider) -> None:
        failed = self.crawler.stats.get_value(FEED_FAILED)
        if failed:  # (a feed that could not be opened would be tried again, empty, unhandled)
            self.slots = [slot for slot in self.slots if slot.file is not None]
        await super().close_spider(spider)
        stats = self.crawler.stats.get_stats()
        if failed or not any(name.startswith(STORE_FAILED) for name in stats):
            return
        logger.error(
            "the -o/-O feed %s could not be stored (Scrapy's error above): exit status %d",
            self._uris(),
            EXIT_FINISH_REASON,
        )
        set_exit_status(self.crawler, EXIT_FINISH_REASON)
        self.crawler.stats.set_value("health/exit_code", exit_status(self.crawler))
