"""Extraction speed: ``extract_article`` against the lxml parse floor and trafilatura.

    python bench/bench_extraction.py [--pages 2000] [--articles 5000] [--repeat 3]
                                     [--no-trafilatura]

Renders ``--pages`` article pages of the replica in-process (the newest of a site of
``--articles``; every variant and both editions, as the crawler receives them), then times
on each page, interleaved:

- ``floor``: ``lxml.etree.fromstring`` with an ``HTMLParser`` (the parse alone; this is what
  ``extract_article`` parses with);
- ``lxml.html``: ``lxml.html.document_fromstring`` (the usual lxml entry point, for reference);
- ``extract``: ``newsspider.extraction.extract_article`` (parse + every layer);
- ``trafilatura``: ``trafilatura.extract`` with its defaults, and with ``fast=True``.

Each measure runs ``--repeat`` times in a row on each page, the measures in an order that
rotates from page to page. Two figures per measure: ``best`` (the best of the runs: the usual
micro-benchmark figure, free of scheduling noise) and ``first`` (the first run alone: CPU
caches and lookup caches cold, as in a crawl where every page is new and Scrapy runs between
pages). The table gives medians over the pages, of times and of per-page ratios.
Goals (issue 8), judged on ``best``: extract ≤ 1.5 × floor; ≥ 10 × faster than
``trafilatura.extract`` (its defaults; ``fast=True`` is shown for reference).
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


def timings(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """``(first, best)`` seconds of ``repeat`` runs of ``fn``."""
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return runs[0], min(runs)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3, help="runs per page and measure")
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
    times: dict[str, dict[str, list[float]]] = {"best": {}, "first": {}}
    by_variant: dict[str, list[float]] = {}
    outcomes: Counter[str] = Counter()
    parsers: dict[str, etree.HTMLParser] = {}
    gc.collect()
    for i, (url, body, ctype, variant) in enumerate(pages):
        enc = detect_encoding(body, ctype)
        parser = parsers.setdefault(
            enc, etree.HTMLParser(encoding=enc, remove_comments=True, huge_tree=True)
        )
        measures: list[tuple[str, Callable[[], object]]] = [
            ("floor", lambda b=body, p=parser: etree.fromstring(b, parser=p)),
            ("lxml.html", lambda b=body: lxml.html.document_fromstring(b)),
            ("extract", lambda b=body, u=url, c=ctype: extract_article(b, u, content_type=c)),
        ]
        if trafilatura:
            measures += [
                ("trafilatura", lambda b=body, u=url: trafilatura.extract(b, url=u)),
                (
                    "trafilatura fast",
                    lambda b=body, u=url: trafilatura.extract(b, url=u, fast=True),
                ),
            ]
        k = i % len(measures)  # rotate the order: no measure always runs first or last
        for name, fn in measures[k:] + measures[:k]:
            first, best = timings(fn, args.repeat)
            times["first"].setdefault(name, []).append(first)
            times["best"].setdefault(name, []).append(best)
        best = times["best"]
        by_variant.setdefault(variant, []).append(best["extract"][-1] / best["floor"][-1])
        outcomes[type(extract_article(body, url, content_type=ctype)).__name__] += 1

    print(f"outcomes: {dict(outcomes)} (Extracted expected for every page)")
    print()

    def ratios(mode: str, name: str, ref: str) -> float:
        pairs = zip(times[mode][name], times[mode][ref], strict=True)
        return statistics.median(t / r for t, r in pairs)

    print(f"{'measure':<18}" + "".join(f"{h:>14}" for h in (
        "best ms/page", "best ÷ floor", "first ms/page", "first ÷ floor"
    )))  # fmt: skip
    for name in columns:
        cells = []
        for mode in ("best", "first"):
            cells += [statistics.median(times[mode][name]) * 1e3, ratios(mode, name, "floor")]
        print(f"{name:<18}" + "".join(f"{c:>14.3f}" if i % 2 == 0 else f"{c:>14.2f}"
                                      for i, c in enumerate(cells)))  # fmt: skip
    print()
    print(
        "extract ÷ floor by variant (best, median): "
        + ", ".join(f"{v} {statistics.median(r):.2f}" for v, r in sorted(by_variant.items()))
    )
    ok = True
    for mode in ("best", "first"):
        ratio = ratios(mode, "extract", "floor")
        met = ratio <= 1.5
        ok &= met or mode == "first"
        print(f"[{mode}] goal extract ≤ 1.5 × floor: {ratio:.2f} × → {'met' if met else 'MISSED'}")
        if trafilatura:
            for name in ("trafilatura", "trafilatura fast"):
                speedup = ratios(mode, name, "extract")
                met = speedup >= 10
                ok &= met or mode == "first" or name != "trafilatura"
                label = "goal" if name == "trafilatura" else "reference"
                print(f"[{mode}] {label} ≥ 10 × faster than {name}: {speedup:.1f} × → "
                      f"{'met' if met else 'MISSED'}")  # fmt: skip
    if outcomes.get(Extracted.__name__, 0) != len(pages):
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
