"""Spidermon monitors for the run's health, for Spidermon's notifications.

The exit status and the history comparison never depend on Spidermon (they are the
``RunReport`` extension's). With ``SPIDERMON_ENABLED=True`` this suite runs at the end of a
run, after the health verdict, so Spidermon's actions (Slack, e-mail, Telegram, Sentry, …;
``SPIDERMON_*`` settings) fire on the same failures: :class:`HealthGatesMonitor` reports the
gates' verdict. Spidermon's own ``FinishReasonMonitor`` is left out: the finish-reason gate
already judges it, by ``FAKTI_HEALTH_FINISH_REASONS``, where that monitor reads
``SPIDERMON_EXPECTED_FINISH_REASONS`` and failed runs the gates judge healthy. Without a
verdict (``FAKTI_REPORT_ENABLED`` off) the monitor judges the finish reason alone, by
``FAKTI_HEALTH_FINISH_REASONS``.

:class:`SpidermonExtension` (in ``EXTENSIONS``) loads Spidermon's extension only when enabled:
importing it loads jsonschema (~8 MB), which a run without Spidermon does not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from spidermon import MonitorSuite, monitors
from spidermon.contrib.scrapy.monitors.base import BaseScrapyMonitor

from newsspider.extensions.health import finish_reasons

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


@monitors.name("newsspider health gates")
class HealthGatesMonitor(BaseScrapyMonitor):
    """The run passed every health gate (``health/exit_code`` 0); without a verdict, its
    finish reason is one of ``FAKTI_HEALTH_FINISH_REASONS``."""

    @monitors.name("every health gate passed")
    def test_health_gates_passed(self) -> None:
        code = self.stats.get("health/exit_code")
        if code is None:  # (FAKTI_REPORT_ENABLED is off)
            finished = self.stats.get("finish_reason")
            expected = finish_reasons(
                self.crawler.settings.get("FAKTI_HEALTH_FINISH_REASONS", ["finished"])
            )
            self.assertIn(finished, expected, msg=f"finish reason {finished} (no health verdict)")
            return
        reason = self.stats.get("health/reason", "")
        self.assertEqual(code, 0, msg=f"exit status {code}: {reason}")


class HealthMonitorSuite(MonitorSuite):
    """``SPIDERMON_SPIDER_CLOSE_MONITORS`` suite: the health gates (finish reason included)."""

    monitors = [HealthGatesMonitor]  # noqa: RUF012 - Spidermon's API


class SpidermonExtension:
    """Spidermon's own extension with ``SPIDERMON_ENABLED``; otherwise off (``NotConfigured``)
    without importing it."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        if not crawler.settings.getbool("SPIDERMON_ENABLED"):
            raise NotConfigured
        from spidermon.contrib.scrapy.extensions import Spidermon

        return Spidermon.from_crawler(crawler)
