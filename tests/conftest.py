"""Shared test fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_SEED = REPO.parent / "shared" / "seed"
PACKAGE_SEED = REPO / "newsspider" / "replica" / "data"


def _seed_dir() -> Path:
    """The shared seed when it is beside the checkout (CI, sessions), else the package copy."""
    return SHARED_SEED if SHARED_SEED.is_dir() else PACKAGE_SEED


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (_seed_dir() / "fakti-en-965998.txt").read_text("utf-8")


@pytest.fixture(scope="session")
def seed_expected() -> dict:
    return json.loads((_seed_dir() / "fakti-en-965998.expected.json").read_text("utf-8"))
