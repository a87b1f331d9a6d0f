"""Stopping early when the site never answers."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newsspider.extensions.unreachable import UnreachableAbort, unreachable
from newsspider.middlewares.retry import PAGES_GAVE_UP


@pytest.mark.parametrize(
    ("stats", "expected"),
    [
        ({}, False),
        ({"retry/max_reached": 2, PAGES_GAVE_UP: 1}, True),
        ({"retry/max_reached": 2, PAGES_GAVE_UP: 1, "response_received_count": 1}, False),
        # pages still retrying, or only robots.txt gave up: they may well answer
        ({"downloader/exception_count": 5}, False),
        ({"retry/max_reached": 1, "downloader/exception_count": 6}, False),
    ],
)
def test_unreachable_once_a_request_gave_up_and_nothing_answered(stats, expected):
    assert unreachable(stats) is expected


def test_off_switch():
    crawler = get_crawler(settings_dict={"FAKTI_HEALTH_UNREACHABLE_ABORT": False})
    with pytest.raises(NotConfigured):
        UnreachableAbort.from_crawler(crawler)


def test_the_run_is_closed_with_reason_site_unreachable():
    """Once a page gave up and nothing answered, the spider is closed once, with the finish
    reason `site_unreachable` the report and the health gate read."""
    reasons: list[str] = []

    async def close_spider_async(reason: str) -> None:
        reasons.append(reason)

    async def checks() -> None:  # (in a running loop, as in a crawl)
        abort.check()
        assert reasons == []  # (nothing gave up yet)
        crawler.stats.set_value(PAGES_GAVE_UP, 1)
        abort.check()
        abort.check()
        await asyncio.sleep(0)

    crawler = get_crawler()
    crawler.stats.open_spider()
    crawler.engine = SimpleNamespace(close_spider_async=close_spider_async)
    abort = UnreachableAbort.from_crawler(crawler)
    asyncio.run(checks())
    assert reasons == ["site_unreachable"]
