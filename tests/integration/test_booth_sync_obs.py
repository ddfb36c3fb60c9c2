"""Booth sync through a real OBS: BroadcastCustomEvent and CustomEvent between two
connections, the roll call, and OBS's persistent data for a console that joins when the
others are gone."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from console.models import booth
from console.models.asrun import ConsoleRole
from console.models.booth import BoothState
from console.models.channels import default_plan
from console.models.obs_state import ConnectionState
from console.models.stage_summary import SegmentSummary, StageSummary
from console.obs.connection import ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.gateway import ObsGateway
from console.obs.private_obs import PrivateObs
from console.services.booth_sync import BoothSync, Sender
from tests.helpers.loops import LoopRunner, until
from tests.helpers.obs import bare_client

pytestmark = pytest.mark.obs

SUMMARY = StageSummary("ar", default_plan("ar", ("en", "fr")),
                       live=SegmentSummary("Opening", ("Amira Haddad",), "ar",
                                           datetime(2026, 12, 5, 9, tzinfo=UTC), 900.0))


@asynccontextmanager
async def console_sync(obs: PrivateObs, name: str, slot: str, role: ConsoleRole,
                       languages: tuple[str, ...] = (),
                       stage: StageSummary | None = None) -> AsyncIterator[BoothSync]:
    """A console's sync on its own connection to ``obs``, in the background lane."""
    connection = ObsConnection(ObsEndpoint.parse(obs.url), obs.password, name=name)
    sync = BoothSync(ObsGateway(connection).background(), Sender(f"{name} [{uuid.uuid4().hex}]",
                                                                  role),
                     own_languages=languages, stage_source=lambda: stage, slot=slot)
    sync.start()
    connection.start()
    try:
        await connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=15)
        yield sync
    finally:
        await sync.close()
        await connection.stop()


def test_a_ready_booth_shows_on_another_console_through_obs_within_half_a_second(
    aio: LoopRunner, shared_obs: PrivateObs
) -> None:
    slot = f"test-{uuid.uuid4().hex}"
    heard_at: list[float] = []

    async def scenario() -> float:
        async with console_sync(shared_obs, "stage", slot, ConsoleRole.STAGE) as stage, \
                console_sync(shared_obs, "booth-fr", slot, ConsoleRole.INTERPRETER,
                             ("fr",)) as fr:
            stage.changed.connect(lambda state: heard_at.append(time.monotonic()))
            mine: list[BoothState] = []
            fr.changed.connect(mine.append)
            pressed = time.monotonic()
            state = await fr.publish("fr", lambda s: booth.changed(
                s, datetime.now(UTC), fr.me.console, ready=True))
            await until(lambda: heard_at, 2, "the stage console hears it")
            assert stage.state("fr") == state
            await asyncio.sleep(0.2)
            assert mine == [state]  # OBS's echo of its own message changed nothing
            return heard_at[0] - pressed

    latency = aio.run(scenario())
    assert latency < 0.5
    assert [state.ready for state in slot_states(shared_obs, slot)] == [True]


def slot_states(obs: PrivateObs, slot: str) -> list[BoothState]:
    """The booth states OBS keeps in ``slot``, asked by another client."""
    client = bare_client(obs)
    try:
        value = client.send("GetPersistentData", {
            "realm": "OBS_WEBSOCKET_DATA_REALM_GLOBAL", "slotName": slot}, raw=True)["slotValue"]
    finally:
        client.disconnect()
    states, problems = booth.decode_slot(value)
    assert problems == []
    return states


def test_a_late_console_hears_the_roll_call_answered_and_reads_obs_when_alone(
    aio: LoopRunner, shared_obs: PrivateObs
) -> None:
    slot = f"test-{uuid.uuid4().hex}"

    async def scenario() -> None:
        async with console_sync(shared_obs, "stage", slot, ConsoleRole.STAGE,
                                stage=SUMMARY), \
                console_sync(shared_obs, "booth-fr", slot, ConsoleRole.INTERPRETER,
                             ("fr",)) as fr:
            await fr.publish("fr", lambda s: booth.changed(
                s, datetime.now(UTC), fr.me.console, ready=True, interpreter="Amélie"))
            async with console_sync(shared_obs, "booth-en", slot,
                                    ConsoleRole.INTERPRETER, ("en",)) as late:
                await until(lambda: late.stage is not None and late.state("fr"), 5,
                            "the roll call answered")
                assert late.stage.live == SUMMARY.live  # type: ignore[union-attr]
                assert late.state("fr").interpreter == "Amélie"  # type: ignore[union-attr]
        assert [state.language for state in slot_states(shared_obs, slot)] == ["fr"]
        # Every console is gone: OBS still knows.
        async with console_sync(shared_obs, "booth-es", slot, ConsoleRole.INTERPRETER,
                                ("es",)) as alone:
            await until(lambda: alone.state("fr"), 5, "read from OBS's persistent data")
            assert alone.state("fr").ready  # type: ignore[union-attr]
            # OBS 29 mangles non-ASCII persistent data: the names must survive it.
            assert alone.state("fr").interpreter == "Amélie"  # type: ignore[union-attr]
            assert alone.stage is None  # nobody speaks for the stage

    aio.run(scenario())
