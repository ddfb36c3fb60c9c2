"""OSC feedback to real UDP listeners: what changed is sent, the time left every second
while a segment is live, and a target where nothing listens is said once."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest
from psygnal import Signal, SignalInstance

from console.models.booth import BoothState
from console.models.stage_summary import SegmentSummary, StageSummary
from console.services.osc_booth_feedback import BoothFeedback
from console.services.osc_feedback import (
    COUGH,
    ERROR,
    NEXT,
    ON_AIR,
    PHASE,
    READY,
    REHEARSAL,
    TIME_LEFT,
    TIME_LEFT_S,
    Feedback,
    FeedbackTarget,
    OscFeedback,
    encode,
)
from tests.helpers.loops import LoopRunner, until
from tests.helpers.osc import FeedbackListener, feedback_listener, parse

FEEDBACK_LOGGER = "console.services.osc_feedback"


class Source:
    changed = Signal()

    def __init__(self) -> None:
        self.values: dict[str, Any] = {TIME_LEFT: "5:00", TIME_LEFT_S: 300.0,
                                       PHASE: "normal", ON_AIR: "Keynote", NEXT: "Panel"}
        self.ticking = True

    @property
    def signals(self) -> Sequence[SignalInstance]:
        return (self.changed,)

    def feedback(self) -> Feedback:
        return Feedback(dict(self.values), ticking=self.ticking)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def sending(source: Source, clock: Clock) -> AsyncIterator[
        tuple[OscFeedback, FeedbackListener]]:
    listener = await feedback_listener()
    feedback = OscFeedback([FeedbackTarget("127.0.0.1", listener.port)], source, clock=clock)
    try:
        await feedback.start()
        yield feedback, listener
    finally:
        await feedback.stop()
        listener.close()


async def sent_until_mark(feedback: OscFeedback, listener: FeedbackListener) -> list[Any]:
    """What arrived since the last mark: a mark sent after it shows nothing else is coming."""
    feedback.error("", "mark")
    await until(lambda: listener.messages and listener.messages[-1][0] == ERROR, 10, "mark")
    sent = listener.messages[:-1]
    listener.messages.clear()
    return sent


def test_everything_first_then_only_what_changed(aio: LoopRunner) -> None:
    source, clock = Source(), Clock()

    async def scenario() -> None:
        async with sending(source, clock) as (feedback, listener):
            assert dict(await sent_until_mark(feedback, listener)) == {
                TIME_LEFT: ("5:00",), TIME_LEFT_S: (300.0,), PHASE: ("normal",),
                ON_AIR: ("Keynote",), NEXT: ("Panel",)}
            source.changed.emit()
            assert await sent_until_mark(feedback, listener) == []
            source.values[NEXT] = "Lunch"
            source.changed.emit()
            assert await sent_until_mark(feedback, listener) == [(NEXT, ("Lunch",))]

    aio.run(scenario())


def test_the_time_left_goes_out_when_it_changes_and_every_second_while_live(
        aio: LoopRunner) -> None:
    source, clock = Source(), Clock()

    async def scenario() -> None:
        async with sending(source, clock) as (feedback, listener):
            await sent_until_mark(feedback, listener)
            clock.now += 0.5  # held: the same figures, not yet due
            source.values[TIME_LEFT_S] = 299.5
            source.changed.emit()
            assert await sent_until_mark(feedback, listener) == []
            clock.now += 0.5  # a second since it was sent
            source.changed.emit()
            assert await sent_until_mark(feedback, listener) == [
                (TIME_LEFT, ("5:00",)), (TIME_LEFT_S, (299.5,))]
            source.values[TIME_LEFT] = "4:59"  # new figures go at once
            source.changed.emit()
            assert dict(await sent_until_mark(feedback, listener))[TIME_LEFT] == ("4:59",)
            source.ticking = False  # nothing live: only changes
            clock.now += 5
            source.changed.emit()
            assert await sent_until_mark(feedback, listener) == []

    aio.run(scenario())


def test_a_refresh_sends_everything_again(aio: LoopRunner) -> None:
    source, clock = Source(), Clock()

    async def scenario() -> None:
        async with sending(source, clock) as (feedback, listener):
            first = await sent_until_mark(feedback, listener)
            feedback.refresh()
            assert await sent_until_mark(feedback, listener) == first

    aio.run(scenario())


def test_every_target_gets_every_message(aio: LoopRunner) -> None:
    source, clock = Source(), Clock()

    async def scenario() -> None:
        listeners = [await feedback_listener() for _ in range(2)]
        feedback = OscFeedback([FeedbackTarget("127.0.0.1", each.port) for each in listeners],
                               source, clock=clock)
        try:
            await feedback.start()
            feedback.error("/console/take", "a take is already in flight")
            for listener in listeners:
                await until(lambda listener=listener: listener.values(ERROR), 10, "the error")
                assert listener.values(ERROR) == [("/console/take",
                                                   "a take is already in flight")]
                assert listener.values(ON_AIR) == [("Keynote",)]
        finally:
            await feedback.stop()
            for listener in listeners:
                listener.close()

    aio.run(scenario())


@pytest.mark.expected_log(FEEDBACK_LOGGER)
def test_a_target_where_nothing_listens_is_said_once_and_blocks_nothing(
        aio: LoopRunner, caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    source, clock = Source(), Clock()

    async def scenario() -> None:
        listener = await feedback_listener()
        feedback = OscFeedback([FeedbackTarget("127.0.0.1", closed_port),
                                FeedbackTarget("127.0.0.1", listener.port)], source,
                               clock=clock)
        try:
            await feedback.start()
            dead = feedback.links[0]
            for second in range(20):
                clock.now += 1
                source.values[TIME_LEFT] = f"4:{59 - second:02d}"
                source.changed.emit()
                await until(lambda n=second: len(listener.values(TIME_LEFT)) == n + 2, 10,
                            "the live target served")
            await until(lambda: dead.failures >= 2, 10, "errors from the dead target")
        finally:
            await feedback.stop()
            listener.close()

    aio.run(scenario())
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert str(closed_port) in warnings[0].getMessage()


def test_messages_carry_python_osc_types() -> None:
    assert parse(encode(TIME_LEFT, "-1:23")) == (TIME_LEFT, ("-1:23",))
    assert parse(encode("/console/hold", 1)) == ("/console/hold", (1,))
    assert parse(encode(TIME_LEFT_S, -83.5)) == (TIME_LEFT_S, (-83.5,))


def test_a_target_is_written_as_host_and_port() -> None:
    assert str(FeedbackTarget("192.168.1.30", 9000)) == "192.168.1.30:9000"
    assert str(FeedbackTarget("::1", 9000)) == "[::1]:9000"


class Desk:
    """What the booth's feedback reads of the desk."""

    changed = Signal(object)
    stage_changed = Signal(object)

    def __init__(self) -> None:
        self.stage: StageSummary | None = None
        self.state = BoothState("fr")


def test_a_booth_tells_what_the_stage_announced_and_its_own_state() -> None:
    desk = Desk()
    booth = BoothFeedback(desk)  # type: ignore[arg-type]
    assert booth.feedback() == Feedback({ON_AIR: "", NEXT: "", REHEARSAL: 0, READY: 0,
                                         COUGH: 0})
    desk.stage = StageSummary("en", live=SegmentSummary("Keynote"),
                              next=SegmentSummary("Panel"), rehearsal=True)
    desk.state = BoothState("fr", ready=True, coughing=True)
    assert booth.feedback() == Feedback({ON_AIR: "Keynote", NEXT: "Panel", REHEARSAL: 1,
                                         READY: 1, COUGH: 1})
    assert not booth.feedback().ticking  # a booth has no clock of its own
    assert list(booth.signals) == [desk.changed, desk.stage_changed]
