"""Security limits, unit level: site guard, listing guard, entity expansion, hostile text.

The same protections are exercised over real loopback HTTP in ``test_security_e2e.py``.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from scrapy import Request
from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from scrapy.core.spidermw import SpiderMiddlewareManager
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, XmlResponse
from spider_factory import BASE, make_spider

from newsspider.extraction import Extracted, extract_article
from newsspider.extraction.listings import ListingError, parse_rss
from newsspider.loaders import build_item
from newsspider.middlewares.safety import (
    ListingGuardMiddleware,
    SiteGuardMiddleware,
    is_allowed,
)
from newsspider.pipelines.jsonline import json_line
from newsspider.spiders.fakti import FaktiSpider

DATE = "Sun, 26 Oct 2025 10:00:00 GMT"


# -- site guard ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "base", "allowed"),
    [
        (f"{BASE}/en/world/1-x", BASE, True),
        (f"{BASE}/robots.txt", BASE, True),
        ("http://127.0.0.1:8766/en/world/1-x", BASE, False),  # another port
        ("http://127.0.0.2:8765/en/world/1-x", BASE, False),
        ("https://fakti.bg/en/world/1-x", BASE, False),  # the live site is off-site here
        ("http://127.0.0.1:8765@evil.example/x", BASE, False),  # userinfo trick
        ("http://evil.example/?u=http://127.0.0.1:8765/", BASE, False),
        ("https://fakti.bg/world/1-x", "https://fakti.bg", True),
        ("https://www.fakti.bg/world/1-x", "https://fakti.bg", True),
        ("http://fakti.bg./world/1-x", "https://fakti.bg", True),
        ("https://fakti.bg:8443/world/1-x", "https://fakti.bg", False),
        ("https://cdn4.focus.bg/fakti/photos/big/a.jpg", "https://fakti.bg", False),
        ("https://fakti.bg.evil.example/", "https://fakti.bg", False),
        ("file:///etc/passwd", BASE, False),
        ("data:text/html,<h1>x</h1>", BASE, False),
        ("javascript:alert(1)", BASE, False),
        ("mailto:news@fakti.bg", "https://fakti.bg", False),
        ("ftp://fakti.bg/x", "https://fakti.bg", False),
        ("http://[::1/x", BASE, False),  # unparseable
    ],
)
def test_is_allowed(url: str, base: str, allowed: bool) -> None:
    assert is_allowed(url, base) is allowed


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "scheme"),
        ("data:text/html,<h1>x</h1>", "scheme"),
        ("javascript://%0Aalert(1)", "scheme"),  # Scrapy itself refuses "javascript:x"
        ("mailto://news@fakti.bg", "scheme"),
        ("https://evil.example/en/world/1-x", "offsite"),
    ],
)
def test_site_guard_refuses_and_counts(url: str, why: str) -> None:
    spider = make_spider()
    guard = SiteGuardMiddleware.from_crawler(spider.crawler)
    assert guard.process_request(Request(f"{BASE}/en/world/1-x")) is None
    with pytest.raises(IgnoreRequest):
        guard.process_request(Request(url))
    stats = spider.crawler.stats
    assert stats.get_value(f"safety/refused/{why}") == 1
    assert stats.get_value("safety/refused/redirect") is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "mailto:news@fakti.bg"])
def test_scheme_without_slashes_cannot_even_become_a_request(url: str) -> None:
    with pytest.raises(ValueError, match="Missing scheme"):
        Request(url)


def test_site_guard_counts_an_offsite_redirect() -> None:
    spider = make_spider()
    guard = SiteGuardMiddleware.from_crawler(spider.crawler)
    hop = Request("http://127.0.0.1:9/x", meta={"redirect_urls": [f"{BASE}/en/world/1-x"]})
    with pytest.raises(IgnoreRequest):
        guard.process_request(hop)
    assert spider.crawler.stats.get_value("safety/refused/redirect") == 1


def test_site_guard_follows_the_embedded_replica_origin() -> None:
    spider = make_spider(base="https://fakti.bg")
    guard = SiteGuardMiddleware.from_crawler(spider.crawler)
    spider.base_url = "http://127.0.0.1:40001"  # what -a replica=1 does at start
    assert guard.process_request(Request("http://127.0.0.1:40001/en/")) is None
    with pytest.raises(IgnoreRequest):
        guard.process_request(Request("https://fakti.bg/en/"))


def test_site_guard_runs_first_in_the_project_downloader_chain() -> None:
    """Before robots.txt (which would fetch the foreign host's robots.txt) and every handler."""
    spider = make_spider()
    chain = DownloaderMiddlewareManager.from_crawler(spider.crawler).middlewares
    assert isinstance(chain[0], SiteGuardMiddleware)
    names = [type(mw).__name__ for mw in chain]
    assert names.index("SiteGuardMiddleware") < names.index("StrictRobotsTxtMiddleware")


# -- listing guard ------------------------------------------------------------------------
def _panel(hrefs: list[str], next_href: str | None) -> bytes:
    items = "".join(
        f'<article class="panel selected-ln"><a href="{h}"><span class="article-title">T</span>'
        f'</a><div class="ndt">today at 11:00</div></article>'
        for h in hrefs
    )
    nxt = f'<a rel="next" href="{next_href}">next</a>' if next_href else ""
    return f"<html><body>{items}{nxt}</body></html>".encode()


def _search(ids: range, next_page: int) -> bytes:
    items = "".join(
        f'<li><a href="/en/world/{i}-x"><span class="post-title">T</span></a>'
        '<div class="ndt">26.10.2025</div></li>'
        for i in ids
    )
    nxt = f'<a rel="next" href="?page={next_page}">next</a>'
    return f'<html><body><div id="main"><ul>{items}</ul>{nxt}</div></body></html>'.encode()


class Walker:
    """Feeds listing responses to the spider; its output passes the project's listing guard
    (built by Scrapy's spider middleware manager from the project settings)."""

    def __init__(self, spider: FaktiSpider) -> None:
        self.spider = spider
        manager = SpiderMiddlewareManager.from_crawler(spider.crawler)
        self.guard = next(m for m in manager.middlewares if isinstance(m, ListingGuardMiddleware))
        (self.first,) = spider.start_requests_list()
        assert self.guard.get_processed_request(self.first, None) is self.first  # as at start

    def listings(self, request: Request, body: bytes, search: bool = False) -> list[Request]:
        """The next listing requests after ``request`` answered ``body``; articles in
        ``self.articles``."""
        response = HtmlResponse(request.url, body=body, request=request, headers={"Date": DATE})
        callback = self.spider.parse_search if search else self.spider.parse_listing
        out = list(self.guard.process_spider_output(response, callback(response)))
        self.articles = [r.url for r in out if "page" not in r.meta]
        return [r for r in out if "page" in r.meta]


def test_listing_loop_back_to_page_one_is_cut() -> None:
    walker = Walker(make_spider(since="2025-10-20", sections="world", lang="en"))
    (page2,) = walker.listings(walker.first, _panel(["/en/world/1000020-a"], "/en/world?page=2"))
    # page 2 points back to page 1, with a query that Scrapy's duplicate filter would not catch
    back = "/en/world?page=1&utm_source=loop"
    assert walker.listings(page2, _panel(["/en/world/1000019-b"], back)) == []
    assert walker.articles == [f"{BASE}/en/world/1000019-b"]  # the articles still go
    assert walker.spider.crawler.stats.get_value("safety/listing/loop") == 1


def test_listing_next_to_a_page_already_seen_is_cut() -> None:
    walker = Walker(make_spider(since="2025-10-20", sections="world", lang="en"))
    (page2,) = walker.listings(walker.first, _panel(["/en/world/1000020-a"], "?page=2"))
    (page3,) = walker.listings(page2, _panel(["/en/world/1000019-b"], "?page=3"))
    assert walker.listings(page3, _panel(["/en/world/1000018-c"], "?page=2")) == []
    assert walker.spider.crawler.stats.get_value("safety/listing/loop") == 1


def _guard_passes(guard: ListingGuardMiddleware, url: str, page: int, after: str | None) -> bool:
    """Whether the listing guard lets listing page ``url`` go, linked from listing page
    ``after`` (None: a start request)."""
    request = Request(f"{BASE}{url}", meta={"page": page})
    response = None
    if after is not None:
        previous = Request(f"{BASE}{after}", meta={"page": 0})
        response = HtmlResponse(previous.url, body=b"", request=previous)
    return guard.get_processed_request(request, response) is request


def test_a_next_link_to_a_page_another_walk_requested_is_cut() -> None:
    """Any listing page requested this run is not requested again from a next link, even
    from another walk and with a query Scrapy's duplicate filter would not catch."""
    spider = make_spider(since="2025-10-20", lang="en")
    guard = ListingGuardMiddleware.from_crawler(spider.crawler)
    assert _guard_passes(guard, "/en/bulgaria?page=2", 2, None)
    assert _guard_passes(guard, "/en/bulgaria?page=3&utm_source=x", 3, "/en/world?page=3")
    assert not _guard_passes(guard, "/en/bulgaria?page=2&utm_source=x", 2, "/en/world?page=3")
    assert spider.crawler.stats.get_value("safety/listing/loop") == 1


def test_a_loop_back_through_a_trailing_slash_is_cut() -> None:
    """/en/world/?page=1 is page 1 of the walk of /en/world: a link back to it from page 2
    is cut."""
    spider = make_spider(since="2025-10-20", sections="world", lang="en")
    guard = ListingGuardMiddleware.from_crawler(spider.crawler)
    assert _guard_passes(guard, "/en/world?page=2", 2, "/en/world")
    assert not _guard_passes(guard, "/en/world/?page=1", 1, "/en/world?page=2")
    assert spider.crawler.stats.get_value("safety/listing/loop") == 1


def test_a_page_linking_to_its_own_page_number_is_cut() -> None:
    """A stuck pager whose next link is the page itself, in a form never requested (another
    query, a trailing slash), points back: it is cut."""
    spider = make_spider(since="2025-10-20", sections="world", lang="en")
    guard = ListingGuardMiddleware.from_crawler(spider.crawler)
    assert not _guard_passes(guard, "/en/world/?page=3&utm_source=x", 3, "/en/world?page=3")
    assert spider.crawler.stats.get_value("safety/listing/loop") == 1


def test_a_search_page_linking_back_to_an_earlier_page_is_cut() -> None:
    """A search walk is its query without the page: page 3 linking to page 1 of the same
    search points back; page 1 of another date range does not."""
    spider = make_spider(since="2025-10-20", lang="en")
    guard = ListingGuardMiddleware.from_crawler(spider.crawler)
    search = "/en/search?q=a&fromdate=2025-10-20&todate=2025-10-26"
    narrowed = "/en/search?q=a&fromdate=2025-10-20&todate=2025-10-23"
    assert not _guard_passes(guard, f"{search}&page=1", 1, f"{search}&page=3")
    assert _guard_passes(guard, f"{narrowed}&page=1", 4, f"{search}&page=3")
    assert spider.crawler.stats.get_value("safety/listing/loop") == 1


def test_listing_depth_is_bounded() -> None:
    """An endless listing (every page full, ``rel=next`` always) stops at the maximum."""
    spider = make_spider(
        settings={"FAKTI_MAX_LISTING_PAGES": 4}, since="2025-10-20", sections="world", lang="en"
    )
    walker = Walker(spider)
    request: Request | None = walker.first
    walked = 0
    while request is not None and walked < 50:
        walked += 1
        hrefs = [f"/en/world/{1_000_000 + 100 * walked + i}-x" for i in range(20)]
        nexts = walker.listings(request, _panel(hrefs, f"?page={walked + 1}"))
        request = nexts[0] if nexts else None
    assert walked == 4
    assert spider.crawler.stats.get_value("safety/listing/max_pages") == 1


def test_search_pagination_is_bounded_too() -> None:
    spider = make_spider(settings={"FAKTI_MAX_LISTING_PAGES": 2}, since="2025-10-20", lang="en")
    walker = Walker(spider)
    (page1,) = walker.listings(walker.first, _search(range(1_000_100, 1_000_120), 1), True)
    (page2,) = walker.listings(page1, _search(range(1_000_200, 1_000_220), 2), True)
    assert walker.listings(page2, _search(range(1_000_300, 1_000_320), 3), True) == []
    assert spider.crawler.stats.get_value("safety/listing/max_pages") == 1


def test_bad_max_listing_pages_stops_at_start() -> None:
    from newsspider.startup import StartupError

    with pytest.raises(StartupError):
        make_spider(settings={"FAKTI_MAX_LISTING_PAGES": "lots"})


# -- XML entity expansion -----------------------------------------------------------------
LOL = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "lol"}">' for i in range(10))
BILLION_LAUGHS = f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [{LOL}]>
<rss version="2.0"><channel><title>Fakti</title>
<item><title>Head &lol9; line</title><link>/en/world/1000030-eta</link>
<pubDate>Sun, 26 Oct 2025 03:30:00 +0300</pubDate></item>
</channel></rss>""".encode()
XXE = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY word "EXPANDED">]>
<rss version="2.0"><channel><title>Fakti</title>
<item><title>Head &xxe;&word; line</title><link>/en/world/1000030-eta</link></item>
</channel></rss>"""


def test_billion_laughs_feed_is_refused_without_expansion() -> None:
    """10^9 "lol"s (3 GB) are never built: the feed is refused at once as broken."""
    start = time.perf_counter()
    with pytest.raises(ListingError, match="amplification"):
        parse_rss(BILLION_LAUGHS, f"{BASE}/en/feed")
    assert time.perf_counter() - start < 0.5


def test_external_and_internal_entities_are_not_expanded() -> None:
    (item,) = parse_rss(XXE, f"{BASE}/en/feed").items
    assert item.title == "Head line"  # neither /etc/passwd nor "EXPANDED"
    assert item.url == f"{BASE}/en/world/1000030-eta"


def test_billion_laughs_feed_through_the_spider_falls_back_to_listings() -> None:
    spider = make_spider(lang="en")
    request = Request(f"{BASE}/en/feed", meta={"lang": "en", "section": None})
    response = XmlResponse(request.url, body=BILLION_LAUGHS, request=request)
    start = time.perf_counter()
    out = list(spider.parse_feed(response))
    assert time.perf_counter() - start < 0.5
    assert [r.url for r in out] == [f"{BASE}/en/"]  # the home page is walked instead
    assert spider.crawler.stats.get_value("discovery/feeds/unusable") == 1


# -- hostile text, page to output line ----------------------------------------------------
HOSTILE_TEXT = [
    "a\x00b",
    "a&#0;b",
    "a&#xD800;b",
    "a\ud800b",
    "a\u2028b\u2029c\u0085d",
    "a&#x1b;b&#x7f;c",
    "a&#x110000;b",
]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_page_text_gives_one_valid_json_line(text: str) -> None:
    """Page → extraction → item (content hash) → output line, for text JSON lines fear."""
    url = "https://fakti.bg/en/world/1040010-synthetic-story"
    page = (
        f"<html><head><title>{text} - Fakti</title></head><body><article><h1>{text}</h1>"
        '<div class="info"><div class="ndt">Apr 23, 2025 08:03</div></div>'
        f'<div class="text"><p>Body {text} end.</p><p>{"x" * 3_000_000}{text}</p></div>'
        "</article></body></html>"
    )
    for body in (page, page.encode("utf-8", "surrogatepass")):
        result = extract_article(body, url)
        assert isinstance(result, Extracted)
        line = json_line(dict(build_item(result, datetime.now(UTC))))
        decoded = line.decode("utf-8")  # strict
        assert len(decoded.splitlines()) == 1 and decoded.endswith("\n")
        record = json.loads(decoded)
        assert len(record["body"]) > 3_000_000
        assert record["content_hash"].startswith("sha256:")
