"""The replica's generator: determinism, ids, DST edges, epochs, coverage, ground truth."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import jsonschema
import pytest
from dateutil import tz

from newsspider.extraction import extract_article
from newsspider.extraction.record import content_hash
from newsspider.replica import articles as render
from newsspider.replica.chrome import esc
from newsspider.replica.generator import SEVEN_DIGITS_FROM, SOFIA, WINDOW_START, Site, wall
from newsspider.replica.pages import Pages

NOW = datetime(2026, 11, 29, 11, 0, tzinfo=SOFIA)
SCHEMA = json.loads(
    (Path(__file__).parent.parent / "newsspider/schema/article.schema.json").read_text("utf-8")
)


@pytest.fixture(scope="module")
def site() -> Site:
    return Site(articles=300, seed=1, now=NOW)


def test_same_seed_same_truth_and_bytes(site):
    other = Site(articles=300, seed=1, now=NOW)
    assert list(other.ground_truth(2)) == list(site.ground_truth(2))
    for a in site.articles[::37]:
        assert (
            Pages(other).render(a.path, 2, "http://h").body
            == Pages(site).render(a.path, 2, "http://h").body
        )
    third = Site(articles=300, seed=2, now=NOW)
    assert [r["headline"] for r in third.ground_truth(2)] != [
        r["headline"] for r in site.ground_truth(2)
    ]


def test_articles_count_and_sections(site):
    assert len(site.articles) == 300
    assert len({a.section for a in site.articles}) >= 8
    assert len({a.key for a in site.articles}) == 300


def test_ids_six_digits_before_september_seven_after(site):
    six = [a for a in site.articles if a.article_id < 1_000_000]
    seven = [a for a in site.articles if a.article_id >= 1_000_000]
    assert six and seven
    assert all(a.t < SEVEN_DIGITS_FROM for a in six)
    assert all(a.t >= SEVEN_DIGITS_FROM and a.article_id < 10_000_000 for a in seven)
    assert all(a.article_id >= 100_000 for a in six)


def test_ids_follow_time_within_an_edition_sequence(site):
    firsts = {}
    for a in site.articles:  # time order; a twin reuses an earlier id of the other edition
        firsts.setdefault(a.article_id, a)
    ids = [a.article_id for a in sorted(firsts.values(), key=lambda a: a.t)]
    assert ids == sorted(ids)


def test_some_ids_in_both_editions_are_distinct_articles(site):
    ids = Counter(a.article_id for a in site.articles)
    shared = [i for i, n in ids.items() if n == 2]
    assert shared
    for i in shared:
        assert site.by_key[("en", i)].headline != site.by_key[("bg", i)].headline


def test_seed_article_is_included(site, seed_expected):
    rec = site.by_key[("en", 965998)].truth(1)
    for key, value in seed_expected.items():
        assert rec[key] == value, key
    assert rec["authors"] == [] and rec["comments"] is None and rec["updated_at"] is None


def test_autumn_repeated_hour_first_occurrence(site):
    hits = [a for a in site.articles if a.lang == "en" and a.shown == datetime(2025, 10, 26, 3, 30)]
    assert hits and hits[0].truth(1)["published_at"] == "2025-10-26T03:30:00+03:00"
    assert hits[0].variant != "full"  # no JSON-LD: the date line alone must decide
    line = render.date_text(hits[0])
    assert line.endswith(" 26, 2025 03:30")
    assert line in Pages(site).render(hits[0].path, 1, "http://h").body.decode()


def test_spring_gap_time_on_a_bulgarian_page(site):
    hits = [
        a for a in site.articles if a.lang == "bg" and render.date_text(a) == "30 Март, 2025 03:30"
    ]
    assert hits
    a = hits[0]
    assert a.truth(1)["published_at"] == "2025-03-30T04:30:00+03:00"
    assert "30 Март, 2025 03:30" in Pages(site).render(a.path, 1, "http://h").body.decode()


@pytest.mark.parametrize(
    ("now", "clock1"),
    [
        (datetime(2026, 3, 29, 9, 30, tzinfo=SOFIA), "2026-03-29T02:30:00+02:00"),
        (datetime(2026, 10, 25, 9, 30, tzinfo=SOFIA), "2026-10-25T03:30:00+02:00"),
    ],
)
def test_epochs_are_six_hours_apart_on_the_clock_change_days(now: datetime, clock1: str):
    """Epoch 1's clock was ``now - 6h`` on the wall clock: 03:30, a time that never was, 5
    real hours before 09:30 on the spring day; 03:30 +03:00, 7 hours before, on the autumn
    day. It is 6 hours of real time earlier, as Sofia writes that instant."""
    site = Site(articles=60, seed=1, now=now)
    one, two = site.clock(1), site.clock(2)
    assert two.timestamp() - one.timestamp() == 6 * 3600
    assert one.isoformat() == clock1 and tz.datetime_exists(one)


def test_listings_are_newest_first_on_the_spring_day():
    """Times were drawn on the wall clock, so 8 articles fell in the skipped hour 03:00-04:00
    of 29 Mar 2026: shown an hour later (03:44 as 04:44) but listed by the time that never
    was, below articles of 04:10. Every time is now a real instant, listed newest first
    (but BG form C's 00:00, a date shown without its time)."""
    site = Site(articles=3000, seed=1, now=datetime(2026, 3, 29, 9, 30, tzinfo=SOFIA))
    day = [a for a in site.articles if a.t.astimezone(SOFIA).date().isoformat() == "2026-03-29"]
    assert len(day) > 100
    assert all(tz.datetime_exists(a.published) for a in day)
    for lst in site.by_lang.values():
        listed = [a.published.timestamp() for a in site.newest(lst, 2) if a.form != "C"]
        assert listed == sorted(listed, reverse=True)


def test_the_autumn_days_repeated_hour_has_articles_in_both_passes():
    """Times drawn on the wall clock never fell in the second pass of the repeated hour
    (25 Oct 2026, 01:00-02:00 UTC; 0 of 20,000 articles, 63 in the first pass). Instants
    fill both; a forced article at 03:10 +02:00 has its offset on the page (JSON-LD), and
    the truth, the listing, the feed and the search agree on it."""
    site = Site(articles=3000, seed=1, now=datetime(2026, 10, 25, 12, 0, tzinfo=SOFIA))
    passes = Counter(
        a.t.astimezone(UTC).hour for a in site.articles if a.t.date().isoformat() == "2026-10-25"
    )
    assert passes[0] > 3 and passes[1] > 3  # first pass 00:00-01:00 UTC, second 01:00-02:00
    a = next(a for a in site.articles if a.t == datetime(2026, 10, 25, 1, 10, tzinfo=UTC))
    assert a.truth(2)["published_at"] == "2026-10-25T03:10:00+02:00"
    pages = Pages(site)

    def page(uri: str) -> str:
        return pages.render(uri, 2, "http://h").body.decode()

    assert '"datePublished": "2026-10-25T03:10:00+02:00"' in page(a.path)
    assert "<pubDate>Sun, 25 Oct 2026 03:10:00 +0200</pubDate>" in page("/feed/bulgaria")
    bg = [x for x in site.newest(site.by_lang["bg"], 2) if x.form != "C"]
    below = bg[bg.index(a) + 1]  # newest first by instant: the first pass's 03:58 below 03:10
    assert wall(below.t) == datetime(2026, 10, 25, 3, 58) and below.t < a.t
    item = f'{esc(a.headline)}</span></a><div class="ndt">днес в 03:10 ч.</div>'
    assert any(item in page(f"/bulgaria?page={n}") for n in range(1, 6))
    words = quote(" ".join(a.headline.split()[:4]))
    assert a.path in page(f"/search?q={words}&fromdate=25.10.2026&todate=25.10.2026")


def test_window_and_density(site):
    c1, c2 = site.clock(1), site.clock(2)
    assert c2 - c1 == timedelta(hours=6)
    epoch1 = site.existing(site.articles, 1)
    assert all(a.t <= c1 for a in epoch1)
    assert all(a.published >= WINDOW_START for a in site.articles)
    recent = [a for a in epoch1 if a.t > c1 - timedelta(hours=24)]
    assert len(recent) >= 0.05 * len(epoch1)
    assert len(site.existing(site.articles, 2)) > len(epoch1)


def test_epoch_two_adds_articles_and_raises_views(site):
    one = {(r["lang"], r["article_id"]): r for r in site.ground_truth(1)}
    two = {(r["lang"], r["article_id"]): r for r in site.ground_truth(2)}
    assert set(one) < set(two)
    raised = [k for k in one if one[k]["views"] is not None and two[k]["views"] > one[k]["views"]]
    assert raised
    assert all(
        two[k]["views"] is None or two[k]["views"] >= one[k]["views"]
        for k in one
        if one[k]["views"]
    )
    assert one[("en", 965998)]["views"] == two[("en", 965998)]["views"] == 144
    lang, new_id = next(iter(set(two) - set(one)))
    assert site.article(lang, new_id, 1) is None and site.article(lang, new_id, 2) is not None


def test_epoch_two_edits_some_articles_by_one_paragraph(site):
    """About 5% of epoch 1's articles show one paragraph more in epoch 2 (the rest of the
    record but views as before), on the served page too."""
    one = {(r["lang"], r["article_id"]): r for r in site.ground_truth(1)}
    two = {(r["lang"], r["article_id"]): r for r in site.ground_truth(2)}
    edited = [k for k in one if one[k]["content_hash"] != two[k]["content_hash"]]
    assert 0.02 * len(one) <= len(edited) <= 0.1 * len(one)
    for k in edited:
        before, after = one[k]["body"], two[k]["body"]
        assert after.startswith(before + "\n\n") and "\n\n" not in after[len(before) + 2 :]
        same = {f for f in one[k] if f not in ("body", "content_hash", "views")}
        assert {f: one[k][f] for f in same} == {f: two[k][f] for f in same}
    pages = Pages(site)
    for epoch, truth in ((1, one), (2, two)):
        for key in edited:
            page = pages.get(site.by_key[key].path, epoch, "http://x")
            result = extract_article(page.body, truth[key]["url"], content_type=page.content_type)
            assert result.fields["body"] == truth[key]["body"]


def test_every_variant_and_oddity_is_present(site):
    arts = site.existing(site.articles, 1)
    kinds = {(a.lang, a.variant) for a in arts}
    for lang in ("en", "bg"):
        for variant in ("full", "nostructured", "redesign", "broken"):
            assert (lang, variant) in kinds
    assert {a.form for a in arts if a.lang == "bg"} == {"A", "B", "C"}
    assert {a.broken for a in arts} >= {"markup", "cp1251", "cp1251-meta"}
    assert any(a.section == "mnenia" and a.opinion_inline for a in arts)
    assert any(a.section == "mnenia" and not a.opinion_inline for a in arts)
    assert any(a.video_only for a in arts)
    assert {a.month_style for a in arts if a.lang == "en"} == {"en", "bg", "bgshort"}
    big = {a.sep for a in arts if a.views(1) >= 1000 and a.shown_views(1) is not None}
    assert big == {" ", "\u00a0", "\u202f"}
    assert {a.subtitle_kind for a in arts} == {"normal", "junk", "none"}
    assert any(not a.caption and a.image for a in arts)
    assert any('"' in a.headline for a in arts) and any("&" in a.headline for a in arts)
    assert any(a.headline_twice for a in arts) and any(a.modified for a in arts)
    assert any(a.slug.startswith("-") or a.slug.endswith("-") or len(a.slug) > 150 for a in arts)
    comments = {r["comments"] for r in site.ground_truth(1) if r["comments"] is not None}
    assert any(61 <= n <= 999 for n in comments) and any(n <= 60 for n in comments)


@pytest.mark.parametrize(("articles", "seed"), [(300, 1), (5000, 2)])
def test_no_update_is_later_than_its_epochs_clock(articles: int, seed: int):
    """BG form B updates were drawn up to 4 hours after publication and could lie after
    the site's clock (05:27 at a clock of 05:00): a page showing an update from the future."""
    site = Site(articles=articles, seed=seed, now=NOW)
    for epoch in (1, 2):
        clock = site.clock(epoch)
        updated = [r["updated_at"] for r in site.ground_truth(epoch) if r["updated_at"]]
        assert len(updated) > 5 and max(map(datetime.fromisoformat, updated)) <= clock


def test_updates_across_the_spring_gap_are_times_that_exist():
    """An update drawn minutes after a publication before 29 Mar 2026's gap was added to the
    wall clock: the truth said 03:13+02:00, a time Sofia never showed, where the page meant
    04:13+03:00 (extraction review)."""
    site = Site(articles=1500, seed=3, now=datetime(2026, 3, 29, 11, 0, tzinfo=SOFIA))
    times = [
        datetime.fromisoformat(r[name])
        for r in site.ground_truth(2)
        for name in ("published_at", "updated_at")
        if r[name]
    ]
    gap_day = [t for t in times if t.date().isoformat() == "2026-03-29"]
    assert len(gap_day) > 20
    for t in gap_day:  # (as Sofia writes that instant)
        assert t.isoformat() == t.astimezone(SOFIA).isoformat()


def test_truth_records_are_valid_and_hashed(site):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for epoch in (1, 2):
        for rec in site.ground_truth(epoch):
            validator.validate({**rec, "scraped_at": "2026-11-29T09:00:00+00:00"})
            assert rec["content_hash"] == content_hash(
                rec["headline"], rec["subtitle"], rec["body"]
            )


def test_truth_field_rules(site):
    recs = list(site.ground_truth(1))
    en = [r for r in recs if r["lang"] == "en"]
    bg = [r for r in recs if r["lang"] == "bg"]
    assert all(r["authors"] == [] and r["tags"] == [] and r["comments"] is None for r in en)
    assert any(r["updated_at"] for r in en)  # JSON-LD dateModified that differs
    assert any(r["views"] is None for r in bg) and any(r["comments"] is not None for r in bg)
    assert any(r["authors"] for r in bg) and any(not r["authors"] for r in bg)
    assert any(r["tags"] for r in bg) and any(r["body"] == "" for r in recs)
    assert any(r["subtitle"] is None for r in recs)
    # form B: update time as shown, even when earlier than publication
    assert any(r["updated_at"] and r["updated_at"] < r["published_at"] for r in bg)


def test_write_truth(tmp_path, site):
    n = site.write_truth(tmp_path / "t.jsonl", 2)
    lines = (tmp_path / "t.jsonl").read_text("utf-8").splitlines()
    assert n == len(lines) == len(site.existing(site.articles, 2))
    assert json.loads(lines[0]) == next(site.ground_truth(2))


def test_fifty_thousand_specs_in_seconds():
    start = time.perf_counter()
    big = Site(articles=50_000, seed=3, now=NOW)
    assert time.perf_counter() - start < 15
    assert len(big.articles) == 50_000
    assert big.by_key[("en", 965998)].headline.startswith("ISW")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"now": datetime(2026, 1, 1)}, "aware"),
        ({"articles": 0}, "between"),
        ({"now": datetime(2025, 6, 1, tzinfo=SOFIA)}, "after"),
    ],
)
def test_bad_arguments(kwargs, error):
    with pytest.raises(ValueError, match=error):
        Site(**{"now": NOW, **kwargs})


@pytest.mark.parametrize(
    ("now", "passes"),
    [
        ((2026, 10, 25, 8, 30), [("2025-10-26", 1), ("2026-10-25", 2)]),  # epoch 1 before it
        ((2026, 10, 25, 12, 0), [("2026-10-25", 1)]),  # both epochs after it
        ((2026, 6, 15, 12, 0), [("2025-10-26", 1)]),
    ],
)
def test_each_epoch_has_an_article_in_the_second_pass_of_a_repeated_hour(now, passes):
    """The forced 03:10 +02:00 article was placed by epoch 2's clock only: a site whose epoch
    2 is on the change day after it had none in epoch 1 (review: --now 2026-10-25 08:30)."""
    site = Site(articles=300, seed=1, now=datetime(*now, tzinfo=SOFIA))
    found = []
    for day, epoch in passes:
        for e in range(epoch, 3):
            published = {r["published_at"] for r in site.ground_truth(e)}
            assert f"{day}T03:10:00+02:00" in published, (day, e)
        found.append(day)
    assert (
        len(
            {r["published_at"] for r in site.ground_truth(1)}
            & {f"{d}T03:10:00+02:00" for d in found}
        )
        == 1
    )  # (one in epoch 1)


def test_a_naive_clock_in_the_spring_gap_is_the_instant_it_means():
    """`--now 2026-03-29T03:30` kept the wall time 03:30 +02:00, which never was (the feeds'
    lastBuildDate said so); the instant was right."""
    gap = datetime(2026, 3, 29, 3, 30, tzinfo=SOFIA)
    assert Site(articles=20, now=gap).now.isoformat() == "2026-03-29T04:30:00+03:00"
