"""An interpreter booth's console: ready, handover between partners (and its lapse), the
cough button's momentary mute, and what the booth shows before the stage console is heard
from. OBS is the fake hub; the e2e tests do the same through real OBS and real consoles."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from console.models import booth
from console.models.asrun import ConsoleRole
from console.models.booth import BoothState, HandoverState
from console.models.channels import ChannelMode, ChannelPlan, default_plan
from console.models.meters import Signal, SignalState
from console.models.stage_summary import SegmentSummary, StageSummary
from console.services.booth_desk import BoothDesk, BoothError
from console.services.booth_sync import BoothSync, Sender
from console.services.channel_board import channel_rows
from tests.helpers.booth_hub import FakeHub
from tests.helpers.loops import LoopRunner, until

START = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
PLAN = default_plan("ar", ("en", "fr"))
LIVE = SegmentSummary("Opening", ("Amira Haddad",), "ar", START, 900.0)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Booth:
    def __init__(self, hub: FakeHub, name: str, interpreter: str, clock: Clock,
                 language: str = "fr", cough_limit_s: float = 30.0) -> None:
        self.obs = hub.client()
        self.sync = BoothSync(self.obs, Sender(f"{name} [1]", ConsoleRole.INTERPRETER),
                              own_languages=(language,), clock=clock)
        self.desk = BoothDesk(self.sync, self.obs, language, interpreter,  # type: ignore[arg-type]
                              clock=clock, cough_limit_s=cough_limit_s)


@asynccontextmanager
async def running(*booths: Booth) -> AsyncIterator[None]:
    for one in booths:
        one.sync.start()
    await asyncio.sleep(0.01)
    try:
        yield
    finally:
        for one in booths:
            await one.desk.close()
            await one.sync.close()


async def settle() -> None:
    await asyncio.sleep(0.02)


def test_ready_takes_the_microphone_when_nobody_has_it(aio: LoopRunner) -> None:
    hub, clock = FakeHub(), Clock()
    amelie = Booth(hub, "fr-a", "Amélie", clock)

    async def scenario() -> None:
        async with running(amelie):
            answer = await amelie.desk.set_ready(True)
            assert answer == {"language": "fr", "ready": True, "interpreter": "Amélie"}
            sent = len(hub.sent)
            await amelie.desk.set_ready(True)  # nothing new to say
            assert len(hub.sent) == sent
            await amelie.desk.set_ready(False)
            assert amelie.desk.state.interpreter == "Amélie"  # still at the microphone
            assert not amelie.desk.state.ready

    aio.run(scenario())


def test_a_partner_accepts_a_handover_and_takes_the_microphone(aio: LoopRunner) -> None:
    hub, clock = FakeHub(), Clock()
    amelie, bruno = Booth(hub, "fr-a", "Amélie", clock), Booth(hub, "fr-b", "Bruno", clock)

    async def scenario() -> None:
        async with running(amelie, bruno):
            await amelie.desk.set_ready(True)
            await amelie.desk.request_handover()
            await until(bruno.desk.awaiting_my_answer, 2, "Bruno is asked")
            assert amelie.desk.awaiting_my_answer() is None  # not her own request
            with pytest.raises(BoothError, match="own request"):
                await amelie.desk.answer_handover(True)
            with pytest.raises(BoothError, match="already asked"):
                await bruno.desk.request_handover()
            await bruno.desk.answer_handover(True)
            await until(lambda: amelie.desk.state.interpreter == "Bruno", 2, "handed over")
            handover = amelie.desk.handover()
            assert handover is not None
            assert handover.state is HandoverState.ACCEPTED
            assert amelie.desk.state.ready  # the booth stays ready

    aio.run(scenario())


def test_a_declined_or_lapsed_request_leaves_the_microphone_where_it_was(
    aio: LoopRunner
) -> None:
    hub, clock = FakeHub(), Clock()
    amelie, bruno = Booth(hub, "fr-a", "Amélie", clock), Booth(hub, "fr-b", "Bruno", clock)

    async def scenario() -> None:
        async with running(amelie, bruno):
            await amelie.desk.set_ready(True)
            await amelie.desk.request_handover()
            await settle()
            await bruno.desk.answer_handover(False)
            await settle()
            assert amelie.desk.handover().state is HandoverState.DECLINED  # type: ignore[union-attr]
            await amelie.desk.request_handover()  # asked again, and nobody answers
            clock.now += timedelta(seconds=59)
            await settle()
            assert bruno.desk.awaiting_my_answer() is not None
            clock.now += timedelta(seconds=1)
            assert bruno.desk.awaiting_my_answer() is None
            with pytest.raises(BoothError, match="lapsed"):
                await bruno.desk.answer_handover(True)
            assert amelie.desk.state.interpreter == "Amélie"
            await amelie.desk.request_handover()  # a lapsed request does not block a new one

    aio.run(scenario())


def test_cough_mutes_the_booths_input_while_held(aio: LoopRunner) -> None:
    hub, clock = FakeHub(), Clock()
    fr = Booth(hub, "fr-a", "Amélie", clock)

    async def scenario() -> None:
        async with running(fr):
            assert (await fr.desk.cough(True))["input"] == "Booth fr"
            assert fr.desk.state.coughing
            await fr.desk.cough(False)
            assert not fr.desk.state.coughing

    aio.run(scenario())
    assert hub.mutes == [("Booth fr", True), ("Booth fr", False)]


def test_a_press_and_release_together_end_unmuted(aio: LoopRunner) -> None:
    hub, clock = FakeHub(), Clock()
    fr = Booth(hub, "fr-a", "Amélie", clock)

    async def scenario() -> None:
        async with running(fr):
            await asyncio.gather(fr.desk.cough(True), fr.desk.cough(False))
            assert not fr.desk.state.coughing

    aio.run(scenario())
    assert hub.mutes[-1] == ("Booth fr", False)


def test_a_cough_never_released_lifts_by_itself(aio: LoopRunner) -> None:
    hub, clock = FakeHub(), Clock()
    fr = Booth(hub, "fr-a", "Amélie", clock, cough_limit_s=0.1)

    async def scenario() -> None:
        async with running(fr):
            await fr.desk.cough(True)
            await until(lambda: not fr.desk.state.coughing, 2, "lifted")

    aio.run(scenario())
    assert hub.mutes == [("Booth fr", True), ("Booth fr", False)]


def test_closing_the_console_while_coughing_unmutes_the_booth(aio: LoopRunner) -> None:
    hub, clock = FakeHub(), Clock()
    fr = Booth(hub, "fr-a", "Amélie", clock)

    async def scenario() -> None:
        async with running(fr):
            await fr.desk.cough(True)

    aio.run(scenario())
    assert hub.mutes == [("Booth fr", True), ("Booth fr", False)]


def test_before_the_stage_is_heard_from_the_booth_does_not_guess(aio: LoopRunner) -> None:
    hub, clock = FakeHub(), Clock()
    fr = Booth(hub, "fr-a", "Amélie", clock)
    plan = ChannelPlan((*PLAN.channels[:2], replace(PLAN.channels[2], input="Cabine FR")))

    async def scenario() -> None:
        async with running(fr):
            assert fr.desk.role() is None
            assert fr.desk.on_air() is None
            described = fr.desk.describe()
            assert described["stage"] is None
            assert described["booth"]["mode"] is None
            hub.deliver({**_stage_message(StageSummary("ar", plan, live=LIVE))})
            await until(lambda: fr.desk.stage is not None, 2, "the stage heard")
            assert fr.desk.role().mode is ChannelMode.DIRECT  # type: ignore[union-attr]
            assert fr.desk.on_air() is True
            assert fr.desk.input_name == "Cabine FR"  # as the stage's plan names it

    aio.run(scenario())


def _stage_message(summary: StageSummary) -> dict[str, object]:
    return booth.encode_stage(replace(summary, console="stage [9]", seq=1))


class Meters:
    def signal_of(self, obs: str, input_name: str) -> Signal | None:
        if input_name == "Booth fr":
            return Signal(SignalState.PRESENT, level_db=-18.04)
        return None

    def muted_of(self, obs: str, input_name: str) -> bool | None:
        return {"Booth fr": True, "Booth en": False}.get(input_name)


def test_the_channel_rows_say_what_each_channel_does() -> None:
    summary = StageSummary("ar", PLAN, live=LIVE)
    states = {"fr": BoothState("fr", ready=True, interpreter="Amélie", coughing=True),
              "de": BoothState("de", ready=True)}
    rows = {row["language"]: row for row in channel_rows(summary, states, Meters(), START)}
    assert list(rows) == ["ar", "en", "fr", "de"]  # the plan's order, then others heard
    assert rows["ar"]["ready"] is None  # the floor has no booth
    assert rows["ar"]["on_air"] is True
    assert rows["en"]["ready"] is False  # never heard from
    assert rows["en"]["on_air"] is True
    assert rows["fr"]["on_air"] is False  # coughing
    assert rows["fr"]["signal"] == "present"
    assert rows["fr"]["level_db"] == -18.0
    assert rows["en"]["signal"] == "unknown"
    assert rows["en"]["level_db"] is None
    assert [rows[language]["muted"] for language in ("ar", "en", "fr", "de")] == [
        None, False, True, None]
    assert rows["de"]["obs"] is None
    rehearsal = channel_rows(replace(summary, rehearsal=True), states, None, START)
    assert not any(row["on_air"] for row in rehearsal)
    unknown = channel_rows(None, {}, None, START, also=("fr",))
    assert unknown == [{**unknown[0], "language": "fr", "on_air": None, "mode": None}]
