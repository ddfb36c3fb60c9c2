"""The timing engine: phases, holds, added time, back, skips, hard starts, days, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from console.models.live import (
    LiveState,
    SegmentRun,
    add_time,
    back,
    end_live,
    go_live,
    hold,
    release_hold,
    skip,
)
from console.models.show import Day, Segment, SegmentKind, Session, Stage
from console.models.timing import (
    SegmentStatus,
    SegmentTiming,
    TimerPhase,
    compute_timing,
    phase_of,
)

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 6, 10, 9, 0, tzinfo=BERLIN)
MIN = timedelta(minutes=1)


def seg(sid: str, start: datetime, minutes: float, *, hard: bool = False) -> Segment:
    return Segment(id=sid, kind=SegmentKind.TALK, title=sid, planned_start=start,
                   planned_duration=timedelta(minutes=minutes), hard_start=hard,
                   warning_s=120, danger_s=30)


def day_of(*segments: Segment, when: date | None = None) -> Day:
    return Day(when or T0.date(), (Session("S", segments),))


def simple_stage() -> Stage:
    """a 9:00-9:20, b 9:20-9:40, c 9:40-10:00, gap, d 10:30 hard, e 10:50."""
    return Stage("Main", (day_of(
        seg("a", T0, 20), seg("b", T0 + 20 * MIN, 20), seg("c", T0 + 40 * MIN, 20),
        seg("d", T0 + 90 * MIN, 20, hard=True), seg("e", T0 + 110 * MIN, 20)),))


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def test_before_the_show_the_projection_is_the_plan() -> None:
    stage = simple_stage()
    timing = compute_timing(stage, LiveState("Main"), T0 - 10 * MIN)
    assert timing.drift_s == 0
    assert timing.live is None
    assert timing.next_segment_id == "a"
    assert [t.status for t in timing.segments] == [SegmentStatus.NEXT] + \
        [SegmentStatus.UPCOMING] * 4
    for t, s in zip(timing.segments, stage.days[0].sessions[0].segments, strict=True):
        assert t.projected_start == t.planned_start == utc(s.planned_start)
        assert t.projected_end == t.planned_end
        assert t.projected_start.tzinfo is UTC
    day = timing.days[0]
    assert day.projected_start == utc(T0)
    assert day.projected_end == day.planned_end == utc(T0 + 130 * MIN)
    assert day.sessions[0].first_index == 0
    assert day.sessions[0].end_index == 5
    hard = timing.next_hard_start
    assert hard is not None
    assert hard.segment_id == "d"
    assert not hard.at_risk
    assert hard.slack_s == 30 * 60
    assert timing.projected_end == utc(T0 + 130 * MIN)


def test_late_start_moves_soft_segments_and_the_hard_start_absorbs_it() -> None:
    stage = simple_stage()
    now = T0 + 5 * MIN
    timing = compute_timing(stage, LiveState("Main"), now)
    assert timing.drift_s == 300  # a cannot start before now
    assert timing.segment("c").projected_start == utc(T0 + 45 * MIN)  # type: ignore[union-attr]
    d = timing.segment("d")
    assert d is not None
    assert d.projected_start == utc(T0 + 90 * MIN)
    assert timing.segment("e").projected_start == utc(T0 + 110 * MIN)  # type: ignore[union-attr]


def test_phases_follow_the_thresholds() -> None:
    assert phase_of(121, 120, 30) is TimerPhase.NORMAL
    assert phase_of(120, 120, 30) is TimerPhase.WARNING
    assert phase_of(30, 120, 30) is TimerPhase.DANGER
    assert phase_of(0, 120, 30) is TimerPhase.DANGER
    assert phase_of(-0.001, 120, 30) is TimerPhase.OVERTIME
    stage = simple_stage()
    state = go_live(LiveState("Main"), "a", T0)
    for minutes, phase in ((10, TimerPhase.NORMAL), (18, TimerPhase.WARNING),
                           (19.5, TimerPhase.DANGER), (21, TimerPhase.OVERTIME)):
        live = compute_timing(stage, state, T0 + minutes * MIN).live
        assert live is not None
        assert live.phase is phase
        assert live.elapsed_s == pytest.approx(minutes * 60)
        assert live.remaining_s + live.elapsed_s == pytest.approx(live.allowed_s)


def test_overtime_keeps_the_projected_end_at_now() -> None:
    stage = simple_stage()
    state = go_live(LiveState("Main"), "a", T0)
    for minutes in (25, 30):
        timing = compute_timing(stage, state, T0 + minutes * MIN)
        a = timing.segment("a")
        assert a is not None
        assert a.status is SegmentStatus.LIVE
        assert a.projected_end == utc(T0 + minutes * MIN)
        assert a.over_under_s == pytest.approx((minutes - 20) * 60)
        assert timing.drift_s == pytest.approx((minutes - 20) * 60)
        assert timing.segment("b").projected_start == utc(T0 + minutes * MIN)  # type: ignore[union-attr]


def test_hold_stops_the_clock_and_pushes_the_end() -> None:
    stage = simple_stage()
    state = hold(go_live(LiveState("Main"), "a", T0), T0 + 5 * MIN)
    at_hold = compute_timing(stage, state, T0 + 5 * MIN).live
    later = compute_timing(stage, state, T0 + 8 * MIN).live
    assert at_hold is not None
    assert later is not None
    assert later.on_hold
    assert later.elapsed_s == at_hold.elapsed_s == 300
    assert later.held_s == 180
    assert later.projected_end == utc(T0 + 23 * MIN)
    released = release_hold(state, T0 + 8 * MIN)
    after = compute_timing(stage, released, T0 + 10 * MIN)
    assert after.live is not None
    assert not after.live.on_hold
    assert after.live.elapsed_s == 7 * 60
    assert after.segment("b").projected_start == utc(T0 + 23 * MIN)  # type: ignore[union-attr]
    done = compute_timing(stage, go_live(released, "b", T0 + 23 * MIN), T0 + 24 * MIN)
    a = done.segment("a")
    assert a is not None
    assert a.over_under_s == 0  # it ran its 20 minutes, holds excluded
    assert a.schedule_effect_s == 180  # but moved the show by the hold


def test_added_time_extends_the_live_segment_and_moves_what_follows() -> None:
    stage = simple_stage()
    state = add_time(go_live(LiveState("Main"), "a", T0), 300)
    timing = compute_timing(stage, state, T0 + 18 * MIN)
    assert timing.live is not None
    assert timing.live.allowed_s == 25 * 60
    assert timing.live.phase is TimerPhase.NORMAL
    assert timing.drift_s == 300
    assert timing.segment("b").projected_start == utc(T0 + 25 * MIN)  # type: ignore[union-attr]
    ended = compute_timing(stage, go_live(state, "b", T0 + 24 * MIN), T0 + 24 * MIN)
    a = ended.segment("a")
    assert a is not None
    assert a.over_under_s == -60  # one minute short of the 25 it was given
    assert a.schedule_effect_s == 240  # four minutes later than planned


def test_back_makes_the_previous_segment_live_again() -> None:
    stage = simple_stage()
    state = go_live(go_live(LiveState("Main"), "a", T0), "b", T0 + 20 * MIN)
    undone = back(state)
    timing = compute_timing(stage, undone, T0 + 21 * MIN)
    assert timing.live is not None
    assert timing.live.segment_id == "a"
    assert timing.live.elapsed_s == 21 * 60
    assert timing.segment("b").status is SegmentStatus.NEXT  # type: ignore[union-attr]
    assert timing.segment("a").actual_end is None  # type: ignore[union-attr]


def test_a_running_late_show_puts_the_hard_start_at_risk() -> None:
    stage = simple_stage()
    state = go_live(go_live(LiveState("Main"), "a", T0), "b", T0 + 20 * MIN)
    state = go_live(state, "c", T0 + 50 * MIN)  # b ran 30 minutes
    timing = compute_timing(stage, state, T0 + 51 * MIN)
    hard = timing.next_hard_start
    assert hard is not None
    assert timing.drift_s == 600
    assert not hard.at_risk  # the 30-minute gap absorbs ten minutes of drift
    assert hard.slack_s == 20 * 60
    very_late = compute_timing(stage, state, T0 + 100 * MIN)  # c is 30 min over
    hard = very_late.next_hard_start
    assert hard is not None
    assert hard.at_risk
    assert hard.slack_s == -10 * 60
    assert hard.projected_start == utc(T0 + 100 * MIN)
    assert very_late.segment("e").projected_start == utc(T0 + 120 * MIN)  # type: ignore[union-attr]


def test_soft_segments_follow_an_early_show_but_hard_starts_wait() -> None:
    stage = simple_stage()
    state = go_live(go_live(LiveState("Main"), "a", T0), "b", T0 + 15 * MIN)
    timing = compute_timing(stage, end_live(state, T0 + 30 * MIN), T0 + 30 * MIN)
    assert timing.drift_s == -600
    c = timing.segment("c")
    assert c is not None
    assert c.status is SegmentStatus.NEXT
    assert c.projected_start == utc(T0 + 30 * MIN)
    assert timing.segment("d").projected_start == utc(T0 + 90 * MIN)  # type: ignore[union-attr]


def test_skipped_segments_take_no_time_and_passed_ones_are_marked() -> None:
    stage = simple_stage()
    state = skip(go_live(LiveState("Main"), "a", T0), "b")
    timing = compute_timing(stage, state, T0 + MIN)
    b = timing.segment("b")
    assert b is not None
    assert b.status is SegmentStatus.SKIPPED
    assert b.projected_start is None
    assert timing.next_segment_id == "c"
    assert timing.segment("c").projected_start == utc(T0 + 20 * MIN)  # type: ignore[union-attr]
    jumped = compute_timing(stage, go_live(LiveState("Main"), "c", T0), T0 + MIN)
    assert [t.status for t in jumped.segments[:3]] == [
        SegmentStatus.PASSED, SegmentStatus.PASSED, SegmentStatus.LIVE]
    assert jumped.drift_s == -40 * 60


def test_each_day_starts_afresh_and_the_show_over_keeps_its_drift() -> None:
    day2 = T0 + timedelta(days=1)
    stage = Stage("Main", (
        day_of(seg("a", T0, 20)),
        day_of(seg("x", day2, 20), seg("y", day2 + 20 * MIN, 20), when=day2.date()),
    ))
    state = go_live(LiveState("Main"), "a", T0)
    late = compute_timing(stage, state, T0 + 50 * MIN)
    assert late.segment("x").projected_start == utc(day2)  # type: ignore[union-attr]
    assert late.days[1].projected_end == utc(day2 + 40 * MIN)
    over = compute_timing(stage, end_live(go_live(state, "y", day2), day2 + 25 * MIN),
                          day2 + 2 * 60 * MIN)
    assert over.next_segment_id is None
    assert over.drift_s == 5 * 60 - 20 * 60  # y ran 25 min from its start 20 min early
    assert over.segment("x").status is SegmentStatus.PASSED  # type: ignore[union-attr]


def test_durations_are_real_time_across_the_october_dst_change() -> None:
    # 2026-10-25 in Berlin: 03:00 CEST becomes 02:00 CET, the night has 25 hours.
    start = datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN)  # CEST, 23:30 UTC
    first = seg("night", start, 90)  # ends 02:00 CET = 01:00 UTC
    second = seg("dawn", datetime(2026, 10, 25, 2, 0, fold=1, tzinfo=BERLIN), 60)
    stage = Stage("Main", (day_of(first, second, when=start.date()),))
    before = compute_timing(stage, LiveState("Main"), start - MIN)
    n = before.segment("night")
    assert n is not None
    assert n.planned_end == datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
    assert before.segment("dawn").projected_start == n.planned_end  # type: ignore[union-attr]
    assert before.drift_s == 0
    state = go_live(LiveState("Main"), "night", start)
    now = (utc(start) + timedelta(minutes=100)).astimezone(BERLIN)  # 02:10 CET
    timing = compute_timing(stage, state, now)
    assert timing.live is not None
    assert timing.live.elapsed_s == 6000
    assert timing.live.remaining_s == -600
    assert timing.live.phase is TimerPhase.OVERTIME
    assert timing.drift_s == 600
    assert timing.segment("dawn").projected_end == datetime(  # type: ignore[union-attr]
        2026, 10, 25, 2, 10, tzinfo=UTC)


def test_naive_times_are_refused_and_foreign_runs_ignored() -> None:
    stage = simple_stage()
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_timing(stage, LiveState("Main"), datetime(2026, 6, 10, 9, 0))
    state = LiveState("Main", (SegmentRun("elsewhere", T0),))
    timing = compute_timing(stage, state, T0 - MIN)
    assert timing.live is None
    assert timing.next_segment_id == "a"
    assert timing.segment("elsewhere") is None


def test_segment_timings_are_immutable_values() -> None:
    stage = simple_stage()
    state = go_live(go_live(LiveState("Main"), "a", T0), "b", T0 + 21 * MIN)
    for timing in compute_timing(stage, state, T0 + 25 * MIN).segments:
        rebuilt = SegmentTiming(**timing._asdict())
        assert rebuilt == timing
        assert hash(rebuilt) == hash(timing)
        with pytest.raises(AttributeError):
            timing.status = SegmentStatus.DONE  # type: ignore[misc]


def test_a_skipped_hard_start_still_anchors_what_follows() -> None:
    stage = simple_stage()
    state = skip(go_live(LiveState("Main"), "a", T0), "d")
    timing = compute_timing(stage, state, T0 + MIN)
    assert timing.segment("d").status is SegmentStatus.SKIPPED  # type: ignore[union-attr]
    assert timing.segment("e").projected_start == utc(T0 + 90 * MIN)  # type: ignore[union-attr]
    assert timing.next_hard_start is None
