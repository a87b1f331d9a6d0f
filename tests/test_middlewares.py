"""Politeness middlewares: Crawl-delay parsing and enforcement, Retry-After, loopback mode."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import SimpleNamespace

import pytest
from protego import Protego
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.settings import Settings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler

from newsspider.middlewares import politeness
from newsspider.middlewares.gate import HostGate
from newsspider.middlewares.httperror import WholePageHttpErrorMiddleware
from newsspider.middlewares.loopback import apply_loopback_defaults, is_loopback
from newsspider.middlewares.politeness import NOT_BEFORE, CrawlDelayMiddleware, parse_crawl_delay
from newsspider.middlewares.redirect import (
    UnfilteredMetaRefreshMiddleware,
    UnfilteredRedirectMiddleware,
)
from newsspider.middlewares.retry import PAGES_GAVE_UP, BackoffRetryMiddleware, parse_retry_after
from newsspider.middlewares.robots import StrictRobotsTxtMiddleware
from newsspider.middlewares.safety import TooLarge
from newsspider.middlewares.useragent import apply_contact, user_agent

ROBOTS = """# synthetic
User-agent: otherbot
Crawl-delay: 30

User-agent: *
Disallow: /admin/
Crawl-delay: 2.5

User-agent: newsspider
User-agent: friend
Crawl-delay: 0.5
"""


@pytest.mark.parametrize(
    ("ua", "delay"),
    [("Mozilla newsspider/0.1 (+contact)", 0.5), ("curl/8", 2.5), ("OtherBot/2", 30.0)],
)
def test_parse_crawl_delay_group_choice(ua: str, delay: float) -> None:
    assert parse_crawl_delay(ROBOTS, ua) == delay


OUR_UA = user_agent("https://github.com/newsspider/newsspider")


SPIDER_GROUP = "User-agent: *\nCrawl-delay: 10\nDisallow: /private/\n\nUser-agent: spider\n"
OUR_GROUP = "User-agent: *\nCrawl-delay: 10\n\nUser-agent: newsspider\nDisallow: /x/\n"


@pytest.mark.parametrize(
    ("text", "delay", "private"),
    [
        (SPIDER_GROUP + "Crawl-delay: 0\nDisallow:\n", 10.0, False),  # was 0.0
        (OUR_GROUP, None, True),  # was 10.0: the * group's delay, not our group's
        ("User-agent: newsspider/0.1\nCrawl-delay: 4\n\nUser-agent: *\nDisallow: /\n", 4.0, True),
    ],
    ids=["'spider' is no token of newsspider", "our group has no delay", "our group's"],
)
def test_the_crawl_delay_comes_from_the_group_whose_rules_apply(text, delay, private) -> None:
    """Group names were matched as substrings of our User-Agent, robots rules (Protego) at
    token boundaries: the delay came from another group than the rules."""
    assert parse_crawl_delay(text, OUR_UA) == delay
    assert Protego.parse(text).can_fetch("https://fakti.bg/private/a", OUR_UA) is private


@pytest.mark.parametrize("group", ["crawler", "archive", "github", "newsspider", "newsspider/0.1"])
def test_robots_groups_are_matched_against_our_name_not_every_word_of_our_user_agent(group):
    """Protego matched the whole User-Agent: a group `crawler`, `archive` or `github` was
    ours, its delay (0) and its rules (everything allowed) taken over the `*` group's. Our
    product token, versioned or not, is ours (`newsspider/0.1` was lost with the bare name)."""
    from newsspider import settings as project

    text = f"User-agent: *\nCrawl-delay: 10\nDisallow: /private/\n\nUser-agent: {group}\n"
    text += "Crawl-delay: 0\nDisallow:\n"
    name, ours = project.ROBOTSTXT_USER_AGENT, group.startswith("newsspider")
    assert parse_crawl_delay(text, name) == (0.0 if ours else 10.0)
    assert Protego.parse(text).can_fetch("https://fakti.bg/private/a", name) is ours


@pytest.mark.parametrize(
    "text",
    ["User-agent: *\nDisallow: /", "User-agent: *\nCrawl-delay: soon", "Crawl-delay: 5", ""],
)
def test_parse_crawl_delay_absent_or_invalid(text: str) -> None:
    assert parse_crawl_delay(text, "newsspider") is None


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_gate_spaces_requests_and_pauses_host() -> None:
    clock = FakeClock()
    gate = HostGate(clock)
    gate.set_delay("h:1", 2.0)
    assert [gate.reserve("h:1") for _ in range(3)] == [0.0, 2.0, 4.0]
    assert gate.reserve("other:1") == 0.0
    clock.now += 10
    assert gate.reserve("h:1") == 0.0
    gate.pause("other:1", 7)
    assert gate.reserve("other:1") == 7.0
    assert gate.paused_for("other:1") == 7.0 and gate.paused_for("h:1") == 0.0


def test_a_shorter_retry_after_does_not_cut_a_longer_pause() -> None:
    """Two 429s: Retry-After 60 then 1. The host stays paused for the longer of the two."""
    clock = FakeClock()
    gate = HostGate(clock)
    gate.pause("h:1", 60)
    clock.now += 10
    gate.pause("h:1", 1)
    assert gate.paused_for("h:1") == 50.0
    assert gate.reserve("h:1") == 50.0


def _crawler(**settings):
    crawler = get_crawler(Spider, settings_dict=settings)
    crawler.spider = Spider.from_crawler(crawler, name="t")
    return crawler


@pytest.mark.parametrize("status", [403, 404, 500, 503])
def test_a_robots_error_page_sets_no_crawl_delay(status: int) -> None:
    """Only a robots.txt answered 200 gives the Crawl-delay: the body of an error page that
    happens to read like one would slow the whole crawl."""
    mw = CrawlDelayMiddleware.from_crawler(_crawler(USER_AGENT="newsspider/0.1"))
    robots = Request("http://127.0.0.1:9/robots.txt")
    page = TextResponse(robots.url, status=status, body=ROBOTS.encode(), encoding="utf-8")
    mw.process_response(robots, page)
    assert mw.gate.delays == {}


def test_crawl_delay_middleware_reads_robots_and_waits(monkeypatch) -> None:
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(politeness, "sleep", fake_sleep)
    crawler = _crawler(USER_AGENT="newsspider/0.1")
    mw = CrawlDelayMiddleware.from_crawler(crawler)
    mw.gate.clock = FakeClock()
    robots = Request("http://127.0.0.1:9/robots.txt")
    mw.process_response(robots, TextResponse(robots.url, body=ROBOTS.encode(), encoding="utf-8"))
    assert mw.gate.delays == {"127.0.0.1:9": 0.5}
    for _ in range(3):
        asyncio.run(mw.process_request(Request("http://127.0.0.1:9/en/world")))
    asyncio.run(mw.process_request(Request("http://127.0.0.1:9/robots.txt")))
    assert waits == [0.5, 1.0]
    assert crawler.stats.get_value("politeness/crawl_delay") == 0.5


def test_a_pause_set_while_a_request_waits_for_its_slot_holds_it() -> None:
    """A request waiting for its download slot's last send to be Crawl-delay ago went out
    while the host was paused by a `Retry-After` set meanwhile: at 2.0 s, with 8.5 s of the
    pause left (review). It waits for the pause too."""

    slot = SimpleNamespace(lastseen=time.monotonic(), queue=[])  # (one just sent)
    mw = CrawlDelayMiddleware.from_crawler(_crawler())
    mw.downloader = SimpleNamespace(slots={"h": slot}, get_slot_key=lambda request: "h")
    mw.gate.set_delay("h:1", 0.3)

    async def run() -> float:
        start = time.monotonic()
        asyncio.get_running_loop().call_later(0.1, mw.gate.pause, "h:1", 1.0)
        await mw.process_request(Request("http://h:1/b"))
        return time.monotonic() - start

    assert asyncio.run(run()) >= 1.05


def test_a_request_waits_while_its_slot_still_queues_another(monkeypatch) -> None:
    """A download slot still holding a request queued to be sent: the next one polls until
    that one has left, even when the slot's last send was longer than Crawl-delay ago."""
    slot = SimpleNamespace(lastseen=time.monotonic() - 60, queue=["queued"])
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        slot.queue.clear()  # (the queued one is sent meanwhile)

    monkeypatch.setattr(politeness, "sleep", fake_sleep)
    mw = CrawlDelayMiddleware.from_crawler(_crawler())
    mw.downloader = SimpleNamespace(slots={"h": slot}, get_slot_key=lambda request: "h")
    mw.gate.set_delay("h:1", 0.3)
    asyncio.run(mw.process_request(Request("http://h:1/b")))
    assert waits == [politeness.QUEUE_POLL]


def test_robots_txt_is_not_spaced_by_its_hosts_crawl_delay(monkeypatch) -> None:
    """A robots.txt request goes out at once, though its host's download slot sent a request
    less than Crawl-delay ago (one not obtained stops the run)."""
    slot = SimpleNamespace(lastseen=time.monotonic(), queue=[])  # (one just sent)
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        slot.lastseen -= seconds

    monkeypatch.setattr(politeness, "sleep", fake_sleep)
    crawler = _crawler()
    mw = CrawlDelayMiddleware.from_crawler(crawler)
    mw.downloader = SimpleNamespace(slots={"h": slot}, get_slot_key=lambda request: "h")
    mw.gate.set_delay("h:1", 5.0)
    asyncio.run(mw.process_request(Request("http://h:1/robots.txt")))
    assert waits == []
    assert crawler.stats.get_value("politeness/delayed") is None


def test_crawl_delay_ignored_when_not_obeyed() -> None:
    mw = CrawlDelayMiddleware.from_crawler(_crawler(FAKTI_CRAWL_DELAY_OBEY=False))
    robots = Request("http://127.0.0.1:9/robots.txt")
    mw.process_response(robots, TextResponse(robots.url, body=ROBOTS.encode(), encoding="utf-8"))
    assert mw.gate.delays == {}


def test_crawl_delay_capped() -> None:
    mw = CrawlDelayMiddleware.from_crawler(_crawler(FAKTI_CRAWL_DELAY_MAX=10))
    robots = Request("https://fakti.bg/robots.txt")
    body = b"User-agent: *\nCrawl-delay: 3600\n"
    mw.process_response(robots, TextResponse(robots.url, body=body, encoding="utf-8"))
    assert mw.gate.delays == {"fakti.bg": 10.0}


NOW = datetime(2025, 4, 23, 5, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (b"120", 120.0),
        ("  7 ", 7.0),
        ("Wed, 23 Apr 2025 05:04:30 GMT", 90.0),
        ("Wed, 23 Apr 2025 05:00:00 GMT", 0.0),
        ("Wed, 23 Apr 2025 05:04:30 -0000", 90.0),  # no zone given: UTC, as GMT
        ("soon", None),
        ("\xb2", None),  # latin-1 "²": a digit to str.isdigit, not to float()
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value, seconds) -> None:
    assert parse_retry_after(value, NOW) == seconds


def _retry_mw(**settings) -> BackoffRetryMiddleware:
    mw = BackoffRetryMiddleware.from_crawler(_crawler(**settings))
    mw.gate.clock = mw.gate.wall = FakeClock()
    return mw


def test_retry_after_pauses_host_and_retries() -> None:
    mw = _retry_mw()
    request = Request("http://127.0.0.1:9/en/world/1000001-a")
    response = Response(request.url, status=429, headers={"Retry-After": "7"})
    retry = mw.process_response(request, response)
    assert isinstance(retry, Request)
    assert retry.meta["retry_times"] == 1
    assert mw.gate.reserve("127.0.0.1:9") == 7.0
    assert mw.crawler.stats.get_value("politeness/retry_after") == 1


def test_retry_after_capped() -> None:
    mw = _retry_mw(FAKTI_RETRY_AFTER_MAX=30)
    request = Request("http://127.0.0.1:9/x")
    mw.process_response(request, Response(request.url, status=503, headers={"Retry-After": "9999"}))
    assert mw.gate.reserve("127.0.0.1:9") == 30.0


def _http(at: datetime) -> str:
    return format_datetime(at, usegmt=True)


SERVER = datetime.now(UTC) - timedelta(seconds=120)  # a server clock 2 minutes behind ours


@pytest.mark.parametrize(
    ("headers", "settings", "waits"),
    [
        ({"Retry-After": "0"}, {}, [2.0, 4.0, 8.0]),  # before: 0, 0, 0
        ({"Retry-After": "Wed, 23 Apr 2025 05:00:00 GMT"}, {}, [2.0, 4.0, 8.0]),  # past: 0
        ({"Retry-After": "7"}, {}, [7.0, 7.0, 8.0]),  # the longer of the two
        ({"Retry-After": "120"}, {"FAKTI_RETRY_AFTER_MAX": 0}, [2.0, 4.0, 8.0]),  # before: 0
        # 60 s on the server's clock, 60 s in our past: before, 0 (and no backoff)
        (
            {"Date": _http(SERVER), "Retry-After": _http(SERVER + timedelta(seconds=60))},
            {},
            [60.0] * 3,
        ),
    ],
    ids=["zero", "past date", "seconds", "max 0", "server clock behind"],
)
def test_a_retry_after_never_shortens_the_backoff(headers, settings, waits) -> None:
    """A Retry-After that came to 0 s or less (or was capped to 0) replaced the backoff
    (2, 4, 8 s) with no wait at all; a date was read against our clock, not the server's."""
    mw = _retry_mw(FAKTI_RETRY_BACKOFF_BASE=2, RETRY_TIMES=5, **settings)
    request = Request("http://127.0.0.1:9/en/world/1000001-a")
    got = []
    for _ in waits:
        request = mw.process_response(request, Response(request.url, status=503, headers=headers))
        own = request.meta.get(NOT_BEFORE, mw.gate.wall()) - mw.gate.wall()
        got.append(max(own, mw.gate.paused_for("127.0.0.1:9")))  # (as politeness waits)
    assert got == waits


def test_backoff_grows_exponentially_and_gives_up() -> None:
    mw = _retry_mw(RETRY_TIMES=3, FAKTI_RETRY_BACKOFF_BASE=1.5)
    request = Request("http://127.0.0.1:9/x")
    delays = []
    for _ in range(3):
        request = mw.process_response(request, Response(request.url, status=500))
        assert isinstance(request, Request)
        delays.append(request.meta[NOT_BEFORE] - mw.gate.wall())
    assert delays == [1.5, 3.0, 6.0]
    final = mw.process_response(request, Response(request.url, status=500))
    assert isinstance(final, Response)


def test_no_backoff_when_base_zero_and_exceptions_retried() -> None:
    mw = _retry_mw(FAKTI_RETRY_BACKOFF_BASE=0)
    request = Request("http://127.0.0.1:9/x")
    retry = mw.process_exception(request, ConnectionRefusedError())
    assert isinstance(retry, Request)
    assert NOT_BEFORE not in retry.meta
    ok = Response(request.url, status=200)
    assert mw.process_response(request, ok) is ok


def test_pages_that_gave_up_after_a_download_error_are_counted_not_robots_txt() -> None:
    """Counted once the retries are used up: a first attempt that failed (its retry may
    answer) made the early stop take a reachable site for an unreachable one."""
    mw = _retry_mw(RETRY_TIMES=1)
    robots = Request("http://127.0.0.1:9/robots.txt", meta={"retry_times": 1})
    assert mw.process_exception(robots, ConnectionRefusedError()) is None
    mw.process_exception(Request("http://127.0.0.1:9/x"), IgnoreRequest())  # not a download error
    retry = mw.process_exception(Request("http://127.0.0.1:9/x"), ConnectionRefusedError())
    assert isinstance(retry, Request)
    assert mw.crawler.stats.get_value(PAGES_GAVE_UP) is None
    assert mw.process_exception(retry, ConnectionRefusedError()) is None
    assert mw.crawler.stats.get_value(PAGES_GAVE_UP) == 1


@pytest.mark.parametrize(
    ("url", "loop"),
    [
        ("http://127.0.0.1:8765", True),
        ("http://127.5.0.1", True),
        ("http://localhost:1/", True),
        ("http://[::1]:8080/", True),
        ("https://fakti.bg", False),
        ("http://10.0.0.1", False),
        ("https://127.mirror.example", False),  # a host name, not an address
        ("https://127.0.0.1.example", False),
    ],
)
def test_is_loopback(url: str, loop: bool) -> None:
    assert is_loopback(url) is loop


def test_loopback_defaults_yield_to_command_line() -> None:
    settings = Settings({"DOWNLOAD_DELAY": 1.0, "AUTOTHROTTLE_ENABLED": True}, priority="project")
    settings.set("AUTOTHROTTLE_ENABLED", True, priority="cmdline")
    changed = apply_loopback_defaults(settings)
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is True
    assert settings.getbool("FAKTI_CRAWL_DELAY_OBEY") is False
    assert "AUTOTHROTTLE_ENABLED" not in changed
    assert "DOWNLOAD_DELAY" in changed


def test_loopback_fast_mode_can_be_disabled() -> None:
    settings = Settings({"DOWNLOAD_DELAY": 1.0, "FAKTI_LOOPBACK_FAST": False})
    assert apply_loopback_defaults(settings) == []
    assert settings.getfloat("DOWNLOAD_DELAY") == 1.0


def test_user_agent_follows_contact_given_on_command_line() -> None:
    settings = Settings({"FAKTI_CONTACT": "x", "USER_AGENT": user_agent("x")}, priority="project")
    assert apply_contact(settings) is False
    settings.set("FAKTI_CONTACT", "ops@example.org", priority="cmdline")
    assert apply_contact(settings) is True
    assert settings["USER_AGENT"] == "newsspider/0.1 (+ops@example.org; news archive crawler)"
    settings.set("USER_AGENT", "custom/1", priority="cmdline")
    assert apply_contact(settings) is False
    assert settings["USER_AGENT"] == "custom/1"


@pytest.mark.parametrize(
    "asked",
    [
        "http://127.0.0.1:8765/world/1031872-synthetic",  # an article request
        "http://127.0.0.1:8765/world?page=2",  # a listing's
        "http://127.0.0.1:8765/feed",  # a feed moved to the home page
    ],
)
@pytest.mark.parametrize("kind", ["301", "meta refresh"])
def test_a_redirect_is_never_filtered(asked: str, kind: str) -> None:
    """To a page already asked for (the home page, its section), a redirect was dropped as a
    duplicate (no callback, no errback), or made the spider's own request for that page a
    duplicate: an article, a feed or a listing walk lost without a trace."""
    crawler = get_crawler(settings_dict={})
    request = Request(asked)
    if kind == "301":
        middleware = UnfilteredRedirectMiddleware.from_crawler(crawler)
        response = Response(asked, status=301, headers={"Location": "/"})
    else:
        middleware = UnfilteredMetaRefreshMiddleware.from_crawler(crawler)
        body = b'<html><head><meta http-equiv="refresh" content="0;url=/"></head></html>'
        response = HtmlResponse(asked, body=body, encoding="utf-8")
    redirected = middleware.process_response(request, response)
    assert isinstance(redirected, Request)
    assert redirected.url == "http://127.0.0.1:8765/"
    assert redirected.dont_filter


REFRESH_TAG = '<meta http-equiv="Refresh" content="0;url=/">'


@pytest.mark.parametrize(
    ("head", "encoding"),
    [
        (REFRESH_TAG, "utf-8"),
        (REFRESH_TAG.upper().replace("URL=/", "url=/"), "utf-8"),
        ("<title>" + "я" * 3000 + "</title>" + REFRESH_TAG, "utf-8"),  # byte 6,000+
        (REFRESH_TAG, "utf-16"),  # not ASCII bytes: decoded as before
        (REFRESH_TAG, "cp1251"),
    ],
)
def test_a_meta_refresh_is_still_followed(head: str, encoding: str) -> None:
    """The undecoded pass-through must not hide a refresh Scrapy's own middleware follows."""
    crawler = get_crawler(settings_dict={})
    body = f"<html><head>{head}</head><body><p>text</p></body></html>".encode(encoding)
    asked = "http://127.0.0.1:8765/world?page=2"
    redirected = [
        mw.from_crawler(crawler).process_response(
            Request(asked), HtmlResponse(asked, body=body, encoding=encoding)
        )
        for mw in (UnfilteredMetaRefreshMiddleware, MetaRefreshMiddleware)
    ]
    assert isinstance(redirected[0], Request)
    assert redirected[0].url == redirected[1].url


def test_a_page_without_refresh_is_passed_on_undecoded() -> None:
    crawler = get_crawler(settings_dict={})
    middleware = UnfilteredMetaRefreshMiddleware.from_crawler(crawler)
    body = "<html><head><title>Заглавие</title></head><body><p>текст</p></body></html>"
    asked = "http://127.0.0.1:8765/world/1031872-synthetic"
    response = HtmlResponse(asked, body=body.encode(), encoding="utf-8")
    assert middleware.process_response(Request(asked), response) is response
    assert getattr(response, "_cached_ubody", None) is None  # Scrapy's decoded-body cache


def _politeness(
    monkeypatch, on_sleep=None, advance: bool = True, **settings
) -> tuple[CrawlDelayMiddleware, list]:
    """The middleware on a fake clock whose ``sleep`` advances it (unless not to
    ``advance``: other requests come meanwhile); the waits it made."""
    clock, waits = FakeClock(), []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.now += seconds if advance else 0
        if on_sleep is not None:
            on_sleep(len(waits))

    monkeypatch.setattr(politeness, "sleep", fake_sleep)
    mw = CrawlDelayMiddleware.from_crawler(_crawler(**settings))
    mw.gate.clock = mw.gate.wall = clock
    return mw, waits


def test_a_retry_backoff_holds_back_only_its_own_request(monkeypatch) -> None:
    """The backoff was folded into the host's next free slot: one 500 with a 20 s backoff
    stopped the whole crawl for 20 s."""
    mw, waits = _politeness(monkeypatch, advance=False)
    retried = Request("http://127.0.0.1:9/x", meta={NOT_BEFORE: mw.gate.wall() + 20})
    asyncio.run(mw.process_request(retried))
    assert waits == [20.0]
    asyncio.run(mw.process_request(Request("http://127.0.0.1:9/y")))  # while it waits
    assert waits == [20.0]  # sent at once


def test_a_backoff_stamped_by_another_machines_clock_is_capped(monkeypatch) -> None:
    """A monotonic time in the meta of a request popped from Redis by a worker on another
    machine (booted a day apart) stalled that worker for a day."""
    mw, waits = _politeness(monkeypatch, FAKTI_RETRY_BACKOFF_MAX=60)
    skewed = Request("http://127.0.0.1:9/x", meta={NOT_BEFORE: mw.gate.wall() + 86400})
    asyncio.run(mw.process_request(skewed))
    assert waits == [60.0]


def test_a_pause_set_while_a_request_waits_holds_it_too(monkeypatch) -> None:
    """A 429 with Retry-After: 60 while requests slept on their Crawl-delay slots: they went
    out all the same."""
    gate: list[HostGate] = []
    mw, waits = _politeness(monkeypatch, on_sleep=lambda n: n == 1 and gate[0].pause("h:1", 60))
    gate.append(mw.gate)
    mw.gate.set_delay("h:1", 2.0)
    asyncio.run(mw.process_request(Request("http://h:1/a")))
    asyncio.run(mw.process_request(Request("http://h:1/b")))  # its slot: 2 s from now
    assert waits[0] == 2.0 and sum(waits) >= 62.0
    asyncio.run(mw.process_request(Request("http://h:1/robots.txt")))  # (no slot: no wait)
    mw.gate.pause("h:1", 30)
    asyncio.run(mw.process_request(Request("http://h:1/robots.txt")))  # a pause holds it
    assert waits[-1] == 30.0


def test_a_last_attempts_retry_after_still_pauses_the_host() -> None:
    mw = _retry_mw(RETRY_TIMES=0)
    request = Request("http://127.0.0.1:9/en/world/1000001-a")
    response = Response(request.url, status=429, headers={"Retry-After": "20"})
    assert mw.process_response(request, response) is response  # not retried again
    assert mw.gate.paused_for("127.0.0.1:9") == 20.0


def test_a_robots_txt_with_a_byte_order_mark_keeps_its_crawl_delay() -> None:
    mw = CrawlDelayMiddleware.from_crawler(_crawler())
    robots = Request("https://fakti.bg/robots.txt")
    body = "\ufeffUser-agent: *\nDisallow: /en/\nCrawl-delay: 2\n".encode()
    mw.process_response(robots, TextResponse(robots.url, body=body, encoding="utf-8"))
    assert mw.gate.delays == {"fakti.bg": 2.0}


@pytest.mark.parametrize(
    "final", ["https://www.fakti.bg/robots.txt", "https://fakti.bg/static/robots.txt"]
)
def test_a_redirected_robots_txt_keeps_its_crawl_delay(final: str) -> None:
    """The delay was read only when the final URL's path was /robots.txt, and kept for the
    host that answered: a robots.txt redirected to another path gave no delay at all, one
    redirected to www. none for the host asked."""
    mw = CrawlDelayMiddleware.from_crawler(_crawler())
    robots = Request(final, meta={"redirect_urls": ["https://fakti.bg/robots.txt"]})
    body = b"User-agent: *\nCrawl-delay: 2\n"
    mw.process_response(robots, TextResponse(robots.url, body=body, encoding="utf-8"))
    hosts = dict.fromkeys(["fakti.bg", final.split("/")[2]], 2.0)
    assert mw.gate.delays == hosts


def test_a_page_redirected_to_robots_txt_sets_no_delay() -> None:
    mw = CrawlDelayMiddleware.from_crawler(_crawler())
    page = Request("https://fakti.bg/robots.txt", meta={"redirect_urls": ["https://fakti.bg/x"]})
    body = b"User-agent: *\nCrawl-delay: 2\n"
    mw.process_response(page, TextResponse(page.url, body=body, encoding="utf-8"))
    assert mw.gate.delays == {}


def test_robots_txt_waits_its_backoff_like_any_request(monkeypatch) -> None:
    """A robots.txt not obtained stops the run (nothing is allowed): retried without backoff,
    a blip of 6.5 s lost a whole scheduled run, exit 4 (review)."""
    mw, waits = _politeness(monkeypatch)
    robots = Request("http://127.0.0.1:9/robots.txt", meta={NOT_BEFORE: mw.gate.wall() + 16})
    asyncio.run(mw.process_request(robots))
    assert waits == [pytest.approx(16, abs=0.5)]


@pytest.mark.parametrize(
    ("error", "why"),
    [
        (TimeoutError("took too long"), "could not be fetched (TimeoutError: took too long)"),
        (ConnectionRefusedError(), "could not be fetched (ConnectionRefusedError: )"),
        (IgnoreRequest("refused offsite request: http://x/"), "was not fetched (refused offsite"),
        (IgnoreRequest("max redirections reached"), "was not fetched (max redirections reached)"),
        (TooLarge("larger than DOWNLOAD_MAXSIZE"), "is larger than DOWNLOAD_MAXSIZE"),
    ],
)
def test_a_robots_txt_not_obtained_disallows_everything(error: Exception, why: str, caplog):
    """A download error (after its retries) or a refused redirect stored no rules: every
    page was fetched (RFC 9309: an unreachable robots.txt means complete disallow). A download
    error counts in `robotstxt/exception_count/…`, as Scrapy counts it; a refusal does not."""
    from twisted.internet.defer import Deferred

    mw = StrictRobotsTxtMiddleware(_crawler(ROBOTSTXT_OBEY=True))
    waiting = mw._parsers["fakti.bg"] = Deferred()
    given: list = []
    waiting.addCallback(given.append)
    mw._robots_error(error, "fakti.bg")
    [parser] = given
    assert mw._parsers["fakti.bg"] is parser
    assert not parser.allowed("https://fakti.bg/world/1000001-x", "newsspider")
    assert f"robots.txt of fakti.bg {why}" in caplog.text
    assert mw.crawler.stats.get_value("politeness/robots_unavailable") == 1
    counted = {
        k: v
        for k, v in mw.crawler.stats.get_stats().items()
        if k.startswith("robotstxt/exception_count/")
    }
    expected = (
        {} if isinstance(error, IgnoreRequest) else {f"robotstxt/exception_count/{type(error)}": 1}
    )
    assert counted == expected


@pytest.mark.parametrize(
    ("status", "allowed"),
    [(200, True), (404, True), (499, True), (500, False), (503, False), (429, False), (206, False)],
)
def test_a_robots_txt_answering_a_server_error_disallows_everything(status, allowed) -> None:
    """RFC 9309: a robots.txt answering 5xx (500 included) or 429, or a part of it (206),
    means complete disallow; a 4xx means no rules."""
    from twisted.internet.defer import Deferred

    mw = StrictRobotsTxtMiddleware(_crawler(ROBOTSTXT_OBEY=True))
    mw._parsers["fakti.bg"] = Deferred()
    robots = Request("https://fakti.bg/robots.txt")
    answer = TextResponse(
        robots.url, status=status, body=b"User-agent: *\nAllow: /\n", encoding="utf-8"
    )
    asyncio.run(mw._parse_robots(answer, "fakti.bg", robots))
    parser = mw._parsers["fakti.bg"]
    assert parser.allowed("https://fakti.bg/world/1000001-x", "newsspider") is allowed
    assert mw.unreadable == (set() if allowed else {"fakti.bg"})


@pytest.mark.parametrize("label", ["base64", "hex", "zlib", "undefined", "rot13"])
def test_a_response_labelled_with_no_charset_is_not_taken_for_ascii(label: str) -> None:
    """`_spells_ascii` raised TypeError or UnicodeError for them: the article became a reject
    named after the error, `download:TypeError` (review)."""
    from newsspider.middlewares.redirect import _spells_ascii

    assert _spells_ascii(label) is False
    assert _spells_ascii("cp1251") is True


@pytest.mark.parametrize(
    ("status", "meta", "settings", "passes"),
    [
        (200, {}, {}, True),
        (206, {}, {}, False),
        (404, {}, {}, False),
        (206, {"handle_httpstatus_list": [206]}, {}, True),
        (206, {"handle_httpstatus_list": [404]}, {}, False),
        (206, {"handle_httpstatus_all": True}, {}, True),
        (206, {}, {"HTTPERROR_ALLOWED_CODES": [206]}, True),
        (206, {}, {"HTTPERROR_ALLOW_ALL": True}, True),
    ],
)
def test_a_partial_content_response_is_an_http_error(status, meta, settings, passes) -> None:
    crawler = get_crawler(Spider, settings_dict=settings)
    crawler.spider = crawler._create_spider("fakti")
    mw = WholePageHttpErrorMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1:9/en/world/1000001-a", meta=meta)
    response = HtmlResponse(request.url, status=status, body=b"<p>part</p>", request=request)
    if passes:
        assert mw.process_spider_input(response) is None
    else:
        with pytest.raises(HttpError):
            mw.process_spider_input(response)
