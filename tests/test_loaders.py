"""Item loaders: typed, cleaned items that validate against the record schema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import jsonschema
import pytest

from newsspider.extraction import Extracted, Rejected, extract_from_text
from newsspider.extraction.record import RECORD_FIELDS, content_hash
from newsspider.items import ArticleItem, RejectItem
from newsspider.loaders import build_item, build_reject
from newsspider.schema import article_schema

SCRAPED = datetime(2026, 6, 16, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=3)))


def record(item: ArticleItem) -> dict:
    return {name: item[name] for name in RECORD_FIELDS}


def test_seed_item_validates(seed_text: str, seed_expected: dict) -> None:
    extracted = extract_from_text(seed_text, seed_expected["url"])
    assert isinstance(extracted, Extracted)
    item = build_item(extracted, SCRAPED)
    jsonschema.validate(record(item), article_schema())
    assert item["scraped_at"] == "2026-06-16T06:30:15+00:00"
    assert item["content_hash"] == content_hash(
        seed_expected["headline"], seed_expected["subtitle"], seed_expected["body"]
    )
    assert item["layers"]["body"] == "text"
    assert set(item.keys()) == {*RECORD_FIELDS, "layers"}
    for key, value in seed_expected.items():
        assert item[key] == value


def test_types_and_cleaning() -> None:
    extracted = Extracted(
        fields={
            "url": " https://fakti.bg/bulgaria/1040030-x ",
            "article_id": "1040030",
            "lang": "BG",
            "section": "bulgaria",
            "headline": "Заглавие &amp; още - Факти",
            "subtitle": "  Под   заглавие ",
            "published_at": datetime(2025, 3, 30, 4, 30, tzinfo=UTC),
            "updated_at": None,
            "views": "2\u00a0542",
            "comments": 0,
            "authors": ["Анна", " Анна ", "Борис"],
            "tags": ["a", "b", "a", "", "c"],
            "image_url": None,
            "body": "",
        },
        layers={"headline": "meta"},
    )
    item = build_item(extracted, datetime(2026, 1, 1, tzinfo=UTC))
    jsonschema.validate(record(item), article_schema())
    assert item["article_id"] == 1040030 and isinstance(item["article_id"], int)
    assert item["views"] == 2542 and isinstance(item["views"], int)
    assert item["comments"] == 0
    assert item["lang"] == "bg"
    assert item["url"] == "https://fakti.bg/bulgaria/1040030-x"
    assert item["headline"] == "Заглавие & още"
    assert item["subtitle"] == "Под заглавие"
    assert item["published_at"] == "2025-03-30T07:30:00+03:00"  # same instant, Sofia
    assert item["authors"] == ["Анна", "Борис"]
    assert item["tags"] == ["a", "b", "c"]
    assert (item["updated_at"], item["image_url"], item["body"]) == (None, None, "")
    assert item["layers"] == {"headline": "meta"}


def test_missing_fields_are_null_or_empty() -> None:
    extracted = Extracted(
        fields={
            "url": "https://fakti.bg/en/world/1-x", "article_id": 1, "lang": "en",
            "section": "world", "headline": "H", "published_at": "2025-01-01T00:00:00+02:00",
        }
    )  # fmt: skip
    item = build_item(extracted, datetime(2026, 1, 1, tzinfo=UTC))
    jsonschema.validate(record(item), article_schema())
    assert item["authors"] == [] and item["tags"] == [] and item["body"] == ""
    assert item["views"] is None and item["subtitle"] is None


@pytest.mark.parametrize("views", ["garbage", "-3", "1,5"])
def test_bad_counts_become_null(views: str) -> None:
    extracted = Extracted(
        fields={
            "url": "https://fakti.bg/en/world/1-x", "article_id": 1, "lang": "en",
            "section": "world", "headline": "H", "published_at": "2025-01-01T00:00:00+02:00",
            "views": views,
        }
    )  # fmt: skip
    assert build_item(extracted, datetime(2026, 1, 1, tzinfo=UTC))["views"] is None


def test_build_reject() -> None:
    rejected = Rejected(
        "https://fakti.bg/en/world/1-x",
        "missing:published_at",
        {"headline": "H"},
        {"headline": "meta"},
    )
    item = build_reject(rejected)
    assert isinstance(item, RejectItem)
    assert dict(item) == {
        "url": "https://fakti.bg/en/world/1-x",
        "reason": "missing:published_at",
        "partial": {"headline": "H"},
        "layers": {"headline": "meta"},
    }
