"""Stopping early when the site never answers."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newsspider.extensions.unreachable import UnreachableAbort, unreachable
from newsspider.middlewares.retry import PAGE_ERRORS


@pytest.mark.parametrize(
    ("stats", "expected"),
    [
        ({}, False),
        ({"retry/max_reached": 1, PAGE_ERRORS: 1}, True),
        ({"retry/max_reached": 1, PAGE_ERRORS: 6, "response_received_count": 1}, False),  # 503s
        ({"downloader/exception_count": 5, PAGE_ERRORS: 5}, False),  # still retrying
        # only robots.txt gave up: the pages it held may well answer
        ({"retry/max_reached": 1, "downloader/exception_count": 6}, False),
    ],
)
def test_unreachable_once_a_request_gave_up_and_nothing_answered(stats, expected):
    assert unreachable(stats) is expected


def test_off_switch():
    crawler = get_crawler(settings_dict={"FAKTI_HEALTH_UNREACHABLE_ABORT": False})
    with pytest.raises(NotConfigured):
        UnreachableAbort.from_crawler(crawler)
