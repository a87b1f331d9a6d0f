"""Listing parsers on synthetic fixtures: every value from its own element."""

from __future__ import annotations

import math
import re
import time
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree, html

from newsspider.extraction import listings as L
from newsspider.extraction import patterns as P
from newsspider.extraction.body import collapse
from newsspider.extraction.dates import parse_listing_date
from newsspider.extraction.decode import _codec, decode
from newsspider.extraction.listings import (
    ListingError,
    ListingItem,
    ListingPage,
    clock_from_date_header,
    parse_panel_listing,
    parse_rss,
    parse_search,
)
from newsspider.extraction.numbers import parse_int
from newsspider.extraction.urls import parse_article_url
from newsspider.replica.generator import SOFIA, Site, day_of
from newsspider.replica.pages import Pages

PAGE = "http://127.0.0.1:8765/en/world?page=2"
# 2025-10-26 00:30 UTC is 03:30 +03:00 (before the autumn change) in Sofia.
NOW = datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
REPLICA_NOW = datetime(2026, 11, 29, 11, 0, tzinfo=SOFIA)
ORIGIN = "http://127.0.0.1:8765"
FAST = L._FAST_PATH  # libxml2 2.14+

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


def test_a_next_link_after_the_main_with_rel_in_upper_case_is_read() -> None:
    """`rel="NEXT"` in a footer after `</main>` is the next page (rel is read in any case)."""
    page = (
        b'<html><body><main><article class="panel selected-ln"><a href="/world/123456-x">'
        b'<span class="article-title">A</span></a></article></main><footer>'
        b'<a rel="NEXT" href="/world?page=2">next</a></footer></body></html>'
    )
    assert parse_panel_listing(page, "https://fakti.bg/world", NOW).next_url == (
        "https://fakti.bg/world?page=2"
    )


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


@pytest.mark.parametrize(
    "first",
    ['<a href="">', '<a href="#">', '<a href="javascript:void(0)">', '<a href="/world">World'],
)
def test_the_item_is_the_link_of_its_title(first: str) -> None:
    """A category label or an empty link before the article's link made the item that link:
    dropped, off-site or not an article, the article never discovered."""
    body = (
        f'<article class="panel selected-ln">{first}</a><a href="/world/1000001-a">'
        '<span class="article-title">A</span></a><div class="ndt">16.06.2026</div></article>'
    )
    page = parse_panel_listing(body, "https://fakti.bg/", NOW)
    assert [i.url for i in page.items] == ["https://fakti.bg/world/1000001-a"]


@pytest.mark.parametrize("page", ["https://fakti.bg/world", "https://fakti.bg/"])
@pytest.mark.parametrize(
    "first",
    ['<a href="">x', '<a href="#">share', '<a href="/world">World', '<a href="?page=2">2'],
)
@pytest.mark.parametrize(
    "title",
    [
        '<span class="article-title">A</span>',
        '<a href="#"><span class="article-title">A</span>',
        '<a href="javascript:void(0)"><span class="article-title">A</span>',
    ],
)
def test_an_item_whose_title_holds_no_link_elsewhere_is_its_article_link(
    page: str, first: str, title: str
) -> None:
    """The headline outside the article's link (or in a `#` link): the item's first link was
    taken, a category label or an empty link. Review: on a section page the item was dropped
    without a count; on the home page it became `/world` (not an article); the article was
    never requested."""
    body = (
        f'<article class="panel selected-ln">{first}</a><a href="/world/1000001-a"><img></a>'
        f'{title}</a><div class="ndt">16.06.2026</div></article>'
    )
    (item,) = parse_panel_listing(body, page, NOW).items
    assert (item.url, item.title) == ("https://fakti.bg/world/1000001-a", "A")


def test_an_item_with_no_article_link_is_its_first_link_elsewhere() -> None:
    body = (
        '<article class="panel selected-ln"><a href="#">share</a><a href="/world">World</a>'
        '<a href="//elsewhere.example/x"><span class="article-title">A</span></a></article>'
        '<article class="panel selected-ln"><a href="/world">World</a><a href="">x</a>'
        '<span class="article-title">B</span></article>'
        '<article class="panel selected-ln"><a href="#">share</a>'
        '<span class="article-title">C</span></article>'
    )
    page = parse_panel_listing(body, "http://127.0.0.1:8765/", NOW)
    assert [(i.url, i.title) for i in page.items] == [
        ("http://elsewhere.example/x", "A"),  # (the title's own link: off-site, counted so)
        ("http://127.0.0.1:8765/world", "B"),  # (not an article: counted so)
    ]


def test_a_link_around_the_whole_item_is_not_its_link() -> None:
    """Only links inside the item count: a link wrapping the whole `article` (another card's)
    is not the item's, its own link to the article is."""
    body = (
        '<main><a href="/en/world/1000002-wrapper"><article class="panel selected-ln">'
        '<span class="article-title">Gamma</span> <a href="/en/world/1000001-inner">more</a>'
        "</article></a></main>"
    )
    (item,) = parse_panel_listing(body, PAGE, NOW).items
    assert (item.url, item.title) == (ORIGIN + "/en/world/1000001-inner", "Gamma")


@pytest.mark.parametrize(
    ("ndt", "published", "day_only"),
    [
        ("<span>16.06.2026</span><span>12:38</span>", "2026-06-16T12:38:00+03:00", False),
        ("16.06.2026<br>12:38", "2026-06-16T12:38:00+03:00", False),
        ("Oct 10, 2025 12:00", "2025-10-10T12:00:00+03:00", False),
        ("10 Октомври, 2025 12:00", "2025-10-10T12:00:00+03:00", False),
        ("Окт 10, 2025", "2025-10-10T00:00:00+03:00", True),
        ("<b>днес</b> в <b>12:38</b> ч.", "2025-10-26T12:38:00+02:00", False),
    ],
)
def test_listing_dates_in_parts_or_with_month_names(ndt: str, published: str, day_only: bool):
    """§2: month names are accepted everywhere; parts may be elements of their own. Such an
    item was undated: new at any depth, so a first run fetched every article of the page."""
    body = (
        '<article class="panel selected-ln"><a href="/world/1000001-a"><span class="article'
        f'-title">A</span></a><div class="ndt">{ndt}</div></article>'
    )
    (item,) = parse_panel_listing(body, "https://fakti.bg/", NOW).items
    assert item.published is not None and item.published.isoformat() == published
    assert item.day_only is day_only


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


def test_a_feed_that_is_not_well_formed_xml_is_still_read() -> None:
    """One `&nbsp;` in a title, or a newline before the XML declaration, lost the whole feed;
    an item with only a permalink `guid`, or an ISO or `dc:date` time, was skipped or undated."""
    body = (
        b'\n <?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b"<channel><item><title>A&nbsp;b</title><link>https://fakti.bg/world/1000001-a</link>"
        b"<pubDate>2025-10-26T11:50:00+02:00</pubDate></item>"
        b'<item><guid isPermaLink="true">https://fakti.bg/world/1000002-b</guid>'
        b"<dc:date>2025-10-26T09:00:00Z</dc:date></item>"
        b'<item><guid isPermaLink="false">tag:fakti.bg,1000003</guid></item>'
        b"</channel></rss>"
    )
    page = parse_rss(body, "https://fakti.bg/feed")
    assert [(i.url, i.published.isoformat()) for i in page.items] == [
        ("https://fakti.bg/world/1000001-a", "2025-10-26T11:50:00+02:00"),
        ("https://fakti.bg/world/1000002-b", "2025-10-26T11:00:00+02:00"),
    ]


def test_a_two_letter_html_reference_in_a_feed_is_read_too() -> None:
    """HTML's two-letter names (`&pi;`, `&mu;`) are written as numeric references like
    `&nbsp;`: the feed is read, not lost whole."""
    body = (
        b'<rss version="2.0"><channel><item><title>&pi; and &mu;</title>'
        b"<link>https://fakti.bg/world/1000001-a</link></item></channel></rss>"
    )
    (item,) = parse_rss(body, "https://fakti.bg/feed").items
    assert (item.url, item.title) == ("https://fakti.bg/world/1000001-a", "\u03c0 and \u03bc")


def test_a_guid_that_says_false_in_any_case_is_no_permalink() -> None:
    """`isPermaLink=" FALSE "` (case and spaces aside, "false") makes the `guid` no link: an
    item with only such a `guid` is skipped."""
    body = (
        b'<rss version="2.0"><channel><item><guid isPermaLink=" FALSE ">'
        b"https://fakti.bg/world/1000004-d</guid></item></channel></rss>"
    )
    assert parse_rss(body, "https://fakti.bg/feed").items == []


FEED = (
    '<rss version="2.0"><channel><item><title>Кола на годината</title>'
    "<link>https://fakti.bg/avto/1000001-a</link></item></channel></rss>"
)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (FEED.encode("cp1251"), "application/rss+xml; charset=windows-1251"),
        (FEED.encode("cp1251"), 'text/xml; charset="x-cp1251"'),  # a WHATWG label
        (  # the header outranks the declaration (RFC 7303)
            ('<?xml version="1.0" encoding="utf-8"?>' + FEED).encode("cp1251"),
            "application/xml; charset=cp1251",
        ),
        (FEED.encode("koi8-r"), "application/rss+xml; charset=koi8"),
        (('<?xml version="1.0" encoding="windows-1251"?>' + FEED).encode("cp1251"), None),
        (FEED.encode(), "application/rss+xml"),  # no charset: UTF-8
        (FEED.encode(), "application/rss+xml; charset=rot13"),  # no charset: ignored
    ],
)
def test_a_feed_is_read_in_its_content_type_charset(body: bytes, content_type: str | None) -> None:
    """Review #1: the Content-Type charset was ignored; a windows-1251 feed with no encoding
    in its XML declaration failed (``Invalid bytes in character encoding``) on every run."""
    (item,) = parse_rss(body, "https://fakti.bg/feed/avto", content_type).items
    assert (item.url, item.title) == ("https://fakti.bg/avto/1000001-a", "Кола на годината")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xef\xbb\xbf\n" + ('<?xml version="1.0"?>' + FEED).encode(), None),
        (b"\xef\xbb\xbf \r\n" + ('<?xml version="1.0"?>' + FEED).encode(), "text/xml"),
        (('\ufeff\n<?xml version="1.0" encoding="utf-16"?>' + FEED).encode("utf-16-le"), None),
        (('\ufeff\n<?xml version="1.0" encoding="utf-16"?>' + FEED).encode("utf-16-be"), None),
        # the mark outranks the header: no feed in windows-1251 can start with one
        (
            ('\ufeff\n<?xml version="1.0"?>' + FEED).encode("utf-16-le"),
            "text/xml; charset=windows-1251",
        ),
    ],
)
def test_whitespace_after_a_byte_order_mark_does_not_break_the_feed(
    body: bytes, content_type: str | None
) -> None:
    """Review #2: a newline between the BOM and ``<?xml`` (which ``lstrip`` could not reach)
    failed with "XML declaration allowed only at the start", in UTF-8 and in UTF-16."""
    (item,) = parse_rss(body, "https://fakti.bg/feed/avto", content_type).items
    assert (item.url, item.title) == ("https://fakti.bg/avto/1000001-a", "Кола на годината")


def test_a_feed_whose_charset_decodes_to_lone_surrogates_is_broken_not_an_error() -> None:
    """A label such as ``unicode-escape`` can give text UTF-8 cannot hold: the feed is broken
    (its listings walked), no UnicodeEncodeError out of the callback."""
    (link,) = re.findall(r"<link>.*?</link>", FEED)
    body = f"<rss><channel><item><title>\\ud800</title>{link}</item></channel></rss>".encode()
    with pytest.raises(ListingError):
        parse_rss(body, "https://fakti.bg/feed/avto", "text/xml; charset=unicode-escape")


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


def test_a_date_header_or_pubdate_beyond_the_calendar_is_unusable_not_an_error() -> None:
    """`Fri, 31 Dec 9999 23:59:59 -1200` has no Sofia time: it raised OverflowError, which
    lost the feed (no fallback) and every listing read with such a Date."""
    fallback = datetime(2020, 1, 1, tzinfo=UTC)
    junk = "Fri, 31 Dec 9999 23:59:59 -1200"
    clock = clock_from_date_header(junk.encode(), fallback)
    assert clock.isoformat() == "2020-01-01T02:00:00+02:00"
    body = (
        f"<rss><channel><item><link>https://fakti.bg/world/1000002-b</link><pubDate>{junk}"
        "</pubDate></item><item><link>https://fakti.bg/world/1000001-a</link>"
        "<pubDate>Sun, 26 Oct 2025 11:40:00 +0200</pubDate></item></channel></rss>"
    ).encode()
    page = parse_rss(body, "https://fakti.bg/feed")
    assert [(i.url, i.published and i.published.isoformat()) for i in page.items] == [
        ("https://fakti.bg/world/1000002-b", None),
        ("https://fakti.bg/world/1000001-a", "2025-10-26T11:40:00+02:00"),
    ]


# --- parsing less, same result --------------------------------------------------------------
# Every listing page of small replicas, and mutated pages, give the result of the
# implementation before the fast path (``_reference``: ``lxml.html`` on the decoded text,
# one XPath per field) for str and bytes bodies, with and without the fast path.

_X = etree.XPath


def _cls(name: str) -> str:
    word = f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"
    return f"contains(@class, '{name}') and {word}"


_REF_HREF = _X("descendant::a/@href")
_REF_FIELDS = [
    _X(f"descendant::*[{_cls(c)}]") for c in (P.DATE_CLASS, P.VIEWS_CLASS, P.COMMENTS_CLASS)
]
_REF_TITLE = {
    True: _X(f"descendant::span[{_cls(P.SEARCH_TITLE_CLASS)}]"),
    False: _X(f"descendant::span[{_cls(P.LISTING_TITLE_CLASS)}]"),
}


def _ref_text(nodes: list) -> str | None:
    if not nodes:
        return None
    raw = nodes[0] if isinstance(nodes[0], str) else nodes[0].text_content()
    return collapse(raw) or None


def _ref_join(page_url: str, href: str | None) -> str | None:
    href = (href or "").strip()
    try:
        return urljoin(page_url, href) if href else None
    except ValueError:
        return None


def _ref_place(url: str) -> tuple[str, int | None, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "", None, url
    port = None if port == {"http": 80, "https": 443}.get(parts.scheme) else port
    host = parts.hostname or ""
    host = host[:-1] if host.endswith(".") else host
    return host[4:] if host.startswith("www.") else host, port, parts.path.rstrip("/") or "/"


def _ref_elsewhere(page_url: str, href: str) -> str | None:
    url = _ref_join(page_url, href)
    if url is None or urlsplit(url).scheme not in ("http", "https"):
        return None
    return None if _ref_place(url) == _ref_place(page_url) else url


def _reference(body: bytes | str, page_url: str, search: bool) -> ListingPage | str:
    """The previous implementation: a page, or ``"ListingError"``."""
    text = decode(body) if isinstance(body, bytes) else body
    doc = None
    if text and text.strip():
        try:
            doc = html.document_fromstring(text)
        except (etree.ParserError, ValueError):
            doc = None
    if search and (doc is None or not P.X_SEARCH_MAIN(doc)):
        return "ListingError"
    if doc is None:
        return ListingPage()
    items = []
    for node in (P.X_SEARCH_ITEMS if search else P.X_LISTING_ITEMS)(doc):
        titles = _REF_TITLE[search](node)
        holder = titles[0].xpath("ancestor::a[@href][1]") if titles else []
        url = None
        if holder and node in holder[0].iterancestors():  # the link of the item's title
            url = _ref_elsewhere(page_url, holder[0].get("href"))
        if url is None:  # else its first article link, else its first link elsewhere
            links = [u for h in _REF_HREF(node) if (u := _ref_elsewhere(page_url, h))]
            site = (urlsplit(page_url).netloc,)
            articles = [u for u in links if parse_article_url(u, extra_hosts=site)]
            url = (articles or links or [None])[0]
        if url is None:
            continue
        dates, views, comments = (xpath(node) for xpath in _REF_FIELDS)
        text = _ref_text(dates)
        published = parse_listing_date(text, NOW)
        if published is None and dates and len(dates[0]):  # parts in elements of their own
            text = collapse(" ".join(dates[0].itertext()))
            published = parse_listing_date(text, NOW)
        items.append(
            ListingItem(
                url=url,
                title=_ref_text(_REF_TITLE[search](node)),
                published=published,
                views=parse_int(_ref_text(views)),
                comments=parse_int(_ref_text(comments)),
                day_only=bool(published and not re.search(r"\d:\d\d", text or "")),
                shown=published is not None,
            )
        )
    nexts = P.X_NEXT_HREF(doc)
    return ListingPage(items=items, next_url=_ref_join(page_url, nexts[0]) if nexts else None)


def _outcome(parse, body, page_url: str, **kwargs) -> ListingPage | str:
    try:
        return parse(body, page_url, NOW, **kwargs)
    except ListingError:
        return "ListingError"


def _same(body: bytes, page_url: str = PAGE, content_type: str | None = None) -> list[bool]:
    """Assert every parse of ``body`` equals the reference (``repr``: exact datetimes too);
    whether the fast path applies, for search and for panel parsing."""
    text = decode(body, content_type)
    taken = []
    for search, parse, kind in (
        (True, parse_search, L._SEARCH),
        (False, parse_panel_listing, L._PANEL),
    ):
        expected = repr(_reference(text, page_url, search))
        for fast in (True, False):
            got = _outcome(parse, body, page_url, content_type=content_type, fast=fast)
            assert repr(got) == expected, (search, fast, "bytes")
            assert repr(_outcome(parse, text, page_url, fast=fast)) == expected, (search, fast)
        page = L._page(body, content_type)
        taken.append(page is not None and L._cut(*page, kind) is not None)
    return taken


def _replica_uris(site: Site) -> list[str]:
    """Home, /dnes, every section page and one past the end, some author and day pages,
    every search page and one past the end, a query and a date range."""
    uris = ["/", "/en/", "/dnes", "/en/nowhere"]
    for (lang, section), arts in sorted(site.by_section.items()):
        prefix = "/en" if lang == "en" else ""
        uris += [f"{prefix}/{section}?page={n}" for n in range(1, len(arts) // 20 + 3)]
    for lang, slug in sorted(site.by_author)[:6]:
        uris.append(f"{'/en' if lang == 'en' else ''}/author/{slug}")
    for a in [a for a in site.articles if a.lang == "en"][-40::10]:
        uris.append(f"/en/{a.section}/{day_of(a):%Y/%m/%d}/01234")
    for lang in ("bg", "en"):
        search = f"{'/en' if lang == 'en' else ''}/search?"
        uris += [
            f"{search}q=&sort=date&c=0&page={n}" for n in range(len(site.by_lang[lang]) // 20 + 2)
        ]
        uris += [f"{search}q=a&page=0", f"{search}fromdate=20.11.2026&todate=28.11.2026"]
    return uris


@pytest.mark.parametrize(("seed", "epoch", "empty"), [(1, 2, False), (2, 1, False), (3, 2, True)])
def test_every_replica_listing_page_fast_equals_full(seed: int, epoch: int, empty: bool) -> None:
    site = Site(articles=300, seed=seed, now=REPLICA_NOW, empty_listings=empty)
    pages = Pages(site, cache_size=0)
    for uri in _replica_uris(site):
        page = pages.render(uri, epoch, ORIGIN)
        for content_type in (None, page.content_type):
            taken = _same(page.body, ORIGIN + uri, content_type)
            assert taken == [FAST and page.status == 200] * 2, uri  # both kinds, every page


@pytest.fixture(scope="module")
def replica_pages() -> dict[str, str]:
    """A search page with a next link, the last one, a home and a section page (text)."""
    pages = Pages(Site(articles=120, seed=4, now=REPLICA_NOW), cache_size=0)
    uris = ("/search?q=&page=0", "/en/search?q=&page=2", "/", "/en/world")
    return {uri: pages.render(uri, 2, ORIGIN).body.decode() for uri in uris}


LATE_ITEM = '<a href="/world/1000099-late"><span class="post-title">Late</span></a>'
#: Inserted right after `</main>`: what the fast path must notice (or may ignore).
AFTER_MAIN = [
    f'<div id="main"><ul><li>{LATE_ITEM}<div class="ndt">01.01.2026</div></li></ul></div>',
    f"<div ID = main><li>{LATE_ITEM}</li></div>",
    f"<div id\n=\n'm&#97;in'><li>{LATE_ITEM}</li></div>",
    f"<div id=main2><li>{LATE_ITEM}</li></div>",
    f'<div data-id="main" class="x"><li>{LATE_ITEM}</li></div>',
    f'<body id="main"><li>{LATE_ITEM}</li>',
    "<html id=main>",
    '<a rel="next" href="/late-next">»</a>',
    '<a class=x REL="nofollow next" href="/late-next">»</a>',
    '<a rel="ne&#x78;t" href="/late-next">»</a>',
    '<a rel=next>no href</a><a rel=next href="/second">»</a>',
    f'<article class="panel selected-ln">{LATE_ITEM}<div class="ndt">днес</div></article>',
    f'<ARTICLE CLASS="selected-ln  panel">{LATE_ITEM}</ARTICLE>',
    f'<article class="panel selected&#45;ln">{LATE_ITEM}</article>',
    f"<article class = 'panel\tselected-ln'>{LATE_ITEM}</article>",
    '<script>var a = 1; x = "id=main rel=next";</script>',
    f'<!-- <div id="main"><li>{LATE_ITEM}</li></div> -->',
    "<div>" * 300 + f'<div id="main"><li>{LATE_ITEM}</li></div>',
    "<span>" * 300,
    "<p>\x00</p>",
    '<a title="x > y" rel=next href="/late">',
]
#: Inserted right after `<body>`: a first `</main>` where the cut must not be made.
BEFORE_MAIN = [
    "<!-- </main> -->",
    '<script>document.write("</main>")</script>',
    "<style>/* </main> */</style>",
    "<title></main></title>",
    "<textarea></main></textarea>",
    '<a rel=next title="</main>" href="/in-attribute">x</a>',
    "<newsspider-fast-end></newsspider-fast-end>",
    "<NEWSSPIDER-FAST-END>",
    f'<article class="panel selected-ln"><span class="article-title">Open</span></main>'
    f'{LATE_ITEM}<div class="ndt">днес в 10:00 ч.</div></article>',
    f'<div id="main"><ul><li>{LATE_ITEM}</main><li>{LATE_ITEM}</li></ul></div>',
    "<main></main>",
    "</mainx></MAIN>",
    "<div>" * 300,
    "<svg><![CDATA[ </main> ]]></svg>",
    '<newsspider-fast-end></newsspider-fast-end><a rel=next title="</main>" href="/in-attr">',
]
#: Replaced in every item: the one-pass field lookup must find what the XPaths found.
ITEM_EDITS = [
    ('<span class="post-title">', '<div class="post-title">D</div><span class="post-title">'),
    (
        '<span class="article-title">',
        '<div class="article-title">D</div><span class="article-title">',
    ),
    ("<li><a href=", '<li><b href="/world/1000097-b">b</b><a>no href</a><a href='),
    ('selected-ln"><a href=', 'selected-ln"><b href="/world/1000097-b"></b><a href=""><a href='),
    ('class="ndt"', 'class="x\xa0ndt"'),
    ('class="ndt"', 'class="ndtx"'),
    ('class="nv"', 'class="\tnv\n"'),
    ('class="nv"', 'class="nv\x0c"'),
    ('<div class="nv">', '<div class="nv"><!-- 7 --><b>1</b>'),
    ('<div class="ndt">', '<div class="ndt"><!--x--><div class="ndt">01.01.2026 10:00</div>'),
    ('class="post-title"', "class='post-title' CLASS='x'"),
    ('<span class="post-title">', '<span class="post-title">\udc80'),
]


def _mutations(text: str) -> list[str]:
    main_end = text.index("</main>") + len("</main>")
    body = text.index("<body>") + len("<body>")
    out = [text[:main_end] + s + text[main_end:] for s in AFTER_MAIN]
    out += [text[:body] + s + text[body:] for s in BEFORE_MAIN]
    out += [text[: len(text) * k // 7] for k in range(1, 7)]
    out += [text.replace(old, new) for old, new in ITEM_EDITS]
    main = text.index("<main")
    out += [
        text.replace("</main>", ""),
        text[:main] + "<!--" + text[main:main_end] + "-->" + text[main_end:],
        text[:main] + '<div id="main">' + text[main:main_end] + "</div>" + text[main_end:],
        '<?xml version="1.0" encoding="utf-8"?>' + text,
        "\ufeff" + text,
        text.replace("\n", "\r\n"),
    ]
    return out


def test_mutated_pages_fast_equals_full(replica_pages: dict[str, str]) -> None:
    for uri, text in replica_pages.items():
        for mutated in _mutations(text):
            _same(mutated.encode("utf-8", "surrogateescape"), ORIGIN + uri)
        data = text.encode()
        for bad in (b"\xff", b"\xe2\x82", b"\x00"):  # invalid UTF-8 or NUL, before/after the cut
            in_items = data.replace(b'title">', b'title">' + bad)
            _same(in_items, ORIGIN + uri)
            _same(data[:100] + bad + data[100:], ORIGIN + uri)
            _same(data + bad, ORIGIN + uri, "text/html; charset=utf-8")
        lone = text.replace('title">', 'title">\udc80')  # a lone surrogate: str only
        for search, parse in ((True, parse_search), (False, parse_panel_listing)):
            assert repr(_outcome(parse, lone, ORIGIN)) == repr(_reference(lone, ORIGIN, search))
        cp1251 = text.replace('charset="utf-8"', 'charset="windows-1251"').encode(
            "cp1251", "xmlcharrefreplace"
        )
        assert _same(cp1251, ORIGIN + uri) == [FAST, FAST]
        _same(cp1251, ORIGIN + uri, "text/html; charset=utf-8")  # a header that lies
        _same(text.encode("utf-16"), ORIGIN + uri)


#: A label for each fast codec (``latin1`` and ``ascii`` themselves mean windows-1252).
FAST_LABELS = ["utf-8", "us", "cp1251", "windows-1252", "latin-1", "iso-8859-5", "koi8-r"]


def test_every_fast_codec_has_a_label() -> None:
    assert {_codec(label) for label in FAST_LABELS} == P.FAST_CODECS


@pytest.mark.parametrize("label", FAST_LABELS)
def test_libxml2_reads_fast_codecs_as_python_does(label: str) -> None:
    """Every character of each codec the bytes are parsed in comes out as ``decode`` gives it."""
    codec = _codec(label)
    chars = bytes(range(0x09, 0x100)).decode(codec, "ignore").translate({60: 32, 38: 32, 62: 32})
    chars += "Жё€😀" if codec == "utf-8" else ""
    item = f'<li><a href="/world/1000001-a"><span class="post-title">{chars}</span></a></li>'
    body = f'<html><body><main id="main"><ul>{item}</ul></main><p>{chars}</p></body></html>'
    assert _same(body.encode(codec), PAGE, f"text/html; charset={label}") == [FAST, FAST]


@pytest.mark.skipif(not FAST, reason="the fast path needs libxml2 2.14")
def test_cut_only_where_nothing_after_it_counts(replica_pages: dict[str, str]) -> None:
    """Harmless additions keep the fast path; the page's own kind falls back otherwise."""
    text = replica_pages["/search?q=&page=0"]
    at = text.index("</main>") + len("</main>")
    harmless = f'<div data-id="main" class="x"><li>{LATE_ITEM}</li></div><p>main next &amp;</p>'
    assert _same((text[:at] + harmless + text[at:]).encode()) == [True, True]
    late_main = text[:at] + AFTER_MAIN[0] + text[at:]
    assert _same(late_main.encode()) == [False, True]
    late_panel = text[:at] + AFTER_MAIN[11] + text[at:]
    assert _same(late_panel.encode()) == [True, False]


@pytest.mark.parametrize("unit", ['<p class="x">', "/class=", '<p class=\'a class="b" ', " rel = "])
def test_attribute_scan_after_the_cut_stays_linear(
    replica_pages: dict[str, str], unit: str
) -> None:
    """Many attributes (or long values) after the cut: same result, time linear in size
    (best of 3 each: one run of the suite under load took 30 × for 10 × the size)."""
    text = replica_pages["/"]
    at = text.index("</main>") + len("</main>")
    timings = []
    for n in (10_000, 100_000):
        body = (text[:at] + unit * n + text[at:]).encode()
        best = math.inf
        for _ in range(3):
            start = time.perf_counter()
            page = parse_panel_listing(body, ORIGIN, NOW)
            best = min(best, time.perf_counter() - start)
        timings.append(best)
        assert page == parse_panel_listing(body, ORIGIN, NOW, fast=False)
    assert timings[1] < 30 * timings[0], timings


FRAGMENTS = [
    "<!--", "-->", "</main>", "<main id=main>", '<div id="main">', "<li>", "</li>",
    '<a href="/world/1000098-x">', "</a>", "<script>", "</script>", "<title>", '"', "'",
    '<article class="panel selected-ln">', "</article>", '<a rel="next" href="/n">',
    " rel=next ", " id=main ", "&", "<", ">", "=", '<div class="ndt">днес в 09:15 ч.</div>',
    "<span class=post-title>", "<span class=article-title>", "<p>", "</div>",
]  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    uri=st.sampled_from(["/search?q=&page=0", "/", "/en/search?q=&page=2"]),
    inserts=st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from(FRAGMENTS)), min_size=1, max_size=4
    ),
)
def test_random_fragments_fast_equals_full(
    replica_pages: dict[str, str], uri: str, inserts: list[tuple[float, str]]
) -> None:
    text = replica_pages[uri]
    for where, fragment in inserts:
        at = int(where * len(text))
        text = text[:at] + fragment + text[at:]
    _same(text.encode(), ORIGIN + uri)


def test_links_to_other_pages_of_the_listing_are_not_items() -> None:
    """A pager inside the results (`#main li`) or among the panels points back at this
    listing: those links are not items, an article link beside them still is."""
    search = SEARCH.replace(
        "</ul><a rel",
        '<li class="pager"><a href="/search?q=&amp;page=1">2</a></li>'
        '<li><a href="https://FAKTI.bg/search/?q=&amp;page=5">6</a></li>'
        '<li><a href="https://www.fakti.bg./search?q=&amp;page=6">7</a></li>'
        '<li><a href="https://fakti.bg:443/search?q=&amp;page=7">8</a></li></ul><a rel',
    )
    page = parse_search(search, "https://fakti.bg/search?page=0", NOW)
    assert [i.url for i in page.items] == [
        "https://fakti.bg/bulgaria/1000010-d",
        "https://fakti.bg/sport/1000009-e",
    ]
    panel = PANEL.replace(
        "</main>",
        '<article class="panel selected-ln"><a href="?page=3">3</a></article></main>',
    )
    urls = [i.url for i in parse_panel_listing(panel, PAGE, NOW).items]
    assert urls and not any("page=" in u for u in urls)
    assert urls == [i.url for i in parse_panel_listing(PANEL, PAGE, NOW).items]


@pytest.mark.parametrize(
    "fault",
    [
        b"<item><title>t</title><link>https://fakti.bg/technozone/1108064-ochakva-otbor-yu",  # cut
        b"<item><title>a <b>raw tag</title><link>https://fakti.bg/world/1000002-b</link></item>"
        b"</channel></rss>",
    ],
)
def test_a_feed_cut_short_or_with_a_stray_tag_is_not_recovered(fault: bytes) -> None:
    """Recovery read a feed cut in a link: its cut URL was asked for (a 404 reject for an
    article that exists, its key then seen), where the listings would have found it."""
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>A&nbsp;b</title>'
        b"<link>https://fakti.bg/world/1000001-a</link></item>" + fault
    )
    with pytest.raises(ListingError):
        parse_rss(body, "https://fakti.bg/feed")
