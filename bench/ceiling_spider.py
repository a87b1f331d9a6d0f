"""The reference crawl for ``bench_crawl.py``: Scrapy's own ceiling on this machine.

    scrapy runspider bench/ceiling_spider.py -a urls=FILE [-a parse=1] [-a items=1]

Requests every URL of ``FILE`` (one a line: the exact requests a ``fakti`` crawl made, from
the replica's request log) and does nothing with the responses: no parsing, no extraction,
no items, no pipelines, no project extensions. With ``parse=1`` it parses each body once with
lxml (as ``extract_article`` does) and drops the tree: the best any lxml-based spider can do.
With ``items=1`` each article page yields a one-field item (no pipelines): Scrapy's own cost
of an item per article.
It keeps the project's downloader middlewares and the same loopback settings as the ``fakti``
spider (no delays, 16 requests per host).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from newsspider.extraction.decode import parse_html
from newsspider.extraction.urls import parse_article_url


class CeilingSpider(scrapy.Spider):
    name = "ceiling"
    custom_settings: ClassVar[dict[str, Any]] = {
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {},
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "FAKTI_CRAWL_DELAY_OBEY": False,
        "FAKTI_RETRY_BACKOFF_BASE": 0,
    }

    def __init__(self, urls: str = "", parse: str = "0", items: str = "0", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with open(urls, encoding="utf-8") as fh:
            self.urls = [line.strip() for line in fh if line.strip()]
        self.lxml_parse = parse == "1"
        self.items = items == "1"
        self.hosts = tuple({urlsplit(url).netloc for url in self.urls})

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            article = self.items and parse_article_url(url, extra_hosts=self.hosts) is not None
            yield scrapy.Request(url, callback=self.parse_item if article else self.parse)

    def parse(self, response: Response, **kwargs: Any) -> None:
        if self.lxml_parse:
            content_type = response.headers.get(b"Content-Type")
            parse_html(response.body, content_type.decode("latin-1") if content_type else None)

    def parse_item(self, response: Response, **kwargs: Any) -> Iterator[dict[str, str]]:
        self.parse(response)
        yield {"url": response.url}
