"""Validation, rejects and deduplication/emission policy, through the real pipeline order."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from newsspider.items import ArticleItem, RejectItem
from newsspider.pipelines.dedup import decide, emit_mode
from newsspider.pipelines.rejects import RejectDropped
from newsspider.pipelines.validate import RecordValidator
from newsspider.state import KeyState, SettingError
from newsspider.state.sqlite import SQLiteStore

LAYERS = {"headline": "jsonld", "body": "selectors"}


def article(record: dict) -> ArticleItem:
    return ArticleItem(**record, layers=LAYERS)


def feed_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "out" / "fakti").glob("*[0-9].jsonl"))


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def state_of(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "out" / ".state" / "fakti.sqlite")


# -- validation ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"headline": None}, "missing_headline"),
        ({"headline": "   "}, "missing_headline"),
        ({"headline": "\u200b"}, "missing_headline"),  # a zero-width space: shows nothing
        ({"headline": " \ufeff\u00ad "}, "missing_headline"),
        ({"published_at": None}, "missing_published_at"),
        ({"views": -1}, "invalid_views"),
        ({"views": "144"}, "invalid_views"),
        ({"published_at": "2025-04-23T08:03:00"}, "invalid_published_at"),
        ({"url": "https://example.com/world/1-x"}, "invalid_url"),
        ({"lang": "de"}, "invalid_lang"),
        ({"tags": ["a", "a"]}, "invalid_tags"),
        ({"content_hash": "md5:00"}, "invalid_content_hash"),
    ],
)
def test_validator_names_the_fault(make_record, change, reason):
    problem = RecordValidator().problem(make_record(1, **change))
    assert problem is not None and problem[0] == reason


def test_validator_accepts_a_valid_record_and_refuses_an_absent_field(make_record):
    validator = RecordValidator()
    assert validator.problem(make_record(1)) is None
    record = make_record(1)
    del record["body"]
    assert validator.problem(record) == ("missing_body", "body is absent")


# -- rejects ------------------------------------------------------------------------------
def test_schema_violations_and_spider_rejects_land_in_rejects_file(
    pipeline_run, make_record, tmp_path
):
    run = pipeline_run()
    good = make_record(10)
    bad = make_record(11, views=-5)
    spider_reject = RejectItem(
        url="https://fakti.bg/world/12-x",
        reason="no_date",
        partial={"headline": "Заглавие"},
        layers={"headline": "text"},
    )
    run.feed(article(good), article(bad), spider_reject)
    run.close()

    assert [dict(i)["article_id"] for i in run.passed] == [10]  # rejects never reach feeds
    (feed,) = feed_files(tmp_path)
    rejects = feed.with_name(feed.name.replace(".jsonl", ".rejects.jsonl"))
    lines = read_lines(rejects)
    assert [(r["url"], r["reason"]) for r in lines] == [
        (bad["url"], "invalid_views"),
        ("https://fakti.bg/world/12-x", "no_date"),
    ]
    assert lines[0]["partial"] == bad  # the whole partial record, no layers
    assert lines[1] == {
        "url": "https://fakti.bg/world/12-x",
        "reason": "no_date",
        "partial": {"headline": "Заглавие"},
    }
    assert run.stats.get_value("rejects/invalid_views") == 1
    assert run.stats.get_value("rejects/no_date") == 1
    assert run.stats.get_value("rejects/total") == 2
    assert [r["article_id"] for r in read_lines(feed)] == [10]


def test_a_reject_line_never_holds_layers(pipeline_run, tmp_path):
    """A partial record that carries the item's ``layers`` is written without them."""
    run = pipeline_run()
    partial = {"headline": "Заглавие", "layers": {"headline": "text"}}
    run.feed(RejectItem(url="https://fakti.bg/world/12-x", reason="no_date", partial=partial))
    run.close()
    (rejects,) = (tmp_path / "out" / "fakti").glob("*.rejects.jsonl")
    assert read_lines(rejects) == [
        {
            "url": "https://fakti.bg/world/12-x",
            "reason": "no_date",
            "partial": {"headline": "Заглавие"},
        }
    ]


def test_a_reject_is_dropped_at_debug_level_with_its_reason(pipeline_run, make_record):
    """The drop of a reject names its reason (the spider holds the article back on it) and
    is logged at DEBUG: the rejects file has it (Scrapy's default was a WARNING per reject)."""
    run = pipeline_run()
    item = article(make_record(11, views=-5))
    with pytest.raises(RejectDropped) as dropped:
        for pipe in run.pipes:
            item = pipe.process_item(item)
    run.close()
    assert (dropped.value.reason, dropped.value.log_level) == ("invalid_views", "DEBUG")


def test_no_rejects_no_rejects_file(pipeline_run, make_record, tmp_path):
    run = pipeline_run()
    run.feed(article(make_record(1)))
    run.close()
    assert not list((tmp_path / "out" / "fakti").glob("*rejects*"))


# -- emission policy ----------------------------------------------------------------------
def _state(file: str | None, exported: str | None) -> KeyState:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    return KeyState(now, now, None, exported, 1, "u", file, exported)


@pytest.mark.parametrize(
    ("mode", "state", "expected"),
    [
        ("new", None, (True, "new")),
        ("new", _state(None, None), (True, "new")),  # seen, never exported (killed run)
        ("new", _state("f", "h1"), (False, "known")),
        ("new", _state("f", "h0"), (False, "known")),
        ("changed", _state("f", "h1"), (False, "unchanged")),
        ("changed", _state("f", "h0"), (True, "changed")),
        ("all", _state("f", "h1"), (True, "repeat")),
        ("all", _state("f", "h0"), (True, "changed")),
    ],
)
def test_decide(mode, state, expected):
    assert decide(mode, state, "h1") == expected


@pytest.mark.parametrize("value", ["bogus", "", "New,changed"])
def test_bad_emit_value_stops_with_one_line(pipeline_run, value, caplog):
    with pytest.raises(SettingError) as exc:
        emit_mode(value)
    message = f"FAKTI_EMIT: {value!r} is not one of new, changed, all"
    assert str(exc.value) == message
    with pytest.raises(SystemExit) as stop:
        pipeline_run(FAKTI_EMIT=value)
    assert stop.value.code == 1
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [("CRITICAL", message)]


def test_bad_state_value_stops_with_one_line(pipeline_run, caplog):
    with pytest.raises(SystemExit):
        pipeline_run(FAKTI_STATE="mysql://localhost/fakti")
    assert [r.getMessage() for r in caplog.records if r.levelname == "CRITICAL"] == [
        "FAKTI_STATE: unsupported store 'mysql://localhost/fakti' "
        "(accepted: a file path, sqlite://<path> or redis://host:port/db)"
    ]


def test_emit_mode_is_case_insensitive():
    assert emit_mode(" Changed ") == "changed"


def test_key_emitted_once_per_run_whatever_the_url(pipeline_run, make_record, tmp_path):
    run = pipeline_run()
    first = make_record(5)
    amp = make_record(5, url="https://fakti.bg/world/5-drug-slug")
    other_lang = make_record(5, lang="en")
    run.feed(article(first), article(amp), article(other_lang))
    run.close()
    (feed,) = feed_files(tmp_path)
    assert [(r["lang"], r["url"]) for r in read_lines(feed)] == [
        ("bg", first["url"]),
        ("en", other_lang["url"]),
    ]
    assert run.stats.get_value("dedup/skip/duplicate") == 1


def _second_run(pipeline_run, make_record, mode):
    first = pipeline_run()
    first.feed(*(article(make_record(i)) for i in (1, 2, 3)))
    first.close()
    second = pipeline_run(FAKTI_EMIT=mode)
    second.feed(
        article(make_record(1)),  # unchanged
        article(make_record(2, views=9000)),  # views only
        article(make_record(3, body="Редактиран текст.")),  # edited
        article(make_record(4)),  # new
    )
    second.close()
    return second


@pytest.mark.parametrize(
    ("mode", "emitted"), [("new", [4]), ("changed", [3, 4]), ("all", [1, 2, 3, 4])]
)
def test_emission_policy_across_runs(pipeline_run, make_record, tmp_path, mode, emitted):
    second = _second_run(pipeline_run, make_record, mode)
    assert [dict(i)["article_id"] for i in second.passed] == emitted
    latest = feed_files(tmp_path)[-1]
    assert str(latest) == second.stats.get_value("export/file")  # names sort in run order
    assert [r["article_id"] for r in read_lines(latest)] == emitted
    store = state_of(tmp_path)
    assert store.get(("bg", 2)).views == 9000  # views are updated even when not emitted
    edited = store.get(("bg", 3))
    assert edited.content_hash == make_record(3, body="Редактиран текст.")["content_hash"]
    assert (edited.exported_hash == edited.content_hash) is (3 in emitted)
    store.close()


def test_a_sighting_records_the_publication_time(pipeline_run, make_record, tmp_path):
    """The state keeps each article's publication time: the watermark of the next run."""
    run = pipeline_run()
    run.feed(article(make_record(1)))
    run.close()
    store = state_of(tmp_path)
    published = datetime.fromisoformat("2025-04-23T08:03:00+03:00")
    assert store.get(("bg", 1)).published_at == published
    assert store.newest_published("bg") == published
    store.close()


def test_views_only_change_is_not_an_edit(pipeline_run, make_record):
    second = _second_run(pipeline_run, make_record, "changed")
    assert second.stats.get_value("dedup/skip/unchanged") == 2  # ids 1 and 2
    assert second.stats.get_value("dedup/emit/changed") == 1
    assert second.stats.get_value("dedup/emit/new") == 1


def test_changed_compares_with_the_last_export_not_the_last_sighting(pipeline_run, make_record):
    """An edit seen by a `new` run (recorded, not written) is still an edit for the next
    `changed` run: it compares with the version last exported, not the one last seen."""
    for mode, body in (("new", "Версия А."), ("new", "Версия Б."), ("changed", "Версия Б.")):
        run = pipeline_run(FAKTI_EMIT=mode)
        run.feed(article(make_record(1, body=body)))
        run.close()
    assert [dict(i)["body"] for i in run.passed] == ["Версия Б."]
    assert run.stats.get_value("dedup/emit/changed") == 1


def test_a_run_without_rejects_logs_no_error(pipeline_run, make_record, caplog):
    caplog.set_level("INFO")
    run = pipeline_run()
    run.feed(article(make_record(1)))
    run.close()
    assert len(run.passed) == 1
    assert [r.getMessage() for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")] == []
