"""Item loaders: clean and type extracted fields into :class:`ArticleItem` / :class:`RejectItem`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

from itemadapter import ItemAdapter
from itemloaders.processors import Identity, TakeFirst
from itemloaders.utils import arg_to_iter, get_func_args
from scrapy.loader import ItemLoader

from newsspider.extraction.body import clean_headline, collapse, unique
from newsspider.extraction.dates import to_sofia
from newsspider.extraction.numbers import parse_int
from newsspider.extraction.record import (
    RECORD_FIELDS,
    Extracted,
    Rejected,
    content_hash,
    isoformat,
)
from newsspider.items import ArticleItem, RejectItem

#: Values of fields that are absent after loading (nothing is invented: null or empty).
EMPTY: dict[str, Any] = {"authors": [], "tags": [], "body": ""}

_RECORD_FIELDS = frozenset(RECORD_FIELDS)
#: Types that :func:`arg_to_iter` wraps in a list (checked first: the usual values).
_SCALARS = frozenset({str, int, float, datetime})

#: A field's input and output processors, each followed by whether it takes the loader context.
Processors = tuple[Callable[..., Any], bool, Callable[..., Any], bool]


def to_iso(value: datetime | str) -> str | None:
    """Datetimes → the same instant in Sofia, ISO 8601 with seconds and offset; strings pass."""
    return isoformat(to_sofia(value)) if isinstance(value, datetime) else value


def _as_list(value: Any) -> list[Any]:
    """``arg_to_iter`` as a list, with a shortcut for the common scalar types."""
    return [value] if type(value) in _SCALARS else list(arg_to_iter(value))


class Each:
    """Input processor: each function applied to every value in turn, ``None`` results
    dropped and iterable results flattened: ``MapCompose`` for functions that take no
    loader context, without its per-call context wrapping."""

    __slots__ = ("funcs",)

    def __init__(self, func: Callable[[Any], Any], /, *funcs: Callable[[Any], Any]) -> None:
        self.funcs = (func, *funcs)

    def __call__(self, values: Iterable[Any]) -> list[Any]:
        for func in self.funcs:
            out: list[Any] = []
            for value in values:
                out += _as_list(func(value))
            values = out
        return out


class ArticleLoader(ItemLoader):
    """Loads one :class:`ArticleItem`: collapsed text, typed ints and times, de-duplicated lists."""

    default_item_class = ArticleItem
    default_output_processor = TakeFirst()

    url_in = Each(str.strip)
    article_id_in = Each(int)
    lang_in = Each(str.strip, str.lower)
    section_in = Each(str.strip)
    headline_in = Each(clean_headline)
    subtitle_in = Each(collapse)
    published_at_in = Each(to_iso)
    updated_at_in = Each(to_iso)
    views_in = Each(parse_int)
    comments_in = Each(parse_int)
    authors_in = Each(collapse)
    authors_out = unique
    tags_in = Each(collapse)
    tags_out = unique
    image_url_in = Each(str.strip)
    body_in = Identity()
    layers_in = Identity()

    def load_fields(self, fields: Mapping[str, Any]) -> Any:
        """``add_value(name, value)`` for each field, then ``load_item()``: the same item
        (values and key order), with the processors looked up once per loader class and
        item class. On an error the standard path runs instead, to raise its own error."""
        try:
            loaded = self._loaded(fields)
        except Exception:
            for name, value in fields.items():
                self.add_value(name, value)
            return self.load_item()
        item = self.item
        for name, value in loaded.items():
            item[name] = value
        return item

    def _loaded(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """The output values of ``fields``, without touching the item."""
        processors = _processors(type(self), type(self.item))
        context = self.context
        loaded = {}
        for name, value in fields.items():
            if value is None:
                continue
            func, takes_context, out_func, out_takes_context = processors[name]
            values = _as_list(value)
            processed = func(values, loader_context=context) if takes_context else func(values)
            if not processed:
                continue
            values = list(arg_to_iter(processed))  # what add_value collects
            if out_takes_context:
                value = out_func(values, loader_context=context)
            else:
                value = out_func(values)
            if value is not None:
                loaded[name] = value
        return loaded


@cache
def _processors(loader_class: type[ItemLoader], item_class: type) -> dict[str, Processors]:
    """Per item field, the processors a loader of ``loader_class`` uses."""
    loader = loader_class(item_class())

    def processor(func: Callable[..., Any]) -> tuple[Callable[..., Any], bool]:
        return func, "loader_context" in get_func_args(func)

    return {
        name: (
            *processor(loader.get_input_processor(name)),
            *processor(loader.get_output_processor(name)),
        )
        for name in ItemAdapter(loader.item).field_names()
    }


def build_item(extracted: Extracted, scraped_at: datetime) -> ArticleItem:
    """The output item of an extracted article, with ``scraped_at`` (UTC), ``content_hash``
    and ``layers``; every record field is present (null or empty when not extracted)."""
    fields = {name: value for name, value in extracted.fields.items() if name in _RECORD_FIELDS}
    fields["layers"] = dict(extracted.layers)
    item = ArticleLoader().load_fields(fields)
    present = item.keys()
    for name in RECORD_FIELDS:
        if name not in present:
            item[name] = list(EMPTY[name]) if name in ("authors", "tags") else EMPTY.get(name)
    item["scraped_at"] = scraped_at.astimezone(UTC).isoformat(timespec="seconds")
    item["content_hash"] = content_hash(item["headline"], item["subtitle"], item["body"])
    return item


def build_reject(rejected: Rejected) -> RejectItem:
    """The reject item of an article page that yielded no valid record."""
    return RejectItem(
        url=rejected.url,
        reason=rejected.reason,
        partial=dict(rejected.fields),
        layers=dict(rejected.layers),
    )
