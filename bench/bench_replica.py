"""Throughput of the standalone replica: article pages per second over loopback.

    python bench/bench_replica.py [--articles 5000] [--pages 3000] [--concurrency 16]

Starts ``python -m newsspider.replica`` on a free port, fetches ``--pages`` distinct article
pages (cold: each rendered on demand) over keep-alive connections, then the same pages again
(warm process; the LRU cache holds only 256 pages), and prints pages/s and MB/s.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from urllib.parse import urlsplit

from newsspider.replica.testing import ReplicaProcess


async def _worker(host: str, port: int, queue: asyncio.Queue, sizes: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            try:
                path = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            if status != 200:
                raise RuntimeError(f"{path}: HTTP {status}")
            sizes.append(length)
    finally:
        writer.close()


async def fetch_all(base_url: str, paths: list[str], concurrency: int) -> tuple[float, int]:
    """Fetch every path; return (seconds, bytes)."""
    parts = urlsplit(base_url)
    queue: asyncio.Queue = asyncio.Queue()
    for p in paths:
        queue.put_nowait(p)
    sizes: list[int] = []
    start = time.perf_counter()
    await asyncio.gather(
        *(_worker(parts.hostname, parts.port, queue, sizes) for _ in range(concurrency))
    )
    return time.perf_counter() - start, sum(sizes)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--pages", type=int, default=3000)
    ap.add_argument("--concurrency", type=int, default=16)
    args = ap.parse_args()
    t0 = time.perf_counter()
    rep = ReplicaProcess(articles=args.articles, epoch=2)
    print(
        f"replica with {args.articles} articles up in {time.perf_counter() - t0:.1f}s "
        f"at {rep.base_url}"
    )
    try:
        site = rep.site()
        paths = [a.path for a in site.newest(site.articles, 2)[: args.pages]]
        for label in ("first pass", "second pass"):
            secs, nbytes = asyncio.run(fetch_all(rep.base_url, paths, args.concurrency))
            print(
                f"{label}: {len(paths)} article pages in {secs:.2f}s = "
                f"{len(paths) / secs:.0f} pages/s, "
                f"{nbytes / secs / 1e6:.1f} MB/s, mean {nbytes / len(paths) / 1000:.0f} KB/page"
            )
    finally:
        rep.stop()


if __name__ == "__main__":
    main()
