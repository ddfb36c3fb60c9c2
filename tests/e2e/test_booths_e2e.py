"""Interpreter booth consoles and the stage console as processes on one real OBS, talking
only through it: Ready on a booth shows on the stage within half a second, a handover goes
from one fr console to the other, consoles that start late see the current states (from
the stage console, or from OBS alone), and the booth shows who is on without a database."""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from console.obs.private_obs import PrivateObs
from tests.helpers.cli import ConsoleProcess
from tests.helpers.control import (
    State,
    call,
    provisioned_demo,
    start_booth,
    start_console,
    wait_for_state,
)

pytestmark = pytest.mark.obs
READY_WITHIN_S = 0.5
# Messages go through OBS in well under a second; this leaves room on a loaded machine
# for everything that is not the half-second promise.
HEARD_S = 5.0


def channel(state: State, language: str) -> dict[str, Any]:
    return next(row for row in state["channels"] if row["language"] == language)


def stopped(stack: ExitStack, started: tuple[ConsoleProcess, int]) -> int:
    """The port of a console that ``stack`` stops (SIGTERM, exit code 0) on the way out."""
    app, port = started

    def stop() -> None:
        assert app.stop() == 0, app.log_text()

    stack.callback(stop)
    return port


def ready_latency(booth_port: int, stage_port: int) -> float:
    """Seconds from pressing Ready on the booth (its API) until the stage's state shows it,
    polling the stage without a pause for a little longer than the promise."""
    pressed = time.monotonic()
    status, answer = call(booth_port, "POST", "/api/ready", {"ready": True})
    assert status == 200, answer
    deadline = pressed + READY_WITHIN_S + 0.3
    while time.monotonic() < deadline:
        if channel(call(stage_port, "GET", "/api/state")[1], "fr")["ready"] is True:
            return time.monotonic() - pressed
    raise AssertionError(f"the stage did not show fr ready within {READY_WITHIN_S + 0.3} s")


def test_a_booth_without_a_database_follows_the_stage_and_its_ready_shows_there_at_once(
    tmp_path: Path, own_obs: PrivateObs
) -> None:
    db = provisioned_demo(tmp_path, own_obs)
    with ExitStack() as stack:
        fr = stopped(stack, start_booth(tmp_path, own_obs, "fr", "booth-fr", "Amélie"))
        alone = call(fr, "GET", "/api/state")[1]
        assert alone["stage"] is None  # nothing is guessed before the stage speaks
        assert alone["booth"]["mode"] is None
        assert alone["booth"]["on_air"] is None
        assert channel(alone, "fr")["ready"] is False

        stage = stopped(stack, start_console(tmp_path, own_obs, db, name="stage"))
        heard = wait_for_state(fr, lambda s: s["stage"] is not None, HEARD_S)
        assert heard["stage"]["live"] is None
        assert heard["stage"]["next"]["title"]
        assert heard["booth"]["mode"] == "direct"  # the demo's floor is Arabic
        assert [row["language"] for row in heard["channels"]][:2] == ["ar", "en"]

        latency = ready_latency(fr, stage)
        assert latency < READY_WITHIN_S, f"the stage showed Ready after {latency:.3f} s"
        row = channel(call(stage, "GET", "/api/state")[1], "fr")
        assert row["interpreter"] == "Amélie"
        # This OBS has no booth inputs: the demo's seven mixes do not fit one OBS.
        assert row["signal"] == "no input"
        assert row["level_db"] is None

        status, taken = call(stage, "POST", "/api/take")
        assert status == 200, taken
        on = wait_for_state(fr, lambda s: s["stage"]["live"] is not None, HEARD_S)
        assert on["stage"]["live"]["title"] == call(stage, "GET", "/api/state")[1][
            "live"]["title"]
        assert on["stage"]["live"]["started_at"]
        assert on["booth"]["on_air"] is True

        status, refused = call(stage, "POST", "/api/ready", {"ready": True})
        assert status == 409
        assert "not a booth" in refused["error"]
        status, refused = call(fr, "POST", "/api/take")
        assert status == 409
        assert "interpreter booth" in refused["error"]


def test_a_handover_goes_from_one_fr_console_to_the_other(
    tmp_path: Path, own_obs: PrivateObs
) -> None:
    with ExitStack() as stack:
        amelie = stopped(stack, start_booth(tmp_path, own_obs, "fr", "fr-a", "Amélie"))
        bruno = stopped(stack, start_booth(tmp_path, own_obs, "fr", "fr-b", "Bruno"))
        assert call(amelie, "POST", "/api/ready", {"ready": True})[0] == 200
        status, asked = call(amelie, "POST", "/api/handover")
        assert status == 200, asked
        assert asked["handover"]["state"] == "requested"
        assert 55 < asked["handover"]["lapses_in_s"] <= 60
        wait_for_state(bruno, lambda s: (s["booth"]["handover"] or {}).get("state")
                       == "requested", HEARD_S)
        status, own = call(amelie, "POST", "/api/handover", {"accept": True})
        assert status == 409
        assert "own request" in own["error"]
        status, accepted = call(bruno, "POST", "/api/handover", {"accept": True})
        assert status == 200, accepted
        assert accepted["interpreter"] == "Bruno"
        after = wait_for_state(amelie, lambda s: s["booth"]["at_microphone"] == "Bruno",
                               HEARD_S)
        assert after["booth"]["handover"]["state"] == "accepted"
        assert after["booth"]["ready"] is True
        status, none_left = call(amelie, "POST", "/api/handover", {"accept": False})
        assert status == 409
        assert "no handover request" in none_left["error"]


def test_consoles_that_start_late_see_the_states_even_with_no_stage_console(
    tmp_path: Path, own_obs: PrivateObs
) -> None:
    db = provisioned_demo(tmp_path, own_obs)
    with ExitStack() as first:
        stopped(first, start_console(tmp_path, own_obs, db, name="stage"))
        fr = stopped(first, start_booth(tmp_path, own_obs, "fr", "booth-fr", "Amélie"))
        assert call(fr, "POST", "/api/ready", {"ready": True})[0] == 200
        with ExitStack() as late:
            en = stopped(late, start_booth(tmp_path, own_obs, "en", "booth-en", "Ed"))
            seen = wait_for_state(en, lambda s: s["stage"] is not None
                                  and channel(s, "fr")["ready"] is True, HEARD_S)
            assert seen["booth"]["mode"] == "direct"
    # The stage console and the fr booth are gone: OBS still knows fr was ready.
    with ExitStack() as alone:
        es = stopped(alone, start_booth(tmp_path, own_obs, "es", "booth-es", "Eva"))
        seen = wait_for_state(es, lambda s: channel(s, "fr")["ready"] is True, HEARD_S)
        assert channel(seen, "fr")["interpreter"] == "Amélie"
        assert seen["stage"] is None
        # And a stage console started now sees it too, before any booth says anything.
        stage = stopped(alone, start_console(tmp_path, own_obs, db, name="stage-late"))
        wait_for_state(stage, lambda s: channel(s, "fr")["ready"] is True, HEARD_S)
