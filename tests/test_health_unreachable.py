"""Stopping early when the site never answers."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newsspider.extensions.unreachable import UnreachableAbort, unreachable


@pytest.mark.parametrize(
    ("stats", "expected"),
    [
        ({}, False),
        ({"retry/max_reached": 1}, True),
        ({"retry/max_reached": 1, "response_received_count": 1}, False),  # e.g. 503s
        ({"downloader/exception_count": 5}, False),  # still retrying
    ],
)
def test_unreachable_once_a_request_gave_up_and_nothing_answered(stats, expected):
    assert unreachable(stats) is expected


def test_off_switch():
    crawler = get_crawler(settings_dict={"FAKTI_HEALTH_UNREACHABLE_ABORT": False})
    with pytest.raises(NotConfigured):
        UnreachableAbort.from_crawler(crawler)
