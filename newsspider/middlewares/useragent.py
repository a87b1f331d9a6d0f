"""The descriptive User-Agent, built from the contact setting (``FAKTI_CONTACT``)."""

from __future__ import annotations

from scrapy.settings import BaseSettings

UA_TEMPLATE = "newsspider/0.1 (+{contact}; news archive crawler)"
#: Our product token: the name robots.txt groups are matched against (``User-agent:
#: newsspider`` and ``User-agent: newsspider/0.1`` are ours; the other words of the
#: User-Agent, e.g. ``crawler``, are not).
PRODUCT = UA_TEMPLATE.split(" ", 1)[0]


def user_agent(contact: str) -> str:
    """``newsspider/0.1 (+<contact>; news archive crawler)``."""
    return UA_TEMPLATE.format(contact=contact.strip())


def apply_contact(settings: BaseSettings) -> bool:
    """Rebuild ``USER_AGENT`` when ``FAKTI_CONTACT`` was set with higher priority than it
    (e.g. ``-s FAKTI_CONTACT=ops@example.org``); returns whether it changed."""
    contact = settings.get("FAKTI_CONTACT")
    priority = settings.getpriority("FAKTI_CONTACT") or 0
    if not contact or settings.frozen or priority <= (settings.getpriority("USER_AGENT") or 0):
        return False
    settings.set("USER_AGENT", user_agent(contact), priority=priority)
    return True
