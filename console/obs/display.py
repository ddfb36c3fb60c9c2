"""A virtual X display (Xvfb) for running OBS where there is no screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

XVFB_BINARY = "Xvfb"


class VirtualDisplayError(RuntimeError):
    """Xvfb is missing or did not come up."""


@dataclass
class VirtualDisplay:
    """An Xvfb server on the first free display number from ``first_number``."""

    first_number: int = 90
    geometry: str = "1920x1080x24"
    number: int | None = field(default=None, init=False)
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def name(self) -> str:
        if self.number is None:
            raise VirtualDisplayError("the virtual display is not started")
        return f":{self.number}"

    def start(self) -> None:
        if shutil.which(XVFB_BINARY) is None:
            raise VirtualDisplayError(
                "Xvfb is not installed: run 'sudo apt-get install xvfb xauth'"
            )
        for number in range(self.first_number, self.first_number + 100):
            if _display_in_use(number):
                continue
            if self._try_start(number):
                self.number = number
                return
        raise VirtualDisplayError("no free X display number for Xvfb")

    def _try_start(self, number: int) -> bool:
        process = subprocess.Popen(
            [XVFB_BINARY, f":{number}", "-screen", "0", self.geometry, "-nolisten", "tcp"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        socket_path = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return False
            if socket_path.exists():
                self._process = process
                return True
            time.sleep(0.05)
        process.kill()
        process.wait()
        return False

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None


def needs_virtual_display() -> bool:
    """True when no real X or Wayland display is available to this process."""
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _display_in_use(number: int) -> bool:
    return Path(f"/tmp/.X{number}-lock").exists() or Path(f"/tmp/.X11-unix/X{number}").exists()
