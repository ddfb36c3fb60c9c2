"""``conference-console preflight`` and ``provision`` as a script runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.obs.private_obs import PrivateObs, free_port
from tests.helpers.cli import console_environment, run_console
from tests.helpers.obs import bare_client

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"
PSYKON = REALDATA / "psykon-MB_Beam.json"
DEMO_SCENES = ["Opening", "Speaker", "Video", "Slides", "Panel", "Break"]


def import_demo(tmp_path: Path, env: dict[str, str]) -> str:
    db = str(tmp_path / "show.sqlite")
    result = run_console(["import", "--demo", "--db", db], env)
    assert result.returncode == 0, result.stderr
    return db


@pytest.mark.obs
def test_preflight_then_provision_then_preflight(own_obs: PrivateObs, tmp_path: Path) -> None:
    env = console_environment(tmp_path, own_obs.password)
    db = import_demo(tmp_path, env)
    other = bare_client(own_obs)
    try:  # the user's own Break scene, with a source of theirs
        other.send("CreateScene", {"sceneName": "Break"})
        other.send("CreateInput", {"sceneName": "Break", "inputName": "Sponsor loop",
                                   "inputKind": "color_source_v3", "inputSettings": {}})
        break_before = other.send("GetSceneItemList", {"sceneName": "Break"}, raw=True)
    finally:
        other.disconnect()

    before = run_console(["preflight", "--json", "--obs", own_obs.url, "--db", db], env)
    assert before.returncode == 1, before.stderr
    document = json.loads(before.stdout)
    assert document["ok"] is False
    assert document["checked"]["scenes"] == len(DEMO_SCENES)
    blocking = [item["name"] for item in document["missing"] if item["blocking"]]
    assert blocking == [name for name in DEMO_SCENES if name != "Break"]
    assert {item["kind"] for item in document["missing"]} == {"scene", "source"}
    assert all(set(item) == {"kind", "name", "scene", "segments", "blocking"}
               for item in document["missing"])

    provisioned = run_console(["provision", "--json", "--obs", own_obs.url, "--db", db], env)
    assert provisioned.returncode == 0, provisioned.stderr
    created = json.loads(provisioned.stdout)["created"]
    assert created["scenes"] == blocking
    assert {"scene": "Speaker", "name": "Lower third text"} in \
        created["inputs"] + created["scene_items"]

    after = run_console(["preflight", "--json", "--obs", own_obs.url, "--db", db], env)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == {"ok": True, "missing": [],
                                        "checked": json.loads(after.stdout)["checked"]}

    again = run_console(["provision", "--obs", own_obs.url, "--db", db], env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("nothing to create")
    other = bare_client(own_obs)
    try:
        assert other.send("GetSceneItemList", {"sceneName": "Break"}, raw=True) == break_before
    finally:
        other.disconnect()
    assert own_obs.password not in "".join(
        r.stdout + r.stderr for r in (before, provisioned, after, again))


@pytest.mark.obs
def test_wrong_password_exits_2(shared_obs: PrivateObs, tmp_path: Path) -> None:
    env = console_environment(tmp_path, "wrong-password-5678")
    db = import_demo(tmp_path, env)
    for command in ("preflight", "provision"):
        result = run_console([command, "--json", "--obs", shared_obs.url, "--db", db], env)
        assert result.returncode == 2, result.stderr
        assert "password" in result.stderr
        assert "wrong-password-5678" not in result.stdout + result.stderr


def test_unreachable_obs_exits_3(tmp_path: Path) -> None:
    env = console_environment(tmp_path, "whatever")
    db = import_demo(tmp_path, env)
    url = f"ws://127.0.0.1:{free_port()}"
    for command in ("preflight", "provision"):
        result = run_console([command, "--json", "--obs", url, "--db", db], env)
        assert result.returncode == 3, result.stderr
        assert result.stderr.startswith("error: cannot reach OBS")
    assert json.loads(result.stdout)["error"].startswith("cannot reach OBS")


def test_collection_file_is_checked_without_obs(tmp_path: Path) -> None:
    env = console_environment(tmp_path)  # no password, and nothing listens on --obs
    db = import_demo(tmp_path, env)
    url = f"ws://127.0.0.1:{free_port()}"
    result = run_console(["preflight", "--json", "--collection", str(PSYKON), "--obs", url,
                          "--db", db], env)
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is False
    assert [i["name"] for i in document["missing"] if i["blocking"]] == DEMO_SCENES
    human = run_console(["preflight", "--collection", str(PSYKON), "--db", db], env)
    assert human.returncode == 1
    assert "BLOCKING: scene 'Opening' is missing" in human.stdout


def test_broken_collection_and_missing_show_exit_4(tmp_path: Path) -> None:
    env = console_environment(tmp_path)
    db = import_demo(tmp_path, env)
    broken = tmp_path / "broken.json"
    broken.write_text('{"sources": [{"id": "scene", "name": 7}]}', encoding="utf-8")
    result = run_console(["preflight", "--json", "--collection", str(broken), "--db", db], env)
    assert result.returncode == 4
    assert f"{broken}: $.sources[0].name: expected a non-empty string" in result.stderr
    no_show = run_console(["preflight", "--json", "--collection", str(PSYKON), "--db",
                           str(tmp_path / "none.sqlite")], env)
    assert no_show.returncode == 4
    assert "import a show first" in no_show.stderr
