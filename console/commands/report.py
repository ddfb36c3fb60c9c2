"""``conference-console report``: the producer's report of the show, as PDF or HTML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from console.commands.common import add_db_argument
from console.formats.review_report import report_format
from console.models.review import ShowReview
from console.store.database import StoreError
from console.store.read_only import open_read_only
from console.store.review import load_review

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def register(subparsers: Any) -> None:  # argparse's _SubParsersAction is private
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "report",
        help="write the producer's report (PDF or HTML) from the as-run log",
        description="Write the producer's report of the show in the console database: "
                    "planned against actual per session, the timeline and the audience "
                    "as pictures, the interpreter outages and the segments that ran most "
                    "late. The file's suffix chooses the format.",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help="the report to write: FILE.pdf, or FILE.html (one file, "
                             "pictures included); replaced whole, or left as it was on error")
    add_db_argument(parser)
    parser.set_defaults(handler=run)


def _checked_out(path: Path) -> str | None:
    """Why ``--out`` cannot be used, or None."""
    try:
        report_format(path)
    except ValueError:
        return f"--out {path}: give a file ending in .pdf, .html or .htm"
    directory = path.parent if str(path.parent) else Path()
    if not directory.is_dir():
        return f"--out {path}: the folder {directory} does not exist"
    if path.is_dir():
        return f"--out {path}: is a folder; give a file name"
    return None


def _read_review(db_path: Path) -> ShowReview:
    if not db_path.is_file():
        raise StoreError(f"{db_path}: no such database (give it with --db PATH)")
    db = open_read_only(db_path)
    try:
        return load_review(db)
    finally:
        db.close()


def _application() -> object:
    """The application Qt's fonts need; no screen is needed, so none is asked for."""
    from PySide6.QtGui import QGuiApplication  # noqa: PLC0415  (Qt loads only to draw)

    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    return QGuiApplication(["conference-console", "-platform", "offscreen"])


def run(args: argparse.Namespace) -> int:
    problem = _checked_out(args.out)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        review = _read_review(args.db)
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    from console.ui.report import render_report  # noqa: PLC0415  (Qt loads only to draw)

    application = _application()  # alive until the report is drawn
    try:
        render_report(review, args.out)
    except OSError as error:
        print(f"error: {args.out}: cannot write the report: {error.strerror or error}",
              file=sys.stderr)
        return EXIT_FAILED
    finally:
        del application
    print(f"{args.out}: report written")
    return EXIT_OK
