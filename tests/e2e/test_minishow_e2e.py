"""A scripted mini-show against a real OBS, read back through ``export-log`` as a script
would: takes through the control API, an interpreter channel muted in OBS by someone else
and back, a scene changed by another obs-websocket client, viewer samples from a local
stand-in platform. One console run, stopped with SIGTERM; the CSV and JSON exports are
checked field by field, and against each other."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from console.models.asrun import ConsoleRole
from console.models.channels import MAIN_OBS
from console.models.obs_state import ConnectionState
from console.models.show import Segment, Show, scene_names
from console.models.viewers import Platform
from console.obs.channel_provision import InputSpec, provision_channels
from console.obs.connection import ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.gateway import ObsGateway
from console.obs.private_obs import PrivateObs
from console.obs.provision import provision_show
from console.platforms.standin import StandIn, StandInThread
from console.services.demo import SECOND_OBS, demo_channel_plan
from console.services.demo_audio import write_booth_files
from tests.helpers.cli import ConsoleProcess, console_environment, imported_demo, run_console
from tests.helpers.control import TOKEN, State, call, free_port, wait_for_state
from tests.helpers.loops import LoopRunner
from tests.helpers.obs import bare_client

pytestmark = pytest.mark.obs
CONSOLE_NAME = "minishow-stage"
HALL = "hall"
HALL_LABEL = "Hall A stream"
HALL_VIEWERS = 42
# Room for a loaded machine, not a promise: each wait ends as soon as its row is there.
HEARD_S = 20.0


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandInThread(StandIn(seed=11)) as running:
        running.set_count(Platform.OWNCAST, HALL, HALL_VIEWERS)
        yield running


def provision_with_voices(aio: LoopRunner, obs: PrivateObs, show: Show, folder: Path) -> None:
    """The show's scenes, and every channel of the demo's plan a looping voice: the plan's
    second OBS is this one again, so all seven mixes are metered without a second OBS."""
    plan = demo_channel_plan(show, two_obs=True)
    files = write_booth_files(folder, [channel.language for channel in plan.channels])

    def voice(channel: Any) -> InputSpec:
        return InputSpec("ffmpeg_source", {"local_file": str(files[channel.language]),
                                           "looping": True})

    async def provision() -> None:
        connection = ObsConnection(ObsEndpoint("127.0.0.1", obs.port), obs.password)
        connection.start()
        try:
            await connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=15)
            await provision_show(connection, show)
            for name in (MAIN_OBS, SECOND_OBS):
                report = await provision_channels(
                    connection, plan, show.floor_language, obs_name=name, placeholders=voice,
                    show_scenes=scene_names(show))
                assert not report.plan_problems, report
                assert not report.audio_problems, report
            await ObsGateway(connection).set_program_scene(scene_names(show)[0])
        finally:
            await connection.stop()

    aio.run(provision(), timeout_s=90)


def start_stage(folder: Path, obs: PrivateObs, db: Path) -> tuple[ConsoleProcess, int]:
    port = free_port()
    env = console_environment(folder / "stage", obs.password, {
        "CONSOLE_CONTROL_TOKEN": TOKEN, "OBS_WEBSOCKET_PASSWORD_SECOND": obs.password})
    app = ConsoleProcess(["run", "--obs", obs.url, "--extra-obs", f"{SECOND_OBS}={obs.url}",
                          "--db", str(db), "--control-port", str(port),
                          "--console-name", CONSOLE_NAME], env)
    app.wait_for_record(30, msg="control API listening")
    app.wait_for_record(30, msg="connected to OBS")
    return app, port


def rows_where(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return reader.execute(sql, params).fetchall()
    finally:
        reader.close()


def wait_for_row(db: Path, sql: str, *params: object) -> None:
    deadline = time.monotonic() + HEARD_S
    while not rows_where(db, sql, *params):
        assert time.monotonic() < deadline, (sql, params)
        time.sleep(0.1)


def outage_rows(language: str) -> tuple[str, str]:
    return ("SELECT id FROM asrun WHERE kind = 'interpreter' AND language = ? "
            "AND json_extract(details, '$.event') = ?", language)


def on_air_booth(state: State) -> dict[str, Any] | None:
    """A booth's channel heard on air with sound (the floor's is not a booth's)."""
    return next((row for row in state["channels"] if row["on_air"]
                 and row["signal"] == "present" and row["input"].startswith("Booth ")), None)


def take(port: int) -> dict[str, Any]:
    status, answer = call(port, "POST", "/api/take")
    assert status == 200, answer
    return answer


def export(db: Path, env: dict[str, str], export_format: str) -> str:
    done = run_console(["export-log", "--format", export_format, "--db", str(db)], env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def csv_text(key: str, value: Any) -> str:
    """What the CSV holds for a JSON value (no text here starts like a formula)."""
    if value is None:
        return ""
    if key == "details":
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def check_take(row: dict[str, Any], segment: Segment, answer: dict[str, Any]) -> None:
    assert row["kind"] == "take"
    assert row["segment_id"] == segment.id
    planned = datetime.fromisoformat(row["planned"])
    actual = datetime.fromisoformat(row["actual"])
    assert planned == segment.planned_start
    assert actual == datetime.fromisoformat(answer["actual"])  # OBS's instant, as answered
    assert row["deviation_s"] == pytest.approx((actual - planned).total_seconds(), abs=1e-3)
    assert row["ts"] == row["actual"]
    assert row["language"] is None
    assert row["details"] == {"title": segment.title, "scene": segment.scene,
                              "rehearsal": False}


def test_a_mini_show_is_exported_field_by_field_in_csv_and_json(
    aio: LoopRunner, own_obs: PrivateObs, standin: StandIn, tmp_path: Path,
) -> None:
    db, show = imported_demo(tmp_path)
    segments = [s for day in show.stages[0].days for session in day.sessions
                for s in session.segments]
    first, second = segments[0], segments[1]
    other_scene = next(name for name in scene_names(show)
                       if name not in (first.scene, second.scene))
    provision_with_voices(aio, own_obs, show, tmp_path / "voices")
    env = console_environment(tmp_path / "cli")
    added = run_console(["viewers", "add", "--platform", "owncast", "--target",
                         standin.target_url(Platform.OWNCAST, HALL), "--label", HALL_LABEL,
                         "--db", str(db)], env)
    assert added.returncode == 0, added.stderr

    app, port = start_stage(tmp_path, own_obs, db)
    try:
        app.wait_for_record(HEARD_S, msg="viewer count state", state="live")
        first_answer = take(port)
        booth = on_air_booth(wait_for_state(port, on_air_booth, timeout_s=HEARD_S))
        assert booth is not None
        muted, booth_input = booth["language"], booth["input"]
        other = bare_client(own_obs)
        try:
            other.send("SetInputMute", {"inputName": booth_input, "inputMuted": True})
            wait_for_row(db, *outage_rows(muted), "outage_start")
            other.send("SetInputMute", {"inputName": booth_input, "inputMuted": False})
            wait_for_row(db, *outage_rows(muted), "outage_end")
            other.send("SetCurrentProgramScene", {"sceneName": other_scene})
            wait_for_row(db, "SELECT id FROM asrun WHERE kind = 'scene_change' AND "
                         "json_extract(details, '$.scene') = ?", other_scene)
        finally:
            other.disconnect()
        second_answer = take(port)
    finally:
        assert app.stop() == 0, app.log_text()

    records = exported_records(db, env)
    mine = [r for r in records if r["console"] == CONSOLE_NAME]
    assert {r["role"] for r in mine} == {ConsoleRole.STAGE.value}
    takes = [r for r in mine if r["kind"] == "take"]
    assert len(takes) == 2
    check_take(takes[0], first, first_answer)
    check_take(takes[1], second, second_answer)
    start, end = check_outage(mine, muted, booth_input)
    assert takes[0]["id"] < start["id"] < end["id"] < takes[1]["id"]

    changes = [r for r in mine if r["kind"] == "scene_change"
               and r["details"].get("scene") == other_scene]
    assert len(changes) == 1
    assert changes[0]["details"]["previous"] == first.scene
    assert changes[0]["details"]["transition"]
    assert changes[0]["segment_id"] is None
    check_viewers(mine)


def exported_records(db: Path, env: dict[str, str]) -> list[dict[str, Any]]:
    """The JSON export's records, once checked to be the CSV export's rows, in order."""
    records: list[dict[str, Any]] = json.loads(export(db, env, "json"))
    table = list(csv.DictReader(io.StringIO(export(db, env, "csv"), newline="")))
    assert [int(row["id"]) for row in table] == [record["id"] for record in records]
    for record, row in zip(records, table, strict=True):
        assert list(row) == list(record)
        assert row == {key: csv_text(key, value) for key, value in record.items()}
        assert datetime.fromisoformat(record["ts_local"]) == \
            datetime.fromisoformat(record["ts"])
    return records


def check_outage(records: list[dict[str, Any]], language: str,
                 booth_input: str) -> tuple[dict[str, Any], dict[str, Any]]:
    outages = [r for r in records if r["kind"] == "interpreter" and r["language"] == language]
    assert [r["details"]["event"] for r in outages] == ["outage_start", "outage_end"]
    start, end = outages
    assert start["details"]["input"] == booth_input
    assert start["details"]["muted"] is True
    assert end["details"]["signal"] == "present"
    lasted = datetime.fromisoformat(end["ts"]) - datetime.fromisoformat(start["ts"])
    assert end["details"]["outage_s"] == pytest.approx(lasted.total_seconds(), abs=0.1)
    return start, end


def check_viewers(records: list[dict[str, Any]]) -> None:
    """The stand-in's stream going live is a row naming the destination and its count."""
    changes = [r for r in records if r["kind"] == "viewers" and "state" in r["details"]]
    assert changes, records
    details = changes[0]["details"]
    assert details["destination"] == HALL_LABEL
    assert details["platform"] == "owncast"
    assert details["state"] == "live"
    assert details["viewers"] == HALL_VIEWERS
