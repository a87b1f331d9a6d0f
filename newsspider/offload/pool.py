"""The crawler's side: a few worker processes that run :func:`extract_article`.

Each worker is ``python -m newsspider.offload.worker`` on one end of a socket pair; the
other end is an asyncio transport, so sending a page and reading a result never block the
crawl. A job goes to the worker with the fewest jobs in flight. If a worker dies, its jobs
are failed with :class:`WorkerLost`, the one it was working on marked ``suspect`` (see
:meth:`FaktiSpider._worker_result` for what the caller does), and the pool goes on with the
others; with none left, :meth:`ExtractionPool.extract` says so by raising :class:`WorkerLost`
at once. A worker that leaves a job unanswered for
:data:`JOB_TIMEOUT` seconds (stopped, stuck) is killed, and so is lost the same way: the crawl
never waits on it for ever.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import socket
import subprocess
import sys
import time
from contextlib import suppress
from typing import Any

from newsspider.extraction.record import ExtractionResult
from newsspider.offload.frames import FrameReader, frame

logger = logging.getLogger(__name__)

#: Seconds the workers get, together, to exit after their sockets are closed; the ones still
#: running then are killed.
EXIT_TIMEOUT = 5.0
#: Seconds a worker may leave a job unanswered (a page takes milliseconds) before it is taken
#: as hung and killed; checked every :data:`WATCH_INTERVAL` seconds.
JOB_TIMEOUT = 60.0
WATCH_INTERVAL = 5.0


class WorkerLost(RuntimeError):
    """The job's worker died or was killed (``suspect``: while on this very job, which may
    be what killed it), or no worker is left (``none_left``)."""

    def __init__(self, message: str, *, suspect: bool = False, none_left: bool = False) -> None:
        super().__init__(message)
        self.suspect = suspect
        self.none_left = none_left


class _Worker(asyncio.Protocol):
    """One worker process and its jobs in flight."""

    def __init__(self, proc: subprocess.Popen, pool: ExtractionPool) -> None:
        self.proc = proc
        self.pool = pool
        self.transport: asyncio.Transport | None = None
        self.reader = FrameReader()
        self.jobs: dict[int, asyncio.Future] = {}
        self.sent: dict[int, float] = {}  # job id -> time sent (oldest first)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        for job_id, result in self.reader.feed(data):
            future = self.jobs.pop(job_id)
            del self.sent[job_id]
            if not future.done():
                future.set_result(result)

    def connection_lost(self, exc: Exception | None) -> None:
        self.pool.lost(self)
        current = next(iter(self.sent), None)  # (a worker answers its jobs in order)
        for job_id, future in self.jobs.items():
            if not future.done():
                message = f"extraction worker {self.proc.pid} exited"
                future.set_exception(WorkerLost(message, suspect=job_id == current))
        self.jobs.clear()
        self.sent.clear()

    def hung(self, now: float) -> bool:
        """Whether its oldest job has waited more than :data:`JOB_TIMEOUT` seconds."""
        oldest = next(iter(self.sent.values()), None)
        return oldest is not None and now - oldest > JOB_TIMEOUT

    def send(self, job_id: int, message: tuple[Any, ...], future: asyncio.Future) -> None:
        assert self.transport is not None
        self.jobs[job_id] = future
        self.sent[job_id] = time.monotonic()
        self.transport.write(frame((job_id, *message)))


class ExtractionPool:
    """``size`` worker processes; :meth:`start` them in the running event loop."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("an extraction pool needs at least one worker")
        self.size = size
        self.workers: list[_Worker] = []
        self.lost_count = 0
        self._lost: list[subprocess.Popen] = []  # reaped at close
        self._ids = itertools.count(1)
        self._closing = False
        self._watch: asyncio.TimerHandle | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        for _ in range(self.size):
            mine, theirs = socket.socketpair()
            with theirs:
                # A session of its own: a signal to the crawler's process group (Ctrl-C, a
                # service manager's SIGTERM) stops the crawler, which then closes the workers.
                proc = subprocess.Popen(
                    [
                        sys.executable, "-m", "newsspider.offload.worker",
                        str(theirs.fileno()), str(os.getpid()),
                    ],
                    pass_fds=(theirs.fileno(),),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    start_new_session=True,
                )  # fmt: skip
            worker = _Worker(proc, self)
            await loop.create_connection(lambda w=worker: w, sock=mine)
            self.workers.append(worker)
        self._watch = loop.call_later(WATCH_INTERVAL, self._kill_hung)

    def _kill_hung(self) -> None:
        """Kill every hung worker (its socket then closes: :meth:`_Worker.connection_lost`)."""
        now = time.monotonic()
        for worker in self.workers:
            if worker.hung(now) and worker.proc.poll() is None:
                logger.warning(
                    "extraction worker %d left a page unanswered for %.0f s: killed",
                    worker.proc.pid, JOB_TIMEOUT,
                )  # fmt: skip
                worker.proc.kill()
                with suppress(subprocess.TimeoutExpired):  # (reaped: its status is logged)
                    worker.proc.wait(1.0)
        if not self._closing:
            self._watch = asyncio.get_running_loop().call_later(WATCH_INTERVAL, self._kill_hung)

    def lost(self, worker: _Worker) -> None:
        if worker in self.workers:
            self.workers.remove(worker)
            self._lost.append(worker.proc)
            if not self._closing:
                self.lost_count += 1
                logger.warning(
                    "extraction worker %d exited (%s); %d left",
                    worker.proc.pid, worker.proc.poll(), len(self.workers),
                )  # fmt: skip

    def extract(
        self, body: bytes, url: str, content_type: str | None
    ) -> asyncio.Future[ExtractionResult]:
        """A future of ``extract_article(body, url, content_type=...)`` run by a worker."""
        if not self.workers:
            raise WorkerLost("no extraction worker left", none_left=True)
        worker = min(self.workers, key=lambda w: len(w.jobs))
        future: asyncio.Future[ExtractionResult] = asyncio.get_running_loop().create_future()
        worker.send(next(self._ids), (body, url, content_type), future)
        return future

    def close(self) -> None:
        """Close the sockets (workers exit at end of stream) and reap every worker process,
        killing those still running after :data:`EXIT_TIMEOUT` seconds in all."""
        self._closing = True
        if self._watch is not None:
            self._watch.cancel()
        procs = [w.proc for w in self.workers] + self._lost
        for worker in list(self.workers):
            if worker.transport is not None:
                # End of stream now (``close`` alone would wait for the next loop turn).
                worker.transport.get_extra_info("socket").shutdown(socket.SHUT_WR)
                worker.transport.close()
        deadline = time.monotonic() + EXIT_TIMEOUT
        for proc in procs:
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
