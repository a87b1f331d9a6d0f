"""The replica over loopback HTTP: headers, epochs, the request log, faults, embedding."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest

from newsspider.replica.faults import KINDS, RATE_PER_MILLE, fault_for
from newsspider.replica.generator import SOFIA
from newsspider.replica.testing import ReplicaProcess, replica_command

NOW = datetime(2026, 11, 29, 11, 0, tzinfo=SOFIA)


def fetch(base: str, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def replica():
    from newsspider.replica.testing import ReplicaProcess

    rep = ReplicaProcess(articles=300, now=NOW)
    yield rep
    rep.stop()


def test_date_header_is_the_epoch_clock_and_epochs_switch(replica):
    site = replica.site()
    new = site.articles[-1]
    assert new.t > site.clock(1)
    status, headers, _ = fetch(replica.base_url, new.path)
    assert status == 404
    assert parsedate_to_datetime(headers["date"]) == site.clock(1)
    replica.set_epoch(2)
    try:
        status, headers, body = fetch(replica.base_url, new.path)
        assert status == 200 and new.headline.replace("&", "&amp;").encode() in body
        assert parsedate_to_datetime(headers["date"]) == site.clock(2)
    finally:
        replica.set_epoch(1)
    assert fetch(replica.base_url, new.path)[0] == 404


def test_bad_epoch_is_refused(replica):
    status, _, body = fetch(replica.base_url, "/__replica__/epoch?e=3", "POST")
    assert (status == 400 and b"epoch" in body) or b"e must" in body


def test_an_outage_lasts_until_it_is_ended(replica):
    a = replica.site().existing(replica.site().articles, 1)[-1]
    replica.reset_log()
    replica.outage(a.path)
    try:
        assert [fetch(replica.base_url, a.path)[0] for _ in range(3)] == [503] * 3
        assert fetch(replica.base_url, "/")[0] == 200  # only that path
    finally:
        replica.end_outages()
    assert fetch(replica.base_url, a.path)[0] == 200
    faults = [(e["status"], e.get("fault")) for e in replica.log()["entries"]]
    assert faults == [(503, "outage")] * 3 + [(200, None), (200, None)]
    assert fetch(replica.base_url, "/__replica__/outage?path=x", "POST")[0] == 400


def test_request_log_counts_kinds(replica):
    replica.reset_log()
    a = next(x for x in replica.site().existing(replica.site().articles, 1) if x.lang == "en")
    for path in (
        "/",
        "/world",
        a.path,
        a.amp_path,
        "/feed",
        "/robots.txt",
        "/search?q=&page=0",
        "/nope",
        "/__replica__/log",
    ):
        fetch(replica.base_url, path)
    log = replica.log()
    assert log["total"] == 8
    assert log["by_kind"] == {
        "listing": 2,
        "article": 1,
        "amp": 1,
        "rss": 1,
        "robots": 1,
        "search": 1,
        "notfound": 1,
    }
    entry = log["entries"][2]
    assert entry["method"] == "GET" and entry["path"] == a.path and entry["kind"] == "article"
    assert entry["status"] == 200 and abs(entry["t"] - time.time()) < 60
    assert log["entries"][-1]["status"] == 404
    replica.reset_log()
    assert replica.log() == {"total": 0, "by_kind": {}, "entries": []}


def test_content_types_over_http(replica):
    assert fetch(replica.base_url, "/")[1]["content-type"] == "text/html; charset=utf-8"
    assert (
        fetch(replica.base_url, "/feed")[1]["content-type"] == "application/rss+xml; charset=utf-8"
    )
    assert fetch(replica.base_url, "/robots.txt")[1]["content-type"] == "text/plain; charset=utf-8"
    assert fetch(replica.base_url, "/", "POST")[0] == 405


def test_navigation_uses_the_request_origin(replica):
    body = fetch(replica.base_url, "/en/")[2].decode()
    assert f'href="{replica.base_url}/en/world"' in body


def test_fault_plan_is_deterministic_and_bounded():
    uris = [f"/world/{i}-x" for i in range(5000)]
    plans = [fault_for(u) for u in uris]
    assert plans == [fault_for(u) for u in uris]
    faulted = [p for p in plans if p]
    assert abs(len(faulted) / len(uris) - RATE_PER_MILLE / 1000) < 0.03
    assert {p.kind for p in faulted} == set(KINDS)
    assert max(p.times for p in faulted) == 2
    assert fault_for("/robots.txt") is None


def _uri_with(kind: str, times: int | None = None) -> str:
    for i in range(10_000):
        uri = f"/nope/{i}"
        plan = fault_for(uri)
        if plan and plan.kind == kind and (times is None or plan.times == times):
            return uri
    raise LookupError(kind)


@pytest.fixture(scope="module")
def faulty():
    from newsspider.replica.testing import ReplicaProcess

    rep = ReplicaProcess(articles=60, now=NOW, faults=True)
    yield rep
    rep.stop()


@pytest.mark.parametrize(("kind", "status"), [("500", 500), ("429", 429)])
def test_error_status_then_ok(faulty, kind, status):
    uri = _uri_with(kind, times=2)
    for _ in range(2):
        got, headers, _ = fetch(faulty.base_url, uri)
        assert got == status
        if kind == "429":
            assert headers["retry-after"] == "1"
    assert fetch(faulty.base_url, uri)[0] == 404  # the page itself
    kinds = [e.get("fault") for e in faulty.log()["entries"] if e["path"] == uri]
    assert kinds == [kind, kind, None]


def test_slow_then_fast(faulty):
    uri = _uri_with("slow")
    start = time.perf_counter()
    assert fetch(faulty.base_url, uri)[0] == 404
    assert time.perf_counter() - start >= 1.4
    start = time.perf_counter()
    fetch(faulty.base_url, uri)
    assert time.perf_counter() - start < 1.0


def test_truncated_body_then_ok(faulty):
    uri = next(
        u for i in range(10_000) if (p := fault_for(u := f"/en/?i={i}")) and p.kind == "truncate"
    )
    parts = urlsplit(faulty.base_url)
    for _ in range(fault_for(uri).times):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        conn.request("GET", uri)
        resp = conn.getresponse()
        assert resp.status == 200
        with pytest.raises(http.client.IncompleteRead):
            resp.read()
        conn.close()
    status, headers, body = fetch(faulty.base_url, uri)
    assert status == 200 and len(body) == int(headers["content-length"]) > 80_000


def test_connection_reset_then_ok(faulty):
    uri = _uri_with("reset")
    for _ in range(fault_for(uri).times):
        with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
            fetch(faulty.base_url, uri)
    assert fetch(faulty.base_url, uri)[0] == 404


def test_every_article_obtainable_within_three_attempts(faulty):
    site = faulty.site()
    for a in site.existing(site.articles, 1):
        for _ in range(3):
            try:
                status = fetch(faulty.base_url, a.path)[0]
            except (ConnectionError, http.client.HTTPException):
                continue
            if status == 200:
                break
        assert status == 200, a.path


def test_standalone_writes_truth(tmp_path):
    out = tmp_path / "truth.jsonl"
    cmd = [*replica_command(articles=40, now=NOW, epoch=2, crawl_delay=0), "--truth", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("replica listening on http://127.0.0.1:")
        base = line.split()[-1]
        with urllib.request.urlopen(base + "/robots.txt") as resp:
            assert resp.read().endswith(b"Crawl-delay: 0\n")
        with urllib.request.urlopen(base + "/__replica__/epoch") as resp:
            assert json.loads(resp.read())["epoch"] == 2
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        proc.stdout.close()
    from newsspider.replica.generator import Site

    lines = out.read_text("utf-8").splitlines()
    assert [json.loads(x) for x in lines] == list(Site(40, now=NOW).ground_truth(2))


EMBEDDED = """
import sys, urllib.request
from twisted.internet import asyncioreactor
asyncioreactor.install()
from twisted.internet import reactor, threads
from newsspider.replica.embedded import listen

handle = listen(reactor, articles=50, epoch=2, seed=1)

def check():
    with urllib.request.urlopen(handle.base_url + "/en/") as resp:
        return resp.status, len(handle.site.articles), handle.base_url

def done(result):
    print(result, flush=True)
    handle.stop().addBoth(lambda _: reactor.stop())

threads.deferToThread(check).addBoth(done)
reactor.run()
"""


def test_embedded_listen_in_a_running_reactor():
    out = subprocess.run(
        [sys.executable, "-c", EMBEDDED], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    status, n, base = eval(out.stdout.strip())
    assert status == 200 and n == 50 and base.startswith("http://127.0.0.1:")


def test_replica_factory_fixture(replica_factory):
    rep = replica_factory(articles=30, now=NOW, epoch=2)
    assert urllib.request.urlopen(rep.base_url + "/").status == 200
    assert len(rep.truth(2)) == 30 and len(rep.truth(1)) < 30
    assert rep.log()["by_kind"] == {"listing": 1}
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(rep.base_url + "/missing")


def test_served_pages_are_the_rendered_pages(replica):
    from newsspider.replica.pages import Pages

    site = replica.site()
    pages = Pages(site, cache_size=1)
    for a in site.existing(site.articles, 1):
        for path in filter(None, (a.path, a.amp_path)):
            status, headers, body = fetch(replica.base_url, path)
            page = pages.render(path, 1, replica.base_url)
            assert (status, headers["content-type"], body) == (200, page.content_type, page.body)


def test_a_replica_that_cannot_start_says_why() -> None:
    """The reason was lost: reading its stderr after closing it raised a ValueError."""
    with pytest.raises(RuntimeError, match=r"(?s)did not start.*clock must be after 2025-11-01"):
        ReplicaProcess(articles=10, now=datetime(2020, 1, 1, tzinfo=SOFIA))
