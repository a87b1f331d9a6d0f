"""Review fixes: author slot, subtitle, related links vs tags and body, ad labels, and date
lines made of inline elements (fakti-site.md §2, §3, §5). All text is synthetic."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsspider.extraction import Extracted, extract_article, extract_from_text
from newsspider.extraction import patterns as P
from newsspider.extraction.body import author_from_line, is_related

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"
REDESIGN = (FIXTURES / "bg_redesign.html").read_text(encoding="utf-8")
FORM_A = (FIXTURES / "bg_form_a.html").read_text(encoding="utf-8")
RED_URL = "https://fakti.bg/kultura-art/1040010-sintetichen-festival"
A_URL = "https://fakti.bg/bulgaria/1040001-sintetichen-grad-otkriva-nov-most"
BG_URL = "https://fakti.bg/bulgaria/1040030-sintetichen-tekst"

# Parts of the redesign fixture (unknown class names: the text layer reads it).
P1 = "<p>Фестивалът започна в събота следобед.</p>"
P2 = "<p>Вторият ден беше посветен на местни изпълнители.</p>"
AUTHOR = (
    '<div class="u1"><a class="u2" href="/author/elena-dimitrova">Елена Димитрова</a> '
    '<span class="u3">Елена Димитрова</span> <span class="u4">Автор във Fakti.bg</span></div>'
)
SUBTITLE = '<div class="s6">Организаторите обещават ново издание догодина</div>'
FIGURE = REDESIGN[REDESIGN.index('<figure class="f0">') : REDESIGN.index("</figure>") + 9]
DATE = '<div class="d5">14 Юни, 2026 18:45 5 067 12</div>'
BOTTOM_TAGS = (
    '<div class="y4"><a href="/tag/festivali">фестивали</a> <a href="/tag/muzika">музика</a></div>'
)
RELATED_BLOCK = (
    '<div class="z9"><h4>Прочетете още</h4><ul><li><a href="/kultura-art/1038000-c">'
    "Свързана новина</a></li></ul></div>"
)

HEADLINE = "Синтетичен град открива нов мост"
BG_TEXT = f"""{HEADLINE}
Тема: Инфраструктура
9 Януари, 2026 23:13 2 542 7
• мостове
Общината обещава движение без задръствания
{HEADLINE} - 1
Снимка: Архив
Ивана Петрова
Ивана Петрова
Автор във Fakti.bg
Първият абзац описва церемонията.
Вторият абзац продължава.
"""


def _page(page: str, url: str = RED_URL) -> Extracted:
    result = extract_article(page.encode("utf-8"), url)
    assert isinstance(result, Extracted), result
    return result


def _edited(page: str, url: str, body_layer: str, edits: tuple[tuple[str, str], ...]) -> Extracted:
    """``page`` with each ``(old, new)`` replaced (``old`` must be there), extracted; its body
    must come from ``body_layer``."""
    for old, new in edits:
        assert old in page, old
        page = page.replace(old, new)
    result = _page(page, url)
    assert result.layers["body"] == body_layer
    return result


def _redesign(*edits: tuple[str, str]) -> Extracted:
    return _edited(REDESIGN, RED_URL, "text", edits)


def _form_a(*edits: tuple[str, str]) -> Extracted:
    return _edited(FORM_A, A_URL, "selectors", edits)


def _text(text: str) -> Extracted:
    result = extract_from_text(text, BG_URL)
    assert isinstance(result, Extracted), result
    return result


# --- 1. the author line only in its slot, the name shown twice ------------------------------


def test_author_helper_needs_a_doubled_name_or_a_known_role() -> None:
    assert author_from_line("Повече подробности във Fakti.bg") == (None, False)
    line = "Това каза Петър Иванов, главен редактор във Fakti.bg"
    assert author_from_line(line)[1] is False
    assert author_from_line("Анна Б Анна Б Главен редактор във Fakti.bg") == ("Анна Б", True)


@pytest.mark.parametrize(
    "author",
    [
        "Ивана Петрова Ивана Петрова Специален кореспондент във Fakti.bg",  # role not listed
        "Ивана Петрова\nАвтор във Fakti.bg",  # the name shown once, then the role
        "Ивана Петрова Автор във Fakti.bg",
    ],
)
def test_text_author_line_variants_keep_the_body(author: str) -> None:
    text = BG_TEXT.replace("Ивана Петрова\nИвана Петрова\nАвтор във Fakti.bg", author)
    assert author in text
    f = _text(text).fields
    assert f["authors"] == ["Ивана Петрова"]
    assert f["body"] == "Първият абзац описва церемонията.\n\nВторият абзац продължава."


def test_text_a_hyphenated_name_is_no_name_shown_twice() -> None:
    """`Жан-Жан` is one name, not `Жан` shown twice (only a space or nothing joins the two):
    the line is no author line and stays body text."""
    line = "Жан-Жан Автор във Fakti.bg"
    f = _text(BG_TEXT.replace("Ивана Петрова\nИвана Петрова\nАвтор във Fakti.bg", line)).fields
    assert f["authors"] == []
    assert f["body"] == f"{line}\n\nПървият абзац описва церемонията.\n\nВторият абзац продължава."


def test_text_body_line_ending_in_fakti_stays_in_body() -> None:
    f = _text(BG_TEXT + "Повече подробности във Fakti.bg\n").fields
    assert f["authors"] == ["Ивана Петрова"]
    assert f["body"] == (
        "Първият абзац описва церемонията.\n\nВторият абзац продължава.\n\n"
        "Повече подробности във Fakti.bg"
    )


def test_text_without_author_never_takes_body_lines() -> None:
    text = BG_TEXT.replace("Ивана Петрова\nИвана Петрова\nАвтор във Fakti.bg\n", "")
    text = text.replace("Вторият абзац продължава.", "Снимки и видео във Fakti.bg")
    f = _text(text).fields
    assert f["authors"] == []
    assert f["body"] == "Първият абзац описва церемонията.\n\nСнимки и видео във Fakti.bg"


def test_text_author_with_unlisted_role_over_three_lines() -> None:
    text = BG_TEXT.replace("Автор във Fakti.bg", "Фоторепортер във Fakti.bg")
    f = _text(text).fields
    assert f["authors"] == ["Ивана Петрова"]
    assert f["body"].startswith("Първият абзац")


@pytest.mark.parametrize(
    "para",
    ["Повече подробности във Fakti.bg", "Това каза Петър Иванов, главен редактор във Fakti.bg"],
)
def test_redesign_body_paragraph_ending_in_fakti_is_body(para: str) -> None:
    f = _redesign((P1, f"{P1}<p>{para}</p>")).fields
    assert f["authors"] == ["Елена Димитрова"]
    assert f["body"] == (
        f"Фестивалът започна в събота следобед.\n\n{para}\n\n"
        "Вторият ден беше посветен на местни изпълнители."
    )


def test_redesign_without_author_keeps_promo_paragraph() -> None:
    f = _redesign((AUTHOR, ""), (P1, f"{P1}<p>Снимки и видео във Fakti.bg</p>")).fields
    assert f["authors"] == []
    assert "Снимки и видео във Fakti.bg" in f["body"].split("\n\n")


def test_selector_body_keeps_paragraph_ending_in_fakti() -> None:
    last = "<p>Третият абзац завършва статията.</p>"
    f = _form_a((last, f"<p>Повече подробности във Fakti.bg</p>{last}")).fields
    assert "Повече подробности във Fakti.bg" in f["body"].split("\n\n")


# --- 2. no subtitle: the author's name is never the subtitle --------------------------------


def test_text_no_subtitle_caption_or_credit_author_in_three_lines() -> None:
    text = BG_TEXT.replace("Общината обещава движение без задръствания\n", "")
    text = text.replace(f"{HEADLINE} - 1\n", "").replace("Снимка: Архив\n", "")
    f = _text(text).fields
    assert f["subtitle"] is None
    assert f["authors"] == ["Ивана Петрова"]
    assert f["body"] == "Първият абзац описва церемонията.\n\nВторият абзац продължава."


def test_redesign_no_subtitle_author_in_three_blocks() -> None:
    blocks = (
        '<div class="u1"><div class="u2">Елена Димитрова</div><div class="u3">Елена Димитрова'
        '</div><div class="u4">Автор във Fakti.bg</div></div>'
    )
    f = _redesign((AUTHOR, blocks), (SUBTITLE, ""), (FIGURE, "")).fields
    assert f["subtitle"] is None
    assert f["authors"] == ["Елена Димитрова"]


# --- 3. related links are never tags ---------------------------------------------------------


def test_redesign_related_links_after_last_paragraph_are_not_tags() -> None:
    related = (
        '<div class="y4"><a href="/kultura-art/1038001-d">Певица спечели синтетична награда</a> '
        '<a href="https://fakti.bg/kultura-art/1038002-e">Нов синтетичен рекорд</a></div>'
    )
    f = _redesign((BOTTOM_TAGS, related)).fields
    assert f["tags"] == ["Култура", "музика", "лято"]
    assert "Певица" not in f["body"]


def test_redesign_trailing_tag_links_stay_tags() -> None:
    assert _redesign().fields["tags"] == ["Култура", "музика", "лято", "фестивали"]


# --- 4. related-links paragraphs and ad labels are not body ---------------------------------

RELATED_P = '<p><strong>Прочетете още:</strong> <a href="/bulgaria/1039000-svarzano">Мост</a></p>'
LINKED_P = '<p>Според <a href="/bulgaria/1039001-x">вчерашна статия</a> мостът е готов.</p>'


def test_is_related_helper() -> None:
    assert is_related("Прочетете още: Мост", ["Мост"], ["/bulgaria/1039000-x"])
    assert is_related("Read also | Other", ["Other"], ["https://fakti.bg/en/world/1000001-x"])
    assert not is_related("Прочетете още: Мост", ["Мост"], ["/tag/most"])
    assert not is_related("Според статия мостът е готов.", ["статия"], ["/bulgaria/1-x"])


def test_selector_body_drops_related_paragraph_and_ad_label() -> None:
    second = "<p>Вторият абзац"
    edits = (second, f"{RELATED_P}<p>Реклама</p>{LINKED_P}{second}")
    paras = _form_a(edits).fields["body"].split("\n\n")
    assert paras == [
        "Първият абзац описва церемонията по откриването на синтетичния мост.",
        "Според вчерашна статия мостът е готов.",
        "Вторият абзац съдържа връзка и удебелен текст.",
        "Третият абзац завършва статията.",
    ]


def test_text_body_drops_related_paragraph_and_ad_label() -> None:
    ads = '<div class="q7">Реклама</div><div class="q8">Advertisement</div>'
    f = _redesign((RELATED_BLOCK, f"{RELATED_P}{ads}{LINKED_P}")).fields
    assert f["body"].split("\n\n") == [
        "Фестивалът започна в събота следобед.",
        "Според вчерашна статия мостът е готов.",
        "Вторият ден беше посветен на местни изпълнители.",
    ]


# --- 5. a date line made of inline elements ---------------------------------------------------


@pytest.mark.parametrize(
    "date",
    [
        '<div class="d5"><span>14 Юни, 2026 18:45</span><span>5 067</span><span>12</span></div>',
        '<div class="d5"><span>14 Юни, 2026 18:45</span> <span>5 067</span><span>12</span></div>',
        '<div class="d5"><time>14 Юни, 2026</time><b>18:45</b><i>5&nbsp;067</i><i>12</i></div>',
        # with icons (`svg`, `img`) and a comment beside the counts
        '<div class="d5"><span>14 Юни, 2026 18:45</span><span><svg width="9"><title>eye</title>'
        '<path d="M0"/></svg>5 067</span><!-- c --><span><img src="/i/c.svg" alt="">12</span>'
        "</div>",
        '<div class="d5"><span>14 Юни, 2026 18:45</span><svg></svg><span>5 067</span>'
        "<span>12</span></div>",
        # counts in elements whose class names mark ads or comments elsewhere
        '<div class="d5"><span>14 Юни, 2026 18:45</span><span class="share">5 067</span>'
        '<span class="comments">12</span></div>',
        # a comments link and a share bar in the line are no part of it
        '<div class="d5"><span>14 Юни, 2026 18:45</span><span>5 067</span><span>12</span>'
        '<a class="comments" href="#comments">Коментари</a></div>',
        '<div class="d5"><span>14 Юни, 2026 18:45</span><span>5 067</span><span>12</span>'
        '<div class="share"><a href="https://facebook.com/x">Сподели</a></div></div>',
    ],
)
def test_redesign_date_line_of_inline_elements(date: str) -> None:
    f = _redesign((DATE, date)).fields
    assert f["published_at"] == "2026-06-14T18:45:00+03:00"
    assert (f["views"], f["comments"]) == (5067, 12)
    assert f["authors"] == ["Елена Димитрова"]
    assert f["body"].startswith("Фестивалът започна")


def test_redesign_inline_elements_elsewhere_are_not_split() -> None:
    f = _redesign((P1, "<p>Фести<b>вал</b>ът започна в събота следобед.</p>")).fields
    assert f["body"].startswith("Фестивалът започна в събота следобед.")


# --- second review: body text outside `p`, foreign links, misplaced div.text, authors ---

FIRST_P = "<p>Първият   абзац описва   церемонията по откриването на синтетичния мост.</p>"


def test_bare_text_beside_paragraphs_in_div_text_is_not_lost() -> None:
    body = _edited(
        FORM_A, A_URL, "text", ((FIRST_P, "Водещ синтетичен абзац без таг." + FIRST_P),)
    ).fields["body"]
    assert body.startswith("Водещ синтетичен абзац без таг.")
    assert "Третият абзац завършва статията." in body


def test_text_in_divs_after_a_dropped_paragraph_is_not_lost() -> None:
    page = FORM_A
    start, end = page.index('<div class="text">'), page.index("</article>")
    inner = '<div class="text"><p>Реклама</p><div>Истински синтетичен текст в div.</div></div>'
    body = _page(page[:start] + inner + page[end:], A_URL).fields["body"]
    assert body == "Истински синтетичен текст в div."


def test_text_in_a_plain_div_between_paragraphs_is_not_lost() -> None:
    """The selector layer read only the `p`s of `div.text`: a class-less `div` of text between
    them was dropped (the text layer keeps it; the two layers gave different hashes)."""
    page = FORM_A
    start, end = page.index('<div class="text">'), page.index("</article>")
    inner = (
        '<div class="text"><p>Първи синтетичен абзац.</p><div>Синтетичен текст в div.</div>'
        '<p>Последен синтетичен абзац.</p><div class="ad">Реклама</div></div>'
    )
    body = _page(page[:start] + inner + page[end:], A_URL).fields["body"]
    assert body == (
        "Първи синтетичен абзац.\n\nСинтетичен текст в div.\n\nПоследен синтетичен абзац."
    )


def test_a_paragraph_linking_another_site_is_body_text() -> None:
    para = (
        '<p><a href="https://www.example.com/world/2025-report">Пълният доклад на комисията</a></p>'
    )
    body = _form_a((FIRST_P, FIRST_P + para)).fields["body"]
    assert "Пълният доклад на комисията" in body


def test_a_div_text_inside_a_related_block_is_not_the_body() -> None:
    stray = (
        '<div class="related"><div class="text"><a href="/bulgaria/1039000-a">Друга</a></div></div>'
    )
    fields = _form_a(('<div class="topic">', stray + '<div class="topic">')).fields
    assert fields["tags"] == ["Инфраструктура", "мостове", "реки", "община"]
    assert fields["authors"] == ["Ивана Петрова"]


def test_a_capitalised_line_before_a_role_like_body_line_is_no_author() -> None:
    text = BG_TEXT.replace("Ивана Петрова\nИвана Петрова\nАвтор във Fakti.bg\n", "")
    text = text.replace(
        "Първият абзац описва церемонията.",
        "Пожарната Служба Съобщи\nПодробности вижте във Fakti.bg\n"
        "Първият абзац описва церемонията.",
    )
    f = _text(text).fields
    assert f["authors"] == []
    assert f["body"].startswith("Пожарната Служба Съобщи\n\nПодробности вижте във Fakti.bg")


# --- an update time in its own element (§2 form B; "several elements" per §2) -------------

FORM_A_INFO = (
    '<div class="info"><div class="ndt">9 Януари, 2026 23:13</div><div class="nv">2&nbsp;542</div>'
    '<div class="nc">7</div></div>'
)
UPDATES = [
    '<div class="ndt">9 Януари, 2026 23:13</div><p class="u">обновена 10 Януари, 2026 08:05</p>',
    '<div class="ndt">9 Януари, 2026 23:13,</div> <span>обновена 10 Януари, 2026 08:05</span>',
    '<div class="ndt">9 Януари, 2026 23:13</div><!-- x --><b>, обновена: 10 Януари, 2026 8:05</b>',
    '<div class="ndt">9 Януари, 2026 23:13</div>, обновена 10 Януари, 2026 08:05',
]


@pytest.mark.parametrize("info", UPDATES)
def test_selector_update_time_in_its_own_element(info: str) -> None:
    f = _form_a((FORM_A_INFO, f'<div class="info">{info}</div>')).fields
    assert (f["published_at"], f["updated_at"]) == (
        "2026-01-09T23:13:00+02:00",
        "2026-01-10T08:05:00+02:00",
    )
    assert (f["views"], f["comments"]) == (None, None)
    assert "обновена" not in f["body"] and f["body"].startswith("Първият абзац")


@pytest.mark.parametrize(
    "date",
    [
        '<div class="d5">14 Юни, 2026 18:45</div><div class="d6">обновена 15 Юни, 2026 09:30</div>',
        '<div class="d5">14 Юни, 2026 18:45,</div><p>обновена 15 Юни, 2026 09:30</p>',
        '<div class="d5"><span>14 Юни, 2026 18:45</span><span>, обновена 15 Юни, 2026 09:30</span>'
        "</div>",
    ],
)
def test_redesign_update_time_in_its_own_element(date: str) -> None:
    f = _redesign((DATE, date)).fields
    assert (f["published_at"], f["updated_at"]) == (
        "2026-06-14T18:45:00+03:00",
        "2026-06-15T09:30:00+03:00",
    )
    assert "обновена" not in f["body"] and f["body"].startswith("Фестивалът започна")


def test_an_element_after_the_date_that_is_no_update_is_left_alone() -> None:
    after = '<div class="d5">14 Юни, 2026 18:45 5 067 12</div><p>Updated rules apply.</p>'
    f = _redesign((DATE, after)).fields
    assert (f["updated_at"], f["views"]) == (None, 5067)
    assert f["body"].startswith("Updated rules apply.")
    info = '<div class="info"><div class="ndt">9 Януари, 2026 23:13</div><i>обновена днес</i></div>'
    f = _form_a((FORM_A_INFO, info)).fields
    assert (f["published_at"], f["updated_at"]) == ("2026-01-09T23:13:00+02:00", None)


# --- `<br><br>` inside a paragraph is a paragraph break; one `<br>` is a space ------------

BROKEN_P = (
    "<p>Фестивалът започна в събота следобед.<br>\n<br>"
    "Вторият ден беше <b>посветен<br><br>на местни</b> изпълнители.<br>Край.<br><br></p>"
)
BROKEN_PARAS = [
    "Фестивалът започна в събота следобед.",
    "Вторият ден беше посветен",
    "на местни изпълнители. Край.",
]


def test_selector_body_splits_paragraphs_at_two_line_breaks() -> None:
    f = _form_a((FIRST_P, BROKEN_P)).fields
    assert f["body"].split("\n\n") == [
        *BROKEN_PARAS,
        "Вторият абзац съдържа връзка и удебелен текст.",
        "Третият абзац завършва статията.",
    ]


def test_text_body_splits_paragraphs_at_two_line_breaks() -> None:
    f = _redesign((P1, BROKEN_P)).fields
    assert f["body"].split("\n\n")[:3] == BROKEN_PARAS
    assert f["body"].split("\n\n")[3] == "Вторият ден беше посветен на местни изпълнители."


def test_related_paragraph_split_by_line_breaks_is_still_related() -> None:
    related = '<p>Прочетете още:<br><br><a href="/bulgaria/1039000-svarzano">Мост</a></p>'
    assert "Мост" not in _form_a((FIRST_P, FIRST_P + related)).fields["body"]


# --- a paragraph that is mostly a link is body text in both layers ---------------------------

CITING_P = (
    '<p>Източник: <a href="https://example.org/doklad-2026">Доклад на синтетичната агенция'
    " за културните събития през 2026 година</a></p>"
)
CITING = "Източник: Доклад на синтетичната агенция за културните събития през 2026 година"


def test_text_body_keeps_a_paragraph_that_is_mostly_a_link() -> None:
    paras = _redesign((P1, P1 + CITING_P)).fields["body"].split("\n\n")
    assert paras[:3] == [
        "Фестивалът започна в събота следобед.",
        CITING,
        "Вторият ден беше посветен на местни изпълнители.",
    ]
    f = _form_a(("<p>Третият", CITING_P + "<p>Третият")).fields
    assert CITING in f["body"].split("\n\n")


def test_text_body_still_drops_link_blocks_that_are_not_paragraphs() -> None:
    """A `div` that is mostly a link, among the paragraphs: not body text."""
    rail = '<div class="q1"><a href="https://example.org/a">Синтетична външна връзка</a></div>'
    body = _redesign((P1, P1 + rail)).fields["body"]
    assert "външна" not in body and body.startswith("Фестивалът започна")


# --- review of the above: `<br><br>` only splits body paragraphs; updates after punctuation ---

BARE = (
    "<html><head><title>Синтетичен фестивал събра хиляди - Факти</title></head><body><article>"
    "{h1}<div>14 Юни, 2026 18:45 5 067 12</div>{sub}"
    '<figure><img src="/p/x-1.jpg"><figcaption>Синтетичен фестивал събра хиляди - 1</figcaption>'
    "</figure><div>Елена Димитрова Елена Димитрова Автор във Fakti.bg</div>"
    '<div class="b0">{body}</div></article></body></html>'
)
H1 = "<h1>Синтетичен фестивал събра хиляди</h1>"
SUB = "<div>Организаторите обещават ново издание</div>"
TWO_P = "<p>Първи абзац на статията.</p><p>Втори абзац на статията.</p>"


def _bare(h1: str = H1, sub: str = SUB, body: str = TWO_P) -> dict:
    return _page(BARE.format(h1=h1, sub=sub, body=body)).fields


@pytest.mark.parametrize(
    ("h1", "sub"),
    [
        ("<h1>Синтетичен фестивал<br><br>събра хиляди</h1>", SUB),
        (H1, "<div>Организаторите обещават<br><br>ново издание</div>"),
    ],
)
def test_two_line_breaks_outside_a_paragraph_split_nothing(h1: str, sub: str) -> None:
    f = _bare(h1, sub)
    assert (f["headline"], f["subtitle"]) == (
        "Синтетичен фестивал събра хиляди",
        "Организаторите обещават ново издание",
    )
    assert f["authors"] == ["Елена Димитрова"]
    assert f["body"] == "Първи абзац на статията.\n\nВтори абзац на статията."


def test_two_line_breaks_inside_a_link_split_nothing() -> None:
    para = '<p>Кметът каза, че <a href="https://bta.bg/x">новият мост<br><br>ще бъде</a> готов.</p>'
    assert _bare(body=para + TWO_P)["body"].split("\n\n")[0] == (
        "Кметът каза, че новият мост ще бъде готов."
    )


def test_a_link_after_two_line_breaks_is_body_not_a_tag() -> None:
    last = '<p>Кметът откри моста.<br><br><a href="https://bta.bg/x">Източник: БТА</a></p>'
    f = _bare(body=TWO_P + last)
    assert f["body"].split("\n\n")[-2:] == ["Кметът откри моста.", "Източник: БТА"]
    assert f["tags"] == []


def test_a_related_line_after_two_line_breaks_is_dropped_in_both_layers() -> None:
    last = (
        "<p>Кметът откри моста.<br><br>Прочетете още: "
        '<a href="/bulgaria/1039000-x">Друг мост</a></p>'
    )
    assert _bare(body=TWO_P + last)["body"].endswith(
        "Втори абзац на статията.\n\nКметът откри моста."
    )
    f = _form_a(("<p>Третият", last + "<p>Третият")).fields
    assert "Друг мост" not in f["body"] and "Кметът откри моста." in f["body"].split("\n\n")


@pytest.mark.parametrize(
    "after",
    [
        ", <span>обновена 10 Януари, 2026 08:05</span>",
        "<br><span>обновена 10 Януари, 2026 08:05</span>",
        ", обновена <b>10 Януари, 2026 08:05</b>",
        # a share button or an ad between them is no part of the line
        ', <span class="share">Сподели</span><span>обновена 10 Януари, 2026 08:05</span>',
        '<div class="ad">Реклама</div>, обновена <b>10 Януари, 2026 08:05</b>',
    ],
)
def test_selector_update_after_punctuation_or_a_break(after: str) -> None:
    info = f'<div class="info"><span class="ndt">9 Януари, 2026 23:13</span>{after}</div>'
    f = _form_a((FORM_A_INFO, info)).fields
    assert (f["published_at"], f["updated_at"]) == (
        "2026-01-09T23:13:00+02:00",
        "2026-01-10T08:05:00+02:00",
    )


# --- redesign robustness: the date's parts in blocks, wrapped paragraphs, a rail first -----

EN_URL = "https://fakti.bg/en/world/1040020-synthetic-harbour"
EN_PAGE = (
    "<html><head><title>Synthetic harbour reopens - Fakti.bg</title></head><body><main>"
    "<article><h1>Synthetic harbour reopens</h1>{info}{body}</article></main></body></html>"
)
EN_PARAS = ["First synthetic paragraph.", "Second synthetic paragraph.", "Third one."]
EN_BODY = "<div>" + "".join(f"<p>{p}</p>" for p in EN_PARAS) + "</div>"


def _en(info: str, body: str = EN_BODY) -> dict:
    return _page(EN_PAGE.format(info=info, body=body), EN_URL).fields


@pytest.mark.parametrize(
    "info",
    [
        "<div><div>Apr 23, 2025</div><div>08:03</div><div>144</div></div>",  # text layer
        '<div class="info"><div class="ndt"><div>Apr 23, 2025</div><div>08:03</div></div>'
        '<div class="nv">144</div></div>',  # known markup
        # an icon with a title between them is no part of the line
        '<div class="info"><div class="ndt"><div>Apr 23, 2025</div><svg><title>clock</title>'
        '</svg><div>08:03</div></div><div class="nv">144</div></div>',
        # the count inside `.ndt`, in an element with a class name that marks comments
        '<div class="info"><div class="ndt"><span>Apr 23, 2025</span><span>08:03</span>'
        '<span class="comments">144</span></div></div>',
        '<div class="info"><div class="ndt"><span>Apr 23, 2025</span><span>08:03</span>'
        '<span>144</span><a class="comments" href="#c">Comments</a></div></div>',
    ],
)
def test_a_date_and_its_time_in_blocks_of_their_own(info: str) -> None:
    body = EN_BODY.replace("<div>", '<div class="text">') if "ndt" in info else EN_BODY
    f = _en(info, body)
    assert (f["published_at"], f["views"]) == ("2025-04-23T08:03:00+03:00", 144)
    assert f["body"].split("\n\n") == EN_PARAS


DATE_DIV = "<div>Apr 23, 2025 08:03 144</div>"


@pytest.mark.parametrize(
    "body",
    [
        "<div>" + "".join(f"<div><p>{p}</p></div>" for p in EN_PARAS) + "</div>",
        "<div>" + "".join(f"<section><div><p>{p}</p></div></section>" for p in EN_PARAS) + "</div>",
        '<div><div>Latest news</div><div><a href="/en/world/1058001-x">Other story</a></div></div>'
        + EN_BODY,
    ],
)
def test_text_body_of_wrapped_paragraphs_or_after_a_rail_title(body: str) -> None:
    assert _en(DATE_DIV, body)["body"].split("\n\n") == EN_PARAS


def test_a_one_paragraph_body_does_not_take_in_the_rest_of_the_article() -> None:
    body = "<div><p>Only paragraph.</p></div><div><div>Author bio box text.</div></div>"
    assert _en(DATE_DIV, body)["body"] == "Only paragraph."


@pytest.mark.parametrize(
    "box",
    [
        '<div class="user-comments"><div><p>Страхотна статия, благодаря!</p></div></div>',
        '<section class="bio"><p>Ивана Петрова пише за градовете.</p></section>',
    ],
)
def test_selector_body_leaves_out_boxes_after_div_text(box: str) -> None:
    f = _form_a(("</article>", box + "</article>")).fields
    assert f["body"].split("\n\n")[-1] == "Третият абзац завършва статията."


def test_selector_body_keeps_paragraphs_a_stray_close_left_after_div_text() -> None:
    stray = "<p>Първият   абзац описва   церемонията по откриването на синтетичния мост.</p></div>"
    f = _form_a((FIRST_P, stray)).fields
    assert f["body"].split("\n\n")[-1] == "Третият абзац завършва статията."
    assert len(f["body"].split("\n\n")) == 3


def test_redesign_tag_bullets_as_links_in_one_block_are_tags_not_the_subtitle() -> None:
    start = REDESIGN.index('<ul class="g1">')
    bullets = REDESIGN[start : REDESIGN.index("</ul>", start) + 5]
    links = '<div class="g1"><a href="/tag/muzika">музика</a> <a href="/tag/leto">лято</a></div>'
    before = _redesign().fields
    f = _redesign((bullets, links)).fields
    assert f["tags"] == before["tags"] and {"музика", "лято"} <= set(f["tags"])
    assert f["subtitle"] == "Организаторите обещават ново издание догодина"
    assert (f["authors"], f["body"]) == (before["authors"], before["body"])


@pytest.mark.parametrize("article", [True, False])
def test_redesign_header_element_around_the_head_keeps_the_trailing_tags(article: bool) -> None:
    head = REDESIGN[REDESIGN.index("<h1") : REDESIGN.index('<div class="b0">')]
    edits = [(head, f"<header>{head}</header>")]
    if not article:
        edits += [('<article class="a9">', '<div class="a9">'), ("</article>", "</div>")]
    f = _redesign(*edits).fields
    assert f["tags"] == _redesign().fields["tags"] and "фестивали" in f["tags"]


# --- review of the container, date-part and header-tag rules ------------------------------

MINI_URL = "https://fakti.bg/bulgaria/1040001-x"
MINI_DATE = '<div class="d">14 Юни, 2026 18:45</div>'


def _mini(inner: str, date: str = MINI_DATE) -> dict:
    page = f'<html lang="bg"><body><article><h1>Нов мост</h1>{date}{inner}</article></body></html>'
    return _page(page, MINI_URL).fields


def test_a_body_of_divs_with_one_quoted_p_is_read_whole() -> None:
    body = _mini(
        '<div class="b"><div>Първи абзац.</div><blockquote><p>Цитат.</p></blockquote>'
        "<div>Втори абзац.</div></div>"
    )["body"]
    assert body.split("\n\n") == ["Първи абзац.", "Цитат.", "Втори абзац."]


def test_a_time_in_the_first_paragraph_is_not_the_date_lines_time() -> None:
    f = _mini(
        '<div class="b"><p>12:30</p><p>Първи абзац.</p><p>Втори абзац.</p></div>',
        '<div class="d">14 Юни, 2026</div>',
    )
    assert f["published_at"] == "2026-06-14T00:00:00+03:00"
    assert f["body"].split("\n\n")[0] == "12:30"


@pytest.mark.parametrize(
    "after",
    [
        '<div class="bio"><p>Авторът пише за култура.</p></div>',
        "<div><div><p>Коментар на читател.</p></div></div>",
    ],
)
def test_a_one_paragraph_body_takes_in_no_box_after_it(after: str) -> None:
    f = _mini(f'<div class="b"><p>Единственият абзац.</p></div>{after}')
    assert f["body"] == "Единственият абзац."


def test_an_author_link_after_the_date_is_the_author_not_a_tag() -> None:
    f = _mini(
        '<div class="a"><a href="/author/ivan-petrov">Иван Петров</a></div>'
        '<div class="r">Автор във Fakti.bg</div><div class="b"><p>Първи абзац.</p></div>'
    )
    assert (f["authors"], f["tags"]) == (["Иван Петров"], [])


def test_a_share_bar_after_the_date_is_no_tags() -> None:
    f = _mini(
        '<div><a href="https://facebook.com/sharer?u=x">Facebook</a> '
        '<a href="https://x.com/intent">X</a></div><div class="b"><p>Първи абзац.</p></div>'
    )
    assert f["tags"] == []


@pytest.mark.parametrize(
    ("after", "kept"),
    [
        ('<div class="text-more"><p>Още текст.</p></div>', True),
        ("<blockquote><p>Още текст.</p></blockquote>", True),
        ('<div class="user-comments"><div><p>Още текст.</p></div></div>', False),
    ],
)
def test_selector_paragraphs_after_div_text_in_body_like_blocks(after: str, kept: bool) -> None:
    stray = FIRST_P + "</div>" + after
    f = _form_a((FIRST_P, stray)).fields
    assert ("Още текст." in f["body"].split("\n\n")) is kept


def test_a_share_bar_after_the_body_is_no_trailing_tags() -> None:
    share = (
        '<div class="sh"><a href="https://www.facebook.com/sharer.php?u=x">Facebook</a> '
        '<a href="viber://forward?text=x">Viber</a></div>'
    )
    f = _redesign((BOTTOM_TAGS, BOTTOM_TAGS + share)).fields
    assert f["tags"] == _redesign().fields["tags"]


def test_tag_links_on_a_mirrors_own_host_are_still_tags() -> None:
    mirror = BOTTOM_TAGS.replace('href="/tag/', 'href="http://127.0.0.1:8765/tag/')
    assert _redesign((BOTTOM_TAGS, mirror)).fields["tags"] == _redesign().fields["tags"]


# --- third review of the container rules -------------------------------------------------


@pytest.mark.parametrize(
    "box",
    [
        '<blockquote class="quote"><p>Цитат на кмета в карето.</p></blockquote>',
        '<div class="highlight"><p>Цитат на кмета в карето.</p></div>',
    ],
)
def test_selector_body_keeps_a_paragraph_in_a_box_inside_div_text(box: str) -> None:
    f = _form_a(("<p>Третият", box + "<p>Третият")).fields
    assert "Цитат на кмета в карето." in f["body"].split("\n\n")


def test_a_body_of_divs_is_not_replaced_by_a_longer_box_of_ps_after_it() -> None:
    divs = "<div>Първи абзац от тялото.</div><div>Втори абзац от тялото.</div>"
    bio = (
        '<section class="bio"><p>Авторът е журналист с дълъг опит в културата.</p>'
        "<p>Пише за фестивали, музика и театър от много години насам.</p></section>"
    )
    f = _mini(f'<div class="b">{divs}</div>{bio}')
    assert f["body"] == "Първи абзац от тялото.\n\nВтори абзац от тялото."


@pytest.mark.parametrize(
    "after",
    [
        "<div><div><p>Коментар на читател.</p></div></div>",  # another shape
        '<div class="rail"><p>Най-четено днес.</p></div>',  # another class
    ],
)
def test_a_wrapper_is_widened_only_over_wrappers_of_its_shape(after: str) -> None:
    assert _mini(f"<div><p>Единственият абзац.</p></div>{after}")["body"] == ("Единственият абзац.")


def test_wrapped_paragraphs_with_ads_between_are_read_whole() -> None:
    wrapped = '<div class="w"><p>Първи.</p></div><div class="ad">Реклама</div>'
    wrapped += (
        '<div class="w"><p>Втори.</p></div><script>x()</script><div class="w"><p>Трети.</p></div>'
    )
    assert _mini(f"<div>{wrapped}</div>")["body"] == "Първи.\n\nВтори.\n\nТрети."


def test_a_tools_bar_after_the_date_is_no_tags() -> None:
    tools = (
        '<div class="w3"><a href="javascript:window.print()">Печат</a> '
        '<a href="#comments">Коментари</a> <a href="#">A+</a></div>'
    )
    assert _mini(tools + '<div class="b"><p>Първи абзац.</p></div>')["tags"] == []


def test_a_date_and_its_time_in_paragraphs_side_by_side() -> None:
    f = _mini('<div class="b"><p>Първи абзац.</p></div>', "<p>14 Юни, 2026</p><p>18:45</p>")
    assert (f["published_at"], f["body"]) == ("2026-06-14T18:45:00+03:00", "Първи абзац.")


# --- fourth review: a short body beside tags or a list is no rail ------------------------


def test_a_one_paragraph_body_with_trailing_tags_is_no_rail() -> None:
    tags = (
        '<div class="t"><a href="/tag/mostove">мостове</a> <a href="/tag/reki">реки</a> '
        '<a href="/tag/sofia">София</a></div>'
    )
    comment = '<div class="c"><div>Иван: Браво!</div></div>'
    f = _mini(f'<div class="b"><p>Вижте видеото.</p>{tags}</div>{comment}')
    assert (f["body"], f["tags"]) == ("Вижте видеото.", ["мостове", "реки", "София"])


def test_a_body_with_a_plain_list_is_no_rail() -> None:
    page = (
        '<html lang="en"><body><article><h1>New bridge</h1><div class="d">Jun 14, 2026 18:45</div>'
        '<div class="b"><p>The plan includes:</p><ul><li>lower taxes for small firms next year</li>'
        "<li>new kindergartens in every district</li></ul></div>"
        '<div class="bio"><p>John Smith covers city hall.</p></div></article></body></html>'
    )
    body = _page(page, "https://fakti.bg/en/world/1040001-new-bridge").fields["body"]
    assert body.startswith("The plan includes:") and "John Smith" not in body


def test_paragraphs_right_in_the_article_beside_a_rail_are_the_body() -> None:
    rail = "".join(
        f'<li><a href="/world/103900{i}-a">Друга новина с дълго заглавие номер {i}</a></li>'
        for i in range(1, 4)
    )
    f = _mini(
        "<p>Мостът е открит.</p><p>Движението тръгва в понеделник.</p>"
        f'<div class="r"><h3>Най-четени</h3><ul>{rail}</ul></div>'
    )
    assert f["body"] == "Мостът е открит.\n\nДвижението тръгва в понеделник."


def test_tag_bullets_that_link_to_social_sites_or_authors_are_no_tags() -> None:
    share = (
        '<ul class="g1"><li><a href="https://facebook.com/sharer?u=x">Facebook</a></li>'
        '<li><a href="/author/ivan-petrov">Иван Петров</a></li>'
        '<li><a href="/tag/mostove">мостове</a></li></ul>'
    )
    f = _mini(share + '<div class="b"><p>Първи абзац.</p></div>')
    assert f["tags"] == ["мостове"]


def test_selector_body_splits_no_paragraph_inside_a_link() -> None:
    para = '<p>Кметът каза, че <a href="https://bta.bg/x">новият мост<br><br>ще бъде</a> готов.</p>'
    f = _form_a((FIRST_P, FIRST_P + para)).fields
    assert "Кметът каза, че новият мост ще бъде готов." in f["body"].split("\n\n")


# --- a video article: no paragraphs, a player; never the text after the article -------------

VIDEO_URL = "https://fakti.bg/en/video/1040030-synthetic-parade"
VIDEO_PAGE = (
    "<html><head><title>Synthetic parade on video - Fakti.bg</title></head><body>"
    '<div class="w0"><article class="a1"><h1>Synthetic parade on video</h1>{header}{content}'
    '</article></div><div class="ff2"><p>Copyright line: all rights reserved.</p></div>'
    "</body></html>"
)
PLAYER = '<div class="v9"><iframe src="https://www.youtube.com/embed/x"></iframe></div>'
AD_PLAYER = '<div class="ad"><iframe src="https://ads.example/slot"></iframe></div>'
VIDEO_PARAS = ["The first synthetic paragraph.", "The second synthetic paragraph."]


@pytest.mark.parametrize(
    "header",
    [
        '<div class="d3">Jan 15, 2026 09:00 12</div>',  # the text layer
        '<div class="info"><div class="ndt">Jan 15, 2026 09:00</div><div class="nv">12</div></div>',
    ],
)
@pytest.mark.parametrize("player", [PLAYER, f"<video src='/v.mp4'></video>{AD_PLAYER}"])
def test_a_video_article_has_an_empty_body(header: str, player: str) -> None:
    result = _page(VIDEO_PAGE.format(header=header, content=player), VIDEO_URL)
    assert result.fields["published_at"] == "2026-01-15T09:00:00+02:00"
    assert result.fields["views"] == 12
    assert result.fields["body"] == ""


@pytest.mark.parametrize("ad", ["", AD_PLAYER])
def test_paragraphs_a_stray_end_tag_left_after_the_article_are_still_its_body(ad: str) -> None:
    """The article closed early (`</div>` closing its wrapper) holds no player of its own
    (an ad's does not count): the body is read from the page."""
    content = '</div><div class="b8">' + "".join(f"<p>{p}</p>" for p in VIDEO_PARAS) + "</div>"
    header = f'<div class="d3">Jan 15, 2026 09:00 12</div>{ad}'
    page = VIDEO_PAGE.format(header=header, content=content)
    assert _page(page, VIDEO_URL).fields["body"].split("\n\n") == VIDEO_PARAS


# --- a redesigned body whose first paragraph is wrapped, or follows a captioned figure -------

WRAPPED_PAGE = (
    "<html><head><title>Synthetic ferry returns - Fakti.bg</title></head><body>"
    '<div class="w1"><h1 class="t5">Synthetic ferry returns</h1>'
    '<div class="d3">Apr 23, 2025 08:03 144</div><div class="b8">{first}'
    "<p>The second synthetic paragraph.</p><p>The third synthetic paragraph.</p></div></div>"
    '<div class="f9"><p>Copyright line of the synthetic site.</p></div></body></html>'
)
WRAPPED_PARAS = [
    "The first synthetic paragraph.",
    "The second synthetic paragraph.",
    "The third synthetic paragraph.",
]


@pytest.mark.parametrize(
    "first",
    [
        "<p>The first synthetic paragraph.</p>",
        "<blockquote><p>The first synthetic paragraph.</p></blockquote>",
        '<div class="x7"><p>The first synthetic paragraph.</p></div>',
        '<figure><img src="/a.jpg"><figcaption>An inline synthetic photo</figcaption></figure>'
        "<p>The first synthetic paragraph.</p>",
        # the other paragraphs with a class the first has not
        '<blockquote><p class="quote">The first synthetic paragraph.</p></blockquote>',
    ],
)
@pytest.mark.parametrize("cls", ["", ' class="txt"'])
def test_a_wrapped_first_paragraph_or_a_caption_does_not_cut_the_body(first: str, cls: str) -> None:
    page = WRAPPED_PAGE.replace("<p>The second", f"<p{cls}>The second")
    page = page.replace("<p>The third", f"<p{cls}>The third")
    result = _page(page.format(first=first), EN_URL)
    assert result.layers["body"] == "text"
    assert result.fields["body"].split("\n\n") == WRAPPED_PARAS


def test_a_one_paragraph_body_is_not_widened_over_a_different_p_after_it() -> None:
    page = (
        "<html><head><title>Synthetic ferry returns - Fakti.bg</title></head><body>"
        '<div class="w1"><h1 class="t5">Synthetic ferry returns</h1>'
        '<div class="d3">Apr 23, 2025 08:03 144</div>'
        '<div class="b8"><p>The only synthetic paragraph.</p></div>'
        '<p class="n2">Comments are the opinion of their authors.</p>'
        '<div class="c4"><p>Be the first to comment.</p></div></div></body></html>'
    )
    assert _page(page, EN_URL).fields["body"] == "The only synthetic paragraph."


# --- review 8: tag bullets, date-like header lines, date-only and bullet paragraphs --------

NUMERIC_TAG_TEXT = """Синтетичен мост
{date}
• 112
• мостове
Подзаглавие на синтетичния мост
Синтетичен мост - 1
Първи абзац.
"""


@pytest.mark.parametrize(
    ("date", "counts"),
    [("29 Август, 2025", (None, None)), ("9 Януари, 2026 23:13 2 542 7", (2542, 7))],
)
def test_text_a_numeric_tag_bullet_is_a_tag_not_a_count(date: str, counts: tuple) -> None:
    f = _text(NUMERIC_TAG_TEXT.format(date=date)).fields
    assert (f["views"], f["comments"]) == counts
    assert f["tags"] == ["112", "мостове"]
    assert (f["subtitle"], f["body"]) == ("Подзаглавие на синтетичния мост", "Първи абзац.")


@pytest.mark.parametrize(
    ("tags", "shown"),
    [
        (
            '<ul class="g"><li><a href="/tag/112">112</a></li>'
            '<li><a href="/tag/m">мостове</a></li></ul>',
            ["112", "мостове"],
        ),
        ('<div class="g"><a href="/tag/112">112</a></div>', ["112"]),  # one block of links
    ],
)
@pytest.mark.parametrize(
    ("date", "counts"),
    [
        ("14 Юни, 2026", (None, None)),
        ("14 Юни, 2026 18:45, обновена 14 Юни, 2026 19:00", (None, None)),
        ("14 Юни, 2026 18:45 313 12", (313, 12)),
    ],
)
def test_redesign_a_numeric_tag_bullet_is_a_tag_not_a_count(
    tags: str, shown: list[str], date: str, counts: tuple
) -> None:
    f = _mini(f'{tags}<div class="b"><p>Първи абзац.</p></div>', f'<div class="d">{date}</div>')
    assert (f["views"], f["comments"]) == counts
    assert f["tags"] == shown
    assert f["body"] == "Първи абзац."


def _en_text(headline: str, subtitle: str) -> str:
    return (
        f"Last news in Fakti\n\n{headline}\n\n{subtitle}\n\nApr 23, 2025 08:03 144\n\n"
        f"{headline}  - 1\n\nFirst synthetic paragraph.\n\nSecond synthetic paragraph.\n"
    )


def _en_redesign(headline: str, subtitle: str) -> str:
    return (
        f"<html lang='en'><head><title>{headline} - Fakti.bg</title></head><body>"
        f"<article><h1>{headline}</h1><div class='s'>{subtitle}</div>"
        "<div class='d'>Apr 23, 2025 08:03 144</div><div class='b'>"
        "<p>First synthetic paragraph.</p><p>Second synthetic paragraph.</p></div>"
        "</article></body></html>"
    )


@pytest.mark.parametrize(
    ("headline", "subtitle"),
    [("March 3, 1878", "The synthetic vote was close"), ("Synthetic budget passes", "Jun 4, 2024")],
)
@pytest.mark.parametrize("markup", [False, True])
def test_a_date_like_headline_or_subtitle_is_not_the_date_line(
    headline: str, subtitle: str, markup: bool
) -> None:
    if markup:
        f = _page(_en_redesign(headline, subtitle), EN_URL).fields
    else:
        result = extract_from_text(_en_text(headline, subtitle), EN_URL)
        assert isinstance(result, Extracted), result
        f = result.fields
    assert (f["headline"], f["subtitle"]) == (headline, subtitle)
    assert (f["published_at"], f["views"]) == ("2025-04-23T08:03:00+03:00", 144)
    assert f["body"] == "First synthetic paragraph.\n\nSecond synthetic paragraph."


def test_text_a_date_like_bg_headline_shown_twice_is_not_the_date_line() -> None:
    text = "9 Май, 1945\n9 Май, 1945\nТема: История\n29 Август, 2025\nПърви абзац.\n"
    f = _text(text).fields
    assert (f["headline"], f["published_at"]) == ("9 Май, 1945", "2025-08-29T00:00:00+03:00")
    assert (f["tags"], f["body"]) == (["История"], "Първи абзац.")


DATE_PARAS = ["<p>Хронология на деня:</p>", "<p>9 Май, 1945</p>", "<p>May 9, 1945 10:30</p>"]
OWN_DATE = "<p>9 Януари, 2026 23:13 2 542 7</p>"  # the page's date line shown again


@pytest.mark.parametrize("layer", ["selectors", "text", "plain"])
def test_a_date_only_paragraph_is_body_text_but_the_own_date_line_is_not(layer: str) -> None:
    paras = "".join(DATE_PARAS) + OWN_DATE
    if layer == "selectors":
        body = _form_a((FIRST_P, FIRST_P + paras)).fields["body"]
    elif layer == "text":
        date = '<div class="d">9 Януари, 2026 23:13</div>'
        body = _mini(f'<div class="b">{paras}</div>', date)["body"]
    else:
        lines = [p[3:-4] for p in (*DATE_PARAS, OWN_DATE)]
        body = _text("Нов мост\n9 Януари, 2026 23:13 313 0\n" + "\n".join(lines)).fields["body"]
    dated = [p for p in body.split("\n\n") if "Хронология" in p or "1945" in p]
    assert dated == ["Хронология на деня:", "9 Май, 1945", "May 9, 1945 10:30"]
    assert "2026" not in body


BULLET_PARAS = ["*The synthetic author is a minister.", "► Synthetic pensions rise.", "• Fuel."]


def test_text_bullet_lines_in_the_body_are_body_text_as_in_the_markup() -> None:
    paras = ["First synthetic paragraph.", *BULLET_PARAS, "Second synthetic paragraph."]
    text = "Last news in Fakti\nSynthetic budget\nApr 23, 2025 08:03 144\n" + "\n".join(paras)
    result = extract_from_text(text, EN_URL)
    assert isinstance(result, Extracted), result
    assert (result.fields["body"], result.fields["tags"]) == ("\n\n".join(paras), [])
    page = _en_redesign("Synthetic budget", "A synthetic subtitle").replace(
        "<p>First synthetic paragraph.</p><p>Second synthetic paragraph.</p>",
        "".join(f"<p>{p}</p>" for p in paras),
    )
    assert _page(page, EN_URL).fields["body"] == "\n\n".join(paras)


def test_text_bg_tag_bullets_after_the_date_stay_tags_before_body_bullets() -> None:
    text = BG_TEXT.replace("Вторият абзац продължава.", "• Вторият абзац е точка.")
    f = _text(text).fields
    assert f["tags"] == ["Инфраструктура", "мостове"]
    assert f["body"] == "Първият абзац описва церемонията.\n\n• Вторият абзац е точка."


FIRST_BG = "Първи абзац на синтетичната статия."


@pytest.mark.parametrize(
    "paras",
    [
        [FIRST_BG, "Нов мост - 2", "Втори абзац."],
        [FIRST_BG, "Втори абзац.", "Снимка: Архив"],  # a credit after other body lines
    ],
)
def test_bg_first_paragraph_before_a_later_credit_or_caption_is_no_subtitle(
    paras: list[str],
) -> None:
    f = _text("Нов мост\n9 Януари, 2026 23:13 313 0\n" + "\n".join(paras)).fields
    assert (f["subtitle"], f["body"]) == (None, f"{FIRST_BG}\n\nВтори абзац.")
    f = _mini('<div class="b">' + "".join(f"<p>{p}</p>" for p in paras) + "</div>")
    assert (f["subtitle"], f["body"]) == (None, f"{FIRST_BG}\n\nВтори абзац.")


def test_redesign_a_first_p_before_a_credit_p_is_no_subtitle() -> None:
    paras = [FIRST_BG, "Снимка: Архив", "Втори абзац."]
    f = _mini('<div class="b">' + "".join(f"<p>{p}</p>" for p in paras) + "</div>")
    assert (f["subtitle"], f["body"]) == (None, f"{FIRST_BG}\n\nВтори абзац.")


@pytest.mark.parametrize(
    "after",
    [["Нов мост - 1"], ["Снимка: Архив", "Иван Петров Иван Петров Автор във Fakti.bg"]],
)
def test_bg_subtitle_before_the_header_caption_or_credit_and_author(after: list[str]) -> None:
    lines = ["Нов мост", "9 Януари, 2026 23:13 313 0", "Подзаглавие.", *after, FIRST_BG]
    f = _text("\n".join(lines)).fields
    assert (f["subtitle"], f["body"]) == ("Подзаглавие.", FIRST_BG)


DOC_P = '<p><a href="https://example.org/decision-2026.pdf">Read the synthetic decision</a></p>'
CITE_P = '<p>Per <a href="https://example.org/en">the Synthetic Statistics Institute</a>, up.</p>'
LINK_BODIES = [
    CITE_P + "<p>Second synthetic paragraph.</p>",
    "<p>First synthetic paragraph.</p><p>Second synthetic paragraph.</p>" + DOC_P,
    "<p>First synthetic paragraph.</p>" + DOC_P + "<p>Second synthetic paragraph.</p>",
]


@pytest.mark.parametrize("paras", LINK_BODIES)
def test_redesign_link_paragraphs_are_body_text_as_in_the_markup(paras: str) -> None:
    two = "<p>First synthetic paragraph.</p><p>Second synthetic paragraph.</p>"
    page = _en_redesign("Synthetic budget", "A synthetic subtitle").replace(two, paras)
    redesign = _page(page, EN_URL)
    known = _page(page.replace("<div class='b'>", "<div class='text'>"), EN_URL)
    assert (redesign.layers["body"], known.layers["body"]) == ("text", "selectors")
    assert (redesign.fields["body"], redesign.fields["tags"]) == (known.fields["body"], [])
    assert len(redesign.fields["body"].split("\n\n")) == paras.count("<p>")


def test_redesign_bg_first_paragraph_of_one_link_is_body_not_a_tag() -> None:
    link = '<p><a href="https://example.org/press/2026">Съобщението на ведомството</a></p>'
    f = _mini(f'<div class="b">{link}<p>Първи абзац.</p></div>')
    assert (f["tags"], f["body"]) == ([], "Съобщението на ведомството\n\nПърви абзац.")


@pytest.mark.parametrize("cls", ["b", "text"])
def test_two_line_breaks_split_a_body_div_of_any_class(cls: str) -> None:
    two = "<p>First synthetic paragraph.</p><p>Second synthetic paragraph.</p>"
    body = "First synthetic paragraph.<br> <br>Second <b>synthetic</b> paragraph.<br><br><br>"
    page = _en_redesign("Synthetic budget", "A synthetic<br><br>subtitle").replace(two, body)
    result = _page(page.replace("<div class='b'>", f"<div class='{cls}'>"), EN_URL)
    assert result.layers["body"] == "text"
    assert result.fields["subtitle"] == "A synthetic subtitle"
    assert result.fields["body"] == "First synthetic paragraph.\n\nSecond synthetic paragraph."


# --- review 9: regressions of review 8's fixes ----------------------------------------------


@pytest.mark.parametrize(
    "after",
    [["Хронология:", "28 Август, 2025 18:00"], ["30 Август, 2025 10:00"]],
)
def test_text_a_bg_date_only_line_stays_the_date_line_before_a_body_time(
    after: list[str],
) -> None:
    paras = [*after, "Първи абзац."]
    f = _text("Нов мост\n29 Август, 2025\n" + "\n".join(paras) + "\n").fields
    assert (f["headline"], f["published_at"]) == ("Нов мост", "2025-08-29T00:00:00+03:00")
    assert f["body"] == "\n\n".join(paras)
    body = "".join(f"<p>{p}</p>" for p in paras)
    f = _mini(f'<div class="b">{body}</div>', '<div class="d">29 Август, 2025</div>')
    assert (f["published_at"], f["body"]) == ("2025-08-29T00:00:00+03:00", "\n\n".join(paras))


def test_text_a_bg_date_only_line_gives_way_to_a_date_line_with_counts_or_update() -> None:
    for date, views in (
        ("9 Януари, 2026 23:13 313 0", 313),
        ("9 Януари, 2026 23:13, обновена 9 Януари, 2026 23:50", None),
    ):
        f = _text(f"9 Май, 1945\nТема: История\n{date}\nПърви абзац.\n").fields
        assert (f["published_at"], f["views"]) == ("2026-01-09T23:13:00+02:00", views)


def test_text_a_bg_date_line_with_an_update_wins_over_an_earlier_one_with_a_time_only() -> None:
    """After a date-like first line, the date line with an update is the date line, not the
    one before it that shows a time only (no counts, no update), within `DATE_LOOKAHEAD`."""
    date = "9 Януари, 2026 23:13"
    text = f"9 Май, 1945\nТема: История\n{date}\n{date}, обновена 9 Януари, 2026 23:50\nАбзац.\n"
    f = _text(text).fields
    assert (f["published_at"], f["updated_at"]) == (
        "2026-01-09T23:13:00+02:00",
        "2026-01-09T23:50:00+02:00",
    )


@pytest.mark.parametrize(
    ("headline", "subtitle"),
    [("May 9, 1945", "Jun 4, 2024"), ("Synthetic budget passes", "Jun 4, 2024 16:14")],
)
def test_text_an_en_date_line_with_views_wins_over_date_like_header_lines(
    headline: str, subtitle: str
) -> None:
    text = f"{headline}\n{subtitle}\nApr 23, 2025 08:03 144\n{headline}  - 1\nFirst paragraph.\n"
    result = extract_from_text(text, EN_URL)
    assert isinstance(result, Extracted), result
    f = result.fields
    assert (f["headline"], f["subtitle"]) == (headline, subtitle)
    assert (f["published_at"], f["views"]) == ("2025-04-23T08:03:00+03:00", 144)
    assert f["body"] == "First paragraph."


TAG_P = '<p class="t"><a href="/tag/ruse">Русе</a> <a href="https://fakti.bg/tag/m">мостове</a></p>'
TWO_BG = "<p>Първи абзац.</p><p>Втори абзац.</p>"


@pytest.mark.parametrize(
    ("head", "body", "tags"),
    [
        (TAG_P + '<div class="s">Подзаглавие</div>', TWO_BG, ["Русе", "мостове"]),
        ('<div class="s">Подзаглавие</div>', TWO_BG + TAG_P, ["Русе", "мостове"]),
        (
            '<div class="s">Подзаглавие</div>',
            '<p><a href="/bulgaria">България</a></p>' + TWO_BG,
            [],
        ),
    ],
)
def test_redesign_a_p_of_short_site_links_is_a_tag_line(head: str, body: str, tags: list) -> None:
    f = _mini(f'{head}<div class="b">{body}</div>')
    assert (f["tags"], f["body"]) == (tags, "Първи абзац.\n\nВтори абзац.")


def test_redesign_a_p_of_short_site_links_between_paragraphs_stays_body_text() -> None:
    f = _mini(f'<div class="b"><p>Първи абзац.</p>{TAG_P}<p>Втори абзац.</p></div>')
    assert (f["tags"], f["body"]) == ([], "Първи абзац.\n\nРусе мостове\n\nВтори абзац.")


@pytest.mark.parametrize("sub", ["Мостът ще облекчи трафика в региона", "—"])
def test_text_a_bg_subtitle_right_before_the_photo_credit_is_the_subtitle(sub: str) -> None:
    lines = ["Нов мост", "Тема: Украйна", "19 Септември, 2025 13:42 2 651 38", sub]
    f = _text("\n".join([*lines, "Снимка: БГНЕС", FIRST_BG, "Втори абзац."])).fields
    assert (f["subtitle"], f["body"]) == (sub, f"{FIRST_BG}\n\nВтори абзац.")


def test_text_bg_trailing_tag_bullets_are_tags_but_body_bullets_stay() -> None:
    lines = ["Нов мост", "9 Януари, 2026 23:13 313 7", "• Русе", "Подзаглавие", "Нов мост - 1"]
    body = [FIRST_BG, "• Първа точка", "Втори абзац."]
    f = _text("\n".join([*lines, *body, "• Русе", "• мостове"])).fields
    assert (f["tags"], f["body"]) == (["Русе", "мостове"], "\n\n".join(body))


@pytest.mark.parametrize("title", ["Прочетете още:", "Вижте също"])
def test_text_bullets_under_a_related_title_are_dropped_with_it(title: str) -> None:
    lines = ["Нов мост", "9 Януари, 2026 23:13 313 7", FIRST_BG, title]
    text = "\n".join([*lines, "• Друг мост се затваря", "• Нова линия", "Втори абзац."])
    f = _text(text).fields
    assert (f["tags"], f["body"]) == ([], f"{FIRST_BG}\n\nВтори абзац.")


def test_redesign_bare_numeric_items_after_the_date_are_its_counts() -> None:
    counts = '<ul class="c"><li>313</li><li>7</li></ul>'
    f = _mini(f'{counts}<div class="b"><p>Първи абзац.</p></div>', MINI_DATE)
    assert (f["views"], f["comments"], f["tags"]) == (313, 7, [])


@pytest.mark.parametrize("iso", ["2026-01-09T23:13:41+02:00", "2026-01-09T21:13:41Z"])
def test_selector_own_date_line_is_dropped_when_json_ld_has_seconds(iso: str) -> None:
    ld = f'<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{iso}"}}'
    f = _form_a(("</head>", f"{ld}</script></head>"), (FIRST_P, FIRST_P + OWN_DATE)).fields
    assert f["published_at"].startswith("2026-01-09T23:13:41")
    assert "2026" not in f["body"] and f["body"]


# --- review 11: invented values and lost text ---------------------------------------------


def test_text_an_en_date_line_without_views_keeps_its_place_before_a_body_line() -> None:
    body = ["May 9, 2025 10:00 5", "First paragraph."]
    head = ["Last news in Fakti", "Synthetic harbour reopens", "The port will ease traffic"]
    result = extract_from_text("\n".join([*head, "Apr 23, 2025 08:03", *body]), EN_URL)
    assert isinstance(result, Extracted), result
    f = result.fields
    assert (f["published_at"], f["views"]) == ("2025-04-23T08:03:00+03:00", None)
    assert (f["subtitle"], f["body"]) == ("The port will ease traffic", "\n\n".join(body))
    info = "<div>The port will ease traffic</div><div>Apr 23, 2025 08:03</div>"
    f = _en(info, "<div>" + "".join(f"<p>{p}</p>" for p in body) + "</div>")
    assert (f["published_at"], f["views"], f["body"]) == (
        "2025-04-23T08:03:00+03:00",
        None,
        "\n\n".join(body),
    )


@pytest.mark.parametrize(
    ("header", "later"),
    [
        ([], "30 Август, 2025 20:45 2 1"),
        (["Подзаглавие на статията"], "28 Август, 2025 18:00, обновена 28 Август, 2025 19:00"),
        (["• Русе", "Подзаглавие на статията"], "28 Август, 2025 18:00 150"),
    ],
)
def test_text_a_bg_date_only_line_stays_before_a_later_line_with_counts_or_update(
    header: list[str], later: str
) -> None:
    paras = [later, "Първи абзац."]
    f = _text("\n".join(["Нов мост", "29 Август, 2025", *header, *paras])).fields
    got = (f["published_at"], f["updated_at"], f["views"], f["comments"])
    assert got == ("2025-08-29T00:00:00+03:00", None, None, None)
    assert f["body"].endswith("\n\n".join(paras))  # (no caption or author: no subtitle)
    body = "".join(f"<p>{p}</p>" for p in paras)
    f = _mini(f'<div class="b">{body}</div>', '<div class="d">29 Август, 2025</div>')
    assert (f["published_at"], f["views"], f["body"]) == (
        "2025-08-29T00:00:00+03:00",
        None,
        "\n\n".join(paras),
    )


@pytest.mark.parametrize(
    ("date", "items", "counts", "tags"),
    [
        ("14 Юни, 2026", ["112", "Русе"], (None, None), ["112", "Русе"]),
        (
            "14 Юни, 2026 18:45, обновена 14 Юни, 2026 19:00",
            ["112", "Русе"],
            (None, None),
            ["112", "Русе"],
        ),
        ("14 Юни, 2026 18:45 313 7", ["112", "Русе"], (313, 7), ["112", "Русе"]),
        ("14 Юни, 2026", ["2026"], (None, None), ["2026"]),
        ("14 Юни, 2026 18:45 313 7", ["112"], (313, 7), ["112"]),
    ],
)
def test_redesign_a_bare_numeric_tag_item_is_no_count(
    date: str, items: list[str], counts: tuple, tags: list[str]
) -> None:
    bullets = '<ul class="c">' + "".join(f"<li>{t}</li>" for t in items) + "</ul>"
    f = _mini(f'{bullets}<div class="b"><p>Първи абзац.</p></div>', f'<div class="d">{date}</div>')
    assert (f["views"], f["comments"]) == counts
    assert f["tags"] == tags
    assert f["body"] == "Първи абзац."


@pytest.mark.parametrize("header", [[], ["• спорт"]])
def test_text_a_bg_video_articles_trailing_tag_bullets_are_tags_not_body(
    header: list[str],
) -> None:
    lines = ["Нов мост", "9 Януари, 2026 23:13 313 7", *header, "Подзаглавие", "Нов мост - 1"]
    author = ["Снимка: БГНЕС", "Иван Петров Иван Петров Автор във Fakti.bg"]
    f = _text("\n".join([*lines, *author, "• спорт", "• Бургас"])).fields
    assert (f["tags"], f["body"]) == (["спорт", "Бургас"], "")


@pytest.mark.parametrize(
    ("body", "trail"),
    [
        ([FIRST_BG, "Мерките включват:", "• по-ниски данъци", "• нови детски градини"], []),
        ([FIRST_BG, "Наградените журналисти са", "• Мария Иванова", "• Георги Петров"], []),
        (["Програмата е:", "• 10:00 откриване", "• 12:00 концерт"], []),
        ([FIRST_BG, "Мерките:", "• ремонт на пътя Русе - Бяла"], ["Русе", "мостове"]),
    ],
)
def test_text_a_bg_bulleted_list_ending_the_body_stays_body(
    body: list[str], trail: list[str]
) -> None:
    lines = ["Нов мост", "9 Януари, 2026 23:13 313 7", "Подзаглавие", "Нов мост - 1"]
    f = _text("\n".join([*lines, *body, *(f"• {t}" for t in trail)])).fields
    assert (f["tags"], f["body"]) == (trail, "\n\n".join(body))


@pytest.mark.parametrize(
    "link",
    [
        '<a href="https://fakti.bg/video">Вижте видеото от церемонията по откриването</a>',
        '<a href="/izbori-2026">Всичко за изборите 2026</a>',
        '<a href="https://fakti.bg/search?q=most">Всички новини за моста</a>',
    ],
)
def test_redesign_a_p_of_one_site_link_that_is_no_label_is_body_text(link: str) -> None:
    f = _mini(f'<div class="s">Подзаглавие</div><div class="b">{TWO_BG}<p>{link}</p></div>')
    last = link.split(">")[1].split("<")[0]
    assert (f["tags"], f["body"]) == ([], f"Първи абзац.\n\nВтори абзац.\n\n{last}")


@pytest.mark.parametrize("header", [[], ["• Русе"]])
def test_text_a_bg_first_paragraph_before_an_in_body_credit_is_no_subtitle(
    header: list[str],
) -> None:
    lines = ["Нов мост", "9 Януари, 2026 23:13 313 7", *header, FIRST_BG, "Снимка: Архив"]
    f = _text("\n".join([*lines, "Втори абзац."])).fields
    assert (f["subtitle"], f["body"]) == (None, f"{FIRST_BG}\n\nВтори абзац.")
    body = f"<div>{FIRST_BG}</div><div>Снимка: Архив</div><div>Втори абзац.</div>"
    f = _mini(f'<div class="b">{body}</div>', MINI_DATE)
    assert (f["subtitle"], f["body"]) == (None, f"{FIRST_BG}\n\nВтори абзац.")


@pytest.mark.parametrize(
    ("first", "body"),
    [
        ("ФАКТИ публикува мнения, т.нар. свободна трибуна, без да ги редактира.", []),
        ("ФАКТИ публикува мнения с различни гледни точки! Първи абзац.", ["Първи абзац."]),
    ],
)
def test_text_the_opinion_disclaimer_ends_at_a_sentence_end(first: str, body: list[str]) -> None:
    lines = ["Мнение", "9 Януари, 2026 23:13 313 7", first, "Втори абзац."]
    result = extract_from_text("\n".join(lines), "https://fakti.bg/mnenia/1040040-mnenie")
    assert isinstance(result, Extracted), result
    assert result.fields["body"] == "\n\n".join([*body, "Втори абзац."])


# --- review 10: regressions of review 9's fixes ---------------------------------------------

_BG_HEAD = ["Нов мост", "9 Януари, 2026 23:13 313 7"]


@pytest.mark.parametrize("junk", [".", "..."])
def test_text_a_junk_bg_subtitle_before_the_credit_stays_the_subtitle(junk: str) -> None:
    """`.` and `...` (§3: a subtitle may be junk) were read as a paragraph ending a sentence
    before an in-body credit: the subtitle was lost and the junk went into the body."""
    lines = [*_BG_HEAD, junk, "Снимка: БГНЕС", FIRST_BG]
    f = _text("\n".join(lines)).fields
    assert (f["subtitle"], f["body"]) == (junk, FIRST_BG)


@pytest.mark.parametrize(
    "last",
    [
        "(БТА)",
        "(по материали на БНР)",
        "/БТА/",
        "Мостът е открит днес, съобщи кметът (БТА)",
        "Източник: БТА",
        "Мостът ще бъде открит през май",
    ],
)
def test_text_bg_trailing_tags_after_a_line_that_leads_into_no_list(last: str) -> None:
    """A source ending the body (`(БТА)`, `/БТА/`) or a last paragraph missing its final dot
    was taken for the lead-in of a list: the trailing tags (§3) went into the body. Only a
    line ending with `:` or a word that asks for more leads into a list."""
    lines = [*_BG_HEAD, "Подзаглавие", "Нов мост - 1", FIRST_BG, last, "• Русе", "• мостове"]
    f = _text("\n".join(lines)).fields
    assert (f["tags"], f["body"]) == (["Русе", "мостове"], f"{FIRST_BG}\n\n{last}")


@pytest.mark.parametrize("tag", ["112", "5G", "2026"])
def test_text_a_trailing_tag_of_one_number_like_token_is_a_tag(tag: str) -> None:
    lines = [*_BG_HEAD, "Подзаглавие", "Нов мост - 1", FIRST_BG, f"• {tag}", "• Русе"]
    f = _text("\n".join(lines)).fields
    assert (f["tags"], f["body"]) == ([tag, "Русе"], FIRST_BG)


@pytest.mark.parametrize(
    "inside",
    [
        "в т.нар. свободна трибуна",
        "на читатели, вкл. и такива",
        "на над 1 млн. души",
        "на над 5 млрд. души",
        "на акад. и проф. автори,",
        "на Fakti.bg и",
    ],
)
def test_the_disclaimer_runs_past_abbreviations_and_ends_before_a_camel_case_word(
    inside: str,
) -> None:
    """A body sentence opening with a camel-case word (`eBay`) was swallowed; a dot after
    an abbreviation (`вкл.`, `млн.`) before a lower-case word does not end the disclaimer."""
    lead = "ФАКТИ публикува мнения на читатели от различни точки."
    text = f"{lead} eBay обяви нова политика. Вторият ред."
    assert P.OPINION_DISCLAIMER.sub("", text, count=1) == "eBay обяви нова политика. Вторият ред."
    kept = f"{P.OPINION_DISCLAIMER_START} {inside} редакцията. Първо изречение."
    assert P.OPINION_DISCLAIMER.sub("", kept, count=1) == "Първо изречение."


@pytest.mark.parametrize("first", ["Той ще започне днес в 18.30.", "Ръстът на цените е 2.5."])
def test_text_a_first_paragraph_ending_in_a_number_before_a_credit_is_no_subtitle(
    first: str,
) -> None:
    lines = [*_BG_HEAD, first, "Снимка: БГНЕС", FIRST_BG]
    f = _text("\n".join(lines)).fields
    assert (f["subtitle"], f["body"]) == (None, f"{first}\n\n{FIRST_BG}")


@pytest.mark.parametrize("items", [["5", "12", "23", "31"], ["06:15", "10:40", "18:30"]])
def test_text_trailing_bullets_of_numbers_only_are_a_list_not_tags(items: list[str]) -> None:
    """Lottery numbers or departure times after the last paragraph became tags and left
    the body."""
    last = "Печелившите числа от тиража са следните."
    lines = [*_BG_HEAD, "Подзаглавие", "Нов мост - 1", last, *(f"• {t}" for t in items)]
    f = _text("\n".join(lines)).fields
    assert f["tags"] == []
    assert f["body"] == "\n\n".join([last, *(f"• {t}" for t in items)])


@pytest.mark.parametrize("tags", [["112"], ["112", "2026"]])
def test_text_one_or_two_number_tags_after_the_body_are_tags(tags: list[str]) -> None:
    """Fewer than three bullets without a letter are tags, not a list of numbers."""
    lines = [*_BG_HEAD, "Подзаглавие", "Нов мост - 1", FIRST_BG, *(f"• {t}" for t in tags)]
    f = _text("\n".join(lines)).fields
    assert (f["tags"], f["body"]) == (tags, FIRST_BG)


def test_the_disclaimer_ends_before_a_lower_case_sentence_after_a_full_word() -> None:
    """A body sentence opening in lower case (`и все пак`) after the disclaimer's last word
    was swallowed."""
    text = f"{P.OPINION_DISCLAIMER_START} на автори, с които редакцията не е съгласна. и все пак."
    assert P.OPINION_DISCLAIMER.sub("", text, count=1) == "и все пак."


def test_text_a_bg_subtitle_ending_in_three_dots_before_the_credit_stays_the_subtitle() -> None:
    """`...` ended a sentence where `…` did not: the subtitle went into the body."""
    lines = [*_BG_HEAD, "Кметът обеща ремонт...", "Снимка: БГНЕС", FIRST_BG]
    f = _text("\n".join(lines)).fields
    assert (f["subtitle"], f["body"]) == ("Кметът обеща ремонт...", FIRST_BG)


# --- sign-up boxes and rails inside the body ------------------------------------------------

SIGNUP_BOXES = [
    '<div class="nl"><h3>Абонирайте се</h3><p>Синтетичен бюлетин всяка сутрин.</p>'
    '<form><input type="email"><button>Запиши ме</button></form></div>',
    '<div class="k7"><div><p>Синтетична анкета: харесва ли ви мостът?</p></div>'
    '<div><input type="radio" name="a"><input type="radio" name="a"></div></div>',
]
SECOND_A = "<p>Вторият абзац съдържа"
SECOND_RED = "<p>Вторият ден беше"


@pytest.mark.parametrize("box", SIGNUP_BOXES)
def test_selector_body_leaves_out_a_sign_up_box(box: str) -> None:
    """A newsletter or poll box (its text around a form or an input) between paragraphs of
    `div.text` was body text."""
    assert _form_a((SECOND_A, box + SECOND_A)).fields["body"] == _form_a().fields["body"]


@pytest.mark.parametrize("box", SIGNUP_BOXES)
def test_text_body_leaves_out_a_sign_up_box(box: str) -> None:
    assert _redesign((SECOND_RED, box + SECOND_RED)).fields["body"] == (_redesign().fields["body"])


LONG = "Синтетичен текст за моста. " * 12


@pytest.mark.parametrize(
    ("box", "kept"),
    [
        ("<form><input></form>", []),
        (f'<div class="w"><p>{LONG}</p><form><input></form></div>', [LONG.strip()]),
    ],
)
@pytest.mark.parametrize("selectors", [True, False])
def test_a_form_in_the_body_element_or_beside_long_text_drops_nothing(
    box: str, kept: list[str], selectors: bool
) -> None:
    """A form right in the body's element, or in a block with more text than a box,
    leaves every paragraph in the body."""
    edit, page = (SECOND_A, _form_a) if selectors else (SECOND_RED, _redesign)
    paras = page().fields["body"].split("\n\n")
    assert page((edit, box + edit)).fields["body"].split("\n\n") == [paras[0], *kept, *paras[1:]]


RAIL_OF_DIVS = (
    '<div class="r5"><div class="r6">Най-четени днес</div>'
    '<div class="r7"><a href="/bulgaria/1038001-a">Синтетична новина за пътя до морето</a>'
    "<span>днес в 12:30</span></div>"
    '<div class="r7"><a href="/world/1038002-b">Синтетична новина за света и още</a></div></div>'
)


def test_text_body_leaves_out_the_title_of_a_rail_between_paragraphs() -> None:
    """A rail of links in `div`s between the paragraphs left its title (`Най-четени днес`,
    no known rail title) in the body."""
    f = _redesign((SECOND_RED, RAIL_OF_DIVS + SECOND_RED)).fields
    assert f["body"] == _redesign().fields["body"]


def test_text_body_keeps_a_box_with_more_text_than_links() -> None:
    box = (
        '<div class="q"><div>Синтетичен цитат на кмета за моста.</div>'
        '<div><a href="https://example.org/x">източник</a></div></div>'
    )
    paras = _redesign().fields["body"].split("\n\n")
    f = _redesign((SECOND_RED, box + SECOND_RED)).fields
    quote = "Синтетичен цитат на кмета за моста."
    assert f["body"].split("\n\n") == [paras[0], quote, *paras[1:]]


@pytest.mark.parametrize(
    "between",
    [
        RELATED_BLOCK,
        '<div class="q1"><ins class="adsbygoogle"></ins></div>',
        '<div class="q1"><span>Реклама</span><ins class="adsbygoogle"></ins></div>',
    ],
)
def test_text_body_of_wrapped_paragraphs_passes_over_blocks_between_the_wrappers(
    between: str,
) -> None:
    """With each paragraph in a wrapper of its own, a related-links block, an empty ad slot
    or one showing only its label (classes unknown) after the first wrapper made the body
    that first paragraph alone."""
    wrapped = f'<div class="w">{P1}</div>{between}<div class="w">{P2}</div>'
    before = _redesign().fields
    body = REDESIGN[REDESIGN.index(P1) : REDESIGN.index(P2) + len(P2)]
    f = _redesign((body, wrapped)).fields
    assert (f["body"], f["tags"]) == (before["body"], before["tags"])


def test_text_a_first_paragraph_before_the_photo_in_the_body_is_no_subtitle() -> None:
    """A BG page without a subtitle whose photo follows the first paragraph, inside the body:
    the caption after it made that paragraph the subtitle."""
    edits = (SUBTITLE, ""), (FIGURE, ""), (AUTHOR, ""), (P1, P1 + FIGURE)
    f = _redesign(*edits).fields
    assert (f["subtitle"], f["body"]) == (None, _redesign().fields["body"])


def test_text_a_subtitle_paragraph_over_the_header_photo_stays_the_subtitle() -> None:
    f = _redesign((SUBTITLE, SUBTITLE.replace("div", "p"))).fields
    assert (f["subtitle"], f["body"]) == (
        "Организаторите обещават ново издание догодина",
        _redesign().fields["body"],
    )


EXPANDER = (
    '<div class="x1"><input type="checkbox" id="more" hidden><div class="x2">'
    "<p>Синтетичен скрит абзац.</p><p>Още един скрит абзац.</p></div>"
    '<label for="more">Покажи още</label></div>'
)


@pytest.mark.parametrize("selectors", [True, False])
def test_a_read_more_expander_in_the_body_is_no_sign_up_box(selectors: bool) -> None:
    """A "read more" toggle (a checkbox `input`) with the rest of the paragraphs was taken
    for a sign-up box: those paragraphs were lost (a review of 5ad6381)."""
    edit, page = (SECOND_A, _form_a) if selectors else (SECOND_RED, _redesign)
    body = page((edit, EXPANDER + edit)).fields["body"].split("\n\n")
    assert "Синтетичен скрит абзац." in body and "Още един скрит абзац." in body


@pytest.mark.parametrize(
    "widget",
    ['<input type="hidden" name="aid" value="1">', '<form><input type="radio" name="v"></form>'],
)
def test_a_short_body_with_a_hidden_input_or_poll_keeps_its_paragraphs(widget: str) -> None:
    """A short body whose element holds an input, on a page with a `p` outside the body
    (the subtitle as a `p`): the body's element was taken for a sign-up box, and the whole
    body was lost (text layer)."""
    edits = (SUBTITLE, SUBTITLE.replace("div", "p")), (P2, P2 + widget)
    body = _redesign(*edits).fields["body"].split("\n\n")
    assert body[:2] == _redesign().fields["body"].split("\n\n")[:2]


def test_a_subtitle_p_beside_the_headline_over_the_photo_before_a_p_stays_the_subtitle() -> None:
    """A subtitle `p` beside the headline, then the photo, then a `p` (the body's paragraphs
    right there): it went to the body as its first paragraph (a review of 22efa52)."""
    page = (
        '<html lang="bg"><head><meta charset="utf-8">'
        "<title>Синтетичен фестивал събра хиляди - Факти</title></head>"
        '<body><main class="m4"><article class="a9"><h1 class="h3">'
        'Синтетичен фестивал събра хиляди</h1><div class="d5">14 Юни, 2026 18:45 5 067 12</div>'
        '<p class="s6">Организаторите обещават ново издание</p>'
        f"{FIGURE}<p>Фестивалът започна в събота.</p><p>Вторият ден мина спокойно.</p>"
        "</article></main></body></html>"
    )
    result = extract_article(page.encode(), RED_URL)
    assert isinstance(result, Extracted)
    f = result.fields
    assert f["subtitle"] == "Организаторите обещават ново издание"
    assert f["body"] == "Фестивалът започна в събота.\n\nВторият ден мина спокойно."
