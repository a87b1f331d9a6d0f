"""Crash-safe files: write under a hidden temporary name, then fsync, rename and fsync the folder.

A temporary file is ``.<final name>.part`` and is held under an exclusive ``flock`` from
before it appears under that name until it is published, so :func:`clean_leftovers` removes
only the temporaries of dead processes.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from scrapy.extensions.postprocessing import PostProcessingManager

logger = logging.getLogger(__name__)

TEMP_SUFFIX = ".part"


def error_text(error: BaseException) -> str:
    """An error as a log line shows it: its message, or its type when it has none
    (``MemoryError()``: ``MemoryError``)."""
    return str(error) or type(error).__name__


def temp_path(final: Path) -> Path:
    """The temporary name of ``final``: hidden, and not ending in ``.jsonl``."""
    return final.with_name(f".{final.name}{TEMP_SUFFIX}")


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def clean_leftovers(directory: Path) -> list[Path]:
    """Delete the temporaries in ``directory`` that no live process holds, and the private
    names of :func:`create_locked` whose process is gone (a kill left them); return them."""
    removed: list[Path] = []
    if not directory.is_dir():
        return removed
    for path in sorted(directory.glob(f".*{TEMP_SUFFIX}.*")):
        pid = path.suffix.removeprefix(".")
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    for path in sorted(directory.glob(f".*{TEMP_SUFFIX}")):
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live writer
        else:
            path.unlink(missing_ok=True)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def create_locked(path: Path) -> int:
    """Create ``path`` exclusively (``FileExistsError`` if it exists) and return its descriptor,
    under an exclusive ``flock``. It is made and locked under a name of this process's own
    (``<path>.<pid>``, which :func:`clean_leftovers` deletes only once that process is gone),
    then linked into place: no other run's :func:`clean_leftovers` can find it unlocked and
    delete it."""
    own = path.with_name(f"{path.name}.{os.getpid()}")
    fd = os.open(own, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.link(own, path)
    except BaseException:
        os.close(fd)
        raise
    finally:
        own.unlink(missing_ok=True)
    return fd


class WriteFailed(OSError):
    """A file that an earlier write left incomplete: it must not be published."""


class AtomicFile:
    """A file that appears under its final name complete or not at all.

    ``plugins`` are Scrapy feed postprocessing plugins (e.g. ``GzipPlugin``) applied to the
    bytes written, with ``feed_options`` as their options.
    """

    def __init__(
        self,
        final: Path,
        plugins: list[Any] | None = None,
        feed_options: dict[str, Any] | None = None,
    ) -> None:
        self.final = final
        self.temp = temp_path(final)
        final.parent.mkdir(parents=True, exist_ok=True)
        self._raw = os.fdopen(create_locked(self.temp), "wb", buffering=1 << 16)
        self._out: Any = (
            PostProcessingManager(plugins, self._raw, feed_options or {}) if plugins else self._raw
        )
        self.failed: OSError | None = None

    def write(self, data: bytes) -> None:
        """Append ``data``. After a failed write (disk full, quota...) the file may hold part
        of a line, so every later write and :meth:`publish` raise :class:`WriteFailed`."""
        if self.failed is not None:
            raise WriteFailed(f"{self.final.name}: an earlier write failed") from self.failed
        try:
            self._out.write(data)
        except OSError as exc:
            self.failed = exc
            raise

    def discard(self) -> None:
        """Give the file up: close and delete the temporary (nothing is published)."""
        with suppress(OSError):
            self._raw.close()
        self.temp.unlink(missing_ok=True)

    def sync(self) -> None:
        """Finish the stream (postprocessing trailers included), flush and fsync it."""
        if self.failed is not None:
            raise WriteFailed(f"{self.final.name}: a write failed") from self.failed
        if self._out is not self._raw:
            self._out.close()  # closes the plugins, not the raw file
            self._out = self._raw
        self._raw.flush()
        os.fsync(self._raw.fileno())

    def publish(self, check: Callable[[], None] | None = None) -> Path:
        """:meth:`sync`, call ``check`` (an ``OSError`` it raises stops the publishing), rename
        into place, fsync the folder, release the temporary. Once the rename is done the file
        is published: a folder fsync that fails then (``EINVAL`` on some network or FUSE file
        systems, ``EIO``; or anything else, a ``MemoryError``) is only logged, since the file
        is in place (raising would have its keys forgotten while it stays: every record
        exported twice)."""
        self.sync()
        if check is not None:
            check()
        os.rename(self.temp, self.final)
        try:
            fsync_dir(self.final.parent)
        except Exception as exc:  # (not only OSError: the file is in place whatever it is)
            logger.warning(
                "%s is in place, but its folder could not be synced (%s): a power cut now "
                "could lose its name",
                self.final.name,
                error_text(exc),
                exc_info=None if isinstance(exc, OSError) else exc,
            )
        with suppress(Exception):
            self._raw.close()
        return self.final
