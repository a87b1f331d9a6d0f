"""The worker process: ``python -m newsspider.offload.worker FD``.

Reads ``(job_id, body, url, content_type)`` frames from the socket ``FD``, answers each with
``(job_id, extract_article(...))``, and exits when the crawler closes the socket or dies.
"""

from __future__ import annotations

import contextlib
import socket
import sys

from newsspider.extraction.article import extract_article
from newsspider.offload.frames import FrameReader, frame


def serve(sock: socket.socket) -> None:
    """Answer jobs until end of stream."""
    reader = FrameReader()
    while data := sock.recv(1 << 20):
        for job_id, body, url, content_type in reader.feed(data):
            result = extract_article(body, url, content_type=content_type)
            sock.sendall(frame((job_id, result)))


def main(argv: list[str]) -> None:
    # ConnectionError: the crawler went away while a result was being sent.
    with socket.socket(fileno=int(argv[1])) as sock, contextlib.suppress(ConnectionError):
        serve(sock)


if __name__ == "__main__":
    main(sys.argv)
