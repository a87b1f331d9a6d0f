"""``-O``/``-o`` keep working beside the run file, in a real crawl of the replica."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from newsspider.extraction.record import RECORD_FIELDS

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parent.parent


def test_scrapy_feed_option_gets_the_same_records_without_layers(replica_factory, tmp_path):
    replica = replica_factory(articles=120, epoch=2)
    since = max(r["published_at"][:10] for r in replica.truth(2))
    out, feed = tmp_path / "out", tmp_path / "scrapy-feed.jsonl"
    cmd = [
        sys.executable, "-m", "scrapy", "crawl", "fakti", "-a", f"since={since}", "-O", str(feed),
        "-s", f"FAKTI_BASE_URL={replica.base_url}", "-s", f"FAKTI_OUTPUT_DIR={out}",
    ]  # fmt: skip
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    (run_file,) = (out / "fakti").glob("*[0-9].jsonl")
    ours = [json.loads(line) for line in run_file.read_text("utf-8").splitlines()]
    theirs = [json.loads(line) for line in feed.read_text("utf-8").splitlines()]
    assert ours and theirs == ours
    assert all(list(r) == list(RECORD_FIELDS) for r in theirs)  # no layers, no rejects


def test_a_full_disk_stops_the_run_and_the_next_run_exports_everything(replica_factory, tmp_path):
    """Files may grow to 150 KB only (`RLIMIT_FSIZE`: writes fail with EFBIG, as on a full
    disk): the run stops with `export_failed` and publishes no feed; the next run, with room,
    exports every article, the ones the first run had written included."""
    replica = replica_factory(articles=300, epoch=2)
    out = tmp_path / "out"
    cmd = [
        sys.executable, "-m", "scrapy", "crawl", "fakti", "-a", "since=2025-01-01",
        "-s", f"FAKTI_BASE_URL={replica.base_url}", "-s", f"FAKTI_OUTPUT_DIR={out}",
    ]  # fmt: skip

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, 150_000))

    full = subprocess.run(
        cmd, cwd=REPO, capture_output=True, text=True, timeout=120, preexec_fn=small_files
    )
    assert full.returncode == 9, full.stderr[-3000:]
    assert "Closing spider (export_failed)" in full.stderr
    (report,) = (out / "fakti").glob("*.report.json")
    assert json.loads(report.read_text("utf-8"))["run"]["finish_reason"] == "export_failed"
    assert not list((out / "fakti").glob("*.jsonl*")) and not list((out / "fakti").glob(".*"))
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    (feed,) = (out / "fakti").glob("*[0-9].jsonl")
    ids = sorted(json.loads(line)["article_id"] for line in feed.read_text("utf-8").splitlines())
    assert ids == sorted(r["article_id"] for r in replica.truth(2))
