"""End to end: a real ``scrapy crawl fakti`` subprocess against the replica over loopback,
compared field-exact (except ``scraped_at``) with the replica's ground truth."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import pytest
from fake_site import Proxy

from newsspider.extraction.dates import SOFIA
from newsspider.replica.generator import Site

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=SOFIA)
ARTICLES = 300
Key = tuple[str, int]


class Fault(NamedTuple):
    """A script run in place of ``python -m scrapy`` to make a run fail somewhere
    (``python -c SCRIPT ARGS... crawl ...``); how many tracebacks that run logs, and how many
    "Scraper bug processing" lines."""

    script: str
    tracebacks: int = 1
    bugs: int = 0


#: ``python -c LOSING PATH crawl ...``: ``scrapy crawl``, whose scraper raises ``MemoryError``
#: as it starts on the output of the response to PATH (as an enormous ``CONCURRENT_ITEMS``
#: made it do): Scrapy logs "Scraper bug processing <request>" and drops that output.
LOSING = Fault(
    """
import sys
from urllib.parse import urlsplit
from scrapy.cmdline import execute
from scrapy.core.scraper import Scraper

path, handle = sys.argv.pop(1), Scraper.handle_spider_output_async

async def losing(self, result, request, response):
    if urlsplit(request.url).path == path:
        raise MemoryError
    await handle(self, result, request, response)

Scraper.handle_spider_output_async = losing
execute(["scrapy", *sys.argv[1:]])
""",
    bugs=1,
)
#: ``python -c INVALID PATH crawl ...``: ``scrapy crawl``, whose record of the article at PATH
#: has a relative ``image_url`` as it reaches the validation (which rejects it:
#: ``invalid_image_url``).
INVALID = Fault(
    """
import sys
from urllib.parse import urlsplit
from scrapy.cmdline import execute
from newsspider.pipelines.validate import ValidatePipeline

path, validate = sys.argv.pop(1), ValidatePipeline.process_item

def invalid(self, item):
    if urlsplit(item.get("url") or "").path == path:
        item["image_url"] = "/img/relative.jpg"
    return validate(self, item)

ValidatePipeline.process_item = invalid
execute(["scrapy", *sys.argv[1:]])
""",
    tracebacks=0,
)
#: ``python -c FAILING PATH crawl ...``: ``scrapy crawl``, whose dedup pipeline raises (not
#: ``DropItem``: the state's ``database or disk is full``) on the record of the article at PATH.
FAILING = Fault(
    """
import sqlite3
import sys
from urllib.parse import urlsplit
from scrapy.cmdline import execute
from newsspider.pipelines.dedup import DedupPipeline

path, dedup = sys.argv.pop(1), DedupPipeline.process_item

def failing(self, item):
    if urlsplit(item.get("url") or "").path == path:
        raise sqlite3.OperationalError("database or disk is full")
    return dedup(self, item)

DedupPipeline.process_item = failing
execute(["scrapy", *sys.argv[1:]])
"""
)
#: ``python -c UNNOTED PATH crawl ...``: as ``FAILING``, and the spider's ``item_error``
#: handler, which notes that loss, raises too (Scrapy only logs it).
UNNOTED = Fault(
    FAILING.script.replace(
        "execute([",
        "from newsspider.spiders.fakti import FaktiSpider\n\n"
        "def unnoted(self, *args, **kwargs):\n"
        "    raise RuntimeError('a bug in the handler')\n\n"
        "FaktiSpider._item_error = unnoted\n"
        "execute([",
    ),
    tracebacks=2,
)
#: ``python -c BUGGY PATH crawl ...``: ``scrapy crawl``, whose site guard (a downloader
#: middleware of ours) raises ``RuntimeError`` on the request for PATH: a bug of ours.
BUGGY = Fault(
    """
import sys
from urllib.parse import urlsplit
from scrapy.cmdline import execute
from newsspider.middlewares.safety import SiteGuardMiddleware

path, guard = sys.argv.pop(1), SiteGuardMiddleware.process_request

def buggy(self, request):
    if urlsplit(request.url).path == path:
        raise RuntimeError("a bug in our middleware")
    return guard(self, request)

SiteGuardMiddleware.process_request = buggy
execute(["scrapy", *sys.argv[1:]])
"""
)
#: ``python -c RAISING PATH crawl ...``: ``scrapy crawl``, whose listing errback raises (as it
#: starts on its output) for the listing page at PATH.
RAISING = Fault(
    """
import sys
from urllib.parse import urlsplit
from scrapy.cmdline import execute
from newsspider.spiders.fakti import FaktiSpider

path, errback = sys.argv.pop(1), FaktiSpider.listing_failed

def raising(self, failure):
    if urlsplit(failure.request.url).path == path:
        raise RuntimeError("the listing errback broke")
    yield from errback(self, failure)

FaktiSpider.listing_failed = raising
execute(["scrapy", *sys.argv[1:]])
"""
)
#: ``python -c STEPPING TARGET crawl ...``: ``scrapy crawl``, whose scraper raises ``MemoryError``
#: once, in the step that hands out one output of a response (Scrapy's per-output step, which
#: only asyncio logs): for ``page:PATH``, on the first output of the response to PATH, a page
#: then never finished, so the run hangs (README "Stalled runs"); for ``request:PATH?QUERY`` or
#: ``record:PATH``, on the request for that URL or the record whose ``url`` it is, which is
#: dropped with any output after it, the page finished as if whole.
STEPPING = Fault(
    """
import sys
from urllib.parse import urlsplit
from scrapy import Request
from scrapy.cmdline import execute
from scrapy.core.scraper import Scraper

target, step, raised = sys.argv.pop(1), Scraper._process_spidermw_output_async, []
kind, path = target.split(":", 1)

def where(url):
    split = urlsplit(url)
    return split.path + (f"?{split.query}" if split.query else "")

async def stepping(self, output, response):
    if kind == "page":
        url = getattr(response, "url", "")
    elif kind == "request":
        url = output.url if isinstance(output, Request) else ""
    else:
        url = "" if isinstance(output, Request) else dict(output or {}).get("url") or ""
    if not raised and where(url) == path:
        raised.append(path)
        raise MemoryError
    await step(self, output, response)

Scraper._process_spidermw_output_async = stepping
execute(["scrapy", *sys.argv[1:]])
"""
)

#: ``python -c ENQUEUING PATH?QUERY crawl ...``: ``scrapy crawl``, whose scheduler raises
#: ``MemoryError`` once, as it queues the request for PATH?QUERY: after Scrapy's
#: ``request_scheduled``, in the per-output step too (only asyncio logs it).
ENQUEUING = Fault(
    """
import sys
from urllib.parse import urlsplit
from scrapy.cmdline import execute
from scrapy.core.scheduler import Scheduler

target, enqueue, raised = sys.argv.pop(1), Scheduler.enqueue_request, []

def enqueuing(self, request):
    split = urlsplit(request.url)
    if not raised and f"{split.path}?{split.query}" == target:
        raised.append(target)
        raise MemoryError
    return enqueue(self, request)

Scheduler.enqueue_request = enqueuing
execute(["scrapy", *sys.argv[1:]])
"""
)
#: ``python -c FULL crawl ...``: ``scrapy crawl``, whose SQLite state fails as its disk fills
#: (``database or disk is full``) when the spider, closing, stores the discovery watermarks
#: (not the first-run bounds a first run stores as it reads its first listing page).
FULL = Fault(
    """
import sqlite3
import sys
from scrapy.cmdline import execute
from newsspider.spiders.fakti import FaktiSpider
from newsspider.state.sqlite import SQLiteStore

closing, store = [], SQLiteStore.raise_watermarks
walked = FaktiSpider._raise_watermarks

def full(self, marks):
    if closing:
        raise sqlite3.OperationalError("database or disk is full")
    store(self, marks)

def close(self, reason):
    closing.append(reason)
    walked(self, reason)

SQLiteStore.raise_watermarks, FaktiSpider._raise_watermarks = full, close
execute(["scrapy", *sys.argv[1:]])
""",
    tracebacks=0,
)

#: ``python -c BREAKING crawl ...``: ``scrapy crawl``, whose export pipeline's
#: ``close_spider`` raises ``MemoryError`` as it starts (Scrapy logs it and goes on closing).
BREAKING = Fault(
    """
import sys
from scrapy.cmdline import execute
from newsspider.pipelines.export import ExportPipeline

def breaking(self):
    raise MemoryError

ExportPipeline.close_spider = breaking
execute(["scrapy", *sys.argv[1:]])
"""
)


def truth(replica, when: int | datetime | None = None) -> dict[Key, dict]:
    """The truth at ``when``; by default at the replica's current clock."""
    return {(r["lang"], r["article_id"]): r for r in replica.truth(when)}


@pytest.fixture
def replica(replica_factory):
    return replica_factory(articles=ARTICLES, epoch=2, now=NOW)


def crawl(
    replica,
    out: Path,
    *args: str,
    settings: tuple[str, ...] = (),
    status: int = 0,
    log: list[str] | None = None,
    fault: tuple[Any, ...] = (),
    level: str = "WARNING",
) -> list[dict]:
    """Run the spider (exit ``status`` expected); return the records of the run file it
    wrote (none: empty list); its log lines (``LOG_LEVEL`` ``level``) go to ``log``, if
    given. ``fault``: a :class:`Fault` and its arguments (see each)."""
    folder = out / "fakti"
    before = set(folder.glob("*.jsonl")) if folder.exists() else set()
    scrapy = ("-c", fault[0].script, *fault[1:]) if fault else ("-m", "scrapy")
    cmd = [sys.executable, *scrapy, "crawl", "fakti", "-s", f"LOG_LEVEL={level}"]
    cmd += ["-s", f"FAKTI_BASE_URL={replica.base_url}", "-s", f"FAKTI_OUTPUT_DIR={out}"]
    for arg in args:
        cmd += ["-a", arg]
    for setting in settings:
        cmd += ["-s", setting]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == status, done.stderr[-3000:]
    bugs = done.stderr.count("Scraper bug processing")
    tracebacks = done.stderr.count("Traceback")  # (one for what was made to fail, if any)
    expected = (fault[0].bugs, fault[0].tracebacks) if fault else (0, 0)
    assert (bugs, tracebacks) == expected, done.stderr[-3000:]
    if log is not None:
        log += done.stderr.splitlines()
    new = sorted(p for p in set(folder.glob("*.jsonl")) - before if "rejects" not in p.name)
    return [json.loads(line) for path in new for line in path.read_text("utf-8").splitlines()]


def keyed(records: list[dict]) -> dict[Key, dict]:
    out = {}
    for record in records:
        key = (record["lang"], record["article_id"])
        assert key not in out, f"{key} emitted twice"
        assert record.pop("scraped_at").endswith("+00:00")
        out[key] = record
    return out


def published(record: dict) -> datetime:
    return datetime.fromisoformat(record["published_at"])


def in_window(record: dict, floor: datetime) -> bool:
    """Published at or after ``floor``; a date-only time (00:00: BG form C) when its day
    reaches it (README "How articles are found")."""
    at = published(record)
    if (at.hour, at.minute, at.second) == (0, 0, 0):
        return at + timedelta(days=1) > floor
    return at >= floor


def watermarks(out: Path) -> dict[str, int]:
    """The discovery watermarks (unix seconds) of the SQLite state under ``out``."""
    with closing(sqlite3.connect(out / ".state" / "fakti.sqlite")) as db:
        return dict(db.execute("SELECT scope, at_ts FROM watermarks"))


def reports(out: Path) -> list[dict]:
    """The run reports under ``out``, in run order."""
    paths = sorted((out / "fakti").glob("*.report.json"))
    return [json.loads(path.read_text("utf-8")) for path in paths]


def assert_same(got: dict[Key, dict], expected: dict[Key, dict]) -> None:
    assert sorted(got) == sorted(expected)
    for key, record in expected.items():
        assert got[key] == record, key


def assert_next_run_gets_the_rest(
    replica, tmp_path: Path, first: dict, expected: dict, clock1: datetime, settings: tuple
) -> None:
    """The first run held both watermarks below ``clock1``; the next one exports exactly
    what it missed (nothing twice), and then both stand at ``clock1``."""
    marks = watermarks(tmp_path)
    assert set(marks) == {"bg", "en"} and max(marks.values()) < int(clock1.timestamp())
    second = keyed(crawl(replica, tmp_path, settings=settings))
    assert not set(first) & set(second)
    assert_same(first | second, expected)
    assert watermarks(tmp_path) == dict.fromkeys(("bg", "en"), int(clock1.timestamp()))


@pytest.mark.parametrize("workers", [0, 2])
def test_backfill_since(replica, tmp_path: Path, workers: int) -> None:
    """In the crawler's process, and in extraction worker processes: the same records."""
    since = date(2025, 12, 20)
    settings = (f"FAKTI_EXTRACT_WORKERS={workers}",)
    got = keyed(crawl(replica, tmp_path, f"since={since}", settings=settings))
    expected = {k: r for k, r in truth(replica, 2).items() if published(r).date() >= since}
    assert len(expected) > 40
    assert_same(got, expected)


#: A site whose search is capped: 113 BG articles since 2026-09-01, at most 21 a day (the
#: clock's day, 2026-11-29; 15 on the 28th).
CAPPED_NOW, CAPPED_ARTICLES = datetime(2026, 11, 29, 11, 0, tzinfo=SOFIA), 600


@pytest.mark.parametrize(("pages", "until"), [(1, date(2026, 11, 28)), (2, None)])
def test_a_backfill_of_a_capped_search_writes_every_article(
    replica_factory, tmp_path: Path, pages: int, until: date | None
) -> None:
    """The search lists `pages` pages at most (later pages: 200, no results, no rel=next).
    The backfill wrote 20 of 113 articles (40 with two pages), exit 0, and moved the
    watermark past the rest, lost for good. Each search that ends goes on with a narrowed
    one, down to its oldest result's day: every article once, the watermark moved."""
    replica = replica_factory(articles=CAPPED_ARTICLES, epoch=2, now=CAPPED_NOW, search_pages=pages)
    since = date(2026, 9, 1)
    args = [f"since={since}", "lang=bg"] + ([f"until={until}"] if until else [])
    got = keyed(crawl(replica, tmp_path, *args))
    expected = {
        k: r
        for k, r in truth(replica, 2).items()
        if k[0] == "bg" and since <= published(r).date() <= (until or CAPPED_NOW.date())
    }
    assert len(expected) == (92 if until else 113)
    assert_same(got, expected)
    # (the site time it started, or the end of `until` if earlier: README "Watermarks")
    upper = datetime(2026, 11, 29, tzinfo=SOFIA) if until else CAPPED_NOW
    assert watermarks(tmp_path) == {"bg": int(upper.timestamp())}
    narrowed = [e for e in replica.log()["entries"] if "todate=" in e["path"]]
    assert len({e["path"].split("todate=")[1][:10] for e in narrowed}) > 2  # (narrowed)


def test_a_day_holding_more_results_than_the_cap_is_walked_through_the_sections(
    replica_factory, tmp_path: Path
):
    """21 BG articles on 2026-11-29, one search page of 20: the 21st cannot be reached by
    search. It was a gap every run (the same cap each time: never fetched, exit 0); the
    edition's sections are walked instead, and every article of the range is written."""
    replica = replica_factory(articles=CAPPED_ARTICLES, epoch=2, now=CAPPED_NOW, search_pages=1)
    log: list[str] = []
    got = keyed(crawl(replica, tmp_path, "since=2026-11-29", "lang=bg", log=log))
    day = {
        k
        for k, r in truth(replica, 2).items()
        if k[0] == "bg" and published(r).date() == CAPPED_NOW.date()
    }
    assert len(day) == 21 and set(got) == day
    assert "bg" in watermarks(tmp_path)
    assert any(
        "search (bg) down to 2026-11-29 cannot be walked further" in line
        and "walking its sections" in line
        for line in log
    ), log[-20:]
    assert not any("discovery watermarks not moved" in line for line in log)


@pytest.mark.parametrize("shown", ["01.11.2025&todate=30.11.2025", "13.01.2026&todate=15.01.2026"])
def test_a_search_that_does_not_honour_its_range_is_walked_through_the_sections(
    replica, tmp_path: Path, shown: str
) -> None:
    """Every search page serves the results of another range (before `since`, after
    `until`), dated as they are. Its old results ended the walk at page 0, or its later ones
    kept it going to their end: nothing written, exit 0, the watermark moved (review: 0 of 16
    on a fake site). The edition's sections are walked instead: every article of the range."""
    since, until = date(2026, 1, 1), date(2026, 1, 12)

    def elsewhere(uri: str) -> str | None:
        ranged = "/search" in uri
        return re.sub(r"fromdate=[^&]*&todate=[^&]*", f"fromdate={shown}", uri) if ranged else None

    proxy = Proxy(replica.base_url, elsewhere)
    log: list[str] = []
    try:
        site = SimpleNamespace(base_url=proxy.url)
        got = keyed(crawl(site, tmp_path, f"since={since}", f"until={until}", "lang=en", log=log))
    finally:
        proxy.stop()
    expected = {
        k: r
        for k, r in truth(replica, 2).items()
        if k[0] == "en" and since <= published(r).date() <= until
    }
    assert len(expected) > 5
    assert_same(got, expected)
    assert sum("the site does not honour it; walking its sections" in line for line in log) == 1


def test_filters_lang_sections_until(replica, tmp_path: Path) -> None:
    since, until = date(2025, 10, 1), date(2026, 1, 10)
    sections = ("world", "bulgaria", "mnenia")
    got = keyed(
        crawl(
            replica, tmp_path, f"since={since}", f"until={until}", "lang=bg",
            f"sections={','.join(sections)}",
        )
    )  # fmt: skip
    expected = {
        k: r
        for k, r in truth(replica, 2).items()
        if since <= published(r).date() <= until and k[0] == "bg" and r["section"] in sections
    }
    assert len(expected) > 5
    assert_same(got, expected)


def test_url_filter_any_form(replica, tmp_path: Path) -> None:
    records = list(truth(replica, 2).values())
    picks = [r for r in records if r["lang"] == "en"][:2] + [
        r for r in records if r["lang"] == "bg"
    ][-1:]
    forms = [
        picks[0]["url"].replace("https://fakti.bg/en/", "https://www.fakti.bg/en/amp/"),
        picks[1]["url"].replace("https://fakti.bg", replica.base_url) + "?utm_source=e2e",
        picks[2]["url"].replace("fakti.bg", "fakti.bg."),
    ]
    got = keyed(crawl(replica, tmp_path, "url=" + ",".join(forms)))
    assert_same(got, {(r["lang"], r["article_id"]): r for r in picks})
    assert replica.log()["by_kind"].get("article") == 3


def test_first_run_then_incremental(replica_factory, tmp_path: Path) -> None:
    replica = replica_factory(articles=ARTICLES, epoch=1, now=NOW)
    clock1 = NOW - timedelta(hours=6)
    truth1 = truth(replica, 1)
    first = keyed(crawl(replica, tmp_path))
    expected = {k: r for k, r in truth1.items() if in_window(r, clock1 - timedelta(days=1))}
    assert len(expected) > 10
    assert_same(first, expected)
    assert watermarks(tmp_path) == dict.fromkeys(("bg", "en"), int(clock1.timestamp()))

    replica.set_epoch(2)
    seen = replica.log()["total"]
    second = keyed(crawl(replica, tmp_path))
    assert watermarks(tmp_path) == dict.fromkeys(("bg", "en"), int(NOW.timestamp()))
    new = {k: r for k, r in truth(replica, 2).items() if k not in truth1}
    assert len(new) >= 5
    assert_same(second, new)
    entries = replica.log()["entries"][seen:]
    kinds = [e["kind"] for e in entries]
    assert kinds.count("article") == len(new)  # one request per new article
    assert set(kinds) <= {"article", "listing", "rss", "robots", "search"}

    assert crawl(replica, tmp_path) == []  # nothing new: nothing emitted


def test_a_schedule_on_the_moving_clock_writes_each_article_once(
    replica_factory, tmp_path: Path
) -> None:
    """A run every six hours, the replica's clock moved before each (all at or before epoch
    1's clock: no views change): together the runs' files hold each article published from
    the first run's bound on exactly once, as the site showed it when it was written."""
    replica = replica_factory(articles=ARTICLES, epoch=1, now=NOW)
    steps = [NOW - timedelta(hours=h) for h in (18, 12, 6)]
    days = 10
    written: dict[Key, dict] = {}
    for step in steps:
        assert replica.set_clock(step) == {"epoch": 1, "clock": step.isoformat()}
        at_step = truth(replica)
        run = keyed(crawl(replica, tmp_path, settings=(f"FAKTI_FIRST_RUN_DAYS={days}",)))
        assert run and not set(run) & set(written), step  # new articles, nothing twice
        for key, record in run.items():
            assert record == at_step[key], key
        written |= run
    floor = steps[0] - timedelta(days=days)
    expected = {k: r for k, r in truth(replica).items() if in_window(r, floor)}
    assert len(expected) > 30
    assert sorted(written) == sorted(expected)


@pytest.mark.parametrize("overlap", [60, 0])
def test_an_incremental_run_across_the_repeated_autumn_hour(
    replica_factory, tmp_path: Path, overlap: int
) -> None:
    """25 Oct 2026: the first run at 03:30 +03:00 (the first pass of the repeated hour), the
    next 6 hours later. Its new articles include the second pass's 03:10 +02:00, listed as
    `03:10`, a wall time the first run's watermark already passed; with the edition feeds
    missing its section the listings are walked, and each new article is exported once."""
    now = datetime(2026, 10, 25, 8, 30, tzinfo=SOFIA)
    replica = replica_factory(articles=ARTICLES, epoch=1, now=now, feed_omits="bulgaria")
    settings = (f"FAKTI_INCREMENTAL_OVERLAP_MINUTES={overlap}",)
    truth1 = truth(replica, 1)
    crawl(replica, tmp_path, settings=settings)
    assert watermarks(tmp_path)["bg"] == now.timestamp() - 6 * 3600  # 00:30 UTC
    replica.set_epoch(2)
    seen = replica.log()["total"]
    second = keyed(crawl(replica, tmp_path, settings=settings))
    new = {k: r for k, r in truth(replica, 2).items() if k not in truth1}
    assert_same(second, new)
    repeated = [r["published_at"] for r in new.values() if r["section"] == "bulgaria"]
    assert "2026-10-25T03:10:00+02:00" in repeated
    walked = {e["path"] for e in replica.log()["entries"][seen:] if e["kind"] == "listing"}
    assert "/bulgaria" in walked
    assert crawl(replica, tmp_path, settings=settings) == []


@pytest.mark.parametrize(
    ("articles", "seed", "omitted"),
    [
        (ARTICLES, 1, None),  # a section of a new BG article the feed's newest item follows
        (2300, 9, "krimi"),  # 74 new articles, more than the home page holds
    ],
)
def test_a_feed_that_omits_a_section_loses_nothing(
    replica_factory, tmp_path: Path, articles: int, seed: int, omitted: str | None
) -> None:
    """The edition feeds leave one section out and by their dates look enough. The home page
    is read to check them: it shows an article they lack, or it does not reach back to the
    last run (so it cannot vouch for them); either way the listings are walked and nothing is
    lost. Without the check that section's new articles were never asked for; with a check
    that ignored how far the home page reached, one article of the second site was lost."""
    site = Site(articles=articles, seed=seed, now=NOW)
    truth1 = {(r["lang"], r["article_id"]) for r in site.ground_truth(1)}
    new = {(r["lang"], r["article_id"]): r for r in site.ground_truth(2)}
    new = {k: r for k, r in new.items() if k not in truth1}
    if omitted is None:  # (the home page shows it and the feed, newer, should list it)
        bg = sorted((r for r in new.values() if r["lang"] == "bg"), key=published, reverse=True)
        omitted = next(r["section"] for r in bg if r["section"] != bg[0]["section"])
    replica = replica_factory(articles=articles, seed=seed, epoch=1, now=NOW, feed_omits=omitted)
    crawl(replica, tmp_path)
    replica.set_epoch(2)
    seen = replica.log()["total"]
    second = keyed(crawl(replica, tmp_path))
    assert_same(second, new)
    assert any(r["section"] == omitted for r in new.values())
    walked = {e["path"] for e in replica.log()["entries"][seen:] if e["kind"] == "listing"}
    assert f"/{omitted}" in walked  # the section listings were walked after the check


@pytest.mark.parametrize(("emit", "days"), [("changed", 36500), ("all", 36500), ("changed", 2)])
def test_refresh_emits_the_edited_articles_under_changed(
    replica_factory, tmp_path: Path, emit: str, days: int
) -> None:
    """Between the epochs some articles are edited (a paragraph appended) and many gain
    views. ``refresh=N`` re-fetches what the state holds: under ``FAKTI_EMIT=changed`` the
    new and the edited articles are emitted, as the site shows them now (views alone changing
    is no edit); under ``all`` every article fetched. Its N days count back from the site's
    clock (the replica's, months behind ours here: ``refresh=2`` refreshed none)."""
    replica = replica_factory(articles=ARTICLES, epoch=1, now=NOW)
    truth1 = truth(replica, 1)
    first = keyed(crawl(replica, tmp_path, "since=2025-03-01"))  # all of epoch 1
    assert_same(first, truth1)
    replica.set_epoch(2)
    truth2 = truth(replica, 2)
    second = keyed(crawl(replica, tmp_path, f"refresh={days}", settings=(f"FAKTI_EMIT={emit}",)))
    new = {k: r for k, r in truth2.items() if k not in truth1}
    edited = {k: truth2[k] for k in first if truth2[k]["content_hash"] != first[k]["content_hash"]}
    viewed = [k for k in first if truth2[k]["views"] != first[k]["views"]]
    assert len(edited) >= 10 and len(set(viewed) - set(edited)) >= 10 and len(new) >= 5
    recent = {k for k in first if published(first[k]) >= NOW - timedelta(days=days)}
    refetched = {k: truth2[k] for k in recent}
    edited = {k: r for k, r in edited.items() if k in recent}
    assert len(edited) >= 3
    assert_same(second, new | (edited if emit == "changed" else refetched))


def test_an_article_down_for_a_whole_run_is_fetched_by_the_next(
    replica_factory, tmp_path: Path
) -> None:
    """A new article whose page answers 503 for the whole run gives a reject and holds its
    edition's watermark back to when it was listed; the next run asks for it again and
    exports it, and nothing else twice."""
    replica = replica_factory(articles=ARTICLES, epoch=1, now=NOW)
    truth1 = truth(replica, 1)
    crawl(replica, tmp_path)
    replica.set_epoch(2)
    new = {k: r for k, r in truth(replica, 2).items() if k not in truth1}
    down = min((r for r in new.values() if r["lang"] == "bg"), key=published)
    key = (down["lang"], down["article_id"])
    replica.outage(urlsplit(down["url"]).path)
    second = keyed(crawl(replica, tmp_path))
    assert_same(second, {k: r for k, r in new.items() if k != key})
    rejects = [
        json.loads(line)
        for path in (tmp_path / "fakti").glob("*rejects*.jsonl")
        for line in path.read_text("utf-8").splitlines()
    ]
    assert [(r["url"], r["reason"]) for r in rejects] == [(down["url"], "http:503")]
    marks = watermarks(tmp_path)
    assert marks["en"] == int(NOW.timestamp())
    assert marks["bg"] < int(NOW.timestamp())  # held back: the next run walks down to it
    replica.end_outages()
    third = keyed(crawl(replica, tmp_path))
    assert_same(third, {key: down})
    assert watermarks(tmp_path)["bg"] == int(NOW.timestamp())


def test_an_article_the_validation_rejects_is_fetched_by_the_next_run(
    replica_factory, tmp_path: Path
) -> None:
    """A new article whose record the validation rejects (``invalid_image_url``) through the
    real pipelines (a reject, dropped) holds its edition's watermark back to when it was
    listed; the next run asks for it again and exports it, and nothing else twice. (Scrapy's
    ``item_dropped`` names the item the spider yielded, not the pipeline's reject: the
    watermark moved past it, 06:14 to 12:00, and the next run did not write it.)"""
    replica = replica_factory(articles=ARTICLES, epoch=1, now=NOW)
    truth1 = truth(replica, 1)
    crawl(replica, tmp_path)
    replica.set_epoch(2)
    new = {k: r for k, r in truth(replica, 2).items() if k not in truth1}
    timed = (r for r in new.values() if r["lang"] == "bg" and published(r).hour)
    bad = min(timed, key=published)  # (not date-only: its day would be walked again anyway)
    key = (bad["lang"], bad["article_id"])
    second = keyed(crawl(replica, tmp_path, fault=(INVALID, urlsplit(bad["url"]).path)))
    assert_same(second, {k: r for k, r in new.items() if k != key})
    rejects = [
        json.loads(line)
        for path in (tmp_path / "fakti").glob("*rejects*.jsonl")
        for line in path.read_text("utf-8").splitlines()
    ]
    assert [(r["url"], r["reason"]) for r in rejects] == [(bad["url"], "invalid_image_url")]
    marks = watermarks(tmp_path)
    assert marks["en"] == int(NOW.timestamp())
    assert marks["bg"] < int(NOW.timestamp())  # held back: the next run walks down to it
    third = keyed(crawl(replica, tmp_path))
    assert_same(third, {key: bad})
    assert watermarks(tmp_path)["bg"] == int(NOW.timestamp())


@pytest.mark.parametrize("lost", ["article", "listing page"])
def test_a_page_whose_output_scrapy_loses_is_a_gap(
    replica_factory, tmp_path: Path, lost: str
) -> None:
    """Scrapy's scraper raising outside the callbacks and pipelines ("Scraper bug processing
    <request>") loses what a response would have given: an article's record, or the links of
    ``/world``'s page 1 (its articles, the pages after it). The run moved the watermarks past
    them all the same, with exit status 0: lost for good (1 of 247 articles; 15 of 247). Now it
    is a gap, as a callback that raised: the watermarks stay at the first run's bound, the log
    says why, and the next run exports what the first one missed, and nothing twice."""
    replica = replica_factory(articles=ARTICLES, epoch=1, now=NOW)
    clock1, days = NOW - timedelta(hours=6), ("FAKTI_FIRST_RUN_DAYS=200",)
    expected = {k: r for k, r in truth(replica, 1).items() if in_window(r, clock1 - timedelta(200))}
    article = min((r for r in expected.values() if r["lang"] == "bg"), key=published)
    path = urlsplit(article["url"]).path if lost == "article" else "/world"
    log: list[str] = []
    first = keyed(crawl(replica, tmp_path, settings=days, log=log, fault=(LOSING, path)))
    missed = set(expected) - set(first)
    if lost == "article":
        assert missed == {("bg", article["article_id"])}
    else:
        assert missed and {(lang, expected[lang, i]["section"]) for lang, i in missed} == {
            ("bg", "world")
        }
    held = f"Scrapy's scraper lost the output of {replica.base_url}{path}"
    assert any(f"discovery watermarks not moved ({held})" in line for line in log)
    assert_next_run_gets_the_rest(replica, tmp_path, first, expected, clock1, days)


@pytest.mark.parametrize(
    ("lost", "workers"),
    [("record", 0), ("record", 1), ("article request", 0), ("next page", 0), ("queued", 0)],
)
def test_an_output_scrapys_per_output_step_drops_is_a_gap(
    replica_factory, tmp_path: Path, lost: str, workers: int
) -> None:
    """Scrapy's per-output step raising (a ``MemoryError``, logged by asyncio alone) dropped an
    article's record, a listing's request for an article (and the one output after it), or
    ``/world``'s request for its page 2 (its last output); the page was finished as if whole:
    exit 0, the watermarks moved past what was dropped, lost for good. Now what the spider
    middlewares passed on and neither the scheduler nor the item pipelines took is a gap, as
    a page whose output the scraper lost: logged, counted (the report's
    ``pages.outputs_lost`` and a health note), the watermarks held, exit 0; the next run
    exports the rest, nothing twice. (With an extraction worker, the article's output is an
    asynchronous one.) The request for page 2 ``queued`` by a scheduler that raised (after
    Scrapy's ``request_scheduled``: a review) is dropped too."""
    replica = replica_factory(articles=ARTICLES, epoch=1, now=NOW)
    clock1, days = NOW - timedelta(hours=6), ("FAKTI_FIRST_RUN_DAYS=200",)
    expected = {k: r for k, r in truth(replica, 1).items() if in_window(r, clock1 - timedelta(200))}
    article = min((r for r in expected.values() if r["lang"] == "bg"), key=published)
    path = urlsplit(article["url"]).path
    fault, page, dropped = {
        "record": ((STEPPING, f"record:{path}"), path, 1),
        "article request": ((STEPPING, f"request:{path}"), "/kultura-art", 2),  # (its listing)
        "next page": ((STEPPING, "request:/world?page=2"), "/world", 1),
        "queued": ((ENQUEUING, "/world?page=2"), "/world", 1),
    }[lost]
    log: list[str] = []
    settings = (*days, f"FAKTI_EXTRACT_WORKERS={workers}")
    first = keyed(crawl(replica, tmp_path, settings=settings, log=log, fault=fault))
    missed = set(expected) - set(first)
    if lost in ("next page", "queued"):
        assert missed and {(lang, expected[lang, i]["section"]) for lang, i in missed} == {
            ("bg", "world")
        }
    else:
        assert missed == {("bg", article["article_id"])}
    held = f"Scrapy's scraper lost the output of {replica.base_url}{page}"
    assert any(f"discovery watermarks not moved ({held})" in line for line in log)
    (report,) = reports(tmp_path)
    assert (report["pages"]["outputs_lost"], report["health"]["exit_code"]) == (dropped, 0)
    note = (
        f"{dropped} request(s) or record(s) dropped by Scrapy's scraper before the scheduler or "
        "the item pipelines took them (scraper/lost_outputs; see the log's errors)"
    )
    assert note in report["health"]["notes"]
    assert_next_run_gets_the_rest(replica, tmp_path, first, expected, clock1, days)
    assert reports(tmp_path)[-1]["pages"]["outputs_lost"] == 0


#: Stall settings for a test: stopped after 2 s without progress, the quiet bound below it.
QUICK_STALL = (
    "FAKTI_STALL_SECONDS=2",
    "DOWNLOAD_TIMEOUT=1",
    "FAKTI_RETRY_AFTER_MAX=0",
    "FAKTI_RETRY_BACKOFF_MAX=0",
    "FAKTI_CRAWL_DELAY_MAX=0",
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
)


def test_a_run_that_hangs_is_stopped_and_the_next_run_writes_its_records(
    replica_factory, tmp_path: Path
) -> None:
    """Scrapy's per-output step raising on ``/world``'s page left that page open: the run
    never ended (a review's ran for good; under cron every later run exits 3). Now, after
    ``FAKTI_STALL_SECONDS`` without progress it is stopped as stalled and, its close hanging
    too, forced to stop: exit 9, nothing published, no report; the next run writes every
    record, as a first run."""
    replica = replica_factory(articles=ARTICLES, epoch=1, now=NOW)
    clock1, days = NOW - timedelta(hours=6), ("FAKTI_FIRST_RUN_DAYS=200",)
    expected = {k: r for k, r in truth(replica, 1).items() if in_window(r, clock1 - timedelta(200))}
    log: list[str] = []
    settings = (*days, *QUICK_STALL)
    stalled = crawl(
        replica, tmp_path, settings=settings, status=9, log=log, fault=(STEPPING, "page:/world")
    )
    assert stalled == []
    assert not list((tmp_path / "fakti").glob("*.report.json"))
    messages = [line.split("] ", 1)[-1] for line in log if "newsspider." in line]
    assert messages[-3:] == [
        "ERROR: run stalled: no request, response or item for 2 s; stopping",
        "ERROR: stalled run not ended 2 s after it was stopped: forcing it",
        "ERROR: run stopped before its spider could close (a stalled run that did not close "
        "when stopped: FAKTI_STALL_SECONDS): no feed published, no report; exit status 9",
    ]
    assert_same(keyed(crawl(replica, tmp_path, settings=days)), expected)


@pytest.mark.parametrize("where", ["item pipeline", "downloader middleware"])
def test_a_record_our_code_loses_is_held_with_no_hold_days_limit(
    replica_factory, tmp_path: Path, where: str
) -> None:
    """A real crawl: the dedup pipeline raises, not ``DropItem`` (the state's disk full), on
    the record of a BG article listed weeks before the listing clock (Scrapy's
    ``item_error``), or the site guard raises on its request (a bug of ours, which was taken
    for a download error, ``download:RuntimeError``, and given up at once: a review lost it,
    exit 0), in a first run of 200 days. It is held with no ``FAKTI_HOLD_DAYS`` limit: the BG
    watermark stays at its time (none given up: no ``discovery/hold_expired``); the run says
    so (``pipelines/lost`` or ``pages/failed_ours`` 1, in the report and its health note),
    exit 0; the next run writes it, and nothing else twice."""
    replica = replica_factory(articles=120, epoch=1, now=NOW)  # (116 at epoch 1)
    clock1, days = NOW - timedelta(hours=6), ("FAKTI_FIRST_RUN_DAYS=200",)
    expected = {k: r for k, r in truth(replica, 1).items() if in_window(r, clock1 - timedelta(200))}
    weeks_old = [
        r
        for r in expected.values()
        if r["lang"] == "bg" and published(r).hour and published(r) < clock1 - timedelta(days=14)
    ]
    lost = max(weeks_old, key=published)  # (timed: a date-only day is walked again anyway)
    key = (lost["lang"], lost["article_id"])
    log: list[str] = []
    path = urlsplit(lost["url"]).path
    fault = (FAILING if where == "item pipeline" else BUGGY, path)
    first = keyed(crawl(replica, tmp_path, settings=days, log=log, level="INFO", fault=fault))
    assert_same(first, {k: r for k, r in expected.items() if k != key})
    assert watermarks(tmp_path) == {
        "bg": int(published(lost).timestamp()),  # (held back to it: asked for again)
        "en": int(clock1.timestamp()),
    }
    stat, field, rejected, note = {
        "item pipeline": (
            "pipelines/lost",
            "lost_in_pipelines",
            {},
            "1 record(s) lost by an item pipeline that raised (pipelines/lost: our machine or "
            "our code, not the site; see the log's errors): their articles are asked for again "
            "until a run writes them",
        ),
        "downloader middleware": (
            "pages/failed_ours",
            "failed_ours",
            {"error:RuntimeError": 1},
            "1 article request(s) failed with an error of our code or machine "
            "(pages/failed_ours, rejects error:<type>; see the log's errors): their articles "
            "are asked for again until a run writes them",
        ),
    }[where]
    text = "\n".join(log)
    assert f"'{stat}': 1," in text
    assert "discovery/hold_expired" not in text and "FAKTI_HOLD_DAYS" not in text
    (report,) = reports(tmp_path)
    assert (report["articles"][field], report["articles"]["rejected"]) == (1, rejected)
    assert report["articles"]["not_served"] == 0
    assert report["run"]["watermarks_held"] is None  # (no gap: a hold)
    assert (report["health"]["exit_code"], note in report["health"]["notes"]) == (0, True)
    assert f"health: {note}" in text
    second = keyed(crawl(replica, tmp_path, settings=days))
    assert_same(second, {key: lost})
    assert watermarks(tmp_path) == dict.fromkeys(("bg", "en"), int(clock1.timestamp()))
    assert reports(tmp_path)[-1]["articles"][field] == 0


def test_watermarks_the_state_fails_to_store_are_not_reported_moved(
    replica_factory, tmp_path: Path
) -> None:
    """The state's disk fills as the spider stores the watermarks of a complete first run:
    Scrapy logged the traceback and the run exited 0, its report saying
    ``watermarks_moved: 2``, ``watermarks_held: null``, healthy, though both stayed at the
    first-run bound and the log had no ``discovery watermarks`` line. Now the report says
    none moved and why, the log says so, and the run fails as one whose state cannot record
    its feed (``export_failed``, exit status 9). Its feed stands, its keys committed: the next
    run exports nothing again and moves the watermarks."""
    replica = replica_factory(articles=ARTICLES, epoch=1, now=NOW)
    clock1, days = NOW - timedelta(hours=6), ("FAKTI_FIRST_RUN_DAYS=200",)
    expected = {k: r for k, r in truth(replica, 1).items() if in_window(r, clock1 - timedelta(200))}
    log: list[str] = []
    first = keyed(crawl(replica, tmp_path, settings=days, status=9, log=log, fault=(FULL,)))
    assert_same(first, expected)
    error = "database or disk is full"
    held = f"discovery watermarks not moved (storing the watermarks failed: {error})"
    messages = [line.split("] ", 1)[-1] for line in log if "newsspider." in line]
    assert [m for m in messages if "discovery watermarks" in m] == [
        f"ERROR: writing the discovery watermarks failed ({error}): stopping the run; none of "
        f"them stored (bg {clock1.isoformat()}, en {clock1.isoformat()})",
        f"WARNING: {held}: the next run walks this again",
    ]
    (report,) = reports(tmp_path)
    run = report["run"]
    assert (run["watermarks_moved"], run["watermarks_held"], run["finish_reason"]) == (
        0,
        f"storing the watermarks failed: {error}",
        "export_failed",
    )
    assert run["feed"] and report["health"]["exit_code"] == 9
    assert f"{held}: the next run walks this again" in report["health"]["notes"]
    assert_next_run_gets_the_rest(replica, tmp_path, first, expected, clock1, days)


def test_an_export_close_that_raises_fails_the_run_and_the_next_run_writes_its_records(
    replica_factory, tmp_path: Path
) -> None:
    """The export pipeline's ``close_spider`` raising ``MemoryError`` as it starts (not the
    ``OSError`` a write gives, which fails the run): Scrapy logged it and went on, and the run
    exited 0 with a healthy report and no feed for its 247 records, the only sign the note
    "discovery watermarks not moved (the run file was not committed)". Now the spider's
    check, first as it closes, fails it as a failed write: ``export_failed``, exit status 9,
    the report's ``feed`` null; its temporary is deleted and its keys rolled back, and the
    next run writes every record, once."""
    replica = replica_factory(articles=ARTICLES, epoch=1, now=NOW)
    clock1, days = NOW - timedelta(hours=6), ("FAKTI_FIRST_RUN_DAYS=200",)
    expected = {k: r for k, r in truth(replica, 1).items() if in_window(r, clock1 - timedelta(200))}
    log: list[str] = []
    assert crawl(replica, tmp_path, settings=days, status=9, log=log, fault=(BREAKING,)) == []
    messages = [line.split("] ", 1)[-1] for line in log if "newsspider." in line]
    (feed,) = {m.split()[2] for m in messages if m.startswith("ERROR: writing ")}
    assert [m for m in messages if "ERROR" in m and "health" not in m] == [
        f"ERROR: writing {feed} failed (its close raised: see the error logged before): "
        "stopping the run",
        f"ERROR: feed not published: its {len(expected)} record(s) discarded and their keys "
        "left out of the state (0 pending rolled back): the next run asks for them again",
    ]
    assert [p.name for p in (tmp_path / "fakti").iterdir()] == [
        feed.replace("jsonl", "report.json")
    ]
    (report,) = reports(tmp_path)
    assert (report["run"]["feed"], report["run"]["finish_reason"]) == (None, "export_failed")
    assert report["run"]["watermarks_held"] == "the run file was not committed"
    assert report["health"]["exit_code"] == 9
    second = keyed(crawl(replica, tmp_path, settings=days))
    assert_same(second, expected)
    assert watermarks(tmp_path) == dict.fromkeys(("bg", "en"), int(clock1.timestamp()))


def test_a_loss_whose_signal_handler_raises_is_a_gap(replica_factory, tmp_path: Path) -> None:
    """Two faults: the dedup pipeline loses an article's record (the state's disk full) and
    the spider's ``item_error`` handler, which would hold the article back, raises too.
    Scrapy only logged that: the watermarks moved past the article, exit 0, lost for good (a
    review). Now a signal handler that raises is a gap: the watermarks stay at the first
    run's bound, the log says why, and the next run exports the record, nothing twice."""
    replica = replica_factory(articles=ARTICLES, epoch=1, now=NOW)
    clock1, days = NOW - timedelta(hours=6), ("FAKTI_FIRST_RUN_DAYS=200",)
    expected = {k: r for k, r in truth(replica, 1).items() if in_window(r, clock1 - timedelta(200))}
    article = min((r for r in expected.values() if r["lang"] == "bg"), key=published)
    path = urlsplit(article["url"]).path
    log: list[str] = []
    first = keyed(crawl(replica, tmp_path, settings=days, log=log, fault=(UNNOTED, path)))
    assert set(expected) - set(first) == {("bg", article["article_id"])}
    held = "error in the signal handler unnoted"  # (the name of UNNOTED's handler)
    assert any(f"discovery watermarks not moved ({held})" in line for line in log)
    assert_next_run_gets_the_rest(replica, tmp_path, first, expected, clock1, days)


def test_a_listing_errback_that_raises_after_a_download_error_is_a_gap(
    replica_factory, tmp_path: Path
) -> None:
    """A real crawl (Scrapy's ``spider_error`` from an errback): ``/en/world``'s connection
    is reset on every attempt, and its errback raises as it starts. Scrapy passes the
    download's failure as the signal's response (before 2ba5bb2 the handler read its ``url``
    and raised, and the watermarks moved past the en/world articles only that listing held:
    lost for good).
    It is a gap: no watermark moves past the first run's bound, the log and the report's
    note say ``error in the errback of <url>``, exit 0; the next run exports what it missed."""
    replica = replica_factory(articles=200, epoch=1, now=NOW)  # (8 en/world ones left unread)
    clock1, days = NOW - timedelta(hours=6), ("FAKTI_FIRST_RUN_DAYS=200",)
    expected = {k: r for k, r in truth(replica, 1).items() if in_window(r, clock1 - timedelta(200))}
    proxy = Proxy(replica.base_url, lambda uri: None, resets=frozenset({"/en/world"}))
    log: list[str] = []
    try:
        site = SimpleNamespace(base_url=proxy.url)
        first = keyed(crawl(site, tmp_path, settings=days, log=log, fault=(RAISING, "/en/world")))
    finally:
        proxy.stop()
    missed = set(expected) - set(first)
    assert len(missed) == 8
    assert {(lang, expected[lang, i]["section"]) for lang, i in missed} == {("en", "world")}
    text = "\n".join(log)
    assert f"Gave up retrying <GET {proxy.url}/en/world> (failed 6 times)" in text
    assert f"Spider error processing <GET {proxy.url}/en/world>" in text
    assert "RuntimeError: the listing errback broke" in text
    held = f"discovery watermarks not moved (error in the errback of {proxy.url}/en/world)"
    assert f"{held}: the next run walks this again" in text
    (report,) = reports(tmp_path)
    assert report["run"]["watermarks_held"] == f"error in the errback of {proxy.url}/en/world"
    assert report["health"]["exit_code"] == 0
    assert f"{held}: the next run walks this again" in report["health"]["notes"]
    assert_next_run_gets_the_rest(replica, tmp_path, first, expected, clock1, days)


@pytest.mark.parametrize("between", ["stopped early", "url", "other edition", "one section"])
def test_a_run_between_two_incremental_runs_loses_nothing(
    replica_factory, tmp_path: Path, between: str
) -> None:
    """A run that stopped early (its file is published), a ``url=`` run of the newest
    article, a run of the other edition or of one section: none of them may make the next
    incremental run skip what they did not walk."""
    replica = replica_factory(articles=ARTICLES, epoch=1, now=NOW)
    truth1 = truth(replica, 1)
    crawl(replica, tmp_path)
    replica.set_epoch(2)
    new = {k: r for k, r in truth(replica, 2).items() if k not in truth1}
    newest = max(new.values(), key=published)
    other = "bg" if newest["lang"] == "en" else "en"
    if between == "stopped early":  # exit 9: the health gate reports the early finish
        args, settings, status = (), ("CLOSESPIDER_ITEMCOUNT=3", "CONCURRENT_REQUESTS=1"), 9
    else:
        args = {
            "url": ("url=" + newest["url"],),
            "other edition": ("lang=" + other,),
            "one section": ("sections=" + newest["section"],),
        }[between]
        settings, status = (), 0
    middle = keyed(crawl(replica, tmp_path, *args, settings=settings, status=status))
    assert middle and set(middle) < set(new)
    last = keyed(crawl(replica, tmp_path))
    assert not set(middle) & set(last)  # nothing twice
    assert_same(middle | last, new)


def test_a_date_only_article_exported_by_a_section_run_ends_no_later_walk(
    replica_factory, tmp_path: Path
) -> None:
    """A ``sections=`` run exports today's date-only BG articles (form C, stored at 00:00,
    listed hours later); the next run's feed reaches one of them. Below the floor by its
    00:00 but not by its day: the listings are still walked, nothing below is lost."""
    now = datetime(2026, 11, 29, 20, 0, tzinfo=SOFIA)
    replica = replica_factory(articles=5000, epoch=1, now=now)
    truth1 = truth(replica, 1)
    dated = [r for k, r in truth(replica, 2).items() if k[0] == "bg" and k not in truth1]
    section = max(  # (the newest new form C article's: within the next run's feed)
        (r for r in dated if published(r) == now.replace(hour=0)), key=lambda r: r["article_id"]
    )["section"]
    first = keyed(crawl(replica, tmp_path))
    replica.set_epoch(2)
    middle = keyed(crawl(replica, tmp_path, f"sections={section}"))
    assert any(k[0] == "bg" and published(r) == now.replace(hour=0) for k, r in middle.items()), (
        "no form C article of the day in the section run"
    )
    last = keyed(crawl(replica, tmp_path))
    assert not set(middle) & set(last)  # nothing twice
    lower = now - timedelta(hours=6, days=1)  # the first run's window, at epoch 1
    expected = {k: r for k, r in truth(replica, 2).items() if in_window(r, lower)}
    got = first | middle | last
    assert sorted(set(expected) - set(got)) == []
    assert not set(first) & (set(middle) | set(last))
    assert len(set(expected) - set(truth1)) > 100  # more than the feeds hold: listings walked


def test_a_section_page_serving_the_home_page_loses_nothing(replica_factory, tmp_path: Path):
    """``/world`` and ``/en/world`` (page 1) serve their home page's content: items of every
    section, a few world ones among them. Read as the sections' page 1 (its old items of other
    sections may end the walk there, or it goes on to page 2), the world articles only the
    real page 1 listed were never asked for, with no gap, and the first run moved both
    watermarks past them: 16 of 247 lost for good here (bg/world 6, en/world 10; 22 of 334 in
    the review). Now those walks are gaps: the watermarks stay at the first run's bound, and
    the next run, the site mended, exports what the first one missed."""
    replica = replica_factory(articles=ARTICLES, epoch=1, now=NOW)
    homes = {"/world": "/", "/en/world": "/en/"}
    proxy = Proxy(replica.base_url, lambda uri: homes.get(uri))
    days = ("FAKTI_FIRST_RUN_DAYS=200",)
    try:
        first = keyed(crawl(SimpleNamespace(base_url=proxy.url), tmp_path, settings=days))
    finally:
        proxy.stop()
    clock1 = NOW - timedelta(hours=6)
    expected = {k: r for k, r in truth(replica, 1).items() if in_window(r, clock1 - timedelta(200))}
    missed = set(expected) - set(first)
    assert missed and {expected[k]["section"] for k in missed} == {"world"}
    assert {lang for lang, _ in missed} == {"bg", "en"}
    assert_next_run_gets_the_rest(replica, tmp_path, first, expected, clock1, days)


def test_incremental_after_a_long_gap_walks_listings(replica, tmp_path: Path) -> None:
    assert crawl(replica, tmp_path, "since=2025-11-01", "until=2025-11-15")
    seen = replica.log()["total"]
    second = keyed(crawl(replica, tmp_path))
    expected = {
        k: r for k, r in truth(replica, 2).items() if published(r).date() >= date(2025, 11, 16)
    }
    assert len(expected) > 120  # more than the feeds hold (50 each): listings are walked
    assert_same(second, expected)
    kinds = [e["kind"] for e in replica.log()["entries"][seen:]]
    assert kinds.count("article") == len(expected)
    assert kinds.count("listing") > 2


def test_faults_nothing_lost_nothing_duplicated(replica_factory, tmp_path: Path) -> None:
    replica = replica_factory(articles=ARTICLES, epoch=2, now=NOW, faults=True)
    since = date(2025, 12, 1)
    got = keyed(crawl(replica, tmp_path, f"since={since}"))
    expected = {k: r for k, r in truth(replica, 2).items() if published(r).date() >= since}
    assert_same(got, expected)
    entries = replica.log()["entries"]
    assert {e["status"] for e in entries} - {200}, "the replica served no faults"
    throttled = [e for e in entries if e["status"] == 429]
    assert throttled, "no 429 served"
    for e in throttled:  # Retry-After: 1 was honoured before the same path was asked again
        retry = next(r for r in entries if r["path"] == e["path"] and r["t"] > e["t"])
        assert retry["t"] - e["t"] >= 0.9, (e, retry)


def test_embedded_replica_flag(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "fakti", "-a", "replica=1"]
    cmd += ["-a", f"since={date.today() - timedelta(days=20)}", "-a", "lang=en"]
    cmd += ["-s", f"FAKTI_OUTPUT_DIR={tmp_path}", "-s", "LOG_LEVEL=INFO"]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "embedded replica at http://127.0.0.1:" in done.stderr
    # Its records, state and history in a folder of their own: in the live run's state, its
    # keys and watermarks made the next live run skip 78 of 99 real articles (review).
    assert sorted(p.name for p in tmp_path.iterdir()) == ["replica"]
    assert (tmp_path / "replica" / ".state" / "fakti.sqlite").is_file()
    records = [
        json.loads(line)
        for path in (tmp_path / "replica" / "fakti").glob("*.jsonl")
        if "rejects" not in path.name
        for line in path.read_text("utf-8").splitlines()
    ]
    assert len(records) > 5
    assert all(r["url"].startswith("https://fakti.bg/en/") for r in records)
    assert len({r["article_id"] for r in records}) == len(records)


def test_scrapy_parse_shows_one_record(replica, tmp_path: Path) -> None:
    record = next(r for r in truth(replica, 2).values() if r["lang"] == "bg")
    url = record["url"].replace("https://fakti.bg", replica.base_url)
    cmd = [sys.executable, "-m", "scrapy", "parse", "--spider=fakti", "-s", "LOG_LEVEL=WARNING"]
    cmd += ["-s", f"FAKTI_BASE_URL={replica.base_url}", "-s", f"FAKTI_OUTPUT_DIR={tmp_path}", url]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"'url': '{record['url']}'" in done.stdout
    assert f"'article_id': {record['article_id']}" in done.stdout
    assert replica.log()["by_kind"].get("article") == 1


def test_bad_argument_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "fakti", "-a", "until=2025-02-30"]
    cmd += ["-s", f"FAKTI_OUTPUT_DIR={tmp_path}"]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if "CRITICAL" in line]
    assert len(errors) == 1
    assert errors[0].endswith(
        "argument until: bad value '2025-02-30' (day is out of range for month); "
        "expected until=YYYY-MM-DD"
    )
    assert "Traceback" not in done.stderr


def test_until_before_the_incremental_window_exits_non_zero_with_one_line(
    replica_factory, tmp_path: Path
) -> None:
    """No `since`: a first run walks one day back, so `until` a year ago leaves nothing."""
    replica = replica_factory(articles=ARTICLES, epoch=2, now=NOW)
    cmd = [sys.executable, "-m", "scrapy", "crawl", "fakti", "-a", "until=2025-01-01"]
    cmd += ["-s", f"FAKTI_BASE_URL={replica.base_url}", "-s", f"FAKTI_OUTPUT_DIR={tmp_path}"]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr[-3000:]
    (error,) = [line for line in done.stderr.splitlines() if "CRITICAL" in line]
    assert "argument until: bad value '2025-01-01' (bg is walked down to " in error
    assert "Traceback" not in done.stderr
    assert replica.log()["total"] == 0
    assert [p.name for p in (tmp_path / "fakti").iterdir()] == []  # its claim released too
    # the store is closed: it left its -wal and -shm files (the state and its lock stay)
    state = sorted(p.name for p in (tmp_path / ".state").iterdir())
    assert state == ["fakti.sqlite", "fakti.sqlite.lock"]


def test_crawl_delay_honoured_when_enabled_on_loopback(replica_factory, tmp_path: Path) -> None:
    replica = replica_factory(articles=ARTICLES, epoch=2, now=NOW, crawl_delay=0.3)
    urls = [r["url"] for r in list(truth(replica, 2).values())[-5:]]
    records = crawl(
        replica, tmp_path, "url=" + ",".join(urls), settings=("FAKTI_CRAWL_DELAY_OBEY=True",)
    )
    assert len(records) == 5
    times = sorted(e["t"] for e in replica.log()["entries"] if e["kind"] == "article")
    gaps = [b - a for a, b in pairwise(times)]
    assert len(gaps) == 4
    # Spaced by the 0.3 s Crawl-delay (without it the gaps are milliseconds); the margin
    # absorbs when the replica stamps an arrival under load.
    assert min(gaps) >= 0.2, gaps


def test_a_tiny_embedded_replica_crawls_without_server_errors(tmp_path: Path) -> None:
    """5 articles leave most sections empty: their listings raised KeyError in the replica
    (a CRITICAL traceback each, and a 500 the crawl retried and lost)."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "fakti", "-a", "replica=1"]
    cmd += ["-s", "FAKTI_REPLICA_ARTICLES=5", "-s", f"FAKTI_OUTPUT_DIR={tmp_path}"]
    cmd += ["-s", "LOG_LEVEL=INFO"]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "CRITICAL" not in done.stderr
    assert "'downloader/response_status_count/200'" in done.stderr
    assert "response_status_count/5" not in done.stderr
