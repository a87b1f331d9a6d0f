"""Article pages → :class:`Extracted` | :class:`Rejected` | :class:`NotArticle`.

The page is parsed once with lxml. Each field comes from the first layer that yields a valid
value: ``jsonld`` → ``meta`` → ``selectors`` → ``text`` (the rendered-text order of §3);
``url``, ``article_id``, ``lang`` and ``section`` come from the URL (layer ``url``). The text
layer is rendered only when needed, so a page in the known markup costs little more than its
parse: when the §5 markup is incomplete (no date from a `.ndt` element, or no `div.text`);
when a required field (``REQUIRED_FIELDS``) is still missing after the other layers; when the
selector layer finds no body `div.text` (the body, and a structured subtitle or authors
checked against what the page shows); and on a Bulgarian page without `.author-name` whose
header shows a line no §5 element explains (a renamed author line, ``_renamed_author``).

Fast path: a page is first parsed only up to the `</article>` after its first `<h1>` (the
`<head>`, navigation and the article; not the rails and footer after it). libxml2 builds the
tree in document order and never changes a closed element, so that prefix gives the same
`<head>`, article element and ancestors as the full parse. Its result is used only when
nothing after the cut can matter: `<head>` and the article closed before the cut, a JSON-LD
article object found in the `<head>` (else no script after the cut that could be JSON-LD, no
second `<html>`/`<head>`/`<body>` tag and no NUL byte, which could hide one), and the
rendered-text layer (which may read the whole `<body>`) not consulted. Otherwise the full page
is parsed.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from lxml import etree

from newsspider.extraction import patterns as P
from newsspider.extraction.body import (
    BodyRules,
    absolute,
    element_text,
    skipped_image,
    story_link,
)
from newsspider.extraction.decode import cut_after, page_bytes, parse_bytes
from newsspider.extraction.jsonld import article_fields, find_article
from newsspider.extraction.meta import meta_fields
from newsspider.extraction.record import (
    RECORD_FIELDS,
    URL_LAYER,
    Extracted,
    ExtractionResult,
    NotArticle,
    Rejected,
    isoformat,
)
from newsspider.extraction.selectors import (
    Marks,
    article_scope,
    first,
    scan,
    selector_body,
    selector_fields,
)
from newsspider.extraction.text import Line, lines_from_text, lines_from_tree, parse_lines
from newsspider.extraction.urls import ArticleRef, parse_article_url, parse_request_url

#: Fields taken from the first layer that has them (:func:`_image` chooses `image_url`; the
#: body is handled on its own).
LAYERED_FIELDS: tuple[str, ...] = (
    "headline", "subtitle", "published_at", "updated_at", "views", "comments", "authors",
    "tags",
)  # fmt: skip
#: Frames extraction may use above its caller's (:func:`_stack_budget`).
STACK_FRAMES = 900
_STACK_LOCK = threading.RLock()
#: A page without these is rejected.
REQUIRED_FIELDS: tuple[str, ...] = ("headline", "published_at")
#: Reject reason of a page whose canonical link names another article of its edition, or one
#: of the other edition in whose language the page says it is: that article's page (served
#: at this URL, or this one merged into it), not this one's.
CANONICAL_ELSEWHERE = "canonical:other_article"
_OUTPUT_FIELDS = tuple(f for f in RECORD_FIELDS if f not in ("scraped_at", "content_hash"))
_URL_FIELDS = ("url", "article_id", "lang", "section")
#: The output fields after those from the URL.
_PAGE_FIELDS = _OUTPUT_FIELDS[len(_URL_FIELDS) :]


def _valid(value: Any) -> bool:
    if isinstance(value, str | list):
        return bool(value)
    return value is not None


def _image_ok(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def _merge(
    layers: list[tuple[str, dict[str, Any]]], text: Callable[[], dict[str, Any] | None]
) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {}
    used: dict[str, str] = {}
    for name in LAYERED_FIELDS:
        for layer, fields in layers:
            value = fields.get(name)
            if value is None or (isinstance(value, str | list) and not value):
                continue  # not _valid(value), inlined
            values[name], used[name] = value, layer
            break
        else:
            text_fields = text()
            value = text_fields.get(name) if text_fields else None
            if _valid(value):
                values[name], used[name] = value, "text"
    image = _image(layers, text)
    if image is not None:
        values["image_url"], used["image_url"] = image
    return values, used


def _image(
    layers: list[tuple[str, dict[str, Any]]], text: Callable[[], dict[str, Any] | None]
) -> tuple[str, str] | None:
    """The first article photo of the layers (the text layer last); else the first image of
    any kind (a logo or default share image only when the page shows no photo)."""
    other: tuple[str, str] | None = None
    for layer, fields in layers:
        value = fields.get("image_url")
        if _image_ok(value):
            if P.ARTICLE_PHOTO.match(value):
                return value, layer
            other = other or (value, layer)
    text_fields = text()
    value = text_fields.get("image_url") if text_fields else None
    if _image_ok(value) and (other is None or P.ARTICLE_PHOTO.match(value)):
        return value, "text"
    return other


def _finish(ref: ArticleRef, values: dict[str, Any], used: dict[str, str]) -> ExtractionResult:
    record: dict[str, Any] = {
        "url": ref.url,
        "article_id": ref.article_id,
        "lang": ref.lang,
        "section": ref.section,
    }
    for name in _PAGE_FIELDS:
        value = values.get(name)
        if isinstance(value, datetime):
            value = isoformat(value)
        elif name in ("authors", "tags"):
            value = list(dict.fromkeys(value or ()))
        elif name == "body":
            value = value or ""
        record[name] = value
    layers = _url_layers()
    for name in _OUTPUT_FIELDS:
        if name in used:
            layers[name] = used[name]
    missing = [name for name in REQUIRED_FIELDS if not record.get(name)]
    if missing:
        return Rejected(ref.url, "missing:" + ",".join(missing), record, layers)
    return Extracted(record, layers)


def _canonical_ref(head: etree._Element, ref: ArticleRef) -> ArticleRef:
    """The article the page's first `<link rel=canonical>` (in ``head``) names, if any, that
    is an article URL of the site; else ``ref``."""
    for link in head.iter("link"):
        if P.CANONICAL_REL not in (link.get("rel") or "").lower().split():
            continue
        href = (link.get("href") or "").strip()
        if href == ref.url:  # already canonical: parsing it would give ``ref`` again
            return ref
        canonical = parse_article_url(href)
        if canonical and not P.URL_UNSAFE.search(canonical.url):
            return canonical
    return ref


def _in_language(root: etree._Element, text: Iterable[etree._Element | None], lang: str) -> bool:
    """Whether the page is in the edition ``lang``'s language: its `<html lang>` says so (the
    primary subtag, any case: ``bg`` for ``bg-BG`` or ``bg_BG``) and the dominant script of
    the article's ``text`` elements (headline and body; ``None`` for a missing one) agrees:
    more Cyrillic than Latin letters for ``bg``, more Latin than Cyrillic for ``en``. No
    letters or as many of each: ``False`` (a translation's shared template may say the
    original's language; a quoted title or a look-alike letter is no script)."""
    said = P.PAGE_LANG_SEPARATOR.split((root.get(P.PAGE_LANG_ATTR) or "").strip().lower())[0]
    if said != lang:
        return False
    shown = " ".join(element_text(el) for el in text if el is not None)
    cyrillic, latin = len(P.CYRILLIC_LETTER.findall(shown)), len(P.LATIN_LETTER.findall(shown))
    return cyrillic > latin if lang == "bg" else latin > cyrillic


class _NeedsFullPage(Exception):
    """The fast path cannot prove that the full page gives the same result."""


@dataclass(slots=True)
class _Cut:
    """The page bytes after the fast path's cut (see the module docstring): ``data[start:]``."""

    data: bytes
    start: int

    def closed(
        self,
        root: etree._Element,
        head: etree._Element,
        h1: etree._Element | None,
        scope: etree._Element,
    ) -> bool:
        """Whether `<head>` (``head``) and ``scope`` (the article of ``h1``, the first `h1`)
        end before the cut; never when the page has no `<head>` (``head`` is the root), no
        `h1` or no article element around it."""
        marks = list(root.iter(P.FAST_END_TAG))
        if len(marks) != 1 or head is root or h1 is None or scope.tag != "article":
            return False
        if next(h1.iterancestors("article"), None) is not scope:
            return False
        return not any(a is head or a is scope for a in marks[0].iterancestors())

    def plain_rest(self) -> bool:
        """Whether no tag after the cut can add JSON-LD or reopen `<html>`/`<head>`/`<body>`
        (a NUL byte, which the parser may drop, could hide one)."""
        rest = self.data[self.start :]
        if b"\0" in rest:
            return False
        # Lower-cased once, the bytes are searched case-sensitively (the script patterns
        # ignore case, and lower() changes only ASCII letters).
        rest = rest.lower()
        for found in P.FAST_SUFFIX_TAG_LOWER.finditer(rest):
            tag = P.FAST_PLAIN_SCRIPT.match(rest, found.start())
            if tag is None or P.FAST_JSON.search(tag.group()):
                return False
        return True


class _TextLayer:
    """The rendered-text layer of a parsed page, computed at most once and only if enabled.

    The article element (``scope``) is rendered first; the whole `<body>` only when that
    yields no date line, or no body text and the article holds no player (a video article's
    body is empty, §5: not the text of whatever follows it).
    """

    def __init__(
        self,
        root: etree._Element,
        scope: etree._Element,
        ref: ArticleRef,
        enabled: bool,
        partial: bool = False,
    ) -> None:
        self.root, self.scope, self.ref, self.enabled = root, scope, ref, enabled
        self.partial = partial
        self.hint: str | None = None
        #: The page's first `h1` (the headline's element when the rendered headline is not found).
        self.h1: etree._Element | None = None
        #: Whether a link points to another story of the edition (:func:`~body.story_link`).
        self.story: Callable[[str | None], bool] | None = None
        self._fields: dict[str, Any] | None = None

    def _parse(self, element: etree._Element) -> dict[str, Any]:
        ref = self.ref
        fields = parse_lines(lines_from_tree(element), ref.lang, self.hint, self.h1, self.story)
        if fields.get("image_url"):
            fields["image_url"] = absolute(ref.url, fields["image_url"])
        return fields

    def __call__(self) -> dict[str, Any] | None:
        if not self.enabled:
            return None
        if self.partial:  # the text layer may read the whole `<body>`
            raise _NeedsFullPage
        if self._fields is None:
            fields = self._parse(self.scope) if self.scope is not self.root else {}
            if not (fields.get("published_at") and (fields.get("body") or _has_player(self.scope))):
                body = first(self.root, "body")
                fields = self._parse(body if body is not None else self.root)
            self._fields = fields
        return self._fields


def _has_player(scope: etree._Element) -> bool:
    """Whether the article element holds a video player outside ads and rails."""
    return any(not skipped_image(el) for el in scope.iter(*P.VIDEO_TAGS))


def _known_markup(marks: Marks) -> bool:
    """Whether the scope has the `.ndt` and `div.text` without which the text layer runs."""
    return P.DATE_CLASS in marks.by_class and P.BODY_CLASS in marks.by_class


def _from_tree(
    root: etree._Element, ref: ArticleRef, url: str, cut: _Cut | None = None
) -> ExtractionResult:
    """Every layer on one tree of the page at ``url`` (the request URL); ``cut`` when the
    tree is the fast path's prefix."""
    # lxml's iterator looks ahead to the next match: cheap on the prefix, not on a whole page
    h1 = next(root.iter("h1"), None) if cut is not None else first(root, "h1")
    # The `<head>` (where title, meta, link and JSON-LD live), else the root.
    head = next(root.iterchildren("head"), root)
    scope = article_scope(root, h1)
    marks = scan(scope)
    if cut is not None and not (cut.closed(root, head, h1, scope) and _known_markup(marks)):
        raise _NeedsFullPage
    # The `<head>`'s article object, else the whole page's (a script after the cut may hold
    # the one that names this page).
    obj = find_article(head, ref)
    if obj is None and head is not root:
        if cut is not None and not cut.plain_rest():
            raise _NeedsFullPage
        obj = find_article(root, ref)
    canonical = _canonical_ref(head, ref)
    # Another article of the edition, or of the other one in whose language the page is (else
    # a translation naming its original, or a page that says no language: this one's).
    headline = marks.h1 if marks.h1 is not None else h1
    # the article's text, whose script tells its language: headline and body, else the scope
    text = (headline, marks.body[1]) if marks.body is not None else (scope,)
    if canonical.key != ref.key and (
        canonical.lang == ref.lang or _in_language(root, text, canonical.lang)
    ):
        return Rejected(ref.url, CANONICAL_ELSEWHERE, {"url": ref.url}, {})
    if canonical.key == ref.key:
        ref = canonical
    story = partial(story_link, page_url=url, page=ref)
    selected = selector_fields(marks, h1, ref.url, story)
    jsonld, meta = article_fields(obj, ref.url), meta_fields(head, ref.url)
    if jsonld.get("modified_known"):  # its `dateModified` said "no update": meta may not
        meta["updated_at"] = None
    layers = [("jsonld", jsonld), ("meta", meta), ("selectors", selected)]
    # Nullable fields fall through to the text layer only when the §5 markup is incomplete.
    has_markup = bool(selected.get("published_at")) and P.BODY_CLASS in marks.by_class
    text = _TextLayer(root, scope, ref, enabled=not has_markup, partial=cut is not None)
    text.hint = next((f["headline"] for _, f in layers if f.get("headline")), None)
    text.h1, text.story = h1, story
    values, used = _merge(layers, text)
    if not text.enabled and not all(values.get(name) for name in REQUIRED_FIELDS):
        text.enabled = True
        values, used = _merge(layers, text)
    by_layer = dict(layers)
    clocks = (
        by_layer.get(used.get("published_at", ""), {}).get("wall_clock", False),
        by_layer.get(used.get("updated_at", ""), {}).get("updated_wall_clock", False),
    )
    _as_shown(values, used, selected, text, marks, has_markup, clocks)
    if has_markup and ref.lang == "bg":  # (English pages show no authors)
        _renamed_author(values, used, marks, text)
    rules = BodyRules(
        values.get("headline"),
        values.get("subtitle"),
        values.get("published_at"),
        selected.get("published_at"),
    )
    body = selector_body(scope, marks, rules)
    if body is None:
        text.enabled = True
        body = (text() or {}).get("body") or ""
        if body or _has_player(scope):  # (else no body found: no layer, not covered)
            used["body"] = "text"
    elif body or _has_player(marks.body[1]):  # (a video's body is empty: found, and empty)
        used["body"] = "selectors"
    values["body"] = body
    return _finish(ref, values, used)


#: Fields taken from structured data (JSON-LD, ``og:``) only when the page shows them (§5:
#: the subtitle "exactly as shown, … null when there is none"; authors "the names shown on
#: the page"): a description is often the lead paragraph, and JSON-LD may name an author
#: the page does not show.
_SHOWN_FIELDS = {"subtitle": P.SUBTITLE_CLASS, "authors": P.AUTHOR_NAME_CLASS}  # field → class
_STRUCTURED_LAYERS = frozenset({"jsonld", "meta"})


def _as_shown(
    values: dict[str, Any],
    used: dict[str, str],
    selected: dict[str, Any],
    text: _TextLayer,
    marks: Marks,
    has_markup: bool,
    clocks: tuple[bool, bool],
) -> None:
    """Values from structured data (JSON-LD, ``og:``) checked against what the page shows:
    the known markup's fields (``selected``), else the rendered text (``text``).
    ``clocks``: the structured publication and update times had no offset."""
    body_start = marks.body_start() if has_markup else None
    header: list[str] | None = None
    for name, cls in _SHOWN_FIELDS.items():
        if used.get(name) not in _STRUCTURED_LAYERS:
            continue
        if body_start is None:  # no known markup or no body `div.text`: the rendered text
            _shown(values, used, name, *_rendered(text, name))
        elif marks.shown(cls):
            _shown(values, used, name, selected.get(name), "selectors")
        else:  # no element of that class: the header's own lines decide
            header = marks.header_lines(body_start) if header is None else header
            _in_header(values, used, name, header)
    if used.get("published_at") in _STRUCTURED_LAYERS:
        if has_markup:
            shown = selected.get("published_at"), selected.get("updated_at"), "selectors"
        else:
            (published, layer), updated = (
                _rendered(text, "published_at"),
                _rendered(text, "updated_at"),
            )
            shown = published, updated[0], layer
        _timed(values, used, *shown, *clocks)
    shown = selected.get("headline")
    if (
        used.get("headline") in _STRUCTURED_LAYERS
        and shown
        and _shown_more_or_cut(values["headline"], shown)
    ):
        values["headline"], used["headline"] = shown, "selectors"


def _shown_more_or_cut(headline: str, shown: str) -> bool:
    """Whether a structured or title ``headline`` is the ``shown`` h1 with a few words after
    a separator (a title's `H | Fakti.bg`, `H - World - Fakti.bg`) or cut short with an
    ellipsis (`Synthetic headline about a thi...`): then the h1 is the headline. An h1
    shorter than :data:`~patterns.CUT_HEADLINE_MIN` (a logo, a section name) never is."""
    if len(shown) < P.CUT_HEADLINE_MIN:  # ("Covid" does not make "Covid - new rules..." a title)
        return False
    if headline.startswith(shown) and (separator := P.TITLE_SEPARATOR.match(headline, len(shown))):
        return len(headline[separator.end() :].split()) <= P.TITLE_TAIL_WORDS
    stem = P.ELLIPSIS_END.sub("", headline)
    return stem != headline and len(stem) >= P.CUT_HEADLINE_MIN and shown.startswith(stem)


def _renamed_author(
    values: dict[str, Any], used: dict[str, str], marks: Marks, text: _TextLayer
) -> None:
    """The authors of a Bulgarian page without `.author-name` come from the rendered text
    when its header shows a line that no §5 element explains (the author line's class name
    changed: a `div.byline`), as for a page without the known markup. (Tags are not looked
    for so: short links after the date or the body are too often something else.)"""
    if values.get("authors") or P.AUTHOR_NAME_CLASS in marks.by_class:
        return
    shown = [values.get("subtitle") or "", *values.get("tags", ())]
    if marks.unexplained_line(values.get("headline"), shown) is None:
        return
    value, layer = _rendered(text, "authors")
    if _valid(value):
        values["authors"], used["authors"] = value, layer


def _rendered(text: _TextLayer, name: str) -> tuple[Any, str]:
    """``(value, "text")``: field ``name`` as the text layer reads it (enabled for it)."""
    text.enabled = True
    return (text() or {}).get(name), "text"


def _shown(values: dict[str, Any], used: dict[str, str], name: str, shown: Any, layer: str) -> None:
    """Keep ``values[name]`` from structured data only if it equals ``shown``, what the page
    shows (from ``layer``); otherwise the shown value (or none) is taken, so a description
    that repeats the first paragraph neither invents a subtitle nor removes that paragraph
    from the body."""
    if shown == values[name]:
        return
    if shown:
        values[name], used[name] = shown, layer
    else:
        del values[name], used[name]


def _in_header(values: dict[str, Any], used: dict[str, str], name: str, lines: list[str]) -> None:
    """Keep a structured subtitle only if a header line shows exactly it, and structured
    authors only as far as a header line shows their names (the header without the classes
    of the known markup: e.g. `div.lead`, or an author line with other class names)."""
    value = values[name]
    kept = (
        [n for n in value if any(_has_name(line, n) for line in lines)]
        if isinstance(value, list)
        else value
        if value in lines
        else None
    )
    if kept:
        values[name] = kept
    else:
        del values[name], used[name]


def _has_name(line: str, name: str) -> bool:
    """Whether ``name`` stands in ``line`` as whole words (`Иван` is not in `Иванов`)."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", line) is not None


def _timed(
    values: dict[str, Any],
    used: dict[str, str],
    shown: datetime | None,
    shown_update: datetime | None,
    layer: str,
    wall_clock: bool,
    updated_wall_clock: bool,
) -> None:
    """A structured publication time gives way to the time the page shows (``shown``, from
    ``layer``) where it is uncertain: read without an offset (``wall_clock``: Sofia time by
    assumption, e.g. a UTC time without its `Z`) and a different minute, or at midnight (a
    date-only ``2025-04-23`` reads so) on the shown day. Then a structured update time that
    was the shown publication time, or is as uncertain, gives way to the shown one (or none).
    An update time read without an offset (``updated_wall_clock``) beside one with an offset
    is uncertain too: it gives way to a shown update of another minute, or with none shown is
    dropped (a guess invents no update); when the publication time was read so too and stood,
    the one reading of both stands."""
    published: datetime = values["published_at"]
    moved = shown is not None and shown != published and _gives_way(published, shown, wall_clock)
    if moved:
        values["published_at"], used["published_at"] = shown, layer
    updated = values.get("updated_at")
    if updated is None or used["updated_at"] not in _STRUCTURED_LAYERS:
        return
    if moved and (updated == shown or wall_clock):
        stands = False  # (its publication time gave way: so does it)
    elif not updated_wall_clock or wall_clock:  # (both offset-less: one reading, which stood)
        stands = True
    else:  # (the shown update's minute: its seconds kept)
        stands = shown_update == updated.replace(second=0, microsecond=0)
    if stands:
        return
    if shown_update is not None and shown_update != shown:
        values["updated_at"], used["updated_at"] = shown_update, layer
    else:
        del values["updated_at"], used["updated_at"]


def _gives_way(published: datetime, shown: datetime, wall_clock: bool) -> bool:
    """Whether a structured publication time gives way to a different ``shown`` one: read
    without an offset and of another minute, or at midnight of the shown day."""
    if wall_clock:
        return shown != published.replace(second=0, microsecond=0)
    midnight = not (published.hour or published.minute or published.second)
    return midnight and shown.date() == published.date()


def _fast(data: bytes, encoding: str, ref: ArticleRef, url: str) -> ExtractionResult | None:
    """The result from the page's prefix (module docstring), or ``None`` when not provable."""
    h1 = P.FAST_H1.search(data) if encoding in P.FAST_CODECS else None
    if h1 is None:
        return None
    cut = cut_after(data, P.FAST_ARTICLE_END, h1.end())
    if not cut or data.find(b"\0", 0, cut) >= 0:  # (after the cut: Cut.plain_rest)
        return None
    start = h1.start()
    for hint in P.FAST_MARKUP_HINTS:  # before the cut, looked for in the article first
        if data.find(hint, start, cut) < 0 and data.find(hint, 0, start + len(hint) - 1) < 0:
            return None
    root = parse_bytes(b"".join((memoryview(data)[:cut], P.FAST_END_MARK)), encoding)
    if root is None:
        return None
    try:
        return _from_tree(root, ref, url, _Cut(data, cut))
    except Exception:  # _NeedsFullPage, or anything odd: the full parse decides
        return None


def extract_fast(
    body: bytes | str | None, url: str, *, content_type: str | None = None
) -> ExtractionResult | None:
    """The fast path's result, or ``None`` when it does not apply (then the full parse runs).

    When not ``None`` it equals ``extract_article(body, url, fast=False)``. A hook for the
    tests that prove that equality (``extract_article`` takes the fast path itself).
    """
    ref = parse_request_url(url)
    page = page_bytes(body, content_type) if ref is not None else None
    return _fast(*page, ref, url) if page and ref is not None else None


def extract_article(
    body: bytes | str | None, url: str, *, content_type: str | None = None, fast: bool = True
) -> ExtractionResult:
    """Extract one page. Never raises on bad input (malformed HTML, empty or huge bodies).

    ``url`` is the request URL (any §1 form, on fakti.bg or a mirror). A URL that is not an
    article gives :class:`NotArticle`; an article page without headline or publication time
    gives :class:`Rejected` with ``reason`` ``missing:<fields>`` and the partial record.
    ``fast=False`` skips the fast path (module docstring); the result is the same.
    """
    ref = parse_request_url(url)
    if ref is None:
        return NotArticle(str(url), "not-article-url")
    try:
        with _stack_budget():
            return _extract(ref, url, body, content_type, fast)
    except Exception as exc:  # bad input must never escape extraction
        return _error(ref, exc)


@contextmanager
def _stack_budget() -> Iterator[None]:
    """Give extraction :data:`STACK_FRAMES` frames above the caller's, whatever its depth:
    absurdly deep markup or JSON-LD is cut (``RecursionError``) at nearly the same place in
    the crawler (called ~37 frames deep under Scrapy) and in an extraction worker (~6): C-level
    calls on the caller's stack count against the limit too and move it by a few levels. The
    limit is the process's: extractions in several threads take turns."""
    with _STACK_LOCK:
        depth, frame = 0, sys._getframe()
        while frame is not None:
            depth, frame = depth + 1, frame.f_back
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(depth + STACK_FRAMES)
        try:
            yield
        finally:
            sys.setrecursionlimit(limit)


def _extract(
    ref: ArticleRef, url: str, body: bytes | str | None, content_type: str | None, fast: bool
) -> ExtractionResult:
    page = page_bytes(body, content_type)
    result = _fast(*page, ref, url) if page and fast else None
    if result is not None:
        return result
    root = parse_bytes(*page) if page else None
    if root is None:
        return _finish(ref, {}, {})
    return _from_tree(root, ref, url)


def _error(ref: ArticleRef, exc: Exception) -> Rejected:
    """The reject of a page whose extraction raised ``exc``: its URL fields only, with their
    layer, so that it counts as an article page with nothing extracted."""
    fields = {name: getattr(ref, name) for name in _URL_FIELDS}
    return Rejected(ref.url, f"error:{type(exc).__name__}", fields, _url_layers())


def _url_layers() -> dict[str, str]:
    return dict.fromkeys(_URL_FIELDS, URL_LAYER)


def extract_from_text(text: str, url: str) -> ExtractionResult:
    """The rendered-text layer alone (e.g. a page's visible text, like the shared seed)."""
    ref = parse_request_url(url)
    if ref is None:
        return NotArticle(str(url), "not-article-url")
    try:
        lines: list[Line] = lines_from_text(text or "")
        fields = parse_lines(lines, ref.lang)
    except Exception as exc:  # bad input must never escape extraction
        return _error(ref, exc)
    used = {name: "text" for name, value in fields.items() if _valid(value)}
    if fields.get("body"):
        used["body"] = "text"
    return _finish(ref, fields, used)
