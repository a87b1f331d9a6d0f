"""Listing parsers on synthetic fixtures: every value from its own element."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsspider.extraction.listings import (
    ListingError,
    clock_from_date_header,
    parse_dnes,
    parse_panel_listing,
    parse_rss,
    parse_search,
)

PAGE = "http://127.0.0.1:8765/en/world?page=2"
# 2025-10-26 00:30 UTC is 03:30 +03:00 (before the autumn change) in Sofia.
NOW = datetime(2025, 10, 26, 0, 30, tzinfo=UTC)

PANEL = """<html><body><main>
<article class="panel selected-ln"><a href="/en/world/1000001-alpha-beta?utm_source=x">
 <span class="article-title">Alpha   beta</span></a><div class="ndt">today at 01:05</div>
 <div class="nv">43</div></article>
<article class="selected-ln panel big"><div class="ndt">yesterday at 23:59</div>
 <a href="https://www.fakti.bg/en/amp/world/1000000-gamma"><img src="x.jpg"></a>
 <a href="/en/world/999-other">second link</a>
 <span class="article-title">Gamma</span><div class="nv">2&#160;542</div></article>
<article class="panel selected-ln"><a href="//elsewhere.example/x">Off</a>
 <span class="article-title">Off-site</span><div class="ndt">16.06.2025</div></article>
<article class="panel"><a href="/en/world/5-not-an-item">
 <span class="article-title">No</span></a></article>
<article class="panel selected-ln"><span class="article-title">No link</span></article>
</main><a class="pager" rel="nofollow next" href="/en/world?page=3">Next</a></body></html>"""


def test_panel_listing_items_and_next() -> None:
    page = parse_panel_listing(PANEL.encode(), PAGE, NOW)
    assert [i.url for i in page.items] == [
        "http://127.0.0.1:8765/en/world/1000001-alpha-beta?utm_source=x",
        "https://www.fakti.bg/en/amp/world/1000000-gamma",
        "http://elsewhere.example/x",
    ]
    first, second, third = page.items
    assert (first.title, first.views, first.day_only) == ("Alpha beta", 43, False)
    assert first.published.isoformat() == "2025-10-26T01:05:00+03:00"
    assert second.title == "Gamma"
    assert second.views == 2542
    assert second.published.isoformat() == "2025-10-25T23:59:00+03:00"
    assert third.published.isoformat() == "2025-06-16T00:00:00+03:00"
    assert third.day_only is True
    assert third.views is None
    assert page.next_url == "http://127.0.0.1:8765/en/world?page=3"


def test_relative_date_follows_the_given_clock_not_joined_text() -> None:
    body = (
        '<article class="panel selected-ln"><a href="/world/1-a">'
        '<span class="article-title">A</span></a><div class="ndt">днес в 12:38 ч.</div>'
        '<div class="nv">43</div></article>'
    )
    page = parse_panel_listing(body, "https://fakti.bg/", datetime(2026, 1, 9, 22, 30, tzinfo=UTC))
    # 22:30 UTC on 9 Jan is 00:30 on 10 Jan in Sofia: "today" is the 10th.
    assert page.items[0].published.isoformat() == "2026-01-10T12:38:00+02:00"
    assert page.items[0].views == 43
    assert page.next_url is None


def test_empty_and_garbage_listing() -> None:
    assert parse_panel_listing(b"", PAGE, NOW).items == []
    assert parse_panel_listing(b"<html><body><p>nothing", PAGE, NOW).items == []


SEARCH = """<html><body><div id="main"><ul>
<li><a href="/bulgaria/1000010-d"><span class="post-title">Delta</span></a>
 <div class="ndt">16.06.2026</div><div class="nv">2 542</div><div class="nc">7</div></li>
<li><a href="/sport/1000009-e"><span class="post-title">Epsilon</span></a>
 <div class="ndt">15.06.2026</div><div class="nv">0</div><div class="nc">0</div></li>
</ul><a rel="next" href="/search?q=&amp;page=1">›</a></div>
<ul class="menu"><li><a href="/world">World</a></li></ul></body></html>"""


def test_search_results_only_inside_main() -> None:
    page = parse_search(SEARCH, "https://fakti.bg/search?page=0", NOW)
    assert [(i.url, i.title, i.views, i.comments, i.day_only) for i in page.items] == [
        ("https://fakti.bg/bulgaria/1000010-d", "Delta", 2542, 7, True),
        ("https://fakti.bg/sport/1000009-e", "Epsilon", 0, 0, True),
    ]
    assert page.items[1].published.isoformat() == "2026-06-15T00:00:00+03:00"
    assert page.next_url == "https://fakti.bg/search?q=&page=1"


def test_search_past_the_end_and_not_search() -> None:
    assert parse_search('<div id="main"><p>Няма резултати</p></div>', PAGE, NOW).items == []
    with pytest.raises(ListingError):
        parse_search("<html><body>404</body></html>", PAGE, NOW)


def test_dnes() -> None:
    body = (
        '<a class="list-img" href="/krimi/1000020-z" title="Zeta  title"><picture>'
        '<img src="a.webp"></picture></a><div class="list-sub">lead</div>'
        '<a class="list-img" href=" ">empty</a>'
    )
    page = parse_dnes(body, "https://fakti.bg/dnes")
    assert [(i.url, i.title, i.published) for i in page.items] == [
        ("https://fakti.bg/krimi/1000020-z", "Zeta title", None)
    ]


RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [<!ENTITY boom "EXPANDED">]>
<rss version="2.0"><channel><title>Fakti</title>
<item><title>Eta &amp; &boom; theta</title><link>https://fakti.bg/en/world/1000030-eta</link>
<pubDate>Sun, 26 Oct 2025 03:30:00 +0300</pubDate></item>
<item><title>Iota</title><link>/en/world/1000029-iota</link><pubDate>garbage</pubDate></item>
<item><title>No link</title></item>
</channel></rss>"""


def test_rss_items_without_entity_expansion() -> None:
    page = parse_rss(RSS, "http://127.0.0.1:8765/en/feed")
    assert [i.url for i in page.items] == [
        "https://fakti.bg/en/world/1000030-eta",
        "http://127.0.0.1:8765/en/world/1000029-iota",
    ]
    assert "EXPANDED" not in (page.items[0].title or "")
    assert page.items[0].title == "Eta & theta"
    assert page.items[0].published.isoformat() == "2025-10-26T03:30:00+03:00"
    assert page.items[1].published is None


@pytest.mark.parametrize("body", [b"", b"<html><body>Not found</body></html>", b"<rss><chan"])
def test_broken_feed_raises(body: bytes) -> None:
    with pytest.raises(ListingError):
        parse_rss(body, "https://fakti.bg/feed")


def test_clock_from_date_header() -> None:
    fallback = datetime(2020, 1, 1, tzinfo=UTC)
    clock = clock_from_date_header(b"Sun, 30 Mar 2025 01:15:00 GMT", fallback)
    assert clock.isoformat() == "2025-03-30T04:15:00+03:00"
    assert clock_from_date_header(None, fallback).isoformat() == "2020-01-01T02:00:00+02:00"
    assert clock_from_date_header("nonsense", fallback).year == 2020
