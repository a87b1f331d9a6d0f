"""Every ``FAKTI_*`` setting is checked at start: a bad value is one CRITICAL line and exit
status 1, before anything is crawled; an error while building the first requests is judged
(exit status 9, with a report)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.settings import default_settings as scrapy_defaults
from spidermon.core.actions import DummyAction

import newsspider.settings
from newsspider.args import (
    BOOLEAN_SETTINGS,
    KNOWN_SETTINGS,
    NUMERIC_SETTINGS,
    CrawlArgs,
    check_modes,
    log_level_error,
    validate_settings,
)

REPO = Path(__file__).resolve().parent.parent


def project_settings(**values: object) -> Settings:
    settings = Settings()
    settings.setmodule("newsspider.settings", priority="project")
    settings.setdict(values, priority="cmdline")
    return settings


def test_the_defaults_and_usual_values_are_accepted() -> None:
    validate_settings(project_settings())
    validate_settings(
        project_settings(
            FAKTI_GZIP="1",
            FAKTI_REPORT_ENABLED="false",
            FAKTI_HEALTH_MIN_COVERAGE='{"body": 80, "headline": 0, "authors": 50.5}',
            FAKTI_MAX_LISTING_PAGES="200",
            FAKTI_FIRST_RUN_DAYS="36500",
            FAKTI_STATE="redis://127.0.0.1:6379/15?prefix=x",
        )
    )
    for base in ("http://127.0.0.1:8811/", "https://fakti.bg"):
        validate_settings(project_settings(FAKTI_BASE_URL=base))
    for name in ("TWISTED_DNS_RESOLVER", "DNS_RESOLVER"):  # (the second deprecated)
        resolver = {name: "scrapy.resolver.CachingHostnameResolver"}
        validate_settings(project_settings(FAKTI_BASE_URL="http://[::1]:8811", **resolver))
    for ratio, jump in (("0", "0"), ("1", "100"), ("0.5", "12.5")):
        validate_settings(
            project_settings(FAKTI_HEALTH_ITEMS_MIN_RATIO=ratio, FAKTI_HEALTH_DRIFT_MAX_JUMP=jump)
        )
    # whole numbers and booleans written as floats in a settings file (Scrapy reads them)
    validate_settings(project_settings(FAKTI_MAX_LISTING_PAGES=100.0, FAKTI_GZIP=1.0))


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        *((name, "maybe", "expected True|False|true|false|1|0") for name in BOOLEAN_SETTINGS),
        ("FAKTI_FIRST_RUN_DAYS", "1e9", "expected a number 0..36500"),
        ("FAKTI_INCREMENTAL_OVERLAP_MINUTES", "1e15", "expected a number 0..52560000"),
        ("FAKTI_REPLICA_ARTICLES", "abc", "expected a whole number 1..50000"),
        ("FAKTI_REPLICA_ARTICLES", "0", "expected a whole number 1..50000"),
        ("FAKTI_REPLICA_ARTICLES", "-5", "expected a whole number 1..50000"),
        ("FAKTI_REPLICA_EPOCH", "3", "expected a whole number 1..2"),
        ("FAKTI_PROGRESS_INTERVAL", "abc", "expected a number 0..3153600000"),
        ("FAKTI_HEALTH_MIN_SAMPLE", "abc", "expected a whole number >= 0"),
        ("FAKTI_HEALTH_ITEMS_MIN_RATIO", "abc", "expected a number 0..1"),
        # a fraction: 30 (a percentage) failed every comparable run on the item count (exit 8)
        ("FAKTI_HEALTH_ITEMS_MIN_RATIO", "30", "expected a number 0..1"),
        ("FAKTI_HEALTH_ITEMS_MIN_RATIO", "1.01", "expected a number 0..1"),
        ("FAKTI_HEALTH_DRIFT_MAX_JUMP", "-5", "expected a number 0..100"),
        ("FAKTI_HEALTH_DRIFT_MAX_JUMP", "101", "expected a number 0..100"),
        ("FAKTI_MAX_LISTING_PAGES", "1.5", "expected a whole number >= 0"),
        ("FAKTI_RETRY_BACKOFF_MAX", "inf", "expected a number 0..3153600000"),
        ("FAKTI_CRAWL_DELAY_MAX", "inf", "expected a number 0..3153600000"),
        ("FAKTI_RETRY_AFTER_MAX", "nan", "expected a number 0..3153600000"),
        ("FAKTI_HEALTH_MIN_COVERAGE", "abc", "(not a JSON object)"),
        ("FAKTI_HEALTH_MIN_COVERAGE", '{"body": "x"}', "(body: 'x' is not a percentage 0..100)"),
        ("FAKTI_HEALTH_MIN_COVERAGE", '{"body": 101}', "is not a percentage 0..100"),
        # true was read as 1%
        ("FAKTI_HEALTH_MIN_COVERAGE", '{"body": true}', "(body: True is not a percentage 0..100)"),
        ("FAKTI_HEALTH_MIN_COVERAGE", '{"bodyy": 80}', "('bodyy' is not one of url, "),
        ("FAKTI_STATE", "redis://127.0.0.1:6379/abc", "with DB a whole number"),
        # a huge TTL overflowed Redis' millisecond expiry (a traceback)
        ("FAKTI_WORKER_TTL", "1e16", "expected a number 1..3153600000"),
        # the site root only: a path or query ended up inside every URL (and a run exited 0)
        *(
            ("FAKTI_BASE_URL", url, "expected http(s)://host[:port], without path, query or user")
            for url in (
                "http://127.0.0.1:8811?x=1",
                "http://127.0.0.1:8811/en",
                "http://127.0.0.1:8811#f",
                "http://127.0.0.1:99999",
                "http://127.0.0.1:0",
                "http://u:p@127.0.0.1:8811",
                "ftp://127.0.0.1",
                # a host no URL can hold: an unreachable site (exit 4), not a bad setting
                "http://127.0.0 .1:18200",
                "http://факти.bg",
                "http://a%20b",
            )
        ),
        ("FAKTI_HEALTH_FINISH_REASONS", "", "one or more finish reasons"),
        ("FAKTI_HEALTH_FINISH_REASONS", '["finished"', "(not a JSON list)"),
        ("FAKTI_HEALTH_FINISH_REASONS", "[1]", "one or more finish reasons"),
        # an unset variable in a crontab (`-s FAKTI_OUTPUT_DIR=$DATA`) wrote into the current folder
        ("FAKTI_OUTPUT_DIR", "", "expected a folder path, not empty"),
        ("FAKTI_OUTPUT_DIR", " ", "expected a folder path, not empty"),
        # the same for the others whose empty value meant a default, or none: a fresh state
        # (every article again), no extra lock, the host name; or a broken User-Agent
        *(
            (name, value, f"expected {holds}, not empty (an unset variable in a cron line?)")
            for name, holds in (
                ("FAKTI_STATE", "a store location"),
                ("FAKTI_LOCK_FILE", "a file path"),
                ("FAKTI_WORKER_ID", "a worker name"),
                ("FAKTI_CONTACT", "a URL or e-mail address"),
                # requests went without a User-Agent, or with a blank one (review)
                ("USER_AGENT", "a User-Agent"),
                ("ROBOTSTXT_USER_AGENT", "a robots.txt product token"),
            )
            for value in ("", " ")
        ),
        # blanks around a text: another folder (relative to the working directory: a fresh
        # state, so every article again), another state or lock file, a broken User-Agent
        *(
            (name, value, "(blanks around it); expected the value without them")
            for name, value in (
                ("FAKTI_OUTPUT_DIR", " /data/fakti"),
                ("FAKTI_STATE", "s.sqlite "),
                ("FAKTI_LOCK_FILE", " x.lock"),
                ("FAKTI_CONTACT", " ops@example.org"),
                ("FAKTI_BASE_URL", "https://fakti.bg "),
                ("FAKTI_EMIT", "new\n"),
                ("USER_AGENT", "newsspider/0.1 "),
                ("ROBOTSTXT_USER_AGENT", " newsspider"),
            )
        ),
        # Scrapy's own that the README documents: a traceback, or a run that hung (0)
        ("RETRY_TIMES", "abc", "expected a whole number 0..1000"),
        ("DOWNLOAD_DELAY", "abc", "expected a number 0..3153600000"),
        ("DOWNLOAD_TIMEOUT", "0", "expected a number 0.001..3153600000"),
        ("CONCURRENT_REQUESTS_PER_DOMAIN", "0", "expected a whole number >= 1"),
        ("CLOSESPIDER_ITEMCOUNT", "ten", "expected a whole number >= 0"),
        ("CLOSESPIDER_TIMEOUT", "soon", "expected a number 0..3153600000"),
        ("CONCURRENT_ITEMS", "0", "expected a whole number 1..1000"),
        # as many asyncio tasks for every response: 20,000 took 29 s and 418 MB for 40 articles,
        # 200,000 a MemoryError that lost listed articles, exit 0 (review)
        ("CONCURRENT_ITEMS", "20000", "expected a whole number 1..1000"),
        ("SPIDERMON_SMTP_PORT", "smtp", "expected a whole number 0..65535"),
        ("SPIDERMON_SMTP_PORT", "70000", "expected a whole number 0..65535"),
        ("FAKTI_HEALTH_HISTORY_RUNS", "201", "expected a whole number 1..200"),  # 200 are read
        # every normal run would fail (exit 9): 'finished' must be one of them
        ("FAKTI_HEALTH_FINISH_REASONS", "closespider_timeout", "'finished' is missing"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_setting(name: str, value: str, expected: str) -> None:
    with pytest.raises(ValueError) as info:
        validate_settings(project_settings(**{name: value}))
    message = str(info.value)
    assert message.startswith(f"setting {name}: bad value {value!r}")
    assert expected in message and "\n" not in message


@pytest.mark.parametrize(
    ("value", "enabled", "reason"),
    [
        ("newsspider.nope.Send", True, "ModuleNotFoundError: No module named 'newsspider.nope'"),
        ("newsspider.extensions.monitors.Nope", True, "NameError: Module "),
        ("newsspider.extensions.monitors.HealthMonitorSuite", True, "is not a Spidermon Action"),
        # a sender without Spidermon's [monitoring] extra (jinja2, slack_sdk, ...)
        ("spidermon.contrib.actions.slack.X", True, "pip install 'spidermon[monitoring]'"),
        ("Send", False, "'Send' is not an import path module.Name"),
        # an unset variable (`-s FAKTI_SPIDERMON_FAILED_ACTIONS=$ACTIONS`) ran no action, silently
        *(
            (
                value,
                enabled,
                "(names no action: an unset variable in a cron line? none: leave "
                "it out, or give [])",
            )
            for value in ("", " ", ",", " , ,", '[""]', ["", " "])
            for enabled in (True, False)
        ),
        # it passed the check, then stopped the run with a traceback (can't instantiate)
        (
            "spidermon.core.actions.Action",
            True,
            "(spidermon.core.actions.Action is an abstract Action, which cannot run)",
        ),
        ('["a.Send"', False, "(not a JSON list)"),
        ({"a.Send": 1}, False, "(not a list)"),  # (a settings file's)
    ],
)
def test_an_action_setting_names_spidermon_actions_that_import(
    monkeypatch: pytest.MonkeyPatch, value: object, enabled: bool, reason: str
) -> None:
    monkeypatch.setitem(sys.modules, "spidermon.contrib.actions.slack", None)
    name = "FAKTI_SPIDERMON_FAILED_ACTIONS"
    with pytest.raises(ValueError) as info:
        validate_settings(project_settings(**{name: value, "SPIDERMON_ENABLED": enabled}))
    message = str(info.value)
    assert message.startswith(f"setting {name}: bad value {value!r}")
    assert reason in message and "\n" not in message


@pytest.mark.parametrize("enabled", [False, True])
def test_an_action_setting_may_name_classes(enabled: bool) -> None:
    """A Python settings module may give the classes themselves (they were refused)."""
    actions = [DummyAction, "spidermon.core.actions.DummyAction"]
    validate_settings(
        project_settings(SPIDERMON_ENABLED=enabled, FAKTI_SPIDERMON_FAILED_ACTIONS=actions)
    )
    with pytest.raises(ValueError, match="is not a Spidermon Action"):
        validate_settings(
            project_settings(SPIDERMON_ENABLED=True, FAKTI_SPIDERMON_FAILED_ACTIONS=[int])
        )


def test_action_classes_are_imported_only_with_spidermon_enabled() -> None:
    actions = "newsspider.nope.Send,spidermon.core.actions.DummyAction"
    validate_settings(project_settings(FAKTI_SPIDERMON_PASSED_ACTIONS=actions))
    enabled = project_settings(SPIDERMON_ENABLED="True", FAKTI_SPIDERMON_FINISHED_ACTIONS=actions)
    with pytest.raises(ValueError, match=r"No module named 'newsspider\.nope'"):
        validate_settings(enabled)
    for none in ([], "[]", " [ ] "):  # (no actions, explicitly)
        validate_settings(
            project_settings(SPIDERMON_ENABLED="1", FAKTI_SPIDERMON_FAILED_ACTIONS=none)
        )


def test_an_ipv6_site_needs_the_resolver_that_looks_it_up() -> None:
    """Scrapy's default resolver reads IPv4 only: an ``http://[::1]:18601`` site passed the
    start-up check, then exited 4 'site unreachable ... DNS lookup failed' (review)."""
    with pytest.raises(ValueError) as info:
        validate_settings(project_settings(FAKTI_BASE_URL="http://[::1]:18601"))
    assert str(info.value) == (
        "setting FAKTI_BASE_URL: bad value 'http://[::1]:18601' (an IPv6 address, which Scrapy's "
        "default resolver cannot look up); expected it with "
        "-s TWISTED_DNS_RESOLVER=scrapy.resolver.CachingHostnameResolver"
    )


@pytest.mark.parametrize(
    ("given", "message"),
    [
        # it named the default 3 as the bad value: 'setting FAKTI_HEALTH_ITEMS_MIN_RUNS: bad
        # value 3 (…)', a setting and a value the user never gave (review)
        (
            {"FAKTI_HEALTH_HISTORY_RUNS": "2"},
            "setting FAKTI_HEALTH_HISTORY_RUNS: bad value '2' (fewer runs than "
            "FAKTI_HEALTH_ITEMS_MIN_RUNS, 3 by default: the item-count gate would never apply); "
            "expected at least 3, or FAKTI_HEALTH_ITEMS_MIN_RUNS given at most 2",
        ),
        (
            {"FAKTI_HEALTH_ITEMS_MIN_RUNS": "11"},
            "setting FAKTI_HEALTH_ITEMS_MIN_RUNS: bad value '11' (more runs than the baseline "
            "holds: the item-count gate would never apply); expected at most "
            "FAKTI_HEALTH_HISTORY_RUNS (10 by default)",
        ),
        (
            {"FAKTI_HEALTH_HISTORY_RUNS": "4", "FAKTI_HEALTH_ITEMS_MIN_RUNS": "5"},
            "setting FAKTI_HEALTH_ITEMS_MIN_RUNS: bad value '5' (more runs than the baseline "
            "holds: the item-count gate would never apply); expected at most "
            "FAKTI_HEALTH_HISTORY_RUNS (4)",
        ),
    ],
)
def test_a_baseline_shorter_than_the_runs_the_item_gate_needs_is_refused(
    given: dict[str, str], message: str
) -> None:
    """The gate was skipped for good ("fewer than 3 earlier comparable healthy runs")."""
    with pytest.raises(ValueError) as info:
        validate_settings(project_settings(**given))
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("module", "message"),
    [
        # it blamed 'FAKTI_HEALTH_ITEMS_MIN_RUNS: bad value 3 … (2 by default)': the user never
        # set it, and 2 is not HISTORY_RUNS's default (10) (review)
        (
            {"FAKTI_HEALTH_HISTORY_RUNS": 2},
            "setting FAKTI_HEALTH_HISTORY_RUNS: bad value 2 (fewer runs than "
            "FAKTI_HEALTH_ITEMS_MIN_RUNS, 3 by default: the item-count gate would never apply); "
            "expected at least 3, or FAKTI_HEALTH_ITEMS_MIN_RUNS given at most 2",
        ),
        (
            {"FAKTI_HEALTH_HISTORY_RUNS": 4, "FAKTI_HEALTH_ITEMS_MIN_RUNS": 5},
            "setting FAKTI_HEALTH_ITEMS_MIN_RUNS: bad value 5 (more runs than the baseline "
            "holds: the item-count gate would never apply); expected at most "
            "FAKTI_HEALTH_HISTORY_RUNS (4)",
        ),
    ],
)
def test_a_short_baseline_in_a_settings_module_names_what_it_sets(
    module: dict[str, int], message: str
) -> None:
    """A settings module (``from newsspider.settings import *``) is at project priority, as
    newsspider/settings.py is: a value other than the project's is the user's."""
    settings = Settings()
    settings.setmodule(types.SimpleNamespace(**{**vars(newsspider.settings), **module}), "project")
    with pytest.raises(ValueError) as info:
        validate_settings(settings)
    assert str(info.value) == message


def test_a_baseline_as_long_as_the_runs_the_item_gate_needs_is_accepted() -> None:
    validate_settings(project_settings(FAKTI_HEALTH_HISTORY_RUNS="3"))
    validate_settings(project_settings(FAKTI_HEALTH_ITEMS_MIN_RUNS="10"))


def test_a_lock_file_must_be_in_an_existing_folder(tmp_path: Path) -> None:
    """A lock in a missing folder was taken after making the folder: a typo in a shared lock's
    folder gave a private lock, and the jobs no longer excluded each other."""
    (tmp_path / "file").write_text("")
    for folder in (tmp_path / "nonexistent" / "dir", tmp_path / "file"):
        lock = str(folder / "x.lock")
        with pytest.raises(ValueError) as info:
            validate_settings(project_settings(FAKTI_LOCK_FILE=lock))
        assert str(info.value) == (
            f"setting FAKTI_LOCK_FILE: bad value {lock!r} (no folder {str(folder)!r}: a shared "
            "lock's folder mistyped would be a lock of its own); expected a file in an existing "
            "folder"
        )
    assert not (tmp_path / "nonexistent").exists()
    validate_settings(project_settings(FAKTI_LOCK_FILE=str(tmp_path / "x.lock")))
    validate_settings(project_settings(FAKTI_LOCK_FILE="x.lock"))  # (in the working folder)


def test_a_lock_file_in_a_missing_relative_folder_names_it_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder is shown as written (relative), not resolved against the working folder."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError) as info:
        validate_settings(project_settings(FAKTI_LOCK_FILE="locks/x.lock"))
    assert str(info.value) == (
        "setting FAKTI_LOCK_FILE: bad value 'locks/x.lock' (no folder 'locks': a shared lock's "
        "folder mistyped would be a lock of its own); expected a file in an existing folder"
    )


@pytest.mark.parametrize("level", ["debug", "Info", "bogus", "", "10"])
def test_a_log_level_logging_does_not_know_is_an_error(level: str) -> None:
    assert log_level_error(project_settings(LOG_LEVEL=level)) == (
        f"setting LOG_LEVEL: bad value {level!r}; expected CRITICAL|ERROR|WARNING|INFO|DEBUG "
        "(upper case)"
    )


@pytest.mark.parametrize("level", ["DEBUG", "WARNING", "WARN", "CRITICAL", 10, None])
def test_a_log_level_logging_knows_is_accepted(level: object) -> None:
    settings = project_settings() if level is None else project_settings(LOG_LEVEL=level)
    assert log_level_error(settings) == ""


def test_a_job_folder_is_refused(tmp_path: Path) -> None:
    """With -s JOBDIR, Scrapy's persisted request filter dropped the two edition feeds, the only
    start requests, of every later run: 0 requests, nothing written, 'health: OK', exit 0."""
    with pytest.raises(ValueError) as info:
        validate_settings(project_settings(JOBDIR=str(tmp_path / "job")))
    assert str(info.value) == (
        "setting JOBDIR: not supported: the state store resumes where a run stopped (see the "
        "README, 'Crash safety and exactly-once'), and Scrapy's persisted request filter made "
        "every later run send 0 requests; leave JOBDIR out"
    )
    assert not (tmp_path / "job").exists()
    validate_settings(project_settings(JOBDIR=""))  # (Scrapy takes it for none)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("FAKTI_OUPUT_DIR", "setting FAKTI_OUPUT_DIR: unknown; did you mean FAKTI_OUTPUT_DIR?"),
        ("FAKTI_EMITT", "setting FAKTI_EMITT: unknown; did you mean FAKTI_EMIT?"),
        ("fakti_gzip", "setting fakti_gzip: unknown; did you mean FAKTI_GZIP?"),
        ("FAKTI_LOCKFILE", "setting FAKTI_LOCKFILE: unknown; did you mean FAKTI_LOCK_FILE?"),
        ("FAKTI_FOO", "setting FAKTI_FOO: unknown; see the settings in the README"),
        # one argv word "-s FAKTI_STATE=..." (a YAML or systemd argument list): Scrapy took the
        # name " FAKTI_STATE" and ignored it: a fresh local state, all 40 records again (review)
        (
            " FAKTI_STATE",
            "setting ' FAKTI_STATE': unknown (blanks around the name); did you mean FAKTI_STATE?",
        ),
        (
            " LOG_LEVEL",
            "setting ' LOG_LEVEL': unknown (blanks around the name); did you mean LOG_LEVEL?",
        ),
        (
            "FAKTI_EMIT\t",
            "setting 'FAKTI_EMIT\\t': unknown (blanks around the name); did you mean FAKTI_EMIT?",
        ),
        # a typo in the prefix
        *(
            (name, f"setting {name}: unknown; did you mean FAKTI_STATE?")
            for name in (
                *("FAKTI-STATE", "FATKI_STATE", "FAKT_STATE", "FAKTISTATE", "fakti-state"),
                *("FKATI_STATE", "AKTI_STATE", "FKTI_STATE", "_FAKTI_STATE", "XFAKTI_STATE"),
            )
        ),
        ("FAKTIEMIT", "setting FAKTIEMIT: unknown; did you mean FAKTI_EMIT?"),
        # the FAKTI_ prefix in lower case is still ours, close to a known name or not
        ("fakti_xyz", "setting fakti_xyz: unknown; see the settings in the README"),
    ],
)
def test_an_unknown_or_mistyped_setting_name_is_refused_with_the_closest_known_one(
    name: str, message: str
) -> None:
    """An unknown FAKTI_ name, one with blanks around it, or a typo in the FAKTI_ prefix."""
    with pytest.raises(ValueError) as info:
        validate_settings(project_settings(**{name: "1"}))
    assert str(info.value) == message


@pytest.mark.parametrize(
    "name",
    [
        *("RETRY_BACKOFF_BASE", "EXTRACT_WORKERS", "FIRST_RUN_DAYS", "CRAWL_DELAY_MAX"),
        *("FAKER_LOCALE", "FAKEUSERAGENT_FALLBACK", "ZYTE_API_KEY", "REDIS_URL"),
    ],
)
def test_another_extensions_setting_like_a_fakti_name_without_its_prefix_is_left_alone(
    name: str,
) -> None:
    """Close to a FAKTI_ name (``FAKTI_RETRY_BACKOFF_BASE``) but not starting like one: the
    setting of another extension, which a refusal would keep from ever running."""
    validate_settings(project_settings(**{name: "1"}))


@pytest.mark.parametrize("name", ["FAKER_LOCALE", "FAKE_USER_AGENT"])
def test_another_extensions_setting_starting_fa_but_no_near_miss_of_a_fakti_name_is_left_alone(
    name: str,
) -> None:
    """A name that starts like ours but is not that close to a FAKTI_ name (``FAKER_LOCALE``
    is 0.67 of ``FAKTI_LOCK_FILE``), or is closer to a Scrapy one (``USER_AGENT``), is another
    extension's setting: left alone."""
    validate_settings(project_settings(**{name: "1"}))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FAKTI_OUTPUT_DIR", "~/data"),
        ("FAKTI_OUTPUT_DIR", "~ops/data"),
        ("FAKTI_STATE", "~/s.sqlite"),
        ("FAKTI_STATE", "sqlite://~/s.sqlite"),
        ("FAKTI_LOCK_FILE", "~/fakti.lock"),
    ],
)
def test_a_path_setting_starting_with_a_tilde_is_refused(name: str, value: str) -> None:
    """cron's /bin/sh does not expand `-s FAKTI_OUTPUT_DIR=~/data`: the run made a folder
    `./~/data`, a fresh state, and exported all 40 articles again, exit 0 (review)."""
    with pytest.raises(ValueError) as info:
        validate_settings(project_settings(**{name: value}))
    assert str(info.value) == (
        f"setting {name}: bad value {value!r} (~ is not expanded here); expected an absolute path"
    )


def test_a_feed_path_starting_with_a_tilde_is_refused() -> None:
    feeds = {"/tmp/a.jsonl": {"format": "jsonl"}, "~/x.jsonl": {"format": "jsonl"}}
    with pytest.raises(ValueError) as info:
        validate_settings(project_settings(FEEDS=feeds))
    assert str(info.value) == (
        "setting FEEDS: bad value '~/x.jsonl' (~ is not expanded here); expected an absolute path"
    )


def test_a_tilde_inside_a_path_is_taken_as_written() -> None:
    validate_settings(
        project_settings(
            FAKTI_OUTPUT_DIR="./~/data",
            FAKTI_STATE="sqlite:///srv/~s.sqlite",
            FAKTI_LOCK_FILE="/run/x~.lock",
            FEEDS={"out/~x.jsonl": {"format": "jsonl"}},
        )
    )


FIELDS_FORM = (
    "expected record fields, comma-separated (url,article_id,lang,section,headline,subtitle,"
    "published_at,updated_at,views,comments,authors,tags,image_url,body,scraped_at,content_hash)"
)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        # the -O feed held a line `{}` for each record, exit 0 (review)
        ("bogus", "unknown field 'bogus'"),
        ("url,headlin", "unknown field 'headlin'"),
        ("url, headline", "unknown field ' headline'"),  # (Scrapy takes it as written)
        ('{"url": "link", "layers": "x"}', "unknown field 'layers'"),  # (never in a feed)
        (["url", 3], "unknown field 3"),
        ("", "no field"),
        ("[]", "no field"),
        (7, "not a list"),
    ],
)
def test_feed_export_fields_are_record_fields(value: object, reason: str) -> None:
    with pytest.raises(ValueError) as info:
        validate_settings(project_settings(FEED_EXPORT_FIELDS=value))
    assert (
        str(info.value)
        == f"setting FEED_EXPORT_FIELDS: bad value {value!r} ({reason}); {FIELDS_FORM}"
    )


def test_feed_export_fields_may_be_some_record_fields_or_left_out() -> None:
    for value in ("url,headline", '["body"]', '{"url": "link"}', ("lang",), None):
        validate_settings(project_settings(FEED_EXPORT_FIELDS=value))


FEED_OUTSIDE = "expected a file of its own, outside FAKTI_OUTPUT_DIR's .state/ and fakti/"


@pytest.mark.parametrize(
    ("feed", "settings", "reason"),
    [
        # -O $D/.state/fakti.sqlite:jsonlines zeroed the state's header, exit 0; the next run
        # exited 1 "file is not a database", every key and watermark gone (review)
        ("{d}/.state/fakti.sqlite", {}, "the state file: the feed would overwrite it"),
        ("file://{d}/.state/fakti.sqlite-wal", {}, "the state file's -wal file: the feed would"),
        ("file:{d}/.state/fakti.sqlite", {}, "the state file: the feed would"),  # (file:/path)
        ("{d}/fakti/../.state/fakti.sqlite.lock", {}, "the state's run lock: the feed would"),
        ("{d}/.state/all.jsonl", {}, "inside the state's folder '{d}/.state'"),
        ("{d}/fakti/all.jsonl", {}, "inside the run files' folder '{d}/fakti'"),
        ("{d}/s.sqlite-journal", {"FAKTI_STATE": "sqlite://{d}/s.sqlite"}, "the state file's "),
        ("{d}/s.sqlite-shm", {"FAKTI_STATE": "{d}/s.sqlite"}, "the state file's -shm file"),
        ("{d}/s.sqlite.lock", {"FAKTI_STATE": "{d}/s.sqlite"}, "the state's run lock"),
        ("{d}/jobs.lock", {"FAKTI_LOCK_FILE": "{d}/jobs.lock"}, "FAKTI_LOCK_FILE: the feed"),
        # Scrapy fills placeholders in as the feed opens: the form its docs show wrote into
        # fakti/ (the analysts' glob read every record twice), and %(name)s.sqlite overwrote
        # the state (next run: "database disk image is malformed"), exit 0 (review)
        ("{d}/%(name)s/%(time)s.jsonl", {}, "inside the run files' folder '{d}/fakti' once its"),
        ("{d}/s/%(name)s.sqlite", {"FAKTI_STATE": "{d}/s/fakti.sqlite"}, "the state file: the"),
        ("{d}/%(batch_id)05d/a.jsonl", {}, "inside the state's folder '{d}/.state' once its"),
        # a placeholder may hold a '/' (any spider attribute: base_url is http://host:port),
        # so a '..' after it may climb anywhere: x/%(base_url)s/../../../.state/fakti.sqlite
        # was taken and truncated the state (review)
        ("{d}/x-%(batch_time)s/../fakti/a.jsonl", {}, "a '..' after a placeholder"),
        ("{d}/x/%(base_url)s/../../../.state/fakti.sqlite", {}, "a '..' after a placeholder"),
        ("{d}/sub/%(time)s/.state/a.jsonl", {}, "inside the state's folder"),  # (time '..')
        # one letter before ':' is a Windows drive to Scrapy, on any system: it wrote the path
        # as given, relative, and destroyed the state (review)
        ("o:/{up}{d}/.state/fakti.sqlite", {}, "the state file: the feed would overwrite it"),
        ("%(name)s:/{up}{d}/.state/x", {}, "inside the state's folder"),  # (no storage 'fakti')
    ],
)
def test_a_feed_on_the_state_a_lock_or_the_runs_folders_is_refused(
    tmp_path: Path, feed: str, settings: dict[str, str], reason: str
) -> None:
    d = str(tmp_path / "out")
    (tmp_path / "out").mkdir()  # (FAKTI_LOCK_FILE's folder)
    up = "../" * len(Path.cwd().parts)  # (from the working folder's o:/ up to /)
    given = {name: value.format(d=d) for name, value in settings.items()}
    feed = feed.format(d=d, up=up)
    with pytest.raises(ValueError) as info:
        validate_settings(
            project_settings(FAKTI_OUTPUT_DIR=d, FEEDS={feed: {"format": "jsonl"}}, **given)
        )
    assert str(info.value).startswith(f"setting FEEDS: bad value {feed!r} ({reason.format(d=d)}")
    assert str(info.value).endswith(f"); {FEED_OUTSIDE}")


@pytest.mark.parametrize("link", ["symlink", "hard link"])
def test_a_link_to_the_state_a_placeholder_names_is_refused(tmp_path: Path, link: str) -> None:
    """``-O e/feed-%(batch_id)d.jsonl`` where ``e/feed-1.jsonl`` is a link to the state file:
    the first batch's file is that link. It was taken, exit 0, and the next run found the
    state "malformed" (review)."""
    d, e = tmp_path / "out", tmp_path / "e"
    state = d / ".state" / "fakti.sqlite"
    state.parent.mkdir(parents=True)
    state.write_bytes(b"state")
    e.mkdir()
    if link == "symlink":
        (e / "feed-1.jsonl").symlink_to(state)
    else:
        (e / "feed-1.jsonl").hardlink_to(state)
    feed = f"{e}/feed-%(batch_id)d.jsonl"
    with pytest.raises(ValueError) as info:
        validate_settings(
            project_settings(FAKTI_OUTPUT_DIR=str(d), FEEDS={feed: {"format": "jsonl"}})
        )
    assert str(info.value) == (
        f"setting FEEDS: bad value {feed!r} ({str(e / 'feed-1.jsonl')!r} is the state file: the "
        f"feed would overwrite it once its placeholders are filled in); {FEED_OUTSIDE}"
    )


def test_a_feed_named_by_a_path_object_is_checked_as_its_file(tmp_path: Path) -> None:
    """Scrapy takes ``pathlib.Path`` keys in FEEDS (a settings module's): the state file named
    so is refused, shown as a path."""
    state = tmp_path / "out" / ".state" / "fakti.sqlite"
    feeds = {state: {"format": "jsonlines"}}
    with pytest.raises(ValueError) as info:
        validate_settings(project_settings(FAKTI_OUTPUT_DIR=str(tmp_path / "out"), FEEDS=feeds))
    assert str(info.value) == (
        f"setting FEEDS: bad value {str(state)!r} (the state file: the feed would overwrite it); "
        f"{FEED_OUTSIDE}"
    )


def test_a_feed_of_its_own_is_accepted(tmp_path: Path) -> None:
    d = tmp_path / "out"
    feeds = {
        f"{d}/all.jsonl": {"format": "jsonlines"},
        f"file://{d}/state.sqlite.jsonl": {"format": "jsonlines"},
        f"{tmp_path}/s.jsonl": {"format": "jsonlines"},  # (beside an explicit FAKTI_STATE)
        "stdout:": {"format": "jsonlines"},
        "s3://bucket/fakti/all.jsonl": {"format": "jsonlines"},
        # placeholders that cannot name the state's files nor fakti/ or .state/
        f"{tmp_path}/o-%(time)s.jsonl": {"format": "jsonlines"},
        f"{d}/o-%(name)s-%(batch_id)05d.jsonl": {"format": "jsonlines"},
        f"{d}/exports/%(time)s.jsonl": {"format": "jsonlines"},
        "s3://bucket/%(name)s/%(time)s.jsonl": {"format": "jsonlines"},
    }
    state = str(tmp_path / "s.sqlite")
    validate_settings(project_settings(FAKTI_OUTPUT_DIR=str(d), FEEDS=feeds, FAKTI_STATE=state))
    assert not d.exists()


def test_a_feed_on_a_hard_link_to_the_state_or_a_run_file_is_refused(tmp_path: Path) -> None:
    """`ln $D/.state/fakti.sqlite /tmp/x.jsonl; -O /tmp/x.jsonl` passed the check (review)."""
    d = tmp_path / "out"
    (d / ".state").mkdir(parents=True)
    (d / "fakti").mkdir()
    (d / ".state" / "fakti.sqlite").write_bytes(b"state")
    (d / "fakti" / "2026-01-01T00-00-00.jsonl").write_text("{}\n")
    (tmp_path / "x.jsonl").hardlink_to(d / ".state" / "fakti.sqlite")
    (tmp_path / "y.jsonl").hardlink_to(d / "fakti" / "2026-01-01T00-00-00.jsonl")
    reasons = {
        "x.jsonl": "a hard link to the state file: the feed would overwrite it",
        "y.jsonl": f"a hard link to '{d}/fakti/2026-01-01T00-00-00.jsonl' in the run files' "
        "folder: the feed would overwrite it",
    }
    for name, reason in reasons.items():
        feeds = {f"{tmp_path}/{name}": {"format": "jsonlines"}}
        with pytest.raises(ValueError) as info:
            validate_settings(project_settings(FAKTI_OUTPUT_DIR=str(d), FEEDS=feeds))
        assert str(info.value).startswith(
            f"setting FEEDS: bad value '{tmp_path}/{name}' ({reason}); "
        )


@pytest.mark.parametrize("where", ["command line", "settings module"])
@pytest.mark.parametrize(
    ("feed", "reason"),
    [
        # records appended to the lock, exit 0, and every later run exited 1 (review)
        ("{d}/.state/fakti.sqlite.lock", "the state's run lock: the feed would overwrite it"),
        ("{d}/fakti/2026-01-01T00-00-00.jsonl", "inside the run files' folder '{d}/fakti'"),
    ],
)
def test_the_deprecated_feed_uri_is_checked_as_a_feed(
    tmp_path: Path, where: str, feed: str, reason: str
) -> None:
    """Scrapy 2.19's feed exporter still writes ``FEED_URI`` (with ``FEED_FORMAT``), a warning
    aside."""
    d = str(tmp_path / "out")
    given = {"FEED_URI": feed.format(d=d), "FEED_FORMAT": "jsonlines", "FAKTI_OUTPUT_DIR": d}
    if where == "command line":
        settings = project_settings(**given)
    else:
        settings = project_settings()
        settings.setmodule(types.SimpleNamespace(**given), priority="project")
    with pytest.raises(ValueError) as info:
        validate_settings(settings)
    assert str(info.value) == (
        f"setting FEED_URI: bad value {feed.format(d=d)!r} ({reason.format(d=d)}); {FEED_OUTSIDE}"
    )


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        # each wrote one line per record, exit 0: 39 lines of {} (review), or the internal layers
        (["bogus"], "unknown field 'bogus'"),
        ([], "no field"),
        (["url", "layers"], "unknown field 'layers'"),
        ({"url": "link", "layers": "x"}, "unknown field 'layers'"),
        ("url,headline", "not a list"),  # (Scrapy takes it as written: its characters)
        (None, "not a list"),  # (every field of the item, layers too)
    ],
)
def test_a_feeds_own_fields_are_record_fields(fields: object, reason: str) -> None:
    feeds = {"/tmp/f.jsonl": {"format": "jsonlines"}, "/tmp/g.jsonl": {"fields": fields}}
    with pytest.raises(ValueError) as info:
        validate_settings(project_settings(FEEDS=feeds))
    assert str(info.value) == (
        f"setting FEEDS: bad value {fields!r} (the fields of feed '/tmp/g.jsonl': {reason}); "
        f"expected a list of record fields ({FIELDS_FORM.split('(', 1)[1]}"
    )


def test_a_feeds_own_fields_may_be_some_record_fields() -> None:
    for fields in (["url", "headline"], ("lang",), {"url": "link"}):
        validate_settings(project_settings(FEEDS={"/tmp/f.jsonl": {"fields": fields}}))


WORKER_MODE = "only a distributed worker reads it, and FAKTI_STATE is no redis:// URL"
REPLICA_MODE = "only -a replica=1 reads it"


@pytest.mark.parametrize(
    ("given", "replica", "message"),
    [
        # a worker that forgot FAKTI_STATE ran alone, on a state of its own (review)
        (
            {"FAKTI_WORKER_ID": "w1", "FAKTI_WORKER_TTL": "5"},
            False,
            f"setting FAKTI_WORKER_ID: {WORKER_MODE} (a worker without it runs alone, on a "
            "state of its own); give FAKTI_STATE=redis://… or leave FAKTI_WORKER_ID out",
        ),
        (
            {"FAKTI_WORKER_TTL": "5", "FAKTI_STATE": "/tmp/s.sqlite"},
            False,
            f"setting FAKTI_WORKER_TTL: {WORKER_MODE} (a worker without it runs alone, on a "
            "state of its own); give FAKTI_STATE=redis://… or leave FAKTI_WORKER_TTL out",
        ),
        (
            {"FAKTI_REPLICA_ARTICLES": "40"},
            False,
            f"setting FAKTI_REPLICA_ARTICLES: {REPLICA_MODE}; give -a replica=1 or leave "
            "FAKTI_REPLICA_ARTICLES out",
        ),
        (
            {"FAKTI_REPLICA_FAULTS": "1", "FAKTI_STATE": "redis://127.0.0.1:6379/0"},
            False,
            f"setting FAKTI_REPLICA_FAULTS: {REPLICA_MODE}; give -a replica=1 or leave "
            "FAKTI_REPLICA_FAULTS out",
        ),
    ],
)
def test_a_setting_given_without_its_mode_is_refused(
    given: dict[str, str], replica: bool, message: str
) -> None:
    with pytest.raises(ValueError) as info:
        check_modes(project_settings(**given), CrawlArgs(replica=replica))
    assert str(info.value) == message


def test_a_setting_given_with_its_mode_or_by_the_project_is_accepted() -> None:
    """The project's settings (a settings module of one's own, for every run) are defaults."""
    check_modes(project_settings(), CrawlArgs())
    redis = {"FAKTI_STATE": "redis://127.0.0.1:6379/0"}
    check_modes(project_settings(FAKTI_WORKER_ID="w1", FAKTI_WORKER_TTL="5", **redis), CrawlArgs())
    replica = {"FAKTI_REPLICA_ARTICLES": "40", "FAKTI_REPLICA_EPOCH": "1"}
    check_modes(project_settings(**replica), CrawlArgs(replica=True))
    settings = project_settings()
    settings.setdict({"FAKTI_WORKER_ID": "w1", "FAKTI_REPLICA_ARTICLES": 40}, priority="project")
    check_modes(settings, CrawlArgs())


def test_in_a_plain_mapping_the_names_it_holds_are_the_ones_given() -> None:
    """Settings given as a plain dict (no priorities): what it holds was given, nothing else."""
    redis = {"FAKTI_STATE": "redis://127.0.0.1:6379/0"}
    check_modes({"FAKTI_WORKER_ID": "w1", **redis}, CrawlArgs())
    with pytest.raises(ValueError, match=r"^setting FAKTI_WORKER_ID: only a distributed worker"):
        check_modes({"FAKTI_WORKER_ID": "w1"}, CrawlArgs())


def test_other_settings_are_not_taken_for_a_mistyped_fakti_one() -> None:
    """Scrapy's, Spidermon's and other extensions' settings pass; only what the user gave
    is looked at (Scrapy's defaults are not)."""
    others = ("LOG_LEVEL", "DEPTH_LIMIT", "SPIDERMON_SLACK_RECIPIENTS", "ITEM_STATE", "REDIS_URL")
    validate_settings(project_settings(**dict.fromkeys(others, "1")))
    settings = project_settings()
    settings.set(" FAKTI_STATE", "x", priority="default")
    validate_settings(settings)


def test_every_fakti_setting_used_or_documented_is_known() -> None:
    """The code, tests and benchmarks read or pass (``-s``) only known settings, and the
    README documents each of them."""
    sources = [*(REPO / "newsspider").rglob("*.py"), *(REPO / "bench").rglob("*.py")]
    sources += [*(REPO / "tests").rglob("*.py"), REPO / "README.md"]
    used = {
        name
        for path in sources
        for name in re.findall(r"FAKTI_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_])", path.read_text("utf-8"))
    }
    used -= {"FAKTI_TEST_REDIS"}  # the tests' environment variable, not a setting
    used -= {"FAKTI_OUPUT_DIR", "FAKTI_EMITT", "FAKTI_LOCKFILE", "FAKTI_FOO"}  # (tested above)
    assert used == KNOWN_SETTINGS
    readme = (REPO / "README.md").read_text("utf-8")
    rows = {line.split(" | ")[0] for line in readme.splitlines() if line.startswith("| `FAKTI_")}
    assert set(re.findall(r"FAKTI_[A-Z0-9_]+", " ".join(rows))) == KNOWN_SETTINGS


def test_every_boolean_setting_the_readme_documents_is_checked() -> None:
    """``-s RETRY_ENABLED=maybe``, ``TELNETCONSOLE_ENABLED=yes`` or ``REMOTE_CONTROL_ENABLED=maybe``
    stopped the run with an asyncio traceback ('Task exception was never retrieved …
    ValueError: Supported values for boolean settings…') and no line naming the setting,
    though the README says the documented Scrapy settings are checked (review). A boolean is a
    setting whose default (the project's, else Scrapy's) is one, or shown as ``NAME=True``."""
    defaults = {**vars(scrapy_defaults), **vars(newsspider.settings)}
    readme = (REPO / "README.md").read_text("utf-8")
    documented = {
        name
        for name, value in re.findall(r"`([A-Z][A-Z0-9_]*[A-Z0-9])(?:=(True|False))?`", readme)
        if value or isinstance(defaults.get(name), bool)
    }
    assert {"RETRY_ENABLED", "TELNETCONSOLE_ENABLED", "SPIDERMON_SLACK_FAKE"} <= documented
    assert documented <= set(BOOLEAN_SETTINGS)


def test_every_numeric_setting_the_readme_documents_is_checked() -> None:
    """``-s CLOSESPIDER_ITEMCOUNT=ten`` or ``CLOSESPIDER_TIMEOUT=soon`` stopped the run with an
    asyncio traceback and no line naming the setting (review). A number is a setting whose
    default is one; README's ``CLOSESPIDER_*`` names them all."""
    defaults = {**vars(scrapy_defaults), **vars(newsspider.settings)}
    readme = (REPO / "README.md").read_text("utf-8")
    names = set(re.findall(r"`([A-Z][A-Z0-9_]*[A-Z0-9])(?:=[^`]*)?`", readme))
    if "`CLOSESPIDER_*`" in readme:
        names |= {name for name in defaults if name.startswith("CLOSESPIDER_")}
    documented = {
        name
        for name in names - {"DEPTH_LIMIT"}  # (not read: the DepthMiddleware is off)
        if type(defaults.get(name)) in (int, float)
    }
    assert {"CLOSESPIDER_ITEMCOUNT", "CLOSESPIDER_TIMEOUT", "RETRY_TIMES"} <= documented
    assert documented <= set(NUMERIC_SETTINGS)


def crawl(out: Path, *options: str) -> subprocess.Popen[str]:
    """``scrapy crawl fakti`` on a small embedded replica, started in the background;
    ``options`` (``-a``/``-s`` then ``NAME=VALUE``) replace its defaults of the same name."""
    defaults = ["-a", "replica=1", "-s", f"FAKTI_OUTPUT_DIR={out}"]
    defaults += ["-s", "FAKTI_REPLICA_ARTICLES=30"]
    given = {pair.split("=", 1)[0] for pair in options[1::2]}
    if "replica=0" in options:  # (the replica's settings are for replica=1 only)
        given.add("FAKTI_REPLICA_ARTICLES")
    cmd = [sys.executable, "-m", "scrapy", "crawl", "fakti"]
    for flag, pair in zip(defaults[::2], defaults[1::2], strict=True):
        if pair.split("=", 1)[0] not in given:
            cmd += [flag, pair]
    return subprocess.Popen([*cmd, *options], cwd=REPO, stderr=subprocess.PIPE, text=True)


#: Case → (command-line options, the CRITICAL line's start), for :func:`bad_runs`.
BAD_RUNS = {
    "boolean": (["-s", "FAKTI_GZIP=maybe"], "setting FAKTI_GZIP: bad value 'maybe'"),
    # Scrapy's own, read by a middleware or an extension: an asyncio traceback, no such line
    "Scrapy boolean": (["-s", "RETRY_ENABLED=maybe"], "setting RETRY_ENABLED: bad value 'maybe'"),
    "Scrapy extension boolean": (
        ["-s", "TELNETCONSOLE_ENABLED=yes"],
        "setting TELNETCONSOLE_ENABLED: bad value 'yes'; expected True|False|true|false|1|0",
    ),
    "remote control": (
        ["-s", "REMOTE_CONTROL_ENABLED=maybe"],
        "setting REMOTE_CONTROL_ENABLED: bad value 'maybe'",
    ),
    "coverage field": (
        ["-s", 'FAKTI_HEALTH_MIN_COVERAGE={"bodyy": 80}'],
        "setting FAKTI_HEALTH_MIN_COVERAGE: bad value",
    ),
    "replica epoch": (["-s", "FAKTI_REPLICA_EPOCH=3"], "setting FAKTI_REPLICA_EPOCH: bad value"),
    "day count": (["-s", "FAKTI_FIRST_RUN_DAYS=1e9"], "setting FAKTI_FIRST_RUN_DAYS: bad value"),
    "refresh": (["-a", "refresh=1000000000"], "argument refresh: bad value '1000000000'"),
    "since in the future": (["-a", "since=2999-01-01"], "argument since: bad value"),
    "unwritable output": (
        ["-s", "FAKTI_OUTPUT_DIR={tmp}/file/out"],
        "FAKTI_OUTPUT_DIR: cannot create the run folder",
    ),
    "lock file is the state": (
        [
            *("-a", "replica=0", "-s", "FAKTI_BASE_URL=http://127.0.0.1:9"),
            *("-s", "FAKTI_STATE={tmp}/s.sqlite", "-s", "FAKTI_LOCK_FILE={tmp}/s.sqlite"),
        ],
        "FAKTI_LOCK_FILE: '",
    ),
    "lock file is a folder": (
        ["-s", "FAKTI_LOCK_FILE={tmp}"],
        "setting FAKTI_LOCK_FILE: bad value '",
    ),
    "emission mode": (["-s", "FAKTI_EMIT=bogus"], "FAKTI_EMIT: 'bogus' is not one of"),
    "store scheme": (["-s", "FAKTI_STATE=bogus://x"], "FAKTI_STATE: unsupported store"),
    "store with no file": (["-s", "FAKTI_STATE=sqlite://"], "FAKTI_STATE: 'sqlite://' names no"),
    # a standalone run on a SQLite file of that relative path wrote every record again (53 of 53)
    "mistyped store URL": (
        ["-s", "FAKTI_STATE=redis:/127.0.0.1:6393/0?prefix=x"],
        "FAKTI_STATE: 'redis:/127.0.0.1:6393/0?prefix=x' looks like a mistyped URL",
    ),
    # two runs were both first runs (every record again), and a stray :memory:.lock was made
    "in-memory state": (
        [
            "-a",
            "replica=0",
            "-s",
            "FAKTI_BASE_URL=http://127.0.0.1:9",
            "-s",
            "FAKTI_STATE=:memory:",
        ],
        "FAKTI_STATE: ':memory:' names no file: SQLite reads ':memory:' as an in-memory database",
    ),
    # it said "cannot create the run lock ...: File exists"
    "state below a file": (
        [
            *("-a", "replica=0", "-s", "FAKTI_BASE_URL=http://127.0.0.1:9"),
            *("-s", "FAKTI_STATE={tmp}/file/s.sqlite"),
        ],
        "FAKTI_STATE: cannot open '",
    ),
    "empty contact": (["-s", "FAKTI_CONTACT="], "setting FAKTI_CONTACT: bad value ''"),
    # an unset $STATE in a cron line: the default state (every record again); no extra lock
    "empty state": (["-s", "FAKTI_STATE="], "setting FAKTI_STATE: bad value ''; expected a"),
    "empty lock file": (["-s", "FAKTI_LOCK_FILE="], "setting FAKTI_LOCK_FILE: bad value ''"),
    # a replica=1 run keeps its own state: these would mix its synthetic articles with a site's
    "replica with a state": (
        ["-s", "FAKTI_STATE={tmp}/live.sqlite"],
        "argument replica=1 cannot be used with FAKTI_STATE",
    ),
    # it ran, and exited 4 "unreachable"
    "host with a blank": (
        ["-s", "FAKTI_BASE_URL=http://127.0.0 .1:9"],
        "setting FAKTI_BASE_URL: bad value 'http://127.0.0 .1:9' ('127.0.0 .1' is no host name",
    ),
    "replica with a site": (
        ["-s", "FAKTI_BASE_URL=http://127.0.0.1:9"],
        "argument replica=1 cannot be used with FAKTI_BASE_URL",
    ),
    "url with discovery arguments": (
        ["-a", "url=https://fakti.bg/en/world/123-x", "-a", "lang=bg", "-a", "refresh=3"],
        "argument url: bad value 'https://fakti.bg/en/world/123-x' (cannot be combined with "
        "lang, refresh: a url= run fetches just its URLs)",
    ),
    "misspelled setting": (
        ["-s", "FAKTI_OUPUT_DIR={tmp}/typo"],
        "setting FAKTI_OUPUT_DIR: unknown; did you mean FAKTI_OUTPUT_DIR?",
    ),
    "empty output folder": (
        ["-s", "FAKTI_OUTPUT_DIR="],
        "setting FAKTI_OUTPUT_DIR: bad value ''; expected a folder path, not empty",
    ),
    "redis down": (
        [
            "-a",
            "replica=0",
            "-s",
            "FAKTI_BASE_URL=http://127.0.0.1:9",
            "-s",
            "FAKTI_STATE=redis://127.0.0.1:1/0",
        ],
        "FAKTI_STATE: cannot use 'redis://127.0.0.1:1/0'",
    ),
    # "redis-py cannot read it (a host, a port 1..65535, a database number)"
    "redis option value": (
        [
            *("-a", "replica=0", "-s", "FAKTI_BASE_URL=http://127.0.0.1:9"),
            *("-s", "FAKTI_STATE=redis://127.0.0.1:1/0?socket_timeout=abc"),
        ],
        "FAKTI_STATE: cannot use 'redis://127.0.0.1:1/0?socket_timeout=abc': query key "
        "'socket_timeout': bad value 'abc'; expected a number >= 0",
    ),
    "replica per worker": (
        ["-s", "FAKTI_STATE=redis://127.0.0.1:1/0"],
        "argument replica=1 cannot be used with a redis:// FAKTI_STATE",
    ),
    # a worker that forgot FAKTI_STATE ran alone, on a state of its own
    "worker setting without a redis state": (
        ["-s", "FAKTI_WORKER_ID=w1"],
        "setting FAKTI_WORKER_ID: only a distributed worker reads it",
    ),
    # Scrapy kept the last silently: `-a url=A -a url=B` crawled B only
    "argument given twice": (
        ["-a", "lang=en", "-a", "sections=world", "-a", "sections=sport"],
        "argument sections: given 2 times; give it once (several: comma-separated, "
        "sections=world,sport)",
    ),
    "spidermon action": (
        ["-s", "SPIDERMON_ENABLED=True", "-s", "FAKTI_SPIDERMON_FAILED_ACTIONS=newsspider.x.Send"],
        "setting FAKTI_SPIDERMON_FAILED_ACTIONS: bad value 'newsspider.x.Send' (newsspider.x.Send: "
        "ModuleNotFoundError: No module named 'newsspider.x')",
    ),
    "empty spidermon action": (
        ["-s", "SPIDERMON_ENABLED=True", "-s", "FAKTI_SPIDERMON_FAILED_ACTIONS=,"],
        "setting FAKTI_SPIDERMON_FAILED_ACTIONS: bad value ',' (names no action",
    ),
    "abstract spidermon action": (
        [
            *("-s", "SPIDERMON_ENABLED=True"),
            *("-s", "FAKTI_SPIDERMON_PASSED_ACTIONS=spidermon.core.actions.Action"),
        ],
        "setting FAKTI_SPIDERMON_PASSED_ACTIONS: bad value 'spidermon.core.actions.Action' "
        "(spidermon.core.actions.Action is an abstract Action, which cannot run)",
    ),
    # it overwrote the state's header: exit 0, and the next run "file is not a database"
    "feed on the state": (
        [
            *("-a", "replica=0", "-s", "FAKTI_BASE_URL=http://127.0.0.1:9"),
            *("-s", "FAKTI_OUTPUT_DIR={tmp}/live", "-O", "{tmp}/live/.state/fakti.sqlite:jsonl"),
        ],
        "setting FEEDS: bad value '",
    ),
    # the form Scrapy's docs show wrote into fakti/, beside the run file, exit 0
    "feed with placeholders": (
        ["-s", "FAKTI_OUTPUT_DIR={tmp}/ph", "-o", "{tmp}/ph/%(name)s/%(time)s.jsonl"],
        "setting FEEDS: bad value '",
    ),
    "deprecated FEED_URI": (
        [
            *("-s", "FAKTI_OUTPUT_DIR={tmp}/fu", "-s", "FEED_FORMAT=jsonlines"),
            *("-s", "FEED_URI={tmp}/fu/.state/fakti.sqlite.lock"),
        ],
        "setting FEED_URI: bad value '",
    ),
    "feed on the replica's state": (
        ["-s", "FAKTI_OUTPUT_DIR={tmp}/rep", "-O", "{tmp}/rep/replica/.state/fakti.sqlite:jsonl"],
        "setting FEEDS: bad value '",
    ),
    # 39 lines of {}, exit 0
    "feed fields": (
        ["-s", 'FEEDS={"{tmp}/f.jsonl": {"format": "jsonlines", "fields": ["bogus"]}}'],
        "setting FEEDS: bad value ['bogus'] (the fields of feed '",
    ),
    # a 25-line traceback from Scrapy's logging set-up (names are upper-case in logging)
    "log level": (
        ["-s", "LOG_LEVEL=debug"],
        "setting LOG_LEVEL: bad value 'debug'; expected CRITICAL|ERROR|WARNING|INFO|DEBUG",
    ),
    "log level option": (["-L", "bogus"], "setting LOG_LEVEL: bad value 'bogus'; expected"),
    # the first error found is the one shown, a bad LOG_LEVEL found after it too
    "argument given twice and a bad log level": (
        ["-a", "lang=en", "-a", "lang=bg", "-s", "LOG_LEVEL=debug"],
        "argument lang: given 2 times; give it once",
    ),
    "setting given twice": (
        ["-s", "FAKTI_EMIT=new", "-s", "FAKTI_GZIP=1", "-s", "FAKTI_GZIP=0"],
        "setting FAKTI_GZIP: given 2 times; give it once",
    ),
}


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    """Every run of :data:`BAD_RUNS`, all at once: case → (exit status, stderr)."""
    tmp = tmp_path_factory.mktemp("bad")
    (tmp / "file").write_text("")
    procs = {
        case: crawl(tmp / f"out{n}", *(o.replace("{tmp}", str(tmp)) for o in options))
        for n, (case, (options, _)) in enumerate(BAD_RUNS.items())
    }
    stderrs = {case: proc.communicate(timeout=120)[1] for case, proc in procs.items()}
    made = {case: (tmp / f"out{n}").exists() for n, case in enumerate(BAD_RUNS)}
    return {case: (procs[case].returncode, stderr, made[case]) for case, stderr in stderrs.items()}


@pytest.mark.e2e
@pytest.mark.parametrize("case", BAD_RUNS)
def test_a_bad_setting_or_argument_exits_1_with_one_line(bad_runs, case: str) -> None:
    status, stderr, made = bad_runs[case]
    critical = [line.split("] ", 1)[1] for line in stderr.splitlines() if "] CRITICAL: " in line]
    assert status == 1 and "Traceback" not in stderr, stderr[-3000:]
    assert len(critical) == 1 and critical[0].startswith("CRITICAL: " + BAD_RUNS[case][1])
    assert "Spider opened" not in stderr  # nothing was crawled
    assert not made or case in MAKES_OUTPUT  # (its output folder, its state)


#: The bad runs that only opening the store or the run folder can find out.
MAKES_OUTPUT = {"redis down"}


#: ``scrapy crawl`` whose first requests cannot be built (as a timedelta overflow did).
START_ERROR = """
import sys
from scrapy.cmdline import execute
from newsspider.spiders.fakti import FaktiSpider

def fail(self):
    raise OverflowError("date value out of range")

FaktiSpider.start_requests_list = fail
execute(["scrapy", "crawl", "fakti", *sys.argv[1:]])
"""


@pytest.mark.e2e
def test_an_error_building_the_first_requests_is_judged_exit_9(tmp_path: Path) -> None:
    cmd = [sys.executable, "-c", START_ERROR, "-a", "replica=1"]
    cmd += ["-s", f"FAKTI_OUTPUT_DIR={tmp_path}", "-s", "FAKTI_REPLICA_ARTICLES=30"]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 9, done.stderr[-3000:]
    assert "health: UNHEALTHY (exit status 9): run did not finish normally: finish reason " in (
        done.stderr
    )
    (path,) = (tmp_path / "replica" / "fakti").glob("*.report.json")
    report = json.loads(path.read_text("utf-8"))
    assert report["run"]["finish_reason"] == "start_error"
    assert report["run"]["mode"] == "incremental" and report["health"]["exit_code"] == 9


def test_a_lock_file_in_a_folder_that_cannot_be_searched_is_left_to_the_lock(monkeypatch):
    """``Path.is_dir`` raised PermissionError: a traceback, where the lock gives one line."""

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "is_dir", denied)
    validate_settings(project_settings(FAKTI_LOCK_FILE="/secret/fakti.lock"))
