"""The run lock: two runs on the same state never overlap.

An exclusive ``fcntl.flock`` on a lock file beside the state (``<state file>.lock``, or
``FAKTI_LOCK_FILE``), taken when the crawler builds its extensions, i.e. before the state
store is opened and recovered. The kernel releases it when the process ends, however it
ends (even SIGKILL), so a stale lock is impossible. A second run finds it held, logs one
CRITICAL line and exits at once with status 3.
"""

from __future__ import annotations

import fcntl
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler

from newsspider.extensions.health import EXIT_LOCKED
from newsspider.extensions.report import set_exit_status
from newsspider.state import DEFAULT_STATE_PATH, state_file, state_location

logger = logging.getLogger(__name__)


class LockBusy(SystemExit):
    """The state is in use by another run (exit status 3, no traceback)."""


def lock_path(settings: object) -> Path:
    """``FAKTI_LOCK_FILE``, else ``<state file>.lock``; a store without a file (a URI) locks
    ``<FAKTI_OUTPUT_DIR>/.state/fakti.lock``."""
    get = settings.get  # type: ignore[attr-defined]
    if get("FAKTI_LOCK_FILE"):
        return Path(get("FAKTI_LOCK_FILE"))
    output = get("FAKTI_OUTPUT_DIR", "output")
    state = state_file(state_location(get("FAKTI_STATE"), output))
    if state is None:
        return Path(output) / DEFAULT_STATE_PATH.with_suffix(".lock")
    return state.with_name(state.name + ".lock")


class RunLock:
    """Holds the lock file open (and flocked) for the life of the run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock (and write our pid and start time into it); False if held."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        started = datetime.now(UTC).isoformat(timespec="seconds")
        os.write(fd, f"pid {os.getpid()} since {started}\n".encode())
        self.fd = fd
        return True

    def holder(self) -> str:
        """What the lock file says about its holder ("pid N since T"), or ``""``."""
        try:
            return self.path.read_text("utf-8").strip()
        except OSError:
            return ""

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor drops the flock
            self.fd = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunLock:
        lock = cls(lock_path(crawler.settings))
        if not lock.acquire():
            held = lock.holder()
            logger.critical(
                "another run is using the state (lock %s is held%s); exiting",
                lock.path,
                f" by {held}" if held else "",
            )
            set_exit_status(crawler, EXIT_LOCKED)
            raise LockBusy(EXIT_LOCKED)
        # Released once the engine has stopped and the state store is closed: the store's
        # own engine_stopped handler is connected earlier (when the pipelines open it).
        crawler.signals.connect(
            lambda: crawler.signals.connect(lock.release, signal=signals.engine_stopped),
            signal=signals.spider_opened,
            weak=False,
        )
        return lock
