"""The faster helpers of extraction give exactly what the code they replaced gave.

Each replaced implementation is kept here, small and inlined, as the reference; both run on
every element of replica pages (each variant, whole page and the fast path's prefix), on
synthetic trees, and on drawn strings and URLs.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import sys
from collections import Counter
from datetime import datetime
from functools import cache
from itertools import islice
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from newsspider.extraction import patterns as P
from newsspider.extraction.article import _Cut
from newsspider.extraction.body import (
    blank,
    clean_headline,
    collapse,
    element_text,
    image_source,
    skipped,
    skipped_image,
    unique,
)
from newsspider.extraction.dates import DateLine, parse_date_line, sofia_local
from newsspider.extraction.decode import parse_bytes, parse_html
from newsspider.extraction.jsonld import _articles
from newsspider.extraction.numbers import parse_int
from newsspider.extraction.selectors import _in_non_body, first
from newsspider.extraction.text import _following, _image_between, _inside
from newsspider.extraction.urls import (
    ArticleRef,
    canonicalize,
    parse_article_url,
    parse_request_url,
)
from newsspider.replica.generator import SOFIA, Site
from newsspider.replica.pages import Pages

NOW = datetime(2026, 11, 29, 11, 0, tzinfo=SOFIA)
ORIGIN = "http://127.0.0.1:8765"
DRAWN = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)

# --- the replaced implementations ----------------------------------------------------------

_X_FOLLOWING = etree.XPath("following::*[position() <= 200]")


def old_image_between(start: etree._Element, stop: etree._Element | None) -> str | None:
    for el in _X_FOLLOWING(start):
        if el is stop:
            break
        if el.tag in P.IMAGE_TAGS and not skipped_image(el):
            source = image_source(el)
            if source:
                return source
    return None


def old_collapse(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def old_skipped(el: etree._Element, extra: frozenset[str] = frozenset()) -> bool:
    tag = el.tag
    if not isinstance(tag, str) or tag in P.SKIP_TAGS:
        return True
    value = el.get("class")
    if not value:
        return False
    return any(n in P.SKIP_CLASSES or n in extra for n in value.split())


def old_element_text(el: etree._Element, extra: frozenset[str] = frozenset()) -> str:
    if len(el) == 0:
        return old_collapse(el.text)
    parts: list[str] = []

    def collect(el: etree._Element) -> None:
        if el.text:
            parts.append(el.text)
        for child in el:
            if not old_skipped(child, extra):
                if child.tag == "br":
                    parts.append(" ")
                else:
                    collect(child)
            if child.tail:
                parts.append(child.tail)

    collect(el)
    return old_collapse("".join(parts))


def old_in_non_body(el: etree._Element, stop: etree._Element) -> bool:
    node = el
    while node is not None and node is not stop:
        if node.tag in P.FIGURE_TAGS or old_skipped(node, P.HEADER_CLASSES):
            return True
        node = node.getparent()
    return False


def old_clean_headline(text: str | None) -> str | None:
    if not text:
        return None
    text = old_collapse(html_lib.unescape(text))
    changed = True
    while changed:
        changed = False
        for suffix in P.TITLE_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)].rstrip()
                changed = True
    return None if blank(text) else text  # (a headline that shows nothing is none: d708a0a)


def old_parse_int(text: str | int | None) -> int | None:
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int):
        return text if 0 <= text < 2**63 else None
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not P.COUNT.match(text):
        return None
    value = int("".join(ch for ch in text if ch.isdigit()))
    return value if value < 2**63 else None  # (a 64-bit integer at most)


def old_parse_date_line(text: str | None) -> DateLine | None:
    def build(groups: dict[str, str | None], prefix: str = "") -> datetime | None:
        name = groups.get(prefix + "mon")
        month = P.MONTHS.get(name.lower()) if name else None
        if month is None:
            return None
        try:
            return sofia_local(
                int(groups[prefix + "year"]),
                month,
                int(groups[prefix + "day"]),
                int(groups.get(prefix + "hh") or 0),
                int(groups.get(prefix + "mm") or 0),
                int(groups.get(prefix + "ss") or 0),
            )
        except (TypeError, ValueError, OverflowError):
            return None

    def counts(tokens: list[str], with_comments: bool) -> tuple | None:
        if not tokens:
            return None, None
        if with_comments and len(tokens) >= 2:
            views, comments = old_parse_int(" ".join(tokens[:-1])), old_parse_int(tokens[-1])
            return (views, comments) if views is not None and comments is not None else None
        views = old_parse_int(" ".join(tokens))
        return (views, None) if views is not None else None

    if not text or len(text) > P.DATE_LINE_MAX:
        return None
    line = " ".join(text.split())
    if not P.DATE_LINE_HINT.search(line, 0, 16):
        return None
    for pattern, with_comments in ((P.DATE_LINE_EN, False), (P.DATE_LINE_BG, True)):
        match = pattern.match(line)
        if not match:
            continue
        groups = match.groupdict()
        published = build(groups)
        if published is None:
            continue
        prefix = "u" if groups.get("umon") else "v" if groups.get("vmon") else None
        updated = build(groups, prefix) if prefix else None
        if prefix and updated is None:
            continue
        found = counts((groups.get("counts") or "").split(), with_comments)
        if found is None:
            continue
        return DateLine(published, updated, *found)
    return None


def old_canonicalize(url: str, extra_hosts: tuple[str, ...] = (), base: str | None = None):
    def origin_key(value: str) -> str:
        value = value.strip().lower()
        if "//" in value:
            value = urlsplit(value).netloc
        return value.rstrip("/")

    url = url.strip()
    if not url:
        return None
    try:
        if base:
            url = urljoin(base.strip(), url)
        elif url.startswith("//"):
            url = "https:" + url
        parts = urlsplit(url)
        hostname = (parts.hostname or "").lower()
        netloc = parts.netloc.lower().rsplit("@", 1)[-1]
    except ValueError:
        return None
    if parts.scheme.lower() not in P.WEB_SCHEMES or not hostname:
        return None
    if hostname not in P.SITE_HOSTS and netloc not in {origin_key(h) for h in extra_hosts}:
        return None
    path = parts.path or "/"
    amp = P.AMP_PATH.match(path)
    if amp:
        path = (amp.group(1) or "") + amp.group(2)
    return P.CANONICAL_ORIGIN + path


def old_parse_article_url(url: str, extra_hosts: tuple[str, ...] = ()) -> ArticleRef | None:
    canonical = old_canonicalize(url, extra_hosts)
    if canonical is None:
        return None
    match = P.ARTICLE_PATH.match(canonical[len(P.CANONICAL_ORIGIN) :])
    if not match or match.group("section") not in P.SECTIONS or int(match.group("id")) < 1:
        return None
    lang = "en" if match.group("en") else "bg"
    url = canonical.removesuffix("/")  # an article's URL has no trailing slash
    return ArticleRef(lang, match["section"], int(match["id"]), match["slug"], url)


def old_article_ref(url: str) -> ArticleRef | None:
    ref = old_parse_article_url(url)
    if ref is None:
        try:
            netloc = urlsplit(url.strip()).netloc
        except ValueError:
            return None
        ref = old_parse_article_url(url, (netloc,)) if netloc else None
    return ref


_SUFFIX_TAG = re.compile(rb"<(?:script|html|head|body)[\t\n\f\r />]", re.IGNORECASE)


def old_plain_rest(rest: bytes) -> bool:
    for found in _SUFFIX_TAG.finditer(rest):
        tag = P.FAST_PLAIN_SCRIPT.match(rest, found.start())
        if tag is None or P.FAST_JSON.search(tag.group()):
            return False
    return True


def old_find(root: etree._Element) -> dict | None:
    def objects(data):
        if isinstance(data, list):
            for item in data:
                yield from objects(item)
        elif isinstance(data, dict):
            yield data
            yield from objects(data.get("@graph"))

    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != P.JSONLD_TYPE:
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        for obj in objects(data):
            kind = obj.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k in P.JSONLD_ARTICLE_TYPES for k in kinds):
                return obj
    return None


# --- trees to compare on ---------------------------------------------------------------------


def _prefix(body: bytes) -> etree._Element | None:
    h1 = P.FAST_H1.search(body)
    end = P.FAST_ARTICLE_END.search(body, h1.end()) if h1 else None
    if end is None:
        return None
    return parse_bytes(body[: body.find(b">", end.start()) + 1] + P.FAST_END_MARK, "utf-8")


@cache
def replica_trees() -> tuple[etree._Element, ...]:
    """Whole pages and fast-path prefixes of every variant (and AMP copies), both editions."""
    site = Site(articles=120, seed=5, now=NOW)
    pages = Pages(site, cache_size=0)
    trees: list[etree._Element] = []
    taken: Counter[tuple[str, bool]] = Counter()
    for a in site.articles:
        key = (a.variant, a.path.startswith("/en/"))
        taken[key] += 1
        if taken[key] > 2:
            continue
        for path in filter(None, (a.path, a.amp_path)):
            body = pages.render(path, 2, ORIGIN).body
            trees += [t for t in (parse_html(body), _prefix(body)) if t is not None]
    return tuple(trees)


TAGS = ("div", "p", "span", "a", "img", "figure", "aside", "br", "h1", "em", "script", "li")
CLASSES = ("", "ad", "text", "related x", "ndt", "subtitle", "photo", "share")


@st.composite
def markup(draw: st.DrawFn, depth: int = 0) -> str:
    """A random fragment: nested tags with classes, image sources, comments and tails."""
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 4 else 0))):
        tag = draw(st.sampled_from(TAGS))
        cls = draw(st.sampled_from(CLASSES))
        attrs = f' class="{cls}"' if cls else ""
        if tag == "img":
            attrs += draw(st.sampled_from(("", ' src="/i.jpg"', ' data-src="data:x" src="s"')))
            parts.append(f"<img{attrs}>")
        else:
            inner = draw(markup(depth + 1))
            parts.append(f"<{tag}{attrs}>{draw(st.sampled_from(('', 'x ', ' y')))}{inner}</{tag}>")
        parts.append(draw(st.sampled_from(("", " tail\n", "<!-- c -->", "\u00a0z"))))
    return "".join(parts)


def _elements(root: etree._Element, step: int = 1) -> list[etree._Element]:
    return list(root.iter())[::step]


# --- the tests -------------------------------------------------------------------------------


def test_following_is_the_xpath_axis_on_replica_pages() -> None:
    for root in replica_trees():
        for el in _elements(root, 11):
            assert list(islice(_following(el), P.FOLLOWING_MAX)) == _X_FOLLOWING(el)


@DRAWN
@given(body=markup())
def test_following_and_image_between_on_drawn_trees(body: str) -> None:
    root = parse_html(f"<html><body>{body}<p>end</p></body></html>")
    elements = _elements(root)
    for el in elements:
        assert list(islice(_following(el), P.FOLLOWING_MAX)) == _X_FOLLOWING(el)
        for stop in (None, elements[-1], *elements[:: max(1, len(elements) // 4)]):
            assert _image_between(el, stop) == old_image_between(el, stop)


def test_following_skips_comments_and_processing_instructions() -> None:
    root = etree.fromstring(
        "<html><body><div><img src='a'/><!--c--><?pi x?><p>t<img src='b'/></p></div>"
        "<!--d--><span><?pi y?><img data-src='c'/></span></body></html>"
    )
    for el in root.iter(etree.Element):
        assert list(islice(_following(el), P.FOLLOWING_MAX)) == _X_FOLLOWING(el)


def test_image_between_on_replica_pages() -> None:
    for root in replica_trees():
        elements = _elements(root)
        paragraphs = list(root.iter("p"))
        for el in elements[::17]:
            for stop in (None, *paragraphs[:3]):
                assert _image_between(el, stop) == old_image_between(el, stop)


def test_tree_helpers_on_replica_pages() -> None:
    for root in replica_trees():
        for tag in ("h1", "article", "main", "body", "title", "p", "nosuchtag"):
            assert first(root, tag) is next(root.iter(tag), None)
        scope = next(root.iter("article"), root)
        known: dict = {}
        for el in _elements(root):
            for extra in (frozenset(), P.HEADER_CLASSES):
                assert skipped(el, extra) == old_skipped(el, extra)
            if isinstance(el.tag, str):
                assert element_text(el) == old_element_text(el)
                assert element_text(el, P.HEADER_CLASSES) == old_element_text(el, P.HEADER_CLASSES)
            if _inside(el, scope):
                assert _in_non_body(el, scope, known) == old_in_non_body(el, scope)
        assert next(_articles(root), None) == old_find(root)


@DRAWN
@given(body=markup())
def test_tree_helpers_on_drawn_trees(body: str) -> None:
    root = parse_html(f"<html><head><title>t</title></head><body>{body}</body></html>")
    for tag in ("p", "div", "h1", "img", "body"):
        assert first(root, tag) is next(root.iter(tag), None)
    for scope in (root, *root.iter("div", "aside")):
        known: dict = {}
        for el in scope.iter():
            assert element_text(el, P.HEADER_CLASSES) == old_element_text(el, P.HEADER_CLASSES)
            assert _in_non_body(el, scope, known) == old_in_non_body(el, scope)


WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


def test_every_whitespace_character_but_the_space_is_unprintable() -> None:
    """What collapse()'s shortcut relies on."""
    assert [c for c in WHITESPACE if c.isprintable()] == [" "]


TEXT_PARTS = st.sampled_from([*WHITESPACE, "a", "б", "&amp;", "&", "-", " - Fakti", " - Факти"])


@DRAWN
@given(text=st.lists(TEXT_PARTS, max_size=12).map("".join) | st.text(max_size=40))
@example(text="\xad")  # (drawn once in four runs before the reference knew blank headlines)
def test_text_helpers_on_drawn_strings(text: str) -> None:
    assert collapse(text) == old_collapse(text)
    assert clean_headline(text) == old_clean_headline(text)
    assert unique([text, "", text, "x"]) == list(dict.fromkeys(v for v in [text, "x"] if v))


def _parts(*choices: tuple[str, ...]) -> st.SearchStrategy[str]:
    """A string made of one drawn choice per slot, sometimes with a random piece spliced in."""
    slots = st.tuples(*(st.sampled_from(c) for c in choices)).map("".join)
    noise = st.tuples(slots, st.integers(0, 60), st.text(max_size=3))
    return slots | noise.map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :])


SP = (" ", "  ", "\u00a0", "\n", "")
COUNTS = ("", " 0", " 313", " 2 542", " 2\u00a0542", " 5 067 12", " 313 0", " x", " 1 2 3")
TIME = ("", " 08:03", " 23:13:05", ", 7:05", " 99:99")
BG_DATE = _parts(
    ("9", "23", "31", "0", "\u0661"), (" ", ". ", ""), ("Януари", "ное", "Apr", "Xyz"),
    (", ", " "), ("2026", "1999", "20"), TIME,
    ("", ", обновена 25 Август, 2025 06:13", " updated Apr 2, 2025", " обновено: 9 Май 2026"),
    COUNTS,
)  # fmt: skip
EN_DATE = _parts(
    ("Apr", "May", "Sept", "Ноември", "ян", "Foo"), SP, ("23", "9", "32"), (", ", " ", ","),
    ("2025", "0000"), TIME, ("", ", updated May 20, 2024 22:30", " обновена 9 Януари, 2026"),
    COUNTS,
)  # fmt: skip


@DRAWN
@given(BG_DATE | EN_DATE | st.text(max_size=30))
def test_date_lines_on_drawn_strings(text: str) -> None:
    assert parse_date_line(text) == old_parse_date_line(text)
    count = text.rpartition(",")[2]
    assert parse_int(count) == old_parse_int(count)


@pytest.mark.parametrize(
    "line",
    [
        "Apr 23, 2025 08:03 144", "9 Януари, 2026 23:13 313 0", "9 Януари, 2026 23:13 5 067 12",
        "25 Август, 2025 07:10, обновена 25 Август, 2025 06:13", "Oct 26, 2025 03:30 1",
        "30 Март, 2025 03:30", "May 20, 2024 22:30 2 542", "Foo 99, 2025 99:99", "9 Януари",
    ],
)  # fmt: skip
def test_date_lines(line: str) -> None:
    assert parse_date_line(line) == old_parse_date_line(line)


URLS = _parts(
    ("https://", "HTTP://", "http:", "//", "ftp://", "", " \t"),
    ("", "user@", "a:b@", "[::1]", "%41"),
    ("fakti.bg", "WWW.FAKTI.BG", "fakti.bg.", "127.0.0.1", "mirror.example", "", "ex\u2100"),
    ("", ":443", ":8765", ":x", ":"),
    ("", "/", "/world/123-slug", "/en/world/9-x", "/amp/kultura-art/1-", "/en/amp/sport/0-x",
     "/world/12-a/b", "/nosection/5-x", "/world/123-slug/", "/\tworld/1-x", "/World/1-x"),
    ("", "?q=1", "#f", "?a#b", " ", "\n"),
)  # fmt: skip


@DRAWN
@given(URLS)
def test_urls_on_drawn_strings(url: str) -> None:
    for extra in ((), ("127.0.0.1:8765",), ("http://Mirror.example/",)):
        assert canonicalize(url, extra_hosts=extra) == old_canonicalize(url, extra)
        assert parse_article_url(url, extra) == old_parse_article_url(url, extra)
    assert parse_request_url(url) == old_article_ref(url)


def test_urls_with_a_base() -> None:
    for base in ("https://fakti.bg/", "http://127.0.0.1:8765/en/", "//x/", "https://[::1/"):
        for url in ("/world/1-x", "world/1-x", "https://fakti.bg/a", "//fakti.bg/amp/b", "?q"):
            assert canonicalize(url, base) == old_canonicalize(url, (), base)


SCRIPT_TAGS = st.sampled_from(
    [b"<script>", b"<SCRIPT type=text/javascript>", b"<ScRiPt type='application/ld+json'>",
     b"<script type=x&y>", b"<script/x>", b"<html class=a>", b"<HEAD>", b"<body\n>",
     b"<bodyx>", b"<scripts>", b"<p>", b"json", b"\0", b"<", b"<li><a href=/x>y</a></li>"]
)  # fmt: skip


@DRAWN
@given(st.lists(SCRIPT_TAGS, max_size=8).map(b"".join))
def test_plain_rest_on_drawn_bytes(rest: bytes) -> None:
    # The NUL check moved from the whole page to the bytes after the cut (where it matters).
    page = b"<html><body><article><h1>x</h1></article>"
    cut = _Cut(page + rest, len(page))
    assert cut.plain_rest() == (old_plain_rest(rest) and b"\0" not in rest)


@pytest.mark.parametrize(
    "script",
    [
        '{"@type": "NewsArticle", "headline": "h"}',
        '\ufeff{"@type": "NewsArticle"}',
        '[{"@type": "WebPage"}, {"@graph": [{"@type": ["X", "Article"]}]}]',
        '{"@type": "NewsArticle", "x": "a\tb"}',
        '{"@type": 5}',
        "{broken",
        '{"@type": "NewsArticle"} extra',
    ],
)
def test_jsonld_scripts(script: str) -> None:
    root = parse_html(f'<html><head><script type="application/ld+json">{script}</script></head>')
    assert next(_articles(root), None) == old_find(root)
