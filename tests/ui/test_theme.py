"""The control-room theme: the style sheet loads, and a tone becomes its colour."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel

from console.ui import theme
from console.ui.theme import Tone


def test_the_style_sheet_has_every_colour_filled_in():
    sheet = theme.style_sheet()

    assert "$" not in sheet
    assert theme.COLOURS["program"] in sheet
    assert theme.COLOURS["preview"] in sheet
    assert theme.COLOURS["warning"] in sheet


def test_apply_theme_makes_the_application_dark(themed_app):
    window = themed_app.palette().color(QPalette.ColorRole.Window)
    text = themed_app.palette().color(QPalette.ColorRole.WindowText)

    assert window.lightness() < 30
    assert text.lightness() > 220
    assert themed_app.styleSheet() == theme.style_sheet()


@pytest.mark.parametrize(
    ("tone", "expected"),
    [
        (Tone.PROGRAM, "program"),
        (Tone.ALARM, "program"),
        (Tone.PREVIEW, "preview"),
        (Tone.OK, "preview"),
        (Tone.WARNING, "warning"),
        (Tone.NEUTRAL, "neutral"),
    ],
)
def test_a_badge_is_painted_in_the_colour_of_its_tone(qtbot, themed_app, tone, expected):
    badge = QLabel("ON AIR")
    badge.setProperty("badge", True)
    qtbot.addWidget(badge)
    badge.resize(200, 40)

    theme.set_tone(badge, tone)

    pixel = badge.grab().toImage().pixelColor(6, badge.height() // 2)
    assert pixel == QColor(theme.COLOURS[expected])
    assert badge.property("tone") == tone.value
