"""What the screen tests share: running a photographer (a console on a virtual screen that
saves a picture and prints the geometry of what it watched) and reading its rectangles.

A photographer walks through steps in one process (``Walk``), sparing each step its
Python and Qt start-up: each step names its picture and its state; the photographer
prints one JSON line per step."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from console.obs.display import VirtualDisplay
from console.obs.private_obs import PrivateObs
from tests.helpers.cli import console_environment

Rect = dict[str, Any]  # {"x", "y", "width", "height", "visible", ...} in screen pixels


class Shots:
    """What a walk found, step by step; asking for a step checks that it went well."""

    def __init__(self, found: dict[str, dict[str, Any]], stderr: str) -> None:
        self._found = found
        self._stderr = stderr

    def __getitem__(self, name: str) -> dict[str, Any]:
        assert name in self._found, f"no picture of {name}: {self._stderr[-4000:]}"
        shot = self._found[name]
        assert "error" not in shot, shot["error"]
        assert Path(shot["picture"]).stat().st_size > 0
        return shot


class Walk:
    """A photographer (``python -m module *args``) in a process of its own, taking the
    steps it is given on its standard input, one JSON line each, in order; its findings
    arrive on its standard output, one JSON line per step."""

    def __init__(self, module: str, args: list[str], env: Mapping[str, str],
                 log: Path) -> None:
        self._log = log
        with log.open("w", encoding="utf-8") as stderr:
            self._process = subprocess.Popen(
                [sys.executable, "-m", module, *args], env=dict(env), stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=stderr, text=True)
        self._found: dict[str, dict[str, Any]] = {}
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read, name=f"walk-{module}")
        self._reader.start()

    def take(self, *steps: dict[str, str]) -> None:
        assert self._process.stdin is not None
        for step in steps:
            self._process.stdin.write(json.dumps(step) + "\n")
        self._process.stdin.flush()

    def wait_for(self, name: str, timeout_s: float) -> None:
        """Until step ``name`` is reported (or the photographer is gone)."""
        with self._arrived:
            self._arrived.wait_for(lambda: name in self._found or not self._reader.is_alive(),
                                   timeout_s)

    def finish(self, timeout_s: float) -> Shots:
        """No more steps: wait for the photographer to end and return what it found."""
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            returncode = self._process.wait(timeout_s)
        finally:
            self.stop()
        stderr = self._log.read_text(encoding="utf-8")
        assert returncode == 0, stderr
        return Shots(self._found, stderr)

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._reader.join()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None and not stream.closed:
                stream.close()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            if line.startswith("{"):
                shot = json.loads(line)
                keep(Path(shot["picture"]))
                with self._arrived:
                    self._found[shot["step"]] = shot
                    self._arrived.notify_all()
        with self._arrived:
            self._arrived.notify_all()


@contextmanager
def walking(module: str, obs: PrivateObs, size: str, work: Path) -> Iterator[Walk]:
    """A photographer (``python -m module OBS_URL SIZE``) on a virtual screen of ``size``
    of its own, with its configuration and data folders in ``work``."""
    display = VirtualDisplay(geometry=f"{size}x24")
    display.start()
    try:
        env = console_environment(work / size, obs.password,
                                  {"DISPLAY": display.name, "QT_QPA_PLATFORM": "xcb"})
        walk = Walk(module, [obs.url, size], env, work / f"{size}.log")
        try:
            yield walk
        finally:
            walk.stop()
    finally:
        display.stop()


def keep(picture: Path) -> None:
    folder = os.environ.get("CONSOLE_SCREENSHOTS")
    if folder and picture.exists():
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(picture, Path(folder) / picture.name)


def inside(inner: Rect, outer: list[int]) -> bool:
    x, y, width, height = outer
    return (inner["x"] >= x and inner["y"] >= y and inner["x"] + inner["width"] <= x + width
            and inner["y"] + inner["height"] <= y + height)


def overlap(a: Rect, b: Rect) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
