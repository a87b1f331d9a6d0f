"""Body paragraphs outside plain `p`s of `div.text`: wrappers, quotes, inline runs, tables
and invisible paragraphs, in the known markup and the redesign, on both editions
(fakti-site.md §5 "Field rules": the article's text paragraphs, in order). All text is
synthetic."""

from __future__ import annotations

import pytest

from newsspider.extraction import Extracted, extract_article, extract_from_text

EDITIONS = {
    "en": ("https://fakti.bg/en/world/1050001-bridge-opens", "Bridge opens", "Fakti.bg",
           "Apr 23, 2025 08:03", ("144",)),
    "bg": ("https://fakti.bg/bulgaria/1050001-most", "Мостът е открит", "Факти",
           "23 Април, 2025 08:03", ("144", "3")),
}  # fmt: skip
FIRST = "<p>First synthetic line.</p>"
MID = "<p>Middle synthetic line.</p>"
LAST = "<p>Last synthetic line.</p>"
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


@BOTH
@pytest.mark.parametrize(
    "body",
    [
        f"<div>{FIRST}{MID}</div>{LAST}",
        f"<section>{FIRST}{MID}</section>{LAST}",
        f'<div class="w3">{FIRST}{MID}</div>{LAST}',
        f"<div><div>{FIRST}{MID}</div>{LAST}</div>",
        f'<div class="w3">{FIRST}</div><div class="w3">{MID}{LAST}</div>',
        f"<div>{FIRST}{MID}</div><div>{LAST}</div>",
    ],
)
def test_paragraphs_after_a_wrapper_that_opens_the_body_are_kept(
    body: str, lang: str, known: bool
) -> None:
    """A wrapper of the first paragraphs, then more paragraphs: the selector layer sent a
    class-less one to the text layer, which kept only the wrapper's paragraphs (the
    container of the first `p`): `'First.\\n\\nMid.'` without `Last.`; with unknown class
    names a `section` or classed wrapper lost them too."""
    result = _page(body, lang, known)
    assert result.fields["body"] == THREE
    assert result.layers["body"] == ("selectors" if known else "text")


MIDDLES = [
    "<blockquote>Quoted synthetic words.</blockquote>",
    '<blockquote class="q4">Quoted synthetic words.</blockquote>',
    "<strong>Quoted synthetic words.</strong>",
    "<em>Quoted synthetic words.</em>",
    "<span>Quoted synthetic words.</span>",
    "<section>Quoted synthetic words.</section>",
    "<pre>Quoted synthetic words.</pre>",
    "<center>Quoted synthetic words.</center>",
    "<font>Quoted synthetic words.</font>",
    "<article>Quoted synthetic words.</article>",
    '<div class="note">Quoted synthetic words.</div>',
    "<table><tr><td>Quoted synthetic words.</td></tr></table>",
    "<blockquote><div>Quoted synthetic words.</div></blockquote>",
]


@BOTH
@pytest.mark.parametrize("middle", MIDDLES)
def test_text_outside_the_paragraphs_is_kept(middle: str, lang: str, known: bool) -> None:
    """Text of `div.text` in a block or inline run that is no `p` (a quote, a table's cell,
    a `strong` run) was dropped by the selector layer (`'First.\\n\\nLast.'`), which checked
    only `div.text`'s own text and class-less `div`s, while the text layer kept it: now
    such text sends the body to the text layer, as README says."""
    result = _page(f"{FIRST}{middle}{LAST}", lang, known)
    assert result.fields["body"] == QUOTED
    assert result.layers["body"] == "text"


NOT_BODY = [
    "<ul><li>One synthetic item</li><li>Another synthetic item</li></ul>",
    "<ol><li>One synthetic item</li></ol>",
    "<h3>A synthetic heading</h3>",
    '<div class="related"><h4>Read also</h4><ul><li><a href="/world/1040000-x">Other story'
    "</a></li></ul></div>",
    '<div class="w5"><h4>Read also</h4><ul><li><a href="/world/1040000-x">Other story'
    "</a></li></ul></div>",
    '<div class="ad"><span class="ad-label">Advertisement</span><ins class="adsbygoogle">'
    "</ins></div>",
    "<script>var shown = 'no synthetic text';</script><style>.x{margin:0}</style>",
    '<figure><img src="/photos/a.jpg"><figcaption>A synthetic caption</figcaption></figure>',
    '<div class="share"><a href="https://www.facebook.com/sharer">Share</a></div>',
    '<div><div class="tags-bottom"><a href="/tag/most">most</a></div></div>',
    '<div><input type="checkbox" id="more" hidden><label for="more">Show more</label></div>',
    "<div><p>Middle synthetic line.</p></div>",
]


@pytest.mark.parametrize("lang", ["en", "bg"])
@pytest.mark.parametrize("middle", NOT_BODY)
def test_what_is_never_body_text_keeps_the_selector_body(middle: str, lang: str) -> None:
    """Lists, headings, related-links blocks, ads, scripts, styles, captions, the share bar,
    tags and a toggle's label in `div.text` are no text outside the paragraphs, nor is a
    wrapper of paragraphs: the selector layer reads the body, without them."""
    result = _page(f"{FIRST}{middle}{LAST}", lang, True)
    expected = THREE if "Middle" in middle else "First synthetic line.\n\nLast synthetic line."
    assert result.fields["body"] == expected
    assert result.layers["body"] == "selectors"


@pytest.mark.parametrize(
    "body",
    [
        f"<div>{FIRST}{MID}</div>{LAST}",
        f"<div>{FIRST}</div><div>{MID}</div><div>{LAST}</div>",
        f'<div class="w3">{FIRST}{MID}</div><div class="w3">{LAST}</div>',
    ],
)
def test_wrapped_paragraphs_are_kept_on_a_page_without_an_article_element(body: str) -> None:
    """The header in a box of its own, the body in another (no `article` element): the
    wrappers of the body's paragraphs are read whole, never the page around them."""
    url, headline, site, date, counts = EDITIONS["bg"]
    page = (
        f'<html lang="bg"><head><title>{headline} - {site}</title></head><body><div id="w">'
        f'<div class="h2"><h1>{headline}</h1><div class="d4">{date} {" ".join(counts)}</div>'
        f'</div><div class="b8">{body}</div><p>A synthetic note of the page.</p></div>'
        "</body></html>"
    )
    result = extract_article(page.encode(), url, content_type="text/html; charset=utf-8")
    assert isinstance(result, Extracted), result
    assert (result.fields["body"], result.layers["body"]) == (THREE, "text")
