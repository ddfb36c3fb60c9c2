"""The newest meter readings of each OBS connection, as the desk and the booth read them.

Each OBS that carries channels has a meter feed (``console.obs.meter_feed``) that
keeps only its newest frame. A frame older than :data:`STALE_AFTER_S` says nothing
about now (OBS frozen, the network stalled while the connection has not yet been
declared lost): it reads as "not measured", never as levels that look live.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Protocol

from console.models.channels import ChannelConfig, ChannelPlan
from console.models.meters import MeterReading
from console.obs.meter_feed import MeterFrame

STALE_AFTER_S = 1.0  # OBS sends twenty frames a second


class MeterSlot(Protocol):
    def latest(self) -> MeterFrame | None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class MeterReadings:
    """``readings(obs_name)``: the newest fresh readings of that OBS by input name, or None
    (no such connection, not connected, or its newest frame is stale)."""

    def __init__(self, feeds: Mapping[str, MeterSlot],
                 clock: Callable[[], datetime] = utc_now) -> None:
        self._feeds = dict(feeds)
        self._clock = clock

    def __call__(self, obs: str) -> Mapping[str, MeterReading] | None:
        feed = self._feeds.get(obs)
        frame = feed.latest() if feed is not None else None
        if frame is None or frame.age_s(self._clock()) > STALE_AFTER_S:
            return None
        return frame.readings

    def newest_age_s(self, obs: str) -> float | None:
        """How old the newest frame of ``obs`` is (None: none), for the benchmark and logs."""
        feed = self._feeds.get(obs)
        frame = feed.latest() if feed is not None else None
        return frame.age_s(self._clock()) if frame is not None else None


class BoothLevels:
    """A booth's two meters: the floor's input and its own, as the plan in use places them."""

    def __init__(self, readings: MeterReadings, plan: Callable[[], ChannelPlan | None],
                 language: str) -> None:
        self._readings = readings
        self._plan = plan
        self._language = language

    def __call__(self) -> tuple[MeterReading | None, MeterReading | None]:
        plan = self._plan()
        if plan is None:
            return None, None
        return self._reading(plan.floor), self._reading(plan.channel(self._language))

    def _reading(self, channel: ChannelConfig | None) -> MeterReading | None:
        if channel is None:
            return None
        frame = self._readings(channel.obs)
        return frame.get(channel.input) if frame is not None else None
