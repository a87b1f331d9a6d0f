"""Opt-in faults, chosen per request URI by a stable hash: a faulted URI fails its first
one or two requests, then succeeds, so every page is obtainable in the end."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

#: Fault kinds: HTTP 500; 429 with ``Retry-After: 1``; a 1.5 s delay; a body shorter than
#: its ``Content-Length``; a TCP reset before any response.
KINDS: tuple[str, ...] = ("500", "429", "slow", "truncate", "reset")
SLOW_SECONDS = 1.5
#: How long after the half-close a truncated response's connection is dropped.
TRUNCATE_FLUSH_SECONDS = 1.0
#: Share of URIs that are faulted (per mille).
RATE_PER_MILLE = 120
_EXEMPT = ("/robots.txt",)


@dataclass(slots=True, frozen=True)
class Fault:
    kind: str
    times: int  # how many first requests fail (slow: are slow)


def fault_for(uri: str, seed: int = 1) -> Fault | None:
    """The fault planned for ``uri`` (path and query), or ``None``."""
    if uri in _EXEMPT or uri.startswith("/__replica__/"):
        return None
    h = zlib.crc32(f"{seed}|{uri}".encode())
    if h % 1000 >= RATE_PER_MILLE:
        return None
    kind = KINDS[(h // 1000) % len(KINDS)]
    times = 1 if kind == "slow" else 1 + (h // 5000) % 2
    return Fault(kind, times)


class FaultPlan:
    """Counts requests per URI and says which fault, if any, applies to the next one."""

    def __init__(self, seed: int = 1):
        self.seed = seed
        self._seen: dict[str, int] = {}

    def take(self, uri: str) -> str | None:
        """Register a request for ``uri``; return the fault kind to apply, or ``None``."""
        fault = fault_for(uri, self.seed)
        if fault is None:
            return None
        n = self._seen.get(uri, 0)
        self._seen[uri] = n + 1
        return fault.kind if n < fault.times else None

    def reset(self) -> None:
        self._seen.clear()
