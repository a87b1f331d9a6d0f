"""fakti.bg URLs: canonical form, article references, page kinds, mirror fetch URLs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urljoin, urlsplit

from newsspider.extraction import patterns as P

#: Page kinds returned by :func:`classify`.
PAGE_KINDS = (
    "article", "day", "home", "section", "search", "rss", "dnes", "author", "robots", "other",
    "offsite",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """An article URL's parts; key articles by ``(lang, article_id)``, never by slug."""

    lang: str
    section: str
    article_id: int
    slug: str
    url: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.lang, self.article_id)


def compact_key(key: tuple[str, int]) -> int:
    """One small int per ``(lang, article_id)`` key (ids have at most 18 digits): a third of a
    tuple's memory in the sets of a long backfill."""
    return key[1] << 1 | (key[0] == "bg")


#: An absolute http(s) URL that ``urlsplit`` takes apart as written: an ASCII host and
#: port without user info, brackets or ``%``, and no tab or line break anywhere.
_PLAIN_URL = re.compile(r"([hH][tT][tT][pP][sS]?)://([A-Za-z0-9.:-]+)([/?#][^\t\n\r]*)?")


def _origin_key(value: str) -> str:
    """``http://127.0.0.1:8765/`` or ``127.0.0.1:8765`` → ``127.0.0.1:8765``."""
    value = value.strip().lower()
    if "//" in value:
        value = urlsplit(value).netloc
    return value.rstrip("/")


@lru_cache(maxsize=64)
def _origin_keys(extra_hosts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_origin_key(h) for h in extra_hosts)


def _split(url: str) -> tuple[str, str, str, str] | None:
    """``(scheme, hostname, netloc, path)`` as ``urlsplit`` gives them (lower-case scheme,
    host and netloc without user info); ``None`` when it raises."""
    plain = _PLAIN_URL.fullmatch(url)
    if plain:  # the common case, without urlsplit's general machinery
        scheme, netloc, rest = plain.groups("")
        netloc = netloc.lower()
        path = rest.partition("#")[0].partition("?")[0]
        return scheme.lower(), netloc.partition(":")[0], netloc, path
    try:
        parts = urlsplit(url)
        hostname = (parts.hostname or "").lower()
        netloc = parts.netloc.lower().rsplit("@", 1)[-1]
    except ValueError:
        return None
    return parts.scheme.lower(), hostname, netloc, parts.path


def canonicalize(url: str, base: str | None = None, extra_hosts: Iterable[str] = ()) -> str | None:
    """The canonical ``https://fakti.bg`` form of a link, or ``None`` when it is not on the site.

    Relative links resolve against ``base``; the fakti.bg host variants and any
    ``host:port`` in ``extra_hosts`` (a mirror or the replica) map to ``https://fakti.bg``.
    Query and fragment are dropped; ``amp/`` is removed; the path is otherwise kept as is.
    """
    if not isinstance(url, str) or not (base is None or isinstance(base, str)):
        return None
    extra = extra_hosts if isinstance(extra_hosts, tuple) else tuple(extra_hosts)
    return _canonicalize(url, base, extra)


@lru_cache(maxsize=1024)
def _canonicalize(url: str, base: str | None, extra_hosts: tuple[str, ...]) -> str | None:
    url = url.strip()
    if not url:
        return None
    if base:
        try:
            url = urljoin(base.strip(), url)
        except ValueError:
            return None
    elif url.startswith("//"):
        url = "https:" + url
    split = _split(url)
    if split is None:
        return None
    scheme, hostname, netloc, path = split
    if scheme not in P.WEB_SCHEMES or not hostname:
        return None
    if hostname not in P.SITE_HOSTS and netloc not in _origin_keys(extra_hosts):
        return None
    return _site_url(path)


def _site_url(path: str) -> str:
    """The canonical URL of a path on the site (``amp/`` removed)."""
    path = path or "/"
    amp = P.AMP_PATH.match(path)
    if amp:
        path = (amp.group(1) or "") + amp.group(2)
    return P.CANONICAL_ORIGIN + path


def parse_article_url(url: str, extra_hosts: Iterable[str] = ()) -> ArticleRef | None:
    """The article reference of an article URL (any §1 form), else ``None``."""
    canonical = canonicalize(url, extra_hosts=extra_hosts)
    return None if canonical is None else _article_ref(canonical)


def parse_request_url(url: str) -> ArticleRef | None:
    """The article behind a request URL on fakti.bg or on a mirror: :func:`parse_article_url`
    with the URL's own host as an extra host (only the path counts)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    plain = _PLAIN_URL.fullmatch(url)
    if plain:  # whatever the (non-empty) host, as the two calls below would find
        netloc, rest = plain.group(2, 3)
        if not netloc.partition(":")[0]:
            return None
        return _article_ref(_site_url((rest or "").partition("#")[0].partition("?")[0]))
    ref = parse_article_url(url)
    if ref is None:
        try:
            netloc = urlsplit(url).netloc
        except ValueError:
            return None
        ref = parse_article_url(url, extra_hosts=(netloc,)) if netloc else None
    return ref


@lru_cache(maxsize=1024)
def _article_ref(canonical: str) -> ArticleRef | None:
    """:func:`parse_article_url` of a canonical URL (cached: the spider and the extraction
    both ask for the page's article)."""
    path = canonical[len(P.CANONICAL_ORIGIN) :]
    match = P.ARTICLE_PATH.match(path)
    if not match or match.group("section") not in P.SECTIONS:
        return None
    article_id = int(match.group("id"))
    if article_id < 1:
        return None
    return ArticleRef(
        lang="en" if match.group("en") else "bg",
        section=match.group("section"),
        article_id=article_id,
        slug=match.group("slug"),
        url=canonical[:-1] if canonical.endswith("/") else canonical,  # (`/<id>-<slug>/`)
    )


def classify(url: str, extra_hosts: Iterable[str] = ()) -> str:
    """The page kind of a URL: one of :data:`PAGE_KINDS`."""
    canonical = canonicalize(url, extra_hosts=extra_hosts)
    if canonical is None:
        return "offsite"
    path = canonical[len(P.CANONICAL_ORIGIN) :]
    if _article_ref(canonical) is not None:  # not parse_article_url: one `amp/` removed, once
        return "article"
    if path in P.HOME_PATHS:
        return "home"
    day = P.DAY_PATH.match(path)
    if day and day.group("section") in P.SECTIONS:
        return "day"
    for kind, pattern in (
        ("search", P.SEARCH_PATH),
        ("rss", P.RSS_PATH),
        ("dnes", P.DNES_PATH),
        ("author", P.AUTHOR_PATH),
    ):
        if pattern.match(path):
            return kind
    if path == P.ROBOTS_PATH:
        return "robots"
    section = P.SECTION_PATH.match(path)
    if section and section.group("section") in P.SECTIONS:
        return "section"
    return "other"


def page_number(query: str, default: int) -> int:
    """The page number a listing or search URL's ``query`` gives (its first ``page``
    value), or ``default`` when it gives none or one that is no integer."""
    values = parse_qs(query).get(P.PAGE_PARAM)
    try:
        return int(values[0]) if values else default
    except ValueError:
        return default


def to_fetch_url(canonical: str, base_url: str) -> str:
    """The same path (and query) on another site root, e.g. the replica or a mirror."""
    parts = urlsplit(canonical)
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return base_url.rstrip("/") + path + query
