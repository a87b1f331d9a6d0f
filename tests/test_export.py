"""The run file: naming, format, hostile text, loading in pandas/DuckDB, crash safety."""

from __future__ import annotations

import errno
import gzip
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsspider.extensions.lock as lock_mod
import newsspider.pipelines.atomic as atomic
import newsspider.pipelines.export as export_mod
import newsspider.pipelines.runfiles as runfiles_mod
import newsspider.pipelines.writer as writer_mod
from newsspider import settings as project
from newsspider.extensions.exitstatus import exit_status
from newsspider.extensions.health import evaluate
from newsspider.extensions.summary import RunContext, summarize
from newsspider.extraction.record import RECORD_FIELDS
from newsspider.items import ArticleItem, RejectItem
from newsspider.pipelines.atomic import AtomicFile, clean_leftovers, temp_path
from newsspider.pipelines.jsonline import _json_line, json_line
from newsspider.pipelines.runfiles import new_run_files, run_files
from newsspider.state import open_store, state_location
from newsspider.state.sqlite import SQLiteStore

DUCKDB_COLUMNS = (
    "{url: 'VARCHAR', article_id: 'BIGINT', lang: 'VARCHAR', section: 'VARCHAR', "
    "headline: 'VARCHAR', subtitle: 'VARCHAR', published_at: 'TIMESTAMPTZ', "
    "updated_at: 'TIMESTAMPTZ', views: 'BIGINT', comments: 'BIGINT', authors: 'VARCHAR[]', "
    "tags: 'VARCHAR[]', image_url: 'VARCHAR', body: 'VARCHAR', scraped_at: 'TIMESTAMPTZ', "
    "content_hash: 'VARCHAR'}"
)
#: The types README "The run file" documents, per column: pandas after ``read_run``, and
#: DuckDB with the fixed schema; the same in every file.
_TIMES = ("published_at", "updated_at", "scraped_at")
PANDAS_TYPES = (
    dict.fromkeys(RECORD_FIELDS, "string")
    | {"article_id": "int64", "views": "Int64", "comments": "Int64"}
    | {"authors": "object", "tags": "object"}  # Python lists
    | dict.fromkeys(_TIMES, "datetime64[us, UTC]")
)
DUCKDB_TYPES = (
    dict.fromkeys(RECORD_FIELDS, "VARCHAR")
    | dict.fromkeys(("article_id", "views", "comments"), "BIGINT")
    | {"authors": "VARCHAR[]", "tags": "VARCHAR[]"}
    | dict.fromkeys(_TIMES, "TIMESTAMP WITH TIME ZONE")
)
README = Path(__file__).resolve().parent.parent / "README.md"


def readme_block(lang: str, marker: str) -> str:
    """The README's one ``lang`` code block that holds ``marker``, verbatim: the tests run
    what analysts copy, not a copy of it."""
    blocks = re.findall(rf"^```{lang}\n(.*?)^```$", README.read_text("utf-8"), re.S | re.M)
    (block,) = (b for b in blocks if marker in b)
    return block


def readme_pandas(root: Path, monkeypatch) -> dict:
    """Runs the README's first pandas snippet (``read_run``) in ``root``, which holds its
    example file ``output/fakti/2026-11-29T06-30-00.jsonl``; its names, ``read_run`` too."""
    monkeypatch.chdir(root)
    names: dict = {}
    exec(readme_block("python", "def read_run"), names)
    return names


def article(record: dict) -> ArticleItem:
    return ArticleItem(**record, layers={name: "jsonld" for name in record})


def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "out" / "fakti"


def completed(tmp_path: Path) -> list[Path]:
    return sorted(out_dir(tmp_path).glob("*[0-9].jsonl"))


def ids(path: Path) -> list[int]:
    return [json.loads(line)["article_id"] for line in path.read_text("utf-8").splitlines()]


# -- names and format ---------------------------------------------------------------------
def test_run_file_names_from_utc_start_with_suffix_when_taken(tmp_path):
    files = new_run_files(tmp_path, datetime(2026, 11, 29, 6, 30, 0, tzinfo=UTC))
    assert files.feed == (tmp_path / "fakti" / "2026-11-29T06-30-00.jsonl").resolve()
    assert files.rejects.name == "2026-11-29T06-30-00.rejects.jsonl"
    assert files.report.name == "2026-11-29T06-30-00.report.json"
    files.feed.write_text("")
    again = new_run_files(tmp_path, datetime(2026, 11, 29, 6, 30, 0, tzinfo=UTC))
    assert again.feed.name == "2026-11-29T06-30-00_001.jsonl"
    temp_path(again.feed).write_text("")  # a run in progress also takes its name
    sofia = datetime.fromisoformat("2026-11-29T08:30:00+02:00")  # the same instant
    assert new_run_files(tmp_path, sofia).feed.name == "2026-11-29T06-30-00_002.jsonl"
    assert new_run_files(tmp_path, datetime(2026, 1, 1, tzinfo=UTC), gzip=True).feed.name == (
        "2026-01-01T00-00-00.jsonl.gz"
    )


def test_a_temporary_left_under_a_name_keeps_the_name_taken(tmp_path):
    """A run file's temporary (`.<stem>.jsonl.part`) takes its stem even with no claim held:
    the next run started in that second takes the next suffix."""
    start = datetime(2026, 11, 29, 6, 30, 0, tzinfo=UTC)
    files = new_run_files(tmp_path, start)
    temp_path(files.feed).write_text("")
    files.release()
    assert new_run_files(tmp_path, start).stem == "2026-11-29T06-30-00_001"


def test_two_runs_started_in_the_same_second_never_share_a_name(tmp_path):
    """The stem is claimed when chosen, long before the first record is written: a second
    run (another process, or this one) takes the next suffix, so no rename replaces a file."""
    start = datetime(2026, 11, 29, 6, 30, 0, tzinfo=UTC)
    first, second = new_run_files(tmp_path, start), new_run_files(tmp_path, start)
    assert (first.stem, second.stem) == ("2026-11-29T06-30-00", "2026-11-29T06-30-00_001")
    assert first.claim.exists() and clean_leftovers(first.directory) == []  # held: kept
    first.release()
    second.release()
    second.release()  # once is enough
    assert list(first.directory.iterdir()) == []
    assert new_run_files(tmp_path, start).stem == first.stem  # nothing was written under it


def test_run_file_names_sort_in_run_order_past_ten_runs_in_one_second(tmp_path):
    """The suffix is zero-padded: ``_10`` sorted before ``_2``."""
    start = datetime(2026, 11, 29, 6, 30, 0, tzinfo=UTC)
    names = []
    for _ in range(12):
        files = new_run_files(tmp_path, start)
        files.feed.write_text("{}\n")
        files.release()
        names.append(files.feed.name)
    assert sorted(names) == names
    assert names[10] == "2026-11-29T06-30-00_010.jsonl"
    assert sorted(p.name for p in files.directory.glob("*[0-9].jsonl")) == names


def test_file_holds_records_in_field_order_without_layers(pipeline_run, make_record, tmp_path):
    run = pipeline_run()
    records = [make_record(i, lang="bg" if i % 2 else "en") for i in range(1, 6)]
    run.feed(*(article(r) for r in records))
    run.close()
    (feed,) = completed(tmp_path)
    assert feed.name.startswith(f"{datetime.now(UTC):%Y-%m-%d}T")
    raw = feed.read_bytes()
    assert "Синтетично заглавие".encode() in raw  # Cyrillic unescaped, UTF-8
    lines = raw.decode("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == records
    assert all(list(json.loads(line)) == list(RECORD_FIELDS) for line in lines)
    assert b"layers" not in raw
    assert run.stats.get_value("export/items") == 5
    assert run.stats.get_value("export/file") == str(feed)
    assert sorted(p.name for p in out_dir(tmp_path).iterdir()) == [feed.name]  # no temporaries


def test_empty_run_writes_no_file_and_no_state_change(pipeline_run, tmp_path):
    run = pipeline_run()
    run.close()
    assert not out_dir(tmp_path).exists() or list(out_dir(tmp_path).iterdir()) == []
    store = SQLiteStore(tmp_path / "out" / ".state" / "fakti.sqlite")
    assert store.is_empty()
    store.close()


def test_gzip_run_file(pipeline_run, make_record, tmp_path):
    run = pipeline_run(FAKTI_GZIP=True)
    run.feed(*(article(make_record(i)) for i in (1, 2)))
    run.close()
    (feed,) = out_dir(tmp_path).glob("*.jsonl.gz")
    lines = gzip.decompress(feed.read_bytes()).decode("utf-8").splitlines()
    assert [json.loads(line)["article_id"] for line in lines] == [1, 2]
    store = SQLiteStore(tmp_path / "out" / ".state" / "fakti.sqlite")
    assert store.get(("bg", 1)).file == str(feed)
    store.close()


def test_standard_feed_exports_get_record_fields_only():
    assert list(RECORD_FIELDS) == project.FEED_EXPORT_FIELDS
    assert "layers" not in project.FEED_EXPORT_FIELDS


# -- hostile text -------------------------------------------------------------------------
HOSTILE = [
    "ред\u2028на\u2029ред\u0085край",
    "контрол \x00\x01\x1b\x1f\x7f и \r\n\t",
    "самотен \ud800 и \udfff сурогат",
    "двойка \ud83d\ude00 сурогати",
    'кавички " и \\ обратна черта \\\u2028',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_json_line_is_one_valid_line(text):
    line = json_line({"body": text})
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    decoded = line.decode("utf-8")  # strict: no surrogates leaked into the bytes
    assert len(decoded.splitlines()) == 1  # str.splitlines knows U+2028/2029/0085 too
    value = json.loads(decoded)["body"]
    fixed = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    assert value == fixed  # lone surrogates -> U+FFFD, pairs -> their character
    assert ("\ufffd" in value) is ("самотен" in text)


def test_surrogate_pair_becomes_the_character():
    assert json.loads(json_line({"t": "\ud83d\ude00"}))["t"] == "\U0001f600"


def _json_values(scalars: st.SearchStrategy) -> st.SearchStrategy:
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4)
        ),
        max_leaves=12,
    )


SCALARS = st.none() | st.booleans() | st.integers() | st.text() | st.datetimes()


@settings(max_examples=400, deadline=None)
@given(_json_values(SCALARS))
def test_json_line_is_the_same_line_with_orjson_or_json(value):
    """The fast path (orjson) and the fallback (json) write the same bytes for any value
    without floats; what orjson refuses (lone surrogates, ints beyond 64 bits, int keys) takes
    the fallback."""
    assert json_line(value) == _json_line(value)


@settings(max_examples=200, deadline=None)
@given(_json_values(SCALARS | st.floats()))
def test_json_line_floats_are_the_same_values_with_orjson_or_json(value):
    """Floats (no record field is one) read back the same; orjson may write an exponent
    differently (``5.9e-8`` for ``5.9e-08``, ``0.00001`` for ``1e-05``)."""
    assert json.loads(json_line(value)) == json.loads(_json_line(value))


def test_json_line_values_orjson_refuses_or_writes_differently():
    assert (
        json_line({"n": 2**70, 1: [float("nan")]}) == b'{"n":1180591620717411303424,"1":[null]}\n'
    )
    assert json_line([float("inf"), -0.0, 0.1]) == b"[null,-0.0,0.1]\n"
    assert json_line({"t": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "s": ("a",)}) == (
        b'{"t":"2026-01-02T03:04:05+00:00","s":["a"]}\n'
    )
    with pytest.raises(TypeError, match="not JSON serialisable: object"):
        json_line({"x": object()})


def _hostile_run(pipeline_run, make_record) -> None:
    run = pipeline_run()
    records = [  # content_hash given: hashing lone surrogates is the extractor's concern
        make_record(i, body=text, headline=f"Заглавие {text}", content_hash="sha256:" + "a" * 64)
        for i, text in enumerate(HOSTILE, 1)
    ]
    big = "Дълъг текст. " * 150_000  # 3.4 MB of UTF-8 on one line
    records.append(make_record(99, body=big, tags=["таг\u2028", "друг"]))
    run.feed(*(article(r) for r in records))
    run.feed(RejectItem(url="https://fakti.bg/world/98-x", reason="no_date", partial={}))
    run.close()


def test_hostile_file_loads_line_by_line(pipeline_run, make_record, tmp_path):
    _hostile_run(pipeline_run, make_record)
    (feed,) = completed(tmp_path)
    raw = feed.read_bytes()
    lines = raw.split(b"\n")
    assert lines[-1] == b"" and len(lines) == len(HOSTILE) + 2
    for line in lines[:-1]:
        json.loads(line.decode("utf-8"))
    assert len(raw.decode("utf-8").splitlines()) == len(HOSTILE) + 1
    assert len(json.loads(lines[-2])["body"]) > 1_900_000


def test_pandas_loads_with_documented_types(pipeline_run, make_record, tmp_path, monkeypatch):
    import pandas as pd

    _hostile_run(pipeline_run, make_record)
    run = pipeline_run()
    run.feed(
        article(
            make_record(
                200,
                views=None,
                comments=7,
                published_at="2025-01-05T10:00:00+02:00",
                updated_at="2025-01-05T11:00:00+02:00",
                authors=[],
                headline="2024",  # text that looks like numbers stays text
                subtitle="1e3",
                body="0012",
            )
        ),
    )
    run.close()
    example = tmp_path / "readme" / "output" / "fakti" / "2026-11-29T06-30-00.jsonl"
    example.parent.mkdir(parents=True)
    shutil.copy(completed(tmp_path)[0], example)
    read_run = readme_pandas(tmp_path / "readme", monkeypatch)["read_run"]
    df = pd.concat(map(read_run, completed(tmp_path)), ignore_index=True)
    assert len(df) == len(HOSTILE) + 2
    assert list(df.columns) == list(RECORD_FIELDS)
    assert {name: str(kind) for name, kind in df.dtypes.items()} == PANDAS_TYPES
    last = df[df["article_id"] == 200].iloc[0]
    assert pd.isna(last["views"]) and last["comments"] == 7 and last["authors"] == []
    assert (last["headline"], last["subtitle"], last["body"]) == ("2024", "1e3", "0012")
    assert last["published_at"] == pd.Timestamp("2025-01-05T08:00:00Z")
    assert last["updated_at"] == pd.Timestamp("2025-01-05T09:00:00Z")
    assert df[df["article_id"] == 99].iloc[0]["tags"] == ["таг\u2028", "друг"]


def test_duckdb_loads_with_documented_types(pipeline_run, make_record, tmp_path):
    import duckdb

    _hostile_run(pipeline_run, make_record)
    glob = str(out_dir(tmp_path) / "*[0-9].jsonl")
    con = duckdb.connect()
    assert list(out_dir(tmp_path).glob("*.rejects.jsonl"))  # present, and left out by the glob
    described = con.sql(f"DESCRIBE SELECT * FROM read_json('{glob}')").fetchall()
    auto = {name: kind for name, kind, *_ in described}
    assert list(auto) == list(RECORD_FIELDS)
    assert auto["article_id"] == "BIGINT"
    assert auto["published_at"] == "TIMESTAMP WITH TIME ZONE"
    assert auto["authors"] == "VARCHAR[]"
    rows = con.sql(
        f"SELECT article_id, views, published_at, length(body) FROM read_json('{glob}', "
        f"columns = {DUCKDB_COLUMNS}) ORDER BY article_id"
    ).fetchall()
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 99]
    assert rows[0][1] == 144
    assert rows[0][2] == datetime(2025, 4, 23, 5, 3, tzinfo=UTC)
    assert rows[-1][3] > 1_900_000


def test_duckdb_reads_a_column_null_in_the_first_32_files_with_the_fixed_schema(tmp_path):
    """DuckDB types a glob from its first 32 files: `updated_at` null in all of them read
    as null in the 33rd too, silently (167 and 451 values lost in a review's run)."""
    import duckdb

    from newsspider.pipelines.jsonline import json_line

    folder = tmp_path / "fakti"
    folder.mkdir()
    base = {"url": "https://fakti.bg/en/world/1-x", "lang": "en", "section": "world"}
    base |= {"headline": "H", "subtitle": None, "published_at": "2025-04-23T08:03:00+03:00"}
    base |= {"views": 1, "authors": [], "tags": [], "image_url": None, "body": "B"}
    base |= {"scraped_at": "2026-11-29T06:30:12+00:00", "content_hash": "x"}
    for n in range(1, 34):
        late = n == 33
        updated = "2025-04-23T09:00:00+03:00" if late else None
        record = {"article_id": n, **base, "updated_at": updated, "comments": n if late else None}
        (folder / f"2026-11-29T06-{n:02d}-00.jsonl").write_bytes(json_line(record))
    glob = str(folder / "*[0-9].jsonl")
    sampled = duckdb.sql(f"SELECT count(updated_at) FROM read_json('{glob}')").fetchall()
    fixed = duckdb.sql(
        f"SELECT count(updated_at), count(comments) FROM read_json('{glob}', "
        f"columns = {DUCKDB_COLUMNS})"
    ).fetchall()
    assert sampled == [(0,)]  # what the README warns of
    assert fixed == [(1, 1)]


def _analyst_runs(root: Path, make_record) -> Path:
    """Run files as a reviewer's real crawls had them, in ``root/output/fakti``: one with
    only +02:00 offsets and no null views (including a BG form B page updated before it was
    published), one with mixed offsets, a null view and text that looks like numbers, an
    English one (two records) with `subtitle`, `image_url`, `updated_at` and `comments` null
    and `authors`, `tags` empty in every record, then a FAKTI_GZIP run under
    FAKTI_EMIT=changed that writes key (bg, 1) again, edited, and a run in the same second
    (``_001``, the same ``scraped_at``) that writes it edited again. Beside them: a rejects
    file, a report and a hidden temporary of a run being written, which no glob may take."""
    folder = root / "output" / "fakti"
    folder.mkdir(parents=True)
    winter = {
        "published_at": "2025-01-05T10:00:00+02:00",
        "scraped_at": "2026-11-29T06:30:00+00:00",
    }
    first = [
        make_record(1, **winter),
        make_record(2, **winter, updated_at="2025-01-05T09:03:00+02:00"),  # form B: earlier
        make_record(3, **winter, views=2**53 + 1),  # beyond a float's exact integers
    ]
    second = [
        make_record(4, published_at="2025-04-23T08:03:00+03:00", views=None, comments=3),
        make_record(5, headline="2024", subtitle="1e3", body="0012"),
    ]
    second[1]["published_at"] = "2025-03-29T23:10:00+02:00"
    blank = {"subtitle": None, "image_url": None, "updated_at": None, "comments": None}
    english = [make_record(n, lang="en", **blank, authors=[], tags=[]) for n in (6, 7)]
    edited = make_record(1, **winter | {"scraped_at": "2026-11-29T09:30:00+00:00"}, headline="Нов")
    again = edited | {"headline": "Новее"}  # the next run, in the same second: a tie
    for name, records in [
        ("2026-11-29T06-30-00.jsonl", first),
        ("2026-11-29T07-30-00.jsonl", second),
        ("2026-11-29T08-30-00.jsonl", english),
        ("2026-11-29T06-30-00.rejects.jsonl", [{"url": "u", "reason": "r", "partial": {}}]),
        (".2026-11-29T10-30-00.jsonl.part", [make_record(666)]),
        ("2026-11-29T09-30-00_001.jsonl", [again]),
    ]:
        (folder / name).write_bytes(b"".join(map(json_line, records)))
    with gzip.open(folder / "2026-11-29T09-30-00.jsonl.gz", "wb") as gz:
        gz.write(json_line(edited))
    (folder / "2026-11-29T09-30-00.report.json").write_text('{"run": {}}')
    return folder


def test_readme_read_run_gives_the_same_types_in_every_file(make_record, tmp_path, monkeypatch):
    """README "The record": ``read_run`` gives every file the documented types, where a bare
    ``pd.read_json(path, lines=True)`` gave a reviewer `published_at` datetime64 in one file
    and str in another, `views` int64 or float64, `subtitle` float64 in a two-record file;
    and the recipe before it left an all-null `subtitle`/`image_url` object of NaN."""
    import pandas as pd

    folder = _analyst_runs(tmp_path, make_record)
    names = readme_pandas(tmp_path, monkeypatch)
    read_run = names["read_run"]
    paths = sorted(folder.glob("[0-9]*[0-9].jsonl*"))
    assert len(paths) == 5
    for path in paths:
        df = read_run(path)
        assert {name: str(kind) for name, kind in df.dtypes.items()} == PANDAS_TYPES, path.name
    assert names["df"]["article_id"].tolist() == [1, 2, 3]  # the snippet's own example

    english = read_run(folder / "2026-11-29T08-30-00.jsonl")
    assert english[["subtitle", "image_url", "comments"]].isna().all().all()
    assert english["authors"].tolist() == [[], []] and english["tags"].tolist() == [[], []]
    mixed = read_run(folder / "2026-11-29T07-30-00.jsonl").set_index("article_id")
    assert tuple(mixed.loc[5, ["headline", "subtitle", "body"]]) == ("2024", "1e3", "0012")
    assert pd.isna(mixed.loc[4, "views"]) and mixed.loc[4, "comments"] == 3
    assert mixed.loc[4, "published_at"] == pd.Timestamp("2025-04-23T05:03:00Z")
    form_b = read_run(folder / "2026-11-29T06-30-00.jsonl").set_index("article_id").loc[2]
    assert form_b["updated_at"] - form_b["published_at"] == pd.Timedelta(minutes=-57)

    # what the README says a bare read_json does: types guessed per file
    bare = [pd.read_json(path, lines=True).dtypes.astype(str) for path in paths[:3]]
    assert bare[0]["published_at"].startswith("datetime64") and bare[1]["published_at"] == "str"
    assert (bare[0]["views"], bare[1]["views"]) == ("int64", "float64")
    assert bare[2]["subtitle"] == "float64"


def test_readme_pandas_all_runs_latest_per_key(make_record, tmp_path, monkeypatch):
    """README "The run file": the glob takes the .jsonl and the .jsonl.gz runs (and no
    rejects, report or temporary); with FAKTI_EMIT=changed a key is in more than one run,
    and ``latest`` keeps its last record."""
    _analyst_runs(tmp_path, make_record)
    names = readme_pandas(tmp_path, monkeypatch)
    exec(readme_block("python", "drop_duplicates"), names)
    runs, latest = names["runs"], names["latest"]
    assert sorted(runs["article_id"]) == [1, 1, 1, 2, 3, 4, 5, 6, 7]
    assert {name: str(kind) for name, kind in runs.dtypes.items()} == PANDAS_TYPES
    assert not latest.duplicated(["lang", "article_id"]).any() and len(latest) == 7
    assert latest.set_index("article_id").loc[1, "headline"] == "Новее"


def test_readme_duckdb_fixed_schema_view_and_latest_per_key(make_record, tmp_path, monkeypatch):
    """README "The run file": detection types a file of English articles' empty lists
    `JSON[]` and its null columns "NULL"; the README's view (the fixed schema) gives the
    documented types, takes the .jsonl and .jsonl.gz runs, and its latest-per-key query
    keeps one record per key, the last."""
    import duckdb

    _analyst_runs(tmp_path, make_record)
    monkeypatch.chdir(tmp_path)
    con = duckdb.connect()
    english = "read_json('output/fakti/2026-11-29T08-30-00.jsonl')"
    detected = {
        name: kind for name, kind, *_ in con.sql(f"DESCRIBE SELECT * FROM {english}").fetchall()
    }
    assert detected["authors"] == detected["tags"] == "JSON[]"  # what the README warns of
    assert {detected[name] for name in ("subtitle", "image_url", "updated_at", "comments")} == {
        '"NULL"'
    }
    view = readme_block("sql", "CREATE OR REPLACE VIEW fakti")
    schema = "".join(f"columns = {DUCKDB_COLUMNS}, filename = true);".split())
    assert "".join(view.split()).endswith(schema)  # the schema the other tests use
    con.execute(view)
    described = con.sql("DESCRIBE SELECT * FROM fakti").fetchall()
    assert {name: kind for name, kind, *_ in described} == DUCKDB_TYPES | {"filename": "VARCHAR"}
    ids = sorted(r[0] for r in con.sql("SELECT article_id FROM fakti").fetchall())
    assert ids == [1, 1, 1, 2, 3, 4, 5, 6, 7]
    latest = con.sql(readme_block("sql", "QUALIFY row_number()"))
    rows = latest.select("lang, article_id, headline").order("lang, article_id").fetchall()
    assert [r[:2] for r in rows] == [("bg", n) for n in range(1, 6)] + [("en", 6), ("en", 7)]
    assert rows[0][2] == "Новее"  # the tie on scraped_at goes to the later run file
    inline = 'duckdb.sql("SELECT * FROM fakti").df()'  # the README's way to a BIGINT-exact frame
    assert f"`{inline}`" in README.read_text("utf-8")
    frame = eval(inline, {"duckdb": con})
    assert str(frame["views"].dtype) == "Int64" and frame["views"].max() == 2**53 + 1


# -- crash safety -------------------------------------------------------------------------
class Killed(BaseException):
    """The process dies here (BaseException: nothing catches it on the way)."""


def _die_at(monkeypatch, target, name):
    def die(*args, **kwargs):
        raise Killed(name)

    monkeypatch.setattr(target, name, die)


def _abandon(run) -> None:
    """What the kernel does to a SIGKILLed process: fds closed (locks released), no cleanup."""
    for pipe in run.pipes:
        writer = getattr(pipe, "_writer", None)
        file = writer.file if writer is not None else None
        if file is not None and not file._raw.closed:
            file._raw.close()
    os.close(runfiles_mod._CLAIMS.pop(run_files(run.crawler).claim))  # the file stays
    for lock in list(lock_mod._HELD):
        os.close(lock_mod._HELD.pop(lock))
    store = run.crawler._fakti_state_store
    store._db.close()  # uncommitted sightings are lost, as in a kill


def _crash_then_rerun(pipeline_run, make_record, tmp_path, monkeypatch, kill):
    """Run 1 exports 1-5 and dies where ``kill`` says; run 2 (no fault) sees 1-7."""
    monkeypatch.setattr(export_mod, "PENDING_BATCH", 2)
    first = pipeline_run()
    kill(first)
    first.feed(*(article(make_record(i)) for i in range(1, 6)))
    with pytest.raises(Killed):
        first.close()
    _abandon(first)
    monkeypatch.undo()
    second = pipeline_run()
    second.feed(*(article(make_record(i)) for i in range(1, 8)))
    second.close()
    return second


def test_killed_before_fsync_leaves_no_complete_looking_file_and_reemits(
    pipeline_run, make_record, tmp_path, monkeypatch, caplog
):
    second = _crash_then_rerun(
        pipeline_run,
        make_record,
        tmp_path,
        monkeypatch,
        lambda run: _die_at(monkeypatch, AtomicFile, "sync"),
    )
    (feed,) = completed(tmp_path)
    assert ids(feed) == [1, 2, 3, 4, 5, 6, 7]  # nothing lost
    assert second.stats.get_value("export/leftovers_removed") == 2  # the temporary, the claim
    assert second.stats.get_value("state/recovered/rolled_back_keys") == 5  # all were pending
    assert [p.name for p in out_dir(tmp_path).iterdir()] == [feed.name]
    # the warning names them (in a folder workers share, they may be another worker's)
    (removed,) = [m for m in caplog.messages if m.startswith("removed 2 unfinished")]
    names = removed.partition(": ")[2].split(", ")
    assert [name.rpartition(".")[0].rpartition(".")[2] for name in names] == ["claim", "jsonl"]
    # the re-run's report says so (it was only in the stats dump and one WARNING: review)
    now = datetime(2026, 11, 29, 6, 30, tzinfo=UTC)
    report = summarize(second.stats.get_stats(), RunContext(now, now, 0.0, "finished", "first"))
    assert report["recovered"] == {
        "leftovers_removed": 2,
        "committed_files": 0,
        "committed_keys": 0,
        "rolled_back_files": 1,
        "rolled_back_keys": 5,
    }
    assert (
        "an earlier run was interrupted: 2 unfinished file(s) removed, 5 key(s) of 1 "
        "unpublished feed(s) rolled back (not exported: a run over their window asks for them "
        "again, e.g. the interrupted run's arguments once more); recovered"
    ) in evaluate(report).notes


def test_killed_mid_run_reemits_everything(pipeline_run, make_record, tmp_path, monkeypatch):
    monkeypatch.setattr(export_mod, "PENDING_BATCH", 2)
    first = pipeline_run()
    first.feed(*(article(make_record(i)) for i in range(1, 6)))  # no close: killed here
    _abandon(first)
    assert completed(tmp_path) == []
    temp, claim = sorted(out_dir(tmp_path).iterdir(), key=lambda p: "claim" in p.name)
    assert temp.name.startswith(".") and temp.name.endswith(".jsonl.part")
    assert claim.name == f".{run_files(first.crawler).stem}.claim.part"
    second = pipeline_run()
    second.feed(*(article(make_record(i)) for i in range(1, 8)))
    second.close()
    (feed,) = completed(tmp_path)
    assert ids(feed) == [1, 2, 3, 4, 5, 6, 7]
    assert second.stats.get_value("state/recovered/rolled_back_keys") == 4  # two batches of 2


def test_killed_after_pending_before_rename_rolls_back(
    pipeline_run, make_record, tmp_path, monkeypatch
):
    _crash_then_rerun(
        pipeline_run,
        make_record,
        tmp_path,
        monkeypatch,
        lambda run: _die_at(monkeypatch, atomic.os, "rename"),
    )
    (feed,) = completed(tmp_path)
    assert ids(feed) == [1, 2, 3, 4, 5, 6, 7]


def test_killed_after_rename_before_commit_commits_at_next_start(
    pipeline_run, make_record, tmp_path, monkeypatch
):
    def kill(run):
        _die_at(monkeypatch, run.crawler._fakti_state_store, "commit_file")

    second = _crash_then_rerun(pipeline_run, make_record, tmp_path, monkeypatch, kill)
    older, newer = completed(tmp_path)
    assert ids(older) == [1, 2, 3, 4, 5]
    assert ids(newer) == [6, 7]  # 1-5 are not emitted twice
    assert second.stats.get_value("state/recovered/committed_keys") == 5


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_run_whose_lock_file_went_away_publishes_nothing(
    pipeline_run, make_record, tmp_path, monkeypatch, how
):
    """A run started once the lock file is deleted takes a new one, rolls back this run's
    pending keys and exports them itself: this run's file, published, held every record twice
    (reviewer: 300 of 300 duplicated). Now this run fails (exit 9) and publishes nothing."""
    monkeypatch.setattr(export_mod, "PENDING_BATCH", 2)
    first = pipeline_run()
    first.feed(*(article(make_record(i)) for i in range(1, 5)))  # (two batches: committed)
    lock = tmp_path / "out" / ".state" / "fakti.sqlite.lock"
    lock.unlink()
    if how == "replaced":  # the other run: its own lock file, its start-up recovery, its export
        lock.write_text("pid 1 since 2026-11-30T09:00:00+00:00\n")
        other = open_store(state_location(None, str(tmp_path / "out")))
        assert other.recover()["rolled_back_keys"] == 4  # the first run's two batches
        feed = str(tmp_path / "other.jsonl")
        other.add_pending(feed, [(("bg", i), make_record(i)["content_hash"]) for i in range(1, 5)])
        Path(feed).touch()
        assert other.commit_file(feed) == 4
        other.close()
    first.close()
    assert first.stats.get_value("export/write_failed") == run_files(first.crawler).feed.name
    assert completed(tmp_path) == []
    assert exit_status(first.crawler) == 9
    second = pipeline_run()
    second.feed(*(article(make_record(i)) for i in range(1, 7)))
    second.close()
    (feed,) = completed(tmp_path)
    assert ids(feed) == ([5, 6] if how == "replaced" else [1, 2, 3, 4, 5, 6])


def _lose_state(tmp_path: Path, how: str) -> Path:
    """The state file (and its -wal, -shm) ``deleted``, or ``replaced`` by a new state, as a
    run goes on; its path."""
    state = tmp_path / "out" / ".state" / "fakti.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{state}{suffix}").unlink(missing_ok=True)
    if how == "replaced":
        open_store(state).close()
    return state


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_run_whose_state_file_went_away_keeps_its_run_file_and_fails(
    pipeline_run, make_record, tmp_path, caplog, how
):
    """The state file deleted during a run (review: fakti.sqlite, -wal and -shm removed 4 s
    into a crawl) took the run's keys with it: the run said ``health: OK``, exit 0, and the
    next run, silently a first run, wrote all 127 records again. Now the run keeps its file
    (a first run may walk back less far: not publishing it could lose records), exits 9 and
    says that the next run writes them again (not that it exported them)."""
    caplog.set_level(logging.INFO)
    first = pipeline_run()
    first.feed(*(article(make_record(i)) for i in range(1, 4)))
    state = _lose_state(tmp_path, how)
    first.close()
    (older,) = completed(tmp_path)
    assert ids(older) == [1, 2, 3]
    assert first.stats.get_value("export/file") == str(older)
    assert first.stats.get_value("export/write_failed") == older.name
    assert exit_status(first.crawler) == 9
    assert (
        f"writing {older.name} failed (the state file {state} was {how} during the run): "
        f"stopping the run; {older.name} is published, but its 3 record(s) are in no state: "
        "the next run writes them again"
    ) in caplog.messages
    assert not [m for m in caplog.messages if m.startswith("exported")]  # (no commit)
    second = pipeline_run()
    second.feed(*(article(make_record(i)) for i in range(1, 5)))
    second.close()
    assert exit_status(second.crawler) == 0
    assert ids(completed(tmp_path)[1]) == [1, 2, 3, 4]  # (as it said)


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_run_without_records_whose_state_file_went_away_fails(
    pipeline_run, make_record, tmp_path, caplog, how
):
    """The check came only once a run file was published: a run with nothing new whose state
    was deleted on its 3rd response said "no records to export", ``health: OK``, exit 0
    (review: the next run, a first run, wrote the 17 records of the run before again). Now
    it fails the same way (exit 9) and says why."""
    first = pipeline_run()
    first.feed(*(article(make_record(i)) for i in range(1, 4)))
    first.close()
    quiet = pipeline_run()
    state = _lose_state(tmp_path, how)
    quiet.close()
    assert len(completed(tmp_path)) == 1  # (the first run's: nothing new written)
    assert quiet.stats.get_value("export/write_failed") == "the state"
    assert exit_status(quiet.crawler) == 9
    assert (
        f"writing the state failed (the state file {state} was {how} during the run): "
        "stopping the run; the run wrote no records and moves no watermark: the next run "
        "starts from the state file as it then is (a first run if there is none)"
    ) in caplog.messages


def test_a_run_whose_state_folder_became_a_file_fails(pipeline_run, make_record, tmp_path, caplog):
    """The state's folder replaced by a file during a run: looking at the state file raised
    ``NotADirectoryError`` out of the pipeline's close, and a run without records exited 0
    (found by mutation round 13, S17). Now the state is lost, as for a deleted file."""
    first = pipeline_run()
    first.feed(*(article(make_record(i)) for i in range(1, 4)))
    first.close()
    quiet = pipeline_run()
    folder = tmp_path / "out" / ".state"
    shutil.rmtree(folder)
    folder.write_text("not a folder")
    quiet.close()
    assert quiet.stats.get_value("export/write_failed") == "the state"
    assert exit_status(quiet.crawler) == 9
    state = folder / "fakti.sqlite"
    assert any(  # (the reason alone: the path is not repeated)
        m.startswith(
            f"writing the state failed (the state file {state} cannot be looked at (Not a "
            "directory)): "
        )
        for m in caplog.messages
    )


def test_a_run_whose_o_feed_cannot_be_written_fails_and_keeps_its_run_file(
    pipeline_run, make_record, tmp_path
):
    """-O into a folder that is a file: one traceback per record and exit 0, the -O consumer
    missing those records without a word. Now the run fails (exit 9); its run file, the
    output of record, is published whole and its keys committed (the feed is a copy: a
    rollback made the next run append them again to a -o feed that held them)."""
    from scrapy import Spider

    from newsspider.extensions.feeds import FEED_FAILED, CheckedFeedExporter

    (tmp_path / "file").write_text("x")
    uri = str(tmp_path / "file" / "x.jsonl")
    run = pipeline_run(FEEDS={uri: {"format": "jsonlines"}})
    feeds = CheckedFeedExporter.from_crawler(run.crawler)
    spider = Spider(name="fakti")
    feeds.open_spider(spider)
    run.feed(*(article(make_record(i)) for i in range(1, 4)))
    for item in run.passed:
        feeds.item_scraped(item, spider)  # (raised NotADirectoryError, caught by Scrapy)
    run.close()
    assert run.stats.get_value("export/write_failed") == run.stats.get_value(FEED_FAILED) == uri
    assert exit_status(run.crawler) == 9
    (feed,) = completed(tmp_path)
    assert ids(feed) == [1, 2, 3]
    again = pipeline_run()
    again.feed(*(article(make_record(i)) for i in range(1, 4)))
    again.close()
    assert completed(tmp_path) == [feed]  # (nothing new: no file)


def test_a_run_whose_extra_lock_file_went_away_still_publishes(pipeline_run, make_record, tmp_path):
    """FAKTI_LOCK_FILE keeps no other run from this state (its own lock is still held): a
    shared one deleted during the run failed the run (review: exit 9, 38 records withheld)."""
    shared = tmp_path / "shared.lock"
    run = pipeline_run(FAKTI_LOCK_FILE=str(shared))
    run.feed(*(article(make_record(i)) for i in range(1, 4)))
    shared.unlink()
    run.close()
    assert run.stats.get_value("export/write_failed") is None
    (feed,) = completed(tmp_path)
    assert ids(feed) == [1, 2, 3]


def test_killed_before_dir_fsync_still_commits(pipeline_run, make_record, tmp_path, monkeypatch):
    _crash_then_rerun(
        pipeline_run,
        make_record,
        tmp_path,
        monkeypatch,
        lambda run: _die_at(monkeypatch, atomic, "fsync_dir"),
    )
    older, newer = completed(tmp_path)
    assert (ids(older), ids(newer)) == ([1, 2, 3, 4, 5], [6, 7])


def test_clean_leftovers_removes_the_private_names_a_killed_run_left(tmp_path):
    """A kill while a temporary or claim was being made left ``<name>.<pid>`` for ever (8 of
    30 kills in a review); one whose process lives may be in the middle of it."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    dead = [tmp_path / f".a.jsonl.part.{proc.pid}", tmp_path / f".b.claim.part.{proc.pid}"]
    mine = tmp_path / f".c.jsonl.part.{os.getpid()}"
    for path in (*dead, mine):
        path.write_bytes(b"")
    assert clean_leftovers(tmp_path) == sorted(dead)
    assert mine.exists()


def test_clean_leftovers_spares_a_live_writer(tmp_path):
    live = AtomicFile(tmp_path / "live.jsonl")
    live.write(b"{}\n")
    dead = temp_path(tmp_path / "dead.jsonl")
    dead.write_bytes(b"{}")
    assert clean_leftovers(tmp_path) == [dead]
    assert live.temp.exists()
    live.publish()
    assert (tmp_path / "live.jsonl").read_bytes() == b"{}\n"
    assert not live.temp.exists()


def test_publish_fsyncs_file_then_directory(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_rename = os.fsync, os.rename
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: calls.append("fsync") or real_fsync(fd))
    monkeypatch.setattr(
        atomic.os, "rename", lambda a, b: calls.append("rename") or real_rename(a, b)
    )
    f = AtomicFile(tmp_path / "x.jsonl")
    f.write(b"1\n")
    f.publish()
    assert calls == ["fsync", "rename", "fsync"]


class _DiskFull:
    """A stream that writes half of what it is given, then fails as a full disk does."""

    def __init__(self, out) -> None:
        self.out = out

    def write(self, data: bytes) -> None:
        self.out.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("gz", [False, True])
def test_a_failed_write_publishes_nothing_and_the_next_run_emits_everything(
    pipeline_run, make_record, tmp_path, monkeypatch, gz, caplog
):
    monkeypatch.setattr(export_mod, "PENDING_BATCH", 2)
    first = pipeline_run(FAKTI_GZIP=gz)
    first.feed(*(article(make_record(i)) for i in range(1, 4)))
    (exporter,) = (p for p in first.pipes if isinstance(p, export_mod.ExportPipeline))
    file = exporter._writer.file
    file._out = _DiskFull(file._out)
    with pytest.raises(OSError, match="No space"):
        first.feed(article(make_record(4)))
    with pytest.raises(atomic.WriteFailed):  # part of a line is in the file: no more writes
        first.feed(article(make_record(5)))
    first.close()
    assert first.stats.get_value("export/write_failed") == file.final.name
    assert first.stats.get_value("export/file") is None
    assert list(out_dir(tmp_path).iterdir()) == []  # no feed, no temporary, no claim
    # it said '0 record(s) rolled back' with 33 in the file (the pending keys flushed: review)
    assert (
        "feed not published: its 3 record(s) discarded and their keys left out of the state "
        "(2 pending rolled back): the next run asks for them again"
    ) in caplog.messages
    second = pipeline_run(FAKTI_GZIP=gz)
    second.feed(*(article(make_record(i)) for i in range(1, 6)))
    second.close()
    (feed,) = out_dir(tmp_path).glob("*.jsonl*")
    data = gzip.decompress(feed.read_bytes()) if gz else feed.read_bytes()
    assert [json.loads(line)["article_id"] for line in data.splitlines()] == [
        make_record(i)["article_id"] for i in range(1, 6)
    ]  # the 3 written before the failure were rolled back, not lost


@pytest.mark.parametrize("which", ["feed", "rejects"])
def test_a_write_that_fails_at_close_is_signalled_and_publishes_no_such_file(
    pipeline_run, make_record, tmp_path, monkeypatch, which
):
    """Under 64 KiB everything is still buffered: the failure shows at the final flush."""
    run = pipeline_run()
    heard = []
    run.crawler.signals.connect(
        lambda name: heard.append(name), signal=writer_mod.write_failure, weak=False
    )
    run.feed(article(make_record(1)), RejectItem(url="https://fakti.bg/world/7-x", reason="r"))
    target = run_files(run.crawler).feed if which == "feed" else run_files(run.crawler).rejects
    real_sync = AtomicFile.sync

    def sync(self):
        if self.final == target:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_sync(self)

    monkeypatch.setattr(AtomicFile, "sync", sync)
    run.close()
    assert heard == [target.name] and run.stats.get_value("export/write_failed") == target.name
    assert not target.exists()
    names = sorted(p.name for p in out_dir(tmp_path).iterdir())
    if which == "feed":  # rolled back: the next run emits it again
        assert names == [run_files(run.crawler).rejects.name]
        assert run.stats.get_value("export/file") is None
    else:  # the records are sound: the feed stands (the run still fails, and moves no mark)
        assert names == [run_files(run.crawler).feed.name]


def test_a_failed_write_asks_for_exit_status_9_at_once(pipeline_run, make_record, tmp_path):
    """So a run then forced to stop (a second SIGTERM: no report) still exits non-zero."""

    run = pipeline_run()
    run.feed(article(make_record(1)))
    (exporter,) = (p for p in run.pipes if isinstance(p, export_mod.ExportPipeline))
    file = exporter._writer.file
    file._out = _DiskFull(file._out)
    with pytest.raises(OSError):
        run.feed(article(make_record(2)))
    assert exit_status(run.crawler) == 9
    run.close()


def test_no_other_runs_cleanup_can_take_a_claim_being_made(tmp_path, monkeypatch):
    """The claim is locked before it appears under its name."""
    start = datetime(2026, 11, 29, 6, 30, 0, tzinfo=UTC)
    link = os.link

    def link_then_clean(src, dst):
        link(src, dst)
        assert clean_leftovers(Path(dst).parent) == []  # another run starting just now

    monkeypatch.setattr(runfiles_mod.os, "link", link_then_clean)
    files = new_run_files(tmp_path, start)
    assert files.claim.exists() and [p.name for p in files.directory.iterdir()] == [
        files.claim.name
    ]
    files.release()


def test_no_other_runs_cleanup_can_take_a_temporary_being_made(tmp_path, monkeypatch):
    """Another run's start-up cleanup, run after each step of making the temporary (it
    deleted one created but not yet locked), finds nothing to remove."""
    real_open, real_link = os.open, os.link

    def open_then_clean(path, flags, *args):
        fd = real_open(path, flags, *args)
        if flags & os.O_CREAT:
            assert clean_leftovers(tmp_path) == []
        return fd

    def link_then_clean(src, dst):
        real_link(src, dst)
        assert clean_leftovers(tmp_path) == []

    monkeypatch.setattr(atomic.os, "open", open_then_clean)
    monkeypatch.setattr(atomic.os, "link", link_then_clean)
    file = AtomicFile(tmp_path / "x.jsonl")
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == [file.temp.name]
    file.write(b"{}\n")
    assert file.publish().read_bytes() == b"{}\n"


def test_a_feed_whose_temporary_cannot_be_made_stops_the_run(
    pipeline_run, make_record, tmp_path, monkeypatch, caplog
):
    """No inode or quota left: not even the temporary can be created. The run says its feed
    was not published (not that it had no records to export)."""

    def cannot(self, *args, **kwargs):
        raise OSError(errno.EDQUOT, "Disk quota exceeded")

    run = pipeline_run()
    monkeypatch.setattr(AtomicFile, "__init__", cannot)
    with pytest.raises(OSError, match="quota"):
        run.feed(article(make_record(1)))
    assert run.stats.get_value("export/write_failed") == run_files(run.crawler).feed.name
    run.close()
    assert run.stats.get_value("export/file") is None
    assert "no records to export" not in caplog.text
    assert "feed not published: its 0 record(s) discarded" in caplog.text


def test_a_feed_whose_temporary_could_not_be_made_once_is_not_published(
    pipeline_run, make_record, tmp_path, monkeypatch
):
    """Made by the next record instead (EMFILE, a moment later), the temporary lacked the
    first record, and was published."""
    real_init = AtomicFile.__init__
    calls = []

    def once(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError(errno.EMFILE, "Too many open files")
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(AtomicFile, "__init__", once)
    run = pipeline_run()
    with pytest.raises(OSError, match="Too many"):
        run.feed(article(make_record(1)))
    with pytest.raises(atomic.WriteFailed):  # (records already in flight)
        run.feed(article(make_record(2)))
    run.close()
    assert run.stats.get_value("export/write_failed") == run_files(run.crawler).feed.name
    assert run.stats.get_value("export/file") is None
    assert list(out_dir(tmp_path).iterdir()) == []


def _state_full(request, monkeypatch, method: str) -> dict:
    """Settings for a run on ``request.param``'s state, whose ``method`` then fails as a full
    disk (SQLite) or a lost server (Redis) does."""
    if request.param == "sqlite":
        import sqlite3

        store_class, error = SQLiteStore, sqlite3.OperationalError("database or disk is full")
        settings = {}
    else:
        import redis

        from newsspider.state.redis import RedisStore

        store_class, error = RedisStore, redis.ConnectionError("Connection reset by peer")
        settings = {"FAKTI_STATE": request.getfixturevalue("redis_url")}

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(store_class, method, fail)
    return settings


@pytest.fixture(params=["sqlite", "redis"])
def state_backend(request):
    return request


def test_a_state_that_cannot_record_the_keys_at_close_fails_the_feed(
    pipeline_run, make_record, tmp_path, monkeypatch, state_backend
):
    """The state refuses the last pending rows: the error escaped close_spider, leaving the
    temporary, and the run exited 0, judged healthy, with no feed."""
    from newsspider.extensions.exitstatus import exit_status

    run = pipeline_run(**_state_full(state_backend, monkeypatch, "add_pending"))
    run.feed(*(article(make_record(i)) for i in range(1, 4)))
    run.close()
    assert run.stats.get_value("export/write_failed") == run_files(run.crawler).feed.name
    assert exit_status(run.crawler) == 9
    assert run.stats.get_value("export/file") is None
    assert list(out_dir(tmp_path).iterdir()) == []  # no feed, no temporary, no claim


def test_a_state_that_fails_mid_run_fails_the_feed_and_the_next_run_emits_everything(
    pipeline_run, make_record, tmp_path, monkeypatch
):
    monkeypatch.setattr(export_mod, "PENDING_BATCH", 2)
    real = SQLiteStore.add_pending
    calls = []

    def full_once(self, file, rows):  # the second batch (3, 4): the state's disk is full
        calls.append(1)
        if len(calls) == 2:
            import sqlite3

            raise sqlite3.OperationalError("database or disk is full")
        real(self, file, rows)

    monkeypatch.setattr(SQLiteStore, "add_pending", full_once)
    first = pipeline_run()
    first.feed(*(article(make_record(i)) for i in range(1, 4)))
    with pytest.raises(Exception, match="disk is full"):
        first.feed(article(make_record(4)))
    with pytest.raises(atomic.WriteFailed):
        first.feed(article(make_record(5)))
    first.close()
    assert first.stats.get_value("export/write_failed") == run_files(first.crawler).feed.name
    assert list(out_dir(tmp_path).iterdir()) == []
    monkeypatch.undo()
    second = pipeline_run()
    second.feed(*(article(make_record(i)) for i in range(1, 6)))
    second.close()
    (feed,) = completed(tmp_path)
    assert ids(feed) == [1, 2, 3, 4, 5]  # 1 and 2, recorded as pending, were rolled back


def test_export_items_counts_every_record_in_the_feed_file(
    pipeline_run, make_record, tmp_path, monkeypatch
):
    """A record whose batch the state refused was in the file but not counted (2 lines,
    export/items 1)."""
    import sqlite3

    def full(self, file, rows):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(export_mod, "PENDING_BATCH", 2)
    monkeypatch.setattr(SQLiteStore, "add_pending", full)
    run = pipeline_run()
    run.feed(article(make_record(1)))
    with pytest.raises(sqlite3.OperationalError):
        run.feed(article(make_record(2)))
    (exporter,) = (p for p in run.pipes if isinstance(p, export_mod.ExportPipeline))
    exporter._writer.file._raw.flush()
    assert run.stats.get_value("export/items") == 2 == len(ids(exporter._writer.file.temp))
    run.close()  # not published: the report counts nothing emitted (no export/file)
    assert run.stats.get_value("export/file") is None


def test_a_state_that_cannot_commit_a_published_feed_fails_the_run_and_recovery_commits_it(
    pipeline_run, make_record, tmp_path, monkeypatch, state_backend
):
    from newsspider.extensions.exitstatus import exit_status

    settings = _state_full(state_backend, monkeypatch, "commit_file")
    first = pipeline_run(**settings)
    first.feed(*(article(make_record(i)) for i in range(1, 4)))
    first.close()
    (older,) = completed(tmp_path)
    assert first.stats.get_value("export/file") == str(older)  # in place: it is the run's feed
    assert first.stats.get_value("export/write_failed") == older.name
    assert exit_status(first.crawler) == 9
    monkeypatch.undo()
    worker = getattr(first.crawler, "_fakti_worker", None)  # (Redis: its pending rows' owner)
    location = state_location(settings.get("FAKTI_STATE"), tmp_path / "out")
    store = open_store(location, owner=worker.id if worker else "")  # the next run's start
    assert store.recover()["committed_keys"] == 3
    assert store.known([("bg", i) for i in range(1, 6)]) == {("bg", 1), ("bg", 2), ("bg", 3)}
    store.close()


@pytest.mark.parametrize(
    ("error", "told"),
    [
        (OSError(errno.EINVAL, "Invalid argument"), "[Errno 22] Invalid argument"),
        (MemoryError(), "MemoryError"),
    ],
    ids=["EINVAL", "MemoryError"],
)
def test_a_folder_fsync_that_fails_after_the_rename_keeps_the_file_published(
    pipeline_run, make_record, tmp_path, monkeypatch, caplog, error, told
):
    """EINVAL (some network or FUSE file systems) after the rename: the file was in place
    but its keys were rolled back, so the next run exported all of them again. A
    ``MemoryError`` there escaped the close: the file was in place with every record, its
    keys pending, and the report said ``feed: null``, "the run file was not committed"."""

    def failing(directory):
        raise error

    monkeypatch.setattr(atomic, "fsync_dir", failing)
    first = pipeline_run()
    first.feed(*(article(make_record(i)) for i in range(1, 4)))
    first.close()
    assert first.stats.get_value("export/write_failed") is None
    (feed,) = completed(tmp_path)
    assert first.stats.get_value("export/file") == str(feed)  # (the report's feed)
    assert f"its folder could not be synced ({told})" in caplog.text
    second = pipeline_run()
    second.feed(*(article(make_record(i)) for i in range(1, 6)))
    second.close()
    older, newer = completed(tmp_path)
    assert (ids(older), ids(newer)) == ([1, 2, 3], [4, 5])  # no key in two files


def _raise(error: BaseException):
    def fail(*args, **kwargs):
        raise error

    return fail


@pytest.mark.parametrize(
    ("where", "error"),
    [
        ("sync", MemoryError()),
        ("flush", RuntimeError("a bug")),
        ("add_pending", MemoryError()),
        ("lock check", RuntimeError("a bug")),
        ("close", MemoryError()),
    ],
)
def test_a_run_file_that_fails_to_publish_whatever_the_error_fails_the_run(
    pipeline_run, make_record, tmp_path, monkeypatch, caplog, where, error
):
    """Only an ``OSError`` (or the state's own error) failed the feed: a ``MemoryError`` or a
    bug as it was published (``AtomicFile.sync``, the last ``_flush_pending``, the state's
    ``add_pending``, the lock check, or ``close_spider`` itself) escaped the close. A review's
    real crawl: no feed for 247 records, exit 0, healthy, the only sign a note ("the run file
    was not committed"). Now any failure fails the run as an ``OSError`` does
    (``export/write_failed``, exit status 9); nothing is published, and the next run emits
    the records again. (``close_spider`` raising as it starts is caught by the spider's check
    as its ``spider_closed`` signal comes, after Scrapy logged the error.)"""
    from scrapy import signals

    targets = {
        "sync": (AtomicFile, "sync"),
        "flush": (export_mod.ExportPipeline, "_flush_pending"),
        "add_pending": (SQLiteStore, "add_pending"),
        "lock check": (export_mod.ExportPipeline, "_check_lock"),
        "close": (export_mod.ExportPipeline, "close_spider"),
    }
    run = pipeline_run()
    run.feed(*(article(make_record(i)) for i in range(1, 4)))
    monkeypatch.setattr(*targets[where], _raise(error))
    for pipe in reversed(run.pipes):  # (as Scrapy closes them: an error is logged, no more)
        if where == "close" and isinstance(pipe, export_mod.ExportPipeline):
            with pytest.raises(MemoryError):
                pipe.close_spider()
        elif hasattr(pipe, "close_spider"):
            pipe.close_spider()
    if where == "close":
        export_mod.check_closed(run.crawler)  # (the spider's, first on spider_closed)
    run.crawler.signals.send_catch_log(signals.engine_stopped)
    feed = run_files(run.crawler).feed
    assert run.stats.get_value("export/write_failed") == feed.name
    assert exit_status(run.crawler) == 9
    assert run.stats.get_value("export/file") is None
    assert list(out_dir(tmp_path).iterdir()) == []  # no feed, no temporary, no claim
    said = str(error) or type(error).__name__  # (MemoryError(): "MemoryError")
    if where == "close":
        said = "its close raised: see the error logged before"
    pending = 3 if where in ("sync", "lock check") else 0  # (recorded at close, or not)
    assert [m for m in caplog.messages if "feed" in m or "writing" in m] == [
        f"writing {feed.name} failed ({said}): stopping the run",
        "feed not published: its 3 record(s) discarded and their keys left out of the state "
        f"({pending} pending rolled back): the next run asks for them again",
    ]
    assert ("Traceback" in caplog.text) == (where != "close")  # (Scrapy logs that one)
    monkeypatch.undo()
    second = pipeline_run()
    second.feed(*(article(make_record(i)) for i in range(1, 6)))
    second.close()
    (published,) = completed(tmp_path)
    assert ids(published) == [1, 2, 3, 4, 5]
