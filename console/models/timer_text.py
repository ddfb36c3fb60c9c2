"""The time left as every screen writes it: one convention, one function.

The big clock, the Now/Next panel, the presenter window and the OBS text source
``Presenter countdown`` all show :func:`time_left_text`, so the stage manager, the
speaker on stage and a speaker joining remotely never read two different figures.

The convention:

- **Time remains**: ``M:SS``, or ``H:MM:SS`` from one hour up, counting down.
  Seconds round *up*, so ``0:00`` shows only at the instant time runs out: a
  speaker with 0.4 s left still sees ``0:01``, and ``5:00`` stays up for the whole
  first second of a five-minute slot.
- **Over time**: counting *up* with a leading minus, ``-M:SS`` (``-H:MM:SS``),
  also rounded up, so the minus appears at the same instant as the overtime phase
  (``remaining_s < 0``, the red screen): 0.4 s over reads ``-0:01``.
- **No time** (nothing live, or a value that is not a number): ``--:--``.

The minus is ASCII's hyphen-minus, not U+2212: OBS's text source draws with one
font and no fallback, and some common faces have no U+2212 glyph, so a remote
speaker would see an empty box exactly when it matters.
"""

from __future__ import annotations

import math

NO_TIME = "--:--"
OVERTIME_SIGN = "-"

# The timing engine works in microseconds: float noise below that (300.0000000001 s)
# must not add a whole second to what the speaker reads.
_RESOLUTION_DIGITS = 6


def time_left_text(remaining_s: float | None) -> str:
    """The time left (``remaining_s`` seconds, negative once over) as every screen shows it."""
    if remaining_s is None or not math.isfinite(remaining_s):
        return NO_TIME
    whole = math.ceil(round(abs(remaining_s), _RESOLUTION_DIGITS))
    sign = OVERTIME_SIGN if remaining_s < 0 and whole > 0 else ""
    return sign + _clock_figures(whole)


def _clock_figures(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def age_text(seconds: float | None) -> str:
    """How long ago something was said, short enough for a table cell ("12 s",
    "3 min", "1 h 05"); "never" when it never was."""
    if seconds is None or not math.isfinite(seconds):
        return "never"
    whole = max(0, int(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min"
    return f"{whole // 3600} h {whole % 3600 // 60:02d}"


def duration_text(seconds: float | None) -> str:
    """A length of time to the nearest second, ``M:SS`` or ``H:MM:SS`` ("0:42"); a
    dash when there is none."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    return _clock_figures(round(abs(seconds)))


def signed_duration_text(seconds: float | None) -> str:
    """Late or over (``+3:00``), early or short (``-1:05``), to the nearest second;
    ``0:00`` on the dot; a dash when there is none."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    whole = round(seconds)
    sign = "+" if whole > 0 else OVERTIME_SIGN if whole < 0 else ""
    return sign + _clock_figures(abs(whole))
