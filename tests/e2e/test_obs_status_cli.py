"""``conference-console obs-status --json`` against a real OBS: the interface scripts rely on.

On failure stderr is exactly one line, ``error: ...``: scripts show it as it is.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from console.obs.private_obs import PrivateObs, free_port
from tests.helpers.cli import console_environment, run_console
from tests.helpers.fake_websocket import StrangeWebsocketServer
from tests.helpers.obs import bare_client, ensure_scenes

pytestmark = pytest.mark.obs
STATUS_KEYS = {"connected", "obs_version", "websocket_version", "scenes", "program_scene",
               "preview_scene", "studio_mode"}


def test_status_json_reports_obs(shared_obs: PrivateObs, tmp_path: Path) -> None:
    other = bare_client(shared_obs)
    try:
        ensure_scenes(other, "Status A")
        other.send("SetCurrentProgramScene", {"sceneName": "Status A"})
    finally:
        other.disconnect()
    result = run_console(["obs-status", "--json", "--obs", shared_obs.url],
                         console_environment(tmp_path, shared_obs.password))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) >= STATUS_KEYS
    assert document["connected"] is True
    assert document["program_scene"] == "Status A"
    assert "Status A" in document["scenes"]
    assert document["websocket_version"].startswith("5.")
    assert document["studio_mode"] is False
    assert document["preview_scene"] is None
    assert shared_obs.password not in result.stdout + result.stderr


def test_wrong_password_exits_2_naming_the_password(shared_obs: PrivateObs, tmp_path: Path) -> None:
    started = time.monotonic()
    result = run_console(["obs-status", "--json", "--obs", shared_obs.url],
                         console_environment(tmp_path, "wrong-password-1234"))
    assert time.monotonic() - started < 10
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert "password" in result.stderr
    assert json.loads(result.stdout)["connected"] is False
    assert "wrong-password-1234" not in result.stdout + result.stderr


def test_missing_password_exits_2(shared_obs: PrivateObs, tmp_path: Path) -> None:
    result = run_console(["obs-status", "--json", "--obs", shared_obs.url],
                         console_environment(tmp_path))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "password" in result.stderr
    assert result.stderr.count("OBS_WEBSOCKET_PASSWORD") == 1  # said once, not twice


def test_unreachable_obs_exits_3(tmp_path: Path) -> None:
    started = time.monotonic()
    result = run_console(["obs-status", "--json", "--obs", f"ws://127.0.0.1:{free_port()}"],
                         console_environment(tmp_path, "whatever"))
    assert time.monotonic() - started < 10
    assert result.returncode == 3
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert json.loads(result.stdout)["connected"] is False


def test_frozen_obs_exits_3_with_one_line(own_obs: PrivateObs, tmp_path: Path) -> None:
    own_obs.freeze()
    result = run_console(["obs-status", "--json", "--obs", own_obs.url],
                         console_environment(tmp_path, own_obs.password))
    assert result.returncode == 3
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "does not answer" in result.stderr
    assert json.loads(result.stdout) == {"connected": False,
                                         "error": result.stderr.removeprefix("error: ").strip()}


def test_a_server_that_is_not_obs_exits_3_with_one_line(tmp_path: Path) -> None:
    # Its Hello is JSON, but not an object: once, this ended the connection's
    # supervisor with a traceback in the log.
    with StrangeWebsocketServer(b"[1, 2]") as server:
        result = run_console(["obs-status", "--json", "--obs", server.url],
                             console_environment(tmp_path, "whatever"))
    assert result.returncode == 3
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert "does not speak obs-websocket 5" in result.stderr
    assert json.loads(result.stdout)["connected"] is False


def test_the_log_is_there_when_asked_for(tmp_path: Path) -> None:
    result = run_console(["--log-level", "INFO", "obs-status", "--obs",
                          f"ws://127.0.0.1:{free_port()}"], console_environment(tmp_path, "x"))
    assert result.returncode == 3
    *log_lines, last = result.stderr.splitlines()
    assert last.startswith("error: cannot reach OBS")
    assert log_lines
    assert all(json.loads(line)["logger"] for line in log_lines)


@pytest.mark.parametrize("address", [
    "http://127.0.0.1:4455", "ws://:4455", "ws://127.0.0.1:99999", "ws://127.0.0.1:0",
    "ws://127.0.0.1:port", "ws://[::1", "ws://user:secret@127.0.0.1:4455",
])
def test_a_bad_address_exits_1_with_one_line(tmp_path: Path, address: str) -> None:
    result = run_console(["obs-status", "--json", "--obs", address],
                         console_environment(tmp_path))
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert json.loads(result.stdout)["connected"] is False


def test_password_in_the_address_is_refused(tmp_path: Path) -> None:
    result = run_console(["obs-status", "--obs", "ws://user:secret@127.0.0.1:4455"],
                         console_environment(tmp_path))
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "OBS_WEBSOCKET_PASSWORD" in result.stderr
    assert "secret" not in result.stderr.replace("OBS_WEBSOCKET_PASSWORD", "")
