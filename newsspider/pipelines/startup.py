"""Start-up failures: a bad setting stops the run with one logged line and exit status 1."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from newsspider.state import SettingError

logger = logging.getLogger(__name__)


@contextmanager
def exit_on_bad_setting() -> Iterator[None]:
    """Turn a :class:`SettingError` into a CRITICAL log line and ``SystemExit(1)`` (no
    traceback), as the spider does for bad arguments."""
    try:
        yield
    except SettingError as exc:
        logger.critical("%s", exc)
        raise SystemExit(1) from exc
