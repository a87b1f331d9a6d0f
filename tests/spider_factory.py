"""A :class:`FaktiSpider` built as in a crawl (project settings, crawler attached), for unit
tests: ``make_spider(base=..., settings={...}, state=..., **spider_args)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scrapy.utils.test import get_crawler

from newsspider import settings as project_settings
from newsspider.spiders.fakti import FaktiSpider
from newsspider.state import StateStore

BASE = "http://127.0.0.1:8765"
PROJECT = {k: v for k, v in vars(project_settings).items() if k.isupper()}


def make_spider(
    base: str = BASE,
    settings: dict[str, Any] | None = None,
    state: Callable[[], StateStore] | None = None,
    **args: Any,
) -> FaktiSpider:
    """The spider of a crawl of ``base``; ``state`` replaces opening the state store."""
    values = {**PROJECT, "FAKTI_BASE_URL": base, **(settings or {})}
    crawler = get_crawler(FaktiSpider, settings_dict=values)
    crawler.settings.frozen = False  # as in a real crawl: the spider exists before the freeze
    spider = FaktiSpider.from_crawler(crawler, **args)
    crawler.spider = spider
    if state is not None:
        spider._state = state  # type: ignore[method-assign]
    return spider
