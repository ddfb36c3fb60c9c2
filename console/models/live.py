"""What actually happened on one stage so far: the live segment, holds, added time.

Pure and immutable: every operator action returns a new :class:`LiveState`. The
show runner persists each one, so a console killed mid-segment resumes exactly
where it was. Times are aware datetimes passed in by the caller (no clock here).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime


def seconds_between(earlier: datetime, later: datetime) -> float:
    """Real seconds between two aware datetimes. Python subtracts two datetimes of the
    same zone by the wall clock, which is an hour off across a DST change."""
    return (later.astimezone(UTC) - earlier.astimezone(UTC)).total_seconds()


@dataclass(frozen=True)
class SegmentRun:
    """One segment as it actually ran (or is running: ``ended_at`` is None)."""

    segment_id: str
    started_at: datetime
    ended_at: datetime | None = None
    held_s: float = 0.0  # time spent on hold, not counted as elapsed
    added_s: float = 0.0  # time the stage manager added (or removed, negative)


@dataclass(frozen=True)
class LiveState:
    """The stage's history of runs; the last run without an end is live."""

    stage: str
    runs: tuple[SegmentRun, ...] = ()
    hold_started_at: datetime | None = None  # set while the live segment is on hold
    skipped: frozenset[str] = field(default_factory=frozenset)
    # Rehearsal: takes go to OBS's preview only. Part of the stage's state, so every
    # console on the show sees it.
    rehearsal: bool = False

    @property
    def live(self) -> SegmentRun | None:
        if self.runs and self.runs[-1].ended_at is None:
            return self.runs[-1]
        return None

    @property
    def on_hold(self) -> bool:
        return self.hold_started_at is not None

    def run_of(self, segment_id: str) -> SegmentRun | None:
        """The latest run of ``segment_id``."""
        for run in reversed(self.runs):
            if run.segment_id == segment_id:
                return run
        return None

    def run_at(self, at: datetime) -> SegmentRun | None:
        """The run that was on air at ``at``: started by then and not yet ended."""
        for run in reversed(self.runs):
            if run.started_at <= at and (run.ended_at is None or at < run.ended_at):
                return run
        return None

    def elapsed_s(self, now: datetime) -> float:
        """Seconds the live segment has run, holds excluded (0 when nothing is live)."""
        live = self.live
        if live is None:
            return 0.0
        held = live.held_s
        if self.hold_started_at is not None:
            held += seconds_between(self.hold_started_at, now)
        return max(0.0, seconds_between(live.started_at, now) - held)


def go_live(state: LiveState, segment_id: str, at: datetime) -> LiveState:
    """End the live segment (if any) at ``at`` and start ``segment_id``."""
    ended = _end_live(state, at)
    return replace(ended, runs=(*ended.runs, SegmentRun(segment_id, at)),
                   skipped=ended.skipped - {segment_id})


def end_live(state: LiveState, at: datetime) -> LiveState:
    return _end_live(state, at)


def _end_live(state: LiveState, at: datetime) -> LiveState:
    state = release_hold(state, at)
    live = state.live
    if live is None:
        return state
    return replace(state, runs=(*state.runs[:-1], replace(live, ended_at=at)))


def hold(state: LiveState, at: datetime) -> LiveState:
    """Stop the live segment's clock (the speaker is interrupted, a technical problem)."""
    if state.live is None or state.on_hold:
        return state
    return replace(state, hold_started_at=at)


def release_hold(state: LiveState, at: datetime) -> LiveState:
    live = state.live
    if live is None or state.hold_started_at is None:
        return replace(state, hold_started_at=None)
    held = live.held_s + seconds_between(state.hold_started_at, at)
    return replace(state, runs=(*state.runs[:-1], replace(live, held_s=held)),
                   hold_started_at=None)


def add_time(state: LiveState, seconds: float) -> LiveState:
    """Give the live segment more (or, negative, less) time."""
    live = state.live
    if live is None:
        return state
    return replace(state, runs=(*state.runs[:-1], replace(live, added_s=live.added_s + seconds)))


def skip(state: LiveState, segment_id: str) -> LiveState:
    return replace(state, skipped=state.skipped | {segment_id})


def unskip(state: LiveState, segment_id: str) -> LiveState:
    return replace(state, skipped=state.skipped - {segment_id})


def set_rehearsal(state: LiveState, on: bool) -> LiveState:
    return replace(state, rehearsal=on)


def reset(state: LiveState) -> LiveState:
    """Start the stage afresh (after a rehearsal): nothing ran, nothing skipped."""
    return LiveState(stage=state.stage, rehearsal=state.rehearsal)


def back(state: LiveState) -> LiveState:
    """Undo the last take: the previous segment is live again, as if never ended.

    The run being undone is dropped; the previous run continues with its
    original start (its clock includes the time the wrong segment was up).
    """
    if not state.runs:
        return state
    runs = state.runs[:-1] if state.live is not None else state.runs
    if not runs:
        return replace(state, runs=(), hold_started_at=None)
    previous = replace(runs[-1], ended_at=None)
    return replace(state, runs=(*runs[:-1], previous), hold_started_at=None)
