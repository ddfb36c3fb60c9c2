"""The demo's audio on two real OBS: six mixes on the main one, the seventh on a second."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.formats.detect import CONSOLE_JSON
from console.models.meters import FLOOR_DB, SILENCE_BELOW_DB
from console.models.obs_state import ConnectionState
from console.obs.channel_provision import AUDIO_SCENE
from console.obs.connection import ObsConnection
from console.obs.display import VirtualDisplay
from console.obs.endpoint import ObsEndpoint
from console.obs.gateway import ObsGateway
from console.obs.meter_feed import MeterFeed
from console.obs.private_obs import PrivateObs
from console.obs.provision import ChannelStatus, ProvisionReport, provision_show
from console.services.demo import SECOND_OBS, SILENT_BOOTH, provision_demo_audio
from console.services.show_import import demo_show_path, read_schedule
from tests.helpers.loops import LoopRunner, until
from tests.helpers.obs import bare_client

pytestmark = pytest.mark.obs
MAIN_INPUTS = {"ar": "Floor (ar)", "en": "Booth en", "fr": "Booth fr", "es": "Booth es",
               "tr": "Booth tr", "ur": "Booth ur"}


@pytest.fixture
def second_obs(own_obs: PrivateObs, virtual_display: VirtualDisplay,
               tmp_path: Path) -> Iterator[PrivateObs]:
    """The demo's second OBS: same display, same password as the first."""
    obs = PrivateObs(home=tmp_path / "second", display=virtual_display,
                     password=own_obs.password)
    obs.start()
    yield obs
    obs.stop()


def connection_to(obs: PrivateObs, name: str) -> ObsConnection:
    return ObsConnection(ObsEndpoint("127.0.0.1", obs.port), obs.password, name=name)


async def loudest(feed: MeterFeed, seconds: float) -> dict[str, float]:
    """The loudest level of each metered input over ``seconds``."""
    await until(lambda: feed.latest() is not None, 10, f"meters from {feed.name}")
    levels: dict[str, float] = {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        frame = feed.latest()
        for name, reading in (frame.readings.items() if frame else ()):
            levels[name] = max(levels.get(name, FLOOR_DB), reading.level_db)
        await asyncio.sleep(0.05)
    return levels


def tracks(obs: PrivateObs, name: str) -> set[int]:
    client = bare_client(obs)
    try:
        answer = client.send("GetInputAudioTracks", {"inputName": name}, raw=True)
    finally:
        client.disconnect()
    return {int(track) for track, on in answer["inputAudioTracks"].items() if on}


def obs_answer(obs: PrivateObs, request: str) -> Any:
    client = bare_client(obs)
    try:
        return client.send(request, raw=True)
    finally:
        client.disconnect()


def test_six_voices_on_the_main_obs_and_the_seventh_on_the_second(
    aio: LoopRunner, own_obs: PrivateObs, second_obs: PrivateObs, tmp_path: Path,
) -> None:
    show = read_schedule(demo_show_path(), CONSOLE_JSON).show

    async def scenario() -> tuple[ProvisionReport, ProvisionReport, dict[str, float],
                                  dict[str, float]]:
        main, second = connection_to(own_obs, "main"), connection_to(second_obs, SECOND_OBS)
        feeds = [MeterFeed(ObsEndpoint("127.0.0.1", obs.port), obs.password, name=f"{n}-meters")
                 for obs, n in ((own_obs, "main"), (second_obs, SECOND_OBS))]
        for running in (main, second, *(feed.connection for feed in feeds)):
            running.start()
        try:
            await main.wait_for_state(ConnectionState.CONNECTED, timeout_s=10)
            await provision_show(main, show)
            report = await provision_demo_audio(main, show, tmp_path / "audio", second=second)
            again = await provision_demo_audio(main, show, tmp_path / "audio", second=second)
            await ObsGateway(main).set_program_scene("Opening")  # a show scene, not the audio
            main_levels = await loudest(feeds[0], 1.5)
            second_levels = await loudest(feeds[1], 1.5)
        finally:
            for running in (main, second, *(feed.connection for feed in feeds)):
                await running.stop()
        return report, again, main_levels, second_levels

    report, again, main_levels, second_levels = aio.run(scenario(), timeout_s=90)
    assert [(c.language, c.obs, c.tracks, c.status) for c in report.channels] == [
        (language, "main", (track,), ChannelStatus.CREATED)
        for track, language in enumerate(MAIN_INPUTS, start=1)]
    assert report.plan_problems == []
    assert [c.status for c in again.channels] == [ChannelStatus.READY] * 6
    # Every show scene shows the audio scene, so whichever is on program carries the booths.
    for voice in (name for language, name in MAIN_INPUTS.items() if language != SILENT_BOOTH):
        assert main_levels[voice] > SILENCE_BELOW_DB, voice
    assert main_levels[MAIN_INPUTS[SILENT_BOOTH]] == FLOOR_DB
    assert "Booth ms" not in main_levels
    assert second_levels["Booth ms"] > SILENCE_BELOW_DB
    assert [tracks(own_obs, name) for name in MAIN_INPUTS.values()] == \
        [{track} for track in range(1, 7)]
    assert tracks(second_obs, "Booth ms") == {1}
    assert obs_answer(second_obs, "GetCurrentProgramScene")["currentProgramSceneName"] == \
        AUDIO_SCENE
    video = obs_answer(second_obs, "GetVideoSettings")
    assert (video["baseWidth"], video["baseHeight"], video["fpsNumerator"]) == (320, 180, 10)


@pytest.mark.expected_log("console.services.demo")
def test_without_the_second_obs_the_demo_says_why_seven_mixes_do_not_fit(
    aio: LoopRunner, shared_obs: PrivateObs, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    show = read_schedule(demo_show_path(), CONSOLE_JSON).show
    inputs_before = obs_answer(shared_obs, "GetInputList")["inputs"]

    async def scenario() -> ProvisionReport:
        main = connection_to(shared_obs, "main")
        main.start()
        try:
            await main.wait_for_state(ConnectionState.CONNECTED, timeout_s=10)
            return await provision_demo_audio(main, show, tmp_path / "audio")
        finally:
            await main.stop()

    report = aio.run(scenario())
    assert report.channels == []
    assert "7 mixes" in report.plan_problems[0].problem
    assert obs_answer(shared_obs, "GetInputList")["inputs"] == inputs_before
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("second OBS instance" in message for message in warnings)
