"""The known-selector layer: the §5 markup (`h1`, `.subtitle`, `.ndt`/`.nv`/`.nc`, `div.text`).

The article element is scanned once (elements in document order, indexed by the class names
of §5), which is much cheaper than one class-matching XPath per field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from operator import itemgetter
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from newsspider.extraction import patterns as P
from newsspider.extraction.body import (
    BodyRules,
    absolute,
    between_blocks,
    clean_headline,
    collapse,
    element_paragraphs,
    element_text,
    form_boxes,
    image_source,
    is_caption,
    is_related,
    listing_item,
    outer_box,
    related_element,
    skipped,
    spaced_text,
    unique,
    within,
    without_bullet,
)
from newsspider.extraction.dates import (
    DateLine,
    parse_date_line,
    parse_date_shown,
    parse_date_start,
    parse_date_updated,
)
from newsspider.extraction.numbers import parse_int


@cache
def _first_of(tag: str) -> etree.XPath:
    # libxml2 stops at the first match of a `[1]` step
    return etree.XPath(f"descendant-or-self::{tag}[1]")


def first(root: etree._Element, tag: str) -> etree._Element | None:
    """``next(root.iter(tag), None)``, without the look-ahead of lxml's iterator (which walks
    on to the next match, i.e. to the end of the page when there is none)."""
    found = _first_of(tag)(root)
    return found[0] if found else None


def article_scope(root: etree._Element, h1: etree._Element | None) -> etree._Element:
    """The `<article>` holding ``h1`` (the page's first `h1`), else the first `<article>`,
    `<main>`, or the root."""
    if h1 is not None:
        for parent in h1.iterancestors("article"):
            return parent
    for tag in ("article", "main"):
        found = first(root, tag)
        if found is not None:
            return found
    return root


@dataclass(slots=True)
class Marks:
    """The §5 elements of an article scope, each with its document-order index."""

    scope: etree._Element
    by_class: dict[str, list[tuple[int, etree._Element]]] = field(default_factory=dict)
    paras: list[tuple[int, etree._Element]] = field(default_factory=list)
    h1: etree._Element | None = None
    image: etree._Element | None = None
    #: The body's `div.text` and its index (not one inside a figure, ad, rail or related
    #: block), found once by :func:`scan`.
    body: tuple[int, etree._Element] | None = None
    #: The index where the header ends (:func:`_header_end`), ``None`` when nothing ends it.
    end: int | None = None

    def body_start(self) -> int | None:
        """The index of the body's `div.text`, ``None`` when there is none."""
        return self.body[0] if self.body is not None else None

    def header_lines(self, end: int) -> list[str]:
        """The header's lines: the text of each element before the body's `div.text` (at
        index ``end``) that holds no block element (a line as rendered), but the headline
        and captions, outside ads, rails and related blocks."""
        lines = []
        for i, el in enumerate(self.scope.iter(etree.Element)):
            if i >= end:
                break
            if el.tag in P.NOT_HEADER_LINES or skipped(el):
                continue
            if any(child.tag in P.BLOCK_TAGS for child in el) or _in_skipped(el, self.scope):
                continue
            try:
                text = element_text(el)
            except RecursionError:  # inline elements nested thousands deep: no line
                continue
            if text:
                lines.append(text)
        return lines

    def unexplained_line(self, headline: str | None, shown: Iterable[str]) -> str | None:
        """The first header line (before the body's `div.text`) outside §5 elements, ads and
        rails that is neither the headline, one of the ``shown`` values nor a caption, photo
        credit, date line or count: a header element with a class name not known here (a
        renamed author line)."""
        if self.body is None:
            return None
        known, stop = {headline, *shown}, self.body[1]
        stack = [iter(self.scope)]
        while stack:
            el = next(stack[-1], None)
            if el is None:
                stack.pop()
                continue
            if el is stop:
                return None
            if skipped(el) or el.tag in P.NOT_HEADER_LINES or _marked(el):
                continue
            if any(child.tag in P.BLOCK_TAGS for child in el):
                stack.append(iter(el))
                continue
            try:
                text = element_text(el)
            except RecursionError:  # inline elements nested thousands deep: no line
                continue
            if not text or text in known or P.COUNT.fullmatch(text):
                continue
            if (
                P.PHOTO_CREDIT.match(text)
                or is_caption(text, headline)
                or (P.DATE_LINE_HINT.search(text, 0, 16) and parse_date_line(text))
            ):
                continue
            return text
        return None

    def shown(self, name: str, header: bool = True) -> list[tuple[int, etree._Element]]:
        """The elements of class ``name`` outside ads, rails and related blocks; with
        ``header``, only those before the header's end (§3: every header line comes before
        the body and before other stories), so that a related block's `.nv` or
        `.author-name` never counts."""
        marked = self.by_class.get(name, ())
        end = self.end if header and marked else None
        return [
            (i, el)
            for i, el in marked
            if (end is None or i < end) and not _in_skipped(el, self.scope)
        ]


def _marked(el: etree._Element) -> bool:
    """Whether ``el`` has a §5 class."""
    value = el.get("class")
    return bool(value) and not P.SELECTOR_CLASSES.isdisjoint(value.split())


def scan(scope: etree._Element) -> Marks:
    """One pass over ``scope``: §5 classes, paragraphs, the first `h1` and the main image."""
    marks = Marks(scope)
    wanted, paras, by_class = P.SELECTOR_CLASSES, marks.paras, marks.by_class
    for i, el in enumerate(scope.iter(etree.Element)):
        tag = el.tag
        if tag == "p":
            paras.append((i, el))
        elif tag == "h1":
            if marks.h1 is None:
                marks.h1 = el
        elif tag in P.IMAGE_TAGS and marks.image is None and _main_image(el):
            marks.image = el
        value = el.get("class")
        if value:
            names = value.split()
            if not wanted.isdisjoint(names):
                for name in names:
                    if name in wanted:
                        by_class.setdefault(name, []).append((i, el))
    marks.body = next(
        ((i, el) for i, el in by_class.get(P.BODY_CLASS, ()) if _is_body(el, scope)), None
    )
    marks.end = _header_end(marks)
    return marks


def _header_end(marks: Marks) -> int | None:
    """Where the header ends: at the body's `div.text`; without one, at the first box after
    the header's date line that holds another story: a later date element (`.ndt`) in a
    box with a link to an article (a listing item: `<div><a href="/world/1-x">…</a><div
    class="ndt">…</div></div>`; not an author's or a tag's link). ``None`` when neither is
    found."""
    end = marks.body_start()
    if end is not None:
        return end
    dates = [
        (i, el)
        for i, el in marks.by_class.get(P.DATE_CLASS, ())
        if not _in_skipped(el, marks.scope)
    ]
    found = next(((i, el) for i, el in dates if element_text(el)), None)
    if found is None:
        return None
    at, first = found
    above = {first, *first.iterancestors()}
    linked: dict[etree._Element, bool] = {}  # (dates of one block share their box)
    for i, el in dates:
        if i <= at:
            continue
        box = outer_box(el, above)
        if box is el:
            continue
        if box not in linked:
            linked[box] = any(_article_link(a.get("href")) for a in box.iter("a"))
        if linked[box]:
            for k, node in enumerate(box.iter(etree.Element)):
                if node is el:
                    return i - k  # (the box's own index)
    return None


def _article_link(href: str | None) -> bool:
    """Whether ``href`` points to an article (`/world/1108069-slug`: one of the site's
    sections and an id from 1; on any host, its AMP form, or relative to the site's root),
    not a tag's, an author's or another site's page of that shape (`/tag/8-mart`)."""
    if not href:
        return False
    try:
        path = urlsplit(href.strip()).path
    except ValueError:
        return False
    path = path if path.startswith("/") else "/" + path
    amp = P.AMP_PATH.match(path)
    match = P.ARTICLE_PATH.match((amp.group(1) or "") + amp.group(2) if amp else path)
    return match is not None and match["section"] in P.SECTIONS and int(match["id"]) >= 1


def _is_body(el: etree._Element, scope: etree._Element) -> bool:
    """Whether a `.text` element is the body's `div.text` (not in a figure, ad or rail)."""
    if el.tag != "div" or _in_skipped(el, scope):
        return False
    return next(el.iterancestors("figure"), None) is None


def _in_skipped(el: etree._Element, scope: etree._Element) -> bool:
    """Whether an ancestor of ``el`` below ``scope`` is an ad, rail, related block..."""
    parent = el.getparent()
    return parent is not None and within(parent, scope, skipped)


def _main_image(el: etree._Element) -> bool:
    """An `amp-img`, or an `img` inside `figure`/`picture`, outside ads and rails."""
    media = el.tag == "amp-img"
    for parent in el.iterancestors():
        if parent.tag in ("figure", "picture"):
            media = True
        elif skipped(parent):
            return False
    return media


def _first_text(marked: Iterable[tuple[int, etree._Element]]) -> str | None:
    """The first non-empty text of the marked elements."""
    for _, el in marked:
        text = element_text(el)
        if text:
            return text
    return None


def _first(marked: list[tuple[int, etree._Element]]) -> etree._Element | None:
    return marked[0][1] if marked else None


def _text(el: etree._Element | None) -> str | None:
    return (element_text(el) or None) if el is not None else None


def _dates(
    marks: Marks, h1: etree._Element | None, story: Callable[[str | None], bool]
) -> dict[str, Any]:
    """The date line's fields from the first `.ndt` of the header (with `.nv`, `.nc`); none
    when it sits in another story's card (:func:`~body.listing_item`; ``h1`` is the
    headline's element, ``story`` tells a link to another story)."""
    el = next((el for _, el in marks.shown(P.DATE_CLASS) if element_text(el)), None)
    if el is None:
        return {}
    nv_el, nc_el = _first(marks.shown(P.VIEWS_CLASS)), _first(marks.shown(P.COMMENTS_CLASS))
    body = marks.body[1] if marks.body is not None else None
    if listing_item(el, (el, nv_el, nc_el), (h1, body), story):
        return {}
    ndt = element_text(el)
    nv, nc = _text(nv_el), _text(nc_el)
    # The comments in an element of their own: the date line's numbers are its views (`2 542`).
    views_only = nc_el is not None and nv_el is None
    line = (
        (None if P.UPDATED_LEAD.search(ndt) else _with_update(el, ndt, views_only))
        or parse_date_line(ndt, views_only)
        or parse_date_line(" ".join(t for t in (ndt, nv, nc) if t))
        or _spaced(el, views_only)
        or parse_date_shown(ndt)
        or parse_date_start(ndt)  # (its update or counts not read: null)
    )
    if line is None:
        return {}
    return {
        "published_at": line.published,
        "updated_at": line.updated,
        "views": parse_int(nv) if nv_el is not None else line.views,
        "comments": parse_int(nc) if nc_el is not None else line.comments,
    }


def _spaced(el: etree._Element, views_only: bool) -> DateLine | None:
    """The date line of ``el`` read with a space between its elements' texts (the date and
    the time in blocks of their own: `<div>Apr 23, 2025</div><div>08:03</div>`)."""
    if not len(el):
        return None
    return parse_date_line(spaced_text(el), views_only)


def _with_update(el: etree._Element, ndt: str, views_only: bool) -> DateLine | None:
    """The date line ``ndt`` of ``el`` joined with an update time shown right after it: in
    its tail and the next few elements (`, <span>обновена 25 Август, 2025 06:13</span>`;
    `обновена <b>…</b>`), only punctuation before it. ``None`` when there is none."""
    text, after = el.tail or "", el
    for _ in range(P.UPDATE_ELEMENTS):
        shown = collapse(text)
        if P.UPDATED_LEAD.match(shown):
            line = parse_date_updated(ndt, shown, views_only)
            if line is not None:
                return line
        elif shown.strip(P.UPDATE_PUNCT):
            return None
        after = after.getnext()
        if after is None:
            return None
        if isinstance(after.tag, str) and not skipped(after):
            text = f"{text} {element_text(after)}"
        text += after.tail or ""
    return None


def _tags(marks: Marks) -> list[str]:
    """Topic line, tag bullets and trailing tags, in page order."""
    parts: list[tuple[int, list[str]]] = []
    for i, el in marks.shown(P.TOPIC_CLASS):
        text = element_text(el)
        match = P.TOPIC_LINE.match(text)
        parts.append((i, [collapse(match.group("topic")) if match else text]))
    for i, el in marks.shown(P.TAGS_CLASS):
        if el.tag == "ul":
            parts.append((i, [without_bullet(element_text(li)) for li in el.iterchildren("li")]))
    for i, el in marks.shown(P.TAGS_BOTTOM_CLASS, header=False):
        parts.append((i, [element_text(a) for a in el.iter("a")]))
    if len(parts) > 1:
        parts.sort(key=itemgetter(0))
    return unique(t for _, texts in parts for t in texts)


def _image(marks: Marks, base_url: str) -> str | None:
    source = image_source(marks.image) if marks.image is not None else None
    return absolute(base_url, source) if source else None


def _in_non_body(
    el: etree._Element, stop: etree._Element, known: dict[etree._Element, bool]
) -> bool:
    """Whether ``el`` sits in an ad, rail, related block, header part or figure (a caption)
    below ``stop``; ``known`` holds the answers for the elements met so far (paragraphs share
    ancestors)."""
    path: list[etree._Element] = []
    node = el
    while node is not None and node is not stop:
        verdict = known.get(node)
        if verdict is not None:
            break
        if node.tag in P.FIGURE_TAGS or skipped(node, P.HEADER_CLASSES):
            verdict = True
            break
        path.append(node)
        node = node.getparent()
    else:
        verdict = False
    for node in path:
        known[node] = verdict
    return verdict


def selector_body(scope: etree._Element, marks: Marks, rules: BodyRules) -> str | None:
    """The `p` paragraphs of `div.text`, and the later ones where a stray `</div>` that
    closed it early leaves them (in an element that holds `div.text`, not in another box of
    the article such as comments or an author bio: :func:`_in_body`); a paragraph of related links
    (`Прочетете още: <a>...</a>`) or in a sign-up box (:func:`form_boxes`) is left out.
    Between two of its `p`s, the list items, headings and quotes of `div.text` that
    :func:`~body.between_blocks` reads. ``None`` when the page has no `div.text`, or when
    its `div.text` holds text of its own, or text but no body paragraph (then the text layer
    reads the body)."""
    if marks.body is None:
        return None
    start, div = marks.body
    header = P.HEADER_CLASSES
    above = set(div.iterancestors())
    known = dict.fromkeys(form_boxes(scope, {div, *above}), True)  # (sign-up boxes: not body)
    read: dict[etree._Element, list[str]] = {}  # (each `p` read: its paragraphs)
    for i, p in marks.paras:
        if i > start and _in_body(p, div, above) and not _in_non_body(p, scope, known):
            read[p] = _p_paragraphs(p, header)
    if _bare_text(div):  # text right in `div.text` or a plain `div` of it, beside the `p`s
        return None
    blocks = between_blocks(div, read, rules)  # (by the `p` they follow)
    body = rules.join(chain.from_iterable((*ps, *blocks.get(p, ())) for p, ps in read.items()))
    if not body and element_text(div, header):  # its text is in `div`s, not in `p`s
        return None
    return body


def _p_paragraphs(p: etree._Element, header: frozenset[str]) -> list[str]:
    """The paragraphs of a `p`, split at `<br><br>` (``header`` parts left out), without
    related links (:func:`~body.related_element`, :func:`_unrelated`)."""
    if not len(p):
        return [collapse(p.text)]
    parts = element_paragraphs(p, header)
    if not parts or related_element(p, " ".join(parts)):
        return []
    return parts if len(parts) == 1 else _unrelated(p, parts)


def _in_body(p: etree._Element, div: etree._Element, above: set[etree._Element]) -> bool:
    """Whether ``p`` is in the body ``div`` (in any box of it), or in one of its ancestors
    (``above``) through elements without a class or with a body class (`blockquote`,
    `div.text-more`; not a `div.user-comments` or `section.bio`)."""
    if div in p.iterancestors():
        return True
    for node in p.iterancestors():
        if node in above:
            return True
        names = (node.get("class") or "").split()
        if names and not any(n == P.BODY_CLASS or n.startswith(_BODY_PREFIX) for n in names):
            return False
    return False


_BODY_PREFIX = P.BODY_CLASS + "-"


def _unrelated(p: etree._Element, parts: list[str]) -> list[str]:
    """The parts of a `p` split at `<br><br>` that are no related-links line (`Прочетете
    още: <a>...</a>` after the article's last sentence). Links and parts are both in page
    order: each link goes to the first part at or after the previous link's that shows its
    text, looking a few parts ahead (so the work stays linear)."""
    mine: list[list[tuple[str, str]]] = [[] for _ in parts]
    at = 0
    for a in p.iter("a"):
        text = element_text(a)
        if not text:
            continue
        for j in range(at, min(len(parts), at + P.LINK_PARTS_AHEAD)):
            if text in parts[j]:
                mine[j].append((text, (a.get("href") or "").strip()))
                at = j
                break
    return [
        part
        for part, links in zip(parts, mine, strict=True)
        if not (links and is_related(part, *zip(*links, strict=True)))
    ]


def _bare_text(div: etree._Element) -> bool:
    """Whether ``div`` holds text the `p` paragraphs do not: its own (not inside a child
    element), or in a child `div` without a class outside that `div`'s `p`s (a block of body
    text beside the `p`s; a wrapper of `p`s only is not: they are read; a classed `div` is an
    ad, a related box, an embed)."""
    if div.text and not div.text.isspace():
        return True
    return any(
        (child.tail and not child.tail.isspace())
        or (child.tag == "div" and not child.get("class") and _beside_paras(child))
        for child in div
    )


def _beside_paras(wrapper: etree._Element) -> bool:
    """Whether ``wrapper`` shows text outside its `p`s (compared without whitespace: the
    texts are joined with and without spaces; a `p` in an ad or related box is not shown)."""
    shown = "".join(element_text(wrapper).split())
    paras = (p for p in wrapper.iter("p") if not within(p, wrapper, skipped))
    return shown != "".join("".join(element_text(p).split()) for p in paras)


def selector_fields(
    marks: Marks,
    h1: etree._Element | None,
    base_url: str,
    story: Callable[[str | None], bool],
) -> dict[str, Any]:
    """Fields from the §5 article markup (the body comes from :func:`selector_body`) of the
    article at ``base_url``; each value is ``None``/``[]`` when its element is absent. ``h1``
    is the page's first `h1` (the headline when the article element has none); ``story``
    tells a link to another story of the edition (:func:`~body.story_link`)."""
    if marks.h1 is not None:
        h1 = marks.h1
    fields: dict[str, Any] = {
        "headline": clean_headline(_text(h1)),
        "subtitle": _first_text(marks.shown(P.SUBTITLE_CLASS)),
        "authors": unique([element_text(el) for _, el in marks.shown(P.AUTHOR_NAME_CLASS)]),
        "tags": _tags(marks),
        "image_url": _image(marks, base_url),
    }
    fields.update(_dates(marks, h1, story))
    return fields
