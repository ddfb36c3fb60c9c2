"""``conference-console import``: load a show (or the demo show) into the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from console.commands.common import add_db_argument
from console.formats.detect import KNOWN_FORMATS
from console.formats.schedule_build import ImportOptions
from console.services.show_import import (
    AUTO,
    ImportSummary,
    ShowImportError,
    import_demo,
    import_show_file,
)

EXIT_OK = 0
EXIT_ERROR = 2


def register(subparsers: Any) -> None:  # argparse's _SubParsersAction is private
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "import",
        help="import a show schedule (or the demo show) into the console database",
        description="Replace the show in the console database with the one in FILE, "
                    "or with the bundled demo show (--demo). On error nothing changes. "
                    "While a segment is live, --replace-live is needed.",
    )
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE",
                        help="the schedule file to import")
    parser.add_argument("--demo", action="store_true",
                        help="import the bundled demo show, Bridges 2026, dated to start a "
                             "few minutes from now")
    # Not `choices`: an unknown format gets a clearer message than argparse's.
    parser.add_argument(
        "--format", default=AUTO, dest="file_format", metavar="FORMAT",
        help=f"format of FILE: {AUTO} (default: by suffix and content) or "
             f"{', '.join(KNOWN_FORMATS)}",
    )
    parser.add_argument("--room", metavar="NAME",
                        help="import only this room, as the one stage "
                             "(default: every room becomes a stage)")
    parser.add_argument("--timezone", metavar="TZ",
                        help="the show's IANA time zone, e.g. Europe/Berlin, when the file "
                             "names none or names a wrong one")
    parser.add_argument("--replace-live", action="store_true",
                        help="import even though a segment is live (a console running the "
                             "show reloads it; without this flag such an import is refused)")
    add_db_argument(parser)
    parser.set_defaults(handler=run)


def describe(summary: ImportSummary) -> str:
    return summary.describe()


def run(args: argparse.Namespace) -> int:
    try:
        if args.demo and args.file:
            raise ShowImportError("give either FILE or --demo, not both")
        if args.demo and (args.room or args.timezone):
            raise ShowImportError("--room and --timezone apply to a FILE, not to --demo")
        if args.demo:
            summary = import_demo(args.db, replace_live=args.replace_live)
        elif args.file:
            summary = import_show_file(
                args.file, args.db, args.file_format,
                ImportOptions(room=args.room, timezone=args.timezone),
                replace_live=args.replace_live,
            )
        else:
            raise ShowImportError("nothing to import: give a FILE or --demo")
    except ShowImportError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(describe(summary))
    for note in summary.notes:
        print(f"note: {note}", file=sys.stderr)
    return EXIT_OK
