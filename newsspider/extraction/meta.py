"""The `og:`/meta layer: `og:title`, `og:description`, `og:image`, article times, `<title>`."""

from __future__ import annotations

from typing import Any

from lxml import etree

from newsspider.extraction import patterns as P
from newsspider.extraction.body import absolute, clean_headline, collapse
from newsspider.extraction.dates import is_wall_clock, parse_iso, updated_time


def meta_map(head: etree._Element) -> dict[str, str]:
    """``property``/``name`` (lower-case) → ``content`` of the first such meta tag in ``head``
    (the page's `<head>`, else the root)."""
    out: dict[str, str] = {}
    for meta in head.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = meta.get("content")
        if key and content is not None and key not in out:
            out[key] = content
    return out


def _first(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = collapse(meta.get(key))
        if value:
            return value
    return None


def title_headline(head: etree._Element) -> str | None:
    """The (first) `<title>` in ``head`` with the site suffix removed; ``None`` when it is
    only the site's name."""
    title = next(head.iter("title"), None)
    return _headline("".join(title.itertext())) if title is not None else None


def _headline(text: str | None) -> str | None:
    headline = clean_headline(text)
    return None if headline is None or headline.lower() in P.SITE_NAMES else headline


def meta_fields(head: etree._Element, base_url: str) -> dict[str, Any]:
    """Fields from the meta tags in ``head`` (the page's `<head>`, else the root); the
    headline falls back to the page `<title>`; ``wall_clock``/``updated_wall_clock`` as in
    ``article_fields``."""
    meta = meta_map(head)
    published_text = _first(meta, P.META_PUBLISHED)
    published = parse_iso(published_text)
    modified_text = _first(meta, P.META_MODIFIED)
    modified = parse_iso(modified_text)
    image = _first(meta, P.META_IMAGE)
    return {
        "headline": _headline(_first(meta, P.META_HEADLINE)) or title_headline(head),
        "subtitle": _first(meta, P.META_SUBTITLE),
        "published_at": published,
        "updated_at": updated_time(published, modified),
        "image_url": absolute(base_url, image) if image else None,
        "wall_clock": is_wall_clock(published_text),
        "updated_wall_clock": is_wall_clock(modified_text),
    }
