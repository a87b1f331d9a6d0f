"""Item loaders: clean and type extracted fields into :class:`ArticleItem` / :class:`RejectItem`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from itemloaders.processors import Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from newsspider.extraction.body import clean_headline, collapse, unique
from newsspider.extraction.dates import to_sofia
from newsspider.extraction.numbers import parse_int
from newsspider.extraction.record import (
    RECORD_FIELDS,
    Extracted,
    Rejected,
    content_hash,
    isoformat,
)
from newsspider.items import ArticleItem, RejectItem

#: Values of fields that are absent after loading (nothing is invented: null or empty).
EMPTY: dict[str, Any] = {"authors": [], "tags": [], "body": ""}


def to_iso(value: datetime | str) -> str | None:
    """Datetimes → the same instant in Sofia, ISO 8601 with seconds and offset; strings pass."""
    return isoformat(to_sofia(value)) if isinstance(value, datetime) else value


class ArticleLoader(ItemLoader):
    """Loads one :class:`ArticleItem`: collapsed text, typed ints and times, de-duplicated lists."""

    default_item_class = ArticleItem
    default_output_processor = TakeFirst()

    url_in = MapCompose(str.strip)
    article_id_in = MapCompose(int)
    lang_in = MapCompose(str.strip, str.lower)
    section_in = MapCompose(str.strip)
    headline_in = MapCompose(clean_headline)
    subtitle_in = MapCompose(collapse)
    published_at_in = MapCompose(to_iso)
    updated_at_in = MapCompose(to_iso)
    views_in = MapCompose(parse_int)
    comments_in = MapCompose(parse_int)
    authors_in = MapCompose(collapse)
    authors_out = unique
    tags_in = MapCompose(collapse)
    tags_out = unique
    image_url_in = MapCompose(str.strip)
    body_in = Identity()
    layers_in = Identity()


def build_item(extracted: Extracted, scraped_at: datetime) -> ArticleItem:
    """The output item of an extracted article, with ``scraped_at`` (UTC), ``content_hash``
    and ``layers``; every record field is present (null or empty when not extracted)."""
    loader = ArticleLoader()
    for name, value in extracted.fields.items():
        if name in RECORD_FIELDS:
            loader.add_value(name, value)
    loader.add_value("layers", dict(extracted.layers))
    item = loader.load_item()
    for name in RECORD_FIELDS:
        if name not in item:
            item[name] = list(EMPTY[name]) if name in ("authors", "tags") else EMPTY.get(name)
    if item.get("layers") is None:
        item["layers"] = {}
    item["scraped_at"] = scraped_at.astimezone(UTC).isoformat(timespec="seconds")
    item["content_hash"] = content_hash(item["headline"], item["subtitle"], item["body"])
    return item


def build_reject(rejected: Rejected) -> RejectItem:
    """The reject item of an article page that yielded no valid record."""
    return RejectItem(
        url=rejected.url,
        reason=rejected.reason,
        partial=dict(rejected.fields),
        layers=dict(rejected.layers),
    )
