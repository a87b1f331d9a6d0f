"""Extraction in worker processes (``FAKTI_EXTRACT_WORKERS``): same results as in-process,
nothing lost when a worker dies, no worker outlives its crawler."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsspider.extraction.article import extract_article
from newsspider.offload import pool as pool_module
from newsspider.offload.frames import FrameReader, frame
from newsspider.offload.pool import ExtractionPool, WorkerLost
from newsspider.replica.generator import SOFIA, Site
from newsspider.replica.pages import Pages

NOW = datetime(2026, 11, 29, 11, 0, tzinfo=SOFIA)
ORIGIN = "http://127.0.0.1:8765"
REPO = Path(__file__).resolve().parent.parent


def article_jobs(count: int) -> list[tuple[bytes, str, str | None]]:
    """``(body, url, content type)`` of the first ``count`` article pages of a replica."""
    site = Site(articles=count, seed=3, now=NOW)
    pages = Pages(site, cache_size=0)
    jobs = []
    for a in site.articles[:count]:
        page = pages.render(a.path, 2, ORIGIN)
        jobs.append((page.body, "https://fakti.bg" + a.path, page.content_type))
    return jobs


@given(
    st.lists(st.one_of(st.binary(max_size=300), st.text(max_size=50), st.integers()), max_size=6),
    st.lists(st.integers(min_value=1, max_value=64), max_size=40),
)
def test_frames_survive_any_chunking(messages, cuts):
    stream = b"".join(frame(m) for m in messages)
    reader, got, start = FrameReader(), [], 0
    for cut in cuts:
        got += reader.feed(stream[start : start + cut])
        start += cut
    got += reader.feed(stream[start:])
    assert got == messages


def test_pool_results_equal_in_process_extraction():
    jobs = article_jobs(40)

    async def run() -> list:
        pool = ExtractionPool(2)
        await pool.start()
        try:
            return await asyncio.gather(*(pool.extract(*job) for job in jobs))
        finally:
            pool.close()

    results = asyncio.run(run())
    expected = [extract_article(body, url, content_type=ct) for body, url, ct in jobs]
    assert results == expected
    assert all(type(r).__name__ == "Extracted" for r in results)
    assert [r.layers for r in results] == [e.layers for e in expected]


def test_a_dead_worker_fails_its_jobs_and_the_pool_goes_on():
    jobs = article_jobs(6)

    victims: list[subprocess.Popen] = []

    async def run() -> tuple[list, object, int, list]:
        pool = ExtractionPool(2)
        await pool.start()
        try:
            victim = pool.workers[0]
            victims.append(victim.proc)
            pending = [pool.extract(*job) for job in jobs]  # 3 on each worker
            victim.proc.kill()
            outcomes = await asyncio.gather(*pending, return_exceptions=True)
            after = await pool.extract(*jobs[0])  # the survivor takes new work
            return outcomes, after, pool.lost_count, [w.proc for w in pool.workers]
        finally:
            pool.close()

    outcomes, after, lost, survivors = asyncio.run(run())
    failed = [o for o in outcomes if isinstance(o, WorkerLost)]
    assert 1 <= len(failed) <= 3 and lost == 1 and len(survivors) == 1
    assert [o.suspect for o in failed] == [True] + [False] * (len(failed) - 1)  # its current
    assert after == extract_article(*jobs[0][:2], content_type=jobs[0][2])
    # close() reaped both, the survivor and the dead one (no zombie left)
    assert survivors[0].returncode == 0 and victims[0].returncode == -signal.SIGKILL


def test_workers_the_pool_closes_are_not_lost(caplog):
    """Workers that exit because the pool closed their sockets are no lost workers: not
    counted, no warning."""

    async def run() -> int:
        pool = ExtractionPool(2)
        await pool.start()
        pool.close()
        await asyncio.sleep(0.2)  # (their sockets' end reaches the pool)
        return pool.lost_count

    assert asyncio.run(run()) == 0
    assert "extraction worker" not in caplog.text


def test_a_hung_worker_is_killed_and_its_jobs_fail(monkeypatch, caplog):
    """A stopped worker (SIGSTOP) never closed its socket: the crawl awaited its page for
    ever, and SIGTERM could not end the run."""
    monkeypatch.setattr(pool_module, "JOB_TIMEOUT", 0.5)
    monkeypatch.setattr(pool_module, "WATCH_INTERVAL", 0.1)
    jobs = article_jobs(4)

    async def run() -> tuple[list, int, int]:
        pool = ExtractionPool(2)
        await pool.start()
        try:
            stuck = pool.workers[0].proc
            stuck.send_signal(signal.SIGSTOP)
            pending = [pool.extract(*job) for job in jobs]  # 2 on each worker
            outcomes = await asyncio.wait_for(
                asyncio.gather(*pending, return_exceptions=True), timeout=10
            )
            return outcomes, pool.lost_count, stuck.wait(5)
        finally:
            pool.close()

    outcomes, lost, status = asyncio.run(run())
    assert [isinstance(o, WorkerLost) for o in outcomes].count(True) == 2 and lost == 1
    assert [o.suspect for o in outcomes if isinstance(o, WorkerLost)] == [True, False]
    assert status == -signal.SIGKILL
    assert f"exited ({-signal.SIGKILL}); 1 left" in caplog.text  # (was "exited (None)")


def test_a_worker_still_running_after_the_exit_timeout_is_killed(monkeypatch):
    """A worker that does not exit when its socket is closed (stopped, stuck in a page) is
    killed after EXIT_TIMEOUT seconds: closing the pool never waits for it for ever."""
    monkeypatch.setattr(pool_module, "EXIT_TIMEOUT", 0.2)

    async def run() -> tuple[bool, object]:
        pool = ExtractionPool(1)
        await pool.start()
        stuck = pool.workers[0].proc
        stuck.send_signal(signal.SIGSTOP)
        # (in a thread, the loop's idle meanwhile: a close that waited for ever fails the test)
        closing = threading.Thread(target=pool.close, daemon=True)
        closing.start()
        closing.join(10)
        return closing.is_alive(), stuck

    alive, stuck = asyncio.run(run())
    try:
        assert not alive and stuck.returncode == -signal.SIGKILL
    finally:
        if stuck.poll() is None:
            stuck.kill()
            stuck.wait()


def test_a_worker_is_hung_by_the_age_of_its_oldest_job(monkeypatch):
    """A stuck worker that keeps being sent new jobs is judged on the job it left unanswered
    longest: more than JOB_TIMEOUT seconds ago, hung, however recent the others."""
    now = [1000.0]
    monkeypatch.setattr(pool_module, "time", SimpleNamespace(monotonic=lambda: now[0]))
    worker = pool_module._Worker(proc=None, pool=None)
    worker.transport = SimpleNamespace(write=lambda data: None)
    for job_id in (1, 2, 3):
        worker.send(job_id, (b"<html></html>", "https://fakti.bg/world/1-x", None), None)
        now[0] += pool_module.JOB_TIMEOUT / 2  # (sent at 1000, 1030, 1060)
    assert not worker.hung(1000.0 + pool_module.JOB_TIMEOUT)
    assert worker.hung(1000.0 + pool_module.JOB_TIMEOUT + 1)


def test_a_result_for_a_cancelled_job_keeps_its_worker():
    """A job whose caller gave up (its future cancelled) is still answered: the result is
    dropped, and the worker goes on with the next job."""
    jobs = article_jobs(2)

    async def run() -> tuple[object, int, int]:
        pool = ExtractionPool(1)
        await pool.start()
        try:
            pool.extract(*jobs[0]).cancel()
            after = await pool.extract(*jobs[1])
            return after, pool.lost_count, len(pool.workers)
        finally:
            pool.close()

    after, lost, left = asyncio.run(run())
    assert after == extract_article(*jobs[1][:2], content_type=jobs[1][2])
    assert lost == 0 and left == 1


def test_no_worker_left_raises_at_once():
    async def run() -> None:
        pool = ExtractionPool(1)
        await pool.start()
        pool.workers[0].proc.kill()
        for _ in range(200):  # the loss is noticed on the next loop turns
            if not pool.workers:
                break
            await asyncio.sleep(0.01)
        with pytest.raises(WorkerLost) as lost:
            pool.extract(b"<html></html>", "https://fakti.bg/world/1-x", None)
        assert lost.value.none_left and not lost.value.suspect
        pool.close()

    asyncio.run(run())


def test_close_lets_workers_exit_promptly():
    async def run() -> list[subprocess.Popen]:
        pool = ExtractionPool(2)
        await pool.start()
        procs = [w.proc for w in pool.workers]
        started = time.monotonic()
        pool.close()
        assert time.monotonic() - started < 3  # end of stream, not the kill timeout
        return procs

    assert all(p.returncode == 0 for p in asyncio.run(run()))


def test_workers_run_in_a_session_of_their_own():
    """A signal to the crawler's process group (Ctrl-C, systemd's SIGTERM) does not reach
    the workers: the crawler stops them at close."""

    async def run() -> list[int]:
        pool = ExtractionPool(2)
        await pool.start()
        try:
            return [os.getsid(w.proc.pid) - w.proc.pid for w in pool.workers]
        finally:
            pool.close()

    assert asyncio.run(run()) == [0, 0]


def test_pool_refuses_zero_workers():
    with pytest.raises(ValueError):
        ExtractionPool(0)


def _workers_of(pid: int) -> set[int]:
    """The extraction worker processes among ``pid``'s children (not a short-lived child
    such as a `uname` some library runs, which made the count flaky)."""
    cmd = ["ps", "-o", "pid=,args=", "--ppid", str(pid)]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    return {
        int(line.split(None, 1)[0])
        for line in out.splitlines()
        if "newsspider.offload.worker" in line
    }


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.e2e
@pytest.mark.parametrize("stopped", [False, True], ids=["reading", "stopped"])
def test_workers_die_with_a_killed_crawler(replica_factory, tmp_path, stopped):
    """SIGKILL the crawler mid-crawl: its workers exit, even one that is stopped (SIGSTOP:
    it reads no end of stream; it outlived the crawler, holding its output pipes)."""
    rep = replica_factory(articles=400, epoch=2, now=NOW)
    cmd = [
        sys.executable, "-m", "scrapy", "crawl", "fakti", "-a", "since=2025-03-01",
        "-s", f"FAKTI_BASE_URL={rep.base_url}", "-s", f"FAKTI_OUTPUT_DIR={tmp_path}",
        "-s", "FAKTI_EXTRACT_WORKERS=2", "-s", "LOG_LEVEL=DEBUG",
    ]  # fmt: skip
    crawler = subprocess.Popen(
        cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    workers: set[int] = set()
    assert crawler.stderr is not None
    for line in crawler.stderr:
        workers |= _workers_of(crawler.pid)
        if "Scraped from" in line and len(workers) >= 2:
            break
    assert len(workers) == 2, workers
    assert crawler.poll() is None  # killed mid-crawl, not after
    if stopped:
        os.kill(min(workers), signal.SIGSTOP)
    crawler.send_signal(signal.SIGKILL)
    crawler.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)


class _DeadPool:
    """A pool whose last worker has just died."""

    def extract(self, body: bytes, url: str, content_type: str | None):
        raise WorkerLost("no extraction worker left", none_left=True)


@pytest.mark.parametrize("pool", [_DeadPool(), None], ids=["worker-lost", "no-pool"])
def test_spider_extracts_in_process_when_the_worker_is_lost(pool):
    """A lost worker, or a request built by a crawl with workers (a Redis job's other worker,
    a restarted run) reaching one without: the page is extracted in-process."""
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from spider_factory import make_spider

    spider = make_spider(url="https://fakti.bg/world/1-x")
    spider.pool = pool
    body, url, ctype = article_jobs(1)[0]
    response = HtmlResponse(
        url, body=body, headers={"Content-Type": ctype}, request=Request(url)
    )  # (as in a crawl: a response has its request, whose URL is the one asked for)

    async def collect() -> list:
        return [item async for item in spider.parse_in_worker(response)]

    [item] = asyncio.run(collect())
    expected = extract_article(body, url, content_type=ctype)
    assert item["headline"] == expected.fields["headline"]
    assert item["url"] == url
    assert spider.crawler.stats.get_value("extract/workers/in_process") == 1


class _ScriptedPool:
    """A pool whose calls fail as scripted (a :class:`WorkerLost` each), then extract."""

    def __init__(self, *losses: WorkerLost) -> None:
        self.losses = list(losses)
        self.calls = 0

    async def extract(self, body: bytes, url: str, content_type: str | None):
        self.calls += 1
        if self.losses:
            raise self.losses.pop(0)
        return extract_article(body, url, content_type=content_type)


SUSPECT = WorkerLost("worker exited", suspect=True)


@pytest.mark.parametrize(
    ("losses", "calls", "outcome"),
    [
        ((SUSPECT,), 2, "record"),  # another worker extracts it
        ((SUSPECT, WorkerLost("worker exited")), 3, "record"),  # (queued behind another)
        # (queued behind another, then lost again on it: struck twice)
        ((SUSPECT, WorkerLost("worker exited"), SUSPECT), 3, "reject"),
        ((WorkerLost("worker exited"),), 2, "record"),  # (a surviving worker, not in-process)
        ((WorkerLost("worker exited"), SUSPECT, SUSPECT), 3, "reject"),
        ((SUSPECT, SUSPECT), 2, "reject"),
        ((SUSPECT, WorkerLost("no extraction worker left", none_left=True)), 2, "reject"),
    ],
)
def test_a_page_its_worker_was_lost_on_is_never_extracted_in_process(
    monkeypatch, losses, calls, outcome
):
    """Review: a page that crashed its worker was extracted in-process and crashed the crawler
    (exit 139, no report, nothing published); one that hung it hung the crawl for ever."""
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from spider_factory import make_spider

    from newsspider.spiders import fakti

    def poisoned(job):
        raise AssertionError("extracted in-process")

    monkeypatch.setattr(fakti.ArticleJob, "extract", poisoned)
    spider = make_spider(url="https://fakti.bg/world/1-x")
    spider.pool = _ScriptedPool(*losses)
    body, url, ctype = article_jobs(1)[0]
    response = HtmlResponse(url, body=body, headers={"Content-Type": ctype}, request=Request(url))

    async def collect() -> list:
        return [item async for item in spider.parse_in_worker(response)]

    [output] = asyncio.run(collect())
    assert spider.pool.calls == calls
    if outcome == "record":
        assert (
            output["headline"] == extract_article(body, url, content_type=ctype).fields["headline"]
        )
    else:
        assert (output["url"], output["reason"]) == (url, "error:WorkerLost")
        assert spider.crawler.stats.get_value("pages/rejected") == 1
