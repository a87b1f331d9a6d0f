"""Scrapy settings for newsspider. Every ``FAKTI_*`` setting is documented in the README."""

from newsspider.extraction.record import RECORD_FIELDS

BOT_NAME = "newsspider"
SPIDER_MODULES = ["newsspider.spiders"]
NEWSPIDER_MODULE = "newsspider.spiders"

# --- site -------------------------------------------------------------------------------
FAKTI_BASE_URL = "https://fakti.bg"

# --- export -----------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = list(RECORD_FIELDS)

# --- engine -----------------------------------------------------------------------------
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
