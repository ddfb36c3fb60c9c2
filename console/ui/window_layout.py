"""The stage window's default layout, and whether a saved one still fits the screen.

Left: the scene list with TAKE, and under it OBS's status (preflight in a tab
behind it). Right: Now / Next with TAKE NEXT and its buttons. Centre: the clock
as a strip on top, the rundown with all the width left below it, and under the
rundown the interpretation channels, one line each, like a mixer's meter bridge
(the side columns keep their full height). On a first
start the window takes the screen's whole available area; the side columns take
a share of it between a floor (so nothing is clipped at 1280x800) and a ceiling
(so the rundown gets the spare width at 1920x1080).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect

LEFT_SHARE, LEFT_MIN, LEFT_MAX = 0.19, 240, 340
RIGHT_SHARE, RIGHT_MIN, RIGHT_MAX = 0.26, 330, 460
SCENES_SHARE = 0.62  # of the left column's height; OBS's status takes the rest
# Under the rundown: seven channels and their OBS line need ~260 px; at 800 px high
# the matrix scrolls rather than squeeze the rundown below a dozen rows.
CHANNELS_SHARE, CHANNELS_MIN, CHANNELS_MAX = 0.3, 180, 300


@dataclass(frozen=True)
class DockSizes:
    left: int  # the scene list's column
    right: int  # Now / Next
    scenes: int  # the scene list's height (OBS's status takes the rest of the column)
    status: int
    channels: int  # the interpretation matrix's height, under the rundown


def _share(total: int, share: float, low: int, high: int) -> int:
    return max(low, min(high, round(total * share)))


def default_dock_sizes(width: int, height: int) -> DockSizes:
    """The columns' widths and the left column's split for a window of this size."""
    scenes = round(height * SCENES_SHARE)
    return DockSizes(_share(width, LEFT_SHARE, LEFT_MIN, LEFT_MAX),
                     _share(width, RIGHT_SHARE, RIGHT_MIN, RIGHT_MAX),
                     scenes, max(0, height - scenes),
                     _share(height, CHANNELS_SHARE, CHANNELS_MIN, CHANNELS_MAX))


def fits(frame: QRect, area: QRect) -> bool:
    """Whether a window frame lies wholly inside a screen's available area."""
    return area.contains(frame)
