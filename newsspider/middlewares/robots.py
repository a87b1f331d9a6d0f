"""robots.txt as RFC 9309 reads an unavailable one.

Scrapy parses whatever a robots.txt request returns; a 5xx error page has no rules, so a
server in trouble opened the whole site to the crawl. RFC 9309 (§2.3.1.4) says a robots.txt
that answers 5xx means complete disallow: this subclass of Scrapy's ``RobotsTxtMiddleware``
(same settings, same place) reads such an answer, after its retries, as ``Disallow: /`` for
the rest of the run, with a warning. A 4xx still means no rules (§2.3.1.3).
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Response

logger = logging.getLogger(__name__)

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's ``RobotsTxtMiddleware``; a robots.txt answering 5xx disallows everything."""

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            logger.warning(
                "robots.txt of %s answered %d: nothing is fetched from it in this run "
                "(RFC 9309: an unavailable robots.txt disallows everything)",
                netloc,
                response.status,
            )
            self.crawler.stats.inc_value("politeness/robots_unavailable")
            response = response.replace(body=DISALLOW_ALL)
        await super()._parse_robots(response, netloc, request)
