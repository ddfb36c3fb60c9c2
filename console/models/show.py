"""The show as planned: stages, days, sessions, segments and speakers.

Pure domain: immutable values, no Qt, no I/O, no clock reads. The rundown and
timing engine builds on these types; importers (console JSON, later frab XML,
schedule.json, iCalendar, CSV) produce them and the store persists them.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

# Seconds left on the speaker timer when it turns amber / red.
DEFAULT_WARNING_S = 120
DEFAULT_DANGER_S = 30

# uuid5 namespace for ids derived from an importer's own ids, so re-importing the
# same schedule yields the same segment ids (and the as-run log keeps matching).
_SEGMENT_NAMESPACE = uuid.UUID("6f1c3a52-5a0e-4c55-9a37-3f6f0d2b8e41")


class SegmentKind(enum.StrEnum):
    TALK = "talk"
    PANEL = "panel"
    QA = "qa"
    BREAK = "break"
    VIDEO = "video"
    ANNOUNCEMENT = "announcement"


@dataclass(frozen=True)
class Speaker:
    name: str
    language: str  # BCP-47 code of the language the speaker speaks, e.g. "ar"
    affiliation: str | None = None  # organisation or role, shown in the lower third

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("speaker name must not be empty")
        if not self.language.strip():
            raise ValueError("speaker language must not be empty")


@dataclass(frozen=True)
class Segment:
    """One item of the rundown: what goes on air, when, for how long, in which scene."""

    id: str  # stable across re-imports; the as-run log refers to it
    kind: SegmentKind
    title: str
    planned_start: datetime  # timezone-aware
    planned_duration: timedelta
    speakers: tuple[Speaker, ...] = ()
    source_id: str | None = None  # the id in the imported schedule, if it had one
    hard_start: bool = False  # must start on time (e.g. a session start), not just in order
    scene: str | None = None  # OBS scene to take for this segment
    notes: str = ""
    warning_s: int = DEFAULT_WARNING_S
    danger_s: int = DEFAULT_DANGER_S

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("segment id must not be empty")
        if self.planned_start.utcoffset() is None:
            raise ValueError("planned_start must be timezone-aware")
        if self.planned_duration < timedelta(0):
            raise ValueError("planned_duration must not be negative")
        if not 0 <= self.danger_s <= self.warning_s:
            raise ValueError("thresholds must satisfy 0 <= danger_s <= warning_s")

    @property
    def planned_end(self) -> datetime:
        # In real time: Python adds a timedelta to a zoned datetime by the wall clock,
        # an hour off for a segment that spans a DST change.
        start = self.planned_start
        return (start.astimezone(UTC) + self.planned_duration).astimezone(start.tzinfo)


@dataclass(frozen=True)
class Session:
    title: str
    segments: tuple[Segment, ...] = ()
    chair: str | None = None


@dataclass(frozen=True)
class Day:
    date: date
    sessions: tuple[Session, ...] = ()


@dataclass(frozen=True)
class Stage:
    name: str
    days: tuple[Day, ...] = ()


@dataclass(frozen=True)
class Show:
    name: str
    timezone: str  # IANA name, e.g. "Asia/Kuala_Lumpur"
    floor_language: str  # BCP-47 code of the language spoken on the floor
    languages: tuple[str, ...] = ()  # interpretation target languages
    stages: tuple[Stage, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("show name must not be empty")
        if len(set(self.languages)) != len(self.languages):
            raise ValueError("interpretation languages must not repeat")
        if self.floor_language in self.languages:
            raise ValueError("the floor language is not an interpretation language")
        seen: set[str] = set()
        for segment in iter_segments(self):
            if segment.id in seen:
                raise ValueError(f"segment id {segment.id!r} is used twice")
            seen.add(segment.id)


@dataclass(frozen=True)
class ShowCounts:
    stages: int
    days: int
    sessions: int
    segments: int
    speakers: int  # distinct speakers: one person in several segments counts once


def derive_segment_id(*parts: str) -> str:
    """A stable segment id from an importer's own identifiers (same input, same id)."""
    return str(uuid.uuid5(_SEGMENT_NAMESPACE, "\x1f".join(parts)))


def iter_sessions(show: Show) -> Iterator[Session]:
    for stage in show.stages:
        for day in stage.days:
            yield from day.sessions


def iter_segments(show: Show) -> Iterator[Segment]:
    for session in iter_sessions(show):
        yield from session.segments


def distinct_speakers(show: Show) -> tuple[Speaker, ...]:
    """Every speaker once, in order of first appearance."""
    return tuple(dict.fromkeys(s for seg in iter_segments(show) for s in seg.speakers))


def scene_names(show: Show) -> tuple[str, ...]:
    """The distinct OBS scenes the show uses, in order of first appearance."""
    return tuple(dict.fromkeys(seg.scene for seg in iter_segments(show) if seg.scene))


def find_segment(show: Show, segment_id: str) -> Segment | None:
    return next((seg for seg in iter_segments(show) if seg.id == segment_id), None)


def count_show(show: Show) -> ShowCounts:
    return ShowCounts(
        stages=len(show.stages),
        days=sum(len(stage.days) for stage in show.stages),
        sessions=sum(1 for _ in iter_sessions(show)),
        segments=sum(1 for _ in iter_segments(show)),
        speakers=len(distinct_speakers(show)),
    )
