"""Faults: a real ``scrapy crawl fakti`` of a 1,000-article replica with every fault on
(500, 429 + ``Retry-After``, slow, truncated bodies, connection resets) loses nothing and
duplicates nothing, field for field against the ground truth; retries honour ``Retry-After``
(checked on the replica's own request log timestamps)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from newsspider.extraction.dates import SOFIA

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=SOFIA)
ARTICLES = 1000


@pytest.fixture(scope="module")
def faulted(replica_factory_module, tmp_path_factory):
    replica = replica_factory_module(articles=ARTICLES, epoch=2, now=NOW, faults=True)
    out = tmp_path_factory.mktemp("faults")
    cmd = [sys.executable, "-m", "scrapy", "crawl", "fakti", "-a", "since=2025-03-01"]
    cmd += ["-s", f"FAKTI_BASE_URL={replica.base_url}", "-s", f"FAKTI_OUTPUT_DIR={out}"]
    cmd += ["-s", "LOG_LEVEL=WARNING"]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    files = sorted((out / "fakti").glob("*.jsonl"))
    lines = [line for path in files for line in path.read_text("utf-8").splitlines()]
    return replica, files, [json.loads(line) for line in lines], replica.log()["entries"]


def test_every_fault_kind_was_served(faulted) -> None:
    *_, entries = faulted
    kinds = Counter(e["fault"] for e in entries if "fault" in e)
    assert set(kinds) == {"500", "429", "slow", "truncate", "reset"}, kinds
    assert sum(kinds.values()) > 100


def test_nothing_lost_nothing_duplicated(faulted) -> None:
    replica, files, records, _ = faulted
    assert [p.name for p in files if "rejects" in p.name] == []  # no page was given up
    keys = [(r["lang"], r["article_id"]) for r in records]
    assert len(keys) == len(set(keys)), "an article was emitted twice"
    truth = {(r["lang"], r["article_id"]): r for r in replica.truth(2)}
    assert len(truth) == ARTICLES
    assert set(keys) == set(truth), "an article was lost"
    for record in records:
        assert record.pop("scraped_at").endswith("+00:00")
        assert record == truth[(record["lang"], record["article_id"])]


def test_each_article_was_fetched_until_it_succeeded(faulted) -> None:
    *_, entries = faulted
    articles = [e for e in entries if e["kind"] == "article"]
    good = [e for e in articles if e["status"] == 200 and e.get("fault") in (None, "slow")]
    ok = Counter(e["path"] for e in good)
    assert len(ok) == ARTICLES and set(ok.values()) == {1}  # one good fetch each, no more


def test_retry_after_is_honoured(faulted) -> None:
    """After a 429 with ``Retry-After: 1``, the same path is asked again ≥ 1 s later."""
    *_, entries = faulted
    throttled = [e for e in entries if e["status"] == 429]
    assert len(throttled) > 10
    for e in throttled:
        retry = next(r for r in entries if r["path"] == e["path"] and r["t"] > e["t"])
        assert retry["t"] - e["t"] >= 1.0, (e, retry)
