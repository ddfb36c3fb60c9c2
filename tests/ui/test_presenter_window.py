"""The presenter screen: countdown, phase colours, the message line, blackout."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QColor, QGuiApplication

from console.models.timing_results import TimerPhase
from console.ui.presenter_window import PresenterWindow
from console.ui.theme import COLOURS


@pytest.fixture
def window(qtbot: Any) -> PresenterWindow:
    presenter = PresenterWindow()
    qtbot.addWidget(presenter)
    presenter.resize(960, 540)
    return presenter


def _pixel(window: PresenterWindow, x: int = 5, y: int = 5) -> QColor:
    return window.grab().toImage().pixelColor(x, y)


def test_starts_with_nothing_to_count(window: PresenterWindow) -> None:
    assert window.countdown.text() == "--:--"
    assert window.message.isHidden()
    assert window.phase == "normal"
    assert _pixel(window) == QColor("#000000")


@pytest.mark.parametrize(("phase", "background", "figures"), [
    (TimerPhase.NORMAL, "#000000", COLOURS["text"]),
    (TimerPhase.WARNING, "#000000", COLOURS["warning"]),
    (TimerPhase.DANGER, "#000000", COLOURS["program"]),
    (TimerPhase.OVERTIME, COLOURS["program"], COLOURS["text"]),
])
def test_phase_colours(window: PresenterWindow, phase: TimerPhase, background: str,
                       figures: str) -> None:
    remaining = -12.0 if phase is TimerPhase.OVERTIME else 95.0
    window.show_timing(remaining, phase)
    assert window.phase == phase.value
    assert window.background_colour() == QColor(background)
    assert window.figure_colour() == QColor(figures)
    assert _pixel(window) == QColor(background)
    assert figures in window.countdown.styleSheet()
    # The figures are painted in their colour somewhere in the middle of the window.
    image = window.grab().toImage()
    colours = {image.pixelColor(x, image.height() // 2).name()
               for x in range(0, image.width(), 2)}
    assert QColor(figures).name() in colours


def test_countdown_text_and_overtime(window: PresenterWindow) -> None:
    window.show_timing(125.4, "normal")
    assert window.countdown.text() == "2:06"
    window.show_timing(-75, "overtime")
    assert window.countdown.text() == "-1:15"
    window.show_timing(None, "overtime")  # nothing live: no phase colours
    assert window.countdown.text() == "--:--"
    assert window.phase == "normal"
    with pytest.raises(ValueError, match="unknown timer phase"):
        window.show_timing(10, "panic")


def test_message_line(window: PresenterWindow) -> None:
    window.show_message("  Wrap up  ")
    assert window.message.text() == "Wrap up"
    assert not window.message.isHidden()
    window.show_message("اختتم من فضلك")
    assert window.message.text() == "اختتم من فضلك"
    window.show_message("")
    assert window.message.isHidden()


def test_blackout_is_all_black_and_remembers_what_was_shown(window: PresenterWindow) -> None:
    window.show_timing(-5, "overtime")
    window.show_message("Wrap up")
    window.set_blackout(True)
    assert window.blackout
    image = window.grab().toImage()
    assert {image.pixelColor(x, y).name() for x in range(0, 960, 16)
            for y in range(0, 540, 16)} == {"#000000"}
    window.show_timing(-6, "overtime")  # updates keep coming during a blackout
    assert window.background_colour() == QColor("#000000")
    window.set_blackout(False)
    assert window.countdown.text() == "-0:06"
    assert not window.message.isHidden()
    assert _pixel(window) == QColor(COLOURS["program"])


def test_show_on_fills_the_screen(window: PresenterWindow, qtbot: Any) -> None:
    screen = QGuiApplication.primaryScreen()
    window.show_on(screen)
    qtbot.waitExposed(window)
    assert window.isFullScreen()
    assert window.screen() is screen
    # (The offscreen platform adds a 2 px frame offset to a full-screen window.)
    assert window.size() == screen.geometry().size()
    window.show_timing(30, "danger")
    # The figures grow with the window but always fit across it.
    assert window.countdown.font().pixelSize() > 40
    assert window.countdown.sizeHint().width() <= window.width()
