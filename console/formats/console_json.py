"""The console's own show format: JSON that maps one to one onto :mod:`console.models.show`.

Every field is written, so a dump followed by a load gives back an equal show.
Reading is strict (unknown fields are errors, so a typo such as ``hardstart``
does not silently fall back to a default) and every error names the file and
the JSON path of the offending value.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from console.formats.json_text import load_json
from console.formats.located import ShowFormatError, refused_at
from console.formats.utf8 import decode_utf8
from console.models.limits import (
    MAX_DURATION,
    MAX_NAME,
    MAX_NOTES,
    MAX_TITLE,
    check_day,
    check_duration_seconds,
    check_instant,
    check_seconds,
    check_text,
)
from console.models.show import (
    DEFAULT_DANGER_S,
    DEFAULT_WARNING_S,
    Day,
    Segment,
    SegmentKind,
    Session,
    Show,
    Speaker,
    Stage,
)

FORMAT_NAME = "conference-console/show"
FORMAT_VERSION = 1

T = TypeVar("T")


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


@dataclass
class _Reader:
    source: str
    zone: ZoneInfo | None = None
    segment_ids: dict[str, str] = field(default_factory=dict)  # id -> where first seen

    def fail(self, path: str, problem: str) -> NoReturn:
        raise ShowFormatError(self.source, path, problem)

    def obj(self, value: object, path: str, required: set[str],
            optional: frozenset[str] = frozenset()) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, "expected a JSON object")
        for key in value:
            if key not in required and key not in optional:
                self.fail(_join(path, key), "unknown field")
        for key in sorted(required):
            if key not in value:
                self.fail(_join(path, key), "missing")
        return value

    def text(self, data: dict[str, Any], key: str, path: str,
             max_length: int = MAX_NAME) -> str:
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(_join(path, key), "expected a non-empty string")
        return self.checked(value, _join(path, key), max_length)

    def checked(self, value: str, path: str, max_length: int, *,
                multiline: bool = False) -> str:
        """``value`` refused at ``path`` if too long or with control characters."""
        with refused_at(self.source):
            return check_text(value, path, max_length=max_length, multiline=multiline)

    def optional_text(self, data: dict[str, Any], key: str, path: str) -> str | None:
        return None if data.get(key) is None else self.text(data, key, path)

    def seconds(self, data: dict[str, Any], key: str, path: str, default: int) -> int:
        """A whole number of seconds, at most a segment's longest duration."""
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(_join(path, key), "expected a whole number >= 0")
        with refused_at(self.source):
            check_seconds(value, _join(path, key), low=0, high=MAX_DURATION.total_seconds())
        return value

    def items(self, data: dict[str, Any], key: str, path: str,
              parse: Callable[[object, str], T]) -> tuple[T, ...]:
        value = data.get(key, [])
        where = _join(path, key)
        if not isinstance(value, list):
            self.fail(where, "expected a JSON array")
        return tuple(parse(item, _join(where, index)) for index, item in enumerate(value))

    def build(self, path: str, make: Callable[[], T]) -> T:
        """Construct a model value, reporting the model's own checks at ``path``."""
        try:
            return make()
        except ShowFormatError:
            raise  # already names its own, deeper path
        except ValueError as error:
            self.fail(path, str(error))

    # --- the show tree --------------------------------------------------------

    def show(self, value: object) -> Show:
        data = self.obj(value, "", {"format", "version", "name", "timezone", "floor_language",
                                    "languages", "stages"})
        if data["format"] != FORMAT_NAME:
            self.fail("format", f"expected {FORMAT_NAME!r}")
        if data["version"] != FORMAT_VERSION:
            self.fail("version", f"unsupported version (this console reads {FORMAT_VERSION})")
        timezone = self.text(data, "timezone", "")
        try:
            self.zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a folder
            self.fail("timezone", f"unknown IANA time zone {timezone!r}")
        languages = self.items(data, "languages", "", self.language)
        stages = self.items(data, "stages", "", self.stage)
        return self.build("", lambda: Show(
            name=self.text(data, "name", "", MAX_TITLE), timezone=timezone,
            floor_language=self.text(data, "floor_language", ""),
            languages=languages, stages=stages,
        ))

    def language(self, value: object, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, "expected a language code such as 'en'")
        return self.checked(value, path, MAX_NAME)

    def stage(self, value: object, path: str) -> Stage:
        data = self.obj(value, path, {"name", "days"})
        days = self.items(data, "days", path, self.day)
        return Stage(name=self.text(data, "name", path), days=days)

    def day(self, value: object, path: str) -> Day:
        data = self.obj(value, path, {"date", "sessions"})
        text = self.text(data, "date", path)
        try:
            day = date.fromisoformat(text)
        except ValueError:
            self.fail(_join(path, "date"), "not an ISO 8601 date (YYYY-MM-DD)")
        with refused_at(self.source):
            check_day(day, _join(path, "date"))
        return Day(date=day, sessions=self.items(data, "sessions", path, self.session))

    def session(self, value: object, path: str) -> Session:
        data = self.obj(value, path, {"title", "segments"}, frozenset({"chair"}))
        return Session(
            title=self.text(data, "title", path, MAX_TITLE),
            chair=self.optional_text(data, "chair", path),
            segments=self.items(data, "segments", path, self.segment),
        )

    def planned_start(self, data: dict[str, Any], path: str) -> datetime:
        where = _join(path, "planned_start")
        value = data["planned_start"]
        try:
            start = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            start = None
        if start is None or start.utcoffset() is None:
            self.fail(where, "not an ISO 8601 datetime with offset")
        with refused_at(self.source):
            check_instant(start, where)
        return start.astimezone(self.zone)

    def duration(self, data: dict[str, Any], path: str) -> timedelta:
        value = data["planned_duration_s"]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.fail(_join(path, "planned_duration_s"), "expected a number of seconds >= 0")
        with refused_at(self.source):
            return check_duration_seconds(value, _join(path, "planned_duration_s"))

    def segment(self, value: object, path: str) -> Segment:
        data = self.obj(
            value, path, {"id", "kind", "title", "planned_start", "planned_duration_s"},
            frozenset({"speakers", "source_id", "hard_start", "scene", "notes",
                       "warning_s", "danger_s"}),
        )
        segment_id = self.text(data, "id", path)
        if segment_id in self.segment_ids:
            self.fail(_join(path, "id"),
                      f"{segment_id!r} is already used at {self.segment_ids[segment_id]}")
        self.segment_ids[segment_id] = path
        try:
            kind = SegmentKind(data["kind"])
        except ValueError:
            self.fail(_join(path, "kind"),
                      f"expected one of {', '.join(k.value for k in SegmentKind)}")
        hard_start = data.get("hard_start", False)
        if not isinstance(hard_start, bool):
            self.fail(_join(path, "hard_start"), "expected true or false")
        notes = data.get("notes", "")
        if not isinstance(notes, str):
            self.fail(_join(path, "notes"), "expected a string")
        self.checked(notes, _join(path, "notes"), MAX_NOTES, multiline=True)
        return self.build(path, lambda: Segment(
            id=segment_id, kind=kind, title=self.text(data, "title", path, MAX_TITLE),
            planned_start=self.planned_start(data, path),
            planned_duration=self.duration(data, path),
            speakers=self.items(data, "speakers", path, self.speaker),
            source_id=self.optional_text(data, "source_id", path),
            hard_start=hard_start, scene=self.optional_text(data, "scene", path), notes=notes,
            warning_s=self.seconds(data, "warning_s", path, DEFAULT_WARNING_S),
            danger_s=self.seconds(data, "danger_s", path, DEFAULT_DANGER_S),
        ))

    def speaker(self, value: object, path: str) -> Speaker:
        data = self.obj(value, path, {"name", "language"}, frozenset({"affiliation"}))
        return Speaker(
            name=self.text(data, "name", path),
            language=self.language(data["language"], _join(path, "language")),
            affiliation=self.optional_text(data, "affiliation", path),
        )


def parse_show_json(text: str, source: str = "<string>") -> Show:
    """Parse the console JSON format; ``source`` names the input in error messages."""
    return _Reader(source).show(load_json(text, source))


def load_show_json(path: Path) -> Show:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ShowFormatError(str(path), "", f"cannot read the file: {error}") from error
    return parse_show_json(decode_utf8(data, str(path)), str(path))


def _seconds(duration: timedelta) -> int | float:
    seconds = duration.total_seconds()
    return int(seconds) if seconds.is_integer() else seconds


def _segment_dict(segment: Segment, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": segment.id,
        "source_id": segment.source_id,
        "kind": segment.kind.value,
        "title": segment.title,
        # In the show's zone, so the file reads as local times.
        "planned_start": segment.planned_start.astimezone(zone).isoformat(),
        "planned_duration_s": _seconds(segment.planned_duration),
        "hard_start": segment.hard_start,
        "scene": segment.scene,
        "speakers": [
            {"name": s.name, "affiliation": s.affiliation, "language": s.language}
            for s in segment.speakers
        ],
        "notes": segment.notes,
        "warning_s": segment.warning_s,
        "danger_s": segment.danger_s,
    }


def show_to_dict(show: Show) -> dict[str, Any]:
    zone = ZoneInfo(show.timezone)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "name": show.name,
        "timezone": show.timezone,
        "floor_language": show.floor_language,
        "languages": list(show.languages),
        "stages": [{"name": stage.name, "days": [
            {"date": day.date.isoformat(), "sessions": [
                {"title": session.title, "chair": session.chair, "segments": [
                    _segment_dict(segment, zone) for segment in session.segments
                ]}
                for session in day.sessions
            ]}
            for day in stage.days
        ]} for stage in show.stages],
    }


def dump_show_json(show: Show) -> str:
    return json.dumps(show_to_dict(show), ensure_ascii=False, indent=2) + "\n"
