"""The Spidermon suite reports the same verdict as the health gates, and runs the actions
its settings name (for notifications)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler
from spidermon import Action
from spidermon.exceptions import NotConfigured
from spidermon.runners import MonitorRunner

from newsspider.extensions.monitors import HealthMonitorSuite

TESTS = Path(__file__).resolve().parent
#: This module as a crawl imports it (tests/ on its path: a `tests` package that some
#: dependencies install, e.g. spidermon 1.22, shadows ours).
HERE = "test_health_spidermon"


class Recorded(Action):
    """An action that appends its class name and the monitors' outcome (FAIL or OK) to the
    file ``RECORDED_ACTIONS`` names; without it, not configured (as Spidermon's senders)."""

    def __init__(self, path: str | None) -> None:
        super().__init__()
        if not path:
            raise NotConfigured("You must provide a value for RECORDED_ACTIONS setting.")
        self.path = Path(path)

    @classmethod
    def from_crawler_kwargs(cls, crawler: Crawler) -> dict[str, str | None]:
        return {"path": crawler.settings.get("RECORDED_ACTIONS")}

    def run_action(self) -> None:
        with self.path.open("a", encoding="utf-8") as log:
            log.write(f"{type(self).__name__} {'FAIL' if self.monitors_failed else 'OK'}\n")


class AlsoRecorded(Recorded):
    pass


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


@pytest.mark.parametrize("code", [4, 5, 6, 7, 8, 9])
def test_every_failed_gate_fails_the_monitor(code: int) -> None:
    """Whichever gate failed (exit 4 to 9, the item-count gate's 8 too), the monitor fails
    with its exit status and message."""
    message = f"the message of gate {code}"
    outcome = run_suite(
        {"finish_reason": "finished", "health/exit_code": code, "health/reason": message}
    )
    assert [v for k, v in outcome.items() if k != "error"] == ["FAIL"]
    assert f"exit status {code}: {message}" in outcome["error"]


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


def test_the_action_settings_give_the_suite_its_actions(tmp_path: Path) -> None:
    """Spidermon reads a suite's actions from its class only: none ran, whatever was set."""
    record = tmp_path / "actions.log"
    settings = {
        "RECORDED_ACTIONS": str(record),
        "FAKTI_SPIDERMON_FAILED_ACTIONS": f"{HERE}.Recorded,{HERE}.AlsoRecorded",
        "FAKTI_SPIDERMON_PASSED_ACTIONS": [f"{HERE}.AlsoRecorded"],
        "FAKTI_SPIDERMON_FINISHED_ACTIONS": f'["{HERE}.Recorded"]',
    }
    run_suite({"finish_reason": "finished", "health/exit_code": 5}, **settings)
    assert record.read_text("utf-8").splitlines() == [
        "Recorded FAIL",  # finished
        "Recorded FAIL",  # failed
        "AlsoRecorded FAIL",
    ]
    record.unlink()
    run_suite({"finish_reason": "finished", "health/exit_code": 0}, **settings)
    assert record.read_text("utf-8").splitlines() == ["Recorded OK", "AlsoRecorded OK"]


def crawl(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl fakti`` with Spidermon on, output in ``tmp_path``."""
    path = os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "scrapy", "crawl", "fakti", *options]
    cmd += ["-s", f"FAKTI_OUTPUT_DIR={tmp_path / 'out'}", "-s", "SPIDERMON_ENABLED=True"]
    env = {**os.environ, "PYTHONPATH": path}
    return subprocess.run(
        cmd, cwd=TESTS.parent, env=env, capture_output=True, text=True, timeout=180
    )


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("options", "status", "recorded"),
    [
        # nothing answers: exit 4, and the failed action reports it
        (["-s", "FAKTI_BASE_URL=http://127.0.0.1:1"], 4, ["AlsoRecorded FAIL", "Recorded FAIL"]),
        (["-a", "replica=1", "-s", "FAKTI_REPLICA_ARTICLES=30"], 0, ["AlsoRecorded OK"]),
    ],
)
def test_a_crawl_with_spidermon_runs_the_failed_actions_on_a_failed_gate_only(
    tmp_path: Path, options: list[str], status: int, recorded: list[str]
) -> None:
    """The README promised notifications, but the log said "0 actions" (exit 4 or not)."""
    record = tmp_path / "actions.log"
    options += ["-s", f"FAKTI_SPIDERMON_FAILED_ACTIONS={HERE}.Recorded"]
    options += ["-s", f"FAKTI_SPIDERMON_FINISHED_ACTIONS={HERE}.AlsoRecorded"]
    done = crawl(tmp_path, *options, "-s", f"RECORDED_ACTIONS={record}")
    assert done.returncode == status, done.stderr[-3000:]
    assert record.read_text("utf-8").splitlines() == recorded, done.stderr[-3000:]


@pytest.mark.e2e
def test_an_action_without_its_settings_stops_the_run_at_start_with_one_line(
    tmp_path: Path,
) -> None:
    """As Slack's without ``SPIDERMON_SLACK_SENDER_TOKEN``: it was a traceback (exit 1)."""
    done = crawl(
        tmp_path, "-a", "replica=1", "-s", f"FAKTI_SPIDERMON_FAILED_ACTIONS={HERE}.Recorded"
    )
    critical = [line for line in done.stderr.splitlines() if "] CRITICAL: " in line]
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert [line.split("] ", 1)[1] for line in critical] == [
        "CRITICAL: You must provide a value for RECORDED_ACTIONS setting."
    ]
    assert "Spider opened" not in done.stderr


def test_an_action_setting_may_name_classes(tmp_path: Path) -> None:
    """`FAKTI_SPIDERMON_FAILED_ACTIONS = [Recorded]` in a Python settings module was refused
    ("not an import path module.Name"), though Spidermon's own settings take classes."""
    record = tmp_path / "actions.log"
    settings = {"RECORDED_ACTIONS": str(record), "FAKTI_SPIDERMON_FAILED_ACTIONS": [Recorded]}
    run_suite({"finish_reason": "finished", "health/exit_code": 5}, **settings)
    assert record.read_text("utf-8").splitlines() == ["Recorded FAIL"]
