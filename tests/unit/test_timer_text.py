"""The one way every screen writes the time left: boundaries of the convention; and the
lengths and deviations the producer's review writes."""

from __future__ import annotations

import math
import re

import pytest

from console.models.timer_text import (
    NO_TIME,
    duration_text,
    signed_duration_text,
    time_left_text,
)


@pytest.mark.parametrize(("remaining_s", "text"), [
    # Time remains: counting down, seconds rounded up.
    (600, "10:00"),
    (599.2, "10:00"),
    (61, "1:01"),
    (60.4, "1:01"),
    (60, "1:00"),
    (59.5, "1:00"),
    (59, "0:59"),
    (1, "0:01"),
    (0.4, "0:01"),  # still time left: never 0:00
    (1e-6, "0:01"),
    (0, "0:00"),  # the instant time runs out
    (-0.0, "0:00"),
    (3599.5, "1:00:00"),
    (3600, "1:00:00"),
    (3600.2, "1:00:01"),
    (4500, "1:15:00"),
    (36000, "10:00:00"),
    # Over time: counting up with a minus, appearing with the overtime phase.
    (-0.4, "-0:01"),
    (-1, "-0:01"),
    (-1.2, "-0:02"),
    (-59.9, "-1:00"),
    (-60, "-1:00"),
    (-75.5, "-1:16"),
    (-3599, "-59:59"),
    (-3600, "-1:00:00"),
    (-3600.5, "-1:00:01"),
])
def test_time_left(remaining_s: float, text: str) -> None:
    assert time_left_text(remaining_s) == text


@pytest.mark.parametrize("remaining_s", [None, float("nan"), float("inf"), float("-inf")])
def test_no_time(remaining_s: float | None) -> None:
    assert time_left_text(remaining_s) == NO_TIME == "--:--"


@pytest.mark.parametrize(("remaining_s", "text"), [
    (7 * 86400, "168:00:00"),  # the longest segment a schedule may hold
    (-8 * 86400, "-192:00:00"),  # a segment left live for a week after its end
    (1e9, "277777:46:40"),
    (-1e9, "-277777:46:40"),
])
def test_huge_values_keep_counting_in_hours(remaining_s: float, text: str) -> None:
    assert time_left_text(remaining_s) == text


def test_absurd_values_still_give_figures() -> None:
    assert re.fullmatch(r"\d{297}:\d\d:\d\d", time_left_text(1e300))
    assert re.fullmatch(r"-\d{297}:\d\d:\d\d", time_left_text(-1e300))


def test_float_noise_below_a_microsecond_adds_no_second() -> None:
    assert time_left_text(300.0000000001) == "5:00"
    assert time_left_text(0.1 + 0.2 - 0.3) == "0:00"  # 5.5e-17 left: time is up
    assert time_left_text(-(0.1 + 0.2 - 0.3)) == "0:00"  # never "-0:00"


@pytest.mark.parametrize(("seconds", "text"), [
    (42, "0:42"), (41.6, "0:42"), (-42, "0:42"), (3723, "1:02:03"), (0, "0:00"),
    (None, "–"), (math.nan, "–"),
])
def test_a_duration_is_written_to_the_nearest_second(seconds: float | None,
                                                     text: str) -> None:
    assert duration_text(seconds) == text


@pytest.mark.parametrize(("seconds", "text"), [
    (180, "+3:00"), (-65, "-1:05"), (0.4, "0:00"), (-0.4, "0:00"), (3600, "+1:00:00"),
    (None, "–"), (math.inf, "–"),
])
def test_a_deviation_carries_its_sign(seconds: float | None, text: str) -> None:
    assert signed_duration_text(seconds) == text
