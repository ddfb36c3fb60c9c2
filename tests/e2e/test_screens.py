"""What a stage manager sees, at 1280x800 and 1920x1080, with a fresh configuration.

The console runs as users run it, on a virtual screen of each size, with the demo show
against a real OBS; each state is photographed (set ``CONSOLE_SCREENSHOTS`` to a folder to
keep the pictures) and the geometry that matters is checked: everything inside the
screen, the take controls and the bands fully visible, nothing on top of anything else.
"""

from __future__ import annotations

import itertools
import shutil
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from console.obs.private_obs import PrivateObs
from tests.helpers.control import provisioned_demo
from tests.helpers.photos import Rect, Shots, inside, overlap, walking

# The first test waits for the photographs of all of them.
pytestmark = [pytest.mark.obs, pytest.mark.timeout(400)]
SIZES = ("1280x800", "1920x1080")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, shared_obs: PrivateObs) -> Path:
    return provisioned_demo(tmp_path_factory.mktemp("screens"), shared_obs)


STATES = ("live", "hold", "rehearsal", "refused", "storage", "follower", "confirm-import",
          "presenter", "monitoring")
SAVED_LAYOUT = "operator"  # the configuration folder the layout steps share
STEP_TIMEOUT_S = 60
PHOTOGRAPHER = "tests.helpers.screenshot"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory, demo_db: Path,
          shared_obs: PrivateObs) -> dict[str, Shots]:
    """Every state on each screen, each on a fresh copy of the show with a fresh
    configuration (as on a first start): one console process per screen size, both at
    once (much of a step is waiting for OBS and for the window to settle). Each also runs
    ``live`` once more with the configuration the layout steps share: the smaller screen
    only once the bigger one has saved its layout there."""
    work = tmp_path_factory.mktemp("shots")
    with ExitStack() as stack:
        walks = {size: stack.enter_context(walking(PHOTOGRAPHER, shared_obs, size, work))
                 for size in SIZES}
        big, small = walks["1920x1080"], walks["1280x800"]
        big.take(step(work, demo_db, "1920x1080", "layout", "live", work / SAVED_LAYOUT))
        for size, walk in walks.items():
            walk.take(*(step(work, demo_db, size, state, state, work / f"{state}-{size}")
                        for state in STATES))
        big.wait_for("layout", STEP_TIMEOUT_S)
        small.take(step(work, demo_db, "1280x800", "layout", "live", work / SAVED_LAYOUT))
        return {size: walk.finish(STEP_TIMEOUT_S * (len(STATES) + 1))
                for size, walk in walks.items()}


def step(work: Path, db: Path, size: str, name: str, state: str,
         home: Path) -> dict[str, str]:
    working = work / f"{name}-{size}"
    working.mkdir()
    copy = working / "show.sqlite"
    shutil.copy(db, copy)  # every state starts from the same fresh show
    return {"name": name, "state": state, "db": str(copy), "config": str(home / "config"),
            "picture": str(working / f"{name}-{size}.png")}


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


@pytest.mark.parametrize("state", [state for state in STATES if state != "monitoring"])
@pytest.mark.parametrize("size", SIZES)
def test_each_state_reads_on_each_screen(
    shots: dict[str, Shots], size: str, state: str,
) -> None:
    shot = shots[size][state]
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


@pytest.mark.parametrize("size", SIZES)
def test_the_viewer_graph_and_stream_health_read_on_each_screen(
    shots: dict[str, Shots], size: str,
) -> None:
    """The Viewers dock (in front of the interpretation matrix) and the Stream health dock
    (in front of the OBS panel), on a show with two hours of counts from stand-ins."""
    shot = shots[size]["monitoring"]
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
    shots: dict[str, Shots],
) -> None:
    first = shots["1920x1080"]["layout"]
    assert first["window"][2] == 1920  # saved like that when it closed
    again = shots["1280x800"]["layout"]
    assert inside(rect(again["window"]), again["screen"])
    must_see(again["widgets"], again["screen"], *KEY_CONTROLS)
