"""Text layer, header lines of pages without the known class names (fakti-site.md §3, §5
variant 3): a date line whose counts are no count. All text is synthetic."""

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
