"""The names of one run's files: ``<FAKTI_OUTPUT_DIR>/fakti/<UTC start>.jsonl`` and its siblings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from scrapy.crawler import Crawler

from newsspider.distributed import is_distributed

#: The sub-folder of ``FAKTI_OUTPUT_DIR`` that holds the run files.
FEED_SUBDIR = "fakti"
STEM_FORMAT = "%Y-%m-%dT%H-%M-%S"
_CRAWLER_ATTR = "_fakti_run_files"


@dataclass(frozen=True, slots=True)
class RunFiles:
    """One run's file names (absolute). ``stem`` is the UTC start, plus ``_N`` if taken
    (``_`` sorts after ``.``, so names sort in run order)."""

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


def _taken(directory: Path, stem: str) -> bool:
    return any(directory.glob(f"{stem}.*")) or any(directory.glob(f".{stem}.*"))


def new_run_files(
    output_dir: str | Path, start: datetime, *, gzip: bool = False, tag: str = ""
) -> RunFiles:
    """The run files for a run started at ``start`` (aware), with a free stem; a distributed
    worker's ``tag`` follows the time (``2026-11-29T06-30-00.host-0``)."""
    directory = (Path(output_dir) / FEED_SUBDIR).resolve()
    base = start.astimezone(UTC).strftime(STEM_FORMAT) + (f".{tag}" if tag else "")
    stem, n = base, 0
    while _taken(directory, stem):
        n += 1
        stem = f"{base}_{n}"
    return RunFiles(directory, stem, gzip)


def run_files(crawler: Crawler) -> RunFiles:
    """The crawler's run files, chosen once (so the feed, rejects and report share a stem)."""
    files: RunFiles | None = getattr(crawler, _CRAWLER_ATTR, None)
    if files is None:
        settings = crawler.settings
        output = settings.get("FAKTI_OUTPUT_DIR", "output")
        tag = ""
        if is_distributed(settings):
            from newsspider.distributed.worker import worker_for

            tag = worker_for(crawler).tag
        files = new_run_files(
            output, datetime.now(UTC), gzip=settings.getbool("FAKTI_GZIP"), tag=tag
        )
        setattr(crawler, _CRAWLER_ATTR, files)
    return files
