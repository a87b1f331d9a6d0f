"""The replica's movable clock: ``POST /__replica__/clock?t=``, ``GET /__replica__/truth``,
``--clock``."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from test_replica_server import fetch

from newsspider.replica.generator import SOFIA, WINDOW_START, Site, after
from newsspider.replica.testing import ReplicaProcess, replica_command

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 29, 11, 0, tzinfo=SOFIA)


@pytest.fixture(scope="module")
def replica():
    rep = ReplicaProcess(articles=300, now=NOW)
    yield rep
    rep.stop()


@pytest.fixture
def site(replica) -> Site:
    yield replica.site()
    replica.set_epoch(1)  # (each test starts at epoch 1's clock)


def keys(records: list[dict]) -> list[tuple[str, int]]:
    return [(r["lang"], r["article_id"]) for r in records]


def test_the_site_at_a_time_serves_what_was_published_by_then(replica, site):
    """Between two articles of an edition a day before epoch 1: the older one exists (page,
    home, feed, truth), the newer one is a 404 and unlisted; the Date is the clock."""
    day_before = [a for a in site.by_lang["bg"] if a.t <= site.clock(1) - timedelta(days=1)]
    older, newer = day_before[-2:]
    t = newer.t - timedelta(minutes=1)
    assert older.t <= t < newer.t
    assert replica.set_clock(t) == {"epoch": 1, "clock": t.astimezone(SOFIA).isoformat()}
    status, headers, body = fetch(replica.base_url, older.path)
    assert status == 200 and older.headline.replace("&", "&amp;").encode() in body
    assert parsedate_to_datetime(headers["date"]) == t
    assert fetch(replica.base_url, newer.path)[0] == 404
    for listing in ("/", "/feed"):
        body = fetch(replica.base_url, listing)[2]
        assert f"{older.article_id}-".encode() in body, listing
        assert f"{newer.article_id}-".encode() not in body, listing
    truth = replica.truth()
    assert keys(truth) == [a.key for a in site.articles if a.t <= t]
    assert truth == list(site.ground_truth(1))[: len(truth)] == replica.truth(t)

    replica.set_clock(newer.t)  # (forwards, then back again)
    assert fetch(replica.base_url, newer.path)[0] == 200
    replica.set_clock(t)
    assert fetch(replica.base_url, newer.path)[0] == 404


def test_the_epoch_follows_the_clock(replica, site):
    """Views and edits are epoch 1's up to its clock, epoch 2's after it; setting an epoch
    sets its clock."""
    clock1 = site.clock(1)
    assert replica.set_clock(clock1)["epoch"] == 1
    assert replica.truth() == replica.truth(1)
    later = next(a for a in site.articles if a.t > clock1)
    assert replica.set_clock(later.t)["epoch"] == 2
    assert fetch(replica.base_url, later.path)[0] == 200
    truth = replica.truth()
    assert truth == list(site.ground_truth(2))[: len(truth)]
    assert truth[-1]["article_id"] == later.article_id
    assert truth[: len(replica.truth(1))] != replica.truth(1)  # (views raised, edits)
    replica.set_epoch(1)
    assert json.loads(fetch(replica.base_url, "/__replica__/clock")[2]) == {
        "epoch": 1,
        "clock": clock1.isoformat(),
    }


def test_a_naive_time_is_sofia_time(replica, site):
    assert replica.set_clock(datetime(2026, 7, 1, 12, 0))["clock"] == "2026-07-01T12:00:00+03:00"
    headers = fetch(replica.base_url, "/robots.txt")[1]
    assert parsedate_to_datetime(headers["date"]) == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("t", "reason"),
    [
        ("2026-11-29T11:01", "the clock must be from 2025-03-01 to 2026-11-29T11:00:00+02:00"),
        ("2025-02-28T23:59", "the clock must be from 2025-03-01 to"),
        ("0001-01-01T00:00+05:00", "the clock must be from 2025-03-01 to"),
        ("yesterday", "Invalid isoformat string"),
        ("", "Invalid isoformat string"),
    ],
)
def test_a_time_after_now_or_unreadable_is_refused(replica, site, t, reason):
    """400 with a one-line reason; the clock stays where it was."""
    status, _, body = fetch(replica.base_url, f"/__replica__/clock?t={quote(t)}", "POST")
    error = json.loads(body)["error"]
    assert status == 400 and reason in error and "\n" not in error, error
    assert json.loads(fetch(replica.base_url, "/__replica__/epoch")[2])["clock"] == (
        site.clock(1).isoformat()
    )


def test_standalone_starts_at_its_clock(tmp_path):
    t = datetime(2026, 11, 1, 20, 30, tzinfo=SOFIA)
    out = tmp_path / "truth.jsonl"
    cmd = [*replica_command(articles=60, now=NOW), "--clock", t.isoformat(), "--truth", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        base = proc.stdout.readline().split()[-1]
        _, headers, body = fetch(base, "/__replica__/epoch")
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        proc.stdout.close()
    assert json.loads(body) == {"epoch": 1, "clock": t.isoformat()}
    assert parsedate_to_datetime(headers["date"]) == t
    truth = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert truth == list(Site(60, now=NOW).ground_truth(t))
    assert 0 < len(truth) < len(list(Site(60, now=NOW).ground_truth(1)))


@pytest.mark.parametrize(
    ("options", "line"),
    [
        ("--clock 2026-11-29T11:01", "error: the clock must be from 2025-03-01 to"),
        ("--clock 2025-02-28", "error: the clock must be from 2025-03-01 to"),
        ("--clock soon", "error: argument --clock: invalid parse_time value: 'soon'"),
        ("--epoch 2 --clock 2026-11-29", "error: argument --clock: not allowed with argument"),
    ],
)
def test_a_bad_clock_is_one_line_and_no_truth(options, line, tmp_path):
    cmd = [sys.executable, "-m", "newsspider.replica", "--now", NOW.isoformat(), *options.split()]
    cmd += ["--truth", str(tmp_path / "truth.jsonl")]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines()[-1].startswith(f"python -m newsspider.replica: {line}")
    assert not (tmp_path / "truth.jsonl").exists()


def test_each_pass_of_the_repeated_hour_serves_its_own_site(replica, site):
    """03:30 +03:00 (00:30Z) is before the page published at 03:10 +02:00 (01:10Z), 03:30
    +02:00 (01:30Z) after it, in either order: Sofia times with the same tzinfo compare and
    hash by wall time (``fold`` ignored), so a cache keyed by the clock mixed the passes."""
    a = next(a for a in site.articles if a.t == datetime(2026, 10, 25, 1, 10, tzinfo=UTC))
    first = datetime(2026, 10, 25, 3, 30, tzinfo=SOFIA)  # (fold=0: the first pass)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC).astimezone(SOFIA)
    assert second.isoformat() == "2026-10-25T03:30:00+02:00"
    for t, exists, offset in [(first, False, "+0300"), (second, True, "+0200")] * 2:
        replica.set_clock(t)
        status, headers, _ = fetch(replica.base_url, a.path)
        assert status == (200 if exists else 404), t
        assert headers["date"] == format_datetime(t.astimezone(UTC), usegmt=True)
        assert (f"/{a.article_id}-".encode() in fetch(replica.base_url, "/")[2]) is exists
        feed = fetch(replica.base_url, "/feed")[2].decode()
        assert f"<lastBuildDate>Sun, 25 Oct 2026 03:30:00 {offset}</lastBuildDate>" in feed
        assert (f'<guid isPermaLink="true">{a.url}</guid>' in feed) is exists
        assert (a.key in keys(replica.truth())) is exists


def test_the_epoch_compares_instants_in_the_repeated_hour():
    """Epoch 1's clock at 03:30 +02:00 (01:30Z): 03:45 +03:00 (00:45Z) is before it, so
    epoch 1's views and edits; one minute after it is epoch 2."""
    site = Site(60, now=datetime(2026, 10, 25, 9, 30, tzinfo=SOFIA))
    clock1 = site.clock(1)
    assert clock1.isoformat() == "2026-10-25T03:30:00+02:00"
    t = datetime(2026, 10, 25, 3, 45, tzinfo=SOFIA)
    assert t < clock1.astimezone(UTC) and site.epoch(t) == 1
    truth = list(site.ground_truth(t))
    assert truth == list(site.ground_truth(1))[: len(truth)]
    assert site.epoch(after(clock1, 1)) == 2


def test_a_clock_before_a_second_pass_now_is_accepted(tmp_path):
    """``--now`` at 03:50 +02:00 (01:50Z): 03:55 +03:00 (00:55Z) is before it, given with its
    offset (``--clock``) or naive (the first pass); pages and truth are served at it."""
    now = datetime(2026, 10, 25, 1, 50, tzinfo=UTC).astimezone(SOFIA)
    t = datetime(2026, 10, 25, 3, 55, tzinfo=SOFIA)
    out = tmp_path / "truth.jsonl"
    cmd = [*replica_command(articles=60, now=now), "--clock", "2026-10-25T03:55+03:00"]
    proc = subprocess.Popen([*cmd, "--truth", str(out)], stdout=subprocess.PIPE, text=True)
    try:
        base = proc.stdout.readline().split()[-1]
        moved = fetch(
            base, f"/__replica__/clock?t={quote(datetime(2026, 10, 25, 3, 55).isoformat())}", "POST"
        )
        home = fetch(base, "/")[0]
        served = [json.loads(line) for line in fetch(base, "/__replica__/truth")[2].splitlines()]
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        proc.stdout.close()
    assert moved[0] == 200 and json.loads(moved[2]) == {"epoch": 2, "clock": t.isoformat()}
    assert home == 200
    truth = list(Site(60, now=now).ground_truth(t))
    assert served == truth == [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert 0 < len(truth) < len(list(Site(60, now=now).ground_truth(2)))


def test_the_clock_may_be_set_to_the_first_publication_time_or_now(replica, site):
    """Both bounds of the site's time are in it: ``WINDOW_START`` and epoch 2's clock."""
    assert replica.set_clock(WINDOW_START) == {"epoch": 1, "clock": WINDOW_START.isoformat()}
    assert replica.set_clock(NOW) == {"epoch": 2, "clock": NOW.isoformat()}


def test_the_truth_is_utf8_json_lines_to_get_only(replica, site):
    """``GET /__replica__/truth``: JSON Lines in UTF-8 (Cyrillic as is, not escaped), said
    in its content type; any other method is no control endpoint."""
    status, headers, body = fetch(replica.base_url, "/__replica__/truth")
    assert status == 200
    assert headers["content-type"] == "application/jsonl; charset=utf-8"
    bg = next(r for r in replica.truth(1) if r["lang"] == "bg")
    assert json.dumps(bg, ensure_ascii=False).encode("utf-8") in body
    status, _, body = fetch(replica.base_url, "/__replica__/truth", "POST")
    assert (status, json.loads(body)) == (404, {"error": "unknown control endpoint"})
