"""What only the Redis state store does: its URL (prefix, owner), an unreachable server, the
per-worker ownership of pending rows, the shared run history and the workers' store. The
behaviour every backend shares is in ``test_state_contract.py``."""

from __future__ import annotations

import pytest

from newsspider.state import SettingError, open_store
from newsspider.state.redis import RedisStore, split_url

H1 = "sha256:" + "1" * 64


@pytest.fixture
def store(redis_url):
    s = RedisStore.from_url(redis_url, owner="worker-a")
    yield s
    s.close()


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


def test_run_history_is_shared_and_ordered(store, redis_url):
    assert store.recent_runs(3) == []
    for n in range(4):
        store.record_run({"run": n, "items": n * 10})
    other = RedisStore.from_url(redis_url, owner="worker-b")
    assert other.recent_runs(2) == [{"run": 2, "items": 20}, {"run": 3, "items": 30}]
    assert other.recent_runs(0) == []
    other.close()


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
