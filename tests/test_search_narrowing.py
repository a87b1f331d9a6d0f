"""A capped search (a result window: page 1 and later list nothing): an edition's search walk
that ends for lack of results goes on with a narrowed search (same ``fromdate``, ``todate`` =
its oldest result's day) until nothing older is left; a day holding more results than the
cap is a gap. Before, a backfill of such a site wrote 20 of 113 articles, exit 0, and moved
the watermark past the 93 it never saw."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from spider_factory import BASE
from test_security import Walker
from test_spider import make_spider
from twisted.python.failure import Failure

from newsspider.extraction.listings import ListingItem, ListingPage
from newsspider.extraction.patterns import SECTIONS
from newsspider.extraction.urls import compact_key
from newsspider.spiders.paging import (
    SEARCH_SPAN,
    SPECULATIVE,
    Narrowing,
    SearchSpan,
    Walk,
    ignores_range,
    narrowing,
)

DATE = "Sun, 26 Oct 2025 10:00:00 GMT"
SINCE = date(2025, 10, 1)
D26, D25, D24, D20 = date(2025, 10, 26), date(2025, 10, 25), date(2025, 10, 24), date(2025, 10, 20)


# -- the rule (pure) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        # the first search, cut after a full page: the rest of the range, down to its oldest day
        (SearchSpan(date(2025, 10, 28), oldest=D25, older=True, cut=True), Narrowing(D25)),
        # ended with a short page: still searched down to it (a cap need not fall on a page)
        (SearchSpan(date(2025, 10, 28), oldest=D25, older=True), Narrowing(D25)),
        # down to `since` itself: its day may hold more than the search showed
        (SearchSpan(D25, 3, 1, True, oldest=SINCE, older=True), Narrowing(SINCE)),
        # a narrowed search that listed nothing older new to the walk: nothing older is left
        (SearchSpan(D25, 3, 1, True, oldest=D24, older=False, cut=True), Narrowing(None)),
        # every result of its todate day, the search not cut: it listed all of its range
        (SearchSpan(D25, 3, 1, True, oldest=D25), Narrowing(None)),
        # every result of its todate day and cut there: that day's rest is out of reach of
        # search (the spider walks the edition's sections)
        (SearchSpan(D25, 3, 1, True, oldest=D25, cut=True), Narrowing(None, out_of_reach=True)),
        (SearchSpan(SINCE, 3, 1, True, oldest=SINCE, cut=True), Narrowing(None, True)),
        # results older than `since` (a site ignoring fromdate): the walk reached its floor
        (SearchSpan(D25, oldest=date(2025, 9, 30), older=True, cut=True), Narrowing(None)),
        # nothing dated: the end of a quiet range; out of reach if it was cut or should have
        # listed its todate day (a narrowed search with no result)
        (SearchSpan(D25), Narrowing(None)),
        (SearchSpan(D25, cut=True), Narrowing(None, out_of_reach=True)),
        (SearchSpan(D25, 3, 1, listed_to=True), Narrowing(None, out_of_reach=True)),
        (SearchSpan(D24, 3, 1, listed_to=False), Narrowing(None)),
    ],
)
def test_a_search_ended_for_lack_of_results_is_narrowed_or_ends(span, expected) -> None:
    assert narrowing(span, SINCE) == expected


def test_each_narrowing_moves_strictly_older_and_not_below_since() -> None:
    days = [SINCE + timedelta(days=n) for n in range(-2, 6)]
    for to in days:
        for oldest in (None, *days):
            for older in (False, True):
                for cut in (False, True):
                    span = SearchSpan(to, 4, 2, True, oldest, older, cut)
                    then = narrowing(span, SINCE)
                    if then.to is not None:
                        assert SINCE <= then.to < to, span


def test_a_search_span_keeps_its_oldest_day_what_it_listed_and_its_last_full_page() -> None:
    span = SearchSpan(D26).saw([D26, D25], older=True, cut=True)
    assert (span.oldest, span.older, span.cut) == (D25, True, True)
    span = span.saw([], older=False, cut=None)  # an empty page changes nothing
    assert (span.oldest, span.older, span.cut) == (D25, True, True)
    span = span.saw([D26, D24], older=False, cut=False)  # a short last page
    assert (span.oldest, span.older, span.cut) == (D24, True, False)


def test_a_narrowed_search_is_paged_on_its_own_keys_and_remembers_the_walks() -> None:
    walk = Walk()
    assert walk.see([1, 2]) and not walk.see([1, 2]) and walk.barren == 1
    walk.narrow_to(1)
    assert (walk.repeats, walk.barren) == (0, 0)
    assert walk.see([1, 2])  # new to the narrowed search: it lists its todate day again
    assert walk.listed(1) and walk.listed(2) and not walk.listed(3)


def test_a_narrowed_search_remembers_what_only_earlier_searches_listed() -> None:
    """Keys a search listed and the narrowed searches after it do not list again are still
    the walk's: an older result is new to the walk only if no search of it listed it."""
    walk = Walk()
    walk.see([1, 2, 3])
    walk.narrow_to(1)
    walk.see([3, 4])
    walk.narrow_to(2)
    assert [walk.listed(key) for key in (1, 2, 3, 4, 5)] == [True, True, True, True, False]


# -- the spider ------------------------------------------------------------------------------


def results(items: list[tuple[int, date]], next_page: int | None = None) -> bytes:
    lis = "".join(
        f'<li><a href="/sport/{key}-k"><span class="post-title">K</span></a>'
        f'<div class="ndt">{day:%d.%m.%Y}</div></li>'
        for key, day in items
    )
    nxt = f'<a rel="next" href="/search?page={next_page}">›</a>' if next_page else ""
    return f'<div id="main"><ul>{lis}</ul>{nxt}</div>'.encode()


NONE = results([])


def linked(request: Request, body: bytes) -> bytes:
    """``body`` with its ``rel=next`` link to ``/search?page=N`` written as the site writes
    it: the URL of ``request`` (its date range) with ``page=N``."""

    def full(match: re.Match) -> bytes:
        parts = urlsplit(request.url)
        query = {**parse_qs(parts.query, keep_blank_values=True), "page": [match[1].decode()]}
        return b'href="' + f"{parts.path}?{urlencode(query, doseq=True)}".encode() + b'"'

    return re.sub(rb'href="/search\?page=(\d+)"', full, body)


def answer(spider, request: Request, body: bytes) -> tuple[list[str], list[Request]]:
    """The article paths and search requests ``request`` answered with ``body`` gives."""
    body = linked(request, body)
    response = HtmlResponse(request.url, body=body, request=request, headers={"Date": DATE})
    out = list(spider.parse_search(response))
    articles = [urlsplit(r.url).path for r in out if "page" not in r.meta]
    return articles, [r for r in out if "page" in r.meta]


def search_range(request: Request) -> tuple[str, str, str]:
    query = parse_qs(urlsplit(request.url).query)
    return query["fromdate"][0], query["todate"][0], query["page"][0]


def ids(start: int, n: int, day: date) -> list[tuple[int, date]]:
    return [(start + i, day) for i in range(n)]


def capped(
    spider, request: Request, items: list[tuple[int, date]], full: bool
) -> tuple[list[str], Request | None]:
    """A search capped at page 0: ``items`` there (linking page 1 when ``full``), then nothing
    on page 1 (and, after a full page 0, on the speculative page 2); the articles asked for
    and the request that follows (a narrowed search, or None: the walk ended)."""
    arts, pages = answer(spider, request, results(items, 1 if full else None))
    (page1,) = pages
    assert page1.meta[SPECULATIVE] is not full
    _, pages = answer(spider, page1, NONE)
    if full:  # an empty page where more was expected: the page after it decides
        (page2,) = pages
        assert page2.meta[SPECULATIVE]
        _, pages = answer(spider, page2, NONE)
    assert len(pages) <= 1
    return arts, pages[0] if pages else None


def test_a_capped_search_walk_searches_the_rest_of_its_range() -> None:
    spider = make_spider(since=SINCE.isoformat(), lang="bg")
    (first,) = spider.start_requests_list()
    page0 = ids(1_000_100, 10, D26) + ids(1_000_110, 10, D25)
    arts, narrowed = capped(spider, first, page0, full=True)
    assert len(arts) == 20
    assert narrowed is not None  # the walk ended there, 13 articles below never asked for
    assert search_range(narrowed) == ("01.10.2025", "25.10.2025", "0")
    assert narrowed.meta["page"] == 3  # (the walk's 4th page: FAKTI_MAX_LISTING_PAGES)
    # its page 0: the 10 of the 25th listed before, 10 of the 24th, new
    again = ids(1_000_110, 10, D25) + ids(1_000_120, 10, D24)
    arts, narrowed = capped(spider, narrowed, again, full=True)
    assert arts == [f"/sport/{k}-k" for k in range(1_000_120, 1_000_130)]
    assert narrowed is not None and search_range(narrowed)[1:] == ("24.10.2025", "0")
    last = ids(1_000_120, 10, D24) + ids(1_000_130, 3, D20)  # short: the range's end
    arts, narrowed = capped(spider, narrowed, last, full=False)
    assert arts == [f"/sport/{k}-k" for k in range(1_000_130, 1_000_133)]
    assert narrowed is not None and search_range(narrowed)[1:] == ("20.10.2025", "0")
    assert capped(spider, narrowed, ids(1_000_130, 3, D20), full=False) == ([], None)  # the end
    stats = spider.crawler.stats
    assert stats.get_value("discovery/search_narrowed") == 3
    assert stats.get_value("discovery/articles/scheduled") == 33
    assert spider.coverage is not None and spider.coverage.gaps == []


def test_pages_of_a_narrowed_search_that_list_its_day_again_do_not_end_it() -> None:
    """A cap of 3 pages: the first search's last two pages are of the 25th. The narrowed
    search lists those 40 again before the rest of the 25th and the 24th: judged by the
    keys of the whole walk, its first two pages listed nothing new and ended it (a gap)."""
    spider = make_spider(since=SINCE.isoformat(), lang="bg")
    (request,) = spider.start_requests_list()
    day25 = ids(1_000_100, 45, D25)
    for items in (ids(1_000_000, 20, D26), day25[:20], day25[20:40]):
        _, (request,) = answer(spider, request, results(items, 1))
    (request,) = answer(spider, request, NONE)[1]  # page 3: nothing (the cap)
    (narrowed,) = answer(spider, request, NONE)[1]  # page 4, speculative: nothing
    assert search_range(narrowed)[1:] == ("25.10.2025", "0")
    _, (page1,) = answer(spider, narrowed, results(day25[:20], 1))
    _, (page2,) = answer(spider, page1, results(day25[20:40], 1))
    rest = day25[40:] + ids(1_000_200, 15, D24)
    arts, _ = answer(spider, page2, results(rest, 1))
    assert arts == [f"/sport/{key}-k" for key, _ in rest]
    assert spider.coverage is not None and spider.coverage.gaps == []


def test_a_day_holding_more_results_than_the_cap_is_walked_through_the_sections() -> None:
    """All of a narrowed search's results are of its todate day, and its page is full: the
    rest of that day cannot be reached by search. It was a gap, the same every run (the
    same cap): never fetched. The edition's sections are walked instead, down to `since`."""
    spider = make_spider(since=D24.isoformat(), lang="bg")
    (first,) = spider.start_requests_list()
    page0 = ids(1_000_100, 5, D26) + ids(1_000_110, 15, D25)
    _, narrowed = capped(spider, first, page0, full=True)
    assert narrowed is not None and search_range(narrowed)[1] == "25.10.2025"
    capped_page = results(ids(1_000_110, 15, D25) + ids(1_000_200, 5, D25), 1)
    _, (page1,) = answer(spider, narrowed, capped_page)
    _, (page2,) = answer(spider, page1, NONE)
    _, sections = answer(spider, page2, NONE)
    assert sorted(urlsplit(r.url).path for r in sections) == sorted(f"/{s}" for s in SECTIONS)
    assert spider.coverage is not None and spider.coverage.gaps == []
    assert spider.crawler.stats.get_value("discovery/search_capped") == 1


def failure(request: Request, status: int) -> Failure:
    response = HtmlResponse(request.url, body=b"", status=status, request=request)
    error = HttpError(response, "x")
    result = Failure(error)
    result.request = request  # type: ignore[attr-defined]
    return result


@pytest.mark.parametrize("status", [404, 503])
def test_a_narrowed_search_that_fails_is_a_gap_not_the_end_nor_a_fallback(status: int):
    spider = make_spider(since=SINCE.isoformat(), lang="bg")
    (first,) = spider.start_requests_list()
    _, narrowed = capped(spider, first, ids(1_000_100, 20, D25), full=True)
    assert narrowed is not None
    assert list(narrowed.errback(failure(narrowed, status))) == []  # (no section listings)
    assert spider.coverage is not None and spider.coverage.gaps


def test_a_narrowed_search_that_lists_nothing_walks_the_sections() -> None:
    """A narrowed search must list its todate day, which the search before it listed: one
    with no result at all cannot serve the walk, whose sections are walked instead."""
    spider = make_spider(since=SINCE.isoformat(), lang="bg")
    (first,) = spider.start_requests_list()
    _, narrowed = capped(spider, first, ids(1_000_100, 20, D25), full=True)
    assert narrowed is not None and search_range(narrowed)[1:] == ("25.10.2025", "0")
    response = HtmlResponse(narrowed.url, body=NONE, request=narrowed, headers={"Date": DATE})
    out = list(spider.parse_search(response))
    assert [urlsplit(r.url).path for r in out] == [f"/{name}" for name in sorted(SECTIONS)]
    assert spider.crawler.stats.get_value("discovery/search_capped") == 1


def test_a_searchs_page_1_that_fails_is_a_gap_not_a_section_walk() -> None:
    """Only page 0 of the walk failing means search is unavailable (the sections are
    walked instead); page 1 failing hides the rest of the results: a gap."""
    spider = make_spider(since=SINCE.isoformat(), lang="bg")
    (first,) = spider.start_requests_list()
    _, (page1,) = answer(spider, first, results(ids(1_000_100, 20, D25), 1))
    assert page1.meta["page"] == 1
    assert list(page1.errback(failure(page1, 503))) == []  # (no section listings)
    assert spider.coverage is not None
    assert spider.coverage.gaps == ["search page 1 (bg) unavailable"]


def test_results_of_the_other_edition_do_not_narrow_a_search() -> None:
    """A bg search listing an English result of the 20th among its own of the 26th and 25th:
    the walk narrows to its own oldest day, the 25th (not the 20th, skipping four days)."""
    spider = make_spider(since=SINCE.isoformat(), lang="bg")
    (first,) = spider.start_requests_list()
    english = (
        b'<li><a href="/en/sport/1000200-k"><span class="post-title">K</span></a>'
        b'<div class="ndt">20.10.2025</div></li></ul>'
    )
    page0 = results(ids(1_000_100, 10, D26) + ids(1_000_110, 10, D25), 1)
    arts, (page1,) = answer(spider, first, page0.replace(b"</ul>", english))
    assert len(arts) == 20
    _, (page2,) = answer(spider, page1, NONE)
    _, (narrowed,) = answer(spider, page2, NONE)
    assert search_range(narrowed) == ("01.10.2025", "25.10.2025", "0")


def test_a_narrowed_search_whose_first_page_cannot_be_read_is_a_gap() -> None:
    """A narrowed search starts at the walk's page 3: a page there that is no search page is
    the search unavailable (a gap), not an empty page past its results."""
    spider = make_spider(since=SINCE.isoformat(), lang="bg")
    (first,) = spider.start_requests_list()
    _, narrowed = capped(spider, first, ids(1_000_100, 20, D25), full=True)
    assert narrowed is not None and narrowed.meta["page"] == 3
    unavailable = b"<html><body><h1>Service unavailable</h1></body></html>"
    assert answer(spider, narrowed, unavailable) == ([], [])  # (no section listings)
    assert spider.coverage is not None
    assert spider.coverage.gaps == ["search page 3 (bg) unavailable"]


def test_a_guessed_page_past_a_full_last_one_answering_404_ends_that_search() -> None:
    """Past the results (404 of a guessed page): the walk goes on as after an empty one."""
    spider = make_spider(since=SINCE.isoformat(), lang="bg")
    (first,) = spider.start_requests_list()
    _, (page1,) = answer(spider, first, results(ids(1_000_100, 20, D25)))
    (narrowed,) = page1.errback(failure(page1, 404))
    assert search_range(narrowed) == ("01.10.2025", "25.10.2025", "0")
    assert spider.coverage is not None and spider.coverage.gaps == []


# -- the listing guard ----------------------------------------------------------------------


def test_the_listing_guard_lets_a_narrowed_search_start_at_page_0() -> None:
    """The guard keyed pages on (path, page): a narrowed search's page 0, asked for from page
    2 of the search before it, "pointed back" and was dropped as a loop (a gap)."""
    walker = Walker(make_spider(since=SINCE.isoformat(), lang="bg"))
    (page1,) = walker.listings(
        walker.first, linked(walker.first, results(ids(1_000_100, 20, D25), 1)), True
    )
    (page2,) = walker.listings(page1, linked(page1, NONE), True)
    (narrowed,) = walker.listings(page2, linked(page2, NONE), True)
    assert search_range(narrowed) == ("01.10.2025", "25.10.2025", "0")
    assert not walker.spider.crawler.stats.get_value("safety/listing/loop")
    # a page of the same search pointing back is still a loop
    (page1,) = walker.listings(
        narrowed, linked(narrowed, results(ids(1_000_100, 20, D25), 1)), True
    )
    back = results(ids(1_000_200, 20, D24), None).replace(
        b"</ul>",
        b'</ul><a rel="next" href="/search?q=&sort=date&c=0&fromdate=01.10.2025'
        b'&todate=25.10.2025&page=0">x</a>',
    )
    assert walker.listings(page1, linked(page1, back), True) == []
    assert walker.spider.crawler.stats.get_value("safety/listing/loop") == 1


def test_max_listing_pages_bounds_the_whole_search_walk() -> None:
    """A narrowed search's pages count on from the search before it: 4 pages at most."""
    spider = make_spider(settings={"FAKTI_MAX_LISTING_PAGES": 4}, since="2025-10-01", lang="bg")
    walker = Walker(spider)
    (page1,) = walker.listings(
        walker.first, linked(walker.first, results(ids(1_000_100, 20, D25), 1)), True
    )
    (page2,) = walker.listings(page1, linked(page1, NONE), True)
    (narrowed,) = walker.listings(page2, linked(page2, NONE), True)
    assert narrowed.meta["page"] == 3
    page = results(ids(1_000_100, 10, D25) + ids(1_000_300, 10, D24), 1)
    (page4,) = walker.listings(narrowed, linked(narrowed, page), True)
    assert page4.meta["page"] == 4
    assert walker.listings(page4, linked(page4, NONE), True) == []  # page 5 of the walk: dropped
    assert spider.crawler.stats.get_value("safety/listing/max_pages") == 1


def test_the_walk_remembers_what_its_searches_listed() -> None:
    spider = make_spider(since=SINCE.isoformat(), lang="bg")
    (first,) = spider.start_requests_list()
    answer(spider, first, results(ids(1_000_100, 2, D25)))
    walk = spider.walks[("search", "bg")]
    assert walk.listed(compact_key(("bg", 1_000_100)))
    assert not walk.listed(compact_key(("bg", 1_000_102)))


def test_a_search_span_rides_on_its_requests() -> None:
    page = ListingPage(items=[ListingItem(url=f"{BASE}/sport/1000100-k")])
    spider = make_spider(since=SINCE.isoformat(), lang="bg")
    spider.start_requests_list()
    span = SearchSpan(D25, 7, 2, True)
    request = spider._search("bg", 1, page=page, span=span)
    assert request.meta["page"] == 8 and request.meta[SEARCH_SPAN] is span
    assert search_range(request) == ("01.10.2025", "25.10.2025", "1")


def test_a_narrowed_search_is_judged_on_its_own_keys_by_any_worker() -> None:
    """A distributed job: the worker that takes a narrowed search's pages read the first
    search's pages itself (walks are per worker) and never narrowed its walk, so the pages
    listed only what its walk had listed: one such page was a gap on a healthy site (review,
    1 of 6 distributed backfills), and two full ones in a row stalled the search into a
    capped gap that skipped the rest of that day (review of the first fix)."""
    day25 = ids(1_000_100, 45, D25)
    pages = (ids(1_000_000, 20, D26), day25[:20], day25[20:40])
    spider, other = (make_spider(since=SINCE.isoformat(), lang="bg") for _ in range(2))
    for worker in (spider, other):
        (request,) = worker.start_requests_list()
        for items in pages:
            _, (request,) = answer(worker, request, results(items, 1))
    (request,) = answer(spider, request, NONE)[1]
    (narrowed,) = answer(spider, request, NONE)[1]
    _, (page1,) = answer(other, narrowed, results(day25[:20], 1))  # all read by `other`
    _, (page2,) = answer(other, page1, results(day25[20:40], 1))
    rest = day25[40:] + ids(1_000_200, 15, D24)
    arts, _ = answer(other, page2, results(rest, 1))
    assert arts == [f"/sport/{key}-k" for key, _ in rest]
    assert other.coverage is not None and other.coverage.gaps == []
    assert not other.crawler.stats.get_value("discovery/listing_repeated")
    assert not other.crawler.stats.get_value("discovery/search_capped")


# -- a search that does not honour its range -------------------------------------------------

D23, D27 = date(2025, 10, 23), date(2025, 10, 27)


@pytest.mark.parametrize(
    ("days", "first", "expected"),
    [
        ([], True, False),  # no dated result: nothing to judge
        ([D24, D25], True, False),  # the range's own first and last days (inclusive)
        ([D24], True, False),
        ([D25], True, False),
        ([D26, D25, D23], True, False),  # neighbours around a result of the range
        ([D23, D20], True, True),  # all older than `since`
        ([D27, D26], True, True),  # all after `todate`
        ([D26, D23], True, True),  # on either side, none in it
        ([D27, D26], False, True),  # a later page: after `todate` is out of order
        ([D26, D23], False, True),
        # a later page all older than `since`: the end of a newest-first list that ignores
        # `fromdate` only (the walk ends there as before)
        ([D23, D20], False, False),
    ],
)
def test_a_search_page_without_a_result_of_its_range_shows_the_range_ignored(
    days: list[date], first: bool, expected: bool
) -> None:
    assert ignores_range(days, D24, D25, first) is expected


@pytest.mark.parametrize("day", [date(2025, 5, 1), D27])
def test_a_first_search_page_without_a_result_of_its_range_walks_the_sections(
    day: date, caplog
) -> None:
    """The site does not honour the range and dates its results outside it (review, a fake
    site: page 0 listed only results of 01.05.2025: 5 `old`, nothing written, exit 0, the
    watermark moved; all of 20.07.2026, after `todate`: 30 `later` on 7 pages, nothing
    written). Search cannot serve the walk: the edition's sections are walked instead, down
    to `since`, as when search is unavailable."""
    spider = make_spider(since=D24.isoformat(), until=D25.isoformat(), lang="bg")
    (first,) = spider.start_requests_list()
    arts, listings = answer(spider, first, results(ids(1_000_100, 20, day), 1))
    assert arts == []
    assert sorted(urlsplit(r.url).path for r in listings) == sorted(f"/{s}" for s in SECTIONS)
    assert spider.coverage is not None and spider.coverage.gaps == []
    assert spider.crawler.stats.get_value("discovery/search_unranged") == 1
    assert [m for m in caplog.messages if "search" in m] == [
        f"search (bg) {first.url} lists 20 results, none of its range 2025-10-24..2025-10-25 "
        f"(dated {day}..{day}): the site does not honour it; walking its sections"
    ]


def test_a_later_search_page_without_a_result_of_its_range_is_a_gap() -> None:
    """A page after results of the range listing only results after it (out of order): what
    lies below cannot be walked by search, a gap (no section walk from a later page, as when
    one fails)."""
    spider = make_spider(since=D24.isoformat(), until=D26.isoformat(), lang="bg")
    (first,) = spider.start_requests_list()
    _, (page1,) = answer(spider, first, results(ids(1_000_100, 20, D26), 1))
    assert answer(spider, page1, results(ids(1_000_200, 20, D27), 2)) == ([], [])
    assert spider.coverage is not None
    assert spider.coverage.gaps == [f"search {page1.url} (bg) lists no result of its range"]


@pytest.mark.parametrize("day", [D27, D23], ids=["after its range", "before its range"])
def test_a_narrowed_searchs_first_page_without_a_result_of_its_range_walks_the_sections(
    day: date, caplog
) -> None:
    """A narrowed search (after a capped one) whose first page lists only results outside
    its range, as a site that ignores the range lists its newest again (review: a gap that
    came back every run, 18 of 33 articles never asked for): the edition's sections are
    walked instead, down to `since`, as for a search out of reach; no gap."""
    spider = make_spider(since=D24.isoformat(), lang="bg")
    (first,) = spider.start_requests_list()
    _, narrowed = capped(spider, first, ids(1_000_100, 20, D26), full=True)
    assert narrowed is not None and narrowed.meta["page"] == 3
    assert search_range(narrowed)[1] == "26.10.2025"
    arts, listings = answer(spider, narrowed, results(ids(1_000_300, 5, day)))
    assert arts == []
    assert sorted(urlsplit(r.url).path for r in listings) == sorted(f"/{s}" for s in SECTIONS)
    assert spider.coverage is not None and spider.coverage.gaps == []
    assert spider.crawler.stats.get_value("discovery/search_unranged") == 1
    assert (
        sum("the site does not honour it; walking its sections" in m for m in caplog.messages) == 1
    )


def test_a_search_page_with_one_result_of_its_range_is_walked_as_before() -> None:
    """Results of the range's first and last days (dates are days), neighbours around one of
    the range, and a later page past `since` (a site ignoring `fromdate` only: the end)."""
    spider = make_spider(since=D24.isoformat(), until=D25.isoformat(), lang="bg")
    (first,) = spider.start_requests_list()
    page0 = [(1_000_100, D26), (1_000_101, D25), (1_000_102, D24), (1_000_103, D23)]
    arts, (page1,) = answer(spider, first, results(page0 + ids(1_000_110, 16, D24), 1))
    assert arts[:2] == ["/sport/1000101-k", "/sport/1000102-k"] and len(arts) == 18
    assert search_range(page1) == ("24.10.2025", "25.10.2025", "1")
    assert answer(spider, page1, results(ids(1_000_200, 3, D23))) == ([], [])  # the end
    assert spider.coverage is not None and spider.coverage.gaps == []
    assert spider.crawler.stats.get_value("discovery/search_unranged") is None
