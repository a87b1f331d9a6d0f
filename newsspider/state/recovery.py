"""Start-up recovery of an interrupted export, shared by every state backend."""

from __future__ import annotations

from pathlib import Path

from newsspider.state import RECOVERED, StateStore


def settle_pending(store: StateStore) -> dict[str, int]:
    """Commit the pending rows of every file that exists (its rename happened), roll back the
    others (the run died before it). Returns the four counts ``recover()`` reports."""
    outcome = dict.fromkeys(RECOVERED, 0)
    for file in store.pending_files():
        if Path(file).exists():
            outcome["committed_keys"] += store.commit_file(file)
            outcome["committed_files"] += 1
        else:
            outcome["rolled_back_keys"] += store.rollback_file(file)
            outcome["rolled_back_files"] += 1
    return outcome
