"""The names of one run's files: ``<FAKTI_OUTPUT_DIR>/fakti/<UTC start>.jsonl`` and its siblings."""

from __future__ import annotations

import atexit
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler

from newsspider.distributed import is_distributed
from newsspider.pipelines.atomic import TEMP_SUFFIX, create_locked
from newsspider.state import SettingError

#: The sub-folder of ``FAKTI_OUTPUT_DIR`` that holds the run files.
FEED_SUBDIR = "fakti"
STEM_FORMAT = "%Y-%m-%dT%H-%M-%S"
_CRAWLER_ATTR = "_fakti_run_files"


@dataclass(frozen=True, slots=True)
class RunFiles:
    """One run's file names (absolute). ``stem`` is the UTC start, plus ``_001``, ``_002``...
    if taken (``_`` sorts after ``.`` and the suffix is zero-padded, so names sort in run
    order)."""

    directory: Path
    stem: str
    gzip: bool = False

    @property
    def feed(self) -> Path:
        return self.directory / f"{self.stem}.jsonl{'.gz' if self.gzip else ''}"

    @property
    def rejects(self) -> Path:
        return self.directory / f"{self.stem}.rejects.jsonl"

    @property
    def report(self) -> Path:
        return self.directory / f"{self.stem}.report.json"

    @property
    def claim(self) -> Path:
        """The hidden file that holds the stem for this run while it lasts."""
        return self.directory / f".{self.stem}.claim{TEMP_SUFFIX}"

    def release(self) -> None:
        """Give the stem's claim up (the run's files are written): delete and unlock it."""
        _release(self.claim)


#: Claim file → its descriptor, held (under ``flock``) until :meth:`RunFiles.release` or the
#: end of the process (also when it stops at start-up); a killed run's claim is removed like
#: its temporaries.
_CLAIMS: dict[Path, int] = {}


def _release(claim: Path) -> None:
    fd = _CLAIMS.pop(claim, None)
    if fd is not None:
        claim.unlink(missing_ok=True)
        os.close(fd)


@atexit.register
def _release_all() -> None:
    for claim in list(_CLAIMS):
        _release(claim)


def _taken(directory: Path, stem: str) -> bool:
    return any(directory.glob(f"{stem}.*")) or any(directory.glob(f".{stem}.*"))


def _claim(files: RunFiles) -> bool:
    """Create ``files.claim``, already locked (:func:`create_locked`); ``False`` if another
    run has it."""
    try:
        fd = create_locked(files.claim)
    except FileExistsError:
        return False
    _CLAIMS[files.claim] = fd
    return True


def new_run_files(
    output_dir: str | Path, start: datetime, *, gzip: bool = False, tag: str = ""
) -> RunFiles:
    """The run files for a run started at ``start`` (aware), with a stem no other run has
    (claimed at once, so two runs started in the same second never share it); a distributed
    worker's ``tag`` follows the time (``2026-11-29T06-30-00.host-0``)."""
    directory = (Path(output_dir) / FEED_SUBDIR).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    base = start.astimezone(UTC).strftime(STEM_FORMAT) + (f".{tag}" if tag else "")
    stem, n = base, 0
    while _taken(directory, stem) or not _claim(RunFiles(directory, stem, gzip)):
        n += 1
        stem = f"{base}_{n:03d}"
    return RunFiles(directory, stem, gzip)


def run_files(crawler: Crawler) -> RunFiles:
    """The crawler's run files, chosen once (so the feed, rejects and report share a stem);
    :class:`~newsspider.state.SettingError` when the folder cannot be made or written."""
    files: RunFiles | None = getattr(crawler, _CRAWLER_ATTR, None)
    if files is None:
        settings = crawler.settings
        output = settings.get("FAKTI_OUTPUT_DIR", "output")
        tag = ""
        if is_distributed(settings):
            from newsspider.distributed.worker import worker_for

            tag = worker_for(crawler).tag
        try:
            files = new_run_files(
                output, datetime.now(UTC), gzip=settings.getbool("FAKTI_GZIP"), tag=tag
            )
        except OSError as exc:
            folder = Path(output) / FEED_SUBDIR
            raise SettingError(
                f"FAKTI_OUTPUT_DIR: cannot create the run folder {str(folder)!r}: "
                f"{exc.strerror or exc}"
            ) from exc
        setattr(crawler, _CRAWLER_ATTR, files)
        crawler.signals.connect(files.release, signal=signals.engine_stopped, weak=False)
    return files
