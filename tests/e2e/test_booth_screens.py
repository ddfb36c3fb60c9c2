"""What an interpreter sees, at 1280x800 and 1920x1080: the booth console as users run it,
on a virtual screen of each size, against a real OBS, with a stage console and a partner
simulated through OBS. Each state is photographed (set ``CONSOLE_SCREENSHOTS`` to a folder
to keep the pictures) and checked: everything inside the screen, the controls an
interpreter reaches for large, the figures that matter readable from a step back, and
nothing on top of anything else. One booth console process per screen size photographs
every state, the two sizes at once."""

from __future__ import annotations

import itertools
from contextlib import ExitStack
from pathlib import Path

import pytest

from console.obs.private_obs import PrivateObs
from tests.helpers.photos import Shots, inside, overlap, walking

pytestmark = pytest.mark.obs
SIZES = ("1280x800", "1920x1080")
# What an interpreter reads at a glance, and its smallest size in pixels at 1280x800.
READABLE_PX = {"nowSpeakers": 36, "modeText": 32, "onAirBadge": 32, "readyButton": 40,
               "boothTitle": 30, "nowTime": 24, "handoverStatus": 20}
SEPARATE = ("boothTitle", "obsBadge", "nowLanguage", "nowSpeakers", "modeText", "onAirBadge",
            "readyButton", "coughButton", "handoverButton", "handoverStatus", "acceptButton",
            "declineButton", "needRelayButton", "noFloorSoundButton", "meterArea")
STATES = ("live", "waiting")
STEP_TIMEOUT_S = 60
PHOTOGRAPHER = "tests.helpers.booth_screenshot"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory, shared_obs: PrivateObs) -> dict[str, Shots]:
    work = tmp_path_factory.mktemp("booth-shots")
    with ExitStack() as stack:
        walks = {size: stack.enter_context(walking(PHOTOGRAPHER, shared_obs, size, work))
                 for size in SIZES}
        for size, walk in walks.items():
            walk.take(*(step(work, size, state) for state in STATES))
        return {size: walk.finish(STEP_TIMEOUT_S * len(STATES)) for size, walk in walks.items()}


def step(work: Path, size: str, state: str) -> dict[str, str]:
    working = work / f"{state}-{size}"
    working.mkdir()
    return {"name": state, "state": state, "config": str(working / "config"),
            "picture": str(working / f"booth-{state}-{size}.png")}


@pytest.mark.parametrize("size", SIZES)
def test_a_live_booth_reads_at_a_glance(shots: dict[str, Shots], size: str) -> None:
    shot = shots[size]["live"]
    widgets = shot["widgets"]
    visible = {name: rect for name, rect in widgets.items() if rect["visible"]}
    for name, rect in visible.items():
        assert inside(rect, shot["screen"]), (name, rect, shot["screen"])
    for name in SEPARATE:
        assert name in visible, f"{name} is not shown"
    for first, second in itertools.combinations(SEPARATE, 2):
        assert not overlap(visible[first], visible[second]), (first, second)
    for name, smallest in READABLE_PX.items():
        assert widgets[name]["font_px"] >= smallest, (name, widgets[name]["font_px"])
    assert widgets["readyButton"]["height"] >= 80
    assert widgets["readyButton"]["text"] == "READY"
    assert widgets["modeText"]["text"] == "INTERPRET\nfrom AR"
    assert widgets["onAirBadge"]["text"] == "ON AIR"
    assert "asks you to take over" in widgets["handoverStatus"]["text"]
    area = [widgets["meterArea"][k] for k in ("x", "y", "width", "height")]
    for meter in ("floorMeter", "boothMeter"):
        assert widgets[meter]["visible"]
        assert inside(widgets[meter], area), (meter, widgets[meter], area)
        assert widgets[f"{meter}Bar"]["height"] >= 100  # a level seen from the microphone
        assert widgets[f"{meter}Value"]["text"]  # a level, "silence" or "no input"
    assert not overlap(widgets["floorMeter"], widgets["boothMeter"])


@pytest.mark.parametrize("size", SIZES)
def test_before_the_stage_is_heard_from_nothing_is_guessed(
    shots: dict[str, Shots], size: str
) -> None:
    widgets = shots[size]["waiting"]["widgets"]
    assert widgets["modeText"]["text"] == "WAITING FOR\nTHE STAGE"
    assert widgets["onAirBadge"]["text"] == "ON AIR: unknown"
    assert widgets["nowSpeakers"]["text"] == "—"
    assert not widgets["nowLanguage"]["visible"]
