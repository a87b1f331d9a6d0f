"""Scrapy settings for newsspider. Every ``FAKTI_*`` setting is documented in the README."""

from newsspider.extraction.record import RECORD_FIELDS
from newsspider.middlewares.useragent import PRODUCT, user_agent

BOT_NAME = "newsspider"
SPIDER_MODULES = ["newsspider.spiders"]
NEWSPIDER_MODULE = "newsspider.spiders"

# --- site -------------------------------------------------------------------------------
FAKTI_BASE_URL = "https://fakti.bg"

# --- crawling: discovery and politeness (README "Crawling") ------------------------
#: Without `since`, a scope with no watermark yet: crawl the last N days.
FAKTI_FIRST_RUN_DAYS = 1
#: Incremental runs walk listings down to each scope's watermark minus this many minutes.
FAKTI_INCREMENTAL_OVERLAP_MINUTES = 60
#: A listed article that gave no record holds its edition's watermark back (so the next run
#: asks for it again) for at most this many days after it was listed; 0 = no limit. (A record
#: an item pipeline lost, our side, not the site's, is held with no limit.)
FAKTI_HOLD_DAYS = 3
#: Contact shown in the User-Agent (an e-mail or URL); set it for live crawls.
FAKTI_CONTACT = "https://github.com/newsspider/newsspider"
#: Rebuilt from FAKTI_CONTACT when that is given on the command line (`-s FAKTI_CONTACT=...`).
USER_AGENT = user_agent(FAKTI_CONTACT)
ROBOTSTXT_OBEY = True
#: The name robots.txt groups are matched against: our product token (`newsspider/0.1`), not
#: the whole User-Agent, whose words "crawler", "archive", "github" would each pick a group.
ROBOTSTXT_USER_AGENT = PRODUCT
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
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newsspider.middlewares.robots.StrictRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsspider.middlewares.retry.BackoffRetryMiddleware": 550,
    "newsspider.middlewares.politeness.CrawlDelayMiddleware": 120,
    "newsspider.middlewares.safety.SiteGuardMiddleware": 40,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "newsspider.middlewares.safety.SizeLimitMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newsspider.middlewares.redirect.UnfilteredMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "newsspider.middlewares.redirect.UnfilteredRedirectMiddleware": 600,
}
#: `-a replica=1`: the embedded replica's size, epoch and faults.
FAKTI_REPLICA_ARTICLES = 300
FAKTI_REPLICA_EPOCH = 2
FAKTI_REPLICA_FAULTS = False

# --- safety limits (README "Limits and safety") ----------------------------------------------
#: Largest response accepted, after decompression (gzip bombs too); bigger ones are dropped.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
#: Responses above this size are logged with a warning.
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
#: Give up on a response after this many seconds (then retried): a server that stops
#: sending without closing the connection costs 30 s, not Scrapy's 180.
DOWNLOAD_TIMEOUT = 30
#: Deepest listing/search page walked (`?page=N`); loops are always cut.
FAKTI_MAX_LISTING_PAGES = 10_000
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": None,
    "newsspider.middlewares.httperror.WholePageHttpErrorMiddleware": 50,  # 206 is an error
    "newsspider.distributed.claims.ClaimMiddleware": 50,  # only with a redis:// state
    "newsspider.middlewares.safety.ListingGuardMiddleware": 950,
    # the last to see each output: what Scrapy's scraper then drops is noticed (a gap)
    "newsspider.middlewares.handoff.HandoffMiddleware": 10,
    # Scrapy's, unused here (no DEPTH_LIMIT; the spider copies no meta): each one is one more
    # generator every item and request of a response passes through (README "Engine settings")
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}

# --- extraction -------------------------------------------------------------------------
#: Worker processes that extract article pages (0 = in the crawler's own process). Helps
#: only when the crawl is CPU-bound (mirrors, the replica), not a polite live crawl.
FAKTI_EXTRACT_WORKERS = 0

# --- export -----------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = list(RECORD_FIELDS)
#: Output folder: run files go to <FAKTI_OUTPUT_DIR>/fakti/, the default state to .state/.
FAKTI_OUTPUT_DIR = "output"
#: State store: a path or sqlite://<path>; not set (None) = <FAKTI_OUTPUT_DIR>/.state/fakti.sqlite.
#: redis://host:port/db[?prefix=NAME]: distributed workers sharing one frontier and state
#: (README "Scale-out"). Given empty, it is an error (an unset variable in a cron line).
FAKTI_STATE: str | None = None
#: Distributed mode: Scrapy's scheduler, or scrapy-redis's shared one with a redis:// state.
SCHEDULER = "newsspider.distributed.scheduler.StateScheduler"
#: Distributed mode: worker name (not set: the host name) and heartbeat lifetime (seconds).
FAKTI_WORKER_ID: str | None = None
FAKTI_WORKER_TTL = 30.0
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

# --- operations: report, health gates, progress, run lock (README "Unattended runs") ---
#: `scrapy crawl` exits with the run's health status (3 locked, 4-9 failed gates).
COMMANDS_MODULE = "newsspider.commands"
EXTENSIONS = {
    # -o/-O feeds whose failures fail the run (README "Crash safety and exactly-once")
    "scrapy.extensions.feedexport.FeedExporter": None,
    "newsspider.extensions.feeds.CheckedFeedExporter": 0,
    "newsspider.extensions.unreachable.UnreachableAbort": 400,
    "newsspider.extensions.progress.Progress": 500,
    "newsspider.extensions.stall.StallStop": 600,
    "newsspider.extensions.report.RunReport": 800,
    # after RunReport: its monitors read the health verdict (off unless SPIDERMON_ENABLED)
    "newsspider.extensions.monitors.SpidermonExtension": 900,  # Spidermon's, loaded if enabled
}
#: Spidermon (notifications on failed runs): off by default. The health suite runs the
#: Spidermon Action classes (import paths) named here; their senders read SPIDERMON_*.
SPIDERMON_ENABLED = False
SPIDERMON_SPIDER_CLOSE_MONITORS = ["newsspider.extensions.monitors.HealthMonitorSuite"]
FAKTI_SPIDERMON_FAILED_ACTIONS: list[str] = []
FAKTI_SPIDERMON_PASSED_ACTIONS: list[str] = []
FAKTI_SPIDERMON_FINISHED_ACTIONS: list[str] = []
#: Write <run>.report.json, log the summary, judge the run (exit status) and keep history.
FAKTI_REPORT_ENABLED = True
#: Run lock: <state file>.lock is taken when the state is opened, and this one too if set.
FAKTI_LOCK_FILE: str | None = None
#: Seconds between progress lines; 0 = off.
FAKTI_PROGRESS_INTERVAL = 60.0
#: Seconds without a request, response or item (the engine busy) before a run is stopped as
#: stalled, and then before it is forced to stop; 0 = off (README "Known limits").
FAKTI_STALL_SECONDS = 1800.0
#: Minimum coverage (% of article pages) per field; merged over these defaults, 0 = off.
FAKTI_HEALTH_MIN_COVERAGE = {"headline": 90.0, "published_at": 90.0, "body": 90.0}
#: Coverage and drift gates only judge runs with at least this many article pages.
FAKTI_HEALTH_MIN_SAMPLE = 5
#: Markup drift: fail when the text-layer share rises more than this many points.
FAKTI_HEALTH_DRIFT_MAX_JUMP = 25.0
#: History: the gates compare with up to this many earlier healthy runs.
FAKTI_HEALTH_HISTORY_RUNS = 10
#: Item count gate: needs this many comparable healthy runs and a median of at least ...
FAKTI_HEALTH_ITEMS_MIN_RUNS = 3
FAKTI_HEALTH_ITEMS_MIN_MEDIAN = 20.0
#: ... and fails below this fraction of that median.
FAKTI_HEALTH_ITEMS_MIN_RATIO = 0.3
#: Stop at once when a request gave up retrying and the site never answered (exit 4).
FAKTI_HEALTH_UNREACHABLE_ABORT = True
#: Finish reasons that count as a complete run.
FAKTI_HEALTH_FINISH_REASONS = ["finished"]
#: This run starts a new baseline for the drift and item-count gates (a lasting change).
FAKTI_HEALTH_NEW_BASELINE = False

# --- engine -----------------------------------------------------------------------------
#: An unattended job opens no listening ports: Scrapy's telnet console and remote control
#: server are off (turn them on with -s for debugging a live run).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
#: Items a response's output is processed with at once. Scrapy's default (100) starts 100
#: asyncio tasks for every response; our pipelines are synchronous, so 1 does the same work
#: without them: 25-40% less CPU per page at full speed (README "Engine settings").
CONCURRENT_ITEMS = 1
#: Scrapy's in-memory stats without the shim that checks every stats call for a deprecated
#: argument (~1.6 µs a call instead of ~0.1 µs, ~28 calls a page).
STATS_CLASS = "newsspider.stats.StatsCollector"
#: Scrapy's check for `return value` in generator callbacks re-parses the callback's source
#: on every response (its cache is keyed by the bound method); ~2% of a crawl's CPU.
WARN_ON_GENERATOR_RETURN_VALUE = False
