"""Why an article request got no usable response: the site's side, the network's, a refusal
by our rules, or our own code or machine.

The first three give the rejects ``http:<status>`` and ``download:<exception type>`` and are
asked for again for ``FAKTI_HOLD_DAYS`` at most (a site may stop serving a page for good).
An exception of anything else (a bug in one of our middlewares, a ``MemoryError``, a full
disk) is ours: the reject ``error:<exception type>``, asked for again until a run writes it.
"""

from __future__ import annotations

import socket
import ssl
from typing import NamedTuple

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from scrapy.spidermiddlewares.httperror import HttpError

from newsspider.middlewares.safety import TooLarge

#: Download errors of the network or the site: Scrapy's, the operating system's and TLS's.
NETWORK_ERRORS = (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    ssl.SSLError,
)
#: Modules whose exceptions are download errors too (Twisted's connection and HTTP client
#: errors, Scrapy's download handlers, pyOpenSSL, HTTP/2).
NETWORK_MODULES = ("twisted.", "scrapy.core.downloader.", "OpenSSL.", "h2.")


class Failed(NamedTuple):
    """An article request's failure: its reject reason, and whether it is our side's."""

    reason: str
    ours: bool


def failed(error: BaseException) -> Failed:
    """The reject of an article request that failed with ``error`` (after its retries)."""
    if isinstance(error, HttpError):
        return Failed(f"http:{error.response.status}", ours=False)
    if isinstance(error, IgnoreRequest):  # (TooLarge: a page over DOWNLOAD_MAXSIZE)
        refused = "TooLarge" if isinstance(error, TooLarge) else "IgnoreRequest"
        return Failed(f"download:{refused}", ours=False)
    name = type(error).__name__
    if isinstance(error, NETWORK_ERRORS) or type(error).__module__.startswith(NETWORK_MODULES):
        return Failed(f"download:{name}", ours=False)
    return Failed(f"error:{name}", ours=True)
