"""The periodic progress line."""

from __future__ import annotations

import logging

import pytest
from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from newsspider.extensions.progress import Progress, ProgressTracker
from newsspider.items import ArticleItem, RejectItem


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_line_has_pages_items_rates_and_oldest_date():
    clock = Clock()
    tracker = ProgressTracker(clock)
    for published in ("2025-04-23T08:03:00+03:00", "2025-03-30T04:30:00+03:00", None):
        tracker.saw(ArticleItem(published_at=published))
    tracker.saw(RejectItem(url="u", reason="missing_headline"))
    clock.now += 120
    line = tracker.line(
        {
            "response_received_count": 300,
            "dedup/emit/new": 2,
            "dedup/skip/known": 1,
            "export/items": 2,
            "rejects/total": 1,
        }
    )
    assert line == (
        "progress: 300 pages (150.0/min), 3 articles (1.5/min), 2 emitted, 1 rejected; "
        "oldest published so far 2025-03-30T04:30:00+03:00"
    )


def test_articles_are_never_fewer_than_emitted():
    """'89 articles …, 95 emitted': articles came from item_scraped, which fires after the
    export has counted the record (review). Both come from the pipelines' stats now."""
    tracker = ProgressTracker(Clock())
    for _ in range(89):
        tracker.saw(ArticleItem(published_at=None))
    stats = {"dedup/emit/new": 95, "dedup/skip/known": 4, "export/items": 95}
    assert ", 99 articles (" in tracker.line(stats) and ", 95 emitted" in tracker.line(stats)


def test_the_oldest_date_counts_records_dedup_dropped_too():
    """A backfill over known articles: dedup drops them (``item_dropped``), yet how far the
    walk has got is the oldest date of every article record, emitted or dropped."""
    crawler = get_crawler(settings_dict={"FAKTI_PROGRESS_INTERVAL": 60})
    ext = Progress.from_crawler(crawler)
    emitted = ArticleItem(published_at="2025-04-23T08:03:00+03:00")
    known = ArticleItem(published_at="2025-03-30T04:30:00+03:00")
    crawler.signals.send_catch_log(signals.item_scraped, item=emitted, response=None, spider=None)
    dropped = DropItem("not emitted (known, FAKTI_EMIT=new): 1000001")
    crawler.signals.send_catch_log(
        signals.item_dropped, item=known, response=None, exception=dropped, spider=None
    )
    assert ext.tracker.line({}).endswith("; oldest published so far 2025-03-30T04:30:00+03:00")


def test_line_without_dates():
    tracker = ProgressTracker(Clock())
    assert (
        tracker.line({})
        == "progress: 0 pages (0.0/min), 0 articles (0.0/min), 0 emitted, 0 rejected"
    )


def test_interval_setting_and_off_switch(caplog):
    with pytest.raises(NotConfigured):
        Progress.from_crawler(get_crawler(settings_dict={"FAKTI_PROGRESS_INTERVAL": 0}))
    crawler = get_crawler(settings_dict={"FAKTI_PROGRESS_INTERVAL": "2.5"})
    crawler.stats.open_spider()
    ext = Progress.from_crawler(crawler)
    assert ext.interval == 2.5
    caplog.set_level(logging.INFO)
    ext.log()
    assert "progress: 0 pages" in caplog.text
