"""The producer's review as a person sees it, on a 1280x800 and a 1920x1080 screen with a
fresh configuration: nothing outside the screen, nothing over anything else, headers and
filters wide enough to read. Set ``CONSOLE_SCREENSHOTS`` to keep the pictures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from console.obs.display import VirtualDisplay
from console.services.demo_replay import replay_day
from tests.helpers.cli import console_environment
from tests.helpers.photos import Rect, inside, keep, overlap

SIZES = ("1280x800", "1920x1080")
MIN_LOG_ROWS_SHOWN = 8


@pytest.fixture(scope="module")
def finished_show(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's simulated day: what a producer's first look at the review shows."""
    path = tmp_path_factory.mktemp("review-screens") / "show.sqlite"
    replay_day(path)
    return path


def photograph(finished_show: Path, work: Path, size: str) -> dict[str, Any]:
    display = VirtualDisplay(geometry=f"{size}x24")
    display.start()
    try:
        env = console_environment(work, extra={"DISPLAY": display.name,
                                               "QT_QPA_PLATFORM": "xcb"})
        stem = work / f"review-{size}"
        done = subprocess.run([sys.executable, "-m", "tests.helpers.review_screenshot",
                               str(finished_show), str(stem)], env=env, capture_output=True,
                              text=True, timeout=90, stdin=subprocess.DEVNULL, check=False)
    finally:
        display.stop()
    assert done.returncode == 0, done.stderr
    for picture in (Path(f"{stem}-timeline.png"), Path(f"{stem}-sessions.png")):
        assert picture.stat().st_size > 0
        keep(picture)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def readable(widget: Rect, area: list[int], name: str) -> None:
    assert widget["visible"], f"{name} is not visible"
    assert inside(widget, area), f"{name} is outside the screen {area}: {widget}"


@pytest.mark.parametrize("size", SIZES)
def test_the_review_reads_on_each_screen(finished_show: Path, tmp_path: Path,
                                         size: str) -> None:
    shot = photograph(finished_show, tmp_path, size)
    width, height = (int(n) for n in size.split("x"))
    for tab, front in (("timeline", "reviewTimeline"), ("sessions", "sessionsTable")):
        found = shot[tab]
        area, widgets = found["screen"], found["widgets"]
        frame_width, frame_height = found["window"][2:]
        assert frame_width <= width
        assert frame_height <= height
        for name in (front, "logFilterBar", "logSearch", "logKind", "logLanguage",
                     "logConsole", "logSegment", "logTable", "logStatus"):
            readable(widgets[name], area, name)
        assert not overlap(widgets[front], widgets["logTable"])
        assert not overlap(widgets[front], widgets["logFilterBar"])
        assert widgets["logSearch"]["width"] >= 200
        for chooser in ("logKind", "logLanguage", "logConsole", "logSegment"):
            assert widgets[chooser]["width"] >= 100, chooser
        row_height = 22
        assert widgets["logTable"]["height"] >= MIN_LOG_ROWS_SHOWN * row_height
    timeline = shot["timeline"]["widgets"]["reviewTimeline"]
    assert timeline["height"] >= 280
    assert timeline["width"] >= 900
    for section in shot["session_headers"] + shot["log_headers"]:
        assert section["width"] >= section["needs"], f"clipped header: {section}"
    log_columns = {section["text"]: section["width"] for section in shot["log_headers"]}
    assert log_columns["Details"] >= 200
    assert log_columns["Segment"] >= 200
    assert shot["timeline"]["log_rows"] > 0
