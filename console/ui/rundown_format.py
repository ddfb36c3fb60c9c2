"""How the rundown writes and reads times, durations and over/under (no Qt).

Times are shown in the show's time zone. The operator types durations as
``m:ss``, ``h:mm:ss`` or plain minutes, and planned starts as ``HH:MM`` or
``HH:MM:SS`` (on the segment's own day).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

MINUS = "−"  # a real minus sign: the same width as "+" in the over/under column


def clock_time(value: datetime | None, zone: tzinfo, seconds: bool = True) -> str:
    if value is None:
        return ""
    local = value.astimezone(zone)
    if not seconds and local.second == 0:
        return local.strftime("%H:%M")
    return local.strftime("%H:%M:%S")


def duration_text(value: timedelta | float | None) -> str:
    """``m:ss`` below an hour, ``h:mm:ss`` above; rounded down to the second."""
    if value is None:
        return ""
    total = int(value.total_seconds() if isinstance(value, timedelta) else value)
    sign = MINUS if total < 0 else ""
    total = abs(total)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{seconds:02d}"
    return f"{sign}{minutes}:{seconds:02d}"


def over_under_text(seconds: float | None) -> str:
    """``+1:30`` over (late / longer than planned), ``−0:45`` under, ``±0:00`` on time."""
    if seconds is None:
        return ""
    whole = int(seconds)
    if whole == 0:
        return "±0:00"
    sign = "+" if whole > 0 else MINUS
    return f"{sign}{duration_text(abs(whole))}"


_DURATION = re.compile(r"^\s*(?:(\d+):)?(\d+):(\d{1,2})\s*$")
_MINUTES = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:m|min)?\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})(?::(\d{2}))?\s*$")


def parse_duration(text: str) -> timedelta:
    """``5`` (minutes), ``4:30`` (m:ss), ``1:05:00`` (h:mm:ss)."""
    match = _DURATION.match(text)
    if match:
        hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
        if seconds >= 60 or (hours and minutes >= 60):
            raise ValueError(f"not a duration: {text!r}")
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    match = _MINUTES.match(text)
    if match:
        return timedelta(minutes=float(match.group(1).replace(",", ".")))
    raise ValueError(f"not a duration: {text!r} (use m:ss, h:mm:ss or minutes)")


def parse_time_on(text: str, day_of: datetime, zone: tzinfo) -> datetime:
    """``HH:MM[:SS]`` on the local day of ``day_of``, in ``zone``."""
    match = _TIME.match(text)
    if not match:
        raise ValueError(f"not a time: {text!r} (use HH:MM or HH:MM:SS)")
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"not a time: {text!r}")
    local = day_of.astimezone(zone)
    return local.replace(hour=hour, minute=minute, second=second, microsecond=0)


def split_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]
