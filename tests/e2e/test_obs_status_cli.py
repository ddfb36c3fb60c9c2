"""``conference-console obs-status --json`` against a real OBS: the interface scripts rely on."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from console.obs.private_obs import PrivateObs, free_port
from tests.helpers.cli import console_environment, run_console
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
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(error_lines) == 1
    assert "password" in error_lines[0]
    assert "wrong-password-1234" not in result.stdout + result.stderr


def test_missing_password_exits_2(shared_obs: PrivateObs, tmp_path: Path) -> None:
    result = run_console(["obs-status", "--json", "--obs", shared_obs.url],
                         console_environment(tmp_path))
    assert result.returncode == 2
    assert "password" in result.stderr


def test_unreachable_obs_exits_3(tmp_path: Path) -> None:
    started = time.monotonic()
    result = run_console(["obs-status", "--json", "--obs", f"ws://127.0.0.1:{free_port()}"],
                         console_environment(tmp_path, "whatever"))
    assert time.monotonic() - started < 10
    assert result.returncode == 3
    assert result.stderr.startswith("error: ")
    assert json.loads(result.stdout)["connected"] is False


def test_password_in_the_address_is_refused(tmp_path: Path) -> None:
    result = run_console(["obs-status", "--obs", "ws://user:secret@127.0.0.1:4455"],
                         console_environment(tmp_path))
    assert result.returncode == 1
    assert "OBS_WEBSOCKET_PASSWORD" in result.stderr
    assert "secret" not in result.stderr.replace("OBS_WEBSOCKET_PASSWORD", "")
