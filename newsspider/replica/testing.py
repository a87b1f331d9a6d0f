"""Run the standalone replica as a subprocess (for tests and benchmarks)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
from datetime import datetime
from functools import cache

from newsspider.replica.generator import SOFIA, Site, When


def replica_command(
    *,
    articles: int = 300,
    epoch: int = 1,
    faults: bool = False,
    seed: int = 1,
    now: datetime,
    crawl_delay: float = 1.0,
    variant: str | None = None,
    empty_listings: bool = False,
    feed_omits: str | None = None,
    search_pages: int | None = None,
) -> list[str]:
    """The ``python -m newsspider.replica`` command line on a free port (``--port 0``)."""
    cmd = [
        sys.executable,
        "-m",
        "newsspider.replica",
        "--port",
        "0",
        "--articles",
        str(articles),
        "--epoch",
        str(epoch),
        "--seed",
        str(seed),
        "--now",
        now.isoformat(),
        "--crawl-delay",
        str(crawl_delay),
    ]
    if faults:
        cmd.append("--faults")
    if variant:
        cmd += ["--variant", variant]
    if empty_listings:
        cmd.append("--empty-listings")
    if feed_omits:
        cmd += ["--feed-omits", feed_omits]
    if search_pages is not None:
        cmd += ["--search-pages", str(search_pages)]
    return cmd


class ReplicaProcess:
    """A ``python -m newsspider.replica`` subprocess on a free loopback port.

    ``now`` defaults to the current minute and is always passed with ``--now``, so that
    ``truth(epoch)`` (computed in-process from the same options) matches what is served.
    """

    def __init__(
        self,
        *,
        articles: int = 300,
        epoch: int = 1,
        faults: bool = False,
        seed: int = 1,
        now: datetime | None = None,
        crawl_delay: float = 1.0,
        variant: str | None = None,
        empty_listings: bool = False,
        feed_omits: str | None = None,
        search_pages: int | None = None,
    ):
        self.articles, self.seed, self.epoch = articles, seed, epoch
        self.variant, self.empty_listings = variant, empty_listings
        self.feed_omits, self.search_pages = feed_omits, search_pages
        self.now = (now or datetime.now(SOFIA)).astimezone(SOFIA).replace(second=0, microsecond=0)
        cmd = replica_command(
            articles=articles,
            epoch=epoch,
            faults=faults,
            seed=seed,
            now=self.now,
            crawl_delay=crawl_delay,
            variant=variant,
            empty_listings=empty_listings,
            feed_omits=feed_omits,
            search_pages=search_pages,
        )
        # stderr goes to a file and stdout is drained after the first line, so a chatty
        # replica can never block on a full pipe.
        self._stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        line = self.proc.stdout.readline().strip() if self.proc.stdout else ""
        if not line.startswith("replica listening on "):
            self._end()
            self._stderr.seek(0)
            why = self._stderr.read()
            self._stderr.close()
            raise RuntimeError(f"replica did not start: {line!r} {why}")
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        self.base_url = line.rsplit(" ", 1)[1]

    @cache  # noqa: B019 - one Site per process object, kept for its lifetime
    def site(self) -> Site:
        """The generator with the same options (in-process)."""
        return Site(
            articles=self.articles,
            seed=self.seed,
            now=self.now,
            variant=self.variant,
            empty_listings=self.empty_listings,
            feed_omits=self.feed_omits,
            search_pages=self.search_pages,
        )

    def truth(self, when: When | None = None) -> list[dict]:
        """The ground-truth records (every record field but ``scraped_at``) at ``when`` (an
        epoch or a time, computed in-process); by default at the replica's current clock
        (``GET /__replica__/truth``)."""
        if when is None:
            return [
                json.loads(line) for line in self._request("GET", "/__replica__/truth").splitlines()
            ]
        return list(self.site().ground_truth(when))

    def _request(self, method: str, path: str) -> bytes:
        req = urllib.request.Request(
            self.base_url + path, method=method, data=b"" if method == "POST" else None
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.read()

    def _call(self, method: str, path: str) -> dict:
        return json.loads(self._request(method, path))

    def log(self) -> dict:
        """``GET /__replica__/log``: ``total``, ``by_kind``, ``entries``."""
        return self._call("GET", "/__replica__/log")

    def reset_log(self) -> None:
        self._call("POST", "/__replica__/log/reset")

    def set_epoch(self, epoch: int) -> None:
        self._call("POST", f"/__replica__/epoch?e={epoch}")

    def set_clock(self, t: datetime) -> dict:
        """Move the site's clock to ``t``; returns its ``epoch`` and ``clock``."""
        return self._call(
            "POST", "/__replica__/clock?" + urllib.parse.urlencode({"t": t.isoformat()})
        )

    def outage(self, path: str) -> None:
        """``path`` answers 503 until :meth:`end_outages`."""
        self._call("POST", "/__replica__/outage?" + urllib.parse.urlencode({"path": path}))

    def end_outages(self) -> None:
        self._call("POST", "/__replica__/outage/reset")

    def stop(self) -> None:
        self._end()
        self._stderr.close()

    def _end(self) -> None:
        """Terminate the replica (killed if it takes over 5 s) and wait for it."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
