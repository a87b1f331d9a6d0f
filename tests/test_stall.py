"""Stopping a stalled run: when it stalls, the quiet bound of its settings, the stop and the
forced stop (the end-to-end hang is in test_crawl_e2e.py)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newsspider.args import validate_settings
from newsspider.extensions import stall
from newsspider.extensions.stall import FORCED, StallStop, StallWatch, quiet_bound


class Timers:
    """Stands in for ``threading.Timer`` in the stall module: records the delayed exits."""

    started: ClassVar[list[float]] = []

    def __init__(self, seconds: float, function: object) -> None:
        self.seconds = seconds
        self.daemon = False

    def start(self) -> None:
        Timers.started.append(self.seconds)


@pytest.fixture(autouse=True)
def no_exit_timer(monkeypatch):
    """A forced stop's delayed exit (``os._exit``) must not end the test process."""
    Timers.started = []
    monkeypatch.setattr(stall.threading, "Timer", Timers)


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


@pytest.mark.parametrize(
    "name",
    [
        "downloader/request_count",
        "downloader/response_count",
        "downloader/exception_count",
        "response_received_count",
        "item_scraped_count",
        "item_dropped_count",
        "pipelines/lost",
    ],
)
def test_each_progress_stat_is_progress(name: str) -> None:
    """A request sent, a response (a retried one too), a download error, an item scraped,
    dropped or lost (README "Stalled runs"): each change starts the count again."""
    clock = Clock()
    watch = StallWatch(10, clock)
    stats = {name: 1}
    watch.stalled(stats)
    clock.now += 9
    stats[name] = 2
    assert not watch.stalled(stats)
    clock.now += 9.5
    assert not watch.stalled(stats)
    clock.now += 0.5
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
    """The project's defaults: download timeout 30, Crawl-delay 60, Retry-After 300, backoff
    60, and AutoThrottle's largest delay (30) with Scrapy's jitter (× 1.5); without
    AutoThrottle the download delay (1) with its jitter; extraction workers add the time the
    pool takes to kill a hung one (60 s, checked every 5 s: 70); a ``DOWNLOAD_SLOTS`` delay and
    jitter count too, and its deprecated ``randomize_delay`` (0.5)."""
    settings = get_project_settings()
    assert settings.getfloat("FAKTI_STALL_SECONDS") == 1800
    assert quiet_bound(settings) == 450 + 30 * 1.5
    settings.set("FAKTI_EXTRACT_WORKERS", 2)
    settings.set("AUTOTHROTTLE_ENABLED", False)
    assert quiet_bound(settings) == 450 + 1 * 1.5 + 70
    settings.set("DOWNLOAD_SLOTS", {"fakti.bg": {"delay": 40, "jitter": 1}})
    assert quiet_bound(settings) == 450 + 40 * 2 + 70
    settings.set("DOWNLOAD_SLOTS", {"fakti.bg": {"delay": 40, "randomize_delay": True}})
    settings.set("DOWNLOAD_DELAY_JITTER", 0)
    settings.set("RANDOMIZE_DOWNLOAD_DELAY", False)
    assert quiet_bound(settings) == 450 + 40 * 1.5 + 70


def test_autothrottles_start_delay_is_a_wait_too() -> None:
    """A review: AutoThrottle's start delay (4) above its largest (0.5) is the delay of a new
    slot until an answer lowers it; a stall time of 2 was accepted and a healthy run stopped."""
    settings = get_project_settings()
    for name, value in {"AUTOTHROTTLE_START_DELAY": 4, "AUTOTHROTTLE_MAX_DELAY": 0.5}.items():
        settings.set(name, value)
    assert quiet_bound(settings) == 450 + 4 * 1.5


def test_the_quiet_bound_takes_the_largest_jitter() -> None:
    """Scrapy's delay jitter is ``DOWNLOAD_DELAY_JITTER`` (up to ± 100 %), or 0.5 with
    ``RANDOMIZE_DOWNLOAD_DELAY``: the largest counts; with neither, the delay itself."""
    settings = get_project_settings()
    settings.set("AUTOTHROTTLE_ENABLED", False)
    settings.set("DOWNLOAD_DELAY", 10)
    settings.set("DOWNLOAD_DELAY_JITTER", 1)
    assert quiet_bound(settings) == 450 + 10 * 2
    settings.set("DOWNLOAD_DELAY_JITTER", 0)
    assert quiet_bound(settings) == 450 + 10 * 1.5
    settings.set("RANDOMIZE_DOWNLOAD_DELAY", False)
    assert quiet_bound(settings) == 450 + 10


@pytest.mark.parametrize(
    "slots",
    [
        '{"fakti.bg": 40}',
        '{"fakti.bg": {"delay": "abc"}}',
        '{"fakti.bg": {"delay": [1]}}',
        '{"fakti.bg": {"delay": "inf"}}',
        '{"fakti.bg": {"delay": 1, "jitter": -3}}',
        '{"fakti.bg": {"concurrency": 0}}',
    ],
)
def test_a_bad_download_slot_is_refused_in_one_line(slots: str) -> None:
    """Reviews: a slot's delay or jitter the stall bound could not read stopped the run with
    a traceback or a line naming no setting (``could not convert string to float``); a
    jitter of -3 (Scrapy's ± 300 %) was taken for none."""
    settings = get_project_settings()
    settings.set("DOWNLOAD_SLOTS", slots, priority="cmdline")
    with pytest.raises(ValueError) as error:
        validate_settings(settings)
    given = settings.getdict("DOWNLOAD_SLOTS")
    assert str(error.value) == (
        f"setting DOWNLOAD_SLOTS: bad value {given!r}; expected "
        '{"HOST": {"delay": SECONDS, "jitter": 0..1, "concurrency": N}, ...}'
    )


@pytest.mark.parametrize(("value", "refused"), [("495", True), ("100", True), ("495.5", False)])
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
        f"setting FAKTI_STALL_SECONDS: bad value '{value}' (a healthy run may go 495 s without "
        "progress with these settings); expected 0 (off) or more than 495"
    )
    settings.set("FAKTI_STALL_SECONDS", "0", priority="cmdline")
    validate_settings(settings)


@pytest.mark.parametrize("module", [False, True])
def test_a_default_stall_time_within_the_quiet_bound_says_it_is_the_default(module) -> None:
    """Raising a timeout or delay (``FAKTI_RETRY_AFTER_MAX=3600``) puts the default 1800 s
    within the bound: the message says it is the default, also when a settings ``module``
    gave it (it said "by default", untrue there: a review)."""
    settings = get_project_settings()
    settings.set("FAKTI_RETRY_AFTER_MAX", "3600", priority="cmdline")
    if module:
        settings.set("FAKTI_STALL_SECONDS", 1800, priority="project")
    with pytest.raises(ValueError) as error:
        validate_settings(settings)
    assert str(error.value) == (
        "setting FAKTI_STALL_SECONDS: 1800, its default, but a healthy run may go 3795 s "
        "without progress with these settings; give it above 3795, or 0 (off)"
    )


def test_off_at_zero() -> None:
    with pytest.raises(NotConfigured):
        StallStop.from_crawler(get_crawler(settings_dict={"FAKTI_STALL_SECONDS": 0}))


def _stall_stop(seconds: float) -> tuple[StallStop, Clock, list[str], list[object]]:
    """A stall stop on a crawler whose engine records its close reasons and whose forced
    stop records the forced stat; the clock at the stop's start."""
    reasons: list[str] = []
    forced: list[object] = []

    async def close_spider_async(reason: str) -> None:
        reasons.append(reason)

    crawler = get_crawler(settings_dict={"FAKTI_STALL_SECONDS": seconds})
    crawler.stats.open_spider()
    crawler.engine = SimpleNamespace(close_spider_async=close_spider_async)
    ext = StallStop.from_crawler(crawler)
    clock = Clock()
    ext.watch.clock = clock
    ext.spider_opened()
    ext._task.stop()  # (checks are made by the test)
    ext._force = lambda: forced.append(crawler.stats.get_value(FORCED))
    return ext, clock, reasons, forced


async def _ticks(ext: StallStop, clock: Clock, seconds: float) -> None:
    """Checks every second (the interval of a 10 s stall) for ``seconds``."""
    for _ in range(int(seconds)):
        clock.now += 1
        ext.check()
        await asyncio.sleep(0)


def test_a_stalled_run_is_stopped_then_forced_to_stop() -> None:
    """Stalled: the spider is closed with the reason ``stalled``; the same time again without
    progress: forced to stop (the stat set first, for the command's last line); an idle
    engine meanwhile was progress, and so is progress during the close."""
    ext, clock, reasons, forced = _stall_stop(10)
    stats = ext.crawler.stats

    async def run() -> None:
        await _ticks(ext, clock, 9)
        ext.crawler.signals.send_catch_log(signals.spider_idle, spider=SimpleNamespace())
        await _ticks(ext, clock, 9)
        assert reasons == []
        await _ticks(ext, clock, 1)
        assert (reasons, forced) == (["stalled"], [])
        await _ticks(ext, clock, 9)
        stats.inc_value("downloader/response_count")  # (the close goes on; seen next second)
        await _ticks(ext, clock, 10)
        assert forced == []
        await _ticks(ext, clock, 1)

    asyncio.run(run())
    assert (reasons, forced) == (["stalled"], [1])


def test_a_stall_after_the_spider_closed_is_forced_at_once() -> None:
    """A ``spider_closed`` handler that never ends (a feed storage that never answers): the
    spider cannot be closed again, so the stall forces the stop."""
    ext, clock, reasons, forced = _stall_stop(10)
    ext.spider_closed()
    asyncio.run(_ticks(ext, clock, 10))
    assert (reasons, forced) == ([], [1])


def test_the_checks_come_every_tenth_of_the_stall_time_at_most_every_minute() -> None:
    assert [_stall_stop(s)[0].interval for s in (10, 600, 1800)] == [1, 60, 60]


@pytest.mark.parametrize("gap", [30, 2.5])
def test_a_long_gap_between_checks_is_no_stall(gap: float) -> None:
    """The process stopped (SIGSTOP, a paused machine) or blocked: a gap between two checks
    over twice their interval (here 2.5 s or 30 s for 1 s) is time it was not running, no
    silence of the site's; the count starts again."""
    ext, clock, reasons, forced = _stall_stop(10)

    async def run() -> None:
        await _ticks(ext, clock, 5)
        clock.now += gap
        ext.check()
        await _ticks(ext, clock, 9)
        assert reasons == []
        await _ticks(ext, clock, 1)

    asyncio.run(run())
    assert (reasons, forced) == (["stalled"], [])


def test_a_slow_start_before_the_spider_opened_is_no_gap() -> None:
    """The checks count from the spider's opening, not from the extension's making: a start
    that took 5 s does not restart the count at the first check."""
    ext, clock, reasons, _ = _stall_stop(10)
    ext.checked = clock.now - 5  # (made 5 s before the opening)
    ext.spider_opened()
    ext._task.stop()

    async def run() -> None:
        await _ticks(ext, clock, 9)
        assert reasons == []
        await _ticks(ext, clock, 1)

    asyncio.run(run())
    assert reasons == ["stalled"]


def test_the_watch_follows_the_spider_and_the_engine() -> None:
    """Checks start with the spider, a ``spider_closed`` makes a stall forced at once, and
    they end with the engine (stopping it again, or before the spider opened, is no error)."""
    crawler = get_crawler(settings_dict={"FAKTI_STALL_SECONDS": 10})
    ext = StallStop.from_crawler(crawler)
    ext.engine_stopped()  # (a run that failed before its spider opened)
    spider = SimpleNamespace()
    crawler.signals.send_catch_log(signals.spider_opened, spider=spider)
    assert (ext._task.running, ext.closed) == (True, False)
    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="finished")
    assert ext.closed
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert not ext._task.running
    ext.engine_stopped()


def test_a_forced_stop_ends_the_checks() -> None:
    """Once the stop is forced no check runs again (a reactor slow to stop would be forced
    again at each check)."""
    ext, clock, _, forced = _stall_stop(10)
    ext.spider_closed()
    ext._task.start(ext.interval, now=False)  # (running again; the test still makes the checks)
    try:
        asyncio.run(_ticks(ext, clock, 10))
        assert (forced, ext._task.running) == ([1], False)
    finally:
        ext.engine_stopped()


def test_a_spider_closed_meanwhile_is_no_error() -> None:
    """The spider closed (by another reason) before the stalled close came: Scrapy's
    ``RuntimeError`` ('Spider not opened') is no error of the run."""
    ext, *_ = _stall_stop(10)

    async def close_spider_async(reason: str) -> None:
        raise RuntimeError("Spider not opened")

    ext.crawler.engine = SimpleNamespace(close_spider_async=close_spider_async)
    asyncio.run(ext._close())


def test_forcing_the_stop_stops_the_reactor_and_the_crawl() -> None:
    """A second SIGTERM's stop: the crawler no longer crawling (the reactor's shutdown would
    wait for it), the reactor stopped; one not running is no error."""
    crawler = get_crawler(settings_dict={"FAKTI_STALL_SECONDS": 10})
    crawler.crawling = True
    StallStop.from_crawler(crawler)._force()
    assert crawler.crawling is False
    assert Timers.started == [10]  # (the process ended 10 s later if its reactor's could not)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DOWNLOAD_DELAY_JITTER", "1.5", "a number 0..1"),
        ("DOWNLOAD_DELAY_JITTER", "-0.5", "a number 0..1"),
        ("FAKTI_STALL_SECONDS", "-1", "a number 0..3153600000"),
        ("FAKTI_STALL_SECONDS", "1e10", "a number 0..3153600000"),
        ("FAKTI_STALL_SECONDS", "half an hour", "a number 0..3153600000"),
    ],
)
def test_a_jitter_or_stall_time_out_of_range_is_refused(name: str, value: str, expected: str):
    """A jitter is a fraction of the delay (× 1 ± it), a stall time seconds up to 100
    years: another value is refused at start, naming the setting."""
    settings = get_project_settings()
    settings.set(name, value, priority="cmdline")
    with pytest.raises(ValueError) as error:
        validate_settings(settings)
    assert str(error.value) == f"setting {name}: bad value '{value}'; expected {expected}"


def test_a_stall_time_given_in_a_plain_mapping_is_checked_too() -> None:
    """``validate_settings`` takes any mapping: its quiet bound is the same sum (names left
    out count 0; here the download timeout, 200 s)."""
    settings = {"FAKTI_BASE_URL": "http://127.0.0.1:8765", "DOWNLOAD_TIMEOUT": 200}
    with pytest.raises(ValueError) as error:
        validate_settings({**settings, "FAKTI_STALL_SECONDS": 100})
    assert str(error.value) == (
        "setting FAKTI_STALL_SECONDS: bad value 100 (a healthy run may go 200 s without "
        "progress with these settings); expected 0 (off) or more than 200"
    )
