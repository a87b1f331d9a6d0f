"""Redis backend of the state store: shared by several workers, same semantics as SQLite.

Layout (every key starts with the store's ``prefix``, default ``fakti``; ``K`` is a key field
``<lang>:<article_id>``)::

    <p>:keys              hash   K -> packed record (see below)
    <p>:pub:<n>           hash   K -> published_at (unix seconds), exported keys, 4 h a bucket
    <p>:newest, :oldest   string bounds of those times (the hours to look through)
    <p>:exported          string number of exported keys
    <p>:files, :file_ids  hash   file id <-> file path (records hold the short id)
    <p>:file_seq          string the last file id given
    <p>:pending:<fid>     hash   K -> content_hash, pending export to file <fid>
    <p>:owner:<owner>     set    file ids with pending rows of one worker
    <p>:watermarks        hash   discovery scope -> unix seconds (see ``raise_watermarks``)
    <p>:runs              list   run history entries (JSON), oldest first
    <p>:schema            hash   the mark: application -> newsspider, version -> 1

The distributed job's keys (:mod:`newsspider.distributed`) share the prefix. The keys under a
prefix are checked as a worker or a store opens them (:func:`adopt`): a new prefix, or one
holding only keys of these names and types, one of the state's among them (a state of a
version before the mark), is marked; any other key, a job's keys alone, another mark, or a
newer version's is refused, and nothing is written. Keys of these names and types under a
longer prefix ``<p>:<sub>`` are that state's, never touched.

A record is ``first|last|published|views|hash|fid|exported_hash|url``: times in unix seconds,
empty for null, ``exported_hash`` ``=`` when it equals ``hash``, and the ``https://fakti.bg``
origin left out of ``url``. Several workers write at once; each one's pending rows are its own
(``owner``), so :meth:`RedisStore.recover` only settles the files of the worker that opens it.
Every step of the export protocol is atomic in Redis (``MULTI`` or a Lua script). Durability
is Redis's own: run it with ``appendonly yes`` (and ``appendfsync always`` to survive a power
cut, not only a killed worker).
"""

from __future__ import annotations

import inspect
import json
import math
import re
import shlex
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import redis
from dateutil import tz
from redis.connection import (
    FALSE_STRINGS,
    URL_QUERY_ARGUMENT_PARSERS,
    Connection,
    ConnectionPool,
    SSLConnection,
    UnixDomainSocketConnection,
    to_bool,
)

from newsspider.state import (
    HISTORY_KEEP,
    MISPLACED_AT,
    Key,
    KeyState,
    SettingError,
    chunks,
    decode_runs,
    redact,
    secret_key,
    unix_seconds,
)
from newsspider.state.recovery import settle_pending

SOFIA = tz.gettz("Europe/Sofia")
DEFAULT_PREFIX = "fakti"
ORIGIN = "https://fakti.bg"
#: Sightings are written in batches of this many keys, or after this many seconds.
TOUCH_BATCH = 500
TOUCH_SECONDS = 2.0
_CHUNK = 1000  # keys per command or script call

#: The mark of a state (``<p>:schema``): this project's name and the version of the layout.
APPLICATION = "newsspider"
SCHEMA_VERSION = 1
#: The names under a prefix that this project writes, by their type: the state's (see above)
#: and the distributed job's (:mod:`newsspider.distributed`; ``w<n>`` a worker, ``r<n>`` a run).
_NAMES = {
    b"hash": rb"schema|keys|pub:-?\d+|files|file_ids|pending:\d+|watermarks"
    rb"|workers|busy|claims|coverage|run:r\d+|runs:w\d+",
    b"string": rb"newest|oldest|exported|file_seq|hb:w\d+|worker_seq|run_seq|job",
    b"set": rb"owner:.*|seen",
    b"zset": rb"frontier|journal:w\d+",
    b"list": rb"runs",
}
_LAYOUT = {kind: re.compile(names, re.DOTALL) for kind, names in _NAMES.items()}
#: The names of :data:`_NAMES` only a state writes: an unmarked prefix is an earlier state if
#: it has one (else a job's keys alone, or another program's that bear a job's names).
_STATE_NAMES = re.compile(
    rb"keys|runs|watermarks|files|file_ids|file_seq|exported|newest|oldest|pub:-?\d+"
)
#: The same names under a longer prefix ``<prefix>:<sub>``: another state's, never touched.
_NESTED = {kind: re.compile(rb".+:(?:%b)" % names, re.DOTALL) for kind, names in _NAMES.items()}

#: Width of a publication index bucket: a few hours of articles stay a compact listpack.
BUCKET = 4 * 3600

_LUA_SPLIT = """
local function split(rec)
  local parts, pos = {}, 1
  for i = 1, 7 do
    local s = string.find(rec, '|', pos, true)
    parts[i] = string.sub(rec, pos, s - 1)
    pos = s + 1
  end
  parts[8] = string.sub(rec, pos)
  return parts
end
-- The publication index of exported keys: buckets <p>:pub:<n> (K -> seconds), and
-- the newest and oldest publication times as bounds. ARGV[1] is '<p>:'.
local function index(field, old, new)
  if old == new then return end
  local pub = ARGV[1] .. 'pub:'
  if old ~= '' then redis.call('HDEL', pub .. math.floor(tonumber(old) / BUCKET), field) end
  if new == '' then return end
  redis.call('HSET', pub .. math.floor(tonumber(new) / BUCKET), field, new)
  local top, low = redis.call('GET', ARGV[1] .. 'newest'), redis.call('GET', ARGV[1] .. 'oldest')
  if not top or tonumber(new) > tonumber(top) then redis.call('SET', ARGV[1] .. 'newest', new) end
  if not low or tonumber(new) < tonumber(low) then redis.call('SET', ARGV[1] .. 'oldest', new) end
end
""".replace("BUCKET", str(BUCKET))

#: KEYS: keys hash. ARGV: '<p>:', now, then (field, published, hash, views, url) per key.
_TOUCH = (
    _LUA_SPLIT
    + """
local now = ARGV[2]
for i = 3, #ARGV, 5 do
  local field, pub, hash, views, url = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4]
  local rec = redis.call('HGET', KEYS[1], field)
  local first, fid, xhash = now, '', ''
  if rec then
    local p = split(rec)
    first, fid, xhash = p[1], p[6], p[7]
    if xhash == '=' and p[5] ~= hash then xhash = p[5] end
    if xhash == hash then xhash = '=' end
    if fid ~= '' then index(field, p[3], pub) end
  end
  redis.call('HSET', KEYS[1], field,
    table.concat({first, now, pub, views, hash, fid, xhash, url}, '|'))
end
return 0
"""
)

#: KEYS: keys hash, pending hash, exported counter.
#: ARGV: '<p>:', now, file id, then the fields to commit. Returns the number committed.
_COMMIT = (
    _LUA_SPLIT
    + """
local now, fid, done = ARGV[2], ARGV[3], 0
for i = 4, #ARGV do
  local field = ARGV[i]
  local chash = redis.call('HGET', KEYS[2], field)
  if chash then
    local rec = redis.call('HGET', KEYS[1], field)
    local p
    if rec then p = split(rec) else p = {now, now, '', '', '', '', '', ''} end
    if p[6] == '' then
      redis.call('INCR', KEYS[3])
      index(field, '', p[3])
    end
    p[6] = fid
    if chash == p[5] then p[7] = '=' else p[7] = chash end
    redis.call('HSET', KEYS[1], field, table.concat(p, '|'))
    redis.call('HDEL', KEYS[2], field)
    done = done + 1
  end
end
return done
"""
)

#: KEYS: watermarks hash. ARGV: (scope, unix seconds) pairs. Each field only moves up.
_RAISE = """
for i = 1, #ARGV, 2 do
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  if not old or tonumber(old) < tonumber(ARGV[i + 1]) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
return 0
"""

#: KEYS: file ids hash, file paths hash, sequence. ARGV: path. Returns the file's id.
_INTERN = """
local fid = redis.call('HGET', KEYS[1], ARGV[1])
if fid then return fid end
fid = tostring(redis.call('INCR', KEYS[3]))
redis.call('HSET', KEYS[1], ARGV[1], fid)
redis.call('HSET', KEYS[2], fid, ARGV[1])
return fid
"""

#: KEYS: the mark. ARGV: application, version. Marks the prefix, unless it is marked already.
_MARK = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'application', ARGV[1], 'version', ARGV[2])
end
return 0
"""


def _now() -> str:
    return str(int(time.time()))


def key_field(key: Key) -> str:
    """The hash field of a key: ``<lang>:<article_id>``."""
    return f"{key[0]}:{key[1]}"


def field_key(field: str | bytes) -> Key:
    text = field.decode() if isinstance(field, bytes) else field
    lang, _, aid = text.partition(":")
    return lang, int(aid)


def _ts(dt: datetime | None) -> str:
    seconds = unix_seconds(dt)
    return "" if seconds is None else str(seconds)


def _short_url(url: str | None) -> str:
    if not url:
        return ""
    return url[len(ORIGIN) :] if url.startswith(ORIGIN + "/") else url


def _long_url(text: str) -> str | None:
    if not text:
        return None
    return ORIGIN + text if text.startswith("/") else text


#: redis-py's URL options given as text (its typed ones: ``URL_QUERY_ARGUMENT_PARSERS``).
_TEXT_OPTIONS = (
    "username", "password", "client_name", "ssl_keyfile", "ssl_certfile", "ssl_cert_reqs",
    "ssl_ca_certs", "ssl_ca_path", "ssl_password", "ssl_ciphers",
)  # fmt: skip


def _redis_options(scheme: str) -> set[str]:
    """The URL query keys redis-py takes for ``scheme``: its URL options that the scheme's
    connection class or the pool accepts (not ``retry_on_error``, exception classes)."""
    cls = {"unix": UnixDomainSocketConnection, "rediss": SSLConnection}.get(scheme, Connection)
    accepted = {
        name
        for c in (*cls.__mro__, ConnectionPool)
        if "__init__" in vars(c)
        for name in inspect.signature(c.__init__).parameters
    }
    return accepted & {*URL_QUERY_ARGUMENT_PARSERS, *_TEXT_OPTIONS} - {"retry_on_error"}


#: What redis-py's numeric and boolean URL options take, by their parser (``math.isfinite``,
#: ``>= 0``; :data:`_BOOLEANS`).
_FORMS = {
    int: "a whole number >= 0",
    float: "a number >= 0",
    to_bool: "a boolean: 1|t|true|y|yes or 0|f|false|n|no, in any case",
}
#: The words a boolean option may be given, upper-case: redis-py's false ones (its ``to_bool``
#: reads any other word as true: ``socket_keepalive=maybe``, ``=off``) and their true ones.
_BOOLEANS = frozenset({*FALSE_STRINGS, "1", "T", "TRUE", "Y", "YES"})


def _option_form(key: str, value: str) -> str | None:
    """What redis-py's typed URL option ``key`` takes, if ``value`` is not that (a number
    that is negative or not finite included, and a boolean word not in :data:`_BOOLEANS`; an
    empty value redis-py ignores)."""
    parse = URL_QUERY_ARGUMENT_PARSERS.get(key)
    if parse is None or value == "":
        return None
    form = _FORMS.get(parse, "a value redis-py can read")
    if parse is to_bool:
        return None if value.upper() in _BOOLEANS else form
    try:
        parsed = parse(value)
    except ValueError:
        return form
    if isinstance(parsed, int | float) and not (math.isfinite(parsed) and parsed >= 0):
        return form
    return None


def split_url(url: str) -> tuple[str, str]:
    """``redis://host:port/db?prefix=NAME`` (or ``unix:///path.sock?db=N&prefix=NAME``) →
    (the URL for redis-py, the key prefix). An unknown or empty query key, a value that
    redis-py's typed option cannot take, a key given twice, or a database in both the path
    and the query raises :class:`SettingError`."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    accepted = {"prefix", *_redis_options(parts.scheme)}

    def refused(why: str) -> SettingError:
        return SettingError(f"FAKTI_STATE: cannot use {redact(url, refused=True)!r}: {why}")

    for key, value in query:
        if key not in accepted:
            if "@" in value and not secret_key(key):  # (the key is a part of the password)
                shown = redact(url, misplaced=True)
                raise SettingError(f"FAKTI_STATE: cannot use {shown!r}: {MISPLACED_AT}")
            known = ", ".join(sorted(accepted))
            named = "***" if secret_key(key) or "@" in key else key
            raise refused(f"unknown query key {named!r} (accepted: {known})")
        if key == "prefix" and not value:  # (redis-py ignores an empty option of its own)
            raise refused(f"query key {key!r} is empty")
        form = _option_form(key, value)
        if form is not None:
            raise refused(f"query key {key!r}: bad value {value!r}; expected {form}")
    keys = [key for key, _ in query]
    for key in keys:  # (redis-py and the prefix would take one silently)
        if keys.count(key) > 1:
            raise refused(f"query key {key!r} given {keys.count(key)} times; give it once")
    path_db = "" if parts.scheme == "unix" else parts.path.strip("/")
    if path_db and "db" in keys:
        given = dict(query)["db"]
        raise refused(
            f"a database in its path ({path_db}) and in its query (db={given}); give it once"
        )
    prefix = next((v for k, v in query if k == "prefix"), DEFAULT_PREFIX)
    rest = urlencode([(k, v) for k, v in query if k != "prefix"])
    # (not urlunsplit: it writes unix:///path as unix:/path, which redis-py refuses)
    address = f"{parts.scheme}://{parts.netloc}{parts.path}"
    return address + (f"?{rest}" if rest else ""), prefix


def connect(url: str) -> redis.Redis:
    """A client for a ``redis://`` URL (without our ``prefix`` query), checked with PING."""
    try:
        client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        client.ping()
    except ValueError as exc:  # (its text may hold a part of the password)
        reason = "redis-py cannot read it (a host, a port 1..65535, a database number)"
        shown = redact(url, refused=True)
        raise SettingError(f"FAKTI_STATE: cannot use {shown!r}: {reason}") from exc
    except redis.RedisError as exc:
        raise SettingError(f"FAKTI_STATE: cannot use {redact(url)!r}: {exc}") from exc
    return client


class ForeignKeys(Exception):
    """The keys under a state's prefix are not a state this version may use (:func:`adopt`);
    they are left as they are."""


def _shown(key: bytes) -> str:
    """A key's name for a message: invalid UTF-8 and characters that are not printable (line
    ends, terminal escapes) backslash-escaped, so a name cannot break or forge a log line."""
    text = key.decode(errors="backslashreplace")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _survey(client: redis.Redis, prefix: str) -> tuple[list[str], list[bytes]]:
    """The keys under ``prefix`` whose name and type are not of :data:`_LAYOUT`, as
    ``<key> <type>``, sorted, and the names under it (after ``<prefix>:``) of those that are
    (those of a state under ``<prefix>:<sub>`` are neither)."""
    pattern = re.sub(r"([*?\[\]\\])", r"\\\1", prefix) + ":*"
    start = len(prefix.encode()) + 1
    foreign, own = [], []
    for chunk in chunks(client.scan_iter(match=pattern, count=_CHUNK), _CHUNK):
        pipe = client.pipeline(transaction=False)
        for key in chunk:
            pipe.type(key)
        for key, kind in zip(chunk, pipe.execute(), strict=True):
            rest = key[start:]
            if kind in _LAYOUT and _LAYOUT[kind].fullmatch(rest):
                own.append(rest)
            elif kind != b"none" and not (kind in _NESTED and _NESTED[kind].fullmatch(rest)):
                foreign.append(f"{_shown(key)} {kind.decode()}")
    return sorted(foreign), sorted(own)


def _cli(client: redis.Redis, *args: str) -> str:
    """The ``redis-cli`` command line giving ``args`` to ``client``'s server and database."""
    options = client.connection_pool.connection_kwargs
    if "path" in options:
        server = ["-s", options["path"]]
    else:
        server = ["-h", options.get("host", "localhost"), "-p", str(options.get("port", 6379))]
    return shlex.join(["redis-cli", *server, "-n", str(options.get("db", 0)), *args])


def _refusal(client: redis.Redis, prefix: str) -> str | None:
    """Why the keys under ``prefix`` are not a state this version may use, or ``None``: then
    they are marked (a new prefix, or an unmarked state of an earlier version: only keys of
    :data:`_LAYOUT`, one of :data:`_STATE_NAMES` among them). :data:`_MARK` is atomic, so
    workers opening a new prefix at once all pass (one that finds another's job keys but no
    mark looks for the mark again). Only an unmarked prefix is looked through."""
    mark = f"{prefix}:schema"
    if client.type(mark) != b"hash":
        foreign, own = _survey(client, prefix)
        if foreign:
            more = f", … ({len(foreign)} in all)" if len(foreign) > 5 else ""
            return f"another program's (not of a state: {', '.join(foreign[:5])}{more})"
        if own and not any(map(_STATE_NAMES.fullmatch, own)) and client.type(mark) != b"hash":
            keys = [f"{prefix}:".encode() + name for name in own]
            shown = [_shown(key) for key in keys]
            runnable = all(s.encode() == key for s, key in zip(shown, keys, strict=True))
            listed = f" ({', '.join(shown)}: names shown escaped)"
            how = f" ({_cli(client, 'DEL', *shown)})" if runnable else listed
            return (
                "a job's keys only, and no state: another program's, or an earlier version's "
                "job that recorded nothing (its worker killed as it started); if so, delete "
                f"them{how} and start again"
            )
        client.eval(_MARK, 1, mark, APPLICATION, SCHEMA_VERSION)
    application, version = client.hmget(mark, "application", "version")
    if application != APPLICATION.encode() or not (version or b"").isdigit():
        return f"another program's ({_shown(mark.encode())} is no mark of a state)"
    if int(version) > SCHEMA_VERSION:
        return (
            f"a state of a newer version (schema version {int(version)}; this one reads up to "
            f"{SCHEMA_VERSION})"
        )
    return None


def adopt(client: redis.Redis, prefix: str) -> None:
    """Check that the keys under ``prefix`` are a state this version may use, and mark them
    (:func:`_refusal`); :class:`ForeignKeys` if not, nothing written."""
    why = _refusal(client, prefix)
    if why is not None:
        raise ForeignKeys(f"the keys under prefix {prefix!r} are {why}; left as they are")


def connect_state(url: str) -> tuple[redis.Redis, str]:
    """A client for a state URL (:func:`connect`) and its key prefix, the keys under it
    checked and marked (:func:`adopt`); :class:`SettingError` if they cannot be."""
    address, prefix = split_url(url)
    client = connect(address)
    try:
        adopt(client, prefix)
    except (ForeignKeys, redis.RedisError) as exc:
        client.close()
        raise SettingError(f"FAKTI_STATE: cannot use {redact(url)!r}: {exc}") from exc
    return client, prefix


class RedisStore:
    """:class:`newsspider.state.StateStore` in one Redis database, shared by workers.

    ``owner`` names the worker whose pending rows this instance records and recovers.
    Sightings (:meth:`touch`) are batched; the export protocol is written at once.
    :meth:`from_url` opens only a prefix that is a state (:func:`adopt`).
    """

    errors: tuple[type[Exception], ...] = (redis.RedisError,)

    def __init__(
        self, client: redis.Redis, *, prefix: str = DEFAULT_PREFIX, owner: str = ""
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.owner = owner
        self._k_keys = f"{prefix}:keys"
        self._k_newest = f"{prefix}:newest"
        self._k_oldest = f"{prefix}:oldest"
        self._k_exported = f"{prefix}:exported"
        self._k_files = f"{prefix}:files"
        self._k_file_ids = f"{prefix}:file_ids"
        self._k_file_seq = f"{prefix}:file_seq"
        self._k_owner = f"{prefix}:owner:{owner}"
        self._k_runs = f"{prefix}:runs"
        self._k_watermarks = f"{prefix}:watermarks"
        self._touch = client.register_script(_TOUCH)
        self._commit = client.register_script(_COMMIT)
        self._intern = client.register_script(_INTERN)
        self._raise = client.register_script(_RAISE)
        self._buffer: dict[str, list[str]] = {}
        self._buffer_started = 0.0

    @classmethod
    def from_url(cls, url: str, *, owner: str = "") -> RedisStore:
        client, prefix = connect_state(url)
        return cls(client, prefix=prefix, owner=owner)

    # -- helpers ----------------------------------------------------------------------------
    def _pending_key(self, fid: str) -> str:
        return f"{self.prefix}:pending:{fid}"

    def _file_id(self, file: str, create: bool) -> str | None:
        if create:
            return self._intern(
                keys=[self._k_file_ids, self._k_files, self._k_file_seq], args=[file]
            ).decode()
        fid = self.client.hget(self._k_file_ids, file)
        return None if fid is None else fid.decode()

    def _record(self, field: str) -> list[str] | None:
        raw = self.client.hget(self._k_keys, field)
        return None if raw is None else raw.decode().split("|", 7)

    # -- queries ----------------------------------------------------------------------------
    def _exports(self, keys: Iterable[Key]) -> Iterator[tuple[Key, str]]:
        """Each of ``keys`` the state has, with the id of the file it was last exported in
        (committed; ``""`` if never)."""
        self._flush()
        for chunk in chunks({key_field(k) for k in keys}, _CHUNK):
            for field, raw in zip(chunk, self.client.hmget(self._k_keys, chunk), strict=True):
                if raw is not None:
                    yield field_key(field), raw.decode().split("|", 7)[5]

    def known(self, keys: Iterable[Key]) -> set[Key]:
        return {key for key, fid in self._exports(keys) if fid}

    def exported_in(self, file: str, keys: Iterable[Key]) -> set[Key]:
        """Which of ``keys`` were last exported (committed) in ``file``."""
        fid = self._file_id(file, create=False)
        if fid is None:  # (no record was ever committed in it)
            return set()
        return {key for key, last in self._exports(keys) if last == fid}

    def get(self, key: Key) -> KeyState | None:
        field = key_field(key)
        if field in self._buffer:  # (a whole flush per get would cost a call per item)
            self._flush()
        parts = self._record(field)
        if parts is None:
            return None
        first, last, pub, views, chash, fid, xhash, url = parts
        file = self.client.hget(self._k_files, fid) if fid else None
        return KeyState(
            first_seen=datetime.fromtimestamp(int(first), UTC),
            last_seen=datetime.fromtimestamp(int(last), UTC),
            published_at=datetime.fromtimestamp(int(pub), SOFIA) if pub else None,
            content_hash=chash or None,
            views=int(views) if views else None,
            url=_long_url(url),
            file=file.decode() if file is not None else None,
            exported_hash=(chash if xhash == "=" else xhash) if fid else None,
        )

    def is_empty(self) -> bool:
        self._flush()
        return int(self.client.get(self._k_exported) or 0) == 0

    def _buckets(self, low: int, high: int, newest_first: bool) -> Iterator[dict]:
        """The publication buckets holding times ``low`` to ``high`` (``K -> seconds``)."""
        numbers = range(low // BUCKET, high // BUCKET + 1)
        for chunk in chunks(reversed(numbers) if newest_first else numbers, _CHUNK):
            pipe = self.client.pipeline(transaction=False)
            for n in chunk:
                pipe.hgetall(f"{self.prefix}:pub:{n}")
            yield from pipe.execute()

    def _bounds(self) -> tuple[int, int] | None:
        self._flush()
        top, low = self.client.mget(self._k_newest, self._k_oldest)
        return None if top is None or low is None else (int(low), int(top))

    def newest_published(self, lang: str | None = None) -> datetime | None:
        bounds = self._bounds()
        if bounds is None:
            return None
        prefix = f"{lang}:".encode() if lang is not None else b""
        for bucket in self._buckets(*bounds, newest_first=True):
            times = [int(v) for f, v in bucket.items() if f.startswith(prefix)]
            if times:
                return datetime.fromtimestamp(max(times), SOFIA)
        return None

    def published_since(self, dt: datetime) -> list[tuple[Key, str]]:
        floor = unix_seconds(dt)
        assert floor is not None
        bounds = self._bounds()
        if bounds is None or bounds[1] < floor:
            return []
        found: list[tuple[int, Key]] = []
        for bucket in self._buckets(max(floor, bounds[0]), bounds[1], newest_first=False):
            found += [(int(v), field_key(f)) for f, v in bucket.items() if int(v) >= floor]
        found.sort()
        rows: list[tuple[Key, str]] = []
        for chunk in chunks(found, _CHUNK):
            records = self.client.hmget(self._k_keys, [key_field(key) for _, key in chunk])
            for (_, key), raw in zip(chunk, records, strict=True):
                url = _long_url(raw.decode().split("|", 7)[7]) if raw is not None else None
                rows.append((key, url))  # type: ignore[arg-type]
        return rows

    # -- sightings --------------------------------------------------------------------------
    def touch(
        self,
        key: Key,
        url: str,
        published_at: datetime | None,
        content_hash: str | None,
        views: int | None,
    ) -> None:
        row = [
            _ts(published_at),
            content_hash or "",
            "" if views is None else str(int(views)),
            _short_url(url),
        ]
        if not self._buffer:
            self._buffer_started = time.monotonic()
        self._buffer[key_field(key)] = row
        if (
            len(self._buffer) >= TOUCH_BATCH
            or time.monotonic() - self._buffer_started >= TOUCH_SECONDS
        ):
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        now = _now()
        for chunk in chunks(self._buffer.items(), _CHUNK):
            args = [f"{self.prefix}:", now]
            for field, row in chunk:
                args += [field, *row]
            self._touch(keys=[self._k_keys], args=args)
        self._buffer = {}

    # -- export protocol --------------------------------------------------------------------
    def add_pending(self, file: str, rows: Iterable[tuple[Key, str]]) -> None:
        self._flush()
        fid = self._file_id(file, create=True)
        assert fid is not None
        pipe = self.client.pipeline(transaction=True)
        pipe.sadd(self._k_owner, fid)
        for chunk in chunks(rows, _CHUNK):
            pipe.hset(self._pending_key(fid), mapping={key_field(k): h for k, h in chunk})
        pipe.execute()

    def commit_file(self, file: str) -> int:
        self._flush()
        fid = self._file_id(file, create=False)
        if fid is None:
            return 0
        pending = self._pending_key(fid)
        keys = [self._k_keys, pending, self._k_exported]
        now = _now()
        count = 0
        for chunk in chunks(self.client.hkeys(pending), _CHUNK):  # each chunk atomic: a kill
            count += int(
                self._commit(keys=keys, args=[f"{self.prefix}:", now, fid, *chunk])
            )  # leaves the rest
        self.client.srem(self._k_owner, fid)  # pending, which recover() commits
        return count

    def rollback_file(self, file: str) -> int:
        fid = self._file_id(file, create=False)
        if fid is None:
            return 0
        pipe = self.client.pipeline(transaction=True)
        pipe.hlen(self._pending_key(fid))
        pipe.delete(self._pending_key(fid))
        pipe.srem(self._k_owner, fid)
        count, _, _ = pipe.execute()
        return int(count)

    def pending_files(self) -> list[str]:
        """This owner's files with pending rows (an interrupted export, or the current run's)."""
        fids = sorted(self.client.smembers(self._k_owner))
        paths = self.client.hmget(self._k_files, fids) if fids else []
        return sorted(p.decode() for p in paths if p is not None)

    def recover(self) -> dict[str, int]:
        return settle_pending(self)

    # -- discovery watermarks ----------------------------------------------------------------
    def watermarks(self) -> dict[str, datetime]:
        return {
            scope.decode(): datetime.fromtimestamp(int(ts), SOFIA)
            for scope, ts in self.client.hgetall(self._k_watermarks).items()
        }

    def raise_watermarks(self, marks: Mapping[str, datetime]) -> None:
        if marks:
            args = [v for scope, at in marks.items() for v in (scope, _ts(at))]
            self._raise(keys=[self._k_watermarks], args=args)

    # -- run history ------------------------------------------------------------------------
    def record_run(self, run: dict[str, Any]) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.rpush(self._k_runs, json.dumps(run, ensure_ascii=False, sort_keys=True))
        pipe.ltrim(self._k_runs, -HISTORY_KEEP, -1)
        pipe.execute()

    def recent_runs(self, n: int) -> list[dict[str, Any]]:
        if n <= 0:
            return []
        return decode_runs(self.client.lrange(self._k_runs, -n, -1))

    def lost(self) -> None:
        return None  # (a server, not a file a run could lose)

    def close(self) -> None:
        self._flush()
        self.client.close()
