"""Speaker handoffs end to end: the console as a subprocess with the demo show and the
control API, a real OBS, and an independent client checking what OBS did."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from console.models.preflight import LOWER_THIRD_IMAGE, LOWER_THIRD_TEXT
from console.obs.private_obs import PrivateObs
from console.store.database import open_database
from console.store.shows import load_show
from tests.helpers.control import TOKEN, call, provisioned_demo, start_console, wait_for_state
from tests.helpers.obs import bare_client

pytestmark = pytest.mark.obs


def lower_third_settings(obs: PrivateObs) -> tuple[str, str]:
    client = bare_client(obs)
    try:
        text = client.send("GetInputSettings", {"inputName": LOWER_THIRD_TEXT}, raw=True)
        image = client.send("GetInputSettings", {"inputName": LOWER_THIRD_IMAGE}, raw=True)
    finally:
        client.disconnect()
    return (str(text["inputSettings"].get("text", "")),
            str(image["inputSettings"].get("file", "")))


def program_scene(obs: PrivateObs) -> str:
    client = bare_client(obs)
    try:
        return str(client.send("GetCurrentProgramScene", raw=True)["currentProgramSceneName"])
    finally:
        client.disconnect()


@pytest.fixture
def demo_db(tmp_path: Path, own_obs: PrivateObs) -> Path:
    return provisioned_demo(tmp_path, own_obs)


def demo_segments(db: Path) -> list[Any]:
    database = open_database(db)
    try:
        show = load_show(database)
    finally:
        database.conn.close()
    assert show is not None
    return [segment for day in show.stages[0].days for session in day.sessions
            for segment in session.segments]


def take_rows(db: Path) -> list[tuple[str, str | None, str | None]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT segment_id, planned, actual FROM asrun WHERE kind = 'take' ORDER BY id"
        ).fetchall()


def test_three_takes_through_the_control_api_follow_the_rundown(
    tmp_path: Path, own_obs: PrivateObs, demo_db: Path
) -> None:
    segments = demo_segments(demo_db)
    app, port = start_console(tmp_path, own_obs, demo_db)
    try:
        before = program_scene(own_obs)
        status, _ = call(port, "POST", "/api/take", token="wrong")
        assert status == 401
        assert program_scene(own_obs) == before
        seen: list[tuple[str, str]] = []
        for expected in segments[:3]:
            status, answer = call(port, "POST", "/api/take")
            assert status == 200, answer
            assert answer["segment_id"] == expected.id
            assert program_scene(own_obs) == expected.scene
            seen.append(lower_third_settings(own_obs))
        # OBS confirms the program scene when the transition has ended.
        state = wait_for_state(port, lambda s: s["obs"]["program_scene"] == segments[2].scene)
        assert state["live"]["segment_id"] == segments[2].id
        assert state["next"]["segment_id"] == segments[3].id
        assert state["live"]["phase"] in ("normal", "warning", "danger", "overtime")
    finally:
        assert app.stop() == 0
    # Each speaker's lower third went to OBS (text, or an image rendered for Arabic script);
    # the third segment, a video, has no speaker.
    assert segments[0].speakers
    assert segments[1].speakers
    assert seen[0] != seen[1]
    assert all(Path(image).is_file() for _text, image in seen[:2])
    assert TOKEN not in app.log_text()
    rows = take_rows(demo_db)
    assert [row[0] for row in rows] == [segment.id for segment in segments[:3]]
    assert all(planned and actual for _id, planned, actual in rows)


@pytest.mark.expected_log("console.services.control_api", "console.ui.tasks")
def test_a_take_obs_refuses_is_reported_and_not_recorded(
    tmp_path: Path, own_obs: PrivateObs, demo_db: Path
) -> None:
    segments = demo_segments(demo_db)
    app, port = start_console(tmp_path, own_obs, demo_db)
    try:
        assert call(port, "POST", "/api/take")[0] == 200
        doomed = segments[1].scene
        assert doomed
        assert doomed != segments[0].scene
        client = bare_client(own_obs)
        try:
            client.send("RemoveScene", {"sceneName": doomed})
            # OBS 29 removes a scene a moment after answering: wait until it is gone.
            deadline = time.monotonic() + 5
            while doomed in {scene["sceneName"] for scene in
                             client.send("GetSceneList", raw=True)["scenes"]}:
                assert time.monotonic() < deadline, "OBS did not remove the scene"
                time.sleep(0.05)
        finally:
            client.disconnect()
        status, answer = call(port, "POST", "/api/take")
        assert status == 409, answer
        assert doomed in answer["error"] or "600" in answer["error"]
        status, state = call(port, "GET", "/api/state")
        assert state["live"]["segment_id"] == segments[0].id
    finally:
        assert app.stop() == 0
    assert [row[0] for row in take_rows(demo_db)] == [segments[0].id]
