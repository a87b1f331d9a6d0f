"""Kill test: SIGKILL a real ``scrapy crawl fakti`` against the replica at 10 moments, then run
it again to completion. The union of the completed files equals the ground truth, no key is in
two files, and every line of every completed file is valid JSON.

Moments 1-5 are external SIGKILLs triggered by the crawl's own log (responses crawled, items
scraped); moments 6-10 are SIGKILLs the crawl sends itself at an exact step of the export
protocol (the process runs the real ``scrapy`` command line with one function wrapped).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
ARTICLES = 400
MIN_RECORDS = 40

#: Runs ``scrapy`` with small pending batches and an optional self-kill at an export step.
CRAWL = r"""
import os, signal, sys
from pathlib import Path

import newsspider.pipelines.atomic as atomic
import newsspider.pipelines.export as export
from newsspider.state.sqlite import SQLiteStore

export.PENDING_BATCH = 7
step = os.environ.get("KILL_AT", "")
renamed = []


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def is_feed(path):
    return ".rejects." not in Path(path).name


def wrap(owner, name, before=None, after=None):
    real = getattr(owner, name)

    def wrapper(*args, **kwargs):
        if before and before(*args):
            die()
        result = real(*args, **kwargs)
        if after and after(*args):
            die()
        return result

    setattr(owner, name, wrapper)


if step == "sync":  # the last pending batch is recorded; the temporary not yet fsynced
    wrap(atomic.AtomicFile, "sync", before=lambda self: is_feed(self.final))
elif step == "rename":  # fsynced, not renamed
    wrap(atomic.os, "rename", before=lambda src, dst: is_feed(dst))
elif step == "after_rename":  # renamed, folder not fsynced, keys not committed
    wrap(atomic.os, "rename", after=lambda src, dst: is_feed(dst) and not renamed.append(dst))
    wrap(atomic, "fsync_dir", before=lambda d: bool(renamed))
elif step == "commit":  # renamed and durable, keys not committed
    wrap(SQLiteStore, "commit_file", before=lambda self, file: True)
elif step == "after_commit":  # committed; the rest of the shutdown never happens
    wrap(SQLiteStore, "commit_file", after=lambda self, file: True)

from scrapy.cmdline import execute

execute(["scrapy", *sys.argv[1:]])
"""

#: (name, external trigger (log marker, count or "half"/"late"), self-kill step)
MOMENTS = [
    ("fetch-first-response", ("Crawled (", 1), ""),
    ("fetch-early", ("Crawled (", 6), ""),
    ("export-first-item", ("Scraped from", 1), ""),
    ("export-half", ("Scraped from", "half"), ""),
    ("export-late", ("Scraped from", "late"), ""),
    ("before-fsync", None, "sync"),
    ("before-rename", None, "rename"),
    ("right-after-rename", None, "after_rename"),
    ("before-commit", None, "commit"),
    ("after-commit", None, "after_commit"),
]


def _truth(records: list[dict]) -> tuple[str, dict]:
    """A ``since`` date with at least MIN_RECORDS articles on or after it, and their records."""
    dates = sorted({r["published_at"][:10] for r in records}, reverse=True)
    for day in dates:
        chosen = [r for r in records if r["published_at"][:10] >= day]
        if len(chosen) >= MIN_RECORDS:
            return day, {(r["lang"], r["article_id"]): r for r in chosen}
    raise AssertionError("replica too small")


class Crawl:
    """One ``scrapy crawl fakti`` process; counts its log markers while it runs."""

    def __init__(self, base_url: str, out: Path, since: str, kill_at: str = "") -> None:
        args = [
            "crawl", "fakti", "-a", f"since={since}",
            "-s", f"FAKTI_BASE_URL={base_url}", "-s", f"FAKTI_OUTPUT_DIR={out}",
            "-s", "LOG_LEVEL=DEBUG", "-s", "TELNETCONSOLE_ENABLED=0",
        ]  # fmt: skip
        env = os.environ | {"KILL_AT": kill_at, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CRAWL, *args],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.counts = {"Crawled (": 0, "Scraped from": 0}
        self.tail: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace")
            for marker in self.counts:
                if marker in line:
                    self.counts[marker] += 1
            self.tail = [*self.tail[-30:], line]

    def kill_when(self, marker: str, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.counts[marker] < count:
            assert self.proc.poll() is None, f"crawl ended before {marker!r} x{count}"
            assert time.monotonic() < deadline, "trigger not reached in time"
            time.sleep(0.002)
        self.proc.send_signal(signal.SIGKILL)

    def wait(self, timeout: float = 180) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code


def _completed(out: Path) -> list[Path]:
    return sorted((out / "fakti").glob("*[0-9].jsonl"))


def _load(path: Path) -> list[dict]:
    records = []
    for line in path.read_bytes().split(b"\n")[:-1]:
        records.append(json.loads(line.decode("utf-8")))  # strict UTF-8, valid JSON
    assert path.read_bytes().endswith(b"\n")
    return records


@pytest.mark.parametrize(("name", "trigger", "step"), MOMENTS, ids=[m[0] for m in MOMENTS])
def test_kill_then_complete_gives_ground_truth_exactly_once(
    replica_factory, tmp_path, name, trigger, step
):
    replica = replica_factory(articles=ARTICLES, epoch=2)
    since, truth = _truth(replica.truth(2))
    out = tmp_path / "out"

    killed = Crawl(replica.base_url, out, since, kill_at=step)
    if trigger is not None:
        marker, count = trigger
        count = {"half": len(truth) // 2, "late": len(truth) - 3}.get(count, count)
        killed.kill_when(marker, count)
    code = killed.wait()
    assert code == -signal.SIGKILL, f"{name}: exit {code}\n{''.join(killed.tail)}"

    final = Crawl(replica.base_url, out, since)
    code = final.wait()
    assert code == 0, f"{name}: rerun exit {code}\n{''.join(final.tail)}"

    seen: dict[tuple[str, int], Path] = {}
    union: dict[tuple[str, int], dict] = {}
    for path in _completed(out):
        for record in _load(path):
            key = (record["lang"], record["article_id"])
            assert key not in seen, f"{key} in {seen.get(key)} and {path}"
            seen[key] = path
            record.pop("scraped_at")
            union[key] = record
    assert sorted(union) == sorted(truth)
    assert union == truth
    assert not list((out / "fakti").glob(".*.part")), "temporaries left behind"
