"""Text of elements and the body paragraph rules shared by the selector and text layers."""

from __future__ import annotations

import html as html_lib
import unicodedata
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, islice
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from newsspider.extraction import patterns as P
from newsspider.extraction.dates import parse_date_line, parse_date_shown, parse_date_start
from newsspider.extraction.record import normalise_text
from newsspider.extraction.urls import ArticleRef, canonicalize, parse_article_url


def absolute(base_url: str, url: str) -> str:
    """``url`` made absolute against ``base_url`` (already absolute URLs pass unchanged, but
    for the case of their scheme: ``HTTP://`` → ``http://``; one that cannot be joined, e.g.
    a broken ``[`` host, is returned as is)."""
    if url.startswith(("https://", "http://")):
        return url
    scheme, sep, rest = url.partition("://")
    if sep and scheme.lower() in ("http", "https"):
        return f"{scheme.lower()}://{rest}"
    try:
        return urljoin(base_url, url)
    except ValueError:
        return url


def collapse(text: str | None) -> str:
    """Whitespace runs (incl. no-break spaces) → one space, stripped."""
    if not text:
        return ""
    # Every whitespace character but U+0020 is unprintable: a printable text with single
    # inner spaces is already collapsed (the common case; splitting would copy each word).
    if text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        return text
    return " ".join(text.split())


def blank(text: str) -> bool:
    """Whether ``text`` shows nothing: whitespace and invisible format characters only (a
    zero-width space, a byte order mark, a soft hyphen: Unicode category Cf)."""
    if text.isprintable():  # (the common case: no format character in it)
        return not text.strip()
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)


def unique(values: Iterable[str]) -> list[str]:
    """Each value once, in first-seen order, empty values dropped."""
    return list(dict.fromkeys(filter(None, values)))


def image_source(el: etree._Element) -> str | None:
    """The first usable source of an image element (lazy-loading attributes first; no
    ``data:`` URLs), as written in the page."""
    for attr in P.IMAGE_ATTRS:
        value = (el.get(attr) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return None


def skipped(el: etree._Element, extra: frozenset[str] = frozenset()) -> bool:
    """Whether an element holds no article text (scripts, ads, rails...; plus ``extra`` classes)."""
    tag = el.tag
    if not isinstance(tag, str) or tag in P.SKIP_TAGS:
        return True
    value = el.get("class")
    if not value:
        return False
    names = value.split()
    return not (P.SKIP_CLASSES.isdisjoint(names) and extra.isdisjoint(names))


def form_boxes(root: etree._Element, stop: Container[etree._Element]) -> set[etree._Element]:
    """The sign-up and poll boxes below ``root`` (never body text): for each `form` or
    `input` (not a hidden one or a checkbox toggle), the first element around it that shows
    text, when that is small (at most :data:`~patterns.FORM_BOX_ELEMENTS` elements and
    :data:`~patterns.FORM_BOX_TEXT` characters, fewer than two `p`s), not in ``stop`` (the
    body's element and those holding it) and a block among paragraphs (its parent holds a
    `p` outside it: not the body's own element)."""
    boxes: set[etree._Element] = set()
    seen: set[etree._Element] = set()
    for widget in root.iter(*P.FORM_TAGS):
        if (widget.get("type") or "").lower() in P.FORM_INPUT_NOT_WIDGETS:
            continue  # (a hidden value, a "read more" toggle)
        node = widget.getparent()
        while node is not None and node is not root and node not in stop and node not in seen:
            seen.add(node)
            if next(islice(node.iter(), P.FORM_BOX_ELEMENTS, None), None) is not None:
                break  # (too big for a box: its ancestors are bigger still)
            text = element_text(node)
            if text:
                small = len(text) <= P.FORM_BOX_TEXT and _paragraphs(node) < 2  # (not a body)
                if small and _paragraph_beside(node):
                    boxes.add(node)
                break
            node = node.getparent()
    return boxes


def _paragraphs(el: etree._Element) -> int:
    """How many `p`s ``el`` holds (itself included)."""
    return sum(1 for _ in el.iter("p"))


def _paragraph_beside(el: etree._Element) -> bool:
    """Whether the parent of ``el`` holds a `p` outside ``el``."""
    parent = el.getparent()
    return parent is not None and any(
        not within(p, parent, lambda node: node is el) for p in parent.iter("p")
    )


def skipped_image(el: etree._Element) -> bool:
    """Whether an image sits in an ad, rail or related block."""
    return any(skipped(a) for a in el.iterancestors() if a.tag not in P.IMAGE_CONTAINERS)


def element_text(el: etree._Element, extra: frozenset[str] = frozenset()) -> str:
    """The visible text of ``el`` without scripts, styles, ads and rails, whitespace collapsed."""
    if len(el) == 0:
        return collapse(el.text)
    return collapse("".join(_parts(el, extra, " ")))


def element_paragraphs(el: etree._Element, extra: frozenset[str] = frozenset()) -> list[str]:
    """:func:`element_text` of ``el`` split into paragraphs where two line breaks follow each
    other (`<br><br>`, only whitespace between; not inside a link); empty paragraphs
    dropped."""
    if len(el) == 0:
        return [collapse(el.text)]
    text = "".join(_parts(el, extra, _BREAK))
    if _BREAK not in text:
        return [collapse(text)]
    paras = (collapse(p.replace(_BREAK, " ")) for p in P.DOUBLE_BREAK.split(text))
    return [p for p in paras if p]


def spaced_text(el: etree._Element) -> str:
    """The text of ``el`` with a space at each element boundary, for fields rendered with no
    whitespace between their elements (`<span>08:03</span><span>144</span>`); without
    comments, skipped tags (an icon's `svg`, a script) and ads, share bars, comment links...,
    except a count in one (`<span class="comments">12</span>` is part of the line)."""
    return collapse(" ".join(_collect_deep(el, _not_in_line, " ")))


def _not_in_line(el: etree._Element) -> bool:
    return is_hidden_tag(el) or (skipped(el) and not _a_count(el))


def within(el: etree._Element, stop: etree._Element, test: Callable[[Any], bool]) -> bool:
    """Whether ``test`` holds for ``el`` or an ancestor of it below ``stop``."""
    for node in chain((el,), el.iterancestors()):
        if node is stop:
            return False
        if test(node):
            return True
    return False


def outer_box(el: etree._Element, around: Container[etree._Element]) -> etree._Element:
    """The highest of ``el`` and its ancestors whose parent is not in ``around``."""
    box = el
    while (parent := box.getparent()) is not None and parent not in around:
        box = parent
    return box


def story_link(href: str | None, page_url: str, page: ArticleRef) -> bool:
    """Whether ``href``, resolved against ``page_url`` (the request URL), points to another
    article than ``page`` of its edition on the site: relative, on a fakti.bg host or on
    ``page_url``'s own (a mirror, the replica), in any §1 form. Not a translation (the other
    edition), another site's page or this article's own (its comments link)."""
    if not href:
        return False
    try:
        host = urlsplit(page_url).netloc
    except ValueError:
        return False
    url = canonicalize(href, page_url, (host,) if host else ())
    other = parse_article_url(url) if url else None
    return other is not None and other.lang == page.lang and other.article_id != page.article_id


def listing_item(
    el: etree._Element,
    dated: Iterable[etree._Element | None],
    heads: Iterable[etree._Element | None],
    story: Callable[[str | None], bool],
) -> bool:
    """Whether the date line's element ``el`` sits in another story's card, not in the
    article's header. The card is the lowest ancestor of ``el``, up to the highest that holds
    none of ``heads`` (the article's headline and body elements, ``None`` for a missing one),
    that is or holds a link to another story (``story``: of the page's edition, on the site);
    it is one when it shows at most :data:`~patterns.LISTING_CARD_TEXT_MAX` characters
    besides its links and the date line's elements ``dated`` (date, views, comments): a
    "latest news" item of a "not found" page served with 200, `<article><a
    href="/en/world/1-x">…</a><div class="ndt">…</div></article>`, alone or one of a list.
    ``False`` without ``heads``, or when ``el`` is that highest ancestor itself (a flat
    card)."""
    around = {node for head in heads if head is not None for node in (head, *head.iterancestors())}
    if not around:
        return False
    box = outer_box(el, around)
    if box is el:
        return False
    searched: etree._Element | None = None  # the child whose links were looked at
    for node in el.iterancestors():
        links = chain((node,), *(child.iter("a") for child in node if child is not searched))
        if any(story(a.get("href")) for a in links if a.tag == "a"):
            return not _loose_text(node, {d for d in dated if d is not None})
        if node is box:
            break
        searched = node
    return False


def _loose_text(box: etree._Element, dated: Container[etree._Element]) -> bool:
    """Whether ``box`` shows more than :data:`~patterns.LISTING_CARD_TEXT_MAX` characters
    (whitespace aside) outside its links, the ``dated`` elements and hidden tags."""
    size, stack = 0, [box]
    while stack:
        node = stack.pop()
        size += len("".join((node.text or "").split()))
        for child in node:
            size += len("".join((child.tail or "").split()))
            if not (child.tag == "a" or child in dated or is_hidden_tag(child)):
                stack.append(child)
        if size > P.LISTING_CARD_TEXT_MAX:
            return True
    return False


def _a_count(el: etree._Element) -> bool:
    """Whether ``el`` shows only a count (`12`, `5 067`)."""
    return bool(P.COUNT.fullmatch(element_text(el)))


def is_hidden_tag(el: etree._Element) -> bool:
    """A comment, processing instruction or tag whose text is never shown (`script`, `svg`)."""
    return not isinstance(el.tag, str) or el.tag in P.SKIP_TAGS


#: Stands for a `<br>` while paragraphs are split (parsed text never holds a NUL).
_BREAK = "\0"


def _parts(el: etree._Element, extra: frozenset[str], br: str) -> list[str]:
    """The text pieces of ``el`` in document order (``br`` for each `<br>`)."""
    parts: list[str] = []
    try:
        _collect(el, parts, extra, br)
    except RecursionError:  # absurdly deep markup: the same pieces, without recursion
        return _collect_deep(el, lambda child: skipped(child, extra), br)
    return parts


def _collect_deep(
    el: etree._Element, hidden: Callable[[etree._Element], bool], br: str
) -> list[str]:
    """:func:`_collect` with a stack of its own (each entry is an element whose subtree is
    being read, with its remaining children; its tail follows once they are done), leaving
    out the ``hidden`` elements."""
    parts: list[str] = [el.text] if el.text else []
    stack = [(el, iter(el))]
    links = 0  # open `a` elements below ``el`` (a `<br>` in a link is a space)
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack:  # (not ``el`` itself)
                links -= node.tag == "a"
                if node.tail:
                    parts.append(node.tail)
        elif hidden(child) or child.tag == "br":
            if child.tag == "br" and not hidden(child):
                parts.append(" " if links else br)
            if child.tail:
                parts.append(child.tail)
        else:
            if child.text:
                parts.append(child.text)
            links += child.tag == "a"
            stack.append((child, iter(child)))
    return parts


def _collect(el: etree._Element, parts: list[str], extra: frozenset[str], br: str) -> None:
    text = el.text  # each read of .text/.tail decodes the node again: read once
    if text:
        parts.append(text)
    for child in el:
        if not skipped(child, extra):
            if child.tag == "br":
                parts.append(br)
            else:  # (a `<br>` in a link is a space)
                _collect(child, parts, extra, " " if child.tag == "a" else br)
        tail = child.tail
        if tail:
            parts.append(tail)


def clean_headline(text: str | None) -> str | None:
    """Unescape entities, collapse whitespace and strip the site's title suffixes."""
    if not text:
        return None
    text = collapse(html_lib.unescape(text) if "&" in text else text)
    changed = text.endswith(P.TITLE_SUFFIXES)
    while changed:
        changed = False
        for suffix in P.TITLE_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)].rstrip()
                changed = True
    return None if blank(text) else text


def without_bullet(text: str) -> str:
    """A tag item's text without a bullet written in its markup (`• наука` → `наука`;
    :data:`~patterns.MARKUP_BULLET`)."""
    bullet = P.MARKUP_BULLET.match(text)
    return bullet.group("tag") if bullet else text


def caption_head(line: str) -> str | None:
    """The headline part of a caption line ``<headline>  - 1``, else ``None``."""
    if not line or not line[-1].isdigit():
        return None
    tail = P.CAPTION_TAIL.search(line, max(0, len(line) - 8))
    return collapse(line[: tail.start()]) or None if tail else None


def is_caption(line: str, headline: str | None) -> bool:
    """``<headline>  - 1`` (or with one space)."""
    head = caption_head(line) if headline else None
    return head is not None and normalise_text(head) == normalise_text(headline)


def doubled_name(text: str) -> str | None:
    """``Анна Б`` for ``Анна Б Анна Б`` (or ``АннаАнна``): a name shown twice, else ``None``."""
    half, rest = divmod(len(text), 2)
    if not rest and text[:half] == text[half:]:
        return text[:half].strip() or None
    if rest and text[:half] == text[half + 1 :] and text[half] == " ":
        return text[:half] or None
    return None


def author_from_line(line: str) -> tuple[str | None, bool]:
    """``(name, is_author_line)`` for a one-line author line: the name twice, then a role
    (`Анна Б Анна Б Автор във Fakti.bg`; a role not in ``AUTHOR_ROLE`` of up to four words
    too), or a known role alone (``(None, True)``). A line with other text before a known
    role gives ``(that text, False)``."""
    if len(line) > P.AUTHOR_LINE_MAX or not line.lower().endswith(P.AUTHOR_LINE_ENDS):
        return None, False
    match = P.AUTHOR_ROLE.match(line)
    pre = collapse(match.group("pre")) if match else ""
    if match and not pre:
        return None, True
    name = (doubled_name(pre) if pre else None) or _named_role(line)
    if name:
        return name, True
    if pre and P.PERSON_NAME.fullmatch(pre):  # the name shown once, then a known role
        return pre, True
    return (pre or None), False


def author_names(line: str) -> list[str] | None:
    """The names of a one-line author line (:func:`author_from_line`; ``[]`` for a known role
    alone), also of one naming several authors, each shown twice, comma-separated (`А Б А Б,
    В Г В Г Автор във Fakti.bg`); ``None`` for any other line."""
    head, comma, last = line.rpartition(",")
    name, ok = author_from_line(collapse(last)) if comma else (None, False)
    if ok and name:  # (the last name, then its role: the names before it each shown twice)
        firsts = [doubled_name(collapse(part)) or "" for part in head.split(",")]
        if all(firsts):
            return [*firsts, name]
    name, ok = author_from_line(line)
    return ([name] if name else []) if ok else None


def _named_role(line: str) -> str | None:
    """The name of `Н Н <role> във Fakti.bg` with a role not in ``AUTHOR_ROLE`` (up to four
    words, as :func:`is_role_line`): accepted only after the name shown twice."""
    words = line.split()
    for size in range(2, 6):  # the role's words, `във Fakti.bg` included
        if len(words) > size and is_role_line(" ".join(words[-size - 1 :])):
            name = doubled_name(" ".join(words[: -size - 1]))
            if name:
                return name
    return None


def is_role_line(line: str) -> bool:
    """A stand-alone role line (`Автор във Fakti.bg`: up to four words, then `във Fakti.bg`)."""
    return len(line) <= P.AUTHOR_LINE_MAX and bool(P.AUTHOR_ROLE_LINE.match(line))


def is_related(text: str, link_texts: Sequence[str], hrefs: Sequence[str]) -> bool:
    """A related-links block: links to articles only, after at most a short label
    (`Прочетете още: <a href="/bulgaria/1-x">...</a>`)."""
    return _article_links(hrefs) and _label_only(text, link_texts)


def related_element(el: etree._Element, text: str) -> bool:
    """:func:`is_related` for an element whose rendered text is ``text``."""
    links: list[etree._Element] = []
    for a in el.iter("a"):
        if not P.ARTICLE_HREF.match((a.get("href") or "").strip()):
            return False  # (most paragraphs end here: one cheap test, no text)
        links.append(a)
    return bool(links) and _label_only(text, [element_text(a) for a in links])


def _article_links(hrefs: Sequence[str]) -> bool:
    return bool(hrefs) and all(P.ARTICLE_HREF.match(href) for href in hrefs)


def _label_only(text: str, link_texts: Sequence[str]) -> bool:
    """Whether ``text`` without the link texts is empty or a related-links label."""
    for link in link_texts:
        text = text.replace(link, " ", 1)
    rest = P.LABEL_PUNCT.sub(" ", text).strip().lower()
    return not rest or rest in P.RELATED_LABELS


def linky(el: etree._Element, text: str) -> bool:
    """Whether ``el``, whose rendered text is ``text``, is mostly the text of its links (a
    rail, related or tag links, a link with its time; :data:`~patterns.LINKY_RATIO`)."""
    return sum(len(element_text(a)) for a in el.iter("a")) >= P.LINKY_RATIO * len(text)


def block_label(text: str) -> bool:
    """Whether ``text`` is a box's label (:data:`~patterns.BOX_LABEL`: at most
    :data:`~patterns.BOX_LABEL_WORDS` words, one of them opening with a stem of comments,
    share, poll, related, most read, author, tags, follow...; `Коментари (12)`; or at most
    :data:`~patterns.SHORT_LABEL_WORDS` with a news word: `Още новини`), alone or before `:`
    and more text (`Анкета: Ще гласувате ли?`)."""
    lead = P.LABEL_LEAD.match(text)
    return _short_label(text) or (lead is not None and _short_label(lead.group("label")))


def _short_label(text: str) -> bool:
    """Whether ``text`` is a label alone (:func:`block_label`)."""
    if text.count(" ") >= P.BOX_LABEL_WORDS:  # (more words still once punctuation splits)
        return False
    words = _words(text)
    count = len(words.split())
    return count <= P.BOX_LABEL_WORDS and (
        P.BOX_LABEL.search(words) is not None
        or (count <= P.SHORT_LABEL_WORDS and P.SHORT_LABEL.search(words) is not None)
    )


def between_blocks(
    top: etree._Element, paras: Mapping[etree._Element, Sequence[str]], rules: BodyRules
) -> dict[etree._Element, list[str]]:
    """The paragraphs of the list items, headings and quotes of the body's element ``top``
    that are read, by the `p` they follow. ``paras``: each `p` read, its paragraphs. A run of
    such blocks (:func:`_plain`) among the children of ``top`` is read when the element right
    before it is a `p` whose last paragraph stays body text and the one right after it a `p`
    whose first one does (:meth:`BodyRules.shows`); whitespace, comments, ``RUN_GAPS`` and
    elements that show nothing (:func:`_shows_nothing`) between them change nothing,
    anything else leaves the run out. So is a run after a label `p` or with any block left
    out (:func:`_run_paragraphs`). Nothing is tested on a page without such blocks."""
    found: dict[etree._Element, list[str]] = {}
    before: etree._Element | None = None  # (the `p` read last: the run's start, if kept)
    run: list[etree._Element] = []
    others: list[etree._Element] = []  # (since ``before`` or the run's last block)
    for child in top.iterchildren(etree.Element):
        if child.tag == "p":
            parts = paras.get(child)
            if run and parts and all(map(_shows_nothing, others)) and rules.shows(parts[0]):
                found[before] = _run_paragraphs(paras[before][-1], run, rules)
            before, run, others = (child if parts else None), [], []
        elif before is None or child.tag in P.RUN_GAPS:
            continue
        elif (blocks := _plain(child)) is None:
            others.append(child)
        elif all(map(_shows_nothing, others)) and (run or rules.shows(paras[before][-1])):
            run.extend(blocks)
            others = []
        else:
            before, run = None, []
    return found


def _shows_nothing(el: etree._Element) -> bool:
    """Whether ``el`` shows nothing: no text at any depth but in comments and ``GAP_HIDDEN``
    tags (a script, a style), no class but on an ``ins`` ad slot (a box a script fills), no
    form control, frame or player (``GAP_WIDGETS``) nor AMP component but ``amp-img``."""
    for sub in el.iter(etree.Element):
        tag = sub.tag
        if tag in P.GAP_WIDGETS or (tag.startswith("amp-") and tag != "amp-img"):
            return False
        if sub.get("class") is not None and tag != P.GAP_CLASS_FREE:
            return False
    return blank("".join(_collect_deep(el, _gap_hidden, " ")))


def _gap_hidden(el: etree._Element) -> bool:
    """Whether ``el`` is a comment or a ``GAP_HIDDEN`` tag (:func:`_shows_nothing`)."""
    return not isinstance(el.tag, str) or el.tag in P.GAP_HIDDEN


def _run_paragraphs(label: str, run: Sequence[etree._Element], rules: BodyRules) -> list[str]:
    """The paragraphs of the ``run`` of list items, headings and quotes after a `p` whose
    last paragraph is ``label``, each split at `<br><br>`; none when ``label`` or a block is
    a label (:func:`block_label`), links (:func:`_link_item`), a share or rating item
    (:func:`_chrome_item`), or one of its paragraphs no body text (:meth:`BodyRules.keep`;
    or the opinion disclaimer). A block that shows no text (empty, `&nbsp;`) gives none."""
    if block_label(label):
        return []
    out: list[str] = []
    for el in run:
        parts = [part for part in element_paragraphs(el, P.HEADER_CLASSES) if part]
        text = " ".join(parts)
        if text and (block_label(text) or _link_item(el, text) or _chrome_item(text)):
            return []
        if not all(rules.keep(p) and not p.startswith(P.OPINION_DISCLAIMER_START) for p in parts):
            return []
        out.extend(parts)
    return out


def _link_item(el: etree._Element, text: str) -> bool:
    """Whether a list item, heading or quote ``el`` whose text is ``text`` is mostly link
    text (:func:`linky`), or links with nothing beside them but a related-links label (to
    other articles: :func:`related_element`'s test) or counts, times and dates (a most-read
    item: :data:`~patterns.COUNTS_ONLY`, `<a>…</a> Apr 17, 2025`). The text beside the links
    is read in one walk."""
    links = list(el.iter("a"))
    if not links:
        return False
    if linky(el, text):
        return True
    rest = _words(collapse("".join(_collect_deep(el, lambda c: c.tag == "a" or skipped(c), " "))))
    if all(P.ARTICLE_HREF.match((a.get("href") or "").strip()) for a in links) and (
        not rest or rest in P.RELATED_LABELS
    ):
        return True
    return P.COUNTS_ONLY.fullmatch(rest) is not None


def _chrome_item(text: str) -> bool:
    """Whether ``text`` is a share item's (:data:`~patterns.SOCIAL_ITEM`), a rating's
    (:data:`~patterns.RATING_ITEM`), a font size button's (:data:`~patterns.FONT_SIZE_ITEM`)
    or shows no letter nor digit (`★★`, `👍`)."""
    words = _words(text)
    return bool(
        P.SOCIAL_ITEM.fullmatch(words)
        or P.RATING_ITEM.fullmatch(words)
        or P.FONT_SIZE_ITEM.fullmatch(text)
        or not any(c.isalnum() for c in text)
    )


def _plain(el: etree._Element) -> list[etree._Element] | None:
    """``[el]`` for a heading or quote, the items for a list (with no text of its own
    between them), of inline text only (:func:`_inline`) and without a class (:func:`_bare`;
    nor the list), else ``None``."""
    if el.tag in P.SINGLE_BLOCKS:
        return [el] if _bare(el) and _inline(el) else None
    if el.tag not in P.BODY_LISTS or not _bare(el) or not blank(el.text or ""):
        return None
    items = list(el.iterchildren(etree.Element))
    if items and all(
        li.tag == "li" and _bare(li) and _inline(li) and blank(li.tail or "") for li in items
    ):
        return items
    return None


def _bare(el: etree._Element) -> bool:
    """Whether ``el`` has no class and is not hidden (:data:`~patterns.NOT_PLAIN_ATTRS`)."""
    return all(el.get(name) is None for name in P.NOT_PLAIN_ATTRS)


def _inline(el: etree._Element) -> bool:
    """Whether ``el`` holds inline elements only (:data:`~patterns.INLINE_TAGS`)."""
    return all(d.tag in P.INLINE_TAGS for d in el.iterdescendants(etree.Element))


def _words(text: str) -> str:
    """``text`` in lower case, punctuation a space (as labels are compared)."""
    return P.LABEL_PUNCT.sub(" ", text).strip().lower()


@dataclass(slots=True)
class BodyRules:
    """What is never body text on this page (``published``: its publication time;
    ``shown``: the time its date line shows, when known apart)."""

    headline: str | None
    subtitle: str | None
    published: datetime | None = None
    shown: datetime | None = None

    def keep(self, para: str) -> bool:
        """Whether a (collapsed) paragraph can be body text (one that shows nothing,
        :func:`blank`, cannot)."""
        if blank(para) or para == self.headline or para == self.subtitle:
            return False
        if len(para) < P.RAIL_TITLE_MAX and para.lower() in P.LAST_NEWS_TITLES:
            return False
        if len(para) <= P.AD_LABEL_MAX and para.lower() in P.AD_LABELS:
            return False
        if P.PHOTO_CREDIT.match(para):
            return False
        # (the cheap tests that open is_caption and author_from_line, without the calls)
        if para[-1].isdigit() and is_caption(para, self.headline):
            return False
        if len(para) <= P.AUTHOR_LINE_MAX and author_from_line(para)[1]:
            return False
        return not self._own_date_line(para)

    def _own_date_line(self, para: str) -> bool:
        """Whether ``para`` is the page's date line shown again, in any form a date line is
        read in (whole, its counts in another form: `… 23:13 1.2K 7`, or as a `.ndt` opens,
        with no word after its time: `… 23:13 ч.`): its publication time, or the date line's,
        to the minute (a JSON-LD time has seconds, the date line none); any other date
        (`May 9, 1945`) is body text."""
        if (self.published is None and self.shown is None) or len(para) > P.DATE_LINE_SHORT:
            return False
        dated = (
            parse_date_line(para)
            or parse_date_shown(para)
            or parse_date_start(para, P.DATE_REST_BARE)
        )
        if dated is None:
            return False
        minute = dated.published.replace(second=0, microsecond=0)
        return any(
            t is not None and t.replace(second=0, microsecond=0) == minute
            for t in (self.published, self.shown)
        )

    def shows(self, para: str) -> bool:
        """Whether a (collapsed) paragraph stays body text (:meth:`keep`), without the opinion
        disclaimer it may open."""
        return self.keep(_undisclaimed(para))

    def join(self, paragraphs: Iterable[str]) -> str:
        """Filter collapsed paragraphs, drop the opinion disclaimer once, join with blank lines."""
        out: list[str] = []
        disclaimer = True
        for para in paragraphs:
            if disclaimer and para.startswith(P.OPINION_DISCLAIMER_START):
                para = _undisclaimed(para)
                disclaimer = False
            if self.keep(para):
                out.append(para)
        return "\n\n".join(out)


def _undisclaimed(para: str) -> str:
    """``para`` without the opinion disclaimer that may open it."""
    if not para.startswith(P.OPINION_DISCLAIMER_START):
        return para
    return P.OPINION_DISCLAIMER.sub("", para, count=1).strip()
