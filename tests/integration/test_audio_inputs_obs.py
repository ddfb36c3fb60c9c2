"""Audio requests of the gateway and provisioning of the channels, against a real OBS."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest

from console.models.channels import ChannelPlan, default_plan
from console.models.errors import InvalidValue
from console.models.obs_events import InputMuteChanged, InputTracksChanged, ObsEvent
from console.obs.channel_provision import (
    AUDIO_SCENE,
    InputSpec,
    provision_channels,
    silent_placeholder,
)
from console.obs.errors import ObsRequestFailed
from console.obs.gateway import (
    NAME_TAKEN,
    NOT_AUDIO,
    RESOURCE_NOT_FOUND,
    InputInfo,
    ObsGateway,
)
from console.obs.private_obs import PrivateObs
from console.obs.provision import ChannelStatus, SceneSource
from tests.helpers.loops import LoopRunner, until
from tests.helpers.obs import bare_client, connected

pytestmark = pytest.mark.obs
S = ChannelStatus




@asynccontextmanager
async def gateway_to(obs: PrivateObs) -> AsyncIterator[ObsGateway]:
    async with connected(obs) as connection:
        yield ObsGateway(connection)


def unique(label: str) -> str:
    return f"{label} {uuid.uuid4().hex[:8]}"


def obs_send(obs: PrivateObs, request: str, data: dict[str, Any] | None = None) -> Any:
    client = bare_client(obs)
    try:
        return client.send(request, data, raw=True)
    finally:
        client.disconnect()


def test_create_an_input_and_list_inputs_with_their_kinds(
    aio: LoopRunner, shared_obs: PrivateObs,
) -> None:
    scene, booth, elsewhere = unique("Audio scene"), unique("Booth"), unique("Elsewhere")

    async def scenario() -> None:
        async with gateway_to(shared_obs) as gateway:
            await gateway.create_scene(scene)
            await gateway.create_scene(elsewhere)
            item = await gateway.create_input(scene, booth, "ffmpeg_source", {"looping": True})
            assert isinstance(item, int)
            assert InputInfo(booth, "ffmpeg_source") in await gateway.inputs()
            assert await gateway.has_input(booth)
            assert not await gateway.has_input(unique("No such booth"))
            assert not await gateway.has_input(scene)  # a scene is no input
            with pytest.raises(ObsRequestFailed) as taken:
                await gateway.create_input(scene, booth, "ffmpeg_source", {})
            assert taken.value.code == NAME_TAKEN
            nested = await gateway.add_scene_item(elsewhere, booth)
            assert isinstance(nested, int)

    aio.run(scenario())
    settings = obs_send(shared_obs, "GetInputSettings", {"inputName": booth})
    assert settings["inputSettings"] == {"looping": True}
    items = obs_send(shared_obs, "GetSceneItemList", {"sceneName": elsewhere})["sceneItems"]
    assert [item["sourceName"] for item in items] == [booth]


def test_mute_is_set_and_confirmed_by_obs(aio: LoopRunner, shared_obs: PrivateObs) -> None:
    scene, booth = unique("Mute scene"), unique("Cough booth")
    obs_send(shared_obs, "CreateScene", {"sceneName": scene})
    obs_send(shared_obs, "CreateInput", {"sceneName": scene, "inputName": booth,
                                         "inputKind": "ffmpeg_source", "inputSettings": {}})

    async def scenario() -> list[ObsEvent]:
        async with gateway_to(shared_obs) as gateway:
            events: list[ObsEvent] = []
            gateway.events.connect(events.append)
            assert await gateway.input_muted(booth) is False
            await gateway.set_input_mute(booth, True)
            await until(lambda: any(isinstance(e, InputMuteChanged) for e in events), 5,
                        "OBS's confirmation")
            assert await gateway.input_muted(booth) is True
            await gateway.set_input_mute(booth, False)
            await until(lambda: len([e for e in events if isinstance(e, InputMuteChanged)]) == 2,
                        5, "the second confirmation")
            gateway.events.disconnect(events.append)
            return [e for e in events if isinstance(e, InputMuteChanged)]

    confirmed = aio.run(scenario())
    assert [(e.input, e.muted) for e in confirmed] == [(booth, True), (booth, False)]
    assert obs_send(shared_obs, "GetInputMute", {"inputName": booth})["inputMuted"] is False


def test_audio_tracks_are_set_exactly(aio: LoopRunner, shared_obs: PrivateObs) -> None:
    scene, booth = unique("Track scene"), unique("Track booth")
    obs_send(shared_obs, "CreateScene", {"sceneName": scene})
    obs_send(shared_obs, "CreateInput", {"sceneName": scene, "inputName": booth,
                                         "inputKind": "ffmpeg_source", "inputSettings": {}})

    async def scenario() -> list[ObsEvent]:
        async with gateway_to(shared_obs) as gateway:
            events: list[ObsEvent] = []
            gateway.events.connect(events.append)
            assert await gateway.input_audio_tracks(booth) == frozenset(range(1, 7))  # OBS's own
            await gateway.set_input_audio_tracks(booth, (2, 5))
            assert await gateway.input_audio_tracks(booth) == frozenset({2, 5})
            with pytest.raises(InvalidValue) as refused:
                await gateway.set_input_audio_tracks(booth, (3, 7))
            assert refused.value.field == "tracks"
            assert "track 7 does not exist" in str(refused.value)
            assert await gateway.input_audio_tracks(booth) == frozenset({2, 5})  # untouched
            await gateway.set_input_audio_tracks(booth, ())
            assert await gateway.input_audio_tracks(booth) == frozenset()
            await until(lambda: len([e for e in events if isinstance(e, InputTracksChanged)])
                        == 2, 5, "OBS's confirmations")
            gateway.events.disconnect(events.append)
            return [e for e in events if isinstance(e, InputTracksChanged)]

    confirmed = aio.run(scenario())
    assert [(e.input, e.tracks) for e in confirmed] == [(booth, frozenset({2, 5})),
                                                         (booth, frozenset())]


def test_audio_requests_about_inputs_without_audio_or_missing_are_refused(
    aio: LoopRunner, shared_obs: PrivateObs,
) -> None:
    scene, slate = unique("Slate scene"), unique("Slate")
    obs_send(shared_obs, "CreateScene", {"sceneName": scene})
    obs_send(shared_obs, "CreateInput", {"sceneName": scene, "inputName": slate,
                                         "inputKind": "color_source_v3", "inputSettings": {}})

    async def scenario() -> None:
        async with gateway_to(shared_obs) as gateway:
            for ask in (gateway.input_muted(slate), gateway.input_audio_tracks(slate)):
                with pytest.raises(ObsRequestFailed) as no_audio:
                    await ask
                assert no_audio.value.code == NOT_AUDIO
            with pytest.raises(ObsRequestFailed) as missing:
                await gateway.set_input_mute(unique("No such booth"), True)
            assert missing.value.code == RESOURCE_NOT_FOUND

    aio.run(scenario())


def plan_named(floor: str, languages: list[str], tag: str) -> ChannelPlan:
    """The default plan with input names of this test's own."""
    plan = default_plan(floor, languages)
    return ChannelPlan(tuple(replace(c, input=f"{c.input} {tag}") for c in plan.channels))


def tracks_of(obs: PrivateObs, name: str) -> set[int]:
    answer = obs_send(obs, "GetInputAudioTracks", {"inputName": name})["inputAudioTracks"]
    return {int(track) for track, on in answer.items() if on}


def test_channels_get_their_tracks_and_keep_everything_else(
    aio: LoopRunner, shared_obs: PrivateObs,
) -> None:
    tag = uuid.uuid4().hex[:8]
    plan = plan_named("ar", ["en", "fr"], tag)
    floor, english, french = (c.input for c in plan.channels)
    scene = f"Room {tag}"
    obs_send(shared_obs, "CreateScene", {"sceneName": scene})
    obs_send(shared_obs, "CreateInput", {"sceneName": scene, "inputName": floor,
                                         "inputKind": "ffmpeg_source",
                                         "inputSettings": {"local_file": "/nowhere/room.wav"}})
    obs_send(shared_obs, "CreateInput", {"sceneName": scene, "inputName": english,
                                         "inputKind": "ffmpeg_source", "inputSettings": {}})
    obs_send(shared_obs, "SetInputAudioTracks", {"inputName": english,
                                                 "inputAudioTracks": {"2": True, "3": False}})
    before = obs_send(shared_obs, "GetInputSettings", {"inputName": floor})

    async def scenario() -> tuple[Any, Any]:
        async with connected(shared_obs) as connection:
            first = await provision_channels(connection, plan, "ar")
            second = await provision_channels(connection, plan, "ar")
            return first, second

    first, second = aio.run(scenario())
    assert [(c.language, c.status) for c in first.channels] == [
        ("ar", S.TRACKS_SET), ("en", S.TRACKS_SET), ("fr", S.MISSING)]
    assert "add the booth's sound" in first.channels[2].describe()
    assert (first.created, first.created_inputs, first.added_items) == ([], [], [])
    assert [(c.language, c.status) for c in second.channels] == [
        ("ar", S.READY), ("en", S.READY), ("fr", S.MISSING)]
    assert not second.changed_anything
    assert tracks_of(shared_obs, floor) == {1}
    assert tracks_of(shared_obs, english) == {2}
    assert obs_send(shared_obs, "GetInputSettings", {"inputName": floor}) == before
    names = {i["inputName"] for i in obs_send(shared_obs, "GetInputList")["inputs"]}
    assert french not in names
    assert first.audio_problems == [first.channels[2].describe()]


def test_placeholders_go_in_the_audio_scene_which_every_show_scene_gets(
    aio: LoopRunner, own_obs: PrivateObs,
) -> None:
    plan = default_plan("ar", ["en", "fr"])
    floor, english, french = (c.input for c in plan.channels)
    obs_send(own_obs, "CreateScene", {"sceneName": "Opening"})
    obs_send(own_obs, "CreateScene", {"sceneName": "Talk"})
    obs_send(own_obs, "CreateInput", {"sceneName": "Talk", "inputName": english,
                                      "inputKind": "ffmpeg_source", "inputSettings": {}})
    made: list[str] = []

    def placeholders(channel: Any) -> InputSpec:
        made.append(channel.language)
        return silent_placeholder(channel)

    async def scenario() -> tuple[Any, Any]:
        async with connected(own_obs) as connection:
            first = await provision_channels(connection, plan, "ar", placeholders=placeholders,
                                             show_scenes=["Opening", "Talk", "Missing"])
            second = await provision_channels(connection, plan, "ar", placeholders=placeholders,
                                              show_scenes=["Opening", "Talk"])
            return first, second

    first, second = aio.run(scenario())
    assert made == ["ar", "fr"]  # the booth that exists keeps its own input
    assert [(c.language, c.status) for c in first.channels] == [
        ("ar", S.CREATED), ("en", S.TRACKS_SET), ("fr", S.CREATED)]
    assert first.created == [AUDIO_SCENE]
    assert first.created_inputs == [SceneSource(AUDIO_SCENE, floor, visible=True),
                                    SceneSource(AUDIO_SCENE, french, visible=True)]
    assert first.added_items == [SceneSource("Opening", AUDIO_SCENE, visible=True),
                                 SceneSource("Talk", AUDIO_SCENE, visible=True)]
    assert not second.changed_anything
    assert [c.status for c in second.channels] == [S.READY] * 3
    assert [tracks_of(own_obs, name) for name in (floor, english, french)] == [{1}, {2}, {3}]
    placeholder = obs_send(own_obs, "GetInputSettings", {"inputName": floor})
    assert placeholder["inputKind"] == "ffmpeg_source"
    for scene in ("Opening", "Talk"):
        items = obs_send(own_obs, "GetSceneItemList", {"sceneName": scene})["sceneItems"]
        nested = [item for item in items if item["sourceName"] == AUDIO_SCENE]
        assert len(nested) == 1
        assert nested[0]["sceneItemEnabled"]  # visible: its inputs are active on program
    audio = obs_send(own_obs, "GetSceneItemList", {"sceneName": AUDIO_SCENE})["sceneItems"]
    assert [item["sourceName"] for item in audio] == [floor, french]


def test_a_plan_that_does_not_fit_is_reported_and_nothing_is_touched(
    aio: LoopRunner, shared_obs: PrivateObs,
) -> None:
    tag = uuid.uuid4().hex[:8]
    plan = plan_named("ar", ["en", "fr", "es", "tr", "ur", "ms"], tag)
    inputs_before = obs_send(shared_obs, "GetInputList")["inputs"]

    async def scenario() -> Any:
        async with connected(shared_obs) as connection:
            return await provision_channels(connection, plan, "ar",
                                            placeholders=silent_placeholder)

    report = aio.run(scenario())
    assert report.channels == []
    assert not report.changed_anything
    too_many = report.plan_problems[0]
    assert "7 mixes (ar, en, fr, es, tr, ur, ms) do not fit one OBS" in too_many.problem
    assert "second OBS instance" in too_many.problem  # the fix, named
    assert report.audio_problems == [f"channel plan: {p}" for p in report.plan_problems]
    assert report.to_json()["plan_problems"][0] == {"field": "OBS 'main'",
                                                    "problem": too_many.problem}
    assert obs_send(shared_obs, "GetInputList")["inputs"] == inputs_before


def test_names_that_cannot_carry_a_channel_are_reported(
    aio: LoopRunner, shared_obs: PrivateObs,
) -> None:
    tag = uuid.uuid4().hex[:8]
    plan = plan_named("ar", ["en"], tag)
    floor, english = (c.input for c in plan.channels)
    obs_send(shared_obs, "CreateScene", {"sceneName": floor})  # a scene has the floor's name
    obs_send(shared_obs, "CreateInput", {"sceneName": floor, "inputName": english,
                                         "inputKind": "color_source_v3", "inputSettings": {}})

    async def scenario() -> Any:
        async with connected(shared_obs) as connection:
            return await provision_channels(connection, plan, "ar",
                                            placeholders=silent_placeholder)

    report = aio.run(scenario())
    assert [(c.language, c.status) for c in report.channels] == [
        ("ar", S.NOT_AUDIO), ("en", S.NOT_AUDIO)]
    assert "a scene has that name" in report.channels[0].why
    assert "has no audio" in report.channels[1].why
    assert report.created_inputs == []
