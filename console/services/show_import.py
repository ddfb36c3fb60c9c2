"""Importing a show into the console database (the ``import`` command, later the UI)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from console import paths
from console.formats.console_json import load_show_json
from console.formats.csv_schedule import read_csv
from console.formats.detect import (
    CONSOLE_JSON,
    CSV,
    FRAB_XML,
    ICAL,
    KNOWN_FORMATS,
    SCHEDULE_JSON,
    SUPPORTED_FORMATS,
    detect_format,
)
from console.formats.frab_xml import read_frab_xml
from console.formats.ical import read_ical
from console.formats.located import ShowFormatError
from console.formats.schedule_build import ImportedShow, ImportOptions, option_zone
from console.formats.schedule_json import read_schedule_json
from console.models.errors import InvalidValue, OperatorError
from console.models.show import Show, ShowCounts, count_show
from console.store.database import StoreError, open_database
from console.store.shows import load_show, save_show

AUTO = "auto"


class ShowImportError(OperatorError):
    """The show could not be imported; the database is unchanged. The message says why."""


@dataclass(frozen=True)
class ImportSummary:
    show_name: str
    counts: ShowCounts
    database: Path
    notes: tuple[str, ...] = ()  # what the importer guessed, for the operator

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


def _read_console_json(path: Path, options: ImportOptions) -> ImportedShow:
    if options.room is not None or options.timezone is not None:
        raise ShowImportError(f"{path}: --room and --timezone do not apply to the console's "
                              "own format, which names its stages and time zone")
    return ImportedShow(load_show_json(path))


_READERS: dict[str, Callable[[Path, ImportOptions], ImportedShow]] = {
    CONSOLE_JSON: _read_console_json,
    FRAB_XML: read_frab_xml,
    SCHEDULE_JSON: read_schedule_json,
    ICAL: read_ical,
    CSV: read_csv,
}


def read_schedule(path: Path, file_format: str = AUTO,
                  options: ImportOptions | None = None) -> ImportedShow:
    """Read a schedule file in ``file_format`` (or the detected one), with the notes."""
    options = options or ImportOptions()
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
    try:
        option_zone(options)  # an unknown --timezone is an error before anything is read
        return _READERS[resolved](path, options)
    except ShowFormatError as error:
        raise ShowImportError(str(error)) from error
    except InvalidValue as error:  # a check no reader placed: still the file and the field
        raise ShowImportError(f"{path}: {error}") from error


def read_show_file(path: Path, file_format: str = AUTO) -> Show:
    """Read a schedule file in ``file_format`` (or the detected one) into a Show."""
    return read_schedule(path, file_format).show


def save_imported_show(show: Show, db_path: Path,
                       notes: tuple[str, ...] = ()) -> ImportSummary:
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
    return ImportSummary(show_name=show.name, counts=count_show(show),
                         database=db_path.absolute(), notes=notes)


def import_show_file(path: Path, db_path: Path, file_format: str = AUTO,
                     options: ImportOptions | None = None) -> ImportSummary:
    # Read the whole file first: a bad file must not touch (or even create) the database.
    imported = read_schedule(path, file_format, options)
    return save_imported_show(imported.show, db_path, imported.notes)


def import_demo(db_path: Path) -> ImportSummary:
    """Import the bundled demo show, Bridges 2026."""
    return import_show_file(demo_show_path(), db_path, CONSOLE_JSON)


def load_stored_show(db_path: Path) -> Show:
    """The show in ``db_path``; an error if there is no database or no show in it yet."""
    if not db_path.is_file():
        raise ShowImportError(f"{db_path}: no such database; import a show first "
                              "(conference-console import FILE)")
    try:
        db = open_database(db_path)
    except StoreError as error:
        raise ShowImportError(str(error)) from error
    try:
        show = load_show(db)
    except StoreError as error:
        raise ShowImportError(str(error)) from error
    finally:
        db.close()
    if show is None:
        raise ShowImportError(f"{db_path}: no show imported yet (conference-console import FILE)")
    return show
