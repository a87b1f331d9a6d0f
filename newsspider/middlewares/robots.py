"""robots.txt as RFC 9309 reads an unreachable one, applied to every request that waited.

Scrapy parses whatever a robots.txt request returns; a 5xx error page has no rules, so a
server in trouble opened the whole site to the crawl; and a robots.txt it could not obtain at
all (a timeout, a dropped connection) meant no rules too. RFC 9309 (§2.3.1.4) says a
robots.txt unreachable because of server or network errors means complete disallow: this
subclass of Scrapy's ``RobotsTxtMiddleware`` (same settings, same place) reads a 5xx answer,
after its retries, as ``Disallow: /`` for the rest of the run, with a warning (a 429 too,
as Google reads it: the site asks us to slow down, not to take everything); and so any
robots.txt not obtained: a download error after its retries, one over ``DOWNLOAD_MAXSIZE``, a
redirect our rules refuse (off-site), and a redirect loop (more than ``REDIRECT_MAX_TIMES``,
which the RFC lets a crawler read as no rules: the rules could not be read). A 4xx still
means no rules (§2.3.1.3). A request so refused has its own ``IgnoreRequest`` reason,
:data:`ROBOTS_UNAVAILABLE` (not Scrapy's "Forbidden by robots.txt": no rule forbids it, and
what it leads to is lost, not absent), and a distributed worker hands its work back
(:meth:`~newsspider.distributed.frontier.RedisFrontier.hand_back`): the other workers may
read robots.txt.

Scrapy 2.19 hands the parser of a robots.txt still being fetched to the first request that
waited for it only (the others got ``None``: no rules); here every waiting request gets it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from newsspider.distributed import FRONTIER_ATTR
from newsspider.middlewares.httperror import PARTIAL_CONTENT
from newsspider.middlewares.safety import TooLarge

if TYPE_CHECKING:
    from newsspider.distributed.frontier import RedisFrontier

logger = logging.getLogger(__name__)

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"
#: The reason of Scrapy's ``IgnoreRequest`` for a URL robots.txt forbids.
ROBOTS_FORBIDDEN = "Forbidden by robots.txt"
#: The ``IgnoreRequest`` reason of a request refused because its host's robots.txt could not
#: be read: no rule forbids it.
ROBOTS_UNAVAILABLE = "robots.txt unavailable"


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's ``RobotsTxtMiddleware``; a robots.txt answering 5xx or 429, or not obtained
    at all, disallows everything."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        #: The hosts whose robots.txt could not be read.
        self.unreadable: set[str] = set()

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            if urlparse_cached(request).netloc in self.unreadable:
                raise IgnoreRequest(ROBOTS_UNAVAILABLE) from None
            raise

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        if parser is None:  # (what a waiter after the first got: the stored parser, if any)
            stored = self._parsers.get(urlparse_cached(request).netloc)
            if not isinstance(stored, Deferred):
                return stored
        return parser

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        # (429: a server error too; 206: a part of the file, whose rules may be cut short)
        if response.status >= 500 or response.status in (429, PARTIAL_CONTENT):
            self._unavailable(netloc, f"answered {response.status}")
            response = response.replace(body=DISALLOW_ALL)
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        """robots.txt was not obtained: everything is disallowed (Scrapy stored no rules)."""
        if not isinstance(exc, IgnoreRequest):  # (as Scrapy counts it)
            self.crawler.stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._unavailable(netloc, _not_obtained(exc))
        waiting = self._parsers[netloc]
        assert isinstance(waiting, Deferred)
        self._parsers[netloc] = parser = build_from_crawler(
            self._parserimpl, self.crawler, DISALLOW_ALL
        )
        waiting.callback(parser)

    def _unavailable(self, netloc: str, why: str) -> None:
        logger.warning(
            "robots.txt of %s %s: nothing is fetched from it in this run "
            "(RFC 9309: an unreachable robots.txt disallows everything)",
            netloc,
            why,
        )
        self.crawler.stats.inc_value("politeness/robots_unavailable")
        self.unreadable.add(netloc)
        frontier: RedisFrontier | None = getattr(self.crawler, FRONTIER_ATTR, None)
        if frontier is not None:
            frontier.hand_back(f"robots.txt of {netloc} {why}")


def _not_obtained(exc: Exception) -> str:
    """Why a robots.txt was not obtained, for the warning."""
    if isinstance(exc, TooLarge):
        return "is larger than DOWNLOAD_MAXSIZE"
    if isinstance(exc, IgnoreRequest):  # an off-site redirect, a redirect loop
        return f"was not fetched ({exc})"
    return f"could not be fetched ({type(exc).__name__}: {exc})"
