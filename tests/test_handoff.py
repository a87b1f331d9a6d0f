"""HandoffMiddleware: an output passed on and never taken by the scheduler or the item
pipelines is reported when the spider goes idle (README "How articles are found")."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from scrapy import Request, Spider, signals
from scrapy.core.scheduler import Scheduler
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from newsspider.distributed.scheduler import StateScheduler, request_taken
from newsspider.middlewares.handoff import HandoffMiddleware, output_lost

BASE = "http://127.0.0.1:8000"


OURS, SCRAPYS = "newsspider.distributed.scheduler.StateScheduler", "scrapy.core.scheduler.Scheduler"


class Run:
    """A crawler with the middleware and a ``scheduler``, and what it sent as ``output_lost``."""

    def __init__(self, scheduler: str) -> None:
        self.ours = scheduler == OURS
        self.crawler = get_crawler(Spider, {"SCHEDULER": scheduler})
        self.middleware = HandoffMiddleware.from_crawler(self.crawler)
        self.lost: list[str] = []
        self.crawler.signals.connect(self._lost, signal=output_lost)

    def _lost(self, request: Request) -> None:
        self.lost.append(request.url)

    def send(self, signal: object, **kwargs: object) -> None:
        self.crawler.signals.send_catch_log(signal, spider=None, **kwargs)

    def take(self, request: Request, queued: bool = True) -> None:
        """The engine hands ``request`` to the scheduler, which queues it (or not)."""
        if self.ours:
            self.send(request_taken, request=request)
            return
        self.send(signals.request_scheduled, request=request)
        if not queued:
            self.send(signals.request_dropped, request=request)

    def idle(self) -> int:
        """Go idle; the stat counted so far."""
        self.send(signals.spider_idle)
        return self.crawler.stats.get_value("scraper/lost_outputs", 0)

    def page(self, path: str) -> HtmlResponse:
        request = Request(f"{BASE}{path}")
        return HtmlResponse(request.url, body=b"<html></html>", request=request)

    def passed(self, response: HtmlResponse, *outputs: object) -> list[object]:
        """What the middleware passes on of ``outputs``."""

        async def result() -> AsyncIterator[object]:
            for output in outputs:
                yield output

        async def passed() -> list[object]:
            return [o async for o in self.middleware.process_spider_output(response, result())]

        return asyncio.run(passed())


@pytest.fixture(params=[OURS, SCRAPYS])
def run(request: pytest.FixtureRequest) -> Run:
    return Run(request.param)


def test_outputs_the_scheduler_and_the_pipelines_took_are_not_lost(run: Run) -> None:
    page = run.page("/world")
    scheduled, refused, kept, dropped, failed = (Request(f"{BASE}/a/{i}") for i in range(5))
    records = [{"url": f"{BASE}/r/{i}"} for i in range(3)]
    assert run.passed(page, scheduled, refused, kept, dropped, failed, *records) == [
        scheduled, refused, kept, dropped, failed, *records,
    ]  # fmt: skip
    run.take(scheduled)
    run.take(refused, queued=False)
    run.take(kept)
    run.take(dropped, queued=False)
    run.take(failed)
    run.send(signals.item_scraped, item=records[0], response=page)
    run.send(signals.item_dropped, item=records[1], response=page, exception=Exception())
    run.send(signals.item_error, item=records[2], response=page, failure=Failure(ValueError()))
    assert (run.idle(), run.lost) == (0, [])


def test_a_request_never_scheduled_is_lost_once_per_page(run: Run, caplog) -> None:
    world, home = run.page("/world"), run.page("/")
    taken, dropped, after = (Request(f"{BASE}/a/{i}") for i in range(3))
    other = Request(f"{BASE}/a/9")
    run.passed(world, taken, dropped, after)
    run.passed(home, other)
    run.take(taken)
    run.take(other)
    with caplog.at_level(logging.ERROR, logger="newsspider.middlewares.handoff"):
        assert run.idle() == 2
    assert run.lost == [f"{BASE}/world"]
    assert caplog.messages == [
        f"Scrapy's scraper dropped 2 output(s) of {BASE}/world (request(s) or record(s)) before "
        "the scheduler or the item pipelines took them"
    ]
    assert (run.idle(), run.lost) == (2, [f"{BASE}/world"])  # (reported once)


def test_records_are_counted_per_page_and_the_ledger_is_cleared_at_idle(run: Run) -> None:
    """Three records of a page, one through the pipelines: two lost. A distributed worker
    goes idle again and again: what was reported is not reported twice."""
    page, other = run.page("/a/1"), run.page("/a/2")
    first, second, third = {"url": "x"}, {"url": "x"}, {"url": "x"}
    run.passed(page, first, second, third)
    run.passed(other, {"url": "y"})
    run.send(signals.item_scraped, item=first, response=page)
    run.send(signals.item_scraped, item={"url": "y"}, response=other)  # (a pipeline's new item)
    assert (run.idle(), run.lost) == (2, [f"{BASE}/a/1"])
    assert (run.idle(), run.lost) == (2, [f"{BASE}/a/1"])


def test_an_errback_record_and_a_none_output_are_not_noted(run: Run) -> None:
    """An errback's output bypasses the spider middlewares: its record's signal, with the
    failure as its ``response``, is ignored; ``None`` is no output (Scrapy skips it)."""
    page = run.page("/world")
    run.passed(page, None)
    failure = Failure(ValueError())
    sent = run.crawler.signals.send_catch_log(
        signals.item_scraped, item={"url": "x"}, response=failure, spider=None
    )
    assert not [result for _, result in sent if isinstance(result, Failure)]  # (none raised)
    assert (run.idle(), run.lost) == (0, [])


def test_with_our_scheduler_a_request_is_taken_once_its_enqueue_returned() -> None:
    """Scrapy sends ``request_scheduled`` before the scheduler's ``enqueue_request`` runs: a
    ``MemoryError`` in it dropped the request unnoticed (a review: 11 articles behind
    ``/world?page=2`` lost, exit 0). With the project's scheduler only its ``request_taken``,
    sent once the enqueue returned, takes a request."""
    run = Run(OURS)
    page, request = run.page("/world"), Request(f"{BASE}/world?page=2")
    run.passed(page, request)
    run.send(signals.request_scheduled, request=request)
    assert (run.idle(), run.lost) == (1, [f"{BASE}/world"])


def test_the_project_scheduler_sends_request_taken_after_its_enqueue(monkeypatch) -> None:
    """Queued or refused (Scrapy's enqueue gave True or False), the request is taken; an
    enqueue that raises sends nothing."""
    crawler = get_crawler(Spider, {"SCHEDULER": OURS})
    scheduler = StateScheduler.from_crawler(crawler)
    taken: list[Request] = []

    def took(request: Request) -> None:
        taken.append(request)

    crawler.signals.connect(took, signal=request_taken, weak=False)
    queued, refused, failing = (Request(f"{BASE}/a/{i}") for i in range(3))

    def enqueue(self: Scheduler, request: Request) -> bool:
        if request is failing:
            raise MemoryError
        return request is queued

    monkeypatch.setattr(Scheduler, "enqueue_request", enqueue)
    assert (scheduler.enqueue_request(queued), scheduler.enqueue_request(refused)) == (True, False)
    with pytest.raises(MemoryError):
        scheduler.enqueue_request(failing)
    assert taken == [queued, refused]
