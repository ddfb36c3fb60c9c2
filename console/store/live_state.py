"""The live state of each stage, saved on every change so a killed console resumes.

One row per stage holds the whole :class:`LiveState` as JSON. Each save is its
own short transaction: with WAL and ``synchronous=FULL`` it is on disk when
:func:`save_live_state` returns.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlite_utils

from console.models.live import LiveState, SegmentRun
from console.store.database import write_transaction

TABLE = "live_state"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def state_to_json(state: LiveState) -> str:
    document = {
        "runs": [
            {"segment_id": run.segment_id, "started_at": _when(run.started_at),
             "ended_at": _when(run.ended_at), "held_s": run.held_s, "added_s": run.added_s}
            for run in state.runs
        ],
        "hold_started_at": _when(state.hold_started_at),
        "skipped": sorted(state.skipped),
    }
    return json.dumps(document)


def state_from_json(stage: str, text: str) -> LiveState:
    document: dict[str, Any] = json.loads(text)
    runs = tuple(
        SegmentRun(
            segment_id=str(run["segment_id"]),
            started_at=datetime.fromisoformat(run["started_at"]),
            ended_at=_parse(run.get("ended_at")),
            held_s=float(run.get("held_s", 0.0)),
            added_s=float(run.get("added_s", 0.0)),
        )
        for run in document.get("runs", [])
    )
    return LiveState(stage=stage, runs=runs,
                     hold_started_at=_parse(document.get("hold_started_at")),
                     skipped=frozenset(str(item) for item in document.get("skipped", [])))


def save_live_state(db: sqlite_utils.Database, state: LiveState, saved_at: datetime) -> None:
    with write_transaction(db):
        db.execute(
            f"INSERT INTO {TABLE} (stage, state, saved_at) VALUES (?, ?, ?) "
            "ON CONFLICT(stage) DO UPDATE SET state = excluded.state, saved_at = excluded.saved_at",
            [state.stage, state_to_json(state), saved_at.isoformat()],
        )


def load_live_state(db: sqlite_utils.Database, stage: str) -> LiveState:
    """The saved state of ``stage``; a fresh one when nothing was saved."""
    row = db.execute(f"SELECT state FROM {TABLE} WHERE stage = ?", [stage]).fetchone()
    if row is None:
        return LiveState(stage=stage)
    return state_from_json(stage, str(row[0]))
