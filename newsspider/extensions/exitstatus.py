"""The process exit status a run asks for, kept on its crawler for the ``crawl`` command."""

from __future__ import annotations

from scrapy.crawler import Crawler

_EXIT_ATTR = "_fakti_exit_status"


def set_exit_status(crawler: Crawler, code: int) -> None:
    """Record the process exit status a run asks for (the highest-priority one wins)."""
    codes = [c for c in (getattr(crawler, _EXIT_ATTR, 0), code) if c]
    setattr(crawler, _EXIT_ATTR, min(codes, default=0))


def exit_status(crawler: Crawler) -> int:
    """The exit status the run asked for (0 when healthy or not judged)."""
    return int(getattr(crawler, _EXIT_ATTR, 0))
