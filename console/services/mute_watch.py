"""Whether each channel's OBS input is muted, as OBS says.

A booth input muted in OBS's mixer (by anyone: a technician, a stray click, a cough
button left down) silences its language for every viewer, and OBS may still meter
it. So the stage console follows the mute of every channel input: asked of OBS when
a connection comes up, when an input appears or is renamed and when the plan
changes, then kept by ``InputMuteChanged``. Unknown (None) while an OBS is not
connected or has no such input.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from psygnal import SignalInstance

from console.models.obs_events import (
    InputMuteChanged,
    ObsEvent,
    ResourceChange,
    ResourcesChanged,
)
from console.models.obs_state import ConnectionState
from console.obs.errors import ObsError
from console.services.background import BackgroundTask

log = logging.getLogger(__name__)

# The inputs to follow on each OBS, by its name (the channel plan's inputs).
Inputs = Callable[[], Mapping[str, Iterable[str]]]
REREAD_ON = (ResourceChange.INPUT_CREATED, ResourceChange.INPUT_RENAMED,
             ResourceChange.SCENE_COLLECTION)


class MuteGateway(Protocol):
    """The audio side of one OBS connection (``ObsGateway`` of a meter feed)."""

    @property
    def events(self) -> SignalInstance: ...

    @property
    def state_changed(self) -> SignalInstance: ...

    async def input_muted(self, input_name: str) -> bool: ...


class _OneObs:
    """The mutes of one OBS: read again whenever told to, followed by its events."""

    def __init__(self, name: str, gateway: MuteGateway, inputs: Inputs) -> None:
        self.name = name
        self.gateway = gateway
        self.muted: dict[str, bool] = {}
        self._inputs = inputs
        self._stale = asyncio.Event()
        self._reader = BackgroundTask(f"mutes-{name}", self._read_when_stale)
        gateway.events.connect(self._on_event)
        gateway.state_changed.connect(self._on_state)

    def start(self) -> None:
        self._reader.start()
        self._stale.set()

    async def stop(self) -> None:
        self.gateway.events.disconnect(self._on_event)
        self.gateway.state_changed.disconnect(self._on_state)
        await self._reader.stop()

    def reread(self) -> None:
        self._stale.set()

    async def _read_when_stale(self) -> None:
        while True:
            await self._stale.wait()
            self._stale.clear()
            wanted = set(self._inputs().get(self.name, ()))
            for input_name in wanted:
                await self._read(input_name)
            for gone in set(self.muted) - wanted:
                del self.muted[gone]

    async def _read(self, input_name: str) -> None:
        try:
            self.muted[input_name] = await self.gateway.input_muted(input_name)
        except ObsError as error:  # no such input, not audio, or OBS went away
            self.muted.pop(input_name, None)
            log.debug("mute of %s on OBS %s unknown: %s", input_name, self.name, error)

    def _on_event(self, event: ObsEvent) -> None:
        if isinstance(event, InputMuteChanged):
            self.muted[event.input] = event.muted
        elif isinstance(event, ResourcesChanged):
            if event.change is ResourceChange.INPUT_REMOVED:
                self.muted.pop(event.name, None)
            elif event.change in REREAD_ON:
                self.muted.pop(event.old_name, None)
                self.reread()

    def _on_state(self, state: ConnectionState) -> None:
        if state is ConnectionState.CONNECTED:
            self.reread()
        else:
            self.muted.clear()


class MuteWatch:
    """``muted(obs, input)``: True, False, or None (unknown); see the module docstring."""

    def __init__(self, gateways: Mapping[str, MuteGateway], inputs: Inputs) -> None:
        self._obs = {name: _OneObs(name, gateway, inputs) for name, gateway in gateways.items()}

    def start(self) -> None:
        for one in self._obs.values():
            one.start()

    async def close(self) -> None:
        for one in self._obs.values():
            await one.stop()

    def reread(self) -> None:
        """Ask every OBS again (the plan's inputs changed)."""
        for one in self._obs.values():
            one.reread()

    def __call__(self, obs: str, input_name: str) -> bool | None:
        one = self._obs.get(obs)
        return one.muted.get(input_name) if one is not None else None
