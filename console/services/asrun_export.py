"""The as-run log written out as CSV or JSON, one record per entry, streamed.

Each record has :data:`EXPORT_KEYS`: times in UTC (``ts``, ``planned``, ``actual``,
ISO 8601 with microseconds, as stored) and ``ts_local`` in the show's time zone with
its offset. JSON is one array, written a row at a time; CSV has the same columns, with
``details`` as JSON text and every text cell that a spreadsheet would run as a formula
made harmless (:mod:`console.formats.csv_formulas`). Numbers are written by us, so a
negative deviation stays a number.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from typing import Any, TextIO

from console.formats.csv_formulas import neutralise
from console.store.asrun_query import LogRow

EXPORT_KEYS = ("id", "ts", "ts_local", "kind", "segment_id", "planned", "actual",
               "deviation_s", "language", "console", "role", "details")
FORMATS = ("csv", "json")
_TEXT_CELLS = frozenset({"kind", "segment_id", "language", "console", "role", "details"})


def _iso(value: datetime | None, zone: tzinfo = UTC) -> str | None:
    return None if value is None else value.astimezone(zone).isoformat(timespec="microseconds")


def export_record(row: LogRow, zone: tzinfo) -> dict[str, Any]:
    """One entry as its export keys; a time that could not be read is the stored text
    (``ts``) or None (``ts_local``, ``planned``, ``actual``)."""
    readable = not any(problem.startswith("at_utc:") for problem in row.problems)
    return {
        "id": row.id,
        "ts": _iso(row.at_utc) if readable else row.at_text,
        "ts_local": _iso(row.at_utc, zone) if readable else None,
        "kind": row.kind,
        "segment_id": row.segment_id,
        "planned": _iso(row.planned),
        "actual": _iso(row.actual),
        "deviation_s": row.deviation_s,
        "language": row.language,
        "console": row.console,
        "role": row.role,
        "details": dict(row.details),
    }


def _details_text(details: dict[str, Any]) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True)


def _csv_cell(key: str, value: Any) -> Any:
    if value is None:
        return ""
    if key == "details":
        value = _details_text(value)
    return neutralise(value) if key in _TEXT_CELLS else value


def write_csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """``records`` as CSV with a header row; returns how many rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_KEYS)
    count = 0
    for record in records:
        writer.writerow([_csv_cell(key, record[key]) for key in EXPORT_KEYS])
        count += 1
    return count


def write_json(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """``records`` as one JSON array, an object a line; returns how many rows."""
    count = 0
    for record in records:
        out.write("[\n" if count == 0 else ",\n")
        out.write(json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("[]\n" if count == 0 else "\n]\n")
    return count


def write_export(rows: Iterable[LogRow], export_format: str, zone: tzinfo,
                 out: TextIO) -> int:
    """``rows`` in ``export_format`` ("csv" or "json") to ``out``; returns how many."""
    records = (export_record(row, zone) for row in rows)
    return write_csv(records, out) if export_format == "csv" else write_json(records, out)
