"""The presenter screen: a full-screen countdown for the speaker on stage.

A pure view. It has no timer and reads no clock: the caller calls
:meth:`PresenterWindow.show_timing` (once a second, and on every change), puts
the stage manager's message up with :meth:`~PresenterWindow.show_message` and
blacks the screen out with :meth:`~PresenterWindow.set_blackout`.

The time left is written as on every screen of the console
(``console.models.timer_text``). Its figures are drawn 45% of the window's height
tall, whatever its size or shape: where they would not fit across (a portrait or
small screen, ``-1:00:00``), they are condensed rather than made smaller, so the
speaker reads them from as far away. The message wraps below them at the largest
size whose lines fit. Both are fitted again whenever the window is resized,
moved, or lands on another screen.

Colours follow the clock panel's meaning (``console.ui.theme.COLOURS``): white
figures while there is time, amber in the warning phase, red in the danger phase,
white on a red screen once over time. Blackout paints everything black and hides
every text, whatever else the caller sends meanwhile (it is remembered and shown
when blackout ends).
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPointF, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QMoveEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QScreen,
    QShowEvent,
)
from PySide6.QtWidgets import QLabel, QWidget

from console.models.timer_text import time_left_text
from console.ui.text_fit import (
    figure_shape,
    figures_ink,
    fit_figures,
    fit_wrapped,
    wrapped_height,
    wrapped_layout,
)
from console.ui.theme import COLOURS

BLACK = "#000000"

# phase -> (background, figures)
PHASE_COLOURS: dict[str, tuple[str, str]] = {
    "normal": (BLACK, COLOURS["text"]),
    "warning": (BLACK, COLOURS["warning"]),
    "danger": (BLACK, COLOURS["program"]),
    "overtime": (COLOURS["program"], COLOURS["text"]),
}
NO_PHASE = "normal"

# Shares of the window's height. The figures' ink: read at a glance from the stage
# (the README promises at least 40%); the same with or without a message, so the
# figures never jump when one comes or goes.
FIGURES_SHARE = 0.45
_GAP_SHARE = 0.03
_MESSAGE_LARGEST_SHARE = 0.10  # a one-line "Wrap up" as large as this
# A message is as large as its lines fit; only one that would not fit even at this
# size runs past the bottom of the window and is cut there.
_MESSAGE_SMALLEST_PX = 16
_MARGIN_SHARE = 0.03  # of the shorter side: projectors and bezels cut the edges
_FIGURE_FAMILIES = ["Noto Sans", "DejaVu Sans", "Liberation Sans", "sans-serif"]
_TEXT_FAMILIES = ["Noto Sans", "Noto Naskh Arabic", "Noto Nastaliq Urdu", "DejaVu Sans"]


def _bold(families: list[str]) -> QFont:
    font = QFont()
    font.setFamilies(families)
    font.setBold(True)
    return font


class CountdownLabel(QLabel):
    """The figures, their ink centred in the label whatever the font's ascent and
    descent, and the baseline kept still as the digits change."""

    fitted: QFont | None = None  # what the window fitted; the app's style sheet has its own

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        # The fitted font, not self.font(): the application's style sheet sets a font size
        # on every widget, which would shrink the figures to body text.
        font = self.fitted or self.font()
        ink = figures_ink(font)
        left = (self.width() - QFontMetricsF(font).horizontalAdvance(self.text())) / 2
        baseline = (self.height() - ink.height()) / 2 - ink.top()
        painter = QPainter(self)
        try:
            painter.setFont(font)
            painter.setPen(self.palette().color(self.foregroundRole()))
            painter.drawText(QPointF(left, baseline), self.text())
        finally:
            painter.end()


class MessageLabel(QLabel):
    """The message in centred lines, broken inside a word only when it is wider than
    the window (a long link), so no line ever runs off the screen."""

    fitted: QFont | None = None  # as for the countdown: the style sheet's font is not it

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        layout = wrapped_layout(self.text(), self.fitted or self.font(), self.width())
        top = (self.height() - layout.boundingRect().height()) / 2
        painter = QPainter(self)
        try:
            painter.setPen(self.palette().color(self.foregroundRole()))
            layout.draw(painter, QPointF(0, max(0.0, top)))
        finally:
            painter.end()


class PresenterWindow(QWidget):
    """Full-screen countdown, phase colours, a message and a blackout.

    Children by objectName: ``presenterCountdown``, ``presenterMessage``. Read the
    state back with :attr:`phase`, :attr:`blackout`, :meth:`background_colour` and
    :meth:`figure_colour`.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("presenterWindow")
        self.setWindowTitle("Presenter")
        self.setCursor(Qt.CursorShape.BlankCursor)
        # The window paints its own background; the app's style sheet must not.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        self.setAutoFillBackground(False)
        self._phase = NO_PHASE
        self._blackout = False
        self._fitted_for: tuple[object, ...] | None = None
        self._watched_handle: object | None = None

        self.countdown = CountdownLabel(time_left_text(None), self)
        self.countdown.setObjectName("presenterCountdown")
        self.message = MessageLabel("", self)
        self.message.setObjectName("presenterMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        for label in (self.countdown, self.message):
            label.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground, True)
        self.resize(960, 540)
        self._apply()

    # --- what the caller drives -------------------------------------------------------

    def show_on(self, screen: QScreen) -> None:
        """Fill ``screen`` (the stage monitor) with this window."""
        self.setScreen(screen)
        geometry = screen.geometry()
        self.move(geometry.topLeft())
        self.resize(geometry.size())
        self.showFullScreen()

    def show_timing(self, remaining_s: float | None, phase: str) -> None:
        """``remaining_s`` left (negative once over, ``None`` with nothing live) in
        ``phase``: ``normal``, ``warning``, ``danger`` or ``overtime`` (a TimerPhase)."""
        phase = str(phase)
        if phase not in PHASE_COLOURS:
            raise ValueError(f"unknown timer phase {phase!r}")
        self._phase = NO_PHASE if remaining_s is None else phase
        self.countdown.setText(time_left_text(remaining_s))
        self._apply()

    def show_message(self, text: str) -> None:
        """Put the stage manager's message up (``"Wrap up"``, free text); empty clears it."""
        self.message.setText(text.strip())
        self._apply()

    def set_blackout(self, on: bool) -> None:
        self._blackout = on
        self._apply()

    # --- state, for the caller and tests --------------------------------------------------

    @property
    def phase(self) -> str:
        return self._phase

    @property
    def blackout(self) -> bool:
        return self._blackout

    def background_colour(self) -> QColor:
        return QColor(BLACK if self._blackout else PHASE_COLOURS[self._phase][0])

    def figure_colour(self) -> QColor:
        return QColor(PHASE_COLOURS[self._phase][1])

    # --- drawing ------------------------------------------------------------------------

    def _apply(self) -> None:
        # Style sheets re-polish the label: set them only when the colour changes.
        figures = f"color: {PHASE_COLOURS[self._phase][1]}; background: transparent;"
        if self.countdown.styleSheet() != figures:
            self.countdown.setStyleSheet(figures)
        text = f"color: {COLOURS['text']}; background: transparent;"
        if self.message.styleSheet() != text:
            self.message.setStyleSheet(text)
        self.countdown.setVisible(not self._blackout)
        self.message.setVisible(not self._blackout and bool(self.message.text()))
        self._refit()
        self.update()

    def _refit(self, *, force: bool = False) -> None:
        """Fit both texts to the window; skipped (ticks come four times a second) while
        nothing that decides the fit has changed, unless ``force``."""
        key = (self.size(), figure_shape(self.countdown.text()), self.message.text())
        if key == self._fitted_for and not force:
            return
        self._fitted_for = key
        height = max(self.height(), 1)
        margin = round(_MARGIN_SHARE * min(self.width(), height))
        area = self.rect().marginsRemoved(QMargins(margin, margin, margin, margin))
        figures = fit_figures(self.countdown.text(), _bold(_FIGURE_FAMILIES), area.width(),
                              FIGURES_SHARE * height)
        self.countdown.fitted = figures
        if self.countdown.font() != figures:
            self.countdown.setFont(figures)
        message_height = self._fit_message(area, figures_ink(figures).height())
        gap = round(_GAP_SHARE * height) if message_height else 0
        self.countdown.setGeometry(QRect(area.left(), area.top(), area.width(),
                                         area.height() - message_height - gap))
        self.message.setGeometry(QRect(area.left(), area.bottom() + 1 - message_height,
                                       area.width(), message_height))

    def _fit_message(self, area: QRect, figures_height: float) -> int:
        """Fit the message under the figures; answers the height it takes (0: none)."""
        text = self.message.text()
        if not text:
            return 0
        height = max(self.height(), 1)
        room = area.height() - figures_height - _GAP_SHARE * height
        largest = round(_MESSAGE_LARGEST_SHARE * height)
        font = fit_wrapped(text, _bold(_TEXT_FAMILIES), area.width(), room,
                           largest_px=largest, smallest_px=_MESSAGE_SMALLEST_PX)
        self.message.fitted = font
        if self.message.font() != font:
            self.message.setFont(font)
        needed = wrapped_height(text, font, area.width())
        return max(0, min(int(room), int(needed) + 1))

    def _on_screen_changed(self, screen: QScreen) -> None:
        self._refit(force=True)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        # The native window exists from the first show on; it tells when the window
        # lands on another screen (a stage monitor plugged in, a drag across screens).
        handle = self.windowHandle()
        if handle is not None and handle is not self._watched_handle:
            handle.screenChanged.connect(self._on_screen_changed)
            self._watched_handle = handle
        self._refit(force=True)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._refit()

    def moveEvent(self, event: QMoveEvent) -> None:  # noqa: N802 (Qt's name)
        super().moveEvent(event)
        # A move may cross to a screen of another size before any resize arrives.
        self._refit(force=True)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), self.background_colour())
        finally:
            painter.end()
