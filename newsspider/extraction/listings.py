"""Listing pages (§4 of fakti-site.md) → :class:`ListingPage`: pure parsers, no Scrapy.

Every value comes from its own element (titles, dates, views are rendered without a separator,
so joined text is never split). Links are returned absolute but not canonicalised: the spider
canonicalises them. Listing metadata only steers discovery; the article page is authoritative.

Pages are parsed as ``lxml.html`` parses their decoded text (:func:`decode`), but from bytes
when the bytes are valid in their codec (libxml2 then reads the same text without a decode).
Fast path (panel and search pages): the page is parsed only up to the end of its first
`</main>` tag, with a mark element appended. libxml2 (2.14+) builds the tree in document order
and never changes a closed element, so that prefix gives the same closed elements as the full
parse. It is used only when nothing after the cut can change the result: the mark is parsed as
an element (the cut is outside comments, tags and raw text), no item container (`#main`, an
`article`) is open at the cut, and no `id`/`rel`/`class` attribute after the cut could make
another item container, item or next link (``patterns.LISTING_CUT``). Otherwise the whole
page is parsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from html.entities import name2codepoint
from urllib.parse import urljoin, urlsplit

from lxml import etree

from newsspider.extraction import patterns as P
from newsspider.extraction.body import collapse
from newsspider.extraction.dates import SOFIA, parse_iso, parse_listing_date, parse_rfc822
from newsspider.extraction.decode import (
    bom_encoding,
    cut_after,
    decode,
    decodes,
    header_encoding,
    page_bytes,
)
from newsspider.extraction.numbers import parse_int
from newsspider.extraction.urls import parse_article_url

#: The fast path relies on libxml2's HTML5 tokenizer (2.14): a tag appended after the cut is
#: parsed as an element only when the cut is outside comments, tags and raw text.
_FAST_PATH = etree.LIBXML_VERSION >= (2, 14)
_MARK_NAME = P.FAST_END_TAG.encode("ascii")
_SPACE = b"\t\n\f\r "
_NAME_START = b"\t\n\f\r /\"'"
_XML_SPACE = re.compile(r"[ \t\r\n]+")
#: What ``lxml.html``'s ``text_content()`` is.
_STRING = etree.XPath("string()")


class ListingError(ValueError):
    """A listing body that cannot be parsed at all (e.g. a broken feed)."""


@dataclass(frozen=True, slots=True)
class ListingItem:
    """One listed article link. ``published`` is ``None`` when the listing shows no date;
    ``day_only`` is true when it shows a date without a time (00:00 Sofia of that day);
    ``shown`` when the time is Sofia's wall clock to the minute, as a listing page shows it
    (not a feed's ``pubDate``, which has its offset and seconds)."""

    url: str
    title: str | None = None
    published: datetime | None = None
    views: int | None = None
    comments: int | None = None
    day_only: bool = False
    shown: bool = False


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


def _text(node: etree._Element | str | None) -> str | None:
    if node is None:
        return None
    raw = node if isinstance(node, str) else _STRING(node)
    return collapse(raw) or None


def _date(node: etree._Element | None, now: datetime) -> tuple[datetime | None, bool]:
    """The item's date and whether it shows no time; its parts may be elements of their own
    (``<span>16.06.2026</span><span>12:38</span>``), whose texts are then read apart."""
    if node is None:
        return None, False
    text = _text(node)
    published = parse_listing_date(text, now)
    if published is None and len(node):
        text = collapse(" ".join(node.itertext()))
        published = parse_listing_date(text, now)
    if published is None or text is None:
        return None, False
    return published, P.CLOCK_TIME.search(text) is None


@cache
def _parser(encoding: str | None) -> etree.HTMLParser:
    # The settings of ``lxml.html``'s parser (comments kept, libxml2's depth limit), plus the
    # codec, with plain elements (no per-element class lookup).
    return etree.HTMLParser(encoding=encoding)


def _tree(data: bytes | str, encoding: str | None = None) -> etree._Element | None:
    """``data`` parsed as ``lxml.html.document_fromstring`` parses it; ``None`` when empty
    or unparseable. Bytes are read in ``encoding``."""
    if not data or not data.strip():
        return None
    try:
        return etree.fromstring(data, parser=_parser(encoding))
    except (etree.ParserError, ValueError):
        return None


def _page(body: bytes | str, content_type: str | None) -> tuple[bytes, str] | None:
    """The bytes and codec in which libxml2 reads exactly the text :func:`decode` gives (if
    the bytes are valid in that codec: checked where used); ``None`` when there are none (a
    codec outside ``FAST_CODECS``, lone surrogates, or an XML declaration, which makes
    ``lxml`` refuse the text)."""
    if isinstance(body, str):
        try:
            page: tuple[bytes, str] | None = body.encode("utf-8"), "utf-8"
        except UnicodeEncodeError:
            return None
    else:
        page = page_bytes(body, content_type)
    if page is None or page[1] not in P.FAST_CODECS:
        return None
    return None if page[0].startswith(b"<?xml") else page


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


def _next(doc: etree._Element, page_url: str) -> str | None:
    hrefs = P.X_NEXT_HREF(doc)
    return _join(page_url, hrefs[0]) if hrefs else None


def _classes(value: str, title: str | None) -> list[str]:
    """The item field classes (and ``title``) in a class attribute, whole words as XPath's
    ``contains(concat(' ', normalize-space(@class), ' '), ' name ')`` takes them."""
    names = [n for n in (title, P.DATE_CLASS, P.VIEWS_CLASS, P.COMMENTS_CLASS) if n and n in value]
    if not names:
        return names
    words = _XML_SPACE.split(value)
    return [n for n in names if n in words]


@dataclass(frozen=True, slots=True)
class _Kind:
    """A kind of listing page: its items and title class, and what its fast path must prove:
    no element that ``scope`` accepts is open at the cut, and no ``watch`` attribute follows
    it (see ``patterns.LISTING_CUT``)."""

    items: etree.XPath
    title: str
    scope: Callable[[etree._Element], bool]
    watch: dict[bytes, bytes]


_PANEL = _Kind(
    P.X_LISTING_ITEMS, P.LISTING_TITLE_CLASS, lambda e: e.tag == "article", P.PANEL_WATCH
)
_SEARCH = _Kind(
    P.X_SEARCH_ITEMS, P.SEARCH_TITLE_CLASS, lambda e: e.get("id") == "main", P.SEARCH_WATCH
)


def _item(node: etree._Element, kind: _Kind, page_url: str, now: datetime) -> ListingItem | None:
    """One item from one pass over its descendants: the `a[href]` that holds the first `span`
    of the title class if it leads elsewhere (else :func:`_fallback`), that span, the first
    element of each field class (as the XPaths ``descendant::span[<class>]``... would find
    them); ``None`` when no link of it leads elsewhere (a pager among the items)."""
    links: list[str] = []
    found: dict[str, etree._Element] = {}
    for element in node.iterdescendants(etree.Element):
        tag = element.tag
        if tag == "a" and element.get("href") is not None:
            links.append(element.get("href"))
        value = element.get("class")
        if value:
            for name in _classes(value, kind.title if tag == "span" else None):
                found.setdefault(name, element)
    here = _place(page_url)
    title = found.get(kind.title)
    url = None
    if title is not None:
        for above in title.iterancestors(etree.Element):
            if above is node:
                break
            if above.tag == "a" and above.get("href") is not None:
                url = _elsewhere(page_url, above.get("href"), here)
                break
    url = url or _fallback(links, page_url, here)
    if url is None:
        return None
    published, day_only = _date(found.get(P.DATE_CLASS), now)
    return ListingItem(
        url=url,
        title=_text(title),
        published=published,
        views=parse_int(_text(found.get(P.VIEWS_CLASS))),
        comments=parse_int(_text(found.get(P.COMMENTS_CLASS))),
        day_only=day_only,
        shown=published is not None,
    )


def _elsewhere(page_url: str, href: str, here: tuple[str, int | None, str]) -> str | None:
    """``href`` made absolute, if it leads to another page (not empty, `#…`, `javascript:`,
    nor this page or another page of this listing: ``here`` is :func:`_place` of the page)."""
    url = _join(page_url, href)
    if url is None or urlsplit(url).scheme not in ("http", "https") or _place(url) == here:
        return None
    return url


def _fallback(links: list[str], page_url: str, here: tuple[str, int | None, str]) -> str | None:
    """The item's link when the one holding its title leads nowhere else: its first link to
    an article of the site (or of the page's mirror), else its first link that leads
    elsewhere. A category label, a
    share link or an empty link before the article's is not the item."""
    usable = [url for href in links if (url := _elsewhere(page_url, href, here))]
    site = (urlsplit(page_url).netloc,)  # (a mirror's origin is the site too)
    articles = (url for url in usable if parse_article_url(url, extra_hosts=site) is not None)
    return next(articles, usable[0] if usable else None)


def _items(doc: etree._Element, kind: _Kind, page_url: str, now: datetime) -> list[ListingItem]:
    """The page's items (:func:`_item`)."""
    items = (_item(node, kind, page_url, now) for node in kind.items(doc))
    return [item for item in items if item is not None]


def _place(url: str) -> tuple[str, int | None, str]:
    """Host (``www.`` and a final dot dropped), port (``None`` for the scheme's default) and
    path of ``url``; the query, e.g. ``?page=N``, left out."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "", None, url
    host = (parts.hostname or "").rstrip(".").removeprefix("www.")
    if port == P.DEFAULT_PORTS.get(parts.scheme):
        port = None
    return host, port, parts.path.rstrip("/") or "/"


def _watched(data: bytes, start: int, watch: dict[bytes, bytes]) -> bool:
    """Whether ``data`` from ``start`` (just after a `>`) has a ``watch`` attribute whose raw
    value holds its word or an `&` (or is long). A name ends at whitespace or `=` and starts
    after whitespace, `/` or a quote (HTML tokenizer); ``LISTING_EQ`` finds every `=` it may
    own."""
    for eq in P.LISTING_EQ.finditer(data, start):
        end = eq.start()
        while data[end - 1] in _SPACE:  # stops at the `>` before ``start`` at the latest
            end -= 1
        for name, word in watch.items():
            begin = end - len(name)
            if data[begin:end].lower() == name and data[begin - 1] in _NAME_START:
                limit = eq.end() + P.LISTING_VALUE_MAX
                value = P.LISTING_VALUE.match(data, eq.end(), limit)
                if (
                    value is None
                    or value.end() >= limit
                    or b"&" in value[1]
                    or word in value[1].lower()
                ):
                    return True
    return False


def _cut(data: bytes, codec: str, kind: _Kind) -> etree._Element | None:
    """The tree of ``data`` up to its first `</main>` tag (module docstring), or ``None``
    when the full page might give other items or another next link."""
    cut = cut_after(data, P.LISTING_CUT)
    head = data[:cut]
    if not cut or _MARK_NAME in head.lower() or not decodes(head, codec):
        return None
    if _watched(data, cut, kind.watch):
        return None
    root = _tree(head + P.FAST_END_MARK, codec)
    mark = next(root.iter(P.FAST_END_TAG), None) if root is not None else None  # ours or none
    if mark is None or any(kind.scope(e) for e in mark.iterancestors()):
        return None
    return root


def _parse(
    body: bytes | str, content_type: str | None, kind: _Kind | None
) -> etree._Element | None:
    """The page as ``lxml.html`` parses its text (:func:`decode`): up to the cut when
    ``kind``'s fast path applies, else whole; ``None`` when empty or unparseable."""
    page = _page(body, content_type) if body else None
    if page is not None and kind is not None and _FAST_PATH:
        root = _cut(*page, kind)
        if root is not None:
            return root
    if page is not None and decodes(*page):
        return _tree(*page)
    return _tree(decode(body, content_type))


def parse_panel_listing(
    body: bytes | str,
    page_url: str,
    now: datetime,
    *,
    content_type: str | None = None,
    fast: bool = True,
) -> ListingPage:
    """Home, section, author and day pages: ``article.panel.selected-ln`` items.

    ``now`` is the listing's clock (its ``Date`` header) for ``today at``/``днес в`` dates.
    Bytes are decoded by the ``content_type`` charset, else their ``<meta>`` charset, else
    UTF-8. ``fast=False`` parses the whole page (module docstring); the result is the same.
    """
    doc = _parse(body, content_type, _PANEL if fast else None)
    if doc is None:
        return ListingPage()
    return ListingPage(items=_items(doc, _PANEL, page_url, now), next_url=_next(doc, page_url))


def parse_search(
    body: bytes | str,
    page_url: str,
    now: datetime,
    *,
    content_type: str | None = None,
    fast: bool = True,
) -> ListingPage:
    """Search results: ``#main li`` with ``span.post-title``, ``div.ndt/nv/nc``.

    Raises :class:`ListingError` when the page has no ``#main`` (not a search page).
    ``content_type`` and ``fast`` as for :func:`parse_panel_listing`.
    """
    doc = _parse(body, content_type, _SEARCH if fast else None)
    if doc is None or not P.X_SEARCH_MAIN(doc):
        raise ListingError("no #main: not a search results page")
    return ListingPage(items=_items(doc, _SEARCH, page_url, now), next_url=_next(doc, page_url))


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


_RSS_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
}
#: A named character reference; XML defines only ``amp``, ``lt``, ``gt``, ``quot``, ``apos``.
_NAMED_REF = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_NAMES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})


def _numeric_refs(data: bytes) -> bytes:
    """``data`` with HTML's named references (``&nbsp;``) written as numeric ones, which XML
    knows; unknown names are left (the feed then stays broken)."""

    def numeric(match: re.Match[bytes]) -> bytes:
        name = match.group(1)
        point = None if name in _XML_NAMES else name2codepoint.get(name.decode())
        return b"&#%d;" % point if point is not None else match.group(0)

    return _NAMED_REF.sub(numeric, data)


def _feed_bytes(body: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """The feed as the XML parser is to read it, and the encoding it is to read it in
    (``None``: its XML declaration's, else UTF-8).

    A byte order mark decides (no other encoding can start a feed with one), else the
    Content-Type charset (RFC 7303: it outranks the declaration; a label means what it means
    for a page, :func:`~newsspider.extraction.decode.header_encoding`); the text so decoded
    (unreadable bytes replaced) is given as UTF-8. Whitespace before the XML declaration,
    an error, is dropped (after the mark).
    """
    codec = bom_encoding(body) or header_encoding(content_type)
    if codec is None:
        return body.lstrip(), None
    text = body.decode(codec, "replace").removeprefix("\ufeff").lstrip()
    return text.encode("utf-8", "surrogatepass"), "utf-8"


def parse_rss(body: bytes, page_url: str, content_type: str | None = None) -> ListingPage:
    """An RSS 2.0 feed (``item/title``, ``link``, ``pubDate``); entities are never expanded.

    Its encoding is its byte order mark's, else the ``content_type`` charset's, else its XML
    declaration's, else UTF-8 (:func:`_feed_bytes`). A feed that is not well-formed XML only
    through HTML's named references (an ``&nbsp;`` in a title) is read with them written as
    numeric ones rather than lost whole; any other fault (a feed cut short, a stray tag) makes
    it unusable. An item without a ``link`` takes its permalink ``guid``; a ``pubDate`` may
    also be ISO 8601, or a ``dc:date`` stand for it.
    Raises :class:`ListingError` when the body is not an RSS 2.0 document.
    """
    data, encoding = _feed_bytes(body, content_type)
    parser = etree.XMLParser(encoding=encoding, **_RSS_PARSER_OPTIONS)
    try:
        try:
            root = etree.fromstring(data, parser=parser)
        except etree.XMLSyntaxError:
            fixed = _numeric_refs(data)
            if fixed == data:
                raise
            root = etree.fromstring(fixed, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise ListingError(f"feed is not XML: {exc}") from exc
    if root is None or not P.X_RSS_CHANNEL(root):
        raise ListingError("feed has no rss/channel")
    items = []
    for node in P.X_RSS_ITEMS(root):
        url = _join(page_url, _xml_text(node, "link") or _permalink(node))
        if url is None:
            continue
        when = _xml_text(node, "pubDate")
        items.append(
            ListingItem(
                url=url,
                title=_xml_text(node, "title"),
                published=parse_rfc822(when)
                or parse_iso(when)
                or parse_iso(_xml_text(node, P.RSS_DC_DATE)),
            )
        )
    return ListingPage(items=items)


def _permalink(node: etree._Element) -> str | None:
    """An item's ``guid``, unless it says it is no permalink (``isPermaLink="false"``)."""
    guid = node.find("guid")
    if guid is None or (guid.get("isPermaLink") or "").strip().lower() == "false":
        return None
    return _xml_text(node, "guid")
