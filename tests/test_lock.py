"""The run lock: an flock beside the state, taken when the store opens, gone with the process."""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.utils.test import get_crawler

from newsspider.extensions.exitstatus import exit_status
from newsspider.extensions.lock import LockBusy, RunLock, lock_paths
from newsspider.state import SettingError, get_store, open_store

HOLD = (
    "import sys; from pathlib import Path; from newsspider.extensions.lock import RunLock;"
    "assert RunLock(Path(sys.argv[1])).acquire(); print('held', flush=True); sys.stdin.read()"
)


TRY = (
    "import sys; from pathlib import Path; from newsspider.extensions.lock import RunLock;"
    "print(RunLock(Path(sys.argv[1])).acquire())"
)


def other_process_can_lock(path: Path) -> bool:
    done = subprocess.run([sys.executable, "-c", TRY, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout == "True\n"


@contextmanager
def held_elsewhere(path: Path) -> Iterator[subprocess.Popen]:
    """Another process holds the lock on ``path`` until the block ends."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait(10)


def settings(**values):
    return get_crawler(settings_dict=values).settings


def test_lock_paths_are_beside_the_state_and_lock_file(tmp_path):
    default = tmp_path / ".state" / "fakti.sqlite.lock"
    assert lock_paths(settings(FAKTI_OUTPUT_DIR=str(tmp_path))) == [(default, "FAKTI_OUTPUT_DIR")]
    state = tmp_path / "var" / "s.sqlite"
    assert lock_paths(settings(FAKTI_STATE=f"sqlite://{state}")) == [
        (state.with_name("s.sqlite.lock"), "FAKTI_STATE")
    ]
    # FAKTI_LOCK_FILE is one more lock, never instead of the state's
    values = {"FAKTI_OUTPUT_DIR": str(tmp_path), "FAKTI_LOCK_FILE": "/run/x.lock"}
    assert lock_paths(settings(**values)) == [
        (default, "FAKTI_OUTPUT_DIR"),
        (Path("/run/x.lock"), "FAKTI_LOCK_FILE"),
    ]
    values["FAKTI_LOCK_FILE"] = f"{tmp_path}/.state/../.state/fakti.sqlite.lock"
    assert lock_paths(settings(**values)) == [(default, "FAKTI_OUTPUT_DIR")]
    assert lock_paths(settings(FAKTI_STATE="redis://h/0")) == []  # shared on purpose
    assert lock_paths(settings(FAKTI_STATE="redis://h/0", FAKTI_LOCK_FILE="/run/x.lock")) == [
        (Path("/run/x.lock"), "FAKTI_LOCK_FILE")
    ]


def test_lock_held_by_another_process_is_refused_until_it_ends(tmp_path):
    path = tmp_path / "a.lock"
    with held_elsewhere(path) as holder:
        lock = RunLock(path)
        assert not lock.acquire()
        assert lock.holder().startswith(f"pid {holder.pid} since 20")
    assert lock.acquire()  # the holder was killed: no stale lock
    lock.release()


def test_a_second_lock_of_one_process_waits_for_the_first_release(tmp_path):
    path = tmp_path / "a.lock"
    first, second = RunLock(path), RunLock(path)
    assert first.acquire() and not second.acquire()
    second.release()  # it holds nothing: the first keeps the lock
    assert not other_process_can_lock(path)
    first.release()
    assert second.acquire() and not other_process_can_lock(path)
    second.release()
    assert other_process_can_lock(path)


def test_a_second_crawler_of_one_process_exits_3_and_keeps_the_first_export(tmp_path, caplog):
    """Its start-up recovery would roll back the first crawler's pending export (the feed is
    not published yet), so the next run would export those records again."""
    first = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)})
    store = get_store(first)
    feed = str(tmp_path / "feed.jsonl")
    store.add_pending(feed, [(("en", 1), "h1"), (("en", 2), "h2")])
    second = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)})
    with pytest.raises(LockBusy) as exc:
        get_store(second)
    assert exc.value.code == 3 and exit_status(second) == 3
    lock = tmp_path / ".state" / "fakti.sqlite.lock"
    assert f"(lock {lock} is held by another crawler of this process)" in caplog.text
    assert store.pending_files() == [feed]
    first.signals.send_catch_log(signals.engine_stopped)
    third = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)})
    get_store(third)  # the first released it: the next crawler runs
    assert third.stats.get_value("state/recovered/rolled_back_keys") == 2  # never published
    third.signals.send_catch_log(signals.engine_stopped)


def test_a_failed_recovery_releases_the_lock(tmp_path, monkeypatch):
    """The lock stayed held by the process: its next crawler was refused as 'another crawler
    of this process'."""
    from newsspider.state.sqlite import SQLiteStore

    def broken(self):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(SQLiteStore, "recover", broken)
    with pytest.raises(sqlite3.OperationalError):
        get_store(get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)}))
    assert other_process_can_lock(tmp_path / ".state" / "fakti.sqlite.lock")


def test_a_recovery_that_failed_mid_write_leaves_the_state_unlocked(tmp_path, monkeypatch):
    """A recovery that fails inside its write transaction (disk I/O error) closes the store:
    the state is not left write-locked for the next run of the process."""
    from newsspider.state.sqlite import SQLiteStore

    def broken(self):
        with self._write():
            raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(SQLiteStore, "recover", broken)
    with pytest.raises(sqlite3.OperationalError):
        get_store(get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)}))
    other = sqlite3.connect(tmp_path / ".state" / "fakti.sqlite", timeout=0)
    other.execute("BEGIN IMMEDIATE")  # (not "database is locked")
    other.close()


def test_a_state_that_cannot_be_opened_releases_the_lock(tmp_path):
    """A state file SQLite cannot open (a folder there) fails the run with a setting error and
    leaves the lock free, as a failed recovery does."""
    state = tmp_path / "fakti.sqlite"
    state.mkdir()
    crawler = get_crawler(settings_dict={"FAKTI_STATE": str(state)})
    with pytest.raises(SettingError, match="FAKTI_STATE: cannot open"):
        get_store(crawler)
    assert other_process_can_lock(tmp_path / "fakti.sqlite.lock")


def test_opening_a_locked_state_exits_3_before_touching_it(tmp_path, caplog):
    crawler = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)})
    lock = tmp_path / ".state" / "fakti.sqlite.lock"
    with held_elsewhere(lock) as holder, pytest.raises(LockBusy) as exc:
        get_store(crawler)
    assert exc.value.code == 3 and exit_status(crawler) == 3
    assert (
        f"another run is using the state (lock {lock} is held by pid {holder.pid} since "
        in caplog.text
    )
    assert not (tmp_path / ".state" / "fakti.sqlite").exists()  # neither opened nor recovered


def test_a_lock_held_without_a_holder_line_is_told_without_one(tmp_path, caplog):
    """A lock file held but empty (its holder wrote no `pid N since T` line) is told as held,
    with no empty 'by'."""
    lock = tmp_path / ".state" / "fakti.sqlite.lock"
    lock.parent.mkdir(parents=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(LockBusy):
            get_store(get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)}))
    finally:
        os.close(fd)
    assert f"another run is using the state (lock {lock} is held); exiting" in caplog.text


@pytest.mark.parametrize("held", ["state", "lock file"])
def test_a_run_with_its_own_lock_file_is_still_locked_out_of_a_busy_state(tmp_path, caplog, held):
    state_lock = tmp_path / ".state" / "fakti.sqlite.lock"
    other = tmp_path / "other.lock"
    values = {"FAKTI_OUTPUT_DIR": str(tmp_path), "FAKTI_LOCK_FILE": str(other)}
    busy = state_lock if held == "state" else other
    with held_elsewhere(busy) as holder, pytest.raises(LockBusy) as exc:
        get_store(get_crawler(settings_dict=values))
    assert exc.value.code == 3
    assert f"(lock {busy} is held by pid {holder.pid} since " in caplog.text
    assert not (tmp_path / ".state" / "fakti.sqlite").exists()
    assert other_process_can_lock(state_lock) and other_process_can_lock(other)  # released


def test_store_holds_the_lock_until_the_engine_stopped(tmp_path):
    crawler = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(tmp_path)})
    get_store(crawler)
    lock = tmp_path / ".state" / "fakti.sqlite.lock"
    assert not other_process_can_lock(lock)
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert other_process_can_lock(lock)


def test_a_lock_that_cannot_be_created_is_a_setting_error(tmp_path):
    (tmp_path / "file").write_text("")
    out = tmp_path / "file" / "out"
    crawler = get_crawler(settings_dict={"FAKTI_OUTPUT_DIR": str(out)})
    with pytest.raises(SettingError, match=r"^FAKTI_OUTPUT_DIR: cannot create the run lock '"):
        get_store(crawler)
    lock = {"FAKTI_OUTPUT_DIR": str(tmp_path), "FAKTI_LOCK_FILE": str(out / "x.lock")}
    crawler = get_crawler(settings_dict=lock)
    with pytest.raises(SettingError, match=r"^FAKTI_LOCK_FILE: cannot create the run lock '"):
        get_store(crawler)


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_a_lock_file_that_is_the_state_is_refused_and_the_state_kept(tmp_path, suffix):
    state = tmp_path / "s.sqlite"
    store = open_store(state)
    store.add_pending("f.jsonl", [(("en", 1), "h1")])
    store.commit_file("f.jsonl")
    store.close()
    before = state.read_bytes()
    values = {"FAKTI_STATE": str(state), "FAKTI_LOCK_FILE": f"{tmp_path}/./s.sqlite{suffix}"}
    with pytest.raises(SettingError) as exc:
        get_store(get_crawler(settings_dict=values))
    assert str(exc.value) == (
        f"FAKTI_LOCK_FILE: '{tmp_path}/s.sqlite{suffix}' is the state file or one of its "
        f"SQLite files; name a file of its own (the default is '{state}' + '.lock')"
    )
    assert state.read_bytes() == before
    assert open_store(state).known([("en", 1)]) == {("en", 1)}


def test_a_file_that_is_not_a_lock_is_never_truncated(tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("keep me\n")
    values = {"FAKTI_OUTPUT_DIR": str(tmp_path), "FAKTI_LOCK_FILE": str(other)}
    with pytest.raises(SettingError) as exc:
        get_store(get_crawler(settings_dict=values))
    assert str(exc.value) == (
        f"FAKTI_LOCK_FILE: cannot create the run lock '{other}': it holds other data, "
        "not 'pid N since T'; left as is"
    )
    assert other.read_text() == "keep me\n"
    with other.open() as file:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)  # not left locked
    # an empty file or an earlier run's lock is one
    for text in ("", "pid 4242 since 2026-11-29T06:30:00+00:00\n"):
        other.write_text(text)
        lock = RunLock(other)
        assert lock.acquire() and lock.holder().startswith(f"pid {os.getpid()} since 20")
        lock.release()


def test_what_a_crash_leaves_in_a_lock_file_does_not_block_the_next_run(tmp_path):
    """A power cut may leave the state's own lock file full of NULs (or an editor a blank
    line): that file was refused as 'other data', and every later run exited 1."""
    own = tmp_path / ".state" / "fakti.sqlite.lock"
    own.parent.mkdir()
    extra = tmp_path / "extra.lock"
    for junk in (b"\0" * 41, b"\n"):
        own.write_bytes(junk)
        extra.write_bytes(junk)
        values = {"FAKTI_OUTPUT_DIR": str(tmp_path), "FAKTI_LOCK_FILE": str(extra)}
        crawler = get_crawler(settings_dict=values)
        get_store(crawler)
        assert own.read_text().startswith(f"pid {os.getpid()} since ")
        assert extra.read_text().startswith(f"pid {os.getpid()} since ")
        crawler.signals.send_catch_log(signals.engine_stopped)


def test_a_longer_lock_line_an_earlier_run_left_is_replaced_whole(tmp_path):
    """The lock line of an earlier run, longer than ours, is rewritten whole: a tail of it left
    behind would make the next run refuse the file as other data."""
    path = tmp_path / "run.lock"
    path.write_text("pid 4194304999 since 2026-11-30T09:00:00.123456+00:00\n")
    lock = RunLock(path)
    assert lock.acquire()
    lock.release()
    assert re.fullmatch(rf"pid {os.getpid()} since \S+\n", path.read_text())


def test_a_state_lock_path_holding_another_jobs_state_is_never_truncated(tmp_path):
    """Job A's state ``s`` has its lock at ``s.lock``, which job B uses as its state: A
    truncated B's database and wrote its pid into it (a review of 7854133)."""
    b_state = tmp_path / "s.lock"
    open_store(f"sqlite://{b_state}").close()
    before = b_state.read_bytes()
    assert before.startswith(b"SQLite format 3\0")
    with pytest.raises(SettingError, match="it holds other data"):
        get_store(get_crawler(settings_dict={"FAKTI_STATE": f"sqlite://{tmp_path / 's'}"}))
    assert b_state.read_bytes() == before


def test_two_runs_sharing_lock_files_take_them_in_one_order(tmp_path, monkeypatch):
    """Run A on state 1 with FAKTI_LOCK_FILE at state 2's lock, run B the other way round:
    each took its state's lock first, so at the same instant each held one the other needed
    and both exited 3. Both now take them in the order of their paths."""
    one, two = tmp_path / "1" / "s.sqlite", tmp_path / "2" / "s.sqlite"
    taken: list[Path] = []
    real = RunLock.acquire

    def record(self: RunLock) -> bool:
        taken.append(self.path.resolve())
        return real(self)

    monkeypatch.setattr(RunLock, "acquire", record)
    for state, other in ((one, two), (two, one)):
        values = {"FAKTI_STATE": f"sqlite://{state}", "FAKTI_LOCK_FILE": f"{other}.lock"}
        crawler = get_crawler(settings_dict=values)
        get_store(crawler)
        crawler.signals.send_catch_log(signals.engine_stopped)
    first = sorted([Path(f"{one}.lock").resolve(), Path(f"{two}.lock").resolve()])
    assert taken == first + first


def test_a_state_reached_through_a_symlink_has_the_same_lock(tmp_path):
    real = tmp_path / "real" / "fakti.sqlite"
    real.parent.mkdir()
    link = tmp_path / "link.sqlite"
    link.symlink_to(real)
    (via_link,) = lock_paths(settings(FAKTI_STATE=f"sqlite://{link}"))
    (direct,) = lock_paths(settings(FAKTI_STATE=f"sqlite://{real}"))
    assert via_link[0] == direct[0] == real.with_name("fakti.sqlite.lock")


def test_a_file_that_starts_with_a_lock_line_but_holds_more_is_never_truncated(tmp_path):
    """Only a whole file of one lock line is a lock: a lock line followed by other data may be
    another job's file, left as it is."""
    path = tmp_path / "x.lock"
    data = b"pid 7 since 2026-11-29T06:30:00+00:00\nsomething else entirely\n"
    path.write_bytes(data)
    with pytest.raises(OSError, match="it holds other data"):
        RunLock(path).acquire()
    assert path.read_bytes() == data


def test_a_lock_line_with_crlf_or_spaces_is_a_lock_and_a_large_file_never_is(tmp_path):
    """A lock line edited to CRLF or trailing spaces was refused; a sparse file of NULs
    larger than the bytes read was taken for an empty lock and truncated."""
    path = tmp_path / "x.lock"
    for text in (b"pid 7 since 2026-11-29T06:30:00+00:00\r\n", b"pid 7 since T  \n\n\0"):
        path.write_bytes(text)
        lock = RunLock(path)
        assert lock.acquire()
        lock.release()
    path.write_bytes(b"\0" * 10_000)
    with pytest.raises(OSError, match="it holds other data"):
        RunLock(path).acquire()
    assert path.stat().st_size == 10_000
