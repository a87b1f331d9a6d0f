"""The Redis state store against a real Redis server: the SQLite store's tests, plus the
per-worker ownership of pending rows that several workers need."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dateutil import tz

import newsspider.state.redis as mod
from newsspider.state import SettingError, open_store
from newsspider.state.redis import RedisStore, split_url

SOFIA = tz.gettz("Europe/Sofia")
H1 = "sha256:" + "1" * 64
H2 = "sha256:" + "2" * 64


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def store(redis_url):
    s = RedisStore.from_url(redis_url, owner="worker-a")
    yield s
    s.close()


def export(store: RedisStore, file: Path, *rows) -> None:
    """A complete export: pending, the file appears, committed."""
    store.add_pending(str(file), rows)
    file.write_text("x\n")
    store.commit_file(str(file))


def test_open_store_selects_redis_with_prefix_and_owner(redis_url):
    s = open_store(redis_url, owner="w9")
    assert isinstance(s, RedisStore)
    assert s.owner == "w9" and s.prefix == split_url(redis_url)[1] != "fakti"
    s.close()
    assert split_url("redis://h:1/2") == ("redis://h:1/2", "fakti")


def test_open_store_reports_an_unreachable_server_in_one_line():
    with pytest.raises(SettingError) as exc:
        open_store("redis://127.0.0.1:1/0")
    assert str(exc.value).startswith("FAKTI_STATE: cannot use 'redis://127.0.0.1:1/0': ")
    assert "\n" not in str(exc.value)


def test_touch_records_a_sighting_not_an_export(store):
    store.touch(("bg", 101), "https://fakti.bg/world/101-a", at("2025-04-23T08:03:00+03:00"), H1, 5)
    state = store.get(("bg", 101))
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


def test_second_touch_keeps_first_seen_and_updates_views(store, monkeypatch):
    monkeypatch.setattr(mod, "_now", lambda: "1764396000")
    store.touch(("en", 7), "https://fakti.bg/en/world/7-a", at("2025-01-05T10:00:00+02:00"), H1, 5)
    store._flush()
    monkeypatch.setattr(mod, "_now", lambda: "1764399600")
    store.touch(("en", 7), "https://fakti.bg/en/world/7-a", at("2025-01-05T10:00:00+02:00"), H1, 90)
    state = store.get(("en", 7))
    assert state.first_seen == datetime.fromtimestamp(1_764_396_000, UTC)
    assert state.last_seen == datetime.fromtimestamp(1_764_399_600, UTC)
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


def test_recover_commits_existing_files_and_rolls_back_missing_ones(redis_url, tmp_path):
    done, lost = tmp_path / "done.jsonl", tmp_path / "lost.jsonl"
    s = RedisStore.from_url(redis_url, owner="worker-a")
    s.add_pending(str(done), [(("bg", 1), H1), (("bg", 2), H1)])
    s.add_pending(str(lost), [(("en", 3), H1)])
    done.write_text("{}\n{}\n")
    # a kill: no close(), no commit_file()

    s = RedisStore.from_url(redis_url, owner="worker-a")
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


def test_recover_leaves_other_workers_pending_rows_alone(redis_url, tmp_path):
    a = RedisStore.from_url(redis_url, owner="worker-a")
    b = RedisStore.from_url(redis_url, owner="worker-b")
    b.add_pending(str(tmp_path / "b-still-writing.jsonl"), [(("bg", 5), H1)])
    a.add_pending(str(tmp_path / "a-killed.jsonl"), [(("bg", 6), H1)])
    assert a.recover()["rolled_back_keys"] == 1
    assert b.pending_files() == [str(tmp_path / "b-still-writing.jsonl")]
    (tmp_path / "b-still-writing.jsonl").write_text("{}\n")
    assert b.commit_file(str(tmp_path / "b-still-writing.jsonl")) == 1
    assert a.known([("bg", 5), ("bg", 6)]) == {("bg", 5)}  # one state for both
    a.close()
    b.close()


def test_pending_rows_and_sightings_are_in_redis_on_return(store, redis_url):
    store.touch(("bg", 1), "u", None, H1, None)  # batched, not yet written
    store.add_pending("/nowhere/f.jsonl", [(("bg", 1), H1)])
    other = RedisStore.from_url(redis_url, owner="worker-a")  # another process's view
    assert other.pending_files() == ["/nowhere/f.jsonl"]
    assert other.get(("bg", 1)).content_hash == H1
    other.close()


def test_touches_survive_close_and_reopen(redis_url):
    s = RedisStore.from_url(redis_url)
    s.touch(("bg", 9), "u", None, H1, None)
    s.close()
    s = RedisStore.from_url(redis_url)
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


def test_published_since_orders_ties_by_lang_then_numeric_id(store, tmp_path):
    when = at("2025-05-01T10:00:00+03:00")
    for key in [("en", 100), ("bg", 99), ("en", 99)]:
        store.touch(key, f"https://fakti.bg/x/{key[1]}", when, H1, 0)
    export(store, tmp_path / "f.jsonl", *[(k, H1) for k in [("en", 100), ("bg", 99), ("en", 99)]])
    assert [k for k, _ in store.published_since(when)] == [("bg", 99), ("en", 99), ("en", 100)]


def test_newest_published_none_on_empty_store(store):
    assert store.newest_published() is None
    assert store.published_since(datetime(2000, 1, 1, tzinfo=UTC)) == []


def test_known_handles_more_keys_than_one_call(store, tmp_path):
    rows = [(("en", i), H1) for i in range(1, 2501)]
    export(store, tmp_path / "f.jsonl", *rows)
    asked = [("en", i) for i in range(1, 4001)] + [("bg", 5)]
    assert store.known(asked) == {("en", i) for i in range(1, 2501)}


def test_urls_outside_the_canonical_origin_are_kept_whole(store):
    store.touch(("bg", 1), "http://127.0.0.1:8000/world/1-a|b", None, None, None)
    assert store.get(("bg", 1)).url == "http://127.0.0.1:8000/world/1-a|b"


def test_run_history_is_shared_and_ordered(store, redis_url):
    assert store.recent_runs(3) == []
    for n in range(4):
        store.record_run({"run": n, "items": n * 10})
    other = RedisStore.from_url(redis_url, owner="worker-b")
    assert other.recent_runs(2) == [{"run": 2, "items": 20}, {"run": 3, "items": 30}]
    assert other.recent_runs(0) == []
    other.close()


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


def test_get_store_opens_the_workers_store_recovers_it_and_tags_its_run_files(redis_url, tmp_path):
    from scrapy import signals
    from scrapy.utils.test import get_crawler

    from newsspider.distributed.worker import worker_for
    from newsspider.pipelines.runfiles import run_files
    from newsspider.state import get_store

    settings = {"FAKTI_STATE": redis_url, "FAKTI_OUTPUT_DIR": str(tmp_path / "out")}
    crawler = get_crawler(settings_dict=settings)
    worker = worker_for(crawler)
    killed = RedisStore.from_url(redis_url, owner=worker.id)  # its predecessor, killed
    killed.add_pending(str(tmp_path / "out" / "fakti" / "gone.jsonl"), [(("bg", 1), H1)])

    store = get_store(crawler)
    assert get_store(crawler) is store
    assert isinstance(store, RedisStore) and store.owner == worker.id
    assert crawler.stats.get_value("state/recovered/rolled_back_keys") == 1
    assert store.pending_files() == []
    assert run_files(crawler).stem.endswith(f".{worker.tag}")
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert get_store(crawler) is not store  # reopened on demand
