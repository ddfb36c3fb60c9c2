"""What the screen tests share: running a photographer (a console on a virtual screen that
saves a picture and prints the geometry of what it watched) and reading its rectangles."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

Rect = dict[str, Any]  # {"x", "y", "width", "height", "visible", ...} in screen pixels


def photograph_with(module: str, args: list[str], picture: Path,
                    env: Mapping[str, str]) -> dict[str, Any]:
    """Run ``python -m module *args``, which saves ``picture`` and prints its findings as
    JSON on its last line; keep the picture in ``CONSOLE_SCREENSHOTS`` when that is set."""
    done = subprocess.run([sys.executable, "-m", module, *args], env=dict(env),
                          capture_output=True, text=True, timeout=90,
                          stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 0, done.stderr
    keep = os.environ.get("CONSOLE_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(picture, Path(keep) / picture.name)
    assert picture.stat().st_size > 0
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def inside(inner: Rect, outer: list[int]) -> bool:
    x, y, width, height = outer
    return (inner["x"] >= x and inner["y"] >= y and inner["x"] + inner["width"] <= x + width
            and inner["y"] + inner["height"] <= y + height)


def overlap(a: Rect, b: Rect) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
