"""Audio meters from a real OBS: seven booths looping generated voices, one of them silent."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from console.models.meters import (
    FLOOR_DB,
    NO_METERS_AFTER_S,
    SILENCE_BELOW_DB,
    Signal,
    SignalState,
    follow,
)
from console.models.obs_events import ObsEvent, OtherEvent, ResourceChange, ResourcesChanged
from console.models.obs_state import ConnectionState
from console.obs.connection import ConnectionSettings, ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.gateway import ObsGateway
from console.obs.meter_feed import METER_SUBSCRIPTIONS, MeterFeed, MeterFrame
from console.obs.private_obs import PrivateObs
from console.services.demo_audio import write_booth_files
from tests.helpers.loops import LoopRunner, until
from tests.helpers.obs import bare_client

pytestmark = pytest.mark.obs

LANGUAGES = ("ar", "en", "fr", "es", "tr", "ur", "ms")
SILENT = "tr"
SILENT_AFTER_S = 2.0  # short, so the test is quick; the console's default is longer
SCENE = "Booths"


@dataclass(frozen=True)
class Booths:
    obs: PrivateObs
    inputs: dict[str, str]  # language: OBS input name

    @property
    def voices(self) -> list[str]:
        return [name for language, name in self.inputs.items() if language != SILENT]

    @property
    def silent(self) -> str:
        return self.inputs[SILENT]


@pytest.fixture
def booths(own_obs: PrivateObs, tmp_path: Path) -> Booths:
    """Seven looping booth files in a scene of their own, on program (OBS meters only the
    inputs of the scene on program)."""
    files = write_booth_files(tmp_path / "audio", LANGUAGES, silent=[SILENT])
    inputs = {language: f"Booth {language}" for language in LANGUAGES}
    client = bare_client(own_obs)
    try:
        client.send("CreateScene", {"sceneName": SCENE})
        for language, name in inputs.items():
            client.send("CreateInput", {
                "sceneName": SCENE, "inputName": name, "inputKind": "ffmpeg_source",
                "inputSettings": {"local_file": str(files[language]), "looping": True}})
        client.send("SetCurrentProgramScene", {"sceneName": SCENE})
    finally:
        client.disconnect()
    return Booths(own_obs, inputs)


@asynccontextmanager
async def meter_feed(obs: PrivateObs) -> AsyncIterator[MeterFeed]:
    feed = MeterFeed(ObsEndpoint("127.0.0.1", obs.port), obs.password)
    feed.start()
    try:
        await feed.connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=10)
        yield feed
    finally:
        await feed.stop()


async def frames_for(feed: MeterFeed, seconds: float) -> list[MeterFrame]:
    """Every distinct frame a 20 Hz reader sees in ``seconds``."""
    seen: list[MeterFrame] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        frame = feed.latest()
        if frame is not None and (not seen or frame.number != seen[-1].number):
            seen.append(frame)
        await asyncio.sleep(0.05)
    return seen


def loudest(frames: list[MeterFrame], name: str) -> float:
    return max((f.readings[name].level_db for f in frames if name in f.readings),
               default=FLOOR_DB)


def test_six_voices_have_levels_and_the_silent_booth_raises_the_alarm_in_time(
    aio: LoopRunner, booths: Booths,
) -> None:
    async def scenario() -> tuple[float | None, dict[str, set[SignalState]], list[MeterFrame]]:
        async with meter_feed(booths.obs) as feed:
            await until(lambda: feed.latest() is not None, 10, "a first meter frame")
            frames = await frames_for(feed, 1.0)
            signals = {name: Signal() for name in booths.inputs.values()}
            states: dict[str, set[SignalState]] = {name: set() for name in signals}
            started, alarm_after = time.monotonic(), None
            last = 0
            while time.monotonic() - started < SILENT_AFTER_S + 2.5:
                frame = feed.latest()
                if frame is not None and frame.number != last:
                    last = frame.number
                    now = frame.received_at.timestamp()
                    for name, signal in signals.items():
                        signals[name] = follow(signal, frame.readings.get(name), now,
                                               on_air=True, silent_after_s=SILENT_AFTER_S)
                        states[name].add(signals[name].state)
                    if alarm_after is None and \
                            signals[booths.silent].state is SignalState.SILENT:
                        alarm_after = time.monotonic() - started
                await asyncio.sleep(0.05)
            return alarm_after, states, frames

    alarm_after, states, frames = aio.run(scenario())
    assert len(frames) >= 10  # ~20 a second, read at most 20 times a second
    for name in booths.voices:
        assert loudest(frames, name) > SILENCE_BELOW_DB, name
        assert states[name] == {SignalState.PRESENT}, name
    assert loudest(frames, booths.silent) == FLOOR_DB
    assert all(f.readings[booths.silent].peak_db == FLOOR_DB for f in frames)
    # The bound the feature states: silent for N seconds on air, alarmed within N + 1.
    assert alarm_after is not None
    assert alarm_after <= SILENT_AFTER_S + 1.0
    assert states[booths.silent] == {SignalState.PRESENT, SignalState.SILENT}


def test_a_removed_input_reads_no_input(aio: LoopRunner, booths: Booths) -> None:
    removed = booths.inputs["fr"]

    async def scenario() -> tuple[list[ObsEvent], Signal, Signal]:
        async with meter_feed(booths.obs) as feed:
            events: list[ObsEvent] = []
            feed.gateway.events.connect(events.append)
            await until(lambda: (f := feed.latest()) is not None and removed in f.readings,
                        10, "the input metered")
            await asyncio.to_thread(_remove_input, booths.obs, removed)
            await until(lambda: any(isinstance(e, ResourcesChanged) for e in events), 5,
                        "InputRemoved as a typed event")
            gone_at = time.monotonic()
            signal = Signal()
            # By the meters alone: frames stop carrying the input.
            while time.monotonic() - gone_at < NO_METERS_AFTER_S + 1.0:
                frame = feed.latest()
                if frame is not None:
                    signal = follow(signal, frame.readings.get(removed),
                                    frame.received_at.timestamp(), on_air=True)
                await asyncio.sleep(0.05)
            # By OBS's word: the input does not exist.
            told = follow(Signal(), None, time.time(), on_air=True,
                          input_exists=await feed.gateway.has_input(removed))
            feed.gateway.events.disconnect(events.append)
            return events, signal, told

    events, by_meters, by_obs = aio.run(scenario())
    removals = [e for e in events if isinstance(e, ResourcesChanged)]
    assert [(e.change, e.name) for e in removals] == [(ResourceChange.INPUT_REMOVED, removed)]
    assert by_meters.state is SignalState.NO_INPUT
    assert by_obs.state is SignalState.NO_INPUT


def _remove_input(obs: PrivateObs, name: str) -> None:
    client = bare_client(obs)
    try:
        client.send("RemoveInput", {"inputName": name})
    finally:
        client.disconnect()


def test_the_feed_keeps_metering_after_obs_restarts(aio: LoopRunner, booths: Booths) -> None:
    voice = booths.inputs["en"]

    async def scenario() -> tuple[int, list[MeterFrame]]:
        async with meter_feed(booths.obs) as feed:
            await until(lambda: feed.latest() is not None, 10, "a first meter frame")
            await asyncio.to_thread(booths.obs.stop)  # saves the scene collection
            await feed.connection.wait_for_state(ConnectionState.RECONNECTING, timeout_s=5)
            assert feed.latest() is None  # no stale levels while OBS is away
            before = feed.frames_received
            await asyncio.to_thread(booths.obs.start)
            await feed.connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=15)
            await until(lambda: (f := feed.latest()) is not None and voice in f.readings,
                        15, "meters after the restart")
            return before, await frames_for(feed, 1.0)

    before, frames = aio.run(scenario())
    assert frames
    assert all(frame.number > before for frame in frames)
    assert loudest(frames, voice) > SILENCE_BELOW_DB
    assert loudest(frames, booths.silent) == FLOOR_DB


def test_meter_frames_never_reach_event_subscribers(aio: LoopRunner, booths: Booths) -> None:
    endpoint = ObsEndpoint("127.0.0.1", booths.obs.port)
    password = booths.obs.password

    async def scenario() -> tuple[int, list[ObsEvent], list[ObsEvent], list[ObsEvent]]:
        main = ObsConnection(endpoint, password, name="main")
        # The control: meters subscribed with no sink arrive as events, so the counts
        # below could fail if the sink let them through.
        unsunk = ObsConnection(endpoint, password, name="no-sink", settings=ConnectionSettings(
            subscriptions=METER_SUBSCRIPTIONS))
        feed = MeterFeed(endpoint, password)
        delivered: dict[str, list[ObsEvent]] = {"main": [], "feed": [], "unsunk": []}
        signals = {"main": main.event, "feed": feed.gateway.events, "unsunk": unsunk.event}
        for key, signal in signals.items():
            signal.connect(delivered[key].append)
        connections = (main, unsunk, feed.connection)
        for connection in connections:
            connection.start()
        try:
            for connection in connections:
                await connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=10)
            start = feed.frames_received
            await until(lambda: feed.frames_received - start >= 200, 20, "200 meter frames")
            frames = feed.frames_received - start
        finally:
            for connection in connections:
                await connection.stop()
            for key, signal in signals.items():
                signal.disconnect(delivered[key].append)
        return frames, delivered["main"], delivered["feed"], delivered["unsunk"]

    frames, main, feed, unsunk = aio.run(scenario(), timeout_s=60)
    assert frames >= 200
    assert [e for e in main if _is_meter_frame(e)] == []
    assert feed == []  # subscribed to inputs and meters only, and no input changed
    assert sum(1 for e in unsunk if _is_meter_frame(e)) >= 150  # the same ~10 s, as events


def _is_meter_frame(event: ObsEvent) -> bool:
    return isinstance(event, OtherEvent) and event.event_type == "InputVolumeMeters"


def test_audio_requests_beside_takes_leave_obs_standing(aio: LoopRunner, booths: Booths) -> None:
    """The meter connection has its own request queue, so OBS gets requests from two of
    our sessions at once (OBS 29 once crashed on that with other requests): takes and
    captions on one, mute and tracks on the other, for a while."""
    client = bare_client(booths.obs)
    try:
        client.send("CreateScene", {"sceneName": "Other"})
        client.send("CreateInput", {"sceneName": SCENE, "inputName": "Caption",
                                    "inputKind": "text_ft2_source_v2",
                                    "inputSettings": {"text": ""}})
        client.send("SetCurrentSceneTransition", {"transitionName": "Cut"})
    finally:
        client.disconnect()
    endpoint = ObsEndpoint("127.0.0.1", booths.obs.port)

    async def scenario() -> tuple[int, int, int]:
        main = ObsConnection(endpoint, booths.obs.password, name="main")
        feed = MeterFeed(endpoint, booths.obs.password)
        main.start()
        feed.start()
        sent = {"main": 0, "audio": 0}
        try:
            for connection in (main, feed.connection):
                await connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=10)
            frames_before = feed.frames_received
            end = time.monotonic() + 10
            await asyncio.gather(_takes(ObsGateway(main), end, sent),
                                 _coughs(feed.gateway, booths, end, sent))
            assert main.state is ConnectionState.CONNECTED
            assert feed.connection.state is ConnectionState.CONNECTED
            return sent["main"], sent["audio"], feed.frames_received - frames_before
        finally:
            await main.stop()
            await feed.stop()

    takes, audio, frames = aio.run(scenario(), timeout_s=60)
    assert booths.obs.is_running()
    assert takes > 100
    assert audio > 100
    assert frames >= 150  # meters kept coming meanwhile


async def _takes(gateway: ObsGateway, end: float, sent: dict[str, int]) -> None:
    while time.monotonic() < end:
        for scene in ("Other", SCENE):
            await gateway.set_program_scene(scene)
            await gateway.set_text("Caption", f"{scene} {sent['main']}")
            await gateway.scene_items(scene)
            sent["main"] += 3


async def _coughs(gateway: ObsGateway, booths: Booths, end: float, sent: dict[str, int]) -> None:
    names = booths.voices
    rounds = 0
    while time.monotonic() < end:
        name = names[rounds % len(names)]
        await gateway.set_input_mute(name, True)
        await gateway.set_input_mute(name, False)
        await gateway.set_input_audio_tracks(name, {1 + rounds % 6})
        await gateway.inputs()
        sent["audio"] += 4
        rounds += 1
