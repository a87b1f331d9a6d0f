"""A per-host gate: spaces requests by ``Crawl-delay`` and pauses a host after ``Retry-After``.

Waiting is non-blocking (``scrapy.utils.asyncio.sleep``); the clock is injectable for tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class HostGate:
    """When each host (``host:port``) may next be requested. ``clock`` measures waits (a
    monotonic clock); ``wall`` stamps times that travel with a request (its meta may reach
    another process or machine through a Redis queue, where a monotonic time means nothing)."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time
    ) -> None:
        self.clock, self.wall = clock, wall
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

    def paused_for(self, host: str) -> float:
        """Seconds left of ``host``'s pause (0 when none)."""
        return max(0.0, self._paused_until.get(host, 0.0) - self.clock())

    def reserve(self, host: str) -> float:
        """Book the next slot for ``host``; returns how long to wait before sending."""
        now = self.clock()
        start = max(now, self._next_free.get(host, 0.0), self._paused_until.get(host, 0.0))
        self._next_free[host] = start + self.delays.get(host, 0.0)
        return start - now
