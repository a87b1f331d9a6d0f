"""Redirects are never dropped as duplicates.

Scrapy gives a redirect its request's ``dont_filter``, so a redirect goes through the
duplicate filter: to a page already requested (the home page, a listing, another form of the
same article) it was dropped with a debug line, no callback and no errback, and if it came
first, the real request for that page was dropped instead. An article, a feed or a whole
listing walk was lost that way, with no gap. These subclasses of Scrapy's redirect middlewares
(same settings, same places) send every redirect unfiltered, as part of the request that was
asked for; ``REDIRECT_MAX_TIMES`` still bounds a loop. The spider then judges where a
discovery request landed.

Scrapy's meta-refresh check decodes every HTML body to read its first 4,096 characters; a
body whose first bytes cannot hold the word ``refresh`` is passed on undecoded instead.
"""

from __future__ import annotations

import codecs
from functools import lru_cache
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.http import HtmlResponse, Response


def _unfiltered(redirected: Request) -> Request:
    redirected.dont_filter = True
    return redirected


class UnfilteredRedirectMiddleware(RedirectMiddleware):
    """Scrapy's ``RedirectMiddleware``; a redirect is not filtered."""

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        return _unfiltered(super()._redirect(redirected, request, reason))


#: Scrapy reads a meta refresh in the first 4,096 characters; no codec takes 8 bytes for one.
_REFRESH_WINDOW = 4096 * 8


@lru_cache(maxsize=64)
def _spells_ascii(encoding: str) -> bool:
    """Whether ``encoding`` writes ``refresh`` as its ASCII bytes (UTF-8, cp1251; not UTF-16)."""
    try:
        return codecs.encode("refresh", encoding) == b"refresh"
    except (LookupError, TypeError, ValueError):  # (not a charset: base64, undefined...)
        return False


def _cannot_refresh(response: Response) -> bool:
    """Whether an HTML body surely has no meta refresh where Scrapy looks for one."""
    return (
        isinstance(response, HtmlResponse)
        and _spells_ascii(response.encoding)
        and b"refresh" not in response.body[:_REFRESH_WINDOW].lower()
    )


class UnfilteredMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's ``MetaRefreshMiddleware``; a refresh is not filtered, and a body
    without the word ``refresh`` in its first bytes is not decoded to look for one."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if _cannot_refresh(response):
            return response
        return super().process_response(request, response)

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        return _unfiltered(super()._redirect(redirected, request, reason))
