"""``scrapy crawl`` whose exit status is the run's health verdict.

Scrapy's own ``crawl`` exits 0 unless bootstrap failed. This one exits with the status the
run asked for (:func:`newsspider.extensions.exitstatus.exit_status`): 3 when the state is locked
by another run, 4-9 for a failed health gate (also for a run stopped by an error while
building its first requests: 9), 1 for a bad argument or setting (an ``-a`` or ``-s`` name
given twice too: Scrapy would keep the last silently; a ``LOG_LEVEL`` Python's logging cannot
take, which Scrapy's logging set-up would end with a traceback); 9 too for a run whose
spider opened but never closed (a SIGTERM as it started: Scrapy then stops without closing
it, so nothing was published and no report was written; or a forced stop, a second SIGTERM,
SIGINT or SIGHUP, which may come after the feed was published: the log line says whether; or
a stalled run forced to stop, :mod:`newsspider.extensions.stall`), and for a run forced to stop
as it closed (a stall in a ``spider_closed`` handler).
SIGHUP stops a run as SIGTERM does (:func:`hang_up`). Once the crawl is over, stop signals
are ignored: the exit status is the run's verdict, not a kill by a signal (143, 129) after it
finished (while Python exits, it restores their defaults to every signal it handled).
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
from collections import Counter
from types import FrameType

from scrapy import signals
from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler
from scrapy.spiders import Spider
from scrapy.statscollectors import StatsCollector

from newsspider.args import log_level_error
from newsspider.extensions.exitstatus import exit_status
from newsspider.extensions.health import EXIT_FINISH_REASON
from newsspider.extensions.report import mark_crawl
from newsspider.extensions.stall import FORCED, exit_now, last_line

logger = logging.getLogger(__name__)


def repeated(pairs: list[str], kind: str) -> str:
    """The error for the first ``NAME=VALUE`` name given more than once, or ``""``."""
    counts = Counter(pair.split("=", 1)[0] for pair in pairs if "=" in pair)
    name, times = next(((n, c) for n, c in counts.items() if c > 1), ("", 0))
    if not name:
        return ""
    lists = {"url": "url=A,B", "sections": "sections=world,sport"}
    hint = f" (several: comma-separated, {lists[name]})" if name in lists else ""
    return f"{kind} {name}: given {times} times; give it once{hint}"


def hang_up(signum: int, frame: FrameType | None) -> None:
    """SIGHUP stops the run as SIGTERM does: the SIGTERM handler Scrapy has installed (a
    graceful stop, then a forced one, then none), called for SIGHUP; before Scrapy has one,
    the process ends as SIGHUP's default would end it."""
    handler = signal.getsignal(signal.SIGTERM)
    if callable(handler):
        handler(signum, frame)
    elif handler == signal.SIG_DFL:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGHUP)


#: Signals that stop a run (SIGINT: Ctrl-C).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Command(ScrapyCrawl):
    """``scrapy crawl <spider>``, exit status = health verdict."""

    crawler: Crawler | None = None
    opened = closed = False
    usage_error = ""

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        self.usage_error = repeated(opts.spargs, "argument") or repeated(opts.set, "setting")
        super().process_options(args, opts)
        bad_level = log_level_error(self.settings)
        if bad_level:  # (Scrapy sets its logging up with it before the run: a traceback)
            self.usage_error = self.usage_error or bad_level
            self.settings.set("LOG_LEVEL", "INFO", priority="cmdline")  # (to log the error)

    def _create_crawler(self, spname: str | type[Spider]) -> Crawler:
        self.crawler = super()._create_crawler(spname)
        mark_crawl(self.crawler)
        self.crawler.signals.connect(self._opened, signal=signals.spider_opened)
        self.crawler.signals.connect(self._closed, signal=signals.spider_closed)
        return self.crawler

    def _opened(self) -> None:
        self.opened = True

    def _closed(self) -> None:
        self.closed = True

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if self.usage_error:
            logger.critical("%s", self.usage_error)
            self.exitcode = 1
            return
        hup = signal.getsignal(signal.SIGHUP)
        if hup != signal.SIG_IGN:  # (under nohup it stays ignored)
            signal.signal(signal.SIGHUP, hang_up)
        try:  # a start-up SystemExit (lock held: 3, bad setting: 1) passes
            super().run(args, opts)
        finally:
            for stop in STOP_SIGNALS:  # the crawl is over
                signal.signal(stop, signal.SIG_IGN)
        status = exit_status(self.crawler) if self.crawler is not None else 0
        if self.opened and self.crawler is not None and self.crawler.stats is not None:
            status = self._unended(self.crawler.stats, status)
            if self.crawler.stats.get_value(FORCED):
                exit_now(status)  # (a thread left running, a feed's upload, keeps a process)
        if status:
            self.exitcode = status

    def _unended(self, stats: StatsCollector, status: int) -> int:
        """The exit status (``status``, the verdict so far, or 9 if it is 0) of a run that did
        not end by itself, with its last line: its spider never closed (a stop signal as it
        started, a second one), or a stall forced it to stop (:func:`stall.last_line`).
        ``status`` for a run that did end."""
        forced = stats.get_value(FORCED)
        if self.closed and not forced:
            return status
        status = status or EXIT_FINISH_REASON
        gc.collect()  # (asyncio's lines about the tasks left, before this last line)
        if forced:
            logger.error("%s", last_line(stats, self.closed, status))
            return status
        feed = stats.get_value("export/file")
        logger.error(
            "run stopped before its spider could close (a stop signal as it started, or a "
            "forced stop: a second SIGTERM, SIGINT or SIGHUP): %s, no report; exit status %d",
            f"its feed {feed} was published" if feed else "no feed published",
            status,
        )
        return status
