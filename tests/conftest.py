"""Shared test fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_SEED = REPO.parent / "shared" / "seed"
PACKAGE_SEED = REPO / "newsspider" / "replica" / "data"


def _seed_dir() -> Path:
    """The shared seed when it is beside the checkout (CI, sessions), else the package copy."""
    return SHARED_SEED if SHARED_SEED.is_dir() else PACKAGE_SEED


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (_seed_dir() / "fakti-en-965998.txt").read_text("utf-8")


@pytest.fixture(scope="session")
def seed_expected() -> dict:
    return json.loads((_seed_dir() / "fakti-en-965998.expected.json").read_text("utf-8"))


@pytest.fixture
def make_record():
    """A factory of valid synthetic records: ``make_record(article_id, lang="bg", **fields)``;
    ``content_hash`` follows headline/subtitle/body unless given."""
    from newsspider.extraction.record import RECORD_FIELDS, content_hash

    def make(article_id: int, lang: str = "bg", **fields) -> dict:
        prefix = "" if lang == "bg" else "en/"
        record = {
            "url": f"https://fakti.bg/{prefix}world/{article_id}-sintetichna-statia-{article_id}",
            "article_id": article_id,
            "lang": lang,
            "section": "world",
            "headline": f"Синтетично заглавие {article_id}",
            "subtitle": "Синтетичен подзаглавен ред",
            "published_at": "2025-04-23T08:03:00+03:00",
            "updated_at": None,
            "views": 144,
            "comments": None,
            "authors": ["Автор Синтетичен"],
            "tags": ["синтетика"],
            "image_url": None,
            "body": f"Първи абзац на статия {article_id}.\n\nВтори абзац.",
            "scraped_at": "2026-11-29T06:30:00+00:00",
        }
        record.update(fields)
        if "content_hash" not in fields:
            record["content_hash"] = content_hash(
                record["headline"], record["subtitle"], record["body"]
            )
        return {name: record[name] for name in RECORD_FIELDS} | record

    return make


@pytest.fixture
def pipeline_run(tmp_path):
    """Runs items through the project's item pipelines with a fake crawler, like one crawl:
    ``run = pipeline_run(FAKTI_EMIT="changed"); run.feed(*items); run.close()``;
    ``run.passed`` is what reached the feeds, ``run.stats`` the crawler stats."""
    from scrapy import signals
    from scrapy.exceptions import DropItem
    from scrapy.utils.misc import load_object
    from scrapy.utils.test import get_crawler

    from newsspider import settings as project

    class Run:
        def __init__(self, **settings) -> None:
            values = {"FAKTI_OUTPUT_DIR": str(tmp_path / "out"), "MEMUSAGE_ENABLED": False}
            values |= settings
            self.crawler = get_crawler(settings_dict=values)
            order = sorted(project.ITEM_PIPELINES, key=project.ITEM_PIPELINES.get)
            self.pipes = [load_object(path).from_crawler(self.crawler) for path in order]
            self.stats = self.crawler.stats
            self.passed: list = []
            for pipe in self.pipes:
                if hasattr(pipe, "open_spider"):
                    pipe.open_spider()

        def feed(self, *items) -> None:
            for item in items:
                try:
                    for pipe in self.pipes:
                        item = pipe.process_item(item)
                except DropItem:
                    continue
                self.passed.append(item)

        def close(self) -> None:
            for pipe in reversed(self.pipes):
                if hasattr(pipe, "close_spider"):
                    pipe.close_spider()
            self.crawler.signals.send_catch_log(signals.engine_stopped)

    return Run


@pytest.fixture
def replica_factory():
    """Start standalone replicas (``python -m newsspider.replica``) on free loopback ports.

    ``start = replica_factory``; ``rep = start(articles=300, epoch=1, faults=False, seed=1,
    now=None, crawl_delay=1.0)`` returns a :class:`newsspider.replica.testing.ReplicaProcess`:

    - ``rep.base_url``: ``http://127.0.0.1:PORT`` (use it as ``FAKTI_BASE_URL``);
    - ``rep.truth()``: the expected records at the replica's clock (``list[dict]``, no
      ``scraped_at``); ``rep.truth(epoch)``, ``rep.truth(datetime)`` at that epoch or time;
    - ``rep.log()``: the request log (``total``, ``by_kind``, ``entries``);
      ``rep.reset_log()``, ``rep.set_epoch(2)``, ``rep.set_clock(datetime)``;
    - ``rep.now``: the pinned epoch-2 clock (epoch 1 is 6 hours earlier).

    Every replica started is stopped at teardown.
    """
    yield from _replica_starter()


@pytest.fixture(scope="module")
def replica_factory_module():
    """``replica_factory`` for a module-scoped crawl."""
    yield from _replica_starter()


def _replica_starter():
    from newsspider.replica.testing import ReplicaProcess

    started: list[ReplicaProcess] = []

    def start(**options) -> ReplicaProcess:
        rep = ReplicaProcess(**options)
        started.append(rep)
        return rep

    yield start
    for rep in started:
        rep.stop()


@pytest.fixture
def redis_url():
    """A ``redis://`` state URL with a key prefix of its own on the loopback Redis server
    (``FAKTI_TEST_REDIS``, default ``redis://127.0.0.1:6379/15``); its keys are deleted
    before and after the test. Skips when no server answers (CI starts one)."""
    import os
    import uuid

    redis = pytest.importorskip("redis")
    base = os.environ.get("FAKTI_TEST_REDIS", "redis://127.0.0.1:6379/15")
    client = redis.Redis.from_url(base, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis server at {base} ({exc}); .ci/run starts one")
    prefix = f"t{uuid.uuid4().hex[:12]}"

    def clear() -> None:
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)

    clear()
    yield f"{base}?prefix={prefix}"
    clear()


@pytest.fixture
def job(redis_url):
    """``(client, prefix)`` of a fresh job namespace on the loopback Redis (``redis_url``)."""
    import redis

    from newsspider.state.redis import split_url

    address, prefix = split_url(redis_url)
    client = redis.Redis.from_url(address)
    yield client, prefix
    client.close()
