"""The compiled record check against jsonschema: same ``problem()`` for every record, and the
compiled check says "valid" only where jsonschema finds no error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from newsspider.extraction.body import blank
from newsspider.extraction.record import RECORD_FIELDS
from newsspider.pipelines import validate
from newsspider.pipelines.validate import ESSENTIAL, INTEGERS, RecordValidator, compile_check
from newsspider.schema import article_schema

SCHEMA = article_schema()
PROPERTIES = SCHEMA["properties"]
SOFIA = SCHEMA["$defs"]["sofia_time"]["pattern"]
REFERENCE = Draft202012Validator(SCHEMA)
FAST = compile_check(SCHEMA)
HASH = "sha256:" + "0" * 64
DRAWN = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def reference_problem(record: dict[str, Any]) -> tuple[str, str] | None:
    """``RecordValidator.problem`` as it was: jsonschema on every record."""
    for name in RECORD_FIELDS:
        if name not in record:
            return f"missing_{name}", f"{name} is absent"
    for name in ESSENTIAL:
        value = record[name]
        if value is None or (isinstance(value, str) and not value.strip()):
            return f"missing_{name}", f"{name} is {value!r}"
    for name in INTEGERS:
        value = record[name]
        if isinstance(value, float) and value.is_integer():
            return f"invalid_{name}", f"{value!r} is not an int"
    errors = sorted(REFERENCE.iter_errors(record), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    error = errors[0]
    field = str(error.absolute_path[0]) if error.absolute_path else "record"
    return f"invalid_{field}", error.message[:300]


def outcome(problem: Any, record: dict[str, Any]) -> tuple[str, Any]:
    """What ``problem(record)`` gives, or the exception it raises."""
    try:
        return "returns", problem(record)
    except Exception as error:
        return "raises", f"{type(error).__name__}: {error}"


def jsonschema_accepts(validator: Draft202012Validator, instance: Any) -> bool:
    try:
        return not list(validator.iter_errors(instance))
    except Exception:  # jsonschema itself fails on it (say, Decimal NaN against a minimum)
        return False


def pattern(field: str) -> st.SearchStrategy[str]:
    return st.from_regex(PROPERTIES[field]["pattern"], fullmatch=True)


def unique_texts() -> st.SearchStrategy[list[str]]:
    return st.lists(st.text(min_size=1, max_size=8), max_size=4, unique=True)


INT64_MAX, ID_MAX = 2**63 - 1, 10**18 - 1
#: Valid records, every string drawn from the schema's own patterns (whole matches: a final
#: "\n" that "$" lets through is over a maxLength; hostile values below try it).
valid_records = st.fixed_dictionaries(
    {
        "url": pattern("url"),
        "article_id": st.integers(min_value=1, max_value=ID_MAX) | st.sampled_from([1, ID_MAX]),
        "lang": st.sampled_from(PROPERTIES["lang"]["enum"]),
        "section": pattern("section"),
        # (not blank: the validator refuses a headline of invisible characters, U+00AD alone)
        "headline": st.text(min_size=1).filter(lambda text: not blank(text)),
        "subtitle": st.none() | st.text(),
        "published_at": st.from_regex(SOFIA, fullmatch=True),
        "updated_at": st.none() | st.from_regex(SOFIA, fullmatch=True),
        "views": st.none() | st.integers(min_value=0, max_value=INT64_MAX),
        "comments": st.none() | st.integers(min_value=0, max_value=INT64_MAX),
        "authors": unique_texts(),
        "tags": unique_texts(),
        "image_url": st.none() | pattern("image_url"),
        "body": st.text(),
        "scraped_at": pattern("scraped_at"),
        "content_hash": pattern("content_hash"),
    }
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([-1, 0, 1, 10**100, -(10**100), 3.0, -0.0, 1.5])
    | st.floats()
    | st.decimals()
    | st.complex_numbers(max_magnitude=10)
    | st.text(max_size=12)
    | st.binary(max_size=4)
    | st.sampled_from([HASH, HASH + "\n", HASH + "\n\n", "2025-04-23T08:03:00+03:00\n"])
    | st.just("٢٠٢٥-04-23T08:03:00+02:00")  # Arabic-Indic digits match \d, not [0-9]
)
#: Anything a buggy extractor could put into a field.
hostile = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(lambda items: items + items[:1])  # a duplicate
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)
#: Dict keys of every hashable kind.
keys = st.text(max_size=8) | st.integers() | st.none() | st.booleans() | st.tuples(st.text())


#: What a near miss appends to a valid string.
SUFFIXES = ["\n", "\n\n", " ", "x", "٣", "?", "#", "/"]
MUTATIONS = ["replace", "replace", "near", "near", "delete", "duplicate", "swap", "extra"]


@st.composite
def records(draw: st.DrawFn) -> dict[Any, Any]:
    """A valid record, then one to three mutations: a field replaced, nearly right, deleted,
    duplicated in, or given another field's value; or an extra key."""
    record: dict[Any, Any] = draw(valid_records)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        field = draw(st.sampled_from(RECORD_FIELDS))
        value = record.get(field)
        match draw(st.sampled_from(MUTATIONS)):
            case "replace":
                record[field] = draw(hostile)
            case "near" if isinstance(value, str):
                record[field] = draw(
                    st.sampled_from([value[:-1], value[1:]])
                    | st.builds(value.__add__, st.sampled_from(SUFFIXES))
                )
            case "delete":
                record.pop(field, None)
            case "duplicate" if isinstance(value, list) and value:
                record[field] = [*value, value[0]]
            case "swap":
                record[field] = record.get(draw(st.sampled_from(RECORD_FIELDS)))
            case "extra":
                record[draw(keys)] = draw(hostile)
    return record


def test_the_shipped_schema_compiles_whole():
    assert FAST is not None


@DRAWN
@given(record=valid_records)
def test_valid_records_pass_the_compiled_check(record):
    assert FAST(record) is True
    assert reference_problem(record) is None
    assert RecordValidator().problem(record) is None


VALIDATOR = RecordValidator()


@DRAWN
@given(record=records())
def test_problem_matches_jsonschema_on_mutated_records(record):
    assert outcome(VALIDATOR.problem, record) == outcome(reference_problem, record)
    assert FAST(record) is jsonschema_accepts(REFERENCE, record)  # exact on our schema


TWO_NEWLINES = HASH + "\n\n"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"article_id": True}, ("invalid_article_id", "True is not of type 'integer'")),
        ({"article_id": 3.0}, ("invalid_article_id", "3.0 is not an int")),  # 2020-12: integer
        ({"article_id": 0.5}, ("invalid_article_id", "0.5 is not of type 'integer'")),
        ({"views": float("nan")}, ("invalid_views", "nan is not of type 'integer', 'null'")),
        ({"views": 2**63 - 1}, None),
        (
            {"views": 2**63},
            (
                "invalid_views",
                "9223372036854775808 is greater than the maximum of 9223372036854775807",
            ),
        ),
        (
            {"article_id": 10**18},
            (
                "invalid_article_id",
                "1000000000000000000 is greater than the maximum of 999999999999999999",
            ),
        ),
        (  # re.search: "$" matches before a final "\n"; maxLength does not
            {"content_hash": HASH + "\n"},
            ("invalid_content_hash", f"{HASH + chr(10)!r} is too long"),
        ),
        (
            {"content_hash": TWO_NEWLINES},
            ("invalid_content_hash", f"{TWO_NEWLINES!r} does not match '^sha256:[0-9a-f]{{64}}$'"),
        ),
        (  # [0-9], not \d: Python's \d is any Unicode digit
            {"published_at": "٢٠٢٥-04-23T08:03:00+03:00"},
            ("invalid_published_at", f"'٢٠٢٥-04-23T08:03:00+03:00' does not match {SOFIA!r}"),
        ),
        ({"tags": ("a",)}, ("invalid_tags", "('a',) is not of type 'array'")),
        ({"tags": ["a", "a"]}, ("invalid_tags", "['a', 'a'] has non-unique elements")),
        ({"authors": [""]}, ("invalid_authors", "'' should be non-empty")),
        ({"lang": "EN"}, ("invalid_lang", "'EN' is not one of ['en', 'bg']")),
        (
            {"updated_at": ""},
            ("invalid_updated_at", "'' is not valid under any of the given schemas"),
        ),
        ({1: "x"}, ("invalid_record", "Additional properties are not allowed (1 was unexpected)")),
    ],
)
def test_edge_values_get_the_reference_answer(make_record, change, expected):
    record = make_record(7) | change
    assert VALIDATOR.problem(record) == expected
    assert reference_problem(record) == expected


@pytest.mark.parametrize("odd", [complex(1, 1), Decimal("NaN")])
def test_values_jsonschema_fails_on_fail_the_same_way(make_record, odd):
    record = make_record(3, views=odd)
    assert outcome(VALIDATOR.problem, record) == outcome(reference_problem, record)
    assert outcome(VALIDATOR.problem, record)[0] == "raises"


# -- the compiler on its own, keyword by keyword ---------------------------------------------
EXACT_SCHEMAS = [
    {"type": "integer"},
    {"type": "number"},
    {"type": "boolean"},
    {"type": ["string", "null"]},
    {"type": "array"},
    {"type": "object"},
    {"minimum": 0},
    {"minimum": 1.5},
    {"maximum": 2.5},
    {"minimum": 0, "maximum": 9223372036854775807},
    {"minLength": 2},
    {"maxLength": 2},
    {"pattern": "^a\\d$"},
    {"enum": ["en", "bg"]},
    {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True},
    {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 3}]},
    {"properties": {"a": {"type": "integer"}}, "required": ["a"], "additionalProperties": False},
    {"properties": {"a": {"type": "string"}}, "additionalProperties": True},
    {"$defs": {"a/b~c%": {"type": "string"}}, "$ref": "#/$defs/a~1b~0c%25"},
    {
        "$id": "https://example.com/s",
        "title": "t",
        "items": {"$ref": "#/$defs/n"},
        "$defs": {"n": {"type": "null"}},
    },
]


@pytest.mark.parametrize("schema", EXACT_SCHEMAS, ids=lambda schema: str(schema)[:50])
@DRAWN
@given(instance=hostile | st.dictionaries(keys, hostile, max_size=3))
def test_compiled_keywords_agree_with_jsonschema(schema, instance):
    check = compile_check(schema)
    assert check is not None
    assert check(instance) is jsonschema_accepts(Draft202012Validator(schema), instance)


#: Values where Python and JSON Schema part ways, tried on every compiled schema.
EDGES = [
    True,
    1,
    3.0,
    0.5,
    -0.0,
    float("nan"),
    float("-inf"),
    10**100,
    -(10**100),
    Decimal("-1"),
    Decimal("2"),
    Decimal("NaN"),
    complex(1, 1),
    None,
    "",
    "a1",
    "a1\n",
    "a٣",
    "en\n",
    b"en",
    ["a", "a"],
    ["a", 1],
    ("a",),
    [("a",)],
    {"a": 1},
    {"a": True},
    {"a": 3.0},
    {1: "x"},
    {"a": 1, "b": 2},
    {(): None},
]


@pytest.mark.parametrize("schema", EXACT_SCHEMAS, ids=lambda schema: str(schema)[:50])
@pytest.mark.parametrize("instance", EDGES, ids=repr)
def test_compiled_keywords_agree_on_edge_values(schema, instance):
    check = compile_check(schema)
    assert check is not None
    assert check(instance) is jsonschema_accepts(Draft202012Validator(schema), instance)


@DRAWN
@given(instance=st.lists(hostile, max_size=4) | hostile)
@example(instance=[b"a", (97,)])  # jsonschema: equal sequences, Python: different
@example(instance=[1, True])
@example(instance=["a", "b"])
def test_unique_items_alone_is_never_laxer_than_jsonschema(instance):
    check = compile_check({"uniqueItems": True})
    assert check is not None
    if check(instance):
        assert jsonschema_accepts(Draft202012Validator({"uniqueItems": True}), instance)
    if isinstance(instance, list) and all(type(item) is str for item in instance):
        assert check(instance) is (len(set(instance)) == len(instance))


@pytest.mark.parametrize(
    "schema",
    [
        {"oneOf": [{"type": "null"}]},
        {"not": {"type": "null"}},
        {"maxContains": 3},
        {"format": "date-time"},
        {"prefixItems": [{"type": "null"}]},
        {"items": True},
        {"enum": ["a", 1]},
        {"type": "decimal"},
        {"additionalProperties": {"type": "string"}},
        {"properties": {"a": {"$id": "https://example.com/a", "type": "null"}}},
        {"$ref": "https://example.com/other.json"},
        {"$ref": "#/$defs/missing"},
        {"$defs": {"n": {"items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"},
    ],
    ids=str,
)
def test_constructs_outside_the_subset_compile_to_nothing(schema):
    assert compile_check(schema) is None


def test_without_a_compiled_check_jsonschema_decides_alone(monkeypatch, make_record):
    monkeypatch.setattr(validate, "compile_check", lambda schema: None)
    validator = RecordValidator()
    assert validator.problem(make_record(3)) is None
    assert validator.problem(make_record(3, views=-1)) == (
        "invalid_views",
        "-1 is less than the minimum of 0",
    )
