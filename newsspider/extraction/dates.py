"""Dates and times of fakti.bg → aware ``Europe/Sofia`` datetimes (§2 of fakti-site.md).

Nothing here ever substitutes "now" for a date it cannot parse: the result is ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache

from dateutil import parser as du_parser
from dateutil import tz

from newsspider.extraction import patterns as P
from newsspider.extraction.numbers import parse_int

SOFIA = tz.gettz(P.SOFIA_TZ_NAME)


@dataclass(frozen=True, slots=True)
class DateLine:
    """An article date line: publication time, optional update time, views and comments."""

    published: datetime
    updated: datetime | None = None
    views: int | None = None
    comments: int | None = None


def sofia_local(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    """A Sofia wall-clock time as an aware datetime.

    The repeated autumn hour resolves to its first occurrence (``+03:00``); a time in the
    skipped spring hour moves forward by the gap (03:30 → 04:30 ``+03:00``). A time with no
    UTC instant (before 01:33 on 1 January of year 1) raises ``OverflowError``.
    """
    dt = datetime(y, m, d, hh, mm, ss, tzinfo=SOFIA, fold=0)
    if (y, m, d) == (1, 1, 1):
        dt.astimezone(UTC)  # (raises OverflowError: Sofia is ahead of UTC)
    # Clock changes happen on the last Sundays of March and October (cheap pre-check).
    if m in (3, 10) and d >= 25 and not tz.datetime_exists(dt):
        dt = tz.resolve_imaginary(dt)
    return dt


def to_sofia(dt: datetime) -> datetime:
    """The same instant in Sofia; a naive datetime is taken as Sofia wall-clock time."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        return sofia_local(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second)
    return dt.astimezone(SOFIA)


#: The offsets Sofia has shown since 1945 (EET, EEST). An earlier time comes out with local
#: mean time (before 1894) or wartime +01:00 (1942-44): no time of this site, and one a
#: record could not hold (``Z``-written placeholders such as ``0001-01-01T00:00:00Z``).
SITE_OFFSETS = frozenset({timedelta(hours=2), timedelta(hours=3)})


def _site_time(dt: datetime) -> datetime | None:
    """``dt`` (in Sofia) if its offset is one of :data:`SITE_OFFSETS`, else ``None``."""
    return dt if dt.utcoffset() in SITE_OFFSETS else None


def _site_local(*parts: int) -> datetime | None:
    """:func:`sofia_local` of ``parts`` as a time of this site; ``None`` for no such day, no
    instant (the ends of the calendar) or another offset (:data:`SITE_OFFSETS`)."""
    try:
        return _site_time(sofia_local(*parts))
    except (ValueError, OverflowError):
        return None


def _site_instant(dt: datetime) -> datetime | None:
    """:func:`to_sofia` of ``dt`` as a time of this site; ``None`` for a time at the ends of
    the calendar with no Sofia time (`9999-12-31T23:00-12:00`) or another offset."""
    try:
        return _site_time(to_sofia(dt))
    except OverflowError:
        return None


def instant(dt: datetime) -> float:
    """The POSIX time of an aware datetime, to compare by: Python compares two datetimes of
    one ``tzinfo`` (two Sofia times) by their wall clocks and ignores ``fold``, which puts the
    two passes of the repeated autumn hour in the wrong order, or makes them equal."""
    return dt.timestamp()


def _month(name: str | None) -> int | None:
    return P.MONTHS.get(name.lower()) if name else None


#: The groups of a date (``prefix`` ``""``), an update date (``"u"``, Bulgarian order) or an
#: update date in English order (``"v"``) in the date-line patterns.
_DATE_GROUPS = {
    prefix: tuple(prefix + name for name in ("mon", "year", "day", "hh", "mm", "ss"))
    for prefix in ("", "u", "v")
}


def _build(match: re.Match[str], prefix: str = "") -> datetime | None:
    mon, year, day, hh, mm, ss = match.group(*_DATE_GROUPS[prefix])
    month = _month(mon)
    if month is None:
        return None
    try:
        parts = (int(year), month, int(day), int(hh or 0), int(mm or 0), int(ss or 0))
    except (TypeError, ValueError):
        return None
    return _site_local(*parts)


def _counts(
    tokens: list[str], with_comments: bool, views_only: bool
) -> tuple[int | None, int | None] | None:
    """Views (and comments) from the space-separated number tokens after the time.

    Views then comments: the last token is the comments count when that split gives two
    valid counts (``2 542 7``); otherwise the one split that does, if there is exactly one
    (``5 067 1 234``); otherwise ``None``. With ``views_only``, tokens that read as one
    count (``2 542``) are the views.
    """
    if not tokens:
        return None, None
    if views_only:
        views = parse_int(" ".join(tokens))
        if views is not None:
            return views, None
    if with_comments and len(tokens) >= 2:
        splits = []
        for cut in range(len(tokens) - 1, 0, -1):
            views, comments = parse_int(" ".join(tokens[:cut])), parse_int(" ".join(tokens[cut:]))
            if views is not None and comments is not None:
                if cut == len(tokens) - 1:
                    return views, comments
                splits.append((views, comments))
        return splits[0] if len(splits) == 1 else None
    views = parse_int(" ".join(tokens))
    return (views, None) if views is not None else None


def parse_date_line(text: str | None, views_only: bool = False) -> DateLine | None:
    """Parse an article date line (the whole line), English or Bulgarian order.

    English order (``Apr 23, 2025 08:03 144``) carries views only; Bulgarian order carries
    views then comments (form A), an ``обновена`` update time (form B) or a date only (form C).
    ``views_only``: the comments count is shown elsewhere, so numbers that read as one count
    (``2 542``) are the views, not views and comments.
    """
    if not text or len(text) > P.DATE_LINE_MAX:
        return None
    line = " ".join(text.split())
    if not P.DATE_LINE_HINT.search(line, 0, 16):
        return None
    # English order opens with the month name, Bulgarian order with the day (``[0-9]``): only
    # one of the two patterns can match.
    bg = line[0].isdecimal()
    match = (P.DATE_LINE_BG if bg else P.DATE_LINE_EN).match(line)
    published = _build(match) if match else None
    if published is None:
        return None
    prefix = "u" if match.group("umon") else "v" if match.group("vmon") else None
    updated = _build(match, prefix) if prefix else None
    if prefix and updated is None:
        return None
    counts = _counts((match.group("counts") or "").split(), bg, views_only)
    return DateLine(published, updated, *counts) if counts else None


def parse_date_shown(text: str | None) -> DateLine | None:
    """A date line whose views and comments (one or two, at its end) are shown in a form
    that is no count (`… обновена 25 Август, 2025 08:13 1.2K`, `… 08:03 144 views 3
    comments`, `… 2,6 хил. 7`: :data:`~patterns.SHOWN_COUNT_END`): the rest read whole by
    :func:`parse_date_line`, with no count left in it, both times, the counts null (never
    guessed)."""
    shown = _shown_head(text)
    return shown[1] if shown else None


def _shown_head(text: str | None) -> tuple[str, DateLine] | None:
    """``(the line without its counts, its date line)`` for :func:`parse_date_shown`."""
    if not text or len(text) > P.DATE_LINE_MAX:
        return None
    line = head = " ".join(text.split())
    for _ in range(2):
        count = P.SHOWN_COUNT_END.search(head)
        if count is None:
            return None
        head = head[: count.start()]
        plain = line[len(head) :].replace(" ", "").isdecimal()  # (read whole, or no counts)
        parsed = None if plain else parse_date_line(head)
        if parsed is not None and parsed.views is None and parsed.comments is None:
            return head, parsed  # (no more numbers before them)
    return None


def parse_date_updated(
    text: str, update: str, views_only: bool = False, shown: bool = True
) -> DateLine | None:
    """The date line ``text`` joined with the update shown after it on its own (`, обновена
    25 Август, 2025 08:13`), read whole or, with ``shown``, as :func:`parse_date_shown` reads
    ``text`` (`… 07:10 1.2K`: both times, null counts); ``None`` when it gives no update."""
    line = parse_date_line(f"{text} {update}", views_only)
    if line is None and shown and (head := _shown_head(text)) is not None:
        joined = parse_date_line(f"{head[0]} {update}")
        line = DateLine(joined.published, joined.updated) if joined else None
    return line if line is not None and line.updated is not None else None


def parse_date_start(
    text: str | None, rest: re.Pattern[str] = P.DATE_REST_SHOWN
) -> DateLine | None:
    """The date and time the page's date element (`.ndt`) opens with, when the rest of it is
    read neither whole nor by :func:`parse_date_shown`: an update or counts in another form
    (`25 Август, 2025 07:10, обновена 08:13`, `… 23:13 ч. 313 0 5`, `… | 144`), read as no
    update and no counts (never guessed): ``rest`` (:data:`~patterns.DATE_REST_SHOWN`). A date
    without a time, or followed by anything else (another story's headline), is none."""
    if not text or len(text) > P.DATE_LINE_MAX:
        return None
    line = " ".join(text.split())
    if not line:
        return None
    match = (P.DATE_START_BG if line[0].isdecimal() else P.DATE_START_EN).match(line)
    if match is None:
        return None
    if match.end() < len(line) and not rest.fullmatch(line, match.end()):
        return None
    published = _build(match)
    return DateLine(published) if published else None


def parse_listing_date(text: str | None, now: datetime) -> datetime | None:
    """A listing date (``днес в 12:38 ч.``, ``yesterday at 12:38``, ``16.06.2026``), or one
    written as on article pages (``Oct 10, 2025 12:00``, ``10 Октомври, 2025``: §2 accepts
    month names everywhere).

    Relative forms are today/yesterday in Sofia at ``now`` (naive ``now`` is taken as UTC).
    """
    if not text:
        return None
    line = " ".join(text.split())
    try:
        match = P.LISTING_RELATIVE.match(line)
        if match:
            if now.tzinfo is None:
                now = now.replace(tzinfo=UTC)
            day: date = now.astimezone(SOFIA).date()
            if match.group("rel").lower() not in P.LISTING_TODAY_WORDS:
                day -= timedelta(days=1)
            return _site_local(day.year, day.month, day.day, int(match["hh"]), int(match["mm"]))
        match = P.LISTING_NUMERIC.match(line)
        if match:
            return _site_local(
                int(match["year"]),
                int(match["month"]),
                int(match["day"]),
                int(match["hh"] or 0),
                int(match["mm"] or 0),
            )
    except (ValueError, OverflowError):
        return None
    named = parse_date_line(line)
    return named.published if named is not None else None


def parse_iso(text: str | None) -> datetime | None:
    """An ISO 8601 time (JSON-LD), any offset or ``Z`` → the same instant in Sofia.

    A time without an offset is Sofia wall-clock time.
    """
    if not text or not isinstance(text, str):
        return None
    parsed = _parse_iso(text.strip())
    return parsed[0] if parsed else None


def is_wall_clock(text: object) -> bool:
    """Whether ``text`` is an ISO 8601 time without an offset (or a date alone): read as Sofia
    wall-clock time, which is an assumption (the page's shown time wins over it)."""
    parsed = _parse_iso(text.strip()) if isinstance(text, str) and text else None
    return parsed is not None and parsed[1]


def updated_time(published: datetime | None, modified: datetime | None) -> datetime | None:
    """``updated_at``: the modification time, only when it is a different instant from a known
    publication time (a page that repeats its publication time was not updated)."""
    if modified and published and instant(modified) != instant(published):
        return modified
    return None


@lru_cache(maxsize=1024)
def _parse_iso(text: str) -> tuple[datetime, bool] | None:
    """``(Sofia time, without an offset)`` of a stripped ISO string (cached: JSON-LD and meta
    repeat the same time), to the second (as the record shows it). A date alone (an offset
    after it says nothing of the time) is its midnight in Sofia, as form C; a form other than
    :data:`~patterns.ISO_TIME` is no time."""
    form = P.ISO_TIME.fullmatch(text)
    if form is None:
        return None
    text = form["date"]
    if form["time"] is not None:  # (one form of it: `T`, no space before the offset)
        text += "T" + form["time"].rstrip(".,") + (form["zone"] or "").upper()
    try:
        dt = datetime.fromisoformat(text).replace(microsecond=0)
    except ValueError:
        try:
            dt = du_parser.isoparse(text).replace(microsecond=0)
        except (ValueError, OverflowError, TypeError):
            return None
    sofia = _site_instant(dt)
    return None if sofia is None else (sofia, dt.tzinfo is None or dt.utcoffset() is None)


def parse_rfc822(text: str | None) -> datetime | None:
    """An RFC 822 time (RSS ``pubDate``, HTTP ``Date``) in Sofia. ``-0000`` means UTC, an
    offset may be written with a colon (`+02:00`), ``EET``/``EEST`` are Sofia's offsets; a
    time without a zone is Sofia's wall clock (§2), one with a zone name not known here has
    no known instant (``None``)."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    try:
        dt = parsedate_to_datetime(text)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    if dt is None:
        return None
    if dt.tzinfo is None:  # `-0000`, `+02:00`, no zone, or a zone name it does not know
        zone = text.rsplit(None, 1)[-1].upper()
        offset = P.RFC822_COLON_OFFSET.fullmatch(zone)
        if zone == "-0000":
            dt = dt.replace(tzinfo=UTC)
        elif offset:
            sign = -1 if offset.group(1) == "-" else 1
            hours, minutes = int(offset.group(2)), int(offset.group(3))
            if hours > 23 or minutes > 59:  # no such offset (`timezone` would raise)
                return None
            dt = dt.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))
        elif zone in P.SOFIA_ZONE_NAMES:
            dt = dt.replace(tzinfo=timezone(timedelta(hours=P.SOFIA_ZONE_NAMES[zone])))
        elif not P.RFC822_TIME.fullmatch(zone):  # (else the time itself: no zone given)
            return None
    year = P.RFC822_YEAR.search(text)  # (`0050` read as 2050; a two-digit `25` is 2025)
    if year and len(year.group(1)) > 2 and int(year.group(1)) != dt.year:
        return None
    return _site_instant(dt)
