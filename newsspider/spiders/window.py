"""What a run fetches (its :class:`Window`) and what it walked completely (:class:`Coverage`).

A *scope* is an edition (``en``, ``bg``) or one section of it (``bg/world``). A finished run
that walked a scope's listings completely raises that scope's *watermark* in the state store
to the site time at which it started (the ``Date`` of its first listing response), or to its
``until`` bound. An incremental run walks each scope down to its watermark minus the overlap:
a run that stopped early, failed to read a listing page, fetched single ``url=`` articles or
covered other editions or sections leaves the watermark where it was (a first run stores its
first-run bound on its first listing response), so the next run walks down past whatever it
missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol

from newsspider.extraction.dates import SOFIA, instant, sofia_local

if TYPE_CHECKING:
    from newsspider.extraction.listings import ListingItem
    from newsspider.spiders.paging import Span


def scope(lang: str, section: str | None = None) -> str:
    """The watermark name of an edition (``en``) or of one of its sections (``en/world``)."""
    return lang if section is None else f"{lang}/{section}"


def reached(marks: Mapping[str, datetime], lang: str, section: str | None) -> datetime | None:
    """How far down a scope was walked: the higher of its edition's and its own mark."""
    names = {scope(lang), scope(lang, section)}
    return max((marks[n] for n in names if n in marks), key=instant, default=None)


@dataclass(frozen=True, slots=True)
class Window:
    """What to fetch: published at or after a lower bound, before ``upper``.

    ``marks`` are the scopes' watermarks minus the overlap. The lower bound is, in order: the
    higher of the scope's edition and section ``marks`` (both were walked down to there),
    ``now - first_run``, then ``floor`` (a backfill's fixed bound). ``skip_known`` makes it
    incremental (exported keys are never re-fetched)."""

    floor: datetime | None = None
    first_run: timedelta | None = None
    upper: datetime | None = None
    skip_known: bool = False
    marks: Mapping[str, datetime] = field(default_factory=dict)

    def has_mark(self, lang: str, section: str | None = None) -> bool:
        """True when the scope's bound is a watermark (an earlier run walked down to it)."""
        return reached(self.marks, lang, section) is not None

    def lower(self, now: datetime, lang: str, section: str | None = None) -> datetime | None:
        """The lower bound of the scope at site time ``now``."""
        mark = reached(self.marks, lang, section)
        if mark is not None:
            return mark
        if self.first_run is not None:
            return before(now, self.first_run)
        return self.floor


#: The earliest time there is (a bound below it is this).
EARLIEST = datetime.min.replace(tzinfo=UTC).astimezone(SOFIA)


def before(dt: datetime, span: timedelta) -> datetime:
    """The earlier of ``dt`` minus ``span`` on its wall clock and minus ``span`` of real
    time: across a clock change the two differ by an hour, and a bound must never shrink
    (an overlap of 0 on the spring day, a first-run day of 23 hours). :data:`EARLIEST` when
    that is before it (a listing date or watermark in year 1)."""
    try:
        wall = dt - span
        real = (dt.astimezone(UTC) - span).astimezone(dt.tzinfo)
    except OverflowError:
        return EARLIEST
    return wall if instant(wall) <= instant(real) else real


# --- publication times against a walk's bounds (pure: no spider state) ------------------


def sofia_midnight(day: date) -> datetime:
    """Sofia's midnight of ``day``; :data:`EARLIEST` for 1 January of year 1 (that midnight
    had no instant: `since=0001-01-01`, everything)."""
    try:
        return sofia_local(day.year, day.month, day.day)
    except OverflowError:
        return EARLIEST


def below_bound(
    published: datetime, lower: datetime | None, day_only: bool = False, shown: bool = False
) -> bool:
    """Whether a publication time lies below the walk's ``lower`` bound. A date shown
    without a time, or a time at exactly 00:00 (a date-only article, e.g. BG form C, listed
    and exported long after its midnight), may stand for any time of that day: only below
    once the whole day is. A time ``shown`` as the site shows it is below once the last
    second it may stand for is (:func:`shown_span`)."""
    if lower is None:
        return False
    if whole_day(published, day_only):
        try:
            return instant(published + timedelta(days=1)) <= instant(lower)
        except OverflowError:  # (31 December 9999: its day ends after any bound)
            return False
    return shown_span(published, shown)[1] < instant(lower)


def shown_span(published: datetime, shown: bool = False) -> Span:
    """The first and last second (POSIX) a publication time may stand for: a time ``shown``
    as the site shows it (Sofia's wall clock, to the minute) any second of its minute, in
    either pass of the repeated autumn hour; any other time (a feed's, with its offset and
    seconds) only itself."""
    if not shown:
        return instant(published), instant(published)
    start = published.astimezone(SOFIA).replace(second=0, microsecond=0)
    return instant(start), instant(start.replace(fold=1)) + 59


def whole_day(published: datetime, day_only: bool = False) -> bool:
    """Whether a publication time may stand for any time of its day: a date shown without
    a time, or a time at exactly 00:00 Sofia (BG form C, as a feed's ``pubDate`` too)."""
    return day_only or published.astimezone(SOFIA).time() == time(0, 0)


def repeats_in(keys: list[int], walked: set[int]) -> list[bool]:
    """For each of a page's ``keys``, whether the walk's earlier pages (``walked``) or this
    page, further up, listed it already."""
    here: set[int] = set()
    repeats = []
    for key in keys:
        repeats.append(key in walked or key in here)
        here.add(key)
    return repeats


def undated_times(
    items: list[ListingItem], wanted: list[ListingItem], floor: datetime | None
) -> list[datetime | None]:
    """For each of ``wanted`` (items of the listing page ``items``, in page order): the time
    an undated item counts as listed, so that holding its edition back there brings the next
    walk down to this page again. It is the date of the nearest dated item below it, else the
    page's oldest date, never below ``floor``; on a page without dates (a feed without
    ``pubDate``), ``floor`` itself: the next walk goes down as far as this one did (holding at
    the page's clock held nothing, and a failed article was lost); ``None`` without a floor."""
    below: dict[int, datetime | None] = {}
    nearest: datetime | None = None
    for item in reversed(items):
        below[id(item)] = nearest
        if item.published is not None:
            nearest = item.published
    dated = (i.published for i in items if i.published is not None)
    oldest = min(dated, key=instant, default=None)
    out: list[datetime | None] = []
    for item in wanted:
        at = below.get(id(item)) or oldest
        out.append(
            max(at, floor, key=instant) if at is not None and floor is not None else at or floor
        )
    return out


class CoverageSink(Protocol):
    """Where a distributed worker also records its walk, as it happens: the job's coverage
    (:class:`~newsspider.distributed.frontier.RedisFrontier`)."""

    def saw_listing(self, now: datetime) -> None: ...
    def saw_articles(self, names: list[str]) -> None: ...
    def saw_empty(self, name: str) -> None: ...
    def gap(self, why: str) -> None: ...
    def hold(self, lang: str, listed: datetime) -> None: ...


class Coverage:
    """The scopes a run walks, and whether it walked them completely (no listing page lost).

    :meth:`marks` gives the watermarks the run has earned: none after a gap, nor (with
    ``require_listed``: a run up to today, whose feeds, home pages, sections and searches
    always list some; a backfill's search of a quiet day gone may list none) for an edition
    none of whose
    pages listed an article of it (``listed``: the listing markup changed, or the site served
    empty pages), nor at all when a section's first page listed
    nothing though the run saw articles of it elsewhere (``empty``: its listing broke; a
    genuinely empty section is seen nowhere); a listed article
    that gave no record holds its edition back to the time it was listed with (for at most
    ``hold_for`` on its listing page's clock), so the next run asks for it again. A backfill
    walks down to its ``floor`` only: it moves a watermark that is below that floor never
    (what lies between stays to be walked)."""

    def __init__(
        self,
        scopes: list[str],
        upper: datetime | None = None,
        floor: datetime | None = None,
        sink: CoverageSink | None = None,
        hold_for: timedelta | None = None,
        require_listed: bool = False,
    ) -> None:
        self.scopes = scopes
        self.upper = upper
        self.floor = floor
        self.sink = sink
        self.hold_for = hold_for
        self.require_listed = require_listed
        self.started: datetime | None = None
        self.listed: set[str] = set()
        self.empty: set[str] = set()
        self.gaps: list[str] = []
        self.held: dict[str, datetime] = {}

    def of_job(self, job: Mapping[str, str]) -> Coverage:
        """The same walk, as a whole distributed job recorded it (the coverage hash)."""
        whole = Coverage(self.scopes, self.upper, self.floor, require_listed=self.require_listed)
        if "started" in job:
            whole.started = datetime.fromtimestamp(int(job["started"]), SOFIA)
        whole.listed = {name[len("listed:") :] for name in job if name.startswith("listed:")}
        whole.empty = {name[len("empty:") :] for name in job if name.startswith("empty:")}
        whole.gaps = [f"{job['gaps']} listing page(s) or article(s) lost"] if "gaps" in job else []
        whole.held = {
            name.partition(":")[2]: datetime.fromtimestamp(int(at), SOFIA)
            for name, at in job.items()
            if name.startswith("held:")
        }
        return whole

    def saw_listing(self, now: datetime) -> None:
        """A listing, feed or search response dated ``now`` (site time) was read."""
        if self.started is None or instant(now) < instant(self.started):
            self.started = now
            if self.sink is not None:
                self.sink.saw_listing(now)

    def saw_articles(self, names: Iterable[str]) -> None:
        """A listing, feed or search page listed articles of these editions and sections
        (``bg``, ``bg/world``)."""
        new = set(names) - self.listed
        if new:
            self.listed |= new
            if self.sink is not None:
                self.sink.saw_articles(sorted(new))

    def saw_empty(self, name: str) -> None:
        """The first page of section ``name`` (``bg/world``) listed nothing."""
        if name not in self.empty:
            self.empty.add(name)
            if self.sink is not None:
                self.sink.saw_empty(name)

    def unlisted(self) -> list[str]:
        """The editions that earn no watermark because none of their pages listed an article
        of them (with ``require_listed`` only)."""
        if not self.require_listed:
            return []
        return sorted({name.partition("/")[0] for name in self.scopes} - self.listed)

    def broken(self) -> list[str]:
        """The sections whose first page listed nothing, though the run saw their articles
        elsewhere (a feed, the home page): their listing markup changed."""
        return sorted(self.empty & self.listed)

    def gap(self, why: str) -> None:
        """A listing page could not be read: the walk below it is unknown."""
        self.gaps.append(why)
        if self.sink is not None:
            self.sink.gap(why)

    def hold(self, lang: str, listed: datetime | None, clock: datetime | None = None) -> bool:
        """An article of ``lang`` listed at ``listed`` (on a listing page of ``clock``) gave
        no record: ``lang`` is held back to ``listed``. ``False`` (given up, not held) when
        ``listed`` is more than ``hold_for`` before ``clock``."""
        if listed is None:
            self.gap(f"a {lang} article without a listing date gave no record")
            return True
        if (
            self.hold_for is not None
            and clock is not None
            and instant(listed) < instant(clock) - self.hold_for.total_seconds()
        ):
            return False
        if lang not in self.held or instant(listed) < instant(self.held[lang]):
            self.held[lang] = listed
            if self.sink is not None:
                self.sink.hold(lang, listed)
        return True

    def _top(self, started: datetime) -> datetime:
        """The highest watermark the walk can earn: its first listing's clock, within ``upper``."""
        return started if self.upper is None else min(started, self.upper, key=instant)

    def held_back(self) -> dict[str, datetime]:
        """The editions an article that gave no record holds below the walk's top, at the time
        each is held at (:meth:`hold`)."""
        if self.started is None:
            return {}
        top = instant(self._top(self.started))
        return {lang: at for lang, at in sorted(self.held.items()) if instant(at) < top}

    def marks(self, current: Mapping[str, datetime]) -> dict[str, datetime]:
        """The watermarks earned over ``current`` ones: one per scope walked whose watermark
        it raises, or none if the walk had a gap."""
        if self.gaps or self.started is None or self.broken():
            return {}
        top = self._top(self.started)
        unlisted = self.unlisted()
        out = {}
        for name in self.scopes:
            lang, _, section = name.partition("/")
            if lang in unlisted:
                continue
            below = reached(current, lang, section or None)
            if (
                self.floor is not None
                and below is not None
                and instant(below) < instant(self.floor)
            ):
                continue
            held = self.held.get(lang)
            at = top if held is None else min(top, held, key=instant)
            if name not in current or instant(current[name]) < instant(at):
                out[name] = at
        return out
