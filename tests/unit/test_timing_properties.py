"""Invariants of the timing engine, over generated plans and histories (hypothesis).

Plans are laid out in Europe/Berlin around the October DST change; histories run
the segments in running order (a prefix of the ones not skipped), each run
starting at or after the end of the one before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.models.live import LiveState, SegmentRun, add_time, hold, skip
from console.models.show import Day, Segment, SegmentKind, Session, Stage
from console.models.timing import SegmentStatus, StageTiming, compute_timing

BERLIN = ZoneInfo("Europe/Berlin")
BASE = datetime(2026, 10, 24, 18, 0, tzinfo=UTC)  # the night before the change
UPCOMING = (SegmentStatus.NEXT, SegmentStatus.UPCOMING)
SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def stages(draw: st.DrawFn, *, gaps: bool = True, hard: bool = True,
           max_days: int = 3) -> Stage:
    days = []
    t = BASE
    n = 0
    for d in range(draw(st.integers(1, max_days))):
        t = max(t, BASE + timedelta(hours=8 * d))
        day_date = t.astimezone(BERLIN).date()
        sessions = []
        for s in range(draw(st.integers(0, 3))):
            segments = []
            for _ in range(draw(st.integers(0, 5))):
                if gaps:
                    t += timedelta(seconds=draw(st.sampled_from([0, 0, 0, 60, 900, 3600])))
                duration = timedelta(seconds=draw(st.integers(0, 3600)))
                segments.append(Segment(
                    id=f"s{n}", kind=SegmentKind.TALK, title=f"s{n}",
                    planned_start=t.astimezone(BERLIN), planned_duration=duration,
                    hard_start=hard and draw(st.booleans())))
                t += duration
                n += 1
            sessions.append(Session(f"session {d}.{s}", tuple(segments)))
        days.append(Day(day_date, tuple(sessions)))
    return Stage("Main", tuple(days))


def running_order(stage: Stage) -> list[Segment]:
    return [seg for day in stage.days for session in day.sessions for seg in session.segments]


@dataclass(frozen=True)
class Scenario:
    stage: Stage
    live: LiveState
    now: datetime


@st.composite
def scenarios(draw: st.DrawFn, *, gaps: bool = True, hard: bool = True,
              skips: bool = True, extras: bool = True, contiguous_runs: bool = False,
              max_days: int = 3) -> Scenario:
    stage = draw(stages(gaps=gaps, hard=hard, max_days=max_days))
    order = running_order(stage)
    skipped = {s.id for s in order if skips and draw(st.integers(0, 5)) == 0}
    playable = [s for s in order if s.id not in skipped]
    count = draw(st.integers(0, len(playable)))
    runs: list[SegmentRun] = []
    t = order[0].planned_start.astimezone(UTC) if order else BASE
    if not contiguous_runs:
        t += timedelta(seconds=draw(st.integers(-600, 600)))
    for i, segment in enumerate(playable[:count]):
        if not contiguous_runs:
            t += timedelta(seconds=draw(st.integers(0, 120)))
        planned = int(segment.planned_duration.total_seconds())
        wall = timedelta(seconds=draw(st.integers(0, planned + 900)))
        held = draw(st.integers(0, int(wall.total_seconds()))) if extras else 0
        added = draw(st.integers(-120, 600)) if extras else 0
        live = i == count - 1 and draw(st.booleans())
        start = t.astimezone(BERLIN)
        runs.append(SegmentRun(segment.id, start, None if live else start + wall,
                               held_s=float(held), added_s=float(added)))
        t += wall
    now = t if contiguous_runs else t + timedelta(seconds=draw(st.integers(0, 1800)))
    return Scenario(stage, LiveState("Main", tuple(runs), skipped=frozenset(skipped)),
                    now.astimezone(BERLIN))


def compute(s: Scenario) -> StageTiming:
    return compute_timing(s.stage, s.live, s.now)


@given(scenarios())
@SETTINGS
def test_projected_starts_never_go_backwards_within_a_day(s: Scenario) -> None:
    timing = compute(s)
    for day in timing.days:
        starts = [t.projected_start for t in timing.segments
                  if t.day_index == day.day_index and t.projected_start is not None]
        assert starts == sorted(starts)
    assert sum(t.status is SegmentStatus.LIVE for t in timing.segments) <= 1
    assert sum(t.status is SegmentStatus.NEXT for t in timing.segments) <= 1


@given(scenarios())
@SETTINGS
def test_what_is_still_to_run_keeps_its_duration_and_hard_starts_never_come_early(
        s: Scenario) -> None:
    timing = compute(s)
    for t in timing.segments:
        if t.status in UPCOMING:
            assert t.projected_start is not None
            assert t.projected_end is not None
            assert t.projected_end - t.projected_start == t.planned_end - t.planned_start
            assert t.projected_start >= timing.now
            if t.hard_start:
                assert t.projected_start >= t.planned_start
        if t.status in (SegmentStatus.SKIPPED, SegmentStatus.PASSED):
            assert t.projected_start is None


@given(stages())
@SETTINGS
def test_before_the_show_the_projection_is_the_plan(stage: Stage) -> None:
    order = running_order(stage)
    now = order[0].planned_start if order else BASE
    timing = compute_timing(stage, LiveState("Main"), now - timedelta(seconds=1))
    assert timing.drift_s == 0
    for t in timing.segments:
        assert t.projected_start == t.planned_start
        assert t.projected_end == t.planned_end
    for day in timing.days:
        assert (day.projected_start, day.projected_end) == (day.planned_start, day.planned_end)


@given(scenarios(), st.integers(1, 3600))
@SETTINGS
def test_adding_time_never_brings_anything_earlier(s: Scenario, seconds: int) -> None:
    before = compute(s)
    after = compute_timing(s.stage, add_time(s.live, seconds), s.now)
    assert after.drift_s >= before.drift_s
    for b, a in zip(before.segments, after.segments, strict=True):
        if b.projected_start is not None:
            assert a.projected_start is not None
            assert a.projected_start >= b.projected_start


@given(scenarios(), st.data())
@SETTINGS
def test_skipping_never_makes_anything_later(s: Scenario, data: st.DataObject) -> None:
    before = compute(s)
    candidates = [t.segment_id for t in before.segments if t.status in UPCOMING]
    if not candidates:
        return
    chosen = data.draw(st.sampled_from(candidates))
    after = compute_timing(s.stage, skip(s.live, chosen), s.now)
    for b, a in zip(before.segments, after.segments, strict=True):
        if a.projected_start is not None:
            assert b.projected_start is not None
            assert a.projected_start <= b.projected_start
    assert after.segment(chosen).status is SegmentStatus.SKIPPED  # type: ignore[union-attr]


@given(scenarios(), st.integers(1, 7200))
@SETTINGS
def test_a_hold_adds_nothing_to_elapsed(s: Scenario, seconds: int) -> None:
    if s.live.live is None:
        return
    held = hold(s.live, s.now)
    at_hold = compute_timing(s.stage, held, s.now).live
    later = compute_timing(s.stage, held, s.now + timedelta(seconds=seconds)).live
    assert at_hold is not None
    assert later is not None
    assert later.on_hold
    assert later.elapsed_s == pytest.approx(at_hold.elapsed_s, abs=1e-6)
    assert later.remaining_s == pytest.approx(at_hold.remaining_s, abs=1e-6)
    assert later.projected_end >= at_hold.projected_end


@given(scenarios())
@SETTINGS
def test_the_live_timer_adds_up(s: Scenario) -> None:
    live = compute(s).live
    if s.live.live is None:
        assert live is None
        return
    assert live is not None
    assert live.remaining_s + live.elapsed_s == pytest.approx(live.allowed_s, abs=1e-6)
    assert live.projected_end >= live.started_at
    # the live state's own clock agrees when the times are in UTC
    as_utc = replace(s.live, runs=tuple(
        replace(r, started_at=r.started_at.astimezone(UTC)) for r in s.live.runs))
    assert live.elapsed_s == pytest.approx(as_utc.elapsed_s(s.now.astimezone(UTC)), abs=1e-6)


@given(scenarios(gaps=False, hard=False, skips=False, contiguous_runs=True, max_days=1))
@SETTINGS
def test_drift_is_the_sum_of_what_each_segment_ran_over(s: Scenario) -> None:
    timing = compute(s)
    ran = [t for t in timing.segments
           if t.status in (SegmentStatus.DONE, SegmentStatus.LIVE)]
    effects = sum(t.schedule_effect_s or 0.0 for t in ran)
    assert timing.drift_s == pytest.approx(effects, abs=1e-5)


@given(scenarios(gaps=False, hard=False, skips=False, extras=False, contiguous_runs=True,
                 max_days=1))
@SETTINGS
def test_without_holds_or_added_time_drift_is_the_sum_of_over_unders(s: Scenario) -> None:
    timing = compute(s)
    done = [t for t in timing.segments if t.status is SegmentStatus.DONE]
    if timing.live is not None:
        return
    assert timing.drift_s == pytest.approx(sum(t.over_under_s or 0.0 for t in done), abs=1e-5)


def test_the_generated_plans_cross_the_dst_change() -> None:
    assert BASE.astimezone(BERLIN).utcoffset() != (BASE + timedelta(hours=12)).astimezone(
        BERLIN).utcoffset()
    assert BASE.astimezone(BERLIN).date() == date(2026, 10, 24)
