"""The control-room look: near-black, high contrast, and colours that mean one thing each.

Red is program (on air) and alarms, green is preview and healthy, amber is a
warning, grey is "off". Widgets never pick colours themselves: they give a label
a :class:`Tone` with :func:`set_tone` and the style sheet colours it, so one file
(``resources/style/control-room.qss``) holds the whole look.

The style sheet is a :class:`string.Template`: ``$program`` and friends are
filled from :data:`COLOURS`, the same values the scene list paints with.
"""

from __future__ import annotations

import enum
import string
from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from console.paths import resources_dir

STYLE_SHEET = Path("style") / "control-room.qss"

COLOURS: dict[str, str] = {
    "background": "#0b0d10",
    "surface": "#15181d",
    "raised": "#1f242b",
    "border": "#343b45",
    "text": "#f2f4f7",
    "text_dim": "#9aa3ae",
    "text_on_amber": "#111111",
    # White text on these two stays above a 4.5:1 contrast ratio.
    "program": "#c8102e",
    "preview": "#12813f",
    "warning": "#f0a202",
    "neutral": "#4a515c",
    "focus": "#4aa3ff",
    # On hold: a colour of its own (not a phase of the timer, not an alarm).
    "hold": "#1f5fd1",
    "hold_text": "#7db3ff",
}


# The viewer graph's curves (ui/viewer_graph.py): the total in the text colour, then one
# each for languages or destinations. None is red, green or amber, which mean on air,
# healthy and warning here; all stay readable on the dark background.
SERIES_COLOURS: tuple[str, ...] = (
    "#4aa3ff",  # blue
    "#c77dff",  # violet
    "#2ec4b6",  # teal
    "#ff8fab",  # pink
    "#ffe066",  # yellow
    "#a0c4ff",  # pale blue
    "#f28f3b",  # orange
    "#b5e48c",  # pale lime
    "#e0aaff",  # lilac
    "#90e0ef",  # cyan
)


def series_colour(index: int) -> QColor:
    """The colour of the ``index``-th curve after the total (the palette repeats)."""
    return QColor(SERIES_COLOURS[index % len(SERIES_COLOURS)])


class Tone(enum.StrEnum):
    """What a status label means; the style sheet turns each into a colour."""

    NEUTRAL = "neutral"  # off, unknown, nothing to worry about
    OK = "ok"  # healthy (green)
    WARNING = "warning"  # needs an eye on it (amber)
    ALARM = "alarm"  # broken, the operator must act (red)
    PROGRAM = "program"  # on air (red)
    PREVIEW = "preview"  # on preview (green)
    HOLD = "hold"  # the live segment's clock is held (blue)


def colour(name: str) -> QColor:
    return QColor(COLOURS[name])


def set_tone(widget: QWidget, tone: Tone) -> None:
    """Give ``widget`` the colours of ``tone`` (through its ``tone`` property)."""
    if widget.property("tone") == tone.value:
        return
    widget.setProperty("tone", tone.value)
    # Qt evaluates property selectors only when a widget is polished.
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def style_sheet() -> str:
    """The control-room style sheet with its colours filled in."""
    template = string.Template((resources_dir() / STYLE_SHEET).read_text(encoding="utf-8"))
    return template.substitute(COLOURS)


def dark_palette() -> QPalette:
    # The palette covers what the style sheet does not reach (dialogs, menus, tooltips).
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "background",
        QPalette.ColorRole.WindowText: "text",
        QPalette.ColorRole.Base: "surface",
        QPalette.ColorRole.AlternateBase: "raised",
        QPalette.ColorRole.Text: "text",
        QPalette.ColorRole.Button: "raised",
        QPalette.ColorRole.ButtonText: "text",
        QPalette.ColorRole.ToolTipBase: "raised",
        QPalette.ColorRole.ToolTipText: "text",
        QPalette.ColorRole.PlaceholderText: "text_dim",
        QPalette.ColorRole.Highlight: "focus",
        QPalette.ColorRole.HighlightedText: "background",
        QPalette.ColorRole.BrightText: "warning",
    }
    for role, name in roles.items():
        palette.setColor(role, colour(name))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, colour("text_dim"))
    return palette


def apply_theme(app: QApplication) -> None:
    """Dress the whole application in the control-room theme."""
    # Fusion draws the same on every platform, so the style sheet looks the same everywhere.
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    app.setPalette(dark_palette())
    app.setStyleSheet(style_sheet())
