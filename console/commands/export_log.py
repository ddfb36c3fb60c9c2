"""``conference-console export-log``: the as-run log as CSV or JSON, one row per entry.

The database is opened read-only (a stage console may be writing it) and read a page
at a time, so a log of any length streams through. With ``--out`` the rows go to a
temporary file beside it, renamed over ``--out`` once complete: a failed export leaves
no half file. Exit codes: 0 written; 2 nothing written (a flag refused, a database
that cannot be read, an ``--out`` that cannot be written; the message names which).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlite_utils

from console.commands.common import add_db_argument, output_stream
from console.services.asrun_export import FORMATS, write_export
from console.store.asrun_query import LogFilter, LogRow, iter_rows, open_read_only
from console.store.database import StoreError
from console.store.shows import show_timezone

EXIT_OK = 0
EXIT_ERROR = 2


class UsageError(Exception):
    """A flag's value is refused; the message names the flag."""


def register(subparsers: Any) -> None:  # argparse's _SubParsersAction is private
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export-log", help="write the as-run log as CSV or JSON",
        description="Write the as-run log, one row per entry, oldest first, with UTC and "
                    "show-local times. The database is only read. Exit 0: written; 2: "
                    "nothing written (a refused flag, an unreadable database or --out).")
    parser.add_argument("--format", dest="export_format", choices=FORMATS, required=True,
                        help="csv (details as JSON text) or json (one array)")
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="write to FILE (replaced whole once complete, or left as it "
                             "was on error) instead of standard output")
    parser.add_argument("--since", metavar="TIME",
                        help="entries at or after TIME, ISO 8601 (2026-12-05T09:00+01:00); "
                             "without an offset, the show's local time")
    parser.add_argument("--until", metavar="TIME", help="entries before TIME (as --since)")
    parser.add_argument("--kind", action="append", default=[], metavar="KIND",
                        help="only this kind (take, scene_change, interpreter, ...); "
                             "repeatable")
    parser.add_argument("--language", metavar="CODE", help="only this language")
    parser.add_argument("--segment", metavar="ID", help="only this segment id")
    parser.add_argument("--console", metavar="NAME", help="only what this console recorded")
    add_db_argument(parser)
    parser.set_defaults(handler=run)


def _show_zone(db: sqlite_utils.Database) -> tzinfo:
    """The show's time zone; UTC with a note when there is no show or its zone is unknown
    (the UTC times are right either way)."""
    name = show_timezone(db)
    if name is None:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        print(f"note: the show's time zone {name!r} is unknown here; ts_local is in UTC",
              file=sys.stderr)
        return UTC


def _parse_time(flag: str, text: str | None, zone: tzinfo) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r}: not an ISO 8601 time; write e.g. "
                         "2026-12-05T09:00 or 2026-12-05T09:00+01:00") from None
    return value.replace(tzinfo=zone) if value.utcoffset() is None else value


def _log_filter(args: argparse.Namespace, zone: tzinfo) -> LogFilter:
    given = {"--kind": ("kinds", frozenset(args.kind)), "--language": ("language", args.language),
             "--segment": ("segment_id", args.segment), "--console": ("console", args.console),
             "--since": ("since", _parse_time("--since", args.since, zone)),
             "--until": ("until", _parse_time("--until", args.until, zone))}
    for flag, (field, value) in given.items():
        try:
            LogFilter(**{field: value})  # one at a time, so a refusal names its flag
        except ValueError as error:
            raise UsageError(f"{flag}: {error}") from None
    return LogFilter(**dict(given.values()))


def _report_unreadable(rows: Iterator[LogRow]) -> Iterator[LogRow]:
    """Pass ``rows`` on; afterwards, name on stderr those with unreadable values."""
    unreadable: list[int] = []
    for row in rows:
        if row.problems:
            unreadable.append(row.id)
        yield row
    if unreadable:
        shown = ", ".join(str(row_id) for row_id in unreadable[:20])
        more = f" and {len(unreadable) - 20} more" if len(unreadable) > 20 else ""
        print(f"note: {len(unreadable)} rows had values that could not be read, exported "
              f"as empty: ids {shown}{more}", file=sys.stderr)


def _export(args: argparse.Namespace) -> None:
    db = open_read_only(args.db)
    try:
        zone = _show_zone(db)
        log_filter = _log_filter(args, zone)
        with output_stream(args.out) as out:
            write_export(_report_unreadable(iter_rows(db, log_filter)), args.export_format,
                         zone, out)
    finally:
        db.close()


def _refusal(args: argparse.Namespace, error: Exception) -> str:
    if isinstance(error, StoreError):
        return f"--db {error}"
    if isinstance(error, sqlite3.Error):
        return f"--db {args.db}: cannot read the as-run log: {error}"
    if isinstance(error, OSError):
        where = f"--out {args.out}" if args.out is not None else "standard output"
        return f"{where}: cannot write: {error.strerror or error}"
    return str(error)


def run(args: argparse.Namespace) -> int:
    try:
        _export(args)
    except (UsageError, StoreError, sqlite3.Error, OSError) as error:
        print(f"error: {_refusal(args, error)}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK
