"""What a stage manager sees, at 1280x800 and 1920x1080, with a fresh configuration.

The console runs as users run it, on a virtual screen of each size, with the demo show
against a real OBS; each state is photographed (set ``CONSOLE_SCREENSHOTS`` to a folder to
keep the pictures) and the geometry that matters is checked: everything inside the
screen, the take controls and the bands fully visible, nothing on top of anything else.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.obs.display import VirtualDisplay
from console.obs.private_obs import PrivateObs
from tests.helpers.cli import console_environment
from tests.helpers.control import provisioned_demo
from tests.helpers.photos import Rect, inside, overlap, photograph_with

pytestmark = pytest.mark.obs
SIZES = ("1280x800", "1920x1080")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, shared_obs: PrivateObs) -> Path:
    return provisioned_demo(tmp_path_factory.mktemp("screens"), shared_obs)


@pytest.fixture(params=SIZES)
def screen(request: pytest.FixtureRequest) -> Iterator[tuple[str, VirtualDisplay]]:
    size = str(request.param)
    display = VirtualDisplay(geometry=f"{size}x24")
    display.start()
    yield size, display
    display.stop()


def photograph(tmp_path: Path, db: Path, obs: PrivateObs, size: str,
               display: VirtualDisplay, state: str, home: Path | None = None) -> dict[str, Any]:
    """Run the console in ``state`` on ``display``; its configuration lives in ``home``
    (default: a fresh one, as on a first start)."""
    working = tmp_path / f"{state}-{size}"
    working.mkdir()
    copy = working / "show.sqlite"
    shutil.copy(db, copy)  # every state starts from the same fresh show
    picture = working / f"{state}-{size}.png"
    env = console_environment(home or working, obs.password,
                              {"DISPLAY": display.name, "QT_QPA_PLATFORM": "xcb"})
    return photograph_with("tests.helpers.screenshot",
                           [str(copy), obs.url, size, str(picture), state], picture, env)


def rect(values: list[int]) -> Rect:
    x, y, width, height = values
    return {"x": x, "y": y, "width": width, "height": height}


def must_see(widgets: dict[str, Rect], area: list[int], *names: str) -> None:
    for name in names:
        widget = widgets[name]
        assert widget["visible"], f"{name} is not visible"
        assert widget["width"] >= 40, f"{name} is too narrow: {widget}"
        assert widget["height"] >= 16, f"{name} is too low: {widget}"
        assert inside(widget, area), f"{name} is outside {area}: {widget}"


KEY_CONTROLS = ("takeButton", "takeNextButton", "backButton", "skipButton", "holdButton",
                "addMinuteButton", "removeMinuteButton", "clockTime", "clockRemaining",
                "clockDrift", "rundownTree")
TITLE_MIN = 200


@pytest.mark.parametrize("state", ["live", "hold", "rehearsal", "refused", "storage",
                                   "follower", "confirm-import", "presenter"])
def test_each_state_reads_on_each_screen(
    tmp_path: Path, demo_db: Path, shared_obs: PrivateObs,
    screen: tuple[str, VirtualDisplay], state: str,
) -> None:
    size, display = screen
    shot = photograph(tmp_path, demo_db, shared_obs, size, display, state)
    assert inside(rect(shot["window"]), shot["screen"])  # a first start fits the screen
    widgets = shot["widgets"]
    must_see(widgets, shot["screen"], *KEY_CONTROLS)
    for first, second in itertools.combinations(KEY_CONTROLS, 2):
        assert not overlap(widgets[first], widgets[second]), (first, second)
    title_reads(shot, size)
    channels_read(shot)
    expected_band = {"rehearsal": "rehearsalBand", "storage": "storageBand",
                     "follower": "roleBand"}.get(state)
    for band in ("rehearsalBand", "storageBand", "roleBand"):
        assert widgets[band]["visible"] == (band == expected_band), band
    if expected_band:
        must_see(widgets, shot["screen"], expected_band)
        for control in KEY_CONTROLS:
            assert not overlap(widgets[expected_band], widgets[control]), control
    if state == "refused":
        must_see(widgets, shot["screen"], "takeStatus")
        assert not overlap(widgets["takeStatus"], widgets["takeNextButton"])
    if state == "confirm-import":
        must_see(widgets, shot["screen"], "confirmDialog")
    if state == "hold":
        assert shot["hold_latched"]
        assert widgets["clockRemaining"]["tone"] == "hold"
        assert "HOLD" in widgets["clockRemaining"]["text"]
        assert widgets["nowRemaining"]["tone"] == "hold"
    if state == "presenter":
        presenter, countdown = widgets["presenterWindow"], widgets["presenterCountdown"]
        assert inside(presenter, shot["screen"])
        top, bottom = shot["countdown_ink"]
        assert bottom - top + 1 >= 0.40 * presenter["height"]  # the figures, as drawn
        assert inside(countdown, shot["screen"])
        must_see(widgets, [presenter["x"], presenter["y"], presenter["width"],
                           presenter["height"]], "presenterMessage")


SIDE_DOCKS = ("scenesDock", "obsDock", "nowNextDock")


def test_the_viewer_graph_and_stream_health_read_on_each_screen(
    tmp_path: Path, demo_db: Path, shared_obs: PrivateObs, screen: tuple[str, VirtualDisplay],
) -> None:
    """The Viewers dock (in front of the interpretation matrix) and the Stream health dock
    (in front of the OBS panel), on a show with two hours of counts from stand-ins."""
    size, display = screen
    shot = photograph(tmp_path, demo_db, shared_obs, size, display, "monitoring")
    widgets, docks = shot["widgets"], shot["docks"]
    viewers, health = docks["viewersDock"], docks["healthDock"]
    for dock in (viewers, health):
        assert dock["visible"]
        assert inside(dock, shot["screen"]), dock
    assert viewers["height"] >= 150, viewers
    for side in SIDE_DOCKS:
        assert not overlap(viewers, docks[side]), side
    assert not overlap(viewers, widgets["rundownTree"])
    must_see(widgets, shot["screen"], "viewerPlot", "statsCurrent", "statsPeak",
             "statsAverage", "graphView", "streamHealthPanel")
    assert widgets["viewerPlot"]["height"] >= 100, widgets["viewerPlot"]
    assert widgets["statsCurrent"]["text"] not in ("", "—")  # the counts arrived
    for first, second in itertools.combinations(("statsCurrent", "statsPeak", "statsAverage",
                                                 "graphView"), 2):
        assert not overlap(widgets[first], widgets[second]), (first, second)
    must_see(widgets, shot["screen"], *KEY_CONTROLS)


def channels_read(shot: dict[str, Any]) -> None:
    """The interpretation matrix sits under the rundown, beside both columns and on top
    of nothing; its first rows are in view; the alarm band never hides a take control."""
    widgets, docks = shot["widgets"], shot["docks"]
    channels = docks["channelsDock"]
    assert channels["visible"]
    assert inside(channels, shot["screen"]), channels
    assert channels["height"] >= 150, channels
    for side in SIDE_DOCKS:
        assert not overlap(channels, docks[side]), side
    assert not overlap(channels, widgets["rundownTree"])
    must_see(widgets, shot["screen"], "channel_fr_meter", "channel_fr_signal")
    band = widgets["channelAlarmBand"]
    if band["visible"]:
        must_see(widgets, shot["screen"], "channelAlarmBand")
        assert band["height"] <= 60, band  # grouped by problem: a line or two, not a wall
        for control in KEY_CONTROLS:
            assert not overlap(band, widgets[control]), control


def title_reads(shot: dict[str, Any], size: str) -> None:
    """The title column takes the spare width (at least a readable minimum); at 1920 the
    columns after it are in view without scrolling."""
    rundown = shot["rundown"]
    columns = rundown["columns"]
    assert columns["Title"][1] >= TITLE_MIN, columns
    if size == "1920x1080":
        assert not rundown["scrollbar"]
        for name in ("Status", "Over/under"):
            position, width = columns[name]
            assert position + width <= rundown["viewport_width"], (name, columns)


def test_a_layout_saved_on_a_bigger_screen_is_reset_on_a_smaller_one(
    tmp_path: Path, demo_db: Path, shared_obs: PrivateObs,
) -> None:
    home = tmp_path / "operator"
    big, small = VirtualDisplay(geometry="1920x1080x24"), VirtualDisplay(geometry="1280x800x24")
    big.start()
    try:
        first = photograph(tmp_path, demo_db, shared_obs, "1920x1080", big, "live", home)
    finally:
        big.stop()
    assert first["window"][2] == 1920  # saved like that when it closed
    small.start()
    try:
        again = photograph(tmp_path, demo_db, shared_obs, "1280x800", small, "live", home)
    finally:
        small.stop()
    assert inside(rect(again["window"]), again["screen"])
    must_see(again["widgets"], again["screen"], *KEY_CONTROLS)
