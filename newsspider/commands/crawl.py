"""``scrapy crawl`` whose exit status is the run's health verdict.

Scrapy's own ``crawl`` exits 0 unless bootstrap failed. This one exits with the status the
run asked for (:func:`newsspider.extensions.exitstatus.exit_status`): 3 when the state is locked
by another run, 4-9 for a failed health gate (also for a run stopped by an error while
building its first requests: 9), 1 for a bad argument or setting.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler
from scrapy.spiders import Spider

from newsspider.extensions.exitstatus import exit_status
from newsspider.extensions.report import mark_crawl


class Command(ScrapyCrawl):
    """``scrapy crawl <spider>``, exit status = health verdict."""

    crawler: Crawler | None = None

    def _create_crawler(self, spname: str | type[Spider]) -> Crawler:
        self.crawler = super()._create_crawler(spname)
        mark_crawl(self.crawler)
        return self.crawler

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)  # a start-up SystemExit (lock held: 3, bad setting: 1) passes
        status = exit_status(self.crawler) if self.crawler is not None else 0
        if status:
            self.exitcode = status
