"""Start-up failures: a bad argument or setting stops the run with one CRITICAL log line and
exit status 1, with no traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)


class StartupError(SystemExit):
    """Raised through the reactor like an ``argparse`` error, so Scrapy exits with status 1
    and prints no traceback."""


@contextmanager
def exit_on(*errors: type[Exception]) -> Iterator[None]:
    """Turn any of ``errors`` raised inside the block into a CRITICAL line (the error's own
    one-line message) and :class:`StartupError` (status 1)."""
    try:
        yield
    except errors as exc:
        logger.critical("%s", exc)
        raise StartupError(1) from exc
