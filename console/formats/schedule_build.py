"""Shared by the schedule importers (frab XML, schedule.json, iCalendar, CSV).

Each importer reads its file into :class:`RawEvent` values (lenient where real
files are sloppy) and hands them to :func:`build_show`, which decides the time
zone, the show days, the stages and the sessions the same way for every format.

Decisions, documented once here:

* **Time zone.** ``--timezone`` wins. Otherwise the zone the file declares, if
  the offsets of its full timestamps agree with it. A file whose timestamps all
  carry one whole-hour offset that disagrees with (or replaces a missing)
  declaration gets the fixed zone ``Etc/GMT-1`` (for +01:00) and a note: the
  instants are exact and local times read as in the file. Anything else (only
  UTC ``Z`` times, local times without a zone, mixed offsets) cannot be known and
  asks for ``--timezone`` (:class:`ShowZoneUndetermined`).
* **Show days.** Formats with days (frab) keep them: an event after midnight
  belongs to the day it is listed in. Otherwise an event that starts before
  06:00 local time belongs to the previous date when that date has events
  (a night continuing), else to its own date.
* **Stages.** Each room is a stage (in order of first appearance); ``--room``
  keeps one room. Events without a room go to the stage "Main stage".
* **Sessions.** Frab has none, so the consecutive events of one room on one
  day form a session until there is a gap of more than 30 minutes between one
  event's end and the next one's start (morning block, afternoon block...). A
  session label from the file (CSV ``session`` column) starts a new session when
  it changes. A session's first segment has a hard start.
* **Kinds.** From the event type by keywords (:func:`kind_from_type`); default talk.
* **Floor language.** The most common event language, else ``und`` (ISO 639-2
  "undetermined"). A speaker speaks the event's language, else the floor language.
* **Limits.** Readers check each start with :func:`check_start` and each duration
  as it is parsed (:func:`parse_clock_duration`), before any arithmetic that could
  overflow; a local start is checked again as an instant once placed in the zone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from console.formats.located import ShowFormatError, refused_at
from console.models.limits import check_day, check_duration_seconds, check_instant
from console.models.show import (
    Day,
    Segment,
    SegmentKind,
    Session,
    Show,
    Speaker,
    Stage,
    derive_segment_id,
)

UNDETERMINED_LANGUAGE = "und"
DEFAULT_ROOM = "Main stage"
DAY_CHANGE = time(6, 0)
SESSION_GAP = timedelta(minutes=30)
UNTITLED = "Untitled"


@dataclass(frozen=True)
class ImportOptions:
    room: str | None = None  # import only this room, as the one stage
    timezone: str | None = None  # IANA name; overrides what the file says


@dataclass(frozen=True)
class ImportedShow:
    show: Show
    notes: tuple[str, ...] = ()  # what was guessed, for the operator


@dataclass(frozen=True)
class RawSpeaker:
    """A speaker as a file names them; what the file leaves out comes from the event."""

    name: str
    affiliation: str | None = None
    language: str | None = None  # else the event's language, else the floor language


def speakers_named(names: Iterable[str]) -> tuple[RawSpeaker, ...]:
    """Speakers of a format that gives only their names."""
    return tuple(RawSpeaker(name) for name in names)


@dataclass
class RawEvent:
    """One event as read from a file, before the show is built."""

    where: str  # for error messages, e.g. "line 12" or "schedule.conference.days[0]"
    title: str
    # Aware (the file said the offset) or naive (local time in the show's zone).
    start: datetime
    duration: timedelta
    source_id: str | None = None
    room: str | None = None
    kind: SegmentKind = SegmentKind.TALK
    speakers: tuple[RawSpeaker, ...] = ()
    language: str | None = None
    day: date | None = None  # the show day, when the file says it
    session: str | None = None  # a session label, when the file has one
    scene: str | None = None
    notes: str = ""


@dataclass
class ZoneDeclaration:
    """What a file says about its time zone."""

    name: str | None = None  # the declared IANA name, if any
    where: str = ""  # where it was declared, for errors


@dataclass
class _Placed:
    event: RawEvent
    start: datetime  # aware, in the show's zone
    day: date | None = None


class ShowZoneUndetermined(ShowFormatError):
    """The file does not tell the show's time zone (see the module docstring); reading it
    again with ``ImportOptions.timezone`` can succeed.

    ``reason`` says why in plain words, without the advice on ``--timezone`` the message
    ends with, for callers that ask for the zone their own way (the window).
    """

    def __init__(self, source: str, where: str, reason: str, problem: str) -> None:
        self.reason = reason
        super().__init__(source, where, problem)


def fail(source: str, where: str, problem: str) -> NoReturn:
    raise ShowFormatError(source, where, problem)


def zone_named(name: str, source: str, where: str) -> ZoneInfo:
    """The IANA zone ``name``, or a clear error that says what to do."""
    try:
        if name.strip() and not name.startswith(("/", ".")):
            return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a folder
        pass
    fail(source, where, f"unknown time zone {name!r}: give an IANA name such as "
                        "Europe/Berlin (with --timezone if the file is wrong)")


def option_zone(options: ImportOptions) -> ZoneInfo | None:
    if options.timezone is None:
        return None
    return zone_named(options.timezone, "--timezone", "")


# --- small parsers shared by the formats ------------------------------------------

def whole_number(digits: str) -> int:
    """``digits`` as an int. Past 18 digits it only matters that the number is
    huge (a range check refuses it), and ``int()`` itself refuses 4,300 digits."""
    significant = digits.lstrip("0")
    return int(significant or "0") if len(significant) <= 18 else 10**18


def parse_clock_duration(text: str, field: str) -> timedelta | None:
    """``HH:MM`` or ``HH:MM:SS`` (hours may exceed 24); None if not.

    Raises InvalidValue naming ``field`` if it is longer than a segment can be.
    """
    match = re.fullmatch(r"\s*(\d+):(\d{1,2})(?::(\d{1,2}))?\s*", text)
    if match is None:
        return None
    hours, minutes, seconds = whole_number(match[1]), int(match[2]), int(match[3] or 0)
    if minutes >= 60 or seconds >= 60:
        return None
    return check_duration_seconds(hours * 3600 + minutes * 60 + seconds, field)


def parse_clock_time(text: str) -> time | None:
    """``HH:MM`` or ``HH:MM:SS``; None if not."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*", text)
    if match is None:
        return None
    try:
        return time(int(match[1]), int(match[2]), int(match[3] or 0))
    except ValueError:
        return None


def check_start(moment: datetime, field: str) -> datetime:
    """A start read from a file, within the years a show can be in; checked before any
    arithmetic on it, which overflows near the years 1 and 9999.

    A local time (no offset) is checked by its date; :func:`build_show` checks it
    again once it is placed in the show's zone.
    """
    if moment.utcoffset() is None:
        check_day(moment.date(), field)
        return moment
    return check_instant(moment, field)


def parse_timestamp(text: str) -> datetime | None:
    """An ISO 8601 date-time (``Z``, an offset or none); None if not one."""
    value = text.strip()
    if len(value) < 16:
        return None
    try:
        return datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None


def first_language(text: str | None) -> str | None:
    """``"de, en"`` -> ``"de"``; None for an empty value."""
    if not text:
        return None
    token = re.split(r"[,;/\s]+", text.strip())[0]
    return token or None


_KIND_RULES: tuple[tuple[SegmentKind, tuple[str, ...]], ...] = (
    (SegmentKind.BREAK, ("break", "pause", "lunch", "coffee", "dinner", "breakfast")),
    (SegmentKind.PANEL, ("panel", "podium", "discussion", "round table", "roundtable",
                         "debate", "fishbowl")),
    (SegmentKind.VIDEO, ("film", "movie", "video", "screening")),
    (SegmentKind.ANNOUNCEMENT, ("ceremony", "announcement", "opening", "closing",
                                "welcome")),
)


def kind_from_type(text: str | None) -> SegmentKind:
    """Map a schedule's event type to a kind; talk when nothing matches.

    lecture, talk, workshop, keynote, lightning talk and anything unknown -> talk;
    podium, panel, discussion -> panel; break, lunch, coffee -> break; film, movie,
    video -> video; ceremony, opening, closing -> announcement; exactly "qa",
    "q&a" or "questions" -> qa (a "Talk (30min + 10 Q&A)" stays a talk).
    """
    if not text:
        return SegmentKind.TALK
    value = text.strip().lower()
    try:
        return SegmentKind(value)
    except ValueError:
        pass
    if value in ("q&a", "q & a", "questions", "ama"):
        return SegmentKind.QA
    if re.search(r"\b(talk|lecture|keynote|workshop)\b", value):
        return SegmentKind.TALK
    for kind, words in _KIND_RULES:
        if any(word in value for word in words):
            return kind
    return SegmentKind.TALK


# --- building the show --------------------------------------------------------------

def _fixed_zone(offset: timedelta) -> ZoneInfo | None:
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest or not -12 <= hours <= 14:
        return None
    if hours == 0:
        return ZoneInfo("UTC")
    # POSIX sign convention: Etc/GMT-1 is UTC+01:00.
    return ZoneInfo(f"Etc/GMT{-hours:+d}")


def _offsets(events: list[RawEvent]) -> set[timedelta]:
    """The offsets of full local timestamps. UTC times (``Z``, +00:00) say nothing
    about local time, so they neither confirm nor contradict a zone."""
    return {offset for event in events
            if (offset := event.start.utcoffset()) is not None and offset != timedelta(0)}


def _agrees(zone: tzinfo, events: list[RawEvent]) -> bool:
    return all(
        event.start.astimezone(zone).utcoffset() == offset
        for event in events
        if (offset := event.start.utcoffset()) is not None and offset != timedelta(0)
    )


def choose_zone(source: str, events: list[RawEvent], declared: ZoneDeclaration,
                options: ImportOptions, notes: list[str]) -> ZoneInfo:
    chosen = option_zone(options)
    if chosen is not None:
        return chosen
    zone = zone_named(declared.name, source, declared.where) if declared.name else None
    if zone is not None and _agrees(zone, events):
        return zone
    offsets = _offsets(events)
    fixed = _fixed_zone(next(iter(offsets))) if len(offsets) == 1 else None
    if fixed is not None:
        said = (f"declares the time zone {declared.name!r} but every time in it is at "
                if declared.name else "names no time zone; every time in it is at ")
        offset = next(iter(offsets))
        notes.append(
            f"{source} {said}UTC{_format_offset(offset)}, so the show uses {fixed.key}; "
            "give --timezone (e.g. --timezone Europe/Berlin) for a zone with daylight saving"
        )
        return fixed
    if zone is not None:
        reason = (f"the time zone {declared.name!r} disagrees with the UTC offsets of the "
                  "times in the file")
        raise ShowZoneUndetermined(source, declared.where, reason,
                                   f"{reason}; give the show's zone with --timezone")
    if offsets:
        why = "its times carry different UTC offsets and it names no time zone"
    elif any(e.start.utcoffset() is not None for e in events):
        why = "every time in it is in UTC and it names no time zone"
    else:
        why = "its times are local and it names no time zone"
    reason = f"cannot tell the show's time zone: {why}"
    raise ShowZoneUndetermined(source, "", reason,
                               f"{reason}; give it with --timezone (e.g. --timezone Europe/London)")


def _format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _place(source: str, events: list[RawEvent], zone: ZoneInfo) -> list[_Placed]:
    placed = []
    for event in events:
        start = event.start.replace(tzinfo=zone) if event.start.tzinfo is None else event.start
        with refused_at(source, event.where):  # a local time is an instant only now
            check_instant(start, "start")
        placed.append(_Placed(event, start.astimezone(zone)))
    dated = {p.start.date() for p in placed if p.event.day is None
             and p.start.timetz().replace(tzinfo=None) >= DAY_CHANGE}
    for item in placed:
        if item.event.day is not None:
            item.day = item.event.day
            continue
        local = item.start.date()
        before_change = item.start.time() < DAY_CHANGE
        item.day = local - timedelta(days=1) if before_change and \
            local - timedelta(days=1) in dated else local
    return placed


def _speakers(event: RawEvent, floor: str) -> tuple[Speaker, ...]:
    """Each named speaker once, as the file first gives them."""
    language = first_language(event.language) or floor
    speakers: dict[str, Speaker] = {}
    for raw in event.speakers:
        name = raw.name.strip()
        if name and name not in speakers:
            speakers[name] = Speaker(name=name, language=raw.language or language,
                                     affiliation=raw.affiliation or None)
    return tuple(speakers.values())


def _segment(source_format: str, item: _Placed, floor: str, hard_start: bool) -> Segment:
    event = item.event
    key = event.source_id if event.source_id else \
        "\x1f".join((event.room or "", item.start.isoformat(), event.title))
    return Segment(
        id=derive_segment_id(source_format, key),
        kind=event.kind,
        title=event.title.strip() or UNTITLED,
        planned_start=item.start,
        planned_duration=event.duration,
        speakers=_speakers(event, floor),
        source_id=event.source_id,
        hard_start=hard_start,
        scene=event.scene,
        notes=event.notes,
    )


def _session_title(room: str, items: list[_Placed]) -> str:
    label = items[0].event.session
    if label:
        return label
    end = max(i.start + i.event.duration for i in items)
    return f"{room} {items[0].start:%H:%M}–{end:%H:%M}"


def _sessions(source_format: str, room: str, items: list[_Placed], floor: str) -> \
        tuple[Session, ...]:
    groups: list[list[_Placed]] = []
    previous_end: datetime | None = None
    for item in sorted(items, key=lambda i: i.start):
        label = item.event.session
        new = not groups or label != groups[-1][0].event.session or (
            label is None and previous_end is not None and
            item.start - previous_end > SESSION_GAP)
        if new:
            groups.append([item])
        else:
            groups[-1].append(item)
        end = item.start + item.event.duration
        previous_end = end if previous_end is None or new else max(previous_end, end)
    return tuple(
        Session(title=_session_title(room, group), segments=tuple(
            _segment(source_format, item, floor, position == 0)
            for position, item in enumerate(group)
        ))
        for group in groups
    )


def _floor_language(events: list[RawEvent]) -> str:
    counted = Counter(lang for e in events if (lang := first_language(e.language)))
    return counted.most_common(1)[0][0] if counted else UNDETERMINED_LANGUAGE


def build_show(*, source: str, source_format: str, name: str, events: list[RawEvent],
               declared: ZoneDeclaration, options: ImportOptions,
               notes: list[str] | None = None) -> ImportedShow:
    """Turn the events read from ``source`` into a Show (see the module docstring)."""
    notes = [] if notes is None else notes
    rooms = list(dict.fromkeys(e.room or DEFAULT_ROOM for e in events))
    if options.room is not None:
        if options.room not in rooms:
            shown = ", ".join(repr(r) for r in rooms[:20]) + (" ..." if len(rooms) > 20 else "")
            fail(source, "--room", f"no room named {options.room!r} in the file; "
                                   f"its rooms are: {shown or 'none'}")
        events = [e for e in events if (e.room or DEFAULT_ROOM) == options.room]
        rooms = [options.room]
    if not events:
        fail(source, "", "the file has no events to import")
    seen: dict[str, str] = {}
    for event in events:
        if event.source_id is not None:
            if event.source_id in seen:
                fail(source, event.where, f"event id {event.source_id!r} is used twice "
                                          f"(also at {seen[event.source_id]}); ids must be "
                                          "unique so re-imports keep the as-run log matching")
            seen[event.source_id] = event.where
        if not event.title.strip():
            notes.append(f"{source}: {event.where}: event without a title, named {UNTITLED!r}")
    zone = choose_zone(source, events, declared, options, notes)
    floor = _floor_language(events)
    placed = _place(source, events, zone)
    by_room: dict[str, dict[date, list[_Placed]]] = {room: {} for room in rooms}
    for item in placed:
        assert item.day is not None  # _place gave every event its day
        by_room[item.event.room or DEFAULT_ROOM].setdefault(item.day, []).append(item)
    stages = tuple(
        Stage(name=room, days=tuple(
            Day(date=day, sessions=_sessions(source_format, room, days[day], floor))
            for day in sorted(days)
        ))
        for room, days in by_room.items() if days
    )
    try:
        show = Show(name=name.strip() or "Imported show", timezone=zone.key,
                    floor_language=floor, stages=stages)
    except ValueError as error:
        fail(source, "", str(error))
    return ImportedShow(show=show, notes=tuple(notes))
