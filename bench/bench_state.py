"""State store (SQLite): key lookups and commits per second at 1,000,000 keys.

    python bench/bench_state.py [--keys 1000000] [--dir output/bench]

Fills a fresh store through its own write path (``touch`` in its batches, then one
``add_pending`` + ``commit_file``, so every key is exported), then measures, with random keys
(half of them absent):

- ``known()`` in batches of 20 (one listing page, as the spider asks) and of 500;
- ``get()`` one key at a time;
- durable commits: ``add_pending`` of one row (each an fsync'd transaction, ``synchronous=FULL``),
  and the full export protocol for a 100-key run file (``add_pending`` + ``commit_file``);
- ``touch`` sightings (batched: one commit per 1,000 rows).

The store is created on the same disk as the output folder; it is deleted at the end.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from newsspider.state.sqlite import SOFIA, SQLiteStore

START = datetime(2025, 3, 1, tzinfo=SOFIA)


def key_of(i: int) -> tuple[str, int]:
    """The i-th key: editions alternate, ids from 100,000 up."""
    return ("bg" if i % 2 else "en", 100_000 + i // 2)


def timed(n: int, fn: Callable[[], object]) -> float:
    """Operations per second of ``n`` operations done by ``fn``."""
    t0 = time.perf_counter()
    fn()
    return n / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--dir", default="output/bench", help="where the temporary store goes")
    ap.add_argument("--lookups", type=int, default=200_000)
    ap.add_argument("--commits", type=int, default=300)
    args = ap.parse_args()
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="state-", dir=args.dir))
    rng = random.Random(1)
    rows: list[tuple[str, float]] = []
    try:
        store = SQLiteStore(workdir / "fakti.sqlite")
        n = args.keys

        def fill() -> None:
            for i in range(n):
                key = key_of(i)
                store.touch(
                    key, f"https://fakti.bg/world/{key[1]}-x", START + timedelta(minutes=i),
                    f"{i:064x}", i % 5000,
                )  # fmt: skip
            store.add_pending("run-0.jsonl", ((key_of(i), f"{i:064x}") for i in range(n)))
            (workdir / "run-0.jsonl").touch()
            store.commit_file("run-0.jsonl")

        rows.append(("fill: touch + export (keys/s)", timed(n, fill)))
        size = (workdir / "fakti.sqlite").stat().st_size
        probe = [key_of(rng.randrange(2 * n)) for _ in range(args.lookups)]  # half absent

        def known(batch: int) -> Callable[[], None]:
            def run() -> None:
                for i in range(0, len(probe), batch):
                    store.known(probe[i : i + batch])

            return run

        hits = len(store.known(probe[:10_000]))
        rows.append(("known(), batches of 20 (keys/s)", timed(len(probe), known(20))))
        rows.append(("known(), batches of 500 (keys/s)", timed(len(probe), known(500))))
        rows.append(
            ("get(), one key (lookups/s)", timed(len(probe) // 4, lambda: [
                store.get(k) for k in probe[: len(probe) // 4]
            ]))
        )  # fmt: skip

        def pending_one() -> None:
            for i in range(args.commits):
                store.add_pending("run-1.jsonl", [(key_of(2 * n + i), "0" * 64)])

        rows.append(("add_pending, 1 row (durable commits/s)", timed(args.commits, pending_one)))
        store.rollback_file("run-1.jsonl")

        def export_runs() -> None:
            for r in range(args.commits // 10):
                name = str(workdir / f"run-{r + 2}.jsonl")
                base = 3 * n + 100 * r
                store.add_pending(name, [(key_of(base + j), "0" * 64) for j in range(100)])
                store.commit_file(name)

        runs = args.commits // 10
        rows.append(("export protocol, 100-key file (runs/s)", timed(runs, export_runs)))

        def touches() -> None:
            for i in range(args.lookups // 4):
                key = probe[i]
                store.touch(key, "https://fakti.bg/x/1-y", START, "1" * 64, i)
            store.close()

        rows.append(("touch, batched (rows/s)", timed(args.lookups // 4, touches)))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"state store: SQLite, {args.keys:,} exported keys, file {size / 1e6:.0f} MB; "
        f"{hits:,} of 10,000 random probes present"
    )
    print()
    print(f"{'operation':<42} {'per second':>12}")
    for name, rate in rows:
        print(f"{name:<42} {rate:>12,.0f}")


if __name__ == "__main__":
    main()
