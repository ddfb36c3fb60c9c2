"""The timing engine on a 2,000-segment stage, against a bare loop over the same segments.

The baseline only sums the planned durations of the 2,000 segments (the least any
recomputation has to do); the console figure is a full :func:`compute_timing` half
way through the show, with a segment live and on hold and a few segments skipped.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from console.models.live import LiveState, SegmentRun
from console.models.show import Day, Segment, SegmentKind, Session, Stage
from console.models.timing import compute_timing, plan_stage

SEGMENTS = 2_000
DAYS = 4
SESSIONS_PER_DAY = 10
RUNS = 300  # measured calls per figure
TARGET_MS = 5.0
ZONE = ZoneInfo("Europe/Berlin")


def bench_stage(segments: int = SEGMENTS) -> Stage:
    """``segments`` segments of 5 to 19 minutes over four days, each session opening
    on a hard start."""
    per_session = segments // (DAYS * SESSIONS_PER_DAY)
    days = []
    n = 0
    for d in range(DAYS):
        start = datetime(2026, 10, 23 + d, 8, 0, tzinfo=ZONE)
        sessions = []
        for s in range(SESSIONS_PER_DAY):
            segs = []
            for k in range(per_session):
                duration = timedelta(minutes=5 + n % 15)
                segs.append(Segment(
                    id=f"seg-{n}", kind=SegmentKind.TALK, title=f"Talk {n}",
                    planned_start=start, planned_duration=duration, hard_start=k == 0))
                start += duration
                n += 1
            sessions.append(Session(f"Session {d}.{s}", tuple(segs)))
        days.append(Day(date(2026, 10, 23 + d), tuple(sessions)))
    return Stage("Main", tuple(days))


def half_way(stage: Stage) -> tuple[LiveState, datetime]:
    """Half the segments ran (each 30 s late), the next one is live and on hold. Run
    times are UTC, as the console records them (OBS's arrival stamps, a UTC clock)."""
    segs = [seg for day in stage.days for session in day.sessions for seg in session.segments]
    half = len(segs) // 2
    runs = []
    late = timedelta(seconds=30)
    for seg in segs[:half]:
        start = seg.planned_start.astimezone(UTC) + late
        runs.append(SegmentRun(seg.id, start, start + seg.planned_duration + late))
    live_seg = segs[half]
    started = live_seg.planned_start.astimezone(UTC) + late
    runs.append(SegmentRun(live_seg.id, started, held_s=12.0, added_s=60.0))
    now = started + timedelta(minutes=3)
    skipped = frozenset(seg.id for seg in segs[half + 10:half + 40:7])
    return LiveState("Main", tuple(runs), hold_started_at=now - timedelta(seconds=20),
                     skipped=skipped), now


def median_ms(call: Callable[[], object], runs: int = RUNS,
              before: Callable[[], object] = lambda: None) -> float:
    call()  # warm up
    times = []
    for _ in range(runs):
        before()
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def run_timing_bench() -> list[str]:
    """Markdown rows: ``| what | baseline | console | ratio | target |``."""
    stage = bench_stage()
    live, now = half_way(stage)

    def baseline() -> timedelta:
        total = timedelta(0)
        for day in stage.days:
            for session in day.sessions:
                for seg in session.segments:
                    total += seg.planned_duration
        return total

    base = median_ms(baseline)
    ticks = iter(range(10**9))
    # A tick: the stage clock keeps the plan and recomputes with a new ``now``.
    plan = plan_stage(stage)
    tick = median_ms(lambda: compute_timing(plan, live, now + timedelta(
        milliseconds=next(ticks))))
    # A new show: the plan is worked out again, then the timing.
    replan = median_ms(lambda: compute_timing(plan_stage(stage), live, now), runs=RUNS // 3)
    what = f"compute_timing, {SEGMENTS:,} segments half way through, median"
    return [
        f"| {what}, one clock tick | {base:.3f} ms | {tick:.2f} ms | {tick / base:.0f}x | "
        f"under {TARGET_MS:.0f} ms |",
        f"| {what}, after a show change (plan included) | {base:.3f} ms | {replan:.2f} ms | "
        f"{replan / base:.0f}x | under {TARGET_MS:.0f} ms |",
    ]


if __name__ == "__main__":
    print("\n".join(run_timing_bench()))
