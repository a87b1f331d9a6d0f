"""Golden tests on the shared seed article: its rendered text and its four markup variants."""

from __future__ import annotations

import pytest
from conftest import PACKAGE_SEED, SHARED_SEED
from seed_markup import VARIANTS, from_record

from newsspider.extraction import Extracted, extract_article, extract_from_text

SEED_FILES = ("fakti-en-965998.txt", "fakti-en-965998.expected.json")


def _assert_seed_record(result: Extracted, seed_expected: dict) -> None:
    """The seed's expected values, and its absent fields null or empty."""
    for key, value in seed_expected.items():
        assert result.fields[key] == value, key
    assert result.fields["updated_at"] is None
    assert result.fields["comments"] is None
    assert result.fields["authors"] == []
    assert result.fields["tags"] == []


def test_seed_text_gives_expected_record(seed_text: str, seed_expected: dict) -> None:
    result = extract_from_text(seed_text, seed_expected["url"])
    assert isinstance(result, Extracted)
    _assert_seed_record(result, seed_expected)
    assert result.layers["body"] == "text"
    assert result.layers["article_id"] == "url"


def test_seed_text_from_amp_or_tracking_url(seed_text: str, seed_expected: dict) -> None:
    url = seed_expected["url"].replace("/en/", "/en/amp/") + "?utm_source=x"
    result = extract_from_text(seed_text, url.replace("https://fakti.bg", "https://www.fakti.bg"))
    assert isinstance(result, Extracted)
    assert result.fields["url"] == seed_expected["url"]


@pytest.mark.skipif(not SHARED_SEED.is_dir(), reason="../shared is absent")
@pytest.mark.parametrize("name", SEED_FILES)
def test_replica_data_is_a_byte_identical_copy(name: str) -> None:
    assert (PACKAGE_SEED / name).read_bytes() == (SHARED_SEED / name).read_bytes()


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_seed_rendered_into_each_variant(variant: str, seed_expected: dict) -> None:
    art = from_record(seed_expected)
    url = seed_expected["url"]
    if variant == "amp":
        url = url.replace("/en/", "/en/amp/")
    result = extract_article(VARIANTS[variant](art).encode("utf-8"), url)
    assert isinstance(result, Extracted), result
    _assert_seed_record(result, seed_expected)


@pytest.mark.parametrize(
    ("variant", "layers"),
    [
        (
            "full",
            {
                "headline": "jsonld",
                "published_at": "jsonld",
                "views": "selectors",
                "body": "selectors",
            },
        ),
        ("nostructured", {"headline": "meta", "published_at": "selectors", "body": "selectors"}),
        ("amp", {"headline": "jsonld", "image_url": "jsonld", "body": "selectors"}),
        ("redesign", {"published_at": "text", "views": "text", "subtitle": "text", "body": "text"}),
    ],
)
def test_seed_variant_layers(variant: str, layers: dict, seed_expected: dict) -> None:
    result = extract_article(VARIANTS[variant](from_record(seed_expected)), seed_expected["url"])
    assert isinstance(result, Extracted)
    assert {k: result.layers.get(k) for k in layers} == layers
