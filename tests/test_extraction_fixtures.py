"""Synthetic article pages (tests/fixtures/extraction): one assertion per field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsspider.extraction import Extracted, extract_article

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"


def extract(name: str, url: str, content_type: str | None = None) -> Extracted:
    result = extract_article((FIXTURES / name).read_bytes(), url, content_type=content_type)
    assert isinstance(result, Extracted), result
    return result


@pytest.fixture(scope="module")
def form_a() -> Extracted:
    return extract(
        "bg_form_a.html", "https://www.fakti.bg/bulgaria/1040001-sintetichen-grad?utm_source=x"
    )


def test_form_a_url(form_a: Extracted) -> None:
    assert (
        form_a.fields["url"]
        == "https://fakti.bg/bulgaria/1040001-sintetichen-grad-otkriva-nov-most"
    )


def test_form_a_key(form_a: Extracted) -> None:
    assert (form_a.fields["article_id"], form_a.fields["lang"], form_a.fields["section"]) == (
        1040001,
        "bg",
        "bulgaria",
    )


def test_form_a_headline(form_a: Extracted) -> None:
    assert form_a.fields["headline"] == "Синтетичен град открива нов мост над реката"


def test_form_a_subtitle(form_a: Extracted) -> None:
    assert form_a.fields["subtitle"] == "Общината обещава движение без задръствания до пролетта"


def test_form_a_published(form_a: Extracted) -> None:
    assert form_a.fields["published_at"] == "2026-01-09T23:13:00+02:00"


def test_form_a_updated(form_a: Extracted) -> None:
    assert form_a.fields["updated_at"] is None


def test_form_a_views(form_a: Extracted) -> None:
    assert form_a.fields["views"] == 2542


def test_form_a_comments(form_a: Extracted) -> None:
    assert form_a.fields["comments"] == 7


def test_form_a_authors(form_a: Extracted) -> None:
    assert form_a.fields["authors"] == ["Ивана Петрова"]


def test_form_a_tags(form_a: Extracted) -> None:
    assert form_a.fields["tags"] == ["Инфраструктура", "мостове", "реки", "община"]


def test_form_a_image(form_a: Extracted) -> None:
    assert form_a.fields["image_url"] == "https://fakti.bg/photos/big/abc/sintetichen-most-1.jpg"


def test_form_a_body(form_a: Extracted) -> None:
    assert form_a.fields["body"] == (
        "Първият абзац описва церемонията по откриването на синтетичния мост.\n\n"
        "Вторият абзац съдържа връзка и удебелен текст.\n\n"
        "Третият абзац завършва статията."
    )


def test_form_a_layers(form_a: Extracted) -> None:
    assert form_a.layers == {
        "url": "url", "article_id": "url", "lang": "url", "section": "url",
        "headline": "meta", "subtitle": "selectors", "published_at": "selectors",
        "views": "selectors", "comments": "selectors", "authors": "selectors",
        "tags": "selectors", "image_url": "selectors", "body": "selectors",
    }  # fmt: skip


@pytest.fixture(scope="module")
def form_b() -> Extracted:
    return extract("bg_form_b.html", "https://fakti.bg/technozone/1040002-sintetichna-laboratoriya")


def test_form_b_published(form_b: Extracted) -> None:
    assert form_b.fields["published_at"] == "2025-08-25T07:10:00+03:00"


def test_form_b_updated_kept_even_if_earlier(form_b: Extracted) -> None:
    assert form_b.fields["updated_at"] == "2025-08-25T06:13:00+03:00"


def test_form_b_no_counts(form_b: Extracted) -> None:
    assert (form_b.fields["views"], form_b.fields["comments"]) == (None, None)


def test_form_b_author_with_long_role(form_b: Extracted) -> None:
    assert form_b.fields["authors"] == ["Георги Иванов"]


def test_form_b_image(form_b: Extracted) -> None:
    assert form_b.fields["image_url"] == (
        "https://cdn4.focus.bg/fakti/photos/16x9/0ab/sintetichna-laboratoriya-1.webp"
    )


def test_form_b_body(form_b: Extracted) -> None:
    assert form_b.fields["body"] == (
        "Лабораторията проведе серия от синтетични опити.\n\nРезултатите са предварителни."
    )


def test_form_b_subtitle_and_tags(form_b: Extracted) -> None:
    assert form_b.fields["subtitle"] == "Данните ще бъдат публикувани изцяло следващата седмица"
    assert form_b.fields["tags"] == []


@pytest.fixture(scope="module")
def form_c() -> Extracted:
    return extract("bg_form_c.html", "https://fakti.bg/sport/1040003-sintetichen-otbor")


def test_form_c_date_only_is_local_midnight(form_c: Extracted) -> None:
    assert form_c.fields["published_at"] == "2025-08-29T00:00:00+03:00"


def test_form_c_nulls(form_c: Extracted) -> None:
    f = form_c.fields
    assert (f["subtitle"], f["updated_at"], f["views"], f["comments"], f["image_url"]) == (
        None, None, None, None, None,
    )  # fmt: skip
    assert (f["authors"], f["tags"]) == ([], [])


def test_form_c_headline_and_body(form_c: Extracted) -> None:
    assert form_c.fields["headline"] == "Синтетичен отбор спечели турнира"
    assert form_c.fields["body"] == "Отборът победи във финала след продължения."


@pytest.fixture(scope="module")
def opinion() -> Extracted:
    return extract("opinion.html", "https://fakti.bg/mnenia/1040004-sintetichno-mnenie")


def test_opinion_disclaimer_sentence_dropped(opinion: Extracted) -> None:
    assert opinion.fields["body"] == (
        "Първото изречение на статията остава.\n\nВторото изречение е самостоятелен абзац."
    )


def test_opinion_meta_layer(opinion: Extracted) -> None:
    assert opinion.fields["headline"] == "Синтетично мнение за градския транспорт"
    assert opinion.layers["headline"] == "meta"
    assert opinion.fields["subtitle"] == "Авторът предлага три промени"
    assert (
        opinion.fields["image_url"]
        == "https://cdn4.focus.bg/fakti/photos/fb/1c2/sintetichno-mnenie-1.jpg"
    )
    assert opinion.layers["image_url"] == "meta"


def test_opinion_author_and_counts(opinion: Extracted) -> None:
    assert opinion.fields["authors"] == ["Мария Колева"]
    assert (opinion.fields["views"], opinion.fields["comments"]) == (88, 3)
    assert opinion.fields["section"] == "mnenia"


@pytest.fixture(scope="module")
def broken() -> Extracted:
    return extract("broken.html", "https://fakti.bg/en/amp/world/1040005-synthetic-harbour-reopens")


def test_broken_headline(broken: Extracted) -> None:
    assert broken.fields["headline"] == "Synthetic harbour reopens after storm"


def test_broken_subtitle_unquoted_class(broken: Extracted) -> None:
    assert broken.fields["subtitle"] == "Ships return within hours"


def test_broken_autumn_repeated_hour(broken: Extracted) -> None:
    assert broken.fields["published_at"] == "2025-10-26T03:30:00+03:00"


def test_broken_views(broken: Extracted) -> None:
    assert broken.fields["views"] == 1204


def test_broken_image(broken: Extracted) -> None:
    assert (
        broken.fields["image_url"]
        == "https://cdn4.focus.bg/fakti/photos/big/2d3/synthetic-harbour-1.jpg"
    )


def test_broken_body_survives_stray_div(broken: Extracted) -> None:
    assert broken.fields["body"] == (
        "The first paragraph has no closing tag\n\n"
        "The second paragraph follows a stray closing div.\n\n"
        "The third paragraph ended up outside the text block.\n\n"
        "The fourth & last paragraph."
    )


def test_broken_url_from_amp_request(broken: Extracted) -> None:
    assert broken.fields["url"] == "https://fakti.bg/en/world/1040005-synthetic-harbour-reopens"
    assert broken.fields["lang"] == "en"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("cp1251_header.html", "text/html; charset=windows-1251"), ("cp1251_meta.html", "text/html")],
)
def test_windows_1251(name: str, content_type: str) -> None:
    result = extract(name, "https://fakti.bg/biznes/1040006-sintetichen-pazar", content_type)
    f = result.fields
    assert f["headline"] == "Синтетичен пазар отваря врати"
    assert f["subtitle"] == "Търговците очакват много посетители"
    assert f["published_at"] == "2025-05-05T12:00:00+03:00"
    assert (f["views"], f["comments"]) == (1001, 2)
    assert f["body"] == "Пазарът работи всеки ден от осем часа.\n\nВходът е свободен – „без такси“."


def test_windows_1251_without_any_declaration() -> None:
    data = (FIXTURES / "cp1251_header.html").read_bytes()
    result = extract_article(data, "https://fakti.bg/biznes/1040006-sintetichen-pazar")
    assert isinstance(result, Extracted)
    assert result.fields["headline"] == "Синтетичен пазар отваря врати"


def test_no_paragraphs_is_an_article_with_empty_body() -> None:
    result = extract("no_paragraphs.html", "https://fakti.bg/en/video/1040007-synthetic-video")
    assert result.fields["body"] == ""
    assert result.layers["body"] == "selectors"
    assert result.fields["headline"] == "Synthetic video of a parade"
    assert result.fields["published_at"] == "2026-01-15T09:00:00+02:00"
    assert result.fields["updated_at"] is None  # dateModified == datePublished
    assert result.fields["views"] == 12


@pytest.mark.parametrize(
    ("inner", "body"),
    [
        (
            "<div>Първи синтетичен абзац.</div><div>Втори синтетичен абзац.</div>",
            "Първи синтетичен абзац.\n\nВтори синтетичен абзац.",
        ),
        ("Първи синтетичен абзац.<br><br>Втори.", "Първи синтетичен абзац.\n\nВтори."),
        ("Първи синтетичен<br>абзац.<br>\n <br><br>Втори.", "Първи синтетичен абзац.\n\nВтори."),
        ('<div class="video-embed"><iframe src="https://example.org/v"></iframe></div>', ""),
    ],
)
def test_text_in_div_text_without_paragraphs_is_not_lost(inner: str, body: str) -> None:
    """`div.text` whose text is not in `p` elements: the text layer reads the body."""
    page = (FIXTURES / "bg_form_b.html").read_text(encoding="utf-8")
    paras = (
        "<p>Лабораторията проведе серия от синтетични опити.</p>\n"
        "<p>Резултатите са предварителни.</p>"
    )
    assert paras in page
    result = extract_article(
        page.replace(paras, inner).encode("utf-8"),
        "https://fakti.bg/technozone/1040002-sintetichna-laboratoriya",
    )
    assert isinstance(result, Extracted)
    assert result.fields["body"] == body
    assert result.layers["body"] == ("text" if body else "selectors")
    assert result.fields["authors"] == ["Георги Иванов"]


@pytest.fixture(scope="module")
def utc() -> Extracted:
    return extract("jsonld_utc.html", "https://fakti.bg/en/world/1040008-synthetic-bridge")


def test_jsonld_headline_wins(utc: Extracted) -> None:
    assert utc.fields["headline"] == "Synthetic bridge opens at dawn"
    assert utc.layers["headline"] == "jsonld"


def test_jsonld_z_converted_to_sofia(utc: Extracted) -> None:
    assert utc.fields["published_at"] == "2025-07-01T08:03:00+03:00"


def test_jsonld_modified_differs(utc: Extracted) -> None:
    assert utc.fields["updated_at"] == "2025-07-01T12:30:00+03:00"
    assert utc.layers["updated_at"] == "jsonld"


def test_jsonld_description_image_person(utc: Extracted) -> None:
    # The page shows no subtitle: the JSON-LD description is not one (§5: null when none).
    assert utc.fields["subtitle"] is None
    assert "subtitle" not in utc.layers
    assert (
        utc.fields["image_url"] == "https://cdn4.focus.bg/fakti/photos/big/9aa/jsonld-image-1.jpg"
    )
    # nor are the JSON-LD authors: the (English) page shows none (§5: authors as shown)
    assert utc.fields["authors"] == []


def test_jsonld_views_from_selectors(utc: Extracted) -> None:
    assert utc.fields["views"] == 5067
    assert utc.layers["views"] == "selectors"


@pytest.fixture(scope="module")
def entities() -> Extracted:
    return extract("title_entities.html", "https://fakti.bg/life/1040009-kotki-i-kucheta")


def test_title_suffix_and_entities(entities: Extracted) -> None:
    assert entities.fields["headline"] == 'Котки & кучета: "синтетично" заглавие'


def test_title_page_rest_from_text_layer(entities: Extracted) -> None:
    f = entities.fields
    assert f["published_at"] == "2026-03-12T14:20:00+02:00"
    assert (f["views"], f["comments"]) == (40, 1)
    assert f["body"] == "Единственият абзац на страницата."
    assert entities.layers["published_at"] == "text"


@pytest.fixture(scope="module")
def bg_redesign() -> Extracted:
    return extract("bg_redesign.html", "https://fakti.bg/kultura-art/1040011-sintetichen-festival")


def test_bg_redesign_header(bg_redesign: Extracted) -> None:
    f = bg_redesign.fields
    assert f["headline"] == "Синтетичен фестивал събра хиляди"
    assert f["subtitle"] == "Организаторите обещават ново издание догодина"
    assert f["published_at"] == "2026-06-14T18:45:00+03:00"
    assert (f["views"], f["comments"]) == (5067, 12)


def test_bg_redesign_people_and_tags(bg_redesign: Extracted) -> None:
    assert bg_redesign.fields["authors"] == ["Елена Димитрова"]
    assert bg_redesign.fields["tags"] == ["Култура", "музика", "лято", "фестивали"]


def test_bg_redesign_image(bg_redesign: Extracted) -> None:
    assert bg_redesign.fields["image_url"] == (
        "https://cdn4.focus.bg/fakti/photos/big/7e1/sintetichen-festival-1.jpg"
    )


def test_bg_redesign_body_stops_before_footer(bg_redesign: Extracted) -> None:
    assert bg_redesign.fields["body"] == (
        "Фестивалът започна в събота следобед.\n\nВторият ден беше посветен на местни изпълнители."
    )


def test_bg_redesign_layers(bg_redesign: Extracted) -> None:
    layers = bg_redesign.layers
    assert (layers["headline"], layers["published_at"], layers["body"]) == ("meta", "text", "text")


#: A site logo as the page's declared image (a default share image, not an article photo).
LOGO = "https://fakti.bg/images/fakti-logo.png"


@pytest.mark.parametrize(
    "line", ["3 мин. четене", "Платена публикация", "Последвайте ни в Google News"]
)
def test_an_unknown_header_line_is_no_subtitle(line: str) -> None:
    page = (FIXTURES / "bg_form_a.html").read_text(encoding="utf-8")
    page = re.sub(r'<h2 class="subtitle">.*?</h2>', "", page)
    page = page.replace('<ul class="tags">', f'<div class="x1">{line}</div><ul class="tags">')
    result = extract_article(page.encode("utf-8"), FORM_A[1])
    assert isinstance(result, Extracted)
    assert result.fields["subtitle"] is None
    assert result.fields["tags"] == ["Инфраструктура", "мостове", "реки", "община"]


def _declaring(image: str, name: str, url: str, *, figure: str | None = "figure") -> Extracted:
    """The fixture with ``image`` as its JSON-LD and `og:image`; its `figure` dropped
    (``figure=None``) or renamed."""
    declared = (
        f'<meta property="og:image" content="{image}">'
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "image": "{image}"}}'
        "</script>"
    )
    page = (FIXTURES / name).read_text(encoding="utf-8").replace("</head>", declared + "</head>", 1)
    if figure != "figure":
        kept = figure or ""
        page, n = re.subn(
            r"<figure.*?</figure>",
            lambda m: m.group(0).replace("figure", kept) if kept else "",
            page,
            flags=re.DOTALL,
        )
        assert n == 1
    result = extract_article(page.encode("utf-8"), url)
    assert isinstance(result, Extracted), result
    return result


FORM_A = ("bg_form_a.html", "https://fakti.bg/bulgaria/1040001-sintetichen-grad")


def test_a_logo_as_declared_image_gives_way_to_the_photo_in_the_page() -> None:
    form_a = _declaring(LOGO, *FORM_A)
    assert form_a.fields["image_url"] == "https://fakti.bg/photos/big/abc/sintetichen-most-1.jpg"
    assert form_a.layers["image_url"] == "selectors"
    redesign = _declaring(
        LOGO, "bg_redesign.html", "https://fakti.bg/kultura-art/1040011-sintetichen-festival"
    )
    assert redesign.fields["image_url"] == (
        "https://cdn4.focus.bg/fakti/photos/big/7e1/sintetichen-festival-1.jpg"
    )
    assert redesign.layers["image_url"] == "selectors"
    # an image outside `figure`: only the text layer (the §3 caption slot) finds it
    redesign = _declaring(
        LOGO,
        "bg_redesign.html",
        "https://fakti.bg/kultura-art/1040011-sintetichen-festival",
        figure="div",
    )
    assert redesign.fields["image_url"] == (
        "https://cdn4.focus.bg/fakti/photos/big/7e1/sintetichen-festival-1.jpg"
    )
    assert redesign.layers["image_url"] == "text"


def test_a_logo_as_declared_image_is_kept_when_the_page_shows_no_photo() -> None:
    form_a = _declaring(LOGO, *FORM_A, figure=None)
    assert form_a.fields["image_url"] == LOGO
    assert form_a.layers["image_url"] == "jsonld"


def test_the_first_of_two_figure_photos_is_the_image() -> None:
    """Of two photos in `figure`s, the first one shown is the article's image."""
    page = (FIXTURES / "bg_form_a.html").read_text(encoding="utf-8")
    second = '<figure><img src="/photos/big/abc/vtora-snimka-2.jpg" alt="Втора"></figure>'
    page = page.replace("</figure>", "</figure>" + second, 1)
    result = extract_article(page.encode("utf-8"), FORM_A[1])
    assert isinstance(result, Extracted)
    assert (result.fields["image_url"], result.layers["image_url"]) == (
        "https://fakti.bg/photos/big/abc/sintetichen-most-1.jpg",
        "selectors",
    )


def test_an_amp_img_outside_figure_is_the_image() -> None:
    """An `amp-img` is the article's photo even outside `figure`/`picture`."""
    amp = '<amp-img src="/photos/big/abc/amp-most-1.jpg" width="800" height="450"></amp-img>'
    page = (FIXTURES / "bg_form_a.html").read_text(encoding="utf-8")
    page, n = re.subn(r"<figure>.*?</figure>", amp, page, count=1, flags=re.DOTALL)
    assert n == 1
    result = extract_article(page.encode("utf-8"), FORM_A[1])
    assert isinstance(result, Extracted)
    assert (result.fields["image_url"], result.layers["image_url"]) == (
        "https://fakti.bg/photos/big/abc/amp-most-1.jpg",
        "selectors",
    )


def test_a_declared_photo_wins_over_the_page_image() -> None:
    photo = "https://cdn4.focus.bg/fakti/photos/fb/abc/sintetichen-most-1.jpg"
    form_a = _declaring(photo, *FORM_A)
    assert (form_a.fields["image_url"], form_a.layers["image_url"]) == (photo, "jsonld")


def test_a_renamed_author_class_falls_back_to_the_rendered_text() -> None:
    """§5: where an element is missing, the next layer: a renamed author class (the rest of
    the known markup intact) must not turn the authors empty."""
    page = (FIXTURES / "bg_form_a.html").read_text(encoding="utf-8")
    page = page.replace('class="author-name"', 'class="byline"')
    result = extract_article(page.encode("utf-8"), FORM_A[1])
    assert isinstance(result, Extracted)
    assert (result.fields["authors"], result.layers["authors"]) == (["Ивана Петрова"], "text")
    assert result.fields["tags"] == ["Инфраструктура", "мостове", "реки", "община"]


def test_renamed_tag_bullets_invent_no_tags() -> None:
    """Tags are not looked for in the rendered text of a page with the known markup: short
    links after the date or the body (a section label, print/send tools) are no tags."""
    page = (FIXTURES / "bg_form_a.html").read_text(encoding="utf-8")
    page = page.replace('<ul class="tags">', '<ul class="etiketi">')
    page = page.replace(
        '<div class="info">',
        '<div class="cat"><a href="/bulgaria">България</a></div><div class="info">',
    )
    result = extract_article(page.encode("utf-8"), FORM_A[1])
    assert isinstance(result, Extracted)
    assert result.fields["tags"] == ["Инфраструктура", "реки", "община"]
    assert result.layers["tags"] == "selectors"
