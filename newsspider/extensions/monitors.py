"""Spidermon monitors for the run's health, for Spidermon's notifications.

The exit status and the history comparison never depend on Spidermon (they are the
``RunReport`` extension's). With ``SPIDERMON_ENABLED=True`` this suite runs at the end of a
run, after the health verdict, so Spidermon's actions (Slack, e-mail, Telegram, Sentry, …;
``SPIDERMON_*`` settings) fire on the same failures: Spidermon's own
``FinishReasonMonitor``, and :class:`HealthGatesMonitor` reporting the gates' verdict.
"""

from __future__ import annotations

from spidermon import MonitorSuite, monitors
from spidermon.contrib.scrapy.monitors import FinishReasonMonitor
from spidermon.contrib.scrapy.monitors.base import BaseScrapyMonitor


@monitors.name("newsspider health gates")
class HealthGatesMonitor(BaseScrapyMonitor):
    """The run passed every health gate (``health/exit_code`` 0)."""

    @monitors.name("every health gate passed")
    def test_health_gates_passed(self) -> None:
        code = self.stats.get("health/exit_code")
        if code is None:
            self.skipTest("no health verdict (FAKTI_REPORT_ENABLED is off)")
        reason = self.stats.get("health/reason", "")
        self.assertEqual(code, 0, msg=f"exit status {code}: {reason}")


class HealthMonitorSuite(MonitorSuite):
    """``SPIDERMON_SPIDER_CLOSE_MONITORS`` suite: finish reason and health gates."""

    monitors = [FinishReasonMonitor, HealthGatesMonitor]  # noqa: RUF012 - Spidermon's API
