"""Spider orchestration with fake responses: modes, windows, stop rules, dedup, fallbacks."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import redis
from scrapy import Request
from scrapy.exceptions import DropItem, IgnoreRequest
from scrapy.http import HtmlResponse, Response, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from spider_factory import BASE
from spider_factory import make_spider as build_spider
from twisted.python.failure import Failure

from newsspider.args import ArgumentError
from newsspider.extensions.exitstatus import exit_status
from newsspider.extensions.health import evaluate
from newsspider.extensions.summary import JOB_LISTED, REFRESH_NOT_DONE, RunContext, summarize
from newsspider.extraction import patterns as P
from newsspider.extraction.dates import SOFIA, instant, sofia_local
from newsspider.extraction.listings import ListingItem, ListingPage
from newsspider.extraction.record import NotArticle
from newsspider.extraction.urls import compact_key
from newsspider.items import ArticleItem, RejectItem
from newsspider.middlewares.safety import ListingGuardMiddleware, TooLarge
from newsspider.pipelines.rejects import RejectDropped
from newsspider.pipelines.writer import write_failure
from newsspider.spiders import fakti as fakti_module
from newsspider.spiders.fakti import FaktiSpider
from newsspider.spiders.paging import FEED_CHECK, SPECULATIVE, FeedCheck
from newsspider.spiders.window import EARLIEST, Coverage, below_bound, shown_span
from newsspider.startup import StartupError

DATE = "Sun, 26 Oct 2025 10:00:00 GMT"  # 12:00 +02:00 in Sofia


class FakeStore:
    """Exported keys (``known``: keys, or keys → published time), the newest export, the
    answer of ``published_since`` and the watermarks."""

    def __init__(self, known=(), newest=None, since=(), marks=None) -> None:
        self._known = known if isinstance(known, dict) else dict.fromkeys(known)
        self._newest = newest
        self._since = list(since)
        self.marks = dict(marks or {})

    def is_empty(self) -> bool:
        return self._newest is None and not self._known

    def newest_published(self, lang=None):
        if lang is None or self._newest is None:
            return self._newest
        times = [at for key, at in self._known.items() if key[0] == lang and at is not None]
        return max(times, default=None) if self._known else self._newest

    def known(self, keys):
        return {k for k in keys if k in self._known}

    def get(self, key):
        if key not in self._known:
            return None
        return SimpleNamespace(published_at=self._known[key], file="f.jsonl")

    def published_since(self, dt):
        return [(k, u) for k, u in self._since if (self._known.get(k) or dt) >= dt]

    def watermarks(self):
        return dict(self.marks)

    def raise_watermarks(self, marks):
        for name, at in marks.items():
            self.marks[name] = max(at, self.marks.get(name, at))


def make_spider(store: FakeStore | None = None, base: str = BASE, **args) -> FaktiSpider:
    return build_spider(base, state=lambda: store or FakeStore(), **args)


def paths(requests) -> list[str]:
    """Request paths; `` [check]`` marks a feed's first listing page read only to check it."""
    out = []
    for r in requests:
        parts = urlsplit(r.url)
        check = " [check]" if FEED_CHECK in r.meta else ""
        out.append(parts.path + (f"?{parts.query}" if parts.query else "") + check)
    return out


def panel(items, next_href=None) -> bytes:
    html = "".join(
        f'<article class="panel selected-ln"><a href="{href}"><span class="article-title">T'
        f'</span></a><div class="ndt">{when}</div><div class="nv">1</div></article>'
        for href, when in items
    )
    nxt = f'<a rel="next" href="{next_href}">next</a>' if next_href else ""
    return f"<html><body>{html}{nxt}</body></html>".encode()


def response(url: str, body: bytes, request: Request, status: int = 200, cls=HtmlResponse):
    return cls(url, body=body, status=status, request=request, headers={"Date": DATE})


def test_bad_argument_stops_at_start(caplog) -> None:
    with pytest.raises(StartupError) as info:
        make_spider(since="26.10.2025")
    assert info.value.code == 1
    assert isinstance(info.value.__cause__, ArgumentError)
    assert "argument since: bad value '26.10.2025'" in caplog.text


def test_an_embedded_replica_per_distributed_worker_is_refused(caplog) -> None:
    """Each worker served its own replica on its own port while they shared their requests:
    the others' URLs were refused as off-site, 72 of 300 articles exported, exit 0."""
    with pytest.raises(StartupError):
        build_spider(BASE, settings={"FAKTI_STATE": "redis://127.0.0.1:6379/0"}, replica="1")
    assert "argument replica=1 cannot be used with a redis:// FAKTI_STATE" in caplog.text


def test_bad_base_url(caplog) -> None:
    with pytest.raises(StartupError):
        make_spider(base="fakti.bg")
    assert "setting FAKTI_BASE_URL: bad value 'fakti.bg'" in caplog.text


def test_unparsable_base_url_is_a_startup_error_too(caplog) -> None:
    with pytest.raises(StartupError):
        make_spider(base="http://[::1")
    assert "setting FAKTI_BASE_URL" in caplog.text


def test_the_base_url_is_taken_in_one_form_the_sites_links_match() -> None:
    """``FAKTI_BASE_URL=http://127.0.0.1:018200`` (port 18200) counted every link of the
    site, written with port 18200, offsite: a review's run wrote nothing and exited 6."""
    spider = make_spider(base="HTTP://127.0.0.1:08765/", since="2025-10-01", sections="world")
    assert (spider.base_url, spider.extra_hosts) == (BASE, ("127.0.0.1:8765",))
    request = spider.start_requests_list()[0]
    assert request.url == f"{BASE}/world"
    body = panel([(f"{BASE}/world/1000010-j", "02.10.2025")])
    out = paths(spider.parse_listing(response(request.url, body, request)))
    assert out[0] == "/world/1000010-j"
    assert spider.crawler.stats.get_value("discovery/links/offsite") is None


def test_loopback_base_turns_politeness_delays_off() -> None:
    spider = make_spider()
    settings = spider.crawler.settings
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is False
    live = make_spider(base="https://fakti.bg")
    assert live.crawler.settings.getbool("AUTOTHROTTLE_ENABLED") is True
    assert live.crawler.settings.getfloat("DOWNLOAD_DELAY") == 1.0


def test_url_mode_fetches_each_key_once_on_base() -> None:
    spider = make_spider(
        url="https://www.fakti.bg/en/amp/world/1000001-a?utm_source=x,"
        "https://fakti.bg/en/world/1000001-other-slug,https://fakti.bg/world/1000001-a"
    )
    requests = spider.start_requests_list()
    assert [r.url for r in requests] == [
        f"{BASE}/en/world/1000001-a",
        f"{BASE}/world/1000001-a",
    ]
    assert spider.crawler.stats.get_value("discovery/articles/duplicate") == 1


def test_since_mode_uses_search_per_lang() -> None:
    spider = make_spider(since="2025-10-01", until="2025-10-20", lang="en")
    (request,) = spider.start_requests_list()
    parts = urlsplit(request.url)
    assert parts.path == "/en/search"
    query = parse_qs(parts.query, keep_blank_values=True)
    assert query["fromdate"] == ["01.10.2025"]
    assert query["todate"] == ["20.10.2025"]
    assert query["page"] == ["0"]
    assert spider.window.floor == sofia_local(2025, 10, 1)
    assert spider.window.upper == sofia_local(2025, 10, 21)


def test_since_with_sections_walks_section_listings() -> None:
    spider = make_spider(since="2025-10-01", sections="world,krimi")
    assert paths(spider.start_requests_list()) == ["/world", "/krimi", "/en/world", "/en/krimi"]


def test_first_run_and_incremental_start_with_feeds() -> None:
    spider = make_spider()
    assert paths(spider.start_requests_list()) == ["/feed", "/en/feed"]
    assert spider.window.first_run == timedelta(days=1)
    newest = sofia_local(2025, 10, 26, 9, 0)
    spider = make_spider(FakeStore(newest=newest), sections="sport", lang="bg")
    assert paths(spider.start_requests_list()) == ["/feed/sport"]
    assert spider.window.skip_known is True
    # a state without watermarks (an older version's): each edition from the newest export
    assert spider.window.marks == {"bg": newest - timedelta(hours=1)}
    assert spider.window.lower(newest, "bg", "sport") == newest - timedelta(hours=1)


def test_a_state_without_watermarks_walks_each_edition_to_its_own_newest_export() -> None:
    """E.g. a state written only by ``url=`` runs: an older English export must not be
    hidden by a newer Bulgarian one."""
    en, bg = sofia_local(2025, 10, 20, 15, 0), sofia_local(2025, 10, 24, 19, 0)
    store = FakeStore(known={("en", 1): en, ("bg", 2): bg}, newest=bg)
    spider = make_spider(store)
    spider.start_requests_list()
    hour = timedelta(hours=1)
    assert spider.window.marks == {"bg": bg - hour, "en": en - hour}


def test_a_state_without_watermarks_never_walks_less_than_a_first_run() -> None:
    """Exports but no watermark (e.g. a first run stopped early): the newest export is no
    bound when it is inside the first-run window; the first-run window is walked."""
    recent = datetime.now(UTC) - timedelta(hours=2)
    spider = make_spider(FakeStore(newest=recent))
    spider.start_requests_list()
    assert spider.window.marks == {}
    assert spider.window.first_run == timedelta(days=1)


def test_a_state_with_watermarks_takes_no_bound_from_its_newest_exports() -> None:
    """An edition's watermark stands, however old its newest export; an edition without
    one gets the first-run window (not its newest export, as a state without any)."""
    mark, old = datetime.now(UTC) - timedelta(hours=2), datetime.now(UTC) - timedelta(days=5)
    store = FakeStore(known={("bg", 1): old, ("en", 2): old}, newest=old, marks={"bg": mark})
    spider = make_spider(store)
    spider.start_requests_list()
    assert spider.window.marks == {"bg": mark - timedelta(hours=1)}
    assert spider.first_scopes == ["en"]


def test_a_newest_export_whose_overlap_reaches_below_the_first_run_bound_is_walked_to() -> None:
    """No watermarks: a newest export 30 minutes inside the first-run window is the bound
    (minus the overlap, it lies below the first-run bound): the lower of the two."""
    newest = datetime.now(UTC) - timedelta(days=1) + timedelta(minutes=30)
    spider = make_spider(FakeStore(newest=newest), lang="bg")
    spider.start_requests_list()
    assert spider.window.marks == {"bg": newest - timedelta(hours=1)}
    assert spider.first_scopes == []


def test_a_first_run_stores_its_bound_at_once_for_the_next_run() -> None:
    """A first run that stops early (no watermark earned) still bounds the next run: it
    walks down to the first run's bound, not to a day before its own start."""
    store = FakeStore()
    spider = make_spider(store, lang="bg")
    (feed,) = spider.start_requests_list()
    body = rss([("/world/1000003-c", "Sun, 26 Oct 2025 10:30:00 +0200")])
    list(spider.parse_feed(response(feed.url, body, feed, cls=XmlResponse)))
    spider._closed(spider, "shutdown")
    bound = SITE_NOON - timedelta(days=1)  # the site's clock: the feed's Date
    assert store.marks == {"bg": bound}
    spider = make_spider(store, lang="bg")
    spider.start_requests_list()
    assert spider.window.marks == {"bg": bound - timedelta(hours=1)}


def test_a_first_runs_bound_is_stored_from_its_first_listing_response_only() -> None:
    """A later page of the run (a later ``Date``) does not raise the stored bound: the
    next run walks down to where this one did."""
    store = FakeStore()
    spider = make_spider(store, lang="bg")
    (feed,) = spider.start_requests_list()
    body = rss([("/world/1000003-c", "Sun, 26 Oct 2025 10:30:00 +0200")])
    [_article, home] = spider.parse_feed(response(feed.url, body, feed, cls=XmlResponse))
    later = {"Date": "Sun, 26 Oct 2025 10:10:00 GMT"}
    list(spider.parse_listing(HtmlResponse(home.url, body=panel([]), request=home, headers=later)))
    assert store.marks == {"bg": SITE_NOON - timedelta(days=1)}
    # the run's site start (report run.site_started): the earliest page's clock, as its marks
    assert spider.crawler.stats.get_value("discovery/site_started") == SITE_NOON.isoformat()


def test_a_first_runs_bound_on_the_spring_clock_change_is_a_whole_day_back() -> None:
    """On the day of the spring change, the day before the page's clock is 24 hours back,
    not 23 (12:00 on the wall clock): the stored bound is never the shorter."""
    store = FakeStore()
    spider = make_spider(store, lang="bg")
    (feed,) = spider.start_requests_list()
    body = rss([("/world/1000003-c", "Sun, 30 Mar 2025 11:30:00 +0300")])
    date = {"Date": "Sun, 30 Mar 2025 09:00:00 GMT"}  # 12:00 in Sofia (+03:00)
    list(spider.parse_feed(XmlResponse(feed.url, body=body, request=feed, headers=date)))
    assert store.marks == {"bg": datetime(2025, 3, 29, 9, 0, tzinfo=UTC)}  # 11:00 (+02:00)


def refreshed(spider: FaktiSpider, date: str = DATE) -> list[str]:
    """The articles a ``refresh=N`` run asks for again: none at start, all on its first
    listing response (an empty home page whose ``Date`` is ``date``), none after it."""

    def articles(requests) -> list[str]:
        return [p for p in paths(requests) if re.search(r"/[0-9]+-", p)]

    assert articles(spider.start_requests_list()) == []
    home = spider._home(spider.args.langs[0])
    page = HtmlResponse(home.url, body=panel([]), request=home, headers={"Date": date})
    asked = articles(spider.parse_listing(page))
    assert articles(spider.parse_listing(page)) == []
    assert spider.crawler.stats.get_value("discovery/refresh") == len(asked)
    return asked


def test_refresh_refetches_recent_articles_from_state() -> None:
    store = FakeStore(
        newest=sofia_local(2025, 10, 26, 9, 0),
        since=[(("bg", 1000005), "https://fakti.bg/world/1000005-x")],
    )
    assert refreshed(make_spider(store, refresh="2")) == ["/world/1000005-x"]


def test_refresh_counts_its_days_back_on_the_sites_clock() -> None:
    """``refresh=2`` counted its days back from our clock: with the site's clock hours or days
    behind (a replica with a moved clock, a machine with a wrong clock), the site's last 2 days
    were not refreshed (review: ``discovery/refresh: 0``, 8 edited articles of the first run
    never written again). They count back from the first listing response's ``Date``, as the
    first-run bound, on the wall clock across the autumn change (48 hours is 12:59 here)."""
    times = {
        ("bg", 1000001): sofia_local(2025, 10, 24, 11, 59),  # 2 days and a minute before
        ("bg", 1000002): sofia_local(2025, 10, 24, 12, 30),
        ("bg", 1000003): sofia_local(2025, 10, 26, 11, 0),
    }
    urls = [(key, f"https://fakti.bg/world/{key[1]}-a") for key in times]
    spider = make_spider(FakeStore(known=times, since=urls), refresh="2", lang="bg")
    assert datetime.now(UTC) - timedelta(days=2) > SITE_NOON  # (the site's clock: days behind)
    assert refreshed(spider) == ["/world/1000002-a", "/world/1000003-a"]


def test_refresh_without_a_listing_response_is_not_done_and_says_so(caplog) -> None:
    """No listing, feed or search page read (all failed): the site's time is unknown, and the
    refresh is left to the next run, with a warning."""
    store = FakeStore(known={("bg", 1): SITE_NOON}, since=[(("bg", 1), f"{BASE}/world/1-a")])
    spider = make_spider(store, refresh="2", lang="bg")
    assert paths(spider.start_requests_list()) == ["/feed"]
    spider._closed(spider, "finished")
    assert spider.crawler.stats.get_value("discovery/refresh") is None
    assert "refresh=2 not done: no listing, feed or search page was read" in caplog.text
    # and in the report's health notes
    now = datetime.now(UTC)
    context = RunContext(now, now, 0.0, "finished", "incremental")
    report = summarize(spider.crawler.stats.get_stats(), context)
    assert report["run"]["refresh_not_done"] == 2
    assert (
        "refresh=2 not done: no listing, feed or search page was read; the next run does it"
        in evaluate(report).notes
    )


@pytest.mark.parametrize(("job_listed", "level"), [(1, "INFO"), (0, "WARNING"), (None, "WARNING")])
def test_a_workers_skipped_refresh_is_a_warning_unless_its_job_listed_articles(
    caplog, monkeypatch, job_listed: int | None, level: str
) -> None:
    """A distributed worker that read no listing page leaves the refresh to the workers of its
    job that did (INFO); when none of them listed articles (or it lost Redis and cannot tell),
    nobody refreshes: a warning, as in one process (review: the job's only worker, INFO)."""
    caplog.set_level(logging.INFO)
    store = FakeStore(known={("bg", 1): SITE_NOON}, since=[(("bg", 1), f"{BASE}/world/1-a")])
    spider = make_spider(store, refresh="2", lang="bg")
    spider.start_requests_list()
    spider.distributed = True
    spider.crawler.stats.set_value(JOB_LISTED, job_listed)
    monkeypatch.setattr(spider, "_raise_watermarks", lambda reason: None)  # (the job's)
    spider._closed(spider, "finished")
    (record,) = [r for r in caplog.records if "refresh=2 not done" in r.getMessage()]
    assert record.levelname == level
    noted = spider.crawler.stats.get_value(REFRESH_NOT_DONE)  # (for the report's notes)
    assert noted == (None if level == "INFO" else 2)


def test_refresh_keeps_to_the_runs_editions_sections_and_dates() -> None:
    times = {
        ("bg", 1000001): sofia_local(2025, 10, 19, 12, 0),  # before `since`
        ("bg", 1000002): sofia_local(2025, 10, 22, 12, 0),
        ("bg", 1000003): sofia_local(2025, 10, 22, 13, 0),  # another section
        ("bg", 1000004): sofia_local(2025, 10, 26, 9, 0),  # after `until`
        ("en", 1000005): sofia_local(2025, 10, 22, 14, 0),  # another edition
    }
    urls = {
        ("bg", 1000001): "https://fakti.bg/world/1000001-a",
        ("bg", 1000002): "https://fakti.bg/world/1000002-b",
        ("bg", 1000003): "https://fakti.bg/sport/1000003-c",
        ("bg", 1000004): "https://fakti.bg/world/1000004-d",
        ("en", 1000005): "https://fakti.bg/en/world/1000005-e",
    }
    store = FakeStore(known=times, since=list(urls.items()))
    spider = make_spider(store, refresh="36500", since="2025-10-20", until="2025-10-25")
    assert refreshed(spider) == ["/world/1000002-b", "/sport/1000003-c", "/en/world/1000005-e"]
    store = FakeStore(known=times, since=list(urls.items()))
    spider = make_spider(store, refresh="36500", sections="world", lang="bg")
    assert refreshed(spider) == ["/world/1000001-a", "/world/1000002-b", "/world/1000004-d"]


def http_failure(resp: Response) -> Failure:
    """A non-2xx response as the errback sees it (Scrapy sets ``failure.request``)."""
    failure = Failure(HttpError(resp, "Ignoring non-200 response"))
    failure.request = resp.request
    return failure


RSS = """<?xml version="1.0"?><rss version="2.0"><channel>{}</channel></rss>"""


def rss(items) -> bytes:
    return RSS.format(
        "".join(
            f"<item><title>x</title><link>{u}</link><pubDate>{d}</pubDate></item>" for u, d in items
        )
    ).encode()


def bg_feed(store: FakeStore, items) -> tuple[FaktiSpider, list[Request]]:
    """A ``lang=bg`` run on ``store`` whose feed lists ``items``: the spider, and what the
    feed's response asks for next."""
    spider = make_spider(store, lang="bg")
    (feed,) = spider.start_requests_list()
    body = rss(items)
    return spider, list(spider.parse_feed(response(feed.url, body, feed, cls=XmlResponse)))


def test_a_link_with_an_overlong_id_is_no_article_and_blocks_nothing() -> None:
    """20 digits fit no 64-bit key (the state store would raise): counted, skipped."""
    at = sofia_local(2025, 10, 26, 11, 0)
    spider = make_spider(FakeStore(marks={"bg": at, "en": at}))
    (feed, _) = spider.start_requests_list()
    body = rss(
        [
            ("https://fakti.bg/world/99999999999999999999-x", "Sun, 26 Oct 2025 11:55:00 +0200"),
            ("https://fakti.bg/world/1000003-c", "Sun, 26 Oct 2025 11:50:00 +0200"),
            ("https://fakti.bg/world/1000000-z", "Sun, 26 Oct 2025 10:30:00 +0200"),
        ]
    )
    out = list(spider.parse_feed(response(feed.url, body, feed, cls=XmlResponse)))
    assert paths(out) == ["/world/1000003-c", "/world/1000000-z", "/ [check]"]
    assert spider.crawler.stats.get_value("discovery/links/not_article") == 1


def test_incremental_feed_reaching_the_watermark_is_enough() -> None:
    at = sofia_local(2025, 10, 26, 11, 0)  # floor: 10:00
    store = FakeStore(known={("bg", 1000002): at}, marks={"bg": at, "en": at})
    spider = make_spider(store)
    (feed, _) = spider.start_requests_list()
    body = rss(
        [
            ("https://fakti.bg/world/1000003-c", "Sun, 26 Oct 2025 11:50:00 +0200"),
            ("https://elsewhere.example/world/1000009-z", "Sun, 26 Oct 2025 11:49:00 +0200"),
            ("https://fakti.bg/world/1000002-b", "Sun, 26 Oct 2025 11:40:00 +0200"),
            ("https://fakti.bg/world/1000001-a", "Sun, 26 Oct 2025 10:30:00 +0200"),  # overlap
            ("https://fakti.bg/world/1000000-z", "Sun, 26 Oct 2025 09:59:00 +0200"),
        ]
    )
    out = list(spider.parse_feed(response(feed.url, body, feed, cls=XmlResponse)))
    assert paths(out) == ["/world/1000003-c", "/world/1000001-a", "/ [check]"]  # covered
    stats = spider.crawler.stats
    assert stats.get_value("discovery/links/offsite") == 1
    assert stats.get_value("discovery/items/known") == 1  # exported: not fetched again
    assert stats.get_value("discovery/items/old") == 1


def test_a_feed_is_read_in_the_charset_its_content_type_names() -> None:
    """A windows-1251 feed whose XML declaration names no encoding, served as
    ``charset=windows-1251``, was read as UTF-8: broken on every run (its listings walked)."""
    spider = make_spider(lang="bg", sections="avto")
    (feed,) = spider.start_requests_list()
    items = [("/avto/1000003-c", "Sun, 26 Oct 2025 11:50:00 +0200")]
    body = rss(items).replace(b"<title>x</title>", "<title>Кола</title>".encode("cp1251"))
    headers = {"Date": DATE, "Content-Type": "application/rss+xml; charset=windows-1251"}
    served = XmlResponse(feed.url, body=body, request=feed, headers=headers)
    out = list(spider.parse_feed(served))
    assert paths(out)[0] == "/avto/1000003-c"
    assert spider.crawler.stats.get_value("discovery/feeds/ok") == 1
    assert spider.crawler.stats.get_value("discovery/feeds/unusable") is None


def test_an_export_above_the_watermark_does_not_end_the_walk() -> None:
    """An article exported by a ``url=`` run (or another scope's, or a run stopped early)
    is skipped, but what is listed below it is still walked; an export below the floor
    (its state date is exact) ends the walk like an old item."""
    mark = sofia_local(2025, 10, 26, 9, 0)  # floor: 08:00
    exported = {("bg", 1000002): sofia_local(2025, 10, 26, 11, 40)}
    exported[("bg", 1000004)] = sofia_local(2025, 10, 26, 7, 59)
    spider, out = bg_feed(
        FakeStore(known=exported, marks={"bg": mark}),
        [
            ("/world/1000003-c", "Sun, 26 Oct 2025 11:50:00 +0200"),
            ("/world/1000002-b", "Sun, 26 Oct 2025 11:40:00 +0200"),
            ("/world/1000001-a", "Sun, 26 Oct 2025 11:30:00 +0200"),
        ],
    )
    assert paths(out) == ["/world/1000003-c", "/world/1000001-a", "/"]  # home: walk on
    spider, out = bg_feed(
        FakeStore(known=exported, marks={"bg": mark}),
        [
            ("/world/1000005-e", "Sun, 26 Oct 2025 11:50:00 +0200"),
            ("/world/1000002-b", "Sun, 26 Oct 2025 08:40:00 +0200"),  # in the overlap
            ("/world/1000004-d", "Sun, 26 Oct 2025 00:00:00 +0300"),  # listed by day only
        ],
    )
    assert paths(out) == ["/world/1000005-e", "/ [check]"]
    assert spider.crawler.stats.get_value("discovery/items/old") == 1


def test_a_known_date_only_article_of_the_floors_day_does_not_end_the_walk() -> None:
    """A BG form C article (state time 00:00) exported today, e.g. by a ``sections=`` or
    ``url=`` run: it may stand for any time of its day, so it is below the floor only once
    the whole day is (as for a listed item); what is listed below it is still walked."""
    mark = sofia_local(2025, 10, 26, 9, 0)  # floor: 08:00
    today, yesterday = sofia_local(2025, 10, 26), sofia_local(2025, 10, 25)
    exported = {("bg", 1000002): today, ("bg", 1000004): yesterday}
    spider, out = bg_feed(
        FakeStore(known=exported, marks={"bg": mark}),
        [
            ("/world/1000003-c", "Sun, 26 Oct 2025 11:50:00 +0200"),
            ("/world/1000002-b", "Sun, 26 Oct 2025 00:00:00 +0300"),
            ("/world/1000001-a", "Sun, 26 Oct 2025 08:30:00 +0200"),
        ],
    )
    assert paths(out) == ["/world/1000003-c", "/world/1000001-a", "/ [check]"]
    assert spider.crawler.stats.get_value("discovery/items/known") == 1  # not old
    assert spider.crawler.stats.get_value("discovery/items/old") is None
    spider, found = bg_feed(
        FakeStore(known=exported, marks={"bg": mark}),
        [
            ("/world/1000005-e", "Sun, 26 Oct 2025 11:30:00 +0200"),
            ("/world/1000006-f", "Sun, 26 Oct 2025 08:30:00 +0200"),  # in the overlap
            ("/world/1000004-d", "Sat, 25 Oct 2025 00:00:00 +0300"),  # a whole day below
        ],
    )
    out = paths(found)
    assert out == ["/world/1000005-e", "/world/1000006-f", "/ [check]"]  # enough
    assert spider.crawler.stats.get_value("discovery/items/old") == 1


def test_watermarks_are_per_edition_and_section() -> None:
    bg, sport, en = (sofia_local(2025, 10, 26, h, 0) for h in (6, 9, 11))
    store = FakeStore(known={("en", 1): en}, marks={"bg": bg, "bg/sport": sport, "en": en})
    spider = make_spider(store, sections="sport,avto")
    spider.start_requests_list()
    hour = timedelta(hours=1)
    window, now = spider.window, sofia_local(2025, 10, 26, 12, 0)
    assert window.lower(now, "bg") == bg - hour
    assert window.lower(now, "bg", "sport") == sport - hour  # the higher of the two marks
    assert window.lower(now, "bg", "avto") == bg - hour
    assert window.lower(now, "en", "avto") == en - hour
    fresh = make_spider(FakeStore(known={("en", 1): en}, marks={"en": en}), lang="all")
    fresh.start_requests_list()  # bg was never walked completely: the first-run window
    assert fresh.window.lower(now, "bg") == now - timedelta(days=1)
    assert fresh.window.has_mark("en") and not fresh.window.has_mark("bg")


def test_feed_not_reaching_old_items_falls_back_to_home() -> None:
    store = FakeStore(newest=sofia_local(2025, 10, 20, 11, 0))
    spider = make_spider(store, lang="en")
    (feed,) = spider.start_requests_list()
    body = rss([("/en/world/1000003-c", "Sun, 26 Oct 2025 11:50:00 +0200")])
    out = list(spider.parse_feed(response(feed.url, body, feed, cls=XmlResponse)))
    assert paths(out) == ["/en/world/1000003-c", "/en/"]


def test_a_feed_that_lists_nothing_is_unusable() -> None:
    """A well-formed feed without items is counted unusable, and the listings are walked."""
    spider = make_spider(lang="bg", sections="avto")
    (feed,) = spider.start_requests_list()
    out = list(spider.parse_feed(response(feed.url, rss([]), feed, cls=XmlResponse)))
    assert paths(out) == ["/avto"]
    assert spider.crawler.stats.get_value("discovery/feeds/unusable") == 1
    assert spider.crawler.stats.get_value("discovery/feeds/ok") is None


def test_missing_or_broken_feed_is_not_fatal() -> None:
    spider = make_spider(lang="bg", sections="avto")
    (feed,) = spider.start_requests_list()
    out = list(spider.parse_feed(response(feed.url, b"<rss", feed)))
    assert paths(out) == ["/avto"]
    missing = response(feed.url, b"<html>Not found</html>", feed, status=404)
    out = list(feed.errback(http_failure(missing)))
    assert paths(out) == ["/avto"]
    assert spider.crawler.stats.get_value("discovery/feeds/unusable") == 2


def test_first_run_listing_stops_at_window_using_date_header() -> None:
    spider = make_spider(lang="bg", sections="world")
    spider.start_requests_list()
    request = spider._listing("bg", "world")
    body = panel(
        [
            ("/world/1000010-j", "днес в 11:59 ч."),
            ("/world/1000009-i", "вчера в 12:01 ч."),
            ("/world/1000008-h", "вчера в 11:59 ч."),
        ],
        next_href="/world?page=2",
    )
    out = list(spider.parse_listing(response(request.url, body, request)))
    # Date header: 26 Oct 12:00 Sofia; the last day starts 25 Oct 12:00 Sofia.
    assert paths(out) == ["/world/1000010-j", "/world/1000009-i", "/world?page=2"]
    assert out[0].meta["fakti_floor"] == sofia_local(2025, 10, 25, 12, 0)
    older = panel([("/world/1000007-g", "вчера в 11:00 ч.")], next_href="/world?page=3")
    assert list(spider.parse_listing(response(out[-1].url, older, out[-1]))) == []  # the end


def test_listing_follows_next_until_old_and_dedups_keys() -> None:
    spider = make_spider(since="2025-10-01", sections="world", lang="en")
    (request,) = spider.start_requests_list()
    body = panel(
        [
            ("/en/world/1000010-j", "today at 09:00"),
            ("https://www.fakti.bg/en/amp/world/1000010-j", "today at 09:00"),
            (f"{BASE}/en/world/1000009-i?utm_source=fb", "02.10.2025"),
            ("/en/world/2025/10/02/00001", "02.10.2025"),
        ],
        next_href="https://fakti.bg/en/world?page=2",
    )
    out = list(spider.parse_listing(response(request.url, body, request)))
    assert paths(out) == ["/en/world/1000010-j", "/en/world/1000009-i", "/en/world?page=2"]
    assert spider.crawler.stats.get_value("discovery/links/not_article") == 1
    page2 = out[-1]
    body = panel([("/en/world/1000008-h", "01.10.2025"), ("/en/world/1000007-g", "30.09.2025")])
    out = list(spider.parse_listing(response(page2.url, body, page2)))
    assert paths(out) == ["/en/world/1000008-h", "/en/world?page=3"]  # it listed a new one
    body = panel([("/en/world/1000006-f", "30.09.2025")], next_href="/en/world?page=4")
    assert list(spider.parse_listing(response(out[-1].url, body, out[-1]))) == []  # the end


def test_an_empty_listing_page_with_a_next_link_is_walked_past() -> None:
    """§4: the last page has no `rel=next`; an empty page with one is not the last."""
    spider = make_spider(since="2025-10-01", sections="world", lang="en")
    (request,) = spider.start_requests_list()
    out = list(spider.parse_listing(response(request.url, panel([], "/en/world?page=2"), request)))
    assert paths(out) == ["/en/world?page=2"]
    out = list(spider.parse_listing(response(out[0].url, panel([]), out[0])))
    assert out == []  # empty and no next link: the end


def test_a_listing_page_that_repeats_earlier_pages_ends_the_walk_as_a_gap() -> None:
    """A site that ignores `?page=N` would keep a walk going to FAKTI_MAX_LISTING_PAGES; the
    pages below cannot be reached: a gap. One such page was let through (20 articles may
    have been published since page 1): a page 2 stuck on page 1's items once, with a link to
    page 3, lost page 2's articles for good, exit 0 (review of bad listing pages)."""
    spider = make_spider(since="2025-10-01", sections="world", lang="en")
    (request,) = spider.start_requests_list()
    items = [(f"/en/world/10000{n:02d}-x", "today at 09:00") for n in range(20, 40)]
    out = list(spider.parse_listing(response(request.url, panel(items), request)))
    assert len(out) == 21 and paths(out)[-1] == "/en/world?page=2"  # a full page: walk on
    again = list(spider.parse_listing(response(out[-1].url, panel(items), out[-1])))
    assert again == []
    assert spider.crawler.stats.get_value("discovery/listing_repeated") == 1
    assert spider.coverage is not None and spider.coverage.gaps == [
        f"listing {out[-1].url} repeats earlier pages"
    ]


def test_a_page_shifted_by_new_articles_walks_on_unless_wholly_repeated() -> None:
    """A page 2 that repeats part of page 1 (new articles pushed them down) walks on; one
    that repeats all of it (a page's worth published between two fetches, or a stuck page)
    is a gap: the next run walks again, where letting it through could lose a page."""
    spider = make_spider(since="2025-10-01", sections="world", lang="en")
    (request,) = spider.start_requests_list()
    first = [(f"/en/world/10000{n:02d}-x", "today at 09:00") for n in range(40, 60)]
    older = [(f"/en/world/10000{n:02d}-x", "25.10.2025") for n in range(20, 40)]
    out = list(spider.parse_listing(response(request.url, panel(first), request)))
    shifted = list(
        spider.parse_listing(response(out[-1].url, panel(first[5:] + older[:5]), out[-1]))
    )
    assert len(shifted) == 5 + 1  # its 5 new articles and page 3
    assert not spider.coverage.gaps
    stuck = list(spider.parse_listing(response(shifted[-1].url, panel(first), shifted[-1])))
    assert stuck == [] and spider.coverage.gaps == [
        f"listing {shifted[-1].url} repeats earlier pages"
    ]


def _walk_world(
    items_of: Callable[[int], list[tuple[str, str]]],
    exported: dict | None = None,
    asked: set | None = None,
    link_short: bool = True,
    most: int = 10,
) -> tuple[FaktiSpider, list]:
    """An incremental ``bg/world`` walk (floor 08:00, the page clock 12:00) of pages
    ``items_of(1)``, ``items_of(2)``... each linking to the next, until one links no further:
    the spider and each page's article paths. Article 1000001 was exported on 20 Oct, and so
    were the ``exported`` ones (key → publication time); the ``asked`` keys were asked for
    before the walk (from the feed). Without ``link_short`` only full pages link to the next;
    ``most`` pages at most are read."""
    mark = sofia_local(2025, 10, 26, 9, 0)
    exported = {("bg", 1000001): sofia_local(2025, 10, 20, 10, 0), **(exported or {})}
    spider = make_spider(
        FakeStore(known=exported, marks={"bg": mark, "bg/world": mark}), lang="bg", sections="world"
    )
    spider.start_requests_list()
    spider.seen_keys.update(compact_key(key) for key in asked or ())
    request, walked = spider._listing("bg", "world"), []
    while request is not None and len(walked) < most:
        n = len(walked) + 1
        items = items_of(n)
        linked = link_short or len(items) >= 20
        body = panel(items, f"/world?page={n + 1}" if linked else None)
        out = list(spider.parse_listing(response(request.url, body, request)))
        walked.append([path for path in paths(out) if "page=" not in path])
        request = next((r for r in out if "page=" in r.url), None)
    return spider, walked


def _main_list(n: int) -> list[tuple[str, str]]:
    """Page ``n`` of a section, newest first: 20 items from 11:58 (page 1), 10:58 (2) and so
    on, an hour a page (page 4 and below: under the 08:00 floor)."""
    return [(f"/world/10{n}{i:02d}00-x", f"днес в {12 - n:02d}:{58 - i:02d} ч.") for i in range(20)]


@pytest.mark.parametrize("where", ["pinned", "late", "exported", "last"])
def test_an_older_story_among_newer_ones_does_not_end_a_section_walk(where: str) -> None:
    """One older story among new ones (pinned, listed late with its earlier time, an export
    promoted again; at the top or the bottom of the page) said nothing of page 2, whose
    articles were lost for good (the walk ended, the watermark moved past them, no gap)."""
    older = {"pinned": "01.10.2025", "late": "днес в 06:30 ч.", "exported": "днес в 11:59 ч."}
    at = {"pinned": 0, "late": 1, "exported": 0, "last": 20}

    def items_of(n: int) -> list[tuple[str, str]]:
        items = _main_list(n)
        if n == 1:
            items.insert(at[where], ("/world/1000001-a", older.get(where, "днес в 06:30 ч.")))
        return items

    spider, walked = _walk_world(items_of)
    assert [len(page) for page in walked] == [20, 20, 20, 20, 0]  # ends a page below the floor
    assert not spider.coverage.gaps


def test_a_page_ending_in_older_items_ends_the_walk_without_another_page() -> None:
    """The page where the list crosses the floor: no page after it is asked for."""
    crossing = [
        (f"/world/10{i:02d}000-x", f"днес в {8 - i // 10:02d}:{50 - i} ч.") for i in range(20)
    ]
    spider, walked = _walk_world(lambda n: crossing if n == 1 else _main_list(n))
    assert not spider.coverage.gaps
    assert walked == [[f"/world/10{i:02d}000-x" for i in range(10)]]  # 08:50..08:41 only


def test_two_older_stories_on_a_page_not_in_a_row_do_not_end_a_section_walk() -> None:
    """A pinned story at the top and one listed late at the bottom: newer items between
    them break their run, so the page ends in one old item only and page 2 is read."""

    def items_of(n: int) -> list[tuple[str, str]]:
        items = _main_list(n)
        if n == 1:
            items = [
                ("/world/1000001-a", "01.10.2025"),
                *items,
                ("/world/1000002-b", "днес в 06:30 ч."),
            ]
        return items

    spider, walked = _walk_world(items_of)
    assert [len(page) for page in walked] == [20, 20, 20, 20, 0]
    assert not spider.coverage.gaps


def test_an_undated_export_above_the_floor_breaks_a_run_of_older_stories() -> None:
    """An exported article listed without a date, published above the floor, is a newer
    item: the older stories before and after it are no run of two, and page 2 is read."""

    def items_of(n: int) -> list[tuple[str, str]]:
        items = _main_list(n)
        if n == 1:
            items += [
                ("/world/1000002-b", "днес в 06:30 ч."),
                ("/world/1000003-c", ""),  # exported: 10:00
                ("/world/1000004-d", "днес в 06:20 ч."),
            ]
        return items

    exported = {("bg", 1000003): sofia_local(2025, 10, 26, 10, 0)}
    spider, walked = _walk_world(items_of, exported=exported)
    assert [len(page) for page in walked] == [20, 20, 20, 20, 0]
    assert not spider.coverage.gaps


@pytest.mark.parametrize("why", ["asked for already", "exported", "repeated"])
def test_an_older_story_among_newer_ones_not_to_fetch_does_not_end_a_walk(why: str) -> None:
    """Page 1's newer items gave no request: asked for already (from the feed, the home page,
    refresh=), exported by a run that stopped early, or listed again by page 2 (shifted by new
    articles). One pinned story among them ended the walk: 50 to 80 of 100 new articles lost
    in the review's crawls, with no gap."""
    pinned = ("/world/1000001-a", "01.10.2025")
    first = _main_list(1)
    keys = {("bg", int(path.split("/")[2].split("-")[0])) for path, _ in first}
    shifted = {1: first, 2: [pinned, *first[10:], *_main_list(2)[:10]]}  # 10 newer since

    def items_of(n: int) -> list[tuple[str, str]]:
        if why == "repeated":
            return shifted.get(n) or _main_list(n - 1)
        return [pinned, *_main_list(n)]

    spider, walked = _walk_world(
        items_of,
        exported=dict.fromkeys(keys, sofia_local(2025, 10, 26, 11, 0)) if why == "exported" else {},
        asked=keys if why == "asked for already" else set(),
    )
    expected = {"asked for already": [0, 20, 20, 20, 0], "exported": [0, 20, 20, 20, 0]}
    expected["repeated"] = [20, 10, 10, 20, 20, 0]  # page 2 repeats page 1's last 10
    assert [len(page) for page in walked] == expected[why]
    assert not spider.coverage.gaps


def test_pages_repeating_page_one_with_its_pinned_story_are_a_gap() -> None:
    """A site that ignores ``?page=`` with a pinned story on page 1: page 2 (all of page 1
    again) ended the walk as if it reached the floor, with no gap, and the watermark moved."""
    page = [("/world/1000001-a", "01.10.2025"), *_main_list(1)]
    spider, walked = _walk_world(lambda n: page)
    assert [len(p) for p in walked] == [20, 0]
    assert spider.coverage.gaps == [f"listing {BASE}/world?page=2 repeats earlier pages"]


def test_an_old_story_shown_twice_or_after_a_repeated_page_does_not_end_a_walk() -> None:
    """Twice at the bottom of page 1 (the list and a block), one story counted as two old
    items; on a page that repeats page 1 (stale, or shifted by 19 new articles), one late
    story was all that page listed new: either ended the walk, 60 articles lost, no gap."""
    late = ("/world/1000002-b", "днес в 06:30 ч.")
    _, twice = _walk_world(lambda n: [*_main_list(n), late, late] if n == 1 else _main_list(n))
    assert [len(page) for page in twice] == [20, 20, 20, 20, 0]
    stale = [*_main_list(1)[1:], late]
    _, shifted = _walk_world(lambda n: stale if n == 2 else _main_list(max(n - 1, 1)))
    assert [len(page) for page in shifted] == [20, 0, 20, 20, 20, 0]


def test_a_listing_without_dates_ends_its_walk_as_a_gap() -> None:
    """A listing whose items show no date (a renamed date element) was walked to
    FAKTI_MAX_LISTING_PAGES (10,000 pages a section): nothing said where the floor was."""
    spider, walked = _walk_world(lambda n: [(p, "") for p, _ in _main_list(n)])
    assert [len(page) for page in walked] == [20, 20, 20]
    assert spider.coverage.gaps == [f"listing {BASE}/world?page=3 shows no dates"]
    assert spider.crawler.stats.get_value("discovery/listing_undated") == 1


def test_a_listing_without_dates_that_ends_with_a_short_page_is_no_gap() -> None:
    """The bound on undated pages raised a gap on walks that ended normally (a short last
    page, then an empty one), listing or search alike."""
    sizes = {1: 20, 2: 20, 3: 5}
    spider, walked = _walk_world(
        lambda n: [(p, "") for p, _ in _main_list(n)[: sizes.get(n, 0)]], link_short=False
    )
    assert [len(page) for page in walked] == [20, 20, 5, 0]
    assert not spider.coverage.gaps


def test_undated_pages_of_exported_articles_are_no_blind_walk() -> None:
    """Pages whose items show no date but are all exported (their times known) tell where
    the walk is: no gap, the walk goes on down to the page below the floor."""

    def items_of(n: int) -> list[tuple[str, str]]:
        return [(path, "") for path, _ in _main_list(n)] if n <= 3 else _main_list(n)

    at = sofia_local(2025, 10, 26, 10, 0)
    exported = {
        ("bg", int(p.split("/")[2].split("-")[0])): at for n in (1, 2, 3) for p, _ in _main_list(n)
    }
    spider, walked = _walk_world(items_of, exported=exported)
    assert [len(page) for page in walked] == [0, 0, 0, 20, 0]  # page 5: under the floor
    assert spider.coverage.gaps == []


def test_an_empty_page_breaks_a_run_of_undated_pages() -> None:
    """Two pages without dates, then an empty one the site linked to (and one more): the
    empty page shows no dates for lack of items, not a changed date markup: no gap."""
    undated = [[(path, "") for path, _ in _main_list(n)] for n in (1, 2)]
    spider, walked = _walk_world(lambda n: undated[n - 1] if n <= 2 else [])
    assert [len(page) for page in walked] == [20, 20, 0, 0]
    assert spider.coverage.gaps == []
    assert spider.crawler.stats.get_value("discovery/listing_undated") is None


def test_a_run_whose_pages_listed_no_article_moves_no_watermark() -> None:
    """Listings that lost their items (exit status 5) moved the watermarks: once the site
    was back, the articles of the outage were never asked for (operator review). A section
    that is empty among others that list articles is a complete walk, as before (a gap for
    it held every watermark of every run back: review of dac77c9)."""
    empty = make_spider(FakeStore(), since="2025-10-20", lang="bg", sections="avto,sport")
    for request in empty.start_requests_list():
        list(empty.parse_listing(response(request.url, panel([]), request)))
    empty._closed(empty, "finished")
    assert empty.store is None or empty.store.marks == {}
    assert not empty.coverage.gaps and not empty.coverage.listed
    store = FakeStore()
    spider = make_spider(store, since="2025-10-20", lang="bg", sections="avto,sport")
    for request in spider.start_requests_list():
        items = [("/sport/1000001-a", "19.10.2025 10:00")] if "sport" in request.url else []
        list(spider.parse_listing(response(request.url, panel(items), request)))
    spider._closed(spider, "finished")
    assert set(store.marks) == {"bg/avto", "bg/sport"}


def test_a_broken_section_listing_is_named_as_why_the_watermarks_are_held() -> None:
    """A section's first page lists nothing though the feed showed its articles: the note
    of the held watermarks (stats, log) names that section."""
    store = FakeStore(marks={"bg": SITE_NOON})
    spider = make_spider(store, lang="bg", sections="world")
    spider.start_requests_list()
    spider.coverage.saw_articles(["bg", "bg/world"])  # (as the feed showed them)
    request = spider._listing("bg", "world")
    list(spider.parse_listing(response(request.url, panel([]), request)))
    spider._closed(spider, "finished")
    assert store.marks == {"bg": SITE_NOON}
    assert spider.crawler.stats.get_value("discovery/watermarks_held") == (
        "the first page of bg/world listed nothing, though the run saw its articles elsewhere"
    )


def test_a_scraper_bug_is_a_gap_of_its_own_crawl_while_it_runs() -> None:
    """Scrapy's scraper logs the request whose output it lost, with its spider: that spider
    (not another crawl's in the same process) notes the gap, from its opening to its closing."""
    spiders = [make_spider(lang="bg"), make_spider(lang="bg")]
    scraper = logging.getLogger(fakti_module.SCRAPER_LOGGER)
    for spider in spiders:
        spider.start_requests_list()
        spider._opened(spider)
    lost = spiders[0]._listing("bg", "world")
    scraper.error(fakti_module.SCRAPER_BUG, {"request": lost}, extra={"spider": spiders[0]})
    # another of the scraper's errors (a callback's, noted by its own signal) is none
    error = "Spider error processing %(request)s (referer: %(referer)s)"
    scraper.error(error, {"request": lost, "referer": None}, extra={"spider": spiders[1]})
    for spider in spiders:
        spider._closed(spider, "finished")
    held = f"Scrapy's scraper lost the output of {BASE}/world"
    assert spiders[0].crawler.stats.get_value("discovery/watermarks_held") == held
    assert spiders[1].coverage.gaps == []
    assert not {s.logged_losses for s in spiders} & set(scraper.handlers)


def test_a_signal_handler_that_raises_is_a_gap() -> None:
    """Scrapy only logs an exception of a signal handler (a fault-injection review: the
    pipelines lost a record and ``_item_error``, or the ``Coverage.hold`` it calls, raised;
    a listing callback raised and ``_spider_error`` raised: the hold or the gap was lost, the
    watermarks moved past the articles, exit 0). Now any handler that raises while the spider
    runs is a gap of its own: its spider's, or, sent without one (as most signals are),
    every open spider's; not after the spider closed."""
    spiders = [make_spider(lang="bg"), make_spider(lang="bg")]
    for spider in spiders:
        spider.start_requests_list()
        spider._opened(spider)
    first, second = (spider.crawler for spider in spiders)

    def broken(**_: object) -> None:
        raise RuntimeError("a bug in a handler")

    signal = object()
    first.signals.connect(broken, signal=signal)
    first.signals.send_catch_log(signal, spider=spiders[0])
    assert (spiders[0].coverage.gaps, spiders[1].coverage.gaps) == (
        [f"error in the signal handler {broken.__qualname__}"],
        [],
    )
    first.signals.send_catch_log(signal)  # (no spider: every open spider's)
    assert (len(spiders[0].coverage.gaps), len(spiders[1].coverage.gaps)) == (2, 1)
    for spider in spiders:
        spider._closed(spider, "finished")
    second.signals.connect(broken, signal=signal)
    second.signals.send_catch_log(signal)
    assert len(spiders[1].coverage.gaps) == 1
    held = f"error in the signal handler {broken.__qualname__}"
    assert spiders[0].crawler.stats.get_value("discovery/watermarks_held") == f"{held}; {held}"


def test_a_run_that_read_no_listing_page_says_so_as_why_the_watermarks_are_held() -> None:
    """A run that ended ``finished`` without having read a listing, feed or search page
    moves no watermark, and its note (stats, log) says why."""
    store = FakeStore(marks={"bg": SITE_NOON})
    spider = make_spider(store, lang="bg")
    spider.start_requests_list()
    spider._closed(spider, "finished")
    assert store.marks == {"bg": SITE_NOON}
    assert spider.crawler.stats.get_value("discovery/watermarks_held") == (
        "no listing page was read"
    )


def test_an_empty_later_page_of_a_section_is_no_broken_listing() -> None:
    """Only an empty page 1 says a section's listing broke: an empty page 2 (the end of
    the list) holds no watermark."""
    spider, walked = _walk_world(lambda n: _main_list(n) if n == 1 else [], link_short=False)
    assert [len(page) for page in walked] == [20, 0, 0]  # (the empty page, then the end)
    assert spider.coverage.gaps == [] and spider.coverage.empty == set()
    assert spider.coverage.broken() == []


def test_an_empty_first_page_with_a_pager_counts_as_empty() -> None:
    """Item markup changed, pager kept: the walk went on to page 2, so page 1 was never
    recorded as empty, and every watermark moved (136 of 243 new articles lost: review of
    dad6813)."""
    spider = make_spider(FakeStore(marks={"bg": SITE_NOON}), lang="bg", sections="world")
    spider.start_requests_list()
    spider.coverage.saw_articles(["bg", "bg/world"])  # (as the feed showed them)
    request = spider._listing("bg", "world")
    out = paths(spider.parse_listing(response(request.url, panel([], "/world?page=2"), request)))
    assert out == ["/world?page=2"]
    assert spider.coverage.broken() == ["bg/world"]


def test_pages_each_shifted_by_one_item_end_once_they_list_only_old_ones() -> None:
    """Each page the one before shifted by one item (19 listed before, one new): once below
    the floor, the items listed before counted as newer, and the walk never ended."""

    def when(i: int) -> str:  # items 0-19 from 11:58 a minute apart, then yesterday's
        return f"днес в 11:{58 - i:02d} ч." if i < 20 else f"вчера в {i % 24:02d}:00 ч."

    spider, walked = _walk_world(
        lambda n: [(f"/world/1{i:05d}00-x", when(i)) for i in range(n - 1, n + 19)], most=40
    )
    assert [len(page) for page in walked] == [20] + [0] * 20  # ends at page 21, all old
    assert not spider.coverage.gaps


def test_a_new_item_after_an_old_list_does_not_keep_a_walk_going() -> None:
    """A page ending in a fresh item (a "latest news" block in the same markup) after a main
    list below the floor: the walk ends there, not at FAKTI_MAX_LISTING_PAGES."""
    spider, walked = _walk_world(
        lambda n: [*_main_list(n), ("/world/1999999-x", "днес в 11:59 ч.")]
    )
    assert [len(page) for page in walked] == [21, 20, 20, 20, 0]
    assert not spider.coverage.gaps


def test_search_stops_at_a_page_with_old_results_only() -> None:
    """Search results older than `since` (a site that ignores `fromdate`): the walk ends at
    the first page with nothing newer, not at FAKTI_MAX_LISTING_PAGES."""
    spider = make_spider(since="2025-10-20", lang="en")
    (request,) = spider.start_requests_list()

    def results(*items: tuple[str, str]) -> bytes:
        lis = "".join(
            f'<li><a href="{h}"><span class="post-title">T</span></a>'
            f'<div class="ndt">{d}</div></li>'
            for h, d in items
        )
        nxt = '<a rel="next" href="/en/search?page=9">›</a>'
        return f'<div id="main"><ul>{lis}</ul>{nxt}</div>'.encode()

    mixed = results(("/en/world/1000011-k", "21.10.2025"), ("/en/world/1000010-j", "19.10.2025"))
    out = list(spider.parse_search(response(request.url, mixed, request)))
    assert paths(out)[0] == "/en/world/1000011-k" and "/en/search" in paths(out)[-1]
    old = results(("/en/world/1000009-i", "18.10.2025"))
    assert list(spider.parse_search(response(out[-1].url, old, out[-1]))) == []


def test_a_feed_reaching_old_items_only_through_a_repromoted_story_is_not_enough() -> None:
    """Items from 10:50 on, then one story of 24 October: any item below the floor made the
    feed enough, so what was published between the watermark (09:00) and 10:50 was never
    looked for. It must reach back into the overlap (08:00-09:00) the last run covered."""
    _, out = bg_feed(
        FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)}),
        [
            ("/world/1000012-c", "Sun, 26 Oct 2025 11:50:00 +0200"),
            ("/world/1000011-b", "Sun, 26 Oct 2025 10:50:00 +0200"),
            ("/world/1000001-a", "Fri, 24 Oct 2025 10:00:00 +0300"),
        ],
    )
    assert paths(out) == ["/world/1000012-c", "/world/1000011-b", "/"]  # home walked


def test_a_feed_entirely_below_the_watermark_is_not_enough() -> None:
    """A feed that stopped updating proves nothing of what was published since: the
    listings are walked."""
    mark = sofia_local(2025, 10, 26, 11, 0)
    _spider, found = bg_feed(
        FakeStore(marks={"bg": mark}), [("/world/1000001-a", "Sun, 19 Oct 2025 10:00:00 +0300")]
    )
    out = paths(found)
    assert out == ["/"]


def test_a_feed_with_nothing_after_the_watermark_is_not_enough() -> None:
    """It stalled after the last run: items inside the overlap prove nothing of what came
    since, so the listings are walked (a quiet hour costs the listing pages)."""
    mark = sofia_local(2025, 10, 26, 11, 0)  # floor 10:00
    _spider, found = bg_feed(
        FakeStore(marks={"bg": mark}),
        [
            ("/world/1000002-b", "Sun, 26 Oct 2025 10:50:00 +0200"),  # inside the overlap
            ("/world/1000001-a", "Sun, 26 Oct 2025 09:00:00 +0200"),
        ],
    )
    out = paths(found)
    assert out == ["/world/1000002-b", "/"]


def test_a_feed_whose_newest_item_is_at_the_watermark_itself_is_not_enough() -> None:
    """An item at the watermark's very second was there for the last run: the feed lists
    nothing since it, so the listings are walked."""
    _, out = bg_feed(
        FakeStore(marks={"bg": sofia_local(2025, 10, 26, 11, 0)}),
        [
            ("/world/1000002-b", "Sun, 26 Oct 2025 11:00:00 +0200"),
            ("/world/1000001-a", "Sun, 26 Oct 2025 10:30:00 +0200"),  # inside the overlap
        ],
    )
    assert paths(out) == ["/world/1000002-b", "/world/1000001-a", "/"]


def test_a_feed_item_at_the_floors_very_second_reaches_into_the_overlap() -> None:
    """Floor 10:00:00 (watermark 11:00): a feed item of 10:00:00 is inside the overlap, so
    a feed with it and a newer item is enough by its dates (checked by the home page)."""
    _, out = bg_feed(
        FakeStore(marks={"bg": sofia_local(2025, 10, 26, 11, 0)}),
        [
            ("/world/1000002-b", "Sun, 26 Oct 2025 11:50:00 +0200"),
            ("/world/1000001-a", "Sun, 26 Oct 2025 10:00:00 +0200"),
        ],
    )
    assert paths(out) == ["/world/1000002-b", "/world/1000001-a", "/ [check]"]


def test_a_section_feed_listing_another_sections_articles_is_not_enough() -> None:
    """The sport feed listing world articles (new, and inside the overlap) says nothing
    of sport: its listing is walked, not just read as a check."""
    mark = sofia_local(2025, 10, 26, 11, 0)
    store = FakeStore(marks={"bg": mark, "bg/sport": mark, "bg/world": mark})
    spider = make_spider(store, lang="bg", sections="sport,world")
    feed = next(r for r in spider.start_requests_list() if r.url.endswith("/feed/sport"))
    body = rss(
        [
            ("/world/1000002-b", "Sun, 26 Oct 2025 11:50:00 +0200"),
            ("/world/1000001-a", "Sun, 26 Oct 2025 10:30:00 +0200"),
        ]
    )
    out = spider.parse_feed(response(feed.url, body, feed, cls=XmlResponse))
    assert paths(out) == ["/world/1000002-b", "/world/1000001-a", "/sport"]


def test_a_date_only_feed_item_inside_the_overlap_does_not_make_the_feed_enough() -> None:
    """A BG form C article's ``pubDate`` is 00:00 however late it was published: a watermark
    at 00:30 put it inside the overlap (23:30-00:30), so the feed passed as reaching back to
    the last run, the listings were not walked, and 41 of 91 new articles of a replica were
    never asked for (the feed holds 50)."""
    _, out = bg_feed(
        FakeStore(marks={"bg": sofia_local(2025, 10, 26, 0, 30)}),
        [
            ("/world/1000012-c", "Sun, 26 Oct 2025 11:50:00 +0200"),
            ("/world/1000011-b", "Sun, 26 Oct 2025 00:00:00 +0300"),
        ],
    )
    assert paths(out) == ["/world/1000012-c", "/world/1000011-b", "/"]  # home walked


def _checked_feed(store: FakeStore, **args) -> tuple[FaktiSpider, Request]:
    """A ``lang=bg`` spider (watermark 11:00) whose feed was enough by its dates (items
    10:30 to 11:50): the spider and the home page request that checks the feed."""
    spider = make_spider(store, **args)
    feed = spider.start_requests_list()[0]
    body = rss(
        [
            ("/world/1000013-d", "Sun, 26 Oct 2025 11:50:00 +0200"),
            ("/sport/1000012-c", "Sun, 26 Oct 2025 11:10:00 +0200"),
            ("/world/1000011-b", "Sun, 26 Oct 2025 10:30:00 +0200"),
        ]
    )
    out = list(spider.parse_feed(response(feed.url, body, feed, cls=XmlResponse)))
    check = out[-1]
    assert paths(out)[-1].endswith(" [check]")
    return spider, check


def test_a_feed_enough_by_its_dates_is_checked_against_its_first_listing_page(caplog) -> None:
    """A feed that leaves out articles (a category it omits, a hole) passed as enough
    whenever its dates did: a replica feed without one article lost it for good (the next
    run's watermark was past it). The home page is read too: an article it shows inside the
    feed's time span that the feed lacks means the listings are walked."""
    mark = {"bg": sofia_local(2025, 10, 26, 11, 0), "en": sofia_local(2025, 10, 26, 11, 0)}
    store = FakeStore(marks=mark)
    spider, home = _checked_feed(store, lang="bg")
    complete = panel(
        [
            ("/world/1000014-e", "Днес 11:55"),  # after the feed: asked for, not missing
            ("/world/1000013-d", "Днес 11:50"),
            ("/sport/1000012-c", "Днес 11:10"),
            ("/world/1000011-b", "Днес 10:30"),
            ("/world/1000010-a", "Днес 09:00"),  # before the feed's span
        ]
    )
    out = paths(spider.parse_listing(response(home.url, complete, home)))
    assert out == ["/world/1000014-e"]  # no section listings (09:00: below the floor)
    assert spider.crawler.stats.get_value("discovery/feeds/incomplete") is None

    spider, home = _checked_feed(store, lang="bg")
    holed = panel([("/world/1000013-d", "Днес 11:50"), ("/sport/1000009-z", "Днес 11:20")])
    out = paths(spider.parse_listing(response(home.url, holed, home)))
    assert out[0] == "/sport/1000009-z" and "/world" in out and "/sport" in out
    assert spider.crawler.stats.get_value("discovery/feeds/incomplete") == 1
    assert "the bg feed leaves out 1 article(s)" in caplog.text


def test_a_section_feed_is_checked_against_the_sections_first_page() -> None:
    mark = sofia_local(2025, 10, 26, 11, 0)  # floor: 10:00
    store = FakeStore(marks={"bg": mark, "bg/world": mark})
    spider, page1 = _checked_feed(store, lang="bg", sections="world")
    assert paths([page1]) == ["/world [check]"]
    recent = [("/world/1000013-d", "Днес 11:50")] * 20
    out = paths(spider.parse_listing(response(page1.url, panel(recent, "/world?page=2"), page1)))
    assert out == ["/world?page=2"]  # not down to the floor: page 2 is walked
    assert spider.crawler.stats.get_value("discovery/feeds/unchecked") == 1
    spider, page1 = _checked_feed(store, lang="bg", sections="world")
    reaching = [*recent[:19], ("/world/1000011-b", "Днес 09:30")]
    out = paths(spider.parse_listing(response(page1.url, panel(reaching, "/world?page=2"), page1)))
    assert out == []
    assert spider.crawler.stats.get_value("discovery/feeds/unchecked") is None


def _home_check(shown, store: FakeStore | None = None) -> tuple[FaktiSpider, list[str]]:
    """A ``lang=bg`` feed enough by its dates (10:30 to 11:50, watermark 11:00, floor
    10:00), then its home page showing ``shown``: the spider and what the home page asks for
    next."""
    mark = sofia_local(2025, 10, 26, 11, 0)
    spider, home = _checked_feed(store or FakeStore(marks={"bg": mark}), lang="bg")
    return spider, paths(spider.parse_listing(response(home.url, panel(shown), home)))


def test_a_home_page_that_does_not_reach_the_floor_cannot_vouch_for_the_feed() -> None:
    """More new articles than the home page holds: it shows nothing below 10:40, so an
    article the feed omits between the floor and 10:40 would be on no page read (a replica
    of 2,300 articles whose feeds omit a section lost one, exit 0)."""
    spider, out = _home_check(
        [("/world/1000013-d", "Днес 11:50"), ("/sport/1000012-c", "Днес 11:10")]
    )
    assert "/world" in out and "/sport" in out  # the sections are walked
    assert spider.crawler.stats.get_value("discovery/feeds/unchecked") == 1


@pytest.mark.parametrize("where", ["first", "last"])
def test_an_older_story_on_the_home_page_does_not_make_it_reach_the_floor(where: str) -> None:
    """Any item at or below the floor made the home page vouch for the feed, though a
    curated page with one promoted older story shows nothing of what lies between: with one
    such story added to a 2,300-article replica's home page, a krimi article the feeds
    omitted was lost again, exit 0. The page must be newest first down to the floor."""
    recent = [("/world/1000013-d", "Днес 11:50"), ("/sport/1000012-c", "Днес 11:10")]
    old = ("/bulgaria/900001-x", "Вчера 20:00")
    spider, out = _home_check([old, *recent] if where == "first" else [*recent, old])
    assert "/world" in out and "/sport" in out  # the sections are walked
    assert spider.crawler.stats.get_value("discovery/feeds/unchecked") == 1


def listed(*parts: int) -> tuple[float, float]:
    """The span of a Sofia wall-clock time as a listing page shows it (to the minute)."""
    return shown_span(sofia_local(*parts), shown=True)


def test_the_order_of_a_check_page_counts_only_above_the_floor() -> None:
    """26 Oct 2025: a home page newest first shows 03:10 of the repeated hour's second pass,
    which reads as its first (an hour earlier), above 03:40: out of order, so every run
    walked every section until those items scrolled off, though they lie below the floor."""
    at = {hhmm: listed(2025, 10, 26, *hhmm) for hhmm in [(6, 0), (5, 50)]}
    floor = instant(sofia_local(2025, 10, 26, 5, 30))
    second_pass, first_pass = listed(2025, 10, 26, 3, 10), listed(2025, 10, 26, 3, 40)
    check = FeedCheck(frozenset({1, 2}), ((1, at[(6, 0)][0]), (2, at[(5, 50)][0])))
    shown = [(1, at[(6, 0)]), (2, at[(5, 50)]), (3, second_pass), (4, first_pass)]
    assert check.covers(shown, floor)
    assert not check.covers([(2, at[(5, 50)]), (1, at[(6, 0)]), (3, second_pass)], floor)
    # a promoted older story first does not switch the order check off
    shuffled = [(9, first_pass), (2, at[(5, 50)]), (1, at[(6, 0)]), (3, second_pass)]
    assert not check.covers(shuffled, floor)
    assert check.covers([(9, first_pass), *shown], floor)


def test_an_item_of_the_feeds_last_minute_is_not_taken_for_a_hole() -> None:
    """The feed's newest item at 11:10:45, the page showing a newer article at 11:10 (pages
    show minutes): it was counted as left out, and every section was walked."""
    newest = instant(sofia_local(2025, 10, 26, 11, 10, 45))
    oldest = instant(sofia_local(2025, 10, 26, 10, 30))
    check = FeedCheck(frozenset({1, 5}), ((1, newest), (5, oldest)))
    floor = instant(sofia_local(2025, 10, 26, 10, 0))
    minute = listed(2025, 10, 26, 11, 10)
    assert check.left_out([(1, minute), (2, minute)], floor) == 0
    assert check.left_out([(3, listed(2025, 10, 26, 11, 9))], floor) == 1


def test_a_check_page_item_of_the_floors_minute_may_lie_above_it() -> None:
    """Floor 11:00:30: an item the page shows as 11:00 may be 11:00:45, above it. It made the
    page reach the floor (the walk ended after page 1, its page 2 never read, the watermark
    moved past it), and was never counted as left out (review of c6d99c8)."""
    floor = instant(sofia_local(2025, 10, 26, 11, 0, 30))
    check = FeedCheck(
        frozenset({1, 2}),
        (
            (1, instant(sofia_local(2025, 10, 26, 11, 50))),
            (2, instant(sofia_local(2025, 10, 26, 11, 1))),
        ),
    )
    page = [(1, listed(2025, 10, 26, 11, 50)), (2, listed(2025, 10, 26, 11, 1))]
    assert not check.covers([*page, (3, listed(2025, 10, 26, 11, 0))], floor)
    assert check.covers([*page, (3, listed(2025, 10, 26, 10, 59))], floor)
    older = check._replace(timed=(*check.timed, (4, instant(sofia_local(2025, 10, 26, 10, 30)))))
    assert older.left_out([*page, (3, listed(2025, 10, 26, 11, 0))], floor) == 1
    assert older.left_out([*page, (3, listed(2025, 10, 26, 10, 59))], floor) == 0


def test_a_feed_item_at_the_floors_very_second_must_be_on_the_check_page() -> None:
    """The feed's item of 10:00:00, the floor itself, lies in the time the page must cover:
    a page without it cannot vouch for the feed."""
    floor = instant(sofia_local(2025, 10, 26, 10, 0))
    check = FeedCheck(
        frozenset({1, 2}), ((1, instant(sofia_local(2025, 10, 26, 11, 50))), (2, floor))
    )
    page = [(1, listed(2025, 10, 26, 11, 50)), (3, listed(2025, 10, 26, 9, 59))]
    assert not check.covers(page, floor)
    assert check.covers([page[0], (2, listed(2025, 10, 26, 10, 0)), page[1]], floor)


def test_an_old_or_exported_item_the_feed_lacks_proves_no_hole() -> None:
    """Only what lies above the floor and inside the feed's span counts: an item of 09:00
    (the last run covered it) or of yesterday (an older story the feed re-promotes widens the
    span) made every run walk every section."""
    mark = sofia_local(2025, 10, 26, 11, 0)
    store = FakeStore(known={("bg", 1000009): sofia_local(2025, 10, 26, 9, 0)}, marks={"bg": mark})
    shown = [
        ("/world/1000013-d", "Днес 11:50"),
        ("/sport/1000012-c", "Днес 11:10"),
        ("/world/1000011-b", "Днес 10:30"),
        ("/avto/1000009-z", "Днес 09:00"),  # exported, below the floor, not in the feed
    ]
    spider, out = _home_check(shown, store)
    assert out == []
    assert spider.crawler.stats.get_value("discovery/feeds/incomplete") is None


@pytest.mark.parametrize("status", [404, 410])
def test_a_section_check_page_that_does_not_exist_leaves_the_feed_standing(status: int) -> None:
    """A section page 1 that does not exist is no gap (as in a walk: nothing is listed
    there); the fix above made it one, and every watermark stopped (review)."""
    mark = sofia_local(2025, 10, 26, 11, 0)
    store = FakeStore(marks={"bg": mark, "bg/world": mark})
    spider, check = _checked_feed(store, lang="bg", sections="world")
    assert list(check.errback(http_failure(response(check.url, b"", check, status=status)))) == []
    assert spider.coverage is not None and not spider.coverage.gaps
    assert spider.crawler.stats.get_value("discovery/feeds/unchecked") == 1


def test_a_section_check_page_robots_txt_forbids_leaves_the_feed_standing() -> None:
    """A section page 1 that robots.txt forbids is not ours to read, as in a walk: no gap,
    the feed stands (unchecked)."""
    mark = sofia_local(2025, 10, 26, 11, 0)
    store = FakeStore(marks={"bg": mark, "bg/world": mark})
    spider, check = _checked_feed(store, lang="bg", sections="world")
    failure = Failure(IgnoreRequest("Forbidden by robots.txt"))
    failure.request = check
    assert list(check.errback(failure)) == []
    assert spider.coverage is not None and spider.coverage.gaps == []
    assert spider.crawler.stats.get_value("discovery/feeds/unchecked") == 1


@pytest.mark.parametrize("section", [None, "world"])
def test_a_check_page_that_cannot_be_read_walks_the_sections_or_is_a_gap(
    section: str | None, caplog
) -> None:
    """The home page answering 503 made the whole run a gap (no watermark moved, as long as
    it stayed down), and nothing was walked. Now the sections are walked instead. A section's
    own page 1 has no way round: its feed was trusted, and a stale feed moved the watermark
    past 2 of 17 articles, lost (review); now that walk is a gap."""
    mark = sofia_local(2025, 10, 26, 11, 0)
    store = FakeStore(marks={"bg": mark, "bg/world": mark})
    spider, check = _checked_feed(store, lang="bg", **({"sections": section} if section else {}))
    out = paths(check.errback(http_failure(response(check.url, b"", check, status=503))))
    assert out == ([] if section else [f"/{name}" for name in sorted(P.SECTIONS)])
    assert spider.coverage is not None
    assert spider.coverage.gaps == (
        ["the bg/world feed cannot be checked (Ignoring non-200 response)"] if section else []
    )
    assert spider.crawler.stats.get_value("discovery/feeds/unchecked") == 1
    assert "feed cannot be checked" in caplog.text


def test_the_autumn_clock_change_does_not_lower_the_fresh_mark() -> None:
    """26 Oct 2025: a watermark at 02:30 UTC (04:30+02:00); a feed whose newest item is
    before it (01:45 UTC) is not enough, however the floor was computed."""
    mark = datetime(2025, 10, 26, 2, 30, tzinfo=UTC).astimezone(SOFIA)
    _spider, found = bg_feed(
        FakeStore(marks={"bg": mark}),
        [
            ("/world/1000002-b", "Sun, 26 Oct 2025 01:45:00 +0000"),
            ("/world/1000001-a", "Sat, 25 Oct 2025 20:00:00 +0000"),
        ],
    )
    out = paths(found)
    assert out[-1] == "/"


def test_the_overlap_is_kept_on_the_spring_clock_change() -> None:
    """30 Mar 2025: 03:00-04:00 Sofia does not exist; a watermark at 04:30+03:00 minus 60
    minutes on the wall clock is 03:30, the same instant: the overlap must stay an hour."""
    mark = datetime(2025, 3, 30, 1, 30, tzinfo=UTC).astimezone(SOFIA)
    spider = make_spider(FakeStore(marks={"bg": mark}), lang="bg")
    spider.start_requests_list()
    floor = spider.window.lower(mark, "bg")
    assert floor is not None and mark.timestamp() - floor.timestamp() >= 3600


def test_the_two_passes_of_the_repeated_autumn_hour_are_told_apart() -> None:
    """Sofia 26 Oct 2025: 03:00-04:00 happens twice (+03:00, then +02:00). Python compares
    two times of one tzinfo by their wall clock; the floor must compare instants."""
    first = datetime(2025, 10, 26, 0, 20, tzinfo=UTC).astimezone(SOFIA)  # 03:20+03:00
    second = datetime(2025, 10, 26, 1, 10, tzinfo=UTC).astimezone(SOFIA)  # 03:10+02:00
    assert second.utcoffset() == timedelta(hours=2) and first.utcoffset() == timedelta(hours=3)
    assert not below_bound(second, first)  # 50 minutes after it
    assert below_bound(first, second)


def test_a_listed_time_is_below_the_floor_only_once_its_whole_minute_in_either_pass_is() -> None:
    """A listing shows Sofia's wall clock to the minute: `12:00` may be 12:00:45, and on
    26 Oct `03:05` may be either pass of the repeated hour. Read as its earliest moment, an
    article the last run could not have seen counted as old and was never fetched."""
    noon = sofia_local(2025, 11, 5, 12, 0)
    floor = noon + timedelta(seconds=30)  # a watermark at 12:00:30, no overlap
    assert below_bound(noon, floor)  # (an exact instant: 30 s below)
    assert not below_bound(noon, floor, shown=True)
    assert below_bound(noon, noon + timedelta(minutes=1), shown=True)
    assert below_bound(noon - timedelta(seconds=30), noon, shown=True)  # 11:59:30: its minute is
    first_pass = datetime(2025, 10, 26, 0, 5, tzinfo=UTC).astimezone(SOFIA)  # 03:05+03:00
    floor = datetime(2025, 10, 26, 0, 20, tzinfo=UTC).astimezone(SOFIA)  # 03:20+03:00
    assert below_bound(first_pass, floor)
    assert not below_bound(first_pass, floor, shown=True)  # 03:05+02:00 is after it
    assert below_bound(first_pass, floor + timedelta(hours=1, minutes=1), shown=True)


def test_a_time_at_exactly_the_lower_bound_is_not_below_it() -> None:
    """A window holds what was published at or after its lower bound: a time whose last
    possible second is the bound itself is inside it."""
    noon = sofia_local(2025, 11, 5, 12, 0)
    assert not below_bound(noon, noon)  # an exact instant (a feed's)
    assert below_bound(noon - timedelta(seconds=1), noon)
    assert not below_bound(noon, noon + timedelta(seconds=59), shown=True)  # 12:00:59, its last
    assert below_bound(noon, noon + timedelta(seconds=60), shown=True)


@pytest.mark.parametrize(
    ("mark", "shown"),
    [
        (datetime(2025, 10, 26, 0, 20, tzinfo=UTC), "днес в 03:05 ч."),  # 03:20+03:00; 2nd pass
        (datetime(2025, 10, 26, 9, 30, 30, tzinfo=UTC), "днес в 11:30 ч."),  # 11:30:30+02:00
    ],
)
def test_articles_listed_within_the_floors_minute_or_hour_are_fetched(
    mark: datetime, shown: str
) -> None:
    """With no overlap (`FAKTI_INCREMENTAL_OVERLAP_MINUTES=0`, or under an hour across the
    autumn change), two such items at the bottom of a page ended the walk unfetched, and the
    next watermark moved past them: lost for good (feeds review)."""
    at = mark.astimezone(SOFIA)
    spider = build_spider(
        BASE,
        settings={"FAKTI_INCREMENTAL_OVERLAP_MINUTES": 0},
        state=lambda: FakeStore(marks={"bg": at, "bg/world": at}),
        lang="bg",
        sections="world",
    )
    spider.start_requests_list()
    request = spider._listing("bg", "world")
    items = [("/world/1000003-c", "днес в 11:59 ч."), ("/world/1000002-b", shown)]
    items.append(("/world/1000001-a", shown))
    body = panel(items, "/world?page=2")
    out = paths(spider.parse_listing(response(request.url, body, request)))
    assert out == ["/world/1000003-c", "/world/1000002-b", "/world/1000001-a", "/world?page=2"]


def test_dates_at_the_ends_of_the_calendar_never_raise() -> None:
    """A feed item with a pubDate that has no Sofia time raised OverflowError out of
    parse_feed (the edition's listings were never walked); a date-only 31.12.9999 raised
    in the walk's bound check."""
    at = sofia_local(2025, 10, 26, 11, 0)
    _, out = bg_feed(
        FakeStore(marks={"bg": at}),
        [
            ("https://fakti.bg/world/1000003-c", "Fri, 31 Dec 9999 23:59:59 -1200"),
            ("https://fakti.bg/world/1000002-b", "Sun, 26 Oct 2025 11:40:00 +0200"),
        ],
    )
    assert paths(out) == ["/world/1000003-c", "/world/1000002-b", "/"]  # undated: + home page
    assert not below_bound(sofia_local(9999, 12, 31), at, day_only=True)
    assert below_bound(sofia_local(1, 1, 1, 2, 0), at, day_only=True)


def test_since_the_first_day_there_is_walks_everything() -> None:
    """``since=0001-01-01`` (everything) crashed the run at start: that midnight in Sofia
    has no instant (OverflowError); its floor is the earliest time there is."""
    spider = make_spider(since="0001-01-01", sections="world", lang="en")
    (request,) = spider.start_requests_list()
    assert spider.window.floor == EARLIEST
    body = panel([("/en/world/1000006-f", "20.10.1999")])
    out = paths(spider.parse_listing(response(request.url, body, request)))
    assert out == ["/en/world/1000006-f", "/en/world?page=2"]  # 1999: not below it


def test_until_skips_newer_items_but_keeps_walking() -> None:
    spider = make_spider(since="2025-10-01", until="2025-10-20", sections="world", lang="en")
    (request,) = spider.start_requests_list()
    body = panel(
        [("/en/world/1000010-j", "today at 09:00"), ("/en/world/1000006-f", "20.10.2025")],
        next_href="/en/world?page=2",
    )
    out = list(spider.parse_listing(response(request.url, body, request)))
    assert paths(out) == ["/en/world/1000006-f", "/en/world?page=2"]


@pytest.mark.parametrize("marks", [{"en": datetime(2025, 10, 26, 9, 0, tzinfo=UTC)}, {}])
def test_until_before_an_incremental_window_is_a_clear_error(marks) -> None:
    """Without `since`, a run walks down to the watermark (or, first, one day): an `until`
    before that leaves nothing to walk, which must not pass for an empty success."""
    spider = make_spider(FakeStore(marks=marks), until="2025-09-01", lang="en")
    with pytest.raises(ArgumentError, match=r"until: .*en is walked down to 20\d\d-.* give since="):
        spider.start_requests_list()
    later = make_spider(FakeStore(marks=marks), until="2099-09-01", lang="en")
    assert len(later.start_requests_list()) == 1  # the feed


def test_search_pages_and_fallback() -> None:
    spider = make_spider(since="2025-10-01", lang="bg")
    (request,) = spider.start_requests_list()
    body = (
        '<div id="main"><ul><li><a href="/sport/1000011-k"><span class="post-title">K</span></a>'
        '<div class="ndt">25.10.2025</div></li></ul><a rel="next" href="/search?page=1">›</a></div>'
    ).encode()
    out = list(spider.parse_search(response(request.url, body, request)))
    assert paths(out)[0] == "/sport/1000011-k"
    assert parse_qs(urlsplit(out[1].url).query)["page"] == ["1"]
    gone = response(request.url, b"gone", request, status=404)
    failed = list(request.errback(http_failure(gone)))
    assert len(failed) == 14
    assert paths(failed)[0] == "/avto"
    not_search = list(spider.parse_search(response(request.url, b"<p>home</p>", request)))
    assert len(not_search) == 14


def test_home_not_reaching_old_walks_all_sections() -> None:
    spider = make_spider(FakeStore(newest=sofia_local(2025, 10, 20)), lang="en")
    spider.start_requests_list()
    request = spider._home("en")
    out = list(spider.parse_listing(response(request.url, panel([]), request)))
    assert len(out) == 14
    assert all(urlsplit(r.url).path.startswith("/en/") for r in out)


def test_a_home_page_with_an_old_item_still_walks_every_section() -> None:
    """The home page is curated: a featured item below the floor says nothing about what
    the sections list above it."""
    spider = make_spider(FakeStore(marks={"en": sofia_local(2025, 10, 26, 9, 0)}), lang="en")
    spider.start_requests_list()
    request = spider._home("en")
    items = [("/en/world/1000009-new", "today at 11:40"), ("/en/life/1000001-old", "20.10.2025")]
    out = paths(spider.parse_listing(response(request.url, panel(items), request)))
    assert out[0] == "/en/world/1000009-new"
    assert len(out) == 1 + 14
    assert spider.crawler.stats.get_value("discovery/items/old") == 1


def test_non_article_pages_are_never_records() -> None:
    spider = make_spider()
    for path in ("/en/world/2025/10/02/00001", "/world", "/en/", "/search"):
        url = BASE + path
        assert list(spider.parse(Response(url, body=b"<html></html>"))) == []
    assert spider.crawler.stats.get_value("pages/not_article") == 4


def test_an_article_redirected_to_a_page_that_is_no_article_is_named(caplog) -> None:
    """A `url=` article sent to the home page (a deleted one) left no reject, no hold and no
    line naming it: only the count `pages/not_article` (review of bad pages)."""
    spider = make_spider()
    asked = Request(BASE + "/en/world/1000001-gone")
    moved = asked.replace(url=BASE + "/", meta={"redirect_urls": [asked.url]})
    assert list(spider.parse(response(moved.url, b"<html></html>", moved))) == []
    assert spider.crawler.stats.get_value("pages/not_article") == 1
    assert caplog.messages == [
        f"article {asked.url} redirected to {BASE}/, not an article page: no record"
    ]


ARTICLE = """<html lang="en"><head><title>Synthetic lake report - Fakti.bg</title>
<link rel="canonical" href="https://fakti.bg/en/world/1000042-synthetic-lake">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Synthetic lake report",
"datePublished": "{published}"}}</script></head>
<body><main id="main"><article><h1>Synthetic lake report</h1>
<div class="info"><div class="ndt">Oct 26, 2025 09:15</div><div class="nv">1 204</div></div>
<div class="text"><p>First generated paragraph about a lake.</p><p>Second one.</p></div>
</article></main></body></html>"""


def article_response(spider: FaktiSpider, published: str, floor=None) -> HtmlResponse:
    url = f"{BASE}/en/world/1000042-synthetic-lake"
    request = Request(url, meta={"fakti_floor": floor})
    body = ARTICLE.format(published=published).encode()
    return HtmlResponse(url, body=body, request=request, headers={"Date": DATE})


def test_article_record_has_canonical_url_and_layer_stats() -> None:
    spider = make_spider(url=f"{BASE}/en/world/1000042-x")
    (item,) = spider.parse(article_response(spider, "2025-10-26T09:15:00+02:00"))
    assert item["url"] == "https://fakti.bg/en/world/1000042-synthetic-lake"
    assert (item["article_id"], item["lang"], item["section"]) == (1000042, "en", "world")
    assert item["headline"] == "Synthetic lake report"
    assert item["published_at"] == "2025-10-26T09:15:00+02:00"
    assert item["views"] == 1204
    stats = spider.crawler.stats
    assert stats.get_value("extract/headline/jsonld") == 1
    assert stats.get_value("extract/published_at/jsonld") == 1
    assert stats.get_value("extract/comments/missing") == 1


def _lake() -> bytes:
    """The page of the en article 1000042, published at 09:15."""
    return ARTICLE.format(published="2025-10-26T09:15:00+02:00").encode()


def _parsed(spider: FaktiSpider, page: Response, in_worker: bool) -> list:
    """What :meth:`FaktiSpider.parse` (or ``parse_in_worker``, in-process) gives for ``page``."""
    if not in_worker:
        return list(spider.parse(page))

    async def collect() -> list:
        return [out async for out in spider.parse_in_worker(page)]

    return asyncio.run(collect())


@pytest.mark.parametrize("in_worker", [False, True], ids=["parse", "parse_in_worker"])
@pytest.mark.parametrize("args", [{"lang": "bg"}, {"url": f"{BASE}/world/1000003-c"}])
def test_an_article_redirected_to_another_article_is_a_reject_not_the_other_ones_record(
    args, in_worker: bool, caplog
) -> None:
    """bg 1000003 sent (301) to en 1000042: 1000042's record was exported as the answer (of
    an edition the run did not ask for), 1000003 got no reject and its watermark moved."""
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)})
    if "url" in args:
        spider = make_spider(store, **args)
        [article] = spider.start_requests_list()
    else:
        spider, article = _listed_article(store, "Sun, 26 Oct 2025 10:30:00 +0200")
    lake = landed(article, f"{BASE}/en/world/1000042-synthetic-lake", _lake())
    [reject] = _parsed(spider, lake, in_worker)
    assert dict(reject) == {
        "url": "https://fakti.bg/world/1000003-c",
        "reason": "redirect:other_article",
        "partial": {"url": "https://fakti.bg/world/1000003-c"},
        "layers": {},
    }
    assert spider.crawler.stats.get_value("pages/redirected_elsewhere") == 1
    assert (
        "article https://fakti.bg/world/1000003-c redirected to another article, "
        "https://fakti.bg/en/world/1000042-synthetic-lake: rejected" in caplog.text
    )
    spider._closed(spider, "finished")
    held = {"bg": sofia_local(2025, 10, 26, 10, 30)}  # asked again next run
    assert store.marks == ({"bg": sofia_local(2025, 10, 26, 9, 0)} if "url" in args else held)


@pytest.mark.parametrize(
    "asked",
    [
        f"{BASE}/en/amp/world/1000042-synthetic-lake",  # AMP → canonical
        f"{BASE}/en/world/1000042-old-slug",  # a slug changed
        "https://www.fakti.bg/en/world/1000042-synthetic-lake",  # another host of the site
    ],
)
def test_a_redirect_within_one_article_gives_its_record(asked: str) -> None:
    spider = make_spider(url=f"{BASE}/en/world/1000042-x")
    spider.start_requests_list()
    lake = landed(Request(asked), f"{BASE}/en/world/1000042-synthetic-lake", _lake())
    [item] = spider.parse(lake)
    assert (item["url"], item["article_id"]) == (
        "https://fakti.bg/en/world/1000042-synthetic-lake",
        1000042,
    )
    assert spider.crawler.stats.get_value("pages/redirected_elsewhere") is None


def test_article_outside_the_window_is_dropped() -> None:
    spider = make_spider(since="2025-10-01", until="2025-10-25", lang="en")
    spider.start_requests_list()
    late = article_response(spider, "2025-10-26T09:15:00+02:00")
    assert list(spider.parse(late)) == []
    first_run = make_spider(lang="en")
    first_run.start_requests_list()
    floor = sofia_local(2025, 10, 26, 10, 0)
    assert (
        list(first_run.parse(article_response(first_run, "2025-10-26T09:15:00+02:00", floor))) == []
    )
    assert first_run.crawler.stats.get_value("discovery/articles/out_of_window") == 1


def test_midnight_item_is_old_only_once_its_whole_day_is() -> None:
    store = FakeStore(newest=sofia_local(2025, 10, 26, 5, 36))  # floor: 04:36
    spider = make_spider(store, lang="bg")
    (feed,) = spider.start_requests_list()
    body = rss(
        [
            ("/world/1000012-l", "Sun, 26 Oct 2025 00:00:00 +0300"),  # a date-only article
            ("/world/1000011-k", "Sun, 26 Oct 2025 04:00:00 +0200"),
            ("/world/1000010-j", "Sat, 25 Oct 2025 00:00:00 +0300"),
        ]
    )
    out = list(spider.parse_feed(response(feed.url, body, feed, cls=XmlResponse)))
    # the date-only article is asked for; being at 00:00 it shows nothing after the
    # watermark (05:36), so the feed is not enough: the listings are walked
    assert paths(out) == ["/world/1000012-l", "/"]
    assert spider.crawler.stats.get_value("discovery/items/old") == 2


def test_an_article_that_cannot_be_fetched_becomes_a_reject(caplog) -> None:
    spider = make_spider(url=f"{BASE}/world/1000005-x")
    [request] = spider.start_requests_list()
    assert request.errback == spider.article_failed
    gone = HtmlResponse(request.url, status=404, body=b"", request=request)
    [reject] = list(spider.article_failed(http_failure(gone)))
    assert dict(reject) == {
        "url": "https://fakti.bg/world/1000005-x",
        "reason": "http:404",
        "partial": {"url": "https://fakti.bg/world/1000005-x"},
        "layers": {},
    }
    # refused after a redirect (e.g. off-site): the reject names the article asked for
    moved = request.replace(url="http://elsewhere.example/x")
    moved.meta["redirect_urls"] = [request.url]
    refused = Failure(IgnoreRequest("off-site"))
    refused.request = moved
    [reject] = list(spider.article_failed(refused))
    assert (reject["url"], reject["reason"]) == (
        "https://fakti.bg/world/1000005-x",
        "download:IgnoreRequest",
    )
    # and so does the log line (it named the redirect's target)
    assert caplog.messages[-1] == (
        f"article {request.url} not fetched: download:IgnoreRequest (off-site)"
    )
    # over DOWNLOAD_MAXSIZE: no refusal a site asks for, but a setting below its pages
    big = Failure(TooLarge("larger than DOWNLOAD_MAXSIZE: https://fakti.bg/world/1000005-x"))
    big.request = request
    [reject] = list(spider.article_failed(big))
    assert reject["reason"] == "download:TooLarge"
    assert spider.crawler.stats.get_value("pages/failed") == 3


SITE_NOON = sofia_local(2025, 10, 26, 12, 0)  # the Date header of every fake response


def _walked_feed(store: FakeStore, **args) -> FaktiSpider:
    """An incremental ``lang=bg`` spider (watermark 09:00) that has read its feed (a new
    article, one inside the overlap, one below the floor): the feed was enough."""
    spider = make_spider(store, lang="bg", **args)
    (feed,) = spider.start_requests_list()
    body = rss(
        [
            ("/world/1000003-c", "Sun, 26 Oct 2025 11:50:00 +0200"),
            ("/world/1000002-b", "Sun, 26 Oct 2025 08:30:00 +0200"),
            ("/world/1000001-a", "Sun, 26 Oct 2025 06:00:00 +0200"),
        ]
    )
    out = list(spider.parse_feed(response(feed.url, body, feed, cls=XmlResponse)))
    assert paths(out) == ["/world/1000003-c", "/world/1000002-b", "/ [check]"]
    return spider


def test_a_finished_complete_walk_raises_the_watermark_to_its_start() -> None:
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0), "en": SITE_NOON})
    spider = _walked_feed(store)
    spider._closed(spider, "finished")
    assert store.marks == {"bg": SITE_NOON, "en": SITE_NOON}
    assert spider.crawler.stats.get_value("discovery/watermarks") == 1


class FailingStore(FakeStore):
    """A state whose reading or storing of the watermarks fails as a full disk (SQLite) or a
    lost server (Redis) does."""

    def __init__(self, error: Exception, failing: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.error, self.failing = error, failing
        self.errors = (type(error),)

    def watermarks(self):
        if self.failing == "reading":
            raise self.error
        return super().watermarks()

    def raise_watermarks(self, marks):
        if self.failing == "storing":
            raise self.error
        super().raise_watermarks(marks)


@pytest.mark.parametrize("failing", ["storing", "reading"])
@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("database or disk is full"),
        redis.ConnectionError("Connection reset by peer"),
        RuntimeError("a bug"),
    ],
    ids=["sqlite", "redis", "bug"],
)
def test_watermarks_the_state_fails_to_store_are_not_reported_moved(
    error: Exception, failing: str, caplog
) -> None:
    """The state failing as the run closed (``raise_watermarks``) escaped ``_closed``:
    Scrapy logged the traceback, the report said ``watermarks_moved: 2``, ``watermarks_held:
    null``, exit 0, healthy, though none had moved. Now none is counted, the report says why
    (a note), the log says so, and the run fails as one whose state could not record its
    feed (``export_failed``, exit status 9); the next run walks this again."""
    mark = sofia_local(2025, 10, 26, 9, 0)
    store = FailingStore(error, "", marks={"bg": mark})
    bug = isinstance(error, RuntimeError)
    if bug:
        store.errors = (sqlite3.Error,)  # (not one of the state's errors)
    spider = _walked_feed(store)
    store.failing = failing  # (as the run closes)
    spider._closed(spider, "finished")
    stats = spider.crawler.stats
    assert store.marks == {"bg": mark}
    why = f"{failing} the watermarks failed: {error}"
    assert (
        stats.get_value("discovery/watermarks"),
        stats.get_value("discovery/watermarks_held"),
    ) == (
        0,
        why,
    )
    assert stats.get_value("export/write_failed") == "the discovery watermarks"
    assert exit_status(spider.crawler) == 9
    noon = SITE_NOON.isoformat()
    stored = f"; none of them stored (bg {noon})" if failing == "storing" else ""
    traceback = [("ERROR", f"{failing} the discovery watermarks failed")] if bug else []
    assert [(r.levelname, r.getMessage()) for r in caplog.records if r.levelno >= 30] == [
        *traceback,
        ("ERROR", f"writing the discovery watermarks failed ({error}): stopping the run{stored}"),
        ("WARNING", f"discovery watermarks not moved ({why}): the next run walks this again"),
    ]
    # (a state's error: the line says it all; a bug's traceback is logged)
    assert ("Traceback" in caplog.text) == bug
    ctx = RunContext(SITE_NOON, SITE_NOON, 0.0, "finished", "incremental")
    report = summarize(stats.get_stats(), ctx)
    assert (report["run"]["watermarks_moved"], report["run"]["watermarks_held"]) == (0, why)


def test_a_site_clock_ahead_of_ours_never_raises_a_watermark_above_our_clock(
    monkeypatch, caplog
) -> None:
    """The watermark was the site's ``Date``: one running 90 minutes ahead put it above what
    was published, and the next run took the articles of those 90 minutes for old."""
    ours = sofia_local(2025, 10, 26, 10, 30)  # the site says 12:00

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return ours.astimezone(tz)

    monkeypatch.setattr(fakti_module, "datetime", Clock)
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0), "en": SITE_NOON})
    spider = _walked_feed(store)
    spider._closed(spider, "finished")
    assert store.marks == {"bg": ours, "en": SITE_NOON}
    assert spider.crawler.stats.get_value("discovery/site_clock_ahead") == 1  # the feed
    assert spider.crawler.stats.get_value("discovery/site_started") == ours.isoformat()
    assert caplog.text.count("is ahead of ours (2025-10-26T10:30:00+02:00)") == 1


def test_our_clock_as_the_site_start_is_to_the_second(monkeypatch) -> None:
    """A site clock ahead of ours makes our clock the run's site start: the report gives it
    to the second, as it gives the site's ``Date`` (not ``10:30:00.250000``)."""
    ours = sofia_local(2025, 10, 26, 10, 30) + timedelta(microseconds=250_000)

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return ours.astimezone(tz)

    monkeypatch.setattr(fakti_module, "datetime", Clock)
    spider = _walked_feed(FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)}))
    assert spider.crawler.stats.get_value("discovery/site_started") == ("2025-10-26T10:30:00+02:00")


@pytest.mark.parametrize(
    "spoil",
    [
        "stopped", "listing", "search", "callback", "errback", "not committed", "home missing",
        "linked page missing", "max pages", "loop", "write failed",
    ],
)  # fmt: skip
def test_an_incomplete_walk_leaves_the_watermark(spoil: str, caplog) -> None:
    mark = sofia_local(2025, 10, 26, 9, 0)
    store = FakeStore(marks={"bg": mark})
    spider = _walked_feed(store)
    reason = "finished"
    if spoil == "stopped":
        reason = "shutdown"
    elif spoil == "listing":
        home = spider._home("bg")
        list(home.errback(http_failure(response(home.url, b"", home, status=503))) or ())
    elif spoil == "search":
        assert list(spider._search_fallback("bg", 3, "HTTP 503", {})) == []
    elif spoil == "callback":
        home = spider._home("bg")
        spider._spider_error(Failure(ValueError("x")), response(home.url, b"", home), spider)
    elif spoil == "errback":  # raised on a download error: Scrapy passes its Failure
        home = spider._home("bg")
        download = Failure(ConnectionRefusedError())
        download.request = home
        spider._spider_error(Failure(MemoryError()), download, spider)
    elif spoil == "home missing":  # the way to every section
        home = spider._home("bg")
        list(home.errback(http_failure(response(home.url, b"", home, status=404))) or ())
    elif spoil == "linked page missing":  # the site linked to it (`rel=next`)
        page = spider._listing("bg", "world", 3, url=f"{BASE}/world?page=3")
        list(page.errback(http_failure(response(page.url, b"", page, status=410))) or ())
    elif spoil == "write failed":  # what was written is rolled back: asked for again
        spider.crawler.signals.send_catch_log(write_failure, name="x.jsonl")
    elif spoil in ("max pages", "loop"):  # the guard drops the next listing page
        here = spider._listing("bg", "world", 4)
        back = spider._listing("bg", "world", 5 if spoil == "max pages" else 2)
        spider.crawler.settings.set("FAKTI_MAX_LISTING_PAGES", 4)
        guard = ListingGuardMiddleware.from_crawler(spider.crawler)
        assert guard.get_processed_request(back, response(here.url, b"", here)) is None
    else:
        spider.crawler.stats.set_value("export/items", 3)  # written, never published
    spider._closed(spider, reason)
    assert store.marks == {"bg": mark}
    assert spider.crawler.stats.get_value("discovery/watermarks") == 0
    assert "discovery watermarks not moved" in caplog.text
    if spoil == "errback":
        assert f"(error in the errback of {BASE}/)" in caplog.text


def test_a_listing_robots_txt_forbids_is_no_gap() -> None:
    """`Disallow: /video`: every run had a gap, so the watermarks never moved again and each
    run walked further down."""
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)})
    spider = _walked_feed(store)
    listing = spider._listing("bg", "video")
    failure = Failure(IgnoreRequest("Forbidden by robots.txt"))
    failure.request = listing
    assert list(listing.errback(failure) or ()) == []
    spider._closed(spider, "finished")
    assert store.marks == {"bg": SITE_NOON}
    assert spider.crawler.stats.get_value("discovery/listing_missing") == 1


def test_a_listing_that_does_not_exist_is_no_gap() -> None:
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)})
    spider = _walked_feed(store)
    listing = spider._listing("bg", "imoti")  # a section this edition lacks
    assert (
        list(listing.errback(http_failure(response(listing.url, b"", listing, status=404))) or ())
        == []
    )
    spider._closed(spider, "finished")
    assert store.marks == {"bg": SITE_NOON}
    assert spider.crawler.stats.get_value("discovery/listing_missing") == 1


#: The English home page at noon, floor 08:00 (watermark 09:00): items of every section but
#: world, the last two older than the floor (what a section page 1 served it showed).
EN_HOME = [
    ("/en/sport/1000020-a", "today at 11:50"),
    ("/en/bulgaria/1000019-b", "today at 10:00"),
    ("/en/life/1000018-c", "today at 07:00"),
    ("/en/avto/1000017-d", "25.10.2025"),
]


def _en_walk(store: FakeStore, **args) -> tuple[FaktiSpider, Request]:
    """An incremental ``lang=en`` run that read its home page (:data:`EN_HOME`): the spider
    and its request for ``/en/world`` page 1."""
    spider = make_spider(store, lang="en", **args)
    spider.start_requests_list()
    home = spider._home("en")
    out = list(spider.parse_listing(response(home.url, panel(EN_HOME), home)))
    (world,) = (r for r in out if urlsplit(r.url).path == "/en/world")
    return spider, world


@pytest.mark.parametrize("own", [0, 2])
@pytest.mark.parametrize("pager", [True, False])
def test_a_section_page_listing_mostly_other_sections_articles_is_a_gap(
    pager: bool, own: int, caplog
) -> None:
    """``/en/world`` page 1 served the home page's items (every section's, a few of its own
    among them, some older than the floor): read as the section's, its old items ended the
    walk at page 1, with no gap, and both watermarks moved past the section's articles it hid
    (22 of 334 lost for good: review). It is not the section's listing: a gap, no page after
    it, no watermark moved."""
    mark = sofia_local(2025, 10, 26, 9, 0)
    store = FakeStore(marks={"en": mark})
    spider, world = _en_walk(store)
    shown = [*EN_HOME[:2], *[(f"/en/world/{1000040 + n}-w", "today at 09:30") for n in range(own)]]
    shown += [*EN_HOME[2:], ("/krimi/1000016-e", "днес в 08:30 ч.")]  # (a bg one too)
    body = panel(shown, "/en/world?page=2" if pager else None)
    out = paths(spider.parse_listing(response(world.url, body, world)))
    assert out == []  # not even its own articles: the page is not read
    assert spider.coverage is not None
    assert spider.coverage.gaps == [
        f"listing {world.url} lists 5 of {5 + own} articles of other sections or editions"
    ]
    assert spider.crawler.stats.get_value("discovery/listing_foreign") == 1
    assert "not the en/world listing, not walked further" in caplog.text
    spider._closed(spider, "finished")
    assert store.marks == {"en": mark}
    # the same with `sections=world`, whose walk never asks for other sections' articles
    store = FakeStore(marks={"bg": mark, "bg/world": mark})
    spider = make_spider(store, lang="bg", sections="world")
    spider.start_requests_list()
    world = spider._listing("bg", "world")
    bg_home = [(path.removeprefix("/en"), "днес в 11:50 ч.") for path, _ in shown]
    assert list(spider.parse_listing(response(world.url, panel(bg_home), world))) == []
    assert spider.coverage.gaps and not spider.crawler.stats.get_value("discovery/links/filtered")
    spider._closed(spider, "finished")
    assert store.marks == {"bg": mark, "bg/world": mark}


def test_a_section_page_listing_its_own_articles_among_others_is_walked_as_before() -> None:
    """Its own articles and a few of other sections or of the other edition (old ones too),
    or as many of its own as of others: the section's listing, walked as before, no gap."""
    mark = sofia_local(2025, 10, 26, 9, 0)
    store = FakeStore(marks={"en": mark})
    spider, world = _en_walk(store)
    own = [(f"/en/world/{1000100 + n}-x", "today at 10:00") for n in range(17)]
    mixed = [own[0], ("/sport/1000030-y", "днес в 11:00 ч."), *own[1:], *EN_HOME[2:]]
    out = paths(spider.parse_listing(response(world.url, panel(mixed, "/en/world?page=2"), world)))
    assert out == [urlsplit(own[n][0]).path for n in range(17)]  # (old tail: the walk's end)
    for shown in (mixed[:-2], [*own[:3], *EN_HOME[:2], ("/sport/1000030-y", "днес в 11:00 ч.")]):
        spider, world = _en_walk(FakeStore(marks={"en": mark}))
        out = paths(spider.parse_listing(response(world.url, panel(shown, "/en/world?p=2"), world)))
        assert out[-1] == "/en/world?p=2"
        assert spider.coverage is not None and not spider.coverage.gaps
        assert spider.crawler.stats.get_value("discovery/listing_foreign") is None


def test_a_foreign_section_check_page_vouches_for_no_feed_and_a_foreign_page_past_the_end():
    """A section feed's check page that lists only other sections' articles cannot vouch for
    the feed: a gap, as for a check page that cannot be read. A speculative page (after a
    short one without a link) that does is past the end, as one redirected elsewhere."""
    mark = sofia_local(2025, 10, 26, 11, 0)
    store = FakeStore(marks={"bg": mark, "bg/world": mark})
    spider, check = _checked_feed(store, lang="bg", sections="world")
    others = [("/sport/1000012-c", "Днес 11:10"), ("/avto/1000009-z", "Днес 09:00")] * 2
    assert list(spider.parse_listing(response(check.url, panel(others), check))) == []
    assert spider.coverage is not None and spider.coverage.gaps == [
        "the bg/world feed cannot be checked (lists 4 of 4 articles of other sections or editions)"
    ]
    assert spider.crawler.stats.get_value("discovery/feeds/unchecked") == 1
    spider = _walked_feed(FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)}))
    request = spider._listing("bg", "world")
    items = [(f"/world/{1000100 + n}-x", "днес в 10:00 ч.") for n in range(15)]
    past = list(spider.parse_listing(response(request.url, panel(items), request)))[-1]
    assert past.meta[SPECULATIVE]
    assert list(spider.parse_listing(response(past.url, panel(others), past))) == []
    assert spider.coverage is not None and spider.coverage.gaps == []
    assert spider.crawler.stats.get_value("discovery/listing_foreign") == 1


def _listed_article(store: FakeStore, pub_date: str) -> tuple[FaktiSpider, Request]:
    """A bg incremental run whose feed lists one article (at ``pub_date``)."""
    spider = make_spider(store, lang="bg")
    (feed,) = spider.start_requests_list()
    body = rss([("/world/1000003-c", pub_date)])
    [article, _home] = spider.parse_feed(response(feed.url, body, feed, cls=XmlResponse))
    return spider, article


def _no_record(spider: FaktiSpider, article: Request, how: str) -> None:
    """The listed article gives no record, ``how``."""
    if how == "not fetched":
        list(spider.article_failed(http_failure(response(article.url, b"", article, status=500))))
    elif how == "rejected":  # a blank 200 page: no headline, no date
        assert [type(r).__name__ for r in spider.parse(response(article.url, b"", article))] == [
            "RejectItem"
        ]
    elif how == "redirected off":
        moved = article.replace(
            url=BASE + "/", meta={**article.meta, "redirect_urls": [article.url]}
        )
        assert list(spider.parse(response(moved.url, b"<html></html>", moved))) == []
    elif how == "redirected to another article":
        other = landed(article, f"{BASE}/en/world/1000042-synthetic-lake", _lake())
        assert [r["reason"] for r in spider.parse(other)] == ["redirect:other_article"]
    elif how == "the other edition's page at its URL":  # an English page, canonical naming it
        page = response(article.url, _lake(), article)
        assert [r["reason"] for r in spider.parse(page)] == ["canonical:other_article"]
    else:  # a pipeline raised (not DropItem)
        failure = Failure(OSError("database is locked"))
        spider._item_error(
            {"url": article.url}, response(article.url, b"", article), spider, failure
        )


NO_RECORD = ["not fetched", "rejected", "redirected off", "redirected to another article"]


@pytest.mark.parametrize(
    "how", [*NO_RECORD, "the other edition's page at its URL", "pipeline error"]
)
def test_an_article_with_no_record_holds_its_edition_back_to_its_listing_date(how: str) -> None:
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)})
    spider, article = _listed_article(store, "Sun, 26 Oct 2025 10:30:00 +0200")
    _no_record(spider, article, how)
    spider._closed(spider, "finished")
    assert store.marks == {"bg": sofia_local(2025, 10, 26, 10, 30)}  # asked again next run


def test_a_mark_an_article_holds_where_it_is_says_so(caplog) -> None:
    """Review: the run after an article held its edition (its mark at the article's listing
    time), the same article again giving no record, logged 'none rises (as high already, or
    below `since`)': the hold kept it. The log names the hold."""
    caplog.set_level(logging.INFO)
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 10, 30)})
    spider, article = _listed_article(store, "Sun, 26 Oct 2025 10:30:00 +0200")
    _no_record(spider, article, "not fetched")
    spider._closed(spider, "finished")
    assert store.marks == {"bg": sofia_local(2025, 10, 26, 10, 30)}
    assert [m for m in caplog.messages if m.startswith("discovery watermarks")] == [
        "discovery watermarks: none rises (bg held back to 2025-10-26T10:30:00+02:00 by an "
        "article that gave no record, asked for again next run)"
    ]


def test_a_walk_with_a_hold_and_other_marks_as_high_names_both() -> None:
    coverage = Coverage(["bg", "en"])
    coverage.saw_listing(SITE_NOON)
    coverage.hold("bg", sofia_local(2025, 10, 26, 10, 30))
    assert fakti_module._none_rises(coverage) == (
        "bg held back to 2025-10-26T10:30:00+02:00 by an article that gave no record, asked "
        "for again next run; the rest as high already, or below `since`"
    )
    coverage.held.clear()
    assert fakti_module._none_rises(coverage) == "as high already, or below `since`"


def test_a_hold_in_a_section_run_of_one_edition_leaves_no_rest() -> None:
    """Scopes of sections (bg/world, bg/sport) are of the held edition: no 'the rest'."""
    coverage = Coverage(["bg/world", "bg/sport"])
    coverage.saw_listing(SITE_NOON)
    coverage.hold("bg", sofia_local(2025, 10, 26, 10, 30))
    assert fakti_module._none_rises(coverage) == (
        "bg held back to 2025-10-26T10:30:00+02:00 by an article that gave no record, asked "
        "for again next run"
    )


def test_a_hold_above_the_walks_top_is_not_named() -> None:
    """An ``until`` caps the top below the hold: the hold keeps no mark back."""
    coverage = Coverage(["bg"], upper=sofia_local(2025, 10, 26, 9, 0))
    coverage.saw_listing(SITE_NOON)
    coverage.hold("bg", sofia_local(2025, 10, 26, 10, 30))
    assert fakti_module._none_rises(coverage) == "as high already, or below `since`"


def test_a_listed_article_whose_extraction_finds_no_article_holds_its_edition(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No record, like a reject: the edition is held back to the article's listing date.
    (Extraction finds no article only at a URL that is none; a worker may answer so.)"""
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)})
    spider, article = _listed_article(store, "Sun, 26 Oct 2025 10:30:00 +0200")
    found = NotArticle(article.url, "not-article-url")
    monkeypatch.setattr(fakti_module, "extract_article", lambda *args, **kwargs: found)
    assert list(spider.parse(response(article.url, b"<html></html>", article))) == []
    assert spider.crawler.stats.get_value("pages/not_article") == 1
    spider._closed(spider, "finished")
    assert store.marks == {"bg": sofia_local(2025, 10, 26, 10, 30)}  # asked again next run


def test_an_incremental_run_with_a_watermark_keeps_a_new_listed_article_of_any_date() -> None:
    """Listed after the watermark, it is new to the run whatever date its page gives (an old
    article brought back to the feed): no floor is put on its request, its record is kept."""
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)})
    spider, article = _listed_article(store, "Sun, 26 Oct 2025 10:30:00 +0200")
    assert article.meta["fakti_floor"] is None
    own = ARTICLE.replace('lang="en"', 'lang="bg"').replace("/en/world/1000042-", "/world/1000003-")
    page = own.format(published="2025-10-20T09:15:00+03:00").encode()  # (bg 1000003's page)
    (record,) = spider.parse(response(article.url, page, article))
    assert (record["article_id"], record["published_at"]) == (1000003, "2025-10-20T09:15:00+03:00")


def test_an_undated_listed_article_is_held_at_the_next_date_below_it() -> None:
    """A listing item without a date gives no gap (which would stop every watermark, run
    after run): it holds its edition back to the date of the nearest dated item below it
    (else the page's oldest date), never below the floor, so the next walk reaches it."""
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)})
    spider = make_spider(store, lang="bg")
    spider.start_requests_list()
    request = spider._home("bg")
    items = [
        ("/world/1000007-undated", ""),
        ("/world/1000006-dated", "днес в 10:40 ч."),
        ("/world/1000005-old", "20.10.2025"),
        ("/world/1000004-undated-too", ""),
    ]
    page = panel(items)
    [article, _dated, low, *_rest] = spider.parse_listing(response(request.url, page, request))
    assert article.meta["fakti_listed"] == sofia_local(2025, 10, 26, 10, 40)  # the next below
    assert low.meta["fakti_listed"] == sofia_local(2025, 10, 26, 8, 0)  # never below the floor
    _no_record(spider, article, "rejected")
    spider._closed(spider, "finished")
    assert store.marks == {"bg": sofia_local(2025, 10, 26, 10, 40)}


def test_an_article_listed_with_no_time_is_held_at_the_walks_floor() -> None:
    """A feed item without ``pubDate`` was held at the page's clock, i.e. not at all: the
    watermark moved past it and it was lost (review: 1 of 17). It is held at the walk's
    floor: no watermark moves above it, so the next run's walk goes down to it again."""
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)})
    spider, article = _listed_article(store, "")
    assert article.meta["fakti_listed"] == spider.window.lower(SITE_NOON, "bg")
    _no_record(spider, article, "not fetched")
    spider._closed(spider, "finished")
    assert store.marks == {"bg": sofia_local(2025, 10, 26, 9, 0)}
    assert spider.coverage is not None and not spider.coverage.gaps


def test_a_pipeline_error_on_a_record_of_no_listing_is_a_gap() -> None:
    """A record that no listing led to (``refresh=``, ``url=``) has no listing time to hold
    its edition back to: a pipeline error on it makes the walk incomplete."""
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)})
    spider, _article = _listed_article(store, "Sun, 26 Oct 2025 10:30:00 +0200")
    page = response(f"{BASE}/world/1000004-d", b"", Request(f"{BASE}/world/1000004-d"))
    spider._item_error({"url": page.url}, page, spider, Failure(OSError("database is locked")))
    assert spider.coverage.gaps == [
        "a record failed in the pipelines: OSError('database is locked')"
    ]
    assert spider.coverage.held == {}


def test_a_pipeline_error_on_an_errback_item_is_already_held() -> None:
    """Scrapy passes the download's failure as ``response`` for an errback's item."""
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)})
    spider, article = _listed_article(store, "Sun, 26 Oct 2025 10:30:00 +0200")
    failure = http_failure(response(article.url, b"", article, status=500))
    [reject] = spider.article_failed(failure)
    spider._item_error(reject, failure, spider, Failure(OSError("database is locked")))
    assert spider.crawler.stats.get_value("pipelines/lost") == 1  # (lost all the same)
    spider._closed(spider, "finished")
    assert store.marks == {"bg": sofia_local(2025, 10, 26, 10, 30)}


@pytest.mark.parametrize("reason", ["invalid_image_url", "missing_headline"])
def test_a_record_the_validation_rejects_is_held_like_an_extraction_reject(reason: str) -> None:
    """A validation reject: no record this run; the next run must ask for it again. Scrapy's
    ``item_dropped`` names the item the spider yielded (an :class:`ArticleItem`), the reason
    is the exception's (tests/test_crawl_e2e.py runs it through the engine)."""
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)})
    spider, article = _listed_article(store, "Sun, 26 Oct 2025 10:30:00 +0200")
    page = response(article.url, b"<html></html>", article)
    spider._item_dropped(ArticleItem(url=article.url), page, RejectDropped(reason, article.url))
    spider._closed(spider, "finished")
    assert store.marks == {"bg": sofia_local(2025, 10, 26, 10, 30)}


def test_a_validation_reject_given_up_names_its_reason(caplog) -> None:
    """A validation reject of an article listed more than FAKTI_HOLD_DAYS before the listing
    clock is given up, and the warning says why it gave no record: the reject's reason."""
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 20, 9, 0)})
    spider, article = _listed_article(store, "Thu, 23 Oct 2025 11:00:00 +0300")
    page = response(article.url, b"<html></html>", article)
    spider._item_dropped(
        ArticleItem(url=article.url), page, RejectDropped("invalid_image_url", article.url)
    )
    assert spider.crawler.stats.get_value("discovery/hold_expired") == 1
    assert caplog.messages == [
        "article https://fakti.bg/world/1000003-c (rejected: invalid_image_url) listed at "
        "2025-10-23T11:00:00+03:00: not asked for again (FAKTI_HOLD_DAYS)"
    ]


def test_a_dropped_reject_the_spider_made_is_not_held_again() -> None:
    """An extraction reject (``missing:headline``) was held when the spider made it: its drop
    by the pipelines holds nothing (only a record the validation rejects is held there)."""
    spider, article = _listed_article(FakeStore(), "Sun, 26 Oct 2025 10:30:00 +0200")
    page = response(article.url, b"<html></html>", article)
    reject = RejectItem(url=article.url, reason="missing:headline", partial={}, layers={})
    spider._item_dropped(reject, page, RejectDropped("missing:headline", article.url))
    assert spider.coverage.held == {}


def test_a_record_the_pipelines_drop_as_a_duplicate_holds_nothing() -> None:
    """A record dropped as a duplicate of this run, or not emitted (``FAKTI_EMIT``), was
    had: its edition is not held back (only a validation reject is)."""
    spider, article = _listed_article(FakeStore(), "Sun, 26 Oct 2025 10:30:00 +0200")
    page = response(article.url, b"<html></html>", article)
    spider._item_dropped(ArticleItem(url=article.url), page, DropItem("duplicate in this run"))
    assert spider.coverage.held == {}


def test_a_date_only_article_of_the_floors_day_is_in_the_window() -> None:
    """A BG form C page (00:00) listed after the first run's floor on the same day: the
    listing check keeps it, and so must the page's (it was dropped as out of window)."""
    spider = make_spider(lang="bg")
    spider.start_requests_list()
    floor = sofia_local(2026, 1, 14, 6, 0)
    page = Response(f"{BASE}/world/1031541-x", request=Request(f"{BASE}/world/1031541-x"))
    page.request.meta["fakti_floor"] = floor
    day_only = SimpleNamespace(fields={"published_at": "2026-01-14T00:00:00+02:00"})
    assert spider._in_window(day_only, page)
    day_before = SimpleNamespace(fields={"published_at": "2026-01-13T00:00:00+02:00"})
    assert not spider._in_window(day_before, page)
    # a time to the minute, as the page shows it, may be any second of it (feeds review)
    page.request.meta["fakti_floor"] = floor + timedelta(seconds=30)
    shown = SimpleNamespace(fields={"published_at": "2026-01-14T06:00:00+02:00"})
    assert spider._in_window(shown, page)
    page.request.meta["fakti_floor"] = floor + timedelta(minutes=1)
    assert not spider._in_window(shown, page)
    # ... but not later than its minute: 05:59:30 is below 06:00 (it was kept: review)
    page.request.meta["fakti_floor"] = floor
    seconds = SimpleNamespace(fields={"published_at": "2026-01-14T05:59:30+02:00"})
    assert not spider._in_window(seconds, page)


def test_a_refetched_article_with_no_record_makes_the_walk_incomplete() -> None:
    """A killed distributed run's claimed article, fetched again, has lost its listing time:
    if it gives no record, no watermark moves (the next run walks down to it again)."""
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)})
    spider, _article = _listed_article(store, "Sun, 26 Oct 2025 10:30:00 +0200")
    again = spider.refetch_request(f"{BASE}/world/1000004-d")
    list(spider.article_failed(http_failure(response(again.url, b"", again, status=500))))
    spider._closed(spider, "finished")
    assert store.marks == {"bg": sofia_local(2025, 10, 26, 9, 0)}


@pytest.mark.parametrize("pub_date", ["Thu, 23 Oct 2025 11:00:00 +0300", ""])
def test_an_article_listed_more_than_hold_days_ago_is_given_up(pub_date: str, caplog) -> None:
    """Listed 3 days and 1 hour before the run's first listing (12:00): not held again. One
    listed with no time is held at the walk's floor (20 Oct), and expires so too: a deleted
    one still in the feed does not stop the watermark for ever, as a gap did (review)."""
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 20, 9, 0)})
    spider, article = _listed_article(store, pub_date)
    _no_record(spider, article, "not fetched")
    spider._closed(spider, "finished")
    assert store.marks == {"bg": SITE_NOON}
    assert spider.crawler.stats.get_value("discovery/hold_expired") == 1
    assert "not asked for again (FAKTI_HOLD_DAYS)" in caplog.text


def test_a_record_a_pipeline_lost_is_held_with_no_hold_days_limit(caplog) -> None:
    """A record lost by an item pipeline that raised (the state's disk full: our machine, not
    the site) was given up at once when listed more than FAKTI_HOLD_DAYS before the listing
    clock (review: a first run of 16 days, watermark moved past it, never fetched again). It
    is held until a run writes it, and the report's health notes count it."""
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 20, 9, 0)})
    spider, article = _listed_article(store, "Thu, 23 Oct 2025 11:00:00 +0300")
    _no_record(spider, article, "pipeline error")
    spider._closed(spider, "finished")
    assert store.marks == {"bg": sofia_local(2025, 10, 23, 11, 0)}  # asked again next run
    stats = spider.crawler.stats
    assert stats.get_value("discovery/hold_expired") is None
    assert "FAKTI_HOLD_DAYS" not in caplog.text
    assert stats.get_value("pipelines/lost") == 1
    now = datetime.now(UTC)
    report = summarize(stats.get_stats(), RunContext(now, now, 0.0, "finished", "incremental"))
    assert report["articles"]["lost_in_pipelines"] == 1
    verdict = evaluate(report)
    assert verdict.healthy
    assert verdict.notes[0] == (
        "1 record(s) lost by an item pipeline that raised (pipelines/lost: our machine or our "
        "code, not the site; see the log's errors): their articles are asked for again until "
        "a run writes them"
    )


def test_a_backfill_moves_only_watermarks_it_reaches_down_to() -> None:
    low, high = sofia_local(2025, 10, 1), sofia_local(2025, 10, 25)
    store = FakeStore(marks={"bg/avto": low, "bg/sport": high}, known={("bg", 1): high})
    spider = make_spider(store, since="2025-10-20", lang="bg", sections="avto,sport,krimi")
    for request in spider.start_requests_list():  # (each section lists only older articles)
        old = panel([(f"/{request.meta['section']}/1000001-a", "19.10.2025 10:00")])
        list(spider.parse_listing(response(request.url, old, request)))
    spider._closed(spider, "finished")
    # avto was walked down to 1 October only: 1-20 October stays for the next run to walk
    assert store.marks == {"bg/avto": low, "bg/sport": SITE_NOON, "bg/krimi": SITE_NOON}
    spider = make_spider(FakeStore(), since="2025-10-20", until="2025-10-22", lang="en")
    (search,) = spider.start_requests_list()
    list(spider.parse_search(response(search.url, b'<div id="main"></div>', search)))
    spider._closed(spider, "finished")
    assert spider.store is None or spider.store.marks == {}


def landed(request: Request, url: str, body: bytes, cls=HtmlResponse) -> Response:
    """The response of ``request`` after a redirect to ``url``."""
    moved = request.replace(url=url, meta={**request.meta, "redirect_urls": [request.url]})
    return response(url, body, moved, cls=cls)


@pytest.mark.parametrize(
    ("page", "to", "gap"),
    [
        (1, "/", True),  # a section moved to the home page: its walk is lost
        (3, "/world", True),  # sent back to page 1 after a full page: paging lost
        ("after a short page", "/world", False),  # speculative: past the last
        ("linked", "/world", True),  # the site linked to it
        ("home", "/en/", True),
    ],
)
def test_a_listing_redirected_to_another_page_is_not_read_as_it(page, to: str, gap: bool) -> None:
    store = FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)})
    spider = _walked_feed(store)
    if page == "home":
        request = spider._home("bg")
    elif page == "linked":
        request = spider._listing("bg", "world", 3, url=f"{BASE}/world?page=3")
    elif page == "after a short page":
        short = ListingPage(items=[ListingItem(url=f"{BASE}/world/1000008-x")])
        request = spider._listing("bg", "world", 3, page=short)
    else:
        request = spider._listing("bg", "world", page)
    body = panel([("/world/1000009-x", "26.10.2025")], next_href="/world?page=9")
    assert list(spider.parse_listing(landed(request, BASE + to, body))) == []
    stats = spider.crawler.stats
    assert stats.get_value("discovery/listing_failed" if gap else "discovery/listing_missing") == 1
    spider._closed(spider, "finished")
    assert store.marks == {"bg": sofia_local(2025, 10, 26, 9, 0) if gap else SITE_NOON}


def test_a_redirect_to_the_same_page_is_read() -> None:
    """A trailing slash or another scheme or host of the same path is the page asked for."""
    spider = _walked_feed(FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)}))
    request = spider._listing("bg", "world", 2)
    body = panel([("/world/1000009-x", "26.10.2025")])
    out = spider.parse_listing(landed(request, "https://fakti.bg/world/?page=2", body))
    assert paths(out) == ["/world/1000009-x", "/world?page=3"]


@pytest.mark.parametrize("to", ["https://fakti.bg/world/", "https://fakti.bg/world?page=1"])
def test_a_first_listing_page_redirected_to_itself_is_read(to: str) -> None:
    """The walk's first page moved to a form of itself (another scheme and host, a trailing
    slash, its explicit page 1) was not sent back to page 1: it is read, no gap."""
    spider = _walked_feed(FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)}))
    request = spider._listing("bg", "world")
    body = panel([("/world/1000009-x", "26.10.2025")])
    out = spider.parse_listing(landed(request, to, body))
    assert paths(out) == ["/world/1000009-x", "/world?page=2"]
    assert spider.crawler.stats.get_value("discovery/listing_failed") is None
    assert spider.coverage is not None and spider.coverage.gaps == []


@pytest.mark.parametrize("page_no", [0, 2])
def test_a_search_page_redirected_elsewhere_falls_back(page_no: int) -> None:
    spider = make_spider(since="2025-10-01", lang="bg")
    spider.start_requests_list()
    request = spider._search("bg", page_no)
    body = (
        b'<div id="main"><ul><li><a href="/sport/1000011-k"><span class="post-title">K</span>'
        b'</a><div class="ndt">25.10.2025</div></li></ul></div>'
    )
    out = list(spider.parse_search(landed(request, BASE + "/", body)))
    assert len(out) == (14 if page_no == 0 else 0)  # every section, or a gap
    assert spider.crawler.stats.get_value("discovery/search_failed") == 1
    assert spider.coverage is not None
    assert bool(spider.coverage.gaps) is (page_no != 0)


def test_a_feed_redirected_to_another_editions_feed_is_not_enough() -> None:
    """``/en/feed`` moved to the BG feed: its items say nothing of the EN edition."""
    mark = sofia_local(2025, 10, 26, 11, 0)
    spider = make_spider(FakeStore(marks={"bg": mark, "en": mark}), lang="en")
    (feed,) = spider.start_requests_list()
    body = rss(
        [
            ("/world/1000003-c", "Sun, 26 Oct 2025 11:50:00 +0200"),
            ("/world/1000002-b", "Sun, 26 Oct 2025 10:30:00 +0200"),  # BG, in the overlap
        ]
    )
    out = list(spider.parse_feed(landed(feed, BASE + "/feed", body, cls=XmlResponse)))
    assert paths(out) == ["/en/"]


def test_a_short_page_without_a_next_link_is_not_taken_as_the_last() -> None:
    """15 items, none below the floor, no `rel=next` (a modelled link; the page size too): the
    walk ended there, with no gap, and the watermark moved past what it never read."""
    spider = _walked_feed(FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)}))
    request = spider._listing("bg", "world")
    items = [(f"/world/{1000100 + n}-x", "днес в 10:00 ч.") for n in range(15)]
    out = list(spider.parse_listing(response(request.url, panel(items), request)))
    assert paths(out)[-1] == "/world?page=2"
    past = out[-1]  # the page after the last: empty, or missing: the walk ends, no gap
    assert list(spider.parse_listing(response(past.url, panel([]), past))) == []
    assert not list(past.errback(http_failure(response(past.url, b"", past, status=404))) or ())
    assert spider.coverage is not None and spider.coverage.gaps == []


def test_a_speculative_page_that_lists_nothing_new_ends_the_walk() -> None:
    """The page after a short one without a link shows that page again (a site that serves
    its last page for any number), with a ``rel=next`` link: the end, no gap, not followed."""
    spider = _walked_feed(FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)}))
    request = spider._listing("bg", "world")
    items = [(f"/world/{1000100 + n}-x", "днес в 10:00 ч.") for n in range(15)]
    *_, past = spider.parse_listing(response(request.url, panel(items), request))
    assert paths([past]) == ["/world?page=2"] and past.meta[SPECULATIVE]
    again = panel(items, "/world?page=3")
    assert list(spider.parse_listing(response(past.url, again, past))) == []
    assert spider.coverage is not None and spider.coverage.gaps == []


def test_an_upper_case_rel_next_is_followed() -> None:
    spider = _walked_feed(FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)}))
    request = spider._listing("bg", "world")
    body = panel([]).replace(b"</body>", b'<A REL="NEXT" HREF="/world?page=7">next</A></body>')
    out = list(spider.parse_listing(response(request.url, body, request)))
    assert paths(out) == ["/world?page=7"]


def test_a_page_moved_to_another_form_of_its_url_is_read() -> None:
    """``?page=2`` moved (301) to ``/world/page/2``: every walk past page 1 was a gap."""
    spider = _walked_feed(FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)}))
    request = spider._listing("bg", "world", 2)
    body = panel([("/world/1000009-x", "днес в 10:00 ч.")])
    out = spider.parse_listing(landed(request, BASE + "/world/page/2", body))
    assert paths(out)[0] == "/world/1000009-x"


def test_a_short_page_of_links_that_are_no_articles_ends_the_walk() -> None:
    """A breadcrumb in every search page (items, but no article): the walk went on to
    FAKTI_MAX_LISTING_PAGES, then a gap."""
    spider = make_spider(since="2025-10-01", lang="bg")
    spider.start_requests_list()
    request = spider._search("bg", 3)
    crumb = b'<div id="main"><ul><li><a href="/">Home</a></li></ul></div>'
    assert list(spider.parse_search(response(request.url, crumb, request))) == []


def test_a_full_search_page_of_other_sections_results_is_walked_past() -> None:
    """``sections=world``: a search page of exactly 20 results, all of other sections (nothing
    new to the walk), without ``rel=next``: it is full, so the next page is asked for."""
    spider = make_spider(since="2025-10-01", lang="bg", sections="world")
    spider.start_requests_list()
    full = ListingPage(items=[ListingItem(url=f"{BASE}/world/{1000100 + n}-k") for n in range(20)])
    request = spider._search("bg", 1, page=full)
    item = (
        '<li><a href="/sport/{}-k"><span class="post-title">K</span></a>'
        '<div class="ndt">25.10.2025</div></li>'
    )
    body = f'<div id="main"><ul>{"".join(item.format(1000200 + n) for n in range(20))}</ul></div>'
    (after,) = spider.parse_search(response(request.url, body.encode(), request))
    fromdate, todate, _ = search_range(request)
    assert search_range(after) == (fromdate, todate, "2")
    assert not after.meta[SPECULATIVE]
    assert spider.crawler.stats.get_value("discovery/links/filtered") == 20


@pytest.mark.parametrize(
    ("number", "short", "gap"), [(1, False, False), (2, False, True), (2, True, True)]
)
def test_robots_txt_forbidding_a_listing_page(number: int, short: bool, gap: bool) -> None:
    """A section robots.txt forbids is no gap; a forbidden later page (`Disallow: /*?page=`)
    hides the rest of the walk: a gap (the watermark had moved past 29 unread articles), also
    after a short page (the page size is modelled: it need not have been the last)."""
    spider = _walked_feed(FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)}))
    before = ListingPage(items=[ListingItem(url=f"{BASE}/world/1000008-x")]) if short else None
    listing = spider._listing("bg", "world", number, page=before)
    failure = Failure(IgnoreRequest("Forbidden by robots.txt"))
    failure.request = listing
    assert list(listing.errback(failure) or ()) == []
    assert spider.coverage is not None and bool(spider.coverage.gaps) is gap


@pytest.mark.parametrize("end", ["404", "repeated", "elsewhere"])
def test_a_search_page_after_a_short_one_may_not_exist(end: str) -> None:
    """A backfill's last search page is short: the page after it answering 404, repeating
    the last one or sent back to the first made every backfill a gap."""
    spider = make_spider(since="2025-10-01", lang="bg")
    spider.start_requests_list()
    first = spider._search("bg", 0)
    body = (
        b'<div id="main"><ul><li><a href="/sport/1000011-k"><span class="post-title">K</span>'
        b'</a><div class="ndt">25.10.2025</div></li></ul></div>'
    )
    (article, after) = spider.parse_search(response(first.url, body, first))
    assert paths([article]) == ["/sport/1000011-k"]
    if end == "404":
        failed = list(after.errback(http_failure(response(after.url, b"", after, status=404))))
    elif end == "repeated":
        failed = list(spider.parse_search(response(after.url, body, after)))
    else:
        failed = list(spider.parse_search(landed(after, first.url, body)))
    # the results ended: the rest of the range is searched, down to their oldest day (a
    # search may be capped), which lists that day again, and nothing older: the end
    (narrowed,) = failed
    assert search_range(narrowed) == ("01.10.2025", "25.10.2025", "0")
    (again,) = spider.parse_search(response(narrowed.url, body, narrowed))
    assert again.meta[SPECULATIVE]
    assert list(spider.parse_search(response(again.url, b'<div id="main"></div>', again))) == []
    assert spider.coverage is not None and spider.coverage.gaps == []
    assert not spider.crawler.stats.get_value("discovery/search_failed")
    assert spider.crawler.stats.get_value("discovery/search_narrowed") == 1


def search_range(request: Request) -> tuple[str, str, str]:
    """``(fromdate, todate, page)`` of a search request."""
    query = parse_qs(urlsplit(request.url).query)
    return query["fromdate"][0], query["todate"][0], query["page"][0]


def test_a_speculative_page_that_fails_is_a_gap() -> None:
    """Pages of 15 without rel=next: page 3 answering 503 ended the walk with no gap, the
    watermark moved past 19 unread articles. Only a page that does not exist ends it."""
    spider = _walked_feed(FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)}))
    short = ListingPage(items=[ListingItem(url=f"{BASE}/world/1000008-x")])
    for status, gap in ((404, False), (503, True)):
        page = spider._listing("bg", "world", 3, page=short)
        list(page.errback(http_failure(response(page.url, b"", page, status=status))) or ())
        assert spider.coverage is not None and bool(spider.coverage.gaps) is gap


def test_empty_pages_a_pager_still_links_end_the_walk() -> None:
    """A pager that renders rel=next on every page, empty ones too: a backfill walked 10,001
    search pages, then a gap. Two pages in a row with nothing new end it, with no gap."""
    spider = make_spider(since="2025-10-01", lang="bg")
    spider.start_requests_list()
    request = spider._search("bg", 8)
    item = (
        '<li><a href="/sport/1000011-k"><span class="post-title">K</span></a>'
        '<div class="ndt">25.10.2025</div></li>'
    )
    pager = '<a rel="next" href="/search?page={}">›</a>'
    steps = []
    for n, items in ((8, item), (9, ""), (10, "")):
        body = f'<div id="main"><ul>{items}</ul>{pager.format(n + 1)}</div>'.encode()
        out = list(spider.parse_search(response(request.url, body, request)))
        steps.append(len(out))
        request = out[-1] if out else request
    assert steps == [2, 1, 1]  # the article and page 9; page 10; the end of that search
    assert search_range(request) == ("01.10.2025", "25.10.2025", "0")  # (the range's rest)
    assert spider.coverage is not None and spider.coverage.gaps == []


def test_a_guessed_search_page_past_a_full_last_page_is_no_gap() -> None:
    """20 results: the last page is full, the guessed next one answers 404. Every re-run of
    that backfill was a gap."""
    spider = make_spider(since="2025-10-01", lang="bg")
    spider.start_requests_list()
    page = spider._search("bg", 1)
    assert list(page.errback(http_failure(response(page.url, b"", page, status=404)))) == []
    assert spider.coverage is not None and spider.coverage.gaps == []
    linked = spider._search("bg", 2, url=f"{BASE}/search?page=2")
    assert list(linked.errback(http_failure(response(linked.url, b"", linked, status=404)))) == []
    assert spider.coverage.gaps  # the site linked to it


def test_an_empty_page_the_site_linked_to_is_walked_past() -> None:
    """Page 2, linked from page 1, answered 200 with an empty list (a passing error): the
    walk ended there, 29 articles below it never read, the watermark moved."""
    spider = _walked_feed(FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)}))
    linked = spider._listing("bg", "world", 2, url=f"{BASE}/world?page=2")
    (after,) = spider.parse_listing(response(linked.url, panel([]), linked))
    assert paths([after]) == ["/world?page=3"] and after.meta[SPECULATIVE]


@pytest.mark.parametrize(
    ("after", "gap"),
    [
        ("articles", True),
        ("404", False),
        ("empty", False),
        ("sent back to page 1", False),  # past the end
        ("redirected to a notice", True),  # a site in trouble: 20 of 49 had been lost
        ("home page served", True),  # not redirected, but no more the end than a notice
    ],
)
@pytest.mark.parametrize("linked", [True, False])
def test_an_empty_page_where_more_was_expected_is_judged_by_the_page_after(
    after: str, gap: bool, linked: bool
) -> None:
    """Page 2, after a full page 1, answered an empty list once: its 20 articles were lost
    for good and the watermark moved. It may also be the end (a pager linking past the last
    page, a last page exactly full): the page after it decides."""
    spider = _walked_feed(FakeStore(marks={"bg": sofia_local(2025, 10, 26, 9, 0)}))
    full = ListingPage(items=[ListingItem(url=f"{BASE}/world/{1000100 + n}-x") for n in range(20)])
    url = f"{BASE}/world?page=2" if linked else None
    empty = spider._listing("bg", "world", 2, url=url, page=full)
    (third,) = spider.parse_listing(response(empty.url, panel([]), empty))
    assert paths([third]) == ["/world?page=3"] and third.meta[SPECULATIVE]
    if after == "articles":
        items = [("/world/1000009-x", "днес в 10:00 ч.")]
        list(spider.parse_listing(response(third.url, panel(items), third)))
    elif after == "404":
        list(third.errback(http_failure(response(third.url, b"", third, status=404))) or ())
    elif after == "empty":
        assert list(spider.parse_listing(response(third.url, panel([]), third))) == []
    elif after == "home page served":
        home = [("/sport/1000012-c", "днес в 11:10 ч."), ("/avto/1000011-z", "днес в 11:00 ч.")]
        assert list(spider.parse_listing(response(third.url, panel(home), third))) == []
        assert spider.crawler.stats.get_value("discovery/listing_foreign") == 1
    else:
        to = "/world" if after == "sent back to page 1" else "/maintenance"
        assert list(spider.parse_listing(landed(third, BASE + to, b"<p>x</p>"))) == []
    assert spider.coverage is not None and len(spider.coverage.gaps) == int(gap)


@pytest.mark.parametrize("speculative", [True, False])
def test_a_no_results_page_past_the_last_search_page_ends_the_results(speculative: bool):
    """Past the results the site may answer a page without `#main`: every backfill was a
    gap, its watermark never moved. After a full page it may also be a passing error: the
    page after it decides (here: no results either, the end)."""
    spider = make_spider(since="2025-10-01", lang="bg")
    spider.start_requests_list()
    size = 1 if speculative else 20
    items = [ListingItem(url=f"{BASE}/sport/{1000011 + n}-k") for n in range(size)]
    request = spider._search("bg", 9, page=ListingPage(items=items))
    body = b"<html><body><p>No results</p></body></html>"
    out = list(spider.parse_search(response(request.url, body, request)))
    if not speculative:
        (after,) = out
        out = list(spider.parse_search(response(after.url, body, after)))
    assert out == []
    assert spider.coverage is not None and spider.coverage.gaps == []


@pytest.mark.parametrize(
    ("lang", "to", "usable"),
    [
        ("bg", "/rss.xml", True),  # moved: it was unusable on every run (listings walked)
        ("bg", "/feed/rss2", True),  # a path the scheme does not know: judged by its items
        ("bg", "/feed/kultura-art", False),  # a section's: 40 of 44 new articles were lost
        ("en", "/feed", False),  # the other edition's
        ("bg", "/feed/", True),  # the same feed
    ],
)
def test_a_redirected_feed_is_judged_by_where_it_landed(lang: str, to: str, usable: bool):
    mark = sofia_local(2025, 10, 26, 11, 0)
    spider = make_spider(FakeStore(marks={lang: mark}), lang=lang)
    (feed,) = spider.start_requests_list()
    prefix = "/en" if lang == "en" else ""
    body = rss(
        [
            (f"{prefix}/world/1000003-c", "Sun, 26 Oct 2025 11:50:00 +0200"),
            (f"{prefix}/world/1000002-b", "Sun, 26 Oct 2025 10:30:00 +0200"),
        ]
    )
    out = paths(spider.parse_feed(landed(feed, BASE + to, body, cls=XmlResponse)))
    assert out == (
        [f"{prefix}/world/1000003-c", f"{prefix}/world/1000002-b", f"{prefix}/ [check]"]
        if usable
        else [f"{prefix}/"]
    )


@pytest.mark.parametrize(("to", "gap"), [("/", True), ("/search?page=0", False)])
def test_a_search_page_after_an_empty_one_redirected_elsewhere_is_a_gap(to: str, gap: bool):
    spider = make_spider(since="2025-10-01", lang="bg")
    spider.start_requests_list()
    full = ListingPage(items=[ListingItem(url=f"{BASE}/sport/{1000100 + n}-k") for n in range(20)])
    empty = spider._search("bg", 6, page=full)
    body = b'<div id="main"><ul></ul></div>'
    (after,) = spider.parse_search(response(empty.url, body, empty))
    assert after.meta[SPECULATIVE]
    out = list(spider.parse_search(landed(after, BASE + to, body)))
    assert out == []
    assert spider.coverage is not None and bool(spider.coverage.gaps) is gap


def test_pages_whose_extraction_raised_count_as_pages_with_nothing_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every page's extraction raising (e.g. JSON-LD too deep to parse) left the run report
    with 0 article pages, so no coverage gate could fire: the run was judged healthy."""
    import newsspider.extraction.article as article
    from newsspider.extensions.summary import RunContext, summarize

    def boom(*args: object) -> None:
        raise RecursionError("synthetic")

    monkeypatch.setattr(article, "_fast", boom)
    spider = make_spider(lang="bg")
    url = f"{BASE}/world/1031541-x"
    page = HtmlResponse(url, body=b"<html><h1>x</h1></html>", request=Request(url))
    (reject,) = spider.parse(page)
    assert isinstance(reject, RejectItem) and reject["reason"] == "error:RecursionError"
    stats = spider.crawler.stats.get_stats()
    started = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
    ctx = RunContext(started, started, 0.0, "finished", "first", {}, BASE)
    report = summarize(stats, ctx)
    assert report["articles"]["extracted"] == 1
    assert report["coverage"]["headline"] == 0.0


@pytest.mark.parametrize(
    ("until", "required"), [(None, True), ("today", True), ("2025-10-20", False)]
)
def test_a_backfill_up_to_today_moves_no_watermark_of_an_edition_it_found_nothing_of(
    until: str | None, required: bool
) -> None:
    """A backfill whose bg search came back empty (200, no results) raised the bg watermark
    to now: the bg articles of the range were never fetched, and the next incremental run
    walked from there (review of bad search pages: 11 lost, exit 0). A backfill of days gone
    may find a quiet edition empty: its watermarks are left as they are anyway."""
    if until == "today":
        until = datetime.now(SOFIA).date().isoformat()
    args = {"since": "2025-10-01", "lang": "all"} | ({"until": until} if until else {})
    spider = make_spider(**args)
    spider.start_requests_list()
    bg, en = spider._search("bg", 0), spider._search("en", 0)
    listed = (
        b'<div id="main"><ul><li><a href="/en/world/1000011-k"><span class="post-title">K'
        b'</span></a><div class="ndt">25.10.2025</div></li></ul></div>'
    )
    list(spider.parse_search(response(bg.url, b'<div id="main"><ul></ul></div>', bg)))
    list(spider.parse_search(response(en.url, listed, en)))
    assert spider.coverage is not None
    assert spider.coverage.unlisted() == (["bg"] if required else [])


def test_until_ends_at_the_next_sofia_midnight_exactly() -> None:
    """`until=` is inclusive of its Sofia date: the next midnight itself is outside. A
    date-only item or article (BG form C, 00:00) of the day after is not asked for nor kept;
    one a minute before midnight is."""
    spider = make_spider(since="2025-10-01", until="2025-10-25", sections="world", lang="bg")
    (request,) = spider.start_requests_list()
    body = panel(
        [("/world/1000012-l", "26.10.2025"), ("/world/1000011-k", "25.10.2025")],
        next_href="/world?page=2",
    )
    out = paths(spider.parse_listing(response(request.url, body, request)))
    assert out == ["/world/1000011-k", "/world?page=2"]
    en = make_spider(since="2025-10-01", until="2025-10-25", lang="en")
    en.start_requests_list()
    for shown, iso, records in [
        ("Oct 26, 2025 00:00", "2025-10-26T00:00:00+03:00", 0),
        ("Oct 25, 2025 23:59", "2025-10-25T23:59:00+03:00", 1),
    ]:
        page = article_response(en, iso)
        page = page.replace(body=page.body.replace(b"Oct 26, 2025 09:15", shown.encode()))
        items = list(en.parse(page))
        assert [item["published_at"] for item in items] == [iso] * records


def test_refresh_leaves_out_an_export_published_at_the_next_midnight() -> None:
    times = {
        ("bg", 1000001): sofia_local(2025, 10, 26, 0, 0),  # the midnight after `until`
        ("bg", 1000002): sofia_local(2025, 10, 25, 23, 59),
    }
    urls = {
        ("bg", 1000001): "https://fakti.bg/world/1000001-a",
        ("bg", 1000002): "https://fakti.bg/world/1000002-b",
    }
    store = FakeStore(known=times, since=list(urls.items()))
    spider = make_spider(store, refresh="36500", since="2025-10-20", until="2025-10-25", lang="bg")
    assert refreshed(spider) == ["/world/1000002-b"]


def test_until_whose_next_midnight_is_the_walks_lower_bound_leaves_nothing() -> None:
    """A scope walked down to exactly the instant `until=` ends at has nothing between: an
    error, as for an earlier `until`; a minute later, the run starts."""
    overlap = timedelta(minutes=60)
    edge = sofia_local(2025, 9, 2) + overlap  # watermark - overlap = the end of 2025-09-01
    spider = make_spider(FakeStore(marks={"en": edge}), until="2025-09-01", lang="en")
    with pytest.raises(ArgumentError, match=r"until: .*en is walked down to 2025-09-02 00:00"):
        spider.start_requests_list()
    later = make_spider(
        FakeStore(marks={"en": edge - timedelta(minutes=1)}), until="2025-09-01", lang="en"
    )
    assert len(later.start_requests_list()) == 1  # the feed
