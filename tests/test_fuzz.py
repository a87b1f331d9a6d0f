"""Fuzzing, fast subset: hostile pages never raise out of extraction or a spider callback;
every article page gives an item, a reject with a reason, or "not an article".

The mutations and invariants are those of ``bench/fuzz.py`` (10,000 cases); here hypothesis
draws a few dozen cases, and each hostile class also has one fixed case.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from newsspider.extraction import Extracted, extract_article
from newsspider.extraction.listings import parse_panel_listing, parse_rss, parse_search

_SPEC = importlib.util.spec_from_file_location(
    "fuzz_bench", Path(__file__).resolve().parent.parent / "bench" / "fuzz.py"
)
fuzz = importlib.util.module_from_spec(_SPEC)
sys.modules["fuzz_bench"] = fuzz  # dataclasses look their module up
_SPEC.loader.exec_module(fuzz)

#: Cheap mutations for the drawn cases (the 100,000-link pages have a fixed case below).
LIGHT = tuple(m for m in fuzz.WEIGHTED if m != "many_links")


@pytest.fixture(scope="module")
def harness():
    return fuzz.Harness()


def sample(kind: str, lang: str = "en") -> fuzz.Sample:
    prefix = "/en/" if lang == "en" else "/"
    return next(s for s in fuzz.corpus() if s.kind == kind and s.path.startswith(prefix))


def case(s: fuzz.Sample, body: bytes, content_type: str | None = None) -> fuzz.Case:
    return fuzz.Case("fixed", s.kind, s.path, body, content_type or s.content_type, s.meta)


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(drawn=fuzz.cases(LIGHT))
def test_drawn_hostile_pages(harness, drawn) -> None:
    outcome = harness.run(drawn)  # raises on a broken invariant
    assert outcome.split(":")[0] in ("item", "reject", "not_article", "listing")


def test_the_benchmark_script_runs_and_reports(capsys) -> None:
    assert fuzz.main(["--cases", "15", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "cases run: 15 " in out and "errors: 0" in out
    assert "outcomes:" in out and "ms/case" in out


def test_unmutated_pages_give_items_and_requests() -> None:
    harness = fuzz.Harness()  # a fresh spider: no article seen yet
    outcomes = {s.kind: [] for s in fuzz.corpus()}
    for s in fuzz.corpus():
        outcomes[s.kind].append(harness.run(case(s, s.body)))
    assert set(outcomes["article"]) == {"item"}
    for kind in ("home", "search", "rss"):
        assert set(outcomes[kind]) == {"listing:requests"}, kind
    assert outcomes["listing"].count("listing:requests") >= 5  # the day page: all seen


def _panel_links(n: int) -> bytes:
    s = sample("listing")
    links = "".join(
        f'<article class="panel selected-ln"><a href="/en/world/{1_200_000 + i}-x">t</a></article>'
        for i in range(n)
    )
    return s.body.replace(b"</body>", links.encode() + b"</body>")


def test_many_links_cost_linear_time(harness) -> None:
    """Listing parsing stays linear in the number of links: with ``//article[...]`` XPaths
    libxml2 was quadratic (100,000 links: 32 s to parse; now about 3 s). The 100,000-link
    pages go through the spider callbacks in ``bench/fuzz.py``."""
    timings = []
    for n in (5_000, 50_000):
        body = _panel_links(n)
        start = time.perf_counter()
        page = parse_panel_listing(body, fuzz.BASE + "/en/world", fuzz.NOW)
        timings.append(time.perf_counter() - start)
        assert len(page.items) == n + 20
    assert timings[1] < 30 * timings[0], timings  # linear: ~10x; quadratic: ~100x
    s = sample("listing")
    before = harness.requests
    assert harness.run(case(s, _panel_links(5_000))) == "listing:requests"
    assert harness.requests - before >= 5_000  # every new article, all on-site


def test_hundred_thousand_links_in_an_article(harness) -> None:
    s = sample("article")
    rail = b"".join(b'<a href="/en/world/%d-x">t</a>' % (1_200_000 + i) for i in range(100_000))
    assert harness.run(case(s, s.body.replace(b"</body>", rail + b"</body>"))) == "item"


@pytest.mark.parametrize("tag", [b"div", b"span", b"table"])
def test_ten_thousand_deep_nesting(harness, tag: bytes) -> None:
    s = sample("article")
    at = s.body.index(b"<body>") + len(b"<body>")
    body = s.body[:at] + b"<%s>" % tag * 10_000 + s.body[at:]
    assert harness.run(case(s, body)).split(":")[0] in ("item", "reject")
    listing = sample("listing")
    at = listing.body.index(b"<body>") + len(b"<body>")
    deep = listing.body[:at] + b"<%s>" % tag * 10_000 + listing.body[at:]
    assert harness.run(case(listing, deep)).startswith("listing:")


def test_conflicting_encodings(harness) -> None:
    s = sample("article", "bg")
    text = s.body.decode("utf-8")
    cp1251 = text.encode("cp1251", "replace")
    for body, content_type in [
        (cp1251, "text/html; charset=utf-8"),  # header lies
        (b'<meta charset="utf-16">' + cp1251, None),  # meta lies
        (b'<meta charset="koi8-r">' + s.body, "text/html; charset=x-bogus"),
        (b"\xff\xfe" + s.body, "text/html; charset=windows-1251"),  # a BOM that lies
        (text.encode("utf-16"), "text/html; charset=utf-8"),
    ]:
        assert harness.run(case(s, body, content_type)).split(":")[0] in ("item", "reject")


def test_nul_bytes_and_truncation(harness) -> None:
    s = sample("article")
    assert harness.run(case(s, s.body.replace(b"<p>", b"<p>\x00"))) == "item"
    assert harness.run(case(s, s.body.replace(b" ", b"\x00"))).split(":")[0] in ("item", "reject")
    for tenth in range(10):
        cut = s.body[: len(s.body) * tenth // 10]
        assert harness.run(case(s, cut)).split(":")[0] in ("item", "reject")


def test_huge_attribute_and_random_bytes(harness) -> None:
    s = sample("article")
    huge = b'<h1 title="' + b"A" * 5_000_000 + b'">'
    assert harness.run(case(s, s.body.replace(b"<h1>", huge, 1))) == "item"
    noise = bytes(range(256)) * 40
    assert harness.run(case(s, noise)) == "reject:missing:headline,published_at"


def test_article_page_under_a_day_page_url_is_not_an_article(harness) -> None:
    s = sample("article")
    day = fuzz.Case("fixed", "article", "/en/world/2025/04/23/12345", s.body, None, ())
    assert harness.run(day) == "not_article"


# -- regressions found by the fuzzer ------------------------------------------------------
def test_listing_link_with_a_broken_ipv6_host_is_skipped() -> None:
    """``urljoin`` raises on ``http://[x/``: the link is dropped, the page still parsed."""
    now = fuzz.NOW
    bad = '<article class="panel selected-ln"><a href="http://[x/en/world/1-a">t</a></article>'
    good = '<article class="panel selected-ln"><a href="/en/world/1000002-b">t</a></article>'
    page = parse_panel_listing(f"<html><body>{bad}{good}</body></html>", fuzz.BASE + "/en/", now)
    assert [i.url for i in page.items] == [f"{fuzz.BASE}/en/world/1000002-b"]
    search = '<div id="main"><ul><li><a href="http://[x/">t</a></li></ul></div><a rel="next" href="http://[/">n</a>'
    assert parse_search(search, fuzz.BASE + "/search", now).items == []
    rss = b"<rss><channel><item><link>http://[x/</link></item></channel></rss>"
    assert parse_rss(rss, fuzz.BASE + "/feed").items == []


def test_canonical_link_with_markup_in_it_is_ignored() -> None:
    """A canonical ``href`` naming the same article but holding junk must not become the
    record's URL (it would fail the schema and lose the article)."""
    url = "https://fakti.bg/en/world/1040010-synthetic-story"
    page = (
        '<html><head><link rel="canonical" href="https://fakti.bg/en/world/1040010-synth<p class=">'
        "</head><body><article><h1>Mine</h1>"
        '<div class="info"><div class="ndt">Apr 23, 2025 08:03</div></div>'
        '<div class="text"><p>Body.</p></div></article></body></html>'
    )
    result = extract_article(page, "http://127.0.0.1:8765/en/world/1040010-synthetic-story")
    assert isinstance(result, Extracted)
    assert result.fields["url"] == url
