"""Distributed backfill: real ``scrapy crawl fakti`` workers sharing a real Redis (frontier and
state) crawl one standalone replica. Each writes its own output folder; the union of their
files must be the ground truth with no key twice, and every worker ends by itself (status 0).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import redis

from newsspider.state.redis import split_url

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
WORKERS = 3


class Worker:
    """One ``scrapy crawl fakti`` worker process; keeps its log."""

    def __init__(
        self, base_url: str, state: str, out: Path, *spider_args: str, proxy: str = ""
    ) -> None:
        """``spider_args``: ``since=...``, ``url=...`` (none: an incremental run); ``proxy``:
        the worker's ``http_proxy``."""
        args = [
            sys.executable, "-m", "scrapy", "crawl", "fakti",
            *(a for arg in spider_args for a in ("-a", arg)),
            "-s", f"FAKTI_STATE={state}", "-s", f"FAKTI_BASE_URL={base_url}",
            "-s", f"FAKTI_OUTPUT_DIR={out}", "-s", "FAKTI_WORKER_TTL=3",
            "-s", "TELNETCONSOLE_ENABLED=0",
        ]  # fmt: skip
        env = os.environ | {"PYTHONUNBUFFERED": "1"}
        if proxy:
            env = {k: v for k, v in env.items() if k.lower() != "no_proxy"} | {"http_proxy": proxy}
        self.out = out
        self.proc = subprocess.Popen(
            args, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self.log: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            self.log.append(raw.decode("utf-8", "replace"))

    def wait(self, timeout: float = 150) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def tail(self) -> str:
        return "".join(self.log[-25:])


def _claims_of(client: redis.Redis, prefix: str, worker: Worker) -> int:
    """How many article keys the worker's current run has claimed."""
    for identity, raw in client.hgetall(f"{prefix}:workers").items():
        if identity.decode().rpartition(":")[2].startswith(str(worker.out.resolve()) + "#"):
            runs = client.hkeys(f"{prefix}:runs:{json.loads(raw)['id']}")
            return sum(client.hlen(f"{prefix}:run:{rid.decode()}") for rid in runs)
    return 0


def _kill_one_midway(workers: list[Worker], state: str, claimed: int, timeout: float = 120) -> int:
    """Once the job has claimed ``claimed`` articles, SIGKILL the worker whose run has claimed
    the most (they are in its unpublished file or still in flight); its index."""
    _wait_for_claims(state, claimed, workers, timeout)
    address, prefix = split_url(state)
    client = redis.Redis.from_url(address)
    shares = [_claims_of(client, prefix, w) for w in workers]
    victim = max(range(len(workers)), key=shares.__getitem__)
    workers[victim].proc.send_signal(signal.SIGKILL)
    assert shares[victim] > 0, shares
    return victim


def _since(records: list[dict]) -> str:
    return "since=" + min(r["published_at"][:10] for r in records)


def _outputs(
    outs: list[Path], finished: bool = True
) -> tuple[dict[tuple[str, int], dict], list[int]]:
    """The union of every worker's completed files (no key twice) and each worker's share."""
    union: dict[tuple[str, int], dict] = {}
    shares = []
    for out in outs:
        files = sorted((out / "fakti").glob("*[0-9].jsonl"))
        share = 0
        for path in files:
            for line in path.read_text("utf-8").splitlines():
                record = json.loads(line)
                key = (record["lang"], record["article_id"])
                assert key not in union, f"{key} exported twice"
                record.pop("scraped_at")
                union[key] = record
                share += 1
        shares.append(share)
        if finished:
            assert not list((out / "fakti").glob(".*.part")), "temporaries left behind"
    return union, shares


def _job_keys_left(state: str) -> list[str]:
    address, prefix = split_url(state)
    client = redis.Redis.from_url(address)
    names = ("frontier", "seen", "claims", "busy", "workers")
    return [n for n in names if client.exists(f"{prefix}:{n}")]


def test_three_workers_backfill_the_replica_exactly_once(replica_factory, redis_url, tmp_path):
    replica = replica_factory(articles=3000, epoch=2)
    truth = {(r["lang"], r["article_id"]): r for r in replica.truth(2)}
    since = _since(list(truth.values()))
    outs = [tmp_path / f"worker{i}" for i in range(WORKERS)]

    workers = [Worker(replica.base_url, redis_url, out, since) for out in outs]
    for n, worker in enumerate(workers):
        assert worker.wait() == 0, f"worker {n}:\n{worker.tail()}"

    union, shares = _outputs(outs)
    assert sorted(union) == sorted(truth)
    assert union == truth
    assert all(share > 0 for share in shares), shares
    assert sum(shares) == len(truth)
    assert _job_keys_left(redis_url) == []  # the last worker ended the job


def test_a_killed_worker_loses_and_duplicates_nothing_once_restarted(
    replica_factory, redis_url, tmp_path
):
    replica = replica_factory(articles=900, epoch=2)
    truth = {(r["lang"], r["article_id"]): r for r in replica.truth(2)}
    since = _since(list(truth.values()))
    outs = [tmp_path / f"worker{i}" for i in range(WORKERS)]

    workers = [Worker(replica.base_url, redis_url, out, since) for out in outs]
    victim = _kill_one_midway(workers, redis_url, len(truth) // 3)
    assert workers[victim].wait() == -signal.SIGKILL
    for n, worker in enumerate(workers):
        if n != victim:
            assert worker.wait() == 0, f"worker {n}:\n{worker.tail()}"  # the others finish
    assert _job_keys_left(redis_url), "the job must wait for the killed worker's work"
    union, _ = _outputs(outs, finished=False)
    assert len(union) < len(truth)  # what the killed worker held is not exported yet

    restarted = Worker(replica.base_url, redis_url, outs[victim], since)
    assert restarted.wait() == 0, restarted.tail()
    log = "".join(restarted.log)
    assert "requeued" in log or "fetch again" in log, restarted.tail()

    union, shares = _outputs(outs)
    assert sorted(union) == sorted(truth)
    assert union == truth
    assert shares[victim] > 0
    assert _job_keys_left(redis_url) == []


def _in_window(record: dict, floor: datetime) -> bool:
    """Published at or after ``floor``; a date-only time (00:00) if its day reaches it."""
    published = datetime.fromisoformat(record["published_at"])
    if (published.hour, published.minute, published.second) == (0, 0, 0):
        return published + timedelta(days=1) > floor
    return published >= floor


def test_incremental_jobs_move_the_watermarks_and_lose_nothing(
    replica_factory, redis_url, tmp_path
):
    """Incremental runs on a Redis state: the last worker of a complete job moves the
    watermarks; a one-worker ``url=`` job in between moves none, and the next incremental
    job still exports every new article (and nothing twice)."""
    replica = replica_factory(articles=300, epoch=1)
    first_day = replica.site().clock(1) - timedelta(days=1)
    truth1 = {(r["lang"], r["article_id"]): r for r in replica.truth(1)}
    expected = {k for k, r in truth1.items() if _in_window(r, first_day)}
    outs = [tmp_path / f"worker{i}" for i in range(WORKERS)]
    address, prefix = split_url(redis_url)
    client = redis.Redis.from_url(address)

    def job(*args: str, workers: list[Path] = outs) -> None:
        started = [Worker(replica.base_url, redis_url, out, *args) for out in workers]
        for n, worker in enumerate(started):
            assert worker.wait() == 0, f"worker {n}:\n{worker.tail()}"

    def watermarks() -> dict[str, int]:
        return {k.decode(): int(v) for k, v in client.hgetall(f"{prefix}:watermarks").items()}

    job()
    clock1 = int(replica.site().clock(1).timestamp())
    assert watermarks() == {"bg": clock1, "en": clock1}
    replica.set_epoch(2)
    new = {
        (r["lang"], r["article_id"]): r
        for r in replica.truth(2)
        if (r["lang"], r["article_id"]) not in truth1
    }
    newest = max(new.values(), key=lambda r: r["published_at"])
    job(f"url={newest['url']}", workers=outs[:1])
    assert watermarks() == {"bg": clock1, "en": clock1}  # a url= job walks nothing
    job()
    union, _ = _outputs(outs)  # (no key twice)
    assert set(union) == expected | set(new)
    assert watermarks() == {"bg": int(replica.now.timestamp()), "en": int(replica.now.timestamp())}
    assert _job_keys_left(redis_url) == []


def _dead_proxy() -> str:
    """The URL of a proxy that refuses every connection (a port nothing listens on)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def _wait_for_claims(state: str, claimed: int, workers: list[Worker], timeout: float = 120) -> None:
    address, prefix = split_url(state)
    client = redis.Redis.from_url(address)
    deadline = time.monotonic() + timeout
    while client.hlen(f"{prefix}:claims") < claimed:
        assert all(w.proc.poll() is None for w in workers), "a worker ended too soon"
        assert time.monotonic() < deadline, "the job did not get going in time"
        time.sleep(0.005)


def _health(worker: Worker) -> str:
    return "".join(line for line in worker.log if "health: " in line)


def test_a_worker_that_cannot_read_robots_txt_hands_its_requests_back(
    replica_factory, redis_url, tmp_path
):
    """Review: a worker whose robots.txt could not be obtained (through a dead proxy) took
    requests from the job's frontier and refused every one (their articles rejected, their
    listings 'not found'): the job exported 521, 51, 0 or 870 of 1,444 records, the worker
    that reached the site exited 0 'health: OK', the broken one 4 'site unreachable'. It
    must take no more, put back what it took, and say why it stopped (exit 9)."""
    replica = replica_factory(articles=1500, epoch=2)
    truth = {(r["lang"], r["article_id"]): r for r in replica.truth(2)}
    since = _since(list(truth.values()))
    outs = [tmp_path / "reaches", tmp_path / "no-robots"]
    good = Worker(replica.base_url, redis_url, outs[0], since)
    _wait_for_claims(redis_url, 50, [good])
    broken = Worker(replica.base_url, redis_url, outs[1], since, proxy=_dead_proxy())

    assert broken.wait() == 9, broken.tail()
    assert good.wait() == 0, good.tail()
    union, shares = _outputs(outs)
    assert union == truth, f"{len(union)} of {len(truth)} records"
    assert shares[1] == 0
    log = "".join(broken.log)
    assert "robots.txt unavailable to this worker" in _health(broken), broken.tail()
    assert "site unreachable" not in log
    assert "this worker stops and puts the requests it took back" in log
    assert "'scheduler/dequeued/redis'" in log, "the broken worker took no request"
    assert "'rejects/" not in log and "listing_missing" not in log
    assert _job_keys_left(redis_url) == []


def test_the_last_worker_of_a_job_with_a_gap_says_so_in_its_verdict(
    replica_factory, redis_url, tmp_path
):
    """Review: the last worker knew its job's walk had a gap ('discovery watermarks not moved
    (N listing page(s) or article(s) lost)' in its log) and exited 0 'health: OK' with no
    word of it in its verdict; a single run notes its own gap the same way (exit 0)."""
    replica = replica_factory(articles=300, epoch=2)
    for path in ("/feed/world", "/world"):  # (bg/world's first listing page is lost: a gap)
        replica.outage(path)
    outs = [tmp_path / f"worker{i}" for i in range(2)]
    scope = ("lang=bg", "sections=world,bulgaria")
    workers = [Worker(replica.base_url, redis_url, out, *scope) for out in outs]
    for n, worker in enumerate(workers):
        assert worker.wait() == 0, f"worker {n}:\n{worker.tail()}"
    last = [w for w in workers if any("last worker of the job: " in line for line in w.log)]
    assert last, "no worker ended the job"
    note = "discovery watermarks not moved (1 listing page(s) or article(s) lost)"
    for worker in last:
        assert note in _health(worker), worker.tail()
        (path,) = (worker.out / "fakti").glob("*.report.json")
        notes = json.loads(path.read_text("utf-8"))["health"]["notes"]
        assert any(n.startswith(note) for n in notes), notes


def test_a_worker_started_with_other_arguments_is_refused_and_the_job_completes(
    replica_factory, redis_url, tmp_path
):
    """Review: workers of one job started with lang=en and lang=bg each walked 3 search pages
    (a normal job walks 39): 40 of 1,200 articles exported, both 'health: OK'. The second
    worker is now refused as it opens (exit status 1, nothing published); the job completes."""
    replica = replica_factory(articles=1200, epoch=2)
    truth = {(r["lang"], r["article_id"]): r for r in replica.truth(2) if r["lang"] == "en"}
    since = _since(list(truth.values()))
    outs = [tmp_path / "en", tmp_path / "bg"]
    running = Worker(replica.base_url, redis_url, outs[0], since, "lang=en")
    _wait_for_claims(redis_url, 20, [running])
    other = Worker(replica.base_url, redis_url, outs[1], since, "lang=bg")

    assert other.wait() == 1, other.tail()
    assert running.wait() == 0, running.tail()
    critical = [line for line in other.log if "CRITICAL" in line]
    assert len(critical) == 1 and "lang=en" in critical[0] and "lang=bg" in critical[0], critical
    assert not (outs[1] / "fakti").exists() or not list((outs[1] / "fakti").iterdir())
    union, _ = _outputs(outs[:1])
    assert union == truth, f"{len(union)} of {len(truth)} records"
    assert _job_keys_left(redis_url) == []
