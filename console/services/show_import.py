"""Importing a show into the console database (the ``import`` command, later the UI)."""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

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
from console.formats.schedule_build import (
    ImportedShow,
    ImportOptions,
    ShowZoneUndetermined,
    option_zone,
)
from console.formats.schedule_json import read_schedule_json
from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.models.errors import InvalidValue, OperatorError
from console.models.import_impact import import_impact
from console.models.show import Show, ShowCounts, count_show, iter_segments
from console.models.show_dates import starting_soon
from console.store.asrun import insert_entry
from console.store.database import StoreError, database_file, open_database, write_transaction
from console.store.live_state import live_segments
from console.store.shows import load_show, write_show

AUTO = "auto"


class ShowImportError(OperatorError):
    """The show could not be imported; the database is unchanged. The message says why."""


class ShowZoneNeeded(ShowImportError):
    """The file does not tell the show's time zone: read it again with
    ``ImportOptions(timezone=...)``. The message asks for ``--timezone``; ``reason`` says
    why without that advice, for the window, which asks for the zone itself."""

    def __init__(self, message: str, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


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
    except ShowZoneUndetermined as error:
        raise ShowZoneNeeded(str(error), error.reason) from error
    except ShowFormatError as error:
        raise ShowImportError(str(error)) from error
    except InvalidValue as error:  # a check no reader placed: still the file and the field
        raise ShowImportError(f"{path}: {error}") from error


def read_show_file(path: Path, file_format: str = AUTO) -> Show:
    """Read a schedule file in ``file_format`` (or the detected one) into a Show."""
    return read_schedule(path, file_format).show


@dataclass(frozen=True)
class ImportAuthor:
    """Who imports: signs the show's revision and the as-run row."""

    console: str  # the console name, or the command line's description
    role: ConsoleRole
    signature: str  # unique to this process (other consoles reload what they did not sign)

    @classmethod
    def command_line(cls) -> ImportAuthor:
        where = f"the import command on {socket.gethostname()} (PID {os.getpid()})"
        return cls(where, ConsoleRole.COMMAND, where)


class LiveSegmentInTheWay(ShowImportError):
    """The show has a live segment and the import was not told to replace it."""


def save_imported_show(show: Show, db_path: Path, notes: tuple[str, ...] = (), *,
                       source: str = "", replace_live: bool = False,
                       author: ImportAuthor | None = None) -> ImportSummary:
    """Replace the show stored in ``db_path`` (created if missing) with ``show``, and write
    the as-run ``show_import`` row in the same transaction.

    Refused (:class:`LiveSegmentInTheWay`, nothing changed) while a stage has a live
    segment, unless ``replace_live``: the message names what would be lost.
    """
    author = author or ImportAuthor.command_line()
    try:
        db = open_database(db_path)
    except StoreError as error:
        raise ShowImportError(str(error)) from error
    try:
        _replace_show(db, show, source, replace_live, author)
    except sqlite3.Error as error:
        raise ShowImportError(f"{db_path}: could not save the show: {error}") from error
    except StoreError as error:
        raise ShowImportError(str(error)) from error
    finally:
        db.close()
    return ImportSummary(show_name=show.name, counts=count_show(show),
                         database=db_path.absolute(), notes=notes)


def _replace_show(db: sqlite_utils.Database, show: Show, source: str, replace_live: bool,
                  author: ImportAuthor) -> None:
    now = datetime.now(UTC)
    with write_transaction(db):  # the live check, the show and its as-run row: all or nothing
        try:
            current = load_show(db)
        except StoreError:
            current = None  # unreadable: the import is what repairs it
        live = live_segments(db)
        live_id = next(iter(live.values()), None)
        impact = import_impact(current, show, live_id)
        if live and not replace_live:
            raise LiveSegmentInTheWay(
                f"{database_file(db)}: a segment is live ({impact.live_title!r}); importing "
                f"replaces the show. {impact.describe()} Give --replace-live to import anyway.")
        write_show(db, show, author.signature, now)
        insert_entry(db, AsRunEntry(
            at_utc=now, kind=AsRunKind.SHOW_IMPORT, console=author.console,
            role=author.role.value, segment_id=live_id, details={
                "file": source, "show": show.name,
                "replaced": current.name if current else None,
                "segments": count_show(show).segments, "removed": len(impact.removed),
                "live_kept": impact.live_kept if live_id else None,
                "replace_live": replace_live or None}))


def import_show_file(path: Path, db_path: Path, file_format: str = AUTO,
                     options: ImportOptions | None = None, *, replace_live: bool = False,
                     author: ImportAuthor | None = None) -> ImportSummary:
    # Read the whole file first: a bad file must not touch (or even create) the database.
    imported = read_schedule(path, file_format, options)
    return save_imported_show(imported.show, db_path, imported.notes, source=str(path),
                              replace_live=replace_live, author=author)


def read_demo(now: datetime) -> ImportedShow:
    """The bundled demo show, Bridges 2026, re-dated so that its first day is today in its
    zone and its first segment starts a few minutes after ``now``
    (:func:`console.models.show_dates.starting_soon`); segment ids as in the file."""
    imported = read_schedule(demo_show_path(), CONSOLE_JSON)
    show = starting_soon(imported.show, now)
    return ImportedShow(show, (*imported.notes, _demo_start_note(show)))


def _demo_start_note(show: Show) -> str:
    first = min(iter_segments(show), key=lambda segment: segment.planned_start)
    return (f"the demo show is dated from today: it starts at "
            f"{first.planned_start:%Y-%m-%d %H:%M} ({show.timezone})")


def import_demo(db_path: Path, *, now: datetime | None = None, replace_live: bool = False,
                author: ImportAuthor | None = None) -> ImportSummary:
    """Import the bundled demo show, dated from ``now`` (the current time if not given)."""
    imported = read_demo(datetime.now(UTC) if now is None else now)
    return save_imported_show(imported.show, db_path, imported.notes,
                              source=str(demo_show_path()), replace_live=replace_live,
                              author=author)


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
