"""Spider middleware: notice the output of a page that Scrapy's scraper dropped on its way to
the scheduler or the item pipelines.

Scrapy hands out each output of a response (a request, a record) in a step of its own. An
exception there, such as a ``MemoryError``, is no spider error and is not logged as "Scraper
bug processing": only asyncio logs it ("Task exception was never retrieved"). That output,
and with ``CONCURRENT_ITEMS=1`` the one after it, is dropped, and the page is finished as if
whole.

:class:`HandoffMiddleware`, the last spider middleware, notes each output it passes on. A
request is taken when the scheduler has queued or refused it (:data:`request_taken`, sent by
the project's schedulers once ``enqueue_request`` returned: an exception in it, such as a
``MemoryError``, drops the request too; with another ``SCHEDULER``, Scrapy's
``request_scheduled`` and ``request_dropped``, sent before and after it), a record when the
item pipelines are done with it (``item_scraped``, ``item_dropped``, ``item_error``). What is
left when the spider goes idle (by then every page's output has been handed out) was lost: it
is logged, counted (:data:`OUTPUTS_LOST`) and sent once per page as :data:`output_lost`,
which the spider takes as a gap.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.misc import load_object

from newsspider.distributed.scheduler import StateScheduler, request_taken
from newsspider.extensions.summary import OUTPUTS_LOST

logger = logging.getLogger(__name__)

#: Signal ``output_lost(request)``: Scrapy's scraper dropped output of the page ``request``
#: asked for.
output_lost = object()


class HandoffMiddleware:
    """Notes each output passed on; what neither the scheduler nor the pipelines take is lost."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        #: A request passed on, not yet scheduled: id → (it, the request of its page).
        self._requests: dict[int, tuple[Request, Request]] = {}
        #: A page with records passed on, not yet through the pipelines: id → (it, how many).
        self._records: dict[int, tuple[Response, int]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HandoffMiddleware:
        handoff = cls(crawler)
        connect = crawler.signals.connect
        # (not issubclass: Scrapy's scheduler metaclass takes any class with its methods for one)
        ours = StateScheduler in load_object(crawler.settings["SCHEDULER"]).__mro__
        taken = (request_taken,) if ours else (signals.request_scheduled, signals.request_dropped)
        for signal in taken:
            connect(handoff._scheduled, signal=signal)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            connect(handoff._processed, signal=signal)
        connect(handoff._idle, signal=signals.spider_idle)
        return handoff

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        """(Scrapy hands every middleware an asynchronous iterator when one of them, or the
        callback, is asynchronous: here, the spider's ``start``.)"""
        async for output in result:
            self._passed(output, response)
            yield output

    def _passed(self, output: Any, response: Response) -> None:
        if isinstance(output, Request):
            self._requests[id(output)] = (output, response.request)  # type: ignore[assignment]
        elif output is not None:
            _, count = self._records.get(id(response), (response, 0))
            self._records[id(response)] = (response, count + 1)

    def _scheduled(self, request: Request) -> None:
        self._requests.pop(id(request), None)

    def _processed(self, response: Response | Any, **_: Any) -> None:
        page = self._records.get(id(response))
        if page is None:  # (a download errback's record: no spider middleware saw it)
            return
        if page[1] == 1:
            del self._records[id(response)]
        else:
            self._records[id(response)] = (page[0], page[1] - 1)

    def _idle(self) -> None:
        """Every page's output has been handed out: what is left was dropped."""
        lost: Counter[Request] = Counter(page for _, page in self._requests.values())
        for response, count in self._records.values():
            lost[response.request] += count  # type: ignore[index]
        self._requests.clear()
        self._records.clear()
        for page, count in lost.items():
            logger.error(
                "Scrapy's scraper dropped %d output(s) of %s (request(s) or record(s)) before "
                "the scheduler or the item pipelines took them",
                count, page.url,
            )  # fmt: skip
            self.crawler.stats.inc_value(OUTPUTS_LOST, count)
            self.crawler.signals.send_catch_log(output_lost, request=page)
