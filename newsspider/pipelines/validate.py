"""Validate each article record against the JSON Schema; failures become rejects."""

from __future__ import annotations

import logging
from typing import Any

from jsonschema import Draft202012Validator
from scrapy.crawler import Crawler

from newsspider.extraction.record import RECORD_FIELDS
from newsspider.items import ArticleItem, RejectItem
from newsspider.schema import article_schema

logger = logging.getLogger(__name__)

#: Fields a record cannot do without, even where the schema would accept their value.
ESSENTIAL = ("headline", "published_at")


def record_of(item: ArticleItem) -> dict[str, Any]:
    """The record fields the item carries, in record order (``layers`` excluded)."""
    return {name: item[name] for name in RECORD_FIELDS if name in item}


class RecordValidator:
    """Checks a record; :meth:`problem` names the first fault as ``(reason, detail)``.

    Reasons: ``missing_<field>`` (absent, or an essential field null/blank) and
    ``invalid_<field>`` (present but against the schema).
    """

    def __init__(self) -> None:
        self._validator = Draft202012Validator(article_schema())

    def problem(self, record: dict[str, Any]) -> tuple[str, str] | None:
        for name in RECORD_FIELDS:
            if name not in record:
                return f"missing_{name}", f"{name} is absent"
        for name in ESSENTIAL:
            value = record[name]
            if value is None or (isinstance(value, str) and not value.strip()):
                return f"missing_{name}", f"{name} is {value!r}"
        errors = sorted(self._validator.iter_errors(record), key=lambda e: list(e.absolute_path))
        if not errors:
            return None
        error = errors[0]
        field = str(error.absolute_path[0]) if error.absolute_path else "record"
        return f"invalid_{field}", error.message[:300]


class ValidatePipeline:
    """Passes valid :class:`ArticleItem`\\ s on; turns invalid ones into :class:`RejectItem`\\ s."""

    def __init__(self) -> None:
        self._validator = RecordValidator()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        record = record_of(item)
        problem = self._validator.problem(record)
        if problem is None:
            return item
        reason, detail = problem
        logger.info("invalid record %s: %s (%s)", record.get("url"), reason, detail)
        return RejectItem(
            url=record.get("url"), reason=reason, partial=record, layers=item.get("layers")
        )
