"""The JSON-LD layer: the page's `NewsArticle` object."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from newsspider.extraction import patterns as P
from newsspider.extraction.body import absolute, clean_headline, collapse
from newsspider.extraction.dates import is_wall_clock, parse_iso, updated_time
from newsspider.extraction.urls import ArticleRef, canonicalize, parse_article_url

#: ``json.loads(raw, strict=False)`` builds a decoder per call; this one is shared.
_DECODER = json.JSONDecoder(strict=False)
#: A ``\\uD800``-``\\uDFFF`` escape that is not half of a pair: it would decode to a lone
#: surrogate, which UTF-8 cannot hold (Scrapy's own ``-o`` feeds then drop the record).
_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    """The objects of ``data`` and of their ``@graph``s, in document order (depth first,
    without recursion: nesting has no limit here)."""
    stack = [data]
    while stack:
        data = stack.pop()
        if isinstance(data, list):
            stack.extend(reversed(data))
        elif isinstance(data, dict):
            yield data
            stack.append(data.get("@graph"))


def _is_article(obj: dict[str, Any]) -> bool:
    kind = obj.get("@type")
    if isinstance(kind, str):
        return kind in P.JSONLD_ARTICLE_TYPES
    return isinstance(kind, list) and any(
        isinstance(k, str) and k in P.JSONLD_ARTICLE_TYPES for k in kind
    )


def find_article(scope: etree._Element, ref: ArticleRef) -> dict[str, Any] | None:
    """The article object of the JSON-LD scripts in ``scope`` for the page of ``ref``: the
    first that names it (:func:`_names`), else the first that names no article of the site;
    never one that names another article."""
    unnamed = None
    for obj in _articles(scope):
        names = _names(obj, ref.url)
        if names == {ref.key}:
            return obj
        if not names and unnamed is None:
            unnamed = obj
    return unnamed


def _articles(scope: etree._Element) -> Iterator[dict[str, Any]]:
    """The article objects of the JSON-LD scripts in ``scope``, in document order (invalid
    JSON skipped)."""
    for script in scope.iter("script"):
        if (script.get("type") or "").strip().lower() != P.JSONLD_TYPE:
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        if "\\ud" in raw or "\\uD" in raw:
            raw = _LONE_SURROGATE.sub(r"\\ufffd", raw)
        try:
            data = _DECODER.decode(raw)
        except (ValueError, RecursionError):  # (nested deeper than Python's recursion limit)
            continue
        yield from filter(_is_article, _objects(data))


def _names(obj: dict[str, Any], page: str) -> set[tuple[str, int]]:
    """The keys of the site's articles that ``obj`` names as its page (``mainEntityOfPage``,
    a URL or an object's ``@id``; ``url``; ``@id``), relative ones resolved against ``page``."""
    keys = set()
    for name in P.JSONLD_PAGE_NAMES:
        value = obj.get(name)
        if isinstance(value, dict):
            value = value.get("@id")
        ref = parse_article_url(canonicalize(value, page) or "")
        if ref is not None:
            keys.add(ref.key)
    return keys


def _image(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _authors(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict) and item.get("@type") == "Person":
            name = _text(item.get("name"))
            if name:
                names.append(name)
    return names


def _text(value: Any) -> str | None:
    return collapse(value) or None if isinstance(value, str) else None


def article_fields(obj: dict[str, Any] | None, base_url: str) -> dict[str, Any]:
    """Fields from the article object of :func:`find_article`: headline, subtitle
    (description), times, image, Person authors.

    ``updated_at`` only when ``dateModified`` is a different instant from ``datePublished``
    (``modified_known`` when both are read: then the object has decided whether there was an
    update); ``wall_clock``/``updated_wall_clock`` when ``datePublished``/``dateModified``
    has no offset (:func:`is_wall_clock`).
    """
    if obj is None:
        return {}
    published = parse_iso(obj.get("datePublished"))
    modified = parse_iso(obj.get("dateModified"))
    image = _image(obj.get("image"))
    headline = obj.get("headline")
    return {
        "headline": clean_headline(headline) if isinstance(headline, str) else None,
        "subtitle": _text(obj.get("description")),
        "published_at": published,
        "updated_at": updated_time(published, modified),
        "modified_known": published is not None and modified is not None,
        "image_url": absolute(base_url, image) if image else None,
        "authors": _authors(obj.get("author")),
        "wall_clock": is_wall_clock(obj.get("datePublished")),
        "updated_wall_clock": is_wall_clock(obj.get("dateModified")),
    }
