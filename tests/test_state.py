"""The SQLite state store: sightings, queries, the export protocol and recovery."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dateutil import tz
from scrapy import signals
from scrapy.utils.test import get_crawler

from newsspider.state import SettingError, get_store, open_store, state_location
from newsspider.state.sqlite import SQLiteStore

SOFIA = tz.gettz("Europe/Sofia")
H1 = "sha256:" + "1" * 64
H2 = "sha256:" + "2" * 64


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def store(tmp_path: Path):
    s = SQLiteStore(tmp_path / "state" / "fakti.sqlite")
    yield s
    s.close()


def export(store: SQLiteStore, file: Path, *rows) -> None:
    """A complete export: pending, the file appears, committed."""
    store.add_pending(str(file), rows)
    file.write_text("x\n")
    store.commit_file(str(file))


def test_wal_mode_and_file_created_under_missing_folders(store, tmp_path):
    path = tmp_path / "state" / "fakti.sqlite"
    assert path.is_file()
    other = sqlite3.connect(path)  # WAL is a property of the database file
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()


def test_touch_records_a_sighting_not_an_export(store):
    store.touch(("bg", 101), "https://fakti.bg/world/101-a", at("2025-04-23T08:03:00+03:00"), H1, 5)
    state = store.get(("bg", 101))
    assert state is not None
    assert (state.url, state.content_hash, state.views, state.file) == (
        "https://fakti.bg/world/101-a",
        H1,
        5,
        None,
    )
    assert state.published_at == at("2025-04-23T08:03:00+03:00")
    assert state.published_at.utcoffset() == timedelta(hours=3)
    assert state.first_seen.tzinfo is not None
    assert store.known([("bg", 101)]) == set()
    assert store.is_empty()
    assert store.get(("en", 101)) is None


def test_second_touch_keeps_first_seen_and_updates_views(store, monkeypatch):
    import newsspider.state.sqlite as mod

    monkeypatch.setattr(mod, "_now", lambda: "2026-11-29T06:00:00+00:00")
    store.touch(("en", 7), "https://fakti.bg/en/world/7-a", at("2025-01-05T10:00:00+02:00"), H1, 5)
    monkeypatch.setattr(mod, "_now", lambda: "2026-11-29T07:00:00+00:00")
    store.touch(("en", 7), "https://fakti.bg/en/world/7-a", at("2025-01-05T10:00:00+02:00"), H1, 90)
    state = store.get(("en", 7))
    assert state.first_seen == at("2026-11-29T06:00:00+00:00")
    assert state.last_seen == at("2026-11-29T07:00:00+00:00")
    assert state.views == 90


def test_export_protocol_commit_marks_keys_exported(store, tmp_path):
    f = tmp_path / "run.jsonl"
    store.touch(("bg", 1), "u1", at("2025-04-23T08:03:00+03:00"), H1, 1)
    store.add_pending(str(f), [(("bg", 1), H1), (("en", 2), H2)])
    assert store.known([("bg", 1), ("en", 2)]) == set()  # pending is not exported
    assert store.pending_files() == [str(f)]
    assert store.commit_file(str(f)) == 2
    assert store.known([("bg", 1), ("en", 2), ("bg", 3)]) == {("bg", 1), ("en", 2)}
    assert store.get(("bg", 1)).file == str(f)
    assert store.get(("bg", 1)).exported_hash == H1
    assert store.get(("en", 2)).exported_hash == H2  # committed without an earlier sighting
    assert store.pending_files() == []
    assert not store.is_empty()


def test_rollback_forgets_pending_rows_only(store, tmp_path):
    export(store, tmp_path / "a.jsonl", (("bg", 1), H1))
    store.add_pending(str(tmp_path / "b.jsonl"), [(("bg", 1), H2), (("bg", 2), H2)])
    assert store.rollback_file(str(tmp_path / "b.jsonl")) == 2
    assert store.get(("bg", 1)).file == str(tmp_path / "a.jsonl")
    assert store.get(("bg", 1)).exported_hash == H1
    assert store.known([("bg", 2)]) == set()


def test_recover_commits_existing_files_and_rolls_back_missing_ones(tmp_path):
    path = tmp_path / "s.sqlite"
    done, lost = tmp_path / "done.jsonl", tmp_path / "lost.jsonl"
    s = SQLiteStore(path)
    s.add_pending(str(done), [(("bg", 1), H1), (("bg", 2), H1)])
    s.add_pending(str(lost), [(("en", 3), H1)])
    done.write_text("{}\n{}\n")
    s._db.close()  # a kill: no close(), no commit_file()

    s = SQLiteStore(path)
    assert s.recover() == {
        "committed_files": 1,
        "committed_keys": 2,
        "rolled_back_files": 1,
        "rolled_back_keys": 1,
    }
    assert s.known([("bg", 1), ("bg", 2), ("en", 3)]) == {("bg", 1), ("bg", 2)}
    assert s.pending_files() == []
    assert s.recover() == dict.fromkeys(
        ("committed_files", "committed_keys", "rolled_back_files", "rolled_back_keys"), 0
    )
    s.close()


def test_touches_survive_close_and_reopen(tmp_path):
    path = tmp_path / "s.sqlite"
    s = SQLiteStore(path)
    s.touch(("bg", 9), "u", None, H1, None)
    s.close()
    s = SQLiteStore(path)
    assert s.get(("bg", 9)).content_hash == H1
    s.close()


def test_pending_rows_are_durable_on_return(tmp_path):
    path = tmp_path / "s.sqlite"
    s = SQLiteStore(path)
    s.touch(("bg", 1), "u", None, H1, None)  # batched, not yet committed
    s.add_pending("/nowhere/f.jsonl", [(("bg", 1), H1)])
    other = sqlite3.connect(path)  # another process's view
    assert other.execute("SELECT COUNT(*) FROM pending").fetchone()[0] == 1
    assert other.execute("SELECT COUNT(*) FROM keys").fetchone()[0] == 1
    other.close()
    s.close()


def test_newest_published_and_published_since_use_exported_keys(store, tmp_path):
    times = {
        1: "2025-03-30T02:59:00+02:00",  # before the spring DST change
        2: "2025-03-30T04:00:00+03:00",
        3: "2025-10-26T03:30:00+03:00",  # the repeated autumn hour, first pass
        4: "2025-10-26T03:30:00+02:00",  # second pass: one hour later
    }
    for aid, text in times.items():
        store.touch(("bg", aid), f"https://fakti.bg/world/{aid}-x", at(text), H1, 0)
    store.touch(("bg", 5), "https://fakti.bg/world/5-x", at("2026-01-01T00:00:00+02:00"), H1, 0)
    export(store, tmp_path / "f.jsonl", *[(("bg", aid), H1) for aid in times])

    newest = store.newest_published()  # not the unexported 5; the second 03:30, in Sofia time
    assert newest.isoformat() == "2025-10-26T03:30:00+02:00"
    assert newest.tzinfo is SOFIA
    since = store.published_since(at("2025-10-26T00:30:00+00:00"))  # = 03:30+03:00
    assert since == [
        (("bg", 3), "https://fakti.bg/world/3-x"),
        (("bg", 4), "https://fakti.bg/world/4-x"),
    ]
    assert [k for k, _ in store.published_since(at("2025-03-30T01:00:00+00:00"))] == [
        ("bg", 2),
        ("bg", 3),
        ("bg", 4),
    ]
    with pytest.raises(ValueError, match="naive"):
        store.published_since(datetime(2025, 1, 1))


def test_newest_published_none_on_empty_store(store):
    assert store.newest_published() is None
    assert store.published_since(datetime(2000, 1, 1, tzinfo=UTC)) == []


def test_known_handles_more_keys_than_one_query(store, tmp_path):
    rows = [(("en", i), H1) for i in range(1, 1201)]
    export(store, tmp_path / "f.jsonl", *rows)
    asked = [("en", i) for i in range(1, 2001)] + [("bg", 5)]
    assert store.known(asked) == {("en", i) for i in range(1, 1201)}


@pytest.mark.parametrize("form", ["{p}", "sqlite://{p}", "sqlite:{p}", "SQLITE://{p}"])
def test_open_store_paths_and_uris(tmp_path, form):
    p = tmp_path / "x" / "s.sqlite"
    s = open_store(form.format(p=p))
    assert isinstance(s, SQLiteStore) and s.path == p
    s.close()


@pytest.mark.parametrize("value", ["sqlite://", "", "mysql://h/db"])
def test_open_store_refuses_unknown_schemes_with_one_line(value):
    with pytest.raises(SettingError) as exc:
        open_store(value)
    message = str(exc.value)
    assert message.startswith("FAKTI_STATE: ") and "\n" not in message
    assert "sqlite://" in message


def test_open_store_reports_an_unusable_path_in_one_line(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(SettingError, match=r"^FAKTI_STATE: cannot open '.*file/s.sqlite': "):
        open_store(tmp_path / "file" / "s.sqlite")  # a file where a folder should be


def test_state_location_default_is_under_output_dir():
    assert state_location("", "out") == str(Path("out/.state/fakti.sqlite"))
    assert state_location("sqlite:///x.db", "out") == "sqlite:///x.db"


def test_get_store_opens_once_recovers_and_closes_on_engine_stopped(tmp_path):
    stale = tmp_path / "out" / "fakti" / "gone.jsonl"
    s = SQLiteStore(tmp_path / "out" / ".state" / "fakti.sqlite")
    s.add_pending(str(stale), [(("bg", 1), H1)])
    s.close()

    crawler = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path / "out")})
    store = get_store(crawler)
    assert get_store(crawler) is store
    assert crawler.stats.get_value("state/recovered/rolled_back_keys") == 1
    assert store.pending_files() == []
    crawler.signals.send_catch_log(signals.engine_stopped)
    with pytest.raises(sqlite3.ProgrammingError):
        store.is_empty()
    assert get_store(crawler) is not store  # reopened on demand
