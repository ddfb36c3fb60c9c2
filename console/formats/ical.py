"""iCalendar (RFC 5545) and vCalendar 1.0 schedules.

A small reader of our own rather than a library, so that every error names the
line and the sloppiness of real exports is accepted: CRLF or LF, folded lines,
vCalendar-1.0 parameters (``CHARSET=``, ``ENCODING=8BIT``, bare ``QUOTED-PRINTABLE``
with soft line breaks), ``TZID`` without a ``VTIMEZONE`` block (an IANA name, or a
path ending in one such as ``/mozilla.org/20070129_1/Europe/Berlin``), UTC ``Z``
times, events without ``LOCATION`` (they go to the stage "Main stage").

* Each ``VEVENT`` is a segment: ``SUMMARY`` the title, ``LOCATION`` the room,
  ``DTSTART`` and ``DTEND`` (or ``DURATION``; neither means no duration),
  ``UID`` (+ ``RECURRENCE-ID``) the source id, ``CATEGORIES`` the kind.
* The session: ``X-CONFERENCE-CONSOLE-SESSION``, which ``export-show`` writes;
  consecutive events of a room and day with the same value form one session.
  Without it, sessions split at gaps over 30 minutes. The show day:
  ``X-CONFERENCE-CONSOLE-DAY`` (also written by ``export-show``); without it, an
  event before 06:00 belongs to the previous day.
* Speakers: ``Speaker: A`` / ``Speakers: A, B`` lines in ``DESCRIPTION``;
  otherwise a trailing ``(talk by A)`` / ``(by A and B)`` in ``SUMMARY``, which is
  then cut from the title.
* The show's zone: ``--timezone``, else ``X-WR-TIMEZONE``, else the ``TZID`` of the
  times; a calendar with only UTC times names no zone and needs ``--timezone``.
* All-day events (``VALUE=DATE``) are not segments and are left out, with a note;
  ``RRULE`` repeats are not expanded (the first occurrence is imported), with a note.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import NoReturn
from zoneinfo import ZoneInfo

from console.formats.located import refused_at
from console.formats.schedule_build import (
    ImportedShow,
    ImportOptions,
    RawEvent,
    ZoneDeclaration,
    build_show,
    check_start,
    fail,
    kind_from_type,
    option_zone,
    speakers_named,
    whole_number,
    zone_named,
)
from console.formats.utf8 import BOM, not_utf8, place_of_byte
from console.models.limits import (
    MAX_NAME,
    MAX_TITLE,
    check_day,
    check_duration,
    check_duration_seconds,
    check_text,
)

FORMAT = "ical"
# No standard property names a conference session; a private one (RFC 5545, 3.8.8.2)
# is kept by calendar programs and ignored by those that do not know it.
SESSION_PROPERTY = "X-CONFERENCE-CONSOLE-SESSION"
# The show day an event belongs to (YYYY-MM-DD), which ``export-show`` writes: without
# it, an event before 06:00 would be put on the previous day.
DAY_PROPERTY = "X-CONFERENCE-CONSOLE-DAY"


@dataclass
class Prop:
    name: str
    params: dict[str, str]
    value: str
    line: int


@dataclass
class Component:
    name: str
    line: int
    props: list[Prop] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def get(self, name: str) -> Prop | None:
        return next((p for p in self.props if p.name == name), None)


@dataclass
class _RawLine:
    """A logical line, unfolded but not decoded yet."""

    number: int  # the physical line it starts on
    data: bytearray
    # (where in ``data``, where in the file) of each physical line's bytes, to find a bad byte
    parts: list[tuple[int, int]]

    def append(self, raw: bytes, offset: int, joiner: bytes = b"") -> None:
        self.data += joiner
        self.parts.append((len(self.data), offset))
        self.data += raw

    def offset_in_file(self, index: int) -> int:
        start, offset = max(part for part in self.parts if part[0] <= index)
        return offset + index - start

    def continues_quoted_printable(self) -> bool:
        """Ends in a quoted-printable soft line break (vCalendar 1.0)."""
        return self.data.endswith(b"=") and \
            b"QUOTED-PRINTABLE" in self.data.split(b":", 1)[0].upper()


def _physical_lines(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(number, offset in ``data``, bytes without the line break) of each line."""
    start = number = 0
    for number, line_break in enumerate(re.finditer(rb"\r\n|\n|\r", data), start=1):
        yield number, start, data[start:line_break.start()]
        start = line_break.end()
    yield number + 1, start, data[start:]


def _unfold(data: bytes) -> list[_RawLine]:
    """Unfold the bytes: a line starting with a space or tab continues the one before.

    Before decoding, because exporters fold at 75 bytes, even inside a character.
    """
    lines: list[_RawLine] = []
    for number, offset, raw in _physical_lines(data):
        if raw[:1] in (b" ", b"\t") and lines:
            lines[-1].append(raw[1:], offset + 1)
        elif lines and lines[-1].continues_quoted_printable():
            lines[-1].append(raw, offset, joiner=b"\n")
        elif raw.strip():
            lines.append(_RawLine(number, bytearray(raw), [(0, offset)]))
    return lines


def _decode(data: bytes, source: str, notes: list[str]) -> list[tuple[int, str]]:
    """The logical lines as text: UTF-8, or Windows-1252 for a file with no UTF-8 in it.

    A file that has UTF-8 characters and also bytes that are not is damaged, not
    in another code page; it is refused, naming the bad byte.
    """
    start = len(BOM) if data.startswith(BOM) else 0
    lines = _unfold(data[start:])
    decoded: list[tuple[int, str]] = []
    for line in lines:
        try:
            decoded.append((line.number, line.data.decode("utf-8")))
        except UnicodeDecodeError as error:
            offset = start + line.offset_in_file(error.start)
            unfolded = b"".join(each.data for each in lines)
            if not unfolded.decode("utf-8", errors="ignore").isascii():
                fail(source, place_of_byte(data, offset), not_utf8(data, offset))
            notes.append(f"{source}: not UTF-8 ({place_of_byte(data, offset)} is not); "
                         "read as Windows-1252")
            return [(each.number, each.data.decode("cp1252", errors="replace"))
                    for each in lines]
    return decoded


def _split_content_line(line: str) -> tuple[str, str, str] | None:
    """``NAME;PARAMS:VALUE`` (a colon inside a quoted parameter does not split)."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            head, value = line[:index], line[index + 1:]
            name, _, params = head.partition(";")
            return name.strip().upper(), params, value
    return None


def _params(text: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for part in re.findall(r'(?:[^;"]|"[^"]*")+', text):
        key, equals, value = part.partition("=")
        if not equals:  # vCalendar 1.0: a bare QUOTED-PRINTABLE, 8BIT, ...
            upper = key.strip().upper()
            params["ENCODING" if upper in ("QUOTED-PRINTABLE", "8BIT", "BASE64") else upper] = upper
            continue
        params[key.strip().upper()] = value.strip().strip('"')
    return params


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])",
                  lambda m: "\n" if m[1] in "nN" else m[1], value)


def parse_components(lines: list[tuple[int, str]], source: str) -> Component:
    root = Component("", 0)
    stack = [root]
    for number, line in lines:
        split = _split_content_line(line)
        if split is None:
            fail(source, f"line {number}",
                 f"not an iCalendar content line (NAME:VALUE): {line[:60]!r}")
        name, params, value = split
        if name == "BEGIN":
            component = Component(value.strip().upper(), number)
            stack[-1].children.append(component)
            stack.append(component)
        elif name == "END":
            if len(stack) == 1 or stack[-1].name != value.strip().upper():
                fail(source, f"line {number}",
                     f"END:{value.strip()} does not close "
                     f"{'BEGIN:' + stack[-1].name if len(stack) > 1 else 'anything'}")
            stack.pop()
        else:
            stack[-1].props.append(Prop(name, _params(params), value, number))
    if len(stack) > 1:
        fail(source, f"line {stack[-1].line}",
             f"BEGIN:{stack[-1].name} is never closed (the file looks truncated)")
    calendars = [c for c in root.children if c.name in ("VCALENDAR", "VCAL")]
    if not calendars:
        fail(source, "line 1", "no BEGIN:VCALENDAR: not an iCalendar file")
    return calendars[0]


_DATE_TIME = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})(?:T(\d{2}):?(\d{2})(?::?(\d{2}))?(Z)?)?$", re.IGNORECASE)
_DURATION = re.compile(
    r"^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$", re.IGNORECASE)


@dataclass
class _Reader:
    source: str
    options: ImportOptions
    notes: list[str] = field(default_factory=list)
    zone_names: dict[str, int] = field(default_factory=dict)  # TZID -> first line

    def fail(self, prop: Prop | Component, problem: str) -> NoReturn:
        what = prop.name if isinstance(prop, Prop) else f"BEGIN:{prop.name}"
        fail(self.source, f"line {prop.line}, {what}", problem)

    def at(self, prop: Prop) -> AbstractContextManager[None]:
        """Value checks inside are refused at ``prop``'s line."""
        return refused_at(self.source, f"line {prop.line}")

    def text(self, prop: Prop | None) -> str:
        if prop is None:
            return ""
        value = prop.value
        if prop.params.get("ENCODING", "").upper() == "QUOTED-PRINTABLE":
            charset = prop.params.get("CHARSET", "utf-8")
            raw = quopri.decodestring(value.replace("=\n", "").encode("latin-1", "replace"))
            try:
                value = raw.decode(charset, errors="replace")
            # LookupError: not a text encoding (base64); ValueError: a NUL in the name, or
            # a codec that refuses errors="replace" (idna) or non-ASCII input (punycode)
            except (LookupError, ValueError):
                value = raw.decode("utf-8", errors="replace")
        return _unescape(value).strip()

    def checked_text(self, prop: Prop | None, max_length: int) -> str:
        """The property's text, refused at its line if too long or with control characters."""
        value = self.text(prop)
        if prop is not None:
            with self.at(prop):
                check_text(value, prop.name, max_length=max_length)
        return value

    def check_names(self, names: tuple[str, ...], prop: Prop | None) -> None:
        """Speaker names, found inside ``prop`` (without it there are none)."""
        if prop is None:
            return
        for name in names:
            with self.at(prop):
                check_text(name, f"{prop.name} speaker", max_length=MAX_NAME)

    def zone_for(self, prop: Prop, tzid: str) -> ZoneInfo:
        override = option_zone(self.options)
        candidates = [tzid.strip()]
        parts = tzid.strip().strip("/").split("/")
        if len(parts) > 2:
            candidates.append("/".join(parts[-2:]))
        for candidate in candidates:
            try:
                zone = zone_named(candidate, self.source, "")
            except ValueError:
                continue
            self.zone_names.setdefault(zone.key, prop.line)
            return zone
        if override is not None:
            self.notes.append(f"{self.source}: line {prop.line}: TZID {tzid!r} is not an IANA "
                              f"time zone; its times are read in {override.key} (--timezone)")
            return override
        return self.fail(prop, f"TZID {tzid!r} is not an IANA time zone name; give the zone "
                               "its times are in with --timezone (e.g. --timezone Europe/Berlin)")

    def moment(self, prop: Prop) -> datetime | date:
        value = prop.value.strip()
        match = _DATE_TIME.match(value)
        if match is None:
            self.fail(prop, f"{value!r} is not a date-time such as 20150918T093000Z")
        year, month, day, hour, minute, second, utc = match.groups()
        try:
            if hour is None:
                return date(int(year), int(month), int(day))
            moment = datetime(int(year), int(month), int(day), int(hour), int(minute),
                              int(second or 0))
        except ValueError:
            self.fail(prop, f"{value!r} is not a real date and time")
        if utc:
            moment = moment.replace(tzinfo=UTC)
        elif tzid := prop.params.get("TZID"):
            moment = moment.replace(tzinfo=self.zone_for(prop, tzid))
        # else floating: local time in the show's zone
        with self.at(prop):
            return check_start(moment, prop.name)

    def duration(self, prop: Prop) -> timedelta:
        match = _DURATION.match(prop.value.strip())
        if match is None or not any(match.groups()[1:]):
            self.fail(prop, f"{prop.value!r} is not a duration such as PT45M")
        sign, *counts = match.groups()
        if sign == "-":
            self.fail(prop, "a negative duration")
        weeks, days, hours, minutes, seconds = (whole_number(count or "0") for count in counts)
        with self.at(prop):
            return check_duration_seconds(
                (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds, prop.name)

    def event(self, component: Component) -> RawEvent | None:
        start_prop = component.get("DTSTART")
        if start_prop is None:
            self.fail(component, "the event has no DTSTART; give it a start")
        start = self.moment(start_prop)
        summary_prop = component.get("SUMMARY")
        summary = self.checked_text(summary_prop, MAX_TITLE)
        if not isinstance(start, datetime):
            self.notes.append(f"{self.source}: line {component.line}: all-day event "
                              f"{summary!r} left out (no time of day)")
            return None
        end_prop, length_prop = component.get("DTEND"), component.get("DURATION")
        duration = timedelta(0)
        if length_prop is not None:
            duration = self.duration(length_prop)
        elif end_prop is not None:
            end = self.moment(end_prop)
            if not isinstance(end, datetime) or (end.tzinfo is None) != (start.tzinfo is None):
                self.fail(end_prop, "DTEND must be a date-time like DTSTART (both with or both "
                                    "without a zone)")
            duration = end - start
            if duration < timedelta(0):
                self.fail(end_prop, "the event ends before it starts")
            with self.at(end_prop):
                check_duration(duration, end_prop.name)
        if component.get("RRULE") is not None:
            self.notes.append(f"{self.source}: line {component.line}: RRULE of {summary!r} "
                              "not expanded; only its first occurrence is imported")
        description_prop = component.get("DESCRIPTION")
        description = self.text(description_prop)
        title, speakers = _speakers(summary, description)
        self.check_names(speakers, description_prop if _SPEAKER_LINE.search(description)
                         else summary_prop)
        categories = self.text(component.get("CATEGORIES"))
        return RawEvent(
            where=f"line {component.line}", title=title, start=start, duration=duration,
            source_id=self.uid(component) or None,
            room=self.checked_text(component.get("LOCATION"), MAX_NAME) or None,
            kind=kind_from_type(categories.split(",")[0] if categories else None),
            speakers=speakers_named(speakers), language=self.language(summary_prop),
            session=self.checked_text(component.get(SESSION_PROPERTY), MAX_TITLE) or None,
            day=self.show_day(component.get(DAY_PROPERTY)),
        )

    def show_day(self, prop: Prop | None) -> date | None:
        if prop is None:
            return None
        try:
            day = date.fromisoformat(self.text(prop).strip())
        except ValueError:
            self.fail(prop, "must be a date like 2026-12-05")
        with self.at(prop):
            return check_day(day, prop.name)

    def uid(self, component: Component) -> str:
        """``UID``, with ``RECURRENCE-ID`` for one changed occurrence of a repeat."""
        uid_prop = component.get("UID")
        uid = self.text(uid_prop)
        if uid_prop is None or not uid:
            return ""
        recurrence = component.get("RECURRENCE-ID")
        if recurrence is not None:
            uid = f"{uid}/{recurrence.value.strip()}"
        with self.at(uid_prop):
            return check_text(uid, "UID", max_length=MAX_NAME)

    def language(self, summary_prop: Prop | None) -> str | None:
        """The ``LANGUAGE`` parameter of ``SUMMARY``."""
        if summary_prop is None or "LANGUAGE" not in summary_prop.params:
            return None
        with self.at(summary_prop):
            return check_text(summary_prop.params["LANGUAGE"], "SUMMARY;LANGUAGE",
                              max_length=MAX_NAME)


# Greedy to the end of the line (and stripped later): a lazy (.+?)\s*$ takes quadratic
# time on a long line of spaces.
_SPEAKER_LINE = re.compile(
    r"^\s*(speakers?|presenters?|presented by|by)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_SUMMARY_BY = re.compile(r"\s*\((?:[^()]*?\s)?by\s+([^()]+)\)\s*$", re.IGNORECASE)


def _names(text: str) -> list[str]:
    return [n.strip() for n in re.split(r"\s*(?:;|,|\band\b|&)\s*", text) if n.strip()]


def _speakers(summary: str, description: str) -> tuple[str, tuple[str, ...]]:
    """The title and the speakers, from DESCRIPTION lines or a trailing "(talk by X)"."""
    lines = _SPEAKER_LINE.findall(description)
    match = _SUMMARY_BY.search(summary)
    title = summary[:match.start()].strip() if match and summary[:match.start()].strip() \
        else summary
    if lines:
        # "Speaker: A & B Ltd" is one name; "Speakers: A, B" a list.
        return title, tuple(n for label, line in lines
                            for n in (_names(line) if label.lower().endswith("s")
                                      or label.lower() == "by" else [line.strip()]))
    if match:
        return title, tuple(_names(match[1]))
    return summary, ()


def parse_ical(data: bytes, source: str, options: ImportOptions) -> ImportedShow:
    reader = _Reader(source, options)
    calendar = parse_components(_decode(data, source, reader.notes), source)
    events = [e for c in calendar.children if c.name == "VEVENT"
              if (e := reader.event(c)) is not None]
    declared = ZoneDeclaration()
    wr_zone = calendar.get("X-WR-TIMEZONE")
    if wr_zone is not None and wr_zone.value.strip():
        declared = ZoneDeclaration(wr_zone.value.strip(), f"line {wr_zone.line}, X-WR-TIMEZONE")
    elif len(reader.zone_names) == 1:
        name, line = next(iter(reader.zone_names.items()))
        declared = ZoneDeclaration(name, f"line {line}, TZID")
    name = reader.checked_text(calendar.get("X-WR-CALNAME") or calendar.get("NAME"), MAX_TITLE) \
        or Path(source).stem
    return build_show(source=source, source_format=FORMAT, name=name, events=events,
                      declared=declared, options=options, notes=reader.notes)


def read_ical(path: Path, options: ImportOptions) -> ImportedShow:
    try:
        data = path.read_bytes()
    except OSError as error:
        fail(str(path), "", f"cannot read the file: {error}")
    return parse_ical(data, str(path), options)
