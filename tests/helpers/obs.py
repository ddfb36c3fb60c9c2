"""Real OBS Studio for tests: a private, headless OBS on a free port with a password.

OBS and Xvfb must be installed (``make test`` installs them). A missing OBS is a
failure with the command to fix it, never a silent skip.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import obsws_python
import pytest

from console.models.obs_state import ConnectionState
from console.obs.connection import ObsConnection
from console.obs.display import VirtualDisplay
from console.obs.endpoint import ObsEndpoint
from console.obs.private_obs import PrivateObs

# obsws-python logs the password at INFO: keep it out of the test reports too.
logging.getLogger("obsws_python").setLevel(logging.CRITICAL + 1)

INSTALL_HINT = "install them with 'make deps' (apt-get install obs-studio xvfb xauth)"


def require_obs_tools() -> None:
    missing = [tool for tool in ("obs", "Xvfb") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found: {INSTALL_HINT}", pytrace=False)


@pytest.fixture(scope="session")
def virtual_display() -> Iterator[VirtualDisplay]:
    """OBS always runs on a private Xvfb in tests, even on a desktop, so no window pops up."""
    require_obs_tools()
    display = VirtualDisplay()
    display.start()
    yield display
    display.stop()


# The tests' OBS draws a small picture: software rendering a 1080p canvas took about half
# a core of a 2-core machine, slowing every test; nothing the tests check needs its size.
TEST_CANVAS = (640, 360, 30)  # width, height, frames a second


def write_profile(home: Path, recordings: Path, canvas: tuple[int, int, int] = TEST_CANVAS
                  ) -> None:
    """OBS's profile before it starts: ``canvas`` and recordings in ``recordings``. (OBS 29
    counts a recording's time right only with the video settings it started with.)"""
    width, height, fps = canvas
    profile = home / ".config" / "obs-studio" / "basic" / "profiles" / "Untitled"
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "basic.ini").write_text(
        f"[General]\nName=Untitled\n[Video]\nBaseCX={width}\nBaseCY={height}\n"
        f"OutputCX={width}\nOutputCY={height}\nFPSType=1\nFPSInt={fps}\n"
        f"[SimpleOutput]\nFilePath={recordings}\n", encoding="utf-8")


def _start_obs(home: Path, display: VirtualDisplay) -> PrivateObs:
    recordings = home / "recordings"
    recordings.mkdir(parents=True, exist_ok=True)
    write_profile(home, recordings)
    obs = PrivateObs(home=home, display=display)
    obs.start()
    return obs


@pytest.fixture(scope="session")
def shared_obs(
    virtual_display: VirtualDisplay, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrivateObs]:
    """One OBS for the tests that do not break it; tests use scene names of their own."""
    obs = _start_obs(tmp_path_factory.mktemp("obs-shared"), virtual_display)
    yield obs
    obs.stop()


@pytest.fixture(autouse=True)
def shared_obs_alive(request: pytest.FixtureRequest) -> None:
    """Start the shared OBS again if it has died since the last test that used it.

    OBS 29 under software OpenGL crashes now and then on its own (its graphics thread
    segfaulting in libc, with no request in flight). The test running then fails; the
    tests after it get a live OBS instead of failing one after the other.
    """
    if "shared_obs" not in request.fixturenames:
        return
    obs: PrivateObs = request.getfixturevalue("shared_obs")
    if not obs.is_running():
        print(f"\nthe shared OBS had died (before {request.node.nodeid}): starting it again",
              file=sys.__stderr__)
        obs.restart()


@pytest.fixture
def own_obs(virtual_display: VirtualDisplay, tmp_path: Path) -> Iterator[PrivateObs]:
    """An OBS of this test's own, for tests that kill, freeze or restart it."""
    obs = _start_obs(tmp_path / "obs", virtual_display)
    yield obs
    obs.stop()


@asynccontextmanager
async def connected(obs: PrivateObs, name: str = "test") -> AsyncIterator[ObsConnection]:
    """A console connection to ``obs``, connected, stopped on the way out."""
    connection = ObsConnection(ObsEndpoint("127.0.0.1", obs.port), obs.password, name=name)
    connection.start()
    try:
        await connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=10)
        yield connection
    finally:
        await connection.stop()


def bare_client(obs: PrivateObs) -> obsws_python.ReqClient:
    """An independent obsws-python client: the 'someone else' working on the same OBS."""
    return obsws_python.ReqClient(host="127.0.0.1", port=obs.port, password=obs.password, timeout=5)


def ensure_scenes(client: obsws_python.ReqClient, *names: str) -> None:
    existing = {scene["sceneName"] for scene in client.send("GetSceneList", raw=True)["scenes"]}
    for name in names:
        if name not in existing:
            client.send("CreateScene", {"sceneName": name})


class ObsEventLog:
    """An independent witness (obsws-python's own EventClient, in a process of its own)
    noting when OBS's program scene changed and when transitions started."""

    def __init__(self, obs: PrivateObs) -> None:
        self.program: list[tuple[str, datetime]] = []
        self.transitions: list[datetime] = []
        self._lock = threading.Lock()
        env = {**os.environ, "OBS_WEBSOCKET_PASSWORD": obs.password}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.event_witness", str(obs.port)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        assert self._process.stdout is not None
        ready = self._process.stdout.readline()
        assert ready.strip() == "READY", ready
        self._reader = threading.Thread(target=self._read, name="event-witness", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            record = json.loads(line)
            at = datetime.fromtimestamp(record["t"], UTC)
            with self._lock:
                if record["kind"] == "program":
                    self.program.append((record["scene"], at))
                else:
                    self.transitions.append(at)

    def clear(self) -> None:
        with self._lock:
            self.program.clear()
            self.transitions.clear()

    def scenes(self) -> list[str]:
        with self._lock:
            return [scene for scene, _at in self.program]

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=10)
        self._reader.join(timeout=5)
        assert self._process.stdout is not None
        self._process.stdout.close()
