"""Item loaders: typed, cleaned items that validate against the record schema, and the
same items as the previous implementation (kept here as the reference)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from itemloaders.processors import Compose, Identity, Join, MapCompose, TakeFirst
from scrapy.loader import ItemLoader
from test_content_hash import near_normal_bodies, normal_bodies, reference_content_hash

from newsspider.extraction import SOFIA, Extracted, Rejected, extract_from_text
from newsspider.extraction.article import extract_article
from newsspider.extraction.body import clean_headline, collapse, unique
from newsspider.extraction.numbers import parse_int
from newsspider.extraction.record import LAYERS, RECORD_FIELDS, content_hash
from newsspider.items import ArticleItem, RejectItem
from newsspider.loaders import EMPTY, ArticleLoader, build_item, build_reject, to_iso
from newsspider.replica.generator import Site
from newsspider.replica.pages import Pages
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


def test_an_item_owns_its_empty_lists_and_its_layers() -> None:
    """Changing one item's lists or layers changes no other item, nor the extraction's
    layers (nor the empty defaults of the next items)."""
    extracted = Extracted(
        fields={"url": "https://fakti.bg/en/world/1-x", "headline": "H"}, layers={"headline": "h1"}
    )
    first = build_item(extracted, datetime(2026, 1, 1, tzinfo=UTC))
    first["authors"].append("A")
    first["tags"].append("T")
    first["layers"]["body"] = "text"
    second = build_item(extracted, datetime(2026, 1, 1, tzinfo=UTC))
    assert (second["authors"], second["tags"]) == ([], [])
    assert extracted.layers == {"headline": "h1"} == second["layers"]


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


# The previous loader and build_item, kept as the reference: items must stay identical.
class ReferenceLoader(ItemLoader):
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


def reference_build_item(extracted: Extracted, scraped_at: datetime) -> ArticleItem:
    loader = ReferenceLoader()
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
    item["content_hash"] = reference_content_hash(item["headline"], item["subtitle"], item["body"])
    return item


def outcome(build, extracted: Extracted, scraped_at: datetime = SCRAPED) -> object:
    """The item's class and its keys, values and value types in order, or the error type."""
    try:
        item = build(extracted, scraped_at)
    except Exception as exc:  # both paths must fail alike
        return type(exc)
    return type(item), repr(list(item.items()))


EDGE = " \n\t\xa0\u2028\u3000\u200b\ud800e\u0301Й&amp;&lt;- Факти"
text = st.text(st.one_of(st.sampled_from(EDGE), st.characters(exclude_categories=())), max_size=30)
maybe_text = st.one_of(st.none(), text)
counts = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**7),
    st.sampled_from(["2 542", "2\u00a0542", "1\u202f000", " 12 ", "-3", "1,5", "x", ""]),
    text,
)
names = st.lists(st.one_of(text, st.sampled_from(["", " ", "Анна", " Анна ", "Борис"])))
zones = st.one_of(
    st.none(),
    st.sampled_from([UTC, SOFIA, ZoneInfo("Europe/Sofia"), ZoneInfo("America/New_York")]),
    st.builds(timezone, st.timedeltas(-timedelta(hours=23), timedelta(hours=23))),
)
dates = st.one_of(
    st.none(),
    st.datetimes(datetime(1950, 1, 1), datetime(2100, 1, 1), timezones=zones),
    st.sampled_from(["2025-01-01T00:00:00+02:00", "", " 2025-04-23T05:03:00Z "]),
    text,
)
FIELDS = {
    "url": maybe_text,
    "article_id": st.one_of(st.none(), st.integers(0, 10**9), st.from_regex(r"\A\d{1,9}\Z"), text),
    "lang": st.one_of(st.none(), st.sampled_from(["bg", " EN ", "Bg"]), text),
    "section": maybe_text,
    "headline": maybe_text,
    "subtitle": maybe_text,
    "published_at": dates,
    "updated_at": dates,
    "views": counts,
    "comments": counts,
    "authors": st.one_of(st.none(), names, names.map(tuple), text),
    "tags": st.one_of(st.none(), names, text),
    "image_url": maybe_text,
    "body": st.one_of(maybe_text, normal_bodies, near_normal_bodies(), st.lists(maybe_text)),
    "scraped_at": maybe_text,
    "content_hash": maybe_text,
    "not_a_field": text,
}
extracted_pages = st.builds(
    Extracted,
    st.fixed_dictionaries({}, optional=FIELDS),
    st.dictionaries(st.sampled_from(RECORD_FIELDS), st.sampled_from(LAYERS)),
)


@settings(max_examples=1500, deadline=None)
@given(extracted_pages, st.datetimes(timezones=zones.filter(bool)))
def test_build_item_equals_reference(extracted, scraped_at):
    assert outcome(build_item, extracted, scraped_at) == outcome(
        reference_build_item, extracted, scraped_at
    )


def test_build_item_equals_reference_on_replica_pages():
    site = Site(articles=120, seed=4, now=datetime(2026, 11, 29, 11, 0, tzinfo=SOFIA))
    pages = Pages(site, cache_size=0)
    paths = [p for a in site.articles for p in (a.path, a.amp_path) if p]
    built = 0
    for path in paths:
        page = pages.render(path, 2, "http://127.0.0.1:8765")
        url = "https://fakti.bg" + path
        extracted = extract_article(page.body, url, content_type=page.content_type)
        if isinstance(extracted, Extracted):
            assert outcome(build_item, extracted) == outcome(reference_build_item, extracted)
            built += 1
    assert built >= 0.9 * len(paths)


def test_bad_values_fail_as_with_the_standard_loader_path():
    with pytest.raises(ValueError, match="Error with input processor Each: field='article_id'"):
        ArticleLoader().load_fields({"article_id": "12a"})
    with pytest.raises(ValueError, match="field='url'"):
        build_item(Extracted({"url": 5, "headline": "H"}), SCRAPED)


def _context_tag(values: list, loader_context: dict) -> list:
    return [f"{loader_context['tag']}:{v}" for v in values]


class CustomLoader(ArticleLoader):
    """A subclass with processors of every kind: MapCompose, ones taking the loader
    context, Compose/Join outputs and an Identity output of a collected list."""

    headline_in = MapCompose(str.upper)
    section_in = _context_tag
    section_out = Join("/")
    tags_out = Compose(sorted)
    authors_out = Identity()
    body_out = Compose(lambda values: values[-1])


@pytest.mark.parametrize("loader_class", [ArticleLoader, CustomLoader])
def test_load_fields_equals_add_value_and_load_item(loader_class):
    fields = {
        "section": "world",
        "headline": "  Заглавие - Факти",
        "tags": ["b", "a", "b", ""],
        "authors": ["Анна", " Анна "],
        "views": "2 542",
        "body": ["first", "", "last"],
        "subtitle": "   ",
        "layers": {"headline": "meta"},
    }
    standard = loader_class(tag="t")
    for name, value in fields.items():
        standard.add_value(name, value)
    expected = standard.load_item()
    item = loader_class(tag="t").load_fields(fields)
    assert list(item.items()) == list(expected.items())
    if loader_class is CustomLoader:
        assert item["section"] == "t:world" and item["tags"] == ["", "a", "b", "b"]
        assert item["authors"] == ["Анна", "Анна"] and item["body"] == "last"
