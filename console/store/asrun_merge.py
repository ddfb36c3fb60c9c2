"""The as-run rows of another console's database, checked one by one where they enter,
and added to this database's log unless it has them (see merge_rows).

Each row must make a valid :class:`~console.models.asrun.AsRunEntry` (a kind this
console knows: the source's schema is not newer; aware times; details a JSON object
without secrets; no control characters in the text columns), and is stored exactly
as this console writes its own (UTC text, details with sorted keys, the deviation
computed from planned and actual), so comparing contents compares entries.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from console.models.asrun import AsRunEntry, AsRunKind
from console.models.errors import InvalidValue
from console.models.limits import MAX_NAME, check_text
from console.store.asrun import insert_entry, utc_text
from console.store.merge_rows import Tally, checked_time, merge_rows, read_through, refuse_row
from console.store.read_only import ASRUN_COLUMNS

MAX_KIND = 64
MAX_LANGUAGE = 64

_MATCH = ("SELECT details FROM asrun WHERE at_utc = ? AND kind = ? AND segment_id IS ? "
          "AND planned IS ? AND actual IS ? AND language IS ? AND console = ? AND role = ?")


def _optional_text(value: object, field: str, max_length: int) -> str | None:
    return None if value is None else check_text(value, field, max_length=max_length)


def _details(value: object) -> dict[str, Any]:
    text = check_text(value, "details", max_length=10_000_000, multiline=True)
    try:
        details = json.loads(text)
    except ValueError:
        raise InvalidValue("details", "is not JSON") from None
    if not isinstance(details, dict):
        raise InvalidValue("details", f"must be a JSON object, not {type(details).__name__}")
    return details


def checked_entry(row: dict[str, Any]) -> AsRunEntry:
    """The entry in a source row; InvalidValue names the column that does not fit."""
    kind = check_text(row["kind"], "kind", max_length=MAX_KIND)
    if kind not in set(AsRunKind):
        raise InvalidValue("kind", f"{kind!r} is not a kind this console knows")
    at_utc = checked_time(row["at_utc"], "at_utc")
    assert at_utc is not None
    try:
        return AsRunEntry(
            at_utc=at_utc, kind=AsRunKind(kind),
            console=check_text(row["console"], "console", max_length=MAX_NAME),
            role=check_text(row["role"], "role", max_length=MAX_NAME),
            segment_id=_optional_text(row["segment_id"], "segment_id", MAX_NAME),
            planned=checked_time(row["planned"], "planned", optional=True),
            actual=checked_time(row["actual"], "actual", optional=True),
            language=_optional_text(row["language"], "language", MAX_LANGUAGE),
            details=_details(row["details"]),
        )
    except (TypeError, ValueError) as error:  # secrets, details that do not serialise
        if isinstance(error, InvalidValue):
            raise
        raise InvalidValue("details", str(error)) from None


def _source_entries(source: sqlite_utils.Database, path: Path) -> Iterator[tuple[str, AsRunEntry]]:
    cursor = source.execute(f"SELECT {', '.join(ASRUN_COLUMNS)} FROM asrun ORDER BY at_utc, id")
    for values in read_through(cursor, path):
        row = dict(zip(ASRUN_COLUMNS, values, strict=True))
        try:
            entry = checked_entry(row)
        except InvalidValue as error:
            raise refuse_row(path, "as-run row", row["id"], error) from None
        yield str(utc_text(entry.at_utc)), entry


def _copies_here(db: sqlite_utils.Database, entry: AsRunEntry) -> int:
    # details compared as objects: a row written by an older version may order its keys
    # differently.
    params = [utc_text(entry.at_utc), str(entry.kind), entry.segment_id,
              utc_text(entry.planned), utc_text(entry.actual), entry.language,
              entry.console, entry.role]
    wanted = dict(entry.details)
    found = 0
    for (details,) in db.conn.execute(_MATCH, params):
        try:
            found += json.loads(details) == wanted
        except (TypeError, ValueError):
            continue  # an unreadable row here is not this entry
    return found


def merge_asrun(db: sqlite_utils.Database, source: sqlite_utils.Database,
                path: Path) -> Tally:
    """Add the entries of ``source`` (the file ``path``) that ``db`` lacks, inside the
    caller's transaction. Raises MergeRefused naming the file and row of a bad one."""
    return merge_rows(_source_entries(source, path), lambda entry: _copies_here(db, entry),
                      lambda entry: insert_entry(db, entry))
