"""Stopping a stalled run: when it stalls, the quiet bound of its settings, the stop and the
forced stop (the end-to-end hang is in test_crawl_e2e.py)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newsspider.args import validate_settings
from newsspider.extensions.stall import FORCED, StallStop, StallWatch, quiet_bound


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_run_stalls_when_no_progress_stat_changes_for_the_seconds() -> None:
    """Each change of a progress stat (a request, response, download error or item) starts
    the count again; the run stalls once none changed for the whole time."""
    clock = Clock()
    watch = StallWatch(10, clock)
    stats: dict[str, Any] = {"downloader/request_count": 1}
    assert not watch.stalled(stats)
    clock.now += 9
    assert not watch.stalled(stats)
    stats["item_dropped_count"] = 1
    clock.now += 9
    assert not watch.stalled(stats)  # (changed: counted from now)
    stats["other/stat"] = 5  # (not progress)
    clock.now += 9.9
    assert not watch.stalled(stats)
    clock.now += 0.1
    assert watch.stalled(stats)


def test_an_idle_engine_is_progress() -> None:
    """A distributed worker waiting for the others has an idle engine (``spider_idle``),
    and is no stall, however long it waits."""
    clock = Clock()
    watch = StallWatch(10, clock)
    stats = {"response_received_count": 3}
    watch.stalled(stats)
    clock.now += 9
    watch.progressed()
    clock.now += 9
    assert not watch.stalled(stats)
    clock.now += 1
    assert watch.stalled(stats)


def test_the_quiet_bound_sums_the_longest_waits_of_a_healthy_run() -> None:
    """The project's defaults: download timeout 30, Retry-After 300, backoff 60, Crawl-delay
    60, download delay 1, AutoThrottle's 30; extraction workers add their job timeout (60)."""
    settings = get_project_settings()
    assert quiet_bound(settings) == 481
    settings.set("FAKTI_EXTRACT_WORKERS", 2)
    settings.set("AUTOTHROTTLE_ENABLED", False)
    assert quiet_bound(settings) == 481 - 30 + 60
    assert settings.getfloat("FAKTI_STALL_SECONDS") == 1800


@pytest.mark.parametrize(("value", "refused"), [("481", True), ("100", True), ("482", False)])
def test_a_stall_time_within_the_quiet_bound_is_refused(value: str, refused: bool) -> None:
    """A run stopped as stalled while healthy (a Retry-After pause, a slow download) would
    lose its run: a value not above the bound is refused at start; 0 switches it off."""
    settings = get_project_settings()
    settings.set("FAKTI_STALL_SECONDS", value, priority="cmdline")
    if not refused:
        validate_settings(settings)
        return
    with pytest.raises(ValueError) as error:
        validate_settings(settings)
    assert str(error.value) == (
        f"setting FAKTI_STALL_SECONDS: bad value '{value}' (a healthy run may go 481 s without "
        "progress with these settings); expected 0 (off) or more than 481"
    )
    settings.set("FAKTI_STALL_SECONDS", "0", priority="cmdline")
    validate_settings(settings)


def test_off_at_zero() -> None:
    with pytest.raises(NotConfigured):
        StallStop.from_crawler(get_crawler(settings_dict={"FAKTI_STALL_SECONDS": 0}))


def test_a_stalled_run_is_stopped_then_forced_to_stop(monkeypatch) -> None:
    """Stalled: the spider is closed with the reason ``stalled``; still not closed the same
    time later: forced to stop (the stat set first, for the command's last line); an idle
    engine meanwhile was progress."""
    reasons: list[str] = []
    forced: list[object] = []

    async def close_spider_async(reason: str) -> None:
        reasons.append(reason)

    async def checks() -> None:  # (in a running loop, as in a crawl)
        ext.check()
        clock.now += 9
        crawler.signals.send_catch_log(signals.spider_idle, spider=SimpleNamespace())
        clock.now += 9
        ext.check()
        assert reasons == []
        clock.now += 1
        ext.check()
        await asyncio.sleep(0)
        assert (reasons, forced) == (["stalled"], [])
        clock.now += 9.9
        ext.check()
        assert forced == []
        clock.now += 0.1
        ext.check()
        await asyncio.sleep(0)

    crawler = get_crawler(settings_dict={"FAKTI_STALL_SECONDS": 10})
    crawler.stats.open_spider()
    crawler.engine = SimpleNamespace(close_spider_async=close_spider_async)
    ext = StallStop.from_crawler(crawler)
    clock = Clock()
    ext.watch.clock, ext.watch.since = clock, clock()
    monkeypatch.setattr(ext, "_force", lambda: forced.append(crawler.stats.get_value(FORCED)))
    asyncio.run(checks())
    assert (reasons, forced) == (["stalled"], [1])
