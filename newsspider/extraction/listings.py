"""Listing pages (§4 of fakti-site.md) → :class:`ListingPage`: pure parsers, no Scrapy.

Every value comes from its own element (titles, dates, views are rendered without a separator,
so joined text is never split). Links are returned absolute but not canonicalised: the spider
canonicalises them. Listing metadata only steers discovery; the article page is authoritative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

from lxml import etree, html

from newsspider.extraction import patterns as P
from newsspider.extraction.body import collapse
from newsspider.extraction.dates import SOFIA, parse_listing_date, parse_rfc822
from newsspider.extraction.decode import decode
from newsspider.extraction.numbers import parse_int


class ListingError(ValueError):
    """A listing body that cannot be parsed at all (e.g. a broken feed)."""


@dataclass(frozen=True, slots=True)
class ListingItem:
    """One listed article link. ``published`` is ``None`` when the listing shows no date;
    ``day_only`` is true when it shows a date without a time (00:00 Sofia of that day)."""

    url: str
    title: str | None = None
    published: datetime | None = None
    views: int | None = None
    comments: int | None = None
    day_only: bool = False


@dataclass(frozen=True, slots=True)
class ListingPage:
    """The items of one listing page, newest first, and the next page's URL if any."""

    items: list[ListingItem] = field(default_factory=list)
    next_url: str | None = None


def clock_from_date_header(value: str | bytes | None, fallback: datetime) -> datetime:
    """The Sofia time of an HTTP ``Date`` header, or ``fallback`` (made Sofia) if unusable."""
    if isinstance(value, bytes):
        value = value.decode("latin-1", "replace")
    parsed = parse_rfc822(value)
    if parsed is not None:
        return parsed
    if fallback.tzinfo is None:
        fallback = fallback.replace(tzinfo=UTC)
    return fallback.astimezone(SOFIA)


def _text(nodes: list) -> str | None:
    if not nodes:
        return None
    node = nodes[0]
    raw = node if isinstance(node, str) else node.text_content()
    return collapse(raw) or None


def _date(nodes: list, now: datetime) -> tuple[datetime | None, bool]:
    text = _text(nodes)
    published = parse_listing_date(text, now)
    if published is None or text is None:
        return None, False
    numeric = P.LISTING_NUMERIC.match(text)
    return published, bool(numeric and numeric.group("hh") is None)


def _doc(body: bytes | str) -> html.HtmlElement | None:
    """Bytes are decoded by their ``<meta>`` charset, else UTF-8 (pass ``str`` when the
    HTTP ``Content-Type`` charset is known)."""
    if isinstance(body, bytes):
        body = decode(body)
    if not body or not body.strip():
        return None
    try:
        return html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return None


def _join(page_url: str, href: str | None) -> str | None:
    """``href`` made absolute against the page; ``None`` when empty or unusable (a link
    such as ``http://[x/`` makes ``urljoin`` raise)."""
    href = (href or "").strip()
    if not href:
        return None
    try:
        return urljoin(page_url, href)
    except ValueError:
        return None


def _next(doc: html.HtmlElement, page_url: str) -> str | None:
    hrefs = P.X_NEXT_HREF(doc)
    return _join(page_url, hrefs[0]) if hrefs else None


def _items(
    nodes: list, title_xpath: etree.XPath, page_url: str, now: datetime
) -> list[ListingItem]:
    items = []
    for node in nodes:
        hrefs = P.X_FIRST_HREF(node)
        url = _join(page_url, hrefs[0]) if hrefs else None
        if url is None:
            continue
        published, day_only = _date(P.X_NDT(node), now)
        items.append(
            ListingItem(
                url=url,
                title=_text(title_xpath(node)),
                published=published,
                views=parse_int(_text(P.X_NV(node))),
                comments=parse_int(_text(P.X_NC(node))),
                day_only=day_only,
            )
        )
    return items


def parse_panel_listing(body: bytes | str, page_url: str, now: datetime) -> ListingPage:
    """Home, section, author and day pages: ``article.panel.selected-ln`` items.

    ``now`` is the listing's clock (its ``Date`` header) for ``today at``/``днес в`` dates.
    """
    doc = _doc(body)
    if doc is None:
        return ListingPage()
    items = _items(P.X_LISTING_ITEMS(doc), P.X_LISTING_TITLE, page_url, now)
    return ListingPage(items=items, next_url=_next(doc, page_url))


def parse_search(body: bytes | str, page_url: str, now: datetime) -> ListingPage:
    """Search results: ``#main li`` with ``span.post-title``, ``div.ndt/nv/nc``.

    Raises :class:`ListingError` when the page has no ``#main`` (not a search page).
    """
    doc = _doc(body)
    if doc is None or not P.X_SEARCH_MAIN(doc):
        raise ListingError("no #main: not a search results page")
    items = _items(P.X_SEARCH_ITEMS(doc), P.X_SEARCH_TITLE, page_url, now)
    return ListingPage(items=items, next_url=_next(doc, page_url))


def parse_dnes(body: bytes | str, page_url: str) -> ListingPage:
    """``/dnes``: ``a.list-img`` links with the headline in ``title`` (no dates shown)."""
    doc = _doc(body)
    if doc is None:
        return ListingPage()
    items = [
        ListingItem(url=url, title=_text([a.get("title") or ""]))
        for a in P.X_DNES_ITEMS(doc)
        if (url := _join(page_url, a.get("href"))) is not None
    ]
    return ListingPage(items=items, next_url=_next(doc, page_url))


def _xml_text(node: etree._Element, tag: str) -> str | None:
    """The text of ``node``'s first ``tag`` child; unexpanded entities contribute nothing."""
    child = node.find(tag)
    if child is None:
        return None
    parts = [child.text or ""]
    for sub in child:
        if not isinstance(sub, etree._Entity):
            parts.append("".join(sub.itertext(with_tail=False)))
        parts.append(sub.tail or "")
    return collapse("".join(parts)) or None


def parse_rss(body: bytes, page_url: str) -> ListingPage:
    """An RSS 2.0 feed (``item/title``, ``link``, ``pubDate``); entities are never expanded.

    Raises :class:`ListingError` when the body is not an RSS 2.0 document.
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise ListingError(f"feed is not XML: {exc}") from exc
    if root is None or not P.X_RSS_CHANNEL(root):
        raise ListingError("feed has no rss/channel")
    items = []
    for node in P.X_RSS_ITEMS(root):
        url = _join(page_url, _xml_text(node, "link"))
        if url is None:
            continue
        items.append(
            ListingItem(
                url=url,
                title=_xml_text(node, "title"),
                published=parse_rfc822(_xml_text(node, "pubDate")),
            )
        )
    return ListingPage(items=items)
