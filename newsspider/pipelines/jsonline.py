"""One JSON value per line, safe for every line-oriented reader.

UTF-8 with Cyrillic (and all other text) unescaped, except the characters that break a
line or a reader: U+0085, U+2028 and U+2029 are written as ``\\uXXXX`` escapes (``str.splitlines``
and JavaScript treat them as line ends); control characters are escaped as ``json`` does.
Surrogate code points (possible in Python strings, impossible in UTF-8) are paired up when
they form a valid pair; a lone surrogate becomes U+FFFD, because DuckDB rejects a whole file
over one ``\\ud800`` escape. A float NaN or infinity is ``null`` (JSON has neither).

``orjson`` encodes (about 7 times faster than ``json`` on a record); what it refuses (a
surrogate, an int beyond 64 bits, a key that is not a string) goes through ``json``, with the
same bytes for everything both accept, except that a float's exponent may be written
differently (``5.9e-8`` for ``5.9e-08``, ``0.00001`` for ``1e-05``; the same value, and no
record field is a float).
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from typing import Any

import orjson

from newsspider.extraction.record import SURROGATE

_LINE_BREAKERS = re.compile("[\u0085\u2028\u2029]")
#: The same characters in UTF-8 (each sequence is only ever that character) and escaped.
_LINE_BREAKERS_UTF8 = tuple(
    (char.encode("utf-8"), f"\\u{ord(char):04x}".encode()) for char in "\u0085\u2028\u2029"
)
_OPTIONS = orjson.OPT_APPEND_NEWLINE | orjson.OPT_PASSTHROUGH_DATETIME


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_line(value: Any) -> bytes:
    """``value`` as one UTF-8 JSON line ending in ``\\n``."""
    try:
        data = orjson.dumps(value, default=_default, option=_OPTIONS)
    except orjson.JSONEncodeError:
        return _json_line(value)
    for char, escaped in _LINE_BREAKERS_UTF8:
        if char in data:
            data = data.replace(char, escaped)
    return data


def _json_line(value: Any) -> bytes:
    """:func:`json_line` with ``json``, for what ``orjson`` refuses."""
    text = json.dumps(_finite(value), ensure_ascii=False, separators=(",", ":"), default=_default)
    if SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _LINE_BREAKERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return (text + "\n").encode("utf-8")


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities as ``None`` (as ``orjson`` writes them)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value
