"""Redirected discovery requests over real loopback HTTP: a real ``scrapy crawl fakti``.

The site's BG feed moved to the home page (301 to ``/``) and its EN feed to the BG feed (301
to ``/feed``, then to ``/``). Before, the redirect of a feed to a page asked for again was
dropped as a duplicate (or made the spider's own request for it one): an edition's walk was
lost, the run exited 0 and its watermark moved.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fake_site import Site, redirect, send

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
AT = datetime.now(ZoneInfo("Europe/Sofia")).replace(second=0, microsecond=0) - timedelta(hours=1)
BG_MONTHS = "Януари Февруари Март Април Май Юни Юли Август Септември Октомври Ноември Декември"
EN_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"
BG, EN = "/world/1000001-sintetichna", "/en/world/1000002-synthetic"


def date_line(lang: str) -> str:
    if lang == "bg":
        return f"{AT.day} {BG_MONTHS.split()[AT.month - 1]}, {AT.year} {AT:%H:%M}"
    return f"{EN_MONTHS.split()[AT.month - 1]} {AT.day}, {AT.year} {AT:%H:%M}"


def article(path: str, lang: str) -> bytes:
    return (
        f'<html lang="{lang}"><head><title>Synthetic {lang} - Fakti</title></head><body>'
        f"<article><h1>Synthetic {lang}</h1><div class='info'><div class='ndt'>"
        f"{date_line(lang)}</div><div class='nv'>7</div></div><div class='text'>"
        f"<p>Generated body of {path}.</p></div></article></body></html>"
    ).encode()


def listing(path: str) -> bytes:
    return (
        f'<html><body><article class="panel selected-ln"><a href="{path}">'
        f'<span class="article-title">T</span></a><div class="ndt">{AT:%d.%m.%Y}</div>'
        '<div class="nv">1</div></article></body></html>'
    ).encode()


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict[int, dict]]:
    site = Site(
        {
            "/feed": redirect("/", 301),
            "/en/feed": redirect("/feed", 301),
            "/": send(listing(BG)),
            "/en/": send(listing(EN)),
            BG: send(article(BG, "bg")),
            EN: send(article(EN, "en")),
        }
    )
    out = tmp_path_factory.mktemp("out")
    cmd = [sys.executable, "-m", "scrapy", "crawl", "fakti", "-s", "LOG_LEVEL=DEBUG"]
    cmd += ["-s", f"FAKTI_BASE_URL={site.url}", "-s", f"FAKTI_OUTPUT_DIR={out}"]
    try:
        done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    finally:
        site.stop()
    records = {
        r["article_id"]: r
        for path in (out / "fakti").glob("*[0-9].jsonl")
        for r in map(json.loads, path.read_text("utf-8").splitlines())
    }
    return done, records


def test_both_editions_are_walked_though_their_feeds_moved(crawl) -> None:
    done, records = crawl
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert sorted(records) == [1000001, 1000002]
    assert records[1000001]["lang"] == "bg" and records[1000002]["lang"] == "en"
    assert "Filtered duplicate" not in done.stderr
    assert "'discovery/feeds/unusable': 2" in done.stderr
    assert done.returncode == 0
