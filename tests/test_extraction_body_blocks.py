"""Body paragraphs in wrappers of `div.text`, and invisible paragraphs, in the known markup
and the redesign, on both editions (fakti-site.md §5 "Field rules": the article's text
paragraphs, in order). All text is synthetic."""

from __future__ import annotations

import pytest

from newsspider.extraction import Extracted, extract_article, extract_from_text

EDITIONS = {
    "en": ("https://fakti.bg/en/world/1050001-bridge-opens", "Bridge opens", "Fakti.bg",
           "Apr 23, 2025 08:03", ("144",)),
    "bg": ("https://fakti.bg/bulgaria/1050001-most", "Мостът е открит", "Факти",
           "23 Април, 2025 08:03", ("144", "3")),
}  # fmt: skip
FIRST, MID, LAST = (
    "<p>First synthetic line.</p>",
    "<p>Middle synthetic line.</p>",
    ("<p>Last synthetic line.</p>"),
)
THREE = "First synthetic line.\n\nMiddle synthetic line.\n\nLast synthetic line."
QUOTED = "First synthetic line.\n\nQuoted synthetic words.\n\nLast synthetic line."


def _page(body: str, lang: str, known: bool) -> Extracted:
    """An article of ``lang`` whose body element holds ``body``: in the §5 markup
    (``known``), or in the redesign's unknown class names (the text layer reads it)."""
    url, headline, site, date, counts = EDITIONS[lang]
    if known:
        info = "".join(
            f'<div class="{name}">{value}</div>'
            for name, value in zip(("ndt", "nv", "nc"), (date, *counts), strict=False)
        )
        head = f'<h1 class="title">{headline}</h1><div class="info">{info}</div>'
        article = f'<main id="main"><article>{head}<div class="text">{body}</div>'
    else:
        line = " ".join((date, *counts))
        head = f'<h1 class="h7">{headline}</h1><div class="x2">{line}</div>'
        article = f'<main class="m1"><article class="a1">{head}<div class="x9">{body}</div>'
    page = (
        f'<html lang="{lang}"><head><title>{headline} - {site}</title></head><body>'
        f"{article}</article></main></body></html>"
    )
    result = extract_article(page.encode(), url, content_type="text/html; charset=utf-8")
    assert isinstance(result, Extracted), result
    return result


BOTH = pytest.mark.parametrize(("lang", "known"), [
    ("en", True), ("en", False), ("bg", True), ("bg", False),
])  # fmt: skip


@BOTH
@pytest.mark.parametrize("invisible", ["&#8203;", "\ufeff", "&#173;", "&#8203; &#65279;"])
def test_a_paragraph_that_shows_nothing_is_no_paragraph(
    invisible: str, lang: str, known: bool
) -> None:
    """A `p` of only a zero-width space or byte order mark was a paragraph of its own
    (`'First.\\n\\n\\u200b\\n\\nLast.'`, a different content hash), as an empty one is not."""
    result = _page(f"{FIRST}<p>{invisible}</p>{LAST}", lang, known)
    assert result.fields["body"] == "First synthetic line.\n\nLast synthetic line."
    assert result.layers["body"] == ("selectors" if known else "text")


def test_a_line_of_plain_text_that_shows_nothing_is_no_paragraph() -> None:
    url, headline, _, date, counts = EDITIONS["en"]
    text = f"{headline}\n{date} {counts[0]}\nFirst synthetic line.\n\u200b\nLast synthetic line.\n"
    result = extract_from_text(text, url)
    assert isinstance(result, Extracted), result
    assert result.fields["body"] == "First synthetic line.\n\nLast synthetic line."


@pytest.mark.parametrize("lang", ["en", "bg"])
@pytest.mark.parametrize(
    "body",
    [
        f"<div>{FIRST}{MID}</div>{LAST}",  # (a review: 'First.\n\nMid.', the text layer's)
        f"{FIRST}<div>{MID}</div>{LAST}",
        f"{FIRST}{MID}<div>{LAST}<script>var x = 1;</script></div>",
        # (a review: a `p` in an ad or related box of the wrapper sent it to the text layer)
        f'<div>{FIRST}<div class="ad"><p>Synthetic ad.</p></div>{MID}</div>{LAST}',
        f'<div>{FIRST}<div class="related"><p>Synthetic teaser.</p></div>{MID}</div>{LAST}',
    ],
)
def test_a_wrapper_of_paragraphs_only_is_read_by_the_selectors(body: str, lang: str) -> None:
    """A classless `div` in `div.text` whose text is all in its `p`s is no block of text
    beside them: the selector layer reads every paragraph, in order."""
    result = _page(body, lang, known=True)
    assert (result.fields["body"], result.layers["body"]) == (THREE, "selectors")


@pytest.mark.parametrize("lang", ["en", "bg"])
def test_a_wrapper_with_text_beside_its_paragraphs_goes_to_the_text_layer(lang: str) -> None:
    """Text outside the wrapper's `p`s is not lost to the selector layer's `p`s: the page is
    read by the text layer (which keeps the wrapper's block: README "Layers")."""
    result = _page(f"{FIRST}<div>{MID}<strong>Bold synthetic note.</strong></div>", lang, True)
    assert result.layers["body"] == "text"
    assert "Bold synthetic note." in result.fields["body"]


# --- related and repeated lines in a minimal known page (mutation review 5) ------------------

BG_URL = "https://fakti.bg/bulgaria/1050001-most"


def _known_bg(body: str, ndt: str = '<div class="ndt">23 Април, 2025 08:03 144 2</div>',
              head: str = "") -> dict:  # fmt: skip
    page = (
        f"<html><head><title>Заглавие на статията тук</title>{head}</head><body><article>"
        f'<h1>Заглавие на статията тук</h1>{ndt}<div class="text">{body}</div>'
        "</article></body></html>"
    )
    result = extract_article(page.encode("utf-8"), BG_URL)
    assert isinstance(result, Extracted), result
    return result.fields


def test_a_related_line_whose_label_holds_its_link_text_is_dropped() -> None:
    """`Вижте още: <a>още</a>` is a related-story line (its label with the link's text taken
    out once), not body text."""
    body = '<p>Първи параграф на статията.</p><p>Вижте още: <a href="/world/123457-y">още</a></p>'
    assert _known_bg(body)["body"] == "Първи параграф на статията."


def test_the_repeated_date_line_is_dropped_when_the_json_ld_time_has_seconds() -> None:
    """No `.ndt`, JSON-LD `08:03:27`: a body paragraph repeating `23 Април, 2025 08:03 …` is
    the date line (compared to the minute), not body text."""
    ld = (
        '<script type="application/ld+json">{"@type":"NewsArticle","headline":'
        '"Заглавие на статията тук","datePublished":"2025-04-23T08:03:27+03:00"}</script>'
    )
    body = "<p>23 Април, 2025 08:03 144 2</p><p>Първи параграф на статията.</p>"
    f = _known_bg(body, ndt="", head=ld)
    assert (f["published_at"], f["body"]) == (
        "2025-04-23T08:03:27+03:00",
        "Първи параграф на статията.",
    )


@pytest.mark.parametrize(
    "line",
    [
        "Заглавие на статията тук - 12",  # a caption: the headline and a two-digit photo number
        "Снимки: БТА",  # a photo credit
        "Анна Мария Петрова Иванова Автор във Fakti.bg",  # a four-word author before a role
    ],
)
def test_a_caption_credit_or_author_line_after_the_text_is_no_body_text(line: str) -> None:
    """Such a paragraph is dropped from the body."""
    body = f"<p>Първи параграф на статията.</p><p>{line}</p>"
    assert _known_bg(body)["body"] == "Първи параграф на статията."


def test_views_whose_first_group_has_four_digits_are_no_count() -> None:
    """`1234 567` is no number with a thousands space (at most 3 digits before it)."""
    ndt = '<div class="ndt">23 Април, 2025 08:03</div><span class="nv">1234 567</span>'
    assert _known_bg("<p>Първи параграф на статията.</p>", ndt=ndt)["views"] is None


@pytest.mark.parametrize("lang", ["en", "bg"])
def test_a_paragraph_with_a_field_alone_in_its_box_is_body_text(lang: str) -> None:
    """A sign-up box is a small block beside other paragraphs; a `p` holding an `input` that
    is alone in its wrapper (no `p` beside it) is a paragraph of the body."""
    body = f'{FIRST}<div><p>Write the word: <input type="text"></p></div>{LAST}'
    result = _page(body, lang, True)
    assert result.fields["body"] == (
        "First synthetic line.\n\nWrite the word:\n\nLast synthetic line."
    )
    assert result.layers["body"] == "selectors"


def test_the_date_line_shown_again_in_the_body_is_dropped_even_when_json_ld_differs() -> None:
    """The body's first `p` repeating the `.ndt` line (08:03) is no body text, also when the
    JSON-LD publication time is another minute (07:50)."""
    url, headline = "https://fakti.bg/en/world/1050001-bridge-opens", "Bridge opens"
    ld = (
        '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Bridge opens",'
        '"datePublished":"2025-04-23T07:50:00+03:00"}</script>'
    )
    page = (
        f"<html lang='en'><head><title>{headline} - Fakti.bg</title>{ld}</head><body><main>"
        f'<article><h1>{headline}</h1><div class="ndt">Apr 23, 2025 08:03</div>'
        '<div class="nv">144</div><div class="text"><p>Apr 23, 2025 08:03</p>'
        f"{FIRST}</div></article></main></body></html>"
    )
    result = extract_article(page.encode(), url, content_type="text/html; charset=utf-8")
    assert isinstance(result, Extracted), result
    assert result.fields["published_at"] == "2025-04-23T07:50:00+03:00"
    assert (result.fields["body"], result.layers["body"]) == ("First synthetic line.", "selectors")
