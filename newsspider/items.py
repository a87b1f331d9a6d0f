"""Scrapy items: one article record, or one reject."""

from __future__ import annotations

import scrapy

from newsspider.extraction.record import RECORD_FIELDS


class ArticleItem(scrapy.Item):
    """One article. ``layers`` maps each field to the extraction layer that produced it;
    it is never exported (``FEED_EXPORT_FIELDS`` lists only the record fields)."""

    fields = {name: scrapy.Field() for name in (*RECORD_FIELDS, "layers")}  # noqa: RUF012


class RejectItem(scrapy.Item):
    """An article page that could not produce a valid record."""

    url = scrapy.Field()
    reason = scrapy.Field()
    partial = scrapy.Field()
    layers = scrapy.Field()
