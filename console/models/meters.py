"""Audio levels from OBS's ``InputVolumeMeters``, and what they say about a channel.

OBS sends, about twenty times a second, one entry per audio input: its name and
one ``[magnitude, peak, input peak]`` triple of linear values per audio channel.
:func:`parse_meters` turns that into levels in dBFS (the loudest audio channel of
each input); :func:`follow` keeps a channel's signal state from one frame to the
next: present, clipping, silent for too long while on air, or no input at all.
Time is passed in (a monotonic clock's seconds); nothing here reads a clock.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

FLOOR_DB = -100.0  # what silence reads as (log10 of zero has no value)
SILENCE_BELOW_DB = -50.0  # quieter than this is no voice, only the room's hiss
CLIP_AT_DB = -0.5  # a peak this close to full scale clips on air
PEAK_HOLD_S = 2.0  # how long the peak mark stays before it falls back
SILENT_AFTER_S = 5.0  # the default: silence on air longer than this raises the alarm
# Louder than any input can be, even with a gain filter: not a measurement. OBS 29.0.2
# reports uninitialised memory as the peak of a silent input's first frames (seen:
# 4.6e-41, harmless, and 1.5e17, which would read as clipping).
MAX_PLAUSIBLE_LINEAR = 10 ** (30.0 / 20)  # +30 dBFS


def to_dbfs(linear: float) -> float:
    """A linear level (1.0 = full scale) in dBFS, never below :data:`FLOOR_DB`."""
    if not math.isfinite(linear) or linear <= 0:
        return FLOOR_DB
    return max(FLOOR_DB, 20.0 * math.log10(linear))


@dataclass(frozen=True)
class MeterReading:
    level_db: float  # the loudest audio channel's magnitude
    peak_db: float  # the loudest audio channel's peak


def _loudest(channels: Any, index: int) -> float:
    values = [triple[index] for triple in channels
              if isinstance(triple, list | tuple) and len(triple) > index
              and isinstance(triple[index], int | float)
              and 0.0 <= triple[index] <= MAX_PLAUSIBLE_LINEAR]
    return max(values, default=0.0)


def parse_meters(inputs: Any) -> dict[str, MeterReading]:
    """The readings of one ``InputVolumeMeters`` frame, by input name; entries that do
    not have the documented shape are left out."""
    readings: dict[str, MeterReading] = {}
    if not isinstance(inputs, list):
        return readings
    for entry in inputs:
        if not isinstance(entry, Mapping):
            continue
        name, channels = entry.get("inputName"), entry.get("inputLevelsMul")
        if not isinstance(name, str) or not isinstance(channels, list):
            continue
        readings[name] = MeterReading(to_dbfs(_loudest(channels, 0)),
                                      to_dbfs(_loudest(channels, 1)))
    return readings


class SignalState(enum.StrEnum):
    UNKNOWN = "unknown"  # nothing measured yet (OBS not connected)
    NO_INPUT = "no input"  # OBS has no such input, or sends it no more meters
    SILENT = "silent"  # quiet for longer than allowed while on air
    PRESENT = "present"
    CLIPPING = "clipping"

    @property
    def alarming(self) -> bool:
        return self in (SignalState.NO_INPUT, SignalState.SILENT)


@dataclass(frozen=True)
class Signal:
    """One channel's signal, as of ``at`` (seconds of a monotonic clock)."""

    state: SignalState = SignalState.UNKNOWN
    level_db: float = FLOOR_DB
    peak_hold_db: float = FLOOR_DB
    peak_hold_at: float = 0.0
    last_sound_at: float | None = None  # the last time it was louder than silence, or off air
    last_meter_at: float | None = None  # the last frame that had this input


def hold_peak(held_db: float, held_at: float, peak_db: float, now: float) -> tuple[float, float]:
    """The peak mark after one more peak: a higher peak moves it up at once, a lower one
    only once the mark has stood for :data:`PEAK_HOLD_S`."""
    if peak_db >= held_db or now - held_at > PEAK_HOLD_S:
        return peak_db, now
    return held_db, held_at


NO_METERS_AFTER_S = 1.5  # OBS sends 20 frames a second: a second without one is no input


def follow(signal: Signal, reading: MeterReading | None, now: float, *, on_air: bool,
           silent_after_s: float = SILENT_AFTER_S, input_exists: bool = True) -> Signal:
    """The signal after one more look at the meters (``reading`` None: the newest frame
    did not have this input)."""
    if not input_exists:
        return replace(signal, state=SignalState.NO_INPUT, level_db=FLOOR_DB)
    if reading is None:
        stale = signal.last_meter_at is None or now - signal.last_meter_at > NO_METERS_AFTER_S
        return replace(signal, state=SignalState.NO_INPUT, level_db=FLOOR_DB) if stale \
            else signal
    heard = reading.level_db > SILENCE_BELOW_DB
    # Silence counts on air only: a booth quiet through a break is not silent at the take.
    last_sound = now if heard or not on_air else (
        signal.last_sound_at if signal.last_sound_at is not None else now)
    hold, hold_at = hold_peak(signal.peak_hold_db, signal.peak_hold_at, reading.peak_db, now)
    return Signal(_state(reading, now - last_sound, on_air, silent_after_s),
                  reading.level_db, hold, hold_at, last_sound, now)


def _state(reading: MeterReading, quiet_for_s: float, on_air: bool,
           silent_after_s: float) -> SignalState:
    if reading.peak_db >= CLIP_AT_DB:
        return SignalState.CLIPPING
    if on_air and quiet_for_s > silent_after_s:
        return SignalState.SILENT
    return SignalState.PRESENT
