"""Booth states kept in step between consoles: the newest wins, a late console learns the
states from a roll call or from OBS's persistent data, and nothing that is not one of our
messages (or does not read) changes anything. OBS is a fake hub here; the same logic runs
against a real OBS in tests/integration/test_booth_sync_obs.py."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from console.models import booth
from console.models.asrun import ConsoleRole
from console.models.booth import BoothState
from console.models.channels import default_plan
from console.models.obs_state import ConnectionState
from console.models.stage_summary import SegmentSummary, StageSummary
from console.obs.errors import ObsNotConnected
from console.services.booth_sync import BoothSync, Sender
from tests.helpers.booth_hub import FakeHub, FakeObs
from tests.helpers.loops import LoopRunner, until

NOW = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
SUMMARY = StageSummary("ar", default_plan("ar", ("en", "fr")),
                       live=SegmentSummary("Opening", ("Amira Haddad",), "ar", NOW, 900.0))


def clock() -> datetime:
    return NOW


def ready(console: str, at: datetime = NOW) -> Callable[[BoothState], BoothState]:
    return lambda state: booth.changed(state, at, console, ready=not state.ready)


class Console:
    """One console's sync on the hub, with every signal it emitted."""

    def __init__(self, hub: FakeHub, name: str, role: ConsoleRole = ConsoleRole.INTERPRETER,
                 languages: tuple[str, ...] = (),
                 stage: Callable[[], StageSummary | None] | None = None) -> None:
        self.obs: FakeObs = hub.client()
        self.sync = BoothSync(self.obs, Sender(name, role), own_languages=languages,
                              stage_source=stage, clock=clock)
        self.heard: list[BoothState] = []
        self.stages: list[StageSummary] = []
        self.sync.changed.connect(self.heard.append)
        self.sync.stage_changed.connect(self.stages.append)


def fr_and_stage(hub: FakeHub) -> tuple[Console, Console]:
    """A French booth's console and the stage console, on one OBS."""
    return (Console(hub, "booth-fr [1]", languages=("fr",)),
            Console(hub, "stage [2]", ConsoleRole.STAGE))


@asynccontextmanager
async def consoles(*made: Console) -> AsyncIterator[None]:
    for console in made:
        console.sync.start()
    try:
        yield
    finally:
        for console in made:
            await console.sync.close()


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


def test_a_change_reaches_the_other_consoles_once_and_is_not_heard_back(aio: LoopRunner) -> None:
    fr, stage = fr_and_stage(FakeHub())

    async def scenario() -> None:
        async with consoles(fr, stage):
            await settle()
            state = await fr.sync.publish("fr", ready("booth-fr [1]"))
            assert state.ready
            assert state.seq == 1
            await until(lambda: stage.heard, 2, "the stage hears it")
            await settle()
            assert [s.ready for s in stage.heard] == [True]
            assert fr.heard == [state]  # its own echo from OBS changed nothing

    aio.run(scenario())


def test_the_newest_state_wins_whatever_order_it_arrives_in(aio: LoopRunner) -> None:
    hub = FakeHub()
    stage = Console(hub, "stage [2]", ConsoleRole.STAGE)
    first = BoothState("fr", ready=True, console="booth-fr [1]", seq=3, updated_at=NOW)
    second = replace(first, ready=False, seq=4, updated_at=NOW + timedelta(seconds=1))
    crossed = replace(first, ready=True, interpreter="Bruno", seq=4,
                      updated_at=NOW + timedelta(seconds=2), console="booth-fr [7]")

    async def scenario() -> None:
        async with consoles(stage):
            await settle()
            for message in (second, first, second):  # late and twice
                hub.deliver(booth.encode(message))
            await settle()
            assert stage.sync.state("fr") == second
            assert stage.heard == [second]
            hub.deliver(booth.encode(crossed))  # same sequence number, said later: it wins
            await settle()
            assert stage.sync.state("fr") == crossed

    aio.run(scenario())


def test_consoles_that_change_one_booth_together_agree_on_one_state(aio: LoopRunner) -> None:
    hub = FakeHub()
    amelie, bruno = Console(hub, "fr-a [1]", languages=("fr",)), Console(
        hub, "fr-b [2]", languages=("fr",))

    async def scenario() -> None:
        async with consoles(amelie, bruno):
            await settle()
            await asyncio.gather(
                amelie.sync.publish("fr", lambda s: booth.changed(s, NOW, "fr-a [1]",
                                                                  need_relay=True)),
                bruno.sync.publish("fr", lambda s: booth.changed(
                    s, NOW + timedelta(milliseconds=5), "fr-b [2]", no_floor_sound=True)))
            await settle()
            assert amelie.sync.state("fr") == bruno.sync.state("fr")
            assert amelie.sync.state("fr").no_floor_sound  # type: ignore[union-attr]

    aio.run(scenario())


def test_a_late_console_learns_the_states_and_the_stage_from_a_roll_call(
    aio: LoopRunner
) -> None:
    hub = FakeHub()
    fr = Console(hub, "booth-fr [1]", languages=("fr",))
    stage = Console(hub, "stage [2]", ConsoleRole.STAGE, stage=lambda: SUMMARY)
    late = Console(hub, "booth-en [3]", languages=("en",))

    async def scenario() -> None:
        async with consoles(fr, stage):
            await fr.sync.publish("fr", ready("booth-fr [1]"))
            await settle()
            hub.slots.clear()  # only the roll call can tell now
            async with consoles(late):
                await until(lambda: late.stages and late.sync.state("fr"), 2, "answers")
            assert late.sync.state("fr").ready  # type: ignore[union-attr]
            assert late.stages[-1].live == SUMMARY.live
            assert late.stages[-1].console == "stage [2]"
            assert "roll_call" in hub.kinds()

    aio.run(scenario())


def test_a_late_console_learns_the_states_from_obs_when_no_one_else_runs(
    aio: LoopRunner
) -> None:
    hub = FakeHub()
    fr, late = Console(hub, "booth-fr [1]", languages=("fr",)), Console(hub, "stage [9]")

    async def scenario() -> None:
        async with consoles(fr):
            await fr.sync.publish("fr", ready("booth-fr [1]"))
            await until(lambda: booth.SLOT in hub.slots, 2, "the slot written")
        hub.clients.remove(fr.obs)  # that console is gone
        async with consoles(late):
            await until(lambda: late.sync.state("fr"), 2, "read from OBS")
        assert late.sync.state("fr").ready  # type: ignore[union-attr]

    aio.run(scenario())


def test_a_state_of_an_earlier_show_day_in_obs_is_left_out(aio: LoopRunner) -> None:
    hub = FakeHub()
    old = BoothState("fr", ready=True, console="booth-fr [0]", seq=8,
                     updated_at=NOW - timedelta(hours=13))
    recent = BoothState("es", ready=True, console="booth-es [0]", seq=2,
                        updated_at=NOW - timedelta(hours=1))
    hub.slots[booth.SLOT] = booth.encode_slot([old, recent])
    late = Console(hub, "stage [9]", ConsoleRole.STAGE)

    async def scenario() -> None:
        async with consoles(late):
            await until(lambda: late.sync.state("es"), 2, "read from OBS")
            await settle()
        assert late.sync.state("fr") is None

    aio.run(scenario())


def test_the_slot_keeps_what_other_consoles_wrote_meanwhile(aio: LoopRunner) -> None:
    hub = FakeHub()
    fr = Console(hub, "booth-fr [1]", languages=("fr",))
    # Written by a console this one never heard (its broadcast was lost).
    elsewhere = BoothState("es", ready=True, console="booth-es [5]", seq=1, updated_at=NOW)

    async def scenario() -> None:
        async with consoles(fr):
            await settle()
            hub.slots[booth.SLOT] = booth.encode_slot([elsewhere])
            await fr.sync.publish("fr", ready("booth-fr [1]"))
            await until(lambda: len(booth.decode_slot(hub.slots[booth.SLOT])[0]) == 2, 2,
                        "merged")
        states, problems = booth.decode_slot(hub.slots[booth.SLOT])
        assert {state.language for state in states} == {"fr", "es"}
        assert problems == []

    aio.run(scenario())


def test_a_change_obs_did_not_take_is_not_a_change(aio: LoopRunner) -> None:
    hub = FakeHub()
    fr = Console(hub, "booth-fr [1]", languages=("fr",))

    async def scenario() -> None:
        async with consoles(fr):
            await settle()
            fr.obs.go(ConnectionState.RECONNECTING)
            with pytest.raises(ObsNotConnected):
                await fr.sync.publish("fr", ready("booth-fr [1]"))
            assert fr.sync.state("fr") is None
            assert fr.heard == []

    aio.run(scenario())


def test_a_console_joins_again_when_obs_comes_back(aio: LoopRunner) -> None:
    hub = FakeHub()
    stage = Console(hub, "stage [2]", ConsoleRole.STAGE, stage=lambda: SUMMARY)

    async def scenario() -> None:
        async with consoles(stage):
            await until(lambda: hub.kinds().count("stage") == 1, 2, "first join")
            await settle()
            assert hub.kinds() == ["roll_call", "stage"]  # its own roll call is not answered
            stage.obs.go(ConnectionState.RECONNECTING)
            stage.obs.go(ConnectionState.CONNECTED)
            await until(lambda: hub.kinds().count("roll_call") == 2, 2, "second roll call")
            await until(lambda: hub.kinds().count("stage") == 2, 2, "said again")

    aio.run(scenario())


def test_malformed_messages_are_refused_and_change_nothing(
    aio: LoopRunner, caplog: pytest.LogCaptureFixture
) -> None:
    hub = FakeHub()
    stage = Console(hub, "stage [2]", ConsoleRole.STAGE)
    good = booth.encode(BoothState("fr", ready=True, console="booth-fr [1]", seq=1,
                                   updated_at=NOW))
    hostile: list[dict[str, Any]] = [
        {**good, "seq": "many"}, {**good, "ready": "yes"}, {**good, "v": 99},
        {**good, "language": "x" * 10_000}, {**good, "handover": [1, 2]},
        {**booth.encode_stage(SUMMARY), "console": "s [1]", "live": 7},
        {"app": booth.APP, "kind": "roll_call"},
    ]
    others = [{"app": "companion", "kind": "booth", "ready": True}, {"anything": 1}]

    async def scenario() -> None:
        async with consoles(stage):
            await settle()
            caplog.clear()
            with caplog.at_level(logging.INFO, "console.services.booth_sync"):
                for message in (*hostile, *others):
                    hub.deliver(message)
                await settle()
            hub.deliver(good)  # and the console still listens
            await until(lambda: stage.sync.state("fr"), 2, "a good one after them")

    aio.run(scenario())
    refusals = [r for r in caplog.records if r.getMessage().startswith("refused a booth")]
    assert len(refusals) == len(hostile)
    assert all(r.levelno == logging.INFO for r in refusals)
    assert stage.heard == [booth.decode(good)]
    assert stage.stages == []


def test_roll_calls_in_a_burst_are_answered_without_a_flood(aio: LoopRunner) -> None:
    hub = FakeHub()
    fr = Console(hub, "booth-fr [1]", languages=("fr",))

    async def scenario() -> None:
        async with consoles(fr):
            await fr.sync.publish("fr", ready("booth-fr [1]"))
            await settle()
            before = hub.kinds().count("booth")
            for seq in range(50):
                hub.deliver(booth.encode_roll_call(booth.RollCall("x [9]", "stage", seq)))
            await settle()
            await asyncio.sleep(0.05)
            assert 1 <= hub.kinds().count("booth") - before <= 3

    aio.run(scenario())


def test_a_change_made_just_before_closing_is_still_kept_in_obs(aio: LoopRunner) -> None:
    hub = FakeHub()
    fr = Console(hub, "booth-fr [1]", languages=("fr",))

    async def scenario() -> None:
        fr.sync.start()
        await settle()
        await fr.sync.publish("fr", ready("booth-fr [1]"))
        await fr.sync.close()  # before the background save had its turn

    aio.run(scenario())
    states, _problems = booth.decode_slot(hub.slots[booth.SLOT])
    assert [state.ready for state in states] == [True]


def test_the_stage_overrides_a_booth_and_the_booths_own_change_ends_it(
        aio: LoopRunner) -> None:
    fr, stage = fr_and_stage(FakeHub())

    async def scenario() -> None:
        async with consoles(fr, stage):
            await settle()
            state = await stage.sync.override("fr", True, "Stage manager")
            assert (state.ready, state.override_by, state.role) == (True, "Stage manager",
                                                                    "stage")
            await until(lambda: fr.heard, 2, "the booth hears the override")
            assert fr.heard[-1].override_by == "Stage manager"
            again = await stage.sync.override("fr", True, "Stage manager")
            assert again.seq == state.seq  # the same override twice is one change
            own = await fr.sync.publish("fr", lambda s: booth.changed(
                s, NOW + timedelta(seconds=1), "booth-fr [1]", ready=False, override_by=None))
            await until(lambda: stage.heard and stage.heard[-1].seq == own.seq, 2,
                        "the stage hears the booth")
            assert stage.heard[-1].override_by is None
            assert not stage.heard[-1].ready

    aio.run(scenario())


def test_the_same_override_pressed_twice_at_once_is_one_change(aio: LoopRunner) -> None:
    fr, stage = fr_and_stage(FakeHub())

    async def scenario() -> None:
        async with consoles(fr, stage):
            await settle()
            first, second = await asyncio.gather(
                stage.sync.override("fr", True, "Stage manager"),
                stage.sync.override("fr", True, "Stage manager"))
            assert first.seq == second.seq == 1
            await until(lambda: fr.heard, 2, "the booth hears the override")
            await settle()
            assert [s.seq for s in fr.heard] == [1]

    aio.run(scenario())
