"""Several consoles on one database, as processes: one holds the stage role, the other
follows it; an import from the command line is picked up; a killed stage console's role is
taken over by the next console on the same host."""

from __future__ import annotations

import json
import signal
import sqlite3
from contextlib import ExitStack
from pathlib import Path

import pytest

from console.obs.private_obs import PrivateObs
from tests.helpers.cli import console_environment, run_console
from tests.helpers.control import (
    call,
    console_running,
    provisioned_demo,
    start_console,
    wait_for_state,
)

pytestmark = pytest.mark.obs
# A follower polls SQLite twice a second; this leaves room on a loaded machine.
FOLLOW_S = 3.0


@pytest.fixture
def demo_db(tmp_path: Path, own_obs: PrivateObs) -> Path:
    return provisioned_demo(tmp_path, own_obs)


def edited_schedule(tmp_path: Path, db: Path, new_title: str, drop_id: str) -> Path:
    """The show as console JSON, with the live segment renamed and one segment removed."""
    env = console_environment(tmp_path)
    exported = run_console(["export-show", "--db", str(db)], env)
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    first = document["stages"][0]["days"][0]["sessions"][0]["segments"]
    first[0]["title"] = new_title
    for day in document["stages"][0]["days"]:
        for session in day["sessions"]:
            session["segments"] = [s for s in session["segments"] if s["id"] != drop_id]
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def show_names(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT title FROM segment")]


def follows_and_cannot_act(stage_port: int, follower_port: int) -> str:
    """The follower shows the stage's take and rehearsal flag and refuses to act; returns
    the segment taken."""
    state = call(follower_port, "GET", "/api/state")[1]
    assert state["stage_role"]["held"] is False
    assert "stage-a" in state["stage_role"]["holder"]
    status, taken = call(stage_port, "POST", "/api/take")
    assert status == 200, taken
    seen = wait_for_state(follower_port, lambda s: s["live"] is not None, FOLLOW_S)
    assert seen["live"]["segment_id"] == taken["segment_id"]
    assert call(stage_port, "POST", "/api/rehearsal", {"on": True})[0] == 200
    wait_for_state(follower_port, lambda s: s["rehearsal"] is True, FOLLOW_S)
    status, refused = call(follower_port, "POST", "/api/take")
    assert status == 409
    assert "stage role" in refused["error"]
    assert call(follower_port, "POST", "/api/add-time", {"seconds": 60})[0] == 409
    return str(taken["segment_id"])


def import_while_live(tmp_path: Path, db: Path, stage_port: int, live_id: str) -> None:
    """Refused without --replace-live (nothing changes); with it, the stage reloads, keeps
    its live segment and never takes the removed one."""
    next_id = call(stage_port, "GET", "/api/state")[1]["next"]["segment_id"]
    schedule = edited_schedule(tmp_path, db, "Renamed while live", next_id)
    env = console_environment(tmp_path)
    before = show_names(db)
    refused = run_console(["import", str(schedule), "--db", str(db)], env)
    assert refused.returncode == 2
    assert "--replace-live" in refused.stderr
    assert "live" in refused.stderr
    assert show_names(db) == before
    done = run_console(["import", str(schedule), "--db", str(db), "--replace-live"], env)
    assert done.returncode == 0, done.stderr
    reloaded = wait_for_state(
        stage_port, lambda s: s["live"]["title"] == "Renamed while live", FOLLOW_S)
    assert reloaded["live"]["segment_id"] == live_id  # kept: it is still in the show
    assert reloaded["next"]["segment_id"] != next_id  # the removed one is never taken


def test_a_second_console_follows_the_stage_and_an_import_is_picked_up(
    tmp_path: Path, own_obs: PrivateObs, demo_db: Path
) -> None:
    with ExitStack() as consoles:
        stage, stage_port = start_console(tmp_path, own_obs, demo_db, name="stage-a")
        consoles.callback(stage.stop)
        assert stage.wait_for_record(10, msg="console started")["stage_role"] is True
        follower, follower_port = consoles.enter_context(
            console_running(tmp_path, own_obs, demo_db, name="booth-b"))
        assert follower.wait_for_record(10, msg="console started")["stage_role"] is False
        live_id = follows_and_cannot_act(stage_port, follower_port)
        import_while_live(tmp_path, demo_db, stage_port, live_id)
        stage.wait_for_record(5, msg="show reloaded")
        wait_for_state(follower_port,
                       lambda s: s["live"]["title"] == "Renamed while live", FOLLOW_S)

        stage.process.send_signal(signal.SIGKILL)  # the stage console dies mid-show
        stage.process.wait()
        successor, successor_port = consoles.enter_context(
            console_running(tmp_path, own_obs, demo_db, name="stage-c"))
        assert successor.wait_for_record(10, msg="console started")["stage_role"] is True
        taken_over = successor.wait_for_record(5, msg="stage role taken over")
        assert "stage-a" in taken_over["from"]
        state = call(successor_port, "GET", "/api/state")[1]
        assert state["live"]["segment_id"] == live_id
        assert state["rehearsal"] is True
        status, second = call(successor_port, "POST", "/api/take")
        assert status == 200, second
        wait_for_state(follower_port,
                       lambda s: s["live"]["segment_id"] == second["segment_id"], FOLLOW_S)
    with sqlite3.connect(demo_db) as connection:
        kinds = [row[0] for row in connection.execute("SELECT kind FROM asrun ORDER BY id")]
        recorders = {row[0] for row in connection.execute(
            "SELECT console FROM asrun WHERE kind = 'scene_change'")}
    assert kinds.count("show_import") == 2  # --demo, then the edited schedule
    assert "stage_role" in kinds
    # What happened on air is recorded once, by the console that ran the show.
    assert recorders
    assert recorders <= {"stage-a", "stage-c"}
