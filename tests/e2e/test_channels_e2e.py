"""The stage console's interpretation channels as users run them: the real console process
on two real OBS (seven mixes do not fit one output's six tracks), each with its own
password, seven booths looping generated voices with one left silent. The control API's
channel rows and the show's as-run table are what is checked: the silent booth on air
turns "silent" and its outage is recorded, an input muted in OBS by someone else is an
outage too, an input removed in OBS reads "no input",
the seventh mix is metered on the second OBS, and a take under the "require" policy is
refused until the override is confirmed."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.models.meters import SILENCE_BELOW_DB
from console.models.obs_state import ConnectionState
from console.obs.connection import ObsConnection
from console.obs.display import VirtualDisplay
from console.obs.endpoint import ObsEndpoint
from console.obs.gateway import ObsGateway
from console.obs.private_obs import PrivateObs
from console.obs.provision import provision_show
from console.services.demo import SECOND_OBS, SILENT_BOOTH, provision_demo_audio
from tests.helpers.cli import ConsoleProcess, console_environment, imported_demo, run_console
from tests.helpers.control import TOKEN, State, call, free_port, wait_for_state
from tests.helpers.loops import LoopRunner
from tests.helpers.obs import bare_client

pytestmark = pytest.mark.obs
SILENT_AFTER_S = 2.0  # short, so the test is quick; the console's default is 5 s
# The console hears of a silent booth within SILENT_AFTER_S + 1 s of the take (measured
# against OBS's own frames in tests/integration/test_meters_with_obs.py); this is room
# for a loaded machine, not the promise.
HEARD_S = 15.0
REMOVED = "es"
MUTED = "fr"  # in OBS's mixer, by someone else: an outage once no cough explains it


@pytest.fixture
def second_obs(own_obs: PrivateObs, virtual_display: VirtualDisplay,
               tmp_path: Path) -> Iterator[PrivateObs]:
    """A second OBS with a password of its own."""
    obs = PrivateObs(home=tmp_path / "second", display=virtual_display)
    assert obs.password != own_obs.password
    obs.start()
    yield obs
    obs.stop()


def demo_show_with_audio(aio: LoopRunner, main: PrivateObs, second: PrivateObs,
                         folder: Path) -> Path:
    """The demo show imported as a user does, its scenes and audio put in both OBS."""
    db, show = imported_demo(folder)

    async def provision() -> None:
        connections = [ObsConnection(ObsEndpoint("127.0.0.1", obs.port), obs.password,
                                     name=name) for obs, name in
                       ((main, "main"), (second, SECOND_OBS))]
        for connection in connections:
            connection.start()
        try:
            await connections[0].wait_for_state(ConnectionState.CONNECTED, timeout_s=15)
            await provision_show(connections[0], show)
            await provision_demo_audio(connections[0], show, folder / "audio",
                                       second=connections[1])
            # As the demo does: a show scene on program (each shows the booths' scene).
            await ObsGateway(connections[0]).set_program_scene("Opening")
        finally:
            for connection in connections:
                await connection.stop()

    aio.run(provision(), timeout_s=90)
    return db


def set_plan(db: Path, env: dict[str, str], *flags: str) -> None:
    done = run_console(["channels", "--db", str(db), "--extra-obs", SECOND_OBS, *flags], env)
    assert done.returncode == 0, done.stderr


def start_stage(folder: Path, main: PrivateObs, second: PrivateObs,
                db: Path) -> tuple[ConsoleProcess, int]:
    port = free_port()
    env = console_environment(folder / "stage", main.password, {
        "CONSOLE_CONTROL_TOKEN": TOKEN, "OBS_WEBSOCKET_PASSWORD_SECOND": second.password})
    app = ConsoleProcess(["run", "--obs", main.url, "--extra-obs", f"second={second.url}",
                          "--db", str(db), "--control-port", str(port)], env)
    app.wait_for_record(30, msg="control API listening")
    app.wait_for_record(30, msg="connected to OBS")
    return app, port


def loud(row: dict[str, Any]) -> bool:
    return row["level_db"] is not None and row["level_db"] > SILENCE_BELOW_DB


def rows(state: State) -> dict[str, dict[str, Any]]:
    return {row["language"]: row for row in state["channels"]}


def interpreter_events(db: Path) -> list[tuple[str | None, str]]:
    """(language, event) of every interpreter row the console has written so far."""
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        found = reader.execute(
            "SELECT language, json_extract(details, '$.event') FROM asrun "
            "WHERE kind = 'interpreter' ORDER BY id").fetchall()
    finally:
        reader.close()
    return [(language, event) for language, event in found]


def wait_for_rows(db: Path, wanted: tuple[str, str], timeout_s: float = HEARD_S) -> None:
    deadline = time.monotonic() + timeout_s
    while wanted not in interpreter_events(db):
        assert time.monotonic() < deadline, (wanted, interpreter_events(db))
        time.sleep(0.2)


def test_seven_channels_on_two_obs_alarm_and_record_their_outages(
    aio: LoopRunner, own_obs: PrivateObs, second_obs: PrivateObs, tmp_path: Path,
) -> None:
    db = demo_show_with_audio(aio, own_obs, second_obs, tmp_path)
    env = console_environment(tmp_path / "cli", own_obs.password)
    set_plan(db, env, "--silent-after", str(SILENT_AFTER_S), "--readiness", "require")
    app, port = start_stage(tmp_path, own_obs, second_obs, db)
    try:
        heard = wait_for_state(port, lambda s: all(
            loud(row) for language, row in rows(s).items()
            if language != SILENT_BOOTH), timeout_s=HEARD_S)
        channels = rows(heard)
        assert list(channels) == ["ar", "en", "fr", "es", "tr", "ur", "ms"]
        assert channels["ms"]["obs"] == SECOND_OBS  # the seventh mix, metered there
        assert {row["obs"] for language, row in channels.items() if language != "ms"} == \
            {"main"}
        assert not any(row["on_air"] for row in channels.values())  # nothing live yet
        # Its mute is read from OBS beside the meters: known soon, not at once.
        unmuted = wait_for_state(port, lambda s: rows(s)[MUTED]["muted"] is False,
                                 timeout_s=HEARD_S)

        status, refused = call(port, "POST", "/api/take")
        assert status == 409, refused
        assert "fr: the booth is not ready" in refused["channel_warnings"]
        status, taken = call(port, "POST", "/api/take", {"override": True})
        assert status == 200, taken

        silent = wait_for_state(port, lambda s: rows(s)[SILENT_BOOTH]["signal"] == "silent",
                                timeout_s=HEARD_S)
        assert rows(silent)[SILENT_BOOTH]["on_air"]
        assert all(row["signal"] == "present" for language, row in rows(silent).items()
                   if language != SILENT_BOOTH)
        wait_for_rows(db, (SILENT_BOOTH, "outage_start"))

        client = bare_client(own_obs)
        try:
            client.send("SetInputMute", {"inputName": f"Booth {MUTED}", "inputMuted": True})
            client.send("RemoveInput", {"inputName": f"Booth {REMOVED}"})
        finally:
            client.disconnect()
        wait_for_state(port, lambda s: rows(s)[MUTED]["muted"] is True, timeout_s=HEARD_S)
        wait_for_rows(db, (MUTED, "outage_start"))
        wait_for_state(port, lambda s: rows(s)[REMOVED]["signal"] == "no input",
                       timeout_s=HEARD_S)
        wait_for_rows(db, (REMOVED, "outage_start"))
    finally:
        assert app.stop() == 0, app.log_text()
    events = interpreter_events(db)
    assert (None, "take_override") in events
    assert events.count((SILENT_BOOTH, "outage_start")) == 1
    assert rows(unmuted)[MUTED]["muted"] is False  # before the mute


def test_provision_puts_each_channel_on_the_obs_the_plan_names(
    own_obs: PrivateObs, second_obs: PrivateObs, tmp_path: Path,
) -> None:
    db, _show = imported_demo(tmp_path)
    env = console_environment(tmp_path / "cli", own_obs.password,
                              {"OBS_WEBSOCKET_PASSWORD_SECOND": "not-its-password"})
    provision = ["provision", "--json", "--audio-placeholders", "--db", str(db),
                 "--obs", own_obs.url, "--extra-obs", f"second={second_obs.url}"]
    wrong = run_console(provision, env, 60)
    assert wrong.returncode == 2, wrong.stderr  # the second OBS refused its password
    assert "OBS_WEBSOCKET_PASSWORD_SECOND" in wrong.stderr

    env["OBS_WEBSOCKET_PASSWORD_SECOND"] = second_obs.password
    done = run_console(provision, env, 60)
    assert done.returncode == 0, done.stderr
    channels = json.loads(done.stdout)["channels"]
    assert [(c["language"], c["obs"], c["tracks"]) for c in channels] == [
        ("ar", "main", [1]), ("en", "main", [2]), ("fr", "main", [3]), ("es", "main", [4]),
        ("tr", "main", [5]), ("ur", "main", [6]), ("ms", SECOND_OBS, [1])]
    client = bare_client(second_obs)
    try:
        inputs = {i["inputName"] for i in client.send("GetInputList", raw=True)["inputs"]}
    finally:
        client.disconnect()
    assert "Booth ms" in inputs

    again = run_console(provision, env, 60)
    assert again.returncode == 0, again.stderr
    assert {c["status"] for c in json.loads(again.stdout)["channels"]} == {"ready"}

    bad = run_console([*provision[:-2], "--extra-obs", "second"], env)
    assert bad.returncode == 4
    assert bad.stderr.startswith("error: --extra-obs 'second'")
