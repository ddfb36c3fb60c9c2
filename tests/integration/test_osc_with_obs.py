"""OSC in the assembled console against a real OBS: ``/console/take`` from a real UDP
socket takes the next segment through the same take as the control API, and the
feedback arrives at a UDP listener."""

from __future__ import annotations

import socket
from collections.abc import Callable, Coroutine
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.udp_client import SimpleUDPClient

from console.app import ConsoleApp
from console.obs.private_obs import PrivateObs
from console.services.osc_feedback import (
    ERROR,
    HOLD,
    NEXT,
    ON_AIR,
    PHASE,
    REHEARSAL,
    TIME_LEFT,
    TIME_LEFT_S,
    FeedbackTarget,
)
from console.services.osc_surface import OscSettings
from console.store.asrun import read_asrun
from tests.helpers.loops import LoopRunner, until
from tests.helpers.obs import bare_client, ensure_scenes
from tests.helpers.osc import FeedbackListener, feedback_listener
from tests.integration.test_handoff_with_obs import demo_console

pytestmark = [pytest.mark.obs,
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


Scenario = Callable[[ConsoleApp, FeedbackListener, Any], Coroutine[Any, Any, None]]


def run_with_osc(qloop: LoopRunner, obs: PrivateObs, tmp_path: Path,
                 scenario: Scenario) -> None:
    """The demo show's console with an OSC server and a feedback listener, program on a
    scene of no segment; ``scenario(console, listener, other client of OBS)``."""
    other = bare_client(obs)

    async def main() -> None:
        ensure_scenes(other, "Opening", "Speaker", "OSC elsewhere")
        other.send("SetStudioModeEnabled", {"studioModeEnabled": False})
        other.send("SetCurrentProgramScene", {"sceneName": "OSC elsewhere"})
        listener = await feedback_listener()
        osc = OscSettings(port=0, feedback=(FeedbackTarget("127.0.0.1", listener.port),))
        try:
            async with demo_console(tmp_path, obs, rehearsal=False, osc=osc) as console:
                await until(lambda: server_port(console), 10, "OSC listening")
                await scenario(console, listener, other)
        finally:
            listener.close()

    try:
        qloop.run(main(), 90)
    finally:
        other.disconnect()


def server_port(console: ConsoleApp) -> int:
    server = console.osc.server if console.osc is not None else None
    return server.port if server is not None else 0


def send(port: int, address: str, *args: Any) -> None:
    client = SimpleUDPClient("127.0.0.1", port)
    with closing(client):
        client.send_message(address, list(args))


def two_takes_in_one_bundle() -> bytes:
    builder = OscBundleBuilder(IMMEDIATELY)
    for _ in range(2):
        builder.add_content(OscMessageBuilder("/console/take").build())
    return bytes(builder.build().dgram)


def program(client: Any) -> str:
    return str(client.send("GetCurrentProgramScene", raw=True)["currentProgramSceneName"])


# The demo show on an OBS without booth inputs: its channels on air raise alarms.
@pytest.mark.expected_log("console.services.interpretation")
def test_an_osc_take_puts_the_next_segment_on_air_and_feedback_follows(
    qloop: LoopRunner, shared_obs: PrivateObs, tmp_path: Path
) -> None:
    async def scenario(console: ConsoleApp, listener: FeedbackListener, other: Any) -> None:
        first, second = console.runner.segments()[:2]
        await until(lambda: listener.values(NEXT) == [(first.title,)], 10, "the next title")
        assert listener.values(ON_AIR) == [("",)]
        assert listener.values(PHASE) == [("none",)]
        send(server_port(console), "/console/take")
        await until(lambda: console.runner.live.live is not None, 15, "a segment live")
        assert console.runner.live_segment() == first
        await until(lambda: program(other) == first.scene, 5, "OBS program")
        await until(lambda: listener.values(ON_AIR)[-1:] == [(first.title,)], 5, "on air")
        await until(lambda: listener.values(NEXT)[-1:] == [(second.title,)], 5, "next")
        await until(lambda: len(listener.values(TIME_LEFT)) >= 3, 10,
                    "the time left, every second")
        text, = listener.values(TIME_LEFT)[-1]
        seconds, = listener.values(TIME_LEFT_S)[-1]
        assert ":" in text
        assert 0 < seconds <= first.planned_duration.total_seconds()
        assert listener.values(PHASE)[-1] in [("normal",), ("warning",), ("danger",)]
        assert listener.values(HOLD)[-1] == (0,)
        assert listener.values(REHEARSAL)[-1] == (0,)

        send(server_port(console), "/console/hold")
        await until(lambda: listener.values(HOLD)[-1:] == [(1,)], 5, "held")
        assert console.runner.live.on_hold
        send(server_port(console), "/console/hold")
        await until(lambda: listener.values(HOLD)[-1:] == [(0,)], 5, "released")

    run_with_osc(qloop, shared_obs, tmp_path, scenario)


@pytest.mark.expected_log("console.services.interpretation")
def test_two_osc_takes_at_once_take_once(
    qloop: LoopRunner, shared_obs: PrivateObs, tmp_path: Path
) -> None:
    async def scenario(console: ConsoleApp, listener: FeedbackListener, other: Any) -> None:
        first = console.runner.segments()[0]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.sendto(two_takes_in_one_bundle(), ("127.0.0.1", server_port(console)))
        await until(lambda: listener.values(ERROR), 15, "one take refused")
        await until(lambda: console.runner.live_segment() == first, 15, "taken")
        await until(lambda: program(other) == first.scene, 5, "OBS program")
        assert console.writer.flush(5)
        takes = read_asrun(console.database, kinds=["take"])
        assert [take.segment_id for take in takes] == [first.id]
        [(address, reason)] = listener.values(ERROR)
        assert address == "/console/take"
        assert "already in flight" in reason

    run_with_osc(qloop, shared_obs, tmp_path, scenario)
