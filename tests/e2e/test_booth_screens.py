"""What an interpreter sees, at 1280x800 and 1920x1080: the booth console as users run it,
on a virtual screen of each size, against a real OBS, with a stage console and a partner
simulated through OBS. Each state is photographed (set ``CONSOLE_SCREENSHOTS`` to a folder
to keep the pictures) and checked: everything inside the screen, the controls an
interpreter reaches for large, the figures that matter readable from a step back, and
nothing on top of anything else."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.obs.display import VirtualDisplay
from console.obs.private_obs import PrivateObs
from tests.helpers.cli import console_environment
from tests.helpers.photos import inside, overlap, photograph_with

pytestmark = pytest.mark.obs
SIZES = ("1280x800", "1920x1080")
# What an interpreter reads at a glance, and its smallest size in pixels at 1280x800.
READABLE_PX = {"nowSpeakers": 36, "modeText": 32, "onAirBadge": 32, "readyButton": 40,
               "boothTitle": 30, "nowTime": 24, "handoverStatus": 20}
SEPARATE = ("boothTitle", "obsBadge", "nowLanguage", "nowSpeakers", "modeText", "onAirBadge",
            "readyButton", "coughButton", "handoverButton", "handoverStatus", "acceptButton",
            "declineButton", "needRelayButton", "noFloorSoundButton", "meterArea")


@pytest.fixture(params=SIZES)
def screen(request: pytest.FixtureRequest) -> Iterator[tuple[str, VirtualDisplay]]:
    size = str(request.param)
    display = VirtualDisplay(geometry=f"{size}x24")
    display.start()
    yield size, display
    display.stop()


def photograph(tmp_path: Path, obs: PrivateObs, size: str, display: VirtualDisplay,
               state: str) -> dict[str, Any]:
    working = tmp_path / f"{state}-{size}"
    working.mkdir()
    picture = working / f"booth-{state}-{size}.png"
    env = console_environment(working, obs.password,
                              {"DISPLAY": display.name, "QT_QPA_PLATFORM": "xcb"})
    return photograph_with("tests.helpers.booth_screenshot",
                           [obs.url, size, str(picture), state], picture, env)


def test_a_live_booth_reads_at_a_glance(
    tmp_path: Path, shared_obs: PrivateObs, screen: tuple[str, VirtualDisplay]
) -> None:
    size, display = screen
    shot = photograph(tmp_path, shared_obs, size, display, "live")
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


def test_before_the_stage_is_heard_from_nothing_is_guessed(
    tmp_path: Path, shared_obs: PrivateObs, screen: tuple[str, VirtualDisplay]
) -> None:
    size, display = screen
    widgets = photograph(tmp_path, shared_obs, size, display, "waiting")["widgets"]
    assert widgets["modeText"]["text"] == "WAITING FOR\nTHE STAGE"
    assert widgets["onAirBadge"]["text"] == "ON AIR: unknown"
    assert widgets["nowSpeakers"]["text"] == "—"
    assert not widgets["nowLanguage"]["visible"]
