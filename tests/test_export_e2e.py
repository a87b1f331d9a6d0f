"""``-O``/``-o`` keep working beside the run file, in a real crawl of the replica."""

from __future__ import annotations

import json
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
