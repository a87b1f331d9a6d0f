"""End-to-end crawl speed: ``scrapy crawl fakti`` against Scrapy's own ceiling.

    python bench/bench_crawl.py [--articles 10000] [--rounds 1] [--pin]

Starts a replica of ``--articles`` articles (epoch 2, no faults) as a separate process, then
per round:

1. ``scrapy crawl fakti -a since=2025-03-01`` (a backfill of every article; loopback fast mode
   turns politeness off), with extraction, validation, dedup/state and the JSONL export, twice:
   extracting in-process (``fakti``) and in one worker process (``fakti+w1``);
2. ``scrapy runspider bench/ceiling_spider.py``: the exact requests of run 1 (from the
   replica's request log), responses discarded, no pipelines: Scrapy's ceiling here;
3. the same with ``-a parse=1``: each page parsed once with lxml and dropped (``+parse``),
   the ceiling of any spider that parses its pages with lxml.

Pages/s is requests over the span of the replica's request log (start-up excluded). The
goal (issue 8) is fakti ≥ 0.8 × the ceiling. The crawler's CPU time per page is printed too:
it is what throughput follows when the crawler is CPU-bound, and it is less disturbed by
other load on the machine. See ``crawlrun.py`` about CPU contention on 2 cores. "CPU" counts
the crawler and its extraction workers, "main" the crawler process alone; CPU includes
start-up, the span does not. ``fakti`` extracts in its own process (the default),
``fakti+w1`` with one extraction worker process (``-s FAKTI_EXTRACT_WORKERS=1``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from crawlrun import (
    ROOT,
    count_lines,
    fakti_args,
    log_span,
    proc_cpu,
    run_scrapy,
    start_replica,
    verdict,
)

from newsspider.replica.testing import ReplicaProcess

Row = tuple[int, int, float, float, float, float, float]


def measure(
    rep: ReplicaProcess, name: str, args: list[str], log: Path, pin: bool
) -> tuple[Row, list[dict]]:
    """Run one crawl; its row (pages, articles, span, CPU, main CPU, RSS, replica CPU) and the
    pages it requested (robots.txt excluded), from the replica's request log."""
    rep.reset_log()
    replica_cpu = proc_cpu(rep.proc.pid)
    run = run_scrapy(args, log, pin)
    if run.status != 0:
        sys.exit(f"{name} crawl failed ({run.status}); see {run.log}")
    entries = rep.log()["entries"]
    pages = [e for e in entries if e["kind"] != "robots"]
    articles = sum(e["kind"] == "article" for e in pages)
    row = (
        len(pages), articles, log_span(entries), run.cpu, run.main_cpu, run.tree_rss_mb,
        proc_cpu(rep.proc.pid) - replica_cpu,
    )  # fmt: skip
    return row, pages


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument(
        "--pin", action="store_true",
        help="pin the replica to CPU 0, crawlers to 1 (an extraction worker shares CPU 1)",
    )  # fmt: skip
    ap.add_argument("--dir", default=str(ROOT / "output" / "bench"))
    ap.add_argument("--keep", action="store_true", help="keep the run files and logs")
    args = ap.parse_args()
    pin = args.pin
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="crawl-", dir=args.dir))
    rep = start_replica(args.articles, epoch=2, pin=pin)
    rows: dict[str, list[Row]] = {
        "fakti": [],
        "fakti+w1": [],
        "ceiling": [],
        "+parse": [],
    }
    records = 0
    try:
        for r in range(args.rounds):
            for name, workers in (("fakti", 0), ("fakti+w1", 1)):
                out = work / f"out-{name}-{r}"
                args_ = fakti_args(
                    rep.base_url, out, "-a", "since=2025-03-01",
                    "-s", f"FAKTI_EXTRACT_WORKERS={workers}",
                )  # fmt: skip
                row, pages = measure(rep, name, args_, work / f"{name}-{r}.log", pin)
                rows[name].append(row)
                written = count_lines(out)
                if records and written != records:
                    sys.exit(f"{name} wrote {written:,} records, the other run {records:,}")
                records = written
            urls = work / "urls.txt"
            urls.write_text("".join(rep.base_url + e["path"] + "\n" for e in pages))

            for name, extra in (("ceiling", []), ("+parse", ["-a", "parse=1"])):
                args_ = [
                    "runspider", str(ROOT / "bench" / "ceiling_spider.py"), "-a", f"urls={urls}",
                    *extra, "-s", f"FAKTI_BASE_URL={rep.base_url}", "-s", "LOG_LEVEL=WARNING",
                ]  # fmt: skip
                rows[name].append(measure(rep, name, args_, work / f"{name}-{r}.log", pin)[0])
    finally:
        rep.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(
        f"replica: {args.articles:,} articles, separate process; CPU pinning "
        f"{'replica→0, crawler→1' if pin else 'off'}; {args.rounds} round(s), medians shown; "
        f"fakti wrote {records:,} records"
    )
    print()
    head = (
        "crawl", "requests", "articles", "seconds", "pages/s", "CPU s", "CPU ms/page",
        "main ms/page", "RSS MB", "replica CPU",
    )  # fmt: skip
    print(f"{head[0]:<9}" + "".join(f"{h:>{max(12, len(h) + 1)}}" for h in head[1:]))
    summary = {}
    for name, runs in rows.items():
        n, arts, secs, cpu, main, rss, rcpu = (
            statistics.median(col) for col in zip(*runs, strict=True)
        )
        summary[name] = (n / secs, cpu / n * 1e3)
        print(
            f"{name:<9}{n:>12,.0f}{arts:>12,.0f}{secs:>12.1f}{n / secs:>12.1f}"
            f"{cpu:>12.1f}{cpu / n * 1e3:>12.2f}{main / n * 1e3:>13.2f}{rss:>12.0f}"
            f"{rcpu / secs:>11.0%}"
        )
    ratio = max(summary[name][0] for name in ("fakti", "fakti+w1")) / summary["ceiling"][0]
    print()
    print(f"{'ratio to the ceiling':<24}{'pages/s':>10}{'CPU/page':>10}")
    for name in ("fakti", "fakti+w1", "+parse"):
        print(
            f"{name:<24}{summary[name][0] / summary['ceiling'][0]:>10.2f}"
            f"{summary['ceiling'][1] / summary[name][1]:>10.2f}"
        )
    verdict(ratio >= 0.8, f"goal fakti (better of the two) ≥ 0.8 × ceiling (pages/s): {ratio:.2f}")


if __name__ == "__main__":
    main()
