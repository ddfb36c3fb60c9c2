"""A private OBS Studio process: own config folder, free port, random password.

Used by ``make demo`` and by the test fixtures. It never touches the user's own
OBS configuration: everything lives under ``home``.
"""

from __future__ import annotations

import configparser
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from console.obs.display import VirtualDisplay

OBS_BINARY = "obs"
PORT_OPEN_TIMEOUT_S = 30.0


class PrivateObsError(RuntimeError):
    """OBS could not be started (missing binary, port never opened)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def write_obs_config(config_home: Path, port: int, password: str) -> None:
    """Enable the websocket server for both layouts obs-websocket has used.

    5.0-5.4 read ``obs-studio/global.ini``; 5.5+ read
    ``obs-studio/plugin_config/obs-websocket/config.json``.
    """
    studio = config_home / "obs-studio"
    studio.mkdir(parents=True, exist_ok=True)
    ini = configparser.ConfigParser()
    ini.optionxform = str  # type: ignore[assignment,method-assign]
    ini["General"] = {"FirstRun": "true", "LastVersion": "486539264"}
    ini["BasicWindow"] = {"SysTrayMinimizeToTray": "true"}
    ini["OBSWebSocket"] = {
        "FirstLoad": "false",
        "ServerEnabled": "true",
        "ServerPort": str(port),
        "AuthRequired": "true",
        "ServerPassword": password,
        "AlertsEnabled": "false",
    }
    with (studio / "global.ini").open("w", encoding="utf-8") as handle:
        ini.write(handle, space_around_delimiters=False)
    plugin = studio / "plugin_config" / "obs-websocket"
    plugin.mkdir(parents=True, exist_ok=True)
    config = {
        "alerts_enabled": False,
        "auth_required": True,
        "first_load": False,
        "server_enabled": True,
        "server_password": password,
        "server_port": port,
    }
    (plugin / "config.json").write_text(json.dumps(config), encoding="utf-8")
    # The password sits in a private folder only this user may read.
    for path in (studio / "global.ini", plugin / "config.json"):
        path.chmod(0o600)


@dataclass
class PrivateObs:
    """One OBS Studio process with a private configuration.

    Call :meth:`start` and, at the end, :meth:`stop`. :meth:`kill`,
    :meth:`freeze`, :meth:`thaw` and :meth:`restart` simulate faults.
    """

    home: Path
    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    display: VirtualDisplay | None = None
    log_path: Path | None = None
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        if shutil.which(OBS_BINARY) is None:
            raise PrivateObsError(
                "OBS Studio is not installed: run 'sudo apt-get install obs-studio xvfb xauth'"
            )
        self.home.mkdir(parents=True, exist_ok=True)
        write_obs_config(self.home / ".config", self.port, self.password)
        log = (self.log_path or self.home / "obs.log").open("ab")
        self._process = subprocess.Popen(
            [
                OBS_BINARY,
                "--multi",
                "--minimize-to-tray",
                "--disable-missing-files-check",
                "--disable-updater",
            ],
            env=self._environment(),
            cwd=self.home,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.wait_until_listening()

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            LIBGL_ALWAYS_SOFTWARE="1",
            QT_QPA_PLATFORM="xcb",
        )
        if self.display is not None:
            env["DISPLAY"] = self.display.name
            env.pop("WAYLAND_DISPLAY", None)
        for secret_name in ("OBS_WEBSOCKET_PASSWORD", "CONSOLE_CONTROL_TOKEN"):
            env.pop(secret_name, None)
        return env

    def wait_until_listening(self, timeout_s: float = PORT_OPEN_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise PrivateObsError(
                    f"OBS exited with code {self._process.returncode} before opening port "
                    f"{self.port}; see {self.log_path or self.home / 'obs.log'}"
                )
            if port_is_open(self.port):
                return
            time.sleep(0.1)
        raise PrivateObsError(f"OBS did not open port {self.port} within {timeout_s:.0f} s")

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _signal(self, signum: signal.Signals) -> None:
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signum)

    def kill(self) -> None:
        """SIGKILL: the socket drops with no close frame."""
        self._signal(signal.SIGKILL)
        self._reap(5.0)

    def freeze(self) -> None:
        """SIGSTOP: the socket stays open but nothing answers.

        Returns once every thread of OBS has stopped, so nothing sent afterwards
        can be answered.
        """
        self._signal(signal.SIGSTOP)
        if self._process is not None:
            _wait_until_stopped(self._process.pid)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)

    def restart(self) -> None:
        """Stop (or kill) and start again on the same port with the same password."""
        self.stop()
        self.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        """End OBS cleanly (SIGINT), killing it if it does not exit in time."""
        if self._process is None:
            return
        self.thaw()
        self._signal(signal.SIGINT)
        if not self._reap(timeout_s):
            self._signal(signal.SIGKILL)
            self._reap(5.0)
        self._process = None

    def _reap(self, timeout_s: float) -> bool:
        if self._process is None:
            return True
        try:
            self._process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return False
        return True


def _thread_states(pid: int) -> list[str]:
    states = []
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            # The state follows the command name, which is in parentheses.
            states.append(stat.read_text().rsplit(")", 1)[1].split()[0])
        except (OSError, IndexError):
            continue
    return states


def _wait_until_stopped(pid: int, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        states = _thread_states(pid)
        if states and all(state in ("T", "t", "Z", "X") for state in states):
            return
        time.sleep(0.01)
