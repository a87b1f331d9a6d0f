"""Distributed crawling on Redis with scrapy-redis: ``FAKTI_STATE=redis://host:port/db``.

A ``redis://`` state alone switches it on. Every worker runs the same command; they share
one frontier (scrapy-redis's priority queue and dupefilter), one state store
(:mod:`newsspider.state.redis`) and these job keys (prefix ``p``, default ``fakti``):

- ``<p>:workers`` (hash identity → ``{id, host, pid}``) and ``<p>:hb:<id>`` (heartbeat, TTL):
  :mod:`newsspider.distributed.worker`.
- ``<p>:frontier`` (zset of requests) and ``<p>:seen`` (dupefilter; articles by
  ``lang:id``); ``<p>:busy`` (workers holding requests), ``<p>:journal:<id>`` (the requests a
  worker took and has not finished), ``<p>:claims`` (key → run that exports it),
  ``<p>:run:<rid>`` (a run's claimed keys → fetch URL), ``<p>:runs:<id>`` (a worker's open
  runs → run file), ``<p>:coverage`` (what the job's discovery walked, for the watermarks),
  ``<p>:job`` (the job's arguments, which every worker must share):
  :mod:`newsspider.distributed.frontier`.

Exactly once: an article key is claimed by one run before it reaches the pipelines, so no two
workers export it. Nothing lost: a killed worker's journal and the claims of its unfinished
run are put back on the frontier when it is restarted (same host and ``FAKTI_OUTPUT_DIR``).
"""

from __future__ import annotations

from typing import Any

from newsspider.state import is_redis, state_location_of

#: The crawler attribute holding its frontier (set by the frontier, read by the claim middleware).
FRONTIER_ATTR = "_fakti_frontier"


def is_distributed(settings: Any) -> bool:
    """True when the crawler's ``FAKTI_STATE`` is a Redis URL (Scrapy settings or a mapping)."""
    return is_redis(state_location_of(settings))
