"""The live state of each stage, saved on every change so a killed console resumes.

One row per stage holds the whole :class:`LiveState` as JSON. Each save is its
own short transaction, with the stage's revision bumped in it (so other consoles
on the database notice); with WAL and ``synchronous=FULL`` it is on disk when
:func:`save_live_state` returns.

A stored state that cannot be read or is out of range (an old or hand-edited
database) never stops the console from starting: :func:`load_live_state` moves it
to ``live_state_set_aside`` and starts the stage afresh, saying why.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from console.models.errors import InvalidValue
from console.models.limits import MAX_ADDED_S, MAX_DURATION, check_instant
from console.models.live import LiveState, SegmentRun
from console.store import revisions
from console.store.database import StoreError, database_file, write_transaction

log = logging.getLogger(__name__)

TABLE = "live_state"
MAX_HELD_S = MAX_DURATION.total_seconds()


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def state_to_json(state: LiveState) -> str:
    document = {
        "runs": [
            {"segment_id": run.segment_id, "started_at": _when(run.started_at),
             "ended_at": _when(run.ended_at), "held_s": run.held_s, "added_s": run.added_s}
            for run in state.runs
        ],
        "hold_started_at": _when(state.hold_started_at),
        "skipped": sorted(state.skipped),
        "rehearsal": state.rehearsal,
    }
    return json.dumps(document)


class _Reader:
    """Reads one stored state, naming the JSON path of whatever does not fit."""

    def instant(self, value: Any, field: str) -> datetime:
        if not isinstance(value, str):
            raise InvalidValue(field, "must be an ISO 8601 date and time")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidValue(field, f"{value!r} is not an ISO 8601 date and time") from None
        return check_instant(moment, field)

    def optional_instant(self, value: Any, field: str) -> datetime | None:
        return None if value is None else self.instant(value, field)

    def seconds(self, value: Any, field: str, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not low <= value <= high:
            raise InvalidValue(field, f"must be a number of seconds from {low:g} to {high:g}")
        return float(value)

    def text(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or not value:
            raise InvalidValue(field, "must be a segment id")
        return value

    def run(self, run: Any, where: str) -> SegmentRun:
        if not isinstance(run, dict):
            raise InvalidValue(where, "must be an object")
        started = self.instant(run.get("started_at"), f"{where}.started_at")
        ended = self.optional_instant(run.get("ended_at"), f"{where}.ended_at")
        if ended is not None and ended < started:
            raise InvalidValue(f"{where}.ended_at", "is before started_at")
        return SegmentRun(
            segment_id=self.text(run.get("segment_id"), f"{where}.segment_id"),
            started_at=started, ended_at=ended,
            held_s=self.seconds(run.get("held_s", 0.0), f"{where}.held_s", 0, MAX_HELD_S),
            added_s=self.seconds(run.get("added_s", 0.0), f"{where}.added_s",
                                 -MAX_ADDED_S, MAX_ADDED_S),
        )

    def state(self, stage: str, document: Any) -> LiveState:
        if not isinstance(document, dict):
            raise InvalidValue("$", "must be an object")
        runs = document.get("runs", [])
        skipped = document.get("skipped", [])
        if not isinstance(runs, list):
            raise InvalidValue("$.runs", "must be a list")
        if not isinstance(skipped, list):
            raise InvalidValue("$.skipped", "must be a list")
        rehearsal = document.get("rehearsal", False)
        if not isinstance(rehearsal, bool):
            raise InvalidValue("$.rehearsal", "must be true or false")
        return LiveState(
            stage=stage,
            runs=tuple(self.run(run, f"$.runs[{index}]") for index, run in enumerate(runs)),
            hold_started_at=self.optional_instant(document.get("hold_started_at"),
                                                  "$.hold_started_at"),
            skipped=frozenset(self.text(item, f"$.skipped[{index}]")
                              for index, item in enumerate(skipped)),
            rehearsal=rehearsal,
        )


def state_from_json(stage: str, text: str) -> LiveState:
    """The state stored as ``text``; :class:`InvalidValue` naming the JSON path otherwise."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise InvalidValue("$", f"is not JSON ({error})") from None
    return _Reader().state(stage, document)


def save_live_state(db: sqlite_utils.Database, state: LiveState, saved_at: datetime,
                    saved_by: str = "") -> None:
    try:
        with write_transaction(db):
            db.execute(
                f"INSERT INTO {TABLE} (stage, state, saved_at) VALUES (?, ?, ?) "
                "ON CONFLICT(stage) DO UPDATE SET state = excluded.state, "
                "saved_at = excluded.saved_at",
                [state.stage, state_to_json(state), saved_at.isoformat()],
            )
            revisions.bump(db, revisions.live_key(state.stage), saved_by, saved_at)
    except sqlite3.Error as error:
        raise StoreError(f"{database_file(db)}: could not save the live state of "
                         f"{state.stage!r}: {error}") from error


@dataclass(frozen=True)
class LoadedLiveState:
    state: LiveState
    set_aside: str | None = None  # why a stored state was set aside, for the operator


def load_live_state(db: sqlite_utils.Database, stage: str) -> LiveState:
    """The saved state of ``stage``; a fresh one when nothing (readable) was saved."""
    return read_live_state(db, stage).state


def read_live_state(db: sqlite_utils.Database, stage: str,
                    now: datetime | None = None) -> LoadedLiveState:
    """The saved state of ``stage``. One that does not fit is set aside (when ``now`` is
    given, moved to ``live_state_set_aside``) and the stage starts afresh."""
    row = db.execute(f"SELECT state FROM {TABLE} WHERE stage = ?", [stage]).fetchone()
    if row is None:
        return LoadedLiveState(LiveState(stage=stage))
    try:
        return LoadedLiveState(state_from_json(stage, str(row[0])))
    except InvalidValue as error:
        reason = (f"the saved live state of stage {stage!r} in {database_file(db)} cannot be "
                  f"used ({error}); it was set aside and the stage starts with nothing live")
    if now is not None:
        _set_aside(db, stage, str(row[0]), reason, now)
    return LoadedLiveState(LiveState(stage=stage), reason)


def _set_aside(db: sqlite_utils.Database, stage: str, text: str, reason: str,
               now: datetime) -> None:
    try:
        with write_transaction(db):
            db.execute("INSERT INTO live_state_set_aside (stage, state, reason, set_aside_at) "
                       "VALUES (?, ?, ?, ?)", [stage, text, reason, now.isoformat()])
            db.execute(f"DELETE FROM {TABLE} WHERE stage = ?", [stage])
    except sqlite3.Error as error:
        # It stays where it is; the console still starts afresh and says so.
        log.error("could not set the unreadable live state aside: %s", error)


def live_segments(db: sqlite_utils.Database) -> dict[str, str]:
    """The live segment of every stage that has one (stage -> segment id); states that
    cannot be read count as nothing live."""
    found: dict[str, str] = {}
    for stage, text in db.execute(f"SELECT stage, state FROM {TABLE}").fetchall():
        try:
            live = state_from_json(str(stage), str(text)).live
        except InvalidValue:
            continue
        if live is not None:
            found[str(stage)] = live.segment_id
    return found
