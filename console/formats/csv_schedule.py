"""A schedule as a CSV spreadsheet: one row per segment, the first row names the columns.

Columns (case, spaces and ``-``/``_`` in the header do not matter; other names in
brackets are accepted for the same column; unknown columns are ignored, with a note):

============ ======== ==================================================================
column       needed   value
============ ======== ==================================================================
title        yes      the segment's title (``name``, ``summary``)
start        yes      ``2026-05-01T09:30+02:00``, ``2026-05-01 09:30`` (local time in the
                      show's zone) or ``09:30`` together with ``date`` (``start_time``,
                      ``begin``)
end          one of   date-time or ``HH:MM`` (on the start's date, or the next one if
duration     the two  earlier); duration ``HH:MM``, ``HH:MM:SS`` or whole minutes
                      (``end_time``; ``length``, ``duration_min``)
date         no       the show day ``YYYY-MM-DD`` (``day``); with a time-only ``start``,
                      the start's date
room         no       the stage (``stage``, ``location``, ``venue``); empty: "Main stage"
id           no       the row's own id, kept as ``source_id`` (``source_id``, ``guid``,
                      ``uid``, ``code``)
kind         no       talk, panel, qa, break, video, announcement, or a frab type such as
                      lecture or podium (``type``); default talk
speakers     no       names separated by ``;`` (``speaker``, ``persons``, ``presenters``); a
                      ``;`` inside a name is written ``\\;`` (see :mod:`console.formats.csv_lists`)
affiliations no       each speaker's organisation or role, in the order of ``speakers``,
                      separated by ``;`` (``affiliation``)
languages    no       each speaker's language, in the order of ``speakers``, separated by
                      ``;``; an empty entry: the row's ``language``
language     no       the language spoken, e.g. ``en`` (``lang``)
session      no       session title; consecutive rows of a room with the same value form
                      one session (empty: sessions split at gaps over 30 minutes)
scene        no       the OBS scene to take
notes        no       free text (``description``, ``abstract``)
timezone     no       the show's IANA zone, e.g. ``Europe/Berlin``, on any row
show         no       the show's name, on any row (``show_name``); else the file's name
============ ======== ==================================================================

The delimiter (``,``, ``;`` or tab) is read from the header line. A cell that
``export-show`` wrote as text for spreadsheets (``'=...``, ``'-...``; see
:mod:`console.formats.csv_formulas`) reads without its ``'``. Errors name the
file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NoReturn

from console.formats.csv_formulas import restore
from console.formats.csv_lists import split_entries
from console.formats.located import refused_at
from console.formats.schedule_build import (
    ImportedShow,
    ImportOptions,
    RawEvent,
    RawSpeaker,
    ZoneDeclaration,
    build_show,
    check_start,
    fail,
    first_language,
    kind_from_type,
    parse_clock_duration,
    parse_clock_time,
    parse_timestamp,
    whole_number,
)
from console.formats.utf8 import decode_utf8
from console.models.limits import (
    MAX_NAME,
    MAX_NOTES,
    MAX_TITLE,
    check_day,
    check_duration,
    check_duration_seconds,
    check_text,
)

FORMAT = "csv"

COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "name", "summary"),
    "start": ("start", "starttime", "begin", "begins"),
    "end": ("end", "endtime", "ends"),
    "duration": ("duration", "length", "durationmin", "durationminutes"),
    "date": ("date", "day"),
    "room": ("room", "stage", "location", "venue"),
    "id": ("id", "sourceid", "guid", "uid", "code"),
    "kind": ("kind", "type"),
    "speakers": ("speakers", "speaker", "persons", "presenters"),
    "affiliations": ("affiliations", "affiliation"),
    "languages": ("languages", "speakerlanguages"),
    "language": ("language", "lang"),
    "session": ("session",),
    "scene": ("scene",),
    "notes": ("notes", "description", "abstract"),
    "timezone": ("timezone", "timezonename", "tz"),
    "show": ("show", "showname"),
}
_ALIASES = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}


def _normalise(header: str) -> str:
    return re.sub(r"[\s_\-]+", "", header.strip().lower())


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, line: int, column: str, problem: str) -> NoReturn:
        fail(self.source, f"line {line}, column {column!r}", problem)

    def at(self, line: int) -> AbstractContextManager[None]:
        """Value checks inside are refused at ``line``; they name their column."""
        return refused_at(self.source, f"line {line}")

    def text(self, value: str, column: str, line: int, max_length: int = MAX_NAME, *,
             multiline: bool = False) -> str:
        """A cell refused if too long or with control characters (tabs and line
        breaks only in ``multiline`` ones)."""
        with self.at(line):
            return check_text(value, f"column {column!r}", max_length=max_length,
                              multiline=multiline)

    def event(self, row: dict[str, str], line: int) -> RawEvent:
        start = self.start(row, line)
        has_full_start = parse_clock_time(row["start"]) is None

        def cell(column: str, max_length: int = MAX_NAME) -> str:
            return self.text(row.get(column, ""), column, line, max_length)

        return RawEvent(
            where=f"line {line}", title=cell("title", MAX_TITLE), start=start,
            duration=self.duration(row, line, start), source_id=cell("id") or None,
            room=cell("room") or None, kind=kind_from_type(row.get("kind")),
            speakers=self.speakers(row, line),
            language=cell("language") or None,
            day=self.date(row, line) if has_full_start else None,
            session=cell("session", MAX_TITLE) or None, scene=cell("scene") or None,
            notes=self.text(row.get("notes", ""), "notes", line, MAX_NOTES, multiline=True),
        )

    def speakers(self, row: dict[str, str], line: int) -> tuple[RawSpeaker, ...]:
        names = split_entries(row.get("speakers", ""))
        affiliations = self.per_speaker(row, "affiliations", len(names), line)
        languages = self.per_speaker(row, "languages", len(names), line)
        return tuple(
            RawSpeaker(self.text(name, "speakers", line),
                       affiliation=self.text(affiliation, "affiliations", line) or None,
                       language=first_language(self.text(language, "languages", line)))
            for name, affiliation, language in zip(names, affiliations, languages, strict=True)
            if name
        )

    def per_speaker(self, row: dict[str, str], column: str, speakers: int, line: int) -> \
            list[str]:
        """The entries of ``column``, one for each speaker (empty where none is given)."""
        entries = split_entries(row.get(column, ""))
        if len(entries) > speakers:
            # More entries than speakers: a ';' inside an entry, most likely, which
            # would give every later speaker the wrong one.
            self.fail(line, column, f"more entries ({len(entries)}) than speakers "
                                    f"({speakers}); give one per speaker, separated by ';', "
                                    "and write a ';' inside an entry as '\\;'")
        return entries + [""] * (speakers - len(entries))

    def start(self, row: dict[str, str], line: int) -> datetime:
        value = row.get("start", "")
        if not value:
            self.fail(line, "start", "empty; every row needs a start")
        moment = parse_timestamp(value.replace(" ", "T", 1))
        if moment is not None:
            with self.at(line):
                return check_start(moment, "column 'start'")
        clock = parse_clock_time(value)
        if clock is None:
            self.fail(line, "start", f"{value!r} is not a date and time such as "
                                     "2026-05-01T09:30 or a time HH:MM")
        day = self.date(row, line)
        if day is None:
            self.fail(line, "start", f"{value!r} is a time only; give the date in a date "
                                     "column or in start")
        return datetime.combine(day, clock)

    def date(self, row: dict[str, str], line: int) -> date | None:
        value = row.get("date", "")
        if not value:
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(line, "date", f"{value!r} is not a date YYYY-MM-DD")
        with self.at(line):
            return check_day(day, "column 'date'")

    def duration(self, row: dict[str, str], line: int, start: datetime) -> timedelta:
        if row.get("duration"):
            value = row["duration"]
            with self.at(line):
                if re.fullmatch(r"\d+", value):
                    return check_duration_seconds(whole_number(value) * 60, "column 'duration'")
                parsed = parse_clock_duration(value, "column 'duration'")
            if parsed is None:
                self.fail(line, "duration", f"{value!r} is not a duration HH:MM, HH:MM:SS "
                                            "or whole minutes")
            return parsed
        value = row.get("end", "")
        if not value:
            self.fail(line, "end", "empty; every row needs an end or a duration")
        end = parse_timestamp(value.replace(" ", "T", 1))
        if end is not None:
            with self.at(line):
                check_start(end, "column 'end'")
        else:
            clock = parse_clock_time(value)
            if clock is None:
                self.fail(line, "end", f"{value!r} is not a date and time or a time HH:MM")
            end = datetime.combine(start.date(), clock, start.tzinfo)
            if end < start:
                end += timedelta(days=1)
        if (end.tzinfo is None) != (start.tzinfo is None):
            self.fail(line, "end", "start and end must both have a UTC offset or both none")
        if end < start:
            self.fail(line, "end", "the segment ends before it starts")
        with self.at(line):
            return check_duration(end - start, "column 'end'")


def _rows(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on; a row the csv module cannot read (a cell
    longer than its limit of 131,072 characters, a stray quote) is refused at its line."""
    header_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        line = reader.line_num + 1  # line_num counts the lines read so far
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            fail(source, f"line {line}", f"not a readable CSV row ({error})")
        yield line, cells


def parse_csv(text: str, source: str, options: ImportOptions) -> ImportedShow:
    rows = _rows(text, source)
    header = next(rows, (1, []))[1]
    if not any(cell.strip() for cell in header):
        fail(source, "line 1", "no header row; the first row must name the columns "
                               "(title, start, end or duration, ...)")
    headers = [_ALIASES.get(_normalise(h)) for h in header]
    unknown = [h for h, known in zip(header, headers, strict=True) if known is None and h]
    notes = [f"{source}: columns ignored: {', '.join(unknown)}"] if unknown else []
    for needed in ("title", "start"):
        if needed not in headers:
            fail(source, "line 1", f"no {needed!r} column; the header has: "
                                   f"{', '.join(header)}")
    if "end" not in headers and "duration" not in headers:
        fail(source, "line 1", "no 'end' or 'duration' column")
    reader = _Reader(source)
    events: list[RawEvent] = []
    zone = ZoneDeclaration()
    name: str | None = None
    for row_line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(headers):
            fail(source, f"line {row_line}", f"{len(cells)} cells but only {len(headers)} "
                                             "columns in the header")
        row = {h: restore(c).strip() for h, c in zip(headers, cells, strict=False)
               if h is not None}
        if row.get("timezone") and zone.name is None:
            zone = ZoneDeclaration(row["timezone"], f"line {row_line}, column 'timezone'")
        if row.get("show") and name is None:
            name = reader.text(row["show"], "show", row_line, MAX_TITLE)
        events.append(reader.event(row, row_line))
    return build_show(source=source, source_format=FORMAT, name=name or Path(source).stem,
                      events=events, declared=zone, options=options, notes=notes)


def read_csv(path: Path, options: ImportOptions) -> ImportedShow:
    try:
        data = path.read_bytes()
    except OSError as error:
        fail(str(path), "", f"cannot read the file: {error}")
    return parse_csv(decode_utf8(data, str(path)), str(path), options)
