"""A default run (SQLite state, valid records, Spidermon off) does not import redis,
scrapy-redis, jsonschema nor Spidermon's extension; each is loaded only when it is used."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newsspider.extensions.monitors import HealthMonitorSuite, SpidermonExtension
from newsspider.extraction.dates import SOFIA
from newsspider.pipelines.validate import RecordValidator
from newsspider.schema import article_schema

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=SOFIA)
#: Loaded only by the distributed mode, a record failing the compiled check, or Spidermon.
OPTIONAL = ("redis", "scrapy_redis", "jsonschema", "referencing", "rpds")
SPIDERMON_EXTENSION = "spidermon.contrib.scrapy.extensions"
#: Runs ``scrapy`` with the given arguments; at exit prints which watched modules it loaded.
CRAWL = """
import atexit, json, sys
watch = json.loads(sys.argv[1])
atexit.register(lambda: print(json.dumps(sorted(m for m in watch if m in sys.modules))))
from scrapy.cmdline import execute
execute(["scrapy", *sys.argv[2:]])
"""


def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", code, *args]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


@pytest.mark.e2e
def test_a_default_crawl_loads_neither_redis_nor_jsonschema(replica_factory, tmp_path):
    replica = replica_factory(articles=40, epoch=2, now=NOW)
    picks = sorted(replica.truth(2), key=lambda r: (r["lang"], r["article_id"]))[:3]
    urls = [r["url"].replace("https://fakti.bg", replica.base_url) for r in picks]
    used = [
        "newsspider.distributed.scheduler",
        "newsspider.distributed.claims",
        "newsspider.pipelines.validate",
        "newsspider.extensions.monitors",
    ]
    watch = json.dumps([*OPTIONAL, SPIDERMON_EXTENSION, *used])
    args = ["crawl", "fakti", "-s", "LOG_LEVEL=WARNING", "-a", "url=" + ",".join(urls)]
    args += ["-s", f"FAKTI_BASE_URL={replica.base_url}", "-s", f"FAKTI_OUTPUT_DIR={tmp_path}"]
    done = run_python(CRAWL, watch, *args)
    assert json.loads(done.stdout.splitlines()[-1]) == sorted(used)
    (feed,) = (p for p in (tmp_path / "fakti").glob("*.jsonl") if "rejects" not in p.name)
    got = [json.loads(line) for line in feed.read_text("utf-8").splitlines()]
    assert sorted((r["lang"], r["article_id"]) for r in got) == [
        (r["lang"], r["article_id"]) for r in picks
    ]


def test_jsonschema_is_imported_at_the_first_record_failing_the_compiled_check(make_record):
    code = """
import json, sys
from newsspider.pipelines.validate import RecordValidator
record = json.loads(sys.argv[1])
validator = RecordValidator()
steps = [validator.problem(record), "jsonschema" in sys.modules]
record["views"] = -1
steps += [validator.problem(record), "jsonschema" in sys.modules]
print(json.dumps(steps))
"""
    done = run_python(code, json.dumps(make_record(7)))
    assert json.loads(done.stdout) == [
        None,
        False,
        ["invalid_views", "-1 is less than the minimum of 0"],
        True,
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"views": -1},
        {"views": "144"},
        {"published_at": "2025-04-23T08:03:00"},
        {"url": "https://example.com/world/1-x"},
        {"lang": "de"},
        {"tags": ["a", "a"]},
        {"content_hash": "md5:00"},
        {"authors": "Автор"},
        {"comments": 1.5},
        {"extra": 1},
        {"views": -1, "lang": "de"},
    ],
)
def test_the_lazy_validator_names_the_same_fault_as_jsonschema(make_record, change):
    from jsonschema import Draft202012Validator

    record = make_record(3, **change)
    errors = Draft202012Validator(article_schema()).iter_errors(record)
    first = sorted(errors, key=lambda e: list(e.absolute_path))[0]
    field = str(first.absolute_path[0]) if first.absolute_path else "record"
    assert RecordValidator().problem(record) == (f"invalid_{field}", first.message[:300])


def test_spidermon_extension_is_off_without_importing_spidermons_extension():
    code = """
import sys
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler
from newsspider.extensions.monitors import SpidermonExtension
try:
    SpidermonExtension.from_crawler(get_crawler(settings_dict={"SPIDERMON_ENABLED": False}))
except NotConfigured:
    print("off", sys.argv[1] in sys.modules)
"""
    assert run_python(code, SPIDERMON_EXTENSION).stdout.split() == ["off", "False"]
    with pytest.raises(NotConfigured):
        SpidermonExtension.from_crawler(get_crawler())


def test_spidermon_extension_when_enabled_is_spidermons_own_with_the_health_suite():
    from spidermon.contrib.scrapy.extensions import Spidermon

    settings = {
        "SPIDERMON_ENABLED": True,
        "SPIDERMON_SPIDER_CLOSE_MONITORS": ["newsspider.extensions.monitors.HealthMonitorSuite"],
    }
    extension = SpidermonExtension.from_crawler(get_crawler(settings_dict=settings))
    assert type(extension) is Spidermon
    assert [type(s) for s in extension.spider_closed_suites] == [HealthMonitorSuite]
    assert extension.spider_opened_suites == [] and extension.engine_stopped_suites == []
