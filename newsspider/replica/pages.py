"""Routing: a request path (with query) to a rendered page, with a small LRU cache."""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

from newsspider.replica import articles, listings
from newsspider.replica.generator import SECTIONS, Site, When

HTML = "text/html; charset=utf-8"
_SECTION = "|".join(re.escape(s) for s in SECTIONS)
_ARTICLE = re.compile(
    rf"^/(?:(?P<en>en)/)?(?P<amp>amp/)?(?P<section>{_SECTION})/(?P<id>\d+)-(?P<slug>[^/]*)$"
)
_SECTION_PAGE = re.compile(rf"^/(?:(?P<en>en)/)?(?P<section>{_SECTION})/?$")
_DAY = re.compile(rf"^/en/(?P<section>{_SECTION})/(?P<y>\d{{4}})/(?P<m>\d\d)/(?P<d>\d\d)/\d{{5}}$")
_FEED = re.compile(rf"^/(?:(?P<en>en)/)?feed(?:/(?P<section>{_SECTION}))?/?$")
_AUTHOR = re.compile(r"^/(?:(?P<en>en)/)?author/(?P<slug>[a-z0-9-]+)/?$")


@dataclass(slots=True, frozen=True)
class Page:
    """A response: status, request-log kind, content type and body."""

    status: int
    kind: str
    content_type: str
    body: bytes


NOT_FOUND = Page(404, "notfound", HTML, b"<!DOCTYPE html><html><body><h1>404</h1></body></html>")


class Pages:
    """Renders pages of a ``Site`` on demand, keeping the last ``cache_size`` of them."""

    def __init__(self, site: Site, *, crawl_delay: float = 1.0, cache_size: int = 256):
        self.site = site
        self.crawl_delay = crawl_delay
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[datetime, str, str], Page] = OrderedDict()

    def get(self, uri: str, when: When, origin: str) -> Page:
        key = (self.site.instant(when), origin, uri)
        page = self._cache.get(key)
        if page is not None:
            self._cache.move_to_end(key)
            return page
        page = self.render(uri, when, origin)
        self._cache[key] = page
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return page

    def render(self, uri: str, when: When, origin: str) -> Page:
        """Route ``uri`` (path and query) to its page; 404 for anything else."""
        parts = urlsplit(uri)
        path, query = parts.path, parse_qs(parts.query)
        site = self.site
        if path == "/robots.txt":
            return Page(
                200, "robots", "text/plain; charset=utf-8", listings.robots(self.crawl_delay)
            )
        if path in ("/", "/en", "/en/"):
            lang = "en" if path.startswith("/en") else "bg"
            return Page(200, "listing", HTML, listings.home(site, lang, when, origin))
        if path in ("/search", "/en/search"):
            return self._search(path, query, when, origin)
        if path in ("/dnes", "/dnes/"):
            return Page(200, "listing", HTML, listings.dnes(site, when, origin))
        if m := _ARTICLE.match(path):
            return self._article(m, when, origin)
        if m := _DAY.match(path):
            return self._day(m, path, when, origin)
        if m := _FEED.match(path):
            lang = "en" if m["en"] else "bg"
            body = listings.rss(site, lang, m["section"], when)
            return Page(200, "rss", "application/rss+xml; charset=utf-8", body)
        n = _page_number(query, default=1)
        if n is None or n < 1:
            return NOT_FOUND
        if m := _SECTION_PAGE.match(path):
            lang = "en" if m["en"] else "bg"
            arts = site.by_section[(lang, m["section"])]
            body = listings.paged(site, lang, when, origin, arts, path.rstrip("/"), n, m["section"])
            return Page(200, "listing", HTML, body)
        if m := _AUTHOR.match(path):
            lang = "en" if m["en"] else "bg"
            arts = site.by_author.get((lang, m["slug"]))
            if not arts:
                return NOT_FOUND
            body = listings.paged(site, lang, when, origin, arts, path.rstrip("/"), n, m["slug"])
            return Page(200, "listing", HTML, body)
        return NOT_FOUND

    def _article(self, m: re.Match, when: When, origin: str) -> Page:
        lang = "en" if m["en"] else "bg"
        if m["amp"] and lang != "en":
            return NOT_FOUND
        a = self.site.article(lang, int(m["id"]), when)
        if a is None or a.section != m["section"] or a.slug != m["slug"]:
            return NOT_FOUND
        if m["amp"]:
            body, ctype = articles.render_amp(self.site, a, when, origin)
            return Page(200, "amp", ctype, body)
        body, ctype = articles.render(self.site, a, when, origin)
        return Page(200, "article", ctype, body)

    def _day(self, m: re.Match, path: str, when: When, origin: str) -> Page:
        try:
            day = date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            return NOT_FOUND
        return Page(
            200,
            "listing",
            HTML,
            listings.day_page(self.site, m["section"], day, when, origin, path),
        )

    def _search(self, path: str, query: dict, when: When, origin: str) -> Page:
        n = _page_number(query, default=0)
        start, end = _query_date(query, "fromdate"), _query_date(query, "todate")
        if n is None or n < 0 or start is False or end is False:
            return Page(
                400, "search", HTML, b"<!DOCTYPE html><html><body>Bad request</body></html>"
            )
        lang = "en" if path.startswith("/en") else "bg"
        q = query.get("q", [""])[0]
        body = listings.search(self.site, lang, when, origin, path, q, start, end, n)
        return Page(200, "search", HTML, body)


def _page_number(query: dict, default: int) -> int | None:
    raw = query.get("page", [None])[0]
    if raw is None or raw == "":
        return default
    return int(raw) if raw.lstrip("-").isdigit() else None


def _query_date(query: dict, name: str) -> date | bool | None:
    """``DD.MM.YYYY`` → date; missing → None; malformed → False."""
    raw = query.get(name, [""])[0].strip()
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%d.%m.%Y").date()
    except ValueError:
        return False
