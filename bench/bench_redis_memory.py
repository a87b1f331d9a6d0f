"""Redis memory of a million-article state, measured with the Redis backend's own write path.

    python bench/bench_redis_memory.py [--redis redis://127.0.0.1:6379/14] [--keys 1000000]

Writes ``--keys`` realistic articles (canonical URL with a long transliterated slug, Sofia
publication times at fakti's rate of about 240 a day up to June 2026, ``sha256:`` content
hash, views) into an empty key
prefix as a backfill does: sightings through ``touch`` (batched), then the export protocol
(``add_pending`` + ``commit_file``) in runs of 100,000 keys. Then it reads ``INFO memory``
``used_memory`` and prints bytes per key. It also measures what a running job adds on top
(the dupefilter with one fingerprint per article, and the claims), then deletes every key it
wrote. Pick a database that nothing else uses.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import time
from datetime import datetime, timedelta

from dateutil import tz

from newsspider.state.redis import RedisStore, connect, split_url

SOFIA = tz.gettz("Europe/Sofia")
SECTIONS = ("bulgaria", "world", "life", "technozone", "avto", "biznes", "sport", "krimi")
SYLLABLES = ("ba", "ra", "sko", "vi", "na", "to", "pre", "dse", "kra", "mi", "lev", "zhe", "shta")
RUN = 100_000
PER_DAY = 240


def _slug(rng: random.Random) -> str:
    words = [
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        for _ in range(rng.randint(5, 11))
    ]
    return "-".join(words)


def _used(client) -> int:
    return int(client.info("memory")["used_memory"])


def _delete(client, prefix: str) -> None:
    for key in client.scan_iter(match=f"{prefix}:*", count=5000):
        client.unlink(key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--output", default="/tmp/fakti-bench", help="run file names (not written)")
    args = parser.parse_args()
    address, _ = split_url(args.redis)
    prefix = f"bench{int(time.time())}"
    client = connect(address)
    store = RedisStore(client, prefix=prefix, owner="bench")
    rng = random.Random(1)
    end = datetime(2026, 6, 1, tzinfo=SOFIA)
    span = args.keys / PER_DAY * 86400
    start = end - timedelta(seconds=span)
    before = _used(client)
    began = time.monotonic()
    try:
        for first in range(0, args.keys, RUN):
            rows = []
            for n in range(first, min(first + RUN, args.keys)):
                aid = 400_000 + n
                lang = "en" if n % 4 == 0 else "bg"
                key = (lang, aid)
                prefix_path = "/en" if lang == "en" else ""
                url = f"https://fakti.bg{prefix_path}/{rng.choice(SECTIONS)}/{aid}-{_slug(rng)}"
                published = (start + timedelta(seconds=span * n / args.keys)).replace(second=0)
                chash = "sha256:" + hashlib.sha256(url.encode()).hexdigest()
                store.touch(key, url, published, chash, rng.randint(0, 50_000))
                rows.append((key, chash))
            run_file = f"{args.output}/fakti/2026-06-01T00-00-{first // RUN:02d}.worker-0.jsonl"
            store.add_pending(run_file, rows)
            store.commit_file(run_file)
        store._flush()
        written = time.monotonic() - began
        state = _used(client) - before

        seen, claims = f"{prefix}:seen", f"{prefix}:claims"
        for first in range(0, args.keys, 10_000):
            fields = [
                f"{'en' if n % 4 == 0 else 'bg'}:{400_000 + n}"
                for n in range(first, min(first + 10_000, args.keys))
            ]
            pipe = client.pipeline(transaction=False)
            pipe.sadd(seen, *fields)
            pipe.hset(claims, mapping=dict.fromkeys(fields, "r12"))
            pipe.execute()
        job = _used(client) - before - state
        exported = int(client.get(f"{prefix}:exported"))
    finally:
        _delete(client, prefix)
    mib = 1024 * 1024
    print(f"keys written       {args.keys:,} ({exported:,} exported) in {written:.1f} s")
    print(
        f"state              {state / mib:,.1f} MiB used_memory = {state / args.keys:.0f} bytes/key"
    )
    print(f"job (while a backfill runs: dupefilter + claims) {job / mib:,.1f} MiB", end=" ")
    print(f"= {job / args.keys:.0f} bytes/key")
    server, memory = client.info("server"), client.info("memory")
    print(f"redis              {server['redis_version']}, {memory['mem_allocator']}")


if __name__ == "__main__":
    main()
