"""The output record contract: field names, result types and the content hash.

Pure Python: nothing here imports Scrapy.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import repeat
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

#: A surrogate code point (possible in a Python string, impossible in UTF-8): replaced by
#: U+FFFD here and, when lone, by the exporter (``pipelines/jsonline.py``).
SURROGATE = re.compile("[\ud800-\udfff]")
#: ASCII whitespace (``str.isspace``) other than the space and the line feed.
_ASCII_SPACES = "\t\x0b\x0c\r\x1c\x1d\x1e\x1f"


def normalise_text(text: str | None) -> str:
    """NFC-normalise, replace lone surrogates with U+FFFD (as the exporter does) and
    collapse all whitespace runs (``str.isspace``, as regex ``\\s``) to single spaces."""
    if not text:
        return ""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # only lone surrogates cannot be encoded
            text = SURROGATE.sub("\ufffd", text)
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def _paragraphs(body: str | None) -> str:
    """The body's paragraphs (split at blank lines) normalised, empty ones dropped, joined
    by blank lines."""
    if body and _is_normal(body):
        return body  # the usual case, checked without splitting paragraphs into words
    return "\n\n".join(filter(None, map(normalise_text, (body or "").split("\n\n"))))


def _is_normal(body: str) -> bool:
    """Whether :func:`_paragraphs` leaves ``body`` as is: non-empty NFC paragraphs with no
    whitespace but single inner spaces and no lone surrogate, one blank line between."""
    lines = body.split("\n")
    paragraphs = lines[::2]  # the blank lines between them at odd indices
    return bool(
        len(lines) % 2
        and not any(lines[1::2])
        and all(paragraphs)
        and not any(map(str.startswith, paragraphs, repeat(" ")))
        and not any(map(str.endswith, paragraphs, repeat(" ")))
        and "  " not in body
        and (
            not any(map(body.__contains__, _ASCII_SPACES))
            if body.isascii()
            # Every whitespace character but the space, and every surrogate, is unprintable.
            else all(map(str.isprintable, paragraphs))
            and all(map(unicodedata.is_normalized, repeat("NFC"), paragraphs))
        )
    )


def content_hash(headline: str | None, subtitle: str | None, body: str | None) -> str:
    """A stable hash of the normalised headline, subtitle and body (not of raw HTML).

    Paragraph breaks in the body count; whitespace inside paragraphs does not.
    """
    parts = (normalise_text(headline), normalise_text(subtitle), _paragraphs(body))
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
