"""What only the Redis state store does: its URL (prefix, owner), an unreachable server, the
per-worker ownership of pending rows, the shared run history and the workers' store. The
behaviour every backend shares is in ``test_state_contract.py``."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from newsspider.args import validate_settings
from newsspider.state import SettingError, check_location, open_store, redact
from newsspider.state import redis as redis_state
from newsspider.state.redis import RedisStore, split_url

H1 = "sha256:" + "1" * 64
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(redis_url):
    s = RedisStore.from_url(redis_url, owner="worker-a")
    yield s
    s.close()


def test_open_store_selects_redis_with_prefix_and_owner(redis_url):
    s = open_store(redis_url, owner="w9")
    assert isinstance(s, RedisStore)
    assert s.owner == "w9" and s.prefix == split_url(redis_url)[1] != "fakti"
    s.close()
    assert split_url("redis://h:1/2") == ("redis://h:1/2", "fakti")


def test_an_upper_case_scheme_names_the_redis_store(redis_url):
    """URL schemes are case-insensitive: ``REDIS://`` opens the Redis store, not a file."""
    scheme, rest = redis_url.split("://", 1)
    check_location(f"{scheme.upper()}://{rest}")
    s = open_store(f"{scheme.upper()}://{rest}", owner="w9")
    assert isinstance(s, RedisStore) and s.prefix == split_url(redis_url)[1]
    s.close()


@pytest.mark.parametrize(
    ("url", "address", "prefix"),
    [
        ("unix:///run/r.sock", "unix:///run/r.sock", "fakti"),
        ("unix:///run/r.sock?db=6&prefix=job2", "unix:///run/r.sock?db=6", "job2"),
        ("unix://u:p%40w@/run/r.sock?prefix=a", "unix://u:p%40w@/run/r.sock", "a"),
        (
            "rediss://:pw@h:6380/1?socket_timeout=5&prefix=x",
            "rediss://:pw@h:6380/1?socket_timeout=5",
            "x",
        ),
    ],
)
def test_split_url_keeps_the_address_as_written(url, address, prefix):
    """``unix:///path`` came back as ``unix:/path``, which redis-py refuses."""
    import redis

    assert split_url(url) == (address, prefix)
    redis.connection.parse_url(address)  # (raises on a URL redis-py cannot use)


@pytest.fixture
def unix_socket():
    """The socket of a Redis server of the test's own (skips without ``redis-server``)."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("no redis-server to listen on a unix socket")
    with tempfile.TemporaryDirectory(prefix="fk") as folder:  # (a socket path is short)
        sock = Path(folder) / "r.sock"
        proc = subprocess.Popen(
            [server, "--port", "0", "--unixsocket", str(sock), "--save", "", "--dir", folder],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        yield sock
        proc.terminate()
        proc.wait(10)


def test_a_store_opens_over_a_unix_socket_in_the_database_and_prefix_given(unix_socket):
    import redis

    s = open_store(f"unix://{unix_socket}?db=6&prefix=job2", owner="w1")
    s.touch(("bg", 7), "https://fakti.bg/world/1000007-x", None, H1, 3)
    s.close()
    raw = redis.Redis(unix_socket_path=str(unix_socket), db=6)
    assert raw.hkeys("job2:keys") == [b"bg:7"]
    raw.close()
    again = open_store(f"unix://{unix_socket}?db=6&prefix=job2")
    assert again.get(("bg", 7)).views == 3
    again.close()


BOOL = "expected a boolean: 1|t|true|y|yes or 0|f|false|n|no, in any case"


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("redis://h:1/3?prefx=job2", "unknown query key 'prefx' (accepted: client_name, db, "),
        ("redis://h:1/3?prefix=", "query key 'prefix' is empty"),
        ("redis://h:1/3?decode_responses=1", "unknown query key 'decode_responses'"),
        ("redis://h:1/3?timeout=5", "unknown query key 'timeout'"),  # (a blocking pool's)
        ("unix:///r.sock?socket_keepalive=1", "unknown query key 'socket_keepalive'"),  # (TCP's)
        ("redis://h:1/3?ssl_ca_certs=/ca.pem", "unknown query key 'ssl_ca_certs'"),  # (rediss)
        # a typed option: "redis-py cannot read it (a host, a port 1..65535, a database number)"
        *(
            (f"redis://h:1/0?{key}={value}", f"query key {key!r}: bad value {value!r}; {form}")
            for key, form in (
                ("socket_timeout", "expected a number >= 0"),
                ("socket_connect_timeout", "expected a number >= 0"),
                ("db", "expected a whole number >= 0"),
                ("health_check_interval", "expected a whole number >= 0"),
            )
            for value in ("abc", "-1", "nan", "inf", "1.5x")
        ),
        ("redis://h:1?db=1.5", "query key 'db': bad value '1.5'; expected a whole number >= 0"),
        # a boolean option: redis-py read any word but its false ones as true
        *(
            (f"{scheme}://h:1/0?{key}={value}", f"query key {key!r}: bad value {value!r}; {BOOL}")
            for scheme, key in (
                ("redis", "socket_keepalive"),
                ("redis", "retry_on_timeout"),
                ("unix", "legacy_responses"),
                ("rediss", "ssl_check_hostname"),
            )
            for value in ("maybe", "perhaps", "off", "2", "no way", "falsey")
        ),
        ("unix:///r.sock?db=x", "query key 'db': bad value 'x'; expected a whole number >= 0"),
        (
            "rediss://h:1/0?ssl_include_verify_flags=NOPE",
            "query key 'ssl_include_verify_flags': bad value 'NOPE'; expected a value redis-py",
        ),
        # contradictions, silently resolved: db 2 was used, prefix x (two jobs for one)
        ("redis://h:1/1?db=2", "a database in its path (1) and in its query (db=2); give it once"),
        ("redis://h:1/1?db=1", "a database in its path (1) and in its query (db=1); give it once"),
        ("redis://h:1/3?prefix=x&prefix=y", "query key 'prefix' given 2 times; give it once"),
        ("redis://h:1?db=1&socket_timeout=5&db=1", "query key 'db' given 2 times; give it once"),
    ],
)
def test_a_bad_query_key_is_refused_in_one_line_naming_it(url, error):
    """A misspelt key reached redis-py as an argument (a TypeError traceback at the first
    command); an empty prefix made every key ``:frontier``, ``:keys``..."""
    with pytest.raises(SettingError) as exc:
        split_url(url)
    assert str(exc.value).startswith(f"FAKTI_STATE: cannot use {url!r}: {error}")
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://u:s3cret@h:1/3?prefx=a", "redis://u:***@h:1/3?prefx=a"),
        ("rediss://:s3cret@h:1/3?prefx=a", "rediss://:***@h:1/3?prefx=a"),
        ("redis://s3cret@h:1/3?prefx=a", "redis://***@h:1/3?prefx=a"),
        ("redis://u:s3:cret@h:1/3?prefx=a", "redis://u:***@h:1/3?prefx=a"),  # (a ':' in it)
        ("redis://h:1/3?password=s3cret&prefx=a", "redis://h:1/3?password=***&prefx=a"),
        ("unix:///r.sock?db=1&Password=s3cret&prefx=a", "unix:///r.sock?db=1&Password=***&prefx=a"),
        ("redis://h:1/3?credential=s3cret&prefx=a", "redis://h:1/3?credential=***&prefx=a"),
    ],
)
def test_a_password_in_the_state_url_never_reaches_a_message(url, shown):
    """Credentials stay out of logs: the error (and the 'state store:' log line) showed it."""
    assert redact(url) == shown
    with pytest.raises(SettingError) as exc:
        split_url(url)
    assert "s3cret" not in str(exc.value) and shown in str(exc.value)
    assert redact("output/.state/fakti.sqlite") == "output/.state/fakti.sqlite"


def test_a_password_stays_out_of_start_up_errors(tmp_path, monkeypatch):
    """A trailing blank (a templated variable), an unsupported scheme or a mistyped URL
    printed it whole."""
    with pytest.raises(ValueError) as blank:
        validate_settings({"FAKTI_STATE": "redis://:s3cr@t@h:1/0 "})
    with pytest.raises(SettingError) as scheme:
        open_store("valkey://:s3cret@h:1/0")
    assert "redis://:***@h:1/0 " in str(blank.value) and "s3cr" not in str(blank.value)
    assert "valkey://:***@h:1/0" in str(scheme.value) and "s3cr" not in str(scheme.value)
    monkeypatch.chdir(tmp_path)  # (they were files of that relative path)
    for mistyped in ("redis:/:s3cret@h:1/0", "redis//u:s3cret@h:1/0"):
        with pytest.raises(SettingError) as typo:
            open_store(mistyped)
        assert "s3cr" not in str(typo.value) and "***" in str(typo.value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (" redis://:TopSecret9@127.0.0.1:6389/0", " redis://:***@127.0.0.1:6389/0"),
        ("redis://:Xy/Z9+TopSecret9=@127.0.0.1:6389/0", "redis://***"),
        ("redis://:Xy?ZTopSecret9@127.0.0.1:6389/0", "redis://***"),
        ("redis://:Xy#ZTopSecret9@127.0.0.1:6389/0", "redis://***"),
        ("redis://:Xy?Z=TopSecret9@127.0.0.1:6389/0", "redis://***"),
        ("redis://u:1234/TopSecret9@127.0.0.1:6389/0", "redis://***"),
        ("redis://127.0.0.1:6389/0?pasword=TopSecret9", "redis://127.0.0.1:6389/0?pasword=***"),
        ("redis://h:1/0?db=0&pass=TopSecret9&prefix=a", "redis://h:1/0?db=0&pass=***&prefix=a"),
        ("redis://h:1/0?auth_token=TopSecret9", "redis://h:1/0?auth_token=***"),
        ("redis:/:Xy/ZTopSecret9@h:6379/0", "redis:/:***"),
        ("redis://:Xy@TopSecret9@h:zz/0", "redis://:***@h:zz/0"),
    ],
)
def test_no_part_of_a_password_is_in_a_start_up_message(tmp_path, monkeypatch, value, shown):
    """A review found it printed: after a leading blank (the regex was anchored), with an
    unencoded ``/``, ``?`` or ``#`` in it (and redis-py's 'Port could not be cast ... 'Xy''),
    under a misspelt query key (``pasword=``, ``pass=``), in a mistyped URL."""
    monkeypatch.chdir(tmp_path)
    try:  # (some are refused only when the store is opened)
        validate_settings({"FAKTI_STATE": value, "FAKTI_BASE_URL": "https://fakti.bg"})
        checked = ""
    except ValueError as exc:
        checked = str(exc)
    with pytest.raises(SettingError) as opened:
        open_store(value, owner="w")
    for message in (checked, str(opened.value)):
        assert "TopSecret9" not in message and "Xy" not in message and "1234" not in message
    assert shown in str(opened.value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        # (a review of the loose form: host, db and prefix hidden behind a query value's `@`)
        (
            "redis://svc:pw@127.0.0.1:6387/2?prefix=t2&client_name=ops@host",
            "redis://svc:***@127.0.0.1:6387/2?prefix=t2&client_name=ops@host",
        ),
        (
            "redis://127.0.0.1:6387/3?password=pw&prefix=team@x",
            "redis://127.0.0.1:6387/3?password=***&prefix=team@x",
        ),
        ("sqlite:///srv/st@live/fakti.sqlite", "sqlite:///srv/st@live/fakti.sqlite"),
        ("redis://u@x:pw@h:1/0", "redis://u@x:***@h:1/0"),
        (" redis://:pw@h:1/0", " redis://:***@h:1/0"),
    ],
)
def test_a_valid_location_is_shown_whole_but_its_password(value: str, shown: str) -> None:
    assert redact(value) == shown


@pytest.mark.parametrize("key", ["password", "pwd", "secret", "token", "auth", "credentials"])
def test_each_kind_of_secret_query_value_is_hidden(key: str) -> None:
    """The value of a query key that looks like a secret's (pas, pw, secret, token, auth,
    cred) is written ***; another key's is shown."""
    value = f"redis://h:1/0?{key}=Kq7&prefix=team"
    assert redact(value) == f"redis://h:1/0?{key}=***&prefix=team"


def test_a_socket_path_or_a_dot_path_with_an_at_is_a_location() -> None:
    """A review: `unix:///run/sock@main/redis.sock` (redis-py reads it) and the `./` form the
    'mistyped URL' error suggests, `./deploy@web1:22/fakti.sqlite`, were refused."""
    check_location("unix:///run/sock@main/redis.sock?db=7&password=pw")
    check_location("./deploy@web1:22/fakti.sqlite")
    with pytest.raises(SettingError) as bracket:  # (urlsplit's error alone did not name it)
        check_location("redis://:pw@[::1:6387/0")
    assert str(bracket.value).startswith("FAKTI_STATE: cannot use ") and "pw" not in str(
        bracket.value
    )


def test_a_url_redis_py_cannot_read_is_named_in_our_words():
    with pytest.raises(SettingError) as exc:
        open_store("redis://:Xy@h:zz/0")
    assert str(exc.value) == (
        "FAKTI_STATE: cannot use 'redis://:***@h:zz/0': redis-py cannot read it (a host, a port "
        "1..65535, a database number)"
    )


def test_an_empty_redis_py_option_is_left_to_redis_py():
    """A templated URL whose password is empty (a development server without one) worked
    before the query keys were checked: redis-py ignores an empty option."""
    assert split_url("redis://h:1/3?password=&prefix=a") == ("redis://h:1/3?password=", "a")


def test_a_password_given_twice_is_named_not_shown():
    with pytest.raises(SettingError) as exc:
        split_url("redis://h:1/0?password=Kq7&password=Wz4")
    assert str(exc.value) == (
        "FAKTI_STATE: cannot use 'redis://h:1/0?password=***&password=***': query key "
        "'password' given 2 times; give it once"
    )


def test_typed_options_in_range_pass_through():
    url = "redis://h:1?db=0&socket_timeout=0.5&health_check_interval=30&prefix=a"
    assert split_url(url) == ("redis://h:1?db=0&socket_timeout=0.5&health_check_interval=30", "a")
    assert split_url("redis://h:1/?db=2") == ("redis://h:1/?db=2", "fakti")


def test_boolean_options_in_redis_py_spellings_pass_through():
    """redis-py's false spellings (``FALSE_STRINGS``) and their true counterparts, any case."""
    words = ("1", "t", "TRUE", "y", "Yes", "0", "F", "false", "n", "NO")
    for value in words:
        url = f"redis://h:1/0?socket_keepalive={value}&retry_on_timeout={value}"
        assert split_url(url) == (url, "fakti")
    assert split_url("rediss://h:1/0?ssl_check_hostname=no") == (
        "rediss://h:1/0?ssl_check_hostname=no",
        "fakti",
    )


def test_redis_py_options_pass_through():
    url = "rediss://h:1/3?socket_timeout=5&prefix=a&ssl_ca_certs=/ca.pem&client_name=w"
    assert split_url(url) == (
        "rediss://h:1/3?socket_timeout=5&ssl_ca_certs=%2Fca.pem&client_name=w",
        "a",
    )
    assert split_url("unix:///r.sock?db=6&password=pw") == (
        "unix:///r.sock?db=6&password=pw",
        "fakti",
    )


@pytest.mark.e2e
def test_a_crawl_with_a_misspelt_query_key_exits_1_with_one_line_and_writes_nothing(tmp_path):
    state = "redis://127.0.0.1:1/3?prefx=job2"
    cmd = [sys.executable, "-m", "scrapy", "crawl", "fakti", "-s", f"FAKTI_STATE={state}"]
    cmd += ["-s", "FAKTI_BASE_URL=http://127.0.0.1:9", "-s", f"FAKTI_OUTPUT_DIR={tmp_path / 'o'}"]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    critical = [line for line in done.stderr.splitlines() if "] CRITICAL: " in line]
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert len(critical) == 1 and "unknown query key 'prefx'" in critical[0]
    assert not (tmp_path / "o").exists()


def test_open_store_reports_an_unreachable_server_in_one_line():
    with pytest.raises(SettingError) as exc:
        open_store("redis://127.0.0.1:1/0")
    assert str(exc.value).startswith("FAKTI_STATE: cannot use 'redis://127.0.0.1:1/0': ")
    assert "\n" not in str(exc.value)


def test_recover_leaves_other_workers_pending_rows_alone(redis_url, tmp_path):
    a = RedisStore.from_url(redis_url, owner="worker-a")
    b = RedisStore.from_url(redis_url, owner="worker-b")
    b.add_pending(str(tmp_path / "b-still-writing.jsonl"), [(("bg", 5), H1)])
    a.add_pending(str(tmp_path / "a-killed.jsonl"), [(("bg", 6), H1)])
    assert a.recover()["rolled_back_keys"] == 1
    assert b.pending_files() == [str(tmp_path / "b-still-writing.jsonl")]
    (tmp_path / "b-still-writing.jsonl").write_text("{}\n")
    assert b.commit_file(str(tmp_path / "b-still-writing.jsonl")) == 1
    assert a.known([("bg", 5), ("bg", 6)]) == {("bg", 5)}  # one state for both
    a.close()
    b.close()


def test_run_history_is_shared_and_ordered(store, redis_url):
    assert store.recent_runs(3) == []
    for n in range(4):
        store.record_run({"run": n, "items": n * 10})
    other = RedisStore.from_url(redis_url, owner="worker-b")
    assert other.recent_runs(2) == [{"run": 2, "items": 20}, {"run": 3, "items": 30}]
    assert other.recent_runs(0) == []
    other.close()


def test_the_exported_count_counts_a_key_exported_again_once(store, tmp_path):
    """``<prefix>:exported`` is the number of exported keys: a key exported again with a new
    content hash, in a later file, is not counted twice."""
    h2 = "sha256:" + "2" * 64
    for name, rows in (
        ("1.jsonl", [(("bg", 1), H1)]),
        ("2.jsonl", [(("bg", 1), h2), (("en", 2), H1)]),
    ):
        feed = tmp_path / name
        store.add_pending(str(feed), rows)
        feed.touch()
        assert store.commit_file(str(feed)) == len(rows)
    assert int(store.client.get(f"{store.prefix}:exported")) == 2


def test_sightings_reach_redis_in_batches_of_touch_batch(store, monkeypatch):
    """Sightings are buffered until a batch is full: the TOUCH_BATCH-th one writes them all,
    where the other workers see them."""
    monkeypatch.setattr(redis_state, "TOUCH_SECONDS", 3600.0)
    keys = f"{store.prefix}:keys"
    for article_id in range(1, redis_state.TOUCH_BATCH):
        store.touch(("bg", article_id), "https://fakti.bg/x", None, H1, None)
    assert store.client.hlen(keys) == 0
    store.touch(("bg", redis_state.TOUCH_BATCH), "https://fakti.bg/x", None, H1, None)
    assert store.client.hlen(keys) == redis_state.TOUCH_BATCH


def test_get_store_opens_the_workers_store_recovers_it_and_tags_its_run_files(redis_url, tmp_path):
    from scrapy import signals
    from scrapy.utils.test import get_crawler

    from newsspider.distributed.worker import worker_for
    from newsspider.pipelines.runfiles import run_files
    from newsspider.state import get_store

    settings = {"FAKTI_STATE": redis_url, "FAKTI_OUTPUT_DIR": str(tmp_path / "out")}
    crawler = get_crawler(settings_dict=settings)
    worker = worker_for(crawler)
    killed = RedisStore.from_url(redis_url, owner=worker.id)  # its predecessor, killed
    killed.add_pending(str(tmp_path / "out" / "fakti" / "gone.jsonl"), [(("bg", 1), H1)])

    store = get_store(crawler)
    assert get_store(crawler) is store
    assert isinstance(store, RedisStore) and store.owner == worker.id
    assert crawler.stats.get_value("state/recovered/rolled_back_keys") == 1
    assert store.pending_files() == []
    assert run_files(crawler).stem.endswith(f".{worker.tag}")
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert get_store(crawler) is not store  # reopened on demand


def test_the_state_store_log_line_hides_the_password(redis_url, tmp_path, caplog):
    """The 'state store:' line of a run shows its location with the password as ``***``.
    (A server without a password lets its ``default`` user in with any: Redis 6 ACLs.)"""
    import logging

    from scrapy import signals
    from scrapy.utils.test import get_crawler

    from newsspider.state import get_store

    scheme, rest = redis_url.split("://", 1)
    location = f"{scheme}://default:Kq7Wz4@{rest}"
    settings = {"FAKTI_STATE": location, "FAKTI_OUTPUT_DIR": str(tmp_path)}
    crawler = get_crawler(settings_dict=settings | {"MEMUSAGE_ENABLED": False})
    with caplog.at_level(logging.INFO, logger="newsspider.state"):
        get_store(crawler)
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert f"state store: {scheme}://default:***@{rest}" in caplog.messages
    assert "Kq7Wz4" not in caplog.text


@pytest.mark.parametrize(
    "value",
    [
        " redis://:Kq7/Wz4@127.0.0.1:18799/0",
        "redis://:Kq7#Wz4@127.0.0.1:18799/0 ",
        "valkey://:Kq7/Wz4@127.0.0.1:18799/0",
        "http://u:Kq7?Wz4@127.0.0.1:18799/0",
        "unix://:Kq7/Wz4@/tmp/nosock.sock?db=0",
        "redis://:Kq7[Wz4@[::1]:18799/0",
        ":Kq7:Wz4@127.0.0.1:6379/0",
        " usr:Kq7:Wz4@10.0.0.5:6379/0",
        "redis://u:1234/Kq7Wz4@127.0.0.1:6389/0",
        # (a review of the second fix: user info holding an `@` before the misplaced mark; a
        # `#` in a secret query value, which also cut the password short)
        "valkey://u@x:Kq7/Wz4@127.0.0.1:6379/0",
        " redis://u@x:Kq7/Wz4@127.0.0.1:6379/0",
        "valkey://:Kq7@Wz4/Jb8@127.0.0.1:6379/0",
        "redis://h:6379/0?password=Kq7#Wz4",
        "rediss://:Kq7/Wz4@h:6379/0",
        # (a review of the third fix: the `@` of a secret query value taken for the user
        # info's, a `#` after an encoded `=`, a secret after a `;`)
        "redis://h:1/0?password=Kq7@Wz4#x",
        "redis://h:1/0#?password=Kq7@Wz4",
        "redis://h:1/0?password%3DKq7#Wz4",
    ],
)
def test_a_refused_location_shows_no_part_of_its_password(tmp_path, monkeypatch, value):
    """A review of the first redact fix: the strict form printed a password holding a `/`,
    `?` or `#` whole in the 'blanks around it' and 'unsupported store' lines, a `unix://`
    URL with it was accepted, the bracket error quoted urlsplit's text, and the loose form
    kept a password's part before a `:` (`:Kq7:***@`)."""
    monkeypatch.chdir(tmp_path)
    messages = []
    for check in (
        lambda: validate_settings({"FAKTI_STATE": value, "FAKTI_BASE_URL": "https://fakti.bg"}),
        lambda: check_location(value.strip()),
    ):
        with pytest.raises(ValueError) as refused:
            check()
        messages.append(str(refused.value))
    assert not [m for m in messages if any(p in m for p in ("Kq7", "Wz4", "Jb8"))], messages


def test_a_percent_encoded_secret_key_is_redacted() -> None:
    assert redact("redis://h:1/0?pa%73s=Kq7Wz4&db=0") == "redis://h:1/0?pa%73s=***&db=0"
    assert redact("redis://h:1/0?password%3DKq7Wz4") == "redis://h:1/0?***"
    assert redact("redis://h:1/0?x=1;password=Kq7Wz4") == "redis://h:1/0?x=***"  # (one value)
    with pytest.raises(SettingError) as unknown:
        split_url("redis://h:1/0?password%3DKq7Wz4")
    assert "Kq7" not in str(unknown.value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("redis://h:1/0?password=Kq7;Wz4", "redis://h:1/0?password=***"),
        ("/srv/a;pwd/fakti.sqlite", "/srv/a;pwd/fakti.sqlite"),
        ("redis://h:1/0?prefix=team;auth", "redis://h:1/0?prefix=team;auth"),
        ("redis://h:1/0?client_name=a;pass", "redis://h:1/0?client_name=a;pass"),
    ],
)
def test_an_accepted_location_is_logged_whole_but_its_password(value: str, shown: str) -> None:
    """A review of the third fix: pairs split on `;` showed a password's part after it, and
    hid the rest of valid paths and values after a `;` and a word like a secret's key."""
    check_location(value)
    assert redact(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        # (a review of the fifth version: `&…=` in a password read as a query pair, which
        # swallowed the user info's `@`; the first query value hidden for a word in a host)
        ("redis://:Kq7&pwd=Wz4@h:6379/0", "redis://:***@h:6379/0"),
        ("redis://:Kq7&Wz4%3D@h:6379/0", "redis://:***@h:6379/0"),
        (
            "rediss://alice:Kq7&x=y;Wz4@h:6380/0?ssl_password=Sec",
            "rediss://alice:***@h:6380/0?ssl_password=***",
        ),
        (
            "redis://alice:Kq7&Wz4@auth-cache:6379/0?prefix=team",
            "redis://alice:***@auth-cache:6379/0?prefix=team",
        ),
    ],
)
def test_the_query_is_read_after_the_user_info(value: str, shown: str) -> None:
    check_location(value)
    assert redact(value) == shown


@pytest.mark.parametrize(
    "value", ["redis://:Kq7/a?Wz4=x@h:6379/0", "unix://:Kq7/a?db=Wz4@/run/redis.sock"]
)
def test_user_info_whose_at_lies_in_the_query_is_misplaced(value: str) -> None:
    with pytest.raises(SettingError) as refused:
        check_location(value)
    assert "Kq7" not in str(refused.value) and "Wz4" not in str(refused.value)


def test_a_secret_key_with_an_at_in_its_value_is_named_unknown_not_misplaced() -> None:
    with pytest.raises(SettingError) as unknown:
        split_url("redis://h:1/0?db=0&pwd=Kq7@Wz4&prefix=a")
    assert "unknown query key '***'" in str(unknown.value) and "Wz4" not in str(unknown.value)


def test_a_socket_path_may_hold_an_at_after_user_info() -> None:
    check_location("unix://u:pw@/run/r@s.sock?db=0")
    assert redact("unix://u:pw@/run/r@s.sock?db=0") == "unix://u:***@/run/r@s.sock?db=0"


@pytest.mark.parametrize(
    "value",
    [
        "redis://[::1]:6379/0?client_name=ops@host",
        "rediss://[fe80::1%25eth0]:6380/0?client_name=ops@host",
        "sqlite:///srv/a?x=1&pwd=2.sqlite",
        "/srv/x?pass=1.sqlite",
    ],
)
def test_an_ipv6_host_or_a_file_path_is_shown_as_written(value: str) -> None:
    """A review of the sixth version: an IPv6 host took its bracketed `:` for user info (a
    valid location refused); file paths had 'query values' hidden."""
    check_location(value)
    assert redact(value) == value


def test_a_port_that_is_no_number_with_an_at_after_it_is_misplaced() -> None:
    with pytest.raises(SettingError) as refused:
        check_location("redis://ops@corp:Kq7?prefix=Wz4@h:6379/0")
    assert "Kq7" not in str(refused.value) and "Wz4" not in str(refused.value)


@pytest.mark.parametrize(
    "value",
    [  # (a review of a rule that took an `@` then `host:port` in a value for user info's)
        "redis://h:6379/0?client_name=fakti@worker:3",
        "redis://h:6379/0?password=S3cr@t:2024",
        "unix:///run/redis/r@a:6379",
        "unix://localhost/run/redis.sock?db=0",
    ],
)
def test_an_at_and_a_number_in_a_value_or_socket_path_is_valid(value: str) -> None:
    check_location(value)
    assert "S3cr" not in redact(value)


def _keys_under(client, prefix: str) -> dict[bytes, bytes]:
    """Every key under ``prefix`` with its DUMP (its type and value, byte for byte)."""
    return {key: client.dump(key) for key in client.scan_iter(match=f"{prefix}:*")}


def test_a_new_prefix_becomes_a_marked_state(job, redis_url):
    client, prefix = job
    RedisStore.from_url(redis_url).close()
    assert client.hgetall(f"{prefix}:schema") == {b"application": b"newsspider", b"version": b"1"}
    store = RedisStore.from_url(redis_url)  # (a marked state opens again)
    assert store.is_empty()
    store.close()


def _write_earlier_state(client, prefix: str, folder: Path) -> None:
    """A state written before the mark (one exported key, one pending, a run, a watermark),
    with every key of a distributed job beside it (25 keys in all)."""
    earlier = RedisStore(client, prefix=prefix, owner="w1")  # (unchecked: no mark written)
    published = datetime.fromisoformat("2026-11-29T08:30:00+02:00")
    earlier.touch(("bg", 7), "https://fakti.bg/world/7-x", published, H1, 5)
    feed = folder / "a.jsonl"
    earlier.add_pending(str(feed), [(("bg", 7), H1)])
    feed.touch()
    earlier.commit_file(str(feed))
    earlier.add_pending(str(folder / "b.jsonl"), [(("bg", 8), H1)])
    earlier.record_run({"run": 1})
    client.hset(f"{prefix}:watermarks", "bg", 1764397800)
    client.hset(f"{prefix}:workers", "host:/out#0", '{"id": "w1"}')
    client.set(f"{prefix}:hb:w1", 1)
    client.set(f"{prefix}:worker_seq", 1)
    client.set(f"{prefix}:run_seq", 1)
    client.set(f"{prefix}:job", "lang=bg")
    client.zadd(f"{prefix}:frontier", {"request": 1})
    client.zadd(f"{prefix}:journal:w1", {"request": 1})
    client.sadd(f"{prefix}:seen", "bg:7")
    client.hset(f"{prefix}:busy", "w1", 1)
    client.hset(f"{prefix}:claims", "bg:7", "r1")
    client.hset(f"{prefix}:run:r1", "bg:7", "https://fakti.bg/x")
    client.hset(f"{prefix}:runs:w1", "r1", "/out/fakti/a.jsonl")
    client.hset(f"{prefix}:coverage", "gaps", 1)


def test_an_unmarked_state_of_an_earlier_version_is_used_and_marked(job, redis_url, tmp_path):
    """A state written before the mark, with a distributed job's keys beside it (the job keys
    share the prefix), is this project's: it is used and marked."""
    client, prefix = job
    _write_earlier_state(client, prefix, tmp_path)
    assert not client.exists(f"{prefix}:schema")
    before = _keys_under(client, prefix)
    assert len(before) == 25

    store = RedisStore.from_url(redis_url, owner="w1")
    assert store.known([("bg", 7), ("bg", 8)]) == {("bg", 7)}
    assert store.recent_runs(5) == [{"run": 1}]
    store.close()
    after = _keys_under(client, prefix)
    assert after.pop(f"{prefix}:schema".encode()) is not None and after == before


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("keys", {"bg:7": "1|1||||||/x"}),
        ("runs", ['{"run": 1}']),
        ("watermarks", {"bg": "1764397800"}),
        ("files", {"1": "/out/a.jsonl"}),
        ("file_ids", {"/out/a.jsonl": "1"}),
        ("file_seq", "1"),
        ("exported", "1"),
        ("newest", "1764397800"),
        ("oldest", "1764397800"),
        ("pub:122527", {"bg:7": "1764397800"}),
        ("pub:-1", {"bg:7": "-3600"}),  # (an article dated before 1970)
    ],
)
def test_one_key_only_a_state_writes_makes_an_unmarked_prefix_an_earlier_state(
    job, redis_url, name, value
):
    """Each name only a state writes, of its type, beside a job's key, is an earlier state:
    used and marked (a job's keys alone are refused)."""
    client, prefix = job
    if isinstance(value, dict):
        client.hset(f"{prefix}:{name}", mapping=value)
    elif isinstance(value, list):
        client.rpush(f"{prefix}:{name}", *value)
    else:
        client.set(f"{prefix}:{name}", value)
    client.sadd(f"{prefix}:seen", "bg:7")
    before = _keys_under(client, prefix)
    RedisStore.from_url(redis_url).close()
    after = _keys_under(client, prefix)
    assert after.pop(f"{prefix}:schema".encode()) is not None and after == before


@pytest.mark.parametrize("owner", ["", "host:/out\n#0"])
def test_an_earlier_states_pending_rows_of_any_owner_are_its_own(job, redis_url, tmp_path, owner):
    """``<p>:owner:<owner>`` is a state's key whatever the owner's name: none (a store opened
    without one) or one holding a line end."""
    client, prefix = job
    earlier = RedisStore(client, prefix=prefix, owner=owner)  # (unchecked: no mark written)
    earlier.add_pending(str(tmp_path / "a.jsonl"), [(("bg", 8), H1)])
    assert client.smembers(f"{prefix}:owner:{owner}") == {b"1"}
    store = RedisStore.from_url(redis_url, owner=owner)
    assert store.pending_files() == [str(tmp_path / "a.jsonl")]
    store.close()


def test_an_earlier_state_under_a_prefix_of_any_characters_opens(job, redis_url, tmp_path):
    """A prefix of non-ASCII letters, with another state under a longer prefix holding a line
    end (never touched)."""
    client, prefix = job
    own, nested = f"{prefix}:факти", f"{prefix}:факти:a\nb"
    for name, folder in ((own, tmp_path / "own"), (nested, tmp_path / "nested")):
        folder.mkdir()
        _write_earlier_state(client, name, folder)
    before = _keys_under(client, nested)
    store = RedisStore.from_url(redis_url.replace(f"={prefix}", "=" + quote(own)))
    assert store.known([("bg", 7), ("bg", 8)]) == {("bg", 7)}
    store.close()
    assert client.hgetall(f"{own}:schema") == {b"application": b"newsspider", b"version": b"1"}
    assert _keys_under(client, nested) == before


def test_a_jobs_keys_alone_under_a_non_ascii_prefix_are_refused(job, redis_url):
    """The names under a prefix start after its bytes, not its characters: a job's key under
    ``p:факти`` is its own (not a state's under a longer prefix), so refused alone."""
    client, prefix = job
    client.sadd(f"{prefix}:факти:seen", "https://example.org/a")
    with pytest.raises(SettingError) as exc:
        RedisStore.from_url(redis_url.replace(f"={prefix}", "=" + quote(f"{prefix}:факти")))
    assert f" DEL '{prefix}:факти:seen') and start again" in str(exc.value)
    assert not client.exists(f"{prefix}:факти:schema")


def test_a_prefix_is_looked_through_as_written_not_as_a_pattern(job, redis_url):
    """SCAN's ``*``, ``?``, ``[`` and ``\\`` in a prefix are its own characters: ``p:a*`` is
    not ``p:ab``'s keys, and ``p:a\\b`` is looked through itself (not ``p:ab``)."""
    client, prefix = job
    client.set(f"{prefix}:ab:x", "another program's")
    RedisStore.from_url(redis_url.replace(f"={prefix}", "=" + quote(f"{prefix}:a*"))).close()
    assert client.type(f"{prefix}:a*:schema") == b"hash"

    client.set(f"{prefix}:a\\b:x", "another program's")
    url = redis_url.replace(f"={prefix}", "=" + quote(f"{prefix}:a\\b"))
    with pytest.raises(SettingError) as exc:
        RedisStore.from_url(url)
    assert str(exc.value).endswith(
        f"the keys under prefix '{prefix}:a\\\\b' are another program's (not of a state: "
        f"{prefix}:a\\b:x string); left as they are"
    )


def test_states_under_nested_prefixes_all_open(job, redis_url, tmp_path):
    """A review: states under ``n`` and ``n:eu`` in one database, written before the mark,
    worked; the marked version refused ``n`` as another program's (``n:eu:exported string,
    n:eu:file_ids hash, … (17 in all)``). A key of a state or job under a longer prefix is
    that state's: not foreign, and never touched."""
    client, prefix = job
    for sub in ("", ":eu", ":eu:x"):  # (n:eu:x marked, as this version leaves a state)
        (tmp_path / sub).mkdir(exist_ok=True)
        _write_earlier_state(client, prefix + sub, tmp_path / sub)
    RedisStore.from_url(redis_url.replace(f"={prefix}", f"={prefix}:eu:x")).close()
    before = _keys_under(client, prefix)
    assert len(before) == 76

    for sub in ("", ":eu", ":eu:x"):
        store = RedisStore.from_url(redis_url.replace(f"={prefix}", f"={prefix}{sub}"))
        assert store.known([("bg", 7), ("bg", 8)]) == {("bg", 7)}
        store.close()
    after = _keys_under(client, prefix)
    marks = {f"{prefix}:schema".encode(), f"{prefix}:eu:schema".encode()}
    assert {key for key in after if key not in before} == marks
    assert all(after[key] == dump for key, dump in before.items())


def test_workers_opening_an_empty_prefix_at_once_all_succeed(job, redis_url):
    import threading

    client, prefix = job
    gate = threading.Barrier(6)
    failures: list[BaseException] = []

    def open_one() -> None:
        gate.wait()
        try:
            RedisStore.from_url(redis_url).close()
        except BaseException as exc:  # (reported below)
            failures.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert client.hgetall(f"{prefix}:schema") == {b"application": b"newsspider", b"version": b"1"}


def test_a_worker_that_marks_and_claims_while_another_looks_through_the_keys(
    job, redis_url, monkeypatch
):
    """Two workers open a new prefix: the first marks it and claims its slot while the second,
    which found no mark, looks through the keys; the second finds the mark and opens too."""
    client, prefix = job
    survey = redis_state._survey

    def first_worker_meanwhile(c, p):
        client.hset(f"{prefix}:schema", mapping={"application": "newsspider", "version": 1})
        client.set(f"{prefix}:worker_seq", 1)
        return survey(c, p)

    monkeypatch.setattr(redis_state, "_survey", first_worker_meanwhile)
    RedisStore.from_url(redis_url).close()
    assert client.hgetall(f"{prefix}:schema") == {b"application": b"newsspider", b"version": b"1"}


def test_a_newer_versions_mark_written_meanwhile_is_kept_and_refused(job, redis_url, monkeypatch):
    """A newer version marks the prefix while this one looks through it: the mark is left as
    it is (not overwritten with this version's) and the prefix is refused as a newer state."""
    client, prefix = job
    survey = redis_state._survey

    def newer_worker_meanwhile(c, p):
        client.hset(f"{prefix}:schema", mapping={"application": "newsspider", "version": 2})
        return survey(c, p)

    monkeypatch.setattr(redis_state, "_survey", newer_worker_meanwhile)
    with pytest.raises(SettingError) as exc:
        RedisStore.from_url(redis_url)
    assert str(exc.value).endswith(
        "a state of a newer version (schema version 2; this one reads up to 1); left as they are"
    )
    assert client.hgetall(f"{prefix}:schema") == {b"application": b"newsspider", b"version": b"2"}


def test_a_key_gone_between_scan_and_type_is_no_other_programs(
    job, redis_url, monkeypatch, tmp_path
):
    """A worker's heartbeat expired (or a job key deleted) after SCAN named it: its TYPE is
    ``none``, which is nobody's key, and the earlier state opens."""
    import redis

    client, prefix = job
    _write_earlier_state(client, prefix, tmp_path)
    scan_iter = redis.Redis.scan_iter

    def expiring(self, *args, **kwargs):
        yield from scan_iter(self, *args, **kwargs)
        client.delete(f"{prefix}:hb:w1")

    monkeypatch.setattr(redis.Redis, "scan_iter", expiring)
    RedisStore.from_url(redis_url, owner="w1").close()
    assert client.hgetall(f"{prefix}:schema") == {b"application": b"newsspider", b"version": b"1"}


@pytest.mark.parametrize(
    ("keys", "why"),
    [
        (
            {"keys": "s", "runs": ["not json", "nor this"]},
            "another program's (not of a state: P:keys string)",
        ),
        (
            {"customers": {"1": "alice"}, "keys": {"bg:1": "x"}, "orders": ["1"]},
            "another program's (not of a state: P:customers hash, P:orders list)",
        ),
        ({"watermarks": ["bg"]}, "another program's (not of a state: P:watermarks list)"),
        ({"pending:x": {"bg:1": "h"}}, "another program's (not of a state: P:pending:x hash)"),
        ({"schema": "1"}, "another program's (not of a state: P:schema string)"),
        (
            {"schema": {"application": "other", "version": "1"}, "keys": {"bg:1": "x"}},
            "another program's (P:schema is no mark of a state)",
        ),
        (
            {"schema": {"application": "newsspider", "version": "2"}, "keys": {"bg:1": "x"}},
            "a state of a newer version (schema version 2; this one reads up to 1)",
        ),
        (
            {"schema": {"application": "newsspider"}, "keys": {"bg:1": "x"}},
            "another program's (P:schema is no mark of a state)",
        ),
        (
            {"schema": {"application": "newsspider", "version": "1.0"}, "keys": {"bg:1": "x"}},
            "another program's (P:schema is no mark of a state)",
        ),
        ({"run:x": {"bg:1": "u"}}, "another program's (not of a state: P:run:x hash)"),
        ({"hb:x": "1"}, "another program's (not of a state: P:hb:x string)"),
        ({"frontier": {"task-a"}}, "another program's (not of a state: P:frontier set)"),
        ({"keys_old": {"bg:1": "x"}}, "another program's (not of a state: P:keys_old hash)"),
        (
            {"eu:keys_old": {"bg:1": "x"}},
            "another program's (not of a state: P:eu:keys_old hash)",
        ),
    ],
    ids=[
        "keys-a-string",
        "other-names",
        "watermarks-a-list",
        "pending-not-a-file-id",
        "mark-a-string",
        "mark-of-another-program",
        "newer",
        "mark-without-version",
        "mark-version-not-a-whole-number",
        "run-not-a-run-id",
        "heartbeat-not-a-worker-id",
        "frontier-a-set",
        "a-state-name-with-more-after-it",
        "a-nested-state-name-with-more-after-it",
    ],
)
def test_another_programs_keys_under_the_prefix_are_refused_and_left_as_they_are(
    job, redis_url, keys, why
):
    """Another program's keys under the state's prefix were used as the state: read (a string
    ``keys``: WRONGTYPE at the first write, mid-run) and written to (a run entry pushed onto
    its list ``runs``); a newer version's state would have been read by this one."""
    client, prefix = job
    for name, value in keys.items():
        key = f"{prefix}:{name}"
        if isinstance(value, dict):
            client.hset(key, mapping=value)
        elif isinstance(value, list):
            client.rpush(key, *value)
        elif isinstance(value, set):
            client.sadd(key, *value)
        else:
            client.set(key, value)
    before = _keys_under(client, prefix)
    with pytest.raises(SettingError) as exc:
        RedisStore.from_url(redis_url)
    shown = why.replace("P:", f"{prefix}:")
    assert str(exc.value) == (
        f"FAKTI_STATE: cannot use {redis_url!r}: the keys under prefix {prefix!r} are {shown}; "
        "left as they are"
    )
    assert _keys_under(client, prefix) == before


@pytest.mark.parametrize(("count", "more"), [(5, ""), (6, ", … (6 in all)")], ids=["five", "six"])
def test_a_refusal_names_the_first_five_other_keys_in_order(job, redis_url, count, more):
    """The other program's keys are named sorted, five at most, then how many in all."""
    client, prefix = job
    for name in ("e", "c", "a", "d", "b", "f")[:count]:
        client.set(f"{prefix}:{name}", "x")
    with pytest.raises(SettingError) as exc:
        RedisStore.from_url(redis_url)
    shown = ", ".join(f"{prefix}:{name} string" for name in "abcde")
    assert str(exc.value).endswith(
        f"another program's (not of a state: {shown}{more}); left as they are"
    )


def test_key_names_in_a_refusal_are_escaped(job, redis_url):
    """A review: key names were shown raw, so a key ``f2:evil\\nCRITICAL: all good…\\x1b[2J``
    split the refusal's CRITICAL line, forged a log line and cleared the terminal."""
    client, prefix = job
    client.set(f"{prefix}:evil\nCRITICAL: all good…\x1b[2J", "x")
    client.set(prefix.encode() + b":bad\xff\t", "x")  # (not UTF-8)
    with pytest.raises(SettingError) as exc:
        RedisStore.from_url(redis_url)
    assert str(exc.value) == (
        f"FAKTI_STATE: cannot use {redis_url!r}: the keys under prefix {prefix!r} are another "
        f"program's (not of a state: {prefix}:bad\\xff\\t string, "
        f"{prefix}:evil\\nCRITICAL: all good…\\x1b[2J string); left as they are"
    )
    odd = f"{prefix}:x\ny"  # (a prefix given %-escaped; its mark another program's)
    client.hset(f"{odd}:schema", "application", "other")
    with pytest.raises(SettingError) as exc:
        RedisStore.from_url(redis_url.replace(f"={prefix}", f"={prefix}:x%0Ay"))
    assert str(exc.value).endswith(
        f"another program's ({prefix}:x\\ny:schema is no mark of a state); left as they are"
    )


def test_a_jobs_keys_alone_are_refused_with_the_line_that_deletes_them(job, redis_url):
    """A review: another program's set ``seen`` and zset ``frontier`` (the names and types of
    a job's keys) were taken for an earlier state and marked; the crawl unpickled them
    (tracebacks), deleted them as its job's and exited 0. An unmarked prefix is an earlier
    state only if it has a key only a state writes; the refusal gives the line that deletes
    the keys (an earlier job's whose only worker was killed as it started: nothing lost)."""
    client, prefix = job
    client.sadd(f"{prefix}:seen", "https://example.org/a")
    client.zadd(f"{prefix}:frontier", {"task-a": 1})
    client.set(f"{prefix}:eu:exported", 3)  # (a state under a longer prefix: not deleted)
    before = _keys_under(client, prefix)
    with pytest.raises(SettingError) as exc:
        RedisStore.from_url(redis_url)
    server = urlsplit(redis_url)
    line = (
        f"redis-cli -h {server.hostname} -p {server.port} -n {server.path.strip('/')} "
        f"DEL {prefix}:frontier {prefix}:seen"
    )
    assert str(exc.value) == (
        f"FAKTI_STATE: cannot use {redis_url!r}: the keys under prefix {prefix!r} are a job's "
        "keys only, and no state: another program's, or an earlier version's job that "
        f"recorded nothing (its worker killed as it started); if so, delete them ({line}) and "
        "start again; left as they are"
    )
    assert _keys_under(client, prefix) == before
    subprocess.run(shlex.split(line), check=True, capture_output=True)
    assert list(_keys_under(client, prefix)) == [f"{prefix}:eu:exported".encode()]
    RedisStore.from_url(redis_url).close()  # (now a new prefix)


def test_the_line_deleting_a_jobs_keys_names_a_unix_socket(unix_socket):
    import redis

    raw = redis.Redis(unix_socket_path=str(unix_socket), db=6)
    raw.sadd("job2:seen", "https://example.org/a")
    with pytest.raises(SettingError) as exc:
        open_store(f"unix://{unix_socket}?db=6&prefix=job2")
    line = f"redis-cli -s {unix_socket} -n 6 DEL job2:seen"
    assert f"delete them ({line}) and start again" in str(exc.value)
    subprocess.run(shlex.split(line), check=True, capture_output=True)
    assert raw.dbsize() == 0
    raw.close()


def test_every_name_of_a_jobs_keys_alone_is_refused_and_named_in_order(job, redis_url):
    """Each of a job's keys (``runs:w<n>`` and ``run:r<n>`` are not a state's ``runs``),
    without a key only a state writes, is a job's keys only; the line deletes them all."""
    client, prefix = job
    for name in ("seen", "owner:w1"):
        client.sadd(f"{prefix}:{name}", "1")
    for name in ("frontier", "journal:w1"):
        client.zadd(f"{prefix}:{name}", {"task-a": 1})
    for name in ("workers", "busy", "claims", "coverage", "run:r1", "runs:w1"):
        client.hset(f"{prefix}:{name}", "f", "1")
    for name in ("hb:w1", "worker_seq", "run_seq", "job"):
        client.set(f"{prefix}:{name}", "1")
    with pytest.raises(SettingError) as exc:
        RedisStore.from_url(redis_url)
    names = (
        "busy claims coverage frontier hb:w1 job journal:w1 owner:w1 run:r1 run_seq runs:w1 "
        "seen worker_seq workers"
    )
    deleted = " ".join(f"{prefix}:{name}" for name in names.split())
    assert f"-n 15 DEL {deleted}) and start again; left as they are" in str(exc.value)


def test_a_jobs_key_names_shown_escaped_get_no_deleting_line(job, redis_url):
    """A job key's name with a line end is shown escaped, as in every refusal; a line that
    deletes it as shown would not delete it (mutation round 15), so none is given."""
    client, prefix = job
    client.sadd(f"{prefix}:owner:a\nb", "1")
    client.sadd(f"{prefix}:seen", "1")
    with pytest.raises(SettingError) as exc:
        RedisStore.from_url(redis_url)
    assert "\n" not in str(exc.value) and "redis-cli" not in str(exc.value)
    assert str(exc.value).endswith(
        f"delete them ({prefix}:owner:a\\nb, {prefix}:seen: names shown escaped) and start "
        "again; left as they are"
    )


def test_the_deleting_line_names_redis_pys_defaults_and_quotes_names():
    """A URL without host, port or database is redis-py's localhost:6379, database 0; a name
    with a space is quoted for the shell."""
    import redis

    client = redis.Redis.from_url("redis://")
    line = redis_state._cli(client, "DEL", "p q:seen")
    assert line == "redis-cli -h localhost -p 6379 -n 0 DEL 'p q:seen'"
    client.close()


def test_a_server_error_as_the_keys_are_checked_stops_in_one_line_and_closes(
    job, redis_url, monkeypatch
):
    """A server that refuses the mark (a read-only replica) is a :class:`SettingError`
    naming the URL and the server's words, and the client is closed."""
    import redis

    closed = []
    close = redis.Redis.close
    monkeypatch.setattr(redis.Redis, "close", lambda self: closed.append(self) or close(self))

    def read_only(self, *args, **kwargs):
        raise redis.ReadOnlyError("You can't write against a read only replica.")

    monkeypatch.setattr(redis.Redis, "eval", read_only)
    with pytest.raises(SettingError) as exc:
        RedisStore.from_url(redis_url)
    assert str(exc.value) == (
        f"FAKTI_STATE: cannot use {redis_url!r}: You can't write against a read only replica."
    )
    assert len(closed) == 1


def test_a_refused_prefix_shows_the_url_without_its_password(job, redis_url, monkeypatch):
    """The refusal of another program's keys names the URL with its password hidden."""
    client, prefix = job
    client.set(f"{prefix}:other", "x")
    address, _ = split_url(redis_url)
    connect = redis_state.connect
    monkeypatch.setattr(redis_state, "connect", lambda url: connect(address))  # (no AUTH)
    url = redis_url.replace("redis://", "redis://:S3cret@")
    with pytest.raises(SettingError) as exc:
        RedisStore.from_url(url)
    shown = redis_url.replace("redis://", "redis://:***@")
    assert str(exc.value) == (
        f"FAKTI_STATE: cannot use {shown!r}: the keys under prefix {prefix!r} are another "
        f"program's (not of a state: {prefix}:other string); left as they are"
    )


@pytest.mark.e2e
def test_a_crawl_on_another_programs_keys_exits_1_with_one_line_and_writes_nothing(
    job, redis_url, tmp_path
):
    """Review: a crawl on a prefix holding another program's keys (a string ``keys``, a list
    ``runs`` of other text, a hash ``watermarks`` of other values) ended 'start_error' with a
    ValueError traceback, exit 9, after pushing a run entry onto the list and adding
    ``run_seq`` and ``worker_seq``."""
    client, prefix = job
    client.set(f"{prefix}:keys", "s")
    client.rpush(f"{prefix}:runs", "not json")
    client.hset(f"{prefix}:watermarks", "bg", "yesterday")
    before = _keys_under(client, prefix)
    cmd = [sys.executable, "-m", "scrapy", "crawl", "fakti", "-s", f"FAKTI_STATE={redis_url}"]
    cmd += ["-s", "FAKTI_BASE_URL=http://127.0.0.1:9", "-s", f"FAKTI_OUTPUT_DIR={tmp_path / 'o'}"]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    critical = [line for line in done.stderr.splitlines() if "] CRITICAL: " in line]
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert len(critical) == 1, critical
    assert critical[0].endswith(
        f"the keys under prefix {prefix!r} are another program's (not of a state: "
        f"{prefix}:keys string); left as they are"
    )
    assert _keys_under(client, prefix) == before
    assert not (tmp_path / "o").exists()
