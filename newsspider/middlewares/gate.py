"""A per-host gate: spaces requests by ``Crawl-delay`` and pauses a host after ``Retry-After``.

Waiting is non-blocking (``scrapy.utils.asyncio.sleep``); the clock is injectable for tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class HostGate:
    """When each host (``host:port``) may next be requested."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.delays: dict[str, float] = {}
        self._next_free: dict[str, float] = {}
        self._paused_until: dict[str, float] = {}

    @classmethod
    def for_crawler(cls, crawler: Any) -> HostGate:
        """The crawler's one gate, shared by the politeness and retry middlewares."""
        gate = getattr(crawler, "_fakti_host_gate", None)
        if gate is None:
            gate = cls()
            crawler._fakti_host_gate = gate
        return gate

    def set_delay(self, host: str, seconds: float) -> None:
        """Space requests to ``host`` by ``seconds`` (a robots ``Crawl-delay``)."""
        self.delays[host] = max(0.0, seconds)

    def pause(self, host: str, seconds: float) -> None:
        """Send nothing to ``host`` for ``seconds`` from now (a ``Retry-After``)."""
        until = self.clock() + max(0.0, seconds)
        self._paused_until[host] = max(self._paused_until.get(host, 0.0), until)

    def reserve(self, host: str, not_before: float = 0.0) -> float:
        """Book the next slot for ``host``; returns how long to wait before sending."""
        now = self.clock()
        start = max(
            now, not_before, self._next_free.get(host, 0.0), self._paused_until.get(host, 0.0)
        )
        self._next_free[host] = start + self.delays.get(host, 0.0)
        return start - now
