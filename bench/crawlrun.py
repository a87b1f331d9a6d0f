"""Helpers shared by the crawl benchmarks: a pinned replica process, a measured Scrapy run.

On a 2-core machine the replica and the crawler compete for CPU. With ``--pin`` the replica is
pinned to CPU 0 and the crawler to CPU 1 (``os.sched_setaffinity``), so neither takes the
other's core; that only helps on an otherwise idle machine (with other load, a pinned process
cannot move off a busy core), so by default the kernel schedules both.
Each run reports its wall time from the replica's request log (first to last request, so
process start-up is excluded) and the crawler's own CPU time and peak RSS (``os.wait4``).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from newsspider.replica.generator import SOFIA
from newsspider.replica.testing import ReplicaProcess

ROOT = Path(__file__).resolve().parent.parent
#: A fixed clock, so that every run of a benchmark crawls the same site.
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=SOFIA)
REPLICA_CPU, CRAWLER_CPU = 0, 1


def cpus() -> int:
    return len(os.sched_getaffinity(0))


def start_replica(articles: int, epoch: int = 2, pin: bool = False) -> ReplicaProcess:
    rep = ReplicaProcess(articles=articles, epoch=epoch, now=NOW)
    if pin and cpus() >= 2:
        os.sched_setaffinity(rep.proc.pid, {REPLICA_CPU})
    return rep


@dataclass(slots=True)
class Run:
    """One crawler: exit status; wall seconds; CPU seconds of the crawler and its extraction
    workers (``cpu``) and of the crawler process alone (``main_cpu``, its last 50 ms sample);
    peak RSS of the crawler alone and summed over it and its workers (sampled every 50 ms);
    log file."""

    status: int
    wall: float
    cpu: float
    main_cpu: float
    max_rss_mb: float
    tree_rss_mb: float
    log: Path


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def tree_rss_kb(pid: int) -> int:
    """RSS of ``pid`` plus its direct children (the extraction workers), in KiB."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return 0
    return _rss_kb(pid) + sum(_rss_kb(int(child)) for child in children)


def run_scrapy(args: list[str], log: Path, pin: bool = False) -> Run:
    """``python -m scrapy <args>`` in the project folder; waits and measures it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    pin_to = {CRAWLER_CPU} if pin and cpus() >= 2 else None

    def pin_self() -> None:
        if pin_to:
            os.sched_setaffinity(0, pin_to)

    t0 = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "scrapy", *args],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=pin_self,
        )
        tree_peak, main_cpu = 0, 0.0
        while True:
            waited, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if waited:
                break
            tree_peak = max(tree_peak, tree_rss_kb(proc.pid))
            with contextlib.suppress(FileNotFoundError, ProcessLookupError, IndexError):
                main_cpu = proc_cpu(proc.pid)
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    return Run(
        status=proc.returncode,
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        main_cpu=main_cpu,
        max_rss_mb=usage.ru_maxrss / 1024,
        tree_rss_mb=max(tree_peak, usage.ru_maxrss) / 1024,
        log=log,
    )


def fakti_args(base_url: str, output_dir: Path, *extra: str) -> list[str]:
    """``scrapy crawl fakti`` against ``base_url`` (loopback fast mode: politeness off)."""
    return [
        "crawl", "fakti",
        "-s", f"FAKTI_BASE_URL={base_url}",
        "-s", f"FAKTI_OUTPUT_DIR={output_dir}",
        "-s", "LOG_LEVEL=WARNING",
        *extra,
    ]  # fmt: skip


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a live process (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def log_span(entries: list[dict]) -> float:
    """Seconds from the first to the last logged request."""
    times = [e["t"] for e in entries]
    return max(times) - min(times) if len(times) > 1 else 0.0


def count_lines(folder: Path, pattern: str = "*.jsonl") -> int:
    """Records in the completed run files under ``folder``."""
    return sum(
        sum(1 for _ in open(p, encoding="utf-8"))
        for p in folder.rglob(pattern)
        if not p.name.startswith(".") and ".rejects." not in p.name
    )


def verdict(ok: bool, goal: str) -> NoReturn:
    """Print ``goal → met`` (or ``MISSED``) and exit with status 0 if ``ok``, else 1."""
    print(f"{goal} → {'met' if ok else 'MISSED'}")
    sys.exit(0 if ok else 1)
