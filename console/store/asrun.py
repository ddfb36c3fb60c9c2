"""The as-run log: its rows, the writer that appends them, and queries.

Every as-run write goes through one :class:`AsRunWriter`, the store's batched writer
(``store/writer.py``) with a method for as-run entries; other tables' rows (viewer
samples, OBS stats) share its thread and transactions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from console.models.asrun import AsRunEntry, AsRunKind
from console.store.database import StoreError
from console.store.writer import THREAD_NAME, BatchWriter, Row, WriterStats

__all__ = ["THREAD_NAME", "AsRunWriter", "WriterStats", "insert_entry", "last_entry_at",
           "read_asrun"]

_COLUMNS = ("at_utc", "kind", "segment_id", "planned", "actual", "deviation_s",
            "language", "console", "role", "details")
_INSERT = (f"INSERT INTO asrun ({', '.join(_COLUMNS)}) "
           f"VALUES ({', '.join('?' for _ in _COLUMNS)})")


def utc_text(value: datetime | None) -> str | None:
    """Fixed-width UTC text, so comparing the strings compares the instants."""
    return None if value is None else value.astimezone(UTC).isoformat(timespec="microseconds")


def entry_row(entry: AsRunEntry) -> Row:
    return (utc_text(entry.at_utc), str(entry.kind), entry.segment_id,
            utc_text(entry.planned), utc_text(entry.actual), entry.deviation_s,
            entry.language, entry.console, entry.role, entry.details_json())


def insert_entry(db: sqlite_utils.Database, entry: AsRunEntry) -> None:
    """Append one entry on ``db``, inside the caller's transaction (so a change and its
    as-run row commit together, or neither does)."""
    db.conn.execute(_INSERT, entry_row(entry))


class AsRunWriter(BatchWriter):
    """The batched writer, which also appends as-run entries."""

    def append(self, entry: AsRunEntry) -> None:
        """Queue ``entry``; returns at once. Raises StoreError once closed."""
        self.append_row(_INSERT, entry_row(entry))  # converted here: a bad entry fails here


def _entry(row: dict[str, Any]) -> AsRunEntry:
    def parse(value: str | None) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)

    try:
        kind = AsRunKind(row["kind"])
    except ValueError:
        raise StoreError(f"as-run row {row['id']} has the kind {row['kind']!r}, unknown to "
                         "this console; use a newer version to read this log") from None
    return AsRunEntry(
        at_utc=datetime.fromisoformat(row["at_utc"]),
        kind=kind,
        segment_id=row["segment_id"],
        planned=parse(row["planned"]),
        actual=parse(row["actual"]),
        language=row["language"],
        console=row["console"],
        role=row["role"],
        details=json.loads(row["details"]),
    )


def read_asrun(
    db: sqlite_utils.Database,
    since: datetime | None = None,
    kinds: Iterable[str] | None = None,
) -> list[AsRunEntry]:
    """Entries at or after ``since`` (aware), of the given kinds, oldest first."""
    clauses: list[str] = []
    params: list[Any] = []
    if since is not None:
        if since.utcoffset() is None:
            raise ValueError("since must be timezone-aware")
        clauses.append("at_utc >= ?")
        params.append(utc_text(since))
    if kinds is not None:
        kind_list = [str(kind) for kind in kinds]
        clauses.append(f"kind IN ({', '.join('?' for _ in kind_list)})")
        params.extend(kind_list)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT * FROM asrun{where} ORDER BY at_utc, id"
    return [_entry(row) for row in db.query(sql, params)]


def last_entry_at(db: sqlite_utils.Database) -> datetime | None:
    """The time of the newest entry, or None for an empty log."""
    row = db.execute("SELECT max(at_utc) FROM asrun").fetchone()
    return None if row is None or row[0] is None else datetime.fromisoformat(row[0])
