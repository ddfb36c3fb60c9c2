"""Revisions: how a console notices that another one changed the show or a live state.

Every save of the show or of a stage's live state bumps a revision row in the
same transaction, signed by the writer. A console polls SQLite's
``PRAGMA data_version`` (it changes when *another connection* commits, and costs
no I/O), and only when it moved reads the revisions to see what changed and
whether it was someone else: its own writer threads use other connections too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

SHOW = "show"


def live_key(stage: str) -> str:
    return f"live:{stage}"


@dataclass(frozen=True)
class Revision:
    value: int
    saved_by: str  # the writer's signature (console name, host, process)
    saved_at: str


def bump(db: sqlite_utils.Database, name: str, saved_by: str, saved_at: datetime) -> None:
    """Count one more change of ``name``; call inside the change's write transaction."""
    db.execute(
        "INSERT INTO revision (name, value, saved_by, saved_at) VALUES (?, 1, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET value = value + 1, saved_by = excluded.saved_by, "
        "saved_at = excluded.saved_at",
        [name, saved_by, saved_at.isoformat()],
    )


def read_revisions(db: sqlite_utils.Database) -> dict[str, Revision]:
    """Every revision; a row that is not a number (a hand-edited database) counts as
    revision -1, so the next real save is seen as a change."""
    found: dict[str, Revision] = {}
    for name, value, by, at in db.execute(
            "SELECT name, value, saved_by, saved_at FROM revision").fetchall():
        number = value if isinstance(value, int) else -1
        found[str(name)] = Revision(number, str(by), str(at))
    return found


def data_version(db: sqlite_utils.Database) -> int:
    """Changes whenever another connection (of any process) commits to the database."""
    return int(db.execute("PRAGMA data_version").fetchone()[0])
