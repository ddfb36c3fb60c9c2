"""Talking to a running console's control API from a test, as a Stream Deck would."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from console.obs.private_obs import PrivateObs, free_port
from tests.helpers.cli import ConsoleProcess, console_environment, run_console

TOKEN = "e2e-control-token-123456"

State = dict[str, Any]


def call(port: int, method: str, path: str, body: dict[str, Any] | None = None,
         token: str | None = TOKEN) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"{}")


def wait_for_state(port: int, predicate: Callable[[State], object],
                   timeout_s: float = 5.0) -> State:
    deadline = time.monotonic() + timeout_s
    while True:
        status, state = call(port, "GET", "/api/state")
        assert status == 200
        if predicate(state) or time.monotonic() > deadline:
            assert predicate(state), state
            return state
        time.sleep(0.05)


@contextmanager
def console_running(tmp_path: Path, obs: PrivateObs, db: Path, *extra: str,
                    name: str = "stage") -> Iterator[tuple[ConsoleProcess, int]]:
    """:func:`start_console`, stopped (SIGTERM) on the way out whatever happened."""
    app, port = start_console(tmp_path, obs, db, *extra, name=name)
    try:
        yield app, port
    finally:
        app.stop()


def start_console(tmp_path: Path, obs: PrivateObs, db: Path, *extra: str,
                  name: str = "stage") -> tuple[ConsoleProcess, int]:
    """``conference-console run`` with the control API, once it listens and OBS is connected."""
    port = free_port()
    env = console_environment(tmp_path / name, obs.password, {"CONSOLE_CONTROL_TOKEN": TOKEN})
    app = ConsoleProcess(["run", "--obs", obs.url, "--db", str(db), "--control-port", str(port),
                          "--console-name", name, *extra], env)
    app.wait_for_record(30, msg="control API listening")
    app.wait_for_record(30, msg="connected to OBS")
    return app, port


def start_booth(tmp_path: Path, obs: PrivateObs, language: str, name: str,
                interpreter: str, *extra: str) -> tuple[ConsoleProcess, int]:
    """``conference-console run --role interpreter`` (no database) with the control API, once
    it listens and OBS is connected."""
    port = free_port()
    env = console_environment(tmp_path / name, obs.password, {"CONSOLE_CONTROL_TOKEN": TOKEN})
    app = ConsoleProcess(["run", "--role", "interpreter", "--language", language,
                          "--interpreter", interpreter, "--obs", obs.url,
                          "--control-port", str(port), "--console-name", name, *extra], env)
    app.wait_for_record(30, msg="control API listening")
    app.wait_for_record(30, msg="connected to OBS")
    return app, port


def provisioned_demo(folder: Path, obs: PrivateObs) -> Path:
    """The demo show in a new database in ``folder``, its scenes provisioned in ``obs``,
    both through the command line as a user does it."""
    db = folder / "show.sqlite"
    env = console_environment(folder, obs.password)
    assert run_console(["import", "--demo", "--db", str(db)], env).returncode == 0
    provision = run_console(["provision", "--obs", obs.url, "--db", str(db)], env, 60)
    # Exit 1: the scenes are made, but the demo's seven mixes do not fit one OBS's tracks.
    assert provision.returncode == 1, provision.stderr
    assert "7 mixes" in provision.stderr, provision.stderr
    return db
