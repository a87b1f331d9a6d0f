"""Redirects of article requests are never dropped as duplicates.

Scrapy gives a redirect its request's ``dont_filter``, so the redirect of an article request
goes through the duplicate filter: to a page already requested (a listing, another form of
the same article) it was dropped with a debug line, no callback and no errback, and if it
came first, the real request for that page was dropped instead (a listing walk lost). These
subclasses of Scrapy's redirect middlewares (same settings, same places) send it unfiltered;
``REDIRECT_MAX_TIMES`` still bounds a loop.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware

from newsspider.extraction.urls import parse_request_url


def _unfiltered(redirected: Request, request: Request) -> Request:
    asked = request.meta.get("redirect_urls", [request.url])[0]
    if parse_request_url(asked) is not None:  # an article request
        redirected.dont_filter = True
    return redirected


class ArticleRedirectMiddleware(RedirectMiddleware):
    """Scrapy's ``RedirectMiddleware``; an article's redirect is not filtered."""

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        return _unfiltered(super()._redirect(redirected, request, reason), request)


class ArticleMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's ``MetaRefreshMiddleware``; an article's refresh is not filtered."""

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        return _unfiltered(super()._redirect(redirected, request, reason), request)
