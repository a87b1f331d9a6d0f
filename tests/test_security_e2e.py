"""Limits over real loopback HTTP: a hostile site served to a real ``scrapy crawl fakti``.

Site A (the crawled base) serves one good article and hostile ones: a gzip bomb, an
oversized page (with and without ``Content-Length``), an off-site redirect, an off-site
``<meta refresh>``, a redirect to ``file:``, and gzip bodies cut short (always, or only the
first time) with a ``Content-Length`` that matches them, and a ``206 Partial Content`` of
an article that was never asked for a range, and another article's page (its canonical link
names it) served with 200 at an article's URL. Site B (another loopback port) logs what
reaches it. The crawl runs twice: with the project settings (the protections) and, as the
control that shows each check would fail without its protection, with them switched off.
"""

from __future__ import annotations

import datetime
import gzip
import json
import re
import subprocess
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fake_site import MiB, Site, redirect, send

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
BOMB_SIZE = 64 * MiB  # decompressed; about 64 KB on the wire
BIG_SIZE = 12 * MiB  # over the 10 MiB DOWNLOAD_MAXSIZE


def article(article_id: int, headline: str, padding: int = 0) -> bytes:
    head = (
        f"<html><head><title>{headline} - Fakti</title></head><body><article><h1>{headline}</h1>"
        '<div class="info"><div class="ndt">Apr 23, 2025 08:03</div><div class="nv">7</div></div>'
        f'<div class="text"><p>Synthetic body of article {article_id}.</p></div></article>'
    ).encode()
    return head + b" " * padding + b"</body></html>"


def long_article(article_id: int, headline: str) -> bytes:
    """An article with 400 synthetic sentences in one paragraph, the last one ``Fin.``."""
    text = " ".join(f"Synthetic sentence {n} of article {article_id}." for n in range(400))
    body = f"Synthetic body of article {article_id}.".encode()
    return article(article_id, headline).replace(body, f"{text} Fin.".encode())


def cut_gzip(page: bytes) -> bytes:
    """``page`` gzipped, then cut in the middle of its stream."""
    packed = gzip.compress(page)
    return packed[: len(packed) // 2]


def gzip_bomb() -> bytes:
    """A gzip stream of an article padded with spaces to ``BOMB_SIZE`` bytes."""
    page = article(1000002, "Bomb")
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunks = [packer.compress(page[:-14])]
    chunk = b" " * MiB
    for _ in range(BOMB_SIZE // MiB):
        chunks.append(packer.compress(chunk))
    chunks.append(packer.compress(page[-14:]) + packer.flush())
    return b"".join(chunks)


GOOD, BOMB, BIG, BIG_STREAM, AWAY, REFRESH, FILE, CUT, FLAKY, PARTIAL, COPY = (
    "/en/world/1000001-good",
    "/en/world/1000002-bomb",
    "/en/world/1000003-big",
    "/en/world/1000004-big-stream",
    "/en/world/1000005-away",
    "/en/world/1000006-refresh",
    "/en/world/1000007-file",
    "/en/world/1000008-cut",
    "/en/world/1000009-flaky",
    "/en/world/1000010-partial",
    "/en/world/1000011-copy",
)
GZIP = {"Content-Encoding": "gzip"}


def first_cut(site: Site, path: str, page: bytes):
    """Serves ``page`` gzipped and cut short at the first request of ``path``, whole after."""
    cut, whole = send(cut_gzip(page), headers=GZIP), send(gzip.compress(page), headers=GZIP)
    return lambda h: (cut if site.hits.count(path) == 1 else whole)(h)


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[Site, Site]]:
    away = Site({})
    away.routes = {AWAY: send(article(1000005, "Away")), REFRESH: send(article(1000006, "Away"))}
    refresh = (
        f'<html><head><meta http-equiv="refresh" content="0;url={away.url}{REFRESH}">'
        "</head><body></body></html>"
    ).encode()
    base = Site(
        {
            "/robots.txt": send(b"User-agent: *\nDisallow: /admin/\n"),
            GOOD: send(article(1000001, "Good")),
            BOMB: send(gzip_bomb(), headers={"Content-Encoding": "gzip"}),
            BIG: send(article(1000003, "Big", BIG_SIZE)),
            BIG_STREAM: send(article(1000004, "Big stream", BIG_SIZE), length=False),
            AWAY: redirect(f"{away.url}{AWAY}"),
            REFRESH: send(refresh),
            FILE: redirect("file:///etc/passwd"),
            CUT: send(cut_gzip(long_article(1000008, "Cut")), headers=GZIP),
        }
    )
    canonical = f'<head><link rel="canonical" href="https://fakti.bg{GOOD}">'.encode()
    base.routes[COPY] = send(article(1000001, "Good").replace(b"<head>", canonical))
    base.routes[FLAKY] = first_cut(base, FLAKY, long_article(1000009, "Flaky"))
    whole = long_article(1000010, "Partial")
    part = whole[: len(whole) // 3]
    base.routes[PARTIAL] = send(
        part, status=206, headers={"Content-Range": f"bytes 0-{len(part) - 1}/{len(whole)}"}
    )
    yield base, away
    base.stop()
    away.stop()


_STATS = re.compile(r"Dumping Scrapy stats:\n(\{.*?\})\n(?=\d{4}-)", re.S)


@dataclass
class Crawl:
    records: dict[int, dict]  # by article id
    rejects: dict[str, str]  # reason by URL
    stats: dict
    log: str
    away_hits: list[str]  # what reached site B


def crawl(base: Site, away: Site, out: Path, *settings: str) -> Crawl:
    """Crawl every path of ``base`` with ``url=``."""
    paths = [GOOD, BOMB, BIG, BIG_STREAM, AWAY, REFRESH, FILE, CUT, FLAKY, PARTIAL, COPY]
    cmd = [sys.executable, "-m", "scrapy", "crawl", "fakti", "-s", "LOG_LEVEL=INFO"]
    cmd += ["-s", f"FAKTI_BASE_URL={base.url}", "-s", f"FAKTI_OUTPUT_DIR={out}"]
    cmd += ["-a", "url=" + ",".join(base.url + p for p in paths)]
    for setting in settings:
        cmd += ["-s", setting]
    base.hits.clear()
    away.hits.clear()
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    match = _STATS.search(done.stderr)
    assert match, done.stderr[-3000:]
    stats = eval(match.group(1), {"datetime": datetime}, {})  # Scrapy's own pprint dump
    records = {
        r["article_id"]: r
        for path in (out / "fakti").glob("*[0-9].jsonl")
        for r in map(json.loads, path.read_text("utf-8").splitlines())
    }
    rejects = {
        r["url"]: r["reason"]
        for path in (out / "fakti").glob("*.rejects.jsonl")
        for r in map(json.loads, path.read_text("utf-8").splitlines())
    }
    return Crawl(records, rejects, stats, done.stderr, list(away.hits))


@pytest.fixture(scope="module")
def protected(sites, tmp_path_factory) -> Crawl:
    return crawl(*sites, tmp_path_factory.mktemp("protected"))


@pytest.fixture(scope="module")
def unprotected(sites, tmp_path_factory) -> Crawl:
    """The control: the same crawl with the size limits and the site guard off, and Scrapy's
    own decompression and HTTP error middleware in place of ours."""
    off = json.dumps(
        {
            "newsspider.middlewares.safety.SiteGuardMiddleware": None,
            "newsspider.middlewares.safety.SizeLimitMiddleware": None,
            "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": 590,
        }
    )
    scrapy_errors = json.dumps(
        {
            "newsspider.middlewares.httperror.WholePageHttpErrorMiddleware": None,
            "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": 50,
        }
    )
    return crawl(
        *sites,
        tmp_path_factory.mktemp("unprotected"),
        "DOWNLOAD_MAXSIZE=0",
        "DOWNLOAD_WARNSIZE=0",
        f"DOWNLOADER_MIDDLEWARES={off}",
        f"SPIDER_MIDDLEWARES={scrapy_errors}",
    )


def test_the_good_article_gets_through(protected: Crawl) -> None:
    assert sorted(protected.records) == [1000001, 1000009]
    assert protected.records[1000001]["headline"] == "Good"


def test_a_gzip_body_cut_short_is_retried_never_read_as_a_shorter_page(
    protected: Crawl, unprotected: Crawl
) -> None:
    flaky = protected.records[1000009]["body"]
    assert flaky.endswith("Synthetic sentence 399 of article 1000009. Fin.")  # the retry, whole
    assert 1000008 not in protected.records  # cut every time: no record of half a page
    assert protected.stats["safety/truncated"] == 1 + 6  # flaky once, cut: 1 + RETRY_TIMES
    assert protected.stats["retry/reason_count/truncated body"] == 1 + 5
    assert protected.stats["retry/max_reached"] == 1
    # the control: Scrapy's decompression reads each cut stream as a shorter page
    for key in (1000008, 1000009):
        assert not unprotected.records[key]["body"].endswith("Fin.")
        assert "Synthetic sentence 1 of" in unprotected.records[key]["body"]


def test_gzip_bomb_is_dropped_during_decompression(protected: Crawl, unprotected: Crawl) -> None:
    assert 1000002 not in protected.records
    line = next(x for x in protected.log.splitlines() if BOMB in x and "DOWNLOAD_MAXSIZE" in x)
    decompressed = int(re.search(r"(\d+) B decompressed so far", line).group(1))
    assert decompressed <= 11 * MiB  # stopped near the limit, never 64 MiB in memory
    assert 1000002 in unprotected.records  # without the limit the bomb is inflated and used


def test_oversized_responses_are_cancelled(protected: Crawl, unprotected: Crawl) -> None:
    log = protected.log
    assert 1000003 not in protected.records and 1000004 not in protected.records
    size = len(article(1000003, "Big", BIG_SIZE))
    assert re.search(rf"Expected to receive {size} bytes .* max size .*{BIG}>", log)
    received = re.search(rf"Received (\d+) bytes .* max size .*{BIG_STREAM}>", log)
    assert received and int(received.group(1)) < 11 * MiB  # cut while streaming
    assert protected.stats["safety/refused/maxsize"] == 3  # these two and the bomb
    assert "Error downloading" not in log  # refused quietly, no traceback
    assert {1000003, 1000004} <= set(unprotected.records)


def test_a_partial_content_response_is_not_read_as_the_page(
    protected: Crawl, unprotected: Crawl
) -> None:
    assert 1000010 not in protected.records  # a reject http:206 (below)
    partial = unprotected.records[1000010]["body"]  # the control: a third of the article
    assert partial.startswith("Synthetic sentence 0 of") and not partial.endswith("Fin.")


def test_no_redirect_is_followed_off_site(protected: Crawl, unprotected: Crawl) -> None:
    assert protected.away_hits == []  # site B never saw a request
    assert protected.stats["safety/refused/offsite"] == 2  # the 302 and the <meta refresh>
    assert protected.stats["safety/refused/redirect"] == 2
    assert 1000005 not in protected.records and 1000006 not in protected.records
    assert {AWAY, REFRESH} <= set(unprotected.away_hits)  # the control went to site B


def test_redirect_to_file_scheme_is_not_followed(protected: Crawl) -> None:
    assert 1000007 not in protected.records
    assert "root:" not in json.dumps(protected.records)


def test_every_refused_article_leaves_a_reject(protected: Crawl) -> None:
    """Nothing requested is lost without a trace: each URL is a record or a reject."""
    refused = "download:IgnoreRequest"  # by the site guard
    too_large = "download:TooLarge"  # over DOWNLOAD_MAXSIZE: counts against coverage
    assert protected.rejects == {
        "https://fakti.bg" + BOMB: too_large,
        "https://fakti.bg" + BIG: too_large,
        "https://fakti.bg" + BIG_STREAM: too_large,
        "https://fakti.bg" + AWAY: refused,  # redirected off-site
        "https://fakti.bg" + REFRESH: refused,  # meta refresh off-site
        "https://fakti.bg" + FILE: "http:302",  # a redirect to file: is not followed
        "https://fakti.bg" + CUT: "download:ResponseDataLossError",  # cut at every try
        "https://fakti.bg" + PARTIAL: "http:206",
        "https://fakti.bg" + COPY: "canonical:other_article",  # not the good one's text again
    }
    assert protected.stats["pages/failed"] == 8
