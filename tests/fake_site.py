"""A tiny fake site on a free loopback port, for end-to-end crawls of hostile or odd sites."""

from __future__ import annotations

import http.client
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MiB = 1024 * 1024


class Site:
    """A threaded HTTP server on a free loopback port; ``routes`` maps a path to a handler
    ``(handler) -> None``; every request path is logged in ``hits``."""

    def __init__(self, routes: dict) -> None:
        self.routes = routes
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                site.hits.append(self.path)
                route = site.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                route(self)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def send(
    body: bytes,
    *,
    length: bool = True,
    headers: dict | None = None,
    status: int = 200,
    content_type: str = "text/html; charset=utf-8",
):
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        if length:
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            for start in range(0, len(body), MiB):
                h.wfile.write(body[start : start + MiB])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler hung up: that is the point

    return route


def redirect(location: str, status: int = 302):
    return send(b"", headers={"Location": location}, status=status)


def reset(h: BaseHTTPRequestHandler) -> None:
    """No response: the connection is reset (RST) once the request is read, a download
    error (Scrapy's ``ResponseFailed``: ``ConnectionLost``) every time it is asked for."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.close_connection = True
    h.connection.close()  # (closed for good as the handler's files are: no FIN first)


class Proxy(Site):
    """A :class:`Site` that forwards every request to ``upstream`` (a replica's
    ``http://127.0.0.1:PORT``), asking for ``rewrite(path_and_query)`` instead (``None``: as
    asked), with this server as the ``Host`` (so its links lead here), and answers with
    upstream's status, body and headers (``Date``, ``Location`` too: no redirect followed).
    A path in ``resets`` is not forwarded: its connection is reset (:func:`reset`)."""

    def __init__(self, upstream: str, rewrite, resets: frozenset[str] = frozenset()) -> None:
        netloc = upstream.split("//", 1)[1]

        def forward(h: BaseHTTPRequestHandler) -> None:
            conn = http.client.HTTPConnection(netloc, timeout=30)
            try:
                conn.request("GET", rewrite(h.path) or h.path, headers={"Host": self.netloc})
                answer = conn.getresponse()
                body = answer.read()
                h.send_response_only(answer.status)  # (no Date of its own: upstream's)
                for name in ("Content-Type", "Date", "Location", "Retry-After"):
                    if answer.getheader(name):
                        h.send_header(name, answer.getheader(name))
                h.send_header("Content-Length", str(len(body)))
                h.end_headers()
                h.wfile.write(body)
            finally:
                conn.close()

        class Everything(dict):
            def get(self, key, default=None):  # every path
                return reset if key in resets else forward

        super().__init__(Everything())
        self.netloc = self.url.split("//", 1)[1]
