"""The ``crawl`` command's own handling of signals and of a run that never closed (the end
to end runs are in ``test_ops_e2e.py``)."""

from __future__ import annotations

import argparse
import logging
import signal

import pytest
from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.utils.test import get_crawler

from newsspider.commands.crawl import STOP_SIGNALS, Command, hang_up
from newsspider.extensions.stall import FORCED


@pytest.fixture(autouse=True)
def _signals():
    """The command leaves stop signals ignored (for the process's exit): not here."""
    before = {stop: signal.getsignal(stop) for stop in STOP_SIGNALS}
    yield
    for stop, handler in before.items():
        signal.signal(stop, handler)


def run_command(monkeypatch: pytest.MonkeyPatch, feed: str | None = None) -> Command:
    """The command over a fake crawl that opened its spider and never closed it (a forced
    stop), having published ``feed``; records the SIGHUP handler the crawl ran under."""

    def crawl(self: Command, args: list[str], opts: argparse.Namespace) -> None:
        self.crawler = get_crawler()
        self.crawler.stats.set_value("export/file", feed)
        self.opened = True
        self.hup_handler = signal.getsignal(signal.SIGHUP)

    monkeypatch.setattr(ScrapyCrawl, "run", crawl)
    command = Command()
    command.run([], argparse.Namespace())
    return command


@pytest.mark.parametrize("feed", ["/out/fakti/2026-11-29T06-30-00.jsonl", None])
def test_a_forced_stop_is_named_and_says_whether_the_feed_was_published(monkeypatch, caplog, feed):
    """After a double SIGTERM the last line said only 'e.g. SIGTERM as it started' and
    'nothing published', though the feed may have been (review)."""
    caplog.set_level(logging.ERROR)
    assert run_command(monkeypatch, feed).exitcode == 9
    published = f"its feed {feed} was published" if feed else "no feed published"
    assert caplog.messages == [
        "run stopped before its spider could close (a stop signal as it started, or a forced "
        f"stop: a second SIGTERM, SIGINT or SIGHUP): {published}, no report; exit status 9"
    ]


def test_sighup_is_sigterm_during_the_crawl_unless_ignored(monkeypatch):
    """SIGHUP ended the run at once (exit 129): during the crawl it goes to SIGTERM's
    handler; one ignored (nohup) stays ignored."""
    assert run_command(monkeypatch).hup_handler is hang_up
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    assert run_command(monkeypatch).hup_handler == signal.SIG_IGN
    heard: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: heard.append(signum))
    try:
        hang_up(signal.SIGHUP, None)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert heard == [signal.SIGHUP]


def test_stop_signals_after_the_crawl_leave_the_verdict_standing(monkeypatch):
    """A SIGTERM 0.05-0.2 s after 'Spider closed' ended a finished run with 143: Python
    restores the signals' defaults as it exits. They are ignored once the crawl is over."""
    command = run_command(monkeypatch)
    assert [signal.getsignal(stop) for stop in STOP_SIGNALS] == [signal.SIG_IGN] * 3
    signal.raise_signal(signal.SIGTERM)
    assert command.exitcode == 9


@pytest.mark.parametrize(
    ("verdict", "report", "status", "said"),
    [(7, 7, 7, "its report written"), (0, None, 9, "no report")],
)
def test_a_stall_forced_as_the_run_closed_is_named(caplog, verdict, report, status, said):
    """A feed's storing that never ended, after the spider closed: the verdict stands (9 if
    it was 0) and the last line says the run was forced as it closed, with or without its
    report."""
    caplog.set_level(logging.ERROR)
    stats = get_crawler().stats
    stats.set_value(FORCED, 1)
    stats.set_value("export/file", "/out/fakti/run.jsonl")
    stats.set_value("health/exit_code", report)
    command = Command()
    command.closed = True
    assert command._unended(stats, verdict) == status
    assert caplog.messages == [
        "run forced to stop as it closed (stalled: FAKTI_STALL_SECONDS): its feed "
        f"/out/fakti/run.jsonl was published, {said}; exit status {status}"
    ]


def test_a_spider_that_closed_by_itself_keeps_the_verdict(caplog):
    """A run whose spider closed and was not forced: its verdict, and no line of its own."""
    command = Command()
    command.closed = True
    assert command._unended(get_crawler().stats, 0) == 0
    assert caplog.messages == []
