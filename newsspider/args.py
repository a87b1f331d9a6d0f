"""Spider arguments (``-a name=value``): validated once, at start.

A bad value raises :class:`ArgumentError` whose one-line message names the argument and
shows the accepted form.
"""

from __future__ import annotations

import difflib
import ipaddress
import logging
import math
import re
import string
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.settings import default_settings as scrapy_defaults

from newsspider import settings as project_settings
from newsspider.extensions.health import HISTORY_READ, finish_reasons, min_coverage
from newsspider.extensions.lock import lock_paths
from newsspider.extensions.monitors import ACTION_SETTINGS, action_paths, load_actions
from newsspider.extensions.stall import quiet_bound
from newsspider.extraction import patterns as P
from newsspider.extraction.dates import SOFIA
from newsspider.extraction.record import RECORD_FIELDS
from newsspider.extraction.urls import ArticleRef, parse_article_url
from newsspider.feedtargets import file_storages, project_files, target_problem
from newsspider.pipelines.dedup import emit_mode
from newsspider.state import check_location, is_redis, redact, state_file

#: The spider's name (a feed URI's ``%(name)s``).
SPIDER_NAME = "fakti"
LANGS = ("bg", "en")
#: The longest span, in days, a day or minute count may cover (about a century).
MAX_DAYS = 36_500

#: Argument name → accepted form, as shown in errors.
FORMS: dict[str, str] = {
    "lang": "lang=en|bg|all",
    "since": "since=YYYY-MM-DD",
    "until": "until=YYYY-MM-DD",
    "sections": "sections=SECTION[,SECTION...] with SECTION one of " + "|".join(sorted(P.SECTIONS)),
    "url": "url=URL[,URL...] of fakti.bg articles (each http://, https:// or //)",
    "replica": "replica=1|0",
    "refresh": f"refresh=N (days, a whole number 0..{MAX_DAYS})",
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

    def scope(self) -> str:
        """What these arguments ask to crawl, as text (``replica`` aside): the workers of one
        distributed job must give the same. Sections and URLs are a set: their order, or a
        URL given twice, asks for nothing else."""
        urls = sorted({f"{ref.lang}:{ref.article_id}" for ref in self.urls})
        given = {
            "lang": ",".join(sorted(self.langs)),
            "sections": ",".join(sorted(self.sections)) if self.sections else None,
            "since": self.since,
            "until": self.until,
            "refresh": self.refresh,
            "url": ",".join(urls) or None,
        }
        return " ".join(f"{name}={value}" for name, value in given.items() if value is not None)


def _date(name: str, value: str) -> date:
    """``value`` (blanks around it aside) as a date written ``YYYY-MM-DD`` (not another ISO
    8601 form: ``2025-W10-1`` is refused)."""
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            raise ValueError("not YYYY-MM-DD")
        day = date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ArgumentError(name, value, str(exc)) from None
    return day


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


#: A comma in ``url=`` that starts another URL: followed by optional spaces and ``http://``,
#: ``https://`` or ``//``. Any other comma belongs to the URL (``?utm_source=a,b``).
URL_SEPARATOR = re.compile(r",(?=\s*(?:https?:)?//)", re.IGNORECASE)
#: What follows a comma in a URL's query or fragment, up to the next ``&``, ``#`` or comma:
#: if it is an article's address (``fakti.bg/en/world/7-y``, ``/sport/7-y``, a mangled
#: ``https:/…``), a second URL lost its ``https://`` and would be dropped.
AFTER_COMMA = re.compile(r",\s*([^\s,&#]+)")
SCHEME_LIKE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:(?!\d)/*|https?//+)", re.IGNORECASE)


def _second_url(url: str, extra_hosts: tuple[str, ...]) -> bool:
    """Whether a comma in ``url``'s query or fragment is followed by an article's address."""
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=-1)
    if cut < 0:
        return False
    for match in AFTER_COMMA.finditer(url, cut):
        rest = SCHEME_LIKE.sub("", match.group(1))
        candidate = "https://fakti.bg" + rest if rest.startswith("/") else "https://" + rest
        if parse_article_url(candidate, extra_hosts=extra_hosts) is not None:
            return True
    return False


BLANKS_AND_COMMAS = string.whitespace + ","
#: The arguments that steer discovery: a ``url=`` run fetches its URLs and nothing else.
URL_EXCLUDES = ("lang", "since", "until", "sections", "refresh")


def _urls(value: str) -> list[str]:
    """The URLs of a ``url=`` value, split at :data:`URL_SEPARATOR` (blanks and commas around
    each removed, empty ones dropped)."""
    return [url for part in URL_SEPARATOR.split(value) if (url := part.strip(BLANKS_AND_COMMAS))]


def parse_args(raw: Mapping[str, object], extra_hosts: tuple[str, ...] = ()) -> CrawlArgs:
    """Validate the spider's keyword arguments (names starting with ``_`` are ignored).

    ``extra_hosts`` are origins (``host:port``) accepted in ``url`` besides fakti.bg. Values
    are read without the blanks around them; an error shows a value as written.
    """
    written = {k: str(v) for k, v in raw.items() if not k.startswith("_")}
    given = {k: v.strip() for k, v in written.items()}
    unknown = sorted(set(given) - set(FORMS))
    if unknown:
        raise ValueError(f"argument {unknown[0]}: unknown; accepted arguments: {', '.join(FORMS)}")
    values: dict[str, object] = {}
    if "lang" in given:
        lang = given["lang"].lower()
        if lang not in (*LANGS, "all"):
            raise ArgumentError("lang", written["lang"])
        values["langs"] = LANGS if lang == "all" else (lang,)
    for name in ("since", "until"):
        if name in given:
            values[name] = _date(name, written[name])
    since, until = values.get("since"), values.get("until")
    if isinstance(since, date) and since > datetime.now(SOFIA).date():
        raise ArgumentError("since", written["since"], "after today in Sofia")
    if until == date.max:  # the run's upper bound is the midnight after ``until``
        reason = "the calendar's last day, which has no midnight after it; leave until= out"
        raise ArgumentError("until", written["until"], reason)
    if isinstance(since, date) and isinstance(until, date) and since > until:
        raise ArgumentError("until", written["until"], f"before since={given['since']}")
    if "sections" in given:
        sections = [s.lower() for s in _list(given["sections"])]
        bad = [s for s in sections if s not in P.SECTIONS]
        if not sections or bad:
            reason = f"unknown {bad[0]!r}" if bad else ""
            raise ArgumentError("sections", written["sections"], reason)
        values["sections"] = tuple(dict.fromkeys(sections))
    if "url" in given:
        others = [name for name in URL_EXCLUDES if name in given]
        if others:
            together = ", ".join(others)
            reason = f"cannot be combined with {together}: a url= run fetches just its URLs"
            raise ArgumentError("url", written["url"], reason)
        refs = []
        for url in _urls(given["url"]) or [written["url"]]:
            if _second_url(url, extra_hosts):
                raise ArgumentError("url", url, "a comma in it is followed by another URL")
            ref = parse_article_url(url, extra_hosts=extra_hosts)
            if ref is None:
                raise ArgumentError("url", url, "not a fakti.bg article URL")
            refs.append(ref)
        values["urls"] = tuple(refs)
    if "replica" in given:
        flag = given["replica"].lower()
        if flag not in ("1", "0", "true", "false", "yes", "no"):
            raise ArgumentError("replica", written["replica"])
        values["replica"] = flag in ("1", "true", "yes")
    if "refresh" in given:
        if not re.fullmatch(r"[0-9]+", given["refresh"]) or int(given["refresh"]) > MAX_DAYS:
            raise ArgumentError("refresh", written["refresh"])
        values["refresh"] = int(given["refresh"])
    return CrawlArgs(**values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Number:
    """The accepted values of a numeric setting: finite, ``least..most``, whole or not."""

    least: float = 0.0
    most: float = math.inf
    whole: bool = False

    @property
    def form(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        if self.most == math.inf:
            return f"{kind} >= {self.least:.10g}"
        return f"{kind} {self.least:.10g}..{self.most:.10g}"

    def accepts(self, value: object) -> bool:
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():  # e.g. 100.0 in a settings file
            text = str(int(value))
        if self.whole and not re.fullmatch(r"[0-9]+", text):
            return False
        try:
            number = float(text)
        except ValueError:
            return False
        return math.isfinite(number) and self.least <= number <= self.most


#: The longest time (in seconds) a delay, back-off, interval or TTL setting may give.
MAX_SECONDS = MAX_DAYS * 86_400
#: Most extraction worker processes a crawl may start.
MAX_EXTRACT_WORKERS = 64

#: The ``FAKTI_*`` settings: those the project's settings module defines (each documented in
#: the README); any other ``FAKTI_*`` name is refused at start.
KNOWN_SETTINGS = frozenset(name for name in vars(project_settings) if name.startswith("FAKTI_"))

#: Numeric settings and their accepted values.
NUMERIC_SETTINGS: dict[str, Number] = {
    "FAKTI_FIRST_RUN_DAYS": Number(most=MAX_DAYS),
    "FAKTI_INCREMENTAL_OVERLAP_MINUTES": Number(most=MAX_DAYS * 24 * 60),
    "FAKTI_HOLD_DAYS": Number(most=MAX_DAYS),
    "FAKTI_CRAWL_DELAY_MAX": Number(most=MAX_SECONDS),
    "FAKTI_RETRY_BACKOFF_BASE": Number(most=MAX_SECONDS),
    "FAKTI_RETRY_BACKOFF_MAX": Number(most=MAX_SECONDS),
    "FAKTI_RETRY_AFTER_MAX": Number(most=MAX_SECONDS),
    "FAKTI_MAX_LISTING_PAGES": Number(whole=True),
    "FAKTI_EXTRACT_WORKERS": Number(most=MAX_EXTRACT_WORKERS, whole=True),
    "FAKTI_REPLICA_ARTICLES": Number(1, 50_000, whole=True),
    "FAKTI_REPLICA_EPOCH": Number(1, 2, whole=True),
    "FAKTI_WORKER_TTL": Number(least=1, most=MAX_SECONDS),
    "FAKTI_PROGRESS_INTERVAL": Number(most=MAX_SECONDS),
    "FAKTI_STALL_SECONDS": Number(most=MAX_SECONDS),
    "FAKTI_HEALTH_MIN_SAMPLE": Number(whole=True),
    "FAKTI_HEALTH_DRIFT_MAX_JUMP": Number(most=100),  # percentage points
    "FAKTI_HEALTH_HISTORY_RUNS": Number(1, HISTORY_READ, whole=True),
    "FAKTI_HEALTH_ITEMS_MIN_RUNS": Number(1, HISTORY_READ, whole=True),
    "FAKTI_HEALTH_ITEMS_MIN_MEDIAN": Number(),
    "FAKTI_HEALTH_ITEMS_MIN_RATIO": Number(most=1),  # a fraction of the expected count
    # Scrapy's own that the README documents (Scrapy would raise a traceback, or hang on 0)
    "RETRY_TIMES": Number(most=1_000, whole=True),
    "REDIRECT_MAX_TIMES": Number(most=1_000, whole=True),
    "DOWNLOAD_DELAY": Number(most=MAX_SECONDS),
    "DOWNLOAD_DELAY_JITTER": Number(most=1),  # (a delay × 1 ± it)
    "DOWNLOAD_TIMEOUT": Number(0.001, MAX_SECONDS),
    "DOWNLOAD_MAXSIZE": Number(whole=True),
    "DOWNLOAD_WARNSIZE": Number(whole=True),
    "CONCURRENT_REQUESTS": Number(least=1, whole=True),
    "CONCURRENT_REQUESTS_PER_DOMAIN": Number(least=1, whole=True),
    "AUTOTHROTTLE_START_DELAY": Number(most=MAX_SECONDS),
    "AUTOTHROTTLE_MAX_DELAY": Number(most=MAX_SECONDS),
    "AUTOTHROTTLE_TARGET_CONCURRENCY": Number(least=0.001),
    "CONCURRENT_ITEMS": Number(1, 1_000, whole=True),  # (asyncio tasks per response)
    "CLOSESPIDER_TIMEOUT": Number(most=MAX_SECONDS),
    "CLOSESPIDER_TIMEOUT_NO_ITEM": Number(most=MAX_SECONDS, whole=True),
    "CLOSESPIDER_ITEMCOUNT": Number(whole=True),
    "CLOSESPIDER_PAGECOUNT": Number(whole=True),
    "CLOSESPIDER_PAGECOUNT_NO_ITEM": Number(whole=True),
    "CLOSESPIDER_ERRORCOUNT": Number(whole=True),
    # Spidermon's (its e-mail sender's getint stopped the run with a traceback)
    "SPIDERMON_SMTP_PORT": Number(most=65_535, whole=True),  # (0: Spidermon's default, 25)
}

#: Boolean settings, and the spellings accepted for them (Scrapy's ``getbool`` reads them).
BOOLEAN_SETTINGS = (
    "FAKTI_CRAWL_DELAY_OBEY",
    "FAKTI_LOOPBACK_FAST",
    "FAKTI_REPLICA_FAULTS",
    "FAKTI_GZIP",
    "FAKTI_REPORT_ENABLED",
    "FAKTI_HEALTH_UNREACHABLE_ABORT",
    "FAKTI_HEALTH_NEW_BASELINE",
    # Scrapy's and Spidermon's that the README documents (a traceback without the setting's
    # name; those read by an extension or middleware come after this check)
    "AUTOTHROTTLE_ENABLED",
    "RANDOMIZE_DOWNLOAD_DELAY",
    "ROBOTSTXT_OBEY",
    "RETRY_ENABLED",
    "HTTPERROR_ALLOW_ALL",
    "TELNETCONSOLE_ENABLED",
    "REMOTE_CONTROL_ENABLED",
    "WARN_ON_GENERATOR_RETURN_VALUE",
    "SPIDERMON_ENABLED",
    "SPIDERMON_SLACK_FAKE",
)
BOOLEANS = ("True", "False", "true", "false", "1", "0")
#: Text settings that may be left out (``None``) but not given empty or blank (an unset variable
#: in a cron line, ``-s FAKTI_STATE=$STATE``): that silently meant the default or none (the
#: current folder, a fresh state, no extra lock, the host name, no User-Agent header). What each
#: holds, for the error.
NOT_EMPTY = {
    "FAKTI_OUTPUT_DIR": "a folder path",
    "FAKTI_CONTACT": "a URL or e-mail address",
    "FAKTI_STATE": "a store location",
    "FAKTI_LOCK_FILE": "a file path",
    "FAKTI_WORKER_ID": "a worker name",
    # Scrapy's
    "USER_AGENT": "a User-Agent",
    "ROBOTSTXT_USER_AGENT": "a robots.txt product token",
}
#: Text settings: a value with blanks around it is refused (it would name another folder or
#: file, relative to the working directory, or end up inside every URL or the User-Agent).
TEXT_SETTINGS = (
    "FAKTI_BASE_URL",
    "FAKTI_CONTACT",
    "FAKTI_OUTPUT_DIR",
    "FAKTI_STATE",
    "FAKTI_LOCK_FILE",
    "FAKTI_WORKER_ID",
    "FAKTI_EMIT",
    "USER_AGENT",
    "ROBOTSTXT_USER_AGENT",
)


def _paths(settings: Mapping[str, object]) -> list[tuple[str, str, str]]:
    """The file and folder paths the settings give, as (setting, value, path):
    ``FAKTI_OUTPUT_DIR``, ``FAKTI_LOCK_FILE``, a SQLite ``FAKTI_STATE``'s file and the
    ``-o``/``-O`` feeds' (``FEEDS``)."""
    given = [(name, settings.get(name)) for name in ("FAKTI_OUTPUT_DIR", "FAKTI_LOCK_FILE")]
    given += [(name, uri) for uri, (name, _) in _feeds(settings).items()]
    paths = [(name, str(value), str(value)) for name, value in given if value is not None]
    state = state_file(str(settings.get("FAKTI_STATE") or ""))
    if state is not None:
        paths.append(("FAKTI_STATE", str(settings.get("FAKTI_STATE")), str(state)))
    return paths


def _bad(name: str, value: object, expected: str, reason: str = "") -> ValueError:
    why = f" ({reason})" if reason else ""
    if name == "FAKTI_STATE":  # (refused: its user info shown as ***)
        value = redact(str(value), refused=True)
    return ValueError(f"setting {name}: bad value {value!r}{why}; expected {expected}")


#: The Scrapy resolver that looks up an IPv6 address (``TWISTED_DNS_RESOLVER``, or the deprecated
#: ``DNS_RESOLVER``): the default one reads IPv4 only, a ``http://[::1]:8811`` site was
#: "unreachable ... DNS lookup failed", exit 4.
IPV6_RESOLVER = "scrapy.resolver.CachingHostnameResolver"
#: A host a site root may name (``urlsplit``'s ``hostname``: lower-case, no IPv6 brackets): a
#: name or IPv4 address (ASCII letters, digits, ``-``, ``_``, ``.``; a non-ASCII name in its
#: ``xn--`` form), or an IPv6 address.
HOST = re.compile(r"[a-z0-9_.-]+|[0-9a-f.]*:[0-9a-f:.]*")


def _one_form(host: str) -> str | None:
    """``host`` (``urlsplit``'s ``hostname``) in one form, an IPv6 address compressed
    (``0:0:0:0:0:0:0:1`` is ``::1``); ``None`` if a URL cannot hold it (:data:`HOST`)."""
    if host and not HOST.fullmatch(host):
        return None
    return ipaddress.IPv6Address(host).compressed if ":" in host else host  # (urlsplit checked)


def site_root(url: str) -> str:
    """``FAKTI_BASE_URL`` ``url`` as the site root ``http(s)://host[:port]`` in one form: host
    lower-case (an IPv6 address compressed), port a number, left out when it is the scheme's
    default, no trailing `/` (the site's links are compared with it: a port written
    ``018200`` made every link offsite).
    The spider appends the site's paths to it, so a path, query, fragment or user would end up
    inside every URL; a host must be one a URL can hold, a port 1..65535. Raises
    ``ValueError`` with a one-line message."""
    expected = "http(s)://host[:port], without path, query or user"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # an unclosed IPv6 bracket, a port out of range or not a number
        raise _bad("FAKTI_BASE_URL", url, expected) from None
    host = _one_form(parts.hostname or "")
    if host is None:
        reason = f"{parts.hostname!r} is no host name or address"
        raise _bad("FAKTI_BASE_URL", url, expected, reason)
    if (
        parts.scheme not in P.WEB_SCHEMES
        or not host
        or "@" in parts.netloc
        or parts.path not in ("", "/")
        or any(c in url for c in "?#")
        or port == 0
    ):
        raise _bad("FAKTI_BASE_URL", url, expected)
    shown = "" if port in (None, P.DEFAULT_PORTS[parts.scheme]) else f":{port}"
    return f"{parts.scheme}://{f'[{host}]' if ':' in host else host}{shown}"


#: The settings Scrapy or the project defines (a near miss of a ``FAKTI_*`` one is told from them).
DEFINED_SETTINGS = frozenset(
    name
    for module in (scrapy_defaults, project_settings)
    for name in vars(module)
    if name.isupper()
)
#: How close (``difflib`` ratio) a name must be to a ``FAKTI_*`` setting to be taken for a
#: typo of it: ``FAKTISTATE``, ``FATKI_STATE`` (0.91) are; ``ITEM_STATE`` (0.67) is not.
NEAR_MISS = 0.8
#: And how close its first six characters must be to ``FAKTI_`` (a typo in the prefix:
#: ``FKATI_``, ``AKTI_S``, ``_FAKTI`` 0.83): another extension's ``RETRY_BACKOFF_BASE``
#: (0.33) or ``FIRST_RUN_DAYS`` (0.5), close to ``FAKTI_RETRY_BACKOFF_BASE``, is left alone.
NEAR_MISS_HEAD = 0.6


def _given_names(settings: Mapping[str, object]) -> list[str]:
    """The names in ``settings`` given by the user (project, spider, command line): Scrapy's
    defaults left out. (A ``SCRAPY_<NAME>`` variable gives no setting: Scrapy 2.18 and later
    read only their own four, such as ``SCRAPY_SETTINGS_MODULE``.)"""
    if isinstance(settings, BaseSettings):
        default = SETTINGS_PRIORITIES["default"]
        return [name for name in settings if (settings.getpriority(name) or 0) > default]
    return list(settings)


def _check_names(settings: Mapping[str, object]) -> None:
    """A name with blanks around it (one argv word ``"-s NAME=value"``: Scrapy ignores it), a
    ``FAKTI_*`` name (in any case) that is not one of :data:`KNOWN_SETTINGS`, or a near miss
    of one (``FAKTI-STATE``, ``FAKT_STATE``) that is no Scrapy or project setting, would be
    ignored: a ``ValueError`` naming it, and the closest known name if any."""
    for name in _given_names(settings):
        if name != name.strip():
            hint = f"did you mean {name.strip()}?"
            raise ValueError(f"setting {name!r}: unknown (blanks around the name); {hint}")
        if name in DEFINED_SETTINGS:
            continue
        if name.upper().startswith("FAKTI_"):
            tails = [known.removeprefix("FAKTI_") for known in sorted(KNOWN_SETTINGS)]
            close = difflib.get_close_matches(name.upper().removeprefix("FAKTI_"), tails, n=1)
            hint = f"did you mean FAKTI_{close[0]}?" if close else "see the settings in the README"
            raise ValueError(f"setting {name}: unknown; {hint}")
        if difflib.SequenceMatcher(None, name.upper()[:6], "FAKTI_").ratio() < NEAR_MISS_HEAD:
            continue
        close = difflib.get_close_matches(name.upper(), DEFINED_SETTINGS, n=1, cutoff=NEAR_MISS)
        if close and close[0].startswith("FAKTI_"):
            raise ValueError(f"setting {name}: unknown; did you mean {close[0]}?")


#: The record fields, as the errors list them.
FIELD_NAMES = ",".join(RECORD_FIELDS)


def _fields_problem(given: Iterable[object]) -> str:
    """Why ``given`` (field names) is no list of record fields, or ``""``: Scrapy writes ``{}``
    for each record whose fields are all unknown, and ``layers`` is never exported."""
    fields = list(given)
    unknown = [field for field in fields if field not in RECORD_FIELDS]
    if unknown:
        return f"unknown field {unknown[0]!r}"
    return "" if fields else "no field"


def _check_feed_fields(value: object) -> None:
    """``FEED_EXPORT_FIELDS`` (as Scrapy reads it: a list, a dict of field → column, their JSON or
    a comma list) must name one or more record fields."""
    expected = f"record fields, comma-separated ({FIELD_NAMES})"
    try:
        given = (
            BaseSettings({"FIELDS": value}).getdictorlist("FIELDS") if str(value).strip() else []
        )
    except ValueError:
        raise _bad("FEED_EXPORT_FIELDS", value, expected, "not a list") from None
    problem = _fields_problem(given)
    if problem:
        raise _bad("FEED_EXPORT_FIELDS", value, expected, problem)


def _feeds(settings: Mapping[str, object]) -> dict[str, tuple[str, object]]:
    """The ``-o``/``-O`` feeds: URI → (the setting that gives it, its options). ``FEEDS``, and
    the deprecated ``FEED_URI`` (with ``FEED_FORMAT``), which Scrapy's feed exporter still
    writes (a ``FEEDS`` entry of the same URI takes its place)."""
    feeds: dict[str, tuple[str, object]] = {}
    legacy = settings.get("FEED_URI")
    if legacy:
        uri = str(legacy.absolute()) if isinstance(legacy, Path) else str(legacy)
        feeds[uri] = ("FEED_URI", {"format": settings.get("FEED_FORMAT")})
    given = settings.get("FEEDS")
    if isinstance(given, Mapping):
        feeds |= {str(uri): ("FEEDS", options) for uri, options in given.items()}
    return feeds


def check_feeds(settings: Mapping[str, object]) -> None:
    """Each ``-o``/``-O`` feed (``FEEDS``, ``FEED_URI``): a local file must not be the state's, a
    lock, nor in ``.state/`` or ``fakti/`` under ``FAKTI_OUTPUT_DIR`` (a feed on the state file
    overwrote it); its own ``fields``, if given, a list of one or more record fields (Scrapy
    takes them as written). ``ValueError`` naming the feed's setting."""
    feeds = _feeds(settings)
    if not feeds:
        return
    protected = project_files(settings)
    storages = file_storages(settings)
    for uri, (name, options) in feeds.items():
        given = options if isinstance(options, Mapping) else {}
        named = not given.get("uri_params", settings.get("FEED_URI_PARAMS"))
        problem = target_problem(uri, SPIDER_NAME if named else None, storages, protected)
        if problem:
            expected = "a file of its own, outside FAKTI_OUTPUT_DIR's .state/ and fakti/"
            raise _bad(name, uri, expected, problem)
        if isinstance(options, Mapping) and "fields" in options:
            fields = options["fields"]
            listed = isinstance(fields, (list, tuple, Mapping))
            problem = _fields_problem(fields) if listed else "not a list"
            if problem:
                reason = f"the fields of feed {uri!r}: {problem}"
                raise _bad("FEEDS", fields, f"a list of record fields ({FIELD_NAMES})", reason)


def _given_for_the_run(settings: Mapping[str, object], name: str) -> bool:
    """Whether ``name`` was given for this run (on the command line, or by the spider): the
    project's settings, for every run, are defaults."""
    if isinstance(settings, BaseSettings):
        return (settings.getpriority(name) or 0) > SETTINGS_PRIORITIES["project"]
    return name in settings


#: The two settings :func:`_short_baseline` tells apart.
SHORT_BASELINE = ("FAKTI_HEALTH_HISTORY_RUNS", "FAKTI_HEALTH_ITEMS_MIN_RUNS")


def _not_default(settings: Mapping[str, object], name: str) -> bool:
    """Whether ``name`` was given: for this run (:func:`_given_for_the_run`), or by a settings
    module (``SCRAPY_SETTINGS_MODULE``, at project priority too) with another value than
    newsspider/settings.py's."""
    return _given_for_the_run(settings, name) or settings.get(name) != getattr(
        project_settings, name
    )


def _short_baseline(settings: Mapping[str, object], history: object, needed: object) -> ValueError:
    """The error for ``FAKTI_HEALTH_ITEMS_MIN_RUNS`` (``needed``) above
    ``FAKTI_HEALTH_HISTORY_RUNS`` (``history``): it names the one given for the run (the
    first if both or neither were), and says when the other's value is its default."""
    given = {name: _not_default(settings, name) for name in SHORT_BASELINE}
    never = "the item-count gate would never apply"
    if given["FAKTI_HEALTH_HISTORY_RUNS"] and not given["FAKTI_HEALTH_ITEMS_MIN_RUNS"]:
        return _bad(
            "FAKTI_HEALTH_HISTORY_RUNS",
            history,
            f"at least {needed}, or FAKTI_HEALTH_ITEMS_MIN_RUNS given at most {history}",
            f"fewer runs than FAKTI_HEALTH_ITEMS_MIN_RUNS, {needed} by default: {never}",
        )
    default = "" if given["FAKTI_HEALTH_HISTORY_RUNS"] else " by default"
    return _bad(
        "FAKTI_HEALTH_ITEMS_MIN_RUNS",
        needed,
        f"at most FAKTI_HEALTH_HISTORY_RUNS ({history}{default})",
        f"more runs than the baseline holds: {never}",
    )


def check_modes(settings: Mapping[str, object], args: CrawlArgs) -> None:
    """A ``FAKTI_WORKER_*`` setting given for a run without a ``redis://`` ``FAKTI_STATE``, or a
    ``FAKTI_REPLICA_*`` one without ``replica=1``, would be ignored: a ``ValueError`` saying
    which mode reads it."""
    distributed = is_redis(str(settings.get("FAKTI_STATE") or ""))
    for name in sorted(KNOWN_SETTINGS):
        if not _given_for_the_run(settings, name):
            continue
        if name.startswith("FAKTI_WORKER_") and not distributed:
            raise ValueError(
                f"setting {name}: only a distributed worker reads it, and FAKTI_STATE is no "
                "redis:// URL (a worker without it runs alone, on a state of its own); give "
                f"FAKTI_STATE=redis://… or leave {name} out"
            )
        if name.startswith("FAKTI_REPLICA_") and not args.replica:
            raise ValueError(
                f"setting {name}: only -a replica=1 reads it; give -a replica=1 or leave {name} out"
            )


#: The level names ``LOG_LEVEL`` takes, for the error (Python's logging also reads ``WARN``,
#: ``FATAL``, ``NOTSET`` and a whole number from a settings file).
LOG_LEVELS = "CRITICAL|ERROR|WARNING|INFO|DEBUG"


def log_level_error(settings: Mapping[str, object]) -> str:
    """The one-line error for a ``LOG_LEVEL`` Python's logging cannot take (its names are
    upper-case: Scrapy hands the value to ``Handler.setLevel``, and ``debug``, ``bogus`` or an
    empty one ended the run with a traceback before it started), or ``""``."""
    level = settings.get("LOG_LEVEL")
    if isinstance(level, int) or level in logging.getLevelNamesMapping():
        return ""
    return str(_bad("LOG_LEVEL", level, f"{LOG_LEVELS} (upper case)"))


def _is_dir(path: str | Path, unknown: bool = False) -> bool:
    """Whether ``path`` is a folder; ``unknown`` if it cannot be looked at (left to the lock's
    own one-line error)."""
    try:
        return Path(path).is_dir()
    except OSError:
        return unknown


#: What a ``DOWNLOAD_SLOTS`` slot may set (the stall bound reads its delay and jitter).
SLOT_NUMBERS = {
    "delay": Number(most=MAX_SECONDS),
    "jitter": Number(most=1),
    "concurrency": Number(least=1, whole=True),
}


def _check_slots(value: object) -> None:
    """``DOWNLOAD_SLOTS``: a dict (JSON on the command line) of hosts to dicts whose
    ``delay``, ``jitter`` and ``concurrency`` are numbers as Scrapy's own settings are."""
    if not value:
        return
    if isinstance(value, BaseSettings):  # (Scrapy's form of a dict setting)
        value = value.copy_to_dict()
    expected = '{"HOST": {"delay": SECONDS, "jitter": 0..1, "concurrency": N}, ...}'
    try:
        slots = BaseSettings({"slots": value}).getdict("slots")
    except (ValueError, TypeError):
        raise _bad("DOWNLOAD_SLOTS", value, expected) from None
    for slot in slots.values():
        if not isinstance(slot, dict) or not all(
            number.accepts(slot[key]) for key, number in SLOT_NUMBERS.items() if key in slot
        ):
            raise _bad("DOWNLOAD_SLOTS", value, expected)


def _check_stall(settings: Mapping[str, object]) -> None:
    """``FAKTI_STALL_SECONDS``: 0 (off) or above the longest a healthy run may go without
    progress with these settings (:func:`~newsspider.extensions.stall.quiet_bound`; its
    ``DOWNLOAD_SLOTS`` checked before); the error says when the value is the default (not
    given for the run, or given as it is: by a settings module, say)."""
    stall = settings.get("FAKTI_STALL_SECONDS")
    given = settings if isinstance(settings, BaseSettings) else BaseSettings(dict(settings))
    if not 0 < float(stall or 0) <= (bound := quiet_bound(given)):
        return
    reason = f"a healthy run may go {bound:g} s without progress with these settings"
    if not _not_default(settings, "FAKTI_STALL_SECONDS"):  # (raised a delay or timeout)
        raise ValueError(
            f"setting FAKTI_STALL_SECONDS: {float(stall):g}, its default, but {reason}; give "
            f"it above {bound:g}, or 0 (off)"
        )
    raise _bad("FAKTI_STALL_SECONDS", stall, f"0 (off) or more than {bound:g}", reason)


def validate_settings(settings: Mapping[str, object]) -> None:
    """Check the ``FAKTI_*`` settings: their names, and the values of those present in
    ``settings``; raises ``ValueError`` with a one-line message."""
    _check_names(settings)
    for name, holds in NOT_EMPTY.items():
        value = settings.get(name)
        if value is not None and not str(value).strip():
            raise _bad(name, value, f"{holds}, not empty (an unset variable in a cron line?)")
    for name in TEXT_SETTINGS:
        value = settings.get(name)
        if isinstance(value, str) and value != value.strip():
            raise _bad(name, value, "the value without them", "blanks around it")
    for name, value, path in _paths(settings):
        if path.startswith("~"):  # (cron's /bin/sh does not expand it: a folder named ~)
            raise _bad(name, value, "an absolute path", "~ is not expanded here")
    base = str(settings.get("FAKTI_BASE_URL") or "")
    with warnings.catch_warnings():  # (Scrapy's, that DNS_RESOLVER is deprecated: a crawl warns)
        warnings.simplefilter("ignore")
        resolvers = {settings.get("TWISTED_DNS_RESOLVER"), settings.get("DNS_RESOLVER")}
    if "[" in site_root(base) and IPV6_RESOLVER not in resolvers:
        reason = "an IPv6 address, which Scrapy's default resolver cannot look up"
        expected = f"it with -s TWISTED_DNS_RESOLVER={IPV6_RESOLVER}"
        raise _bad("FAKTI_BASE_URL", base, expected, reason)
    for name, number in NUMERIC_SETTINGS.items():
        if name in settings and not number.accepts(settings.get(name)):
            raise _bad(name, settings.get(name), number.form)
    history = settings.get("FAKTI_HEALTH_HISTORY_RUNS")
    needed = settings.get("FAKTI_HEALTH_ITEMS_MIN_RUNS")
    if history is not None and needed is not None and int(float(needed)) > int(float(history)):
        raise _short_baseline(settings, history, needed)
    for name in BOOLEAN_SETTINGS:
        value = settings.get(name)
        if isinstance(value, float) and value in (0, 1):  # Scrapy's getbool reads 1.0 too
            value = int(value)
        if name in settings and str(value) not in BOOLEANS:
            raise _bad(name, settings.get(name), "|".join(BOOLEANS))
    _check_slots(settings.get("DOWNLOAD_SLOTS"))
    _check_stall(settings)
    if "FAKTI_HEALTH_MIN_COVERAGE" in settings:
        value = settings.get("FAKTI_HEALTH_MIN_COVERAGE")
        try:
            min_coverage(value)
        except ValueError as exc:
            raise _bad(
                "FAKTI_HEALTH_MIN_COVERAGE", value, '{"FIELD": PERCENT, ...}', str(exc)
            ) from None
    if "FAKTI_HEALTH_FINISH_REASONS" in settings:
        value = settings.get("FAKTI_HEALTH_FINISH_REASONS")
        try:
            finish_reasons(value)
        except ValueError as exc:
            expected = '["finished", ...] or finished,...'
            raise _bad("FAKTI_HEALTH_FINISH_REASONS", value, expected, str(exc)) from None
    enabled = str(settings.get("SPIDERMON_ENABLED")) in ("True", "true", "1", "1.0")
    for name in ACTION_SETTINGS:
        value = settings.get(name, [])
        try:  # the classes are imported only for a run that will use them
            if enabled:
                load_actions(value)
            else:
                action_paths(value)
        except ValueError as exc:
            expected = "Spidermon Action classes, e.g. package.module.Class,..."
            raise _bad(name, value, expected, str(exc)) from None
    if settings.get("FEED_EXPORT_FIELDS") is not None:
        _check_feed_fields(settings.get("FEED_EXPORT_FIELDS"))
    if "FAKTI_EMIT" in settings:
        emit_mode(settings.get("FAKTI_EMIT"))
    if settings.get("JOBDIR"):
        raise ValueError(
            "setting JOBDIR: not supported: the state store resumes where a run stopped (see "
            "the README, 'Crash safety and exactly-once'), and Scrapy's persisted request "
            "filter made every later run send 0 requests; leave JOBDIR out"
        )
    lock = str(settings.get("FAKTI_LOCK_FILE") or "")
    if lock and _is_dir(lock):
        raise _bad("FAKTI_LOCK_FILE", lock, "a file path", "a folder")
    if lock and not _is_dir(Path(lock).parent, unknown=True):  # (the lock would make it)
        folder = str(Path(lock).parent)
        reason = f"no folder {folder!r}: a shared lock's folder mistyped would be a lock of its own"
        raise _bad("FAKTI_LOCK_FILE", lock, "a file in an existing folder", reason)
    state = str(settings.get("FAKTI_STATE") or "")
    if state:
        check_location(state)
    lock_paths(settings)  # (FAKTI_LOCK_FILE naming the state file)
    check_feeds(settings)
    if is_redis(state) and not state.lower().startswith("unix:"):
        try:
            db = urlsplit(state).path.strip("/")
        except ValueError:
            db = "?"
        if not re.fullmatch(r"[0-9]*", db):
            raise _bad("FAKTI_STATE", state, "redis://host:port/DB with DB a whole number")
