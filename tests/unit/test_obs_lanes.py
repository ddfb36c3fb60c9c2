"""Request lanes of one OBS connection: background work never waits in front of a take."""

from __future__ import annotations

import asyncio
from typing import Any

from console.models.obs_state import ConnectionState
from console.obs.connection import Lane, ObsConnection
from console.obs.endpoint import ObsEndpoint
from tests.helpers.loops import LoopRunner


class GatedConnection(ObsConnection):
    """A connected ObsConnection whose requests are answered when the test says so."""

    def __init__(self) -> None:
        super().__init__(ObsEndpoint("127.0.0.1", 1), "unused")
        self._state = ConnectionState.CONNECTED
        self._session = object()  # type: ignore[assignment]
        self._executor = object()  # type: ignore[assignment]
        self.sent: list[str] = []
        self.gates: dict[str, asyncio.Event] = {}

    async def _run_request(self, _session: Any, _executor: Any, request_type: str,
                           _data: Any, _timeout_s: float) -> dict[str, Any]:
        self.sent.append(request_type)
        await self.gate(request_type).wait()
        return {}

    def gate(self, request_type: str) -> asyncio.Event:
        return self.gates.setdefault(request_type, asyncio.Event())


def test_a_background_request_waits_until_no_foreground_request_is_waiting(
    aio: LoopRunner,
) -> None:
    async def scenario() -> list[str]:
        connection = GatedConnection()
        take = asyncio.create_task(connection.request("SetCurrentProgramScene"))
        await asyncio.sleep(0)
        countdown = asyncio.create_task(
            connection.request("SetInputSettings", lane=Lane.BACKGROUND))
        readiness = asyncio.create_task(
            connection.request("GetSceneItemList", lane=Lane.BACKGROUND))
        await asyncio.sleep(0.01)
        assert connection.sent == ["SetCurrentProgramScene"]  # background held back
        second_take = asyncio.create_task(connection.request("TriggerStudioModeTransition"))
        await asyncio.sleep(0.01)
        connection.gate("SetCurrentProgramScene").set()
        await take
        connection.gate("TriggerStudioModeTransition").set()
        await second_take
        for name in ("SetInputSettings", "GetSceneItemList"):
            connection.gate(name).set()
        await asyncio.gather(countdown, readiness)
        return connection.sent

    sent = aio.run(scenario())
    assert sent == ["SetCurrentProgramScene", "TriggerStudioModeTransition",
                    "SetInputSettings", "GetSceneItemList"]
