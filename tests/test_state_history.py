"""Run history in the state store (``record_run``/``recent_runs``), read by the health gates."""

from __future__ import annotations

from pathlib import Path

from newsspider.extensions.health import HISTORY_READ
from newsspider.state import open_store, state_file
from newsspider.state.sqlite import SQLiteStore


def test_recent_runs_oldest_first_and_limited(tmp_path):
    store = SQLiteStore(tmp_path / "s.sqlite")
    assert store.recent_runs(5) == []
    for n in range(7):
        store.record_run({"n": n, "mode": "incremental", "scope": {"langs": ["bg"]}})
    assert [r["n"] for r in store.recent_runs(3)] == [4, 5, 6]
    assert store.recent_runs(0) == []
    assert store.recent_runs(3)[-1]["scope"] == {"langs": ["bg"]}
    store.close()


def test_history_keeps_all_the_runs_the_health_gates_read(tmp_path):
    store = SQLiteStore(tmp_path / "s.sqlite")
    for n in range(HISTORY_READ + 1):
        store.record_run({"n": n})
    assert [r["n"] for r in store.recent_runs(HISTORY_READ)] == list(range(1, HISTORY_READ + 1))
    store.close()


def test_a_history_entry_that_is_not_a_json_object_is_skipped(tmp_path, caplog):
    """A damaged row that is valid JSON but no object (a list, a number) is skipped too."""
    store = SQLiteStore(tmp_path / "s.sqlite")
    store.record_run({"n": 1})
    for data in ("[1, 2]", "5"):
        store._db.execute("INSERT INTO runs (recorded, data) VALUES (0, ?)", (data,))
    store._db.commit()
    store.record_run({"n": 2})
    assert store.recent_runs(10) == [{"n": 1}, {"n": 2}]
    assert caplog.text.count("run history: a damaged entry skipped") == 2
    store.close()


def test_history_is_durable_and_survives_reopen(tmp_path):
    path = tmp_path / "s.sqlite"
    store = SQLiteStore(path)
    store.record_run({"started": "2026-11-29T06:00:00+00:00", "valid": 12})
    # no close(): record_run commits at once
    again = open_store(path)
    assert again.recent_runs(10) == [{"started": "2026-11-29T06:00:00+00:00", "valid": 12}]
    again.close()
    store.close()


def test_state_file_of_locations():
    assert state_file("sqlite:///var/x.sqlite") == Path("/var/x.sqlite")
    assert state_file("sqlite:rel.sqlite") == Path("rel.sqlite")
    assert state_file("out/.state/fakti.sqlite") == Path("out/.state/fakti.sqlite")
    assert state_file("redis://host/0") is None
    assert state_file("sqlite://") is None
    assert state_file("redis:/h:6379/0") is None  # a mistyped URL (refused)
    assert state_file("redis/s.sqlite") == Path("redis/s.sqlite")
