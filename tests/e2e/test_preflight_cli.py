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
    # The scenes are made; the demo's seven mixes do not fit one OBS, and that is said.
    assert provisioned.returncode == 1, provisioned.stderr
    document = json.loads(provisioned.stdout)
    created = document["created"]
    assert created["scenes"] == blocking
    assert {"scene": "Speaker", "name": "Lower third text"} in \
        created["inputs"] + created["scene_items"]
    assert document["channels"] == []
    assert provisioned.stderr.startswith(
        "error: channel plan: OBS 'main': 7 mixes (ar, en, fr, es, tr, ur, ms) do not fit")
    assert "second OBS instance" in document["plan_problems"][0]["problem"]

    after = run_console(["preflight", "--json", "--obs", own_obs.url, "--db", db], env)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == {"ok": True, "missing": [],
                                        "checked": json.loads(after.stdout)["checked"]}

    again = run_console(["provision", "--obs", own_obs.url, "--db", db], env)
    assert again.returncode == 1, again.stderr
    assert again.stdout.startswith("nothing to create\nchannel plan: OBS 'main': 7 mixes")
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


def import_demo_with_languages(tmp_path: Path, env: dict[str, str], languages: list[str]) -> str:
    """The demo show interpreted into ``languages`` only, imported as a user would."""
    document = json.loads((Path(__file__).resolve().parents[2] / "resources" / "demo" /
                           "show.json").read_text(encoding="utf-8"))
    document["languages"] = languages
    path = tmp_path / "three-channels.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    db = str(tmp_path / "show.sqlite")
    result = run_console(["import", str(path), "--db", db], env)
    assert result.returncode == 0, result.stderr
    return db


def obs_tracks(obs: PrivateObs, name: str) -> set[int]:
    client = bare_client(obs)
    try:
        tracks = client.send("GetInputAudioTracks", {"inputName": name}, raw=True)
    finally:
        client.disconnect()
    return {int(track) for track, on in tracks["inputAudioTracks"].items() if on}


@pytest.mark.obs
def test_provision_sends_each_channel_to_its_track(own_obs: PrivateObs, tmp_path: Path) -> None:
    env = console_environment(tmp_path, own_obs.password)
    db = import_demo_with_languages(tmp_path, env, ["en", "fr"])
    other = bare_client(own_obs)
    try:  # the English booth's sound card is there already, on every track
        other.send("CreateScene", {"sceneName": "Sound"})
        other.send("CreateInput", {"sceneName": "Sound", "inputName": "Booth en",
                                   "inputKind": "ffmpeg_source", "inputSettings": {}})
    finally:
        other.disconnect()

    first = run_console(["provision", "--json", "--obs", own_obs.url, "--db", db], env, 60)
    assert first.returncode == 1, first.stderr
    channels = json.loads(first.stdout)["channels"]
    assert [(c["language"], c["input"], c["tracks"], c["status"]) for c in channels] == [
        ("ar", "Floor (ar)", [1], "missing"), ("en", "Booth en", [2], "tracks set"),
        ("fr", "Booth fr", [3], "missing")]
    assert first.stderr.startswith("error: channel ar: input 'Floor (ar)': OBS has no input")
    assert first.stderr.rstrip().endswith("(and 1 more)")
    assert obs_tracks(own_obs, "Booth en") == {2}

    second = run_console(["provision", "--json", "--audio-placeholders", "--obs", own_obs.url,
                          "--db", db], env, 60)
    assert second.returncode == 0, second.stderr
    document = json.loads(second.stdout)
    assert [c["status"] for c in document["channels"]] == ["created", "ready", "created"]
    assert document["created"]["scenes"] == ["Interpretation audio"]
    assert document["created"]["inputs"] == [
        {"scene": "Interpretation audio", "name": "Floor (ar)"},
        {"scene": "Interpretation audio", "name": "Booth fr"}]
    assert {"scene": "Opening", "name": "Interpretation audio"} in \
        document["created"]["scene_items"]
    assert document["plan_problems"] == []
    assert [obs_tracks(own_obs, name) for name in ("Floor (ar)", "Booth en", "Booth fr")] == \
        [{1}, {2}, {3}]

    third = run_console(["provision", "--obs", own_obs.url, "--db", db], env, 60)
    assert third.returncode == 0, third.stderr
    assert third.stdout == "nothing to create: OBS has everything the show needs\n"
