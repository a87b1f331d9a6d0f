"""The run report and health verdict, written at the end of every run.

At ``spider_closed`` the :class:`RunReport` extension summarises the stats
(:mod:`~newsspider.extensions.summary`), judges them against the earlier runs kept in the
state store (:mod:`~newsspider.extensions.health`), writes ``<run>.report.json`` beside the
run's feed (also when the run emitted nothing), records the run in the state's history, logs
the one-screen summary and, when unhealthy, one ERROR line per failed gate. The verdict's
exit status is kept on the crawler for the ``crawl`` command
(:func:`~newsspider.extensions.exitstatus.exit_status`).
"""

from __future__ import annotations

import json
import logging
import time
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from newsspider.distributed import is_distributed
from newsspider.extensions.exitstatus import set_exit_status
from newsspider.extensions.health import (
    EXIT_FINISH_REASON,
    EXPORT_FAILED,
    HISTORY_READ,
    Failure,
    Thresholds,
    Verdict,
    clock_behind,
    evaluate,
    expected_finish_reasons,
    held_series,
    min_coverage,
)
from newsspider.extensions.summary import RunContext, format_summary, history_entry, summarize
from newsspider.pipelines.runfiles import run_files
from newsspider.pipelines.writer import RunFileWriter
from newsspider.state import StateStore, get_store

logger = logging.getLogger(__name__)

_CRAWL_ATTR = "_fakti_crawl"


def _report_failure(what: str) -> Failure:
    return Failure("report", EXIT_FINISH_REASON, f"run report incomplete: {what}")


def mark_crawl(crawler: Crawler) -> None:
    """Mark the crawler as run by ``scrapy crawl``: its run is judged even when it stopped
    before choosing a window (an error while building its first requests)."""
    setattr(crawler, _CRAWL_ATTR, True)


def thresholds(settings: Any) -> Thresholds:
    """The :class:`Thresholds` from the ``FAKTI_HEALTH_*`` settings."""
    return Thresholds(
        min_coverage=min_coverage(settings.get("FAKTI_HEALTH_MIN_COVERAGE") or {}),
        min_sample=settings.getint("FAKTI_HEALTH_MIN_SAMPLE", 5),
        drift_max_jump=settings.getfloat("FAKTI_HEALTH_DRIFT_MAX_JUMP", 25.0),
        history_runs=settings.getint("FAKTI_HEALTH_HISTORY_RUNS", 10),
        items_min_runs=settings.getint("FAKTI_HEALTH_ITEMS_MIN_RUNS", 3),
        items_min_median=settings.getfloat("FAKTI_HEALTH_ITEMS_MIN_MEDIAN", 20.0),
        items_min_ratio=settings.getfloat("FAKTI_HEALTH_ITEMS_MIN_RATIO", 0.3),
        finish_reasons=expected_finish_reasons(settings),
        new_baseline=settings.getbool("FAKTI_HEALTH_NEW_BASELINE", False),
    )


def run_mode(spider: Spider, crawl: bool = False) -> tuple[str, dict[str, Any]]:
    """``(mode, scope)`` of the fakti spider's run: ``first`` (an incremental window in which
    no scope of the run had a watermark), ``incremental``, ``backfill`` or ``urls``; a
    ``crawl`` stopped before choosing its window is ``backfill``/``urls`` by its arguments,
    else ``incremental``. ``("other", {})`` for
    another spider, or another command whose run never chose a window (``scrapy parse``
    replaces the spider's ``start``): such runs are not reported or judged."""
    args = getattr(spider, "args", None)
    window = getattr(spider, "window", None)
    if args is None or window is None:
        return "other", {}
    scope = {
        "langs": list(args.langs),
        "sections": list(args.sections or ()),
        "refresh": args.refresh,
    }
    if args.urls:
        return "urls", scope
    if args.since is not None:
        until = args.until.isoformat() if args.until else None
        return "backfill", scope | {"since": args.since.isoformat(), "until": until}
    if window.skip_known:
        sections = args.sections or (None,)
        walked = any(window.has_mark(lang, s) for lang in args.langs for s in sections)
        return ("incremental" if walked else "first"), scope
    return ("incremental", scope) if crawl else ("other", {})


class RunReport:
    """Report + health gates at the end of the run (``FAKTI_REPORT_ENABLED``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.thresholds = thresholds(crawler.settings)
        self.started = datetime.now(UTC)
        self.clock = time.monotonic()
        self.behind: str | None = None  # (a health note: see spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunReport:
        from scrapy.exceptions import NotConfigured

        if not crawler.settings.getbool("FAKTI_REPORT_ENABLED", True):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.started = datetime.now(UTC)
        self.clock = time.monotonic()
        store = self._store()
        history = store.recent_runs(HISTORY_READ) if store is not None else []
        self.behind = clock_behind(self.started, history)
        if self.behind:
            logger.warning("%s", self.behind)

    def _store(self) -> StateStore | None:
        try:
            return get_store(self.crawler)
        except (Exception, SystemExit) as exc:  # bad FAKTI_STATE (told at start), lock taken
            logger.warning("run history unavailable: %s", exc)
            return None

    def spider_closed(self, spider: Spider, reason: str) -> None:
        try:
            self._report(spider, reason)
        except Exception as exc:  # (Scrapy would log it and the run exit 0, unjudged)
            logger.exception("run report failed")
            why = f"the run report failed ({type(exc).__name__}: {exc}); the run is not judged"
            logger.error("health: UNHEALTHY (exit status %d): %s", EXIT_FINISH_REASON, why)
            self.crawler.stats.set_value("health/exit_code", EXIT_FINISH_REASON)
            self.crawler.stats.set_value("health/reason", why)
            set_exit_status(self.crawler, EXIT_FINISH_REASON)

    def _report(self, spider: Spider, reason: str) -> None:
        assert self.crawler.stats is not None
        mode, scope = run_mode(spider, crawl=getattr(self.crawler, _CRAWL_ATTR, False))
        if mode == "other":
            logger.debug("no run report: not a crawl of the fakti spider")
            return
        files = run_files(self.crawler)
        feed = self.crawler.stats.get_value("export/file")
        if self.crawler.stats.get_value("export/write_failed"):
            reason = EXPORT_FAILED  # (also when it failed as the run was closing anyway)
        ctx = RunContext(
            started=self.started,
            finished=datetime.now(UTC),
            duration_s=time.monotonic() - self.clock,
            finish_reason=reason,
            mode=mode,
            scope=scope,
            base_url=str(getattr(spider, "base_url", "") or ""),
            files={
                "feed": feed,
                "rejects": str(files.rejects) if files.rejects.exists() else None,
                "report": str(files.report),
            },
        )
        report = summarize(self.crawler.stats.get_stats(), ctx)
        report["run"]["distributed"] = is_distributed(self.crawler.settings)
        store = self._store()
        history = store.recent_runs(HISTORY_READ) if store is not None else []
        report["run"] |= held_series(report, history)
        verdict = evaluate(report, history, self.thresholds)
        if self.behind:
            verdict.notes.append(self.behind)
        report["health"] = verdict.as_dict()
        if not self._write(files.report, report):
            report["run"]["report"] = None  # (the summary logged names no missing file)
            verdict.failures.append(_report_failure(f"{files.report.name} was not written"))
        if store is not None:  # (after the file: a run it fails is no healthy baseline)
            try:
                entry = history_entry(report, verdict.exit_code, self.thresholds.new_baseline)
                store.record_run(entry)
            except Exception as exc:  # (disk full): the next runs' gates would miss it
                logger.exception("recording the run history failed")
                verdict.failures.append(_report_failure(f"its history entry failed ({exc})"))
        self._log(report, verdict)
        self.crawler.stats.set_value("health/exit_code", verdict.exit_code)
        if verdict.first is not None:
            self.crawler.stats.set_value("health/reason", verdict.first.message)
            set_exit_status(self.crawler, verdict.exit_code)

    def _write(self, path: Path, report: dict[str, Any]) -> bool:
        """Write the report file; whether it was published (a failure fails the run, see
        :mod:`~newsspider.pipelines.writer`)."""
        out = RunFileWriter(self.crawler, path)
        with suppress(OSError):  # (already told: the failed file is then not published)
            out.write(json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
        return out.publish() is not None

    @staticmethod
    def _log(report: dict[str, Any], verdict: Verdict) -> None:
        logger.info("%s", format_summary(report))
        for note in verdict.notes:
            logger.info("health: %s", note)
        for failure in verdict.failures:
            logger.error("health: %s", failure.message)
        if verdict.first is None:
            logger.info("health: OK (exit status 0)")
        else:
            first = verdict.first
            logger.error("health: UNHEALTHY (exit status %d): %s", first.exit_code, first.message)
