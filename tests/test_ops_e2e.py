"""Unattended runs end to end: real ``scrapy crawl fakti`` subprocesses against the replica,
asserting the exit status and the one-line message of each health gate, the report file and
the run lock."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from newsspider.extraction.dates import SOFIA

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=SOFIA)
ARTICLES = 200
SINCE = "since=2026-01-05"  # 30 articles of this replica


def scrapy_cmd(base_url: str, out: Path, *args: str, **settings: str) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "fakti"]
    values = {"FAKTI_BASE_URL": base_url, "FAKTI_OUTPUT_DIR": str(out)} | settings
    for name, value in values.items():
        cmd += ["-s", f"{name}={value}"]
    for arg in args:
        cmd += ["-a", arg]
    return cmd


def crawl(base_url: str, out: Path, *args: str, **settings: str) -> subprocess.CompletedProcess:
    cmd = scrapy_cmd(base_url, out, *args, **settings)
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)


def health_lines(done: subprocess.CompletedProcess) -> list[str]:
    lines = done.stderr.splitlines()
    return [line.split("] ", 1)[1] for line in lines if "] ERROR: health:" in line]


def reports(out: Path) -> list[dict]:
    paths = sorted((out / "fakti").glob("*.report.json"))
    return [json.loads(p.read_text("utf-8")) for p in paths]


@pytest.fixture
def replica(replica_factory):
    return replica_factory(articles=ARTICLES, epoch=2, now=NOW)


def test_healthy_run_exits_0_and_reports_beside_the_feed(replica, tmp_path):
    out = tmp_path / "out"
    done = crawl(replica.base_url, out, SINCE)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "health: OK (exit status 0)" in done.stderr
    assert "run report (backfill, finished" in done.stderr
    (report,) = reports(out)
    feed = Path(report["run"]["feed"])
    assert feed.exists() and Path(report["run"]["report"]) == feed.with_suffix(".report.json")
    assert report["health"] == {"healthy": True, "exit_code": 0, "failures": [], "notes": [
        "drift gate skipped: no earlier healthy run of FAKTI_HEALTH_MIN_SAMPLE article pages "
        "or more to compare with",
        "item-count gate skipped: fewer than FAKTI_HEALTH_ITEMS_MIN_RUNS=3 earlier "
        "comparable healthy runs",
    ]}  # fmt: skip
    lines = feed.read_text("utf-8").splitlines()
    art = report["articles"]
    assert art["emitted"] == art["emitted_by_reason"]["new"] == len(lines) == 30
    assert art["extracted"] == art["discovered"] == 30
    assert report["coverage"]["headline"] == report["coverage"]["body"] == 100.0
    assert sum(report["pages"]["by_status"].values()) == report["pages"]["requests"]
    assert report["requests_per_new_article"] == round(report["pages"]["requests"] / 30, 2)

    # the same backfill again: nothing new, no feed file, but a report (and exit 0)
    again = crawl(replica.base_url, out, SINCE)
    assert again.returncode == 0, again.stderr[-3000:]
    second = reports(out)[1]
    assert second["run"]["feed"] is None and second["articles"]["emitted"] == 0
    assert second["articles"]["deduplicated"] == {"known": 30}
    assert len(list((out / "fakti").glob("*[0-9].jsonl"))) == 1


def test_a_run_started_before_the_last_runs_start_warns_in_a_real_crawl(replica, tmp_path):
    """The report's ``spider_opened`` (a real crawl) reads the state's run history: the last
    run's start set a day ahead of the machine clock (a clock stepped back since), the next
    run warns once, its report's health notes say so with its own start, exit 0."""
    out = tmp_path / "out"
    assert crawl(replica.base_url, out, SINCE).returncode == 0
    ahead = datetime.fromisoformat(reports(out)[0]["run"]["started"]) + timedelta(days=1)
    with closing(sqlite3.connect(out / ".state" / "fakti.sqlite")) as db, db:
        db.execute("UPDATE runs SET data = json_set(data, '$.started', ?)", (ahead.isoformat(),))
    done = crawl(replica.base_url, out, SINCE)
    assert done.returncode == 0, done.stderr[-3000:]
    second = reports(out)[1]
    behind = (
        f"the machine clock is behind the last run's start: {second['run']['started']} < "
        f"{ahead.isoformat()}; this run's files and scraped_at sort before that run's"
    )
    assert done.stderr.count(f"WARNING: {behind}") == 1, done.stderr[-3000:]
    assert behind in second["health"]["notes"]
    assert second["health"]["exit_code"] == 0


def test_forced_markup_change_exits_7(replica, replica_factory, tmp_path):
    out = tmp_path / "out"
    assert crawl(replica.base_url, out, SINCE).returncode == 0
    redesign = replica_factory(articles=ARTICLES, epoch=2, now=NOW, variant="redesign")
    done = crawl(redesign.base_url, out, SINCE)
    assert done.returncode == 7, done.stderr[-3000:]
    first, last = health_lines(done)
    assert first.startswith("ERROR: health: markup drift: ")
    assert re.search(
        r"markup drift: [6-9]\d% of field values came from the rendered-text fallback layer, "
        r"against 18% in the last 1 healthy run\(s\) \(allowed jump 25 points\)",
        first,
    )
    assert last.startswith("ERROR: health: UNHEALTHY (exit status 7): markup drift: ")
    assert reports(out)[-1]["health"]["failures"][0]["gate"] == "drift"


def test_unreachable_base_url_exits_4_at_once(tmp_path):
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    done = crawl(url, tmp_path / "out")
    assert done.returncode == 4, done.stderr[-3000:]
    (report,) = reports(tmp_path / "out")
    requests = report["pages"]["requests"]
    refused = report["pages"]["errors"]["scrapy.exceptions.IgnoreRequest"]  # (the start ones)
    cause = f"connection refused, and {refused} request(s) refused by our rules"
    assert health_lines(done) == [
        f"ERROR: health: site unreachable: {url} ({cause}; {requests} request(s), "
        "no response); to crawl offline use the replica: scrapy crawl fakti -a replica=1",
        f"ERROR: health: UNHEALTHY (exit status 4): site unreachable: {url} ({cause}; "
        f"{requests} request(s), no response); to crawl offline use the replica: "
        "scrapy crawl fakti -a replica=1",
    ]
    # robots.txt gave up (1 + RETRY_TIMES attempts): it disallows everything, so nothing
    # else was sent, instead of retrying every other request
    assert report["run"]["finish_reason"] == "finished"
    assert requests == 6 and report["pages"]["responses"] == 0
    assert report["run"]["feed"] is None


def test_an_unreachable_site_without_robots_txt_stops_the_run_early_exit_4(tmp_path):
    """Robots.txt not obeyed, so nothing disallows the pages: against a closed loopback port
    the feeds give up after their six attempts each, and the early stop (its periodic check,
    a real crawl) closes the run, ``site_unreachable``, before the home pages they fall back
    to have used theirs (24 requests and finish reason ``finished`` when it is off)."""
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    done = crawl(url, tmp_path / "out", ROBOTSTXT_OBEY="False")
    assert done.returncode == 4, done.stderr[-3000:]
    assert (
        "WARNING: no response from the site and a request gave up: stopping the run" in done.stderr
    )
    (report,) = reports(tmp_path / "out")
    requests = report["pages"]["requests"]
    assert report["run"]["finish_reason"] == "site_unreachable"
    assert 12 <= requests < 24 and report["pages"]["responses"] == 0  # (feeds: 2 × 6)
    assert report["pages"]["errors"] == {
        "scrapy.exceptions.DownloadConnectionRefusedError": requests
    }
    message = (
        f"site unreachable: {url} (connection refused; {requests} request(s), no response); "
        "to crawl offline use the replica: scrapy crawl fakti -a replica=1"
    )
    assert health_lines(done) == [
        f"ERROR: health: {message}",
        f"ERROR: health: UNHEALTHY (exit status 4): {message}",
    ]
    assert report["health"]["failures"] == [
        {"gate": "unreachable", "exit_code": 4, "message": message}
    ]
    assert "Spider closed (site_unreachable)" in done.stderr


PROGRESS = re.compile(
    r"progress: (\d+) pages \([\d.]+/min\), (\d+) articles \([\d.]+/min\), (\d+) emitted, "
    r"(\d+) rejected(?:; oldest published so far (\S+))?$"
)


def progress_lines(done: subprocess.CompletedProcess) -> list[tuple[int, int, int, int, str]]:
    """``(pages, articles, emitted, rejected, oldest)`` of each progress line logged."""
    found = [PROGRESS.search(line) for line in done.stderr.splitlines() if "progress: " in line]
    assert all(found), done.stderr[-3000:]
    return [(*map(int, m.groups()[:4]), m[5] or "") for m in found if m]


def test_progress_lines_of_a_real_crawl_agree_with_its_report(replica, tmp_path):
    """A backfill of 30 articles, slowed to about a second (one request at a time, 30 ms
    apart), with a progress line every 50 ms; then the same backfill again, each record
    known (dedup drops it: Scrapy's ``item_dropped``). Each line's counts grow and stay
    within the report's; its oldest publication time is one of the run's records', never
    later as lines go on, and the run's oldest once every record was counted."""
    out = tmp_path / "out"
    slow = {"DOWNLOAD_DELAY": "0.03", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
    first = crawl(replica.base_url, out, SINCE, FAKTI_PROGRESS_INTERVAL="0.05", **slow)
    assert first.returncode == 0, first.stderr[-3000:]
    (report,) = reports(out)
    records = [
        json.loads(line) for line in Path(report["run"]["feed"]).read_text("utf-8").splitlines()
    ]
    dates = {r["published_at"] for r in records}
    oldest = min(dates, key=datetime.fromisoformat)
    assert len(records) == 30
    again = crawl(replica.base_url, out, SINCE, FAKTI_PROGRESS_INTERVAL="0.05", **slow)
    assert again.returncode == 0, again.stderr[-3000:]
    second = reports(out)[1]
    assert (second["articles"]["emitted"], second["articles"]["deduplicated"]) == (0, {"known": 30})
    for done, run in ((first, report), (again, second)):
        lines = progress_lines(done)
        assert len(lines) >= 5, done.stderr[-3000:]
        art = run["articles"]
        final = (run["pages"]["responses"], art["valid"], art["emitted"], art["rejected_total"])
        assert final[1:] == (30, 30 if run is report else 0, 0)
        for earlier, later in pairwise(lines):
            assert all(a <= b for a, b in zip(earlier[:4], later[:4], strict=True)), lines
            if earlier[4]:
                later_at, earlier_at = map(datetime.fromisoformat, (later[4], earlier[4]))
                assert later_at <= earlier_at, lines
        for *counts, seen in lines:
            assert all(c <= f for c, f in zip(counts, final, strict=True)), (lines, final)
            assert not seen or seen in dates, lines
            assert counts[1] or not seen, lines  # (no record counted: no date)
        assert lines[-1][1] == 30 and lines[-1][4] == oldest, lines  # (every record counted)


def test_download_maxsize_below_the_pages_fails_the_run_and_names_it(replica, tmp_path):
    """Article pages over DOWNLOAD_MAXSIZE were left out of coverage: 47 of 100 refused on
    every run, health OK, exit 0. Below every listing page, exit 5 named only robots.txt's 200."""
    done = crawl(replica.base_url, tmp_path / "out", SINCE, DOWNLOAD_MAXSIZE="110000")
    assert done.returncode == 6, done.stderr[-3000:]
    last = health_lines(done)[-1]
    big = reports(tmp_path / "out")[0]["articles"]["rejected"]["download:TooLarge"]
    assert big > 0 and last.endswith(
        f"gave no article page: download:TooLarge×{big}, larger than DOWNLOAD_MAXSIZE: raise it)"
    )
    tiny = crawl(replica.base_url, tmp_path / "tiny", SINCE, DOWNLOAD_MAXSIZE="1000")
    assert tiny.returncode == 5, tiny.stderr[-3000:]
    dropped = reports(tmp_path / "tiny")[0]["pages"]["too_large"]
    assert dropped > 0 and health_lines(tiny)[-1] == (
        "ERROR: health: UNHEALTHY (exit status 5): no articles discovered: no listing, feed or "
        f"search page could be read (HTTP 200×1; {dropped} page(s) larger than "
        "DOWNLOAD_MAXSIZE dropped: raise it)"
    )


def feed_crawl(
    base_url: str, out: Path, *feed: str, **settings: str
) -> subprocess.CompletedProcess:
    """:func:`crawl` of :data:`SINCE` with Scrapy's feed options (``-O URI``, ``-o URI``)."""
    cmd = scrapy_cmd(base_url, out, SINCE, **settings) + list(feed)
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)


class FailingStorage:
    """A feed storage that opens but cannot store (an upload that fails at the end)."""

    def __init__(self, uri: str, *, feed_options: dict | None = None) -> None:
        self.uri = uri

    def open(self, spider: object):
        import tempfile

        return tempfile.TemporaryFile()

    def store(self, file) -> None:
        raise OSError(f"cannot store {self.uri}")


class HangingStorage(FailingStorage):
    """A feed storage whose upload, in a thread as FTP's and S3's, never ends (a server that
    accepts and never answers)."""

    def store(self, file):
        import threading

        from twisted.internet.threads import deferToThread

        return deferToThread(threading.Event().wait)


def test_a_feed_whose_storing_never_ends_is_forced_to_stop(replica, tmp_path):
    """Reviews: a ``-o`` feed to a server that never answered kept the process alive for
    good after the run file and a healthy report (a SIGTERM did not end it; a systemd timer
    never fired again, the state stayed locked), and then, forced to stop, the process still
    waited for the upload's thread. The stall watch lasts through the close and the forced
    stop ends the process: exit 9; the next run finds everything known."""
    storages = json.dumps({"hanging": "tests.test_ops_e2e.HangingStorage"})
    quick = {"FAKTI_STALL_SECONDS": "2", "DOWNLOAD_TIMEOUT": "1", "FAKTI_RETRY_AFTER_MAX": "0"}
    quick |= {"FAKTI_RETRY_BACKOFF_MAX": "0", "FAKTI_CRAWL_DELAY_MAX": "0"}
    quick |= {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False"}
    out = tmp_path / "out"
    done = feed_crawl(
        replica.base_url, out, "-O", "hanging://x.jsonl", FEED_STORAGES=storages, **quick
    )
    assert done.returncode == 9, done.stderr[-3000:]
    (run_file,) = sorted((out / "fakti").glob("*[0-9].jsonl"))
    assert [line.split("] ", 1)[1] for line in done.stderr.splitlines()[-2:]] == [
        "ERROR: run stalled as it closed: nothing for 2 s; forcing it",
        "ERROR: run forced to stop as it closed (stalled: FAKTI_STALL_SECONDS): its feed "
        f"{run_file} was published, its report written; exit status 9 (a thread still "
        "running, such as a feed's upload, left)",
    ]
    assert len(run_file.read_text("utf-8").splitlines()) == 30
    again = crawl(replica.base_url, out, SINCE)
    assert again.returncode == 0, again.stderr[-3000:]
    assert reports(out)[-1]["articles"]["emitted"] == 0


def test_a_feed_that_cannot_be_written_fails_the_run_and_loses_nothing(replica, tmp_path):
    """-O into a folder that is a file: tracebacks 'Error caught on signal handler:
    FeedExporter.item_scraped', no feed, health OK, exit 0: the -O consumer missed the
    records without a word. Now exit 9; the run files hold every record once."""
    out, blocker = tmp_path / "out", tmp_path / "not-a-folder"
    blocker.write_text("x")
    for option in ("-O", "-o"):  # overwrite, append
        uri = str(blocker / f"feed{option}.jsonl")
        done = feed_crawl(replica.base_url, out, option, uri)
        assert done.returncode == 9, done.stderr[-3000:]
        assert "Error caught on signal handler" not in done.stderr
        assert "Traceback" not in done.stderr  # (nor a retry to open it as the run closes)
        assert f"ERROR: writing {uri} failed ([Errno 20] Not a directory" in done.stderr
        assert (
            "stopping the run; the -o/-O feed lacks the records from this one on"
        ) in done.stderr
        assert health_lines(done)[-1] == (
            "ERROR: health: UNHEALTHY (exit status 9): run did not finish normally: finish "
            "reason 'export_failed' (expected finished): a write failed (see the log's errors)"
        )
        report = reports(out)[-1]
        assert report["articles"]["emitted"] >= 1
    good = tmp_path / "good.jsonl"
    done = feed_crawl(replica.base_url, out, "-O", str(good))
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [
        (record["lang"], record["article_id"])
        for path in sorted((out / "fakti").glob("*[0-9].jsonl"))
        for record in map(json.loads, path.read_text("utf-8").splitlines())
    ]
    assert len(lines) == len(set(lines)) == 30  # none lost, none twice


def test_a_feed_that_fails_as_it_is_stored_fails_the_run(replica, tmp_path):
    """The storage's ``store`` raises at the end (Scrapy: feedexport/failed_count): exit 9,
    though the run file was published and its keys committed by then."""
    storages = json.dumps({"failing": "tests.test_ops_e2e.FailingStorage"})
    done = feed_crawl(
        replica.base_url, tmp_path / "out", "-O", "failing://x.jsonl", FEED_STORAGES=storages
    )
    assert done.returncode == 9, done.stderr[-3000:]
    assert (
        "ERROR: the -o/-O feed failing://x.jsonl could not be stored (Scrapy's error above): "
        "exit status 9"
    ) in done.stderr
    assert "'health/exit_code': 9," in done.stderr  # (the stats logged last say so too)


def test_a_feed_that_fails_as_it_is_stored_after_another_failed_adds_no_line(replica, tmp_path):
    """A run already stopped by a feed that could not be written says so once: another feed
    failing as it is stored adds no second line of its own."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    uri = str(blocker / "feed.jsonl")
    storages = json.dumps({"failing": "tests.test_ops_e2e.FailingStorage"})
    feeds = ("-o", "failing://x.jsonl", "-o", uri)
    done = feed_crawl(replica.base_url, tmp_path / "out", *feeds, FEED_STORAGES=storages)
    assert done.returncode == 9, done.stderr[-3000:]
    assert f"ERROR: writing failing://x.jsonl, {uri} failed ([Errno 20] Not a directory" in (
        done.stderr
    )
    assert "could not be stored" not in done.stderr


def test_empty_listing_exits_5_and_spidermon_reports_it(replica_factory, tmp_path):
    empty = replica_factory(articles=ARTICLES, epoch=2, now=NOW, empty_listings=True)
    done = crawl(empty.base_url, tmp_path / "out", SPIDERMON_ENABLED="True")
    assert done.returncode == 5, done.stderr[-3000:]
    last = health_lines(done)[-1]
    assert last.startswith("ERROR: health: UNHEALTHY (exit status 5): no articles discovered: ")
    assert "but none linked to an article" in last
    # Spidermon's suite ran after the verdict and failed with the same message
    assert "[Spidermon] newsspider health gates/every health gate passed... FAIL" in done.stderr
    assert "AssertionError: exit status 5: " + last.split("(exit status 5): ")[1] in done.stderr
    assert "Finish Reason Monitor" not in done.stderr  # (the finish-reason gate judges it)
    # listings that list nothing prove no walk: the outage's articles stay to be asked for
    assert (
        "WARNING: discovery watermarks of bg, en not moved: no page listed an article of it"
        in done.stderr
    )


def test_sigterm_as_the_spider_opens_exits_9_and_publishes_nothing(replica, tmp_path):
    """Scrapy stops without closing a spider stopped as it starts: no report, no run file,
    no state change; the run must not exit 0 (it did: nothing was judged)."""
    out = tmp_path / "out"
    assert crawl(replica.base_url, out).returncode == 0  # a state, for an incremental run
    before = sorted(p.name for p in (out / "fakti").iterdir())
    run = subprocess.Popen(
        scrapy_cmd(replica.base_url, out), cwd=REPO, stderr=subprocess.PIPE, text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert run.stderr is not None
    for line in run.stderr:
        if "Spider opened" in line:
            run.send_signal(signal.SIGTERM)
            break
    rest = run.stderr.read()
    assert run.wait(60) == 9, rest[-3000:]
    if "Spider closed" not in rest:  # (stopped before the engine ran: no report)
        assert "ERROR: run stopped before its spider could close" in rest
        assert sorted(p.name for p in (out / "fakti").iterdir()) == before


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_mid_run_closes_it_with_a_report_and_its_feed(replica, tmp_path, signum):
    """SIGHUP (a closed terminal or SSH session) ended the run at once: exit 129, no report,
    .part files left (review). It stops the run gracefully, as SIGTERM does: exit 9
    'shutdown', the report written and the records read so far published."""
    if signal.getsignal(signum) is signal.SIG_IGN:  # (under nohup: the crawl keeps it ignored)
        pytest.skip(f"{signum.name} is ignored by this test run, so by the crawl too (README)")
    out = tmp_path / "out"
    slow = {"DOWNLOAD_DELAY": "0.2", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
    run = subprocess.Popen(
        scrapy_cmd(replica.base_url, out, SINCE, FAKTI_PROGRESS_INTERVAL="0.2", **slow),
        cwd=REPO, stderr=subprocess.PIPE, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert run.stderr is not None
    for line in run.stderr:
        if re.search(r"progress: .*, [1-9]\d* emitted", line):
            run.send_signal(signum)
            break
    rest = run.stderr.read()
    assert run.wait(60) == 9, rest[-3000:]
    assert f"Received {signum.name}, shutting down gracefully" in rest
    assert (
        "health: UNHEALTHY (exit status 9): run did not finish normally: finish reason "
        "'shutdown'" in rest
    )
    (report,) = reports(out)
    assert report["run"]["finish_reason"] == "shutdown"
    records = Path(report["run"]["feed"]).read_text("utf-8").splitlines()
    assert 0 < len(records) == report["articles"]["emitted"] < 30
    assert not list((out / "fakti").glob(".*")), "temporaries left behind"


def test_overlapping_run_exits_3_and_a_killed_run_leaves_no_stale_lock(replica, tmp_path):
    out = tmp_path / "out"
    slow = subprocess.Popen(  # live-site politeness on loopback: about 1 request a second
        scrapy_cmd(
            replica.base_url, out, SINCE, FAKTI_LOOPBACK_FAST="False", FAKTI_PROGRESS_INTERVAL="0.3"
        ),
        cwd=REPO, stderr=subprocess.PIPE, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert slow.stderr is not None
        for line in slow.stderr:
            if "Spider opened" in line:
                break
        started = time.monotonic()
        second = crawl(replica.base_url, out, SINCE)
        assert time.monotonic() - started < 10
        assert second.returncode == 3, second.stderr[-3000:]
        lock = out / ".state" / "fakti.sqlite.lock"
        (critical,) = [ln for ln in second.stderr.splitlines() if "CRITICAL" in ln]
        assert re.search(
            re.escape(f"CRITICAL: another run is using the state (lock {lock} is held by pid ")
            + rf"{slow.pid} since 20\d\d-\d\d-\d\dT[\d:]+\+00:00\); exiting$",
            critical,
        )
        assert "Spider opened" not in second.stderr  # exited before opening the state
        assert slow.poll() is None
        progress = next(line for line in slow.stderr if "progress: " in line)
        assert re.search(r"progress: \d+ pages \([\d.]+/min\), \d+ articles", progress)
    finally:
        slow.send_signal(signal.SIGKILL)
        slow.wait(10)
    third = crawl(replica.base_url, out, SINCE)
    assert third.returncode == 0, third.stderr[-3000:]
