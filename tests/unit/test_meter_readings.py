"""Meter readings as the desk and the booths read them: only fresh frames count, and a
booth's two meters are placed by the plan in use (its floor and its own channel)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from console.models.channels import ChannelConfig, ChannelPlan
from console.models.meters import MeterReading
from console.obs.meter_feed import MeterFrame
from console.services.meter_readings import STALE_AFTER_S, BoothLevels, MeterReadings

T0 = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
LOUD = MeterReading(-12.0, -6.0)
SOFT = MeterReading(-40.0, -35.0)


class Slot:
    def __init__(self, frame: MeterFrame | None) -> None:
        self.frame = frame

    def latest(self) -> MeterFrame | None:
        return self.frame


def frame(at: datetime, **levels: MeterReading) -> MeterFrame:
    return MeterFrame(MappingProxyType(dict(levels)), at, 1)


def readings_at(now: datetime, **slots: Slot) -> MeterReadings:
    return MeterReadings(slots, clock=lambda: now)


def test_a_fresh_frame_is_read_and_a_stale_one_is_not_measured() -> None:
    slot = Slot(frame(T0, fr=LOUD))
    fresh = readings_at(T0 + timedelta(seconds=STALE_AFTER_S - 0.1), main=slot)
    stale = readings_at(T0 + timedelta(seconds=STALE_AFTER_S + 0.1), main=slot)
    readings = fresh("main")
    assert readings is not None
    assert readings["fr"] == LOUD
    assert stale("main") is None
    assert stale.newest_age_s("main") == STALE_AFTER_S + 0.1


def test_an_unknown_or_silent_connection_reads_as_not_measured() -> None:
    readings = readings_at(T0, main=Slot(None))
    assert readings("main") is None
    assert readings("second") is None
    assert readings.newest_age_s("main") is None
    assert readings.newest_age_s("second") is None


PLAN = ChannelPlan((
    ChannelConfig("en", "main", "Floor (en)", (1,), floor=True),
    ChannelConfig("fr", "main", "Booth fr", (2,)),
    ChannelConfig("tr", "second", "Booth tr", (1,)),
))


def test_a_booth_reads_the_floor_and_its_own_input_across_two_obs() -> None:
    readings = readings_at(T0, main=Slot(frame(T0, **{"Floor (en)": LOUD, "Booth fr": SOFT})),
                           second=Slot(frame(T0, **{"Booth tr": SOFT})))
    assert BoothLevels(readings, lambda: PLAN, "fr")() == (LOUD, SOFT)
    assert BoothLevels(readings, lambda: PLAN, "tr")() == (LOUD, SOFT)


def test_a_booth_without_a_plan_or_channel_or_input_shows_no_input() -> None:
    readings = readings_at(T0, main=Slot(frame(T0, **{"Floor (en)": LOUD})),
                           second=Slot(None))
    assert BoothLevels(readings, lambda: None, "fr")() == (None, None)
    assert BoothLevels(readings, lambda: PLAN, "de")() == (LOUD, None)
    assert BoothLevels(readings, lambda: PLAN, "fr")() == (LOUD, None)
    assert BoothLevels(readings, lambda: PLAN, "tr")() == (LOUD, None)
