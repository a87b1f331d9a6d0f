"""Redis faults in the distributed mode, against a real Redis: a commit that fails once the
run file is published."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from spider_factory import make_spider

from newsspider.distributed import frontier as sched
from newsspider.state import get_store
from newsspider.state.redis import split_url

BASE = "http://127.0.0.1:8123"


@pytest.fixture(autouse=True)
def _no_ticks(monkeypatch):
    monkeypatch.setattr(sched.RedisFrontier, "_start_ticking", lambda self: None)  # no reactor


@pytest.fixture
def job(redis_url):
    """``(client, prefix)`` of a fresh job namespace."""
    address, prefix = split_url(redis_url)
    client = redis.Redis.from_url(address)
    yield client, prefix
    client.close()


def _opened_frontier(redis_url: str, out: Path) -> sched.RedisFrontier:
    spider = make_spider(settings={"FAKTI_STATE": redis_url, "FAKTI_OUTPUT_DIR": str(out)})
    frontier = sched.RedisFrontier.from_crawler(spider.crawler)
    frontier.open(spider)
    return frontier


def _killed(client: redis.Redis, prefix: str, frontier: sched.RedisFrontier) -> None:
    """The worker's process is gone (its heartbeat expired, its pid runs no more)."""
    client.delete(frontier.worker.heartbeat_key)
    raw = client.hget(f"{prefix}:workers", frontier.worker.identity)
    if raw is not None:
        proc = subprocess.Popen([sys.executable, "-c", "pass"])
        proc.wait()
        record = json.loads(raw) | {"pid": proc.pid}
        client.hset(f"{prefix}:workers", frontier.worker.identity, json.dumps(record))


# -- a commit that fails once the file is in place ------------------------------------------------


def test_a_worker_whose_commit_failed_keeps_its_identity_and_its_restart_commits(
    redis_url, job, tmp_path
):
    """Its run ends ``export_failed`` with its file published and its keys pending. It was
    unregistered, so its restart got a new worker id, settled only that id's pending rows, and
    the next job exported the keys again (129 of 300 twice in the review's crawl)."""
    client, prefix = job
    first = _opened_frontier(redis_url, tmp_path / "a")
    client.sadd(f"{prefix}:seen", "en:5")
    feed = Path(first.feed)
    get_store(first.crawler).add_pending(str(feed), [(("en", 5), "h5")])
    feed.write_text("{}\n")  # renamed into place; then its commit failed
    first.close("export_failed")
    wid = first.worker.id
    assert client.hexists(f"{prefix}:workers", first.worker.identity)
    assert client.exists(f"{prefix}:owner:{wid}")
    assert not client.exists(f"{prefix}:runs:{wid}")  # its file exists: no claims to refetch
    _killed(client, prefix, first)

    other = _opened_frontier(redis_url, tmp_path / "b")
    assert other._killed_with_work() == [first.worker.identity]
    assert other.crawler.stats.get_value("distributed/killed_workers") == 1
    other.close("finished")
    assert client.exists(f"{prefix}:seen")  # not last: the job waits for the restart

    restarted = _opened_frontier(redis_url, tmp_path / "a")
    assert restarted.worker.id == wid
    store = get_store(restarted.crawler)  # start-up recovery commits the published file's keys
    assert restarted.crawler.stats.get_value("state/recovered/committed_keys") == 1
    assert store.known([("en", 5)]) == {("en", 5)}
    restarted.close("finished")
    assert not client.exists(f"{prefix}:seen", f"{prefix}:workers")  # the last: job ended


def test_a_restart_takes_first_the_slot_whose_holder_left_pending_rows(redis_url, job, tmp_path):
    """Of two slots of a folder whose holders are gone, the one with pending rows is taken
    first (its rows are settled by its restart)."""
    client, prefix = job
    frontiers = [_opened_frontier(redis_url, tmp_path / "a") for _ in range(2)]
    second = frontiers[1]
    get_store(second.crawler).add_pending(str(second.feed), [(("bg", 7), "h7")])
    Path(second.feed).write_text("{}\n")
    for frontier in frontiers:
        frontier.close("export_failed")
        _killed(client, prefix, frontier)
    assert _opened_frontier(redis_url, tmp_path / "a").worker.id == second.worker.id
