"""Repository-level checks: lint clean, every setting documented, the CI runs the README's
test command."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import scrapy

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text("utf-8")


def _settings_used_in_code() -> set[str]:
    names: set[str] = set()
    for path in (REPO / "newsspider").rglob("*.py"):
        names |= set(re.findall(r"\b(FAKTI_[A-Z0-9_]*[A-Z0-9])\b", path.read_text("utf-8")))
    return names


def test_every_fakti_setting_is_documented_in_the_readme() -> None:
    used = _settings_used_in_code()
    assert len(used) > 20  # the scan really found the settings
    missing = sorted(name for name in used if f"`{name}`" not in README)
    assert missing == []


def test_ci_runs_the_readme_test_command() -> None:
    block = re.search(r"Test command.*?```sh\n(.+?)\n```", README, re.S)
    assert block is not None
    command = block.group(1).strip()
    ci = (REPO / ".ci" / "run").read_text("utf-8").strip().splitlines()
    assert ci[-1] == command


def test_the_declared_scrapy_floor_is_the_version_the_code_needs() -> None:
    """pyproject said ``scrapy>=2.11``, but ``middlewares/politeness.py`` imports
    ``scrapy.utils.asyncio.sleep``, which Scrapy 2.18 added (2.17 has none): an install with
    2.11..2.17 failed at import (review)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    (floor,) = [dep for dep in project["dependencies"] if re.match(r"scrapy\b(?!-)", dep)]
    assert floor == "scrapy>=2.18"
    assert tuple(int(n) for n in scrapy.__version__.split(".")[:2]) >= (2, 18)


def test_the_readmes_unattended_crawls_of_the_site_give_a_contact() -> None:
    """The cron, systemd, scrapyd and worker examples crawled the live site without the
    ``FAKTI_CONTACT`` the README says to set for live crawls (review)."""
    sections = re.findall(r"^### (?:Scheduling|Running workers)\n(.*?)^##", README, re.S | re.M)
    lines = "".join(sections).replace("\\\n", " ").splitlines()  # (continued lines joined)
    commands = [line for line in lines if re.search(r"scrapy crawl fakti|schedule\.json", line)]
    assert len(commands) == 5  # cron, systemd, scrapyd, workers on one machine, on several
    for command in commands:
        assert "FAKTI_CONTACT=ops@example.org" in command, command


def test_ruff_clean() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:]
