"""The run lock: two runs on the same state never overlap.

An exclusive ``fcntl.flock`` on a lock file beside the state file (``<state file>.lock``),
and on ``FAKTI_LOCK_FILE`` too if set, taken by :func:`newsspider.state.get_store` just
before it opens and recovers the store (so ``recover()`` never runs while another run
writes), released after the store is closed. The kernel releases it when the process ends,
however it ends (even SIGKILL), so a stale lock is impossible. A second process finds one
held, logs one CRITICAL line and exits at once with status 3. So does a second crawler of
the same process while the first holds it: its start-up recovery would roll back the first
one's pending export.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler

from newsspider.extensions.exitstatus import set_exit_status
from newsspider.extensions.health import EXIT_LOCKED
from newsspider.state import SettingError, state_file, state_location_of

logger = logging.getLogger(__name__)

#: Locks this process holds: resolved path → file descriptor.
_HELD: dict[Path, int] = {}
#: What a lock file holds (written by :meth:`RunLock.acquire`).
LOCK_TEXT = re.compile(rb"pid [0-9]+ since \S+")
#: A lock file is never larger: a larger file is something else, whatever its first bytes.
LOCK_SIZE_MAX = 4096
#: The files SQLite keeps beside a state file (a lock there would destroy them).
STATE_COMPANIONS = ("", "-wal", "-shm", "-journal")


class LockBusy(SystemExit):
    """The state is in use by another run (exit status 3, no traceback)."""


class LockLost(OSError):
    """A run lock file was removed or replaced while this run held it: another run may have
    taken a new one and recovered (rolled back) this run's pending export."""


def lock_paths(settings: Any) -> list[tuple[Path, str]]:
    """The lock files a run takes, in order, each with the setting that names it:
    ``<state file>.lock`` beside a file store, whatever ``FAKTI_LOCK_FILE`` says (so two runs
    on one state never overlap), then ``FAKTI_LOCK_FILE`` if set and another file. A
    ``redis://`` store has no state lock (its workers share the state on purpose, the backend
    coordinates). ``FAKTI_LOCK_FILE`` naming the state file or a SQLite file beside it is a
    :class:`~newsspider.state.SettingError`."""
    state = state_file(state_location_of(settings))
    paths: list[tuple[Path, str]] = []
    if state is not None:  # (resolved: one state reached through a symlink has one lock)
        state = state.resolve()
        name = "FAKTI_STATE" if settings.get("FAKTI_STATE") else "FAKTI_OUTPUT_DIR"
        paths.append((state.with_name(state.name + ".lock"), name))
    if settings.get("FAKTI_LOCK_FILE"):
        path = Path(settings.get("FAKTI_LOCK_FILE"))
        if state is not None and path.resolve() in {
            Path(f"{state}{suffix}").resolve() for suffix in STATE_COMPANIONS
        }:
            raise SettingError(
                f"FAKTI_LOCK_FILE: {str(path)!r} is the state file or one of its SQLite "
                f"files; name a file of its own (the default is {str(state)!r} + '.lock')"
            )
        if all(path.resolve() != taken.resolve() for taken, _ in paths):
            paths.append((path, "FAKTI_LOCK_FILE"))
    return paths


class RunLock:
    """The lock on ``path``, taken by one crawler at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._key: Path | None = None

    def acquire(self) -> bool:
        """Take the lock (writing our pid and start time into it); False if another process,
        or another crawler of this one, holds it. A file holding anything but a lock's text
        (or blanks and NULs, what a crash may leave) is left as it is: ``OSError`` (it may be
        another job's state: never truncated)."""
        key = self.path.resolve()
        if key in _HELD:
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        text = os.pread(fd, LOCK_SIZE_MAX, 0).strip(b" \t\r\n\0")
        if os.fstat(fd).st_size > LOCK_SIZE_MAX or (text and not LOCK_TEXT.fullmatch(text)):
            os.close(fd)
            raise OSError(errno.EEXIST, "it holds other data, not 'pid N since T'; left as is")
        os.ftruncate(fd, 0)
        started = datetime.now(UTC).isoformat(timespec="seconds")
        os.write(fd, f"pid {os.getpid()} since {started}\n".encode())
        _HELD[key] = fd
        self._key = key
        return True

    def holder(self) -> str:
        """What the lock file says about its holder (``pid N since T``), or ``""``."""
        try:
            return self.path.read_text("utf-8").strip()
        except OSError:
            return ""

    def release(self) -> None:
        """Close the lock file, which drops the flock."""
        if self._key is None:
            return
        os.close(_HELD.pop(self._key))
        self._key = None


def lock_state(crawler: Crawler) -> list[RunLock]:
    """Take the crawler's locks (:func:`lock_paths`, in the order of their resolved paths, so
    two runs sharing them never each hold one the other waits for), or exit with status 3 if
    another process holds one. A lock file that cannot be created (an unwritable
    ``FAKTI_OUTPUT_DIR``), holds other data or is the state file is a
    :class:`~newsspider.state.SettingError`."""
    locks: list[RunLock] = []
    try:
        for path, name in sorted(lock_paths(crawler.settings), key=lambda p: p[0].resolve()):
            lock = RunLock(path)
            try:
                acquired = lock.acquire()
            except OSError as exc:
                raise SettingError(
                    f"{name}: cannot create the run lock {str(path)!r}: {exc.strerror or exc}"
                ) from exc
            if not acquired:
                if path.resolve() in _HELD:
                    held = "another crawler of this process"
                else:
                    held = lock.holder()
                logger.critical(
                    "another run is using the state (lock %s is held%s); exiting",
                    lock.path,
                    f" by {held}" if held else "",
                )
                set_exit_status(crawler, EXIT_LOCKED)
                raise LockBusy(EXIT_LOCKED)
            locks.append(lock)
    except BaseException:
        release(locks)
        raise
    return locks


def release(locks: list[RunLock]) -> None:
    """Release ``locks`` (from :func:`lock_state`), the last taken first."""
    for lock in reversed(locks):
        lock.release()


def lost_locks(crawler: Crawler) -> list[Path]:
    """The state lock of ``crawler`` (:func:`lock_paths`; not ``FAKTI_LOCK_FILE``, which
    keeps no other run from this state) if this process holds it but it is no longer on disk
    as the file it locked (deleted, or replaced by another run's)."""
    lost: list[Path] = []
    for path, name in lock_paths(crawler.settings):
        fd = _HELD.get(path.resolve()) if name != "FAKTI_LOCK_FILE" else None
        if fd is None:
            continue
        held = os.fstat(fd)
        try:
            now = os.stat(path)
        except FileNotFoundError:
            lost.append(path)
            continue
        if (now.st_dev, now.st_ino) != (held.st_dev, held.st_ino):
            lost.append(path)
    return lost
