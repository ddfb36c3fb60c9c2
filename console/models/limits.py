"""The ranges every value from outside must fit, checked where it enters.

Importers, the control API, the window and the store all check with these
functions, so a value that would break the show later (a year-9999 date that
overflows when a duration is added, ``1e308`` seconds of added time, a NUL byte
in a title) is refused at the door with :class:`InvalidValue` naming the field.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import UTC, date, datetime, timedelta

from console.models.errors import InvalidValue

# A show happens in this window; anything outside is a typo or hostile.
EARLIEST_INSTANT = datetime(1990, 1, 1, tzinfo=UTC)
LATEST_INSTANT = datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)
# Longer than a week is not one segment of a show (real schedules reach a few days).
MAX_DURATION = timedelta(days=7)
# Time a stage manager may add to (or take off) the live segment, in total.
MAX_ADDED_S = 24 * 3600.0

MAX_TITLE = 1000
MAX_NAME = 300
MAX_NOTES = 100_000
MAX_MESSAGE = 500
# An operator's note in the as-run log: one line, read in a table cell afterwards.
MAX_OPERATOR_NOTE = 500

_LINE_BREAKS = frozenset("\n\r\t")


def forbidden_character(text: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """The first control character (or lone surrogate) in ``text`` and its index.

    Tabs and line breaks are allowed in ``multiline`` text (notes, abstracts).
    """
    for index, char in enumerate(text):
        if multiline and char in _LINE_BREAKS:
            continue
        if unicodedata.category(char) in ("Cc", "Cs"):
            return index, char
    return None


def check_text(value: object, field: str, *, max_length: int,
               multiline: bool = False) -> str:
    """``value`` as text without control characters, at most ``max_length`` long."""
    if not isinstance(value, str):
        raise InvalidValue(field, f"must be text, not {type(value).__name__}")
    if len(value) > max_length:
        raise InvalidValue(field, f"is {len(value)} characters long; at most {max_length} "
                                  "are accepted")
    found = forbidden_character(value, multiline=multiline)
    if found is not None:
        index, char = found
        raise InvalidValue(field, f"contains the control character U+{ord(char):04X} at "
                                  f"character {index + 1}; remove it")
    return value


def check_instant(value: datetime, field: str) -> datetime:
    """An aware datetime between 1990 and 2100."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(field, "needs a time zone or a UTC offset")
    if not EARLIEST_INSTANT <= value <= LATEST_INSTANT:
        raise InvalidValue(field, f"{value.isoformat()} is outside the years "
                                  f"{EARLIEST_INSTANT.year}-{LATEST_INSTANT.year}")
    return value


def check_duration(value: timedelta, field: str) -> timedelta:
    """A duration from zero to a week."""
    if not timedelta(0) <= value <= MAX_DURATION:
        raise InvalidValue(field, f"{value} is outside 0 to {MAX_DURATION.days} days")
    return value


def check_seconds(value: object, field: str, *, low: float, high: float) -> float:
    """A JSON number of seconds in ``[low, high]``; bools, NaN and infinities refused.

    Integers are compared before conversion, so a 4,000-digit integer is refused
    as out of range instead of overflowing.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(field, "must be a number of seconds")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidValue(field, "must be a finite number of seconds")
    if not low <= value <= high:
        raise InvalidValue(field, f"must be between {low:g} and {high:g} seconds")
    return float(value)


def check_day(value: date, field: str) -> date:
    """A calendar date (a show day, a local start) within the years a show can be in."""
    if not EARLIEST_INSTANT.date() <= value <= LATEST_INSTANT.date():
        raise InvalidValue(field, f"{value.isoformat()} is outside the years "
                                  f"{EARLIEST_INSTANT.year}-{LATEST_INSTANT.year}")
    return value


def check_duration_seconds(seconds: int | float, field: str) -> timedelta:
    """A count of seconds read from outside, as a duration from zero to a week.

    Compared as a number before it becomes a ``timedelta``, which overflows past a
    billion days (a ``DURATION:P99999999999W`` would); the count is not repeated in
    the message because a count that large can be too long to print.
    """
    if isinstance(seconds, float) and not math.isfinite(seconds):
        raise InvalidValue(field, "must be a finite duration")
    if seconds < 0:
        raise InvalidValue(field, f"is negative; a duration is from 0 to {MAX_DURATION.days} "
                                  "days")
    if seconds > MAX_DURATION.total_seconds():
        raise InvalidValue(field, f"is longer than {MAX_DURATION.days} days")
    return check_duration(timedelta(seconds=seconds), field)
