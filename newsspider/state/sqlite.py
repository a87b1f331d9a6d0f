"""SQLite backend of the state store (WAL mode, one file, one writer at a time)."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from dateutil import tz

from newsspider.state import HISTORY_KEEP, Key, KeyState, chunks, decode_runs, unix_seconds
from newsspider.state.recovery import settle_pending

SOFIA = tz.gettz("Europe/Sofia")
#: Sightings are committed in batches of this many rows, or after this many seconds.
TOUCH_BATCH = 1000
TOUCH_SECONDS = 2.0
_CHUNK = 500  # ids per ``IN (...)`` query

_SCHEMA = """
CREATE TABLE IF NOT EXISTS keys (
    lang TEXT NOT NULL,
    article_id INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    published_at TEXT,
    published_ts INTEGER,
    content_hash TEXT,
    views INTEGER,
    url TEXT,
    file TEXT,
    exported_hash TEXT,
    PRIMARY KEY (lang, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS keys_exported_published ON keys (published_ts) WHERE file IS NOT NULL;
CREATE TABLE IF NOT EXISTS pending (
    file TEXT NOT NULL,
    lang TEXT NOT NULL,
    article_id INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    PRIMARY KEY (file, lang, article_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS watermarks (
    scope TEXT PRIMARY KEY,
    at_ts INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded TEXT NOT NULL,
    data TEXT NOT NULL
);
"""

#: ``PRAGMA application_id`` of a state file (``fakt``): another program's file has its own, or 0.
APPLICATION_ID = 0x66616B74
#: ``PRAGMA user_version`` of a state file: the version of :data:`_SCHEMA` (files written before
#: the mark have the same tables, some of them missing, and no mark).
SCHEMA_VERSION = 1

_COLUMNS = "first_seen, last_seen, published_at, content_hash, views, url, file, exported_hash"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _sofia(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(SOFIA)


def _identity(path: Path) -> tuple[int, int]:
    """The device and inode of the file at ``path``."""
    found = os.stat(path)
    return found.st_dev, found.st_ino


@cache
def _our_schema() -> dict[tuple[str, str], list[str] | str]:
    """The schema objects of :data:`_SCHEMA` (:func:`_schema`)."""
    with closing(sqlite3.connect(":memory:")) as db:
        db.executescript(_SCHEMA)
        return _schema(db)


def _schema(db: sqlite3.Connection) -> dict[tuple[str, str], list[str] | str]:
    """Each schema object of ``db`` (not SQLite's own ``sqlite_*``) by ``(type, name)``: a
    table's column names, another's (index, view, trigger) SQL."""
    rows = db.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!'"
    ).fetchall()
    return {
        (kind, name): [
            column for _, column, *_ in db.execute("SELECT * FROM pragma_table_info(?)", (name,))
        ]
        if kind == "table"
        else sql
        for kind, name, sql in rows
    }


def _refusal(db: sqlite3.Connection) -> str | None:
    """Why ``db`` is not a state this version may use (read only), or ``None``: it is one
    (marked, or unmarked with ``user_version`` 0 and only tables and indexes of ours: an
    earlier version's), or has no schema object."""
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if app_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            return (
                f"a state of a newer version (schema version {version}; this one reads up to "
                f"{SCHEMA_VERSION})"
            )
        return None
    if app_id:
        return f"it is another program's database (application_id {app_id:#x})"
    if version:
        return f"it is another program's database (user_version {version}, no application_id)"
    ours = _our_schema()
    other = sorted(
        f"{kind} {name}"
        for (kind, name), shape in _schema(db).items()
        if ours.get((kind, name)) != shape
    )
    if other:
        return f"it is another program's database (not of a state: {', '.join(other)})"
    return None


class ForeignState(sqlite3.DatabaseError):
    """The file at the state's path is not a state (:func:`_refusal`); it is left as it is."""


class SQLiteStore:
    """:class:`newsspider.state.StateStore` on one SQLite file in WAL mode.

    Sightings (:meth:`touch`) are batched; :meth:`add_pending`, :meth:`commit_file` and
    :meth:`rollback_file` commit at once with ``synchronous=FULL``, so they are durable on
    return.

    A new or empty file is made a state and marked (``application_id``, ``user_version``), as
    is an unmarked one of an earlier version; any other database is refused before anything
    is written to it (:class:`ForeignState`).
    """

    errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
        try:
            refusal = _refusal(self._db)
            if refusal is not None:
                raise ForeignState(f"{refusal}; left as it is")
        except sqlite3.Error:
            self._db.close()
            raise
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(
            f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA application_id = {APPLICATION_ID}; "
            f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
        )
        self._file = _identity(path)
        self._batch = 0
        self._batch_started = 0.0

    # -- transactions ---------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write inside the current transaction (opened if needed)."""
        if not self._db.in_transaction:
            self._db.execute("BEGIN IMMEDIATE")
            self._batch_started = time.monotonic()
        yield self._db

    def _commit(self) -> None:
        if self._db.in_transaction:
            self._db.execute("COMMIT")
        self._batch = 0

    # -- queries ----------------------------------------------------------------------------
    def known(self, keys: Iterable[Key]) -> set[Key]:
        by_lang: dict[str, list[int]] = {}
        for lang, article_id in keys:
            by_lang.setdefault(lang, []).append(article_id)
        found: set[Key] = set()
        for lang, ids in by_lang.items():  # lang = ? AND id IN (...): a primary-key lookup
            for chunk in chunks(ids, _CHUNK):
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT article_id FROM keys WHERE lang = ? AND article_id IN ({marks}) "
                    "AND file IS NOT NULL",
                    (lang, *chunk),
                )
                found.update((lang, int(aid)) for (aid,) in rows)
        return found

    def get(self, key: Key) -> KeyState | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM keys WHERE lang = ? AND article_id = ?",
            key,
        ).fetchone()
        if row is None:
            return None
        first, last, published, chash, views, url, file, exported = row
        return KeyState(
            first_seen=datetime.fromisoformat(first),
            last_seen=datetime.fromisoformat(last),
            published_at=_sofia(published),
            content_hash=chash,
            views=views,
            url=url,
            file=file,
            exported_hash=exported,
        )

    def is_empty(self) -> bool:
        return (
            self._db.execute("SELECT 1 FROM keys WHERE file IS NOT NULL LIMIT 1").fetchone() is None
        )

    def newest_published(self, lang: str | None = None) -> datetime | None:
        row = self._db.execute(
            "SELECT published_at FROM keys WHERE file IS NOT NULL AND published_ts IS NOT NULL "
            "AND (? IS NULL OR lang = ?) ORDER BY published_ts DESC LIMIT 1",
            (lang, lang),
        ).fetchone()
        return None if row is None else _sofia(row[0])

    def published_since(self, dt: datetime) -> list[tuple[Key, str]]:
        rows = self._db.execute(
            "SELECT lang, article_id, url FROM keys WHERE file IS NOT NULL AND published_ts >= ? "
            "ORDER BY published_ts, lang, article_id",
            (unix_seconds(dt),),
        )
        return [((lang, int(aid)), url) for lang, aid, url in rows]

    # -- sightings --------------------------------------------------------------------------
    def touch(
        self,
        key: Key,
        url: str,
        published_at: datetime | None,
        content_hash: str | None,
        views: int | None,
    ) -> None:
        ts = unix_seconds(published_at)
        now = _now()
        published = published_at.isoformat(timespec="seconds") if published_at else None
        with self._write() as db:
            db.execute(
                "INSERT INTO keys (lang, article_id, first_seen, last_seen, published_at, "
                "published_ts, content_hash, views, url) VALUES (?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT (lang, article_id) DO UPDATE SET last_seen = excluded.last_seen, "
                "published_at = excluded.published_at, published_ts = excluded.published_ts, "
                "content_hash = excluded.content_hash, views = excluded.views, url = excluded.url",
                (*key, now, now, published, ts, content_hash, views, url),
            )
        self._batch += 1
        if self._batch >= TOUCH_BATCH or time.monotonic() - self._batch_started >= TOUCH_SECONDS:
            self._commit()

    # -- export protocol --------------------------------------------------------------------
    def add_pending(self, file: str, rows: Iterable[tuple[Key, str]]) -> None:
        with self._write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO pending (file, lang, article_id, content_hash) "
                "VALUES (?,?,?,?)",
                ((file, lang, aid, chash) for (lang, aid), chash in rows),
            )
        self._commit()

    def commit_file(self, file: str) -> int:
        now = _now()
        with self._write() as db:
            count = db.execute("SELECT COUNT(*) FROM pending WHERE file = ?", (file,)).fetchone()[0]
            db.execute(
                "INSERT INTO keys (lang, article_id, first_seen, last_seen, file, exported_hash) "
                "SELECT lang, article_id, ?, ?, file, content_hash FROM pending WHERE file = ? "
                "ON CONFLICT (lang, article_id) DO UPDATE SET file = excluded.file, "
                "exported_hash = excluded.exported_hash",
                (now, now, file),
            )
            db.execute("DELETE FROM pending WHERE file = ?", (file,))
        self._commit()
        return int(count)

    def rollback_file(self, file: str) -> int:
        with self._write() as db:
            count = db.execute("DELETE FROM pending WHERE file = ?", (file,)).rowcount
        self._commit()
        return int(count)

    def pending_files(self) -> list[str]:
        """Files with pending rows (an interrupted export, or the current run's)."""
        return [f for (f,) in self._db.execute("SELECT DISTINCT file FROM pending ORDER BY file")]

    def recover(self) -> dict[str, int]:
        return settle_pending(self)

    # -- discovery watermarks ----------------------------------------------------------------
    def watermarks(self) -> dict[str, datetime]:
        rows = self._db.execute("SELECT scope, at_ts FROM watermarks")
        return {scope: datetime.fromtimestamp(ts, SOFIA) for scope, ts in rows}

    def raise_watermarks(self, marks: Mapping[str, datetime]) -> None:
        with self._write() as db:
            db.executemany(
                "INSERT INTO watermarks (scope, at_ts) VALUES (?, ?) ON CONFLICT (scope) "
                "DO UPDATE SET at_ts = max(at_ts, excluded.at_ts)",
                ((scope, unix_seconds(at)) for scope, at in marks.items()),
            )
        self._commit()

    # -- run history ------------------------------------------------------------------------
    def record_run(self, run: dict[str, Any]) -> None:
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO runs (recorded, data) VALUES (?, ?)",
                (_now(), json.dumps(run, ensure_ascii=False, sort_keys=True)),
            )
            db.execute("DELETE FROM runs WHERE seq <= ?", (cursor.lastrowid - HISTORY_KEEP,))
        self._commit()

    def recent_runs(self, n: int) -> list[dict[str, Any]]:
        if n <= 0:
            return []
        rows = self._db.execute("SELECT data FROM runs ORDER BY seq DESC LIMIT ?", (n,))
        return decode_runs(data for (data,) in rows)[::-1]

    def lost(self) -> str | None:
        try:
            if _identity(self.path) == self._file:
                return None
        except FileNotFoundError:
            return f"the state file {self.path} was deleted during the run"
        except OSError as exc:  # (e.g. its folder replaced by a file)
            return f"the state file {self.path} cannot be looked at ({exc.strerror or exc})"
        return f"the state file {self.path} was replaced during the run"

    def close(self) -> None:
        self._commit()
        self._db.close()
