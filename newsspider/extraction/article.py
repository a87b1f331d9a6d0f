"""Article pages → :class:`Extracted` | :class:`Rejected` | :class:`NotArticle`.

The page is parsed once with lxml. Each field comes from the first layer that yields a valid
value: ``jsonld`` → ``meta`` → ``selectors`` → ``text`` (the rendered-text order of §3);
``url``, ``article_id``, ``lang`` and ``section`` come from the URL (layer ``url``). The text
layer is only rendered when the §5 markup is incomplete (no headline, no date element, no
`div.text`), so a page in the known markup costs little more than its parse.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from newsspider.extraction import patterns as P
from newsspider.extraction.body import BodyRules, absolute
from newsspider.extraction.decode import head_of, parse_html
from newsspider.extraction.jsonld import jsonld_fields
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
from newsspider.extraction.selectors import article_scope, scan, selector_body, selector_fields
from newsspider.extraction.text import Line, lines_from_text, lines_from_tree, parse_lines
from newsspider.extraction.urls import ArticleRef, parse_article_url

#: Fields taken layer by layer (the body is handled on its own).
LAYERED_FIELDS: tuple[str, ...] = (
    "headline", "subtitle", "published_at", "updated_at", "views", "comments", "authors",
    "tags", "image_url",
)  # fmt: skip
#: A page without these is rejected.
REQUIRED_FIELDS: tuple[str, ...] = ("headline", "published_at")
_OUTPUT_FIELDS = tuple(f for f in RECORD_FIELDS if f not in ("scraped_at", "content_hash"))


def article_ref(url: str) -> ArticleRef | None:
    """The article behind a request URL; its host may be a mirror (only the path counts)."""
    ref = parse_article_url(url)
    if ref is None and isinstance(url, str):
        try:
            netloc = urlsplit(url.strip()).netloc
        except ValueError:
            return None
        ref = parse_article_url(url, extra_hosts=[netloc]) if netloc else None
    return ref


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
            if _valid(value) and (name != "image_url" or _image_ok(value)):
                values[name], used[name] = value, layer
                break
        else:
            text_fields = text()
            value = text_fields.get(name) if text_fields else None
            if _valid(value):
                values[name], used[name] = value, "text"
    return values, used


def _finish(ref: ArticleRef, values: dict[str, Any], used: dict[str, str]) -> ExtractionResult:
    record: dict[str, Any] = {
        "url": ref.url,
        "article_id": ref.article_id,
        "lang": ref.lang,
        "section": ref.section,
    }
    for name in _OUTPUT_FIELDS[4:]:
        value = values.get(name)
        if isinstance(value, datetime):
            value = isoformat(value)
        elif name in ("authors", "tags"):
            value = list(dict.fromkeys(value or ()))
        elif name == "body":
            value = value or ""
        record[name] = value
    layers = {name: URL_LAYER for name in ("url", "article_id", "lang", "section")}
    layers.update({name: used[name] for name in _OUTPUT_FIELDS if name in used})
    missing = [name for name in REQUIRED_FIELDS if not record.get(name)]
    if missing:
        return Rejected(ref.url, "missing:" + ",".join(missing), record, layers)
    return Extracted(record, layers)


def _canonical_ref(root: etree._Element, ref: ArticleRef) -> ArticleRef:
    """The page's `<link rel=canonical>` when it names the same article, else ``ref``."""
    for link in head_of(root).iter("link"):
        if P.CANONICAL_REL not in (link.get("rel") or "").lower().split():
            continue
        href = (link.get("href") or "").strip()
        if href == ref.url:  # already canonical: parsing it would give ``ref`` again
            return ref
        canonical = parse_article_url(href)
        if canonical and canonical.key == ref.key and not P.URL_UNSAFE.search(canonical.url):
            return canonical
    return ref


class _TextLayer:
    """The rendered-text layer of a parsed page, computed at most once and only if enabled.

    The article element (``scope``) is rendered first; the whole `<body>` only when that
    yields no date line or no body text.
    """

    def __init__(
        self, root: etree._Element, scope: etree._Element, ref: ArticleRef, enabled: bool
    ) -> None:
        self.root, self.scope, self.ref, self.enabled = root, scope, ref, enabled
        self.hint: str | None = None
        self._fields: dict[str, Any] | None = None

    def _parse(self, element: etree._Element) -> dict[str, Any]:
        fields = parse_lines(lines_from_tree(element), self.ref.lang, self.hint)
        if fields.get("image_url"):
            fields["image_url"] = absolute(self.ref.url, fields["image_url"])
        return fields

    def __call__(self) -> dict[str, Any] | None:
        if not self.enabled:
            return None
        if self._fields is None:
            body = next(self.root.iter("body"), None)
            body = body if body is not None else self.root
            fields = self._parse(self.scope) if self.scope is not self.root else {}
            if not (fields.get("published_at") and fields.get("body")):
                fields = self._parse(body)
            self._fields = fields
        return self._fields


def _from_tree(root: etree._Element, ref: ArticleRef) -> ExtractionResult:
    ref = _canonical_ref(root, ref)
    scope = article_scope(root)
    marks = scan(scope)
    selected = selector_fields(root, scope, marks, ref.url)
    layers = [
        ("jsonld", jsonld_fields(root, ref.url)),
        ("meta", meta_fields(root, ref.url)),
        ("selectors", selected),
    ]
    # Nullable fields fall through to the text layer only when the §5 markup is incomplete.
    has_markup = bool(selected.get("published_at")) and "text" in marks.by_class
    text = _TextLayer(root, scope, ref, enabled=not has_markup)
    text.hint = next((f["headline"] for _, f in layers if f.get("headline")), None)
    values, used = _merge(layers, text)
    if not text.enabled and not all(values.get(name) for name in REQUIRED_FIELDS):
        text.enabled = True
        values, used = _merge(layers, text)
    body = selector_body(scope, marks, BodyRules(values.get("headline"), values.get("subtitle")))
    if body is None:
        text.enabled = True
        body = (text() or {}).get("body") or ""
        used["body"] = "text"
    else:
        used["body"] = "selectors"
    values["body"] = body
    return _finish(ref, values, used)


def extract_article(
    body: bytes | str | None, url: str, *, content_type: str | None = None
) -> ExtractionResult:
    """Extract one page. Never raises on bad input (malformed HTML, empty or huge bodies).

    ``url`` is the request URL (any §1 form, on fakti.bg or a mirror). A URL that is not an
    article gives :class:`NotArticle`; an article page without headline or publication time
    gives :class:`Rejected` with ``reason`` ``missing:<fields>`` and the partial record.
    """
    ref = article_ref(url)
    if ref is None:
        return NotArticle(str(url), "not-article-url")
    try:
        root = parse_html(body, content_type)
        if root is None:
            return _finish(ref, {}, {})
        return _from_tree(root, ref)
    except Exception as exc:  # bad input must never escape extraction
        return Rejected(ref.url, f"error:{type(exc).__name__}", {"url": ref.url}, {})


def extract_from_text(text: str, url: str) -> ExtractionResult:
    """The rendered-text layer alone (e.g. a page's visible text, like the shared seed)."""
    ref = article_ref(url)
    if ref is None:
        return NotArticle(str(url), "not-article-url")
    try:
        lines: list[Line] = lines_from_text(text or "")
        fields = parse_lines(lines, ref.lang)
    except Exception as exc:  # bad input must never escape extraction
        return Rejected(ref.url, f"error:{type(exc).__name__}", {"url": ref.url}, {})
    used = {name: "text" for name, value in fields.items() if _valid(value)}
    if "body" in fields:
        used["body"] = "text"
    return _finish(ref, fields, used)
