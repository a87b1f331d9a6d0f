"""Spider arguments (``-a name=value``): validated once, at start.

A bad value raises :class:`ArgumentError` whose one-line message names the argument and
shows the accepted form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from newsspider.extraction import patterns as P
from newsspider.extraction.urls import ArticleRef, parse_article_url

LANGS = ("bg", "en")

#: Argument name → accepted form, as shown in errors.
FORMS: dict[str, str] = {
    "lang": "lang=en|bg|all",
    "since": "since=YYYY-MM-DD",
    "until": "until=YYYY-MM-DD",
    "sections": "sections=SECTION[,SECTION...] with SECTION one of " + "|".join(sorted(P.SECTIONS)),
    "url": "url=URL[,URL...] of fakti.bg articles",
    "replica": "replica=1|0",
    "refresh": "refresh=N (days, an integer >= 0)",
}


class ArgumentError(ValueError):
    """A bad spider argument; ``str()`` is the one-line message for the user."""

    def __init__(self, name: str, value: object, reason: str = "") -> None:
        why = f" ({reason})" if reason else ""
        super().__init__(f"argument {name}: bad value {value!r}{why}; expected {FORMS[name]}")
        self.name = name


@dataclass(frozen=True, slots=True)
class CrawlArgs:
    """The validated arguments of one run."""

    langs: tuple[str, ...] = LANGS
    since: date | None = None
    until: date | None = None
    sections: tuple[str, ...] | None = None
    urls: tuple[ArticleRef, ...] = ()
    replica: bool = False
    refresh: int | None = None


def _date(name: str, value: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError("not YYYY-MM-DD")
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentError(name, value, str(exc)) from None


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def parse_args(raw: Mapping[str, object], extra_hosts: tuple[str, ...] = ()) -> CrawlArgs:
    """Validate the spider's keyword arguments (names starting with ``_`` are ignored).

    ``extra_hosts`` are origins (``host:port``) accepted in ``url`` besides fakti.bg.
    """
    given = {k: str(v).strip() for k, v in raw.items() if not k.startswith("_")}
    unknown = sorted(set(given) - set(FORMS))
    if unknown:
        raise ValueError(f"argument {unknown[0]}: unknown; accepted arguments: {', '.join(FORMS)}")
    values: dict[str, object] = {}
    if "lang" in given:
        lang = given["lang"].lower()
        if lang not in (*LANGS, "all"):
            raise ArgumentError("lang", given["lang"])
        values["langs"] = LANGS if lang == "all" else (lang,)
    for name in ("since", "until"):
        if name in given:
            values[name] = _date(name, given[name])
    since, until = values.get("since"), values.get("until")
    if isinstance(since, date) and isinstance(until, date) and since > until:
        raise ArgumentError("until", given["until"], f"before since={given['since']}")
    if "sections" in given:
        sections = [s.lower() for s in _list(given["sections"])]
        bad = [s for s in sections if s not in P.SECTIONS]
        if not sections or bad:
            raise ArgumentError("sections", given["sections"], f"unknown {bad[0]!r}" if bad else "")
        values["sections"] = tuple(dict.fromkeys(sections))
    if "url" in given:
        refs = []
        for url in _list(given["url"]) or [""]:
            ref = parse_article_url(url, extra_hosts=extra_hosts)
            if ref is None:
                raise ArgumentError("url", url, "not a fakti.bg article URL")
            refs.append(ref)
        values["urls"] = tuple(refs)
    if "replica" in given:
        flag = given["replica"].lower()
        if flag not in ("1", "0", "true", "false", "yes", "no"):
            raise ArgumentError("replica", given["replica"])
        values["replica"] = flag in ("1", "true", "yes")
    if "refresh" in given:
        if not given["refresh"].isdigit():
            raise ArgumentError("refresh", given["refresh"])
        values["refresh"] = int(given["refresh"])
    return CrawlArgs(**values)  # type: ignore[arg-type]


#: Numeric crawling settings and their least accepted value.
NUMERIC_SETTINGS: dict[str, float] = {
    "FAKTI_FIRST_RUN_DAYS": 0.0,
    "FAKTI_INCREMENTAL_OVERLAP_MINUTES": 0.0,
    "FAKTI_CRAWL_DELAY_MAX": 0.0,
    "FAKTI_RETRY_BACKOFF_BASE": 0.0,
    "FAKTI_RETRY_BACKOFF_MAX": 0.0,
    "FAKTI_RETRY_AFTER_MAX": 0.0,
    "FAKTI_MAX_LISTING_PAGES": 0.0,
}

#: Most extraction worker processes a crawl may start.
MAX_EXTRACT_WORKERS = 64


def validate_settings(settings: Mapping[str, object]) -> None:
    """Check the crawling settings; raises ``ValueError`` with a one-line message."""
    base = str(settings.get("FAKTI_BASE_URL") or "")
    try:
        parts = urlsplit(base)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        parts = urlsplit("")
    if parts.scheme not in P.WEB_SCHEMES or not parts.hostname:
        raise ValueError(
            f"setting FAKTI_BASE_URL: bad value {base!r}; expected http(s)://host[:port]"
        )
    workers = settings.get("FAKTI_EXTRACT_WORKERS", 0)
    if not re.fullmatch(r"[0-9]+", str(workers).strip()) or int(str(workers)) > MAX_EXTRACT_WORKERS:
        raise ValueError(
            f"setting FAKTI_EXTRACT_WORKERS: bad value {workers!r}; "
            f"expected a whole number 0..{MAX_EXTRACT_WORKERS}"
        )
    for name, least in NUMERIC_SETTINGS.items():
        value = settings.get(name)
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = float("nan")
        if not number >= least:
            raise ValueError(f"setting {name}: bad value {value!r}; expected a number >= {least:g}")
