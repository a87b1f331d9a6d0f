"""The pieces of the distributed mode against a real Redis: worker slots, the article
dupefilter, claims, the end-of-job decision, and the worker tag in run file names."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from spider_factory import make_spider
from twisted.python.failure import Failure

from newsspider.distributed import frontier as sched
from newsspider.distributed.claims import ClaimMiddleware
from newsspider.distributed.worker import _process, claim
from newsspider.extensions.health import ROBOTS_LOST
from newsspider.extraction.urls import parse_article_url
from newsspider.middlewares.redirect import UnfilteredRedirectMiddleware
from newsspider.middlewares.retry import BackoffRetryMiddleware
from newsspider.pipelines.runfiles import new_run_files
from newsspider.startup import StartupError

BASE = "http://127.0.0.1:8123"
HOSTS = ("127.0.0.1:8123",)


@pytest.fixture
def worker_job(job, redis_url, tmp_path, monkeypatch) -> tuple:
    """``(client, prefix, settings)``: :func:`job`'s, and the settings of a worker of it writing
    to ``tmp_path / "out"``, whose frontier runs without a reactor (no ticks)."""
    monkeypatch.setattr(sched.RedisFrontier, "_start_ticking", lambda self: None)
    settings = {"FAKTI_STATE": redis_url, "FAKTI_OUTPUT_DIR": str(tmp_path / "out")}
    return (*job, settings)


def _opened_frontier(settings: dict) -> sched.RedisFrontier:
    """A worker's frontier, opened on a spider built as in a crawl (no reactor: no ticks)."""
    spider = make_spider(settings=settings)
    frontier = sched.RedisFrontier.from_crawler(spider.crawler)
    frontier.open(spider)
    return frontier


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_live_worker_keeps_its_slot_and_a_second_one_takes_the_next(job, tmp_path):
    client, prefix = job
    first = claim(client, prefix, "host-a", str(tmp_path), ttl=5)
    second = claim(client, prefix, "host-a", str(tmp_path), ttl=5)
    assert first.identity.endswith("#0") and second.identity.endswith("#1")
    assert (first.tag, second.tag) == ("host-a-0", "host-a-1")
    assert first.id != second.id
    assert client.exists(first.heartbeat_key) and client.pttl(first.heartbeat_key) <= 5000


def test_a_restart_takes_over_the_slot_of_a_killed_worker_on_this_host(job, tmp_path):
    client, prefix = job
    killed = claim(client, prefix, "host-a", str(tmp_path), ttl=60)
    record = json.loads(client.hget(f"{prefix}:workers", killed.identity))
    record["pid"] = _dead_pid()  # its heartbeat is still fresh, but the process is gone
    client.hset(f"{prefix}:workers", killed.identity, json.dumps(record))
    restarted = claim(client, prefix, "host-a", str(tmp_path), ttl=60)
    assert (restarted.identity, restarted.id) == (killed.identity, killed.id)


def test_a_paused_worker_on_this_host_keeps_its_slot_however_old_its_heartbeat(job, tmp_path):
    """SIGSTOP (or a VM pause) past the heartbeat: its process is alive, so a new worker
    must not take its identity (both would publish the same keys)."""
    client, prefix = job
    paused = claim(client, prefix, "host-a", str(tmp_path), ttl=60)
    client.delete(paused.heartbeat_key)  # expired
    assert claim(client, prefix, "host-a", str(tmp_path), ttl=60).id != paused.id


def test_a_pid_reused_by_another_process_frees_the_slot(job, tmp_path):
    """A restarted container: the new process has the dead holder's pid (here: ours), but it
    is another process (another start time), so the slot is taken over."""
    client, prefix = job
    killed = claim(client, prefix, "host-a", str(tmp_path), ttl=60)
    record = json.loads(client.hget(f"{prefix}:workers", killed.identity))
    assert record["start"]
    record["start"] += "0"  # the same pid, started at another time
    client.hset(f"{prefix}:workers", killed.identity, json.dumps(record))
    restarted = claim(client, prefix, "host-a", str(tmp_path), ttl=60)
    assert (restarted.identity, restarted.id) == (killed.identity, killed.id)


def test_a_killed_holder_not_yet_reaped_frees_its_slot(job, tmp_path):
    """SIGKILLed, its parent has not waited for it yet: a zombie, not a running worker."""
    client, prefix = job
    killed = claim(client, prefix, "host-a", str(tmp_path), ttl=60)
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        record = json.loads(client.hget(f"{prefix}:workers", killed.identity))
        record |= {"pid": proc.pid, "start": _process(proc.pid)[1]}  # that very process
        client.hset(f"{prefix}:workers", killed.identity, json.dumps(record))
        proc.kill()
        deadline = time.monotonic() + 5
        while _process(proc.pid)[0] != "Z":
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert claim(client, prefix, "host-a", str(tmp_path), ttl=60).id == killed.id
    finally:
        proc.wait()


def test_a_restart_takes_the_slot_a_killed_worker_left_work_in_not_the_lowest(job, tmp_path):
    """Slot #1 was killed with a journal; #0 finished and left: the restart takes #1."""
    client, prefix = job
    claim(client, prefix, "host-a", str(tmp_path), ttl=60)
    killed = claim(client, prefix, "host-a", str(tmp_path), ttl=60)
    assert killed.identity.endswith("#1")
    client.zadd(f"{prefix}:journal:{killed.id}", {"a request": 1})
    for identity in (killed.identity, killed.identity.replace("#1", "#0")):
        record = json.loads(client.hget(f"{prefix}:workers", identity))
        record["pid"] = _dead_pid()
        client.hset(f"{prefix}:workers", identity, json.dumps(record))
    client.hdel(f"{prefix}:workers", killed.identity.replace("#1", "#0"))  # #0 left the job
    restarted = claim(client, prefix, "host-a", str(tmp_path), ttl=60)
    assert (restarted.identity, restarted.id) == (killed.identity, killed.id)


def test_a_restart_takes_the_killed_slot_with_work_before_a_lower_killed_one_without(job, tmp_path):
    """Slots #0 and #1 both killed, only #1 with a journal: the restart takes #1 (and so
    recovers its journal), not the lowest free slot."""
    client, prefix = job
    empty = claim(client, prefix, "host-a", str(tmp_path), ttl=60)
    killed = claim(client, prefix, "host-a", str(tmp_path), ttl=60)
    client.zadd(f"{prefix}:journal:{killed.id}", {"a request": 1})
    for worker in (empty, killed):
        record = json.loads(client.hget(f"{prefix}:workers", worker.identity))
        record["pid"] = _dead_pid()
        client.hset(f"{prefix}:workers", worker.identity, json.dumps(record))
    restarted = claim(client, prefix, "host-a", str(tmp_path), ttl=60)
    assert (restarted.identity, restarted.id) == (killed.identity, killed.id)


def test_a_slot_held_on_another_host_frees_only_when_its_heartbeat_expires(job, tmp_path):
    client, prefix = job
    other = claim(client, prefix, "shared-name", str(tmp_path), ttl=60)
    record = json.loads(client.hget(f"{prefix}:workers", other.identity))
    record |= {"host": "elsewhere", "pid": _dead_pid()}  # a dead pid means nothing there
    client.hset(f"{prefix}:workers", other.identity, json.dumps(record))
    assert claim(client, prefix, "shared-name", str(tmp_path), ttl=60).identity.endswith("#1")
    client.delete(other.heartbeat_key)  # expired
    assert claim(client, prefix, "shared-name", str(tmp_path), ttl=60).id == other.id


def test_the_dupefilter_knows_an_article_by_its_key_whatever_the_url(job):
    client, prefix = job
    seen = sched.KeyDupeFilter(client, key=f"{prefix}:seen")
    base = "http://127.0.0.1:8123"
    assert not seen.request_seen(Request(f"{base}/en/world/965998-isw-putin"))
    assert seen.request_seen(Request(f"{base}/en/amp/world/965998-isw-putin?utm_source=x"))
    assert not seen.request_seen(Request(f"{base}/world/965998-isw-putin"))  # the bg key
    listing = Request(f"{base}/en/search?page=1")
    assert not seen.request_seen(listing) and seen.request_seen(listing.copy())
    assert client.sismember(f"{prefix}:seen", "en:965998")
    seen.close()
    assert client.exists(f"{prefix}:seen")  # shared: a worker's close keeps it


def test_a_key_is_claimed_by_one_run_of_the_job(job):
    client, prefix = job
    claim_ = client.register_script(sched._CLAIM)
    claims = f"{prefix}:claims"

    def take(run: str) -> int:
        return claim_(keys=[claims, f"{prefix}:run:{run}"], args=["en:5", run, f"u/{run}"])

    assert take("r1") == 1
    assert take("r1") == 1  # the same run again (it drops its own duplicate itself)
    assert take("r2") == 0
    assert client.hgetall(f"{prefix}:run:r1") == {b"en:5": b"u/r1"}
    assert not client.exists(f"{prefix}:run:r2")


def test_an_idle_worker_finishes_only_when_no_live_worker_is_busy(job):
    client, prefix = job
    idle = client.register_script(sched._IDLE)
    frontier, busy, hb = f"{prefix}:frontier", f"{prefix}:busy", f"{prefix}:hb:"
    workers = f"{prefix}:workers"

    def state(worker: str) -> str:
        return idle(keys=[frontier, busy, workers], args=[worker, hb, f"{worker}#0"]).decode()

    assert state("w1") == "vanished"  # not registered: Redis restarted without its data
    client.hset(workers, mapping={"w1#0": json.dumps({"id": "w1"})})
    client.hset(busy, mapping={"w1": 1, "w2": 1})
    client.set(hb + "w2", 1, px=200)
    client.zadd(frontier, {b"request": -10})
    assert state("w1") == "work"
    client.delete(frontier)
    assert state("w1") == "wait"  # w2 holds requests and is alive
    assert not client.hexists(busy, "w1")
    time.sleep(0.3)  # w2 was killed: its heartbeat expires
    assert state("w1") == "done"


def test_the_last_worker_to_leave_deletes_the_job_keys_and_gets_the_job_coverage(job):
    client, prefix = job
    leave = client.register_script(sched._LEAVE)
    workers, frontier, coverage = f"{prefix}:workers", f"{prefix}:frontier", f"{prefix}:coverage"
    job_keys = [frontier, f"{prefix}:seen", f"{prefix}:claims"]
    client.hset(workers, mapping={f"{n}#0": json.dumps({"id": n}) for n in ("w1", "w2", "w3")})
    client.set(f"{prefix}:hb:w2", 1)  # w2 alive; w3 died at start-up, with nothing to recover
    client.sadd(f"{prefix}:seen", "en:1")
    client.hset(f"{prefix}:claims", "en:1", "r1")

    def out(worker: str, unregister: bool = True) -> list[bytes]:
        keys = [workers, f"{prefix}:busy", f"{prefix}:hb:{worker}", frontier, coverage, *job_keys]
        return leave(keys=keys, args=[f"{worker}#0", worker, int(unregister), f"{prefix}:"])

    assert out("w1") == [b"running"]  # w2 is alive
    client.hset(f"{prefix}:runs:w2", "r2", "/out/run.jsonl")
    client.hset(f"{prefix}:runs:w3", "r3", "/out/other.jsonl")  # claimed nothing
    client.hset(f"{prefix}:run:r2", "en:1", "http://127.0.0.1:8000/en/world/1-a")
    assert out("w2", unregister=False) == [b"killed", b"w2#0"]  # its claims wait for a restart
    assert client.exists(f"{prefix}:seen") and client.hexists(workers, "w2#0")
    client.delete(f"{prefix}:runs:w2", f"{prefix}:run:r2")  # recovered by its restart
    client.zadd(frontier, {b"request": -10})
    assert out("w2") == [b"queued"]  # work is left on the frontier for a later worker
    client.delete(frontier)
    client.hset(coverage, mapping={"started": 1764399600, "held:bg": 1764396000})
    last = out("w2")
    assert last[0] == b"last"
    assert dict(zip(last[1::2], last[2::2], strict=True)) == {
        b"started": b"1764399600",
        b"held:bg": b"1764396000",
    }
    assert not any(client.exists(k) for k in [*job_keys, coverage])


@pytest.mark.parametrize(
    ("other", "job", "logged"),
    [
        ("alive", "others still running", "not the last of its job (others still running)"),
        ("killed", "waits for killed worker(s) ", "(waits for killed worker(s) "),
        (None, "last", "last worker of the job: "),
    ],
)
def test_a_worker_reports_the_state_it_left_its_job_in(
    redis_url, tmp_path, monkeypatch, caplog, other, job, logged
):
    """Review: a worker that was not the last logged 'discovery watermarks: moved by the last
    worker of the job' though none had moved them (the job waited for a killed worker), and
    nothing in its report or verdict said the job was incomplete."""
    monkeypatch.setattr(sched.RedisFrontier, "_start_ticking", lambda self: None)  # no reactor
    settings = {"FAKTI_STATE": redis_url, "FAKTI_OUTPUT_DIR": str(tmp_path / "a")}
    frontier = _opened_frontier(settings)
    frontier.spider.start_requests_list()
    if other is not None:
        second = _opened_frontier(settings | {"FAKTI_OUTPUT_DIR": str(tmp_path / "b")})
        if other == "killed":  # it holds a request and its process is gone
            second.enqueue_request(Request("http://127.0.0.1:8123/en/world/5-a"))
            second.next_request()
            second.server.delete(second.worker.heartbeat_key)
            job += second.worker.identity
    with caplog.at_level(logging.INFO):
        frontier.close("finished")
        frontier.spider._raise_watermarks("finished")
    assert frontier.job == job
    assert frontier.crawler.stats.get_value("distributed/job") == job
    assert logged in caplog.text
    assert "moved by the last worker" not in caplog.text


def test_the_job_coverage_keeps_the_earliest_times_and_counts_gaps(
    redis_url, tmp_path, monkeypatch
):
    monkeypatch.setattr(sched.RedisFrontier, "_start_ticking", lambda self: None)  # no reactor
    frontier = _opened_frontier(
        {"FAKTI_STATE": redis_url, "FAKTI_OUTPUT_DIR": str(tmp_path / "out")}
    )
    noon = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    frontier.saw_listing(noon)
    frontier.saw_listing(noon - timedelta(hours=1))
    frontier.saw_listing(noon + timedelta(hours=1))
    frontier.hold("bg", noon - timedelta(hours=3))
    frontier.hold("bg", noon - timedelta(hours=2))
    frontier.hold("en", noon - timedelta(hours=2))
    frontier.hold("en", noon - timedelta(hours=4))  # older, held second
    frontier.hold("en", noon - timedelta(hours=3))
    job = {
        k.decode(): v.decode() for k, v in frontier.server.hgetall(frontier.coverage_key).items()
    }
    hour = 3600
    assert job == {
        "started": str(int(noon.timestamp()) - hour),
        "held:bg": str(int(noon.timestamp()) - 3 * hour),
        "held:en": str(int(noon.timestamp()) - 4 * hour),
    }
    frontier.gap("listing failed")
    frontier.gap("listing failed")
    assert frontier.server.hget(frontier.coverage_key, "gaps") == b"2"


def test_a_live_worker_with_work_is_not_reported_killed(redis_url, tmp_path, monkeypatch, caplog):
    """A worker whose heartbeat is alive, with a request in its journal and a claimed key,
    is busy, not killed: a worker joining the job neither warns nor counts it."""
    monkeypatch.setattr(sched.RedisFrontier, "_start_ticking", lambda self: None)  # no reactor
    settings = {"FAKTI_STATE": redis_url, "FAKTI_OUTPUT_DIR": str(tmp_path / "a")}
    busy = _opened_frontier(settings)
    busy.enqueue_request(Request(f"{BASE}/en/world/5-a"))
    taken = busy.next_request()
    assert busy.claim(("en", 5), taken.url)
    client, key = busy.server, busy.worker.key
    assert client.exists(busy.worker.heartbeat_key)
    assert client.exists(key(f"journal:{busy.worker.id}"), key(f"run:{busy.run_id}")) == 2
    with caplog.at_level(logging.WARNING):
        other = _opened_frontier(settings | {"FAKTI_OUTPUT_DIR": str(tmp_path / "b")})
    assert other._killed_with_work() == []
    assert other.crawler.stats.get_value("distributed/killed_workers") is None
    assert "killed worker" not in caplog.text


def test_a_worker_tag_goes_into_the_run_file_name(tmp_path):
    start = datetime(2026, 11, 29, 6, 30, tzinfo=UTC)
    files = new_run_files(tmp_path, start, tag="vm-0")
    assert files.feed.name == "2026-11-29T06-30-00.vm-0.jsonl"
    assert files.rejects.name == "2026-11-29T06-30-00.vm-0.rejects.jsonl"
    files.feed.write_text("{}\n")
    files.rejects.write_text("{}\n")
    assert new_run_files(tmp_path, start, tag="vm-0").stem == "2026-11-29T06-30-00.vm-0_001"
    assert new_run_files(tmp_path, start, tag="vm-1").stem == "2026-11-29T06-30-00.vm-1"
    assert [p.name for p in files.feed.parent.glob("*[0-9].jsonl")] == [files.feed.name]
    assert new_run_files(tmp_path / "single", start).stem == "2026-11-29T06-30-00"  # no tag


def test_a_restarted_worker_puts_back_what_its_killed_predecessor_held(worker_job):
    client, prefix, settings = worker_job
    base = "http://127.0.0.1:8123"

    first = _opened_frontier(settings)
    for path in ("/en/search?page=0", "/en/search?page=1", "/en/world/5-a", "/en/amp/world/5-a"):
        first.enqueue_request(Request(base + path))
    assert client.zcard(f"{prefix}:frontier") == 3  # the AMP copy is the same article
    taken = first.next_request()
    assert taken.url == f"{base}/en/world/5-a"  # articles first
    assert first.claim(("en", 5), taken.url)
    assert client.zcard(f"{prefix}:journal:{first.worker.id}") == 1
    # SIGKILL: no close(); the process is gone, its heartbeat too
    client.delete(first.worker.heartbeat_key)
    record = json.loads(client.hget(f"{prefix}:workers", first.worker.identity))
    record["pid"] = _dead_pid()
    client.hset(f"{prefix}:workers", first.worker.identity, json.dumps(record))

    second = _opened_frontier(settings)
    assert second.worker.identity == first.worker.identity
    assert second._killed_with_work() == []  # its own predecessor was recovered
    stats = second.crawler.stats
    assert stats.get_value("distributed/recovered/journal") == 1
    assert stats.get_value("distributed/recovered/refetch") == 1  # its run file never appeared
    assert not client.hexists(f"{prefix}:claims", "en:5")
    taken = [second.next_request() for _ in range(4)]
    again = next(r for r in taken if r.dont_filter)  # the claimed key: a discovered article's
    assert (again.callback, again.errback) == (second.spider.parse, second.spider.article_failed)
    urls = sorted(r.url for r in taken)
    assert urls == [
        f"{base}/en/search?page=0",
        f"{base}/en/search?page=1",
        f"{base}/en/world/5-a",  # the journal's copy
        f"{base}/en/world/5-a",  # the claimed key, fetched again
    ]
    assert second.next_request() is None
    second.close("finished")
    assert not client.exists(f"{prefix}:frontier", f"{prefix}:claims", f"{prefix}:seen")


class _Killed(BaseException):
    """Stands for a SIGKILL: the process stops between two Redis commands."""


def test_a_kill_while_enqueueing_never_leaves_a_request_seen_but_not_queued(
    worker_job, monkeypatch
):
    """The dupefilter mark and the frontier entry are written together: a worker killed
    between two of its Redis commands cannot leave a key that no worker will fetch (its
    listing page, requeued from the journal, would find the key seen and drop it)."""
    client, prefix, settings = worker_job
    frontier = _opened_frontier(settings)
    server = frontier.server
    send = server.execute_command
    for allowed, article_id in enumerate(range(7, 11)):  # killed before command 0, 1, 2, 3
        sent = 0

        def killed_after(*args, allowed=allowed, **kwargs):
            nonlocal sent
            if sent == allowed:
                raise _Killed
            sent += 1
            return send(*args, **kwargs)

        monkeypatch.setattr(server, "execute_command", killed_after)
        request = Request(f"http://127.0.0.1:8123/en/world/{article_id}-a")
        with contextlib.suppress(_Killed):
            frontier.enqueue_request(request)
        monkeypatch.setattr(server, "execute_command", send)
        seen = client.sismember(f"{prefix}:seen", f"en:{article_id}")
        queued = any(
            frontier.queue._decode_request(raw).url == request.url
            for raw in client.zrange(f"{prefix}:frontier", 0, -1)
        )
        assert seen == queued, (allowed, seen, queued)
    assert client.zcard(f"{prefix}:frontier") >= 1  # a command that ran did both


def test_a_redirect_of_an_article_is_followed_though_its_key_was_seen(worker_job):
    """A moved article (301 to its new URL) keeps its key: its redirect, which the redirect
    middleware sends unfiltered, is queued though the key is seen (else the article is
    never fetched: the request that claimed the key never reaches a callback)."""
    *_, settings = worker_job
    frontier = _opened_frontier(settings)
    url = "http://127.0.0.1:8123/en/world/1000013-synthetic"
    assert frontier.enqueue_request(Request(url))
    assert not frontier.enqueue_request(Request(url + "?utm=x"))  # another form: seen
    middleware = UnfilteredRedirectMiddleware.from_crawler(frontier.crawler)
    moved = Response(url, status=301, headers={"Location": url + "-renamed?ref=moved"})
    redirected = middleware.process_response(Request(url), moved)
    assert isinstance(redirected, Request) and frontier.enqueue_request(redirected)


def test_a_retried_request_leaves_the_journal_for_its_copy(worker_job):
    """Only the copy's response was settled: the journal kept every retried request (202 of
    a worker's with 4 in flight), and after a kill all of them were fetched again."""
    client, prefix, settings = worker_job
    frontier = _opened_frontier(settings)
    frontier.enqueue_request(Request("http://127.0.0.1:8123/en/world/5-a"))
    taken = frontier.next_request()
    journal = f"{prefix}:journal:{frontier.worker.id}"
    assert client.zcard(journal) == 1
    retry = BackoffRetryMiddleware.from_crawler(frontier.crawler)
    again = retry.process_response(taken, Response(taken.url, status=503))
    assert isinstance(again, Request) and frontier.enqueue_request(again)
    frontier._flush_settled()
    assert client.zcard(journal) == 0  # the copy is on the frontier instead
    copy = frontier.next_request()
    assert copy.url == taken.url and copy.meta["retry_times"] == 1
    assert client.zcard(journal) == 1
    frontier.settle(copy)
    frontier._flush_settled()
    assert client.zcard(journal) == 0
    frontier.close("finished")


@pytest.mark.parametrize("error", [IgnoreRequest("over DOWNLOAD_MAXSIZE"), TimeoutError()])
def test_a_request_whose_download_failed_leaves_the_journal_after_its_errback(worker_job, error):
    """A failed download's errback runs without the spider middlewares, so ClaimMiddleware
    never settled its request: a worker stopped early (SIGTERM: ``shutdown``) put every such
    request of its run back on the job's frontier, and another worker fetched it again and
    wrote a second reject (18 of 60 URLs rejected twice in a review's 3-worker crawl)."""
    client, prefix, settings = worker_job
    frontier = _opened_frontier(settings)
    spider = frontier.crawler.spider
    frontier.enqueue_request(spider.refetch_request("http://127.0.0.1:8123/en/world/5-a"))
    taken = frontier.next_request()
    journal = f"{prefix}:journal:{frontier.worker.id}"
    assert client.zcard(journal) == 1
    failure = Failure(error)
    failure.request = taken
    (reject,) = taken.errback(failure)  # as Scrapy calls it: no spider middleware
    assert reject["reason"] == f"download:{type(error).__name__}"
    frontier._flush_settled()
    assert client.zcard(journal) == 0
    frontier.close("shutdown")
    assert client.zcard(f"{prefix}:frontier") == 0  # nothing put back


@pytest.mark.parametrize("path", ["sync", "async"])
def test_a_request_whose_output_is_handled_is_not_fetched_again_after_a_kill(worker_job, path):
    """ClaimMiddleware settles a request once its callback's output has passed (either way
    Scrapy calls it): a kill after the next tick leaves nothing of it to fetch again."""
    client, prefix, settings = worker_job
    first = _opened_frontier(settings)
    first.enqueue_request(Request("http://127.0.0.1:8123/en/world"))
    taken = first.next_request()
    middleware = ClaimMiddleware(first.crawler)
    response = Response(taken.url, request=taken)
    if path == "sync":
        assert list(middleware.process_spider_output(response, [])) == []
    else:

        async def nothing():
            return
            yield

        async def handled() -> list:
            return [x async for x in middleware.process_spider_output_async(response, nothing())]

        assert asyncio.run(handled()) == []
    first._flush_settled()  # (the tick)
    assert client.zcard(f"{prefix}:journal:{first.worker.id}") == 0
    client.delete(first.worker.heartbeat_key)  # SIGKILL: no close()
    record = json.loads(client.hget(f"{prefix}:workers", first.worker.identity))
    client.hset(
        f"{prefix}:workers", first.worker.identity, json.dumps(record | {"pid": _dead_pid()})
    )
    restarted = _opened_frontier(settings)
    assert restarted.worker.id == first.worker.id
    assert restarted.next_request() is None
    restarted.close("finished")


def test_a_worker_that_lost_robots_txt_takes_no_more_requests(worker_job):
    """robots.txt unavailable to it: it takes nothing more (the other workers take the rest
    from the frontier), and what it took goes back there as it leaves."""
    client, prefix, settings = worker_job
    frontier = _opened_frontier(settings)
    for n in (5, 6):
        frontier.enqueue_request(Request(f"http://127.0.0.1:8123/en/world/{n}-a"))
    assert frontier.next_request() is not None
    reasons: list[str] = []
    frontier.crawler.engine = SimpleNamespace(  # (no reactor: not a coroutine)
        running=True,
        spider=frontier.spider,
        close_spider_async=lambda reason: reasons.append(reason),
    )
    frontier.hand_back("robots.txt unavailable to this worker")
    assert reasons == [ROBOTS_LOST]
    assert frontier.next_request() is None
    assert client.zcard(f"{prefix}:frontier") == 1
    frontier.close(ROBOTS_LOST)
    assert client.zcard(f"{prefix}:frontier") == 2
    assert frontier.crawler.stats.get_value("distributed/robots_unavailable") == 1


def test_a_run_that_wrote_no_file_leaves_no_claim_record(worker_job):
    """A run claimed an article whose record never reached a file (dropped in the pipelines),
    and finished: its run's claim record goes, so the last worker leaves no job key behind."""
    client, prefix, settings = worker_job
    frontier = _opened_frontier(settings)
    frontier.enqueue_request(Request("http://127.0.0.1:8123/en/world/5-a"))
    taken = frontier.next_request()
    assert frontier.claim(("en", 5), taken.url)
    frontier.settle(taken)
    frontier.close("finished")
    assert not Path(frontier.feed).exists() and frontier.job == "last"
    left = sorted(key.decode() for key in client.scan_iter(match=f"{prefix}:*"))
    assert left == [f"{prefix}:run_seq", f"{prefix}:schema", f"{prefix}:worker_seq"]


def _frontier_of(redis_url: str, out: Path, base: str, **args: str) -> sched.RedisFrontier:
    """A worker's frontier, not opened: a spider on ``base`` with the spider ``args``."""
    settings = {"FAKTI_STATE": redis_url, "FAKTI_OUTPUT_DIR": str(out), "FAKTI_BASE_URL": base}
    spider = make_spider(base=base, settings=settings, **args)
    frontier = sched.RedisFrontier.from_crawler(spider.crawler)
    frontier.spider = spider
    return frontier


@pytest.mark.parametrize(
    ("base", "args", "shown"),
    [
        (BASE, {"since": "2025-03-01", "lang": "bg"}, "lang=bg since=2025-03-01"),
        (BASE, {"since": "2025-12-01", "lang": "en"}, "lang=en since=2025-12-01"),
        (BASE, {"since": "2025-03-01", "lang": "en", "sections": "world"}, "sections=world"),
        ("http://127.0.0.1:8124", {"since": "2025-03-01", "lang": "en"}, "127.0.0.1:8124"),
    ],
)
def test_a_worker_whose_arguments_differ_from_its_jobs_is_refused_before_it_takes_any(
    redis_url, tmp_path, monkeypatch, caplog, base, args, shown
):
    """Review: workers of one job started with other arguments (lang=en and lang=bg; since
    2025-03-01 and 2025-12-01) took each other's requests and walked them by their own, so the
    walks ended early: 40 or 438 of 1,200 articles exported, every worker 'health OK'. Such a
    worker now stops as it opens, as for a bad argument (exit status 1), the job untouched."""
    monkeypatch.setattr(sched.RedisFrontier, "_start_ticking", lambda self: None)  # no reactor
    running = _frontier_of(redis_url, tmp_path / "a", BASE, since="2025-03-01", lang="en")
    running.open(running.spider)
    for request in running.spider.start_requests_list():
        running.enqueue_request(request)
    client = running.server
    before = {k: client.type(k) for k in client.scan_iter(match=f"{running.worker.prefix}:*")}
    queued = client.zrange(running.queue.key, 0, -1)
    other = _frontier_of(redis_url, tmp_path / "b", base, **args)

    with pytest.raises(StartupError) as stopped:
        other.open(other.spider)
    assert stopped.value.code == 1
    (line,) = [r for r in caplog.records if r.levelname == "CRITICAL"]
    job = f"lang=en since=2025-03-01 FAKTI_BASE_URL={BASE}"
    assert f"(job: {job}; this worker: " in line.getMessage()
    assert "the job running on this Redis prefix" in line.getMessage()
    assert shown in line.getMessage().partition("this worker: ")[2]
    assert client.zrange(running.queue.key, 0, -1) == queued
    assert not client.exists(other.worker.heartbeat_key)  # the job does not wait for it
    assert not client.hexists(other.worker.key("workers"), other.worker.identity)
    after = {k: client.type(k) for k in client.scan_iter(match=f"{running.worker.prefix}:*")}
    assert after == before
    running.close("finished")


def test_a_worker_refused_by_a_job_no_worker_runs_is_told_how_to_end_it(
    redis_url, tmp_path, monkeypatch, caplog
):
    """A job whose workers all stopped (a timeout, SIGTERM, robots.txt) with requests left
    refused every later worker with other arguments, saying the job was 'running' and to
    start 'after the job has ended', which no worker would ever do (review)."""
    monkeypatch.setattr(sched.RedisFrontier, "_start_ticking", lambda self: None)  # no reactor
    left = _frontier_of(redis_url, tmp_path / "a", BASE, since="2025-03-01", lang="en")
    left.open(left.spider)
    for request in left.spider.start_requests_list():
        left.enqueue_request(request)
    left.server.delete(left.worker.heartbeat_key)  # (stopped: its heartbeat expired)
    other = _frontier_of(redis_url, tmp_path / "b", BASE, since="2025-03-01", lang="bg")
    with pytest.raises(StartupError):
        other.open(other.spider)
    (line,) = [r.getMessage() for r in caplog.records if r.levelname == "CRITICAL"]
    queued = len(left.queue)
    assert "differ from those of the job left on this Redis prefix" in line
    assert f"no worker of that job is running ({queued} request(s) wait on its frontier)" in line
    assert queued > 0


def test_a_refused_restart_of_a_killed_worker_leaves_its_journal_to_the_next_restart(
    redis_url, tmp_path, monkeypatch
):
    """A worker killed with a request taken, restarted (same folder) with other arguments:
    refused, it must keep the killed one's registration, or the journal is orphaned (the
    next restart gets a new id) and the request it holds is never fetched."""
    monkeypatch.setattr(sched.RedisFrontier, "_start_ticking", lambda self: None)  # no reactor
    killed = _frontier_of(redis_url, tmp_path / "a", BASE, since="2025-03-01", lang="en")
    killed.open(killed.spider)
    for request in killed.spider.start_requests_list():
        killed.enqueue_request(request)
    taken = killed.next_request()
    client, worker = killed.server, killed.worker
    registry = worker.key("workers")

    def exited() -> None:  # (its heartbeat expired, its pid runs no more)
        client.delete(worker.heartbeat_key)
        record = json.loads(client.hget(registry, worker.identity))
        client.hset(registry, worker.identity, json.dumps(record | {"pid": _dead_pid()}))

    exited()
    wrong = _frontier_of(redis_url, tmp_path / "a", BASE, since="2025-03-01", lang="bg")
    assert wrong.worker.id == worker.id  # (the slot its killed predecessor left work in)
    with pytest.raises(StartupError):
        wrong.open(wrong.spider)
    assert client.hexists(registry, worker.identity)
    exited()
    right = _frontier_of(redis_url, tmp_path / "a", BASE, since="2025-03-01", lang="en")
    assert right.worker.id == worker.id
    right.open(right.spider)
    assert right.crawler.stats.get_value("distributed/recovered/journal") == 1
    assert right.next_request().url == taken.url
    right.close("finished")


def test_workers_with_the_same_arguments_join_one_job_and_the_last_ends_it(
    redis_url, tmp_path, monkeypatch
):
    monkeypatch.setattr(sched.RedisFrontier, "_start_ticking", lambda self: None)  # no reactor
    frontiers = [
        _frontier_of(redis_url, tmp_path / name, BASE, since="2025-03-01", sections="world")
        for name in ("a", "b")
    ]
    for frontier in frontiers:
        frontier.open(frontier.spider)
    job = frontiers[0].job_key
    scope = f"lang=bg,en sections=world since=2025-03-01 FAKTI_BASE_URL={BASE}"
    assert frontiers[0].server.get(job) == scope.encode()
    for frontier in frontiers:
        frontier.close("finished")
    assert not frontiers[0].server.exists(job)  # the next command may start another job


def test_an_article_two_workers_list_is_queued_once_for_the_job(worker_job):
    """The spider's article requests go through the job's key filter (not ``dont_filter``,
    as in a single process, where each key is asked for once per run already): an article
    listed to two workers, under two URLs of it, is fetched by one."""
    *_, settings = worker_job
    first, second = _opened_frontier(settings), _opened_frontier(settings)
    requests = [
        frontier.spider._article_request(parse_article_url(BASE + path, extra_hosts=HOSTS))
        for frontier, path in [
            (first, "/en/world/1000013-synthetic"),
            (second, "/en/amp/world/1000013-synthetic-renamed"),
        ]
    ]
    assert [first.enqueue_request(requests[0]), second.enqueue_request(requests[1])] == [
        True,
        False,
    ]
    first.close("finished")
    second.close("finished")
