"""Extraction speed: ``extract_article`` against the lxml parse floor and trafilatura.

    python bench/bench_extraction.py [--pages 2000] [--articles 5000] [--repeat 3]

Renders ``--pages`` article pages of the replica in-process (the newest of a site of
``--articles``; every variant and both editions, as the crawler receives them), then times
on each page, interleaved:

- ``floor``: ``lxml.etree.fromstring`` with an ``HTMLParser`` (the parse alone; this is what
  ``extract_article`` parses with);
- ``lxml.html``: ``lxml.html.document_fromstring`` (the usual lxml entry point, for reference);
- ``extract``: ``newsspider.extraction.extract_article`` (parse + every layer);
- ``trafilatura``: ``trafilatura.extract`` with its defaults, and with ``fast=True``.

The parse and extraction timings are the best of ``--repeat`` runs per page; trafilatura runs
once per page. The table gives the median time per page and the median of per-page ratios.
Goals (issue 8): extract ≤ 1.5 × floor; ≥ 10 × faster than trafilatura.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime

import lxml.html
from lxml import etree

from newsspider.extraction import Extracted, extract_article
from newsspider.extraction.decode import detect_encoding
from newsspider.replica.generator import SOFIA, Site
from newsspider.replica.pages import Pages

#: A fixed clock, so that every run measures the same bytes.
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=SOFIA)
ORIGIN = "http://127.0.0.1:8765"


def replica_pages(articles: int, pages: int) -> list[tuple[str, bytes, str, str]]:
    """``(url, body, content_type, variant)`` of the newest ``pages`` article pages."""
    site = Site(articles=articles, seed=1, now=NOW)
    renderer = Pages(site, cache_size=0)
    out = []
    for a in site.newest(site.articles, 2)[:pages]:
        page = renderer.render(a.path, 2, ORIGIN)
        assert page.status == 200, a.path
        out.append((ORIGIN + a.path, page.body, page.content_type, a.variant))
    return out


def best_of(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3, help="best of N for parse and extract")
    ap.add_argument("--no-trafilatura", action="store_true", help="skip the trafilatura columns")
    args = ap.parse_args()

    t0 = time.perf_counter()
    pages = replica_pages(args.articles, args.pages)
    sizes = [len(body) for _, body, _, _ in pages]
    print(
        f"{len(pages)} replica article pages rendered in {time.perf_counter() - t0:.1f}s; "
        f"median {statistics.median(sizes) / 1000:.0f} KB; variants "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter(p[3] for p in pages).items()))
    )
    trafilatura = None
    if not args.no_trafilatura:
        import trafilatura

    columns = ["floor", "lxml.html", "extract"]
    if trafilatura:
        columns += ["trafilatura", "trafilatura fast"]
    times: dict[str, list[float]] = {c: [] for c in columns}
    by_variant: dict[str, list[float]] = {}
    outcomes: Counter[str] = Counter()
    parsers: dict[str, etree.HTMLParser] = {}
    gc.collect()
    for url, body, ctype, variant in pages:
        enc = detect_encoding(body, ctype)
        parser = parsers.setdefault(
            enc, etree.HTMLParser(encoding=enc, remove_comments=True, huge_tree=True)
        )
        floor = best_of(lambda b=body, p=parser: etree.fromstring(b, parser=p), args.repeat)
        html = best_of(lambda b=body: lxml.html.document_fromstring(b), args.repeat)
        ext = best_of(
            lambda b=body, u=url, c=ctype: extract_article(b, u, content_type=c), args.repeat
        )
        result = extract_article(body, url, content_type=ctype)
        outcomes[type(result).__name__] += 1
        for name, value in (("floor", floor), ("lxml.html", html), ("extract", ext)):
            times[name].append(value)
        by_variant.setdefault(variant, []).append(ext / floor)
        if trafilatura:
            times["trafilatura"].append(
                best_of(lambda b=body, u=url: trafilatura.extract(b, url=u), 1)
            )
            times["trafilatura fast"].append(
                best_of(lambda b=body, u=url: trafilatura.extract(b, url=u, fast=True), 1)
            )

    floor = times["floor"]
    extract = times["extract"]
    print(f"outcomes: {dict(outcomes)} (Extracted expected for every page)")
    print()
    print(f"{'measure':<18} {'median ms/page':>15} {'median ratio to floor':>22}")
    for name in columns:
        ratio = statistics.median(t / f for t, f in zip(times[name], floor, strict=True))
        print(f"{name:<18} {statistics.median(times[name]) * 1e3:>15.3f} {ratio:>22.2f}")
    print()
    print(
        "extract / floor by variant (median): "
        + ", ".join(f"{v} {statistics.median(r):.2f}" for v, r in sorted(by_variant.items()))
    )
    ratio_floor = statistics.median(e / f for e, f in zip(extract, floor, strict=True))
    ok = ratio_floor <= 1.5
    print(f"goal extract ≤ 1.5 × floor: {ratio_floor:.2f} × → {'met' if ok else 'MISSED'}")
    if trafilatura:
        for name in ("trafilatura", "trafilatura fast"):
            speedup = statistics.median(t / e for t, e in zip(times[name], extract, strict=True))
            met = speedup >= 10
            ok &= met
            print(f"goal ≥ 10 × faster than {name}: {speedup:.1f} × → {'met' if met else 'MISSED'}")
    if outcomes.get(Extracted.__name__, 0) != len(pages):
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
