"""Saving and loading the show (one per database)."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from console.models.errors import InvalidValue
from console.models.limits import MAX_DURATION, check_instant
from console.models.show import Day, Segment, SegmentKind, Session, Show, Speaker, Stage
from console.store import revisions
from console.store.database import StoreError, database_file, write_transaction

SHOW_ID = 1
MAX_DURATION_S = MAX_DURATION.total_seconds()
# Children before parents, so the deletes work without relying on ON DELETE CASCADE.
_SHOW_TABLES = ("speaker", "segment", "session", "day", "stage", "show")


def _insert(db: sqlite_utils.Database, table: str, record: dict[str, Any]) -> int:
    columns = ", ".join(record)
    marks = ", ".join("?" for _ in record)
    cursor = db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(record.values()))
    return int(cursor.lastrowid or 0)


def _segment_record(segment: Segment, session_id: int, position: int) -> dict[str, Any]:
    return {
        "id": segment.id,
        "session_id": session_id,
        "position": position,
        "source_id": segment.source_id,
        "kind": segment.kind.value,
        "title": segment.title,
        "planned_start": segment.planned_start.isoformat(),
        "planned_duration_s": segment.planned_duration.total_seconds(),
        "hard_start": int(segment.hard_start),
        "scene": segment.scene,
        "notes": segment.notes,
        "warning_s": segment.warning_s,
        "danger_s": segment.danger_s,
    }


def _insert_show(db: sqlite_utils.Database, show: Show) -> None:
    _insert(db, "show", {
        "id": SHOW_ID, "name": show.name, "timezone": show.timezone,
        "floor_language": show.floor_language,
        "languages": json.dumps(list(show.languages)),
    })
    for stage_pos, stage in enumerate(show.stages):
        stage_id = _insert(db, "stage", {"show_id": SHOW_ID, "position": stage_pos,
                                         "name": stage.name})
        for day_pos, day in enumerate(stage.days):
            day_id = _insert(db, "day", {"stage_id": stage_id, "position": day_pos,
                                         "date": day.date.isoformat()})
            for session_pos, session in enumerate(day.sessions):
                session_id = _insert(db, "session", {
                    "day_id": day_id, "position": session_pos,
                    "title": session.title, "chair": session.chair,
                })
                for segment_pos, segment in enumerate(session.segments):
                    _insert(db, "segment", _segment_record(segment, session_id, segment_pos))
                    for speaker_pos, speaker in enumerate(segment.speakers):
                        _insert(db, "speaker", {
                            "segment_id": segment.id, "position": speaker_pos,
                            "name": speaker.name, "affiliation": speaker.affiliation,
                            "language": speaker.language,
                        })


def write_show(db: sqlite_utils.Database, show: Show, saved_by: str,
               saved_at: datetime | None = None) -> None:
    """Replace the stored show, inside the caller's write transaction."""
    for table in _SHOW_TABLES:
        db.execute(f"DELETE FROM {table}")
    _insert_show(db, show)
    revisions.bump(db, revisions.SHOW, saved_by, saved_at or datetime.now(UTC))


def save_show(db: sqlite_utils.Database, show: Show, saved_by: str = "",
              saved_at: datetime | None = None) -> None:
    """Replace the stored show with ``show`` in one transaction (all or nothing).

    ``saved_by`` signs the change, so other consoles on the database can tell it
    was not theirs and reload.
    """
    try:
        with write_transaction(db):
            write_show(db, show, saved_by, saved_at)
    except sqlite3.Error as error:
        raise StoreError(
            f"{database_file(db)}: could not save the show {show.name!r}: {error}"
        ) from error


def _rows(db: sqlite_utils.Database, sql: str) -> list[dict[str, Any]]:
    return list(db.query(sql))


def _by_parent(rows: list[dict[str, Any]], parent: str) -> dict[Any, list[dict[str, Any]]]:
    grouped: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:  # rows arrive ordered by position
        grouped[row[parent]].append(row)
    return grouped


def _segment(row: dict[str, Any], speakers: list[dict[str, Any]], zone: ZoneInfo) -> Segment:
    # An old or hand-edited database may hold anything: check what later arithmetic needs.
    where = f"segment {row['id']!r}"
    start = check_instant(datetime.fromisoformat(row["planned_start"]),
                          f"{where}: planned_start")
    duration = row["planned_duration_s"]
    if not isinstance(duration, int | float) or not 0 <= duration <= MAX_DURATION_S:
        raise InvalidValue(f"{where}: planned_duration_s", "is out of range")
    return Segment(
        id=row["id"],
        kind=SegmentKind(row["kind"]),
        title=row["title"],
        planned_start=start.astimezone(zone),
        planned_duration=timedelta(seconds=duration),
        speakers=tuple(
            Speaker(name=s["name"], language=s["language"], affiliation=s["affiliation"])
            for s in speakers
        ),
        source_id=row["source_id"],
        hard_start=bool(row["hard_start"]),
        scene=row["scene"],
        notes=row["notes"],
        warning_s=row["warning_s"],
        danger_s=row["danger_s"],
    )


def _read_show(db: sqlite_utils.Database) -> Show | None:
    shows = _rows(db, "SELECT * FROM show")
    if not shows:
        return None
    row = shows[0]
    zone = ZoneInfo(row["timezone"])
    stages = _rows(db, "SELECT * FROM stage ORDER BY position")
    days = _by_parent(_rows(db, "SELECT * FROM day ORDER BY stage_id, position"), "stage_id")
    sessions = _by_parent(_rows(db, "SELECT * FROM session ORDER BY day_id, position"), "day_id")
    segments = _by_parent(
        _rows(db, "SELECT * FROM segment ORDER BY session_id, position"), "session_id"
    )
    speakers = _by_parent(
        _rows(db, "SELECT * FROM speaker ORDER BY segment_id, position"), "segment_id"
    )
    return Show(
        name=row["name"],
        timezone=row["timezone"],
        floor_language=row["floor_language"],
        languages=tuple(json.loads(row["languages"])),
        stages=tuple(
            Stage(name=stage["name"], days=tuple(
                Day(date=date.fromisoformat(day["date"]), sessions=tuple(
                    Session(
                        title=session["title"],
                        chair=session["chair"],
                        segments=tuple(
                            _segment(seg, speakers[seg["id"]], zone)
                            for seg in segments[session["id"]]
                        ),
                    )
                    for session in sessions[day["id"]]
                ))
                for day in days[stage["id"]]
            ))
            for stage in stages
        ),
    )


def load_show(db: sqlite_utils.Database) -> Show | None:
    """The stored show, or None when nothing has been imported yet."""
    try:
        # One read transaction: a consistent snapshot even while another connection saves.
        with db.atomic():
            return _read_show(db)
    except (sqlite3.Error, ValueError, KeyError) as error:
        raise StoreError(f"{database_file(db)}: could not load the show: {error}") from error


def show_timezone(db: sqlite_utils.Database) -> str | None:
    """The show's time zone name as stored (unchecked), or None before any import."""
    row = db.execute("SELECT timezone FROM show WHERE id = ?", [SHOW_ID]).fetchone()
    return None if row is None else str(row[0])
