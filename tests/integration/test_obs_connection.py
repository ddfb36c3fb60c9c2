"""The OBS connection against a real OBS Studio: connect, resync, faults."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest

from console.models.obs_state import ConnectionState
from console.obs.connection import ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.errors import ObsRequestFailed, ObsRequestTimeout
from console.obs.gateway import ObsGateway
from console.obs.mirror import ObsMirror
from console.obs.private_obs import PrivateObs
from console.services.switcher import SceneSwitcher
from tests.helpers.fake_websocket import StrangeWebsocketServer
from tests.helpers.loops import LoopRunner, until
from tests.helpers.obs import bare_client, ensure_scenes

pytestmark = pytest.mark.obs
S = ConnectionState


@asynccontextmanager
async def connected(obs: PrivateObs, password: str | None = None,
                    name: str = "main") -> AsyncIterator[ObsMirror]:
    connection = ObsConnection(ObsEndpoint("127.0.0.1", obs.port), password or obs.password,
                               name=name)
    mirror = ObsMirror(connection)
    connection.start()
    try:
        await connection.wait_for_state(S.CONNECTED, timeout_s=10)
        await mirror.wait_synced(5)
        yield mirror
    finally:
        await mirror.close()
        await connection.stop()


async def wait_until(predicate: object, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


def test_connects_and_mirrors_obs_state(aio: LoopRunner, shared_obs: PrivateObs) -> None:
    async def scenario() -> None:
        async with connected(shared_obs) as mirror:
            snapshot = mirror.snapshot
            assert snapshot.state is S.CONNECTED
            assert snapshot.obs_version
            assert snapshot.obs_version.startswith(("29.", "3"))
            assert snapshot.websocket_version
            assert snapshot.websocket_version.startswith("5.")
            assert snapshot.program_scene in snapshot.scenes
            assert "Cut" in snapshot.transitions
            assert mirror.connection.supports("GetSceneList")

    aio.run(scenario())


def test_scene_switched_by_another_client_shows_up(aio: LoopRunner, shared_obs: PrivateObs) -> None:
    other = bare_client(shared_obs)
    ensure_scenes(other, "Conn A", "Conn B")
    other.send("SetCurrentProgramScene", {"sceneName": "Conn A"})

    async def scenario() -> None:
        async with connected(shared_obs) as mirror:
            await wait_until(lambda: mirror.snapshot.program_scene == "Conn A", 5)
            other.send("SetCurrentProgramScene", {"sceneName": "Conn B"})
            await wait_until(lambda: mirror.snapshot.program_scene == "Conn B", 5)
            assert "Conn A" in mirror.snapshot.scenes

    try:
        aio.run(scenario())
    finally:
        other.disconnect()


def test_refused_request_is_reported_and_connection_stays(
    aio: LoopRunner, shared_obs: PrivateObs
) -> None:
    async def scenario() -> None:
        async with connected(shared_obs) as mirror:
            with pytest.raises(ObsRequestFailed) as refused:
                await mirror.connection.request(
                    "SetCurrentProgramScene", {"sceneName": "no such scene"}
                )
            assert refused.value.code == 600
            assert mirror.connection.state is S.CONNECTED
            await mirror.connection.request("GetVersion")

    aio.run(scenario())


@pytest.mark.expected_log("console.obs.connection")
def test_wrong_password_fails_once_without_retrying(
    aio: LoopRunner, shared_obs: PrivateObs
) -> None:
    connection = ObsConnection(ObsEndpoint("127.0.0.1", shared_obs.port), "not-the-password")
    states: list[ConnectionState] = []
    connection.state_changed.connect(states.append)

    async def scenario() -> None:
        connection.start()
        await connection.wait_for_state(S.AUTH_FAILED, timeout_s=10)
        await asyncio.sleep(1.5)  # time in which a retry loop would have tried again
        await connection.stop()

    aio.run(scenario())
    assert states == [S.CONNECTING, S.AUTH_FAILED, S.DISCONNECTED]
    assert "password" in (connection.last_error or "")


@pytest.fixture
def restart_obs_later(own_obs: PrivateObs) -> Iterator[PrivateObs]:
    yield own_obs
    own_obs.thaw()


def test_killed_obs_reconnects_and_resyncs(aio: LoopRunner, own_obs: PrivateObs) -> None:
    async def scenario() -> None:
        async with connected(own_obs) as mirror:
            connection = mirror.connection
            await connection.request("CreateScene", {"sceneName": "Before kill"})
            own_obs.kill()
            killed_at = time.monotonic()
            await connection.wait_for_state(S.RECONNECTING, timeout_s=2)
            assert time.monotonic() - killed_at < 2
            await asyncio.to_thread(own_obs.start)  # same port and password, waits for the port
            await connection.wait_for_state(S.CONNECTED, timeout_s=5)
            snapshot = await mirror.wait_synced(5)
            # A killed OBS never saved "Before kill": the resync shows OBS as it is now.
            assert snapshot.connected
            assert snapshot.program_scene in snapshot.scenes

    aio.run(scenario())


def test_restarted_obs_with_new_state_is_resynced(aio: LoopRunner, own_obs: PrivateObs) -> None:
    async def scenario() -> None:
        async with connected(own_obs) as mirror:
            await asyncio.to_thread(own_obs.stop)  # clean exit: ExitStarted, close 1001
            await mirror.connection.wait_for_state(S.RECONNECTING, timeout_s=2)
            await asyncio.to_thread(own_obs.start)
            await mirror.connection.wait_for_state(S.CONNECTED, timeout_s=5)
            await mirror.wait_synced(5)
            other = bare_client(own_obs)
            try:
                other.send("CreateScene", {"sceneName": "After restart"})
                await wait_until(lambda: "After restart" in mirror.snapshot.scenes, 5)
            finally:
                other.disconnect()

    aio.run(scenario())


def test_frozen_obs_times_out_and_recovers(aio: LoopRunner, restart_obs_later: PrivateObs) -> None:
    obs = restart_obs_later

    async def scenario() -> None:
        async with connected(obs) as mirror:
            connection = mirror.connection
            obs.freeze()
            with pytest.raises(ObsRequestTimeout):
                await connection.request("GetSceneList", timeout_s=0.5)
            await connection.wait_for_state(S.RECONNECTING, timeout_s=2)
            obs.thaw()
            await connection.wait_for_state(S.CONNECTED, timeout_s=10)
            await mirror.wait_synced(5)
            assert mirror.snapshot.connected

    aio.run(scenario())


def test_frozen_obs_is_detected_by_the_heartbeat(
    aio: LoopRunner, restart_obs_later: PrivateObs
) -> None:
    obs = restart_obs_later

    async def scenario() -> None:
        async with connected(obs) as mirror:
            obs.freeze()
            frozen_at = time.monotonic()
            await mirror.connection.wait_for_state(S.RECONNECTING, timeout_s=3)
            assert time.monotonic() - frozen_at < 2.0
            obs.thaw()
            await mirror.connection.wait_for_state(S.CONNECTED, timeout_s=10)

    aio.run(scenario())


def test_several_named_connections_at_once(
    aio: LoopRunner, shared_obs: PrivateObs, own_obs: PrivateObs
) -> None:
    """One console can watch several OBS instances (for example one per audio mix)."""

    async def scenario() -> None:
        async with connected(shared_obs, name="floor") as first, \
                connected(own_obs, name="mixes") as second:
            assert (first.connection.name, second.connection.name) == ("floor", "mixes")
            other = bare_client(own_obs)
            try:
                ensure_scenes(other, "Only on the second")
                await wait_until(lambda: "Only on the second" in second.snapshot.scenes, 5)
            finally:
                other.disconnect()
            assert "Only on the second" not in first.snapshot.scenes
            own_obs.kill()
            await second.connection.wait_for_state(S.RECONNECTING, timeout_s=2)
            assert first.connection.state is S.CONNECTED

    aio.run(scenario())


def test_stop_always_ends_the_supervisor(aio: LoopRunner) -> None:
    """stop() ends the connection whatever the supervisor is doing at that moment
    (connecting, failing, backing off)."""
    from console.obs.private_obs import free_port

    async def scenario() -> None:
        for attempt in range(30):
            connection = ObsConnection(ObsEndpoint("127.0.0.1", free_port()), "pw")
            connection.start()
            await asyncio.sleep(0.002 * (attempt % 10))
            await asyncio.wait_for(connection.stop(), 5)
            assert connection.state is S.DISCONNECTED

    aio.run(scenario(), timeout_s=120)


STRANGE_HELLOS = [b"[1, 2]", b'"hello"', b'{"op": 7, "d": {}}',
                  b'{"op": 0, "d": {"authentication": "x"}}']


@pytest.mark.parametrize("hello", STRANGE_HELLOS)
def test_a_server_that_is_not_obs_is_retried_not_fatal(aio: LoopRunner, hello: bytes) -> None:
    """Whatever listens on the port, the connection keeps trying and says why."""
    with StrangeWebsocketServer(hello) as server:
        connection = ObsConnection(ObsEndpoint("127.0.0.1", server.port), "pw")

        async def scenario() -> None:
            connection.start()
            await until(lambda: connection.last_error is not None, 10, "an error noted")
            assert connection.state is S.CONNECTING  # still trying, not given up
            await connection.stop()

        aio.run(scenario())
    assert "does not speak obs-websocket 5" in (connection.last_error or "")


def test_a_take_the_instant_obs_connects_waits_for_its_state(
        aio: LoopRunner, own_obs: PrivateObs) -> None:
    """A take of the scene already on program, sent as soon as the connection is up (a
    Stream Deck pressed during a reconnection), is confirmed as on air, not reported as
    "accepted but not put on program" for want of a change OBS never makes."""
    client = bare_client(own_obs)
    try:
        ensure_scenes(client, "Already on air")
        client.send("SetCurrentProgramScene", {"sceneName": "Already on air"})
    finally:
        client.disconnect()

    async def scenario() -> None:
        connection = ObsConnection(ObsEndpoint("127.0.0.1", own_obs.port), own_obs.password)
        mirror = ObsMirror(connection)
        gateway = ObsGateway(connection)
        switcher = SceneSwitcher(gateway, mirror)
        connection.start()
        try:
            await connection.wait_for_state(S.CONNECTED, timeout_s=10)
            async with switcher.exclusive("a take") as slot:
                confirmation = await slot.program("Already on air")
            assert confirmation.scene == "Already on air"
            assert not confirmation.changed
        finally:
            switcher.close()
            await mirror.close()
            await connection.stop()

    aio.run(scenario())
