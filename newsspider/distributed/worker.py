"""Worker identity: a stable name per machine and output folder, claimed in Redis.

A worker's identity is ``<name>:<absolute FAKTI_OUTPUT_DIR>#<slot>`` (``name`` is
``FAKTI_WORKER_ID`` or the host name). Its pending rows, journal and open runs are kept under
that identity, so a worker restarted with the same folder on the same machine takes over the
work its killed predecessor left. A slot whose dead holder left work (a journal, open runs
or pending rows) is taken first, else the lowest free slot. A slot held on this machine is
free only when its holder's process is gone (its pid no longer runs, or runs another process:
a restarted container's pid 1); a paused worker keeps it, however old its heartbeat, and a
restart right after a SIGKILL does not wait for the heartbeat to expire. A slot held on
another machine is free when its holder's heartbeat has expired.
"""

from __future__ import annotations

import json
import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import redis

from newsspider.state import SettingError, state_location_of
from newsspider.state.redis import connect_state

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

#: A worker not heard from for this many seconds is taken as dead (``FAKTI_WORKER_TTL``).
DEFAULT_TTL = 30.0
MAX_SLOTS = 256
_CRAWLER_ATTR = "_fakti_worker"


@dataclass(slots=True)
class Worker:
    """One claimed worker identity. ``id`` (``w<n>``) names its Redis keys; ``tag`` goes into
    its run file names."""

    client: redis.Redis
    prefix: str
    identity: str
    id: str
    tag: str
    ttl: float

    def key(self, name: str) -> str:
        """A job key: ``<prefix>:<name>``."""
        return f"{self.prefix}:{name}"

    @property
    def heartbeat_key(self) -> str:
        return self.key(f"hb:{self.id}")


def _alive_here(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _process(pid: int) -> tuple[str, str] | None:
    """``(state, start)`` of process ``pid`` from Linux ``/proc``: its state letter (``Z``: a
    zombie, killed and not yet reaped) and which process it is (the boot id and its start
    time since boot), so that a pid reused by another process (a restarted container's pid 1)
    is told apart; ``None`` where that cannot be read."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # from field 3 (the state) on
    return (fields[0], f"{boot}:{fields[19]}") if len(fields) > 19 else None


def _holder_alive_here(held: dict[str, Any]) -> bool:
    """Whether the holder recorded in ``held`` (on this host) is still running."""
    pid = int(held["pid"])
    if not _alive_here(pid):
        return False
    process = _process(pid)
    if process is None:
        return True
    state, start = process
    return state not in "ZX" and held.get("start") in (None, start)


def _tag(name: str, slot: int) -> str:
    return f"{re.sub(r'[^A-Za-z0-9-]+', '-', name).strip('-') or 'worker'}-{slot}"


def _take(client: redis.Redis, prefix: str, identity: str, ttl: float) -> str | None:
    """Take ``identity`` if it is free; its worker id, or ``None`` if a live worker holds it."""
    host, registry = socket.gethostname(), f"{prefix}:workers"
    while True:
        with client.pipeline() as pipe:
            try:
                pipe.watch(registry)
                raw = pipe.hget(registry, identity)
                if raw is not None:
                    held = json.loads(raw)
                    if held["host"] == host:
                        if _holder_alive_here(held):
                            return None
                    elif pipe.exists(f"{prefix}:hb:{held['id']}"):
                        return None
                    worker_id = held["id"]
                else:
                    worker_id = f"w{client.incr(f'{prefix}:worker_seq')}"
                pid = os.getpid()
                process = _process(pid)
                start = process[1] if process else None
                record = json.dumps({"id": worker_id, "host": host, "pid": pid, "start": start})
                pipe.multi()
                pipe.hset(registry, identity, record)
                pipe.set(f"{prefix}:hb:{worker_id}", os.getpid(), px=int(ttl * 1000))
                pipe.execute()
                return worker_id
            except redis.WatchError:
                continue  # the registry changed meanwhile: look again


def left_work(client: redis.Redis, prefix: str, worker_id: str) -> bool:
    """Whether worker ``worker_id`` left a journal, open runs or pending rows (to be taken
    over)."""
    keys = (f"{prefix}:{name}:{worker_id}" for name in ("journal", "runs", "owner"))
    return bool(client.exists(*keys))


def _slots_with_work(client: redis.Redis, prefix: str, base: str) -> list[int]:
    """The slots of ``base`` whose registered holder left work, lowest first."""
    slots = []
    for identity, raw in client.hgetall(f"{prefix}:workers").items():
        owner, _, slot = identity.decode().rpartition("#")
        if owner == base and slot.isdigit() and left_work(client, prefix, json.loads(raw)["id"]):
            slots.append(int(slot))
    return sorted(slots)


def claim(client: redis.Redis, prefix: str, name: str, output_dir: str, ttl: float) -> Worker:
    """Claim a slot of ``name:output_dir`` (one whose dead holder left work first, else the
    lowest free one) and start its heartbeat."""
    base = f"{name}:{Path(output_dir).resolve()}"
    for slot in [*_slots_with_work(client, prefix, base), *range(MAX_SLOTS)]:
        identity = f"{base}#{slot}"
        worker_id = _take(client, prefix, identity, ttl)
        if worker_id is not None:
            return Worker(client, prefix, identity, worker_id, _tag(name, slot), ttl)
    raise SettingError(f"FAKTI_STATE: no free worker slot for {base!r}")


def worker_for(crawler: Crawler) -> Worker:
    """The crawler's worker identity (claimed once, cached on the crawler)."""
    worker: Worker | None = getattr(crawler, _CRAWLER_ATTR, None)
    if worker is None:
        settings = crawler.settings
        client, prefix = connect_state(state_location_of(settings))  # (checked before it writes)
        worker = claim(
            client,
            prefix,
            settings.get("FAKTI_WORKER_ID") or socket.gethostname(),
            settings.get("FAKTI_OUTPUT_DIR", "output"),
            settings.getfloat("FAKTI_WORKER_TTL", DEFAULT_TTL),
        )
        setattr(crawler, _CRAWLER_ATTR, worker)
    return worker
