"""The persistent state store: per-key sightings and the exactly-once export protocol.

A key is ``(lang, article_id)``. The store remembers, per key, when it was first and last
seen, its publication time, content hash, last views, canonical URL, and the file it was
exported to (with the content hash that file holds). A key counts as *exported* only once the
file holding it is durable (:meth:`StateStore.commit_file`).

Export protocol (one run, one file ``F``)::

    add_pending(F, rows)   # any number of times while writing the temporary file
    <fsync temp, rename temp -> F, fsync dir>
    commit_file(F)         # the keys are now exported to F

At start-up :meth:`StateStore.recover` commits the pending rows of every ``F`` that exists
and rolls back the others, so a kill at any moment neither loses nor duplicates a key.

Nothing here imports Scrapy except :func:`get_store`, which imports it lazily.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

Key = tuple[str, int]
"""``(lang, article_id)``."""

#: The default store, relative to ``FAKTI_OUTPUT_DIR``.
DEFAULT_STATE_PATH = Path(".state") / "fakti.sqlite"
_CRAWLER_ATTR = "_fakti_state_store"
_CLOSE_ATTR = "_fakti_state_close"
_ACCEPTED = "a file path, sqlite://<path> or redis://host:port/db"
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
#: The start of a mistyped URL, never a file path: a word of two or more characters then ``:``
#: (``redis:/h:6379/0``, ``redis:h:6379``, ``unix:/run/redis.sock``, ``localhost:6379/0``; a
#: drive letter ``C:`` is none); a store's scheme name, perhaps with a wrong mark for its
#: colon, then ``//``, or ``/`` then ``host:port`` (``redis//h:6379/0``, ``redis;//h:6379/0``,
#: ``redis/h:6379/0``; not ``redis/s.sqlite``); or an address without its scheme:
#: ``[//][user-info@]host:port`` then ``/``, ``?`` or the end (``127.0.0.1:6389/0``,
#: ``//h:6379/0``, ``[::1]:6379/0``, ``:pw@10.0.0.5:6379/0``; not ``x:y.sqlite``,
#: ``2026:01.sqlite``).
_MISTYPED_URL = re.compile(
    r"(?!\.{1,2}/|/(?!/))"  # (`./`, `../` or `/` opens a path: the form the error suggests)
    r"(?:[a-z][a-z0-9+.-]+:|(?:sqlite|redis|rediss|unix)[^a-z0-9/]?(?://|/[^/]*:)"
    r"|(?://)?(?:[^/].*@)?(?:\[[0-9a-f:.]*\]|[a-z0-9_.-]*):[0-9]+(?:[/?]|$))",
    re.IGNORECASE,
)
#: A URL's scheme and authority (user info and host, up to its path, query or fragment).
_AUTHORITY = re.compile(r"^(\s*[a-z][a-z0-9+.-]*://)([^/?#]*)", re.IGNORECASE)
#: A refused location whose ``@`` is out of place (:func:`_misplaced_at`), or one without a
#: scheme, shows only a store scheme's marks, then ``***`` (``redis://***``, ``redis:/***``).
_SCHEME_MARKS = re.compile(r"^\s*(?:(?:sqlite|rediss|redis|unix)[^a-z0-9@]{0,3})?", re.I)
#: An authority without an ``@`` whose ``:`` follows no host or precedes no port (``:PASS``,
#: ``user:PASS``): the start of user info whose ``@`` lies further on.
_USER_NOT_HOST = re.compile(r":|[^:\[]*:(?![0-9]*$)")
#: A query key and its value (the key %-decoded to be judged: ``pa%73s``; the value up to the
#: next ``&``, a ``;`` or ``#`` in it too), read after the authority only.
_QUERY_PAIR = re.compile(r"([?&])([^=&#]*)=([^&]*)")
#: A query pair written with its ``=`` %-encoded (``password%3DPW``): hidden whole.
_ENCODED_PAIR = re.compile(r"([?&])[^=&#]*%3d[^&]*", re.IGNORECASE)
#: Query keys that look like a secret's (``password``, ``pass``, ``pwd``, ``token``...).
_SECRET_KEY = re.compile(r"pas|pw|secret|token|auth|cred", re.IGNORECASE)
#: Why a URL with an ``@`` after its host is refused (redis-py would read part of the
#: password as the host or port, and name it in its error).
MISPLACED_AT = (
    "a '/', '?' or '#' in its user name or password, or a '#' in a query value, must be "
    "written %2F, %3F or %23"
)


class SettingError(ValueError):
    """A bad setting value; the message is one line naming the setting and what it accepts."""


@dataclass(frozen=True, slots=True)
class KeyState:
    """What the store knows about one key. Times are aware (``first_seen``/``last_seen``
    UTC, ``published_at`` Europe/Sofia). ``file`` is ``None`` until the key is exported;
    ``exported_hash`` is the ``content_hash`` of the record in ``file``."""

    first_seen: datetime
    last_seen: datetime
    published_at: datetime | None
    content_hash: str | None
    views: int | None
    url: str | None
    file: str | None
    exported_hash: str | None


#: The counts of :meth:`StateStore.recover` (stats ``state/recovered/<name>``).
RECOVERED = ("committed_files", "committed_keys", "rolled_back_files", "rolled_back_keys")
#: Prefix of the stats of those counts.
RECOVERED_STATS = "state/recovered/"


class StateStore(Protocol):
    """The store interface the spider and the pipelines code against (SQLite or Redis)."""

    #: What a failed read or write raises (state disk full, server gone): ``sqlite3.Error``,
    #: ``redis.RedisError``.
    errors: tuple[type[Exception], ...]

    def recover(self) -> dict[str, int]:
        """Commit pending rows whose file exists, roll back the others.

        Returns ``{name: count}`` for each name of :data:`RECOVERED`."""
        ...

    def known(self, keys: Iterable[Key]) -> set[Key]:
        """The subset of ``keys`` already exported (committed)."""
        ...

    def get(self, key: Key) -> KeyState | None:
        """Everything known about ``key``, or ``None`` if it was never seen."""
        ...

    def is_empty(self) -> bool:
        """True when no key was ever exported (a first run)."""
        ...

    def newest_published(self, lang: str | None = None) -> datetime | None:
        """The latest ``published_at`` among exported keys (of edition ``lang`` if given)."""
        ...

    def published_since(self, dt: datetime) -> list[tuple[Key, str]]:
        """Exported keys published at or after ``dt``, oldest first, with their URL."""
        ...

    def touch(
        self,
        key: Key,
        url: str,
        published_at: datetime | None,
        content_hash: str | None,
        views: int | None,
    ) -> None:
        """Record a sighting (not an export): sets ``last_seen`` (and ``first_seen`` once)."""
        ...

    def add_pending(self, file: str, rows: Iterable[tuple[Key, str]]) -> None:
        """Durably record ``(key, content_hash)`` rows as pending export to ``file``."""
        ...

    def commit_file(self, file: str) -> int:
        """Mark every pending row of ``file`` exported to it; returns the number of keys."""
        ...

    def rollback_file(self, file: str) -> int:
        """Forget the pending rows of ``file``; returns the number of keys."""
        ...

    def pending_files(self) -> list[str]:
        """Files with pending rows (an interrupted export, or the current run's)."""
        ...

    def watermarks(self) -> dict[str, datetime]:
        """Per discovery scope (``en``, ``bg/world``...), the site time up to which a finished
        run walked it completely (see the spider's incremental mode)."""
        ...

    def raise_watermarks(self, marks: Mapping[str, datetime]) -> None:
        """Move each scope's watermark up to ``marks[scope]`` (never down); durable on return."""
        ...

    def record_run(self, run: dict[str, Any]) -> None:
        """Append one run's history entry (a JSON-serialisable dict); durable on return."""
        ...

    def recent_runs(self, n: int) -> list[dict[str, Any]]:
        """The last ``n`` history entries, oldest first (the health gates compare against them)."""
        ...

    def lost(self) -> str | None:
        """Why the store is no longer the one this run opened (a file deleted or replaced
        during the run: what it records goes nowhere), or ``None``."""
        ...

    def close(self) -> None:
        """Commit outstanding sightings and release the store."""
        ...


def unix_seconds(dt: datetime | None) -> int | None:
    """``dt`` as whole unix seconds (``None`` stays ``None``); a naive ``dt`` is a ValueError."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        raise ValueError("naive datetime")
    return int(dt.timestamp())


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


#: Run history entries kept (the health gates read the last 200): about 3 MB, 104 days of runs
#: every 15 minutes.
HISTORY_KEEP = 10_000


def decode_runs(raws: Iterable[str | bytes]) -> list[dict[str, Any]]:
    """History entries from their JSON; an entry that is not a JSON object (a damaged row) is
    skipped with a warning, not allowed to fail the run report."""
    runs: list[dict[str, Any]] = []
    for raw in raws:
        try:
            run = json.loads(raw)
        except ValueError:
            run = None
        if isinstance(run, dict):
            runs.append(run)
        else:
            logger.warning("run history: a damaged entry skipped (%.60r)", raw)
    return runs


def state_location(value: str | None, output_dir: str | Path) -> str:
    """The store location for a ``FAKTI_STATE`` value (empty: the default under the output)."""
    return str(value) if value else str(Path(output_dir) / DEFAULT_STATE_PATH)


def state_location_of(settings: Any) -> str:
    """The store location the settings name (``FAKTI_STATE``, else the default under
    ``FAKTI_OUTPUT_DIR``); ``settings``: Scrapy settings or a mapping."""
    return state_location(settings.get("FAKTI_STATE"), settings.get("FAKTI_OUTPUT_DIR", "output"))


def state_file(uri_or_path: str | Path) -> Path | None:
    """The file behind a store location (a path or ``sqlite://<path>``), else ``None`` (a URL,
    or what looks like a mistyped one)."""
    text = str(uri_or_path)
    for prefix in ("sqlite://", "sqlite:"):
        if text.lower().startswith(prefix):
            return Path(text[len(prefix) :]) if text[len(prefix) :] else None
    return None if "://" in text or _MISTYPED_URL.match(text) or not text else Path(text)


def redact(location: str, refused: bool = False, misplaced: bool = False) -> str:
    """``location`` with its passwords written ``***``: the user info's, up to the last ``@``
    of the authority, and the values of query keys that look like a secret's
    (:data:`_SECRET_KEY`), read after the authority. A location whose ``@`` is out of place (a
    ``/``, ``?`` or ``#`` in its password: :func:`_misplaced_at`, or known to be:
    ``misplaced``), or a ``refused`` one without a ``scheme://``, shows only its scheme's marks and
    ``***``. Fit for a log line or an error message."""
    authority = _AUTHORITY.match(location)
    if misplaced or (
        "@" in location and (_misplaced_at(location) or (refused and authority is None))
    ):
        return _SCHEME_MARKS.match(location).group(0) + "***"  # type: ignore[union-attr]
    if not refused and (authority is None or authority.group(1).strip().lower() == "sqlite://"):
        return location  # (a file's path: no password in it)
    head, rest = "", location
    if authority is not None:
        head = authority.group(1) + _hide_userinfo(authority.group(2))
        rest = location[authority.end() :]
    return head + _QUERY_PAIR.sub(_hide_secret, _ENCODED_PAIR.sub(r"\1***", rest))


def _hide_userinfo(authority: str) -> str:
    """``authority`` with the password of its user info (up to its last ``@``) as ``***``;
    user info without a ``:`` is hidden whole (``redis://s3cret@h``: a password typed without
    its ``:``, which redis-py takes for a user name)."""
    if "@" not in authority:
        return authority
    userinfo, _, host = authority.rpartition("@")
    user, colon, _ = userinfo.partition(":")
    return f"{user + ':***' if colon else '***'}@{host}"


def _misplaced_at(url: str) -> bool:
    """Whether ``url`` has an ``@`` after its host (in its path: a ``unix://`` socket's path
    after no host, or after user info that ends in ``@``, may hold one; in a query key; or
    anywhere after an authority that starts user info: :data:`_USER_NOT_HOST`), or a fragment
    (a ``#`` in a password or a query value), or cannot be split; never a file's."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # (an unclosed IPv6 bracket)
        return True
    scheme = parts.scheme.lower()
    if scheme in ("", "sqlite"):  # (a file's path may hold an `@`)
        return False
    after = url[len(parts.scheme) + 3 + len(parts.netloc) :]
    try:
        parts.port  # noqa: B018
    except ValueError:  # (a password's part read as the port, its `@` further on)
        return "@" in after
    keys = [key for key, _ in parse_qsl(parts.query, keep_blank_values=True)]
    socket = scheme == "unix" and parts.netloc in ("", parts.netloc.rstrip("@") + "@")
    later = "@" not in parts.netloc and "@" in url and bool(_USER_NOT_HOST.match(parts.netloc))
    return later or bool(parts.fragment) or "@" in ("" if socket else parts.path) + "".join(keys)


def _hide_secret(pair: re.Match[str]) -> str:
    mark, key, value = pair.groups()
    inner = (part.partition("=")[0] for part in value.split(";")[1:] if "=" in part)
    if secret_key(key) or any(map(secret_key, inner)):  # (`x=1;password=PW`: one value)
        return f"{mark}{key}=***"
    return pair.group(0)


def secret_key(key: str) -> bool:
    """Whether a query key (as written, or decoded) looks like a secret's, or holds a value."""
    return "=" in unquote(key) or bool(_SECRET_KEY.search(unquote(key)))


def is_redis(location: str | Path) -> bool:
    """True when a store location names a Redis server (the distributed mode)."""
    return str(location).lower().startswith(_REDIS_SCHEMES)


def check_location(location: str) -> None:
    """A store location that names no store (an unknown ``scheme://``, ``sqlite://`` with no
    path, a mistyped URL: :data:`_MISTYPED_URL`), or a Redis URL with an ``@`` after its host
    (:data:`MISPLACED_AT`), is a :class:`SettingError`."""
    if is_redis(location):
        if _misplaced_at(location):
            shown = redact(location, misplaced=True)
            raise SettingError(f"FAKTI_STATE: cannot use {shown!r}: {MISPLACED_AT}")
        return
    path = state_file(location)
    if path is not None:
        _check_file(location, path)
        return
    if location.lower().startswith("sqlite:"):
        raise SettingError(
            f"FAKTI_STATE: {redact(location, refused=True)!r} names no file (accepted: {_ACCEPTED})"
        )
    if "://" not in location and _MISTYPED_URL.match(location):
        shown = redact(location, refused=True)
        raise SettingError(
            f"FAKTI_STATE: {shown!r} looks like a mistyped URL (accepted: "
            f"{_ACCEPTED}; a relative path that starts so: ./{shown})"
        )
    raise SettingError(
        f"FAKTI_STATE: unsupported store {redact(location, refused=True)!r} (accepted: {_ACCEPTED})"
    )


def _check_file(location: str, path: Path) -> None:
    """A SQLite file that SQLite would not keep (``:memory:``, a ``file:`` URI: the name once
    ``./`` is dropped), or below a file, is a :class:`SettingError`."""
    name = str(path)
    if name == ":memory:" or name.startswith("file:"):
        kind = "an in-memory database" if name == ":memory:" else "a URI"
        raise SettingError(
            f"FAKTI_STATE: {redact(location, refused=True)!r} names no file: SQLite reads "
            f"{name!r} as {kind} (the state must persist: name a file by its absolute path)"
        )
    above = _file_above(path)
    if above is not None:
        raise SettingError(f"FAKTI_STATE: cannot open {name!r}: {str(above)!r} is not a folder")


def _file_above(path: Path) -> Path | None:
    """The nearest of ``path``'s parents that exists, if it is not a folder (``None`` if it
    is one, or cannot be looked at: left to opening the store)."""
    for folder in path.parents:
        try:
            mode = folder.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            return None
        return None if stat.S_ISDIR(mode) else folder
    return None


def open_store(uri_or_path: str | Path, *, owner: str = "") -> StateStore:
    """Open the store named by a path or a URI.

    ``sqlite://`` (or ``sqlite:``) followed by a path opens that SQLite file:
    ``sqlite:///var/lib/fakti.sqlite`` is absolute, ``sqlite://state.sqlite`` relative.
    ``redis://host:port/db`` (optionally ``?prefix=NAME``) opens the shared Redis store, whose
    pending rows belong to ``owner`` (the worker). Any other ``scheme://`` raises
    :class:`SettingError`.
    """
    from newsspider.state.sqlite import SQLiteStore

    text = str(uri_or_path)
    check_location(text)
    if is_redis(text):
        from newsspider.state.redis import RedisStore

        return RedisStore.from_url(text, owner=owner)
    path = state_file(text)
    assert path is not None
    try:
        return SQLiteStore(path)
    except (OSError, sqlite3.Error) as exc:
        raise SettingError(f"FAKTI_STATE: cannot open {str(path)!r}: {exc}") from exc


def get_store(crawler: Crawler) -> StateStore:
    """The crawler's store: opened (and recovered) once, cached on the crawler, closed when
    the engine stops (after every ``spider_closed`` handler has run). A file store is opened
    under the run lock (:mod:`newsspider.extensions.lock`), released after it is closed."""
    store: StateStore | None = getattr(crawler, _CRAWLER_ATTR, None)
    if store is not None:
        return store
    from scrapy import signals

    location = state_location_of(crawler.settings)
    owner = ""
    if is_redis(location):
        from newsspider.distributed.worker import worker_for

        owner = worker_for(crawler).id
    from newsspider.extensions.lock import lock_state, release

    locks = lock_state(crawler)  # before recover(): exits (status 3) if another run holds one
    try:
        store = open_store(location, owner=owner)
    except BaseException:
        release(locks)
        raise
    try:
        outcome = store.recover()
    except BaseException:
        store.close()
        release(locks)
        raise
    setattr(crawler, _CRAWLER_ATTR, store)
    if crawler.stats is not None:
        for name, count in outcome.items():
            if count:
                crawler.stats.set_value(f"{RECOVERED_STATS}{name}", count)
    if outcome["committed_files"] or outcome["rolled_back_files"]:
        logger.warning("state recovery after an interrupted run: %s", outcome)
    logger.info("state store: %s", redact(location))

    def _close() -> None:
        if getattr(crawler, _CRAWLER_ATTR, None) is not store:  # (closed already)
            return
        store.close()
        release(locks)
        delattr(crawler, _CRAWLER_ATTR)
        delattr(crawler, _CLOSE_ATTR)

    setattr(crawler, _CLOSE_ATTR, _close)
    crawler.signals.connect(_close, signal=signals.engine_stopped, weak=False)
    return store


def close_store(crawler: Crawler) -> None:
    """Close the crawler's store and release its locks now, if it is open: for a run that
    stops as it starts, whose engine never stops (a SQLite store left open keeps its ``-wal``
    and ``-shm`` files)."""
    close = getattr(crawler, _CLOSE_ATTR, None)
    if close is not None:
        close()
