"""Date lines, listing dates, JSON-LD and RSS times, counts (§2 of fakti-site.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsspider.extraction import patterns as P
from newsspider.extraction.dates import (
    DateLine,
    parse_date_line,
    parse_date_shown,
    parse_iso,
    parse_listing_date,
    parse_rfc822,
    sofia_local,
    updated_time,
)
from newsspider.extraction.numbers import parse_int
from newsspider.extraction.record import isoformat


def iso(dt: datetime | None) -> str | None:
    return isoformat(dt)


EN_MONTHS = [
    ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"), ("May", "May"),
    ("June", "Jun"), ("July", "Jul"), ("August", "Aug"), ("September", "Sep"),
    ("October", "Oct"), ("November", "Nov"), ("December", "Dec"),
]  # fmt: skip
BG_MONTHS = [
    ("Януари", "Яну"), ("Февруари", "Фев"), ("Март", "Мар"), ("Април", "Апр"), ("Май", "Май"),
    ("Юни", "Юни"), ("Юли", "Юли"), ("Август", "Авг"), ("Септември", "Сеп"),
    ("Октомври", "Окт"), ("Ноември", "Ное"), ("Декември", "Дек"),
]  # fmt: skip
# Offset of the 15th of each month in Sofia (2025): EET in winter, EEST in summer.
OFFSET_15TH = ["+02:00", "+02:00", "+02:00", "+03:00", "+03:00", "+03:00",
               "+03:00", "+03:00", "+03:00", "+03:00", "+02:00", "+02:00"]  # fmt: skip

MONTH_CASES = [
    (name, number)
    for number, pair in enumerate(EN_MONTHS + BG_MONTHS, start=0)
    for form in pair
    for name in dict.fromkeys((form, form.lower(), form.upper()))
]


@pytest.mark.parametrize(("name", "index"), MONTH_CASES)
def test_every_month_name_english_order(name: str, index: int) -> None:
    month = index % 12 + 1
    line = parse_date_line(f"{name} 15, 2025 10:05 7")
    assert line is not None
    assert iso(line.published) == f"2025-{month:02d}-15T10:05:00{OFFSET_15TH[month - 1]}"
    assert (line.views, line.comments, line.updated) == (7, None, None)


@pytest.mark.parametrize(("name", "index"), MONTH_CASES)
def test_every_month_name_bulgarian_order(name: str, index: int) -> None:
    month = index % 12 + 1
    line = parse_date_line(f"15 {name}, 2025 10:05 7 2")
    assert line is not None
    assert iso(line.published) == f"2025-{month:02d}-15T10:05:00{OFFSET_15TH[month - 1]}"
    assert (line.views, line.comments) == (7, 2)


@pytest.mark.parametrize(
    ("text", "published", "updated", "views", "comments"),
    [
        ("Apr 23, 2025 08:03 144", "2025-04-23T08:03:00+03:00", None, 144, None),
        ("Jun 4, 2024 16:14 273", "2024-06-04T16:14:00+03:00", None, 273, None),
        ("Май 20, 2024 22:30 270", "2024-05-20T22:30:00+03:00", None, 270, None),
        ("Dec 1, 2025 00:00 0", "2025-12-01T00:00:00+02:00", None, 0, None),
        ("Apr 23, 2025 08:03", "2025-04-23T08:03:00+03:00", None, None, None),
        ("Jun 4, 2024 16:14 2 542", "2024-06-04T16:14:00+03:00", None, 2542, None),
        ("Jun 4, 2024 16:14 2\u00a0542", "2024-06-04T16:14:00+03:00", None, 2542, None),
        ("Jun 4, 2024 16:14 2\u202f542", "2024-06-04T16:14:00+03:00", None, 2542, None),
        ("Jun 4, 2024 16:14 1 234 567", "2024-06-04T16:14:00+03:00", None, 1234567, None),
        # Form A: views then comments.
        ("9 Януари, 2026 23:13 313 0", "2026-01-09T23:13:00+02:00", None, 313, 0),
        ("9 Януари, 2026 23:13 5 067 12", "2026-01-09T23:13:00+02:00", None, 5067, 12),
        ("9 януари, 2026 23:13 2\u00a0542 3", "2026-01-09T23:13:00+02:00", None, 2542, 3),
        # 1,000 comments or more: the one split into two valid counts.
        ("9 Януари, 2026 23:13 5 067 1 234", "2026-01-09T23:13:00+02:00", None, 5067, 1234),
        ("9 Януари, 2026 23:13 12 1 234", "2026-01-09T23:13:00+02:00", None, 12, 1234),
        # Two splits give two valid counts (1 | 234 567 and 1 234 | 567): the last token is
        # the comments count.
        ("23 Април, 2025 08:03 1 234 567", "2025-04-23T08:03:00+03:00", None, 1234, 567),
        # Form B: updated earlier than published is kept as given.
        (
            "25 Август, 2025 07:10, обновена 25 Август, 2025 06:13",
            "2025-08-25T07:10:00+03:00",
            "2025-08-25T06:13:00+03:00",
            None,
            None,
        ),
        (
            "2 Декември, 2025 09:00, обновена 3 Декември, 2025 10:15",
            "2025-12-02T09:00:00+02:00",
            "2025-12-03T10:15:00+02:00",
            None,
            None,
        ),
        # Form C: date only → 00:00 local.
        ("29 Август, 2025", "2025-08-29T00:00:00+03:00", None, None, None),
        ("29 Яну, 2026", "2026-01-29T00:00:00+02:00", None, None, None),
        # Joined from several elements: newlines and extra spaces.
        ("Apr 23, 2025 08:03\n144", "2025-04-23T08:03:00+03:00", None, 144, None),
        ("  9 Януари, 2026\n 23:13 \n313\n0 ", "2026-01-09T23:13:00+02:00", None, 313, 0),
    ],
)
def test_date_line_forms(
    text: str, published: str, updated: str | None, views: int | None, comments: int | None
) -> None:
    line = parse_date_line(text)
    assert line is not None
    assert (iso(line.published), iso(line.updated), line.views, line.comments) == (
        published,
        updated,
        views,
        comments,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Autumn: 03:30 happens twice; the first occurrence (summer time) wins.
        ("26 Октомври, 2025 03:30", "2025-10-26T03:30:00+03:00"),
        ("26 Октомври, 2025 02:59", "2025-10-26T02:59:00+03:00"),
        ("26 Октомври, 2025 04:00", "2025-10-26T04:00:00+02:00"),
        # Spring: 03:00-03:59 does not exist; shift forward by the gap.
        ("30 Март, 2025 03:30", "2025-03-30T04:30:00+03:00"),
        ("30 Март, 2025 03:00", "2025-03-30T04:00:00+03:00"),
        ("30 Март, 2025 02:59", "2025-03-30T02:59:00+02:00"),
        ("30 Март, 2025 04:00", "2025-03-30T04:00:00+03:00"),
        ("Mar 30, 2025 03:30 5", "2025-03-30T04:30:00+03:00"),
        # The last Sunday of March on the 25th, the earliest day it can fall on.
        ("25 Март, 2029 03:30", "2029-03-25T04:30:00+03:00"),
        ("25 Март, 2029 02:59", "2029-03-25T02:59:00+02:00"),
        # Winter.
        ("15 Януари, 2025 12:00", "2025-01-15T12:00:00+02:00"),
    ],
)
def test_dst_edges(text: str, expected: str) -> None:
    line = parse_date_line(text)
    assert line is not None and iso(line.published) == expected


def test_sofia_local_folds() -> None:
    assert iso(sofia_local(2025, 10, 26, 3, 30)) == "2025-10-26T03:30:00+03:00"
    assert iso(sofia_local(2025, 3, 30, 3, 30)) == "2025-03-30T04:30:00+03:00"
    assert iso(sofia_local(2025, 1, 1)) == "2025-01-01T00:00:00+02:00"


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "garbage",
        "Foo 23, 2025 08:03 144",  # unknown month
        "Apr 31, 2025 08:03",  # no such day
        "Apr 23, 2025 25:03",  # no such hour
        "Apr 23, 2025 08:03 abc",
        "Apr 23, 2025 08:03 144 The article starts here",
        "The summit on Apr 23, 2025 08:03 ended",
        "9 Януари, 2026 23:13, обновена никога",
        "Apr 23, 2025 08:03 1 2345",  # bad grouping
        "9 Януари, 2026 23:13 5 067 1 23",  # no split gives two valid counts
    ],
)
def test_date_line_unparseable_is_none(text: str | None) -> None:
    assert parse_date_line(text) is None


def test_a_date_line_of_the_longest_length_is_read() -> None:
    """A direct call: no page shows the limit (page text is collapsed before). Text of
    ``DATE_LINE_MAX`` characters is read, one character more is not."""
    line = "23 Април, 2025 08:03 144 2"
    text = line.ljust(P.DATE_LINE_MAX)
    assert parse_date_line(text) == DateLine(sofia_local(2025, 4, 23, 8, 3), None, 144, 2)
    assert parse_date_line(text + " ") is None


def test_date_line_is_a_dataclass() -> None:
    line = parse_date_line("Apr 23, 2025 08:03 144")
    assert line == DateLine(sofia_local(2025, 4, 23, 8, 3), None, 144, None)


# --- listing dates ----------------------------------------------------------------------

NOW = datetime(2026, 6, 16, 9, 0, tzinfo=UTC)  # 12:00 in Sofia (EEST)
# 22:30 UTC on 15 June is 01:30 on 16 June in Sofia: "today" is already the 16th.
NEAR_MIDNIGHT = datetime(2026, 6, 15, 22, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("днес в 12:38 ч.", NOW, "2026-06-16T12:38:00+03:00"),
        ("вчера в 12:38 ч.", NOW, "2026-06-15T12:38:00+03:00"),
        ("today at 12:38", NOW, "2026-06-16T12:38:00+03:00"),
        ("yesterday at 12:38", NOW, "2026-06-15T12:38:00+03:00"),
        ("Today at 00:05", NOW, "2026-06-16T00:05:00+03:00"),
        ("днес в 00:10 ч.", NEAR_MIDNIGHT, "2026-06-16T00:10:00+03:00"),
        ("вчера в 23:50 ч.", NEAR_MIDNIGHT, "2026-06-15T23:50:00+03:00"),
        ("yesterday at 23:50", NEAR_MIDNIGHT, "2026-06-15T23:50:00+03:00"),
        # A Sofia-aware "now" and another offset give the same day.
        (
            "днес в 01:00 ч.",
            datetime(2026, 6, 16, 1, 30, tzinfo=timezone(timedelta(hours=3))),
            "2026-06-16T01:00:00+03:00",
        ),
        (
            "вчера в 12:00 ч.",
            datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))),
            "2025-12-31T12:00:00+02:00",
        ),
        ("16.06.2026", NOW, "2026-06-16T00:00:00+03:00"),
        ("01.01.2026", NOW, "2026-01-01T00:00:00+02:00"),
        ("16.06.2026 г.", NOW, "2026-06-16T00:00:00+03:00"),  # with its `г.`
        ("днес 12:38", NOW, "2026-06-16T12:38:00+03:00"),  # without `в`/`at`
        ("today 12:38", NOW, "2026-06-16T12:38:00+03:00"),
        ("днес в 03:30 ч.", datetime(2026, 3, 29, 8, 0, tzinfo=UTC), "2026-03-29T04:30:00+03:00"),
        # a naive "now" is UTC: 22:30 on the 15th is already the 16th in Sofia
        ("днес в 00:10 ч.", NEAR_MIDNIGHT.replace(tzinfo=None), "2026-06-16T00:10:00+03:00"),
    ],
)
def test_listing_dates(text: str, now: datetime, expected: str) -> None:
    assert iso(parse_listing_date(text, now)) == expected


@pytest.mark.parametrize("text", ["", "скоро", "today at 25:00", "32.01.2026", "16.13.2026", None])
def test_listing_dates_unparseable(text: str | None) -> None:
    assert parse_listing_date(text, NOW) is None


# --- ISO and RFC 822 --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04-23T05:03:00Z", "2025-04-23T08:03:00+03:00"),
        ("2025-04-23T08:03:00+03:00", "2025-04-23T08:03:00+03:00"),
        ("2025-04-23T07:03:00+02:00", "2025-04-23T08:03:00+03:00"),
        ("2025-01-10T22:30:00Z", "2025-01-11T00:30:00+02:00"),
        ("2025-10-26T00:30:00Z", "2025-10-26T03:30:00+03:00"),  # first 03:30
        ("2025-10-26T01:30:00Z", "2025-10-26T03:30:00+02:00"),  # second 03:30
        ("2025-04-23T08:03:00", "2025-04-23T08:03:00+03:00"),  # no offset: Sofia wall clock
        ("2025-04-23T05:03:00.123Z", "2025-04-23T08:03:00+03:00"),
        ("2025-04-23T05:03:27.123456789Z", "2025-04-23T08:03:27+03:00"),  # to the second
        ("2025-04-23t05:03:27z", "2025-04-23T08:03:27+03:00"),
        ("2025-04-23T08:03+0300", "2025-04-23T08:03:00+03:00"),
        ("2025-04-23 08:03", "2025-04-23T08:03:00+03:00"),
        ("2025-04-23", "2025-04-23T00:00:00+03:00"),  # a date alone: its midnight, as form C
        # an xsd:date with its offset (read as the time 03:00 and 05:00): still its midnight
        ("2025-04-23+03:00", "2025-04-23T00:00:00+03:00"),
        ("2025-04-23-05:00", "2025-04-23T00:00:00+03:00"),
        # a space before the offset (a CMS's form), an offset with seconds, a bare fraction
        ("2025-04-23 08:03:27 +0300", "2025-04-23T08:03:27+03:00"),
        ("2025-04-23 10:00:00 +03:00", "2025-04-23T10:00:00+03:00"),
        ("2025-04-23T08:03:00+03:00:00", "2025-04-23T08:03:00+03:00"),
        ("2025-04-23T08:03:00.+03:00", "2025-04-23T08:03:00+03:00"),
        ("2025-04-23T08:03:27,5+03:00", "2025-04-23T08:03:27+03:00"),  # a comma fraction
        ("2025-04-23T08:03:27,", "2025-04-23T08:03:27+03:00"),  # a bare fraction, no offset
        ("2025-04-23T08:03:27.", "2025-04-23T08:03:27+03:00"),
    ],
)
def test_parse_iso(text: str, expected: str) -> None:
    assert iso(parse_iso(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        *(None, "", "yesterday", "2025-13-01T00:00:00Z"),
        # a year or a month alone (read as its first day), any character between date and
        # time (read as 12:00), an hour without minutes, a week or ordinal date
        *("2025", "2025-04", "2025-04-23x12", "2025-04-23T08", "2025-W17-3", "2025-113"),
    ],
)
def test_parse_iso_bad(text: str | None) -> None:
    assert parse_iso(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wed, 23 Apr 2025 08:03:00 +0300", "2025-04-23T08:03:00+03:00"),
        ("Wed, 23 Apr 2025 05:03:00 GMT", "2025-04-23T08:03:00+03:00"),
        ("Wed, 23 Apr 2025 05:03:00 -0000", "2025-04-23T08:03:00+03:00"),
        ("Fri, 09 Jan 2026 23:13:00 +0200", "2026-01-09T23:13:00+02:00"),
        # Sofia's zone names, and no zone at all: Sofia time (§2), not UTC
        ("Tue, 16 Jun 2026 12:38:00 EEST", "2026-06-16T12:38:00+03:00"),
        ("Fri, 09 Jan 2026 23:13:00 eet", "2026-01-09T23:13:00+02:00"),
        ("Tue, 16 Jun 2026 12:38:00", "2026-06-16T12:38:00+03:00"),
        ("Fri, 09 Jan 2026 23:13", "2026-01-09T23:13:00+02:00"),
        ("Sun, 29 Mar 2026 03:30:00", "2026-03-29T04:30:00+03:00"),  # the skipped hour
        ("Sun, 25 Oct 2026 03:30:00", "2026-10-25T03:30:00+03:00"),  # the repeated: fold=0
        # an offset written with a colon: its instant, never the wall clock
        ("Wed, 23 Apr 2025 22:30:00 +00:00", "2025-04-24T01:30:00+03:00"),
        ("Wed, 23 Apr 2025 08:03:00 +02:00", "2025-04-23T09:03:00+03:00"),
        ("Wed, 23 Apr 2025 08:03:00 -01:30", "2025-04-23T12:33:00+03:00"),
    ],
)
def test_parse_rfc822(text: str, expected: str) -> None:
    assert iso(parse_rfc822(text)) == expected


@pytest.mark.parametrize(
    "text",
    # a zone name not known here: no known instant, never a guess
    [
        *(None, "", "not a date", "Wed, 99 Foo 2025", "Tue, 16 Jun 2026 12:38:00 XYZ"),
        # no such offset: no time (it raised, losing the whole feed)
        *("Wed, 23 Apr 2025 08:03:00 +24:00", "Wed, 23 Apr 2025 08:03:00 -23:60"),
    ],
)
def test_parse_rfc822_bad(text: str | None) -> None:
    assert parse_rfc822(text) is None


# --- numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 542", 2542), ("2\u00a0542", 2542), ("2\u202f542", 2542), ("5 067", 5067), ("0", 0),
        ("144", 144), (" 313 ", 313), ("1 234 567", 1234567), (12, 12),
        ("", None), ("abc", None), ("12 34", None), ("1,234", None), ("-5", None), (None, None),
        (True, None), (-1, None), ("12a", None),
        # a 64-bit integer at most: larger ones no reader of the feed could load
        ("9 223 372 036 854 775 807", 2**63 - 1), ("99999999999999999999", None),
        (2**63 - 1, 2**63 - 1), (2**63, None),
    ],
)  # fmt: skip
def test_parse_int(text: object, expected: int | None) -> None:
    assert parse_int(text) == expected


def test_updated_time_only_when_a_different_instant() -> None:
    published = sofia_local(2025, 10, 26, 9, 0)
    later = sofia_local(2025, 10, 26, 11, 30)
    same_instant_in_utc = published.astimezone(UTC)
    assert updated_time(published, later) == later
    assert updated_time(published, same_instant_in_utc) is None
    assert updated_time(published, None) is None
    assert updated_time(None, later) is None  # nothing to compare with: not invented


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_iso, "9999-12-31T23:59:59-12:00"),  # after 9999 in Sofia
        (parse_iso, "0001-01-01T00:00:00+05:00"),  # before year 1 in UTC
        (parse_iso, "0001-01-01T00:00:00"),  # Sofia wall clock, before year 1 in UTC
        (parse_rfc822, "Fri, 31 Dec 9999 23:59:59 -1200"),
        (lambda text: parse_listing_date(text, NOW), "01.01.0001"),
        (parse_date_line, "Jan 1, 0001 00:30 5"),
    ],
)
def test_a_time_at_the_ends_of_the_calendar_is_none(parse, text: str) -> None:
    """It raised OverflowError: a junk HTTP Date, RSS pubDate or JSON-LD dateModified lost
    the clock, the feed or the whole article; every time kept has a UTC instant."""
    assert parse(text) is None


def test_the_ends_of_the_calendar_that_have_a_sofia_time_and_an_instant_are_kept() -> None:
    assert iso(parse_iso("9999-12-31T21:59:59Z")) == "9999-12-31T23:59:59+02:00"
    assert iso(parse_listing_date("31.12.9999", NOW)) == "9999-12-31T00:00:00+02:00"
    with pytest.raises(OverflowError):
        sofia_local(1, 1, 1, 1, 0)


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_iso, "0001-01-01T00:00:00Z"),  # a CMS's zero time: +01:33:16 in Sofia
        (parse_iso, "1850-06-01T10:00:00Z"),  # local mean time
        (parse_iso, "1943-01-15T12:00:00Z"),  # wartime +01:00
        (parse_rfc822, "Mon, 01 Jan 0050 12:00:00 GMT"),  # read as 2050
        (parse_rfc822, "Mon, 01 Jan 050 12:00:00 GMT"),  # three digits: also read as 2050
        (parse_rfc822, "Mon, 01 Jan 0001 12:00:00 GMT"),  # read as 2001
    ],
)
def test_a_time_no_page_of_the_site_can_show_is_none(parse, text: str) -> None:
    """A ``0001-01-01T00:00:00Z`` placeholder came out at +01:33:16, which no record may
    hold: the whole article was rejected (invalid_updated_at) instead of the field being
    null; an RFC 822 year 0001-0099 was read as a two-digit year (0001 as 2001), so a junk
    HTTP Date set a first run's floor 25 years back."""
    assert parse(text) is None


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_date_line, "Jul 1, 0025 08:03 5"),  # +01:33:16
        (parse_date_line, "1 Юли, 1890 08:03 5 0"),  # +01:56:56
        (lambda text: parse_listing_date(text, NOW), "26.10.1943 11:50"),  # +01:00
    ],
)
def test_a_shown_time_no_page_of_the_site_can_show_is_none(parse, text: str) -> None:
    """Date lines and listing dates came out at those offsets, which no record may hold
    (a url= run rejected the article instead of the next layer applying)."""
    assert parse(text) is None


def test_a_two_digit_rfc_822_year_is_still_read() -> None:
    assert iso(parse_rfc822("Sun, 26 Oct 25 10:00:00 GMT")) == "2025-10-26T12:00:00+02:00"


def test_an_update_within_the_same_second_is_no_update() -> None:
    """The record shows times to the second: `.100Z` then `.900Z` gave an update equal to
    the publication time."""
    published = parse_iso("2025-04-23T05:03:27.100Z")
    assert updated_time(published, parse_iso("2025-04-23T05:03:27.900Z")) is None
    later = parse_iso("2025-04-23T05:03:28.000Z")
    assert iso(updated_time(published, later)) == "2025-04-23T08:03:28+03:00"


def test_an_update_in_the_second_pass_of_the_repeated_hour_is_an_update() -> None:
    """03:30 EEST then 03:30 EET (one hour later) have one wall clock: compared as Sofia
    times of one tzinfo they were equal and updated_at was lost."""
    published = parse_iso("2025-10-26T00:30:00Z")
    modified = parse_iso("2025-10-26T01:30:00Z")
    assert iso(updated_time(published, modified)) == "2025-10-26T03:30:00+02:00"
    assert updated_time(published, parse_iso("2025-10-26T03:30:00+03:00")) is None


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_int, "١٢٣"),
        (parse_int, "2\u00a0٥٤٢"),
        (parse_date_line, "٩ Януари, ٢٠٢٦ ٢٣:١٣"),
        (parse_date_line, "Apr 23, 2025 08:03 ١٤٤"),
        (lambda text: parse_listing_date(text, datetime(2025, 10, 26, tzinfo=UTC)), "١٦.٠٦.٢٠٢٥"),
    ],
)
def test_only_ascii_digits_are_numbers(parse, text: str) -> None:
    """Review #3: ``\\d`` took any Unicode digit (``int()`` reads them): ``١٢٣`` was 123 views.
    fakti.bg writes ASCII digits."""
    assert parse(text) is None


# --- update words and shown counts of a date line (mutation review 5) -----------------------


@pytest.mark.parametrize(
    ("parse", "text", "updated"),
    [
        (parse_date_line, "23 Април, 2025 08:03 обновено 23 Април, 2025 09:00", "09:00"),
        (parse_date_line, "23 Април, 2025 08:03 обновена 23 Април, 2025 09:00", "09:00"),
        # a count shown as `2,6 хил` (no dot) is a shown count: the update before it is read
        (
            parse_date_shown,
            "9 Януари, 2026 23:13 обновена 10 Януари, 2026 08:00 2,6 хил 7",
            "08:00",
        ),
    ],
)
def test_the_update_of_a_date_line_is_read(parse, text: str, updated: str) -> None:
    """`обновено` and `обновена` both introduce the update time."""
    line = parse(text)
    assert line is not None and line.updated is not None
    assert line.updated.strftime("%H:%M") == updated


def test_a_date_line_whose_update_is_no_date_is_not_read() -> None:
    """An update on 31 February makes the whole line unreadable, not one without update."""
    assert parse_date_line("23 Април, 2025 08:03, обновена 31 Февруари, 2025 08:13") is None


def test_a_shown_date_line_ending_in_plain_numbers_is_not_read_as_shown() -> None:
    """`parse_date_shown` reads only counts in a shown form; two plain numbers are left to the
    ordinary date line reader."""
    assert parse_date_shown("Apr 23, 2025 08:03, updated Apr 23, 2025 09:00 144 7") is None
