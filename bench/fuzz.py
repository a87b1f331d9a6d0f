"""Fuzz extraction and the spider callbacks with hostile pages (hypothesis).

    python bench/fuzz.py [--cases 10000] [--seed 0]

Pages of the replica (every article variant, AMP, home, section, author and day listings,
search results, RSS feeds, ``/dnes``) are mutated by hypothesis-drawn mutations: truncation,
tag soup, random bytes, huge attributes, deep nesting (10,000 levels and more), wrong or
conflicting declared encodings, NUL bytes, 100,000 links, and a page served under another
kind of URL. Each case is fed, as a Scrapy response built the way Scrapy builds it
(``responsetypes``), to the spider callback its URL routes to, and article pages also to
``extract_article`` / ``extract_from_text`` directly.

Invariants checked on every case (a violation is an error; the run exits 1):

- no exception escapes;
- an article URL yields exactly one of: an item that passes validation and serialises to
  one valid JSON line, a reject with a reason, or "not an article" (counted in the stats);
- a listing yields only requests, every one http(s) and on the crawled site.

Prints the cases run and the outcome counts. ``tests/test_fuzz.py`` runs a fast subset.
"""

from __future__ import annotations

import argparse
import codecs
import json
import logging
import random
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from scrapy import Request
from scrapy.http import Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.test import get_crawler

from newsspider import settings as project_settings
from newsspider.extraction import Extracted, NotArticle, Rejected, extract_article
from newsspider.extraction.article import extract_from_text
from newsspider.extraction.decode import decode
from newsspider.items import ArticleItem, RejectItem
from newsspider.middlewares.safety import is_allowed
from newsspider.pipelines.jsonline import json_line
from newsspider.pipelines.validate import ValidatePipeline, record_of
from newsspider.replica.generator import SOFIA, Site
from newsspider.replica.pages import Pages
from newsspider.spiders.fakti import FaktiSpider

BASE = "http://127.0.0.1:8765"
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=SOFIA)

# -- corpus -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sample:
    """A replica page: its kind (the callback its URL routes to), path, body, content type."""

    kind: str  # article | listing | home | search | rss | dnes (read as a listing)
    path: str
    body: bytes
    content_type: str
    meta: tuple[tuple[str, Any], ...] = ()


@cache
def corpus() -> tuple[Sample, ...]:
    """38 pages of a 400-article replica: 25 articles (every variant, broken kind, edition,
    BG date form, opinion, AMP) and every listing kind."""
    site = Site(articles=400, seed=3, now=NOW)
    pages = Pages(site, cache_size=0)
    samples: list[Sample] = []

    def add(kind: str, path: str, **meta: Any) -> None:
        page = pages.render(path, 2, BASE)
        assert page.status == 200, path
        samples.append(Sample(kind, path, page.body, page.content_type, tuple(meta.items())))

    chosen: dict[tuple, str] = {}
    for a in site.articles:  # one page per (variant, broken kind, lang, form), plus AMP
        chosen.setdefault((a.variant, a.broken, a.lang, a.form, a.section == "mnenia"), a.path)
        if a.amp_path:
            chosen.setdefault(("amp",), a.amp_path)
    for path in chosen.values():
        add("article", path)
    add("home", "/", lang="bg", section=None, home=True)
    add("home", "/en/", lang="en", section=None, home=True)
    for lang, prefix in (("bg", ""), ("en", "/en")):
        add("listing", f"{prefix}/world", lang=lang, section="world", page=1)
        add("listing", f"{prefix}/world?page=2", lang=lang, section="world", page=2)
        query = "q=&sort=date&c=0&fromdate=01.03.2025&todate=16.01.2026&page=0"
        add("search", f"{prefix}/search?{query}", lang=lang, page=0)
        add("rss", f"{prefix}/feed", lang=lang, section=None)
    a = site.by_lang["en"][-1]
    add("listing", f"/en/author/{a.author_slug}", lang="en", section=None, page=1)
    day = a.shown or a.t
    add("listing", f"/en/{a.section}/{day:%Y/%m/%d}/12345", lang="en", section=a.section, page=1)
    add("dnes", "/dnes", lang="bg", section=None, page=1)
    return tuple(samples)


# -- mutations ----------------------------------------------------------------------------
JUNK = [
    b"</div>", b"<p", b"<div", b"</article>", b"<table><tr><td>", b"<![CDATA[", b"<!--", b"-->",
    b"<script>", b"</script>", b"<style>", b"</html>", b"<html>", b"<body>", b"<head>",
    b"<svg><foreignObject>", b"<math><mi>", b"<template>", b"<?xml version='1.0'?>", b"&#x0;",
    b"&#xD800;", b"&nosuch;", b"&#99999999;", b"\xef\xbb\xbf", b"<h1>", b"<h1></h1>",
    b'<a href="javascript:alert(1)">x</a>', b'<a href="file:///etc/passwd">x</a>',
    b'<a href="data:text/html,<h1>x</h1>">x</a>', b'<a href="mailto:x@fakti.bg">x</a>',
    b'<a href="//evil.example/en/world/1000001-x">x</a>', b'<base href="http://evil.example/">',
    b'<a rel="next" href="/en/world?page=1">n</a>', b'<a rel="next" href="file:///etc">n</a>',
    b'<link rel="canonical" href="https://fakti.bg/en/world/1-other">',
    b'<script type="application/ld+json">{"@type": "NewsArticle", "headline": [1, {}]}</script>',
    b'<script type="application/ld+json">{"datePublished": "9999-99-99T99:99"}</script>',
    b'<div class="ndt">Feb 30, 2025 25:61</div>', b'<div class="nv">-1e308</div>',
    b'<div class="nc">99999999999999999999999</div>', "\u2028\u2029".encode(),
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"\x00", b"\r", b"\x1b[31m",
]  # fmt: skip
CODECS = ["utf-8", "cp1251", "koi8-r", "latin-1", "utf-16", "utf-16-le", "utf-32", "shift_jis"]
LABELS = ["utf-8", "windows-1251", "iso-8859-1", "utf-16", "koi8-r", "x-bogus", "", "utf-7"]
HUGE = [10_000, 1_000_000, 5_000_000]
DEPTHS = [1_000, 10_000, 20_000]
LINKS = [1_000, 10_000, 100_000]
NEST = [b"div", b"span", b"b", b"p", b"li", b"table", b"a"]


def _cut(draw: Any, body: bytes) -> int:
    return draw(st.integers(0, len(body)))


def truncate(draw: Any, s: Sample) -> tuple[bytes, str | None]:
    return s.body[: _cut(draw, s.body)], s.content_type


def tag_soup(draw: Any, s: Sample) -> tuple[bytes, str | None]:
    chunks = s.body.split(b"<")
    chunks = [chunks[0]] + [b"<" + c for c in chunks[1:]]
    for _ in range(draw(st.integers(1, 30))):
        op = draw(st.sampled_from(["drop", "dup", "swap", "junk", "junk"]))
        i = draw(st.integers(0, max(0, len(chunks) - 1)))
        if op == "drop" and len(chunks) > 1:
            del chunks[i]
        elif op == "dup":
            chunks.insert(i, chunks[i])
        elif op == "swap":
            j = draw(st.integers(0, len(chunks) - 1))
            chunks[i], chunks[j] = chunks[j], chunks[i]
        else:
            chunks.insert(i, draw(st.sampled_from(JUNK)))
    return b"".join(chunks), s.content_type


def random_bytes(draw: Any, s: Sample) -> tuple[bytes, str | None]:
    if draw(st.booleans()):
        return draw(st.binary(max_size=4096)), draw(st.sampled_from([s.content_type, None]))
    rng = random.Random(draw(st.integers(0, 2**32)))
    body = bytearray(s.body)
    for _ in range(draw(st.integers(1, 2000))):
        at = rng.randrange(len(body) or 1)
        body[at : at + 1] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
    return bytes(body), s.content_type


def huge_attribute(draw: Any, s: Sample) -> tuple[bytes, str | None]:
    n = draw(st.sampled_from(HUGE))
    fill = draw(st.sampled_from([b"A", b"\xd0\x96", b"&amp;", b" ", b"/", b'\\"']))
    value = (fill * (n // len(fill)))[:n]
    element = draw(
        st.sampled_from(
            [
                b'<div class="%s">x</div>',
                b'<a href="/en/world/1000001-%s">x</a>',
                b'<img src="%s" alt="%s">',
                b'<meta property="og:title" content="%s">',
                b'<link rel="canonical" href="https://fakti.bg/en/world/1-%s">',
                b'<script type="application/ld+json">{"headline": "%s"}</script>',
                b'<article class="panel selected-ln"><a href="/en/world/1-%s">t</a></article>',
                b'<h1 title="%s">x</h1>',
            ]
        )
    )
    chunk = element.replace(b"%s", value)
    at = _cut(draw, s.body)
    return s.body[:at] + chunk + s.body[at:], s.content_type


def deep_nesting(draw: Any, s: Sample) -> tuple[bytes, str | None]:
    depth = draw(st.sampled_from(DEPTHS))
    tag = draw(st.sampled_from(NEST))
    closed = draw(st.booleans())
    opening = b"<%s>" % tag * depth
    closing = b"</%s>" % tag * depth if closed else b""
    where = draw(st.sampled_from([b"<body>", b"<article>", b'<div class="text">', b"<channel>"]))
    at = s.body.find(where)
    at = at + len(where) if at >= 0 else _cut(draw, s.body)
    end = s.body.find(b"</", at)
    end = end if end >= 0 and draw(st.booleans()) else len(s.body)
    return s.body[:at] + opening + s.body[at:end] + closing + s.body[end:], s.content_type


def encoding(draw: Any, s: Sample) -> tuple[bytes, str | None]:
    text = decode(s.body, s.content_type)
    codec = draw(st.sampled_from(CODECS))
    body = text.encode(codec, "replace")
    header = draw(st.sampled_from(LABELS))
    content_type = draw(
        st.sampled_from([f"text/html; charset={header}", "text/html", None, "application/xml"])
    )
    if draw(st.booleans()):  # a conflicting <meta> charset
        meta = b'<meta charset="%s">' % draw(st.sampled_from(LABELS)).encode()
        body = meta + body
    bom = draw(st.sampled_from([b"", b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32]))
    return bom + body, content_type


def nul_bytes(draw: Any, s: Sample) -> tuple[bytes, str | None]:
    how = draw(st.sampled_from(["scatter", "spaces", "tags", "prefix"]))
    if how == "spaces":
        return s.body.replace(b" ", b"\x00"), s.content_type
    if how == "tags":
        return s.body.replace(b"<", b"<\x00"), s.content_type
    if how == "prefix":
        return b"\x00" * draw(st.integers(1, 100_000)) + s.body, s.content_type
    rng = random.Random(draw(st.integers(0, 2**32)))
    body = bytearray(s.body)
    for _ in range(draw(st.integers(1, 500))):
        body.insert(rng.randrange(len(body) + 1), 0)
    return bytes(body), s.content_type


def many_links(draw: Any, s: Sample) -> tuple[bytes, str | None]:
    n = draw(st.sampled_from(LINKS))
    offsite = draw(st.booleans())
    if s.kind == "rss":
        item = "<item><title>t</title><link>{}</link></item>"
        marker = b"</channel>"
    elif s.kind in ("listing", "home"):
        item = '<article class="panel selected-ln"><a href="{}">t</a></article>'
        marker = b"</body>"
    elif s.kind == "search":
        item = '<li><a href="{}"><span class="post-title">t</span></a></li>'
        marker = b"</ul>"
    else:
        item = '<a href="{}">t</a>'
        marker = b"</body>"
    host = "https://evil.example" if offsite else ""
    links = "".join(item.format(f"{host}/en/world/{1_100_000 + i}-x") for i in range(n))
    at = s.body.rfind(marker)
    at = at if at >= 0 else len(s.body)
    return s.body[:at] + links.encode() + s.body[at:], s.content_type


def identity(draw: Any, s: Sample) -> tuple[bytes, str | None]:
    return s.body, s.content_type


#: name → mutation.
MUTATIONS: dict[str, Any] = {
    "none": identity,
    "truncate": truncate,
    "tag_soup": tag_soup,
    "random_bytes": random_bytes,
    "huge_attribute": huge_attribute,
    "deep_nesting": deep_nesting,
    "encoding": encoding,
    "nul_bytes": nul_bytes,
    "many_links": many_links,
}
#: Draw weights: every hostile mutation 3, the baseline and the slow 100,000-link pages 1.
WEIGHTED = ["none", "many_links"] + [
    m for m in MUTATIONS if m not in ("none", "many_links") for _ in range(3)
]
#: URLs a page may be served under instead of its own ("wrong URL" cases).
OTHER_URLS = [
    ("article", "/en/world/1040010-synthetic-story"),
    ("article", "/world/1040011-sintetichna"),
    ("article", "/en/world/2025/04/23/12345"),  # a day page: not an article
    ("article", "/en/amp/world/1040012-amp"),
    ("listing", "/en/sport?page=3"),
    ("rss", "/en/feed/sport"),
    ("search", "/search?page=7"),
]


@dataclass(frozen=True, slots=True)
class Case:
    mutation: str
    kind: str
    path: str
    body: bytes
    content_type: str | None
    meta: tuple[tuple[str, Any], ...]


@st.composite
def cases(draw: Any, mutations: tuple[str, ...] = tuple(WEIGHTED)) -> Case:
    """A hostile page: a corpus sample, mutated, sometimes served under another URL."""
    sample = draw(st.sampled_from(corpus()))
    name = draw(st.sampled_from(mutations))
    body, content_type = MUTATIONS[name](draw, sample)
    kind, path, meta = sample.kind, sample.path, sample.meta
    if draw(st.integers(0, 9)) == 0:
        kind, path = draw(st.sampled_from(OTHER_URLS))
        meta = (("lang", "en"), ("section", "sport"), ("page", 3))
        name += "+wrong_url"
    return Case(name, kind, path, body, content_type, meta)


# -- running a case -----------------------------------------------------------------------
class Harness:
    """One spider (project settings, no extensions; a backfill, so that search pages are
    followed) and the validation pipeline."""

    def __init__(self) -> None:
        values = {
            k: v for k, v in vars(project_settings).items() if k.isupper() and k != "EXTENSIONS"
        }
        crawler = get_crawler(FaktiSpider, settings_dict={**values, "FAKTI_BASE_URL": BASE})
        crawler.settings.frozen = False
        self.spider = FaktiSpider.from_crawler(crawler, since="2025-03-01")
        crawler.spider = self.spider
        self.stats = crawler.stats
        self.validate = ValidatePipeline()
        self.requests = 0
        self.seconds: dict[str, float] = {}  # per mutation, after a run

    def response(self, case: Case) -> Response:
        url = BASE + case.path
        headers = {"Date": "Thu, 15 Jan 2026 10:00:00 GMT"}
        if case.content_type is not None:
            headers["Content-Type"] = case.content_type
        request = Request(url, meta=dict(case.meta))
        cls = responsetypes.from_args(headers=headers, url=url, body=case.body)
        return cls(url, body=case.body, headers=headers, request=request, status=200)

    def run(self, case: Case) -> str:
        """The case's outcome; raises ``AssertionError`` on a broken invariant."""
        response = self.response(case)
        if case.kind == "article":
            self._direct(case)
            return self._article(response)
        callback = {
            "listing": self.spider.parse_listing,
            "dnes": self.spider.parse_listing,  # not walked by the spider: a hostile listing
            "home": self.spider.parse_listing,
            "search": self.spider.parse_search,
            "rss": self.spider.parse_feed,
        }[case.kind]
        out = list(callback(response))
        for obj in out:
            assert isinstance(obj, Request), f"a listing yielded {type(obj).__name__}"
            assert is_allowed(obj.url, BASE), f"off-site request {obj.url[:200]}"
        self.requests += len(out)
        return f"listing:{'requests' if out else 'nothing'}"

    def _direct(self, case: Case) -> None:
        url = BASE + case.path
        result = extract_article(case.body, url, content_type=case.content_type)
        assert isinstance(result, Extracted | Rejected | NotArticle), type(result)
        if isinstance(result, Rejected):
            assert result.reason, "a reject without a reason"
        text = extract_from_text(decode(case.body[:300_000], case.content_type), url)
        assert isinstance(text, Extracted | Rejected | NotArticle), type(text)

    def _article(self, response: Response) -> str:
        before = self.stats.get_value("pages/not_article", 0)
        out = list(self.spider.parse(response))
        assert len(out) <= 1, f"{len(out)} outputs for one page"
        if not out:
            after = self.stats.get_value("pages/not_article", 0)
            assert after == before + 1, "no item, no reject and not counted as not-article"
            return "not_article"
        (item,) = out
        assert isinstance(item, ArticleItem | RejectItem), type(item)
        item = self.validate.process_item(item)
        if isinstance(item, RejectItem):
            assert item["reason"], "a reject without a reason"
            json.loads(json_line({"url": item["url"], "partial": item.get("partial")}))
            return f"reject:{item['reason']}"
        line = json_line(record_of(item)).decode("utf-8")  # strict UTF-8
        assert line.count("\n") == 1 and len(line.splitlines()) == 1, "a record broke the line"
        json.loads(line)
        return "item"


def fuzz(n: int, seed_value: int, harness: Harness | None = None) -> tuple[Counter, list[str], int]:
    """Run ``n`` hypothesis cases; returns outcome counts, failures, requests yielded."""
    harness = harness or Harness()
    outcomes: Counter[str] = Counter()
    by_mutation: Counter[str] = Counter()
    seconds: Counter[str] = Counter()
    failures: list[str] = []

    @settings(
        max_examples=n,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )
    @seed(seed_value)
    @given(case=cases())
    def one(case: Case) -> None:
        mutation = case.mutation.split("+")[0]
        by_mutation[mutation] += 1
        start = time.perf_counter()
        try:
            outcomes[harness.run(case)] += 1
        except Exception as exc:  # recorded and reported: the run exits 1
            outcomes[f"ERROR:{type(exc).__name__}"] += 1
            where = traceback.extract_tb(exc.__traceback__)[-1]
            failures.append(
                f"{case.mutation} {case.kind} {case.path} ({len(case.body)} B): "
                + "".join(traceback.format_exception_only(exc)).strip()
                + f" at {where.filename}:{where.lineno}"
            )
        seconds[mutation] += time.perf_counter() - start

    one()
    outcomes.update({f"mutation:{k}": v for k, v in by_mutation.items()})
    harness.seconds = dict(seconds)
    return outcomes, failures, harness.requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    quiet = logging.getLogger("newsspider")  # hostile pages warn by design
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        start = time.perf_counter()
        harness = Harness()
        outcomes, failures, requests = fuzz(args.cases, args.seed, harness)
        elapsed = time.perf_counter() - start
    finally:
        quiet.setLevel(level)
    run = sum(v for k, v in outcomes.items() if not k.startswith("mutation:"))
    print(f"cases run: {run} in {elapsed:.0f} s (seed {args.seed})")
    print("outcomes:")
    for key, count in sorted(outcomes.items()):
        if not key.startswith("mutation:"):
            print(f"  {key:<40} {count:>6}")
    print("mutations:")
    for key, count in sorted(outcomes.items()):
        if key.startswith("mutation:"):
            mean = harness.seconds.get(key[9:], 0.0) / count * 1000
            print(f"  {key[9:]:<40} {count:>6}   {mean:7.1f} ms/case")
    print(f"requests yielded by listing callbacks: {requests} (all http(s), all on-site)")
    print(f"errors: {len(failures)}")
    for failure in failures[:20]:
        print("  " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
