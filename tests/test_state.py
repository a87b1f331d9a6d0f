"""What only the SQLite state store does: its file (WAL), locations and URIs, refusals, and
the crawler's store lifecycle. The behaviour every backend shares is in
``test_state_contract.py``."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.utils.test import get_crawler

from newsspider.state import (
    SettingError,
    check_location,
    get_store,
    open_store,
    redact,
    state_file,
    state_location,
)
from newsspider.state.sqlite import APPLICATION_ID, SCHEMA_VERSION, SQLiteStore

H1 = "sha256:" + "1" * 64


@pytest.fixture
def store(tmp_path: Path):
    s = SQLiteStore(tmp_path / "state" / "fakti.sqlite")
    yield s
    s.close()


def test_wal_mode_and_file_created_under_missing_folders(store, tmp_path):
    path = tmp_path / "state" / "fakti.sqlite"
    assert path.is_file()
    other = sqlite3.connect(path)  # WAL is a property of the database file
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()


@pytest.mark.parametrize("form", ["{p}", "sqlite://{p}", "sqlite:{p}", "SQLITE://{p}"])
def test_open_store_paths_and_uris(tmp_path, form):
    p = tmp_path / "x" / "s.sqlite"
    s = open_store(form.format(p=p))
    assert isinstance(s, SQLiteStore) and s.path == p
    s.close()


@pytest.mark.parametrize("value", ["sqlite://", "", "mysql://h/db"])
def test_open_store_refuses_unknown_schemes_with_one_line(value):
    with pytest.raises(SettingError) as exc:
        open_store(value)
    message = str(exc.value)
    assert message.startswith("FAKTI_STATE: ") and "\n" not in message
    assert "sqlite://" in message


@pytest.mark.parametrize(
    "value",
    [
        "redis:/127.0.0.1:6393/0?prefix=x",
        "redis//h:6379/0",
        "redis:h:6379",
        "rediss//h:6380/0",
        "REDIS//h:6379/0",
        "redis/h:6379/0",
        "unix:/run/redis.sock",
        "localhost:6379/0",
        "127.0.0.1:6389/0",
        "10.0.0.5:6379/0?prefix=x",
        "0.0.0.0:6379",
        "//127.0.0.1:6389/0",
        "//redis-host:6379/0",
        "[::1]:6379/0",
        ":secret@10.0.0.5:6379/0",
        "redis;//h:6379/0",
        "redis.//h:6379/0",
    ],
)
def test_a_mistyped_url_is_refused_not_taken_as_a_relative_file(tmp_path, monkeypatch, value):
    """A review's run with ``redis:/127.0.0.1:6393/0?prefix=x`` (a worker of a Redis job)
    opened a SQLite file of that relative path: a standalone run that wrote every record
    again (53 of 53); so did an address without its scheme (``127.0.0.1:6389/0``,
    ``//h:6379/0``, ``[::1]:6379/0``) or with a wrong mark for its colon (57 of 57)."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingError) as exc:
        open_store(value)
    shown = redact(value, refused=True)
    assert str(exc.value) == (
        f"FAKTI_STATE: {shown!r} looks like a mistyped URL (accepted: a file path, "
        f"sqlite://<path> or redis://host:port/db; a relative path that starts so: ./{shown})"
    )
    assert list(tmp_path.iterdir()) == []  # no file made


@pytest.mark.parametrize(
    "value",
    [
        "redis/s.sqlite",
        "./redis:s.sqlite",
        "unix/s.sqlite",
        "s.sqlite",
        "C:/s.sqlite",
        "redis/fakti.sqlite",
        "./x:y.sqlite",
        "x:y.sqlite",
        "data/2026:01.sqlite",
    ],
)
def test_relative_paths_that_start_like_a_scheme_are_files(tmp_path, monkeypatch, value):
    monkeypatch.chdir(tmp_path)
    s = open_store(value)
    assert isinstance(s, SQLiteStore) and s.path == Path(value) and (tmp_path / value).is_file()
    s.close()


def test_an_absolute_path_with_a_colon_is_a_file() -> None:
    assert state_file("/abs/a:b/st.sqlite") == Path("/abs/a:b/st.sqlite")


@pytest.mark.parametrize("below", ["s.sqlite", "a/b/s.sqlite"])
def test_a_state_below_a_file_is_refused_naming_the_file(tmp_path, below):
    """``FAKTI_STATE=/etc/passwd/x.sqlite`` said "cannot create the run lock ...: File
    exists", not that ``/etc/passwd`` is no folder."""
    (tmp_path / "file").write_text("")
    path = tmp_path / "file" / below
    with pytest.raises(SettingError) as exc:
        check_location(str(path))
    assert (
        str(exc.value)
        == f"FAKTI_STATE: cannot open {str(path)!r}: {str(tmp_path / 'file')!r} is not a folder"
    )
    with pytest.raises(SettingError, match=r"^FAKTI_STATE: cannot open .* is not a folder$"):
        open_store(f"sqlite://{path}")
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (":memory:", ":memory:"),
        ("sqlite://:memory:", ":memory:"),
        ("sqlite::memory:", ":memory:"),
        ("./:memory:", ":memory:"),  # (the path ':memory:')
        ("sqlite://file::memory:", "file::memory:"),
        ("sqlite://file:s.sqlite?mode=memory", "file:s.sqlite?mode=memory"),
        ("./file:s.sqlite", "file:s.sqlite"),  # (SQLite opened s.sqlite, locked file:s.sqlite.lock)
    ],
)
def test_a_state_sqlite_keeps_in_memory_or_reads_as_a_uri_is_refused(
    tmp_path, monkeypatch, value, name
):
    """``FAKTI_STATE=:memory:`` was an in-memory state: two runs were both first runs (40
    records each), no watermark or history kept, and a stray ``:memory:.lock`` in the
    working folder."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingError) as exc:
        open_store(value)
    kind = "an in-memory database" if name == ":memory:" else "a URI"
    assert str(exc.value) == (
        f"FAKTI_STATE: {value!r} names no file: SQLite reads {name!r} as {kind} (the state "
        "must persist: name a file by its absolute path)"
    )
    assert list(tmp_path.iterdir()) == []


def test_state_location_default_is_under_output_dir():
    assert state_location("", "out") == str(Path("out/.state/fakti.sqlite"))
    assert state_location("sqlite:///x.db", "out") == "sqlite:///x.db"


def test_get_store_opens_once_recovers_and_closes_on_engine_stopped(tmp_path):
    stale = tmp_path / "out" / "fakti" / "gone.jsonl"
    s = SQLiteStore(tmp_path / "out" / ".state" / "fakti.sqlite")
    s.add_pending(str(stale), [(("bg", 1), H1)])
    s.close()

    crawler = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path / "out")})
    store = get_store(crawler)
    assert get_store(crawler) is store
    assert crawler.stats.get_value("state/recovered/rolled_back_keys") == 1
    assert store.pending_files() == []
    crawler.signals.send_catch_log(signals.engine_stopped)
    with pytest.raises(sqlite3.ProgrammingError):
        store.is_empty()
    assert get_store(crawler) is not store  # reopened on demand


def test_a_recovery_that_only_rolled_back_is_a_warning(tmp_path, caplog):
    """Recovering an interrupted run whose feed was never published (rollback only) logs the
    recovery warning with its counts, as a commit does."""
    s = SQLiteStore(tmp_path / "out" / ".state" / "fakti.sqlite")
    s.add_pending(str(tmp_path / "out" / "fakti" / "gone.jsonl"), [(("bg", 1), H1)])
    s.close()
    crawler = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path / "out")})
    get_store(crawler)
    crawler.signals.send_catch_log(signals.engine_stopped)
    (warning,) = [r for r in caplog.records if r.levelname == "WARNING"]
    assert warning.getMessage() == (
        "state recovery after an interrupted run: {'committed_files': 0, 'committed_keys': 0, "
        "'rolled_back_files': 1, 'rolled_back_keys': 1}"
    )


def test_sightings_are_committed_within_touch_seconds(store, tmp_path, monkeypatch):
    """Sightings are committed every ``TOUCH_SECONDS`` as well as every ``TOUCH_BATCH``
    rows, so a killed run loses at most a few seconds of them, not up to a thousand."""
    from newsspider.state import sqlite as module

    clock = [100.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])

    def committed() -> int:
        with sqlite3.connect(tmp_path / "state" / "fakti.sqlite") as other:
            return other.execute("SELECT COUNT(*) FROM keys").fetchone()[0]

    for article_id in (1, 2):
        store.touch(("bg", article_id), f"https://fakti.bg/world/{article_id}-x", None, H1, 1)
    assert committed() == 0  # (both in the open batch)
    clock[0] += module.TOUCH_SECONDS
    store.touch(("bg", 3), "https://fakti.bg/world/3-x", None, H1, 1)
    assert committed() == 3


#: The tables of the first state files (07538bb), before ``watermarks`` and ``runs``.
EARLY_SCHEMA = """
CREATE TABLE keys (lang TEXT NOT NULL, article_id INTEGER NOT NULL, first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL, published_at TEXT, published_ts INTEGER, content_hash TEXT,
    views INTEGER, url TEXT, file TEXT, exported_hash TEXT, PRIMARY KEY (lang, article_id))
    WITHOUT ROWID;
CREATE INDEX keys_exported_published ON keys (published_ts) WHERE file IS NOT NULL;
CREATE TABLE pending (file TEXT NOT NULL, lang TEXT NOT NULL, article_id INTEGER NOT NULL,
    content_hash TEXT NOT NULL, PRIMARY KEY (file, lang, article_id)) WITHOUT ROWID;
INSERT INTO keys (lang, article_id, first_seen, last_seen, file)
    VALUES ('bg', 7, '2026-11-29T06:30:00+00:00', '2026-11-29T06:30:00+00:00', 'a.jsonl');
"""


def _marks(path: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(path)) as db:
        return tuple(
            db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("application_id", "user_version")
        )


@pytest.mark.parametrize("empty", [False, True])
def test_a_new_or_empty_file_becomes_a_marked_state(tmp_path, empty):
    path = tmp_path / "fakti.sqlite"
    if empty:
        path.write_bytes(b"")
    open_store(path).close()
    assert _marks(path) == (APPLICATION_ID, SCHEMA_VERSION) == (0x66616B74, 1)
    store = open_store(path)  # (a marked state opens again)
    assert store.is_empty()
    store.close()


def test_an_unmarked_state_of_an_earlier_version_is_used_and_marked(tmp_path):
    path = tmp_path / "fakti.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(EARLY_SCHEMA)
    store = open_store(path)
    assert store.known([("bg", 7), ("bg", 8)]) == {("bg", 7)}
    assert store.watermarks() == {}
    store.close()
    assert _marks(path) == (APPLICATION_ID, SCHEMA_VERSION)


def test_an_analyzed_unmarked_state_of_an_earlier_version_is_used(tmp_path):
    """``ANALYZE`` (or ``PRAGMA optimize``) adds SQLite's own ``sqlite_stat1`` table: that is
    no object of another program, and the earlier state opens as one."""
    path = tmp_path / "fakti.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(EARLY_SCHEMA + "ANALYZE;")
        assert ("sqlite_stat1",) in db.execute("SELECT name FROM sqlite_master").fetchall()
    store = open_store(path)
    assert store.known([("bg", 7), ("bg", 8)]) == {("bg", 7)}
    store.close()
    assert _marks(path) == (APPLICATION_ID, SCHEMA_VERSION)


def test_a_state_file_that_grows_during_the_run_is_not_lost(tmp_path):
    """A checkpoint grows the state file during a run: it is still the file the run opened
    (only a file deleted or replaced is lost)."""
    path = tmp_path / "fakti.sqlite"
    store = open_store(path)
    size = path.stat().st_size
    store.add_pending("a.jsonl", [(("bg", n), H1) for n in range(1, 2001)])
    with closing(sqlite3.connect(path)) as other:
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert path.stat().st_size > size
    assert store.lost() is None
    store.close()


@pytest.mark.parametrize(
    ("script", "why"),
    [
        (
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);"
            "INSERT INTO customers VALUES (1, 'alice');",
            "it is another program's database (not of a state: table customers)",
        ),
        (
            EARLY_SCHEMA + "CREATE TABLE customers (id INTEGER PRIMARY KEY);",
            "it is another program's database (not of a state: table customers)",
        ),
        (
            "CREATE TABLE keys (k TEXT PRIMARY KEY, v BLOB);",
            "it is another program's database (not of a state: table keys)",
        ),
        (
            "CREATE VIEW recent AS SELECT 1 AS one;",
            "it is another program's database (not of a state: view recent)",
        ),
        (
            EARLY_SCHEMA + "CREATE TRIGGER audit AFTER INSERT ON keys BEGIN SELECT 1; END;",
            "it is another program's database (not of a state: trigger audit)",
        ),
        (
            EARLY_SCHEMA + "CREATE INDEX keys_by_url ON keys (url);",
            "it is another program's database (not of a state: index keys_by_url)",
        ),
        (
            "CREATE TABLE sqlitebrowser_rename_column_new_table (x);",
            "it is another program's database "
            "(not of a state: table sqlitebrowser_rename_column_new_table)",
        ),
        (
            "PRAGMA application_id = 1234; CREATE TABLE t (x);",
            "it is another program's database (application_id 0x4d2)",
        ),
        (
            "PRAGMA application_id = 1234;",
            "it is another program's database (application_id 0x4d2)",
        ),
        (
            f"PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = 2;" + EARLY_SCHEMA,
            "a state of a newer version (schema version 2; this one reads up to 1)",
        ),
        (
            "PRAGMA user_version = 5;",
            "it is another program's database (user_version 5, no application_id)",
        ),
        (
            "PRAGMA user_version = 1;" + EARLY_SCHEMA,
            "it is another program's database (user_version 1, no application_id)",
        ),
    ],
    ids=[
        "other-tables",
        "ours-and-others",
        "keys-of-other-columns",
        "only-a-view",
        "ours-and-a-trigger",
        "ours-and-an-index",
        "a-table-named-sqlite-something",
        "other-app",
        "other-app-empty",
        "newer",
        "unmarked-versioned-empty",
        "unmarked-versioned-ours",
    ],
)
def test_another_database_at_the_state_path_is_refused_and_left_as_it_is(tmp_path, script, why):
    """Another program's database at the state's path was used as the state: its journal mode
    switched to WAL, the state's tables added to it, and the run was a first run (127 records
    written again); one with a ``keys`` table of other columns failed on ``published_ts``,
    switched to WAL already. One with only a view (or our tables and a trigger or index of
    its own) was taken as empty too: only tables were looked at. An unmarked file with a
    ``user_version`` (``PRAGMA user_version=5`` on an empty file) was taken as a first run and
    its version set to 1: a state before the mark had 0."""
    path = tmp_path / "fakti.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(script)
    before = path.read_bytes()
    with pytest.raises(SettingError) as exc:
        open_store(path)
    assert str(exc.value) == f"FAKTI_STATE: cannot open {str(path)!r}: {why}; left as it is"
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["fakti.sqlite"]
