"""Start the replica inside a running Twisted reactor (e.g. Scrapy's) on a free loopback port."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

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


#: The sub-folder of ``FAKTI_OUTPUT_DIR`` that a ``replica=1`` run writes to (records, state,
#: run history, lock): its synthetic articles never meet a live run's.
OUTPUT_FOLDER = "replica"


def own_output(settings: BaseSettings) -> str:
    """Point ``FAKTI_OUTPUT_DIR`` of a ``replica=1`` run at its :data:`OUTPUT_FOLDER` and return
    it. ``ValueError`` if ``FAKTI_BASE_URL`` was given (the run would crawl the replica, not
    it) or ``FAKTI_STATE`` is set (the replica's keys and watermarks would enter that state:
    a live run on it would then skip the real articles they shadow)."""
    given = (settings.getpriority("FAKTI_BASE_URL") or 0) > SETTINGS_PRIORITIES["project"]
    if given:
        raise ValueError(
            "argument replica=1 cannot be used with FAKTI_BASE_URL: the run crawls its own "
            "embedded replica; drop one of them"
        )
    if settings.get("FAKTI_STATE"):
        raise ValueError(
            "argument replica=1 cannot be used with FAKTI_STATE: the replica's synthetic "
            "articles would enter that state; a replica=1 run keeps its own, under "
            f"FAKTI_OUTPUT_DIR/{OUTPUT_FOLDER}/"
        )
    folder = str(Path(settings.get("FAKTI_OUTPUT_DIR", "output")) / OUTPUT_FOLDER)
    priority = max(settings.getpriority("FAKTI_OUTPUT_DIR") or 0, SETTINGS_PRIORITIES["spider"])
    settings.set("FAKTI_OUTPUT_DIR", folder, priority=priority)
    return folder
