"""frab / pentabarf ``schedule.xml``.

Read with the standard library's expat parser (``xml.parsers.expat``) into a
small tree that remembers each element's line, so every error names the line.
Like defusedxml, it refuses documents that declare entities (the "billion
laughs" and external-entity attacks) and never fetches anything.

An event's start is its ``<date>`` (full timestamp with offset) when it has one;
otherwise the day's ``date`` + ``<start>`` in the conference time zone, on the
next calendar date when the start is before the day change (``day_change``,
default 06:00). ``<duration>`` is ``HH:MM`` or ``HH:MM:SS`` and may exceed 12 h.
An event belongs to the ``<day>`` it is listed in, so events after midnight stay
on the previous show day. ``source_id`` is the event's ``guid``, else its ``id``.
See :mod:`console.formats.schedule_build` for sessions, kinds and languages.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import NoReturn
from xml.parsers import expat

from console.formats.located import refused_at
from console.formats.schedule_build import (
    DAY_CHANGE,
    ImportedShow,
    ImportOptions,
    RawEvent,
    ZoneDeclaration,
    build_show,
    check_start,
    fail,
    first_language,
    kind_from_type,
    parse_clock_duration,
    parse_clock_time,
    parse_timestamp,
    speakers_named,
)
from console.formats.utf8 import BOM, decode_utf8
from console.models.limits import MAX_NAME, MAX_TITLE, check_day, check_text

FORMAT = "frab-xml"


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()

    def child(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def child_text(self, tag: str) -> str:
        found = self.child(tag)
        return found.text if found is not None else ""


class _EntityRefused(Exception):
    pass


_DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)""")


def _in_utf8(data: bytes) -> bool:
    """Whether the document is UTF-8: no UTF-16 byte order mark, and its declaration
    names UTF-8 or no encoding (the XML default)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    declared = _DECLARED_ENCODING.match(data[:512].removeprefix(BOM).lstrip())
    return declared is None or declared[1].lower() in (b"utf-8", b"utf8")


def parse_xml(data: bytes, source: str) -> Node:
    """The document's root element; ``ShowFormatError`` naming the line if it is not XML."""
    if _in_utf8(data):
        decode_utf8(data, source)  # expat would only say "invalid token" at a bad byte
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Node] = []
    roots: list[Node] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = Node(tag, attrs, parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def chars(text: str) -> None:
        if stack:
            stack[-1].parts.append(text)

    def refuse(*_args: object) -> None:
        raise _EntityRefused

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except _EntityRefused:
        fail(source, f"line {parser.CurrentLineNumber}",
             "the file declares XML entities, which a schedule never needs; refused for safety")
    except expat.ExpatError as error:
        at_end = error.lineno >= data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        hint = " (the file looks truncated)" if at_end else ""
        fail(source, f"line {error.lineno}, column {error.offset + 1}",
             f"not well-formed XML: {expat.errors.messages[error.code]}{hint}; "
             "export the schedule again")
    if not roots:
        fail(source, "", "no XML element in the file")
    return roots[0]


@dataclass
class _Reader:
    source: str
    day_change: time = DAY_CHANGE

    def fail(self, node: Node, what: str, problem: str) -> NoReturn:
        fail(self.source, f"line {node.line}, {what}", problem)

    def at(self, node: Node) -> AbstractContextManager[None]:
        """Value checks inside are refused at ``node``'s line."""
        return refused_at(self.source, f"line {node.line}")

    def text(self, node: Node | None, what: str, max_length: int) -> str:
        """``node``'s text ("" without a node), refused at its line if too long or with
        control characters."""
        if node is None:
            return ""
        with self.at(node):
            return check_text(node.text, what, max_length=max_length)

    def ident(self, node: Node) -> str | None:
        """The event's ``guid``, else its ``id``."""
        key = "guid" if node.attrs.get("guid") else "id"
        ident = node.attrs.get(key)
        if not ident:
            return None
        with self.at(node):
            return check_text(ident, f"<event {key}>", max_length=MAX_NAME)

    def event(self, node: Node, day: date, day_start: datetime | None, room: str) -> RawEvent:
        ident = self.ident(node)
        label = f"<event{f' id={ident!r}' if ident else ''}>"
        start = self.start(node, label, day, day_start)
        duration_node = node.child("duration")
        if duration_node is None:
            self.fail(node, label, "missing <duration> (HH:MM); add it to the event")
        with self.at(duration_node):
            duration = parse_clock_duration(duration_node.text, f"{label} <duration>")
        if duration is None:
            self.fail(duration_node, f"{label} <duration>",
                      f"{duration_node.text!r} is not a duration HH:MM or HH:MM:SS")
        persons = node.child("persons")
        speakers = tuple(self.text(p, f"{label} <person>", MAX_NAME)
                         for p in persons.all("person") if p.text) if persons else ()
        return RawEvent(
            where=f"line {node.line}",
            title=self.text(node.child("title"), f"{label} <title>", MAX_TITLE),
            start=start,
            duration=duration,
            source_id=ident,
            room=room or self.text(node.child("room"), f"{label} <room>", MAX_NAME) or None,
            kind=kind_from_type(node.child_text("type")),
            speakers=speakers_named(speakers),
            language=first_language(self.text(node.child("language"), f"{label} <language>",
                                              MAX_NAME)),
            day=day,
        )

    def start(self, node: Node, label: str, day: date, day_start: datetime | None) -> datetime:
        date_node = node.child("date")
        if date_node is not None and date_node.text:
            parsed = parse_timestamp(date_node.text)
            if parsed is None:
                self.fail(date_node, f"{label} <date>",
                          f"{date_node.text!r} is not an ISO 8601 date and time "
                          "such as 2024-12-27T10:30:00+01:00")
            with self.at(date_node):
                return check_start(parsed, f"{label} <date>")
        start_node = node.child("start")
        if start_node is None:
            self.fail(node, label, "missing <date> and <start>; give the event a start")
        clock = parse_clock_time(start_node.text)
        if clock is None:
            self.fail(start_node, f"{label} <start>", f"{start_node.text!r} is not a time HH:MM")
        change = self.day_change
        if day_start is not None and day_start.tzinfo is None:
            change = min(change, day_start.time())
        moment = datetime.combine(day, clock)
        return moment + timedelta(days=1) if clock < change else moment

    def day(self, node: Node) -> tuple[date, datetime | None]:
        value = node.attrs.get("date", "")
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            self.fail(node, "<day date>", f"{value!r} is not a date YYYY-MM-DD")
        with self.at(node):
            check_day(day, "<day date>")
        day_start = parse_timestamp(node.attrs.get("start", ""))
        return day, day_start


def read_frab_xml(path: Path, options: ImportOptions) -> ImportedShow:
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        fail(source, "", f"cannot read the file: {error}")
    return parse_frab_xml(data, source, options)


def parse_frab_xml(data: bytes, source: str, options: ImportOptions) -> ImportedShow:
    root = parse_xml(data, source)
    if root.tag != "schedule":
        fail(source, f"line {root.line}",
             f"the root element is <{root.tag}>, not <schedule>: not a frab schedule.xml")
    reader = _Reader(source)
    conference = root.child("conference")
    declared = ZoneDeclaration()
    name = ""
    if conference is not None:
        name = reader.text(conference.child("title"), "<conference> <title>", MAX_TITLE) or \
            reader.text(conference.child("acronym"), "<conference> <acronym>", MAX_TITLE)
        zone_node = conference.child("time_zone_name")
        if zone_node is not None and zone_node.text:
            declared = ZoneDeclaration(zone_node.text,
                                       f"line {zone_node.line}, <time_zone_name>")
        change_node = conference.child("day_change")
        if change_node is not None and change_node.text:
            change = parse_clock_time(change_node.text)
            if change is None:
                reader.fail(change_node, "<day_change>",
                            f"{change_node.text!r} is not a time HH:MM[:SS]")
            reader.day_change = change
    events: list[RawEvent] = []
    for day_node in root.all("day"):
        day, day_start = reader.day(day_node)
        for room_node in day_node.all("room"):
            with reader.at(room_node):
                room = check_text(room_node.attrs.get("name", "").strip(), "<room name>",
                                  max_length=MAX_NAME)
            events.extend(reader.event(event_node, day, day_start, room)
                          for event_node in room_node.all("event"))
    return build_show(source=source, source_format=FORMAT, name=name or Path(source).stem,
                      events=events, declared=declared, options=options)
