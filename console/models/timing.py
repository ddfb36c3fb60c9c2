"""The timing engine: where the show stands against its plan, and where it is heading.

Pure: :func:`compute_timing` reads a :class:`~console.models.show.Stage` (the plan),
a :class:`~console.models.live.LiveState` (what happened) and ``now`` (an aware
datetime passed in; no clock is read here) and returns an immutable
:class:`StageTiming`. Recompute it whenever any of the three changes.

Time arithmetic is done in UTC, so durations are exact in real time across a
daylight-saving change (Python adds and subtracts datetimes that share a zone
by wall clock). **Every datetime in the result is in UTC**; convert for display.
Comparing the results is then safe too (two datetimes in the same zone compare
by wall clock, ignoring ``fold``).

Speed: what depends on the stage alone is worked out once by :func:`plan_stage`
(a :class:`StagePlan`); the console's stage clock keeps it until the show changes
and recomputes only the sweep on each tick. ``compute_timing`` also takes a plain
:class:`Stage` and plans it on the spot.

Rules (the running order is the stage's days, sessions, segments order; nothing
is re-sorted by date):

- A segment that ran uses its actual times; the live one ends, as projected, at
  ``started_at + allowed + held`` (allowed = planned duration + added time), or at
  ``now`` once it is over its time (then it keeps moving with ``now``).
- Skipped segments take no time; a skipped hard start still anchors what follows
  it (the next segment is projected as if the skipped one had started, and at once
  ended, at its hard start). Segments the show has moved past without running
  them (before the latest run in running order) are ``PASSED`` and take no time.
- A **soft** segment follows on from the one before it, early or late: it keeps
  its planned distance (gap) from the previous segment in the plan, so it is
  projected at ``planned_start + offset``, where the offset is how far the previous
  segment's projected end is from its planned end (a skipped segment's planned
  duration comes off the offset). So a soft segment *may* be projected before its
  planned start when the show runs early.
- A **hard** start absorbs drift: projected at ``max(planned_start, previous
  projected end)``; it never starts early.
- Nothing that has not run starts before ``now`` or before the previous segment's
  projected end (a plan that overlaps is laid end to end).
- Each day starts afresh: its first segment that has not run is projected at
  ``max(planned_start, now)``; the previous day's lateness is not carried over.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from console.models.live import LiveState, SegmentRun
from console.models.show import Segment, Stage
from console.models.timing_results import (
    DayTiming,
    HardStartTiming,
    LiveTiming,
    SegmentStatus,
    SegmentTiming,
    SessionTiming,
    StageTiming,
    TimerPhase,
    phase_of,
)

__all__ = [
    "DayTiming",
    "HardStartTiming",
    "LiveTiming",
    "SegmentStatus",
    "SegmentTiming",
    "SessionTiming",
    "StagePlan",
    "StageTiming",
    "TimerPhase",
    "compute_timing",
    "phase_of",
    "plan_stage",
]

_ZERO = timedelta(0)


def _utc(moment: datetime, what: str) -> datetime:
    zone = moment.tzinfo
    if zone is UTC:  # what the console stores: nothing to convert
        return moment
    if zone is None:
        raise ValueError(f"{what} must be timezone-aware")
    return moment.astimezone(UTC)


def _live_timing(segment: Segment, run: SegmentRun, live: LiveState,
                 now: datetime) -> LiveTiming:
    started = _utc(run.started_at, "started_at")
    held = run.held_s
    if live.hold_started_at is not None:
        held += max(0.0, (now - _utc(live.hold_started_at, "hold_started_at")).total_seconds())
    elapsed = max(0.0, (now - started).total_seconds() - held)
    allowed = segment.planned_duration.total_seconds() + run.added_s
    remaining = allowed - elapsed
    end = max(now, started + timedelta(seconds=allowed + held))
    return LiveTiming(
        segment_id=segment.id, started_at=started, elapsed_s=elapsed, held_s=held,
        allowed_s=allowed, remaining_s=remaining,
        phase=phase_of(remaining, segment.warning_s, segment.danger_s),
        on_hold=live.hold_started_at is not None, projected_end=end,
    )


def _span(starts: list[datetime | None], ends: list[datetime | None]
          ) -> tuple[datetime | None, datetime | None]:
    known_starts = [s for s in starts if s is not None]
    known_ends = [e for e in ends if e is not None]
    return (min(known_starts) if known_starts else None,
            max(known_ends) if known_ends else None)


class _Sweep:
    """Walks the running order once, carrying the offset and the latest projected end."""

    def __init__(self, live: LiveState, now: datetime, position: Mapping[str, int]) -> None:
        self.live_state = live
        self.now = now
        # The latest run of each segment of this stage; runs of other ids are ignored.
        self.runs: dict[str, SegmentRun] = {}
        self.cursor = -1  # running-order index of the latest run's segment
        for run in live.runs:
            index = position.get(run.segment_id)
            if index is not None:
                self.runs[run.segment_id] = run
                self.cursor = index
        live_run = live.live
        self.live_run = live_run if live_run is not None and live_run.segment_id in self.runs \
            else None
        self.skipped = live.skipped
        self.live: LiveTiming | None = None
        self.next_id: str | None = None
        self.next_hard: HardStartTiming | None = None
        self.drift: timedelta | None = None
        self.offset = _ZERO  # projected end minus planned end of the previous segment
        self.floor: datetime | None = None  # latest projected end so far in the day

    def start_day(self) -> None:
        self.offset = _ZERO
        self.floor = None

    def place(self, planned: _PlannedSegment) -> SegmentTiming:
        seg, index, _day, _session, planned_start, planned_end = planned
        run = self.runs.get(seg.id)
        times: _Times
        if run is not None and (run is self.live_run or run.ended_at is not None):
            times = self._ran(seg, run, planned_end)
        elif seg.id in self.skipped:
            times = (SegmentStatus.SKIPPED, None, None, None, None, None, None)
        elif index < self.cursor:
            times = (SegmentStatus.PASSED, None, None, None, None, None, None)
        else:
            times = self._project(seg, planned_start)
        end = times[4]
        if end is None and seg.hard_start and times[0] is SegmentStatus.SKIPPED:
            # A skipped hard start takes no time but stays an anchor: what follows it
            # in the plan still waits for its planned start.
            floor = self.floor
            reachable = self.now if floor is None or floor < self.now else floor
            anchor = planned_start if planned_start > reachable else reachable
            self.offset = anchor - planned_end
        elif end is None:
            self.offset -= seg.planned_duration  # skipped and passed segments take no time
        else:
            self.offset = end - planned_end
            if self.floor is None or end > self.floor:
                self.floor = end
        return _new_segment_timing(planned, times)

    def _ran(self, seg: Segment, run: SegmentRun, planned_end: datetime) -> _Times:
        duration_s = seg.planned_duration.total_seconds()
        start = _utc(run.started_at, "started_at")
        ended = None if run.ended_at is None else _utc(run.ended_at, "ended_at")
        if run is self.live_run:
            self.live = live = _live_timing(seg, run, self.live_state, self.now)
            end = live.projected_end
            self.drift = end - planned_end
            return (SegmentStatus.LIVE, start, None, start, end, -live.remaining_s,
                    (end - start).total_seconds() - duration_s)
        assert ended is not None  # the caller checked
        end = ended
        wall = (end - start).total_seconds()
        return (SegmentStatus.DONE, start, end, start, end,
                wall - run.held_s - duration_s - run.added_s, wall - duration_s)

    def _project(self, seg: Segment, planned_start: datetime) -> _Times:
        floor = self.floor
        reachable = self.now if floor is None or floor < self.now else floor
        follow = planned_start if seg.hard_start else planned_start + self.offset
        start = follow if follow > reachable else reachable
        if self.next_id is None:
            status = SegmentStatus.NEXT
            self.next_id = seg.id
            if self.drift is None:
                self.drift = start - planned_start
        else:
            status = SegmentStatus.UPCOMING
        if seg.hard_start and self.next_hard is None:
            slack = (planned_start - reachable).total_seconds()
            self.next_hard = HardStartTiming(seg.id, planned_start, start, slack, slack < 0)
        return (status, None, None, start, start + seg.planned_duration, None, None)


# status, actual start, actual end, projected start, projected end, over_under_s,
# schedule_effect_s
_Times = tuple[SegmentStatus, datetime | None, datetime | None, datetime | None,
               datetime | None, float | None, float | None]


def _new_segment_timing(planned: _PlannedSegment, times: _Times) -> SegmentTiming:
    seg, index, day_index, session_index, planned_start, planned_end = planned
    status, actual_start, actual_end, start, end, over_under, effect = times
    return SegmentTiming(seg.id, index, day_index, session_index, status, seg.hard_start,
                         planned_start, planned_end, actual_start, actual_end, start, end,
                         over_under, effect)


class _PlannedSegment(NamedTuple):
    segment: Segment
    position: int
    day_index: int
    session_index: int
    planned_start: datetime  # UTC
    planned_end: datetime  # UTC, planned_start + planned_duration in real time


@dataclass(frozen=True)
class StagePlan:
    """What depends on the stage alone: its running order in UTC. Make one with
    :func:`plan_stage` whenever the stage changes, and reuse it for every ``now``."""

    stage: Stage
    segments: tuple[_PlannedSegment, ...]
    position: Mapping[str, int]  # segment id -> running-order index
    days: tuple[tuple[date, tuple[tuple[str, int, int], ...]], ...]  # sessions: title, slice


def plan_stage(stage: Stage) -> StagePlan:
    segments: list[_PlannedSegment] = []
    days = []
    for day_index, day in enumerate(stage.days):
        sessions = []
        for session_index, session in enumerate(day.sessions):
            first = len(segments)
            for seg in session.segments:
                start = seg.planned_start.astimezone(UTC)
                segments.append(_PlannedSegment(seg, len(segments), day_index, session_index,
                                                start, start + seg.planned_duration))
            sessions.append((session.title, first, len(segments)))
        days.append((day.date, tuple(sessions)))
    return StagePlan(stage, tuple(segments), {p.segment.id: p.position for p in segments},
                     tuple(days))


def _spans(timings: tuple[SegmentTiming, ...], plan: StagePlan) -> tuple[DayTiming, ...]:
    days = []
    for day_index, (day_date, sessions) in enumerate(plan.days):
        session_timings = []
        for session_index, (title, first, end) in enumerate(sessions):
            own = timings[first:end]
            session_timings.append(SessionTiming(
                day_index, session_index, title, first, end,
                *_span([t.planned_start for t in own], [t.planned_end for t in own]),
                *_span([t.projected_start for t in own], [t.projected_end for t in own])))
        days.append(DayTiming(
            day_index, day_date, tuple(session_timings),
            *_span([s.planned_start for s in session_timings],
                   [s.planned_end for s in session_timings]),
            *_span([s.projected_start for s in session_timings],
                   [s.projected_end for s in session_timings])))
    return tuple(days)


def compute_timing(stage: Stage | StagePlan, live: LiveState, now: datetime) -> StageTiming:
    """Where ``stage`` stands at ``now`` given what ``live`` says happened."""
    now = _utc(now, "now")
    plan = stage if isinstance(stage, StagePlan) else plan_stage(stage)
    sweep = _Sweep(live, now, plan.position)
    timings: list[SegmentTiming] = []
    day_index = -1
    for planned in plan.segments:
        if planned.day_index != day_index:
            day_index = planned.day_index
            sweep.start_day()
        timings.append(sweep.place(planned))
    segments = tuple(timings)

    drift = sweep.drift
    if drift is None and sweep.cursor >= 0:
        last = segments[sweep.cursor]
        if last.actual_end is not None:
            drift = last.actual_end - last.planned_end
    return StageTiming(
        stage=plan.stage.name, now=now, live=sweep.live, next_segment_id=sweep.next_id,
        drift_s=0.0 if drift is None else drift.total_seconds(),
        next_hard_start=sweep.next_hard, segments=segments, days=_spans(segments, plan),
        _by_id=plan.position,
    )
