"""The Spidermon suite reports the same verdict as the health gates (for notifications)."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.utils.test import get_crawler
from spidermon.runners import MonitorRunner

from newsspider.extensions.monitors import HealthMonitorSuite


def run_suite(stats: dict, **settings: object) -> dict[str, str]:
    crawler = get_crawler(settings_dict=settings)
    suite = HealthMonitorSuite(crawler=crawler)
    result = MonitorRunner().run(suite, stats=stats, crawler=crawler, spider=SimpleNamespace())
    return {r.item.name: r.status for r in result.monitor_results} | {
        "error": "\n".join(r.error or "" for r in result.monitor_results)
    }


def test_healthy_run_passes_every_monitor():
    outcome = run_suite({"finish_reason": "finished", "health/exit_code": 0})
    assert outcome.pop("error").strip() == ""
    assert set(outcome.values()) == {"OK"} and len(outcome) == 1


def test_failed_gate_fails_with_the_gate_message():
    message = "no articles discovered: 3 listing/feed/search page(s) read (HTTP 200×3) but ..."
    outcome = run_suite(
        {"finish_reason": "shutdown", "health/exit_code": 5, "health/reason": message}
    )
    assert [v for k, v in outcome.items() if k != "error"] == ["FAIL"]
    assert f"exit status 5: {message}" in outcome["error"]


def test_a_finish_reason_the_gates_accept_is_not_a_failure():
    """``FAKTI_HEALTH_FINISH_REASONS`` decides, not ``SPIDERMON_EXPECTED_FINISH_REASONS``:
    Spidermon's ``FinishReasonMonitor`` failed a run capped on purpose, judged healthy."""
    stats = {"finish_reason": "closespider_itemcount", "health/exit_code": 0}
    outcome = run_suite(stats, FAKTI_HEALTH_FINISH_REASONS="finished,closespider_itemcount")
    assert outcome.pop("error").strip() == ""
    assert set(outcome.values()) == {"OK"}


def test_without_a_verdict_the_finish_reason_is_judged():
    """With FAKTI_REPORT_ENABLED off the monitor was skipped: a run stopped by a failed export
    or an unreachable site notified nothing."""
    assert run_suite({"finish_reason": "finished"})["error"].strip() == ""
    for reason in ("export_failed", "site_unreachable", "shutdown"):
        outcome = run_suite({"finish_reason": reason})
        assert [v for k, v in outcome.items() if k != "error"] == ["FAIL"]
        assert f"finish reason {reason} (no health verdict)" in outcome["error"]
    capped = {"finish_reason": "closespider_itemcount"}
    accepted = run_suite(capped, FAKTI_HEALTH_FINISH_REASONS="finished,closespider_itemcount")
    assert accepted["error"].strip() == ""
