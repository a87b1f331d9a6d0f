"""How a paged walk (a section's listing pages, an edition's search results) goes on, and
where a redirected discovery request landed: pure rules on listing pages and request meta.

A page is followed by the next while it lists an article its walk had not; or, unless it and
the page before listed nothing new, while the site links to the next page, the page is full
(:data:`FULL_PAGE`, modelled) or it is empty where more was expected (:func:`suspect`: the
page after it decides whether it was the end or a gap). The page after a short page that
links to none is *speculative* (:data:`SPECULATIVE`): it may not exist, so it ends the walk
without a gap when it does not (404/410, a redirect elsewhere, nothing new), and is a gap
when it fails otherwise (the spider's errbacks).

A search may be capped (a result window: later pages list nothing), so an edition's search
walk that ends for lack of results goes on with a *narrowed* search over the rest of its
range (:class:`SearchSpan`, :func:`narrowing`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import dropwhile, pairwise, takewhile
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from newsspider.extraction import patterns as P
from newsspider.extraction.listings import ListingPage
from newsspider.extraction.urls import ArticleRef, classify, page_number

#: Listing pages shorter than this without ``a[rel=next]`` may be the last (both modelled):
#: the page after one is still asked for, as a *speculative* page (meta :data:`SPECULATIVE`).
FULL_PAGE = 20
SPECULATIVE = "fakti_speculative"
#: Request meta of a later listing or search page: how many items the page before listed,
#: and, when that page listed nothing though more was expected, its URL (:func:`suspect`).
BEFORE, SUSPECT = "fakti_before", "fakti_suspect"
#: Request meta of the first listing page after a feed judged enough by its dates: the
#: :class:`FeedCheck` that page answers.
FEED_CHECK = "fakti_feed_check"
#: Items below the floor that end a page and so its walk (one alone may be a stray story).
OLD_TAIL = 2
#: Pages in a row whose items show no date that end a walk as a gap: nothing tells where
#: the floor is (a renamed date element would have it read FAKTI_MAX_LISTING_PAGES pages).
UNDATED_PAGES = 3
#: The first and last second (POSIX) a listed publication time may stand for.
Span = tuple[float, float]


class Found(NamedTuple):
    """What a listing page gave: article requests; whether it listed an item below the
    walk's floor (``reached_old``), how many such items end it (``old_tail``: undated items
    between them do not count), whether it listed one that is not below it (``above``: new,
    exported or after ``until``, asked for already or not, or one listed before, by an
    earlier page of the walk or further up the page: these neither end a run of old items nor
    count in it), one above the watermark (``fresh``), one shown at a time inside the overlap
    between the floor and the watermark, which the previous run covered (``overlap``; these
    two: of the page's own edition and section), an article earlier pages of its walk did not
    list (``novel``), whether it and the page before listed no such article (``stalled``:
    empty pages too), whether they listed only items earlier pages of their walk listed
    (``repeated``), and whether the walk's last pages showed no item's date (``blind``:
    :data:`UNDATED_PAGES` in a row)."""

    requests: list[scrapy.Request]
    reached_old: bool
    old_tail: int
    above: bool
    fresh: bool
    overlap: bool
    novel: bool
    stalled: bool
    repeated: bool
    blind: bool


class FeedCheck(NamedTuple):
    """What a feed judged enough by its dates listed of its own edition (and section): the
    keys (``compact_key``) of its items and ``(key, time)`` of those with a time (POSIX;
    date-only times left out). Its first listing page (the home page, or the section's page 1)
    checks it: the feed is trusted only if that page :meth:`covers` the time since the walk's
    floor (the watermark minus the overlap) and shows no article above the floor, inside the
    feed's span, that the feed left out (a category it omits, a hole); else the listings are
    walked after all."""

    keys: frozenset[int]
    timed: tuple[tuple[int, float], ...]

    def left_out(self, shown: Iterable[tuple[int, Span | None]], floor: float) -> int:
        """How many of ``shown`` (``(key, span)`` of the page's own items: the first and
        last second its time may stand for) the feed should have listed and did not: that may
        lie above ``floor`` (older ones the last run covered) and before the minute of the
        feed's newest item (a page shows minutes, a feed may show seconds, and an article of
        11:10:50 shown as 11:10 may be newer than a feed built at 11:10:45)."""
        times = [at for _, at in self.timed]
        lower, upper = max(min(times), floor), max(times) // 60 * 60 - 1
        return sum(
            1
            for key, span in shown
            if span is not None and lower <= span[1] and span[0] <= upper and key not in self.keys
        )

    def covers(self, shown: list[tuple[int, Span | None]], floor: float) -> bool:
        """Whether the page lists everything down to ``floor``: its dated items newest first
        down to one at or below it (every second it may stand for), and every item the feed
        shows above it among them. A page out of that order, or without some of those (a
        curated page, a promoted older story), proves nothing of what lies between. (Items
        below the floor may be in any order: the second pass of the autumn's repeated hour
        reads as its first.)"""
        times = [span[1] for _, span in shown if span is not None]
        rest = list(dropwhile(lambda at: at <= floor, times))  # (a promoted older story first)
        above = list(takewhile(lambda at: at > floor, rest))
        keys = {key for key, _ in shown}
        return (
            len(above) < len(rest)
            and all(a >= b for a, b in pairwise(above))
            and all(key in keys for key, at in self.timed if at >= floor)
        )


class Walk:
    """The article keys one paged walk (a section's listing, an edition's search) listed,
    and how many of its last pages in a row listed only keys earlier pages had (``repeats``)
    or no key new to it (``barren``, empty pages too). A search walk's narrowed search
    (:meth:`narrow_to`) is paged as a walk of its own: its pages list again the newest results
    of its ``todate`` day, which the search before listed (``earlier``)."""

    def __init__(self) -> None:
        self.keys: set[int] = set()
        self.earlier: set[int] = set()
        self.repeats = self.barren = self.undated = 0
        self.narrowed = 0

    def narrow_to(self, narrowed: int) -> None:
        """A page of the walk's ``narrowed``-th narrowed search came: if it is a newer search
        than this walk's, its pages are judged by its own keys from here (in a distributed
        job, on whichever worker takes them)."""
        if narrowed <= self.narrowed:
            return
        self.narrowed = narrowed
        self.earlier |= self.keys
        self.keys = set()
        self.repeats = self.barren = self.undated = 0

    def listed(self, key: int) -> bool:
        """Whether a page of the walk (of any of its searches) listed ``key``."""
        return key in self.keys or key in self.earlier

    def see(self, keys: list[int], dated: bool = True) -> bool:
        """Record a page's keys (``compact_key``) and whether one of its items showed a date
        (``undated``: pages in a row with items and no date); whether one of the keys is new
        to the walk."""
        new = not self.keys.issuperset(keys)
        self.keys.update(keys)
        self.repeats = 0 if new or not keys else self.repeats + 1
        self.barren = 0 if new else self.barren + 1
        self.undated = 0 if dated or not keys else self.undated + 1
        return new

    @property
    def repeated(self) -> bool:
        """Whether the last page listed only keys earlier pages had: a page stuck (a site
        that ignores the page number) or past the last (one that shows its last page for any
        number). A page shifted by new articles repeats some of the page before it, not all:
        that would take a page's worth published between two fetches."""
        return self.repeats >= 1


def landed_elsewhere(response: Response, first: int) -> str | None:
    """The URL a listing or search request was redirected to, if it is not a form of the page
    asked for: another path that is not below the asked one (the home page, another section
    or edition), or the walk's ``first`` page for a later one (sent back: past the last)."""
    asked = response.meta.get("redirect_urls")
    if not asked:
        return None
    was, now = urlsplit(asked[0]), urlsplit(response.url)
    was_path, now_path = was.path.rstrip("/"), now.path.rstrip("/")
    if was_path == now_path:
        return response.url if _sent_back(response, first) else None
    below = was_path not in ("", "/en") and now_path.startswith(was_path + "/")
    return None if below else response.url  # (`?page=2` moved to `/world/page/2`: read)


def _sent_back(response: Response, first: int) -> bool:
    """Whether a later page of a walk was redirected to the walk's ``first`` page."""
    was, now = urlsplit(response.meta["redirect_urls"][0]), urlsplit(response.url)
    return (
        was.path.rstrip("/") == now.path.rstrip("/")
        and page_number(was.query, first) > first
        and page_number(now.query, first) == first
    )


def redirect_ends_walk(response: Response, first: int) -> bool:
    """Whether a page redirected elsewhere (:func:`landed_elsewhere`) is past the end of its
    walk, not a gap: a speculative page, unless it came after a :func:`suspect` one and went
    anywhere but back to the first page (a site in trouble redirects to a notice, the home
    page...)."""
    meta = response.meta
    return bool(meta.get(SPECULATIVE)) and (not meta.get(SUSPECT) or _sent_back(response, first))


def feed_elsewhere(response: Response, extra_hosts: tuple[str, ...]) -> str | None:
    """The URL a feed request was redirected to, if it is a known page of another kind or the
    feed of another edition or section (an edition's feed moved to a section's lists only that
    section); a path the site's scheme does not know (``/rss.xml``, ``/feed/rss2``) may be the
    feed moved, judged by its items."""
    if not response.meta.get("redirect_urls"):
        return None
    kind = classify(response.url, extra_hosts=extra_hosts)
    if kind in ("other", "offsite"):  # (off-site: the site guard has refused it already)
        return None
    feed = P.RSS_PATH.match(urlsplit(response.url).path) if kind == "rss" else None
    if feed is not None:
        section = feed.group("section")
        if section is not None and section not in P.SECTIONS:
            return None
        lang = "en" if feed.group("en") else "bg"
        if (lang, section) == (response.meta["lang"], response.meta["section"]):
            return None
    return response.url


def _speculative(before: ListingPage | None, url: str | None) -> bool:
    """Whether the page after ``before`` may not exist: the site linked to none and
    ``before`` was short (the modelled page size)."""
    return before is not None and url is None and len(before.items) < FULL_PAGE


def foreign(refs: Iterable[ArticleRef], lang: str, section: str) -> tuple[int, int] | None:
    """``(others, listed)`` when a section's listing page lists articles (``refs``: ``listed``
    of them) and fewer than half are of its own edition and section (``others`` are not): it
    is not that section's listing (the home page served for it, whose items of every section
    include a few of this one; another section's page), whatever its items' dates say. Its
    old items are no end of the walk, nor its items the section's list: it is read as a page
    that could not be (a gap). ``None`` for a page that is mostly the section's own (a few
    items of other sections among them: pinned, promoted) or lists no article (judged as an
    empty page)."""
    listed = own = 0
    for ref in refs:
        listed += 1
        own += ref.lang == lang and ref.section == section
    return (listed - own, listed) if listed and own * 2 < listed else None


def foreign_ends_walk(meta: dict[str, Any]) -> bool:
    """Whether a :func:`foreign` page is past the end of its walk, not a gap: as for a page
    :func:`redirect_ends_walk` has (a speculative page, not after a :func:`suspect` one), the
    site may serve its home page for a page number past the last."""
    return bool(meta.get(SPECULATIVE)) and not meta.get(SUSPECT)


def ended(found: Found) -> bool:
    """Whether a walk ends at this page: it ends in items below the floor (two at least), or
    lists one and nothing else (what is listed below is older still). One
    older item among newer ones (a pinned story, one listed late with its earlier time, an
    export promoted again: at the top, in the middle or last) says nothing of the next page,
    whether those newer ones are to be fetched or not (asked for already from the feed,
    exported, after ``until``) or listed before (a page shifted by new articles); an item
    listed before (a "latest" block repeated on every page) does not break a run of old
    items."""
    return found.reached_old and (found.old_tail >= OLD_TAIL or not found.above)


def expects_more(page: ListingPage) -> bool:
    """Whether the site links to a page after ``page``, or ``page`` is full."""
    return page.next_url is not None or len(page.items) >= FULL_PAGE


def follow(page: ListingPage, found: Found, meta: dict[str, Any]) -> bool:
    """Whether a paged walk goes on after ``page``: it listed an article its walk had not;
    or, unless it is speculative or it and the page before listed nothing new (the end),
    the site links to the next page, the page is full, or it is :func:`suspect`."""
    if found.novel:
        return True
    if meta.get(SPECULATIVE) or found.stalled:
        return False
    return expects_more(page) or suspect(page, meta)


def suspect(page: ListingPage, meta: dict[str, Any]) -> bool:
    """Whether an empty page (or a search page without results) came where more was
    expected: the site linked to it, or the page before was full. It may be the end (a pager
    that links past the last page, a last page exactly full) or a passing error whose items
    are unread: the page after it decides (:func:`unread`), asked for speculatively."""
    return not page.items and (bool(meta.get("linked")) or (meta.get(BEFORE) or 0) >= FULL_PAGE)


def unread(found: Found, meta: dict[str, Any]) -> str | None:
    """The URL of the suspect page before this one, if this one listed articles new to the
    walk: that page was no end, its own items were not read (a gap)."""
    return meta.get(SUSPECT) if found.novel else None


def guessed(meta: dict[str, Any]) -> bool:
    """Whether a listing request is a section page the spider guessed (not the home page,
    nor a page the site linked to with ``rel=next``): it may not exist."""
    return not (meta.get("home") or meta.get("linked"))


def page_meta(
    before: ListingPage | None, url: str | None, suspect_url: str | None = None
) -> dict[str, Any]:
    """Request meta of a later page of a walk: ``url`` is the site's link to it (``None``:
    guessed), ``before`` the page before it, ``suspect_url`` that page's URL if it is
    :func:`suspect`."""
    return {
        "linked": url is not None,
        SPECULATIVE: _speculative(before, url),
        BEFORE: len(before.items) if before is not None else None,
        SUSPECT: suspect_url,
    }


#: Request meta of a search page: the :class:`SearchSpan` it belongs to.
SEARCH_SPAN = "fakti_search_span"


class SearchSpan(NamedTuple):
    """One search of an edition's search walk, as its pages so far showed it: its ``todate``
    day (``to``); the walk's page count at its page 0 (``first``: a request's ``page`` meta
    counts the walk's pages, so ``FAKTI_MAX_LISTING_PAGES`` bounds the whole walk); how many
    narrowings led to it; whether the search before it listed results of its ``to`` day
    (``listed_to``: it must list some); the oldest day its results showed; whether it listed
    an article dated before ``to`` that the walk had not listed (``older``); and whether its
    last page with results expected more (``cut``: full or linked to a next page, so a capped
    result window may have ended it)."""

    to: date
    first: int = 0
    narrowed: int = 0
    listed_to: bool = False
    oldest: date | None = None
    older: bool = False
    cut: bool = False

    def saw(self, days: list[date], older: bool, cut: bool | None) -> SearchSpan:
        """This search after a page whose dated results are of ``days``, which listed an
        article before ``to`` new to the walk (``older``), and expected more (``cut``;
        ``None``: a page without results, which leaves it as it was)."""
        oldest = min([*days, *([self.oldest] if self.oldest is not None else [])], default=None)
        return self._replace(
            oldest=oldest,
            older=self.older or older,
            cut=self.cut if cut is None else cut,
        )


class Narrowing(NamedTuple):
    """What follows a search that ended for lack of results: a search down to ``to``
    (``None``: the search ends), and whether results of the range cannot be reached by
    search (``out_of_reach``)."""

    to: date | None
    out_of_reach: bool = False


def narrowing(span: SearchSpan, since: date) -> Narrowing:
    """What follows a search of an edition's walk that ended for lack of results (not a
    failure): a search may stop at a cap, so while it listed an article older than its
    ``todate`` day new to the walk, down to ``since``, the walk goes on with a search of the
    same ``fromdate`` and its oldest result's day as ``todate`` (inclusive: that day may
    hold more), from page 0. A search whose results are all of its ``todate`` day and which
    may have been cut there (:attr:`SearchSpan.cut`: that day holds more results than the
    cap) cannot reach the rest of that day: search cannot serve the walk (``out_of_reach``;
    the spider walks the edition's sections instead). One that was not cut listed all of its
    range, and one that listed nothing older than its ``todate`` day new to the walk shows
    that nothing older is left: the walk ends. A search without a dated result ends it, out
    of reach too if it was cut (no day to go on from) or should have listed its ``todate``
    day (:attr:`SearchSpan.listed_to`). Each ``todate`` is strictly older than the one
    before, so the walk ends."""
    oldest = span.oldest
    if oldest is None:
        return Narrowing(None, span.cut or span.listed_to)
    if oldest >= span.to:
        return Narrowing(None, span.cut)
    if not span.older or oldest < since:
        return Narrowing(None)
    return Narrowing(oldest)


def ignores_range(days: list[date], since: date, to: date, first: bool) -> bool:
    """Whether a search page for ``since``..``to`` (Sofia days, both inclusive) whose dated
    results of its edition are of ``days`` shows that the site does not honour that range:
    it lists some, none of the range (results of both sides of a result of the range are
    no proof). A page past a search's ``first`` whose results are all older than ``since``
    is the end of a newest-first list that ignores ``fromdate`` only: its walk ends there."""
    if not days or any(since <= day <= to for day in days):
        return False
    return first or any(day > to for day in days)
