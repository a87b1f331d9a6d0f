"""The scheduler: Scrapy's own, or with a ``redis://`` state scrapy-redis's shared frontier.

:class:`StateScheduler` is the project's ``SCHEDULER``, loaded on every run. The frontier
(:mod:`newsspider.distributed.frontier`, with redis and scrapy-redis) is imported only when
``FAKTI_STATE`` is a Redis URL, so a run on a SQLite state never loads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.core.scheduler import Scheduler

from newsspider.distributed import is_distributed

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

#: Signal ``request_taken(request)``: the scheduler queued ``request`` or refused it (a
#: duplicate): its ``enqueue_request`` returned (Scrapy's ``request_scheduled`` is sent
#: before it runs). :mod:`newsspider.middlewares.handoff` waits for it.
request_taken = object()


class StateScheduler(Scheduler):
    """Scrapy's scheduler, unless ``FAKTI_STATE`` is a Redis URL: then a
    :class:`~newsspider.distributed.frontier.RedisFrontier`. Both send
    :data:`request_taken`."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        if is_distributed(crawler.settings):
            from newsspider.distributed.frontier import RedisFrontier

            return RedisFrontier.from_crawler(crawler)
        return super().from_crawler(crawler)

    def enqueue_request(self, request: Request) -> bool:
        queued = super().enqueue_request(request)
        self.crawler.signals.send_catch_log(request_taken, request=request)  # type: ignore[union-attr]
        return queued
