"""Importing a show into the console database (the ``import`` command, later the UI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from console import paths
from console.formats.console_json import ShowFormatError, load_show_json
from console.formats.detect import CONSOLE_JSON, KNOWN_FORMATS, SUPPORTED_FORMATS, detect_format
from console.models.show import Show, ShowCounts, count_show
from console.store.database import StoreError, open_database
from console.store.shows import save_show

AUTO = "auto"


class ShowImportError(Exception):
    """The show could not be imported; the database is unchanged. The message says why."""


@dataclass(frozen=True)
class ImportSummary:
    show_name: str
    counts: ShowCounts
    database: Path

    def describe(self) -> str:
        counts = self.counts
        parts = ", ".join((
            _plural(counts.stages, "stage"), _plural(counts.days, "day"),
            _plural(counts.sessions, "session"), _plural(counts.segments, "segment"),
            _plural(counts.speakers, "speaker"),
        ))
        return f'imported "{self.show_name}": {parts} into {self.database}'


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def demo_show_path() -> Path:
    return paths.resources_dir() / "demo" / "show.json"


def read_show_file(path: Path, file_format: str = AUTO) -> Show:
    """Read a schedule file in ``file_format`` (or the detected one) into a Show."""
    if file_format != AUTO and file_format not in KNOWN_FORMATS:
        raise ShowImportError(
            f"unknown format {file_format!r} (known: {', '.join((AUTO, *KNOWN_FORMATS))})"
        )
    if not path.is_file():
        raise ShowImportError(f"{path}: no such file")
    resolved = detect_format(path) if file_format == AUTO else file_format
    if resolved is None:
        raise ShowImportError(
            f"{path}: cannot tell the format; give --format ({', '.join(KNOWN_FORMATS)})"
        )
    if resolved not in SUPPORTED_FORMATS:
        raise ShowImportError(f"{path}: the {resolved} format is not supported yet")
    assert resolved == CONSOLE_JSON  # the only supported format so far
    try:
        return load_show_json(path)
    except ShowFormatError as error:
        raise ShowImportError(str(error)) from error


def save_imported_show(show: Show, db_path: Path) -> ImportSummary:
    """Replace the show stored in ``db_path`` (created if missing) with ``show``."""
    try:
        db = open_database(db_path)
    except StoreError as error:
        raise ShowImportError(str(error)) from error
    try:
        save_show(db, show)
    except StoreError as error:
        raise ShowImportError(str(error)) from error
    finally:
        db.close()
    return ImportSummary(show_name=show.name, counts=count_show(show), database=db_path.absolute())


def import_show_file(path: Path, db_path: Path, file_format: str = AUTO) -> ImportSummary:
    # Read the whole file first: a bad file must not touch (or even create) the database.
    return save_imported_show(read_show_file(path, file_format), db_path)


def import_demo(db_path: Path) -> ImportSummary:
    """Import the bundled demo show, Bridges 2026."""
    return import_show_file(demo_show_path(), db_path, CONSOLE_JSON)
