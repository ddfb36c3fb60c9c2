"""Axes in the show's zone, and counts as axes write them: shared by the live viewer graph
and the producer's review (its timeline and report pictures), so both read alike.

Time ticks sit on the zone's round wall-clock times (whole hours, minutes, days), across
a change of daylight saving time; no Qt here, only arithmetic on POSIX seconds.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

DAY_S = 24 * 3600
# Tick steps that divide a day, so every tick sits on a round wall-clock time.
TICK_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 2 * 3600,
                3 * 3600, 4 * 3600, 6 * 3600, 12 * 3600, DAY_S)
# Labels the time axis may write, to measure its widest: a day, a time, with seconds.
DAY_LABEL_SAMPLE, TIME_LABEL_SAMPLE, SECONDS_LABEL_SAMPLE = "Wed 30", "00:00", "00:00:00"


def tick_step(seconds_per_px: float, label_px: float) -> float:
    """The smallest step of :data:`TICK_STEPS_S` (or whole days) that leaves
    ``label_px`` between two ticks."""
    for step in TICK_STEPS_S:
        if step / seconds_per_px >= label_px:
            return step
    return DAY_S * math.ceil(label_px * seconds_per_px / DAY_S)


def axis_step(seconds_per_px: float, label_px: float, seconds_label_px: float) -> float:
    """The tick step of a time axis whose labels need ``label_px`` ("14:00") or, for
    steps under a minute, ``seconds_label_px`` ("14:05:30")."""
    step = tick_step(seconds_per_px, seconds_label_px)
    return step if step < 60 else tick_step(seconds_per_px, label_px)


def wall_ticks(start: float, end: float, step: float, zone: ZoneInfo) -> list[float]:
    """Instants from ``start`` to ``end`` whose wall-clock time in ``zone`` is a multiple
    of ``step`` (from midnight; days counted from 1 January 1970)."""
    first = datetime.fromtimestamp(start, zone).replace(tzinfo=None)
    last = datetime.fromtimestamp(end, zone).replace(tzinfo=None)
    found: set[float] = set()
    if step >= DAY_S:
        days = int(step // DAY_S)
        day = first.date()
        day -= timedelta(days=(day - date(1970, 1, 1)).days % days)
        while day <= last.date():
            found.add(_instant(datetime(day.year, day.month, day.day), zone))
            day += timedelta(days=days)
    else:
        midnight = datetime(first.year, first.month, first.day)
        offset = math.ceil((first - midnight).total_seconds() / step) * step
        wall = midnight + timedelta(seconds=offset)
        # A wall clock can jump back an hour (the end of summer time): a margin.
        while wall <= last + timedelta(hours=1):
            found.add(_instant(wall, zone))
            wall += timedelta(seconds=step)
    return sorted(t for t in found if start <= t <= end)


def _instant(wall: datetime, zone: ZoneInfo) -> float:
    return wall.replace(tzinfo=zone).timestamp()


def tick_label(value: float, spacing: float, zone: ZoneInfo) -> str:
    """"14:00", "14:05:30" (ticks under a minute apart), or "Sat 24" at midnight."""
    local = datetime.fromtimestamp(value, zone)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return local.strftime("%a %d")
    return local.strftime("%H:%M:%S" if spacing < 60 else "%H:%M")


def compact_count(value: float) -> str:
    """A count on the axis: 950, 12k, 1.2M."""
    size = abs(value)
    if size >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if size >= 10_000:
        return f"{value / 1000:.3g}k"
    return f"{round(value):,}"


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 (times a power of ten) at or over
    ``value``: the count axis keeps its scale while the time shown moves a little."""
    if value <= 0:
        return 0.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10.0 * power
