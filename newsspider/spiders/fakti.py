"""The ``fakti`` spider: discovery and orchestration only (extraction is in ``extraction/``).

Modes, chosen at start (see README "Crawling"):

- ``url=``: just these articles.
- ``since=``: backfill with search pages (section listings when ``sections`` is given,
  search is unavailable or its results are out of reach: a capped day) down to ``since``.
- state present: incremental; feeds first, then home/section listings, down to where the
  last complete run of each edition or section started (its watermark, minus a small
  overlap), skipping articles already exported (:mod:`newsspider.spiders.window`).
- no state (or no watermark for an edition): the last ``FAKTI_FIRST_RUN_DAYS`` days.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlencode, urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.log import failure_to_exc_info
from twisted.python.failure import Failure

from newsspider.args import (
    SPIDER_NAME,
    ArgumentError,
    CrawlArgs,
    check_feeds,
    check_modes,
    parse_args,
    site_root,
    validate_settings,
)
from newsspider.distributed import FRONTIER_ATTR, is_distributed
from newsspider.extensions.summary import (
    FAILED_OURS,
    JOB_LISTED,
    PIPELINES_LOST,
    REFRESH_NOT_DONE,
    SITE_STARTED,
    WATERMARKS_HELD,
    WATERMARKS_MOVED,
)
from newsspider.extraction import patterns as P
from newsspider.extraction.article import extract_article
from newsspider.extraction.dates import SOFIA, instant, parse_iso
from newsspider.extraction.listings import (
    ListingError,
    ListingItem,
    ListingPage,
    clock_from_date_header,
    parse_panel_listing,
    parse_rss,
    parse_search,
)
from newsspider.extraction.record import (
    RECORD_FIELDS,
    Extracted,
    ExtractionResult,
    NotArticle,
    Rejected,
)
from newsspider.extraction.urls import (
    ArticleRef,
    canonicalize,
    compact_key,
    parse_article_url,
    to_fetch_url,
)
from newsspider.items import ArticleItem, RejectItem
from newsspider.loaders import build_item, build_reject
from newsspider.middlewares.handoff import output_lost
from newsspider.middlewares.loopback import apply_loopback_defaults, is_loopback
from newsspider.middlewares.robots import ROBOTS_FORBIDDEN, ROBOTS_UNAVAILABLE
from newsspider.middlewares.safety import listing_cut
from newsspider.middlewares.useragent import apply_contact
from newsspider.offload.pool import ExtractionPool, WorkerLost
from newsspider.pipelines.export import check_closed
from newsspider.pipelines.rejects import RejectDropped
from newsspider.pipelines.writer import write_failed, write_failure
from newsspider.spiders.failures import failed
from newsspider.spiders.paging import (
    FEED_CHECK,
    SEARCH_SPAN,
    SPECULATIVE,
    UNDATED_PAGES,
    FeedCheck,
    Found,
    SearchSpan,
    Span,
    Walk,
    ended,
    expects_more,
    feed_elsewhere,
    follow,
    foreign,
    foreign_ends_walk,
    guessed,
    ignores_range,
    landed_elsewhere,
    narrowing,
    page_meta,
    redirect_ends_walk,
    suspect,
    unread,
)
from newsspider.spiders.window import (
    Coverage,
    Window,
    before,
    below_bound,
    reached,
    repeats_in,
    scope,
    shown_span,
    sofia_midnight,
    undated_times,
    whole_day,
)
from newsspider.startup import exit_on
from newsspider.state import StateStore, close_store, get_store

if TYPE_CHECKING:
    from newsspider.distributed.frontier import RedisFrontier

logger = logging.getLogger(__name__)

ARTICLE_PRIORITY = 10
#: A site clock this far ahead of ours is logged (once) and counted (discovery/site_clock_ahead).
CLOCK_AHEAD_WARN = timedelta(minutes=5)
#: Request meta of an article found on a listing: the time it was listed with (an undated
#: item: see ``undated_times``), and that page's clock.
LISTED, LISTING_CLOCK = "fakti_listed", "fakti_listing_clock"
#: Request meta of an article a killed distributed run had claimed, fetched again.
REFETCH = "fakti_refetch"
#: The reject reason of an article redirected to another article.
REDIRECTED_ELSEWHERE = "redirect:other_article"
#: What Scrapy's scraper logs, and nothing else (no signal), when an exception outside the
#: callbacks and item pipelines ends the processing of a response, the rest of its output lost.
SCRAPER_LOGGER, SCRAPER_BUG = "scrapy.core.scraper", "Scraper bug processing %(request)s"
#: What Scrapy logs, and nothing else, when a signal handler raises: the work it was to do
#: (a gap or a hold noted, a record counted) is lost.
SIGNAL_LOGGER = "scrapy.utils.signal"
SIGNAL_ERROR = "Error caught on signal handler: %(receiver)s"


class ArticleJob(NamedTuple):
    """What extraction needs of an article response."""

    body: bytes
    url: str  # canonical
    content_type: str | None

    def extract(self) -> ExtractionResult:
        """:func:`extract_article` of this page, in this process."""
        return extract_article(self.body, self.url, content_type=self.content_type)


def _marks_text(marks: Mapping[str, datetime]) -> str:
    """Watermarks as the log shows them: ``bg 2026-01-15T06:00:00+02:00, en …``."""
    return ", ".join(f"{name} {at.isoformat()}" for name, at in sorted(marks.items()))


def _asked(request: scrapy.Request | Response) -> str:
    """The URL first asked for (before any redirect)."""
    return request.meta.get("redirect_urls", [request.url])[0]


def _not_found(error: BaseException) -> bool:
    """Whether a request failed with 404 or 410: the page does not exist."""
    return isinstance(error, HttpError) and error.response.status in (404, 410)


def _content_type(response: Response) -> str | None:
    """The ``Content-Type`` header, for the extraction's own decoding of the body."""
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


def _none_rises(coverage: Coverage) -> str:
    """Why a complete walk moves no watermark: the editions an article that gave no record
    holds back, else (and for the others) the marks are as high already, or below ``since``."""
    why = "as high already, or below `since`"
    held = coverage.held_back()
    if not held:
        return why
    names = ", ".join(f"{lang} held back to {at.isoformat()}" for lang, at in held.items())
    rest = any(name.partition("/")[0] not in held for name in coverage.scopes)
    return f"{names} by an article that gave no record, asked for again next run" + (
        f"; the rest {why}" if rest else ""
    )


_Errback = Callable[["FaktiSpider", Failure], Iterator[Any]]


def _settles(errback: _Errback) -> _Errback:
    """An errback after whose output a distributed worker settles the request (it leaves the
    worker's journal). A failed download's errback bypasses the spider middlewares, and so
    :class:`~newsspider.distributed.claims.ClaimMiddleware`, which settles every other
    output: the request stayed in the journal, and a stopped worker put it back on the job's
    frontier, for another worker to fetch again (and reject twice). A request refused because
    this worker could not read robots.txt is not handled at all: it stays in the journal, which
    goes back to the frontier for the other workers (``RedisFrontier.hand_back``)."""

    @functools.wraps(errback)
    def settling(self: FaktiSpider, failure: Failure) -> Iterator[Any]:
        frontier, error = self._job_frontier(), failure.value
        refused = isinstance(error, IgnoreRequest) and str(error) == ROBOTS_UNAVAILABLE
        if frontier is not None and refused:  # (handed back)
            return
        yield from errback(self, failure)
        if frontier is not None:
            frontier.settle(failure.request)  # type: ignore[attr-defined]

    return settling


class _LoggedLosses(logging.Handler):
    """Tells its spider of each loss Scrapy only logs: a request whose output its scraper lost
    (``SCRAPER_BUG``), a signal handler that raised (``SIGNAL_ERROR``; one sent without a
    spider, as most are, is taken as its spider's)."""

    def __init__(self, spider: FaktiSpider) -> None:
        super().__init__(logging.ERROR)
        self.spider = spider

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "spider", None) not in (self.spider, None):
            return
        if record.msg == SCRAPER_BUG:
            self.spider._scraper_lost(record.args["request"])
        elif record.msg == SIGNAL_ERROR:
            self.spider._handler_failed(record.args["receiver"])


class FaktiSpider(scrapy.Spider):
    """Crawls fakti.bg (or a mirror/replica at ``FAKTI_BASE_URL``) into article records."""

    name = SPIDER_NAME

    def __init__(self, **kwargs: Any) -> None:
        self.raw_args = dict(kwargs)
        super().__init__()
        self.args = CrawlArgs()
        self.base_url = P.CANONICAL_ORIGIN
        self.extra_hosts: tuple[str, ...] = ()
        self.distributed = False
        self.window = Window()
        self.coverage: Coverage | None = None
        self.seen_keys: set[int] = set()  # (compact_key)
        self.walks: dict[tuple, Walk] = {}
        #: The watermarks an incremental window starts from (before the overlap).
        self.watermarks: dict[str, datetime] = {}
        self.store: StateStore | None = None
        self.replica: Any = None
        self.pool: ExtractionPool | None = None
        #: Scopes on their first run whose bound is not stored yet.
        self.first_scopes: list[str] = []
        #: ``refresh=N``'s requests are still to be asked for (on the first listing response).
        self.refresh_due = False
        self.logged_losses = _LoggedLosses(self)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> FaktiSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        with exit_on(ValueError):
            validate_settings(settings)
            base = site_root(str(settings.get("FAKTI_BASE_URL") or ""))
            extra_hosts = (urlsplit(base).netloc,)
            spider.args = parse_args(spider.raw_args, extra_hosts=extra_hosts)
            spider.distributed = is_distributed(settings)
            if spider.args.replica and spider.distributed:
                raise ValueError(
                    "argument replica=1 cannot be used with a redis:// FAKTI_STATE: each "
                    "worker would crawl a replica of its own while they share their requests; "
                    "run one (python -m newsspider.replica) and give every worker its URL in "
                    "FAKTI_BASE_URL"
                )
            check_modes(settings, spider.args)
            if spider.args.replica:
                from newsspider.replica.embedded import own_output

                logger.info("replica=1: output in %s", own_output(settings))
                check_feeds(settings)  # (against the replica's own state and run files too)
        spider.base_url = base
        spider.extra_hosts = extra_hosts
        apply_contact(settings)
        if spider.args.replica or is_loopback(base):
            changed = apply_loopback_defaults(settings)
            if changed:
                logger.info("loopback fast mode: %s", ", ".join(changed))
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        crawler.signals.connect(spider._spider_error, signal=signals.spider_error)
        crawler.signals.connect(spider._item_error, signal=signals.item_error)
        crawler.signals.connect(spider._item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(spider._listing_cut, signal=listing_cut)
        crawler.signals.connect(spider._scraper_lost, signal=output_lost)
        crawler.signals.connect(spider._write_failed, signal=write_failure)
        return spider

    # --- start ------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        if self.args.replica:
            self._start_replica()
        workers = self.crawler.settings.getint("FAKTI_EXTRACT_WORKERS", 0)
        if workers and not self.args.urls:
            self.pool = ExtractionPool(workers)
            await self.pool.start()
            self.crawler.stats.set_value("extract/workers", workers)
        with exit_on(ArgumentError):  # an argument that only the state shows to be useless
            try:
                requests = self.start_requests_list()
            except ArgumentError:
                close_store(self.crawler)  # (the engine will not stop: it never started)
                raise
        for request in requests:
            yield request

    def _start_replica(self) -> None:
        from twisted.internet import reactor

        from newsspider.replica.embedded import listen

        settings = self.crawler.settings
        self.replica = listen(
            reactor,
            articles=settings.getint("FAKTI_REPLICA_ARTICLES", 300),
            epoch=settings.getint("FAKTI_REPLICA_EPOCH", 2),
            faults=settings.getbool("FAKTI_REPLICA_FAULTS", False),
        )
        self.base_url = self.replica.base_url.rstrip("/")
        self.extra_hosts = (*self.extra_hosts, urlsplit(self.base_url).netloc)
        logger.info("embedded replica at %s", self.base_url)

    def _opened(self, spider: scrapy.Spider) -> None:
        for name in (SCRAPER_LOGGER, SIGNAL_LOGGER):
            logging.getLogger(name).addHandler(self.logged_losses)

    def _closed(self, spider: scrapy.Spider, reason: str) -> None:
        for name in (SCRAPER_LOGGER, SIGNAL_LOGGER):
            logging.getLogger(name).removeHandler(self.logged_losses)
        check_closed(self.crawler)  # (an export that raised as it closed fails the run)
        self._raise_watermarks(reason)
        if self.pool is not None:
            self.pool.close()
            self.crawler.stats.set_value("extract/workers/lost", self.pool.lost_count)
        if self.replica is not None:
            self.replica.stop()
        if self.refresh_due:
            # (a distributed worker leaves it to those of its job that listed articles, if any:
            # its frontier said so as it left the job, before this signal)
            others = self.distributed and self.crawler.stats.get_value(JOB_LISTED)
            if not others:  # (the report's health notes say so too)
                self.crawler.stats.set_value(REFRESH_NOT_DONE, self.args.refresh)
            log = logger.info if others else logger.warning
            log(
                "refresh=%d not done: no listing, feed or search page was read, so the site's "
                "time its days count back from is unknown",
                self.args.refresh,
            )

    def _spider_error(
        self, failure: Failure, response: Response | Failure | None, spider: scrapy.Spider
    ) -> None:
        """A callback or an errback (or building the start requests) raised: what it would
        have found is unknown (no watermark). An errback's ``response`` is the download's
        failure (an HTTP error's is a response)."""
        if isinstance(response, Response):
            self._gap(f"error in the callback of {response.url}")
        elif response is not None:
            request = getattr(response, "request", None)
            self._gap(f"error in the errback of {getattr(request, 'url', 'a request')}")
        else:
            self._gap("error in the callback of the start requests")

    def _scraper_lost(self, request: scrapy.Request) -> None:
        """Scrapy's scraper raised outside the callbacks and pipelines (e.g. ``MemoryError``)
        and dropped what the response to ``request`` would have given, or some of it
        (:data:`~newsspider.middlewares.handoff.output_lost`): as for a callback that raised,
        it is unknown (no watermark)."""
        self._gap(f"Scrapy's scraper lost the output of {request.url}")

    def _handler_failed(self, receiver: Any) -> None:
        """A signal handler raised (Scrapy logs it and goes on): what it was to note, a gap or
        a held article (a bug of ours, a ``MemoryError``), is unknown (no watermark)."""
        name = getattr(receiver, "__qualname__", None) or f"{receiver!r:.200}"
        self._gap(f"error in the signal handler {name}")

    def _item_error(
        self, item: Any, response: Response | Failure, spider: scrapy.Spider, failure: Failure
    ) -> None:
        """An item pipeline raised (not ``DropItem``): the record is lost for this run
        (:data:`PIPELINES_LOST`), by our machine or our code, not the site: the article is
        held with no ``FAKTI_HOLD_DAYS`` limit, asked for again until a run writes it. (For an
        item of an errback, ``response`` is the download's failure, whose errback already held
        the article back.)"""
        self.crawler.stats.inc_value(PIPELINES_LOST)
        if not isinstance(response, Response):
            return
        if LISTED in response.meta:
            self._hold(response, "its record failed in the pipelines", expires=False)
        else:
            self._gap(f"a record failed in the pipelines: {failure.value!r:.200}")

    def _item_dropped(self, item: Any, response: Response | Failure, exception: Exception) -> None:
        """A record the validation rejected (``item``, as yielded, is an :class:`ArticleItem`;
        the exception, :class:`RejectDropped`, has the reason): no record this run, so the
        article is asked for again next run, as for an extraction reject (held when the spider
        made it). A record dropped otherwise (a duplicate, not emitted) was had."""
        if (
            isinstance(exception, RejectDropped)
            and isinstance(item, ArticleItem)
            and isinstance(response, Response)
        ):
            self._hold(response, f"rejected: {exception.reason}")

    def _raise_watermarks(self, reason: str) -> None:
        """After a complete walk, move the watermarks of the scopes walked (see
        :mod:`newsspider.spiders.window`). In a distributed job, the walk is the job's, and
        the last worker to leave it moves them."""
        coverage, stats = self.coverage, self.crawler.stats
        if coverage is None:
            return
        frontier = self._job_frontier()
        if frontier is not None:
            if frontier.lost:  # (its work is the restart's: the job's walk goes on)
                logger.warning("discovery watermarks not moved: this worker lost Redis")
                return
            job = frontier.job_coverage
            if job is None:
                logger.info(
                    "discovery watermarks: not moved by this worker, which is not the last of "
                    "its job (%s); the job's last worker moves them",
                    frontier.job,
                )
                return
            coverage = coverage.of_job(job)
        store = self.store or self._state()
        why = self._unproven(reason, coverage)
        if why:
            self._hold_watermarks(why)
            return
        try:
            marks = coverage.marks(store.watermarks())
        except Exception as exc:
            self._watermarks_failed("reading", exc, store)
            return
        unlisted = coverage.unlisted()
        if unlisted:
            logger.warning(
                "discovery watermarks of %s not moved: no page listed an article of it",
                ", ".join(unlisted),
            )
        if not marks:
            stats.set_value(WATERMARKS_MOVED, 0)
            logger.info("discovery watermarks: none rises (%s)", _none_rises(coverage))
            return
        try:
            store.raise_watermarks(marks)
        except Exception as exc:
            self._watermarks_failed("storing", exc, store, marks)
            return
        stats.set_value(WATERMARKS_MOVED, len(marks))  # (once stored: the report says so)
        logger.info("discovery watermarks: %s", _marks_text(marks))

    def _hold_watermarks(self, why: str) -> None:
        """No watermark moves (``why``: a note of the health verdict)."""
        self.crawler.stats.set_value(WATERMARKS_MOVED, 0)
        self.crawler.stats.set_value(WATERMARKS_HELD, why)
        logger.warning("discovery watermarks not moved (%s): the next run walks this again", why)

    def _watermarks_failed(
        self,
        doing: str,
        error: Exception,
        store: StateStore,
        marks: Mapping[str, datetime] | None = None,
    ) -> None:
        """The state failed ``doing`` (reading, storing) the watermarks of a complete walk
        (its disk full, Redis gone): none moved, which the report says (held), and the run
        fails as one whose state could not record its feed (:func:`write_failed`: finish
        reason ``export_failed``, exit status 9). Nothing is lost: the next run walks this
        again. (Scrapy would log the error and the run exit 0, its report saying they moved.)"""
        if not isinstance(error, getattr(store, "errors", ())):  # (a bug: its traceback)
            logger.error("%s the discovery watermarks failed", doing, exc_info=error)
        then = f"; none of them stored ({_marks_text(marks)})" if marks else ""
        write_failed(self.crawler, "the discovery watermarks", error, then)
        self._hold_watermarks(f"{doing} the watermarks failed: {error}")

    def _unproven(self, reason: str, coverage: Coverage) -> str | None:
        """Why this run proves no walk complete, or None."""
        stats = self.crawler.stats
        if reason != "finished":
            return f"finish reason {reason!r}"
        if stats.get_value("export/items") and not stats.get_value("export/file"):
            return "the run file was not committed"
        if coverage.gaps:
            return "; ".join(coverage.gaps[:3])
        if coverage.started is None:
            return "no listing page was read"
        broken = coverage.broken()
        if broken:
            return (
                f"the first page of {', '.join(broken[:3])} listed nothing, though the run saw "
                "its articles elsewhere"
            )
        return None

    def start_requests_list(self) -> list[scrapy.Request]:
        """The first requests of the run, per mode."""
        args = self.args
        if args.urls:
            return [r for ref in args.urls if (r := self._article_request(ref)) is not None]
        upper = sofia_midnight(args.until + timedelta(days=1)) if args.until else None
        requests: list[scrapy.Request] = []
        floor = sofia_midnight(args.since) if args.since is not None else None
        self.refresh_due = args.refresh is not None
        scopes = [scope(lang, s) for lang in args.langs for s in (args.sections or (None,))]
        since = args.since is not None
        self.window = Window(floor=floor, upper=upper) if since else self._incremental_window(upper)
        job = self._job_frontier()
        hold_days = self.crawler.settings.getfloat("FAKTI_HOLD_DAYS", 3)
        hold_for = timedelta(days=hold_days) if hold_days else None
        # (a backfill of days gone may list nothing of a quiet edition; one up to today not)
        past = args.until is not None and args.until < datetime.now(SOFIA).date()
        self.coverage = Coverage(
            scopes, upper, floor, sink=job, hold_for=hold_for, require_listed=not past
        )
        if since:
            for lang in args.langs:
                if args.sections:
                    requests += [self._listing(lang, s) for s in args.sections]
                else:
                    requests.append(self._search(lang, 0))
            return requests
        for lang in args.langs:
            for section in args.sections or (None,):
                requests.append(self._feed(lang, section))
        return requests

    def _state(self) -> StateStore:
        return get_store(self.crawler)

    def _job_frontier(self) -> RedisFrontier | None:
        """A distributed worker's frontier (it records the walk of the whole job)."""
        return getattr(self.crawler, FRONTIER_ATTR) if self.distributed else None

    def _incremental_window(self, upper: datetime | None) -> Window:
        """Each scope down to its watermark minus the overlap; a scope without one gets the
        first-run window, whose bound becomes its watermark on the first listing response
        (:meth:`_store_first_bounds`). A state with exports but no watermark at all
        (written before they existed, or by `url=` runs) walks each edition down to the lower
        of its newest export (minus the overlap) and the first-run bound."""
        settings = self.crawler.settings
        store = self.store = self.store or self._state()
        days = settings.getfloat("FAKTI_FIRST_RUN_DAYS", 1)
        overlap = timedelta(minutes=settings.getfloat("FAKTI_INCREMENTAL_OVERLAP_MINUTES", 60))
        marks = store.watermarks()
        if not marks and not store.is_empty():
            first_bound = datetime.now(UTC) - timedelta(days=days)
            for lang in self.args.langs:
                newest = store.newest_published(lang)
                if newest is not None and newest - overlap < first_bound:
                    marks[lang] = newest
                    logger.info("state without watermarks: %s down to its newest export", lang)
        self.watermarks = marks
        floors = {name: before(mark, overlap) for name, mark in marks.items()}
        window = Window(first_run=timedelta(days=days), upper=upper, skip_known=True, marks=floors)
        now = datetime.now(UTC)
        for lang in self.args.langs:
            for section in self.args.sections or (None,):
                name = scope(lang, section)
                bound = window.lower(now, lang, section)
                assert bound is not None
                # (nothing between: say so, loudly)
                if upper is not None and instant(bound) >= instant(upper):
                    raise ArgumentError(
                        "until",
                        self.args.until.isoformat() if self.args.until else upper,
                        f"{name} is walked down to {bound.astimezone(SOFIA):%Y-%m-%d %H:%M}"
                        " only, after it; give since= for older articles",
                    )
                if window.has_mark(lang, section):
                    logger.info("incremental run: %s down to %s", name, bound.isoformat())
                else:
                    logger.info("first run of %s: the last %g day(s)", name, days)
                    self.first_scopes.append(name)
        return window

    def _store_first_bounds(self, now: datetime) -> None:
        """On the run's first listing response (site time ``now``): the first-run scopes'
        bound is stored as their watermark, so that if this run stops early, the next one
        walks down to it too (not just one day below its own start)."""
        assert self.store is not None and self.window.first_run is not None
        bounds = dict.fromkeys(self.first_scopes, before(now, self.window.first_run))
        self.first_scopes = []
        self.store.raise_watermarks(bounds)

    def _refresh_requests(self, now: datetime) -> list[scrapy.Request]:
        """``refresh=N``, on the run's first listing response (site time ``now``, as the
        other bounds): the state's articles published in the last N days, of the run's
        editions and sections, and inside its ``since`` / ``until`` bounds."""
        assert self.args.refresh is not None
        self.refresh_due = False
        store = self.store = self.store or self._state()
        floor, upper = self.window.floor, self.window.upper
        since = before(now, timedelta(days=self.args.refresh))
        sections = self.args.sections
        requests = []
        for key, url in store.published_since(max(since, floor) if floor else since):
            ref = parse_article_url(url, extra_hosts=self.extra_hosts)
            if ref is None or ref.lang not in self.args.langs:
                continue
            if sections and ref.section not in sections:
                continue
            if upper is not None:
                state = store.get(key)
                published = state.published_at if state is not None else None
                if published is None or instant(published) >= instant(upper):
                    continue
            request = self._article_request(ref)
            if request is not None:
                requests.append(request)
        self.crawler.stats.set_value("discovery/refresh", len(requests))
        return requests

    # --- request builders -------------------------------------------------------------

    def _path_url(self, path: str, query: dict[str, Any] | None = None) -> str:
        return self.base_url + path + (f"?{urlencode(query)}" if query else "")

    @staticmethod
    def _prefix(lang: str) -> str:
        return P.EN_PREFIX if lang == "en" else ""

    def _feed(self, lang: str, section: str | None) -> scrapy.Request:
        path = self._prefix(lang) + P.FEED_URL_PATH + (f"/{section}" if section else "")
        meta = {"lang": lang, "section": section}
        return scrapy.Request(
            self._path_url(path), callback=self.parse_feed, errback=self.feed_failed, meta=meta
        )

    def _home(self, lang: str) -> scrapy.Request:
        path = self._prefix(lang) + P.HOME_URL_PATH
        return scrapy.Request(
            self._path_url(path),
            callback=self.parse_listing,
            errback=self.listing_failed,
            meta={"lang": lang, "section": None, "home": True},
        )

    def _sections(self, lang: str) -> list[scrapy.Request]:
        """Page 1 of every section of ``lang``: a walk of the edition through its sections."""
        return [self._listing(lang, name) for name in sorted(P.SECTIONS)]

    def _listing(
        self,
        lang: str,
        section: str,
        number: int = 1,
        url: str | None = None,
        page: ListingPage | None = None,
        suspect_url: str | None = None,
    ) -> scrapy.Request:
        """Listing page ``number`` of a section (``url``: the site's link to it; ``page``:
        the page before it, at ``suspect_url`` if it is suspect)."""
        path = f"{self._prefix(lang)}/{section}"
        return scrapy.Request(
            url or self._path_url(path, {P.PAGE_PARAM: number} if number > 1 else None),
            callback=self.parse_listing,
            errback=self.listing_failed,
            meta={
                "lang": lang,
                "section": section,
                "page": number,
                **page_meta(page, url, suspect_url),
            },
        )

    def _search(
        self,
        lang: str,
        number: int,
        url: str | None = None,
        page: ListingPage | None = None,
        suspect_url: str | None = None,
        span: SearchSpan | None = None,
    ) -> scrapy.Request:
        """Search results page ``number`` of an edition (from 0; ``url``, ``page`` and
        ``suspect_url`` as for :meth:`_listing`) of the search ``span`` (default: the walk's
        first, down to ``until``, else two days after today). Its ``page`` meta counts the
        pages of the edition's whole search walk (:class:`SearchSpan`)."""
        assert self.args.since is not None
        span = span or self._first_search()
        query = {
            **P.SEARCH_PARAMS,
            P.SEARCH_FROM_PARAM: self.args.since.strftime(P.SEARCH_DATE_FORMAT),
            P.SEARCH_TO_PARAM: span.to.strftime(P.SEARCH_DATE_FORMAT),
            P.PAGE_PARAM: number,
        }
        return scrapy.Request(
            url or self._path_url(self._prefix(lang) + P.SEARCH_URL_PATH, query),
            callback=self.parse_search,
            errback=self.search_failed,
            meta={
                "lang": lang,
                "page": span.first + number,
                SEARCH_SPAN: span,
                **page_meta(page, url, suspect_url),
            },
        )

    def _first_search(self) -> SearchSpan:
        """The first search of an edition's walk: down to ``until``, else two days after
        today (the site's clock may be ahead of ours)."""
        return SearchSpan(self.args.until or (datetime.now(SOFIA).date() + timedelta(days=2)))

    def _search_span(self, meta: dict[str, Any]) -> SearchSpan:
        return meta.get(SEARCH_SPAN) or self._first_search()

    def _article_request(
        self,
        ref: ArticleRef,
        floor: datetime | None = None,
        listed: ListingItem | None = None,
        clock: datetime | None = None,
        undated: datetime | None = None,
    ) -> scrapy.Request | None:
        """The request of a discovered article: ``floor`` drops it if it was published
        earlier; ``listed`` is the listing item it was found in, on a page of ``clock``;
        ``undated`` is the time it counts as listed if it shows no date
        (:func:`undated_times`)."""
        compact = compact_key(ref.key)
        if compact in self.seen_keys:
            self.crawler.stats.inc_value("discovery/articles/duplicate")
            return None
        self.seen_keys.add(compact)
        self.crawler.stats.inc_value("discovery/articles/scheduled")
        meta: dict[str, Any] = {"fakti_floor": floor}
        if listed is not None:
            meta[LISTED], meta[LISTING_CLOCK] = listed.published or undated, clock
        # (one request per key and run already: Scrapy's duplicate filter need not hold its
        # fingerprint too; a distributed job's frontier filters by key across its workers)
        url = to_fetch_url(ref.url, self.base_url)
        return self._fetch_article(url, meta=meta, dont_filter=not self.distributed)

    def refetch_request(self, url: str) -> scrapy.Request:
        """The request of an article fetched again at ``url`` (a distributed run claimed it
        and was killed before its file appeared): unfiltered, handled like any article; if
        it gives no record, the job's walk counts as incomplete (its listing time is lost)."""
        return self._fetch_article(url, dont_filter=True, meta={REFETCH: True})

    def _fetch_article(self, url: str, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse if self.pool is None else self.parse_in_worker,
            errback=self.article_failed,
            priority=ARTICLE_PRIORITY,
            **kwargs,
        )

    def _on_base(self, url: str | None) -> str | None:
        """A pagination link moved onto the base URL (query kept), or None if off-site."""
        if not url or canonicalize(url, extra_hosts=self.extra_hosts) is None:
            return None
        return to_fetch_url(url, self.base_url)

    # --- discovery --------------------------------------------------------------------

    def _now(self, response: Response) -> datetime:
        return clock_from_date_header(response.headers.get(b"Date"), datetime.now(UTC))

    def _no_later_than_ours(self, clock: datetime) -> datetime:
        """A page's clock (``Date``), or ours if that is earlier: a site clock running ahead
        would raise a watermark above what was published, and the next run would take the
        articles in between for old. Ours may lag a little: the next run walks a bit more."""
        ours = datetime.now(UTC)
        ahead = instant(clock) - ours.timestamp()
        if ahead <= 0:
            return clock
        if ahead > CLOCK_AHEAD_WARN.total_seconds():
            self.crawler.stats.inc_value("discovery/site_clock_ahead")
            if self.crawler.stats.get_value("discovery/site_clock_ahead") == 1:
                logger.warning(
                    "the site's clock (Date: %s) is ahead of ours (%s): watermarks use ours",
                    clock.isoformat(),
                    ours.astimezone(SOFIA).isoformat(timespec="seconds"),
                )
        return ours.astimezone(SOFIA)

    def _refs(self, items: Iterable[ListingItem]) -> Iterator[tuple[ListingItem, ArticleRef]]:
        """Listed links that are on-site articles of the selected editions and sections."""
        stats = self.crawler.stats
        for item in items:
            ref = parse_article_url(item.url, extra_hosts=self.extra_hosts)
            if ref is None:
                onsite = canonicalize(item.url, extra_hosts=self.extra_hosts) is not None
                stats.inc_value(f"discovery/links/{'not_article' if onsite else 'offsite'}")
                continue
            if ref.lang not in self.args.langs or (
                self.args.sections and ref.section not in self.args.sections
            ):
                stats.inc_value("discovery/links/filtered")
                continue
            yield item, ref

    def _judge(self, item: ListingItem, lower: datetime | None) -> str:
        """``new``, ``old`` (below the window's ``lower`` bound: stop walking) or ``later``
        (above it).

        A date shown without a time, or at exactly 00:00 (a date-only article, e.g. BG form C),
        may stand for any time of that day, so it is only old once the whole day is; a
        listing's time, once any second of its minute, in either pass of the repeated
        autumn hour, is (:func:`below_bound`)."""
        if item.published is not None:
            if below_bound(item.published, lower, item.day_only, item.shown):
                return "old"
            upper = self.window.upper
            if upper is not None and instant(item.published) >= instant(upper):
                return "later"
        return "new"

    def _known_verdict(self, ref: ArticleRef, floor: datetime | None) -> str:
        """An exported article is never fetched again; it ends the walk (``old``) only when
        it was published below ``floor`` (a date-only time: the whole day): an export of
        another scope, of a ``url=`` run or of a run that stopped early says nothing about
        what is listed below it."""
        assert self.store is not None
        state = self.store.get(ref.key)
        published = state.published_at if state is not None else None
        return "old" if published is not None and below_bound(published, floor) else "known"

    def _discover(
        self, page: ListingPage, response: Response, now: datetime, walk: tuple | None = None
    ) -> Found:
        """Article requests for a listing page's new items (the run's first page: after
        ``refresh=N``'s), and what its items were (``now``: the page's clock; ``walk``: the
        paged walk it belongs to, if any)."""
        lang, section = response.meta["lang"], response.meta.get("section")
        if self.coverage is not None:
            clock = self._no_later_than_ours(now)
            self.coverage.saw_listing(clock)
            if clock == self.coverage.started:  # (the earliest: the run's site start)
                self.crawler.stats.set_value(SITE_STARTED, clock.isoformat(timespec="seconds"))
        if self.first_scopes:
            self._store_first_bounds(now)
        requests = self._refresh_requests(now) if self.refresh_due else []
        pairs = list(self._refs(page.items))
        if pairs and self.coverage is not None:
            self.coverage.saw_articles(
                name for _, ref in pairs for name in (ref.lang, scope(ref.lang, ref.section))
            )
        keys = [ref.key for _, ref in pairs]
        known: set = set()
        if self.window.skip_known and self.store is not None and pairs:
            known = self.store.known(keys)
        reached_old = above = fresh = overlap = False
        old_tail = 0
        paged = self.walks.setdefault(walk, Walk()) if walk is not None else None
        compact = [compact_key(k) for k in keys]
        repeats = repeats_in(compact, paged.keys if paged is not None else set())
        dated = any(item.published is not None or ref.key in known for item, ref in pairs)
        novel = paged.see(compact, dated) if paged is not None else bool(keys)
        floor = self.window.lower(now, lang, section)
        undated = undated_times(page.items, [item for item, _ in pairs], floor)
        marked = self.window.has_mark(lang, section)
        cut = None if marked else floor  # incremental: keep all
        # (the watermark itself: an item after it shows the page lists what came since)
        mark = reached(self.watermarks, lang, section) if marked else floor
        mark_at = instant(mark) if mark is not None else None
        floor_at = instant(floor) if floor is not None else None
        for n, (item, ref) in enumerate(pairs):
            verdict = (
                self._known_verdict(ref, floor) if ref.key in known else self._judge(item, floor)
            )
            at = instant(item.published) if item.published is not None else None
            ours = ref.lang == lang and section in (None, ref.section)  # (a feed moved)
            fresh |= (
                ours and verdict != "old" and (mark_at is None or (at is not None and at > mark_at))
            )
            overlap |= (
                ours
                and item.published is not None
                and not whole_day(item.published, item.day_only)
                and floor_at is not None
                and mark_at is not None
                and floor_at <= at <= mark_at
            )
            if repeats[n]:  # (listed before: may be a shifted or stale page, ends nothing)
                above |= verdict != "old"
            elif verdict == "old":
                reached_old, old_tail = True, old_tail + 1
            elif verdict != "new" or at is not None:
                above, old_tail = True, 0
            else:  # (an undated item breaks no run of old ones)
                above = True
            if verdict != "new":
                self.crawler.stats.inc_value(f"discovery/items/{verdict}")
                continue
            request = self._article_request(ref, cut, listed=item, clock=now, undated=undated[n])
            if request is not None:
                requests.append(request)
        repeated = paged is not None and paged.repeated
        stalled = paged is not None and paged.barren >= 2
        blind = paged is not None and paged.undated >= UNDATED_PAGES
        return Found(
            requests, reached_old, old_tail, above, fresh, overlap, novel, stalled, repeated, blind
        )

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        lang, section = response.meta["lang"], response.meta["section"]
        stats = self.crawler.stats
        page: ListingPage | None = None
        elsewhere = feed_elsewhere(response, self.extra_hosts)
        if elsewhere is not None:
            logger.warning(
                "feed %s redirected to %s: walking listings", _asked(response), elsewhere
            )
        else:
            try:
                page = parse_rss(response.body, response.url, _content_type(response))
            except ListingError as exc:
                logger.warning("feed %s is broken (%s): walking listings", response.url, exc)
        if page is None or not page.items:
            stats.inc_value("discovery/feeds/unusable")
            yield from self._fallback(lang, section)
            return
        stats.inc_value("discovery/feeds/ok")
        found = self._discover(page, response, self._now(response))
        yield from found.requests
        # Enough by its dates only if it reaches back into the overlap (not just to some old
        # item: one re-promoted story proves nothing of what came between) and lists something
        # since the watermark (a feed with nothing since may have stopped updating), both of its
        # own edition and section (a feed moved to another one's says nothing of this one).
        # Even then its first listing page is read, to check it leaves nothing out.
        check = None
        if found.overlap and found.fresh:
            shown = list(self._own(page, lang, section))
            timed = tuple((k, span[0]) for k, span in shown if span is not None)  # (exact)
            check = FeedCheck(frozenset(k for k, _ in shown), timed)
        yield from self._fallback(lang, section, check)

    @_settles
    def feed_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = failure.request  # type: ignore[attr-defined]
        logger.warning("feed %s failed (%s): walking listings", request.url, failure.value)
        self.crawler.stats.inc_value("discovery/feeds/unusable")
        yield from self._fallback(request.meta["lang"], request.meta["section"])

    def _fallback(
        self, lang: str, section: str | None, check: FeedCheck | None = None
    ) -> Iterator[scrapy.Request]:
        """The first listing page of a feed's scope: walked from, or (``check``) read to
        check a feed that seemed enough."""
        request = self._home(lang) if section is None else self._listing(lang, section)
        if check is not None:
            request.meta[FEED_CHECK] = check
        yield request

    def _own(
        self, page: ListingPage, lang: str, section: str | None
    ) -> Iterator[tuple[int, Span | None]]:
        """``(compact key, span)`` of a page's items of edition ``lang`` (and ``section``):
        the first and last second its time may stand for (:func:`shown_span`), ``None`` when the
        page shows no time, or only a day (:func:`whole_day`)."""
        for item in page.items:
            ref = parse_article_url(item.url, extra_hosts=self.extra_hosts)
            if ref is None or ref.lang != lang or section not in (None, ref.section):
                continue
            at = item.published
            yield (
                compact_key(ref.key),
                None if at is None or whole_day(at, item.day_only) else shown_span(at, item.shown),
            )

    def _feed_holds(
        self, check: FeedCheck, page: ListingPage, meta: dict[str, Any], now: datetime
    ) -> bool:
        """Whether a feed's first listing page vouches for it (:class:`FeedCheck`); else the
        listings are walked (``discovery/feeds/incomplete``, or ``unchecked`` when the page
        does not list everything down to the floor)."""
        lang, section = meta["lang"], meta["section"]
        floor = self.window.lower(now, lang, section)
        floor_at = instant(floor) if floor is not None else float("-inf")
        shown = list(self._own(page, lang, section))
        left = check.left_out(shown, floor_at)
        if not left and check.covers(shown, floor_at):
            return True
        why = (
            f"leaves out {left} article(s) its first listing page shows"
            if left
            else "cannot be checked: its first listing page does not list all down to the last run"
        )
        self._feed_unchecked(lang, section, why, "incomplete" if left else "unchecked")
        return False

    def _feed_unchecked(
        self, lang: str, section: str | None, why: str, stat: str, then: str = "walking listings"
    ) -> None:
        """Log and count (``discovery/feeds/<stat>``) a feed not trusted as it is."""
        logger.warning("the %s feed %s: %s", scope(lang, section), why, then)
        self.crawler.stats.inc_value(f"discovery/feeds/{stat}")

    def _check_lost(
        self, request: scrapy.Request, why: str, absent: bool = False
    ) -> Iterator[scrapy.Request]:
        """A feed's first listing page that could not be read: the feed is unchecked. Past the
        home page the sections are walked (no gap: they list what it would lead to). A
        section's page 1 has no way round: its feed's articles are fetched, and the walk is a
        gap (a stale feed would otherwise move the watermark past what it left out), unless
        the page is ``absent`` (404, 410, forbidden by robots.txt: a section not listed there,
        as :meth:`listing_failed` has it), when the feed stands."""
        lang, section = request.meta["lang"], request.meta["section"]
        if section is None:
            self._feed_unchecked(lang, None, f"cannot be checked ({why})", "unchecked")
            yield from self._sections(lang)
            return
        then = "trusting it" if absent else "fetching its articles, no watermark moved"
        self._feed_unchecked(lang, section, f"cannot be checked ({why})", "unchecked", then)
        if not absent:
            self._gap(f"the {scope(lang, section)} feed cannot be checked ({why})")

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        meta = response.meta
        lang, section = meta["lang"], meta["section"]
        elsewhere = landed_elsewhere(response, first=1)
        if elsewhere is not None:
            why = f"redirected to {elsewhere}"
            if FEED_CHECK in meta:
                yield from self._check_lost(response.request, why)
                return
            self._listing_lost(response.request, why, redirect_ends_walk(response, first=1))
            return
        self.crawler.stats.inc_value("discovery/listing_pages")
        now = self._now(response)
        page = parse_panel_listing(
            response.body, response.url, now, content_type=_content_type(response)
        )
        home = bool(meta.get("home"))
        others = None if home else foreign((r for _, r in self._page_refs(page)), lang, section)
        if others is not None:
            yield from self._not_its_listing(response, *others)
            return
        found = self._discover(page, response, now, None if home else ("listing", lang, section))
        yield from found.requests
        self._unread(found, meta)
        check = meta.get(FEED_CHECK)
        if check is not None and self._feed_holds(check, page, meta, now):
            return
        if home:  # a curated page: an old item proves nothing of the sections
            yield from self._sections(lang)
            return
        if not page.items and meta["page"] == 1 and self.coverage is not None:
            self.coverage.saw_empty(scope(lang, section))  # (with a pager too: review)
        if self._walks_on(found, page, response):
            next_url = self._on_base(page.next_url)
            odd = _asked(response) if suspect(page, meta) else None
            yield self._listing(lang, section, meta["page"] + 1, next_url, page, odd)

    def _page_refs(self, page: ListingPage) -> Iterator[tuple[ListingItem, ArticleRef]]:
        """The articles a listing or search page lists, of any edition and section, with
        their items."""
        for item in page.items:
            ref = parse_article_url(item.url, extra_hosts=self.extra_hosts)
            if ref is not None:
                yield item, ref

    def _not_its_listing(
        self, response: Response, others: int, listed: int
    ) -> Iterator[scrapy.Request]:
        """A section listing page whose articles (``listed``) are mostly (``others``) not of
        its own edition and section (:func:`foreign`: the home page served for ``/world``):
        read as the section's, it lost the section's page 1 with no gap (its old items of other
        sections ended the walk there, or it went on to page 2), and the watermarks moved past
        what it hid (22 of 334 articles lost: review). It is read as a page that could not be:
        a gap, no page after it (``discovery/listing_foreign``); a feed's check page leaves the
        feed unchecked (:meth:`_check_lost`). A speculative page is past the end, as when it is
        redirected elsewhere (:func:`foreign_ends_walk`)."""
        meta = response.meta
        self.crawler.stats.inc_value("discovery/listing_foreign")
        why = f"lists {others} of {listed} articles of other sections or editions"
        if FEED_CHECK in meta:
            yield from self._check_lost(response.request, why)
            return
        asked = _asked(response)
        if foreign_ends_walk(meta):
            logger.info("listing %s %s: past the end of its walk", asked, why)
            return
        logger.warning(
            "listing %s %s: not the %s listing, not walked further",
            asked, why, scope(meta["lang"], meta["section"]),
        )  # fmt: skip
        self._gap(f"listing {asked} {why}")

    def _walks_on(self, found: Found, page: ListingPage, response: Response) -> bool:
        """Whether a paged walk (a section listing, a search) goes on after this page: not
        when it repeats earlier pages or ends below the floor, nor when it shows no dates
        (:meth:`_blind`); else as :func:`follow` says."""
        if self._repeats(found, response) or ended(found):
            return False
        return follow(page, found, response.meta) and not self._blind(found, page, response)

    def _blind(self, found: Found, page: ListingPage, response: Response) -> bool:
        """Whether a walk that would go on to a page the site links to (or after a full one)
        showed no date on its last pages (the listing's date markup changed?): nothing tells
        where its floor is, so it ends there, as a gap. (A short page without a link is asked
        for after anyway: the end, most likely.)"""
        if not found.blind or not expects_more(page):
            return False
        logger.warning(
            "listing %s: %d pages in a row show no dates: not walked further",
            response.url, UNDATED_PAGES,
        )  # fmt: skip
        self.crawler.stats.inc_value("discovery/listing_undated")
        self._gap(f"listing {response.url} shows no dates")
        return True

    def _repeats(self, found: Found, response: Response) -> bool:
        """Whether a listing or search page lists only items of earlier pages of its walk,
        after a page that was full or linked to it (a site that ignores the page number, a
        page stuck once): the pages below cannot be reached, so the walk ends there, as a
        gap. After a short page without a link (speculative) it is the end (a site that shows
        its last page for any number), as :func:`follow` says."""
        if not found.repeated or response.meta.get(SPECULATIVE):
            return False
        logger.warning("listing %s repeats earlier pages: not walked further", response.url)
        self.crawler.stats.inc_value("discovery/listing_repeated")
        self._gap(f"listing {response.url} repeats earlier pages")
        return True

    @_settles
    def listing_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """A home or section listing page that could not be read (after its retries): the
        walk below it is lost for this run, so the run raises no watermark. A 404 or 410 of
        a section page is a listing that does not exist (a section an edition lacks, a page
        past the last), and a section robots.txt forbids is not ours to read: nothing is
        listed there (``discovery/listing_missing``); not so for the home page (the way to the
        sections) or a page the site linked to (`rel=next`). A page refused because robots.txt
        could not be read (``ROBOTS_UNAVAILABLE``) is lost, never absent. A speculative page
        (after a short one without a link) that does not exist is the end of the walk: no gap
        either; any other failure of it (5xx, a timeout, robots.txt) says nothing of what is
        below it. A feed's check page is :meth:`_check_lost`."""
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        meta = request.meta
        missing = _not_found(error)
        forbidden = isinstance(error, IgnoreRequest) and str(error) == ROBOTS_FORBIDDEN
        if FEED_CHECK in meta:
            yield from self._check_lost(request, str(error), missing or forbidden)
            return
        absent = (missing and bool(meta.get(SPECULATIVE))) or (
            guessed(meta) and (missing or (forbidden and meta.get("page") == 1))
        )
        self._listing_lost(request, str(error), absent)

    def _listing_lost(self, request: scrapy.Request, why: str, absent: bool) -> None:
        """A listing page not read: ``absent`` (nothing is listed there) is no gap, any other
        loss is one."""
        asked = _asked(request)
        if absent:
            logger.info("listing %s not found (%s)", asked, why)
            self.crawler.stats.inc_value("discovery/listing_missing")
            return
        logger.warning("listing %s failed (%s): not walked further", asked, why)
        self.crawler.stats.inc_value("discovery/listing_failed")
        self._gap(f"listing {asked} failed")

    def _listing_cut(self, request: scrapy.Request, reason: str) -> None:
        """A listing page dropped by :class:`ListingGuardMiddleware`: its walk is not done."""
        self._gap(f"listing {request.url} not walked ({reason})")

    def _write_failed(self, name: str) -> None:
        """A run file could not be written: what it held is asked for again."""
        self._gap(f"writing {name} failed")

    def _unread(self, found: Found, meta: dict[str, Any]) -> None:
        """The suspect page before this one was a passing error: its items are unread."""
        odd = unread(found, meta)
        if odd is not None:
            self._gap(f"{odd} listed nothing, though the page after it did")

    def _gap(self, why: str) -> None:
        if self.coverage is not None:
            self.coverage.gap(why)

    def parse_search(self, response: Response) -> Iterator[scrapy.Request]:
        meta = response.meta
        lang, page_no, span = meta["lang"], meta["page"], self._search_span(meta)
        elsewhere = landed_elsewhere(response, first=0)
        if elsewhere is not None:
            why = f"redirected to {elsewhere}"
            past = redirect_ends_walk(response, first=0)
            yield from self._search_fallback(lang, page_no, why, past, span)
            return
        now = self._now(response)
        try:
            page = parse_search(
                response.body, response.url, now, content_type=_content_type(response)
            )
        except ListingError as exc:
            if page_no == span.first:  # search itself is unavailable (a narrowed one: a gap)
                yield from self._search_fallback(lang, page_no, str(exc), span=span)
                return
            page = ListingPage()  # past the results ("no results"), or a passing error
        self.crawler.stats.inc_value("discovery/search_pages")
        walk = self.walks.setdefault(("search", lang), Walk())
        walk.narrow_to(span.narrowed)
        days, older = self._search_days(page, lang, walk, span.to)
        assert self.args.since is not None  # (a backfill's search)
        if ignores_range(days, self.args.since, span.to, page_no == span.first):
            yield from self._search_unranged(lang, page_no, span, days, response.url)
            return
        span = span.saw(days, older, self._cut(page))
        found = self._discover(page, response, now, ("search", lang))
        yield from found.requests
        self._unread(found, meta)
        if self._repeats(found, response):
            return
        if not ended(found) and follow(page, found, meta):
            if not self._blind(found, page, response):
                next_url = self._on_base(page.next_url)
                odd = _asked(response) if suspect(page, meta) else None
                yield self._search(lang, page_no - span.first + 1, next_url, page, odd, span)
            return
        yield from self._search_ended(lang, span, page_no)

    @staticmethod
    def _cut(page: ListingPage) -> bool | None:
        """Whether a search page with results expected more (None: it has none)."""
        return expects_more(page) if page.items else None

    def _search_days(
        self, page: ListingPage, lang: str, walk: Walk, to: date
    ) -> tuple[list[date], bool]:
        """The Sofia days of a search page's dated results of ``lang``, and whether one of
        them is dated before ``to`` and new to its ``walk``."""
        days, older = [], False
        for item, ref in self._page_refs(page):
            if ref.lang != lang or item.published is None:
                continue
            day = item.published.astimezone(SOFIA).date()
            days.append(day)
            older |= day < to and not walk.listed(compact_key(ref.key))
        return days, older

    def _search_ended(self, lang: str, span: SearchSpan, page_no: int) -> Iterator[scrapy.Request]:
        """A search of ``lang`` ended for lack of results at walk page ``page_no``: the walk
        goes on with a narrowed search, or ends (:func:`narrowing`). When results of the
        range are out of the search's reach (a day holding more results than it shows), the
        edition's sections are walked instead, as when search is unavailable: they list the
        whole range down to ``since``."""
        assert self.args.since is not None
        stats = self.crawler.stats
        then = narrowing(span, self.args.since)
        if then.out_of_reach:
            why = (
                f"its results end after a full page on {span.to.isoformat()}: the rest of "
                "that day is out of reach (more results than the search shows)"
                if span.oldest is not None
                else "it listed no dated result"
            )
            logger.warning(
                "search (%s) down to %s cannot be walked further: %s; walking its sections",
                lang, span.to, why,
            )  # fmt: skip
            stats.inc_value("discovery/search_capped")
            yield from self._sections(lang)
            return
        if then.to is None:
            return
        logger.info(
            "search (%s) down to %s ended at %s: searching down to %s",
            lang, span.to, span.oldest, then.to,
        )  # fmt: skip
        stats.inc_value("discovery/search_narrowed")
        narrowed = SearchSpan(then.to, page_no + 1, span.narrowed + 1, listed_to=True)
        yield self._search(lang, 0, span=narrowed)

    def _search_unranged(
        self, lang: str, page_no: int, span: SearchSpan, days: list[date], url: str
    ) -> Iterator[scrapy.Request]:
        """A search page of ``lang`` (at ``url``) whose results are all dated outside the range
        it asked for (:func:`ignores_range`): read as results of the range, its old ones ended
        the walk and its later ones kept it going to their end, nothing of the range was asked
        for and the watermark moved (review: 0 of 16 written, exit 0). On a search's first
        page (a narrowed search's too), every section of the edition is walked instead, down
        to ``since``, as for a search out of reach (:meth:`_search_ended`); on a later page,
        after results of the range, it is a gap."""
        first = page_no == span.first
        logger.warning(
            "search (%s) %s lists %d results, none of its range %s..%s (dated %s..%s): "
            "the site does not honour it; %s",
            lang, url, len(days), self.args.since, span.to, min(days), max(days),
            "walking its sections" if first else "not walked further",
        )  # fmt: skip
        self.crawler.stats.inc_value("discovery/search_unranged")
        if first:
            yield from self._sections(lang)
        else:
            self._gap(f"search {url} ({lang}) lists no result of its range")

    @_settles
    def search_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        meta = failure.request.meta  # type: ignore[attr-defined]
        error = failure.value
        span = self._search_span(meta)
        past = (  # (a guessed page past the end)
            _not_found(error) and meta["page"] > span.first and not meta.get("linked")
        )
        yield from self._search_fallback(meta["lang"], meta["page"], str(error), past, span)

    def _search_fallback(
        self,
        lang: str,
        page_no: int,
        why: str,
        past: bool = False,
        span: SearchSpan | None = None,
    ) -> Iterator[scrapy.Request]:
        """Search unavailable: walk every section of ``lang`` instead (only from the walk's
        page 0; a later page, a narrowed search's first too, is a gap); a page ``past`` the
        last results (a guessed one that does not exist) ends its search
        (:meth:`_search_ended`)."""
        if past:
            logger.info("search (%s) page %d ends the results: %s", lang, page_no, why)
            if span is not None:
                yield from self._search_ended(lang, span, page_no)
            return
        logger.warning("search (%s) page %d unavailable: %s", lang, page_no, why)
        self.crawler.stats.inc_value("discovery/search_failed")
        yield from self._search_unusable(
            lang, page_no, f"search page {page_no} ({lang}) unavailable"
        )

    def _search_unusable(self, lang: str, page_no: int, gap: str) -> Iterator[scrapy.Request]:
        """Search cannot serve the walk from its page ``page_no``: from page 0, every section
        of ``lang`` is walked instead; a later page (a narrowed search's first too) is a
        ``gap``."""
        if page_no == 0:
            yield from self._sections(lang)
        else:
            self._gap(gap)

    # --- articles ---------------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """An article page → its record (or a reject). The default callback, so that
        ``scrapy parse --spider=fakti <article URL>`` shows one page's record."""
        job = self._article_job(response)
        if isinstance(job, ArticleJob):
            yield from self._handle(job.extract(), response)
        elif job is not None:
            yield job

    async def parse_in_worker(self, response: Response) -> AsyncIterator[Any]:
        """:meth:`parse`, with the extraction done by a worker process of :attr:`pool`."""
        job = self._article_job(response)
        if not isinstance(job, ArticleJob):
            if job is not None:
                yield job
            return
        for output in self._handle(await self._worker_result(job), response):
            yield output

    async def _worker_result(self, job: ArticleJob) -> ExtractionResult:
        """A worker's extraction of ``job``; in-process when no worker is left, or when this
        crawl has no workers (a request built by a crawl that had them: another Redis worker,
        a restarted run). A page whose worker was lost goes to another worker; one its worker
        died or hung on, never in-process (it may crash or hang whoever extracts it): lost on
        it a second time, or with no worker left, it is a reject, ``error:WorkerLost``.
        (Workers are not replaced: this ends.)"""
        struck = False
        while self.pool is not None:
            try:
                return await self.pool.extract(*job)
            except WorkerLost as lost:
                if lost.none_left and not struck:
                    break
                if (struck and lost.suspect) or lost.none_left:
                    logger.error(
                        "article %s not extracted: a worker was lost on it (%s)", job.url, lost
                    )
                    return Rejected(job.url, "error:WorkerLost", {"url": job.url}, {})
                struck = struck or lost.suspect
        self.crawler.stats.inc_value("extract/workers/in_process")
        return job.extract()

    @_settles
    def article_failed(self, failure: Failure) -> Iterator[RejectItem]:
        """An article request that got no usable response (after its retries: an HTTP error,
        a refused or oversized download, a timeout...) becomes a reject record, so that no
        discovered article is lost without a trace. Reason (:func:`failed`): ``http:<status>``
        or ``download:<exception type>`` (``IgnoreRequest`` for every other refusal by our
        rules; ``TooLarge`` for a page over ``DOWNLOAD_MAXSIZE``, a setting below the site's
        pages, which counts against coverage as a page not served); ``error:<exception
        type>`` for an exception of our code or machine (:data:`FAILED_OURS`), logged with
        its traceback and held with no ``FAKTI_HOLD_DAYS`` limit, as a record the pipelines
        lost."""
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        reason, ours = failed(error)
        asked = _asked(request)
        self.crawler.stats.inc_value("pages/failed")
        if ours:
            logger.error(
                "article %s not fetched: %s, an error of our code or machine, not the site's",
                asked, reason, exc_info=failure_to_exc_info(failure),
            )  # fmt: skip
            self.crawler.stats.inc_value(FAILED_OURS)
        else:
            logger.warning("article %s not fetched: %s (%.200s)", asked, reason, error)
        self._hold(request, "not fetched", expires=not ours)
        ref = parse_article_url(asked, extra_hosts=self.extra_hosts)
        url = ref.url if ref is not None else asked
        yield build_reject(Rejected(url, reason, {"url": url}, {}))

    def _hold(self, request: scrapy.Request | Response, why: str, expires: bool = True) -> None:
        """A listed article gave no record: its edition's watermark is held back to the time
        it was listed with, so the next run asks for it again; if it ``expires``, for
        ``FAKTI_HOLD_DAYS`` after that time at most (then it is given up:
        ``discovery/hold_expired``)."""
        if self.coverage is None:
            return
        if LISTED not in request.meta:
            if request.meta.get(REFETCH):  # its listing time was not kept: walk again
                self._gap(f"the re-fetched article {request.url} gave no record ({why})")
            return
        ref = parse_article_url(_asked(request), extra_hosts=self.extra_hosts)
        if ref is None:
            return
        listed = request.meta[LISTED]
        clock = request.meta.get(LISTING_CLOCK) if expires else None
        if not self.coverage.hold(ref.lang, listed, clock):
            self.crawler.stats.inc_value("discovery/hold_expired")
            logger.warning(
                "article %s (%s) listed at %s: not asked for again (FAKTI_HOLD_DAYS)",
                ref.url, why, listed.isoformat(),
            )  # fmt: skip

    def _article_job(self, response: Response) -> ArticleJob | RejectItem | None:
        """The extraction job of an article response; a reject when it is another article's
        page (:meth:`_elsewhere`); else None (counted)."""
        ref = parse_article_url(response.url, extra_hosts=self.extra_hosts)
        if ref is None:
            self.crawler.stats.inc_value("pages/not_article")
            redirects = response.request.meta.get("redirect_urls") if response.request else None
            if redirects:  # (a deleted article sent to the home page)
                logger.warning(
                    "article %s redirected to %.200s, not an article page: no record",
                    redirects[0], response.url,
                )  # fmt: skip
            self._hold(response, "redirected to a page that is not an article")
            return None
        asked = parse_article_url(_asked(response), extra_hosts=self.extra_hosts)
        if asked is not None and asked.key != ref.key:
            return self._elsewhere(response, asked, ref)
        return ArticleJob(response.body, ref.url, _content_type(response))

    def _elsewhere(self, response: Response, asked: ArticleRef, landed: ArticleRef) -> RejectItem:
        """An article redirected to another article (``(lang, id)``): not read as the one
        asked for, nor exported as the other (requested on its own when listed, and maybe
        outside the run's editions); a reject :data:`REDIRECTED_ELSEWHERE` for the one asked
        for, which is held back like any article that gave no record."""
        logger.warning(
            "article %s redirected to another article, %s: rejected (the other is not "
            "exported from it)",
            asked.url, landed.url,
        )  # fmt: skip
        self.crawler.stats.inc_value("pages/redirected_elsewhere")
        self._hold(response, f"redirected to another article {landed.url}")
        return build_reject(Rejected(asked.url, REDIRECTED_ELSEWHERE, {"url": asked.url}, {}))

    def _handle(self, result: ExtractionResult, response: Response) -> Iterator[Any]:
        stats = self.crawler.stats
        if isinstance(result, NotArticle):
            stats.inc_value("pages/not_article")
            self._hold(response, "not an article page")
            return
        self._layer_stats(result)
        if isinstance(result, Rejected):
            stats.inc_value("pages/rejected")
            self._hold(response, f"rejected: {result.reason}")
            yield build_reject(result)
            return
        if not self._in_window(result, response):
            stats.inc_value("discovery/articles/out_of_window")
            return
        yield build_item(result, datetime.now(UTC))

    def _layer_stats(self, result: Extracted | Rejected) -> None:
        stats = self.crawler.stats
        for name in RECORD_FIELDS:
            if name in ("scraped_at", "content_hash"):
                continue
            if name in result.fields and result.fields[name] is None:
                stats.inc_value(f"extract/{name}/missing")
            elif name in result.layers:
                stats.inc_value(f"extract/{name}/{result.layers[name]}")

    def _in_window(self, result: Extracted, response: Response) -> bool:
        if self.args.urls:
            return True
        published = parse_iso(result.fields.get("published_at"))
        if published is None:
            return True
        floor, upper = response.meta.get("fakti_floor"), self.window.upper
        # (a date-only 00:00: only once its whole day is; any other time as shown, to the
        # minute: keeping an article just below the floor costs a dedup check, dropping
        # one inside it loses it)
        if below_bound(published, floor, shown=True):
            return False
        return upper is None or instant(published) < instant(upper)
