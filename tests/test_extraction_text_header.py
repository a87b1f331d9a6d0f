"""Text layer, header lines of pages without the known class names (fakti-site.md §3, §5
variant 3): a date line whose update or counts are not read, an author line naming several
authors, a label line that is none. All text is synthetic."""

from __future__ import annotations

import pytest

from newsspider.extraction import Extracted, extract_article, extract_from_text

EN_URL = "https://fakti.bg/en/world/1050001-synthetic-bridge"
BG_URL = "https://fakti.bg/bulgaria/1050002-sintetichen-most"
EN_DATE = "Apr 23, 2025 08:03"
EN_PAGE = (
    '<html lang="en"><head><title>Bridge opens - Fakti.bg</title></head><body><main id="main">'
    "<article><h1>Bridge opens</h1>{info}<div>{body}</div></article></main></body></html>"
)
PARAS = "<p>First.</p><p>Last.</p>"


def _page(page: str, url: str) -> dict:
    result = extract_article(page.encode("utf-8"), url)
    assert isinstance(result, Extracted), result
    return result.fields


def _en(info: str, body: str = PARAS) -> dict:
    return _page(EN_PAGE.format(info=info, body=body), EN_URL)


# --- a date line whose counts are shown in a form that is no count --------------------------


@pytest.mark.parametrize("views", ["1.2K", "1,234", "144 views"])
@pytest.mark.parametrize(
    "info",
    [
        "<div><span>{date}</span> <span>{views}</span></div>",
        "<div><span>{date}</span><span>{views}</span></div>",
        "<div>{date} {views}</div>",
    ],
)
def test_a_date_line_with_views_that_are_no_count_keeps_its_date(info: str, views: str) -> None:
    """Views shown as `1.2K`, `1,234` or `144 views` on the date line's rendered line: the
    page was rejected (missing:published_at). The date stands and the views are null, as
    the known markup gives for such a `.nv`."""
    known = _en(
        f'<div class="info"><div class="ndt">{EN_DATE}</div><div class="nv">{views}</div></div>'
    )
    f = _en(info.format(date=EN_DATE, views=views))
    assert (f["published_at"], f["views"], f["body"]) == (
        "2025-04-23T08:03:00+03:00",
        None,
        "First.\n\nLast.",
    )
    assert (f["published_at"], f["views"]) == (known["published_at"], known["views"])
    text = f"Last news in Fakti\nBridge opens\n{EN_DATE} {views}\nFirst paragraph."
    result = extract_from_text(text, EN_URL)
    assert isinstance(result, Extracted), result
    got = (result.fields["published_at"], result.fields["views"], result.fields["body"])
    assert got == ("2025-04-23T08:03:00+03:00", None, "First paragraph.")


@pytest.mark.parametrize("counts", ["1.2K 7", "2,6 хил. 7"])
def test_a_bg_date_line_with_counts_that_are_no_count_keeps_its_date(counts: str) -> None:
    page = (
        '<html lang="bg"><body><article><h1>Нов мост</h1>'
        f"<div><span>14 Юни, 2026 18:45</span> <span>{counts}</span></div>"
        '<div class="b"><p>Първи абзац.</p></div></article></body></html>'
    )
    f = _page(page, BG_URL)
    got = (f["published_at"], f["views"], f["comments"], f["body"])
    assert got == ("2026-06-14T18:45:00+03:00", None, None, "Първи абзац.")


@pytest.mark.parametrize(
    "para",
    ["Apr 23, 2025 08:03 12 people were hurt in the crash.", "Apr 23, 2025 at 08:03 1.2K"],
)
def test_a_body_line_opening_with_a_date_and_a_number_stays_in_the_body(para: str) -> None:
    f = _en(f"<div>{EN_DATE} 144</div>", f"<p>{para}</p><p>Last.</p>")
    assert (f["published_at"], f["views"]) == ("2025-04-23T08:03:00+03:00", 144)
    assert f["body"] == f"{para}\n\nLast."


# --- an author line naming several authors, or led by a label ------------------------------

BG_HEAD = (
    '<html lang="bg"><head><title>Кметът откри нов мост - Факти</title></head><body><main>'
    "<article><h1>Кметът откри нов мост</h1>"
    "<div><span>13 Юни, 2025 05:39</span> <span>2 616</span> <span>7</span></div>"
    "<h2>Движението ще се облекчи според общината</h2>"
)
BG_BODY = '<div class="c"><p>Първият абзац на статията.</p><p>Вторият абзац.</p></div>'
BG_PARAS = "Първият абзац на статията.\n\nВторият абзац."
TWO_AUTHORS = (
    '<a{cls} href="/author/s">Стефан Маринов</a> <span>Стефан Маринов</span>, '
    '<a{cls} href="/author/m">Мария Иванова</a> <span>Мария Иванова</span> '
    "<span>Автор във Fakti.bg</span>"
)
BG_TEXT = """Кметът откри нов мост
13 Юни, 2025 05:39 2 616 7
Движението ще се облекчи според общината
Кметът откри нов мост - 1
Снимка: Архив
{author}
Първият абзац на статията.
Вторият абзац.
"""


def _bg(author: str, body: str = BG_BODY) -> dict:
    return _page(f"{BG_HEAD}<div>{author}</div>{body}</article></main></body></html>", BG_URL)


def _bg_text(author: str) -> dict:
    result = extract_from_text(BG_TEXT.format(author=author), BG_URL)
    assert isinstance(result, Extracted), result
    return result.fields


def test_an_author_line_of_two_names_each_shown_twice_gives_both() -> None:
    """`<a>С М</a> <span>С М</span>, <a>М И</a> <span>М И</span> <span>Автор във
    Fakti.bg</span>` without the known class names: the authors were [] and the line opened
    the body. The known markup gives both names."""
    known = _bg(TWO_AUTHORS.format(cls=' class="author-name"'))
    f = _bg(TWO_AUTHORS.format(cls=""))
    assert f["authors"] == known["authors"] == ["Стефан Маринов", "Мария Иванова"]
    assert f["body"] == known["body"] == BG_PARAS
    assert f["subtitle"] == "Движението ще се облекчи според общината"
    line = "Стефан Маринов Стефан Маринов, Мария Иванова Мария Иванова Главен редактор във Fakti.bg"
    f = _bg_text(line)
    assert (f["authors"], f["body"]) == (["Стефан Маринов", "Мария Иванова"], BG_PARAS)


@pytest.mark.parametrize(
    "line",
    [
        "Това каза Петър Иванов, Мария Иванова Мария Иванова Автор във Fakti.bg",
        "Петър Иванов Петър Иванов, главен редактор във Fakti.bg",
    ],
)
def test_a_line_of_names_not_each_shown_twice_is_no_author_line(line: str) -> None:
    f = _bg_text(line)
    assert f["authors"] == []
    assert f["body"] == f"{line}\n\n{BG_PARAS}"


def test_a_label_line_is_no_author_line_in_the_text_layer() -> None:
    """A review of a label rule (`Автор: Н Н` read in the author slot) found a book's details
    (`Автор: Иван Вазов` opening the body, after the real author line, or on an English page)
    taken as authors and lost from the body: the line is body text, the author line's name
    the only author."""
    twice = TWO_AUTHORS.split(", ", 1)[0].format(cls="") + " <span>Автор във Fakti.bg</span>"
    body = '<div class="c"><p>Автор: Иван Вазов</p><p>Първият абзац на статията.</p></div>'
    f = _bg(twice, body)
    assert f["authors"] == ["Стефан Маринов"]
    assert f["body"] == "Автор: Иван Вазов\n\nПървият абзац на статията."
    f = _en(f"<div>{EN_DATE} 144</div>", "<p>Автор: Иван Вазов</p><p>Last.</p>")
    assert (f["authors"], f["body"]) == ([], "Автор: Иван Вазов\n\nLast.")


def test_a_label_line_in_the_body_stays_body_text() -> None:
    body = '<div class="c"><p>Първи абзац.</p><p>Автор: Иван Вазов</p><p>Трети абзац.</p></div>'
    f = _bg("", body)
    assert (f["authors"], f["body"]) == ([], "Първи абзац.\n\nАвтор: Иван Вазов\n\nТрети абзац.")


def test_a_label_line_after_the_first_paragraph_makes_it_no_subtitle() -> None:
    lines = ["Кметът откри нов мост", "13 Юни, 2025 05:39 2 616 7", "Първи абзац."]
    result = extract_from_text("\n".join([*lines, "Автор: Иван Вазов", "Трети абзац."]), BG_URL)
    assert isinstance(result, Extracted), result
    f = result.fields
    assert (f["subtitle"], f["authors"]) == (None, [])
    assert f["body"] == "Първи абзац.\n\nАвтор: Иван Вазов\n\nТрети абзац."


@pytest.mark.parametrize(
    ("shown", "para", "published"),
    [
        (
            "25 Август, 2025 07:10 1.2K 7",
            "25 Август, 2025 09:00 2 загинали",
            "2025-08-25T07:10:00+03:00",
        ),
        (
            "9 Януари, 2026 23:13 1,2 хил. прегледа",
            "9 Януари, 2026 23:50 3 ранени",
            "2026-01-09T23:13:00+02:00",
        ),
    ],
)
def test_a_body_line_of_a_date_a_time_a_number_and_words_is_no_date_line(
    shown: str, para: str, published: str
) -> None:
    """A review of the first version (a count, then up to two words, twice) found the body's
    `… 09:00 2 загинали` taken as the date line when the header's was not read: the header's
    date and time stand (its update and counts in a form not read), the body keeps the line."""
    page = (
        '<html lang="bg"><head><title>Нов мост - Fakti.bg</title></head><body><main class="m">'
        f'<article class="x"><h1>Нов мост</h1><div>{shown}</div><div class="b"><p>{para}</p>'
        "<p>Първият абзац на статията е тук.</p></div></article></main></body></html>"
    )
    f = _page(page, BG_URL)
    assert (f["published_at"], f["updated_at"], f["views"]) == (published, None, None)
    assert f["body"] == f"{para}\n\nПървият абзац на статията е тук."


def test_a_page_whose_only_dated_line_is_a_body_line_is_rejected() -> None:
    """`Apr 22, 2025 10:00 2 dead` opens the body: no date line, not a publication time."""
    page = EN_PAGE.format(info="", body="<p>Apr 22, 2025 10:00 2 dead</p><p>Last.</p>")
    result = extract_article(page.encode("utf-8"), EN_URL)
    assert not isinstance(result, Extracted) and result.reason == "missing:published_at"


def test_a_card_whose_date_is_followed_by_its_headline_is_no_date_line() -> None:
    """Another story's `.ndt` above the headline (`Apr 22, 2025 10:00 Other story headline`)
    gave the page that story's time; the page's own date line (text layer) stands."""
    card = '<div class="card"><div class="ndt">Apr 22, 2025 10:00 Other story headline</div></div>'
    page = EN_PAGE.format(info=f"<div>{EN_DATE} 144</div>", body=PARAS).replace(
        "<h1>", card + "<h1>", 1
    )
    f = _page(page, EN_URL)
    assert (f["published_at"], f["views"]) == ("2025-04-23T08:03:00+03:00", 144)


@pytest.mark.parametrize(
    ("info", "known", "views"),
    [
        ('<div class="ndt">{date} 1.2K views</div>', True, None),
        ("<div>{date} 1.2K views</div>", False, None),
        ("<div>{date} 144 views 3 comments</div>", False, None),
        ('<div class="ndt">{date} (updated 08:13)</div><div class="nv">144</div>', True, 144),
        ('<div class="ndt">{date} | 144</div>', True, None),
        ('<div class="ndt">{date} Views: 144</div>', True, None),
    ],
)
def test_a_date_line_whose_rest_is_a_count_with_its_word_keeps_its_date(
    info: str, known: bool, views: int | None
) -> None:
    """A review of the first rule (one count word: `views`, not `1.2K views`; an update word
    right after the time) found these rejected, missing:published_at; the page's date element
    (`.ndt`) also keeps its date before a short rest with a digit."""
    shown = info.format(date=EN_DATE)
    page = EN_PAGE.format(info=shown, body=PARAS)
    if known:  # (the body's `div`, after the info's classed ones)
        page = page.replace("<div>", '<div class="text">', 1)
    f = _page(page, EN_URL)
    assert (f["published_at"], f["updated_at"], f["views"]) == (
        "2025-04-23T08:03:00+03:00",
        None,
        views,
    )


def test_the_rest_of_a_date_element_is_read_up_to_60_characters() -> None:
    """`.ndt`'s rest after the time (`DATE_REST_SHOWN`): 60 characters keep the date (no
    update, null views); 61 do not, the page is rejected."""
    rest = " | Views: 144 | Comments: 3 | Shares: 12 | Likes: 5 | Pins 7"
    assert len(rest) == 60
    page = EN_PAGE.format(info=f'<div class="ndt">{EN_DATE}{rest}</div>', body=PARAS)
    page = page.replace("<div>", '<div class="text">', 1)
    f = _page(page, EN_URL)
    assert (f["published_at"], f["updated_at"], f["views"]) == (
        "2025-04-23T08:03:00+03:00",
        None,
        None,
    )
    result = extract_article(page.replace(rest, rest + "7").encode("utf-8"), EN_URL)
    assert not isinstance(result, Extracted) and result.reason == "missing:published_at"


def test_a_body_line_with_an_update_word_and_words_is_no_date_line() -> None:
    """`… 09:00, обновено: 2 загинали, 5 ранени` opening the body was taken as the page's date
    line (the first rule took any words after the update word): with the header's date line
    not read, the page is rejected; the body line is never its date."""
    page = (
        '<html lang="bg"><head><title>Нов мост - Fakti.bg</title></head><body><main class="m">'
        '<article class="x"><h1>Нов мост</h1><div>25 Август, 2025 07:10 (обновена 08:13)</div>'
        '<div class="b"><p>25 Август, 2025 09:00, обновено: 2 загинали, 5 ранени</p>'
        "<p>Бурята достигна брега.</p></div></article></main></body></html>"
    )
    result = extract_article(page.encode("utf-8"), BG_URL)
    assert not isinstance(result, Extracted) and result.reason == "missing:published_at"
    f = _page(page.replace("(обновена 08:13)", "1,2 хил. прегледа"), BG_URL)
    assert f["published_at"] == "2025-08-25T07:10:00+03:00"
    assert f["body"].startswith("25 Август, 2025 09:00, обновено: 2 загинали, 5 ранени\n\n")


BG_KNOWN = (
    '<html lang="bg"><head><title>Нов мост - Факти</title></head><body><main id="main"><article>'
    '<h1>Нов мост</h1><div class="info"><div class="ndt">{date}</div><div class="nv">313</div>'
    '<div class="nc">7</div></div><div class="text"><p>{first}</p><p>Втори абзац.</p></div>'
    "</article></main></body></html>"
)


@pytest.mark.parametrize("first", ["Първи абзац.", "10 Януари, 2026 21:45 2 1"])
@pytest.mark.parametrize("date", ["9 Януари, 2026 23:13 ч.", "9 Януари, 2026 23:13ч."])
def test_a_date_element_whose_time_ends_in_the_hour_mark_is_read(date: str, first: str) -> None:
    """`… 23:13 ч.` (the hour mark BG listing times show) in `.ndt`: the page was rejected, or
    dated by a body line with its numbers as the views and comments (a review)."""
    f = _page(BG_KNOWN.format(date=date, first=first), BG_URL)
    got = (f["published_at"], f["views"], f["comments"])
    assert got == ("2026-01-09T23:13:00+02:00", 313, 7)
    assert f["body"] == f"{first}\n\nВтори абзац."


@pytest.mark.parametrize(
    "para", ["25 Август, 2025 16:00 1.1684 1.1690 1.1652", "25 Август, 2025 10:00 2 1 0"]
)
def test_a_body_line_of_a_date_a_time_and_three_numbers_is_no_date_line(para: str) -> None:
    """A rate's three decimals, or three numbers, after a date and a time are no counts: the
    header's date line (its views `1.234`, a count in another form) stands and the body keeps
    the line."""
    page = (
        '<html lang="bg"><head><title>Нов мост - Fakti.bg</title></head><body><main class="m">'
        '<article class="x"><h1>Нов мост</h1><div>25 Август, 2025 07:10 1.234 7</div>'
        f'<div class="b"><p>{para}</p><p>Първият абзац на статията.</p></div>'
        "</article></main></body></html>"
    )
    f = _page(page, BG_URL)
    assert f["published_at"] == "2025-08-25T07:10:00+03:00"
    assert f["body"] == f"{para}\n\nПървият абзац на статията."


def test_a_form_b_line_with_views_that_are_no_count_keeps_both_times() -> None:
    """`… обновена 25 Август, 2025 08:13 1.2K` in the text layer: both times, null counts."""
    line = "25 Август, 2025 07:10, обновена 25 Август, 2025 08:13 1.2K"
    page = (
        '<html lang="bg"><body><article><h1>Нов мост</h1>'
        f'<div>{line}</div><div class="b"><p>Първи абзац.</p></div></article></body></html>'
    )
    f = _page(page, BG_URL)
    got = (f["published_at"], f["updated_at"], f["views"])
    assert got == ("2025-08-25T07:10:00+03:00", "2025-08-25T08:13:00+03:00", None)


@pytest.mark.parametrize(
    "ndt",
    [
        "Apr 23, 2025 08:03 PM 144",
        "Apr 23, 2025 08:03PM | 144",
        "Apr 23, 2025 12:15AM 144 views",
        "Apr 23, 2025 11:13pm 313 0",
        "Apr 23, 2025 11:13p.m. 1.2K",
        "Apr 23, 2025 08:03 GMT+2 | 144",
        "Apr 23, 2025 08:03 UTC 144",
        "Apr 23, 2025 08:03 EET | 144",
        "Apr 23, 2025 08:03 +02:00 144",
        "Apr 23, 2025 11:13 вечерта 12",
        "Apr 23, 2025 11:13 ч. следобед 12",
        "Apr 23, 2025 08:03 in the morning | 144",
    ],
)
def test_a_time_not_in_sofia_24_hour_form_in_the_date_element_is_not_read(ndt: str) -> None:
    """A 12-hour mark glued to the time (`08:03PM`: no word boundary before `PM`), a zone
    or offset, or a day part after it: the hour shown is not the one read; 08:03PM was read
    as 08:03 (a review of f41e03b)."""
    page = EN_PAGE.format(info=f'<div class="ndt">{ndt}</div>', body=PARAS)
    result = extract_article(page.replace("<div>", '<div class="text">', 1).encode(), EN_URL)
    assert not isinstance(result, Extracted) and result.reason == "missing:published_at"


@pytest.mark.parametrize(
    "para", ["25 Август, 2025 09:00 ч.", "25 Август, 2025 10:00 h", "25 Август, 2025 20:45 ч. 2 1"]
)
def test_a_body_line_with_the_hour_mark_is_no_date_line_in_the_text_layer(para: str) -> None:
    """The hour mark (`ч.`) is read in the page's date element only: in the text layer, a
    body line `… 09:00 ч.` took the place of the date line above the headline (a review)."""
    page = (
        '<html lang="bg"><head><title>Нов мост - Fakti.bg</title></head><body><main class="m">'
        '<article class="x"><div>25 Август, 2025 07:10 313 0</div><h1>Нов мост</h1>'
        f'<div class="b"><p>{para}</p><p>Вторият абзац на статията.</p></div>'
        "</article></main></body></html>"
    )
    f = _page(page, BG_URL)
    got = (f["published_at"], f["views"], f["comments"])
    assert got == ("2025-08-25T07:10:00+03:00", 313, 0)
    assert f["body"] == f"{para}\n\nВторият абзац на статията."


@pytest.mark.parametrize(
    "para", ["25 Август, 2025 10:00 1 000 1.500", "25 Август, 2025 20:45 2 1 1.5K"]
)
def test_a_body_line_ending_in_more_than_two_numbers_is_no_date_line(para: str) -> None:
    """Counts in another form are read off the end only when nothing else counts before
    them: `… 20:45 2 1 1.5K` took the page's date (a review of the fifth version)."""
    text = f"Нов мост\n9 Януари, 2026 в 23:13 313 0\n{para}\nВторият абзац.\n"
    result = extract_from_text(text, BG_URL)
    assert not isinstance(result, Extracted) and "published_at" in result.reason


def test_the_date_element_may_write_the_hour_as_a_word() -> None:
    """`… 23:13 часа` in `.ndt` (the hour written out): read, with `.nv` and `.nc`."""
    f = _page(BG_KNOWN.format(date="9 Януари, 2026 23:13 часа", first="Първи абзац."), BG_URL)
    assert (f["published_at"], f["views"], f["comments"]) == ("2026-01-09T23:13:00+02:00", 313, 7)


REDESIGN = (
    '<html lang="bg"><head><title>Нов мост - Fakti.bg</title></head><body><main class="m">'
    '<article class="x"><div class="hd"><h1>Нов мост</h1><div class="when">{when}</div></div>'
    '<div class="copy"><p>Първият абзац на статията.</p><p>{para}</p><p>Последен абзац.</p>'
    "</div></article></main></body></html>"
)


@pytest.mark.parametrize(
    "para",
    [
        "10 Януари, 2026 16:00 1.168 1.170",
        "23 Април, 2025 1.955",
        "23 Април, 2025 16:00 12 M",
        "23 Април, 2025 16:00 144 views",
        "23 Април, 2025 16:00 2,6 хил.",
    ],
)
@pytest.mark.parametrize("when", ["9 Януари, 2026 23:13 ч.", "Публикувано наскоро"])
def test_a_body_line_with_counts_in_another_form_dates_no_page(when: str, para: str) -> None:
    """Counts in another form are read off the header's date line only (the §3 date slot):
    a body paragraph `… 16:00 1.168 1.170` after the first one dated the page whose header
    line was not read, and the first paragraph was lost (a review of f41e03b)."""
    result = extract_article(REDESIGN.format(when=when, para=para).encode("utf-8"), BG_URL)
    assert not isinstance(result, Extracted) and result.reason == "missing:published_at"
    text = f"Нов мост\n{when}\nПървият абзац на статията.\n{para}\nПоследен абзац.\n"
    result = extract_from_text(text, BG_URL)
    assert not isinstance(result, Extracted) and "published_at" in result.reason


def test_a_body_line_with_counts_in_another_form_and_its_update_dates_no_page() -> None:
    """Nor with its update in the next paragraph (`обновена …`, joined to it as to the
    header's date line): the page whose header line is not read is still rejected."""
    para = "10 Януари, 2026 16:00 1.168 1.170</p><p>обновена 10 Януари, 2026 17:00"
    page = REDESIGN.format(when="Публикувано наскоро", para=para)
    result = extract_article(page.encode("utf-8"), BG_URL)
    assert not isinstance(result, Extracted) and result.reason == "missing:published_at"


def test_the_header_date_line_with_counts_in_another_form_keeps_its_date() -> None:
    """The redesign's date block right after the headline is still read (null counts)."""
    page = REDESIGN.format(when="9 Януари, 2026 23:13 1.2K 7", para="10 Януари, 2026 16:00 1.168")
    f = _page(page, BG_URL)
    assert (f["published_at"], f["views"], f["comments"]) == (
        "2026-01-09T23:13:00+02:00",
        None,
        None,
    )
    assert (
        f["body"] == "Първият абзац на статията.\n\n10 Януари, 2026 16:00 1.168\n\nПоследен абзац."
    )


SLOT = (
    '<html lang="{lang}"><head><title>{title} - Fakti.bg</title></head><body><main class="m">'
    '<article class="x"><div class="hd"><h1>{h1}</h1><div>{header}</div><div>{when}</div></div>'
    '<div class="copy"><p>Първият абзац на статията.</p><p>Последен абзац.</p>'
    "</div></article></main></body></html>"
)


@pytest.mark.parametrize(
    ("url", "lang", "header", "when", "published"),
    [
        (
            BG_URL,
            "bg",
            "Тема: Синтетика",
            "9 Януари, 2026 23:13 1.2K 7",
            "2026-01-09T23:13:00+02:00",
        ),
        (
            EN_URL,
            "en",
            "A synthetic subtitle.",
            "Apr 23, 2025 08:03 1.2K",
            "2025-04-23T08:03:00+03:00",
        ),
    ],
)
@pytest.mark.parametrize("title", ["Нов мост", "Заглавие за търсачки"])
def test_the_date_slot_counts_the_headline_once_whatever_the_title(
    url: str, lang: str, header: str, when: str, published: str, title: str
) -> None:
    """A `<title>` other than the `h1`'s text (the headline then comes from it, and no line
    is known as the headline) made the slot count the `h1` as a header line: with a topic
    line or subtitle, the date line was refused and the page rejected (a review of
    69436a5). Plain text, which has no known headline, shows it twice in §3's BG form."""
    page = SLOT.format(lang=lang, title=title, h1="Нов мост", header=header, when=when)
    assert _page(page, url)["published_at"] == published
    text = f"Нов мост\nНов мост\n{header}\n{when}\nПървият абзац на статията.\nВтори абзац.\n"
    result = extract_from_text(text, url)
    assert isinstance(result, Extracted) and result.fields["published_at"] == published


UPDATE = ", обновена 25 Август, 2025 08:13"


@pytest.mark.parametrize(
    "info",
    [
        '<div class="when">25 Август, 2025 07:10 {counts}</div><div>{update}</div>',
        '<div class="ndt">25 Август, 2025 07:10 {counts}</div><span>{update}</span>',
    ],
)
@pytest.mark.parametrize("counts", ["1.2K", "144 views", "2,6 хил. 7"])
def test_a_date_line_with_counts_in_another_form_takes_its_update(info: str, counts: str) -> None:
    """The update shown after a date line read without its counts (`… 07:10 1.2K`) is
    joined as after a whole one: updated_at was null and, in the text layer, the update was
    the subtitle (a review of f41e03b)."""
    page = (
        '<html lang="bg"><head><title>Нов мост - Fakti.bg</title></head><body><main id="main">'
        f'<article><h1>Нов мост</h1><div class="info">{info}</div><div class="text">'
        "<p>Първият абзац на статията.</p></div></article></main></body></html>"
    ).format(counts=counts, update=UPDATE)
    f = _page(page, BG_URL)
    got = (f["published_at"], f["updated_at"], f["views"], f["comments"], f["subtitle"])
    assert got == ("2025-08-25T07:10:00+03:00", "2025-08-25T08:13:00+03:00", None, None, None)
    assert f["body"] == "Първият абзац на статията."


@pytest.mark.parametrize(
    ("ndt", "para", "kept"),
    [
        ("9 Януари, 2026 23:13 1.2K 7", "9 Януари, 2026 23:13 1.2K 7", False),
        ("9 Януари, 2026 23:13 ч.", "9 Януари, 2026 23:13 ч.", False),
        ("9 Януари, 2026 23:13 313 0", "9 Януари, 2026 23:13 1.2K 7", False),
        ("9 Януари, 2026 23:13 1.2K 7", "9 Януари, 2026 23:50 1.2K 7", True),
        ("9 Януари, 2026 23:13 ч.", "10 Януари, 2026 23:13 ч.", True),
        ("9 Януари, 2026 23:13 ч. | 1.2K", "9 Януари, 2026 23:13 ч. | 1.2K", False),
        ("9 Януари, 2026 23:13 ч.", "9 Януари, 2026 23:13 ч. 5 души са ранени", True),
    ],
)
def test_a_body_line_repeating_the_date_line_in_another_form_is_dropped(
    ndt: str, para: str, kept: bool
) -> None:
    """The date line again at the body's top, in a form read off the `.ndt` (`… 1.2K 7`,
    `… 23:13 ч.`), stayed body text (only the whole form was dropped; a review of f41e03b);
    a line with another time is body text."""
    page = BG_KNOWN.format(date=ndt, first=f"{para}</p><p>Първи абзац.")
    f = _page(page, BG_URL)
    assert f["published_at"] == "2026-01-09T23:13:00+02:00"
    assert f["body"] == (f"{para}\n\n" if kept else "") + "Първи абзац.\n\nВтори абзац."


def test_the_redesign_date_line_repeated_in_the_body_is_dropped() -> None:
    """The text layer: `Apr 23, 2025 08:03 1.2K` above the body and again as its first `p`."""
    f = _en(f"<div>{EN_DATE} 1.2K</div>", f"<p>{EN_DATE} 1.2K</p>{PARAS}")
    assert (f["published_at"], f["body"]) == ("2025-04-23T08:03:00+03:00", "First.\n\nLast.")


@pytest.mark.parametrize(
    "when",
    [
        "9 Януари, 2026 23:13 2 542 прегледа 7 коментара",
        "9 Януари, 2026 23:13 2\u00a0542 прегледа 7 коментара",
        "9 Януари, 2026 23:13 1 234 views 3 comments",
        "9 Януари, 2026 23:13 1\u00a0234 views",
    ],
)
def test_counts_with_a_thousands_space_and_their_word_are_read_as_shown(when: str) -> None:
    """`… 2 542 прегледа 7 коментара` was rejected while `313 прегледа 7 коментара` was read
    (a review of f41e03b): the date stands, the counts null."""
    f = _page(REDESIGN.format(when=when, para="Втори абзац."), BG_URL)
    assert (f["published_at"], f["views"], f["comments"]) == (
        "2026-01-09T23:13:00+02:00",
        None,
        None,
    )


# --- the slots around the date line (mutation review 5) --------------------------------------


def test_an_english_subtitle_between_headline_and_date_line_keeps_the_date_line_in_its_slot() -> (
    None
):
    """EN: an h1, a subtitle `p`, then `Apr 23, 2025 08:03 1.2K`: the date line is read and
    the subtitle and body are kept."""
    page = (
        "<html><body><article><h1>Headline of the story here</h1>"
        "<p>The subtitle of the story.</p><div>Apr 23, 2025 08:03 1.2K</div>"
        "<p>The first paragraph of the story is here.</p></article></body></html>"
    )
    f = _page(page, EN_URL)
    assert (f["headline"], f["published_at"], f["body"]) == (
        "Headline of the story here",
        "2025-04-23T08:03:00+03:00",
        "The first paragraph of the story is here.",
    )


def test_a_date_line_split_over_four_blocks_keeps_its_comments() -> None:
    """Date, time, views and comments each in a block of its own: all four are the date line,
    so the comments are read and the body starts after them."""
    page = (
        "<html><body><article><h1>Заглавие на статията тук</h1><div><div>23 Април, 2025</div>"
        "<div>08:03</div><div>144</div><div>2</div></div>"
        "<p>Първият параграф на статията е тук.</p></article></body></html>"
    )
    f = _page(page, BG_URL)
    assert (f["published_at"], f["views"], f["comments"], f["body"]) == (
        "2025-04-23T08:03:00+03:00",
        144,
        2,
        "Първият параграф на статията е тук.",
    )


def test_a_heading_three_lines_above_the_date_line_is_the_headline() -> None:
    """An h2, two plain lines, then the date line: the heading is the headline, not the
    plain line just above the date."""
    page = (
        "<html><body><article><h2>Заглавие на статията тук</h2><p>Първи ред под заглавието</p>"
        "<p>Втори ред под заглавието</p><div>23 Април, 2025 08:03 144 2</div>"
        "<p>Първият параграф на статията е тук.</p></article></body></html>"
    )
    assert _page(page, BG_URL)["headline"] == "Заглавие на статията тук"


def test_an_english_subtitle_keeps_the_date_line_after_it_over_one_above_the_headline() -> None:
    """A date line above the headline is taken only over one past the date slot; the EN
    subtitle (a `p` right after the headline) is in the slot, so the line after it stands."""
    page = (
        '<html lang="en"><head><title>Bridge opens - Fakti.bg</title></head><body><main class="m">'
        '<article class="x"><div class="hd"><div class="d">Apr 22, 2025 10:00 100</div>'
        "<h1>Bridge opens</h1><p>A synthetic subtitle.</p>"
        '<div class="d">Apr 23, 2025 08:03 144</div></div><div class="copy">'
        "<p>First synthetic line.</p><p>Last synthetic line.</p></div>"
        "</article></main></body></html>"
    )
    f = _page(page, EN_URL)
    assert (f["published_at"], f["views"], f["subtitle"]) == (
        "2025-04-23T08:03:00+03:00",
        144,
        "A synthetic subtitle.",
    )
    assert f["body"] == "First synthetic line.\n\nLast synthetic line."
