"""Replica options for the health-gate tests: a forced markup variant and empty listings; the
command line's refusals."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from newsspider.extraction.article import extract_article
from newsspider.extraction.listings import ListingPage, parse_search
from newsspider.extraction.record import Extracted, content_hash
from newsspider.replica.__main__ import main
from newsspider.replica.generator import SOFIA, VARIANTS, Site
from newsspider.replica.pages import Pages

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 29, 11, 0, tzinfo=SOFIA)
ORIGIN = "http://127.0.0.1:9"
SEARCH = "/search?q=&sort=date&c=0&fromdate=01.03.2025&todate=29.11.2026&page=0"


@pytest.fixture(scope="module")
def mixed() -> Site:
    return Site(articles=120, seed=1, now=NOW)


def test_forced_variant_applies_to_every_article_but_the_seed(mixed):
    forced = Site(articles=120, seed=1, now=NOW, variant="redesign")
    assert len({a.variant for a in mixed.articles}) > 1
    assert {a.variant for a in forced.articles if not a.is_seed} == {"redesign"}
    assert [a.key for a in forced.articles] == [a.key for a in mixed.articles]
    a = next(a for a in forced.articles if not a.is_seed and a.lang == "en")
    page = Pages(forced).render(a.path, 2, ORIGIN)
    assert page.status == 200
    assert b"application/ld+json" not in page.body and b'class="ndt"' not in page.body
    result = extract_article(page.body, a.url)
    assert isinstance(result, Extracted)
    assert result.layers["published_at"] == "text"
    truth = {(r["lang"], r["article_id"]): r for r in forced.ground_truth(2)}
    assert result.fields["headline"] == truth[a.key]["headline"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_page_of_a_forced_variant_gives_its_whole_truth(mixed, variant):
    """The truth is what the page shows: a forced variant without a dateModified kept the
    EN updated_at drawn for a full page, which no page of it shows."""
    forced = Site(articles=120, seed=1, now=NOW, variant=variant)
    pages = Pages(forced, cache_size=1)
    updated = {a.key for a in mixed.articles if a.lang == "en" and a.modified is not None}
    assert updated  # (EN full pages updated on the mixed site, forced into `variant` here)
    truths = {(r["lang"], r["article_id"]): r for r in forced.ground_truth(2)}
    for a in forced.existing(forced.articles, 2):
        page = pages.render(a.path, 2, ORIGIN)
        result = extract_article(page.body, a.url, content_type=page.content_type)
        assert isinstance(result, Extracted), (a.path, result)
        got = {**result.fields}
        got["content_hash"] = content_hash(got["headline"], got["subtitle"], got["body"])
        truth = truths[a.key]
        assert {k: got.get(k) for k in truth} == truth, a.path
        if a.key in updated and variant != "full":
            assert truth["updated_at"] is None


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="variant must be one of"):
        Site(articles=10, seed=1, now=NOW, variant="bogus")
    with pytest.raises(SystemExit):
        main(["--variant", "bogus"])


#: An article link in any of its forms (relative, absolute, AMP), as a listing item has it.
ARTICLE_LINK = re.compile(rb"/(?:en/)?(?:amp/)?[a-z-]+/\d{6,7}-")


@pytest.mark.parametrize(
    "uri", ["/", "/en/", "/world", "/en/world", "/feed", "/en/feed/world", SEARCH, "/dnes"]
)
def test_empty_listings_have_no_article_links_but_articles_still_exist(mixed, uri):
    empty = Site(articles=120, seed=1, now=NOW, empty_listings=True)
    assert ARTICLE_LINK.search(Pages(mixed).render(uri, 2, ORIGIN).body)
    page = Pages(empty).render(uri, 2, ORIGIN)
    assert page.status == 200 and not ARTICLE_LINK.search(page.body)
    assert list(empty.ground_truth(2)) == list(mixed.ground_truth(2))
    a = empty.articles[-1]
    assert Pages(empty).render(a.path, 2, ORIGIN).status == 200


def test_a_capped_search_lists_nothing_past_its_last_page(mixed):
    """``search_pages=1`` (``--search-pages 1``): page 0 as ever, still linking page 1 (the
    site counts every match), page 1 and later answer 200 without results nor a next link."""
    capped = Site(articles=120, seed=1, now=NOW, search_pages=1)

    def results(site: Site, n: int) -> ListingPage:
        page = Pages(site).render(SEARCH.replace("page=0", f"page={n}"), 2, ORIGIN)
        assert page.status == 200 and page.kind == "search"
        return parse_search(page.body, ORIGIN + SEARCH, NOW)

    first = results(capped, 0)
    assert first == results(mixed, 0)
    assert len(first.items) == 20 and first.next_url is not None
    for n in (1, 2):
        assert results(capped, n) == ListingPage()
        assert results(mixed, n).items
    with pytest.raises(ValueError, match="search_pages must be 1 or more"):
        Site(articles=10, seed=1, now=NOW, search_pages=0)


#: Bad options → (exit status, the start of stderr's last line after the program's name).
BAD_OPTIONS = {
    "--articles 0": (2, "error: articles must be between 1 and 50,000"),
    "--articles 50001": (2, "error: articles must be between 1 and 50,000"),
    "--port 70000": (2, "error: argument --port: '70000' is not a port (0-65535)"),
    "--port -1": (2, "error: argument --port: '-1' is not a port (0-65535)"),
    "--now 2020-01-01T00:00": (2, "error: the replica clock must be after 2025-11-01"),
    # (beyond UTC's range: an OverflowError traceback, exit status 1)
    "--now 0001-01-01T00:00+05:00": (2, "error: the replica clock 0001-01-01T00:00:00+05:00 is"),
    "--now 9999-12-31T23:59-05:00": (2, "error: the replica clock 9999-12-31T23:59:00-05:00 is"),
    "--crawl-delay nan": (2, "error: argument --crawl-delay: 'nan' is not a delay"),
    "--crawl-delay inf": (2, "error: argument --crawl-delay: 'inf' is not a delay"),
    "--crawl-delay -1": (2, "error: argument --crawl-delay: '-1' is not a delay"),
    "--search-pages 0": (2, "error: argument --search-pages: '0' is not a number of pages"),
    "--port {taken}": (1, "Couldn't listen on 127.0.0.1:{taken}: "),
}


@pytest.mark.parametrize("options", BAD_OPTIONS)
def test_a_bad_option_or_a_taken_port_is_one_line_and_no_truth(options, tmp_path):
    """Each was a traceback (ValueError, OverflowError, CannotListenError), or, for a delay,
    served as ``Crawl-delay: nan``."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        args = [a.replace("{taken}", port) for a in options.split()]
        cmd = [sys.executable, "-m", "newsspider.replica", "--articles", "1", *args]
        cmd += ["--truth", str(tmp_path / "truth.jsonl")]
        done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=30)
    status, line = BAD_OPTIONS[options]
    assert done.returncode == status and "Traceback" not in done.stderr, done.stderr
    last = done.stderr.splitlines()[-1]  # (after argparse's usage)
    assert last.startswith(f"python -m newsspider.replica: {line.replace('{taken}', port)}")
    assert not (tmp_path / "truth.jsonl").exists()
