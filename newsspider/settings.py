"""Scrapy settings for newsspider. Every ``FAKTI_*`` setting is documented in the README."""

from newsspider.extraction.record import RECORD_FIELDS
from newsspider.middlewares.useragent import user_agent

BOT_NAME = "newsspider"
SPIDER_MODULES = ["newsspider.spiders"]
NEWSPIDER_MODULE = "newsspider.spiders"

# --- site -------------------------------------------------------------------------------
FAKTI_BASE_URL = "https://fakti.bg"

# --- crawling: discovery and politeness (docs/readme-crawling.md) ------------------------
#: Without `since` and without state: crawl the last N days.
FAKTI_FIRST_RUN_DAYS = 1
#: Incremental runs walk listings down to (newest article in the state − this many minutes).
FAKTI_INCREMENTAL_OVERLAP_MINUTES = 60
#: Contact shown in the User-Agent (an e-mail or URL); set it for live crawls.
FAKTI_CONTACT = "https://github.com/newsspider/newsspider"
#: Rebuilt from FAKTI_CONTACT when that is given on the command line (`-s FAKTI_CONTACT=...`).
USER_AGENT = user_agent(FAKTI_CONTACT)
ROBOTSTXT_OBEY = True
#: Honour robots.txt `Crawl-delay` (capped, seconds); off in loopback fast mode.
FAKTI_CRAWL_DELAY_OBEY = True
FAKTI_CRAWL_DELAY_MAX = 60.0
#: Loopback base URL (or `replica=1`): no delays, no Crawl-delay, no AutoThrottle, no backoff
#: unless given with `-s`. `FAKTI_LOOPBACK_FAST=0` keeps the live-site politeness.
FAKTI_LOOPBACK_FAST = True
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS_PER_DOMAIN = 4
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_ENABLED = True
RETRY_TIMES = 5
#: Retry backoff: base * 2**(attempt-1) seconds, capped; `Retry-After` (429/503) is capped too.
FAKTI_RETRY_BACKOFF_BASE = 2.0
FAKTI_RETRY_BACKOFF_MAX = 60.0
FAKTI_RETRY_AFTER_MAX = 300.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsspider.middlewares.retry.BackoffRetryMiddleware": 550,
    "newsspider.middlewares.politeness.CrawlDelayMiddleware": 120,
}
#: `-a replica=1`: the embedded replica's size, epoch and faults.
FAKTI_REPLICA_ARTICLES = 300
FAKTI_REPLICA_EPOCH = 2
FAKTI_REPLICA_FAULTS = False

# --- export -----------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = list(RECORD_FIELDS)
#: Output folder: run files go to <FAKTI_OUTPUT_DIR>/fakti/, the default state to .state/.
FAKTI_OUTPUT_DIR = "output"
#: State store: a path or sqlite://<path>; empty = <FAKTI_OUTPUT_DIR>/.state/fakti.sqlite.
FAKTI_STATE = ""
#: Emission policy: new (keys never exported) | changed (new + edited) | all.
FAKTI_EMIT = "new"
#: Gzip the run file (<run>.jsonl.gz) through Scrapy's GzipPlugin.
FAKTI_GZIP = False
ITEM_PIPELINES = {
    "newsspider.pipelines.validate.ValidatePipeline": 100,
    "newsspider.pipelines.rejects.RejectsPipeline": 150,
    "newsspider.pipelines.dedup.DedupPipeline": 200,
    "newsspider.pipelines.export.ExportPipeline": 300,
}

# --- engine -----------------------------------------------------------------------------
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
