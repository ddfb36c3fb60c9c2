"""The real app, started as a user starts it, observed through its structured log."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from console.obs.private_obs import PrivateObs
from tests.helpers.cli import ConsoleProcess, console_environment, run_console
from tests.helpers.obs import bare_client

pytestmark = pytest.mark.obs


def test_run_connects_records_and_exits_cleanly_on_sigterm(
    shared_obs: PrivateObs, tmp_path: Path
) -> None:
    db = tmp_path / "show.sqlite"
    env = console_environment(tmp_path, shared_obs.password)
    app = ConsoleProcess(["run", "--obs", shared_obs.url, "--db", str(db),
                          "--console-name", "e2e-stage"], env)
    try:
        app.wait_for_record(20, msg="connected to OBS")
        # A change while the console first reads OBS has no "before" to record against.
        app.wait_for_record(20, msg="OBS state read", obs="main")
        other = bare_client(shared_obs)
        try:
            other.send("CreateScene", {"sceneName": "E2E Scene"})
            other.send("SetCurrentProgramScene", {"sceneName": "E2E Scene"})
        finally:
            other.disconnect()
        deadline = time.monotonic() + 10  # recorded while it runs, not only on the way out
        while not scene_changes(db) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        code = app.stop()
    assert code == 0, app.log_text()
    app.wait_for_record(1, msg="console stopped")
    assert shared_obs.password not in app.log_text()
    levels = {record["level"] for record in app.records}
    assert levels <= {"DEBUG", "INFO"}, app.log_text()
    # The as-run log kept what OBS confirmed, and the database survives the exit.
    result = run_console(["obs-status", "--json", "--obs", shared_obs.url],
                         console_environment(tmp_path, shared_obs.password))
    assert result.returncode == 0
    assert any("E2E Scene" in details and console == "e2e-stage"
               for console, details in scene_changes(db))


def scene_changes(db: Path) -> list[tuple[str, str]]:
    """(console, details) of the scene changes written to ``db`` so far."""
    if not db.exists():
        return []
    with contextlib.closing(sqlite3.connect(db)) as connection:
        try:
            return connection.execute(
                "SELECT console, details FROM asrun WHERE kind = 'scene_change'").fetchall()
        except sqlite3.OperationalError:  # the console has not made its tables yet
            return []


def test_demo_starts_its_own_obs_fills_it_and_stops_it(tmp_path: Path) -> None:
    env = console_environment(tmp_path)
    env.pop("DISPLAY", None)  # as on CI: the demo must bring its own virtual display
    app = ConsoleProcess(["demo", "--db", str(tmp_path / "demo.sqlite")], env)
    try:
        ready = app.wait_for_record(60, msg="demo scenes ready")
        connected = app.wait_for_record(1, msg="connected to OBS")
        audio = app.wait_for_record(1, msg="demo audio ready")
        second = app.wait_for_record(1, msg="demo second OBS ready")
        # The stand-in platforms answer: the viewer graph is live.
        counted = app.wait_for_record(30, msg="viewer count state", state="live")
    finally:
        code = app.stop(timeout_s=30)
    assert code == 0, app.log_text()
    assert {"Opening", "Speaker", "Break"} <= set(ready["scenes_created"])
    # Seven mixes: six on the main OBS's tracks, the seventh on the second OBS.
    assert audio["channels"] == {language: "main: created"
                                 for language in ("ar", "en", "fr", "es", "tr", "ur")}
    assert second["channels"] == {"ms": "created"}
    assert counted["viewers"] > 0
    assert re.search(r" \([a-z]{2}\)$", counted["destination"])  # "Twitch (en)": a language
    obs_url = connected["url"]
    port = int(obs_url.rsplit(":", 1)[1])
    # That OBS is gone with the console.
    deadline = time.monotonic() + 10
    while _port_open(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _port_open(port)
    assert not _obs_processes_with_home_under(Path("/tmp"), "console-demo-obs-")


def _port_open(port: int) -> bool:
    from console.obs.private_obs import port_is_open

    return port_is_open(port)


def _obs_processes_with_home_under(root: Path, prefix: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if cmdline.startswith(b"obs") and any(
            entry.startswith(b"HOME=" + str(root / prefix).encode()) for entry in environ
        ):
            found.append(int(proc.name))
    return found


def test_sigint_also_closes_the_window(shared_obs: PrivateObs, tmp_path: Path) -> None:
    env = console_environment(tmp_path, shared_obs.password)
    app = ConsoleProcess(["run", "--obs", shared_obs.url, "--db", str(tmp_path / "s.sqlite")],
                         env)
    try:
        app.wait_for_record(20, msg="connected to OBS")
        os.kill(app.process.pid, signal.SIGINT)
        assert app.process.wait(timeout=20) == 0
    finally:
        app.stop()
    app.wait_for_record(1, msg="console stopped")
