"""Redis faults in the distributed mode, against a real Redis: a commit that fails once the
run file is published, and a worker that loses Redis mid-run (a fault injected by making the
frontier's client raise ``redis.ConnectionError``)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis
from scrapy import Request
from scrapy.exceptions import DontCloseSpider
from spider_factory import make_spider

from newsspider.distributed import frontier as sched
from newsspider.distributed.claims import ClaimMiddleware
from newsspider.extensions.exitstatus import exit_status
from newsspider.items import ArticleItem
from newsspider.state import get_store

BASE = "http://127.0.0.1:8123"


@pytest.fixture(autouse=True)
def _no_ticks(monkeypatch):
    monkeypatch.setattr(sched.RedisFrontier, "_start_ticking", lambda self: None)  # no reactor


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


def test_a_run_whose_file_never_appeared_keeps_its_claims_for_its_restart(redis_url, job, tmp_path):
    """Its export failed before its file was published, and its pending rows are left (the
    rollback failed too): the run's claims stay, so its restart rolls the rows back and
    fetches the claimed article again. Deleted with the run, they held the key claimed by a
    run that exported nothing."""
    client, prefix = job
    first = _opened_frontier(redis_url, tmp_path / "a")
    _taken_and_claimed(first)
    get_store(first.crawler).add_pending(str(first.feed), [(("en", 5), "h5")])
    first.close("export_failed")
    assert client.hget(f"{prefix}:runs:{first.worker.id}", first.run_id) == str(first.feed).encode()
    assert client.hgetall(f"{prefix}:claims") == {b"en:5": first.run_id.encode()}
    _killed(client, prefix, first)

    restarted = _opened_frontier(redis_url, tmp_path / "a")
    assert restarted.worker.id == first.worker.id
    get_store(restarted.crawler)  # (its start-up recovery)
    assert restarted.crawler.stats.get_value("state/recovered/rolled_back_keys") == 1
    assert restarted.crawler.stats.get_value("distributed/recovered/refetch") == 1
    assert client.hgetall(f"{prefix}:claims") == {}
    assert restarted.claim(("en", 5), f"{BASE}/en/world/5-a")


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


# -- Redis lost mid-run ---------------------------------------------------------------------------


class _Engine:
    """The engine's part a lost worker uses: asked to close, with a reason."""

    def __init__(self, spider) -> None:
        self.running, self.spider, self.reasons = True, spider, []

    def close_spider_async(self, *, reason: str) -> None:  # (no reactor: not a coroutine)
        self.reasons.append(reason)


def _lose_redis(monkeypatch, frontier: sched.RedisFrontier) -> list[tuple]:
    """From now on every command of the frontier's client fails; the commands tried."""
    tried: list[tuple] = []

    def down(*args, **kwargs):
        tried.append(args)
        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(frontier.server, "execute_command", down)
    return tried


def _taken_and_claimed(frontier: sched.RedisFrontier) -> Request:
    """Two requests queued, one taken, its article claimed and its output handled (not
    flushed from the journal yet)."""
    frontier.crawler.engine = _Engine(frontier.spider)
    for n in (5, 6):
        frontier.enqueue_request(Request(f"{BASE}/en/world/{n}-a"))
    taken = frontier.next_request()
    assert frontier.claim(("en", 5), taken.url)
    frontier.settle(taken)
    return taken


NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
OPERATIONS = {
    "enqueue": (lambda f: f.enqueue_request(Request(f"{BASE}/en/world/9-a")), False),
    "next_request": (lambda f: f.next_request(), None),
    "has_pending": (lambda f: f.has_pending_requests(), False),
    "len": (lambda f: len(f), 0),
    "claim": (lambda f: f.claim(("en", 9), f"{BASE}/en/world/9-a"), False),
    "saw_listing": (lambda f: f.saw_listing(NOW), None),
    "gap": (lambda f: f.gap("listing failed"), None),
    "hold": (lambda f: f.hold("en", NOW), None),
    "tick": (lambda f: f._on_tick(), None),
}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_worker_that_loses_redis_stops_as_if_killed(
    redis_url, tmp_path, monkeypatch, caplog, operation
):
    """A Redis error in the engine killed Scrapy's output task (the worker hung, its heartbeat
    ticking) or closed the spider as ``finished``, whose close deleted the journal: exit 0,
    articles lost (review: 275 of 900 exported, a worker hung). Now the worker stops: one
    error line, a stat, exit status 9, the engine asked to close (``redis_unavailable``),
    safe answers, and no Redis command after the first that failed."""
    frontier = _opened_frontier(redis_url, tmp_path / "a")
    _taken_and_claimed(frontier)
    tried = _lose_redis(monkeypatch, frontier)
    run, safe = OPERATIONS[operation]

    with caplog.at_level(logging.ERROR):
        assert run(frontier) == safe
    assert len(tried) == 1
    assert frontier.lost and frontier.crawler.engine.reasons == [sched.REDIS_LOST]
    assert [r.message for r in caplog.records if r.levelno >= logging.ERROR] == [
        "Redis was lost (Error 111 connecting to 127.0.0.1:6390. Connection refused.): this "
        "worker stops; restart it (same machine and FAKTI_OUTPUT_DIR) once Redis is back, to "
        "complete its work"
    ]
    stats = frontier.crawler.stats
    assert stats.get_value("distributed/redis_lost") == 1
    assert exit_status(frontier.crawler) == 9
    for name, (again, answer) in OPERATIONS.items():
        if name != "tick":  # (stopped)
            assert again(frontier) == answer
    with pytest.raises(DontCloseSpider):
        frontier._on_idle()  # never closed as finished meanwhile
    middleware = ClaimMiddleware(frontier.crawler)
    response = SimpleNamespace(url=f"{BASE}/en/world/9-a")
    assert not middleware._keep(frontier, ArticleItem(lang="en", article_id=9), response)
    assert stats.get_value("distributed/skip/claimed") is None  # not claimed by another run
    frontier.close(sched.REDIS_LOST)
    assert len(tried) == 1  # no Redis command once lost
    assert frontier.crawler.engine.reasons == [sched.REDIS_LOST]


def test_the_restart_of_a_worker_that_lost_redis_completes_its_work(
    redis_url, job, tmp_path, monkeypatch
):
    """What the lost worker took stays in its journal (even what it had handled since the last
    flush), its run's claims are fetched again (no file appeared), its identity is its
    restart's, and no other worker ends the job meanwhile."""
    client, prefix = job
    frontier = _opened_frontier(redis_url, tmp_path / "a")
    taken = _taken_and_claimed(frontier)
    identity, wid = frontier.worker.identity, frontier.worker.id
    with monkeypatch.context() as patch:
        patch.setattr(frontier.server, "evalsha", _raise_connection_error)
        assert frontier.next_request() is None
    frontier.close(sched.REDIS_LOST)
    assert client.zcard(f"{prefix}:journal:{wid}") == 1
    assert client.hget(f"{prefix}:claims", "en:5") is not None
    assert client.hexists(f"{prefix}:workers", identity)
    _killed(client, prefix, frontier)

    other = _opened_frontier(redis_url, tmp_path / "b")
    assert other._killed_with_work() == [identity]
    assert other.next_request().url == f"{BASE}/en/world/6-a"
    other.close("finished")
    assert client.exists(f"{prefix}:seen")  # not the last worker

    restarted = _opened_frontier(redis_url, tmp_path / "a")
    assert restarted.worker.id == wid
    stats = restarted.crawler.stats
    assert stats.get_value("distributed/recovered/journal") == 1
    assert stats.get_value("distributed/recovered/refetch") == 1
    assert [restarted.next_request().url for _ in range(2)] == [taken.url, taken.url]
    assert restarted.next_request() is None


def _raise_connection_error(*args, **kwargs):
    raise redis.ConnectionError("Connection closed by server.")


@pytest.mark.parametrize("reason", ["finished", "export_failed", "shutdown"])
def test_a_worker_that_loses_redis_as_it_closes_leaves_its_work_without_a_traceback(
    redis_url, job, tmp_path, monkeypatch, reason
):
    """Redis failing in ``close`` (after the pipelines lost it: ``export_failed``; or just
    then) raised out of it; now the worker is lost there, exit status 9 whatever the reason,
    and its journal and registration wait for its restart."""
    client, prefix = job
    frontier = _opened_frontier(redis_url, tmp_path / "a")
    _taken_and_claimed(frontier)
    with monkeypatch.context() as patch:
        tried = _lose_redis(patch, frontier)
        frontier.close(reason)
    assert frontier.lost and len(tried) == 1
    assert exit_status(frontier.crawler) == 9
    assert client.zcard(f"{prefix}:journal:{frontier.worker.id}") == 1
    assert client.hexists(f"{prefix}:workers", frontier.worker.identity)


@pytest.mark.parametrize("check", ["tick", "idle"])
def test_a_redis_that_restarted_empty_is_redis_lost_not_the_end_of_the_job(
    redis_url, job, tmp_path, caplog, check
):
    """Review: Redis restarted without persistence mid-job; redis-py reconnected on the next
    command, so worker B saw no error, found an empty frontier and no busy worker, took the
    job for done and exited 0 'health OK' with 522 of 1,200 exported. A worker whose own
    registration is gone now takes Redis for lost (exit status 9), at its next tick or idle."""
    client, prefix = job
    frontier = _opened_frontier(redis_url, tmp_path / "b")
    frontier.crawler.engine = _Engine(frontier.spider)
    frontier._on_tick()  # registered: it beats
    assert not frontier.lost
    for key in client.scan_iter(match=f"{prefix}:*"):  # the restart: every key is gone
        client.delete(key)

    with caplog.at_level(logging.ERROR):
        if check == "tick":
            frontier._on_tick()
        else:
            with pytest.raises(DontCloseSpider):
                frontier._on_idle()
    assert frontier.lost and frontier.crawler.engine.reasons == [sched.REDIS_LOST]
    assert exit_status(frontier.crawler) == 9
    assert sched.VANISHED in caplog.text
    assert not client.exists(frontier.worker.heartbeat_key)  # (no beat into the new server)
    frontier.close(sched.REDIS_LOST)
    assert list(client.scan_iter(match=f"{prefix}:*")) == []


def test_a_restart_fetches_again_the_keys_its_published_run_claimed_and_did_not_export(
    redis_url, job, tmp_path, monkeypatch
):
    """Review: Redis restarted (with persistence) under worker A. Its state pipeline survived
    (redis-py reconnects) and published its run file, its frontier did not: a record of that
    run failed in the pipelines and its hold was a no-op (frontier lost). A's restart requeued
    the journal, but released a run's claims only when its file was absent: the key stayed
    claimed by the old run, the record fetched again was dropped ('claimed'), and the job ended
    1,199 of 1,200, watermarks moved. Now the claims the state does not show as committed in
    the published file are released and fetched again; the exported ones stay claimed."""
    client, prefix = job
    first = _opened_frontier(redis_url, tmp_path / "a")
    first.crawler.engine = _Engine(first.spider)
    for n in (5, 6):
        first.enqueue_request(Request(f"{BASE}/en/world/{n}-a"))
    taken = [first.next_request(), first.next_request()]
    assert all(first.claim(("en", n), r.url) for n, r in zip((5, 6), taken, strict=True))
    feed = Path(first.feed)  # en:5 exported and committed; en:6 failed in the pipelines
    feed.parent.mkdir(parents=True, exist_ok=True)
    feed.write_text('{"lang": "en", "article_id": 5}\n')
    store = get_store(first.crawler)
    store.add_pending(str(feed), [(("en", 5), "hash5")])
    store.commit_file(str(feed))
    with monkeypatch.context() as patch:  # the frontier lost Redis: it leaves all to its restart
        _lose_redis(patch, first)
        first._on_tick()
    first.close(sched.REDIS_LOST)
    _killed(client, prefix, first)

    restarted = _opened_frontier(redis_url, tmp_path / "a")
    assert restarted.worker.identity == first.worker.identity
    assert restarted.crawler.stats.get_value("distributed/recovered/refetch") == 1
    assert client.hgetall(f"{prefix}:claims") == {b"en:5": first.run_id.encode()}
    urls = sorted(restarted.next_request().url for _ in range(3))  # the journal's 2, en:6 again
    assert urls == [f"{BASE}/en/world/5-a", f"{BASE}/en/world/6-a", f"{BASE}/en/world/6-a"]
    assert restarted.claim(("en", 6), f"{BASE}/en/world/6-a")  # (was: claimed by the old run)
    assert not restarted.claim(("en", 5), f"{BASE}/en/world/5-a")  # exported: stays claimed
