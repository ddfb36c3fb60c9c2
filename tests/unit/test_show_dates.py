"""Re-dating a show so it starts a few minutes from "now" (the demo show, made relative)."""

from __future__ import annotations

import functools
import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.formats.console_json import load_show_json
from console.models.show import Day, Segment, SegmentKind, Session, Show, Stage, iter_segments
from console.models.show_dates import first_start_after, starting_soon
from console.services.show_import import demo_show_path

KUALA_LUMPUR = ZoneInfo("Asia/Kuala_Lumpur")
BERLIN = ZoneInfo("Europe/Berlin")


@functools.cache
def _demo_file() -> Show:
    return load_show_json(demo_show_path())  # the file's fixed dates, 5 and 6 December 2026


@pytest.fixture
def demo() -> Show:
    return _demo_file()


def _days(show: Show) -> list[Day]:
    return [day for stage in show.stages for day in stage.days]


def _wall(segment: Segment) -> datetime:
    return segment.planned_start.replace(tzinfo=None)


def _relative_to_first(show: Show) -> list[list[timedelta]]:
    """Each segment's start relative to its day's first, on the show's wall clock."""
    return [[_wall(seg) - _wall(day.sessions[0].segments[0]) for session in day.sessions
             for seg in session.segments] for day in _days(show)]


def _gaps(show: Show) -> list[timedelta]:
    """Real time between one segment's end and the next one's start, across the show."""
    segments = list(iter_segments(show))
    return [b.planned_start.astimezone(UTC) - a.planned_end.astimezone(UTC)
            for a, b in itertools.pairwise(segments)]


@pytest.mark.parametrize(("now", "first"), [
    ("10:00:00", "10:05"), ("10:02:00", "10:05"), ("10:02:01", "10:10"), ("10:06:59", "10:10"),
])
def test_the_first_start_is_the_next_whole_five_minutes_at_least_three_minutes_ahead(
    now: str, first: str,
) -> None:
    moment = datetime.fromisoformat(f"2025-06-01T{now}+08:00")
    assert first_start_after(moment).astimezone(KUALA_LUMPUR).strftime("%H:%M:%S") == \
        f"{first}:00"


def test_the_demo_starts_a_few_minutes_after_now_today(demo: Show) -> None:
    now = datetime(2025, 6, 1, 10, 2, 30, tzinfo=KUALA_LUMPUR)
    shown = starting_soon(demo, now)
    first = next(iter_segments(shown))
    assert first.planned_start == datetime(2025, 6, 1, 10, 10, tzinfo=KUALA_LUMPUR)
    assert [day.date for day in _days(shown)] == [date(2025, 6, 1), date(2025, 6, 2)]
    assert str(first.planned_start.tzinfo) == "Asia/Kuala_Lumpur"


def test_ids_durations_gaps_and_order_are_kept(demo: Show) -> None:
    shown = starting_soon(demo, datetime(2025, 6, 1, 14, 41, tzinfo=UTC))
    before, after = list(iter_segments(demo)), list(iter_segments(shown))
    assert [seg.id for seg in after] == [seg.id for seg in before]
    # Apart from its start, every segment is as it was.
    assert [replace(seg, planned_start=old.planned_start)
            for seg, old in zip(after, before, strict=True)] == before
    assert _gaps(shown) == _gaps(demo)
    assert _relative_to_first(shown) == _relative_to_first(demo)
    assert shown.name == demo.name
    assert [len(day.sessions) for day in _days(shown)] == [len(day.sessions) for day in
                                                           _days(demo)]


def test_now_late_in_the_evening_runs_the_first_day_into_the_night(demo: Show) -> None:
    now = datetime(2025, 6, 1, 23, 50, tzinfo=KUALA_LUMPUR)
    shown = starting_soon(demo, now)
    first_day, second_day = _days(shown)
    assert (first_day.date, second_day.date) == (date(2025, 6, 1), date(2025, 6, 2))
    day_one = [seg for session in first_day.sessions for seg in session.segments]
    assert day_one[0].planned_start == datetime(2025, 6, 1, 23, 55, tzinfo=KUALA_LUMPUR)
    # Past midnight a start is on the next calendar date, still on its show day.
    assert day_one[-1].planned_start == datetime(2025, 6, 2, 7, 25, tzinfo=KUALA_LUMPUR)
    assert second_day.sessions[0].segments[0].planned_start == \
        datetime(2025, 6, 2, 23, 55, tzinfo=KUALA_LUMPUR)
    assert _gaps(shown) == _gaps(demo)


def _berlin_show() -> Show:
    """Two days, three segments each: 09:00, 09:30 after a gap, 15:30."""
    def day(on: date, tag: str) -> Day:
        starts = [(9, 0), (9, 30), (15, 30)]
        segments = tuple(Segment(
            id=f"{tag}-{index}", kind=SegmentKind.TALK, title=f"{tag} {index}",
            planned_start=datetime(on.year, on.month, on.day, hour, minute, tzinfo=BERLIN),
            planned_duration=timedelta(minutes=20)) for index, (hour, minute) in enumerate(starts))
        return Day(on, (Session(f"Day {tag}", segments),))
    return Show(name="Berlin", timezone="Europe/Berlin", floor_language="de", stages=(
        Stage("Main", (day(date(2026, 12, 5), "one"), day(date(2026, 12, 6), "two"))),))


def test_a_dst_change_between_the_two_days_keeps_each_days_printed_times() -> None:
    show = _berlin_show()
    # Clocks go forward in the night from Saturday 27 to Sunday 28 March 2027.
    shown = starting_soon(show, datetime(2027, 3, 27, 10, 31, tzinfo=BERLIN))
    first_day, second_day = _days(shown)
    assert (first_day.date, second_day.date) == (date(2027, 3, 27), date(2027, 3, 28))
    times = [[seg.planned_start.strftime("%d %H:%M %z") for seg in day.sessions[0].segments]
             for day in (first_day, second_day)]
    assert times == [["27 10:35 +0100", "27 11:05 +0100", "27 17:05 +0100"],
                     ["28 10:35 +0200", "28 11:05 +0200", "28 17:05 +0200"]]
    one, two = first_day.sessions[0].segments[0], second_day.sessions[0].segments[0]
    assert two.planned_start.astimezone(UTC) - one.planned_start.astimezone(UTC) == \
        timedelta(hours=23)
    assert all(seg.planned_duration == timedelta(minutes=20) for seg in iter_segments(shown))


def test_a_start_on_a_time_the_clocks_skip_is_the_instant_it_names() -> None:
    # First start at 19:55: 15:30 moves to 02:25 on the night the clocks skip 02:00-03:00.
    shown = starting_soon(_berlin_show(), datetime(2027, 3, 27, 19, 51, tzinfo=BERLIN))
    late = _days(shown)[0].sessions[0].segments[2]
    assert late.planned_start.astimezone(UTC) == datetime(2027, 3, 28, 1, 25, tzinfo=UTC)
    assert late.planned_start.strftime("%H:%M %z") == "03:25 +0200"


def test_a_show_without_segments_moves_its_days_only() -> None:
    show = Show(name="Empty", timezone="Europe/Berlin", floor_language="de",
                stages=(Stage("Main", (Day(date(2026, 12, 5)), Day(date(2026, 12, 7)))),))
    shown = starting_soon(show, datetime(2025, 1, 10, 12, 0, tzinfo=UTC))
    assert [day.date for day in _days(shown)] == [date(2025, 1, 10), date(2025, 1, 12)]


@settings(max_examples=100, deadline=None)
@given(now=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1),
                        timezones=st.just(UTC)))
def test_any_now_starts_the_demo_within_three_to_eight_minutes_today(now: datetime) -> None:
    demo = _demo_file()
    shown = starting_soon(demo, now)
    first = next(iter_segments(shown)).planned_start
    assert timedelta(minutes=3) <= first - now < timedelta(minutes=8)
    assert _days(shown)[0].date == now.astimezone(KUALA_LUMPUR).date()
    assert _gaps(shown) == _gaps(demo)
