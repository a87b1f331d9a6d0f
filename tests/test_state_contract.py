"""What every state backend must do (the ``StateStore`` protocol), run against SQLite and a
real Redis server: sightings, queries, the export protocol and recovery. Backend-only
behaviour is in ``test_state.py`` (SQLite) and ``test_redis_state.py`` (Redis)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest
from dateutil import tz

import newsspider.state.redis as redis_mod
import newsspider.state.sqlite as sqlite_mod
from newsspider.state import StateStore
from newsspider.state.redis import RedisStore
from newsspider.state.sqlite import SQLiteStore

SOFIA = tz.gettz("Europe/Sofia")
H1 = "sha256:" + "1" * 64
H2 = "sha256:" + "2" * 64


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass
class Backend:
    """One backend: ``open()`` opens a new store on the same storage (another process's
    view), ``clock_text`` is how its module's ``_now`` spells a time, ``kill`` drops a
    store the way a killed process does (no ``close()``)."""

    open: Callable[[], StateStore]
    module: ModuleType
    clock_text: Callable[[datetime], str]
    kill: Callable[[StateStore], None]

    def set_clock(self, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
        """Pin the store's clock to ``text`` (an ISO time)."""
        monkeypatch.setattr(self.module, "_now", lambda: self.clock_text(at(text)))


@pytest.fixture(params=["sqlite", "redis"])
def backend(request, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        path = tmp_path / "state" / "fakti.sqlite"
        return Backend(
            open=lambda: SQLiteStore(path),
            module=sqlite_mod,
            clock_text=lambda dt: dt.isoformat(timespec="seconds"),
            kill=lambda s: s._db.close(),
        )
    url = request.getfixturevalue("redis_url")
    return Backend(
        open=lambda: RedisStore.from_url(url, owner="worker-a"),
        module=redis_mod,
        clock_text=lambda dt: str(int(dt.timestamp())),
        kill=lambda s: s.client.close(),  # unflushed sightings are lost, like a kill
    )


@pytest.fixture
def store(backend: Backend):
    s = backend.open()
    yield s
    s.close()


@pytest.fixture
def reopen(backend: Backend) -> Callable[[], StateStore]:
    """Open another store on the same storage; the test closes it."""
    return backend.open


def export(store: StateStore, file: Path, *rows) -> None:
    """A complete export: pending, the file appears, committed."""
    store.add_pending(str(file), rows)
    file.write_text("x\n")
    store.commit_file(str(file))


def test_touch_records_a_sighting_not_an_export(store):
    store.touch(("bg", 101), "https://fakti.bg/world/101-a", at("2025-04-23T08:03:00+03:00"), H1, 5)
    state = store.get(("bg", 101))
    assert state is not None
    assert (state.url, state.content_hash, state.views, state.file, state.exported_hash) == (
        "https://fakti.bg/world/101-a",
        H1,
        5,
        None,
        None,
    )
    assert state.published_at == at("2025-04-23T08:03:00+03:00")
    assert state.published_at.utcoffset() == timedelta(hours=3)
    assert state.first_seen.tzinfo is not None
    assert store.known([("bg", 101)]) == set()
    assert store.is_empty()
    assert store.get(("en", 101)) is None
    assert store.lost() is None  # (its file, or server, is the one opened)


def test_second_touch_keeps_first_seen_and_updates_views(backend, reopen, monkeypatch):
    url, published = "https://fakti.bg/en/world/7-a", at("2025-01-05T10:00:00+02:00")
    backend.set_clock(monkeypatch, "2026-11-29T06:00:00+00:00")
    first = reopen()
    first.touch(("en", 7), url, published, H1, 5)
    first.close()
    backend.set_clock(monkeypatch, "2026-11-29T07:00:00+00:00")
    s = reopen()
    s.touch(("en", 7), url, published, H1, 90)
    state = s.get(("en", 7))
    assert state.first_seen == at("2026-11-29T06:00:00+00:00")
    assert state.last_seen == at("2026-11-29T07:00:00+00:00")
    assert state.views == 90
    s.close()


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
    assert store.get(("bg", 1)).url == "u1"
    assert store.get(("en", 2)).exported_hash == H2  # committed without an earlier sighting
    assert store.get(("en", 2)).url is None
    assert store.pending_files() == []
    assert not store.is_empty()


def test_exported_hash_survives_a_later_edit_sighting(store, tmp_path):
    store.touch(("bg", 1), "u", None, H1, 1)
    export(store, tmp_path / "a.jsonl", (("bg", 1), H1))
    store.touch(("bg", 1), "u", None, H2, 2)  # edited on the site, not exported again
    state = store.get(("bg", 1))
    assert (state.content_hash, state.exported_hash) == (H2, H1)
    store.touch(("bg", 1), "u", None, H1, 3)  # edited back
    assert store.get(("bg", 1)).exported_hash == H1


def test_rollback_forgets_pending_rows_only(store, tmp_path):
    export(store, tmp_path / "a.jsonl", (("bg", 1), H1))
    store.add_pending(str(tmp_path / "b.jsonl"), [(("bg", 1), H2), (("bg", 2), H2)])
    assert store.rollback_file(str(tmp_path / "b.jsonl")) == 2
    assert store.get(("bg", 1)).file == str(tmp_path / "a.jsonl")
    assert store.get(("bg", 1)).exported_hash == H1
    assert store.known([("bg", 2)]) == set()
    assert store.rollback_file(str(tmp_path / "never.jsonl")) == 0


def test_recover_commits_existing_files_and_rolls_back_missing_ones(backend, reopen, tmp_path):
    done, lost = tmp_path / "done.jsonl", tmp_path / "lost.jsonl"
    s = reopen()
    s.add_pending(str(done), [(("bg", 1), H1), (("bg", 2), H1)])
    s.add_pending(str(lost), [(("en", 3), H1)])
    done.write_text("{}\n{}\n")
    backend.kill(s)  # no close(), no commit_file()

    s = reopen()
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


def test_pending_rows_and_sightings_are_durable_on_return(store, reopen):
    store.touch(("bg", 1), "u", None, H1, None)  # batched, not yet written
    store.add_pending("/nowhere/f.jsonl", [(("bg", 1), H1)])
    other = reopen()  # another process's view, the first store still open
    assert other.pending_files() == ["/nowhere/f.jsonl"]
    assert other.get(("bg", 1)).content_hash == H1
    other.close()


def test_touches_survive_close_and_reopen(reopen):
    s = reopen()
    s.touch(("bg", 9), "u", None, H1, None)
    s.close()
    s = reopen()
    assert s.get(("bg", 9)).content_hash == H1
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


def test_a_key_seen_again_but_never_exported_stays_out_of_the_publication_index(store):
    """A key sighted twice (its record written in between, its publication time corrected)
    yet never exported is no exported key: not the newest publication, not published since
    any time."""
    for published in ("2026-01-01T00:00:00+02:00", "2026-01-01T09:00:00+02:00"):
        store.touch(("bg", 5), "https://fakti.bg/world/5-x", at(published), H1, 0)
        assert store.get(("bg", 5)).published_at == at(published)  # (the sighting is written)
    assert store.newest_published() is None
    assert store.published_since(at("2025-01-01T00:00:00+02:00")) == []


def test_published_since_orders_ties_by_lang_then_numeric_id(store, tmp_path):
    when = at("2025-05-01T10:00:00+03:00")
    for key in [("en", 100), ("bg", 99), ("en", 99)]:
        store.touch(key, f"https://fakti.bg/x/{key[1]}", when, H1, 0)
    export(store, tmp_path / "f.jsonl", *[(k, H1) for k in [("en", 100), ("bg", 99), ("en", 99)]])
    assert [k for k, _ in store.published_since(when)] == [("bg", 99), ("en", 99), ("en", 100)]


def test_a_later_sighting_moves_an_exported_key_in_the_publication_index(store, tmp_path):
    store.touch(("bg", 1), "https://fakti.bg/world/1-a", at("2025-05-01T10:00:00+03:00"), H1, 0)
    store.touch(("bg", 2), "https://fakti.bg/world/2-a", at("2025-05-03T10:00:00+03:00"), H1, 0)
    export(store, tmp_path / "f.jsonl", (("bg", 1), H1), (("bg", 2), H1))
    assert store.newest_published() == at("2025-05-03T10:00:00+03:00")
    store.touch(("bg", 2), "https://fakti.bg/world/2-a", at("2025-04-01T09:00:00+03:00"), H1, 0)
    assert store.newest_published() == at("2025-05-01T10:00:00+03:00")
    assert [k for k, _ in store.published_since(at("2025-03-01T00:00:00+02:00"))] == [
        ("bg", 2),
        ("bg", 1),
    ]
    assert store.published_since(at("2025-05-02T00:00:00+03:00")) == []


def test_newest_published_of_one_edition(store, tmp_path):
    times = {("en", 1): "2025-05-01T10:00:00+03:00", ("bg", 2): "2025-05-03T10:00:00+03:00"}
    for key, text in times.items():
        store.touch(key, f"https://fakti.bg/world/{key[1]}-x", at(text), H1, 0)
    store.touch(("en", 3), "https://fakti.bg/world/3-x", at("2025-06-01T00:00:00+03:00"), H1, 0)
    export(store, tmp_path / "f.jsonl", *[(key, H1) for key in times])  # not ("en", 3)
    assert store.newest_published() == at("2025-05-03T10:00:00+03:00")
    assert store.newest_published("bg") == at("2025-05-03T10:00:00+03:00")
    assert store.newest_published("en") == at("2025-05-01T10:00:00+03:00")
    assert store.newest_published("xx") is None


def test_a_later_export_moves_the_newest_publication_up(store, tmp_path):
    """Each export of a newer article raises the newest time (Redis: its bound of the index)."""
    for aid, text in ((1, "2025-10-20T12:00:00+03:00"), (2, "2025-10-26T12:00:00+02:00")):
        store.touch(("bg", aid), f"https://fakti.bg/world/{aid}-x", at(text), H1, 0)
        export(store, tmp_path / f"f{aid}.jsonl", (("bg", aid), H1))
    assert store.newest_published() == at("2025-10-26T12:00:00+02:00")
    since = store.published_since(at("2025-10-26T11:00:00+02:00"))
    assert since == [(("bg", 2), "https://fakti.bg/world/2-x")]


def test_newest_published_none_on_empty_store(store):
    assert store.newest_published() is None
    assert store.published_since(datetime(2000, 1, 1, tzinfo=UTC)) == []


def test_known_handles_more_keys_than_one_query(store, tmp_path):
    rows = [(("en", i), H1) for i in range(1, 2501)]  # several chunks on either backend
    export(store, tmp_path / "f.jsonl", *rows)
    asked = [("en", i) for i in range(1, 4001)] + [("bg", 5)]
    assert store.known(asked) == {("en", i) for i in range(1, 2501)}


def test_urls_outside_the_canonical_origin_are_kept_whole(store):
    store.touch(("bg", 1), "http://127.0.0.1:8000/world/1-a|b", None, None, None)
    assert store.get(("bg", 1)).url == "http://127.0.0.1:8000/world/1-a|b"


def test_watermarks_only_move_up_and_survive_a_reopen(reopen):
    s = reopen()
    assert s.watermarks() == {}
    s.raise_watermarks(
        {"en": at("2026-01-15T12:00:00+02:00"), "bg/world": at("2026-01-14T08:30:00+02:00")}
    )
    s.raise_watermarks({"en": at("2026-01-15T09:00:00+02:00")})  # older: ignored
    s.raise_watermarks(
        {"bg/world": at("2026-01-15T07:00:00+00:00"), "bg": at("2026-01-01T00:00:00+02:00")}
    )
    s.raise_watermarks({})
    s.close()
    s = reopen()
    marks = s.watermarks()
    assert marks == {
        "en": at("2026-01-15T12:00:00+02:00"),
        "bg/world": at("2026-01-15T09:00:00+02:00"),
        "bg": at("2026-01-01T00:00:00+02:00"),
    }
    assert all(m.tzinfo is SOFIA for m in marks.values())
    with pytest.raises(ValueError, match="naive"):
        s.raise_watermarks({"en": datetime(2027, 1, 1)})
    s.close()


def test_no_history_entry_is_read_for_a_count_of_0_or_less(store) -> None:
    """`recent_runs(0)` (or a negative count) reads no entry, on either backend (SQLite's
    `LIMIT -1` and Redis's `LRANGE 0 -1` would read them all)."""
    for n in range(3):
        store.record_run({"n": n})
    assert (store.recent_runs(0), store.recent_runs(-1)) == ([], [])
    assert [r["n"] for r in store.recent_runs(2)] == [1, 2]


def test_the_run_history_keeps_its_last_entries(store, monkeypatch) -> None:
    """Only the last 200 entries are read: the history grew by one row per run, for good."""
    monkeypatch.setattr(sqlite_mod, "HISTORY_KEEP", 3)
    monkeypatch.setattr(redis_mod, "HISTORY_KEEP", 3)
    for n in range(5):
        store.record_run({"n": n})
    assert [r["n"] for r in store.recent_runs(10)] == [2, 3, 4]
