"""The rendered-text layer: the order of §3 of fakti-site.md, anchored on the date line.

Works on plain rendered text (:func:`lines_from_text`) or on a parsed page rendered into
annotated lines (:func:`lines_from_tree`), where headings, list items, link-heavy blocks and
the containing element help to find where the article header and body start and end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import islice, pairwise
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from newsspider.extraction import patterns as P
from newsspider.extraction.body import (
    BodyRules,
    author_from_line,
    author_names,
    caption_head,
    clean_headline,
    collapse,
    doubled_name,
    element_text,
    form_boxes,
    image_source,
    is_caption,
    is_related,
    is_role_line,
    linky,
    listing_item,
    related_element,
    skipped,
    skipped_image,
    spaced_text,
    unique,
    within,
    without_bullet,
)
from newsspider.extraction.dates import (
    DateLine,
    parse_date_line,
    parse_date_shown,
    parse_date_updated,
)


@dataclass(slots=True)
class Line:
    """One rendered line; the flags come from the markup (plain text has only ``item``)."""

    text: str
    heading: bool = False
    #: An `li`, or a bullet line of plain text (`• tag`: a tag in the tag slot after the date
    #: line, body text as written in the body).
    item: bool = False
    linky: bool = False
    el: etree._Element | None = None
    links: tuple[str, ...] = ()
    hrefs: tuple[str, ...] = ()
    #: Part of a `p` split at `<br><br>` (body text, never a tag line).
    part: bool = False
    #: The text of another `div` split at its `<br><br>`s: its paragraphs when it is in the
    #: body (a header line, such as a subtitle, stays whole).
    pieces: tuple[str, ...] = ()


def lines_from_text(text: str) -> list[Line]:
    """Non-empty lines of plain rendered text; bullet lines (`• tag`) are items."""
    out: list[Line] = []
    for raw in text.splitlines():
        line = collapse(raw)
        if line:
            out.append(Line(line, item=P.BULLET.match(line) is not None))
    return out


def _tag(line: Line) -> str:
    """The tag of a tag bullet without its bullet: a plain-text bullet line's
    (:data:`~patterns.BULLET`), or one written in an `li`'s markup."""
    if line.el is not None:
        return without_bullet(line.text)
    bullet = P.BULLET.match(line.text)
    return bullet.group("tag") if bullet else line.text


@dataclass(slots=True)
class _Renderer:
    lines: list[Line] = field(default_factory=list)
    buf: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)
    #: Just after the last `<br>` in ``buf`` (0: none since the last flush).
    br_at: int = 0
    #: The last `p` split at a `<br><br>`: each of its lines is a part.
    split: etree._Element | None = None
    #: Where a `<br><br>` in a `div` (not the body's `div.text`) falls in ``buf``.
    cuts: list[int] = field(default_factory=list)

    def flush(self, block: etree._Element) -> None:
        part = block is self.split
        self.br_at = 0
        if self.buf:
            text = collapse("".join(self.buf))
            pieces = _pieces(self.buf, self.cuts) if self.cuts else ()
            self.buf.clear()
            if text:
                tag, links = block.tag, self.links
                self.lines.append(
                    Line(
                        text,
                        heading=tag in P.HEADING_TAGS,
                        item=tag == "li",
                        linky=sum(map(len, links)) >= P.LINKY_RATIO * len(text),
                        el=block,
                        links=tuple(links),
                        hrefs=tuple(self.hrefs),
                        part=part,
                        pieces=pieces,
                    )
                )
        if self.cuts:
            self.cuts = []
        if self.links:
            self.links, self.hrefs = [], []

    def line_break(self, block: etree._Element, parent: etree._Element) -> None:
        """A `<br>` (a child of ``parent``): a space, or in a paragraph block (not inside its
        links) the end of the line when it follows another `<br>` with only whitespace
        between; in another `div`, a cut (:attr:`Line.pieces`)."""
        buf, mark = self.buf, self.br_at
        if (
            mark
            and mark <= len(buf)
            and parent.tag != "a"
            and (block.tag == "div" or block.tag == "p")
            and not "".join(buf[mark:]).strip()
        ):
            if _paragraph_block(block):
                del buf[mark - 1 :]
                self.split = block
                self.flush(block)
                return
            self.cuts.append(len(buf))
        buf.append(" ")
        self.br_at = len(buf)

    def walk(self, el: etree._Element, block: etree._Element) -> None:
        buf = self.buf
        for child in el:
            if not skipped(child):
                tag = child.tag
                text = child.text  # each read of .text/.tail decodes the node again
                if tag in P.BLOCK_TAGS:
                    if buf or self.links:  # else flush() has nothing to do
                        self.flush(block)
                    if text:
                        buf.append(text)
                    self.walk(child, child)
                    if buf or self.links:
                        self.flush(child)
                elif tag == "br":
                    self.line_break(block, el)
                else:
                    if tag == "a":
                        self.links.append(element_text(child))
                        self.hrefs.append((child.get("href") or "").strip())
                    if text:
                        buf.append(text)
                    self.walk(child, block)
            tail = child.tail
            if tail:
                buf.append(tail)


def _pieces(buf: list[str], cuts: list[int]) -> tuple[str, ...]:
    """The non-empty texts of ``buf`` between the ``cuts``; ``()`` when fewer than two."""
    bounds = [0, *cuts, len(buf)]
    pieces = tuple(p for p in (collapse("".join(buf[a:b])) for a, b in pairwise(bounds)) if p)
    return pieces if len(pieces) > 1 else ()


def _paragraph_block(block: etree._Element) -> bool:
    """Whether `<br><br>` in ``block`` is a paragraph break: a `p`, or the body `div.text`
    (not a heading, nor a `div` of the header such as a subtitle)."""
    if block.tag == "p":
        return True
    return block.tag == "div" and P.BODY_CLASS in (block.get("class") or "").split()


def lines_from_tree(root: etree._Element) -> list[Line]:
    """Render ``root`` (usually ``<body>``) into annotated lines, one per text block."""
    renderer = _Renderer()
    text = root.text
    if text:
        renderer.buf.append(text)
    with suppress(RecursionError):  # absurdly deep markup: keep what was rendered
        renderer.walk(root, root)
    renderer.flush(root)
    return renderer.lines


def _find_date(
    lines: list[Line], start: int, lang: str, headline: str | None = None
) -> tuple[int, int, DateLine] | None:
    """``(first, end, date line)``: the date line may be split over blocks (the time, the
    counts, the update each in its own).

    The headline (``headline``, or the first header line when it is unknown) is never the
    date line. Within :data:`~patterns.DATE_LOOKAHEAD` lines, a date line in the headline's
    place gives way to one that shows counts (§2: every EN date line has its views), on BG
    pages to one with an update too, and else to one with a time (§3: `May 9, 1945` as the
    headline). Off the headline's place, only an EN date line without views right after the
    headline (a junk subtitle `Jun 4, 2024 16:14`) gives way, to the very next line with
    views; a BG date line never does (§3: only the headline and topic line precede it), so
    a body line with a date and numbers (`30 Август, 2025 20:45 2 1`) invents no date or
    counts."""
    head_slot = headline is None  # no header line seen yet: the headline's place (§3)
    en = lang == "en"

    in_slot = _DateSlot(lines, start, headline, lang)

    def date_at(j: int) -> tuple[int, DateLine] | None:
        return _date_at(lines, j, in_slot(j))

    between = 0  # header lines seen after the headline (an EN subtitle)
    for i in range(start, len(lines)):
        line = lines[i]
        found = date_at(i) if line.text != headline else None
        if found is None:
            if _no_header_line(line) or line.text == headline:
                continue
            if head_slot:
                head_slot = False
            else:
                between += 1
            continue
        end, parsed = found
        if not head_slot:
            if not en or parsed.views is not None or between:
                return i, end, parsed
            nxt = date_at(end) if end < len(lines) else None
            if nxt is not None and nxt[1].views is not None:
                return end, *nxt
            return i, end, parsed
        full = _full(parsed, lines[i:end])
        later = [
            (j, *found_j)
            for j in range(end, min(end + P.DATE_LOOKAHEAD, len(lines)))
            if lines[j].text not in (line.text, headline)  # (the headline again)
            and (found_j := date_at(j)) is not None
        ]
        for j, end_j, parsed_j in later:
            if parsed_j.views is not None or (not en and parsed_j.updated is not None):
                return j, end_j, parsed_j
        for j, end_j, parsed_j in later:
            if not full or _full(parsed_j, lines[j:end_j]):
                return j, end_j, parsed_j
        return i, end, parsed
    return None


def _date_above(lines: list[Line], start: int) -> tuple[int, int, DateLine] | None:
    """``(first, end, date line)`` of a date line that ends right above the headline (at
    ``lines[start]``), its blocks included; ``None`` when there is none."""
    for i in range(max(0, start - 4), start):  # (a date line spans at most 4 blocks)
        found = _date_at(lines, i)
        if found is not None and found[0] == start:
            return i, *found
    return None


def _date_above_in_container(
    lines: list[Line], start: int, lang: str, hint: str | None
) -> tuple[int, int, DateLine] | None:
    """The first date line above the headline (at ``lines[start]``, none after it) that is
    part of what surrounds the headline (:func:`_around_headline`): not the site header's
    clock nor another story's card at the top of the page (a "not found" page served with 200
    took its date from them)."""
    begin = 0
    while (found := _find_date(lines, begin, lang, hint)) is not None and found[0] < start:
        if _around_headline(lines[found[0]].el, lines[start].el):
            return found
        begin = found[1]
    return None


def _around_headline(el: etree._Element | None, head_el: etree._Element | None) -> bool:
    """Whether ``el`` and ``head_el`` have a common ancestor below `<body>`, and ``el`` (or
    an element around it) is no site header without ``head_el``: a `<header>` outside any
    `<article>` or `<main>` (the site's, beside a whole-page wrapper's content; an article's
    own header may hold its date above a headline outside it). True in plain text, which has
    no elements."""
    if el is None or head_el is None:
        return True
    heads = set(head_el.iterancestors())
    for node in (el, *el.iterancestors()):
        if node in heads:
            return node.tag not in ("body", "html")
        if node.tag == "header" and _site_header(node):
            return False
    return False


def _site_header(header: etree._Element) -> bool:
    """Whether a `<header>` is the site's: inside no `<article>` or `<main>`."""
    return not any(node.tag in ("article", "main") for node in header.iterancestors())


def _past_slot(between: list[Line], headline: str | None, lang: str) -> bool:
    """Whether a date line after ``between`` (the headline and what follows it) is past the
    §3 date slot: a `p`, the caption, a photo credit or an author line comes before it (body
    text). An EN subtitle, the line right after the headline, may be a `p` (§3)."""
    return any(_ends_slot(line, headline) for line in between[_slot_head(lang) :])


def _slot_head(lang: str) -> int:
    """The lines from the headline's place on that may be a `p` and still be header: the
    headline, and on English pages the subtitle right after it (§3)."""
    return 2 if lang == "en" else 1


def _ends_slot(line: Line, headline: str | None) -> bool:
    """A `p`, the caption, a photo credit or an author line: body text (past the date slot)."""
    return _is_paragraph(line) or _is_special(line, headline)


def _no_header_line(line: Line) -> bool:
    """A line the date slot does not count: links, a bullet, a rail title."""
    return line.linky or line.item or _rail_title(line.text)


def _beside(el: etree._Element | None, head_el: etree._Element | None) -> bool:
    """Whether ``el`` (a date line's or a count's block) sits beside the headline's element
    (the same parent, or a wrapper of it in that parent), as a header shows it; not another
    story's card above the headline, nor a cell or heading inside the body."""
    if el is None or head_el is None:
        return False
    parent = head_el.getparent()
    return parent is not None and any(node is parent for node in islice(el.iterancestors(), 2))


class _DateSlot:
    """Whether ``lines[i]`` is in the §3 date slot after the headline (``lines[start]``, or
    the first header line when it is unknown or not shown as given, e.g. a `<title>` that is
    not the `h1`'s text): at most one header line (the EN subtitle, a BG topic line; the
    headline again, links, bullets and rail titles not counted) and no body paragraph,
    caption, photo credit or author line before it (as :func:`_past_slot`). Read in one
    forward pass, as far as it is asked (a page of thousands of list items stays linear)."""

    def __init__(self, lines: list[Line], start: int, headline: str | None, lang: str) -> None:
        self.lines, self.start, self.headline = lines, start, headline
        self.first = headline if start < len(lines) and lines[start].text == headline else None
        self.seen = -1 if self.first is None else 0  # (-1: the first header line is the headline)
        self.body_from = start + _slot_head(lang)
        self.past = False
        self.known: list[bool] = []  # (for lines[start], lines[start + 1], …)

    def __call__(self, i: int) -> bool:
        while len(self.known) <= i - self.start:
            self.known.append(self.seen <= 1 and not self.past)
            k = self.start + len(self.known) - 1
            line = self.lines[k]
            if not (_no_header_line(line) or line.text == self.first):
                self.seen += 1
                self.first = self.first or line.text  # (the headline's place: not counted again)
            if k >= self.body_from and _ends_slot(line, self.headline):
                self.past = True
        return self.known[i - self.start]


def _date_at(lines: list[Line], i: int, shown: bool = True) -> tuple[int, DateLine] | None:
    """``(end, date line)`` of a date line at ``lines[i]``, with the blocks after it that
    hold its time, counts or update; ``None`` when ``lines[i]`` opens none. ``shown``: the
    line may be read with its counts in another form (:func:`parse_date_shown`), as the
    header's date line only (a body line `… 16:00 1.168 1.170` dates no page)."""
    line = lines[i]
    if line.linky or line.item or len(line.text) > 200:
        return None
    parsed = _date_line(line.text, shown)
    if line.el is not None and len(line.el):  # inline elements: their boundaries count
        parsed = _spaced_date(line, shown) or parsed
    text, end = line.text, i + 1
    if end < len(lines) and P.UPDATED_LEAD.match(lines[end].text):
        joined = parse_date_updated(text, lines[end].text, shown=shown)  # (on its own)
        if joined is not None:
            parsed, text, end = joined, f"{text} {lines[end].text}", end + 1
    if parsed is None:
        return None
    counts = 2 if parsed.comments is not None else int(parsed.views is not None)
    while end < len(lines) and end <= i + 3:  # time, counts or update in blocks of their own
        nxt = lines[end]
        if _tag_bullet(nxt) or _short_links(nxt) or (nxt.item and not _count_item(nxt, text)):
            break  # a tag bullet (`• 112`, `<li>112</li><li>Русе</li>`), never a count
        after = nxt.text
        if P.COUNT.match(after):
            if counts >= 2 and not (_siblings(line, nxt) and _views_alone(text)):
                break  # the date line shows all its counts: a number after it is no count
            counts = min(counts + 1, 2)
        parts = _DATE_PARTS if _siblings(line, nxt) else (P.COUNT, P.UPDATED_LEAD)
        if not any(p.match(after) for p in parts):  # (a time in the body is a paragraph)
            break
        joined = parse_date_line(f"{text} {after}")
        if joined is None:
            break
        parsed, text, end = joined, f"{text} {after}", end + 1
    return end, parsed


def _views_alone(text: str) -> bool:
    """Whether the numbers of a BG date line read as views and comments (`… 2 542`: views 2,
    comments 542) also read as one count (views 2 542): then a count in a block beside it
    is the comments."""
    line = parse_date_line(text, views_only=True)
    return line is not None and line.views is not None and line.comments is None


def _tag_bullet(line: Line) -> bool:
    """A tag bullet: a bullet line of plain text, or an `li` holding a link to a site page
    (a bare `<li>313</li>` may be a count of the date line)."""
    if not line.item:
        return False
    return line.el is None or any(map(_site_page, line.hrefs))


def _count_item(line: Line, date_text: str) -> bool:
    """Whether a bare `li` may be a count of the date line ``date_text``: the line shows a
    time (§2: the counts follow it) and its list holds at most two `li`s, each a count
    (`<li>313</li><li>7</li>`; not a tag list `<li>112</li><li>Русе</li>`)."""
    parent = line.el.getparent() if line.el is not None else None
    if parent is None or not P.CLOCK_TIME.search(date_text):
        return False
    items = [el for el in parent if el.tag == "li"]
    return len(items) <= 2 and all(P.COUNT.match(collapse(element_text(el))) for el in items)


def _full(parsed: DateLine, lines: list[Line]) -> bool:
    """Whether a date line (over ``lines``) shows a time or counts, as the §2 forms but the
    date-only BG form C do."""
    return parsed.views is not None or any(P.CLOCK_TIME.search(line.text) for line in lines)


def _rail_title(text: str) -> bool:
    """The "Last news in Fakti" rail title."""
    return len(text) < P.RAIL_TITLE_MAX and text.lower() in P.LAST_NEWS_TITLES


#: What may follow the date line in blocks of its own: the counts, the time (only in a
#: block beside the date's), the update.
_DATE_PARTS = (P.COUNT, P.TIME_ONLY, P.UPDATED_LEAD)


def _siblings(a: Line, b: Line) -> bool:
    """Whether two lines' blocks have the same parent."""
    return a.el is not None and b.el is not None and a.el.getparent() is b.el.getparent()


def _spaced_date(line: Line, shown: bool) -> DateLine | None:
    """The date line of a block of inline elements (§2: it may be several), parsed with a
    space at each element boundary, as fields rendered without whitespace between them
    (`<span>14 Юни, 2026 18:45</span><span>5 067</span>`) must be; the spaced text is then
    kept as the line's. ``None`` for any other block."""
    el = line.el
    if el is None or not P.DATE_LINE_HINT.search(line.text, 0, 16):
        return None
    for node in el.iterdescendants(*P.BLOCK_TAGS):
        if not within(node, el, skipped):  # (not an `svg`'s `title`, a share bar's `div`)
            return None
    text = spaced_text(el)  # (without an icon's `svg`/`img`, a script...)
    parsed = _date_line(text, shown) if text != line.text else None
    if parsed is not None:
        line.text = text
    return parsed


def _date_line(text: str, shown: bool) -> DateLine | None:
    """:func:`parse_date_line` of a rendered line; with ``shown``, one whose counts are shown
    in a form that is no count (`Apr 23, 2025 08:03 1.2K`) is read without them
    (:func:`parse_date_shown`)."""
    return parse_date_line(text) or (parse_date_shown(text) if shown else None)


def _is_special(line: Line, headline: str | None) -> bool:
    """A caption, photo credit or author line (of one line)."""
    text = line.text
    return (
        is_caption(text, headline)
        or bool(P.PHOTO_CREDIT.match(text))
        or author_names(text) is not None
    )


def _header_follows(lines: list[Line], k: int, headline: str | None) -> bool:
    """Whether the lines from ``k`` are the rest of a §3 BG header: the photo's caption
    (`<headline> - 1`) or, after the headline, caption and photo credit, the author line. A
    later photo's caption (`- 2`) or a credit alone may stand in the body."""
    while k < len(lines):
        text = lines[k].text
        if is_caption(text, headline) and text.rsplit("-", 1)[1].strip() == "1":
            return True
        if text != headline and not is_caption(text, headline) and not P.PHOTO_CREDIT.match(text):
            return _author_at(lines, k) is not None
        k += 1
    return False


def _photo_in_body(line: Line, *header: etree._Element | None) -> bool:
    """Whether ``line`` is a `p` followed by a `figure`, then by another `p`, in one element
    that holds none of ``header`` (the headline, the date line): the first paragraph of a
    body with its photo after it (no subtitle over the caption)."""
    if line.el is None or line.el.tag != "p" or _shares_parent(line.el, *header):
        return False  # (not a `p`, or a subtitle beside the headline over the header photo)
    figure = _next_shown(line.el)
    after = _next_shown(figure) if figure is not None and figure.tag == "figure" else None
    return after is not None and after.tag == "p"


def _credit_follows(lines: list[Line], j: int) -> bool:
    """Whether the photo credit comes right after ``lines[j]``, no `p`: the subtitle over a
    header photo shown without its caption (§3 items 5, 7). A credit after body lines, or
    after a `p` of the body, makes no subtitle; nor does one after a line ending a sentence
    with `.` (a first paragraph) unless the author line follows it, nor, in markup, a credit
    away from an image (an in-body credit block)."""
    nxt = j + 1
    if nxt >= len(lines) or _is_paragraph(lines[j]):
        return False
    credit = lines[nxt]
    if not P.PHOTO_CREDIT.match(credit.text):
        return False
    if credit.el is not None and not _with_image(credit.el):
        return False
    if not P.SENTENCE_DOT.search(lines[j].text):
        return True
    return nxt + 1 < len(lines) and _author_at(lines, nxt + 1) is not None


def _with_image(el: etree._Element) -> bool:
    """Whether a block sits with an image: in a `figure`, or beside one in its parent."""
    parent = el.getparent()
    return _in_figure(el) or (
        parent is not None and next(parent.iter(*P.IMAGE_TAGS), None) is not None
    )


@dataclass(slots=True)
class _Header:
    """What precedes the body: headline, subtitle, tags, authors, and where the body starts."""

    headline: str | None = None
    subtitle: str | None = None
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    head_el: etree._Element | None = None
    #: The headline comes right after the date line (a date line above it), not before.
    below: bool = False
    #: The date line's counts, left in its §3 slot below the headline.
    counts: list[str] = field(default_factory=list)
    body_start: int = 0


def _before_date(lines: list[Line], first: int, end: int, lang: str, hint: str | None) -> _Header:
    """Headline (maybe twice), EN subtitle and BG topic line, before the date line."""
    begin = 0
    for i in range(first):
        if _rail_title(lines[i].text):
            begin = i + 1
    header = _Header()
    pre: list[Line] = []
    for line in lines[begin:first]:
        match = P.TOPIC_LINE.match(line.text)
        if match:
            header.tags.append(collapse(match.group("topic")))
        elif not (line.linky or line.item):
            pre.append(line)
    texts = [line.text for line in pre]
    window = (w.text for w in lines[end : end + P.HEADER_WINDOW])
    caption = next((head for head in map(caption_head, window) if head), None)
    if not (hint in texts if hint else texts) and _headline_below(lines, end, hint, caption):
        header.headline, header.below = hint or lines[end].text, True
        header.head_el = lines[end].el
        return header
    headline = None
    if hint and hint in texts:
        headline = hint
    elif caption in texts:
        headline = caption
    elif pre:
        heads = [line.text for line in pre[-3:] if line.heading]
        fallback = texts[-2] if lang == "en" and len(pre) >= 2 else texts[-1]
        headline = heads[0] if heads else fallback
    header.headline = clean_headline(headline) or hint
    if header.headline in texts:
        last = len(texts) - texts[::-1].index(header.headline)
        header.head_el = pre[last - 1].el
        if lang == "en":
            rest = [t for t in texts[last:] if t != header.headline]
            header.subtitle = " ".join(rest) or None
    return header


def _headline_below(lines: list[Line], end: int, hint: str | None, caption: str | None) -> bool:
    """Whether the line right after the date line (ending at ``end``) is the headline, with
    no headline before the date line: ``hint``; without one, a heading, a line shown twice
    (BG) or the headline the photo's caption names (any other first line may be body text)."""
    if end >= len(lines) or lines[end].linky or lines[end].item:
        return False
    text = lines[end].text
    if hint:
        return text == hint
    twice = end + 1 < len(lines) and lines[end + 1].text == text
    return lines[end].heading or twice or text == caption


def _author_at(lines: list[Line], j: int) -> tuple[list[str], int] | None:
    """``(names, lines used)`` of a §3 author line at ``lines[j]``: the name twice, then a
    role, on one line (`Н Н Автор във Fakti.bg`, or several names so, comma-separated:
    :func:`~body.author_names`) or over two or three (`Н Н` / `Н` + role / `Н`, `Н`, role);
    also a name shown once, then a known role. A known role alone has no name. ``None`` when
    ``lines[j]`` opens none."""
    text = lines[j].text
    names = author_names(text)
    if names is not None:
        return names, 1
    if len(text) > P.AUTHOR_LINE_MAX or j + 1 >= len(lines):
        return None
    second = lines[j + 1].text
    twice = doubled_name(text)
    if twice and is_role_line(second):
        return [twice], 2
    if author_from_line(second)[0] == text:
        return [text], 2
    if second == text and j + 2 < len(lines) and is_role_line(lines[j + 2].text):
        return [text], 3
    if author_from_line(second) == (None, True) and P.PERSON_NAME.fullmatch(text):
        return [text], 2  # the name shown once, then a known role
    return None


def _slot_counts(lines: list[Line], j: int, most: int, head_el: etree._Element | None) -> list[str]:
    """Up to ``most`` bare counts (`147`, `2 542`) from ``lines[j]``: blocks of their own
    beside the headline (:func:`_beside`), not a heading, `p`, list item or link (a table
    or numbered heading opening the body is no count)."""
    out: list[str] = []
    for line in lines[j : j + most]:
        if (
            line.item
            or line.linky
            or line.heading
            or _is_paragraph(line)
            or not P.COUNT.match(line.text)
            or not _beside(line.el, head_el)
        ):
            break
        out.append(line.text)
    return out


def _after_date(
    lines: list[Line],
    header: _Header,
    start: int,
    lang: str,
    date_el: etree._Element | None,
    wanted: int = 0,
) -> None:
    """BG tag bullets (`li`s, or short links in one block) and subtitle, caption, photo credit
    and author line, after the date. When the date line is above the headline, they follow
    the headline and topic line, an EN subtitle is read as a BG one, and up to ``wanted``
    bare counts where §3 puts the date line (after the headline and topic line, or after
    the EN subtitle) are its counts (:func:`_slot_counts`)."""
    headline, j, n = header.headline, start, len(lines)
    while header.below and j < n:  # the headline (maybe twice) and topic line, below the date
        topic = P.TOPIC_LINE.match(lines[j].text)
        if topic:
            header.tags.append(collapse(topic.group("topic")))
        elif lines[j].text != headline:
            break
        j += 1
    header.counts = _slot_counts(lines, j, wanted, header.head_el)
    j += len(header.counts)
    while j < n and lines[j].item:
        if all(map(_site_page, lines[j].hrefs)):  # (not a share bar or an author link)
            header.tags.append(_tag(lines[j]))
        j += 1
    if (
        lang != "en"
        and j < n
        and lines[j].el is not None
        and _short_links(lines[j])
        and _author_at(lines, j) is None
    ):
        header.tags.extend(lines[j].links)  # the tag bullets as links in one block
        j += 1
    if (
        (lang != "en" or header.below)
        and j < n
        and not lines[j].linky
        and not _is_special(lines[j], headline)
        and not P.COUNT.match(lines[j].text)  # (a bare number is no subtitle)
        and _author_at(lines, j) is None
        and (
            lines[j].heading
            or _header_sibling(lines[j].el, header.head_el, date_el)
            or (
                _header_follows(lines, j + 1, headline)
                and not _photo_in_body(lines[j], header.head_el, date_el)
            )
            or _credit_follows(lines, j)
        )
    ):
        header.subtitle = lines[j].text
        j += 1
    if lang == "en" and not header.counts:
        header.counts = _slot_counts(lines, j, wanted, header.head_el)
        j += len(header.counts)
    # The caption / photo-credit slot, then the author line (§3); body lines never match.
    while j < n:
        text = lines[j].text
        if text == headline or is_caption(text, headline) or P.PHOTO_CREDIT.match(text):
            j += 1
            continue
        author = _author_at(lines, j)
        if author is None:
            break
        names, used = author
        header.authors.extend(names)
        j += used
    header.body_start = j


def parse_lines(
    lines: list[Line],
    lang: str,
    headline_hint: str | None = None,
    head: etree._Element | None = None,
    story: Callable[[str | None], bool] | None = None,
) -> dict[str, Any]:
    """Fields from rendered lines in the order of §3; missing values are ``None``/``[]``. A
    date line in another story's card (:func:`~body.listing_item`: the lowest box around its
    block, holding neither the headline's line nor ``head``, the page's first `h1`, with a
    link to another story, ``story``, of the page's edition, and little text besides its
    links and the date line) dates nothing: there is no date line."""
    fields: dict[str, Any] = {"authors": [], "tags": []}
    hint = clean_headline(headline_hint)
    start = 0
    if hint:
        start = next((i for i, line in enumerate(lines) if line.text == hint), 0)
    found = _find_date(lines, start, lang, hint)
    above = _date_above(lines, start) if start else None
    if (
        above is not None
        and _beside(lines[above[0]].el, lines[start].el)
        and (found is None or _past_slot(lines[start : found[0]], hint, lang))
    ):
        found = above
    if found is None and start:
        found = _date_above_in_container(lines, start, lang, hint)
    if found is None:
        fields["headline"] = hint
        return fields
    first, end, date_line = found
    date_el = lines[first].el
    header = _before_date(lines, first, end, lang, hint)
    dated = [line.el for line in lines[first:end]]
    if (
        date_el is not None
        and story is not None
        and listing_item(date_el, dated, (header.head_el, head), story)
    ):
        fields["headline"] = hint
        return fields
    shown = [line.text for line in lines[first:end]]
    wanted = 0  # (§2: the counts follow a time, and a date with its update shows none)
    if (
        header.below
        and date_line.views is None
        and date_line.updated is None
        and P.CLOCK_TIME.search(" ".join(shown))
    ):
        wanted = 1 if lang == "en" else 2
    _after_date(lines, header, end, lang, date_el, wanted)
    if header.counts:
        date_line = parse_date_line(" ".join(shown + header.counts)) or date_line

    article = _article_element(date_el, header.head_el)
    body, trailing = _body_lines(lines[header.body_start :], article, date_el, lang)
    paras = [line.text for line in body]
    first_para = body[0].el if body else None
    tags = header.tags + trailing
    fields.update(
        headline=header.headline,
        subtitle=header.subtitle,
        published_at=date_line.published,
        updated_at=date_line.updated,
        views=date_line.views,
        comments=date_line.comments,
        authors=unique(header.authors),
        tags=unique(tags),
        body=BodyRules(header.headline, header.subtitle, date_line.published).join(paras),
    )
    if date_el is not None:
        fields["image_url"] = _image_between(date_el, first_para)
    return fields


def _body_lines(
    lines: list[Line],
    article: etree._Element | None,
    date_el: etree._Element | None,
    lang: str,
) -> tuple[list[Line], list[str]]:
    """``(body lines, trailing tags)`` of the lines after the header.

    The body is the text blocks inside the container of the first text block that is a `p`
    or no rail's title (a rail: a container with at least as much text of links to other
    pages as other text, such as `Latest news` over its links; :func:`_container`, which
    reads the date line's block ``date_el``), widened to the wrappers' parent when each
    paragraph sits alone in a wrapper followed by one of the same shape. A
    `p` that is mostly a link is a paragraph too (not a rail's title), unless it holds only
    short links to this site's pages (:func:`_short_links`): such a `p` before the first
    other paragraph is left out, and after the last one it holds trailing tags, as blocks of
    short links after the last body line, inside the article, do. In plain text, the bullet
    lines after the last other line are the trailing tags on BG pages (§3 item 9) when they
    read as tags (short, no sentence), and a
    related-links title (`Прочетете още:`) is left out with the bullet lines right after it;
    other bullet lines are body text. A sign-up box of the article (:func:`form_boxes`) is
    never body text, nor a rail's title inside the body (:func:`_in_rail`)."""
    candidates: list[Line] = []
    tag_lines: list[tuple[int, Line]] = []  # (candidates before it, line)
    tag_ps: set[int] = set()  # the candidates that are `p`s of tag links
    bullets: set[int] = set()  # the candidates that are bullet lines of plain text, tag-like
    related = False  # in the bullet lines under a related-links title (plain text)
    boxes = form_boxes(article, ()) if article is not None else set()
    for k, line in enumerate(lines):
        if line.el is None:
            if line.item:
                if related:
                    continue
                if _tag_like(_tag(line)):
                    bullets.add(len(candidates))
            elif _related_title(line.text) and k + 1 < len(lines) and lines[k + 1].item:
                related = True
                continue
            related = False
        tag_line = line.linky and _is_tag_line(line, article)
        if tag_line:
            tag_lines.append((len(candidates), line))
            if _is_paragraph(line):
                tag_ps.add(len(candidates))
        if line.heading or (line.item and line.el is not None):  # (a bullet line of text: body)
            continue
        if line.linky and not _is_paragraph(line):
            continue
        if line.el is not None and _in_figure(line.el):  # a caption, never body text (§5)
            continue
        if boxes and within(line.el, article, boxes.__contains__):  # a sign-up box
            continue
        if line.hrefs and is_related(line.text, line.links, line.hrefs):
            continue
        candidates.append(line)
    plain = [i for i, line in enumerate(candidates) if not line.linky]
    if not plain:
        return [], [t for _, line in tag_lines for t in line.links]
    container = _container(candidates[plain[0]].el, date_el)
    for i in plain[: P.RAIL_TITLES_MAX + 1]:  # (each check reads every line: bounded)
        box = _container(candidates[i].el, date_el)
        if box is None or _is_paragraph(candidates[i]) or not _is_rail(lines, box):
            container = box
            break
    tagged = tag_ps | bullets if lang != "en" else tag_ps
    kept: list[tuple[int, Line]] = []
    last = -1
    rails: dict[etree._Element, bool] = {}
    for i, line in enumerate(candidates):
        if not _in_container(line.el, container) or (i in tag_ps and i < plain[0]):
            continue  # (a `p` of tag links before the body: a section label)
        if _in_rail(line, container, lines, rails):
            continue  # (a rail's title in the body: `Latest news` over its links)
        kept.append((i, line))
        if i not in tagged:
            last = i
    if bullets and last >= 0 and (_opens_list(candidates[last]) or _numbers_only(candidates, last)):
        last = len(candidates)  # (the bullet run after it is its list: body text)
    body: list[Line] = []
    for i, line in kept:
        if i > last:
            break  # `p`s of tag links after the body: the trailing tags
        if line.pieces:  # a `div` of paragraphs split by `<br><br>`
            body.extend(Line(piece, el=line.el, part=True) for piece in line.pieces)
        else:
            body.append(line)
    tags = [t for before, line in tag_lines if before > last for t in line.links]
    return body, tags + [_tag(candidates[i]) for i in sorted(bullets) if i > last]


def _tag_like(text: str) -> bool:
    """Whether a bullet line's text reads as a tag: short (at most
    :data:`~patterns.TAG_WORDS_MAX` words), no sentence and no number or time leading other
    words (`Русе`, `112`, `5G`, not `Пенсиите растат от юли.`, `ремонт на пътя Русе - Бяла`
    or `10:00 откриване`)."""
    words = text.split()
    return (
        len(text) <= P.TAG_LINK_MAX
        and len(words) <= P.TAG_WORDS_MAX
        and not (text[:1].isdigit() and len(words) > 1)
        and P.SENTENCE_END.search(text) is None
    )


def _opens_list(line: Line) -> bool:
    """Whether a plain-text body line leads into the bullet lines after it: it ends with
    `:` or with a word that asks for more (`Мерките включват:`, `Наградените журналисти са`;
    after `(БТА)`, `/БТА/` or a paragraph missing its final dot the bullets are trailing
    tags, §3)."""
    text = line.text
    words = text.split()
    return (
        line.el is None
        and not line.item
        and (text.endswith(":") or (bool(words) and words[-1].lower() in P.LIST_LEAD_WORDS))
    )


def _numbers_only(candidates: list[Line], last: int) -> bool:
    """Whether the bullet lines after ``last`` are :data:`~patterns.NUMBER_LIST_MIN` or more
    items without a letter: lottery numbers, departure times, a list rather than tags (`112`
    alone, or with `2026`, is tags)."""
    run = [_tag(line) for line in candidates[last + 1 :] if line.item]
    return len(run) >= P.NUMBER_LIST_MIN and not any(ch.isalpha() for t in run for ch in t)


def _related_title(text: str) -> bool:
    """A related-links title alone on its line (`Прочетете още:`)."""
    return len(text) <= P.RELATED_TITLE_MAX and (
        P.LABEL_PUNCT.sub(" ", text).strip().lower() in P.RELATED_LABELS
    )


def _is_rail(lines: list[Line], box: etree._Element) -> bool:
    """Whether ``box`` holds as much text of links to other pages as other text, or more
    (a rail: a title over its links), among ``lines``; tag links do not count."""
    links = other = 0
    for line in lines:
        if line.el is not None and _in_container(line.el, box):
            if line.linky and not _short_links(line):
                links += len(line.text)
            else:
                other += len(line.text)
    return links >= other


def _in_rail(
    line: Line,
    container: etree._Element | None,
    lines: list[Line],
    rails: dict[etree._Element, bool],
) -> bool:
    """Whether a block that is no `p` sits in a rail (:func:`_is_rail`) inside the body's
    ``container``: the rail's title. ``rails`` holds the answers so far, for at most
    :data:`~patterns.RAIL_TITLES_MAX` boxes (each check reads every line)."""
    if line.el is None or container is None or line.el.tag == "p":
        return False
    box = line.el.getparent()
    if box is None or box is container:
        return False
    if box not in rails:
        rails[box] = len(rails) < P.RAIL_TITLES_MAX and _is_rail(lines, box)
    return rails[box]


def _in_container(el: etree._Element | None, container: etree._Element | None) -> bool:
    """Whether a line's block is the container or inside it (no container or no block:
    plain text, which has no structure to tell)."""
    return container is None or el is None or el is container or _inside(el, container)


def _container(
    first: etree._Element | None, date_el: etree._Element | None
) -> etree._Element | None:
    """The element whose text blocks are the body: the parent of the first paragraph (of
    the table, when it is a table's cell; the table itself when it holds the date line
    ``date_el`` too: the page's layout, whose cells are the body and not what follows it,
    such as a footer `p`), or,
    when it sits alone in a wrapper (or a chain of them) and the next wrapper (ads and
    scripts between skipped) has the same shape down to its own `p`
    (`<div><p>…</p></div><div><p>…</p></div>`), the wrappers' parent. ``None`` for a line
    without a block (plain text)."""
    if first is None:
        return None
    table = first
    while table.tag in P.TABLE_PARTS and table.getparent() is not None:  # (a table opening
        table = table.getparent()  # the body is one block of it, as a paragraph is)
    if table is not first and date_el is not None and _inside(date_el, table):
        return table
    first = table
    node, parent = first, first.getparent()
    while parent is not None and len(parent) == 1:
        node, parent = parent, parent.getparent()
    if parent is not None and node is not first:
        after = _next_shown(node)
        shape = _shape(node)
        like = after is not None and (_like_p(after, first) or _shape(after) == shape)
        if shape is not None and like:
            return parent  # (paragraphs after it: the wrapper is one body block)
    return first.getparent()


def _like_p(el: etree._Element, para: etree._Element) -> bool:
    """Whether ``el`` is a `p` that continues a body whose first paragraph is ``para``: with
    its class (or none, as it), or followed by another `p` (two paragraphs, not a note)."""
    if el.tag != "p":
        return False
    if para.tag == "p" and el.get("class") == para.get("class"):
        return True
    nxt = _next_shown(el)
    return nxt is not None and nxt.tag == "p"


def _next_shown(el: etree._Element) -> etree._Element | None:
    """The next sibling of ``el`` that shows text of its own: not a comment, script, ad nor
    :func:`_filler`."""
    nxt = el.getnext()
    while nxt is not None and (skipped(nxt) or _filler(nxt)):
        nxt = nxt.getnext()
    return nxt


def _filler(el: etree._Element) -> bool:
    """Whether ``el`` shows no text, only an ad label (an ad slot of unknown class:
    `<div><span>Реклама</span><ins>…</ins></div>`), related links (:func:`related_element`)
    or mostly the text of its links (a rail: :func:`linky`)."""
    text = element_text(el)
    if len(text) <= P.AD_LABEL_MAX and text.lower() in P.AD_LABELS:
        return True
    return linky(el, text) or related_element(el, text)


def _in_figure(el: etree._Element) -> bool:
    """Whether a block is a `figcaption` or inside a `figure`."""
    return el.tag == "figcaption" or any(a.tag == "figure" for a in el.iterancestors())


def _shape(wrapper: etree._Element) -> tuple[tuple[str, str | None], ...] | None:
    """The tags and classes from ``wrapper`` down its single-child chain to a `p`; ``None``
    when the chain branches or ends elsewhere."""
    out: list[tuple[str, str | None]] = []
    node = wrapper
    while node.tag != "p":
        if len(node) != 1 or not isinstance(node.tag, str):
            return None
        out.append((node.tag, node.get("class")))
        node = node[0]
    return tuple(out)


def _is_paragraph(line: Line) -> bool:
    return line.el is not None and line.el.tag == "p"


def _header_sibling(
    el: etree._Element | None, head_el: etree._Element | None, date_el: etree._Element | None
) -> bool:
    """A non-paragraph block beside the headline or date line (the BG subtitle slot)."""
    return el is not None and el.tag != "p" and _shares_parent(el, head_el, date_el)


def _shares_parent(el: etree._Element, *others: etree._Element | None) -> bool:
    """Whether ``el`` has the parent of one of ``others``."""
    parent = el.getparent()
    return any(other is not None and other.getparent() is parent for other in others)


def _article_element(
    date_el: etree._Element | None, head_el: etree._Element | None
) -> etree._Element | None:
    """The `article` element around the date line, else the lowest element holding both the
    date line and the headline (else the date's parent), but never a `header` (that holds
    the article's head only: its parent is taken)."""
    if date_el is None:
        return None
    article = next(date_el.iterancestors("article"), None)
    if article is not None:
        return article
    found = date_el.getparent()
    if head_el is not None:
        found = next((a for a in date_el.iterancestors() if _inside(head_el, a)), found)
    if found is not None and found.tag == "header" and found.getparent() is not None:
        return found.getparent()
    return found


def _is_tag_line(line: Line, article: etree._Element | None) -> bool:
    """A block of short links only, none to an article (trailing tags), inside the article."""
    if article is None or line.el is None or not _short_links(line):
        return False
    return _inside(line.el, article)


def _short_links(line: Line) -> bool:
    """A block of short links only (tags): none to an article (that is a related block), to
    an author or to a social site (a share bar); in a `p`, only links to this site's pages
    (a `p` linking another site or a document is body text, as in the selector layer:
    `<p><a href="…/decision.pdf">Read the decision</a></p>`), and two or more of them or one
    label of at most :data:`~patterns.TAG_WORDS_MAX` words."""
    if not line.linky or line.heading or line.item or line.part or not line.links:
        return False
    if _is_paragraph(line) and not all(map(_site_own_page, line.hrefs)):
        return False
    if _is_paragraph(line) and len(line.links) == 1 and len(line.text.split()) > P.TAG_WORDS_MAX:
        return False  # a lone link that is no label (`Всичко за изборите 2026`): body text
    for href in line.hrefs:
        if P.ARTICLE_HREF.match(href) or not _site_page(href):
            return False  # a related-links block (§5), a share bar, an author's name
    if any(len(t) > P.TAG_LINK_MAX or not t for t in line.links):
        return False
    return sum(len(t) for t in line.links) >= P.TAG_LINE_RATIO * len(line.text)


def _site_page(href: str) -> bool:
    """Whether a link may be a tag: a web page (no `mailto:`, `viber:`, `javascript:`, nor a
    bare `#fragment`) that is not on a social or sharing site (a share bar) nor an author's
    page."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    if parts.scheme and parts.scheme.lower() not in P.WEB_SCHEMES:
        return False
    if not (parts.netloc or parts.path.strip("/")):
        return False  # `#comments`, `#`, `/`: a tool or a home link, not a tag page
    host = (parts.hostname or "").rstrip(".")
    if host and any(host == h or host.endswith("." + h) for h in P.SHARE_HOSTS):
        return False
    return not P.AUTHOR_PATH.match(parts.path)


def _site_own_page(href: str) -> bool:
    """Whether a link is to a page of fakti.bg (relative, or on its host) that is no
    document (`.pdf`)."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return (not host or host in P.SITE_HOSTS) and not P.DOCUMENT_PATH.search(parts.path)


def _following(el: etree._Element) -> Iterator[etree._Element]:
    """The elements after ``el`` and outside it, in document order (XPath ``following::*``),
    walked lazily (libxml2 builds the whole axis first, in time quadratic in its length)."""
    node: etree._Element | None = el
    while node is not None:
        for sibling in node.itersiblings(etree.Element):
            yield from sibling.iter(etree.Element)
        node = node.getparent()


def _image_between(start: etree._Element, stop: etree._Element | None) -> str | None:
    """The first image source after the date line and before the body (the §3 caption slot),
    among the next :data:`~patterns.FOLLOWING_MAX` elements."""
    for el in islice(_following(start), P.FOLLOWING_MAX):
        if el is stop:
            break
        if el.tag in P.IMAGE_TAGS and not skipped_image(el):
            source = image_source(el)
            if source:
                return source
    return None


def _inside(el: etree._Element, container: etree._Element) -> bool:
    return container in el.iterancestors()  # elements compare by identity
