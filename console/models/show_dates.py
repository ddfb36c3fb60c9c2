"""Moving a show in time, so that a show written for fixed dates starts soon.

The demo show is written for two days in December 2026; re-dated here, its first
day is today in the show's zone and its first segment starts a few minutes from
now, so its clock, drift and hard starts mean something to whoever opens it.

Pure: "now" is passed in, nothing reads a clock. Segment ids and everything but the
dates and planned starts are kept, so a re-dated show is the same show to the
as-run log.

The rule, in the show's zone:

- every date (each day's date and each start's calendar date) moves by the same
  whole number of days;
- every start's time of day moves by one fixed offset, on the wall clock, so each
  day's sessions keep their printed times relative to each other, whatever DST
  does between two days;
- a start that the offset pushes past midnight (or back before it) lands on the
  next (or previous) calendar date and stays on its show day, as frab keeps an
  event after midnight on the day it belongs to; so a show re-dated late in the
  evening runs into the night, each day on the date it had;
- a start on a wall-clock time that a DST change skips is read as the clocks
  before the change read it (02:30 on the night they go forward is 03:30), and one
  that happens twice is the first of the two;
- durations are not touched: they are real time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from console.models.show import Day, Segment, Show, Stage, iter_segments

# The first segment starts on the next whole five minutes at least three minutes after
# "now": time to look around before it starts, and a start time that reads like one.
FIRST_START_LEAD = timedelta(minutes=3)
FIRST_START_STEP = timedelta(minutes=5)
_WHOLE_STEP = datetime(2000, 1, 1, tzinfo=UTC)  # any instant on a whole five minutes


@dataclass(frozen=True)
class DateShift:
    """How far a show moves: whole days for the dates, then one offset for the times."""

    days: int
    time_of_day: timedelta


def first_start_after(now: datetime) -> datetime:
    """The next whole five minutes at least three minutes after ``now``, in UTC.

    Whole five minutes of UTC are whole five minutes on every clock whose offset is
    whole quarter hours, which is every zone in use today.
    """
    earliest = now.astimezone(UTC) + FIRST_START_LEAD
    past_step = (earliest - _WHOLE_STEP) % FIRST_START_STEP
    return earliest if not past_step else earliest + (FIRST_START_STEP - past_step)


def starting_soon(show: Show, now: datetime) -> Show:
    """``show`` re-dated: its first day today in its zone, its first segment starting at
    :func:`first_start_after` ``now``, everything else in its place relative to them."""
    return shift_show(show, shift_to_start(show, first_start_after(now), now))


def shift_to_start(show: Show, first_start: datetime, now: datetime) -> DateShift:
    """The shift that puts the show's first day on ``now``'s date and its earliest
    segment at ``first_start`` (both in the show's zone)."""
    zone = ZoneInfo(show.timezone)
    first_day = min((day.date for stage in show.stages for day in stage.days), default=None)
    if first_day is None:
        return DateShift(0, timedelta(0))
    days = (now.astimezone(zone).date() - first_day).days
    earliest = min(iter_segments(show), key=_instant, default=None)
    if earliest is None:
        return DateShift(days, timedelta(0))
    moved_by_days = _wall_clock(earliest.planned_start, zone) + timedelta(days=days)
    return DateShift(days, _wall_clock(first_start, zone) - moved_by_days)


def shift_show(show: Show, shift: DateShift) -> Show:
    """``show`` with every date moved by ``shift.days`` and every start's time of day by
    ``shift.time_of_day`` (see the module's rule); ids, order and durations kept."""
    zone = ZoneInfo(show.timezone)

    def move_segment(segment: Segment) -> Segment:
        return replace(segment, planned_start=_shifted_start(segment.planned_start, shift, zone))

    return replace(show, stages=tuple(_shifted_stage(stage, shift.days, move_segment)
                                      for stage in show.stages))


def _shifted_stage(stage: Stage, days: int, move_segment: Callable[[Segment], Segment]
                   ) -> Stage:
    return replace(stage, days=tuple(_shifted_day(day, days, move_segment)
                                     for day in stage.days))


def _shifted_day(day: Day, days: int, move_segment: Callable[[Segment], Segment]) -> Day:
    sessions = tuple(replace(session, segments=tuple(map(move_segment, session.segments)))
                     for session in day.sessions)
    return replace(day, date=day.date + timedelta(days=days), sessions=sessions)


def _shifted_start(start: datetime, shift: DateShift, zone: ZoneInfo) -> datetime:
    wall = _wall_clock(start, zone) + timedelta(days=shift.days) + shift.time_of_day
    # Through UTC and back: a skipped wall-clock time becomes the real instant it names.
    return wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def _wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    """What the clocks in ``zone`` read at ``moment``, without a zone."""
    return moment.astimezone(zone).replace(tzinfo=None)


def _instant(segment: Segment) -> datetime:
    return segment.planned_start.astimezone(UTC)

