"""Spidermon monitors for the run's health, for Spidermon's notifications.

The exit status and the history comparison never depend on Spidermon (they are the
``RunReport`` extension's). With ``SPIDERMON_ENABLED=True`` this suite runs at the end of a
run, after the health verdict: :class:`HealthGatesMonitor` reports the gates' verdict, and
the suite runs the actions (Slack, e-mail, Telegram, Sentry, …) that
``FAKTI_SPIDERMON_FAILED_ACTIONS`` (``_PASSED_``, ``_FINISHED_``) name: Spidermon takes a
suite's actions from its class or constructor only, never from settings. The senders need
Spidermon's ``[monitoring]`` extra (``newsspider[notify]``) and their own ``SPIDERMON_*``
settings. Spidermon's own ``FinishReasonMonitor`` is left out: the finish-reason gate
already judges it, by ``FAKTI_HEALTH_FINISH_REASONS``, where that monitor reads
``SPIDERMON_EXPECTED_FINISH_REASONS`` and failed runs the gates judge healthy. Without a
verdict (``FAKTI_REPORT_ENABLED`` off) the monitor judges the finish reason alone, by
``FAKTI_HEALTH_FINISH_REASONS``.

:class:`SpidermonExtension` (in ``EXTENSIONS``) loads Spidermon's extension only when enabled:
importing it imports its expression monitors, so jsonschema with every format checker
Spidermon requires (``jsonschema[format]``: arrow, regex, rfc3987, …; 77 modules, ~4 MB,
~50 ms). jsonschema is installed anyway, but a run imports it only for a record that fails
the compiled check (``pipelines/validate.py``).
"""

from __future__ import annotations

import inspect
import re
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object
from spidermon import Action, MonitorSuite, monitors
from spidermon.contrib.scrapy.monitors.base import BaseScrapyMonitor

from newsspider.extensions.health import expected_finish_reasons, setting_items
from newsspider.startup import exit_on

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
            expected = expected_finish_reasons(self.crawler.settings)
            self.assertIn(finished, expected, msg=f"finish reason {finished} (no health verdict)")
            return
        reason = self.stats.get("health/reason", "")
        self.assertEqual(code, 0, msg=f"exit status {code}: {reason}")


#: The settings naming the suite's actions, and Spidermon's constructor argument for each.
ACTION_SETTINGS = {
    "FAKTI_SPIDERMON_FINISHED_ACTIONS": "monitors_finished_actions",
    "FAKTI_SPIDERMON_PASSED_ACTIONS": "monitors_passed_actions",
    "FAKTI_SPIDERMON_FAILED_ACTIONS": "monitors_failed_actions",
}


def action_paths(value: object) -> list[str | type]:
    """An action setting's import paths: a list, its JSON or a comma list
    (:func:`~newsspider.extensions.health.setting_items`); in a list, a class too (a Python
    settings module may name one, as Spidermon's own settings allow). ``ValueError`` for
    anything else, an item that is neither ``module.Name`` nor a class, or items that are all
    empty (``""``, ``,``: an unset variable would turn alerting off; no actions is ``[]``)."""
    items = setting_items(value)
    paths = [item.strip() if isinstance(item, str) else item for item in items]
    paths = [path for path in paths if path != ""]
    if items and not paths:
        reason = "names no action: an unset variable in a cron line? none: leave it out, or give []"
        raise ValueError(reason)
    for path in paths:
        if not isinstance(path, type) and not (
            isinstance(path, str) and re.fullmatch(r"\w+(\.\w+)+", path)
        ):
            raise ValueError(f"{path!r} is not an import path module.Name")
    return paths


def load_actions(value: object) -> list[type[Action]]:
    """The Spidermon ``Action`` classes an action setting names; ``ValueError`` for a path
    that does not import, or is not an ``Action`` or an abstract one."""
    actions = []
    for path in action_paths(value):
        try:
            action = path if isinstance(path, type) else load_object(path)
        except Exception as exc:  # ImportError, NameError (no such class), …
            hint = ""
            if isinstance(exc, ImportError) and str(path).startswith("spidermon."):
                hint = "; Spidermon's senders need pip install 'spidermon[monitoring]'"
            raise ValueError(f"{path}: {type(exc).__name__}: {exc}{hint}") from None
        if not (isinstance(action, type) and issubclass(action, Action)):
            raise ValueError(f"{path} is not a Spidermon Action")
        if inspect.isabstract(action):
            raise ValueError(f"{path} is an abstract Action, which cannot run")
        actions.append(action)
    return actions


class HealthMonitorSuite(MonitorSuite):
    """``SPIDERMON_SPIDER_CLOSE_MONITORS`` suite: the health gates (finish reason included),
    and the actions of :data:`ACTION_SETTINGS`, loaded when Spidermon builds it."""

    monitors = [HealthGatesMonitor]  # noqa: RUF012 - Spidermon's API

    def __init__(self, *args: Any, crawler: Crawler | None = None, **kwargs: Any) -> None:
        if crawler is not None:
            for setting, argument in ACTION_SETTINGS.items():
                actions = load_actions(crawler.settings.get(setting, []))
                kwargs[argument] = [*actions, *(kwargs.get(argument) or [])]
        super().__init__(*args, crawler=crawler, **kwargs)


class SpidermonExtension:
    """Spidermon's own extension with ``SPIDERMON_ENABLED``; otherwise off (``NotConfigured``)
    without importing it. An action that lacks a setting (Slack's token, …) stops the run at
    start with one line, exit status 1."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        if not crawler.settings.getbool("SPIDERMON_ENABLED"):
            raise NotConfigured
        from spidermon.contrib.scrapy.extensions import Spidermon
        from spidermon.exceptions import NotConfigured as ActionNotConfigured

        with exit_on(ActionNotConfigured):
            return Spidermon.from_crawler(crawler)
