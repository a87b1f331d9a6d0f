"""The replica's Twisted web resource: pages, faults, the request log and control endpoints.

Runs in any Twisted reactor (standalone, or inside Scrapy's)."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from twisted.web import http, resource, server

from newsspider.replica.faults import SLOW_SECONDS, TRUNCATE_FLUSH_SECONDS, FaultPlan
from newsspider.replica.generator import Site, When, parse_time
from newsspider.replica.pages import Pages


class RequestLog:
    """Every request served (except ``/__replica__/``), with counts per page kind."""

    def __init__(self) -> None:
        self.entries: list[dict] = []
        self.by_kind: Counter[str] = Counter()

    def add(self, method: str, path: str, kind: str, status: int, fault: str | None) -> None:
        entry = {
            "t": round(time.time(), 6),
            "method": method,
            "path": path,
            "kind": kind,
            "status": status,
        }
        if fault:
            entry["fault"] = fault
        self.entries.append(entry)
        self.by_kind[kind] += 1

    def as_dict(self) -> dict:
        return {"total": len(self.entries), "by_kind": dict(self.by_kind), "entries": self.entries}

    def reset(self) -> None:
        self.entries.clear()
        self.by_kind.clear()


class ReplicaResource(resource.Resource):
    """Serves a ``Site`` at its clock: ``epoch``'s, or the time ``clock``; ``faults`` turns on
    the fault plan."""

    isLeaf = True

    def __init__(
        self,
        site: Site,
        *,
        epoch: int = 1,
        clock: datetime | None = None,
        faults: bool = False,
        crawl_delay: float = 1.0,
        reactor=None,
    ):
        super().__init__()
        if reactor is None:
            from twisted.internet import reactor
        self.reactor = reactor
        self.site = site
        self.pages = Pages(site, crawl_delay=crawl_delay)
        self.move(epoch if clock is None else clock)
        self.faults = FaultPlan(site.seed) if faults else None
        self.outages: set[str] = set()  # paths answering 503 until the outages end
        self.log = RequestLog()

    def render(self, request: server.Request):
        uri = request.uri.decode("latin-1")
        path = urlsplit(uri).path
        request.setHeader(b"date", http.datetimeToString(self.clock.timestamp()))
        if path.startswith("/__replica__/"):
            return self._control(request, path, uri)
        method = request.method.decode("latin-1")
        if method not in ("GET", "HEAD"):
            request.setResponseCode(405)
            self.log.add(method, uri, "other", 405, None)
            return b""
        host = (request.getHeader("host") or "").strip()
        if not host:
            addr = request.getHost()
            host = f"{addr.host}:{addr.port}"
        page = self.pages.get(uri, self.clock, f"http://{host}")
        if path in self.outages:  # (before the fault plan: an outage uses none of its faults)
            self.log.add(method, uri, page.kind, 503, "outage")
            request.setResponseCode(503)
            request.setHeader(b"content-type", b"text/plain; charset=utf-8")
            return b"service unavailable\n"
        fault = self.faults.take(uri) if self.faults else None
        status = {"500": 500, "429": 429}.get(fault or "", page.status)
        self.log.add(method, uri, page.kind, status, fault)
        request.setHeader(b"content-type", page.content_type.encode())
        if fault in ("500", "429"):
            request.setResponseCode(status)
            if fault == "429":
                request.setHeader(b"retry-after", b"1")
            request.setHeader(b"content-type", b"text/plain; charset=utf-8")
            return b"temporary failure\n"
        request.setResponseCode(page.status)
        if fault == "reset":
            request.channel.transport.abortConnection()
            return server.NOT_DONE_YET
        if fault == "truncate":
            request.setHeader(b"content-length", str(len(page.body)).encode())
            request.write(page.body[: len(page.body) // 2])
            # loseConnection() can wait for the channel's producer forever: half-close
            # (FIN after the half body), then drop the connection for certain.
            transport = request.channel.transport
            transport.loseWriteConnection()
            self.reactor.callLater(TRUNCATE_FLUSH_SECONDS, transport.abortConnection)
            return server.NOT_DONE_YET
        if fault == "slow":
            call = self.reactor.callLater(SLOW_SECONDS, self._finish, request, page.body)
            request.notifyFinish().addErrback(lambda _: call.active() and call.cancel())
            return server.NOT_DONE_YET
        return page.body

    def move(self, when: When) -> None:
        """Set the clock to ``when`` and the epoch it falls in (views and edits shown), both
        derived before either is stored: a ``ValueError`` leaves them as they were."""
        clock = self.site.clock(when)
        epoch = self.site.epoch(clock)
        self.clock, self.epoch = clock, epoch

    @staticmethod
    def _finish(request: server.Request, body: bytes) -> None:
        request.write(body)
        request.finish()

    def _control(self, request: server.Request, path: str, uri: str) -> bytes:
        method = request.method
        request.setHeader(b"content-type", b"application/json")
        if path == "/__replica__/log" and method == b"GET":
            return json.dumps(self.log.as_dict()).encode()
        if path == "/__replica__/log/reset" and method == b"POST":
            self.log.reset()
            return b'{"ok": true}'
        if path == "/__replica__/faults/reset" and method == b"POST":
            if self.faults:
                self.faults.reset()
            return b'{"ok": true}'
        if path == "/__replica__/outage" and method == b"POST":
            down = parse_qs(urlsplit(uri).query).get("path", [""])[0]
            if not down.startswith("/"):
                request.setResponseCode(400)
                return b'{"error": "path must start with /"}'
            self.outages.add(down)
            return b'{"ok": true}'
        if path == "/__replica__/outage/reset" and method == b"POST":
            self.outages.clear()
            return b'{"ok": true}'
        if path == "/__replica__/epoch":
            if method == b"POST":
                raw = parse_qs(urlsplit(uri).query).get("e", [""])[0]
                if raw not in ("1", "2"):
                    request.setResponseCode(400)
                    return b'{"error": "e must be 1 or 2"}'
                self.move(int(raw))
            return self._time()
        if path == "/__replica__/clock":
            if method == b"POST":
                raw = parse_qs(urlsplit(uri).query).get("t", [""])[0]
                try:
                    self.move(parse_time(raw))
                except ValueError as exc:  # (unreadable, or outside the site's time)
                    request.setResponseCode(400)
                    return json.dumps({"error": f"t={raw!r}: {exc}"}).encode()
            return self._time()
        if path == "/__replica__/truth" and method == b"GET":
            request.setHeader(b"content-type", b"application/jsonl; charset=utf-8")
            return "".join(self.site.truth_lines(self.clock)).encode()
        request.setResponseCode(404)
        return b'{"error": "unknown control endpoint"}'

    def _time(self) -> bytes:
        """The current epoch and clock, as JSON."""
        return json.dumps({"epoch": self.epoch, "clock": self.clock.isoformat()}).encode()


def make_site(res: ReplicaResource) -> server.Site:
    """A Twisted web ``Site`` for the resource, without an access log."""
    factory = server.Site(res)
    factory.log = lambda request: None  # the replica keeps its own request log
    return factory
