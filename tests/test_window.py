"""Discovery windows and watermarks (:mod:`newsspider.spiders.window`), without a crawl."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsspider.extraction.dates import sofia_local
from newsspider.spiders.window import EARLIEST, Coverage, Window, before, scope

NOON = sofia_local(2026, 1, 15, 12, 0)
HOUR = timedelta(hours=1)


def test_scope_names() -> None:
    assert (scope("en"), scope("bg", "world")) == ("en", "bg/world")


def test_lower_bound_order_marks_then_first_run_then_floor() -> None:
    marks = {"bg": NOON - 5 * HOUR, "bg/sport": NOON - 2 * HOUR}
    window = Window(first_run=timedelta(days=1), marks=marks)
    assert window.lower(NOON, "bg", "sport") == NOON - 2 * HOUR
    assert window.lower(NOON, "bg", "avto") == NOON - 5 * HOUR
    assert window.lower(NOON, "en") == NOON - timedelta(days=1)
    assert Window(floor=NOON - HOUR).lower(NOON, "en", "sport") == NOON - HOUR
    assert Window().lower(NOON, "en") is None


def test_marks_are_the_earliest_listing_response_capped_by_until() -> None:
    coverage = Coverage(["en", "bg/world"])
    coverage.saw_listing(NOON)
    coverage.saw_articles(["bg", "en"])
    coverage.saw_listing(NOON - HOUR)
    coverage.saw_articles(["bg", "en"])
    coverage.saw_listing(NOON + HOUR)
    coverage.saw_articles(["bg", "en"])
    assert coverage.marks({}) == {"en": NOON - HOUR, "bg/world": NOON - HOUR}
    capped = Coverage(["en"], upper=NOON - 3 * HOUR)
    capped.saw_listing(NOON)
    capped.saw_articles(["bg", "en"])
    assert capped.marks({}) == {"en": NOON - 3 * HOUR}
    assert Coverage(["en"]).marks({}) == {}  # no listing read: nothing proven


def test_a_failed_article_holds_back_its_edition_and_an_undated_one_is_a_gap() -> None:
    coverage = Coverage(["en", "bg", "bg/world"])
    coverage.saw_listing(NOON)
    coverage.saw_articles(["bg", "en"])
    coverage.hold("bg", NOON - 2 * HOUR)
    coverage.hold("bg", NOON - HOUR)
    assert coverage.marks({}) == {"en": NOON, "bg": NOON - 2 * HOUR, "bg/world": NOON - 2 * HOUR}
    coverage.hold("en", None)
    assert coverage.marks({}) == {}
    assert coverage.gaps == ["a en article without a listing date gave no record"]


def test_a_held_edition_keeps_its_earliest_hold_whatever_the_order() -> None:
    """Articles are not listed oldest first: a later failure listed earlier than the first one
    held must hold the edition back further (else the next run never asks for it again)."""
    coverage = Coverage(["bg", "en"])
    coverage.saw_listing(NOON)
    coverage.saw_articles(["bg", "en"])
    assert coverage.hold("bg", NOON - HOUR) is True
    assert coverage.hold("bg", NOON - 3 * HOUR) is True  # older, held second
    assert coverage.hold("bg", NOON - 2 * HOUR) is True
    assert coverage.held == {"bg": NOON - 3 * HOUR}
    assert coverage.marks({}) == {"bg": NOON - 3 * HOUR, "en": NOON}


def test_held_back_names_the_holds_below_the_walks_top() -> None:
    """A hold at or above the top earned (``until``'s cap here) keeps no mark back."""
    coverage = Coverage(["bg", "en"], upper=NOON - 2 * HOUR)
    coverage.saw_listing(NOON)
    coverage.saw_articles(["bg", "en"])
    coverage.hold("en", NOON - HOUR)
    assert coverage.held_back() == {}
    coverage.hold("bg", NOON - 3 * HOUR)
    assert coverage.held_back() == {"bg": NOON - 3 * HOUR}
    assert Coverage(["bg"]).held_back() == {}  # no listing read


def test_held_back_leaves_out_a_hold_at_the_top_and_lists_editions_in_order() -> None:
    """A hold exactly at the top keeps no mark back (the mark earned is that time); the held
    editions come in name order, whichever was held first (the log line lists them)."""
    coverage = Coverage(["bg", "en"])
    coverage.saw_listing(NOON)
    coverage.saw_articles(["bg", "en"])
    coverage.hold("en", NOON)
    assert coverage.held_back() == {}
    coverage.hold("en", NOON - HOUR)
    coverage.hold("bg", NOON - 2 * HOUR)
    assert list(coverage.held_back().items()) == [("bg", NOON - 2 * HOUR), ("en", NOON - HOUR)]


def test_an_article_listed_longer_ago_than_hold_for_is_given_up() -> None:
    """Measured from the clock of the listing page that listed it: a worker that read no
    listing itself (``started`` unset) gives it up too."""
    coverage = Coverage(["bg"], hold_for=72 * HOUR)
    assert coverage.hold("bg", NOON - 73 * HOUR, NOON) is False
    coverage.saw_listing(NOON)
    coverage.saw_articles(["bg", "en"])
    assert coverage.marks({}) == {"bg": NOON}  # not held: the watermark moves past it
    assert coverage.hold("bg", NOON - 71 * HOUR, NOON) is True
    assert coverage.marks({}) == {"bg": NOON - 71 * HOUR}


def test_an_article_listed_exactly_hold_for_ago_still_holds_its_edition() -> None:
    """Given up only when listed more than ``hold_for`` before its page's clock: one listed
    exactly that long ago holds its edition back to its time."""
    coverage = Coverage(["bg"], hold_for=72 * HOUR)
    assert coverage.hold("bg", NOON - 72 * HOUR, NOON) is True
    coverage.saw_listing(NOON)
    coverage.saw_articles(["bg"])
    assert coverage.marks({}) == {"bg": NOON - 72 * HOUR}


def test_a_backfill_skips_scopes_whose_watermark_is_below_its_floor() -> None:
    coverage = Coverage(["bg/world", "bg/sport", "en"], floor=NOON - 24 * HOUR)
    coverage.saw_listing(NOON)
    coverage.saw_articles(["bg", "en"])
    current = {"bg": NOON - 48 * HOUR, "bg/sport": NOON - 10 * HOUR}
    assert coverage.marks(current) == {"bg/sport": NOON, "en": NOON}


def test_a_backfill_moves_a_watermark_at_exactly_its_floor() -> None:
    """A backfill moves a watermark that is at or above its ``since`` midnight (README): one
    at the floor itself leaves nothing between them to walk."""
    floor = NOON - 24 * HOUR
    coverage = Coverage(["bg", "en"], floor=floor)
    coverage.saw_listing(NOON)
    coverage.saw_articles(["bg", "en"])
    current = {"bg": floor, "en": floor - timedelta(seconds=1)}
    assert coverage.marks(current) == {"bg": NOON}


def test_a_jobs_coverage_hash_gives_the_walk_of_the_whole_job() -> None:
    mine = Coverage(["bg", "en"], require_listed=True)
    mine.saw_listing(NOON)  # this worker's own walk does not count: the job's does
    start, held = int((NOON - HOUR).timestamp()), int((NOON - 3 * HOUR).timestamp())
    job = mine.of_job(
        {"started": str(start), "held:en": str(held), "listed:bg": "1", "listed:en": "1"}
    )
    assert job.marks({}) == {"bg": NOON - HOUR, "en": NOON - 3 * HOUR}
    assert mine.of_job({"started": str(start), "gaps": "2"}).marks({}) == {}
    assert mine.of_job({}).marks({}) == {}  # no listing read by any worker
    assert mine.of_job({"started": str(start)}).marks({}) == {}  # none listed an article
    listed_bg = {"started": str(start), "listed:bg": "1", "listed:bg/world": "1"}
    assert mine.of_job(listed_bg).marks({}) == {"bg": NOON - HOUR}
    assert mine.of_job(listed_bg | {"empty:bg/world": "1"}).marks({}) == {}


def test_an_edition_whose_pages_listed_nothing_moves_no_watermark() -> None:
    """One edition's listings and feed lost their items while the other's were fine: both
    watermarks moved, and 71 of 161 new articles were never asked for (review of f981eb9).
    Not so for a backfill: its search of a quiet day may list nothing of an edition, which
    was then walked as a first run by the next run (review of dad6813)."""
    coverage = Coverage(["bg", "en"], require_listed=True)
    coverage.saw_listing(NOON)
    coverage.saw_articles(["en", "en/world"])
    assert coverage.marks({}) == {"en": NOON}
    backfill = Coverage(["bg", "en"], floor=NOON - 24 * HOUR)
    backfill.saw_listing(NOON)
    backfill.saw_articles(["en", "en/world"])
    assert backfill.marks({}) == {"bg": NOON, "en": NOON}


def test_a_section_walk_of_an_edition_that_listed_nothing_moves_no_watermark() -> None:
    """``require_listed`` holds for a run of sections too: its section's watermark stays
    unless a page listed an article of its edition."""
    coverage = Coverage(["bg/world", "en/world"], require_listed=True)
    coverage.saw_listing(NOON)
    coverage.saw_articles(["en", "en/world"])
    assert coverage.unlisted() == ["bg"]
    assert coverage.marks({}) == {"en/world": NOON}


def test_a_section_that_lists_nothing_though_its_articles_were_seen_is_broken() -> None:
    """The feed (or the home page) showed articles of a section whose first page listed
    nothing: its listing markup changed, so no watermark moves (58 of 161 lost before). A
    section seen nowhere is genuinely empty and changes nothing."""
    coverage = Coverage(["bg"])
    coverage.saw_listing(NOON)
    coverage.saw_articles(["bg", "bg/sport"])
    coverage.saw_empty("bg/avto")
    assert coverage.broken() == [] and coverage.marks({}) == {"bg": NOON}
    coverage.saw_empty("bg/sport")
    assert coverage.broken() == ["bg/sport"] and coverage.marks({}) == {}


def test_only_watermarks_that_rise_are_earned() -> None:
    """An ``until`` run below the current watermark earns none (the store keeps the higher
    one anyway; the log and ``discovery/watermarks`` must not say it moved)."""
    coverage = Coverage(["bg", "en"], upper=NOON - 48 * HOUR)
    coverage.saw_listing(NOON)
    coverage.saw_articles(["bg", "en"])
    assert coverage.marks({"bg": NOON - 24 * HOUR}) == {"en": NOON - 48 * HOUR}


def test_a_watermark_already_at_the_walks_top_is_not_earned_again() -> None:
    """An ``until`` run up to where the scope's watermark already is moves nothing: the log
    and ``discovery/watermarks`` must not say it moved."""
    coverage = Coverage(["bg", "en"], upper=NOON - 48 * HOUR)
    coverage.saw_listing(NOON)
    coverage.saw_articles(["bg", "en"])
    assert coverage.marks({"bg": NOON - 48 * HOUR}) == {"en": NOON - 48 * HOUR}


def test_a_bound_before_the_calendar_is_the_earliest_time() -> None:
    """A watermark or listing date in year 1 minus the overlap raised OverflowError."""
    year_one = sofia_local(1, 1, 1, 2, 0)
    assert before(year_one, HOUR) == EARLIEST
    assert Window(first_run=timedelta(days=1)).lower(year_one, "bg") == EARLIEST
    assert EARLIEST.astimezone(UTC) == datetime.min.replace(tzinfo=UTC)
    assert before(NOON, HOUR) == NOON - HOUR


def test_coverage_orders_the_two_passes_of_the_repeated_hour_by_instant() -> None:
    """Sofia 25 Oct 2026 03:00-04:00 happens twice: compared as times of one tzinfo,
    03:10 +02:00 (01:10Z) came before 03:50 +03:00 (00:50Z), so the watermark was 20
    minutes late and a failed article listed at 03:50 +03:00 was not held."""
    first = sofia_local(2026, 10, 25, 3, 50)  # +03:00, 00:50Z
    later = datetime(2026, 10, 25, 1, 10, tzinfo=UTC).astimezone(first.tzinfo)  # 03:10 +02:00
    coverage = Coverage(["bg"], hold_for=72 * HOUR)
    coverage.saw_listing(first)
    coverage.saw_articles(["bg", "en"])
    coverage.saw_listing(later)
    coverage.saw_articles(["bg", "en"])
    assert coverage.marks({}) == {"bg": first}
    held = Coverage(["bg", "bg/world"], upper=later)
    held.saw_listing(later + 5 * HOUR)
    held.saw_articles(["bg", "en"])
    assert held.hold("bg", first, later) is True
    marks = held.marks({"bg/world": later})
    assert {name: at.isoformat() for name, at in marks.items()} == {
        "bg": "2026-10-25T03:50:00+03:00"
    }
    assert Window(marks={"bg": first, "bg/world": later}).lower(NOON, "bg", "world") is later
