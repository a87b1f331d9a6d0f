"""Why an article request failed: the site's, the network's, our rules', or ours."""

from __future__ import annotations

import errno
import socket
import sqlite3
import ssl

import pytest
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest, ResponseDataLossError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionLost, DNSLookupError
from twisted.web._newclient import ResponseNeverReceived

from newsspider.middlewares.safety import TooLarge
from newsspider.spiders.failures import Failed, failed


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (HttpError(Response("http://x/a", status=404), "Ignoring"), "http:404"),
        (HttpError(Response("http://x/a", status=503), "Ignoring"), "http:503"),
        (IgnoreRequest("Forbidden by robots.txt"), "download:IgnoreRequest"),
        (TooLarge("over DOWNLOAD_MAXSIZE"), "download:TooLarge"),
        (DownloadTimeoutError("took longer than 180.0 seconds"), "download:DownloadTimeoutError"),
        (ResponseDataLossError("cut short"), "download:ResponseDataLossError"),
        (ConnectionLost(), "download:ConnectionLost"),
        (DNSLookupError(), "download:DNSLookupError"),
        (ResponseNeverReceived([]), "download:ResponseNeverReceived"),
        (ConnectionRefusedError(errno.ECONNREFUSED, "refused"), "download:ConnectionRefusedError"),
        (TimeoutError(), "download:TimeoutError"),
        (socket.gaierror(-2, "Name or service not known"), "download:gaierror"),
        (ssl.SSLError(1, "bad record mac"), "download:SSLError"),
    ],
)
def test_the_sites_the_networks_and_our_rules_failures_are_download_rejects(error, reason):
    assert failed(error) == Failed(reason, ours=False)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (RuntimeError("a bug in a middleware"), "error:RuntimeError"),
        (MemoryError(), "error:MemoryError"),
        (OSError(errno.ENOSPC, "No space left on device"), "error:OSError"),
        (sqlite3.OperationalError("database or disk is full"), "error:OperationalError"),
        (KeyError("fakti_listed"), "error:KeyError"),
    ],
)
def test_any_other_exception_is_ours(error, reason):
    """A bug in one of our middlewares, a full disk, no memory: not the site's failure, so
    not given up after ``FAKTI_HOLD_DAYS`` (a review lost an article that way, exit 0)."""
    assert failed(error) == Failed(reason, ours=True)
