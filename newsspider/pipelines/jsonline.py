"""One JSON value per line, safe for every line-oriented reader.

UTF-8 with Cyrillic (and all other text) unescaped, except the characters that break a
line or a reader: U+0085, U+2028 and U+2029 are written as ``\\uXXXX`` escapes (``str.splitlines``
and JavaScript treat them as line ends); control characters are escaped by ``json`` itself.
Surrogate code points (possible in Python strings, impossible in UTF-8) are paired up when
they form a valid pair; a lone surrogate becomes U+FFFD, because DuckDB rejects a whole file
over one ``\\ud800`` escape.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

_LINE_BREAKERS = re.compile("[\u0085\u2028\u2029]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_line(value: Any) -> bytes:
    """``value`` as one UTF-8 JSON line ending in ``\\n``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_default)
    if _SURROGATES.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _LINE_BREAKERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return (text + "\n").encode("utf-8")
