"""Scrapy's ``HttpErrorMiddleware``, with ``206 Partial Content`` an error too.

Scrapy passes every 2xx response to the callback. We never send a ``Range`` header, so a
206 is a part of the page that a server or proxy chose to send (``Content-Range: bytes
0-30606/123631``): read as the page, it gave a record with a third of its body. It is now an
``HttpError`` (an article's reject reads ``http:206``; a listing page is a gap), unless
allowed as Scrapy allows any status (``handle_httpstatus_list``, ``HTTPERROR_ALLOWED_CODES``,
``HTTPERROR_ALLOW_ALL``...).
"""

from __future__ import annotations

from typing import Any

from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError, HttpErrorMiddleware

PARTIAL_CONTENT = 206


class WholePageHttpErrorMiddleware(HttpErrorMiddleware):
    """A 206 response raises ``HttpError`` before its callback, as a 404 does."""

    def process_spider_input(self, response: Response, *args: Any) -> None:
        if response.status == PARTIAL_CONTENT and not self._allowed(response.meta):
            raise HttpError(response, "Partial content: not the whole page")
        return super().process_spider_input(response, *args)

    def _allowed(self, meta: dict[str, Any]) -> bool:
        """Whether a 206 is allowed, by Scrapy's rules for a status outside 2xx."""
        if meta.get("handle_httpstatus_all", False):
            return True
        if "handle_httpstatus_list" in meta:
            return PARTIAL_CONTENT in meta["handle_httpstatus_list"]
        if self.handle_httpstatus_all:
            return True
        spider = self.crawler.spider
        return PARTIAL_CONTENT in getattr(
            spider, "handle_httpstatus_list", self.handle_httpstatus_list
        )
