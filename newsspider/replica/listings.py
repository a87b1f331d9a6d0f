"""Listing pages: home, section, search, RSS, /dnes, author and day pages, robots.txt."""

from __future__ import annotations

import zlib
from datetime import date, datetime
from email.utils import format_datetime
from itertools import islice
from urllib.parse import urlencode
from xml.sax.saxutils import escape as xml_escape

from newsspider.replica import chrome
from newsspider.replica.articles import count
from newsspider.replica.chrome import attr, esc
from newsspider.replica.generator import Article, Site, When, day_of

HOME_ITEMS = 40
PAGE_ITEMS = 20
RSS_ITEMS = 50
LINK_FORMS = ("relative", "absolute", "www", "dot", "utm", "origin", "amp")


def link(a: Article, form: str, origin: str) -> str:
    """One of the URL forms of fakti-site.md §1 for an article (AMP only for English)."""
    path = a.amp_path if form == "amp" and a.amp_path else a.path
    return {
        "relative": path,
        "absolute": f"https://fakti.bg{path}",
        "www": f"https://www.fakti.bg{path}",
        "dot": f"https://fakti.bg.{path}",
        "utm": f"https://fakti.bg{path}?utm_source=fakti&utm_medium=listing",
        "origin": f"{origin}{path}",
    }.get(form, path)


def pick_form(where: str, a: Article) -> str:
    """A stable URL form for an article on a given page."""
    return LINK_FORMS[zlib.crc32(f"{where}|{a.lang}|{a.article_id}".encode()) % len(LINK_FORMS)]


def listing_date(a: Article, clock: datetime) -> str:
    """``днес в 12:38 ч.`` / ``today at 12:38`` / ``16.06.2026``, relative to ``clock``."""
    p = a.published
    days = (clock.date() - p.date()).days
    if days == 0:
        return f"днес в {p:%H:%M} ч." if a.lang == "bg" else f"today at {p:%H:%M}"
    if days == 1:
        return f"вчера в {p:%H:%M} ч." if a.lang == "bg" else f"yesterday at {p:%H:%M}"
    return f"{p:%d.%m.%Y}"


def panels(items: list[Article], where: str, site: Site, when: When, origin: str) -> str:
    """Home-style items: ``article.panel.selected-ln``."""
    clock, epoch = site.clock(when), site.epoch(when)
    out = []
    for a in items:
        href = link(a, pick_form(where, a), origin)
        out.append(
            f'<article class="panel selected-ln"><a href="{attr(href)}">'
            f'<span class="article-title">{esc(a.headline)}</span></a>'
            f'<div class="ndt">{esc(listing_date(a, clock))}</div>'
            f'<div class="nv">{count(a.views(epoch), a.sep)}</div></article>'
        )
    return "\n".join(out)


SPONSORED = (
    '<article class="panel selected-ln sponsored"><a href="https://partner.example.com/promo?id=7">'
    '<span class="article-title">{}</span></a><div class="ndt">{}</div></article>'
)


def page(site: Site, lang: str, origin: str, key: str, title: str, main: str, when: When) -> bytes:
    """Wrap listing content in the site chrome, padded to a realistic weight."""
    head = "\n".join(
        (
            f'<!DOCTYPE html>\n<html lang="{lang}">\n<head><meta charset="utf-8">',
            f"<title>{esc(title)}</title>",
            f"<style>{chrome.css()}</style>",
            f"<script>{chrome.head_script(lang)}</script>",
            "</head>\n<body>",
            chrome.nav(lang, origin),
            chrome.rail(lang, site.latest(site.by_lang[lang], when, 10)),
            f'<main id="main">{main}</main>',
        )
    )
    data = head.encode()
    return (
        data
        + chrome.footer(lang, origin, len(data), chrome.target_weight(key))
        + b"\n</body>\n</html>\n"
    )


def next_link(origin: str, path: str, params: dict) -> str:
    return (
        f'<a rel="next" class="next" href="{attr(origin + path + "?" + urlencode(params))}">»</a>'
    )


def home(site: Site, lang: str, when: When, origin: str) -> bytes:
    items = site.latest(site.by_lang[lang], when, HOME_ITEMS)
    where = f"home:{lang}"
    body = panels(items[:5], where, site, when, origin)
    promo = "Partner offer" if lang == "en" else "Партньорско предложение"
    body += "\n" + SPONSORED.format(promo, "")
    body += "\n" + panels(items[5:], where, site, when, origin)
    return page(site, lang, origin, where, "Fakti.bg", body, when)


def paged(
    site: Site,
    lang: str,
    when: When,
    origin: str,
    articles: list[Article],
    path: str,
    n: int,
    title: str,
) -> bytes:
    """A listing of ``articles`` (time-sorted) at ``?page=n`` (from 1), 20 a page."""
    items = site.latest(articles, when, PAGE_ITEMS + 1, skip=(n - 1) * PAGE_ITEMS)
    body = panels(items[:PAGE_ITEMS], f"{path}:{n}", site, when, origin)
    if len(items) > PAGE_ITEMS:
        body += "\n" + next_link(origin, path, {"page": n + 1})
    return page(site, lang, origin, f"{path}:{n}", title, body, when)


def day_page(site: Site, section: str, day: date, when: When, origin: str, path: str) -> bytes:
    items = [a for a in site.newest(site.by_section[("en", section)], when) if day_of(a) == day]
    body = panels(items, path, site, when, origin)
    return page(site, "en", origin, path, f"{section} {day:%d.%m.%Y}", body, when)


def search(
    site: Site,
    lang: str,
    when: When,
    origin: str,
    path: str,
    q: str,
    start: date | None,
    end: date | None,
    n: int,
) -> bytes:
    """Search results newest first, 20 a page (``page`` from 0), dates inclusive. With
    ``site.search_pages`` (a capped result window) a page from that number on lists nothing
    and links to none; the last page inside the cap still links to the next while more
    results match."""
    q = q.strip().lower()
    hits = [
        a
        for a in site.newest(site.by_lang[lang], when)
        if (start is None or day_of(a) >= start)
        and (end is None or day_of(a) <= end)
        and (not q or q in a.headline.lower())
    ]
    capped = site.search_pages is not None and n >= site.search_pages
    epoch = site.epoch(when)
    chunk = [] if capped else hits[n * PAGE_ITEMS : (n + 1) * PAGE_ITEMS]
    lis = []
    for a in chunk:
        href = link(a, pick_form(f"search:{n}", a), origin)
        nc = f'<div class="nc">{a.content().comments}</div>' if a.form == "A" else ""
        lis.append(
            f'<li><a href="{attr(href)}"><span class="post-title">{esc(a.headline)}</span></a>'
            f'<div class="ndt">{a.published:%d.%m.%Y}</div>'
            f'<div class="nv">{count(a.views(epoch), a.sep)}</div>{nc}</li>'
        )
    body = '<ul class="search-results">' + "\n".join(lis) + "</ul>"
    if not capped and len(hits) > (n + 1) * PAGE_ITEMS:
        params = {"q": q, "sort": "date", "c": "0", "page": n + 1}
        if start:
            params["fromdate"] = f"{start:%d.%m.%Y}"
        if end:
            params["todate"] = f"{end:%d.%m.%Y}"
        body += "\n" + next_link(origin, path, params)
    return page(site, lang, origin, f"search:{n}", "Search", body, when)


def dnes(site: Site, when: When, origin: str) -> bytes:
    """Today's Bulgarian items (older design)."""
    today = site.clock(when).date()
    out = []
    for a in site.newest(site.by_lang["bg"], when):
        if day_of(a) != today:
            if a.t.astimezone(site.now.tzinfo).date() < today:
                break
            continue
        c = a.content()
        href = link(a, pick_form("dnes", a), origin)
        img = c.image_url or "https://cdn4.focus.bg/fakti/photos/16x9/000/placeholder-1.jpg"
        out.append(
            f'<div class="list-item"><a class="list-img" href="{attr(href)}" '
            f'title="{attr(a.headline)}">'
            f'<picture><img src="{img}" alt="{attr(a.headline)}"></picture></a>'
            f'<div class="list-sub">{esc(c.subtitle or "")}</div></div>'
        )
    return page(site, "bg", origin, "dnes", "Днес", "\n".join(out), when)


def rss(site: Site, lang: str, section: str | None, when: When) -> bytes:
    """RSS 2.0 of the newest 50 items, ``pubDate`` with the Sofia offset (an edition feed
    without the articles of ``site.feed_omits``)."""
    articles = site.by_section[(lang, section)] if section else site.by_lang[lang]
    if section is None and site.feed_omits is not None:
        kept = (a for a in site.newest(articles, when) if a.section != site.feed_omits)
        listed = list(islice(kept, RSS_ITEMS))
    else:
        listed = site.latest(articles, when, RSS_ITEMS)
    items = []
    for a in listed:
        url = a.url + ("?utm_source=rss" if a.article_id % 5 == 0 else "")
        sub = a.content().subtitle if a.article_id % 3 == 0 else None
        desc = f"<description>{xml_escape(sub)}</description>" if sub else ""
        items.append(
            f"<item><title>{xml_escape(a.headline)}</title><link>{xml_escape(url)}</link>"
            f'<guid isPermaLink="true">{a.url}</guid>'
            f"<pubDate>{format_datetime(a.published)}</pubDate>"
            f"<category>{a.section}</category>{desc}</item>"
        )
    home = "https://fakti.bg/en/" if lang == "en" else "https://fakti.bg/"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>Fakti.bg</title><link>{home}</link><description>Fakti.bg</description>"
        f"<language>{lang}</language><lastBuildDate>{format_datetime(site.clock(when))}</lastBuildDate>\n"
        + "\n".join(items)
        + "\n</channel></rss>\n"
    ).encode()


def robots(crawl_delay: float) -> bytes:
    delay = int(crawl_delay) if float(crawl_delay).is_integer() else crawl_delay
    return f"User-agent: *\nDisallow: /admin/\nCrawl-delay: {delay}\n".encode()
