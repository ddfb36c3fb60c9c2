"""``conference-console merge-logs``: other consoles' as-run logs (and viewer samples)
brought into this database, each entry once.

Exit codes: 0 merged (also when everything was already here); 1 the merge failed while
writing this database (locked too long, disk full): nothing merged, try again; 2
nothing merged because of what was given (a source that cannot be read, is newer than
this console, is this database, or has a row that does not fit, named by file and row).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.commands.common import add_db_argument
from console.store.database import StoreError, open_database
from console.store.log_merge import SourceMerged, merge_logs

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_ERROR = 2


def register(subparsers: Any) -> None:  # argparse's _SubParsersAction is private
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "merge-logs", help="bring other consoles' as-run logs into this database",
        description="Add the as-run entries and viewer samples of other consoles' "
                    "databases to this one, each once however often merged; the other "
                    "files are only read.",
        epilog="All files or none: a row that does not fit stops the merge, naming the file "
               "and row. Exit 0: merged; 1: writing failed, nothing merged; 2: a file "
               "refused, nothing merged.")
    parser.add_argument("sources", nargs="+", type=Path, metavar="OTHER.db",
                        help="another console's database (or a copy of it)")
    add_db_argument(parser)
    parser.set_defaults(handler=run)


def _report(merged: SourceMerged) -> str:
    entries, samples = merged.entries, merged.samples
    return (f"{merged.source}: {entries.added} as-run entries added, {entries.skipped} "
            f"already here; {samples.added} viewer samples added, {samples.skipped} "
            "already here")


def _merge(args: argparse.Namespace) -> list[SourceMerged]:
    try:
        db = open_database(args.db)
    except StoreError as error:
        raise StoreError(f"--db {error}") from error
    try:
        return merge_logs(db, args.sources, datetime.now(UTC))
    finally:
        db.close()


def run(args: argparse.Namespace) -> int:
    try:
        merged = _merge(args)
    except StoreError as error:  # a file refused: nothing merged
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except sqlite3.Error as error:
        print(f"error: --db {args.db}: the merge could not be written, nothing was merged: "
              f"{error}", file=sys.stderr)
        return EXIT_FAILED
    for source in merged:
        print(_report(source))
    return EXIT_OK
