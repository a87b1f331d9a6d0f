"""The fast path (parse up to the article's `</article>`) gives exactly the full-parse result.

Every article page of 300-article replicas (seeds 1 and 2) and every extraction fixture is
extracted both ways; fields and layers must be equal, and the fast path must actually be
taken on the known-markup variants. Edge pages check that it steps aside when it must.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from newsspider.extraction import Rejected
from newsspider.extraction.article import extract_article, extract_fast
from newsspider.replica.generator import SOFIA, Site
from newsspider.replica.pages import Pages

NOW = datetime(2026, 11, 29, 11, 0, tzinfo=SOFIA)
ORIGIN = "http://127.0.0.1:8765"
FIXTURES = Path(__file__).parent / "fixtures" / "extraction"
URL = "https://fakti.bg/bulgaria/123456-slug"


def _same(body, url: str, content_type: str | None = None) -> bool:
    """Assert fast == full (fields, layers, type); whether the fast path was taken."""
    full = extract_article(body, url, content_type=content_type, fast=False)
    default = extract_article(body, url, content_type=content_type)
    fast = extract_fast(body, url, content_type=content_type)
    assert default == full
    assert default.fields == full.fields and default.layers == full.layers
    if fast is not None:
        assert fast == full
    return fast is not None


@pytest.mark.parametrize("seed", [1, 2])
def test_replica_pages_fast_equals_full(seed):
    site = Site(articles=300, seed=seed, now=NOW)
    pages = Pages(site, cache_size=0)
    taken: Counter[tuple[str, bool]] = Counter()
    for a in site.articles:
        for path in filter(None, (a.path, a.amp_path)):
            page = pages.render(path, 2, ORIGIN)
            assert page.status == 200
            kind = "amp" if path == a.amp_path else a.variant
            taken[kind, _same(page.body, "https://fakti.bg" + path, page.content_type)] += 1
    for variant in ("full", "nostructured"):
        assert taken[variant, True] > 0 and taken[variant, False] == 0, taken
    assert taken["broken", True] > 0, taken
    # Redesigned pages lack the §5 markup: the text layer (whole `<body>`) must run.
    assert taken["redesign", True] == 0 and taken["redesign", False] > 0, taken


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.html")), ids=lambda p: p.name)
def test_fixtures_fast_equals_full(path):
    ctype = "text/html; charset=windows-1251" if "cp1251_header" in path.name else None
    _same(path.read_bytes(), URL, ctype)
    _same(path.read_bytes().decode("utf-8", "replace"), URL)


def _page(head: str = "", before: str = "", article: str = "", after: str = "") -> str:
    article = article or (
        "<h1>Synthetic headline</h1><div class=ndt>9 Януари, 2026 23:13</div>"
        "<div class=text><p>Generated paragraph one.</p><p>Generated two.</p></div>"
    )
    return (
        f"<html><head><title>T</title>{head}</head><body>{before}"
        f"<article>{article}</article>{after}</body></html>"
    )


LD = (
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "From LD",'
    ' "datePublished": "2026-01-09T10:00:00+02:00"}</script>'
)
#: ``LD`` naming the page by its ``url``, with another headline.
NAMED_LD = LD.replace("{", f'{{"url": "{URL}", ', 1).replace("From LD", "Named LD")


@pytest.mark.parametrize(
    ("html", "fast"),
    [
        (_page(), True),
        (_page(after="<script>var x = 1;</script>" * 3), True),
        (_page(head=LD, after=LD.replace("From LD", "Later LD")), True),
        # JSON-LD only after the article: the full page decides.
        (_page(after=LD), False),
        # JSON-LD in the `<body>` before the article: a script after the cut may name the page.
        (_page(before=LD), True),
        (_page(before=LD, after=NAMED_LD), False),
        (_page(after=LD.replace("ld+json", "ld&#43;json")), False),
        (_page(after='<script type="text/x" data-a="a>b" src=x/>'), True),
        (_page(after="<script/type=x></script>"), False),
        # A stray `</div>` closes the article early: the same tree either way.
        (
            _page(
                before="<div>",
                article="<h1>H</h1><div class=ndt>9 Януари, 2026 23:13</div>"
                "<div class=text><p>p</p></div></div><p>After the article.</p>",
            ),
            True,
        ),
        # `</article>` inside a script string: the cut is not where the article ends.
        (
            _page(
                article="<h1>H</h1><script>'</article>'</script>"
                "<div class=ndt>9 Януари, 2026 23:13</div><div class=text><p>p</p></div>"
            ),
            False,
        ),
        (_page(after="<html class=ad><body class=x>"), False),
        (_page().replace("<head><title>T</title></head>", ""), False),
        (_page(before="<h1>Site logo</h1>"), False),
        (_page() + "\0", False),
        # Incomplete markup (no date element): the text layer runs on the whole page.
        (_page(article="<h1>H</h1><div class=text><p>p</p></div>"), False),
    ],
)
def test_edge_pages(html, fast):
    assert _same(html.encode("utf-8"), URL) is fast


#: Fragments inserted at random into replica pages by the mutation test (synthetic).
FRAGMENTS = (
    b"</div>", b"</article>", b"<article>", b"<h1>X</h1>", b"</main>", b"</span>", b"</p>",
    b"<table>", b"</body>", b"<html class=ad>", b"<!--", b"-->", b"<script>", b"</script>",
    b"<head>", b"</head>", b"<meta property=og:title content=Q>", b"<aside>",
    b"<div class=related>", b"<li>", b"<textarea>", b"<title>", b"<figure>", b"\xff",
    b"<link rel=canonical href=https://fakti.bg/bulgaria/123456-other>",
    LD.replace("From LD", "Mutant").encode(),
)  # fmt: skip


def test_mutated_pages_fast_equals_full():
    rng = random.Random(8)
    site = Site(articles=60, seed=3, now=NOW)
    pages = Pages(site, cache_size=0)
    bodies = [pages.render(a.path, 2, ORIGIN).body for a in site.articles]
    taken = 0
    for _ in range(300):
        body = bytearray(rng.choice(bodies))
        start = body.find(b"<h1")
        for _ in range(rng.randint(1, 4)):
            near = max(0, min(len(body) - 1, start + rng.randint(-3000, 9000)))
            pos = near if rng.random() < 0.5 else rng.randrange(len(body))
            body[pos:pos] = rng.choice(FRAGMENTS)
        taken += _same(bytes(body), URL)
    assert 100 < taken < 300


def test_the_fast_path_tells_a_card_linking_to_the_mirrors_own_host() -> None:
    """The fast path resolves a card's link against the request URL, as the full parse
    does: an absolute link to the mirror's own host is another story's, whose date is no
    date of the page."""
    url = f"{ORIGIN}/en/world/1050001-bridge-opens"
    card = (
        f'<div class="panel"><a href="{ORIGIN}/en/world/1040091-other">Synthetic other story</a>'
        '<div class="ndt">Jun 14, 2026 10:00</div><div class="nv">99</div></div>'
    )
    page = (
        '<html lang="en"><head><title>Bridge opens - Fakti.bg</title></head><body><main>'
        f"<article><h1>Synthetic bridge opens to traffic</h1>{card}"
        '<div class="text"><p>First synthetic paragraph.</p></div></article></main></body></html>'
    ).encode()
    _same(page, url)
    result = extract_article(page, url)
    assert isinstance(result, Rejected) and result.reason == "missing:published_at"
