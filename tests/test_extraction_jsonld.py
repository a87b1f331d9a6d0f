"""The JSON-LD layer reads the article object of this page: the one that names it (its
``mainEntityOfPage``, ``url`` or ``@id``), else the first that names no page; never one that
names another article. Every page is synthetic."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from newsspider.extraction import Extracted, extract_article
from newsspider.replica.generator import SOFIA, Site
from newsspider.replica.pages import Pages

URL = "https://fakti.bg/en/world/1050001-test-article"
OTHER_URL = "https://fakti.bg/en/world/1049999-other"
PHOTOS = "https://cdn4.focus.bg/fakti/photos/fb/abc/"
MAIN: dict[str, Any] = {
    "@type": "NewsArticle",
    "mainEntityOfPage": URL,
    "headline": "Bridge opens",
    "datePublished": "2025-04-23T08:03:27+03:00",
    "image": PHOTOS + "bridge-1.jpg",
}
OTHER: dict[str, Any] = {
    "@type": "NewsArticle",
    "mainEntityOfPage": OTHER_URL,
    "headline": "Other story entirely",
    "datePublished": "2025-04-22T10:00:00+03:00",
    "image": PHOTOS + "other-1.jpg",
}
#: What the page itself shows (its `h1` and date line), without JSON-LD.
SHOWN = {"headline": "Bridge opens", "published_at": "2025-04-23T08:03:00+03:00"}
#: The fields of ``MAIN``.
FROM_MAIN = {
    "headline": "Bridge opens",
    "published_at": "2025-04-23T08:03:27+03:00",
    "image_url": PHOTOS + "bridge-1.jpg",
}


def _script(data: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def _page(head: str = "", after: str = "") -> bytes:
    return (
        f'<html lang="en"><head><title>Bridge opens - Fakti.bg</title>{head}</head><body>'
        '<main id="main"><article><h1 class="title">Bridge opens</h1>'
        '<div class="info"><div class="ndt">Apr 23, 2025 08:03</div><div class="nv">144</div>'
        '</div><div class="text"><p>First generated paragraph.</p></div></article></main>'
        f"{after}</body></html>"
    ).encode()


def _extract(page: bytes, url: str = URL) -> Extracted:
    result = extract_article(page, url, content_type="text/html; charset=utf-8")
    assert isinstance(result, Extracted), result
    assert result == extract_article(page, url, fast=False)
    return result


def _jsonld_fields(result: Extracted) -> dict[str, Any]:
    return {k: v for k, v in result.fields.items() if result.layers.get(k) == "jsonld"}


def _named(name: str, value: Any) -> dict[str, Any]:
    """``MAIN`` naming its page by ``name`` = ``value`` (and by nothing else)."""
    obj = {k: v for k, v in MAIN.items() if k != "mainEntityOfPage"}
    return {**obj, name: value}


@pytest.mark.parametrize(
    "head",
    [
        _script([OTHER, MAIN]),
        _script(OTHER) + _script(MAIN),
        _script({"@graph": [OTHER, MAIN]}),
        _script([{k: v for k, v in OTHER.items() if k != "mainEntityOfPage"}, MAIN]),
    ],
    ids=["array", "two-scripts", "graph", "first-names-nothing"],
)
def test_the_object_that_names_this_page_is_read_after_others(head: str) -> None:
    assert _jsonld_fields(_extract(_page(head))) == FROM_MAIN


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("mainEntityOfPage", {"@type": "WebPage", "@id": URL}),
        ("url", URL),
        ("@id", URL + "#article"),
        ("mainEntityOfPage", "https://fakti.bg/en/amp/world/1050001-test-article"),
        ("mainEntityOfPage", "https://www.fakti.bg/en/world/1050001-test-article/"),
        ("mainEntityOfPage", "https://fakti.bg./en/world/1050001-test-article"),
        ("mainEntityOfPage", "http://fakti.bg/en/world/1050001-test-article?utm=x"),
        ("mainEntityOfPage", "https://fakti.bg/en/world/1050001-another-slug"),
        ("url", "/en/world/1050001-test-article"),
    ],
)
def test_every_form_of_this_articles_url_names_this_page(name: str, value: Any) -> None:
    assert _jsonld_fields(_extract(_page(_script([OTHER, _named(name, value)])))) == FROM_MAIN


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("mainEntityOfPage", "https://fakti.bg/en/world/1050002-test-article"),
        ("mainEntityOfPage", {"@id": "https://fakti.bg/en/amp/world/1050002-test-article"}),
        ("url", "https://fakti.bg/world/1050001-test-article"),  # (the other edition)
        ("@id", "1049999-other"),  # (relative to the page: another article of its section)
    ],
)
def test_an_object_that_names_another_article_is_never_read(name: str, value: Any) -> None:
    result = _extract(_page(_script(_named(name, value))))
    assert _jsonld_fields(result) == {}
    assert {k: result.fields[k] for k in SHOWN} == SHOWN
    assert result.fields["image_url"] is None
    result = _extract(_page(_script(OTHER) + _script({"@type": "WebPage", "@id": URL})))
    assert _jsonld_fields(result) == {}


def test_an_object_that_names_this_page_and_another_is_never_read() -> None:
    obj = {**MAIN, "url": OTHER_URL}
    assert _jsonld_fields(_extract(_page(_script(obj)))) == {}


def test_an_object_that_names_no_page_is_read_after_one_that_names_another() -> None:
    unnamed = {k: v for k, v in MAIN.items() if k != "mainEntityOfPage"}
    assert _jsonld_fields(_extract(_page(_script(OTHER) + _script(unnamed)))) == FROM_MAIN


def test_when_no_object_names_a_page_the_first_is_read() -> None:
    unnamed = {k: v for k, v in MAIN.items() if k != "mainEntityOfPage"}
    second = {k: v for k, v in OTHER.items() if k != "mainEntityOfPage"}
    names_no_article = {**unnamed, "mainEntityOfPage": "https://fakti.bg/en/", "@id": "_:b0"}
    for objects in ([unnamed, second], [names_no_article, second]):
        assert _jsonld_fields(_extract(_page(_script(objects)))) == FROM_MAIN


def test_the_bodys_object_that_names_this_page_is_read_when_the_heads_name_another() -> None:
    result = _extract(_page(_script(OTHER), after=_script(MAIN)))
    assert _jsonld_fields(result) == FROM_MAIN


@pytest.fixture(scope="module")
def replica_pages() -> list[tuple[str, bytes, str]]:
    """The full-variant article pages (with their AMP copies) of a small replica."""
    site = Site(articles=60, seed=3, now=datetime(2026, 11, 29, 11, 0, tzinfo=SOFIA))
    pages = Pages(site, cache_size=0)
    found = []
    for a in site.articles:
        if a.variant != "full":
            continue
        for path in filter(None, (a.path, a.amp_path)):
            page = pages.render(path, 2, "http://127.0.0.1:8765")
            found.append(("https://fakti.bg" + path, page.body, page.content_type))
    assert {url.startswith("https://fakti.bg/en/amp/") for url, _, _ in found} == {True, False}
    return found


def test_the_replicas_json_ld_is_read_and_another_storys_object_before_it_changes_nothing(
    replica_pages: list[tuple[str, bytes, str]],
) -> None:
    before = _script(OTHER).encode()
    for url, body, content_type in replica_pages:
        result = extract_article(body, url, content_type=content_type)
        assert isinstance(result, Extracted), url
        assert result.layers["headline"] == "jsonld", url
        marked = body.replace(b"<script type", before + b"<script type", 1)
        assert marked != body
        assert extract_article(marked, url, content_type=content_type) == result, url


# --- fields of the JSON-LD object and of the meta tags (mutation review 5) -------------------

IMG1, IMG2 = PHOTOS + "bridge-1.jpg", PHOTOS + "bridge-2.jpg"
LD = {"@type": "NewsArticle", "headline": "Bridge opens"}


def _meta(prop: str, content: str) -> str:
    return f'<meta property="{prop}" content="{content}">'


@pytest.mark.parametrize(
    ("head", "field", "expected"),
    [
        # the script's type in another case is still JSON-LD: its seconds are read
        (
            '<script type="Application/LD+JSON">'
            + json.dumps({**LD, "datePublished": "2025-04-23T08:03:27+03:00"})
            + "</script>",
            "published_at",
            "2025-04-23T08:03:27+03:00",
        ),
        # a list of images gives its first
        (_script({**LD, "image": [IMG1, IMG2]}), "image_url", IMG1),
        # an ImageObject with only a contentUrl gives it
        (_script({**LD, "image": {"@type": "ImageObject", "contentUrl": IMG1}}), "image_url", IMG1),
        # meta keys in upper case are read, and the first tag of a key wins
        (_meta("OG:IMAGE", IMG1), "image_url", IMG1),
        (_meta("og:image", IMG1) + _meta("og:image", IMG2), "image_url", IMG1),
    ],
)
def test_json_ld_and_meta_fields_are_read_as_given(head: str, field: str, expected: str) -> None:
    """Each head gives ``field`` = ``expected``."""
    assert _extract(_page(head)).fields[field] == expected


def test_a_json_ld_modified_time_without_its_published_time_leaves_the_meta_update() -> None:
    """JSON-LD gives dateModified alone: its update is not known, so the meta tags' published
    and modified times are read (no date line shown)."""
    head = (
        _script({**LD, "dateModified": "2025-04-23T09:00:00+03:00"})
        + _meta("article:published_time", "2025-04-23T08:03:00+03:00")
        + _meta("article:modified_time", "2025-04-23T10:00:00+03:00")
    )
    page = _page(head).replace(b'<div class="ndt">Apr 23, 2025 08:03</div>', b"")
    assert _extract(page).fields["updated_at"] == "2025-04-23T10:00:00+03:00"


def test_an_organization_json_ld_author_is_no_author() -> None:
    """Only a Person is an author: an Organization named again in a photo credit gives no
    author (a Bulgarian page, where authors are shown)."""
    ld = _script({"@type": "NewsArticle", "headline": "Заглавие на статията тук",
                  "author": {"@type": "Organization", "name": "Fakti.bg"}})  # fmt: skip
    page = (
        f"<html><head><title>Заглавие на статията тук</title>{ld}</head><body><article>"
        '<h1>Заглавие на статията тук</h1><div class="ndt">23 Април, 2025 08:03 144 2</div>'
        '<div>Снимка: Fakti.bg</div><div class="text"><p>Първи параграф.</p></div>'
        "</article></body></html>"
    ).encode()
    assert _extract(page, "https://fakti.bg/bulgaria/1050001-most").fields["authors"] == []
