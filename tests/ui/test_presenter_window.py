"""The presenter screen: countdown, phase colours, the message, blackout, and how it
fills windows of every size and shape."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QImage

from console.models.timing_results import TimerPhase
from console.ui.presenter_window import PresenterWindow
from console.ui.theme import COLOURS, apply_theme

# What the README promises: the figures at least this share of the window's height.
FIGURES_AT_LEAST = 0.40
SIZES = [QSize(800, 600), QSize(1024, 768), QSize(1920, 1080), QSize(3840, 2160),
         QSize(3840, 600), QSize(2560, 600), QSize(800, 2160), QSize(1080, 1920)]
SIZE_IDS = [f"{size.width()}x{size.height()}" for size in SIZES]
# 300 characters, as a stage manager types them: words, a number, a name.
LONG_MESSAGE = (
    "Please wrap up now: the next speaker is waiting and the interpreters need a short "
    "break before the panel. Take one last question from the floor, then thank the "
    "audience and hand over to Dr Amani Al-Khatib, who introduces the panel on regional "
    "cooperation at 11:30 in hall B. Thanks for keeping time!!"
)


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


# --- filling the window ----------------------------------------------------------------


@pytest.fixture
def shown(qtbot: Any) -> PresenterWindow:
    presenter = PresenterWindow()
    qtbot.addWidget(presenter)
    presenter.show()
    qtbot.waitExposed(presenter)
    return presenter


def _painted(window: PresenterWindow, colour: QColor | str) -> QRect:
    """Where the window's rendered pixels of exactly ``colour`` lie (empty: nowhere)."""
    image = window.grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    colour = QColor(colour)
    pixel = bytes((colour.red(), colour.green(), colour.blue(), 0xFF))
    data, stride, row_bytes = bytes(image.constBits()), image.bytesPerLine(), image.width() * 4
    found = QRect()
    for y in range(image.height()):
        row = data[y * stride:y * stride + row_bytes]
        first, last = _first_pixel(row, pixel), _last_pixel(row, pixel)
        if first >= 0:
            found = found.united(QRect(QPoint(first // 4, y), QPoint(last // 4, y)))
    return found


def _first_pixel(row: bytes, pixel: bytes) -> int:
    at = row.find(pixel)
    while at > 0 and at % 4:
        at = row.find(pixel, at + 1)
    return at


def _last_pixel(row: bytes, pixel: bytes) -> int:
    at = row.rfind(pixel)
    while at > 0 and at % 4:
        at = row.rfind(pixel, 0, at + 3)
    return at


def _assert_figures_fill(window: PresenterWindow) -> None:
    """The countdown's figures are at least 40% of the window's height tall and fit across."""
    height = window.height()
    text = window.countdown.text()
    metrics = QFontMetrics(window.countdown.font())
    assert metrics.tightBoundingRect(text).height() >= FIGURES_AT_LEAST * height, text
    assert metrics.horizontalAdvance(text) <= window.countdown.width(), text
    assert window.rect().contains(window.countdown.geometry())


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize(("remaining_s", "text"), [(125.4, "2:06"), (-3600, "-1:00:00")])
def test_the_figures_fill_the_window_whatever_its_size(
        shown: PresenterWindow, size: QSize, remaining_s: float, text: str) -> None:
    shown.resize(size)
    shown.show_message(LONG_MESSAGE)  # the message takes its room, not the figures'
    shown.show_timing(remaining_s, "warning")  # amber figures, told apart from white text
    assert shown.countdown.text() == text
    _assert_figures_fill(shown)

    # As painted: tall enough, inside the window without touching its edges, above the message.
    figures = _painted(shown, COLOURS["warning"])
    assert figures.height() >= FIGURES_AT_LEAST * size.height()
    assert figures.left() > 0
    assert figures.right() < size.width() - 1
    assert figures.top() > 0
    assert figures.bottom() < shown.message.geometry().top()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_a_long_message_wraps_inside_the_window(shown: PresenterWindow, size: QSize) -> None:
    assert len(LONG_MESSAGE) == 300
    shown.resize(size)
    shown.show_timing(-75, "warning")
    shown.show_message(LONG_MESSAGE)
    message = shown.message
    assert shown.rect().contains(message.geometry())

    # Measured by Qt's own word wrap: several lines, all inside the message's place.
    metrics = QFontMetrics(message.font())
    wrapped = metrics.boundingRect(QRect(0, 0, message.width(), 100_000),
                                   int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap),
                                   LONG_MESSAGE)
    assert wrapped.height() >= 2 * metrics.lineSpacing()
    assert wrapped.height() <= message.height()
    assert wrapped.width() <= message.width()
    # Large enough to read from the stage: 3% of the window's shorter side, 16 px at least.
    shorter_side = min(size.width(), size.height())
    assert message.font().pixelSize() >= max(16, 0.03 * shorter_side)

    # As painted: the text is below the figures and inside the window, never cut at an edge.
    text = _painted(shown, COLOURS["text"])
    assert not text.isEmpty()
    assert text.top() > _painted(shown, COLOURS["warning"]).bottom()
    assert text.left() > 0
    assert text.right() < size.width() - 1
    assert text.bottom() < size.height() - 1
    _assert_figures_fill(shown)


def test_a_word_wider_than_the_window_is_broken_rather_than_cut(
        shown: PresenterWindow) -> None:
    shown.resize(800, 600)
    shown.show_timing(30, "warning")
    shown.show_message("see https://example.org/" + "a" * 280)
    text = _painted(shown, COLOURS["text"])
    assert text.height() >= 3 * QFontMetrics(shown.message.font()).height()  # several lines
    assert text.left() > 0
    assert text.right() < 800 - 1
    assert text.bottom() < 600 - 1


def test_resizing_refits(shown: PresenterWindow) -> None:
    shown.show_message("Wrap up")
    shown.show_timing(95, "normal")
    sizes = [QSize(1920, 1080), QSize(800, 600), QSize(1080, 1920), QSize(3840, 2160)]
    fonts: list[QFont] = []
    for size in sizes:
        shown.resize(size)
        _assert_figures_fill(shown)
        fonts.append(shown.countdown.font())
    # Each shape got its own fit: the portrait window's figures are condensed, not small.
    assert len({(font.pixelSize(), font.stretch()) for font in fonts}) == len(sizes)
    portrait = fonts[2]
    assert portrait.stretch() < 100
    assert portrait.pixelSize() > fonts[0].pixelSize()


def test_the_figures_keep_still_as_the_seconds_change(shown: PresenterWindow) -> None:
    shown.resize(1080, 1920)  # condensed: the fit is the most sensitive to the digits
    shown.show_timing(111, "normal")
    first = (QFont(shown.countdown.font()), shown.countdown.geometry())
    for remaining in (100, 88, 60.5, 10):
        shown.show_timing(remaining, "normal")
        assert (shown.countdown.font(), shown.countdown.geometry()) == first


def test_a_move_refits(shown: PresenterWindow) -> None:
    shown.resize(1920, 1080)
    shown.show_timing(95, "normal")
    shown.countdown.setFont(QFont())  # as if the window had changed without being told
    shown.move(shown.pos() + QPoint(40, 30))
    _assert_figures_fill(shown)


def test_landing_on_another_screen_refits(shown: PresenterWindow) -> None:
    shown.resize(1920, 1080)
    shown.show_timing(95, "normal")
    shown.countdown.setFont(QFont())
    handle = shown.windowHandle()
    assert handle is not None
    handle.screenChanged.emit(QGuiApplication.primaryScreen())
    _assert_figures_fill(shown)


@pytest.mark.parametrize("size", [QSize(800, 600), QSize(1080, 1920)], ids=["800x600", "1080x1920"])
def test_blackout_stays_black_whatever_is_sent(shown: PresenterWindow, size: QSize) -> None:
    shown.resize(size)
    shown.show_timing(-5, "overtime")
    shown.set_blackout(True)
    shown.show_message(LONG_MESSAGE)
    shown.show_timing(-6, "overtime")
    shown.resize(size.width() + 40, size.height() - 40)
    image = shown.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert colours == {"#000000"}
    assert shown.countdown.isHidden()
    assert shown.message.isHidden()


def test_the_figures_fill_the_window_under_the_apps_style_sheet(qtbot: Any, qapp: Any) -> None:
    # The style sheet gives every widget a body-text font size; the figures must not take it.
    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    apply_theme(qapp)
    try:
        presenter = PresenterWindow()
        qtbot.addWidget(presenter)
        presenter.resize(QSize(1280, 800))
        presenter.show()
        qtbot.waitExposed(presenter)
        presenter.show_message(LONG_MESSAGE)
        presenter.show_timing(125.4, "warning")
        figures = _painted(presenter, COLOURS["warning"])
        assert figures.height() >= FIGURES_AT_LEAST * 800
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setPalette(palette)
        qapp.setStyle(style)
