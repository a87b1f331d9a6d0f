"""Validate each article record against the JSON Schema; failures become rejects.

jsonschema is the reference: it decides every record that is not plainly valid and names the
fault. A check compiled from the same schema answers the common case, a valid record, first;
jsonschema is imported the first time a record fails it (a run of valid records never loads it).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import cached_property
from numbers import Number
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from newsspider.extraction.body import blank
from newsspider.extraction.record import RECORD_FIELDS
from newsspider.items import ArticleItem, RejectItem
from newsspider.schema import article_schema

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: Fields a record cannot do without, even where the schema would accept their value.
ESSENTIAL = ("headline", "published_at")
#: Fields that are ints or null: a whole float (``1.0``), which JSON Schema's "integer" accepts,
#: is refused too.
INTEGERS = ("article_id", "views", "comments")

#: A compiled check: true only if jsonschema accepts the instance (false: let jsonschema decide).
Check = Callable[[Any], bool]

#: Keywords that check nothing by themselves (``$defs`` is reached through ``$ref``).
_ANNOTATIONS = frozenset({"$schema", "$comment", "$defs", "title", "description", "examples"})


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)


#: The draft 2020-12 types, as jsonschema tells them.
_TYPES: dict[str, Check] = {
    "array": lambda value: isinstance(value, list),
    "boolean": lambda value: isinstance(value, bool),
    "integer": _is_integer,
    "null": lambda value: value is None,
    "number": _is_number,
    "object": lambda value: isinstance(value, dict),
    "string": lambda value: isinstance(value, str),
}


class _Unsupported(Exception):
    """The schema uses a construct :func:`compile_check` does not compile."""


def _every(checks: Sequence[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]

    def check(value: Any) -> bool:
        for one in checks:  # noqa: SIM110 - a loop: all() over a generator costs twice as much
            if not one(value):
                return False
        return True

    return check


def _either(checks: Sequence[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]

    def check(value: Any) -> bool:
        for one in checks:  # noqa: SIM110 - as in _every
            if one(value):
                return True
        return False

    return check


def _always(value: Any) -> bool:
    return True


def _unique_strings(value: Any) -> bool:
    """``uniqueItems``, decided here for lists of plain strings only."""
    if not isinstance(value, list):
        return True
    return {str}.issuperset(map(type, value)) and len(set(value)) == len(value)


def _type(types: str | list[str]) -> Check:
    names = [types] if isinstance(types, str) else types
    if not set(names) <= _TYPES.keys():
        raise _Unsupported(f"type {types!r}")
    return _either([_TYPES[name] for name in names])


def _enum(members: list[Any]) -> Check:
    if not all(isinstance(member, str) for member in members):
        raise _Unsupported("enum of non-strings")
    allowed = frozenset(members)
    return lambda value: isinstance(value, str) and value in allowed


def _pattern(pattern: str) -> Check:
    search = re.compile(pattern).search  # jsonschema: re.search, so "$" also before a final "\n"
    return lambda value: not isinstance(value, str) or search(value) is not None


def _min_length(least: int) -> Check:
    return lambda value: not isinstance(value, str) or len(value) >= least


def _max_length(most: int) -> Check:
    return lambda value: not isinstance(value, str) or len(value) <= most


def _minimum(least: float) -> Check:
    return lambda value: not _is_number(value) or not value < least


def _maximum(most: float) -> Check:
    return lambda value: not _is_number(value) or not value > most


def _required(names: list[str]) -> Check:
    needed = frozenset(names)
    return lambda value: not isinstance(value, dict) or value.keys() >= needed


def _only(allowed: frozenset[str]) -> Check:
    return lambda value: not isinstance(value, dict) or value.keys() <= allowed


class _Compiler:
    """Compiles one root schema; ``$ref`` resolves as a JSON pointer into that root."""

    def __init__(self, root: dict[str, Any]) -> None:
        self._root = root
        self._active_refs: set[str] = set()

    def check(self, schema: Any, *, root: bool = False) -> Check:
        if not isinstance(schema, dict) or ("$id" in schema and not root):
            raise _Unsupported(repr(schema)[:80])
        keywords = [key for key in schema if key not in _ANNOTATIONS and key != "$id"]
        keywords.sort(key=lambda key: key != "type")  # the type first: cheap, and guards the rest
        return _every([self._keyword(key, schema[key], schema) for key in keywords])

    def _keyword(self, key: str, value: Any, schema: dict[str, Any]) -> Check:
        match key:
            case "type":
                return _type(value)
            case "enum":
                return _enum(value)
            case "pattern":
                return _pattern(value)
            case "minLength":
                return _min_length(value)
            case "maxLength":
                return _max_length(value)
            case "minimum":
                return _minimum(value)
            case "maximum":
                return _maximum(value)
            case "uniqueItems":
                return _unique_strings if value else _always
            case "required":
                return _required(value)
            case "additionalProperties" if isinstance(value, bool):
                return _always if value else _only(frozenset(schema.get("properties", ())))
            case "properties":
                return self._properties(value)
            case "items":
                return self._items(value)
            case "anyOf":
                return _either([self.check(each) for each in value])
            case "$ref":
                return self._ref(value)
        raise _Unsupported(key)

    def _properties(self, schemas: dict[str, Any]) -> Check:
        pairs = [(name, self.check(schema)) for name, schema in schemas.items()]

        def check(value: Any) -> bool:
            if isinstance(value, dict):
                for name, one in pairs:
                    if name in value and not one(value[name]):
                        return False
            return True

        return check

    def _items(self, schema: Any) -> Check:
        each = self.check(schema)
        return lambda value: not isinstance(value, list) or all(map(each, value))

    def _ref(self, ref: str) -> Check:
        if not ref.startswith("#/") or ref in self._active_refs:
            raise _Unsupported(f"$ref {ref!r}")
        target: Any = self._root
        try:
            for part in ref[2:].split("/"):
                target = target[unquote(part).replace("~1", "/").replace("~0", "~")]
        except (LookupError, TypeError) as error:
            raise _Unsupported(f"$ref {ref!r}") from error
        self._active_refs.add(ref)
        try:
            return self.check(target)
        finally:
            self._active_refs.discard(ref)


def compile_check(schema: dict[str, Any]) -> Check | None:
    """A fast check compiled from a draft 2020-12 ``schema``, true only for instances
    ``Draft202012Validator`` accepts (false may also mean "ask jsonschema"); ``None`` when
    the schema uses a keyword outside the compiled subset."""
    try:
        compiled = _Compiler(schema).check(schema, root=True)
    except _Unsupported:
        return None

    def check(instance: Any) -> bool:
        try:
            return compiled(instance)
        except Exception:  # anything odd (a complex number, say) is jsonschema's to judge
            return False

    return check


def record_of(item: ArticleItem) -> dict[str, Any]:
    """The record fields the item carries, in record order (``layers`` excluded)."""
    return {name: item[name] for name in RECORD_FIELDS if name in item}


class RecordValidator:
    """Checks a record; :meth:`problem` names the first fault as ``(reason, detail)``.

    Reasons: ``missing_<field>`` (absent, or an essential field null/blank: whitespace and
    invisible format characters only) and
    ``invalid_<field>`` (present but against the schema, or a whole float for an int).
    """

    def __init__(self) -> None:
        self._valid = compile_check(article_schema()) or (lambda record: False)

    @cached_property
    def _validator(self) -> Draft202012Validator:
        """The reference validator, built on first need (importing jsonschema costs ~8 MB)."""
        from jsonschema import Draft202012Validator

        return Draft202012Validator(article_schema())

    def problem(self, record: dict[str, Any]) -> tuple[str, str] | None:
        for name in RECORD_FIELDS:
            if name not in record:
                return f"missing_{name}", f"{name} is absent"
        for name in ESSENTIAL:
            value = record[name]
            if value is None or (isinstance(value, str) and blank(value)):
                return f"missing_{name}", f"{name} is {value!r}"
        for name in INTEGERS:
            value = record[name]
            if isinstance(value, float) and value.is_integer():
                return f"invalid_{name}", f"{value!r} is not an int"
        if self._valid(record):
            return None
        errors = sorted(self._validator.iter_errors(record), key=lambda e: list(e.absolute_path))
        if not errors:
            return None
        error = errors[0]
        field = str(error.absolute_path[0]) if error.absolute_path else "record"
        return f"invalid_{field}", error.message[:300]


class ValidatePipeline:
    """Passes valid :class:`ArticleItem`\\ s on; turns invalid ones into :class:`RejectItem`\\ s."""

    def __init__(self) -> None:
        self._validator = RecordValidator()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        record = record_of(item)
        problem = self._validator.problem(record)
        if problem is None:
            return item
        reason, detail = problem
        logger.info("invalid record %s: %s (%s)", record.get("url"), reason, detail)
        return RejectItem(
            url=record.get("url"), reason=reason, partial=record, layers=item.get("layers")
        )
