"""The run report: the summary computed from stats, and the extension that writes it."""

from __future__ import annotations

import errno
import json
import logging
import sqlite3
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from scrapy import signals
from scrapy.utils.test import get_crawler

from newsspider.args import CrawlArgs
from newsspider.extensions import report as report_module
from newsspider.extensions.exitstatus import exit_status, set_exit_status
from newsspider.extensions.report import RunReport, mark_crawl, run_mode, thresholds
from newsspider.extensions.summary import RunContext, format_summary, history_entry, summarize
from newsspider.pipelines.atomic import AtomicFile
from newsspider.pipelines.runfiles import run_files
from newsspider.spiders.fakti import Window
from newsspider.state import get_store
from newsspider.state.sqlite import SQLiteStore

T0 = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)

STATS = {
    "downloader/request_count": 50,
    "response_received_count": 48,
    "downloader/response_status_count/200": 45,
    "downloader/response_status_count/404": 3,
    "downloader/exception_type_count/scrapy.exceptions.DownloadTimeoutError": 2,
    "retry/count": 2,
    "discovery/listing_pages": 6,
    "discovery/feeds/ok": 2,
    "discovery/articles/scheduled": 40,
    "discovery/articles/duplicate": 5,
    "discovery/items/old": 30,
    "discovery/items/known": 7,
    "discovery/links/filtered": 1,
    "extract/url/url": 40,
    "extract/headline/jsonld": 30,
    "extract/headline/text": 10,
    "extract/published_at/jsonld": 30,
    "extract/published_at/missing": 2,
    "extract/published_at/selectors": 8,
    "extract/body/selectors": 36,
    "extract/body/missing": 4,
    "extract/authors/jsonld": 12,
    "dedup/emit/new": 25,
    "dedup/emit/changed": 3,
    "dedup/skip/known": 6,
    "dedup/skip/duplicate": 1,
    "export/items": 28,
    "export/file": "output/fakti/2026-11-29T06-30-00.jsonl",
    "rejects/missing_published_at": 2,
    "rejects/total": 2,
    "discovery/articles/out_of_window": 1,
    "discovery/watermarks": 2,
    "discovery/site_started": "2026-11-29T08:00:05+02:00",
}


def ctx(**kw) -> RunContext:
    values = dict(
        started=T0,
        finished=T0 + timedelta(seconds=95.25),
        duration_s=95.25,
        finish_reason="finished",
        mode="incremental",
        scope={"langs": ["bg", "en"], "sections": [], "refresh": None},
        base_url="https://fakti.bg",
        files={"feed": "/out/fakti/x.jsonl", "rejects": None, "report": "/out/fakti/x.report.json"},
    )
    return RunContext(**(values | kw))


def test_summary_counts_pages_articles_coverage_layers_and_cost():
    report = summarize(STATS, ctx())
    assert report["run"]["duration_s"] == 95.2
    assert report["run"]["feed"] == "/out/fakti/x.jsonl"
    assert report["pages"] == {
        "requests": 50,
        "responses": 48,
        "by_status": {"200": 45, "404": 3},
        "errors": {"scrapy.exceptions.DownloadTimeoutError": 2},
        "retries": 2,
        "listing_pages": 8,
        "feeds_unusable": 0,
        "listings_lost": 0,
        "robots_unavailable": 0,
        "too_large": 0,
        "outputs_lost": 0,
    }
    ours = summarize({**STATS, "scraper/lost_outputs": 3, "pages/failed_ours": 2}, ctx())
    assert (ours["pages"]["outputs_lost"], ours["articles"]["failed_ours"]) == (3, 2)
    assert report["articles"]["failed_ours"] == 0
    art = report["articles"]
    assert art["links_found"] == 40 + 5 + 30 + 7 + 1  # known ones included
    assert (art["discovered"], art["extracted"], art["emitted"]) == (40, 40, 28)
    assert art["valid"] == 35
    assert art["emitted_by_reason"] == {"changed": 3, "new": 25}
    assert art["deduplicated"] == {"duplicate": 1, "known": 6}
    assert art["rejected"] == {"missing_published_at": 2} and art["rejected_total"] == 2
    cov = report["coverage"]
    assert (cov["headline"], cov["published_at"], cov["body"], cov["authors"]) == (
        100.0,
        95.0,
        90.0,
        30.0,
    )
    assert cov["url"] == 100.0 and cov["subtitle"] == 0.0
    assert report["layers"]["published_at"] == {"jsonld": 75.0, "missing": 5.0, "selectors": 20.0}
    assert report["layers"]["headline"] == {"jsonld": 75.0, "text": 25.0}
    assert report["layers"]["authors"] == {"jsonld": 30.0, "empty": 70.0}
    assert report["layers"]["subtitle"] == {"empty": 100.0}
    assert report["text_layer"] == {"fields": 10, "of": 40 + 38 + 36 + 12, "share": 7.9}
    assert report["requests_per_new_article"] == 2.0


def test_job_listed_is_null_unless_a_distributed_worker_counted_it():
    """`run.job_listed` is null for a run that is no distributed worker (no stat), and the
    worker's 0 or 1 as false or true."""
    assert summarize(STATS, ctx())["run"]["job_listed"] is None
    for count, listed in ((0, False), (1, True)):
        stats = STATS | {"distributed/job_listed": count}
        assert summarize(stats, ctx())["run"]["job_listed"] is listed


def test_summary_of_an_empty_run_has_no_divisions_by_zero():
    report = summarize({}, ctx(files={"feed": None}))
    assert report["coverage"]["headline"] is None
    assert report["text_layer"]["share"] is None
    assert report["requests_per_new_article"] is None
    assert "coverage   headline n/a" in format_summary(report)


def test_format_summary_is_one_screen():
    text = format_summary(summarize(STATS, ctx()))
    lines = text.splitlines()
    assert len(lines) <= 12 and max(map(len, lines)) <= 160
    assert lines[0] == "run report (incremental, finished, 95.2 s)"
    assert lines[1] == (
        "  pages      50 requests; HTTP 200×45, 404×3; errors DownloadTimeoutError×2"
    )
    assert "rejected   2 (missing_published_at 2)" in text
    assert "headline 100%, subtitle 0%, published_at 95%" in text
    assert "requests per new article 2" in text
    assert lines[-1] == "  report     /out/fakti/x.report.json"


def test_a_feed_that_was_not_published_emitted_nothing():
    """Its 28 records were rolled back, yet the report and history said 28 emitted."""
    unpublished = {k: v for k, v in STATS.items() if k != "export/file"}
    assert summarize(unpublished, ctx())["articles"]["emitted"] == 0
    assert summarize(STATS, ctx())["articles"]["emitted"] == 28


def test_history_entry_is_compact_and_json():
    entry = history_entry(summarize(STATS, ctx()), 0)
    assert entry == {
        "started": "2026-11-29T06:00:00+00:00",
        "site_started": "2026-11-29T08:00:05+02:00",
        "mode": "incremental",
        "scope": {"langs": ["bg", "en"], "sections": [], "refresh": None},
        "finish_reason": "finished",
        "watermarks_moved": 2,
        "held_runs": 0,
        "watermarks_held_since": None,
        "exit_code": 0,
        "duration_s": 95.2,
        "requests": 50,
        "extracted": 40,
        "valid": 35,
        "emitted": 28,
        "text_fields": 10,
        "layer_fields": 126,
    }
    assert json.loads(json.dumps(entry)) == entry


def test_run_mode_of_each_kind_of_run():
    first = Window(first_run=timedelta(days=1), skip_known=True)  # no scope has a watermark
    spider = SimpleNamespace(args=CrawlArgs(), window=first)
    assert run_mode(spider) == ("first", {"langs": ["bg", "en"], "sections": [], "refresh": None})
    spider.window = Window(first_run=timedelta(days=1), skip_known=True, marks={"en": T0})
    assert run_mode(spider)[0] == "incremental"
    spider.args = CrawlArgs(langs=("bg",))  # only another edition has a watermark
    assert run_mode(spider)[0] == "first"
    spider.window = Window(skip_known=True, marks={"bg": T0})  # the edition's mark counts
    spider.args = CrawlArgs(langs=("bg",), sections=("world",))
    assert run_mode(spider)[0] == "incremental"
    spider.args, spider.window = CrawlArgs(), Window()  # start never chose a window
    assert run_mode(spider) == ("other", {})  # scrapy parse
    assert run_mode(spider, crawl=True)[0] == "incremental"  # scrapy crawl: a start error
    spider.args = CrawlArgs(langs=("en",), since=date(2025, 3, 1), sections=("world",))
    assert run_mode(spider) == (
        "backfill",
        {
            "langs": ["en"],
            "sections": ["world"],
            "refresh": None,
            "since": "2025-03-01",
            "until": None,
        },
    )
    spider.args = CrawlArgs(urls=(object(),))  # type: ignore[arg-type]
    assert run_mode(spider)[0] == "urls"
    assert run_mode(SimpleNamespace()) == ("other", {})


def test_thresholds_from_settings_merge_coverage_defaults():
    crawler = get_crawler(
        settings_dict={
            "FAKTI_HEALTH_MIN_COVERAGE": '{"body": 50, "headline": 0, "subtitle": 40}',
            "FAKTI_HEALTH_ITEMS_MIN_RATIO": "0.5",
        }
    )
    th = thresholds(crawler.settings)
    assert th.min_coverage == {"published_at": 90.0, "body": 50.0, "subtitle": 40.0}
    assert th.items_min_ratio == 0.5 and th.finish_reasons == ("finished",)


@pytest.mark.parametrize(
    "value",
    [
        '["finished", "closespider_itemcount"]',  # the README's JSON form
        "finished,closespider_itemcount",
        ["finished", "closespider_itemcount"],
    ],
)
def test_finish_reasons_in_every_documented_form(value: object) -> None:
    th = thresholds(get_crawler(settings_dict={"FAKTI_HEALTH_FINISH_REASONS": value}).settings)
    assert th.finish_reasons == ("finished", "closespider_itemcount")


def _close(tmp_path, stats: dict, reason: str = "finished", **settings):
    """The extension's end of a run (``reason``) on a fake crawler; returns the crawler."""
    crawler = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)} | settings)
    crawler.stats.open_spider()
    for key, value in stats.items():
        crawler.stats.set_value(key, value)
    ext = RunReport.from_crawler(crawler)
    spider = SimpleNamespace(args=CrawlArgs(), window=Window(skip_known=True), base_url="http://x")
    ext.spider_opened(spider)
    ext.spider_closed(spider, reason)
    crawler.signals.send_catch_log(signals.engine_stopped)
    return crawler


def _closed_run(tmp_path, stats: dict, **settings):
    """:func:`_close`; returns (crawler, report dict)."""
    crawler = _close(tmp_path, stats, **settings)
    return crawler, json.loads(run_files(crawler).report.read_text("utf-8"))


def test_the_most_basic_exit_status_asked_for_wins():
    """Of the exit statuses a run asks for, the lowest non-zero one is kept (4 before 9),
    whatever the order; 0 asks for nothing."""
    crawler = get_crawler()
    for code in (9, 4, 0, 6):
        set_exit_status(crawler, code)
    assert exit_status(crawler) == 4


def test_extension_writes_report_records_history_and_sets_exit_status(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    crawler, report = _closed_run(tmp_path, STATS)
    assert report["health"]["healthy"] and exit_status(crawler) == 0
    assert report["run"]["report"] == str(run_files(crawler).report)
    assert report["run"]["feed"] == STATS["export/file"]
    assert "health: OK (exit status 0)" in caplog.text
    crawler2, report2 = _closed_run(
        tmp_path, STATS | {"extract/headline/text": 0}, FAKTI_HEALTH_MIN_COVERAGE={"body": 95}
    )
    assert exit_status(crawler2) == 6
    assert report2["health"]["failures"][0]["message"].startswith(
        "field coverage below threshold: headline 75% < 90%, body 90% < 95%"
    )
    assert "health: UNHEALTHY (exit status 6): field coverage below threshold" in caplog.text
    assert crawler2.stats.get_value("health/exit_code") == 6
    reader = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)})
    assert [r["exit_code"] for r in get_store(reader).recent_runs(5)] == [0, 6]
    reader.signals.send_catch_log(signals.engine_stopped)


def test_a_report_says_how_long_the_watermarks_have_been_held(tmp_path) -> None:
    """Review: a listing failing for 9 runs over 6.5 days of site time gave 9 reports with
    only "watermarks not moved"; the report now counts the runs and names the first one."""
    held = STATS | {"discovery/watermarks": 0, "discovery/watermarks_held": "listing x failed"}
    _, first = _closed_run(tmp_path, held)
    assert (first["run"]["held_runs"], first["run"]["watermarks_held_since"]) == (
        1,
        "2026-11-29T08:00:05+02:00",
    )
    _, second = _closed_run(tmp_path, held)
    assert second["run"]["held_runs"] == 2 and second["health"]["exit_code"] == 0
    assert second["run"]["watermarks_held_since"] == "2026-11-29T08:00:05+02:00"
    assert second["health"]["notes"][0] == (
        "discovery watermarks not moved (listing x failed), held for 2 runs in a row, since "
        "2026-11-29T08:00:05+02:00: the next run walks this again"
    )
    _, moved = _closed_run(tmp_path, STATS)
    assert (moved["run"]["held_runs"], moved["run"]["watermarks_held_since"]) == (0, None)


def test_a_run_that_recovered_an_interrupted_one_says_so_in_its_report(tmp_path, caplog):
    """After a kill -9 the re-run's report said nothing of the recovery (review)."""
    caplog.set_level(logging.INFO)
    recovery = {"state/recovered/committed_files": 1, "state/recovered/committed_keys": 33}
    _, report = _closed_run(tmp_path, STATS | recovery)
    assert report["recovered"] == {
        "leftovers_removed": 0,
        "committed_files": 1,
        "committed_keys": 33,
        "rolled_back_files": 0,
        "rolled_back_keys": 0,
    }
    note = "an earlier run was interrupted: 33 key(s) of 1 published feed(s) committed; recovered"
    assert report["health"]["notes"][0] == note and f"health: {note}" in caplog.text
    _, clean = _closed_run(tmp_path, STATS)
    assert set(clean["recovered"].values()) == {0}
    assert not any("interrupted" in note for note in clean["health"]["notes"])


def test_duration_is_measured_on_a_monotonic_clock(tmp_path, monkeypatch):
    """A clock stepped back an hour during the run (NTP) made duration_s -3600 (review);
    started and finished stay the wall-clock times."""
    times = iter([T0, T0, T0 - timedelta(hours=1)])  # (made, opened, closed)

    class Stepped(datetime):
        @classmethod
        def now(cls, tz=None):
            return next(times)

    monkeypatch.setattr(report_module, "datetime", Stepped)
    _, report = _closed_run(tmp_path, STATS)
    assert 0 <= report["run"]["duration_s"] < 60
    assert report["run"]["finished"] == "2026-11-29T05:00:00+00:00"


def _report_clock(monkeypatch) -> list[datetime]:
    """The report module's clock, at T0 until ``clock[0]`` is set."""
    clock = [T0]

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return clock[0]

    monkeypatch.setattr(report_module, "datetime", Clock)
    return clock


def test_a_run_whose_clock_is_behind_the_last_runs_start_warns(tmp_path, monkeypatch, caplog):
    """A clock stepped back a day between runs: the second run's files (stem 2026-11-30T…)
    and scraped_at sorted before the first's (2026-12-01T…), so the README's latest-record
    recipe picked stale records (review: 2 of 85 keys), with no word of it."""
    clock = _report_clock(monkeypatch)
    _, first = _closed_run(tmp_path, STATS)
    assert not any("clock" in note for note in first["health"]["notes"])
    clock[0] = T0 - timedelta(days=1, seconds=1)
    _, report = _closed_run(tmp_path, STATS)
    behind = (
        "the machine clock is behind the last run's start: 2026-11-28T05:59:59+00:00 < "
        "2026-11-29T06:00:00+00:00; this run's files and scraped_at sort before that run's"
    )
    assert [r.levelname for r in caplog.records if r.getMessage() == behind] == ["WARNING"]
    assert behind in report["health"]["notes"]
    assert report["health"]["healthy"] and report["run"]["started"] == "2026-11-28T05:59:59+00:00"


def test_a_clock_behind_an_earlier_entrys_start_warns_too(tmp_path, monkeypatch, caplog):
    """The latest start of the history read, not the last entry's: after a run whose clock
    was a day behind (recorded last), a run 12 h behind the first run's start still warns."""
    clock = _report_clock(monkeypatch)
    _closed_run(tmp_path, STATS)
    clock[0] = T0 - timedelta(days=1)
    _closed_run(tmp_path, STATS)
    clock[0] = T0 - timedelta(hours=12)
    _, report = _closed_run(tmp_path, STATS)
    assert (
        "the machine clock is behind the last run's start: 2026-11-28T18:00:00+00:00 < "
        "2026-11-29T06:00:00+00:00; this run's files and scraped_at sort before that run's"
    ) in report["health"]["notes"]


def test_a_run_with_fakti_health_new_baseline_says_so_in_its_history_entry(tmp_path):
    _close(tmp_path, STATS)
    _, report = _closed_run(tmp_path, STATS, FAKTI_HEALTH_NEW_BASELINE="true")
    assert "this run starts a new baseline" in " ".join(report["health"]["notes"])
    reader = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)})
    runs = get_store(reader).recent_runs(5)
    assert [r.get("new_baseline") for r in runs] == [None, True]
    reader.signals.send_catch_log(signals.engine_stopped)


def test_the_report_names_the_rejects_file_only_when_there_is_one(tmp_path):
    """A run that rejected nothing wrote no rejects file: `run.rejects` is null; one that did
    names it."""
    _, clean = _closed_run(tmp_path / "clean", STATS)
    assert clean["run"]["rejects"] is None
    crawler = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path / "rejected")})
    rejects = run_files(crawler).rejects
    rejects.parent.mkdir(parents=True, exist_ok=True)  # (run_files makes it)
    rejects.write_text('{"url": "u", "reason": "missing_headline", "partial": {}}\n', "utf-8")
    crawler.stats.open_spider()
    ext = RunReport.from_crawler(crawler)
    spider = SimpleNamespace(args=CrawlArgs(), window=Window(skip_known=True), base_url="http://x")
    ext.spider_opened(spider)
    ext.spider_closed(spider, "finished")
    crawler.signals.send_catch_log(signals.engine_stopped)
    report = json.loads(run_files(crawler).report.read_text("utf-8"))
    assert report["run"]["rejects"] == str(rejects)


def test_a_distributed_worker_says_so_in_its_report(tmp_path, redis_url):
    """A worker of a Redis job (`FAKTI_STATE=redis://…`) reports `distributed: true`; a
    single process `false`."""
    _, single = _closed_run(tmp_path / "single", STATS)
    assert single["run"]["distributed"] is False
    _, worker = _closed_run(tmp_path / "worker", STATS, FAKTI_STATE=redis_url)
    assert worker["run"]["distributed"] is True


def test_extension_ignores_runs_that_are_not_crawls(tmp_path):
    crawler = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)})
    crawler.stats.open_spider()
    ext = RunReport.from_crawler(crawler)
    ext.spider_closed(SimpleNamespace(args=CrawlArgs(), window=Window()), "finished")
    assert not run_files(crawler).report.exists() and exit_status(crawler) == 0


def test_a_crawl_stopped_before_choosing_its_window_is_judged(tmp_path):
    crawler = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)})
    mark_crawl(crawler)
    crawler.stats.open_spider()
    ext = RunReport.from_crawler(crawler)
    ext.spider_closed(SimpleNamespace(args=CrawlArgs(), window=Window()), "start_error")
    report = json.loads(run_files(crawler).report.read_text("utf-8"))
    assert report["run"]["mode"] == "incremental" and exit_status(crawler) == 9
    assert report["health"]["failures"][0]["gate"] == "finish_reason"
    crawler.signals.send_catch_log(signals.engine_stopped)


def test_a_write_that_failed_as_the_run_closed_makes_it_export_failed(tmp_path):
    """Scrapy's reason is already `finished` when a pipeline's last flush fails."""
    crawler, report = _closed_run(tmp_path, STATS | {"export/write_failed": "x.jsonl"})
    assert report["run"]["finish_reason"] == "export_failed"
    assert exit_status(crawler) == 9


def test_a_report_that_cannot_be_written_fails_the_run_and_leaves_no_temporary(
    tmp_path, monkeypatch, caplog
):
    def full(self, check=None):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(AtomicFile, "publish", full)
    caplog.set_level(logging.INFO)
    crawler = _close(tmp_path, STATS)
    assert exit_status(crawler) == 9
    assert crawler.stats.get_value("export/write_failed") == run_files(crawler).report.name
    assert list((tmp_path / "fakti").iterdir()) == []
    # the summary logged named it as the run's report (review)
    summary = next(m for m in caplog.messages if m.startswith("run report ("))
    assert "report.json" not in summary
    # the log, the stats and the history say so too (scrapyd users read the stats: the code
    # was 0; the history had the run as a healthy baseline)
    assert crawler.stats.get_value("health/exit_code") == 9
    assert crawler.stats.get_value("health/reason").startswith("run report incomplete:")
    monkeypatch.undo()
    reader = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)})
    assert [r["exit_code"] for r in get_store(reader).recent_runs(5)] == [9]
    reader.signals.send_catch_log(signals.engine_stopped)


def test_a_failed_write_outranks_any_other_finish_reason(tmp_path):
    crawler = _close(
        tmp_path,
        STATS | {"export/write_failed": "x.jsonl"},
        "closespider_itemcount",
        FAKTI_HEALTH_FINISH_REASONS="finished,closespider_itemcount",
    )
    report = json.loads(run_files(crawler).report.read_text("utf-8"))
    assert report["run"]["finish_reason"] == "export_failed" and exit_status(crawler) == 9


def test_a_damaged_history_entry_is_skipped(tmp_path, caplog):
    """A truncated history row raised in the report step: no report, exit status 0."""
    _closed_run(tmp_path, STATS)
    reader = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)})
    store = get_store(reader)
    store._db.execute("INSERT INTO runs (recorded, data) VALUES (0, '{\"items\": ')")
    store._db.commit()
    reader.signals.send_catch_log(signals.engine_stopped)
    crawler, report = _closed_run(tmp_path, STATS, FAKTI_HEALTH_FINISH_REASONS="finished")
    assert report["health"]["healthy"] and exit_status(crawler) == 0
    assert "run history: a damaged entry skipped" in caplog.text
    stopped = _close(tmp_path, STATS, "closespider_itemcount")
    assert exit_status(stopped) == 9


@pytest.mark.parametrize("where", ["history", "summary"])
def test_a_failing_report_step_fails_the_run(tmp_path, monkeypatch, caplog, where: str):
    """Scrapy logs an exception of a ``spider_closed`` handler and goes on: the run exited 0,
    unjudged (a history that cannot be written: its report said 9, the process 0)."""
    if where == "history":

        def full(self, run):
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(SQLiteStore, "record_run", full)
    else:
        monkeypatch.setattr(report_module, "summarize", lambda *a: 1 / 0)
    crawler = _close(tmp_path, STATS)
    assert exit_status(crawler) == 9
    assert crawler.stats.get_value("health/exit_code") == 9
    assert "health: UNHEALTHY (exit status 9)" in caplog.text
    if where == "history":  # the report was written before it
        assert "history entry failed (database or disk is full)" in caplog.text
