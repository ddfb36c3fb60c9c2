"""``conference-console export-show``: write the stored show as console JSON, CSV or iCalendar."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from console.commands.common import add_db_argument, write_output
from console.formats.console_json import dump_show_json
from console.formats.export import show_to_csv, show_to_ical
from console.models.show import Show
from console.services.show_import import ShowImportError, load_stored_show

EXIT_OK = 0
EXIT_ERROR = 2

EXPORTERS = {"console-json": dump_show_json, "csv": show_to_csv, "ical": show_to_ical}


def register(subparsers: Any) -> None:  # argparse's _SubParsersAction is private
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export-show",
        help="write the stored show as console JSON, CSV or iCalendar",
        description="Write the show in the console database to standard output or to a "
                    "file. Each format imports back with `conference-console import`.",
    )
    parser.add_argument("--format", dest="export_format", choices=tuple(EXPORTERS),
                        default="console-json",
                        help="the format to write (default: %(default)s)")
    parser.add_argument("--output", type=Path, metavar="FILE",
                        help="write to FILE (replaced whole, or left as it was on error) "
                             "instead of standard output")
    add_db_argument(parser)
    parser.set_defaults(handler=run)


def export_text(show: Show, export_format: str) -> str:
    return EXPORTERS[export_format](show)


def run(args: argparse.Namespace) -> int:
    try:
        text = export_text(load_stored_show(args.db), args.export_format)
        write_output(args.output, text)
    except ShowImportError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as error:
        print(f"error: {args.output}: cannot write: {error.strerror or error}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK
