"""Health gates: judge a run's report (and the history of earlier runs) into an exit status.

Pure: :func:`evaluate` takes the report dict of :mod:`newsspider.extensions.summary`, the
history entries from the state store and the :class:`Thresholds`, and returns a
:class:`Verdict`. Each failed gate has its own exit code and a one-line message.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from statistics import median
from typing import Any

from newsspider.extensions.summary import EXTRACTED_FIELDS, TOO_LARGE, not_served
from newsspider.extraction.dates import SOFIA

#: Exit statuses (0 healthy; 1 is Scrapy's own: bad argument/setting, crash).
EXIT_OK = 0
EXIT_LOCKED = 3
EXIT_UNREACHABLE = 4
EXIT_NO_ARTICLES = 5
EXIT_COVERAGE = 6
EXIT_DRIFT = 7
EXIT_ITEM_COUNT = 8
EXIT_FINISH_REASON = 9

#: The largest count a history entry may hold (a float holds every whole number up to it;
#: 10**400 raised OverflowError in the gates' arithmetic: every later run exited 9).
MAX_COUNT = 2**53

#: Finish reason of a distributed worker that could not read robots.txt (exit status 9): it
#: handed the requests it took back to the job, for the other workers.
ROBOTS_LOST = "robots_unavailable"
#: Finish reason of a run stopped by a failed write of a run file, a feed or the state (also
#: given to a run whose write failed as it was closing: see :mod:`newsspider.extensions.report`).
EXPORT_FAILED = "export_failed"

#: Download exception (class name, or full name) → the cause shown for an unreachable site.
CAUSES = {
    "CannotResolveHostError": "DNS lookup failed",
    "DownloadConnectionRefusedError": "connection refused",
    "DownloadTimeoutError": "timeout",
    "DownloadFailedError": "download failed",
    "ResponseDataLossError": "truncated response",
    "UnsupportedURLSchemeError": "unsupported URL scheme",
    "DNSLookupError": "DNS lookup failed",
    "ConnectionRefusedError": "connection refused",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "UserTimeoutError": "timeout",
    "ConnectError": "cannot connect",
    "NoRouteError": "no route to host",
    "ConnectionLost": "connection lost",
    "ConnectionDone": "connection closed",
    "ResponseNeverReceived": "no response (connection reset)",
    "ResponseFailed": "response failed",
    "SSLError": "TLS error",
    "OpenSSL.SSL.Error": "TLS error",
    "IgnoreRequest": "refused by our rules: robots.txt, an off-site redirect, a size limit",
    "DownloadCancelledError": "larger than DOWNLOAD_MAXSIZE",
    "TooLarge": "larger than DOWNLOAD_MAXSIZE",
}

#: How many history entries are read (comparable runs are picked among them).
HISTORY_READ = 200

DEFAULT_MIN_COVERAGE = {"headline": 90.0, "published_at": 90.0, "body": 90.0}


def min_coverage(value: object) -> dict[str, float]:
    """``FAKTI_HEALTH_MIN_COVERAGE`` (a mapping or its JSON) merged over the defaults, fields
    at 0 left out. ``ValueError`` says what is wrong: not an object, a field that is not an
    extracted record field, a minimum that is not a percentage."""
    try:
        given = json.loads(value) if isinstance(value, str | bytes) else value
    except json.JSONDecodeError:
        given = None
    if not isinstance(given, Mapping):
        raise ValueError("not a JSON object")
    coverage = dict(DEFAULT_MIN_COVERAGE)
    for name, limit in given.items():
        if name not in EXTRACTED_FIELDS:
            raise ValueError(f"{name!r} is not one of {', '.join(EXTRACTED_FIELDS)}")
        try:  # (true is no percentage: it was read as 1%)
            percent = math.nan if isinstance(limit, bool) else float(limit)
        except (TypeError, ValueError):
            percent = math.nan
        if not 0 <= percent <= 100:
            raise ValueError(f"{name}: {limit!r} is not a percentage 0..100")
        coverage[name] = percent
    return {name: limit for name, limit in coverage.items() if limit > 0}


def setting_items(value: object) -> list[Any] | tuple[Any, ...]:
    """The items of a list setting given as a list, its JSON (`["a", "b"]`) or a comma list
    (`a,b`), as Scrapy's ``getlist`` reads them; ``ValueError`` for anything else."""
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError("not a JSON list") from None
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValueError("not a list")
    return items


def finish_reasons(value: object) -> tuple[str, ...]:
    """``FAKTI_HEALTH_FINISH_REASONS``: a list, its JSON (`["finished"]`) or a comma list
    (`finished,closespider_itemcount`) (:func:`setting_items`). ``ValueError`` for none, a
    reason that is not a name (`[a-z_]`, as Scrapy's are), or a list without `finished`
    (every normal run would fail)."""
    reasons = tuple(str(item).strip() for item in setting_items(value))
    if not reasons or not all(re.fullmatch(r"[a-z_][a-z0-9_]*", r) for r in reasons):
        raise ValueError("one or more finish reasons, e.g. finished,closespider_itemcount")
    if "finished" not in reasons:
        raise ValueError("'finished' is missing: every run that ends normally would fail")
    return reasons


def expected_finish_reasons(settings: Any) -> tuple[str, ...]:
    """The finish reasons a healthy run may end with: ``FAKTI_HEALTH_FINISH_REASONS`` of
    Scrapy ``settings`` (`finished` when unset), read by :func:`finish_reasons`."""
    return finish_reasons(settings.get("FAKTI_HEALTH_FINISH_REASONS", ["finished"]))


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The gate settings (``FAKTI_HEALTH_*``, see README "Unattended runs")."""

    min_coverage: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_MIN_COVERAGE))
    min_sample: int = 5
    drift_max_jump: float = 25.0
    history_runs: int = 10
    items_min_runs: int = 3
    items_min_median: float = 20.0
    items_min_ratio: float = 0.3
    finish_reasons: tuple[str, ...] = ("finished",)
    new_baseline: bool = False


@dataclass(frozen=True, slots=True)
class Failure:
    gate: str
    exit_code: int
    message: str


@dataclass(slots=True)
class Verdict:
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return self.first.exit_code if self.first else EXIT_OK

    @property
    def healthy(self) -> bool:
        return not self.failures

    @property
    def first(self) -> Failure | None:
        """The most basic failure (lowest exit status), whose status the process exits with."""
        return min(self.failures, key=lambda f: f.exit_code, default=None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "healthy": self.healthy,
            "exit_code": self.exit_code,
            "failures": [
                {"gate": f.gate, "exit_code": f.exit_code, "message": f.message}
                for f in self.failures
            ],
            "notes": self.notes,
        }


def cause_of(errors: Mapping[str, int]) -> str:
    """The cause of the most frequent download exception (``module.Class`` → words), and
    how many requests our rules refused besides (``IgnoreRequest``: every request a robots.txt
    not obtained disallows, which would otherwise outnumber the error that stopped it)."""
    if not errors:
        return "no response"
    refused = sum(v for k, v in errors.items() if k.endswith(".IgnoreRequest"))
    real = {k: v for k, v in errors.items() if not k.endswith(".IgnoreRequest")}
    if not real:
        return CAUSES["IgnoreRequest"]
    full = max(real, key=lambda k: real[k])
    name = full.rsplit(".", 1)[-1]
    cause = CAUSES.get(full) or CAUSES.get(name, name)
    return f"{cause}, and {refused} request(s) refused by our rules" if refused else cause


def _unreachable(report: Mapping[str, Any]) -> Failure | None:
    """No response at all; not said of a worker that handed its work back (:data:`ROBOTS_LOST`):
    the other workers of its job may reach the site."""
    pages = report["pages"]
    if pages["responses"] or not pages["errors"] or report["run"]["finish_reason"] == ROBOTS_LOST:
        return None
    url = report["run"].get("base_url") or "the site"
    return Failure(
        "unreachable",
        EXIT_UNREACHABLE,
        f"site unreachable: {url} ({cause_of(pages['errors'])}; "
        f"{pages['requests']} request(s), no response); "
        "to crawl offline use the replica: scrapy crawl fakti -a replica=1",
    )


def _no_articles(report: Mapping[str, Any]) -> Failure | None:
    run, pages, articles = report["run"], report["pages"], report["articles"]
    if run["mode"] == "urls" or not pages["responses"] or articles["links_found"]:
        return None
    if run.get("distributed") and (
        articles["extracted"]  # article pages were read: found by another worker
        or run.get("job_listed")  # its listing pages failed; the others' listed articles
        or not (pages["listing_pages"] or pages.get("listings_lost"))
    ):
        return None  # (a worker that asked for no listing: the others had read the job's)
    statuses = ", ".join(f"{k}×{v}" for k, v in pages["by_status"].items())
    if not pages["listing_pages"] and pages.get("robots_unavailable"):
        why = f"robots.txt could not be read, so every page was refused (HTTP {statuses})"
    elif not pages["listing_pages"]:
        why = f"no listing, feed or search page could be read (HTTP {statuses}"
        if pages.get("too_large"):
            why += f"; {pages['too_large']} page(s) {CAUSES['TooLarge']} dropped: raise it"
        why += ")"
    else:
        why = (
            f"{pages['listing_pages']} listing/feed/search page(s) read (HTTP {statuses}) but "
            "none linked to an article; the listing markup may have changed"
        )
    return Failure("no_articles", EXIT_NO_ARTICLES, f"no articles discovered: {why}")


def _coverage(report: Mapping[str, Any], th: Thresholds, verdict: Verdict) -> Failure | None:
    """Field coverage over the article pages asked for: those extracted, and the requests that
    gave no article page (``not_served``: an HTTP or download error, a page over
    ``DOWNLOAD_MAXSIZE``, a page that is no article), which have no field at all."""
    articles = report["articles"]
    extracted, failed = articles["extracted"], articles.get("not_served", 0)
    pages = extracted + failed
    if pages < max(th.min_sample, 1):
        if pages:
            verdict.notes.append(
                f"coverage and drift gates skipped: {pages} article page(s) < "
                "FAKTI_HEALTH_MIN_SAMPLE"
            )
        return None
    shares = {name: 100.0 * report["values"].get(name, 0) / pages for name in th.min_coverage}
    low = [  # (compared exactly, shown rounded: 89.95% is below 90%)
        f"{name} {math.floor(round(shares[name] * 10, 6)) / 10:g}% < {limit:g}%"
        for name, limit in th.min_coverage.items()
        if shares[name] < limit
    ]
    if not low:
        return None
    of = f"of {pages} article pages"
    if failed:
        reasons = {k: v for k, v in articles["rejected"].items() if not_served(k)}
        if articles.get("not_article"):
            reasons["not an article"] = articles["not_article"]
        why = ", ".join(f"{k}×{v}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1]))
        of += f"; {failed} gave no article page: {why}"
        if TOO_LARGE in reasons:
            of += f", {CAUSES['TooLarge']}: raise it"
    return Failure(
        "coverage", EXIT_COVERAGE, f"field coverage below threshold: {', '.join(low)} ({of})"
    )


#: The counts of a history entry the gates compute with.
COUNTS = ("extracted", "valid", "text_fields", "layer_fields")


def _checked(history: Sequence[Mapping[str, Any]], verdict: Verdict) -> list[Mapping[str, Any]]:
    """The entries, those with a count that is not a whole number from 0 to
    :data:`MAX_COUNT` (hand-edited, or foreign; absent: 0) made unhealthy: still a point in
    time (:func:`_usual`), no baseline. A note says how many."""
    checked: list[Mapping[str, Any]] = []
    bad = 0
    for entry in history:
        whole = all(type(n := entry.get(name, 0)) is int and 0 <= n <= MAX_COUNT for name in COUNTS)
        checked.append(entry if whole else {**entry, "exit_code": None})
        bad += not whole
    if bad:
        verdict.notes.append(
            f"history gates: {bad} entr{'y' if bad == 1 else 'ies'} with a count that is not "
            f"a whole number from 0 to 2^53 ({', '.join(COUNTS)}) left out of the baselines"
        )
    return checked


def _since_new_baseline(history: Sequence[Mapping[str, Any]]) -> Sequence[Mapping[str, Any]]:
    """The entries from the last healthy run that started a new baseline (``new_baseline``)
    on (one that failed a gate started none: the baseline before it stands)."""
    for at in range(len(history) - 1, -1, -1):
        entry = history[at]
        if entry.get("new_baseline") is True and entry.get("exit_code") == EXIT_OK:
            return history[at:]
    return history


def _healthy(history: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [h for h in history if h.get("exit_code") == EXIT_OK]


def _drift(
    report: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    th: Thresholds,
    verdict: Verdict,
) -> Failure | None:
    text, extracted = report["text_layer"], report["articles"]["extracted"]
    if extracted < th.min_sample or not text["of"]:
        served = extracted + report["articles"].get("not_served", 0)
        if 0 < extracted < th.min_sample <= served:  # (else the coverage gate's note says it)
            verdict.notes.append(
                f"drift gate skipped: {extracted} article page(s) < FAKTI_HEALTH_MIN_SAMPLE"
            )
        return None
    judged = [h for h in _healthy(history) if h.get("extracted", 0) >= th.min_sample]
    base = judged[-th.history_runs :]  # (a smaller run was not judged on drift)
    base_pages = sum(h.get("extracted", 0) for h in base)
    base_of = sum(h.get("layer_fields", 0) for h in base)
    if base_pages < th.min_sample or not base_of:
        verdict.notes.append(
            "drift gate skipped: no earlier healthy run of FAKTI_HEALTH_MIN_SAMPLE article "
            "pages or more to compare with"
        )
        return None
    before = 100.0 * sum(h.get("text_fields", 0) for h in base) / base_of
    now = 100.0 * text["fields"] / text["of"]
    if now - before <= th.drift_max_jump:
        return None
    return Failure(
        "drift",
        EXIT_DRIFT,
        f"markup drift: {now:.0f}% of field values came from the rendered-text fallback "
        f"layer, against {before:.0f}% in the last {len(base)} healthy run(s) "
        f"(allowed jump {th.drift_max_jump:g} points); the page markup has probably changed",
    )


def comparable(entry: Mapping[str, Any], report: Mapping[str, Any]) -> bool:
    """Same kind of run: the same mode and scope (editions, sections, dates)."""
    run = report["run"]
    return entry.get("mode") == run["mode"] and entry.get("scope") == run["scope"]


def _baseline(entry: Mapping[str, Any], report: Mapping[str, Any]) -> bool:
    return entry.get("exit_code") == EXIT_OK and comparable(entry, report)


def _walked(entry: Mapping[str, Any], th: Thresholds) -> bool:
    """Whether an entry's run was complete (``finish_reasons``) and took the articles of its
    walk: it raised a watermark (``watermarks_moved``) or validated records (a run whose
    watermarks were held still took what it found: the next run skips them as known); for
    an entry from before ``watermarks_moved`` was recorded, it was neither unreachable (4)
    nor without articles (5). An outage's runs took nothing: they do not restart the clock."""
    if entry.get("finish_reason") not in th.finish_reasons:
        return False
    moved = entry.get("watermarks_moved")
    if moved is None:
        return entry.get("exit_code") not in (EXIT_UNREACHABLE, EXIT_NO_ARTICLES)
    valid = entry.get("valid")
    return (type(moved) is int and moved > 0) or (type(valid) is int and valid > 0)


def _walked_ours(entry: Mapping[str, Any], report: Mapping[str, Any], th: Thresholds) -> bool:
    """Whether an entry's run took the articles this run would find: it was complete and
    took its walk's (:func:`_walked`), walked this run's editions and sections
    (:func:`_covers`), and was no ``url=`` run (which walks nothing) nor a backfill whose
    ``until`` was before the day it ran (its walk stayed below them)."""
    scope = entry.get("scope")
    if not (
        _walked(entry, th)
        and entry.get("mode") != "urls"
        and isinstance(scope, Mapping)
        and _covers(scope, report["run"]["scope"])
    ):
        return False
    until, started = scope.get("until"), _time(entry, "site_started") or _time(entry)
    return until is None or started is None or str(until) >= f"{started.astimezone(SOFIA):%F}"


def _covers(scope: Mapping[str, Any], ours: Mapping[str, Any]) -> bool:
    """Whether a run of ``scope`` walked all that a run of ``ours`` walks: its editions
    include ours, and it named no sections (each edition's own watermark, which a section
    walk reaches down to too), or named ours among more. (A ``lang=all`` run between two
    ``lang=en`` runs took the second's articles: 3 found, "about 40 expected", exit 8.)"""
    langs, sections = scope.get("langs"), scope.get("sections")
    mine = ours.get("sections") or []
    if not isinstance(langs, list) or not isinstance(sections, list):
        return False
    return set(ours.get("langs") or ()) <= set(langs) and (
        not sections or (bool(mine) and set(mine) <= set(sections))
    )


def _time(entry: Mapping[str, Any], key: str = "started") -> datetime | None:
    """A history entry's (or a report's ``run``) time ``key``: ``started`` (the wall clock) or
    ``site_started`` (the site's); ``None`` when missing or not an ISO time with an offset (a
    hand-edited or foreign entry, a run that read no listing, an entry older than the key)."""
    try:
        at = datetime.fromisoformat(entry[key])
    except (KeyError, TypeError, ValueError):
        return None
    return at if at.tzinfo is not None else None


def clock_behind(started: datetime, history: Sequence[Mapping[str, Any]]) -> str | None:
    """Why this run's wall clock (``started``) is before the latest start of ``history``, as
    a warning: the clock stepped back, so this run's files and ``scraped_at`` sort before that
    run's (the latest record of a key is then stale); else ``None``. The latest start, not the
    last entry's: a distributed job's workers record theirs as each ends, the first started
    often last."""
    last = max(filter(None, map(_time, history)), default=None)
    if last is None or started >= last:
        return None
    now, then = (t.astimezone(UTC).isoformat(timespec="seconds") for t in (started, last))
    return (
        f"the machine clock is behind the last run's start: {now} < {then}; this run's "
        "files and scraped_at sort before that run's"
    )


def _hours(later: Mapping[str, Any], earlier: Mapping[str, Any], key: str) -> float | None:
    """The hours from the run of ``earlier`` to that of ``later`` by their time ``key``
    (:func:`_time`), or ``None`` when either lacks it."""
    since, until = _time(earlier, key), _time(later, key)
    if since is None or until is None:
        return None
    return (until - since).total_seconds() / 3600


def _number(value: float) -> str:
    """A count or rate for the on-call reader: whole, with thousands separators, from 100
    (``31,468``); else to 3 significant digits (``2.5``)."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def _duration(hours: float) -> str:
    """``45 s``, ``2 min 8 s``, ``7 h 30 min``, ``4 days 2 h`` (``hours`` >= 0): to the
    second under an hour, the minute under two days, else the hour."""
    seconds = round(hours * 3600)
    if seconds < 3600:
        m, s = divmod(seconds, 60)
        if not m:
            return f"{s} s"
        return f"{m} min {s} s" if s else f"{m} min"
    if seconds < 48 * 3600 - 30:
        h, m = divmod(round(seconds / 60), 60)
        return f"{h} h {m} min" if m else f"{h} h"
    d, h = divmod(round(seconds / 3600), 24)
    return f"{d} days {h} h" if h else f"{d} days"


def _usual(
    report: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    th: Thresholds,
    verdict: Verdict,
) -> tuple[float, str] | str:
    """``(expected valid articles, how)`` from comparable healthy runs, or why the gate is
    skipped.

    Incremental runs compare the rate per hour since the previous run that took their
    articles (:func:`_walked_ours`; each rate over the hours since the one before it that
    did), times this run's hours since its own: a run 15 minutes after the last one expects
    a quarter of an hourly one. The hours are all on one clock: the site's
    (``site_started``, which discovery and the watermarks follow: the replica's may be moved
    hours between runs seconds apart) when this run and the previous one have it, rates then
    only from pairs of runs that both have it; else the wall clock's (``started``). (Each
    pair on its own clock mixed them: after an upgrade, rates of wall-clock seconds times
    site-clock hours expected 108,000, exit 8 on every run.) A clock behind the previous
    run's start skips the gate (it expected a negative count); the same start expects 0.
    History entries without a valid ``started`` time are left out, with a note. A
    ``refresh=N`` run, whose count is mostly the N days it fetches again whatever the gap,
    compares counts as other modes do (by rates, a gap alone failed it: exit 8).
    """
    too_few = (
        f"fewer than FAKTI_HEALTH_ITEMS_MIN_RUNS={th.items_min_runs} earlier comparable "
        "healthy runs"
    )
    if report["run"]["mode"] != "incremental" or report["run"]["scope"].get("refresh"):
        base = [float(e.get("valid", 0)) for e in history if _baseline(e, report)]
        base = base[-th.history_runs :]
        if len(base) < th.items_min_runs:
            return too_few
        return median(base), f"the median of the last {len(base)} comparable runs"
    walks = [e for e in history if _walked_ours(e, report, th)]
    timed = [e for e in walks if _time(e) is not None]
    if malformed := len(walks) - len(timed):
        verdict.notes.append(
            f"item-count gate: {malformed} history entr{'y' if malformed == 1 else 'ies'} "
            "without a valid 'started' time left out"
        )
    if not timed:
        return too_few
    key, clock = "site_started", "site"
    if _hours(report["run"], timed[-1], key) is None:
        key, clock = "started", "machine"
    rates = [
        e.get("valid", 0) / hours
        for before, e in pairwise(timed)
        if _baseline(e, report) and (hours := _hours(e, before, key)) is not None and hours > 0
    ]
    rates = rates[-th.history_runs :]
    if len(rates) < th.items_min_runs:
        return too_few
    hours = _hours(report["run"], timed[-1], key)
    assert hours is not None
    if hours < 0:
        return f"the {clock} clock is {_duration(-hours)} behind the previous run's"
    rate = median(rates)
    return rate * hours, (
        f"{_number(rate)} an hour (the median of the last {len(rates)} comparable runs) × "
        f"{_duration(hours)} since the previous run"
    )


def _item_count(
    report: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    th: Thresholds,
    verdict: Verdict,
) -> Failure | None:
    if report["run"]["mode"] == "urls":
        return None
    if report["run"].get("distributed"):
        verdict.notes.append("item-count gate skipped: a distributed worker does a share of a job")
        return None
    usual = _usual(report, history, th, verdict)
    if isinstance(usual, str):
        verdict.notes.append(f"item-count gate skipped: {usual}")
        return None
    expected, how = usual
    if expected < th.items_min_median:
        verdict.notes.append(
            f"item-count gate skipped: about {_number(expected)} expected ({how}), "
            f"fewer than FAKTI_HEALTH_ITEMS_MIN_MEDIAN={th.items_min_median:g}"
        )
        return None
    valid = report["articles"]["valid"]
    if valid >= th.items_min_ratio * expected:
        return None
    return Failure(
        "item_count",
        EXIT_ITEM_COUNT,
        f"item count far below the usual: {valid} valid article(s), about "
        f"{_number(expected)} expected: {how}; minimum {th.items_min_ratio:.0%} of it",
    )


def _finish_reason(report: Mapping[str, Any], th: Thresholds) -> Failure:
    """The failure of a run whose finish reason is not one of ``th.finish_reasons``."""
    reason = report["run"]["finish_reason"]
    why = f"finish reason {reason!r} (expected {', '.join(th.finish_reasons)})"
    if reason == ROBOTS_LOST:
        message = (
            f"robots.txt unavailable to this worker ({why}): it stopped and put the requests "
            "it had taken back on its job's frontier, for the other workers; restart it once "
            "it can read robots.txt"
        )
    elif reason == EXPORT_FAILED:  # (a feed, or only the state: its output may be whole)
        message = f"run did not finish normally: {why}: a write failed (see the log's errors)"
    else:
        message = f"run did not finish normally: {why}; its output is incomplete"
    return Failure("finish_reason", EXIT_FINISH_REASON, message)


def held_series(report: Mapping[str, Any], history: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """How long the discovery watermarks of a run that held them have been held, for its
    report and history entry: ``held_runs``, it and the runs in a row before it that held
    them, and ``watermarks_held_since``, the site start (else the start) of the first of them;
    0 and ``None`` when it held none. The run before is the last one of this run's editions
    and sections or more (:func:`_covers`, not a ``url=`` run) that held or moved them: one
    that did neither (a distributed worker not the last of its job) is passed over, and
    one recorded before ``held_runs`` that moved none starts no series either."""
    run = report["run"]
    if not run.get("watermarks_held"):
        return {"held_runs": 0, "watermarks_held_since": None}
    for entry in reversed(history):
        scope = entry.get("scope")
        if entry.get("mode") == "urls" or not (
            isinstance(scope, Mapping) and _covers(scope, run["scope"])
        ):
            continue
        held, since = entry.get("held_runs"), entry.get("watermarks_held_since")
        if type(held) is int and held > 0 and isinstance(since, str):
            return {"held_runs": held + 1, "watermarks_held_since": since}
        if type(moved := entry.get("watermarks_moved")) is int and moved > 0:
            break
    return {"held_runs": 1, "watermarks_held_since": run.get("site_started") or run["started"]}


def _recovered(counts: Mapping[str, int]) -> str | None:
    """The note on what this run recovered, as it started, of an interrupted run (the report's
    ``recovered``), or ``None``. Not "the previous run": in an output folder that workers
    share, the unfinished files may be another worker's."""
    done = []
    if counts.get("leftovers_removed"):
        done.append(f"{counts['leftovers_removed']} unfinished file(s) removed")
    if counts.get("committed_files"):
        done.append(
            f"{counts['committed_keys']} key(s) of {counts['committed_files']} published "
            "feed(s) committed"
        )
    if counts.get("rolled_back_files"):
        done.append(
            f"{counts['rolled_back_keys']} key(s) of {counts['rolled_back_files']} unpublished "
            "feed(s) rolled back (not exported: a run over their window asks for them again, "
            "e.g. the interrupted run's arguments once more)"
        )
    return f"an earlier run was interrupted: {', '.join(done)}; recovered" if done else None


def evaluate(
    report: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]] = (),
    thresholds: Thresholds | None = None,
) -> Verdict:
    """Run every gate. ``history``: earlier runs' entries (oldest first).

    A run that did not finish (its finish reason is not one of ``finish_reasons``) is not
    judged on its counts: its output is incomplete, which is what its exit status says. A
    run that starts a new baseline (``new_baseline``) is not compared with history."""
    th = thresholds or Thresholds()
    verdict = Verdict()
    history = _since_new_baseline(_checked(history, verdict))
    unreachable = _unreachable(report)
    finished = report["run"]["finish_reason"] in th.finish_reasons
    if not finished:
        verdict.notes.append("no-articles and item-count gates skipped: the run did not finish")
    held, runs = report["run"].get("watermarks_held"), report["run"].get("held_runs") or 0
    if held:  # (a distributed job's walk, in its last worker's verdict)
        series = (
            f", held for {runs} runs in a row, since {report['run']['watermarks_held_since']}"
            if runs > 1
            else ""
        )
        verdict.notes.append(
            f"discovery watermarks not moved ({held}){series}: the next run walks this again"
        )
    if (days := report["run"].get("refresh_not_done")) is not None:
        verdict.notes.append(
            f"refresh={days} not done: no listing, feed or search page was read; "
            "the next run does it"
        )
    if dropped := report["pages"].get("outputs_lost"):
        verdict.notes.append(
            f"{dropped} request(s) or record(s) dropped by Scrapy's scraper before the scheduler "
            "or the item pipelines took them (scraper/lost_outputs; see the log's errors)"
        )
    if ours := report["articles"].get("failed_ours"):
        verdict.notes.append(
            f"{ours} article request(s) failed with an error of our code or machine "
            "(pages/failed_ours, rejects error:<type>; see the log's errors): their articles "
            "are asked for again until a run writes them"
        )
    if lost := report["articles"].get("lost_in_pipelines"):
        verdict.notes.append(
            f"{lost} record(s) lost by an item pipeline that raised (pipelines/lost: our "
            "machine or our code, not the site; see the log's errors): their articles are "
            "asked for again until a run writes them"
        )
    if recovered := _recovered(report.get("recovered", {})):
        verdict.notes.append(recovered)
    job = report["run"].get("job")
    if job not in (None, "last", "others still running"):  # (a distributed worker's job)
        verdict.notes.append(f"job not complete: {job}")
    workers = report.get("extract_workers") or {}
    if workers.get("lost"):
        verdict.notes.append(
            f"{workers['lost']} of {workers['started']} extraction worker(s) lost (see the "
            f"log); {workers['in_process']} page(s) extracted in the crawler's process"
        )
    if th.new_baseline:
        again = bool(history) and history[-1].get("new_baseline") is True
        verdict.notes.append(
            "drift and item-count gates skipped: this run starts a new baseline "
            "(FAKTI_HEALTH_NEW_BASELINE)"
            + (", as the run before did: give it for one run only" if again else "")
        )
    for failure in (
        unreachable,
        _no_articles(report) if finished else None,
        _coverage(report, th, verdict),
        None if th.new_baseline else _drift(report, history, th, verdict),
        _item_count(report, history, th, verdict) if finished and not th.new_baseline else None,
        None if unreachable or finished else _finish_reason(report, th),  # (stopped on purpose)
    ):
        if failure is not None:
            verdict.failures.append(failure)
    return verdict
