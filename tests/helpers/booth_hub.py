"""A stand-in for OBS's websocket server as booth consoles use it, for unit tests of the
logic: broadcasts reach every client (the sender's own event socket too, as OBS does),
persistent data is kept as JSON. The real transport is tested against a real OBS too."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from psygnal import Signal

from console.models.obs_events import CustomEvent
from console.models.obs_state import ConnectionState
from console.obs.errors import ObsNotConnected


class FakeHub:
    def __init__(self) -> None:
        self.clients: list[FakeObs] = []
        self.slots: dict[str, Any] = {}
        self.sent: list[dict[str, Any]] = []
        self.mutes: list[tuple[str, bool]] = []  # SetInputMute, in order

    def client(self) -> FakeObs:
        client = FakeObs(self)
        self.clients.append(client)
        return client

    def deliver(self, data: Mapping[str, Any]) -> None:
        """Every client hears ``data`` when the loop next runs, as a CustomEvent."""
        copy = json.loads(json.dumps(data))
        loop = asyncio.get_running_loop()
        for client in self.clients:
            loop.call_soon(client.hear, copy)

    def kinds(self) -> list[str]:
        return [str(message.get("kind")) for message in self.sent]


class FakeObs:
    """One console's connection to the hub (what the booth services need of an ObsGateway)."""

    events = Signal(object)
    state_changed = Signal(object)

    def __init__(self, hub: FakeHub) -> None:
        self.hub = hub
        self.state = ConnectionState.CONNECTED
        self.requests: list[str] = []

    def _check(self, request: str) -> None:
        self.requests.append(request)
        if self.state is not ConnectionState.CONNECTED:
            raise ObsNotConnected(f"OBS 'main' is {self.state.value}")

    async def broadcast(self, data: Mapping[str, Any]) -> None:
        self._check("BroadcastCustomEvent")
        self.hub.sent.append(json.loads(json.dumps(data)))
        self.hub.deliver(data)

    async def persistent_data(self, slot: str) -> Any:
        self._check("GetPersistentData")
        return json.loads(json.dumps(self.hub.slots.get(slot)))

    async def set_persistent_data(self, slot: str, value: Any) -> None:
        self._check("SetPersistentData")
        self.hub.slots[slot] = json.loads(json.dumps(value))

    async def set_input_mute(self, input_name: str, muted: bool) -> None:
        self._check("SetInputMute")
        self.hub.mutes.append((input_name, muted))

    def hear(self, data: dict[str, Any]) -> None:
        if self.state is ConnectionState.CONNECTED:
            self.events.emit(CustomEvent(received_at=datetime.now(UTC), data=data))

    def go(self, state: ConnectionState) -> None:
        self.state = state
        self.state_changed.emit(state)
