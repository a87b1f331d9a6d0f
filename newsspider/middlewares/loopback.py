"""Loopback fast mode: against ``127.0.0.1``/``localhost``/``::1`` (the replica), delays,
``Crawl-delay``, backoff and AutoThrottle are off unless set on the command line."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "localhost."})

#: What loopback fast mode sets, at ``spider`` priority (``-s`` on the command line wins).
LOOPBACK_OVERRIDES: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "FAKTI_CRAWL_DELAY_OBEY": False,
    "FAKTI_RETRY_BACKOFF_BASE": 0.0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}


def is_loopback(url: str) -> bool:
    """True when ``url``'s host is a loopback name or address."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    if host in LOOPBACK_HOSTS:
        return True
    try:  # (not a name that merely starts with "127.", such as 127.mirror.example)
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def apply_loopback_defaults(settings: BaseSettings) -> list[str]:
    """Set :data:`LOOPBACK_OVERRIDES` (at the spider's priority) where nothing above it, such
    as ``-s``, set them; returns the names changed. ``FAKTI_LOOPBACK_FAST=0`` disables this."""
    if not settings.getbool("FAKTI_LOOPBACK_FAST", True) or settings.frozen:
        return []
    changed = []
    for name, value in LOOPBACK_OVERRIDES.items():
        if (settings.getpriority(name) or 0) <= SETTINGS_PRIORITIES["spider"]:
            settings.set(name, value, priority="spider")
            changed.append(name)
    return changed
