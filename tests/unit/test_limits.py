"""The value limits added for importers: calendar dates and counts of seconds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from console.models.errors import InvalidValue
from console.models.limits import check_day, check_duration_seconds


@pytest.mark.parametrize("day", [date(1990, 1, 1), date(2026, 5, 1), date(2100, 12, 31)])
def test_days_in_the_window_pass(day: date) -> None:
    assert check_day(day, "date") == day


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1989, 12, 31), date(2101, 1, 1),
                                 date(9999, 12, 31)])
def test_days_outside_the_window_are_refused(day: date) -> None:
    with pytest.raises(InvalidValue) as raised:
        check_day(day, "date")
    assert raised.value.field == "date"
    assert raised.value.problem == f"{day.isoformat()} is outside the years 1990-2100"


@pytest.mark.parametrize(("seconds", "expected"), [
    (0, timedelta(0)), (90.5, timedelta(seconds=90.5)), (7 * 86400, timedelta(days=7)),
])
def test_counts_up_to_a_week_become_durations(seconds: float, expected: timedelta) -> None:
    assert check_duration_seconds(seconds, "duration") == expected


@pytest.mark.parametrize(("seconds", "problem"), [
    (7 * 86400 + 1, "is longer than 7 days"),
    (10**5000, "is longer than 7 days"),  # too long to print, or to become a timedelta
    (float("inf"), "must be a finite duration"),
    (float("nan"), "must be a finite duration"),
    (-1, "is negative; a duration is from 0 to 7 days"),
], ids=["a week and a second", "10^5000", "infinite", "nan", "negative"])
def test_counts_outside_a_week_are_refused_before_they_overflow(
    seconds: float, problem: str,
) -> None:
    with pytest.raises(InvalidValue) as raised:
        check_duration_seconds(seconds, "DURATION")
    assert str(raised.value) == f"DURATION: {problem}"
