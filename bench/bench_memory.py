"""Peak memory of a crawl: 2,000 articles against 20,000.

    python bench/bench_memory.py [--small 2000] [--large 20000] [--workers 0]

For each size, starts a replica of that many articles (a separate process, epoch 2) and runs
``scrapy crawl fakti -a since=2025-03-01`` (a backfill of every article, fresh state and
output). It reads the crawler's own peak RSS from ``os.wait4`` (``ru_maxrss``) and samples
the RSS of the crawler plus its extraction workers (``FAKTI_EXTRACT_WORKERS``) every 50 ms;
the goals apply to that sum, the memory of the whole crawl. ``--workers N`` runs the crawls
with ``-s FAKTI_EXTRACT_WORKERS=N`` (default 0: the default single process). Goals (issue 8):
large / small ≤ 1.2 and both under 150 MB.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from crawlrun import ROOT, count_lines, fakti_args, run_scrapy, start_replica, verdict

LIMIT_MB = 150
RATIO = 1.2


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--small", type=int, default=2_000)
    ap.add_argument("--large", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=0, help="FAKTI_EXTRACT_WORKERS of the crawls")
    ap.add_argument("--dir", default=str(ROOT / "output" / "bench"))
    ap.add_argument("--keep", action="store_true", help="keep the run files and logs")
    args = ap.parse_args()
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="memory-", dir=args.dir))
    results: list[tuple[int, int, float, float, float]] = []
    workers = ("-s", f"FAKTI_EXTRACT_WORKERS={args.workers}")
    try:
        for size in (args.small, args.large):
            rep = start_replica(size, epoch=2)
            try:
                out = work / f"out-{size}"
                run = run_scrapy(
                    fakti_args(rep.base_url, out, "-a", "since=2025-03-01", *workers),
                    work / f"fakti-{size}.log",
                )
            finally:
                rep.stop()
            if run.status != 0:
                sys.exit(f"crawl of {size} failed ({run.status}); see {run.log}")
            results.append((size, count_lines(out), run.wall, run.max_rss_mb, run.tree_rss_mb))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(
        f"{'replica articles':>16}{'records':>10}{'wall s':>10}{'crawler RSS MB':>16}"
        f"{'+ workers MB':>14}"
    )
    for size, records, wall, rss, tree in results:
        print(f"{size:>16,}{records:>10,}{wall:>10.1f}{rss:>16.1f}{tree:>14.1f}")
    ratio = results[1][4] / results[0][4]
    peak = max(r[4] for r in results)
    ok = ratio <= RATIO and peak < LIMIT_MB
    print()
    verdict(ok, f"ratio {ratio:.2f} (goal ≤ {RATIO}); largest {peak:.0f} MB (goal < {LIMIT_MB} MB)")


if __name__ == "__main__":
    main()
