"""Spider argument validation: accepted forms and one-line errors naming the argument."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from newsspider.args import (
    LANGS,
    NUMERIC_SETTINGS,
    ArgumentError,
    CrawlArgs,
    parse_args,
    site_root,
    validate_settings,
)
from newsspider.extraction.dates import SOFIA


def test_defaults() -> None:
    assert parse_args({}) == CrawlArgs(langs=("bg", "en"))


@pytest.mark.parametrize(("value", "langs"), [("en", ("en",)), ("BG", ("bg",)), ("all", LANGS)])
def test_lang(value: str, langs: tuple[str, ...]) -> None:
    assert parse_args({"lang": value}).langs == langs


def test_dates_and_sections() -> None:
    args = parse_args(
        {"since": "2025-03-30", "until": "2025-10-26", "sections": "world, Bulgaria,world"}
    )
    assert args.since == date(2025, 3, 30)
    assert args.until == date(2025, 10, 26)
    assert args.sections == ("world", "bulgaria")


def test_urls_any_form_keyed_by_lang_and_id() -> None:
    args = parse_args(
        {
            "url": "https://www.fakti.bg/en/amp/world/965998-x?utm_source=a,"
            "http://127.0.0.1:8765/mnenia/1000123-y",
        },
        extra_hosts=("127.0.0.1:8765",),
    )
    assert [ref.key for ref in args.urls] == [("en", 965998), ("bg", 1000123)]
    assert args.urls[0].url == "https://fakti.bg/en/world/965998-x"


@pytest.mark.parametrize(
    ("value", "keys"),
    [
        # a comma inside a tracking query was a split: "bad value 'b'"
        ("https://fakti.bg/en/world/965998-isw?utm_source=a,b", [("en", 965998)]),
        (
            "https://fakti.bg/en/world/965998-x?utm=a,b, HTTPS://www.fakti.bg/mnenia/1000123-y"
            "?x=1,2,//fakti.bg/en/amp/world/965999-z",
            [("en", 965998), ("bg", 1000123), ("en", 965999)],
        ),
        (
            ",https://fakti.bg/en/world/965998-x ,, https://fakti.bg/sport/7-y, ",
            [("en", 965998), ("bg", 7)],
        ),
    ],
)
def test_urls_split_only_where_a_url_starts(value: str, keys: list[tuple[str, int]]) -> None:
    assert [ref.key for ref in parse_args({"url": value}).urls] == keys


@pytest.mark.parametrize(
    "value",
    [
        "https://fakti.bg/en/world/965998-isw?utm_source=x,fakti.bg/en/world/777-y",
        "https://fakti.bg/en/world/965998-isw?utm_source=x, https:/fakti.bg/en/world/777-y",
        "https://fakti.bg/en/world/965998-isw#top,/sport/777-y",
    ],
)
def test_a_second_url_mistyped_inside_a_query_is_an_error(value: str) -> None:
    """Commas in a query stay in its URL: a mistyped second URL there was dropped, the run
    fetching only the first article with exit 0 (before, the split made it an error)."""
    with pytest.raises(ArgumentError, match="a comma in it is followed by another URL"):
        parse_args({"url": value})
    assert len(parse_args({"url": "https://fakti.bg/en/world/9-x?a=b,c.d&e=1,2"}).urls) == 1


@pytest.mark.parametrize(
    ("query", "hosts"),
    [
        ("?utm=x,localhost:8765/en/world/7-y", ("localhost:8765",)),
        ("?utm=x,mirror.example:8080/en/world/7-y", ("mirror.example:8080",)),
        ("?utm=x,fakti.bg:443/en/world/7-y", ()),
        ("?utm=x,http//fakti.bg/en/world/7-y", ()),
        ("?utm=x,https:fakti.bg/en/world/7-y", ()),
        ("?utm=x,http:fakti.bg:443/en/world/7-y", ()),
    ],
)
def test_a_lost_second_url_on_a_host_with_a_port_is_an_error(
    query: str, hosts: tuple[str, ...]
) -> None:
    """`localhost:` was stripped as if it were a scheme, so the address after the comma did
    not parse and the second article was silently dropped."""
    with pytest.raises(ArgumentError, match="a comma in it is followed by another URL"):
        parse_args({"url": "https://fakti.bg/en/world/965998-isw" + query}, extra_hosts=hosts)


@pytest.mark.parametrize(
    "query",
    [
        "?utm_source=a,b#/comments/",
        "#/comments,page/2/",
        "?ref=https://www.facebook.com/a,b/c/",
        "?tags=world,europe/ukraine/",
        "?v=1,2.3/",
    ],
)
def test_a_comma_before_anything_but_an_article_address_stays_in_its_url(query: str) -> None:
    """Any comma with a '/' somewhere after it was taken for a second URL (exit 1): a return
    URL, a fragment route, a path-like tracking value."""
    (ref,) = parse_args({"url": "https://fakti.bg/en/world/965998-isw" + query}).urls
    assert ref.key == ("en", 965998)


def test_replica_and_refresh() -> None:
    args = parse_args({"replica": "1", "refresh": "3", "_job": "ignored"})
    assert args.replica is True
    assert args.refresh == 3


@pytest.mark.parametrize(
    ("value", "on"),
    [("1", True), ("true", True), ("Yes", True), ("0", False), ("false", False), ("no", False)],
)
def test_replica_takes_each_spelling_of_on_and_off(value: str, on: bool) -> None:
    assert parse_args({"replica": value}).replica is on


def test_blanks_around_an_argument_value_are_dropped() -> None:
    """A value from a templated command line (`-a lang=" en "`) is read without them."""
    args = parse_args({"lang": " en ", "since": "2025-03-01 ", "refresh": " 3"})
    assert args == CrawlArgs(langs=("en",), since=date(2025, 3, 1), refresh=3)


@pytest.mark.parametrize("value", ["", ",", " , "])
def test_a_url_argument_naming_no_url_is_refused(value: str) -> None:
    """`-a url=` (an empty variable) must not become a full crawl of the site."""
    with pytest.raises(ArgumentError) as info:
        parse_args({"url": value})
    assert str(info.value) == (
        f"argument url: bad value {value!r} (not a fakti.bg article URL); expected "
        "url=URL[,URL...] of fakti.bg articles (each http://, https:// or //)"
    )


@pytest.mark.parametrize(
    "name", ["lang", "since", "until", "sections", "url", "replica", "refresh"]
)
@pytest.mark.parametrize("value", [" ", "\t"])
def test_a_blank_argument_value_is_shown_as_given(name: str, value: str) -> None:
    """`-a "lang= "` was refused as "bad value ''", a value not given."""
    with pytest.raises(ArgumentError) as info:
        parse_args({name: value})
    assert str(info.value).startswith(f"argument {name}: bad value {value!r}")


def test_a_bad_argument_value_is_shown_as_given() -> None:
    for name, value in [("lang", " fr "), ("since", " 2025-02-30"), ("refresh", "3 days ")]:
        with pytest.raises(ArgumentError) as info:
            parse_args({name: value})
        assert str(info.value).startswith(f"argument {name}: bad value {value!r}")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (
            {"since": " 9999-12-31"},
            "argument since: bad value ' 9999-12-31' (after today in Sofia)",
        ),
        (
            {"until": "9999-12-31 "},
            "argument until: bad value '9999-12-31 ' (the calendar's last day, which has no "
            "midnight after it; leave until= out)",
        ),
        (
            {"since": "2025-05-02", "until": " 2025-05-01"},
            "argument until: bad value ' 2025-05-01' (before since=2025-05-02)",
        ),
        (
            {"url": " https://fakti.bg/en/world/123-x", "lang": "en"},
            "argument url: bad value ' https://fakti.bg/en/world/123-x' (cannot be combined with "
            "lang: a url= run fetches just its URLs)",
        ),
    ],
)
def test_a_value_refused_for_its_date_or_company_is_shown_as_given(raw: dict, shown: str) -> None:
    """A well-formed value refused later (after today, the last day, before `since`, with
    other arguments) keeps the blanks it was written with, as a malformed one does."""
    with pytest.raises(ArgumentError) as info:
        parse_args(raw)
    assert str(info.value).startswith(shown + "; expected ")


@pytest.mark.parametrize(
    ("raw", "name", "form"),
    [
        ({"lang": "de"}, "lang", "lang=en|bg|all"),
        ({"since": "2025-4-1"}, "since", "since=YYYY-MM-DD"),
        # other ISO 8601 forms of ten characters (a week date was read as 2025-03-03)
        ({"since": "2025-W10-1"}, "since", "since=YYYY-MM-DD"),
        ({"since": "2025-03-01", "until": "2025-W10-1"}, "until", "until=YYYY-MM-DD"),
        ({"since": "2025-02-30"}, "since", "since=YYYY-MM-DD"),
        ({"until": "yesterday"}, "until", "until=YYYY-MM-DD"),
        ({"since": "2025-05-02", "until": "2025-05-01"}, "until", "until=YYYY-MM-DD"),
        ({"sections": "world,sports"}, "sections", "sections=SECTION[,SECTION...]"),
        ({"sections": " , "}, "sections", "sections=SECTION"),
        ({"url": "https://example.com/world/123-x"}, "url", "url=URL[,URL...]"),
        ({"url": "https://fakti.bg/en/world/2025/04/23/00001"}, "url", "url=URL"),
        ({"replica": "maybe"}, "replica", "replica=1|0"),
        ({"refresh": "-1"}, "refresh", "refresh=N"),
        ({"refresh": "36501"}, "refresh", "refresh=N (days, a whole number 0..36500)"),
        ({"since": "2999-01-01"}, "since", "since=YYYY-MM-DD"),
        ({"until": "9999-12-31"}, "until", "no midnight after it; leave until= out"),
        ({"since": "9999-12-31"}, "since", "after today in Sofia"),
    ],
)
def test_bad_values_name_argument_and_form(raw: dict, name: str, form: str) -> None:
    with pytest.raises(ArgumentError) as info:
        parse_args(raw)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"argument {name}: bad value")
    assert form in message
    assert info.value.name == name


@pytest.mark.parametrize(
    ("other", "value"),
    [
        ("lang", "bg"),
        ("since", "2026-11-01"),
        ("until", "2026-11-01"),
        ("sections", "world"),
        ("refresh", "3"),
    ],
)
def test_url_with_an_argument_that_steers_discovery_is_refused(other: str, value: str) -> None:
    """They were ignored, and the run report recorded them as the run's scope (review:
    `lang=bg refresh=3` for an English URL: scope bg, refresh 3, neither done)."""
    url = "https://fakti.bg/en/world/123-x"
    with pytest.raises(ArgumentError) as info:
        parse_args({"url": url, other: value})
    assert str(info.value) == (
        f"argument url: bad value {url!r} (cannot be combined with {other}: a url= run fetches "
        "just its URLs); expected url=URL[,URL...] of fakti.bg articles (each http://, "
        "https:// or //)"
    )


def test_since_today_and_until_in_the_future_are_accepted() -> None:
    today = datetime.now(SOFIA).date()
    args = parse_args({"since": today.isoformat(), "until": "2999-01-01", "refresh": "36500"})
    assert args.since == today and args.until == date(2999, 1, 1) and args.refresh == 36500


def test_since_tomorrow_is_refused() -> None:
    tomorrow = (datetime.now(SOFIA).date() + timedelta(days=1)).isoformat()
    with pytest.raises(ArgumentError) as info:
        parse_args({"since": tomorrow})
    assert str(info.value) == (
        f"argument since: bad value {tomorrow!r} (after today in Sofia); expected since=YYYY-MM-DD"
    )


def test_since_equal_to_until_is_a_backfill_of_that_one_day() -> None:
    args = parse_args({"since": "2025-03-01", "until": "2025-03-01"})
    assert (args.since, args.until) == (date(2025, 3, 1), date(2025, 3, 1))


def test_unknown_argument() -> None:
    with pytest.raises(ValueError, match=r"^argument sinse: unknown; accepted arguments: lang,"):
        parse_args({"sinse": "2025-01-01"})


GOOD_SETTINGS = {
    "FAKTI_BASE_URL": "http://127.0.0.1:8765",
    **dict.fromkeys(NUMERIC_SETTINGS, 1),
    "FAKTI_STALL_SECONDS": 0,  # (1 s is within the quiet bound of these: tests/test_stall.py)
}


def test_settings_accepted() -> None:
    validate_settings(GOOD_SETTINGS)
    validate_settings({**GOOD_SETTINGS, "FAKTI_FIRST_RUN_DAYS": "0.5"})
    validate_settings({**GOOD_SETTINGS, "FAKTI_EXTRACT_WORKERS": "64"})
    validate_settings({**GOOD_SETTINGS, "FAKTI_EXTRACT_WORKERS": 0})


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("FAKTI_BASE_URL", "fakti.bg", "setting FAKTI_BASE_URL: bad value 'fakti.bg'; expected"),
        ("FAKTI_BASE_URL", "ftp://fakti.bg", "setting FAKTI_BASE_URL: bad value"),
        ("FAKTI_FIRST_RUN_DAYS", "-1", "setting FAKTI_FIRST_RUN_DAYS: bad value '-1'; expected"),
        ("FAKTI_RETRY_AFTER_MAX", "soon", "setting FAKTI_RETRY_AFTER_MAX: bad value 'soon'"),
        ("FAKTI_CRAWL_DELAY_MAX", None, "setting FAKTI_CRAWL_DELAY_MAX: bad value None"),
        ("FAKTI_EXTRACT_WORKERS", "-1", "setting FAKTI_EXTRACT_WORKERS: bad value '-1'; expected"),
        ("FAKTI_EXTRACT_WORKERS", "1.5", "setting FAKTI_EXTRACT_WORKERS: bad value '1.5'"),
        ("FAKTI_EXTRACT_WORKERS", "65", "setting FAKTI_EXTRACT_WORKERS: bad value '65'"),
        ("FAKTI_EXTRACT_WORKERS", "two", "setting FAKTI_EXTRACT_WORKERS: bad value 'two'"),
        ("FAKTI_EXTRACT_WORKERS", "²", "setting FAKTI_EXTRACT_WORKERS: bad value '²'"),
        # (no upper bound: infinity is refused as not finite)
        (
            "FAKTI_HEALTH_ITEMS_MIN_MEDIAN",
            "inf",
            "setting FAKTI_HEALTH_ITEMS_MIN_MEDIAN: bad value 'inf'; expected a number >= 0",
        ),
        (
            "AUTOTHROTTLE_TARGET_CONCURRENCY",
            float("inf"),
            "setting AUTOTHROTTLE_TARGET_CONCURRENCY: bad value inf; expected a number >= 0.001",
        ),
    ],
)
def test_bad_settings(name: str, value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        validate_settings({**GOOD_SETTINGS, name: value})
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("given", "root"),
    [
        ("http://127.0.0.1:018200", "http://127.0.0.1:18200"),  # (every link was offsite)
        ("HTTP://Fakti.BG/", "http://fakti.bg"),
        ("https://fakti.bg:443", "https://fakti.bg"),
        ("http://mirror.example:80", "http://mirror.example"),
        ("http://mirror.example:443", "http://mirror.example:443"),
        ("http://[::1]:08811/", "http://[::1]:8811"),
        ("http://[0:0:0:0:0:0:0:1]:8811", "http://[::1]:8811"),
        ("http://[::FFFF:127.0.0.1]:8811", "http://[::ffff:7f00:1]:8811"),
        ("http://[FE80:0::1]", "http://[fe80::1]"),
        ("http://xn--e1aybc.example:8000", "http://xn--e1aybc.example:8000"),
    ],
)
def test_the_site_root_has_one_form(given: str, root: str) -> None:
    assert site_root(given) == root


def test_a_host_with_a_blank_is_refused() -> None:
    """It ran, and exited 4 "unreachable" (review)."""
    with pytest.raises(ValueError) as info:
        validate_settings({**GOOD_SETTINGS, "FAKTI_BASE_URL": "http://127.0.0 .1:18200"})
    assert str(info.value) == (
        "setting FAKTI_BASE_URL: bad value 'http://127.0.0 .1:18200' ('127.0.0 .1' is no host "
        "name or address); expected http(s)://host[:port], without path, query or user"
    )


def test_the_scope_of_sections_and_urls_is_a_set() -> None:
    """Workers of one distributed job given `sections=world,sport` and `sections=sport,world`
    (or a URL list in another order, or with a URL twice) walk the same, yet the second was
    refused as asking for another job (review)."""
    a, b = "https://fakti.bg/world/1000001-a", "https://fakti.bg/en/world/1000002-b"
    pairs = [
        ({"sections": "world,sport"}, {"sections": "sport,world"}),
        ({"url": f"{a},{b}"}, {"url": f"{b},{a},{b}"}),
    ]
    for one, other in pairs:
        assert parse_args(one).scope() == parse_args(other).scope()
    assert parse_args({"sections": "world"}).scope() != parse_args({"sections": "sport"}).scope()
