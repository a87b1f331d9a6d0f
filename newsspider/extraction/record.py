"""The output record contract: field names, result types and the content hash.

Pure Python: nothing here imports Scrapy.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

#: Every field of an output record, in output order (the JSON Schema mirrors this).
RECORD_FIELDS: tuple[str, ...] = (
    "url",
    "article_id",
    "lang",
    "section",
    "headline",
    "subtitle",
    "published_at",
    "updated_at",
    "views",
    "comments",
    "authors",
    "tags",
    "image_url",
    "body",
    "scraped_at",
    "content_hash",
)

#: Layer names, in priority order, as recorded per field (``extract/<field>/<layer>``).
LAYERS: tuple[str, ...] = ("jsonld", "meta", "selectors", "text")
#: Fields derived from the URL carry this layer name.
URL_LAYER = "url"

_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise_text(text: str | None) -> str:
    """NFC-normalise, replace lone surrogates with U+FFFD (as the exporter does) and
    collapse all whitespace runs (``str.isspace``, as regex ``\\s``) to single spaces."""
    if not text:
        return ""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # only lone surrogates cannot be encoded
            text = _SURROGATE.sub("\ufffd", text)
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def content_hash(headline: str | None, subtitle: str | None, body: str | None) -> str:
    """A stable hash of the normalised headline, subtitle and body (not of raw HTML).

    Paragraph breaks in the body count; whitespace inside paragraphs does not.
    """
    paragraphs = [normalise_text(p) for p in (body or "").split("\n\n")]
    parts = [
        normalise_text(headline),
        normalise_text(subtitle),
        "\n\n".join(p for p in paragraphs if p),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


def isoformat(dt: datetime | None) -> str | None:
    """ISO 8601 with seconds and offset; ``None`` stays ``None``. Naive datetimes are refused."""
    if dt is None:
        return None
    offset = dt.utcoffset() if dt.tzinfo is not None else None
    if offset is None:
        raise ValueError("naive datetime")
    # The offset is looked up once (dateutil zones compute it in Python) and fixed.
    return dt.replace(tzinfo=timezone(offset)).isoformat(timespec="seconds")


@dataclass(slots=True)
class Extracted:
    """An article page: the record fields (without ``scraped_at``/``content_hash``) and,
    per field, the layer that produced it."""

    fields: dict[str, Any]
    layers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Rejected:
    """An article page that could not yield a valid record (e.g. no headline or no date)."""

    url: str
    reason: str
    fields: dict[str, Any] = field(default_factory=dict)
    layers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class NotArticle:
    """A page that is not an article (listing, day page, off-site, 404 body...)."""

    url: str
    reason: str


ExtractionResult = Extracted | Rejected | NotArticle
