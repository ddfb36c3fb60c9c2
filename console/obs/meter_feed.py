"""Audio meters from OBS on a path of their own, never one event-loop callback per frame.

OBS sends ``InputVolumeMeters`` about twenty times a second, one frame listing every
active input with audio. A display needs only the newest frame, ten times a second
at most; handing every frame to the event loop, the mirror or the as-run recorder
would cost the main thread twenty wake-ups a second for nothing.

So a :class:`MeterFeed` has a connection of its own to the OBS (subscribed to input
events and meters only). Its reader thread drops each frame, unparsed, into a slot
that holds one frame; :meth:`MeterFeed.latest` parses the newest one, once, on
whichever thread reads it. Its requests (mute, tracks, the input list) queue on that
connection too, so a booth's cough button never waits behind a take.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any

from console.models.meters import MeterReading, parse_meters
from console.models.obs_state import ConnectionState
from console.obs.connection import ConnectionSettings, ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.gateway import ObsGateway
from console.obs.instances import ObsInstance
from console.obs.session import EventSubscriptions

METER_SUBSCRIPTIONS = EventSubscriptions.INPUTS | EventSubscriptions.INPUT_VOLUME_METERS


@dataclass(frozen=True)
class MeterFrame:
    """The newest meter frame: levels by input name, when it arrived, and its number."""

    # An input OBS does not meter (no audio, or in no scene on program) is absent.
    readings: Mapping[str, MeterReading]
    received_at: datetime  # UTC, when the kernel received the frame (console.obs.arrival)
    number: int  # frames received by the feed so far, this one included (1 is the first)

    def age_s(self, now: datetime) -> float:
        """Seconds since the frame arrived, as of ``now`` (UTC)."""
        return (now - self.received_at).total_seconds()


@dataclass(frozen=True)
class _RawFrame:
    inputs: Any  # the frame's ``inputs``, unchecked until someone reads it
    received_at: datetime
    number: int


class MeterFeed:
    """A connection of its own to one OBS, for its audio: meters and audio requests.

    Build it on the event loop that runs it, then :meth:`start`; :meth:`stop` ends
    it. :meth:`latest` may be called from any thread. When the connection is lost
    the slot is emptied (``latest()`` is None until OBS meters again): levels from
    an OBS that is gone must not look live.

    Signals: none of its own. ``gateway.state_changed`` says whether OBS is
    connected; ``gateway.events`` carries the typed input events (``ResourcesChanged``
    for an input created, removed or renamed; ``InputMuteChanged``,
    ``InputTracksChanged``), never a meter frame.
    """

    def __init__(self, endpoint: ObsEndpoint, password: str, name: str = "main-meters",
                 settings: ConnectionSettings | None = None) -> None:
        self._lock = threading.Lock()
        self._raw: _RawFrame | None = None
        self._received = 0
        self._parsed: MeterFrame | None = None
        settings = replace(settings or ConnectionSettings(), subscriptions=METER_SUBSCRIPTIONS)
        self.connection = ObsConnection(endpoint, password, name, settings,
                                        meter_sink=self._keep)
        self.gateway = ObsGateway(self.connection)
        self.connection.state_changed.connect(self._on_state)

    @property
    def name(self) -> str:
        return self.connection.name

    def start(self) -> None:
        self.connection.start()

    async def stop(self) -> None:
        await self.connection.stop()

    @property
    def frames_received(self) -> int:
        """Every frame the feed has received, read or not, across reconnections."""
        with self._lock:
            return self._received

    def latest(self) -> MeterFrame | None:
        """The newest frame, parsed; None before the first one and after a disconnection."""
        with self._lock:
            raw = self._raw
        if raw is None:
            return None
        parsed = self._parsed
        if parsed is None or parsed.number != raw.number:
            parsed = MeterFrame(MappingProxyType(parse_meters(raw.inputs)), raw.received_at,
                                raw.number)
            self._parsed = parsed  # a value: two threads racing here store equal frames
        return parsed

    def _keep(self, inputs: Any, received_at: datetime) -> None:
        # On the reader thread, twenty times a second: keep it to a counter and a swap.
        with self._lock:
            self._received += 1
            self._raw = _RawFrame(inputs, received_at, self._received)

    def _on_state(self, state: ConnectionState) -> None:
        if state is not ConnectionState.CONNECTED:
            with self._lock:
                self._raw = None


def meter_feeds(instances: Iterable[ObsInstance]) -> dict[str, MeterFeed]:
    """A meter feed of its own for each OBS instance, by the instance's name."""
    return {instance.name: MeterFeed(ObsEndpoint.parse(instance.url), instance.password,
                                     name=f"{instance.name}-meters")
            for instance in instances}
