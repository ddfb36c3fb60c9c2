"""frab / pretalx ``schedule.json``, and the flat "schedule2" shape.

Classic shape: ``schedule.conference.days[].rooms{name: [event]}``; an event's
start is its ``date`` (full timestamp) when it has one, otherwise the day's
``date`` + ``start`` in the conference zone (next calendar date before the day
change, 06:00); ``duration`` is ``HH:MM`` or ``HH:MM:SS``. Events stay on the
day they are listed in.

Flat shape ("schedule2"): an ``events`` array (at the top, in ``schedule`` or in
``schedule.conference``) whose events have ``start`` (full timestamp) and
``end`` (full timestamp) or ``duration``; ``room`` is a name or ``{"name": ...}``.

Persons are strings or objects (``public_name``, ``full_public_name``, ``name``).
Errors name the file and the JSON path of the value. ``source_id`` is the
event's ``guid``, else its ``id``, else its ``code``.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from console.formats.json_text import load_json
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
from console.formats.utf8 import decode_utf8
from console.models.limits import MAX_NAME, MAX_TITLE, check_day, check_duration, check_text

FORMAT = "schedule-json"


def _join(path: str, key: str | int) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, problem: str) -> NoReturn:
        fail(self.source, path, problem)

    def checking(self) -> AbstractContextManager[None]:
        """Value checks inside are refused at the JSON path they name."""
        return refused_at(self.source)

    def obj(self, value: object, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"expected a JSON object, found {_kind(value)}")
        return value

    def array(self, value: object, path: str) -> list[Any]:
        if not isinstance(value, list):
            self.fail(path, f"expected a JSON array, found {_kind(value)}")
        return value

    def text(self, data: dict[str, Any], key: str, path: str, *, required: bool = False,
             numbers: bool = False, max_length: int = MAX_NAME) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(_join(path, key), "missing; add it to the event")
            return ""
        if numbers and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # ids are sometimes numbers
        if not isinstance(value, str):
            self.fail(_join(path, key), f"expected a string, found {_kind(value)}")
        return self.checked(value.strip(), _join(path, key), max_length)

    def checked(self, value: str, path: str, max_length: int = MAX_NAME) -> str:
        """``value`` refused at ``path`` if too long or with control characters."""
        with self.checking():
            return check_text(value, path, max_length=max_length)

    def timestamp(self, data: dict[str, Any], key: str, path: str) -> datetime | None:
        value = self.text(data, key, path)
        if not value:
            return None
        parsed = parse_timestamp(value)
        if parsed is None:
            self.fail(_join(path, key), f"{value!r} is not an ISO 8601 date and time "
                                        "such as 2020-12-14T09:00:00+01:00")
        with self.checking():
            return check_start(parsed, _join(path, key))

    def duration(self, data: dict[str, Any], path: str) -> timedelta:
        value = self.text(data, "duration", path, required=True)
        with self.checking():
            parsed = parse_clock_duration(value, _join(path, "duration"))
        if parsed is None:
            self.fail(_join(path, "duration"), f"{value!r} is not a duration HH:MM or HH:MM:SS")
        return parsed

    def persons(self, data: dict[str, Any], path: str) -> tuple[str, ...]:
        value = data.get("persons")
        if value is None:
            return ()
        names = []
        for index, person in enumerate(self.array(value, _join(path, "persons"))):
            where = _join(_join(path, "persons"), index)
            if isinstance(person, str):
                names.append(self.checked(person.strip(), where))
                continue
            record = self.obj(person, where)
            name = next((self.text(record, key, where) for key in
                         ("public_name", "full_public_name", "name", "full_name")
                         if self.text(record, key, where)), "")
            if name:
                names.append(name)
        return tuple(names)

    def common(self, data: dict[str, Any], path: str, start: datetime, duration: timedelta,
               *, room: str | None, day: date | None) -> RawEvent:
        ident = self.text(data, "guid", path) or self.text(data, "id", path, numbers=True) or \
            self.text(data, "code", path)
        return RawEvent(
            where=path, title=self.text(data, "title", path, max_length=MAX_TITLE),
            start=start, duration=duration,
            source_id=ident or None, room=room or self.room(data, path),
            kind=kind_from_type(self.text(data, "type", path)),
            speakers=speakers_named(self.persons(data, path)),
            language=first_language(self.text(data, "language", path)), day=day,
        )

    def room(self, data: dict[str, Any], path: str) -> str | None:
        value = data.get("room")
        if isinstance(value, dict):
            return self.text(value, "name", _join(path, "room")) or None
        return self.text(data, "room", path) or None

    # --- classic shape -------------------------------------------------------------

    def classic_event(self, value: object, path: str, day: date, room: str) -> RawEvent:
        data = self.obj(value, path)
        start = self.timestamp(data, "date", path)
        if start is None:
            clock_text = self.text(data, "start", path, required=True)
            clock = parse_clock_time(clock_text)
            if clock is None:
                self.fail(_join(path, "start"), f"{clock_text!r} is not a time HH:MM")
            start = datetime.combine(day, clock)
            if clock < DAY_CHANGE:
                start += timedelta(days=1)
        return self.common(data, path, start, self.duration(data, path), room=room, day=day)

    def classic(self, conference: dict[str, Any], path: str) -> list[RawEvent]:
        events: list[RawEvent] = []
        days_path = _join(path, "days")
        for day_index, day_value in enumerate(self.array(conference.get("days"), days_path)):
            day_path = _join(days_path, day_index)
            day_data = self.obj(day_value, day_path)
            day_text = self.text(day_data, "date", day_path, required=True)
            try:
                day = date.fromisoformat(day_text)
            except ValueError:
                self.fail(_join(day_path, "date"), f"{day_text!r} is not a date YYYY-MM-DD")
            with self.checking():
                check_day(day, _join(day_path, "date"))
            rooms_path = _join(day_path, "rooms")
            rooms = self.obj(day_data.get("rooms", {}), rooms_path)
            for room, room_events in rooms.items():
                room_path = f"{rooms_path}[{json.dumps(room, ensure_ascii=False)}]"
                self.checked(room, room_path)
                for index, event in enumerate(self.array(room_events, room_path)):
                    events.append(self.classic_event(event, _join(room_path, index), day, room))
        return events

    # --- flat shape ----------------------------------------------------------------

    def flat_event(self, value: object, path: str) -> RawEvent:
        data = self.obj(value, path)
        start = self.timestamp(data, "start", path) or self.timestamp(data, "date", path)
        if start is None:
            self.fail(_join(path, "start"), "missing; give the event's start as "
                                            "an ISO 8601 date and time")
        end = self.timestamp(data, "end", path)
        if end is not None:
            if (end.tzinfo is None) != (start.tzinfo is None):
                self.fail(_join(path, "end"), "start and end must both have a UTC offset "
                                              "or both have none")
            duration = end - start
            if duration < timedelta(0):
                self.fail(_join(path, "end"), "ends before it starts")
            with self.checking():
                check_duration(duration, _join(path, "end"))
        else:
            duration = self.duration(data, path)
        return self.common(data, path, start, duration, room=None, day=None)


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true/false",
            type(None): "null"}.get(type(value), "a number")


def parse_schedule_json(text: str, source: str, options: ImportOptions) -> ImportedShow:
    data = load_json(text, source)
    reader = _Reader(source)
    root = reader.obj(data, "")
    schedule = reader.obj(root["schedule"], "schedule") if "schedule" in root else root
    schedule_path = "schedule" if "schedule" in root else ""
    conference_path = _join(schedule_path, "conference")
    conference = reader.obj(schedule.get("conference", {}), conference_path)
    declared = ZoneDeclaration()
    for holder, holder_path in ((conference, conference_path), (schedule, schedule_path)):
        for key in ("time_zone_name", "timezone"):
            zone = reader.text(holder, key, holder_path)
            if zone and declared.name is None:
                declared = ZoneDeclaration(zone, _join(holder_path, key))
    name = reader.text(conference, "title", conference_path, max_length=MAX_TITLE) or \
        reader.text(conference, "acronym", conference_path, max_length=MAX_TITLE) or \
        reader.text(schedule, "title", schedule_path, max_length=MAX_TITLE) or Path(source).stem
    flat = next(((holder, path) for holder, path in (
        (conference, conference_path), (schedule, schedule_path)) if "events" in holder), None)
    if flat is not None:
        events_path = _join(flat[1], "events")
        events = [reader.flat_event(event, _join(events_path, index))
                  for index, event in enumerate(reader.array(flat[0]["events"], events_path))]
    elif "days" in conference:
        events = reader.classic(conference, conference_path)
    else:
        fail(source, conference_path, "no days and no events: not a schedule.json "
                                      "(expected conference.days or events)")
    return build_show(source=source, source_format=FORMAT, name=name, events=events,
                      declared=declared, options=options)


def read_schedule_json(path: Path, options: ImportOptions) -> ImportedShow:
    try:
        data = path.read_bytes()
    except OSError as error:
        fail(str(path), "", f"cannot read the file: {error}")
    return parse_schedule_json(decode_utf8(data, str(path)), str(path), options)
