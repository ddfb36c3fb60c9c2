"""The control API's WebSocket on a running console against a real OBS: a take made over HTTP
arrives as a change once OBS has put its scene on program, and the time left ticks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from console.obs.private_obs import PrivateObs
from tests.helpers.loops import LoopRunner
from tests.integration.test_takes_on_air import (
    SCENES,
    TOKEN,
    post_take,
    prepare_obs,
    race_console,
)

pytestmark = [pytest.mark.obs,
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
              pytest.mark.expected_log("console.services.interpretation")]

State = dict[str, Any]


async def state_until(ws: aiohttp.ClientWebSocketResponse, state: State,
                      predicate: Callable[[State], bool], timeout_s: float = 10.0) -> State:
    """Applies the socket's changes to ``state`` until ``predicate`` holds."""
    async with asyncio.timeout(timeout_s):
        while not predicate(state):
            message = await ws.receive()
            assert message.type == aiohttp.WSMsgType.TEXT, message
            change = json.loads(message.data)
            assert change["type"] == "change"
            state.update(change["state"])
    return state


def live_id(state: State) -> str | None:
    live = state.get("live")
    return live["segment_id"] if live else None


def test_a_socket_sees_a_take_on_program_and_the_time_left_tick(
    qloop: LoopRunner, shared_obs: PrivateObs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONSOLE_CONTROL_TOKEN", TOKEN)
    events = prepare_obs(shared_obs, "Cut")

    async def scenario() -> list[float]:
        async with race_console(tmp_path, shared_obs) as console, aiohttp.ClientSession() as s:
            assert console.control is not None
            port = console.control.port
            async with s.ws_connect(f"http://127.0.0.1:{port}/api/ws",
                                    headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
                first = json.loads((await ws.receive(timeout=10)).data)
                assert first["type"] == "state"
                state = first["state"]
                assert live_id(state) is None
                assert (await post_take(port))[0] == 200
                await state_until(ws, state, lambda now: live_id(now) == "race-0"
                                  and now["obs"]["program_scene"] == SCENES[0])
                assert state["next"]["segment_id"] == "race-1"
                left = [state["live"]["remaining_s"]]
                while len(left) < 3:
                    before = state["live"]
                    await state_until(ws, state, lambda now, was=before: now["live"] != was)
                    left.append(state["live"]["remaining_s"])
                return left

    try:
        left = qloop.run(scenario(), 60)
    finally:
        events.close()
    assert left == sorted(left, reverse=True)
    assert left[0] > left[-1]
