"""fakti.bg URLs: canonical form, article references, page kinds, mirror fetch URLs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

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


def _origin_key(value: str) -> str:
    """``http://127.0.0.1:8765/`` or ``127.0.0.1:8765`` → ``127.0.0.1:8765``."""
    value = value.strip().lower()
    if "//" in value:
        value = urlsplit(value).netloc
    return value.rstrip("/")


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


@lru_cache(maxsize=8192)
def _canonicalize(url: str, base: str | None, extra_hosts: tuple[str, ...]) -> str | None:
    url = url.strip()
    if not url:
        return None
    try:
        if base:
            url = urljoin(base.strip(), url)
        elif url.startswith("//"):
            url = "https:" + url
        parts = urlsplit(url)
        hostname = (parts.hostname or "").lower()
        netloc = parts.netloc.lower().rsplit("@", 1)[-1]
    except ValueError:
        return None
    if parts.scheme.lower() not in P.WEB_SCHEMES or not hostname:
        return None
    extra = frozenset(_origin_key(h) for h in extra_hosts)
    if hostname not in P.SITE_HOSTS and netloc not in extra:
        return None
    path = parts.path or "/"
    amp = P.AMP_PATH.match(path)
    if amp:
        path = (amp.group(1) or "") + amp.group(2)
    return P.CANONICAL_ORIGIN + path


def parse_article_url(url: str, extra_hosts: Iterable[str] = ()) -> ArticleRef | None:
    """The article reference of an article URL (any §1 form), else ``None``."""
    canonical = canonicalize(url, extra_hosts=extra_hosts)
    if canonical is None:
        return None
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
        url=canonical,
    )


def classify(url: str, extra_hosts: Iterable[str] = ()) -> str:
    """The page kind of a URL: one of :data:`PAGE_KINDS`."""
    canonical = canonicalize(url, extra_hosts=extra_hosts)
    if canonical is None:
        return "offsite"
    path = canonical[len(P.CANONICAL_ORIGIN) :]
    if parse_article_url(canonical) is not None:
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


def to_fetch_url(canonical: str, base_url: str) -> str:
    """The same path (and query) on another site root, e.g. the replica or a mirror."""
    parts = urlsplit(canonical)
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return base_url.rstrip("/") + path + query
