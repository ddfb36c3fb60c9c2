"""Lower thirds in a real OBS: text for Latin names, a Qt-rendered image for Arabic,
hidden again after the set time."""

from __future__ import annotations

import asyncio
import functools
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from console.formats.lower_third_template import load_template
from console.models.preflight import LOWER_THIRD_IMAGE, LOWER_THIRD_TEXT
from console.models.show import Segment, SegmentKind, Speaker
from console.obs.connection import ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.gateway import ObsGateway
from console.obs.private_obs import PrivateObs
from console.services.lower_third_output import LowerThirdOutput
from console.ui.lower_third_render import render_lower_third_png
from tests.helpers.loops import LoopRunner
from tests.helpers.obs import bare_client

pytestmark = pytest.mark.obs
SCENE = "LT Scene"


def segment_for(name: str, language: str) -> Segment:
    return Segment(id=f"lt-{language}", kind=SegmentKind.TALK, title="Talk",
                   planned_start=datetime(2026, 12, 5, 9, tzinfo=UTC),
                   planned_duration=timedelta(minutes=20),
                   speakers=(Speaker(name, language, "Bridges Institute"),), scene=SCENE)


def enabled(client: Any, source: str) -> bool:
    item = client.send("GetSceneItemId", {"sceneName": SCENE, "sourceName": source}, raw=True)
    return bool(client.send("GetSceneItemEnabled", {
        "sceneName": SCENE, "sceneItemId": item["sceneItemId"]}, raw=True)["sceneItemEnabled"])


def test_latin_text_arabic_image_and_auto_hide(
    qapp: Any, aio: LoopRunner, own_obs: PrivateObs, tmp_path: Path
) -> None:
    client = bare_client(own_obs)
    client.send("CreateScene", {"sceneName": SCENE})
    client.send("CreateInput", {"sceneName": SCENE, "inputName": LOWER_THIRD_TEXT,
                                "inputKind": "text_ft2_source_v2", "inputSettings": {}})
    client.send("CreateInput", {"sceneName": SCENE, "inputName": LOWER_THIRD_IMAGE,
                                "inputKind": "image_source", "inputSettings": {}})
    renderer = functools.partial(render_lower_third_png, template=load_template())

    async def scenario() -> None:
        connection = ObsConnection(ObsEndpoint("127.0.0.1", own_obs.port), own_obs.password)
        connection.start()
        output = LowerThirdOutput(ObsGateway(connection), renderer, tmp_path / "lt",
                                  auto_hide_s=0.5)
        try:
            await connection.wait_for_state(connection.state.CONNECTED, timeout_s=10)
            result = await output.show_for(segment_for("Elif Yıldız", "tr"), SCENE)
            assert result.error is None
            assert result.shown is not None
            text = client.send("GetInputSettings", {"inputName": LOWER_THIRD_TEXT}, raw=True)
            assert text["inputSettings"]["text"] == "Elif Yıldız\nBridges Institute"
            assert enabled(client, LOWER_THIRD_TEXT)
            assert not enabled(client, LOWER_THIRD_IMAGE)
            assert (await output.show_for(segment_for("ليلى حداد", "ar"), SCENE)).error is None
            image = client.send("GetInputSettings", {"inputName": LOWER_THIRD_IMAGE}, raw=True)
            assert Path(image["inputSettings"]["file"]).is_file()
            assert enabled(client, LOWER_THIRD_IMAGE)
            assert not enabled(client, LOWER_THIRD_TEXT)
            deadline = time.monotonic() + 5
            while enabled(client, LOWER_THIRD_IMAGE):
                assert time.monotonic() < deadline, "the lower third did not hide itself"
                await asyncio.sleep(0.05)
        finally:
            await output.close()
            await connection.stop()

    try:
        aio.run(scenario())
    finally:
        client.disconnect()


def test_a_png_the_disk_refuses_is_reported_not_raised(
    qapp: Any, aio: LoopRunner, shared_obs: PrivateObs, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the lower-third folder should be")
    renderer = functools.partial(render_lower_third_png, template=load_template())

    async def scenario() -> None:
        connection = ObsConnection(ObsEndpoint("127.0.0.1", shared_obs.port),
                                   shared_obs.password)
        connection.start()
        output = LowerThirdOutput(ObsGateway(connection), renderer, blocked / "lt")
        try:
            await connection.wait_for_state(connection.state.CONNECTED, timeout_s=10)
            result = await output.show_for(segment_for("ليلى حداد", "ar"), SCENE)
            assert result.shown is None
            assert result.error is not None
            assert "not-a-folder" in result.error
        finally:
            await output.close()
            await connection.stop()

    aio.run(scenario())
