"""URL canonicalisation, article references and page kinds (§1 of fakti-site.md)."""

from __future__ import annotations

import pytest

from newsspider.extraction.urls import (
    ArticleRef,
    canonicalize,
    classify,
    page_number,
    parse_article_url,
    parse_request_url,
    to_fetch_url,
)

EN = "https://fakti.bg/en/world/965998-isw-putin-ready"
BG = "https://fakti.bg/world/995663-ruskata-pvo-svali"


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        (EN, None, EN),
        ("https://www.fakti.bg/en/world/965998-isw-putin-ready", None, EN),
        ("https://fakti.bg./en/world/965998-isw-putin-ready", None, EN),
        ("https://www.fakti.bg./en/world/965998-isw-putin-ready", None, EN),
        ("http://fakti.bg/en/world/965998-isw-putin-ready", None, EN),
        ("HTTPS://WWW.FAKTI.BG/en/world/965998-isw-putin-ready", None, EN),
        ("https://fakti.bg:443/en/world/965998-isw-putin-ready", None, EN),
        (EN + "?utm_source=fb&utm_medium=social", None, EN),
        (EN + "#comments", None, EN),
        ("https://fakti.bg/en/amp/world/965998-isw-putin-ready", None, EN),
        ("https://fakti.bg/amp/world/995663-ruskata-pvo-svali", None, BG),
        ("/world/995663-ruskata-pvo-svali", "https://fakti.bg/", BG),
        ("world/995663-ruskata-pvo-svali", "https://www.fakti.bg/", BG),
        ("965998-isw-putin-ready", "https://fakti.bg/en/world/1-other", EN),
        ("//www.fakti.bg/world/995663-ruskata-pvo-svali?x=1", None, BG),
        ("  " + BG + "  ", None, BG),
        ("https://fakti.bg", None, "https://fakti.bg/"),
        ("https://fakti.bg/en/", None, "https://fakti.bg/en/"),
        # `amp/` with nothing after it is no AMP form of the home page
        ("https://fakti.bg/amp/", None, "https://fakti.bg/amp/"),
        ("https://fakti.bg/en/amp/", None, "https://fakti.bg/en/amp/"),
        (
            "https://fakti.bg/bulgaria/558557--sasht-zaplashvat",
            None,
            "https://fakti.bg/bulgaria/558557--sasht-zaplashvat",
        ),
        (
            "https://fakti.bg/zdrave/700001-simptom-na-",
            None,
            "https://fakti.bg/zdrave/700001-simptom-na-",
        ),
        (
            "https://fakti.bg/world/1-" + "dalag-" * 60,
            None,
            "https://fakti.bg/world/1-" + "dalag-" * 60,
        ),
    ],
)
def test_canonicalize_site_forms(url: str, base: str | None, expected: str) -> None:
    assert canonicalize(url, base) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/en/world/965998-x",
        "https://notfakti.bg/world/1-x",
        "https://fakti.bg.evil.com/world/1-x",
        "https://cdn4.focus.bg/fakti/photos/big/abc/x-1.jpg",
        "javascript:void(0)",
        "mailto:news@fakti.bg",
        "data:text/html,hello",
        "file:///etc/passwd",
        "ftp://fakti.bg/world/1-x",
        "",
        "   ",
        "/world/1-x",  # relative without a base
        "http://127.0.0.1:8765/en/world/1-x",  # replica origin not declared
    ],
)
def test_canonicalize_rejects(url: str) -> None:
    assert canonicalize(url) is None


def test_canonicalize_extra_hosts() -> None:
    mirror = "http://127.0.0.1:8765/en/amp/world/1-x?page=2"
    assert canonicalize(mirror, extra_hosts=["127.0.0.1:8765"]) == "https://fakti.bg/en/world/1-x"
    assert (
        canonicalize(mirror, extra_hosts=["http://127.0.0.1:8765/"])
        == "https://fakti.bg/en/world/1-x"
    )
    assert canonicalize("/en/world/1-x", "http://127.0.0.1:8765/en/", ["127.0.0.1:8765"]) == (
        "https://fakti.bg/en/world/1-x"
    )
    assert (
        canonicalize("http://127.0.0.1:9999/en/world/1-x", extra_hosts=["127.0.0.1:8765"]) is None
    )


def test_an_extra_host_is_matched_whatever_its_case_or_trailing_slash() -> None:
    """A mirror given as ``Mirror.Example:8080`` or ``127.0.0.1:8765/`` (no scheme) is the
    same origin as the lower-case ``host:port`` of its links."""
    assert canonicalize(
        "http://mirror.example:8080/bulgaria/1-x", extra_hosts=["Mirror.Example:8080"]
    ) == ("https://fakti.bg/bulgaria/1-x")
    assert canonicalize("http://127.0.0.1:8765/bulgaria/1-x", extra_hosts=["127.0.0.1:8765/"]) == (
        "https://fakti.bg/bulgaria/1-x"
    )


def test_user_info_does_not_hide_an_extra_host() -> None:
    """``user:pw@127.0.0.1:8765`` is the mirror ``127.0.0.1:8765`` (user info is no part of
    the origin)."""
    assert canonicalize(
        "http://user:pw@127.0.0.1:8765/bulgaria/1-x", extra_hosts=["127.0.0.1:8765"]
    ) == ("https://fakti.bg/bulgaria/1-x")


def test_a_url_without_a_host_name_is_never_on_the_site() -> None:
    """``http://:8765/...`` has a port but no host: not the site even when its authority is
    listed as an extra host, and no request URL of an article."""
    assert canonicalize("http://:8765/bulgaria/1-x", extra_hosts=[":8765"]) is None
    assert parse_request_url("http://:8765/bulgaria/1000001-x") is None


def test_a_request_url_with_a_fragment_names_the_article_without_it() -> None:
    """A mirror's request URL ``…/1000001-x#comments`` is the article ``x`` (the fragment is
    no part of the slug or the URL)."""
    assert parse_request_url("http://127.0.0.1:8765/bulgaria/1000001-x#comments") == ArticleRef(
        "bg", "bulgaria", 1000001, "x", "https://fakti.bg/bulgaria/1000001-x"
    )


def test_parse_article_url_en_and_bg() -> None:
    assert parse_article_url(
        "https://www.fakti.bg/en/amp/world/965998-isw-putin-ready?utm_source=x"
    ) == (ArticleRef("en", "world", 965998, "isw-putin-ready", EN))
    ref = parse_article_url("/world/995663-ruskata-pvo-svali")
    assert ref is None  # relative, no base
    ref = parse_article_url(BG)
    assert ref == ArticleRef("bg", "world", 995663, "ruskata-pvo-svali", BG)
    assert ref.key == ("bg", 995663)
    odd = parse_article_url("https://fakti.bg/kultura-art/558557--sasht-x")
    assert odd is not None and (odd.article_id, odd.slug, odd.section) == (
        558557,
        "-sasht-x",
        "kultura-art",
    )
    assert parse_article_url(BG + "/") == ref  # a trailing slash: the same canonical URL
    mirror = parse_article_url("http://127.0.0.1:8765/mnenia/1059001-mnenie", ["127.0.0.1:8765"])
    assert mirror == ArticleRef(
        "bg", "mnenia", 1059001, "mnenie", "https://fakti.bg/mnenia/1059001-mnenie"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://fakti.bg/en/world/2025/04/23/12345",  # day page
        "https://fakti.bg/world",
        "https://fakti.bg/en/world",
        "https://fakti.bg/notasection/123-x",
        "https://fakti.bg/world/x-123",
        "https://fakti.bg/world/123",
        "https://fakti.bg/world/123-x/more",
        "https://fakti.bg/en/author/jane-doe",
        "https://example.com/world/123-x",
        "https://fakti.bg/world/1234567890123456789-x",  # 19 digits: no 64-bit key
        "https://fakti.bg/bulgaria/0-x",  # ids start at 1
        "https://fakti.bg/bulgaria/000-x",
    ],
)
def test_parse_article_url_not_articles(url: str) -> None:
    assert parse_article_url(url) is None


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (EN, "article"),
        (BG, "article"),
        ("https://fakti.bg/en/amp/world/965998-x", "article"),
        ("https://fakti.bg/en/world/2025/04/23/12345", "day"),
        ("https://fakti.bg/", "home"),
        ("https://www.fakti.bg", "home"),
        ("https://fakti.bg/en/", "home"),
        ("https://fakti.bg/en", "home"),
        ("https://fakti.bg/world", "section"),
        ("https://fakti.bg/en/kultura-art?page=3", "section"),
        (
            "https://fakti.bg/search?q=&sort=date&fromdate=01.01.2026&todate=02.01.2026&page=0",
            "search",
        ),
        ("https://fakti.bg/en/search?q=x", "search"),
        ("https://fakti.bg/feed", "rss"),
        ("https://fakti.bg/feed/world", "rss"),
        ("https://fakti.bg/en/feed/sport", "rss"),
        ("https://fakti.bg/dnes", "dnes"),
        ("https://fakti.bg/en/author/jane-doe", "author"),
        ("https://fakti.bg/author/ivan-ivanov?page=2", "author"),
        ("https://fakti.bg/robots.txt", "robots"),
        ("https://fakti.bg/tag/ukraine", "other"),
        ("https://fakti.bg/notasection", "other"),
        ("https://fakti.bg/notasection/1-x", "other"),
        ("https://fakti.bg/bulgaria/0-x", "other"),  # no article id
        ("https://fakti.bg/en/notasection/2025/10/26/1", "other"),  # a day page of no section
        ("https://fakti.bg/amp/", "other"),
        ("https://example.com/", "offsite"),
        ("mailto:x@fakti.bg", "offsite"),
    ],
)
def test_classify(url: str, kind: str) -> None:
    assert classify(url) == kind


@pytest.mark.parametrize(
    "url",
    [
        "https://fakti.bg/amp/amp/world/1-x",
        "https://fakti.bg/en/amp/amp/world/1-x",
        "https://fakti.bg/amp/world/1-x",
        "https://fakti.bg/en/amp/world/1-x",
        "https://fakti.bg/world/1-x",
        "https://fakti.bg/amp/imoti",
    ],
)
def test_classify_agrees_with_parse_article_url(url: str) -> None:
    """A doubled `amp/` is not an article for either (one `amp/` is removed, once)."""
    assert (classify(url) == "article") == (parse_article_url(url) is not None)


def test_classify_extra_hosts() -> None:
    assert classify("http://127.0.0.1:8765/dnes", ["127.0.0.1:8765"]) == "dnes"
    assert classify("http://127.0.0.1:8765/dnes") == "offsite"


def test_to_fetch_url() -> None:
    assert to_fetch_url("https://fakti.bg/en/world/1-x", "http://127.0.0.1:8765") == (
        "http://127.0.0.1:8765/en/world/1-x"
    )
    assert to_fetch_url("https://fakti.bg/en/world/1-x", "http://127.0.0.1:8765/") == (
        "http://127.0.0.1:8765/en/world/1-x"
    )
    assert to_fetch_url("https://fakti.bg/world?page=2", "http://m:1") == "http://m:1/world?page=2"
    assert to_fetch_url(EN, "https://fakti.bg") == EN


def test_an_article_id_has_at_most_18_digits() -> None:
    ref = parse_article_url("https://fakti.bg/world/123456789012345678-x")
    assert ref is not None and ref.article_id == 123456789012345678


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://fakti.bg/world/١٢٣-x", "other"),  # Arabic-Indic digits
        ("https://fakti.bg/en/world/１０００００１-x", "other"),  # fullwidth digits
        ("https://fakti.bg/en/world/٢٠٢٥/04/23/12345", "other"),
    ],
)
def test_only_ascii_digits_make_an_id_or_a_date(url: str, kind: str) -> None:
    """Review #3: ``\\d`` took any Unicode digit, which ``int()`` reads: ``/world/١٢٣-x`` was
    the key ``("bg", 123)``, another article's."""
    assert parse_article_url(url) is None
    assert classify(url) == kind


def test_a_query_with_two_page_values_gives_the_first() -> None:
    """`page=2&page=3` is page 2; no `page` (or no integer) is the default."""
    assert (page_number("page=2&page=3", 1), page_number("q=x", 1), page_number("page=x", 1)) == (
        2,
        1,
        1,
    )
