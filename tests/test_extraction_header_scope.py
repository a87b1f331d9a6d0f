"""Header fields (date line, counts, subtitle, authors, topic, tags) come only from the
article's header: never from a related block, an ad or the body (fakti-site.md §3, §5); a
description (JSON-LD, ``og:``) is the subtitle only when the page shows it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from newsspider.extraction import Extracted, Rejected, extract_article
from newsspider.extraction.article import extract_fast

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"
URL = "https://fakti.bg/technozone/1040002-sintetichna-laboratoriya"
EN_URL = "https://fakti.bg/en/world/1050001-bridge-opens"
BODY_END = "<p>Резултатите са предварителни.</p>\n</div>"
#: A related block in the body, marked up like a listing item (as search results are).
RELATED = (
    '<div class="related"><h4>Още по темата</h4><ul><li><a href="/bulgaria/1039999-x">'
    '<span class="article-title">Синтетично заглавие за друга статия</span></a>'
    '<div class="ndt">1 Май, 2025 10:00</div><div class="nv">4 321</div>'
    '<div class="nc">55</div><a class="author-name" href="/author/x">Друг Автор</a>'
    '<h2 class="subtitle">Чужд подзаглавен ред</h2></li></ul></div>'
)


def _extract(page: str, url: str = URL) -> Extracted:
    result = extract_article(page.encode("utf-8"), url)
    assert isinstance(result, Extracted), result
    return result


@pytest.fixture(scope="module")
def form_b() -> str:
    page = (FIXTURES / "bg_form_b.html").read_text(encoding="utf-8")
    assert BODY_END in page
    return page


@pytest.mark.parametrize("where", ["in the body", "after the body"])
def test_a_related_block_gives_no_counts_author_or_subtitle(form_b: str, where: str) -> None:
    """Form B shows no views or comments; the related block's must not be taken."""
    page = (
        form_b.replace(BODY_END, RELATED + BODY_END)
        if where == "in the body"
        else form_b.replace("</article>", RELATED + "</article>")
    )
    fields = _extract(page).fields
    assert fields["published_at"] == "2025-08-25T07:10:00+03:00"
    assert (fields["views"], fields["comments"]) == (None, None)
    assert fields["authors"] == ["Георги Иванов"]
    assert fields["subtitle"] == "Данните ще бъдат публикувани изцяло следващата седмица"


def test_counts_in_the_body_are_not_the_pages(form_b: str) -> None:
    stray = '<div class="info"><div class="nv">77</div><div class="nc">8</div></div>'
    fields = _extract(form_b.replace(BODY_END, stray + BODY_END)).fields
    assert (fields["views"], fields["comments"]) == (None, None)


def test_an_ad_before_the_body_gives_no_counts(form_b: str) -> None:
    ad = '<div class="ad"><div class="nv">999</div></div>'
    page = form_b.replace('<div class="text">', ad + '<div class="text">')
    assert _extract(page).fields["views"] is None


def test_the_header_counts_are_still_read(form_b: str) -> None:
    info = '<div class="nv">2 542</div><div class="nc">7</div></div>'
    page = form_b.replace("06:13</div></div>", "06:13</div>" + info, 1)
    fields = _extract(page.replace(BODY_END, RELATED + BODY_END)).fields
    assert (fields["views"], fields["comments"]) == (2542, 7)


FIRST = "Лабораторията проведе серия от синтетични опити."
SHOWN = "Данните ще бъдат публикувани изцяло следващата седмица"


def _with_json_ld(page: str, meta: str = "", **fields: Any) -> str:
    """``page`` with ``meta`` tags and a JSON-LD `NewsArticle` of ``fields`` in its head."""
    ld = json.dumps({"@type": "NewsArticle", **fields}, ensure_ascii=False)
    return page.replace(
        "</head>", f'{meta}<script type="application/ld+json">{ld}</script></head>', 1
    )


def _persons(*names: str) -> dict[str, str] | list[dict[str, str]]:
    """JSON-LD ``author``: one Person object, or a list of them."""
    people = [{"@type": "Person", "name": name} for name in names]
    return people[0] if len(people) == 1 else people


def _with_description(page: str, text: str, subtitle: bool = True) -> str:
    meta = f'<meta property="og:description" content="{text}">'
    page = _with_json_ld(page, meta, description=text)
    return page if subtitle else page.replace(f'<h2 class="subtitle">{SHOWN}</h2>', "")


def test_a_description_repeating_the_first_paragraph_is_no_subtitle(form_b: str) -> None:
    result = _extract(_with_description(form_b, FIRST, subtitle=False))
    assert result.fields["subtitle"] is None
    assert "subtitle" not in result.layers
    assert result.fields["body"].startswith(FIRST)


@pytest.mark.parametrize(
    ("description", "layer"), [(SHOWN, "jsonld"), ("Друго описание за търсачки", "selectors")]
)
def test_the_subtitle_is_the_one_shown(form_b: str, description: str, layer: str) -> None:
    result = _extract(_with_description(form_b, description))
    assert (result.fields["subtitle"], result.layers["subtitle"]) == (SHOWN, layer)


def test_without_the_known_markup_the_rendered_subtitle_decides() -> None:
    page = (FIXTURES / "bg_redesign.html").read_text(encoding="utf-8")
    shown = "Организаторите обещават ново издание догодина"
    first = "Фестивалът започна в събота следобед."
    page = page.replace(f'<div class="s6">{shown}</div>', "")
    result = extract_article(
        _with_description(page, first).encode("utf-8"),
        "https://fakti.bg/kultura-art/1040010-festival",
    )
    assert isinstance(result, Extracted)
    assert result.fields["subtitle"] != first
    assert result.fields["body"].startswith(first)


@pytest.mark.parametrize(
    "title", ["<title>Факти</title>", '<meta property="og:title" content="Fakti.bg">']
)
def test_a_title_that_is_only_the_site_name_is_no_headline(form_b: str, title: str) -> None:
    page = form_b.replace(
        "<title>Синтетична лаборатория обяви резултати от теста - Факти</title>", title
    )
    result = _extract(page)
    assert result.fields["headline"] == "Синтетична лаборатория обяви резултати от теста"
    assert result.layers["headline"] == "selectors"


def test_json_ld_authors_count_only_when_the_page_shows_them(form_b: str) -> None:
    page = _with_json_ld(form_b, author=_persons("Георги Иванов", "Друг"))
    result = _extract(page)
    assert (result.fields["authors"], result.layers["authors"]) == (["Георги Иванов"], "selectors")
    hidden = re.sub(r'<div class="author">.*?</div>', "", page, count=1)  # shows no author
    assert "Георги Иванов" not in hidden.partition("</head>")[2]
    assert _extract(hidden).fields["authors"] == []


@pytest.mark.parametrize(
    ("date_published", "expected", "layer"),
    [
        ("2025-08-25", "2025-08-25T07:10:00+03:00", "selectors"),  # date only: the page's time
        ("2025-08-25T07:10:00+03:00", "2025-08-25T07:10:00+03:00", "jsonld"),
        ("2025-08-24", "2025-08-25T07:10:00+03:00", "selectors"),  # no offset: the page's
        ("2025-08-24T00:00:00+03:00", "2025-08-24T00:00:00+03:00", "jsonld"),  # kept as given
    ],
)
def test_a_date_only_json_ld_time_gives_way_to_the_shown_time(
    form_b: str, date_published: str, expected: str, layer: str
) -> None:
    result = _extract(_with_json_ld(form_b, datePublished=date_published))
    assert (result.fields["published_at"], result.layers["published_at"]) == (expected, layer)


@pytest.mark.parametrize(
    ("published", "modified", "expected"),
    [
        # UTC without its `Z`: the page's times (the shown update too)
        ("2025-08-25T04:10:00", "2025-08-25T03:13:00", ("07:10:00", "06:13:00", "selectors")),
        ("2025-08-25T04:10:00", None, ("07:10:00", None, "selectors")),
        # the same minute as shown (seconds kept), or with an offset: as given
        ("2025-08-25T07:10:42", "2025-08-25T09:00:00", ("07:10:42", "09:00:00", "jsonld")),
        ("2025-08-25T04:10:00Z", "2025-08-25T05:00:00Z", ("07:10:00", "08:00:00", "jsonld")),
        ("2025-08-25T05:10:00+01:00", None, ("07:10:00", None, "jsonld")),
    ],
)
def test_a_json_ld_time_without_an_offset_gives_way_to_a_different_shown_time(
    form_b: str, published: str, modified: str | None, expected: tuple[str, ...]
) -> None:
    fields = {"datePublished": published} | ({"dateModified": modified} if modified else {})
    result = _extract(_with_json_ld(form_b, **fields))
    at, up, layer = expected
    assert result.fields["published_at"] == f"2025-08-25T{at}+03:00"
    assert result.layers["published_at"] == layer
    if up is None:  # the page shows its update (form B): that one, not an invented one
        assert result.fields["updated_at"] == "2025-08-25T06:13:00+03:00"
        assert result.layers["updated_at"] == "selectors"
    else:
        assert result.fields["updated_at"] == f"2025-08-25T{up}+03:00"


def test_a_meta_time_without_an_offset_on_a_page_without_known_markup(form_b: str) -> None:
    """The rendered text shows the date when the known classes are gone."""
    meta = '<meta property="article:published_time" content="2025-08-25T04:10:00">'
    page = form_b.replace('class="ndt"', 'class="when"').replace("</head>", meta + "</head>", 1)
    result = _extract(page)
    assert result.fields["published_at"] == "2025-08-25T07:10:00+03:00"
    assert result.layers["published_at"] == "text"
    assert result.fields["updated_at"] == "2025-08-25T06:13:00+03:00"


def test_structured_values_shown_without_the_known_classes_are_kept(form_b: str) -> None:
    """No `.author-name`/`.subtitle` element (modelled class names): the rendered text
    decides, and it shows both."""
    meta = f'<meta property="og:description" content="{SHOWN}">'
    page = _with_json_ld(form_b, meta, author=_persons("Георги Иванов"))
    page = page.replace('<h2 class="subtitle">', '<h2 class="lead">')
    page = page.replace('<a class="author-name" ', "<a ")
    result = _extract(page)
    assert (result.fields["subtitle"], result.layers["subtitle"]) == (SHOWN, "meta")
    assert (result.fields["authors"], result.layers["authors"]) == (["Георги Иванов"], "jsonld")


def test_a_date_only_publication_equal_to_the_modification_time_is_no_update(form_b: str) -> None:
    """``dateModified`` at the time the page shows as published: not an update."""
    dates = {"datePublished": "2025-08-25", "dateModified": "2025-08-25T07:10:00+03:00"}
    page = _with_json_ld(form_b, **dates).replace("07:10, обновена 25 Август, 2025 06:13", "07:10")
    fields = _extract(page).fields
    assert (fields["published_at"], fields["updated_at"]) == ("2025-08-25T07:10:00+03:00", None)


#: Meta times saying the article was modified (a year after it was published).
MODIFIED_META = (
    '<meta property="article:published_time" content="2025-08-25T07:10:00+03:00">'
    '<meta property="article:modified_time" content="2026-06-17T12:00:00+03:00">'
)
SAME_TIMES = {"datePublished": "2025-08-25T07:10:00+03:00"} | {
    "dateModified": "2025-08-25T07:10:00+03:00"
}


@pytest.mark.parametrize("shown_update", [True, False])
def test_json_ld_times_saying_no_update_outrank_a_meta_modified_time(
    form_b: str, shown_update: bool
) -> None:
    """§5: `updated_at` only for a shown update or a JSON-LD `dateModified` that differs."""
    page = _with_json_ld(form_b, MODIFIED_META, **SAME_TIMES)
    if not shown_update:
        page = page.replace("07:10, обновена 25 Август, 2025 06:13", "07:10")
    result = _extract(page)
    if shown_update:
        assert result.fields["updated_at"] == "2025-08-25T06:13:00+03:00"
        assert result.layers["updated_at"] == "selectors"
    else:
        assert result.fields["updated_at"] is None


def test_a_meta_modified_time_counts_without_a_json_ld_one(form_b: str) -> None:
    page = form_b.replace("07:10, обновена 25 Август, 2025 06:13", "07:10")
    page = page.replace("</head>", MODIFIED_META + "</head>", 1)
    result = _extract(page)
    assert result.fields["updated_at"] == "2026-06-17T12:00:00+03:00"
    assert result.layers["updated_at"] == "meta"


def test_a_title_with_a_further_suffix_gives_way_to_the_h1(form_b: str) -> None:
    title = "<title>Синтетична лаборатория обяви резултати от теста - Факти</title>"
    page = form_b.replace(title, title.replace(" - Факти", " - Технологии - Факти"))
    result = _extract(page)
    assert result.fields["headline"] == "Синтетична лаборатория обяви резултати от теста"
    assert result.layers["headline"] == "selectors"


def test_a_name_only_in_the_body_is_no_shown_author(form_b: str) -> None:
    page = _with_json_ld(form_b, author=_persons("Мария Синтетична"))
    page = re.sub(r'<div class="author">.*?</div>', "", page, count=1)
    page = page.replace(BODY_END, "<p>Коментар даде Мария Синтетична.</p>" + BODY_END)
    assert _extract(page).fields["authors"] == []


def test_a_description_without_a_subtitle_element_keeps_the_fast_path(form_b: str) -> None:
    """The header's own lines decide (no text layer, so no full parse)."""
    page = _with_description(form_b, FIRST, subtitle=False).encode("utf-8")
    fast = extract_fast(page, URL)
    assert fast is not None and fast.fields["subtitle"] is None
    assert fast == extract_article(page, URL, fast=False)


@pytest.mark.parametrize(
    "byline", ['<div class="byline">Георги Иванов</div>', "<div>Автор: Георги Иванов</div>"]
)
def test_json_ld_authors_shown_in_a_header_line_of_other_classes_are_kept(
    form_b: str, byline: str
) -> None:
    page = _with_json_ld(form_b, author=_persons("Георги Иванов"))
    page = re.sub(r'<div class="author">.*?</div>', byline, page)
    result = _extract(page)
    assert (result.fields["authors"], result.layers["authors"]) == (["Георги Иванов"], "jsonld")


def test_deeply_nested_header_markup_still_extracts(form_b: str) -> None:
    nested = "<div>" * 1000 + "Синтетичен ред" + "</div>" * 1000
    page = _with_description(form_b, FIRST, subtitle=False)
    result = _extract(page.replace('<div class="text">', nested + '<div class="text">', 1))
    assert result.fields["subtitle"] is None
    assert result.fields["body"].startswith(FIRST)


@pytest.mark.parametrize(
    "where",
    [
        ("<h1>Синтетична лаборатория", "<h1>Иванов: Синтетична лаборатория"),  # a longer word
        ("<figcaption>", "<figcaption>Иван "),  # named only in a caption
    ],
)
def test_an_author_name_must_be_a_whole_word_of_a_header_line(
    form_b: str, where: tuple[str, str]
) -> None:
    page = _with_json_ld(form_b, author=_persons("Иван"))
    page = re.sub(r'<div class="author">.*?</div>', "", page)
    assert where[0] in page
    assert _extract(page.replace(*where, 1)).fields["authors"] == []


def test_without_a_body_div_text_the_rendered_text_decides(form_b: str) -> None:
    page = _with_description(form_b, FIRST, subtitle=False)
    page = page.replace('<div class="text">', '<figure><div class="text"></div></figure><div>', 1)
    result = _extract(page)
    assert result.fields["subtitle"] != FIRST
    assert FIRST in result.fields["body"]


def test_without_an_article_element_the_header_is_read_in_main() -> None:
    """A page with no `article` reads its fields in `main`: a `.subtitle` before it (a site
    slogan) is not the article's subtitle."""
    page = (
        '<html lang="en"><head><title>Bridge opens - Fakti.bg</title></head><body>'
        '<div class="subtitle">Synthetic site slogan</div><main><h1>Bridge opens</h1>'
        '<div class="ndt">Apr 23, 2025 08:03</div><div class="nv">144</div>'
        '<div class="text"><p>First synthetic line.</p></div></main></body></html>'
    )
    result = _extract(page, EN_URL)
    assert (result.fields["headline"], result.fields["subtitle"]) == ("Bridge opens", None)
    assert result.fields["body"] == "First synthetic line."


def test_the_headline_is_the_first_h1_of_the_article() -> None:
    """A later `h1` in the article (a closing banner) is not the headline."""
    page = (
        '<html lang="en"><head></head><body><main><article><h1>Bridge opens</h1>'
        '<div class="ndt">Apr 23, 2025 08:03</div><div class="nv">144</div>'
        '<div class="text"><p>First synthetic line.</p></div>'
        "<h1>Synthetic closing banner</h1></article></main></body></html>"
    )
    result = _extract(page, EN_URL)
    assert (result.fields["headline"], result.layers["headline"]) == ("Bridge opens", "selectors")


#: A "not found" page served with 200 at an article URL: its only date is another story's,
#: in a "latest news" item (`{item}`) after the error's h1.
NOT_FOUND = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Fakti.bg</title></head>'
    '<body><main id="main"><h1>Error 404</h1><p>Sorry, this synthetic page is gone.</p>'
    "<h3>Latest news</h3>{item}</main></body></html>"
)
LISTING_ITEM = (
    '<article class="panel selected-ln"><a href="{href}"><span class="article-title">'
    'Synthetic other story</span></a><div class="ndt">Jun 14, 2026 10:00</div>'
    '<div class="nv">99</div></article>'
)


@pytest.mark.parametrize(
    ("url", "href"),
    [
        (EN_URL, "/en/world/1040091-other"),
        (EN_URL, "https://fakti.bg/en/amp/world/1040091-x"),
        (EN_URL, "../world/1040091-other"),  # relative to the page's URL
        (EN_URL, "https://fakti.bg./en/world/1040091-other"),
        # the replica's or a mirror's own host
        ("http://127.0.0.1:8765/en/world/1050001-bridge-opens", "/en/world/1040091-other"),
        (
            "http://127.0.0.1:8765/en/world/1050001-bridge-opens",
            "http://127.0.0.1:8765/en/world/1040091-other",
        ),
    ],
)
def test_a_listing_items_date_is_no_date_of_the_page(url: str, href: str) -> None:
    """The first `.ndt` of a "not found" page, in another story's box, gave the record that
    story's date and views (`Error 404`, 2026-06-14T10:00+03:00, 99 views): the key was then
    never asked for again. The page is now a reject, asked for again next run."""
    page = NOT_FOUND.format(item=LISTING_ITEM.format(href=href))
    result = extract_article(page.encode(), url)
    assert isinstance(result, Rejected) and result.reason == "missing:published_at"
    assert (result.fields["headline"], result.fields["views"]) == ("Error 404", None)


def _card(i: int, lead: str = "") -> str:
    """A card like :data:`LISTING_ITEM`, linking to the story ``1040090 + i``, with ``lead``."""
    item = LISTING_ITEM.format(href=f"/en/world/{1040090 + i}-other-{i}")
    return item.replace("</article>", f"{lead}</article>")


#: A lead of about 120 characters.
LEAD = "<p>" + "The synthetic lead of another story, a sentence or two long. " * 2 + "</p>"


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "full"])
@pytest.mark.parametrize(
    "cards",
    [[_card(i) for i in range(19)], [_card(i, LEAD) for i in range(4)]],
    ids=["19 title-only cards", "4 cards with leads"],
)
def test_a_listing_items_date_in_a_list_of_cards_is_no_date_of_the_page(
    cards: list[str], fast: bool
) -> None:
    """The card test measured the whole box around the date line (the list, over 300
    characters besides its links and date lines), not the card: a "latest news" list of 19
    title-only cards, or of 4 cards with a lead, dated the "not found" page by its first card
    (2026-06-14T10:00+03:00, 90 views). The card is the date line's lowest ancestor holding a
    link to another story."""
    page = NOT_FOUND.format(item='<section class="latest">' + "".join(cards) + "</section>")
    result = extract_article(page.encode(), EN_URL, fast=fast)
    assert isinstance(result, Rejected) and result.reason == "missing:published_at"
    assert (result.fields["headline"], result.fields["views"]) == ("Error 404", None)


#: :data:`LISTING_ITEM` linking to another story of the edition.
CARD = LISTING_ITEM.format(href="/en/world/1040091-other")


def _card_with(extra: str) -> str:
    """:data:`CARD` with ``extra`` at its end."""
    return CARD.replace("</article>", f"{extra}</article>")


def _undated(page: str, url: str = EN_URL) -> None:
    """The page is a reject without a date: its only date line is another story's card's."""
    result = extract_article(page.encode(), url)
    assert isinstance(result, Rejected) and result.reason == "missing:published_at", result
    assert (result.fields["headline"], result.fields["views"]) == ("Error 404", None)


@pytest.mark.parametrize(
    "card",
    [
        _card_with(f"<p>{'x' * 300}</p>"),
        # its counts aside too: 298 characters besides `99` and `55`
        _card_with(f'<div class="nc">55</div><p>{"x" * 298}</p>'),
        CARD.replace("Synthetic other story", "y" * 400),  # its title link's text
        _card_with(f"<script>{'z' * 400}</script>"),  # a hidden tag's
        # the date line in a box of its own in the card
        _card_with("</div>").replace('<div class="ndt">', '<div class="info"><div class="ndt">'),
        # the card is the link
        '<a class="panel" href="/en/world/1040091-other"><span>Synthetic other story</span>'
        '<div class="ndt">Jun 14, 2026 10:00</div><div class="nv">99</div></a>',
        # no §5 markup (the text layer): the date line's block, date and views, aside
        '<article class="panel"><a href="/en/world/1040091-other">Synthetic other story</a>'
        f"<div>Jun 14, 2026 10:00</div><div>99</div><p>{'x' * 299}</p></article>",
    ],
    ids=["300 characters", "counts", "long title", "script", "date box", "link", "text layer"],
)
def test_a_card_shows_at_most_300_characters_besides_its_links_and_date_line(card: str) -> None:
    """Another story's card (the date line's lowest ancestor with a link to it, the link
    itself too) shows at most 300 characters, whitespace aside, besides its links, its date
    line's date, views and comments, and hidden tags."""
    _undated(NOT_FOUND.format(item=card))


@pytest.mark.parametrize("lead", [f"<p>{'x' * 301}</p>", f"<br>{'x' * 301}"], ids=["p", "tail"])
def test_a_box_showing_more_than_300_characters_besides_its_links_is_no_card(lead: str) -> None:
    """301 characters besides its links and date line, in an element or a tail: the box is
    no card, its date line stands."""
    result = extract_article(NOT_FOUND.format(item=_card_with(lead)).encode(), EN_URL)
    assert isinstance(result, Extracted)
    assert (result.fields["published_at"], result.fields["views"]) == (
        "2026-06-14T10:00:00+03:00",
        99,
    )


def test_without_an_h1_the_text_layers_headline_line_tells_a_card() -> None:
    """No `h1` and no §5 markup: the headline's line (found by the title) is the header a
    card is told from; the card's date is no date of the page."""
    page = (
        '<html lang="en"><head><title>Error 404 - Fakti.bg</title></head><body><main>'
        '<div class="title">Error 404</div><p>Sorry, this synthetic page is gone.</p>'
        '<article class="panel"><a href="/en/world/1040091-other">Synthetic other story</a>'
        "<div>Jun 14, 2026 10:00</div><div>99</div></article></main></body></html>"
    )
    _undated(page)


def test_with_neither_an_h1_nor_a_body_a_cards_date_stands() -> None:
    """README's limit: with neither an `h1` nor a `div.text` there is no header to tell a
    card from, and its date stands."""
    page = (
        '<html lang="en"><head><title>Bridge opens - Fakti.bg</title></head><body><main>'
        f"{CARD}</main></body></html>"
    )
    result = extract_article(page.encode(), EN_URL)
    assert isinstance(result, Extracted)
    assert (result.fields["published_at"], result.fields["views"]) == (
        "2026-06-14T10:00:00+03:00",
        99,
    )


@pytest.mark.parametrize(
    "link",
    [
        '<a href="/en/world/1050001-bridge-opens#comments">12 comments</a>',  # this article
        '<a href="/en/world">World</a>',  # a section
        '<a href="/en/author/synthetic-author">Synthetic Author</a>',
        # a language switch to the translation (the other edition; its id, or another)
        '<a class="lang" href="/world/1050001-most">BG</a>',
        '<a class="lang" href="/world/1000001-prevod">BG</a>',
        '<a href="https://www.example.org/world/234567-x">Source</a>',  # another site
    ],
)
def test_the_headers_date_beside_a_link_to_no_other_article_is_read(link: str) -> None:
    """The header's own box may link to this article (its comments), a section, an author,
    the other edition's translation or another site's page: no box of another story (a
    language switch in `div.info` dropped the date and views of 2,790 of 2,796 replica
    pages)."""
    page = (
        '<html lang="en"><head><title>Bridge opens - Fakti.bg</title></head><body><main>'
        '<article><h1>Synthetic bridge opens to traffic</h1><div class="info">'
        f'<div class="ndt">Apr 23, 2025 08:03</div><div class="nv">144</div>{link}</div>'
        '<div class="text"><p>First synthetic paragraph.</p>'
        '<p>Read more: <a href="/en/world/1040092-x">Other synthetic story</a></p></div>'
        "</article></main></body></html>"
    )
    fields = _extract(page, EN_URL).fields
    assert (fields["published_at"], fields["views"]) == ("2025-04-23T08:03:00+03:00", 144)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "full"])
def test_a_date_line_in_a_wrapper_with_the_body_and_a_link_is_the_pages(fast: bool) -> None:
    """A wrapper after the h1 holding the `.ndt` and the body (no `div.text`), whose body
    links to another article, is no other story's card: it holds the article's text (the
    date was dropped, the page a reject missing:published_at)."""
    para = "<p>" + "Synthetic words of the story that go on for a while here. " * 4 + "</p>"
    page = (
        '<html lang="en"><head><title>Bridge opens - Fakti.bg</title></head><body><main>'
        '<article><h1>Synthetic bridge opens to traffic</h1><div class="content">'
        '<div class="info"><div class="ndt">Apr 23, 2025 08:03</div><div class="nv">144</div>'
        f'</div>{para}<p>As we <a href="/en/world/1040092-x">reported</a> before.</p>{para}'
        "</div></article></main></body></html>"
    )
    result = extract_article(page.encode(), EN_URL, fast=fast)
    assert isinstance(result, Extracted), result
    fields = result.fields
    assert (fields["published_at"], fields["views"]) == ("2025-04-23T08:03:00+03:00", 144)
    assert "As we reported before." in fields["body"]


def test_a_wrapper_of_the_date_line_and_a_short_body_div_text_is_no_card() -> None:
    """The body's `div.text` is the article's text as the `h1` is: a wrapper holding it and
    the date line is no card, short as the body is and whatever it links to."""
    page = (
        '<html lang="en"><head><title>Bridge opens - Fakti.bg</title></head><body><main>'
        '<article><h1>Synthetic bridge opens to traffic</h1><div class="content">'
        '<div class="info"><div class="ndt">Apr 23, 2025 08:03</div><div class="nv">144</div>'
        '</div><div class="text"><p>As we <a href="/en/world/1040092-x">reported</a> before.</p>'
        "</div></div></article></main></body></html>"
    )
    result = _extract(page, EN_URL)
    assert (result.fields["published_at"], result.fields["views"]) == (
        "2025-04-23T08:03:00+03:00",
        144,
    )
    assert result.layers["published_at"] == "selectors"
