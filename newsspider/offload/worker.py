"""The worker process: ``python -m newsspider.offload.worker FD PARENT``.

Reads ``(job_id, body, url, content_type)`` frames from the socket ``FD``, answers each with
``(job_id, extract_article(...))``, and exits when the crawler (pid ``PARENT``) closes the
socket or dies; on Linux the kernel kills it when the crawler dies, even while it is stopped
or stuck in a page (it would otherwise outlive the crawler and hold its output streams).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
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


#: ``prctl`` option: the signal this process gets when its parent dies (Linux).
PR_SET_PDEATHSIG = 1


def die_with(parent: int) -> None:
    """Be killed (SIGKILL) when ``parent`` dies, where the platform allows (Linux); exit now
    if it is gone already."""
    with contextlib.suppress(OSError, AttributeError):  # (no prctl: end of stream only)
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        sys.exit(0)


def main(argv: list[str]) -> None:
    die_with(int(argv[2]))
    # ConnectionError: the crawler went away while a result was being sent.
    with socket.socket(fileno=int(argv[1])) as sock, contextlib.suppress(ConnectionError):
        serve(sock)


if __name__ == "__main__":
    main(sys.argv)
