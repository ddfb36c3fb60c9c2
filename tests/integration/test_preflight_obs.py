"""Preflight and provisioning against a real OBS Studio."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from console.models.preflight import (
    LOWER_THIRD_IMAGE,
    LOWER_THIRD_TEXT,
    MissingKind,
    preflight,
)
from console.obs.preflight import read_live_inventory
from console.obs.private_obs import PrivateObs
from console.obs.provision import (
    ObsPreflightService,
    SceneSource,
    ensure_scenes,
    provision_show,
)
from tests.helpers.loops import LoopRunner
from tests.helpers.obs import bare_client, connected
from tests.unit.test_preflight import segment, show_of

pytestmark = pytest.mark.obs




def items(obs: PrivateObs, scene: str) -> list[dict[str, Any]]:
    client = bare_client(obs)
    try:
        answer: list[dict[str, Any]] = client.send(
            "GetSceneItemList", {"sceneName": scene}, raw=True)["sceneItems"]
        return answer
    finally:
        client.disconnect()


def unique(label: str) -> str:
    return f"{label} {uuid.uuid4().hex[:8]}"


def test_live_inventory_and_preflight(aio: LoopRunner, shared_obs: PrivateObs) -> None:
    speaker, empty, absent = unique("PF Speaker"), unique("PF Empty"), unique("PF Absent")
    caption = unique("PF caption")
    other = bare_client(shared_obs)
    try:
        other.send("CreateScene", {"sceneName": speaker})
        other.send("CreateScene", {"sceneName": empty})
        other.send("CreateInput", {"sceneName": speaker, "inputName": caption,
                                   "inputKind": "text_ft2_source_v2",
                                   "inputSettings": {"text": "x"}})
    finally:
        other.disconnect()
    show = show_of(("Main", (segment("talk", speaker, speakers=1, minute=0),
                             segment("pause", empty, minute=1),
                             segment("gone", absent, speakers=1, minute=2))))

    async def scenario() -> None:
        async with connected(shared_obs) as connection:
            inventory = await read_live_inventory(connection)
            assert inventory.scenes[speaker] == {caption}
            assert inventory.scenes[empty] == frozenset()
            assert caption in inventory.inputs
            assert speaker not in inventory.inputs
            report = preflight(show, inventory)
            assert not report.ok
            assert [(i.kind, i.name, i.scene, i.segments, i.blocking)
                    for i in report.missing] == [
                (MissingKind.SOURCE, LOWER_THIRD_TEXT, speaker, ("talk",), False),
                (MissingKind.SOURCE, LOWER_THIRD_IMAGE, speaker, ("talk",), False),
                (MissingKind.SCENE, absent, absent, ("gone",), True),
                (MissingKind.SOURCE, LOWER_THIRD_TEXT, absent, ("gone",), False),
                (MissingKind.SOURCE, LOWER_THIRD_IMAGE, absent, ("gone",), False),
            ]
            service = ObsPreflightService(connection, lambda: show)
            assert await service.check() == list(report.missing)

    aio.run(scenario())


def test_provision_creates_what_is_missing_once_and_leaves_the_users_scenes(
    aio: LoopRunner, own_obs: PrivateObs,
) -> None:
    other = bare_client(own_obs)
    try:
        other.send("CreateScene", {"sceneName": "Break"})
        other.send("CreateInput", {"sceneName": "Break", "inputName": "Break slate",
                                   "inputKind": "color_source_v3", "inputSettings": {}})
        other.send("CreateScene", {"sceneName": "Panel"})
        other.send("CreateInput", {"sceneName": "Panel", "inputName": "Panel camera",
                                   "inputKind": "color_source_v3", "inputSettings": {}})
    finally:
        other.disconnect()
    break_before, panel_before = items(own_obs, "Break"), items(own_obs, "Panel")
    show = show_of(("Main", (
        segment("talk", "Speaker", speakers=1, minute=0),
        segment("pause", "Break", minute=1),
        segment("panel", "Panel", speakers=3, minute=2),
        segment("film", "Video", minute=3),
    )))
    progress: list[tuple[int, int, str]] = []

    async def scenario() -> None:
        async with connected(own_obs) as connection:
            first = await provision_show(connection, show,
                                         lambda *step: progress.append(step))
            assert first.created == ["Speaker", "Video"]
            assert first.already_there == ["Break", "Panel"]
            assert first.created_inputs == [SceneSource("Speaker", LOWER_THIRD_TEXT),
                                            SceneSource("Speaker", LOWER_THIRD_IMAGE)]
            assert first.added_items == [SceneSource("Panel", LOWER_THIRD_TEXT),
                                         SceneSource("Panel", LOWER_THIRD_IMAGE)]
            assert first.skipped == []
            after = preflight(show, await read_live_inventory(connection))
            assert after.ok
            assert after.missing == ()
            second = await provision_show(connection, show)
            assert not second.changed_anything
            assert second.already_there == ["Speaker", "Break", "Panel", "Video"]

    aio.run(scenario())
    assert progress[0] == (0, 6, "scene 'Speaker'")
    assert progress[-1] == (6, 6, "")
    assert [done for done, _total, _what in progress] == list(range(7))
    assert items(own_obs, "Break") == break_before
    panel_after = items(own_obs, "Panel")
    assert panel_after[: len(panel_before)] == panel_before  # the user's items as they were
    added = {item["sourceName"]: item for item in panel_after[len(panel_before):]}
    assert set(added) == {LOWER_THIRD_TEXT, LOWER_THIRD_IMAGE}
    assert not any(item["sceneItemEnabled"] for item in added.values())
    speaker = {item["sourceName"]: item for item in items(own_obs, "Speaker")}
    assert set(speaker) == {"Speaker background", "Speaker label",
                            LOWER_THIRD_TEXT, LOWER_THIRD_IMAGE}
    assert not speaker[LOWER_THIRD_TEXT]["sceneItemEnabled"]
    assert speaker["Speaker label"]["sceneItemEnabled"]


def test_a_name_taken_by_an_input_is_skipped_not_replaced(
    aio: LoopRunner, shared_obs: PrivateObs,
) -> None:
    taken = unique("PF taken")
    other = bare_client(shared_obs)
    try:
        holder = unique("PF holder")
        other.send("CreateScene", {"sceneName": holder})
        other.send("CreateInput", {"sceneName": holder, "inputName": taken,
                                   "inputKind": "color_source_v3", "inputSettings": {}})
    finally:
        other.disconnect()
    show = show_of(("Main", (segment("pause", taken),)))

    async def scenario() -> None:
        async with connected(shared_obs) as connection:
            report = await provision_show(connection, show)
            assert report.created == []
            assert report.skipped == [f"scene '{taken}': an input already has that name"]
            assert taken not in (await read_live_inventory(connection)).scenes

    aio.run(scenario())


def test_ensure_scenes_still_decorates(aio: LoopRunner, shared_obs: PrivateObs) -> None:
    name = unique("PF ensure")

    async def scenario() -> None:
        async with connected(shared_obs) as connection:
            report = await ensure_scenes(connection, [name, name])
            assert report.created == [name]
            again = await ensure_scenes(connection, [name])
            assert again.already_there == [name]

    aio.run(scenario())
    assert {item["sourceName"] for item in items(shared_obs, name)} == \
        {f"{name} background", f"{name} label"}
