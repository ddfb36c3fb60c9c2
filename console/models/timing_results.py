"""The timing engine's results: immutable, fully typed, every datetime in UTC.

See :mod:`console.models.timing` for the rules and :func:`compute_timing`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple


class SegmentStatus(enum.StrEnum):
    DONE = "done"  # ran and ended
    LIVE = "live"
    NEXT = "next"  # the first segment after the live (or latest) one still to run
    UPCOMING = "upcoming"
    SKIPPED = "skipped"  # the operator skipped it: takes no time
    PASSED = "passed"  # never ran, and the show has moved past it: takes no time


class TimerPhase(enum.StrEnum):
    NORMAL = "normal"
    WARNING = "warning"  # remaining_s <= warning_s
    DANGER = "danger"  # remaining_s <= danger_s
    OVERTIME = "overtime"  # remaining_s < 0


@dataclass(frozen=True, slots=True)
class LiveTiming:
    """The speaker timer of the live segment."""

    segment_id: str
    started_at: datetime  # UTC
    elapsed_s: float  # time run, holds excluded
    held_s: float  # time on hold so far, the current hold included
    allowed_s: float  # planned duration + added time
    remaining_s: float  # allowed_s - elapsed_s; negative when over
    phase: TimerPhase
    on_hold: bool
    projected_end: datetime  # UTC: started_at + allowed + held, or now once over


class SegmentTiming(NamedTuple):
    """One segment in running order. Every datetime is UTC.

    A named tuple: immutable like the other results, and cheap to build, which
    matters because a recomputation builds one per segment four times a second.
    """

    segment_id: str
    position: int  # in the stage's running order
    day_index: int
    session_index: int  # within its day
    status: SegmentStatus
    hard_start: bool
    planned_start: datetime
    planned_end: datetime  # planned_start + planned_duration in real time
    actual_start: datetime | None  # for done and live
    actual_end: datetime | None  # for done
    projected_start: datetime | None  # None for skipped and passed segments
    projected_end: datetime | None
    # Done and live only (None otherwise):
    # run time (holds excluded) minus allowed time (planned + added): how far the
    # speaker went past the time they were given; for the live one, -remaining_s.
    over_under_s: float | None
    # wall-clock run time (holds and added time included) minus planned duration:
    # how much this segment moved the show; for the live one, as projected.
    schedule_effect_s: float | None


@dataclass(frozen=True, slots=True)
class SessionTiming:
    """A session's span. planned_* are None for an empty session, projected_* when
    none of its segments takes time (all skipped or passed)."""

    day_index: int
    session_index: int
    title: str
    first_index: int  # its segments are StageTiming.segments[first_index:end_index]
    end_index: int
    planned_start: datetime | None
    planned_end: datetime | None
    projected_start: datetime | None
    projected_end: datetime | None


@dataclass(frozen=True, slots=True)
class DayTiming:
    day_index: int
    date: date
    sessions: tuple[SessionTiming, ...]
    planned_start: datetime | None
    planned_end: datetime | None
    projected_start: datetime | None
    projected_end: datetime | None


@dataclass(frozen=True, slots=True)
class HardStartTiming:
    """The next hard start still to run, and whether the show will make it."""

    segment_id: str
    planned_start: datetime
    projected_start: datetime
    # planned_start minus the earliest the show can get there (the previous
    # segment's projected end, or now): negative when it will start late.
    slack_s: float
    # the drift cannot be absorbed by then: the show reaches it after its planned
    # start (slack_s < 0), so it will start late (projected_start > planned_start).
    at_risk: bool


@dataclass(frozen=True)
class StageTiming:
    stage: str
    now: datetime  # UTC
    live: LiveTiming | None
    next_segment_id: str | None
    # How late the show is running, in seconds (negative: early). With a live
    # segment: its projected end minus its planned end. Otherwise: the next
    # segment's projected start minus its planned start. With neither (the show
    # is over): the latest run's actual end minus its planned end. No runs and
    # nothing to run: 0.
    drift_s: float
    next_hard_start: HardStartTiming | None
    segments: tuple[SegmentTiming, ...]  # running order
    days: tuple[DayTiming, ...]
    _by_id: Mapping[str, int] = field(repr=False, compare=False)

    def segment(self, segment_id: str) -> SegmentTiming | None:
        index = self._by_id.get(segment_id)
        return None if index is None else self.segments[index]

    @property
    def projected_end(self) -> datetime | None:
        """When the stage's last segment that takes time is projected to end."""
        ends = [d.projected_end for d in self.days if d.projected_end is not None]
        return max(ends) if ends else None


def phase_of(remaining_s: float, warning_s: float, danger_s: float) -> TimerPhase:
    if remaining_s < 0:
        return TimerPhase.OVERTIME
    if remaining_s <= danger_s:
        return TimerPhase.DANGER
    if remaining_s <= warning_s:
        return TimerPhase.WARNING
    return TimerPhase.NORMAL
