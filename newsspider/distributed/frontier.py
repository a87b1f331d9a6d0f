"""scrapy-redis's shared frontier, for a ``redis://`` state (see :mod:`newsspider.distributed`).

:class:`RedisFrontier` adds to scrapy-redis's scheduler:

- **atomic enqueueing**: a request is marked seen (dupefilter) and queued in one Redis step,
  so a worker killed in between cannot leave a key seen that no worker will fetch.
- a **journal** per worker: popping a request moves it atomically into the worker's journal,
  and it leaves once its callback's output is handled (:meth:`RedisFrontier.settle`). A
  restarted worker puts its predecessor's journal back on the frontier.
- **claims**: an article key is claimed by one run before the pipelines see it
  (:meth:`RedisFrontier.claim`); a key claimed by another run is dropped, so no two workers
  export it. A run whose file never appeared (killed) has its claimed keys fetched again; a
  run that published its file (it lost Redis), those the state does not show in it.
- **one walk per job** (``<p>:job``): the first worker records the job's arguments; a worker
  started with others is refused as it opens (:meth:`RedisFrontier._join_job`).
- **termination**: a worker is *busy* from the moment it pops a request until Scrapy finds it
  idle. An idle worker finishes when the frontier is empty and no live worker (heartbeat) is
  busy; otherwise it waits, polling. The last worker to leave deletes the job keys (frontier,
  dupefilter, claims, coverage, arguments), so the next command starts a new job; the state
  stays.
- **job coverage** (``<p>:coverage``): what the job's discovery walked, written as it happens
  (a killed worker cannot lose it): the earliest listing response, the editions and sections
  pages listed articles of, sections whose first page listed nothing, listing pages lost, the
  earliest listing date of an article not fetched. The last worker to leave gets it
  (:attr:`RedisFrontier.job_coverage`), so that the job, not a worker, moves the watermarks.
- **Redis lost**: the first Redis error of an operation the engine relies on stops the worker
  as if it were killed (:meth:`RedisFrontier._lose`, finish reason :data:`REDIS_LOST`): it
  touches Redis no more, and leaves its journal, claims, pending rows and registration to its
  restart, which completes its work. A worker whose own registration is gone (Redis restarted
  without its data: redis-py reconnects silently) is lost too (:data:`_BEAT`, :data:`_IDLE`).
- **robots.txt unavailable to this worker** (:meth:`RedisFrontier.hand_back`): it takes no more
  requests and closes (finish reason :data:`~newsspider.extensions.health.ROBOTS_LOST`); the
  requests it took, refused unsettled, go back to the frontier for the other workers.

It imports redis and scrapy-redis, so only the distributed mode imports it (from
:class:`~newsspider.distributed.scheduler.StateScheduler`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler as ScrapyRedisScheduler
from twisted.internet import task

from newsspider.distributed import FRONTIER_ATTR
from newsspider.distributed.scheduler import request_taken
from newsspider.distributed.worker import Worker, left_work, worker_for
from newsspider.extensions.exitstatus import set_exit_status
from newsspider.extensions.health import EXIT_FINISH_REASON, ROBOTS_LOST
from newsspider.extensions.summary import JOB, JOB_LISTED
from newsspider.extraction.urls import parse_article_url
from newsspider.pipelines.runfiles import run_files
from newsspider.spiders.fakti import FaktiSpider
from newsspider.startup import StartupError
from newsspider.state import Key, chunks, get_store, unix_seconds
from newsspider.state.redis import RedisStore, field_key, key_field

logger = logging.getLogger(__name__)

#: Request meta key holding the journal token of a popped request.
TOKEN = "fakti_journal"
#: How often (seconds) a worker beats, settles its journal and, when waiting, polls the frontier.
TICK = 0.5
_CHUNK = 1000
#: Finish reason of a worker that lost Redis (exit status 9): restart it once Redis is back.
REDIS_LOST = "redis_unavailable"

#: KEYS: frontier, journal, busy. ARGV: worker id. Pops the best request into the journal.
_POP = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
redis.call('ZADD', KEYS[2], top[2], top[1])
redis.call('HSET', KEYS[3], ARGV[1], 1)
return top[1]
"""

#: KEYS: dupefilter, frontier. ARGV: fingerprint ('' for dont_filter), score, request.
#: Marks the request seen and queues it in one step (a worker killed between the two would
#: leave a key seen that no worker fetches). 0 if it was seen already.
_ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

#: KEYS: frontier, busy, workers. ARGV: worker id, heartbeat key prefix, identity. This worker
#: is idle: is the job done ('done'), is there work ('work'), or is a live worker still busy
#: ('wait')? 'vanished' if this worker is no longer registered (see :data:`_BEAT`).
_IDLE = """
if redis.call('HEXISTS', KEYS[3], ARGV[3]) == 0 then return 'vanished' end
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('ZCARD', KEYS[1]) > 0 then return 'work' end
for _, w in ipairs(redis.call('HKEYS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[2] .. w) == 1 then return 'wait' end
end
return 'done'
"""

#: KEYS: workers, heartbeat. ARGV: identity, pid, TTL in ms. Beats, unless this worker is no
#: longer registered (0): Redis restarted without its data (redis-py reconnects silently on the
#: next command), or the job's keys were deleted under it.
_BEAT = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
"""

#: Why a worker that is no longer registered stops (:data:`_BEAT`).
VANISHED = (
    "this worker's registration is gone: Redis restarted without its data, or the job's "
    "keys were deleted"
)

#: KEYS: job. ARGV: this worker's scope. The job's scope (this one if it starts the job).
_JOIN = """
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])
"""

#: KEYS: claims, run claims. ARGV: key field, run id, fetch URL. 1 if the run holds the key.
_CLAIM = """
local holder = redis.call('HGET', KEYS[1], ARGV[1])
if holder == ARGV[2] then return 1 end
if holder then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
"""

#: KEYS: workers, busy, heartbeat, frontier, coverage, then the other job keys to delete when
#: last. ARGV: identity, worker id, whether to unregister, '<p>:'. Returns the job's state:
#: {'running'} while a registered worker is alive; {'killed', identities...} while registered
#: workers without a heartbeat have work to recover (a journal, pending rows, or an open run
#: that claimed keys); {'queued'} while requests are left on the frontier; else this worker is
#: the last: deletes the job keys and returns 'last' then the coverage hash (a flat list).
_LEAVE = """
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[3])
if ARGV[3] == '1' then redis.call('HDEL', KEYS[1], ARGV[1]) end
local killed = {'killed'}
local workers = redis.call('HGETALL', KEYS[1])
for i = 1, #workers, 2 do
  local id = cjson.decode(workers[i + 1])['id']
  if redis.call('EXISTS', ARGV[4] .. 'hb:' .. id) == 1 then return {'running'} end
  local work = redis.call('EXISTS', ARGV[4] .. 'journal:' .. id, ARGV[4] .. 'owner:' .. id) > 0
  for _, rid in ipairs(redis.call('HKEYS', ARGV[4] .. 'runs:' .. id)) do
    work = work or redis.call('EXISTS', ARGV[4] .. 'run:' .. rid) == 1
  end
  if work then table.insert(killed, workers[i]) end
end
if #killed > 1 then return killed end
if redis.call('ZCARD', KEYS[4]) > 0 then return {'queued'} end
local coverage = redis.call('HGETALL', KEYS[5])
for i = 5, #KEYS do redis.call('DEL', KEYS[i]) end
table.insert(coverage, 1, 'last')
return coverage
"""

#: KEYS: coverage. ARGV: field, unix seconds. The field keeps the earliest time.
_EARLIEST = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old or tonumber(ARGV[2]) < tonumber(old) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 0
"""


_T = TypeVar("_T")


def _engine_facing(safe: Any) -> Callable[[Callable[..., _T]], Callable[..., _T]]:
    """A frontier operation the engine relies on: its first Redis error loses Redis
    (:meth:`RedisFrontier._lose`); once lost, it touches Redis no more and returns ``safe``."""

    def wrap(method: Callable[..., _T]) -> Callable[..., _T]:
        @functools.wraps(method)
        def guarded(self: RedisFrontier, *args: Any, **kwargs: Any) -> _T:
            if not self.lost:
                try:
                    return method(self, *args, **kwargs)
                except redis.RedisError as exc:
                    self._lose(exc)
            return safe

        return guarded

    return wrap


class KeyDupeFilter(RFPDupeFilter):
    """scrapy-redis's dupefilter, with an article's fingerprint being its key ``lang:id``: any
    URL form of one article is fetched once per job. The set outlives a worker (the last
    worker of the job deletes it)."""

    def request_fingerprint(self, request: Request) -> str:
        ref = parse_article_url(request.url, extra_hosts=(urlsplit(request.url).netloc,))
        return f"{ref.lang}:{ref.article_id}" if ref else super().request_fingerprint(request)

    def close(self, reason: str = "") -> None:
        """Keep the shared set (scrapy-redis deletes it)."""


class RedisFrontier(ScrapyRedisScheduler):
    """scrapy-redis's scheduler with a journal, claims and a distributed end (see module)."""

    def __init__(self, crawler: Crawler, worker: Worker) -> None:
        client = worker.client
        super().__init__(
            client,
            persist=True,
            queue_key=worker.key("frontier"),
            dupefilter=KeyDupeFilter(client, key=worker.key("seen")),
        )
        self.crawler = crawler
        self.worker = worker
        self.stats = crawler.stats
        self.journal_key = worker.key(f"journal:{worker.id}")
        self.busy_key = worker.key("busy")
        self.claims_key = worker.key("claims")
        self.coverage_key = worker.key("coverage")
        self.job_key = worker.key("job")
        #: The job's coverage hash, when this worker was the last to leave the job.
        self.job_coverage: dict[str, str] | None = None
        #: The job's state as this worker left it (stat :data:`JOB`); None if it did not.
        self.job: str | None = None
        self.runs_key = worker.key(f"runs:{worker.id}")
        self.feed = str(run_files(crawler).feed)
        self.run_id = ""
        self.waiting = False
        #: Redis was lost: the worker stops as if killed and touches Redis no more.
        self.lost = False
        #: robots.txt is unavailable to this worker: it takes no more requests.
        self.handed_back = False
        self._pop = client.register_script(_POP)
        self._enqueue = client.register_script(_ENQUEUE)
        self._idle = client.register_script(_IDLE)
        self._beat = client.register_script(_BEAT)
        self._join = client.register_script(_JOIN)
        self._claim = client.register_script(_CLAIM)
        self._leave = client.register_script(_LEAVE)
        self._earliest = client.register_script(_EARLIEST)
        self._tokens: dict[str, bytes] = {}
        self._settled: list[bytes] = []
        self._tick: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisFrontier:
        frontier = cls(crawler, worker_for(crawler))
        crawler.signals.connect(frontier._on_idle, signal=signals.spider_idle)
        setattr(crawler, FRONTIER_ATTR, frontier)
        return frontier

    # -- life cycle ---------------------------------------------------------------------------
    def open(self, spider: FaktiSpider) -> None:
        self.spider = spider
        self.queue = PriorityQueue(self.server, spider, self.queue_key)
        client, worker = self.server, self.worker
        self._join_job(spider)
        self._recover()
        self.run_id = f"r{client.incr(worker.key('run_seq'))}"
        client.hset(self.runs_key, self.run_id, self.feed)
        self._start_ticking()
        stuck = self._killed_with_work()
        if stuck:
            self.stats.set_value("distributed/killed_workers", len(stuck))
            logger.warning(
                "the job waits for killed worker(s) to be restarted (same machine and "
                "FAKTI_OUTPUT_DIR) to recover their work: %s; or abandon the job by deleting "
                "its keys (README section Scale-out)",
                ", ".join(stuck),
            )
        logger.info(
            "distributed worker %s (%s), run %s, frontier %s (%d queued)",
            worker.id, worker.identity, self.run_id, self.queue.key, len(self.queue),
        )  # fmt: skip

    def _join_job(self, spider: FaktiSpider) -> None:
        """Join the running job, or start one. A worker whose arguments or ``FAKTI_BASE_URL``
        differ from the job's would walk the requests it takes by its own (other editions,
        sections or dates: the job's walk would end early), so it stops here, before it takes
        or seeds any, as for a bad argument (exit status 1)."""
        scope = f"{spider.args.scope()} FAKTI_BASE_URL={spider.base_url}"
        job = self._join(keys=[self.job_key], args=[scope]).decode()
        if job == scope:
            return
        client, worker = self.server, self.worker
        running = self._others_running()
        if not left_work(client, worker.prefix, worker.id):  # (else kept for the restart)
            client.hdel(worker.key("workers"), worker.identity)
        client.delete(worker.heartbeat_key)
        how = (
            "start this one after the job has ended or with another prefix"
            if running
            else f"no worker of that job is running ({len(self.queue)} request(s) wait on its "
            "frontier): restart one with the job's arguments to finish it (a killed one on "
            "its machine, with its FAKTI_OUTPUT_DIR, to recover its work), or abandon it "
            "(README section Scale-out)"
        )
        logger.critical(
            "this worker's arguments differ from those of the job %s on this Redis prefix "
            "(job: %s; this worker: %s): give every worker of a job the same arguments and "
            "FAKTI_BASE_URL; %s",
            "running" if running else "left",
            job,
            scope,
            how,
        )
        raise StartupError(1)

    def _registered(self) -> dict[str, tuple[str, bool]]:
        """The workers registered under this prefix: identity → (id, heartbeat alive)."""
        client, out = self.server, {}
        for identity, raw in client.hgetall(self.worker.key("workers")).items():
            wid = json.loads(raw)["id"]
            out[identity.decode()] = (wid, bool(client.exists(self.worker.key(f"hb:{wid}"))))
        return out

    def _others_running(self) -> int:
        """How many other workers of this prefix have a live heartbeat."""
        alive = {wid for wid, beating in self._registered().values() if beating}
        alive.discard(self.worker.id)
        return len(alive)

    def _recover(self) -> None:
        """Put back on the frontier what a killed predecessor of this worker left."""
        client = self.server
        for rid, feed in client.hgetall(self.runs_key).items():
            rid, feed = rid.decode(), feed.decode()
            self._requeue_claims(rid, feed)
            client.delete(self.worker.key(f"run:{rid}"))
            client.hdel(self.runs_key, rid)
            self.stats.inc_value("distributed/recovered/runs")
        moved = client.zcard(self.journal_key)
        if moved:
            self._requeue_journal()
            self.stats.set_value("distributed/recovered/journal", moved)
            logger.warning("requeued %d request(s) a killed run of this worker had taken", moved)
        client.hdel(self.busy_key, self.worker.id)

    def _requeue_journal(self) -> None:
        """Put the requests in this worker's journal back on the frontier (atomically)."""
        pipe = self.server.pipeline(transaction=True)
        pipe.zunionstore(self.queue.key, [self.queue.key, self.journal_key], aggregate="MIN")
        pipe.delete(self.journal_key)
        pipe.execute()

    def _start_ticking(self) -> None:
        """Beat, settle and poll every :data:`TICK` seconds (on the running reactor)."""
        self._tick = task.LoopingCall(self._on_tick)
        self._tick.start(TICK, now=True)

    def _killed_with_work(self) -> list[str]:
        """Registered workers without a heartbeat that left a journal, pending rows (a commit
        that failed) or claimed keys."""
        client, stuck = self.server, []
        for identity, (wid, beating) in self._registered().items():
            if beating:
                continue
            runs = client.hkeys(self.worker.key(f"runs:{wid}"))
            if client.exists(
                self.worker.key(f"journal:{wid}"),
                self.worker.key(f"owner:{wid}"),
                *(self.worker.key(f"run:{rid.decode()}") for rid in runs),
            ):
                stuck.append(identity)
        return sorted(stuck)

    def _requeue_claims(self, rid: str, feed: str) -> None:
        """Release the keys run ``rid`` claimed and did not export, and fetch them again: all
        of them if its ``feed`` never appeared (its pending rows were rolled back), else those
        the state does not show as committed in it (a record that failed in the pipelines
        once Redis was lost: its hold could not reach the job's coverage)."""
        client, key = self.server, self.worker.key(f"run:{rid}")
        claimed = list(client.hgetall(key).items())
        published = Path(feed).exists()
        if published:
            store = get_store(self.crawler)
            assert isinstance(store, RedisStore)  # (the distributed mode's state)
            keys = {field: field_key(field) for field, _ in claimed}
            exported = store.exported_in(feed, keys.values())
            claimed = [(field, url) for field, url in claimed if keys[field] not in exported]
        for chunk in chunks(claimed, _CHUNK):
            again = [self.spider.refetch_request(url.decode()) for _, url in chunk]
            members = {self.queue._encode_request(r): -r.priority for r in again}
            fields = [field for field, _ in chunk]
            pipe = client.pipeline(transaction=True)  # atomic: refetch and release together
            pipe.zadd(self.queue.key, members)
            pipe.hdel(self.claims_key, *fields)
            pipe.hdel(key, *fields)
            pipe.execute()
        if claimed:
            self.stats.inc_value("distributed/recovered/refetch", len(claimed))
            why = (
                "published its file without them" if published else "ended before its file appeared"
            )
            logger.warning("run %s %s: %d key(s) it claimed to fetch again", rid, why, len(claimed))

    def close(self, reason: str) -> None:
        """After the pipelines have closed (the run file is committed): leave the job. A worker
        that lost Redis, before or now, leaves everything to its restart."""
        self._stop_ticking()
        if not self.lost:
            try:
                self._leave_job(reason)
            except redis.RedisError as exc:
                self._lose(exc)
        if self.lost:
            logger.warning(
                "Redis lost: this worker's journal, claims, pending rows and registration are "
                "left for its restart"
            )

    def _leave_job(self, reason: str) -> None:
        self._flush_settled()
        client = self.server
        if reason == "finished":  # every request taken was finished
            client.delete(self.journal_key)
        else:  # stopped early: what was taken and not finished goes back
            self._requeue_journal()
        listed = any(k.startswith(b"listed:") for k in client.hkeys(self.coverage_key))
        self.stats.set_value(JOB_LISTED, int(listed))  # (before the last worker deletes it)
        pending = get_store(self.crawler).pending_files()
        if Path(self.feed).exists() or self.feed not in pending:
            client.delete(self.worker.key(f"run:{self.run_id}"))
            client.hdel(self.runs_key, self.run_id)
        keys = [
            self.worker.key("workers"),
            self.busy_key,
            self.worker.heartbeat_key,
            self.queue.key,
            self.coverage_key,
            self.queue.key,
            self.df.key,
            self.claims_key,
            self.job_key,
        ]
        # (pending rows left, by a commit that failed: the identity stays, so that the
        # worker's restart, with the same id, commits them)
        args = [self.worker.identity, self.worker.id, int(not pending), self.worker.key("")]
        state, *rest = [v.decode() for v in self._leave(keys=keys, args=args)]
        self.job = {
            "last": "last",
            "running": "others still running",
            "killed": f"waits for killed worker(s) {', '.join(sorted(rest))}",
            "queued": "requests left on its frontier for the next worker",
        }[state]
        self.stats.set_value(JOB, self.job)
        if state == "last":
            self.job_coverage = dict(zip(rest[::2], rest[1::2], strict=True))
            logger.info(
                "last worker of the job: frontier, dupefilter, claims, coverage, arguments deleted"
            )

    def _stop_ticking(self) -> None:
        if self._tick is not None and self._tick.running:
            self._tick.stop()

    def _lose(self, error: redis.RedisError | str) -> None:
        """Redis failed: stop as if killed. No more heartbeat, ticks or Redis commands; the
        engine is asked to close (:data:`REDIS_LOST`, exit status 9), and :meth:`close`
        leaves the journal, claims and registration for the restart to recover."""
        self.lost = True
        self._stop_ticking()
        self.stats.set_value("distributed/redis_lost", 1)
        logger.error(
            "Redis was lost (%s): this worker stops; restart it (same machine and "
            "FAKTI_OUTPUT_DIR) once Redis is back, to complete its work",
            error,
        )
        set_exit_status(self.crawler, EXIT_FINISH_REASON)  # (even if already closing)
        self._close_engine(REDIS_LOST)

    def hand_back(self, why: str) -> None:
        """robots.txt cannot be read by this worker (``why``), though the other workers may:
        it takes no more requests and closes (:data:`ROBOTS_LOST`, exit status 9); the requests
        it took, which its spider leaves unsettled, go back to the frontier as it leaves."""
        if self.handed_back:
            return
        self.handed_back = True
        self.stats.set_value("distributed/robots_unavailable", 1)
        logger.error(
            "%s: this worker stops and puts the requests it took back on the job's frontier, "
            "for the other workers",
            why,
        )
        self._close_engine(ROBOTS_LOST)

    def _close_engine(self, reason: str) -> None:
        """Ask the engine to close the spider with ``reason``, if it is still running one."""
        engine = self.crawler.engine
        if engine is not None and engine.running and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))

    # -- requests -----------------------------------------------------------------------------
    @_engine_facing(False)
    def enqueue_request(self, request: Request) -> bool:
        """Queue ``request`` in the job's frontier. A retry or redirect of a request this
        worker took (it carries its token) replaces it: the one taken leaves the journal, or
        the journal would keep every retried request until the run ends (and a killed run's
        would all be fetched again)."""
        # (a redirect is unfiltered: newsspider.middlewares.redirect)
        taken = request.meta.pop(TOKEN, None)
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        queued = self._enqueue(
            keys=[self.df.key, self.queue.key],
            args=[fingerprint, -request.priority, self.queue._encode_request(request)],
        )
        if taken is not None:
            self._settle_token(taken)
        self.crawler.signals.send_catch_log(request_taken, request=request)
        if not queued:
            return False  # seen in this job, by any worker: seeding is idempotent
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    @_engine_facing(None)
    def next_request(self) -> Request | None:
        if self.handed_back:
            return None
        raw = self._pop(
            keys=[self.queue.key, self.journal_key, self.busy_key], args=[self.worker.id]
        )
        if raw is None:
            return None
        self.waiting = False
        request = self.queue._decode_request(raw)
        token = hashlib.sha1(raw).hexdigest()
        self._tokens[token] = raw
        request.meta[TOKEN] = token
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    @_engine_facing(False)
    def has_pending_requests(self) -> bool:
        return super().has_pending_requests()

    @_engine_facing(0)
    def __len__(self) -> int:
        return super().__len__()

    def settle(self, request: Request | None) -> None:
        """``request``'s output is handled: it leaves the journal (at the next tick)."""
        if request is not None:
            self._settle_token(request.meta.get(TOKEN, ""))

    def _settle_token(self, token: str) -> None:
        raw = self._tokens.pop(token, None)
        if raw is not None:
            self._settled.append(raw)

    @_engine_facing(False)
    def claim(self, key: Key, fetch_url: str) -> bool:
        """Claim ``key`` for this run; False if another run of the job has it (or Redis is
        lost: its request stays in the journal, for the restart to fetch again)."""
        run_key = self.worker.key(f"run:{self.run_id}")
        held = self._claim(
            keys=[self.claims_key, run_key], args=[key_field(key), self.run_id, fetch_url]
        )
        return bool(held)

    def _flush_settled(self) -> None:
        if self._settled:
            self.server.zrem(self.journal_key, *self._settled)
            self._settled = []

    # -- job coverage (the sink of the spider's Coverage) ------------------------------------------
    @_engine_facing(None)
    def saw_listing(self, now: datetime) -> None:
        self._earliest(keys=[self.coverage_key], args=["started", unix_seconds(now)])

    @_engine_facing(None)
    def saw_articles(self, names: list[str]) -> None:
        self.server.hset(self.coverage_key, mapping={f"listed:{name}": 1 for name in names})

    @_engine_facing(None)
    def saw_empty(self, name: str) -> None:
        self.server.hset(self.coverage_key, f"empty:{name}", 1)

    @_engine_facing(None)
    def gap(self, why: str) -> None:
        self.server.hincrby(self.coverage_key, "gaps", 1)

    @_engine_facing(None)
    def hold(self, lang: str, listed: datetime) -> None:
        self._earliest(keys=[self.coverage_key], args=[f"held:{lang}", unix_seconds(listed)])

    # -- waiting and ending -------------------------------------------------------------------
    def _on_tick(self) -> None:
        worker = self.worker
        try:
            if not self._beat(
                keys=[worker.key("workers"), worker.heartbeat_key],
                args=[worker.identity, os.getpid(), int(worker.ttl * 1000)],
            ):
                self._lose(VANISHED)
                return
            self._flush_settled()
        except redis.RedisError as exc:
            self._lose(exc)
            return
        if self.waiting:  # make the engine ask the frontier again (and re-check the end)
            slot = getattr(self.crawler.engine, "_slot", None)
            if slot is not None:
                slot.nextcall.schedule()

    def _on_idle(self) -> None:
        """Finish when the job is done; else, or once Redis is lost or the work handed back
        (the engine then closes with :data:`REDIS_LOST` or :data:`ROBOTS_LOST`, never as
        finished), keep the spider open."""
        if self.lost or self.handed_back:  # (closing: it must stay busy until it leaves)
            raise DontCloseSpider
        try:
            self._flush_settled()
            state = self._idle(
                keys=[self.queue.key, self.busy_key, self.worker.key("workers")],
                args=[self.worker.id, self.worker.key("hb:"), self.worker.identity],
            ).decode()
        except redis.RedisError as exc:
            self._lose(exc)
            raise DontCloseSpider from exc
        if state == "vanished":
            self._lose(VANISHED)
            raise DontCloseSpider
        if state == "done":
            logger.info("frontier empty and no worker busy: this worker is done")
            return
        if state == "wait" and not self.waiting:
            logger.info("frontier empty, other workers busy: waiting for their new requests")
        self.waiting = True  # ('work': requests arrived since Scrapy found us idle)
        raise DontCloseSpider
