"""The viewer monitor against the stand-in platforms over real HTTP: samples stored,
the as-run log told only what matters, and every failure handled as the platform asks."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from console.models.asrun import AsRunKind, ConsoleRole
from console.models.errors import InvalidValue
from console.models.viewers import (
    Destination,
    Platform,
    ViewerSample,
    ViewerState,
    check_destination,
)
from console.platforms.standin import Fault, StandIn
from console.services.asrun_log import AsRunLog
from console.services.viewer_monitor import DestinationsRefused, ViewerMonitor
from console.store.asrun import AsRunWriter, read_asrun
from console.store.database import open_database
from console.store.viewers import read_samples
from tests.helpers.loops import LoopRunner
from tests.helpers.platforms import SECRETS, TARGETS


@dataclass
class Rig:
    aio: LoopRunner
    standin: StandIn
    writer: AsRunWriter
    monitor: ViewerMonitor
    db_path: Path
    seen: list[tuple[Destination, ViewerSample]]

    def add(self, platform: Platform, target: str | None = None) -> Destination:
        template = self.standin.destination(platform, target or TARGETS[platform],
                                            language="en")
        return self.aio.run(self.monitor.add(template))

    def start(self, monitor: ViewerMonitor | None = None) -> None:
        async def start() -> None:
            (monitor or self.monitor).start()

        self.aio.run(start())

    def latest_state(self, destination: Destination) -> ViewerState | None:
        assert destination.id is not None
        sample = self.monitor.latest(destination.id)
        return None if sample is None else sample.state

    def wait_for(self, destination: Destination, state: ViewerState) -> ViewerSample:
        self.aio.wait_until(lambda: self.latest_state(destination) is state, 10,
                            f"{destination.name} {state.value}")
        assert destination.id is not None
        sample = self.monitor.latest(destination.id)
        assert sample is not None
        return sample


def _monitor(db_path: Path, writer: AsRunWriter, *, polls: bool = True,
             timeout_s: float = 5.0) -> ViewerMonitor:
    asrun = AsRunLog(writer, "stage-1", ConsoleRole.STAGE)
    return ViewerMonitor(db_path, asrun, saved_by="stage-1", polls=lambda: polls,
                         secrets=None, timeout_s=timeout_s)


@pytest.fixture
def rig(aio: LoopRunner, tmp_path: Path) -> Iterator[Rig]:
    standin = StandIn(seed=3, secrets=SECRETS, json_token=True)
    aio.run(standin.start())
    db_path = tmp_path / "show.sqlite"
    writer = AsRunWriter(db_path)
    asrun = AsRunLog(writer, "stage-1", ConsoleRole.STAGE)
    monitor = ViewerMonitor(db_path, asrun, saved_by="stage-1", secrets=standin.secrets(),
                            timeout_s=0.5)
    seen: list[tuple[Destination, ViewerSample]] = []
    monitor.sampled.connect(lambda d, s: seen.append((d, s)))
    try:
        yield Rig(aio, standin, writer, monitor, db_path, seen)
    finally:
        aio.run(monitor.close())
        writer.close()
        aio.run(standin.stop())


def test_counts_are_polled_stored_and_logged(rig: Rig) -> None:
    youtube = rig.add(Platform.YOUTUBE)
    twitch = rig.add(Platform.TWITCH)
    owncast = rig.add(Platform.OWNCAST)
    rig.standin.set_count(Platform.YOUTUBE, TARGETS[Platform.YOUTUBE], 1500)
    rig.standin.set_count(Platform.TWITCH, TARGETS[Platform.TWITCH], 320)
    rig.standin.set_count(Platform.OWNCAST, TARGETS[Platform.OWNCAST], None)
    rig.start()
    assert rig.wait_for(youtube, ViewerState.LIVE).viewers == 1500
    assert rig.wait_for(twitch, ViewerState.LIVE).viewers == 320
    offline = rig.wait_for(owncast, ViewerState.OFFLINE)
    assert offline.viewers is None  # offline is not zero
    assert rig.writer.flush(5)
    with open_database(rig.db_path) as db:
        stored = {(s.destination_id, s.state, s.viewers) for s in read_samples(db)}
        rows = read_asrun(db, kinds=[AsRunKind.VIEWERS])
    assert (youtube.id, ViewerState.LIVE, 1500) in stored
    assert (owncast.id, ViewerState.OFFLINE, None) in stored
    states = {(r.details.get("target"), r.details.get("state")) for r in rows}
    assert (TARGETS[Platform.TWITCH], "live") in states
    assert (owncast.target, "offline") in states
    assert all(r.language == "en" for r in rows if "target" in r.details)
    first_peak = [r.details["peak"] for r in rows if "peak" in r.details]
    assert first_peak in ([1500], [320])  # whichever platform answered first
    rig.aio.run(rig.monitor.close())  # the peak not logged yet (within 10 minutes) is
    assert rig.writer.flush(5)
    with open_database(rig.db_path) as db:
        peaks = [r.details["peak"] for r in read_asrun(db, kinds=[AsRunKind.VIEWERS])
                 if "peak" in r.details]
    assert peaks == [*first_peak, 1820]


def test_refused_credentials_stop_polling_and_say_so(rig: Rig) -> None:
    twitch = rig.add(Platform.TWITCH)
    youtube = rig.add(Platform.YOUTUBE)
    rig.standin.fail(Platform.TWITCH, TARGETS[Platform.TWITCH], Fault.HTTP_401)
    rig.start()
    refused = rig.wait_for(twitch, ViewerState.CREDENTIALS)
    assert "credentials" in refused.detail or "TWITCH" in refused.detail
    assert rig.monitor.next_poll_s(twitch) is None
    asked = rig.standin.requests[Platform.TWITCH]
    before = len([s for d, s in rig.seen if d.id == youtube.id])
    rig.monitor.poll_now()
    rig.aio.wait_until(lambda: len([s for d, s in rig.seen if d.id == youtube.id]) > before,
                       10, "another YouTube poll")
    assert rig.standin.requests[Platform.TWITCH] == asked


def test_a_rate_limit_waits_as_the_headers_say(rig: Rig) -> None:
    twitch = rig.add(Platform.TWITCH)
    rig.standin.fail(Platform.TWITCH, TARGETS[Platform.TWITCH], Fault.HTTP_429,
                     retry_after_s=120)
    rig.start()
    rig.wait_for(twitch, ViewerState.RATE_LIMITED)
    waiting = rig.monitor.next_poll_s(twitch)
    assert waiting is not None
    assert 100 < waiting <= 120
    rig.monitor.poll_now()  # a rate limit is not overridden
    waiting_still = rig.monitor.next_poll_s(twitch)
    assert waiting_still is not None
    assert waiting_still > 100


def test_a_server_that_never_answers_stalls_nothing_else(rig: Rig) -> None:
    hanging = rig.add(Platform.OWNCAST)
    json_doc = rig.aio.run(rig.monitor.add(rig.standin.destination(
        Platform.JSON, TARGETS[Platform.JSON])))
    rig.standin.fail(Platform.OWNCAST, TARGETS[Platform.OWNCAST], Fault.NEVER_ANSWERS)
    rig.standin.set_count(Platform.JSON, TARGETS[Platform.JSON], 42)
    rig.start()
    assert rig.wait_for(json_doc, ViewerState.LIVE).viewers == 42
    failed = rig.wait_for(hanging, ViewerState.ERROR)
    assert failed.detail
    waiting = rig.monitor.next_poll_s(hanging)
    assert waiting is not None
    assert waiting > 0  # backing off, not hammering


def test_many_adds_of_one_stream_at_once_store_it_once(rig: Rig) -> None:
    template = rig.standin.destination(Platform.YOUTUBE, TARGETS[Platform.YOUTUBE])

    async def add_all() -> list[object]:
        return await asyncio.gather(*(rig.monitor.add(template) for _ in range(5)),
                                    return_exceptions=True)

    outcomes = rig.aio.run(add_all())
    assert sum(isinstance(o, Destination) for o in outcomes) == 1
    assert sum(isinstance(o, DestinationsRefused) for o in outcomes) == 4
    assert len(rig.monitor.destinations) == 1


def test_a_manual_count_is_stored_and_checked(rig: Rig) -> None:
    screen = rig.aio.run(rig.monitor.add(check_destination("manual", "Hall B screen")))
    youtube = rig.add(Platform.YOUTUBE)
    assert screen.id is not None
    assert youtube.id is not None
    sample = rig.aio.run(rig.monitor.enter_count(screen.id, 250))
    assert sample.viewers == 250
    with pytest.raises(InvalidValue) as negative:
        rig.aio.run(rig.monitor.enter_count(screen.id, -3))
    assert negative.value.field == "viewers"
    with pytest.raises(InvalidValue, match="only a manual"):
        rig.aio.run(rig.monitor.enter_count(youtube.id, 3))
    assert rig.writer.flush(5)
    with open_database(rig.db_path) as db:
        assert [s.viewers for s in read_samples(db)] == [250]


def test_a_second_console_follows_without_asking_the_platforms(
        rig: Rig, aio: LoopRunner) -> None:
    youtube = rig.add(Platform.YOUTUBE)
    rig.standin.set_count(Platform.YOUTUBE, TARGETS[Platform.YOUTUBE], 77)
    follower = _monitor(rig.db_path, rig.writer, polls=False)
    followed: list[ViewerSample] = []
    follower.sampled.connect(lambda _d, s: followed.append(s))
    rig.start(follower)
    try:
        rig.start()
        rig.wait_for(youtube, ViewerState.LIVE)
        asked = rig.standin.requests[Platform.YOUTUBE]
        aio.wait_until(lambda: any(s.viewers == 77 for s in followed), 10,
                       "the follower sees the stored sample")
        assert [d.target for d in follower.destinations] == [TARGETS[Platform.YOUTUBE]]
        assert rig.standin.requests[Platform.YOUTUBE] == asked
    finally:
        aio.run(follower.close())


def test_a_destination_added_to_a_polled_platform_is_asked_at_once(rig: Rig) -> None:
    first = rig.add(Platform.YOUTUBE, "videoOne")
    rig.standin.set_count(Platform.YOUTUBE, "videoOne", 10)
    rig.standin.set_count(Platform.YOUTUBE, "videoTwo", 20)
    rig.start()
    rig.wait_for(first, ViewerState.LIVE)
    second = rig.add(Platform.YOUTUBE, "videoTwo")  # YouTube's interval is 30 s or more
    assert rig.wait_for(second, ViewerState.LIVE).viewers == 20
