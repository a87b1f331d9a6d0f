"""The end-of-run report, computed from the crawl stats alone (pure: no Scrapy here).

:func:`summarize` turns the stats of one run into the report dict written to
``<run>.report.json``; :func:`format_summary` renders it as the one-screen log summary;
:func:`history_entry` is the compact part kept in the state store for later runs' gates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsspider.extraction.record import RECORD_FIELDS, URL_LAYER
from newsspider.state import RECOVERED, RECOVERED_STATS

#: Record fields that come from extraction (``scraped_at``/``content_hash`` are computed).
EXTRACTED_FIELDS: tuple[str, ...] = tuple(
    f for f in RECORD_FIELDS if f not in ("scraped_at", "content_hash")
)
#: The rendered-text fallback layer, whose share is watched for markup drift.
TEXT_LAYER = "text"
#: Stats whose sum is every article link a listing, feed or search page yielded.
LINK_STATS = (
    "discovery/articles/scheduled",
    "discovery/articles/duplicate",
    "discovery/items/old",
    "discovery/items/known",
    "discovery/items/later",
    "discovery/links/filtered",
)
LISTING_STATS = (
    "discovery/listing_pages",
    "discovery/search_pages",
    "discovery/feeds/ok",
)
#: Listing and search pages that could not be read after their retries (a 404/410 listing
#: does not exist, an unusable feed falls back to listings: neither counts).
LISTING_LOST_STATS = ("discovery/listing_failed", "discovery/search_failed")
#: Responses dropped as larger than ``DOWNLOAD_MAXSIZE`` (any page: robots.txt, listings...).
TOO_LARGE_STAT = "safety/refused/maxsize"
#: The reject reason of an article page larger than ``DOWNLOAD_MAXSIZE``.
TOO_LARGE = "download:TooLarge"
#: Unfinished run files of an interrupted run, removed as this one started.
LEFTOVERS_REMOVED = "export/leftovers_removed"
#: Why a run that walked listings moved no watermark (text; absent when it moved them, or
#: walked none, or is a distributed worker that is not the last of its job).
WATERMARKS_HELD = "discovery/watermarks_held"
#: How many discovery watermarks (scopes) the run raised.
WATERMARKS_MOVED = "discovery/watermarks"
#: The run's site start (ISO text): the ``Date`` of its earliest listing, feed or search
#: response (ours if the site's is ahead), what its watermarks rise to; absent when it read none.
SITE_STARTED = "discovery/site_started"
#: The N of a ``refresh=N`` run that did not refresh (no listing page read: the site's time
#: unknown); absent when it did, or when other workers of its distributed job do.
REFRESH_NOT_DONE = "discovery/refresh_not_done"
#: Items an item pipeline raised on (not ``DropItem``): lost by our machine or our code.
PIPELINES_LOST = "pipelines/lost"
#: Article requests that failed with an exception of our code or machine, not an HTTP error
#: nor a download error (the reject ``error:<type>``: :mod:`newsspider.spiders.failures`).
FAILED_OURS = "pages/failed_ours"
#: Requests and records a page gave that Scrapy's scraper dropped before the scheduler or the
#: item pipelines took them (:mod:`newsspider.middlewares.handoff`).
OUTPUTS_LOST = "scraper/lost_outputs"
#: A distributed worker's job as it left it: ``last``, ``others still running``, ``waits for
#: killed worker(s) <identities>`` or ``requests left on its frontier for the next worker``.
JOB = "distributed/job"
#: Whether a distributed worker's job had listed articles as the worker left it (any worker's
#: listing pages): 1 or 0.
JOB_LISTED = "distributed/job_listed"


@dataclass(frozen=True, slots=True)
class RunContext:
    """What the stats do not say about a run."""

    started: datetime  # (wall clock: the times shown)
    finished: datetime
    duration_s: float  # (measured on a monotonic clock: a clock step does not change it)
    finish_reason: str
    mode: str  # first | incremental | backfill | urls
    scope: dict[str, Any] = field(default_factory=dict)
    base_url: str = ""
    files: dict[str, str | None] = field(default_factory=dict)


def _prefixed(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    """``{rest: value}`` for every int stat named ``<prefix><rest>``, sorted by name."""
    return {
        k[len(prefix) :]: int(v)
        for k, v in sorted(stats.items())
        if k.startswith(prefix) and isinstance(v, int | float)
    }


def valid_records(stats: Mapping[str, Any]) -> int:
    """Records that passed validation: emitted or deduplicated (counted by the dedup
    pipeline, before the export counts ``export/items``)."""
    return sum(_prefixed(stats, "dedup/emit/").values()) + sum(
        _prefixed(stats, "dedup/skip/").values()
    )


def _pct(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def not_served(reason: str) -> bool:
    """A reject reason that says the site gave an article request no article page: an HTTP
    error after the retries (5xx, a block, a deleted article's 404/410), a download error
    (a timeout) or a page over ``DOWNLOAD_MAXSIZE`` (``download:TooLarge``); not another
    refusal by our rules (``download:IgnoreRequest``: robots.txt, an off-site redirect),
    which a site may ask for on purpose, run after run."""
    if reason.startswith("http:"):
        return True
    return reason.startswith("download:") and reason != "download:IgnoreRequest"


def _layers(stats: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """``{field: {layer or "missing": count}}`` from the ``extract/<field>/<layer>`` stats."""
    out: dict[str, dict[str, int]] = {}
    for key, count in _prefixed(stats, "extract/").items():
        name, _, layer = key.partition("/")
        if name in EXTRACTED_FIELDS and layer:
            out.setdefault(name, {})[layer] = count
    return out


def summarize(stats: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
    """The report of one run (see README "Unattended runs" for each key)."""
    counts = _layers(stats)
    # Every article page extracted (record or reject) has a URL-derived ``url``.
    pages = counts.get("url", {}).get(URL_LAYER, 0)
    coverage: dict[str, float | None] = {}
    layers: dict[str, dict[str, float | None]] = {}
    text_fields = layer_fields = 0
    values: dict[str, int] = {}
    for name in EXTRACTED_FIELDS:
        by_layer = counts.get(name, {})
        found = {k: v for k, v in by_layer.items() if k != "missing"}
        values[name] = sum(found.values())
        coverage[name] = _pct(values[name], pages)
        empty = pages - sum(by_layer.values())  # an empty list has neither layer nor null
        shares = sorted(by_layer.items()) + ([("empty", empty)] if empty > 0 else [])
        layers[name] = {k: _pct(v, pages) for k, v in shares}
        if URL_LAYER not in found:
            text_fields += found.get(TEXT_LAYER, 0)
            layer_fields += sum(found.values())
    emitted = _prefixed(stats, "dedup/emit/")
    skipped = _prefixed(stats, "dedup/skip/")
    rejected = {k: v for k, v in _prefixed(stats, "rejects/").items() if k != "total"}
    requests = int(stats.get("downloader/request_count", 0))
    new = emitted.get("new", 0)
    return {
        "run": {
            "started": ctx.started.isoformat(timespec="seconds"),
            "site_started": stats.get(SITE_STARTED),
            "finished": ctx.finished.isoformat(timespec="seconds"),
            "duration_s": round(ctx.duration_s, 1),
            "finish_reason": ctx.finish_reason,
            "mode": ctx.mode,
            "scope": ctx.scope,
            "base_url": ctx.base_url,
            **ctx.files,
            "watermarks_held": stats.get(WATERMARKS_HELD),
            "watermarks_moved": int(stats.get(WATERMARKS_MOVED, 0)),
            "refresh_not_done": stats.get(REFRESH_NOT_DONE),
            "job": stats.get(JOB),
            "job_listed": None if stats.get(JOB_LISTED) is None else bool(stats.get(JOB_LISTED)),
        },
        "pages": {
            "requests": requests,
            "responses": int(stats.get("response_received_count", 0)),
            "by_status": _prefixed(stats, "downloader/response_status_count/"),
            "errors": _prefixed(stats, "downloader/exception_type_count/"),
            "retries": int(stats.get("retry/count", 0)),
            "listing_pages": sum(int(stats.get(k, 0)) for k in LISTING_STATS),
            "feeds_unusable": int(stats.get("discovery/feeds/unusable", 0)),
            "listings_lost": sum(int(stats.get(k, 0)) for k in LISTING_LOST_STATS),
            "robots_unavailable": int(stats.get("politeness/robots_unavailable", 0)),
            "too_large": int(stats.get(TOO_LARGE_STAT, 0)),
            "outputs_lost": int(stats.get(OUTPUTS_LOST, 0)),
        },
        "articles": {
            "links_found": sum(int(stats.get(k, 0)) for k in LINK_STATS)
            - int(stats.get("discovery/refresh", 0)),  # (asked for from the state, not listed)
            "discovered": int(stats.get("discovery/articles/scheduled", 0)),
            "extracted": pages,
            "not_served": sum(v for k, v in rejected.items() if not_served(k))
            + int(stats.get("pages/not_article", 0)),
            "valid": valid_records(stats),
            # (a feed that could not be published was rolled back: nothing was emitted)
            "emitted": int(stats.get("export/items", 0)) if stats.get("export/file") else 0,
            "emitted_by_reason": emitted,
            "deduplicated": skipped,
            "rejected": rejected,
            "rejected_total": sum(rejected.values()),
            "out_of_window": int(stats.get("discovery/articles/out_of_window", 0)),
            "not_article": int(stats.get("pages/not_article", 0)),
            "lost_in_pipelines": int(stats.get(PIPELINES_LOST, 0)),
            "failed_ours": int(stats.get(FAILED_OURS, 0)),
        },
        "coverage": coverage,
        "values": values,
        "layers": layers,
        "text_layer": {
            "fields": text_fields,
            "of": layer_fields,
            "share": _pct(text_fields, layer_fields),
        },
        "requests_per_new_article": round(requests / new, 2) if new else None,
        "recovered": {
            "leftovers_removed": int(stats.get(LEFTOVERS_REMOVED, 0)),
            **{name: int(stats.get(f"{RECOVERED_STATS}{name}", 0)) for name in RECOVERED},
        },
        "extract_workers": {
            "started": int(stats.get("extract/workers", 0)),
            "lost": int(stats.get("extract/workers/lost", 0)),
            "in_process": int(stats.get("extract/workers/in_process", 0)),
        },
    }


def history_entry(
    report: Mapping[str, Any], exit_code: int, new_baseline: bool = False
) -> dict[str, Any]:
    """The compact record of a run kept in the state store (``record_run``); one that
    started a new baseline for the history gates says so (``new_baseline``)."""
    run, articles = report["run"], report["articles"]
    entry = {
        "started": run["started"],
        "site_started": run["site_started"],
        "mode": run["mode"],
        "scope": run["scope"],
        "finish_reason": run["finish_reason"],
        "watermarks_moved": run["watermarks_moved"],
        "held_runs": run.get("held_runs", 0),
        "watermarks_held_since": run.get("watermarks_held_since"),
        "exit_code": exit_code,
        "duration_s": run["duration_s"],
        "requests": report["pages"]["requests"],
        "extracted": articles["extracted"],
        "valid": articles["valid"],
        "emitted": articles["emitted"],
        "text_fields": report["text_layer"]["fields"],
        "layer_fields": report["text_layer"]["of"],
    }
    return entry | {"new_baseline": True} if new_baseline else entry


def _fmt_counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"


def _fmt_pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}%"


def format_summary(report: Mapping[str, Any]) -> str:
    """The one-screen summary (multi-line) logged at the end of a run."""
    run, pages, art = report["run"], report["pages"], report["articles"]
    statuses = ", ".join(f"{k}×{v}" for k, v in pages["by_status"].items()) or "none"
    errors = ", ".join(f"{k.rsplit('.', 1)[-1]}×{v}" for k, v in pages["errors"].items())
    rpn = report["requests_per_new_article"]
    lines = [
        f"run report ({run['mode']}, {run['finish_reason']}, {run['duration_s']:g} s)",
        f"  pages      {pages['requests']} requests; HTTP {statuses}"
        + (f"; errors {errors}" if errors else ""),
        f"  articles   {art['links_found']} links, {art['discovered']} discovered, "
        f"{art['extracted']} extracted, {art['emitted']} emitted",
        f"  dedup      {_fmt_counts(art['deduplicated'])}",
        f"  rejected   {art['rejected_total']}"
        + (f" ({_fmt_counts(art['rejected'])})" if art["rejected"] else ""),
        "  coverage   "
        + ", ".join(
            f"{name} {_fmt_pct(report['coverage'][name])}"
            for name in EXTRACTED_FIELDS
            if name not in ("url", "article_id", "lang", "section")
        ),
        f"  text layer {_fmt_pct(report['text_layer']['share'])} of extracted field values",
        f"  requests per new article {'n/a' if rpn is None else f'{rpn:g}'}",
    ]
    if run.get("report"):
        lines.append(f"  report     {run['report']}")
    return "\n".join(lines)
