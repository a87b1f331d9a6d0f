"""Scrapy engine settings the project changes for speed (README "Engine settings"): the same
stats and the same crawl, with less work per page."""

from __future__ import annotations

import warnings

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.conf import build_component_list
from scrapy.utils.test import get_crawler
from spider_factory import PROJECT

from newsspider.stats import StatsCollector


def _stats() -> StatsCollector:
    crawler = get_crawler(settings_dict=PROJECT)
    assert type(crawler.stats) is StatsCollector
    return crawler.stats  # type: ignore[return-value]


def test_the_stats_collector_keeps_scrapys_values() -> None:
    stats = _stats()
    stats.inc_value("pages")
    stats.inc_value("pages", 2)
    stats.inc_value("started", start=10)
    stats.set_value("reason", "finished")
    stats.max_value("depth", 3)
    stats.max_value("depth", 2)
    stats.min_value("first", 5)
    stats.min_value("first", 4)
    assert stats.get_stats() == {
        "pages": 3, "started": 11, "reason": "finished", "depth": 3, "first": 4,
    }  # fmt: skip
    assert stats.get_value("pages") == 3
    assert stats.get_value("absent", "none") == "none"
    assert isinstance(stats, MemoryStatsCollector)


def test_the_stats_collector_calls_its_methods_directly() -> None:
    """No per-call wrapper (Scrapy 2.19 wraps each method to check for a ``spider``
    argument); a component that still passes one gets the same result, without the warning."""
    stats = _stats()
    assert stats.inc_value.__func__ is MemoryStatsCollector.inc_value  # type: ignore[attr-defined]
    assert stats.get_value.__func__ is MemoryStatsCollector.get_value  # type: ignore[attr-defined]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats.inc_value("old/style", spider=None)
    assert stats.get_value("old/style") == 1


def test_unused_spider_middlewares_are_off_and_the_handoff_is_the_last() -> None:
    """The handoff middleware comes first in order, so it is the last to see each output
    (``process_spider_output`` runs in decreasing order), just before Scrapy's scraper."""
    crawler = get_crawler(settings_dict=PROJECT)
    enabled = build_component_list(crawler.settings.getwithbase("SPIDER_MIDDLEWARES"))
    assert "scrapy.spidermiddlewares.depth.DepthMiddleware" not in enabled
    assert "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware" not in enabled
    assert enabled == [
        "newsspider.middlewares.handoff.HandoffMiddleware",
        "scrapy.spidermiddlewares.start.StartSpiderMiddleware",
        "newsspider.middlewares.httperror.WholePageHttpErrorMiddleware",
        "newsspider.distributed.claims.ClaimMiddleware",
        "scrapy.spidermiddlewares.referer.RefererMiddleware",
        "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware",
        "newsspider.middlewares.safety.ListingGuardMiddleware",
    ]
