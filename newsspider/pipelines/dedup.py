"""Deduplicate by ``(lang, article_id)`` and apply the emission policy (``FAKTI_EMIT``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newsspider.extraction.urls import compact_key
from newsspider.items import ArticleItem
from newsspider.startup import exit_on
from newsspider.state import Key, KeyState, SettingError, StateStore, get_store

EMIT_MODES = ("new", "changed", "all")


def emit_mode(value: Any) -> str:
    """The validated ``FAKTI_EMIT`` value (raises :class:`SettingError` with a one-line message)."""
    mode = str(value).strip().lower()
    if mode not in EMIT_MODES:
        raise SettingError(f"FAKTI_EMIT: {value!r} is not one of {', '.join(EMIT_MODES)}")
    return mode


def decide(mode: str, state: KeyState | None, content_hash: str) -> tuple[bool, str]:
    """Whether to emit a sighting, and why: ``new``, ``changed`` or ``repeat`` (emitted), or
    ``known``/``unchanged`` (skipped). Views never count: only the content hash does."""
    if state is None or state.file is None:
        return True, "new"
    if state.exported_hash != content_hash and mode in ("changed", "all"):
        return True, "changed"
    if mode == "all":
        return True, "repeat"
    return False, "known" if mode == "new" else "unchanged"


def item_key(item: ArticleItem) -> Key:
    return str(item["lang"]), int(item["article_id"])


class DedupPipeline:
    """Records every sighting in the state (views, hash, last seen) and passes on only what
    the policy emits, each key at most once per run. Stats: ``dedup/emit/<why>`` and
    ``dedup/skip/<why>`` (``known``, ``unchanged``, ``duplicate``)."""

    def __init__(self, store: StateStore, mode: str, stats: StatsCollector) -> None:
        self.store = store
        self.mode = mode
        self.stats = stats
        self._seen: set[int] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        assert crawler.stats is not None
        with exit_on(SettingError):
            mode = emit_mode(crawler.settings.get("FAKTI_EMIT", "new"))
            store = get_store(crawler)
        return cls(store, mode, crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        key = item_key(item)
        compact = compact_key(key)
        if compact in self._seen:
            self.stats.inc_value("dedup/skip/duplicate")
            raise DropItem(f"duplicate in this run: {key}", log_level="DEBUG")
        self._seen.add(compact)
        state = self.store.get(key)
        published = item.get("published_at")
        self.store.touch(
            key,
            item["url"],
            datetime.fromisoformat(published) if published else None,
            item["content_hash"],
            item.get("views"),
        )
        emit, why = decide(self.mode, state, item["content_hash"])
        if not emit:
            self.stats.inc_value(f"dedup/skip/{why}")
            raise DropItem(f"not emitted ({why}, FAKTI_EMIT={self.mode}): {key}", log_level="DEBUG")
        self.stats.inc_value(f"dedup/emit/{why}")
        return item
