"""Counts as shown on fakti.bg (`2 542`, with ordinary or no-break thousands spaces)."""

from __future__ import annotations

from newsspider.extraction import patterns as P


def parse_int(text: str | int | None) -> int | None:
    """``"2 542"`` → ``2542`` (space, U+00A0 or U+202F as thousands separator), else ``None``
    (also for a number above ``INT64_MAX``, which no reader of the feed could load)."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int):
        return text if 0 <= text <= P.INT64_MAX else None
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not P.COUNT.match(text):
        return None
    value = int("".join(text.split()))  # the digits (the separators are whitespace)
    return value if value <= P.INT64_MAX else None
