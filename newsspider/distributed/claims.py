"""Spider middleware of the distributed mode: claim each article before the pipelines, and
settle the request in the worker's journal once its output is handled.

Inactive (``NotConfigured``) unless ``FAKTI_STATE`` is a Redis URL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from newsspider.distributed import FRONTIER_ATTR, is_distributed
from newsspider.items import ArticleItem
from newsspider.pipelines.dedup import item_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from newsspider.distributed.frontier import RedisFrontier


class ClaimMiddleware:
    """Drops an article another run of the job has claimed (``distributed/skip/claimed``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClaimMiddleware:
        if not is_distributed(crawler.settings):
            raise NotConfigured  # silently: not distributed
        return cls(crawler)

    def _frontier(self) -> RedisFrontier:
        frontier: RedisFrontier | None = getattr(self.crawler, FRONTIER_ATTR, None)
        assert frontier is not None, "the distributed mode runs with StateScheduler"
        return frontier

    def _keep(self, frontier: RedisFrontier, element: Any, response: Response) -> bool:
        if isinstance(element, ArticleItem) and not frontier.claim(item_key(element), response.url):
            if not frontier.lost:  # (lost: not claimed, its request fetched again on restart)
                self.crawler.stats.inc_value("distributed/skip/claimed")
            return False
        return True

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Any = None
    ) -> Iterator[Any]:
        frontier = self._frontier()
        for element in result:
            if self._keep(frontier, element, response):
                yield element
        frontier.settle(response.request)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        frontier = self._frontier()
        async for element in result:
            if self._keep(frontier, element, response):
                yield element
        frontier.settle(response.request)
