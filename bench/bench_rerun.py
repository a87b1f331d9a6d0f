"""Re-run cost: requests per new article on an incremental run.

    python bench/bench_rerun.py [--articles 5000]

Starts a replica at epoch 1 (a separate process) and runs ``scrapy crawl fakti`` (a first
run: the last ``FAKTI_FIRST_RUN_DAYS`` days, fresh state). Then switches the replica to
epoch 2 (six hours later: new articles, raised views on old ones), clears its request log and
runs the crawl again with the same state (an incremental run). From the request log of the
second run: article requests per new article, and the listing pages (feeds, home, sections)
read. New articles are those of epoch 2 that do not exist in epoch 1 (the replica's ground
truth); the second run must export exactly those. Goal (issue 8): ≤ 1.1 article requests
per new article, plus the listing pages.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from crawlrun import ROOT, fakti_args, run_scrapy, start_replica, verdict

GOAL = 1.1
ARTICLE_KINDS = ("article", "amp")


def exported_keys(folder: Path, skip: set[Path]) -> set[tuple[str, int]]:
    keys = set()
    for path in folder.rglob("*.jsonl"):
        if path.name.startswith(".") or ".rejects." in path.name or path in skip:
            continue
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                keys.add((record["lang"], record["article_id"]))
    return keys


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--articles", type=int, default=5_000)
    ap.add_argument("--dir", default=str(ROOT / "output" / "bench"))
    ap.add_argument("--keep", action="store_true", help="keep the run files and logs")
    args = ap.parse_args()
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="rerun-", dir=args.dir))
    out = work / "out"
    rep = start_replica(args.articles, epoch=1)
    kinds: list[Counter] = []
    missing: list[str] = []
    try:
        for epoch in (1, 2):
            if epoch == 2:
                rep.set_epoch(2)
            rep.reset_log()
            before = set(out.rglob("*.jsonl")) if out.exists() else set()
            run = run_scrapy(fakti_args(rep.base_url, out), work / f"epoch{epoch}.log")
            if run.status != 0:
                sys.exit(f"epoch {epoch} crawl failed ({run.status}); see {run.log}")
            entries = rep.log()["entries"]
            kinds.append(Counter(e["kind"] for e in entries))
            missing = [e["path"] for e in entries if e["status"] == 404]
        new_records = exported_keys(out, before)
        truth1 = {(r["lang"], r["article_id"]) for r in rep.truth(1)}
        new_truth = {(r["lang"], r["article_id"]) for r in rep.truth(2)} - truth1
    finally:
        rep.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    first, second = kinds
    listing = {k: v for k, v in second.items() if k not in ARTICLE_KINDS}
    article_requests = sum(second[k] for k in ARTICLE_KINDS)
    print(
        f"replica: {args.articles:,} articles; epoch 1 run: {sum(first.values()):,} requests "
        f"({dict(sorted(first.items()))})"
    )
    print(
        f"epoch 2 (incremental) run: new articles in epoch 2 {len(new_truth):,}; "
        f"exported {len(new_records):,}; missed {len(new_truth - new_records)}; "
        f"not new {len(new_records - new_truth)}"
    )
    print()
    print(f"{'measure':<40}{'value':>10}")
    print(f"{'article requests':<40}{article_requests:>10,}")
    for kind, n in sorted(listing.items()):
        print(f"{'listing pages read: ' + kind:<40}{n:>10,}")
    if missing:
        print(f"  404s of the incremental run: {', '.join(sorted(missing))}")
    per = article_requests / len(new_truth) if new_truth else float("inf")
    print(f"{'article requests per new article':<40}{per:>10.3f}")
    ok = per <= GOAL and new_records == new_truth
    print()
    verdict(ok, f"goal ≤ {GOAL} per new article (+ {sum(listing.values())} listing pages)")


if __name__ == "__main__":
    main()
