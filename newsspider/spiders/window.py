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
from datetime import UTC, datetime, timedelta
from typing import Protocol

from newsspider.extraction.dates import SOFIA, instant


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
    ``require_listed``: an incremental run, whose feeds, home pages and sections always list
    some; a backfill's search of a quiet day may list none) for an edition none of whose
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

    def marks(self, current: Mapping[str, datetime]) -> dict[str, datetime]:
        """The watermarks earned over ``current`` ones: one per scope walked whose watermark
        it raises, or none if the walk had a gap."""
        if self.gaps or self.started is None or self.broken():
            return {}
        top = self.started if self.upper is None else min(self.started, self.upper, key=instant)
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
