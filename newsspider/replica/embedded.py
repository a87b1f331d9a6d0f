"""Start the replica inside a running Twisted reactor (e.g. Scrapy's) on a free loopback port."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsspider.replica.generator import Site
from newsspider.replica.server import ReplicaResource, make_site


@dataclass
class ReplicaHandle:
    """A running replica: ``base_url`` (``http://127.0.0.1:PORT``), the generator ``site``
    (for ground truth), the web ``resource`` (request log, epoch) and ``stop()``."""

    base_url: str
    site: Site
    resource: ReplicaResource
    port: object

    def stop(self):
        """Stop listening; returns the Deferred of ``stopListening``."""
        return self.port.stopListening()


def listen(
    reactor,
    *,
    articles: int = 300,
    epoch: int = 1,
    faults: bool = False,
    seed: int = 1,
    now: datetime | None = None,
    crawl_delay: float = 1.0,
    port: int = 0,
) -> ReplicaHandle:
    """Generate a site and serve it on ``127.0.0.1:port`` (0: a free port) in ``reactor``."""
    site = Site(articles=articles, seed=seed, now=now)
    res = ReplicaResource(
        site, epoch=epoch, faults=faults, crawl_delay=crawl_delay, reactor=reactor
    )
    listening = reactor.listenTCP(port, make_site(res), interface="127.0.0.1")
    base = f"http://127.0.0.1:{listening.getHost().port}"
    return ReplicaHandle(base_url=base, site=site, resource=res, port=listening)
