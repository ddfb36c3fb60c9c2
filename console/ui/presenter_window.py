"""The presenter screen: a full-screen countdown for the speaker on stage.

A pure view. It has no timer and reads no clock: the caller calls
:meth:`PresenterWindow.show_timing` (once a second, and on every change), puts
the stage manager's message up with :meth:`~PresenterWindow.show_message` and
blacks the screen out with :meth:`~PresenterWindow.set_blackout`.

Colours follow the clock panel's meaning (``console.ui.theme.COLOURS``): white
figures while there is time, amber in the warning phase, red in the danger phase,
white on a red screen once over time. Blackout paints everything black and hides
every text, whatever else the caller sends meanwhile (it is remembered and shown
when blackout ends).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QResizeEvent, QScreen
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from console.models.timer_text import time_left_text
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

# Share of the window's height each line's figures take.
_COUNTDOWN_HEIGHT = 0.42
_MESSAGE_HEIGHT = 0.09
_FIGURE_FAMILIES = ["DejaVu Sans Mono", "Noto Sans Mono", "Liberation Mono", "monospace"]
_TEXT_FAMILIES = ["Noto Sans", "Noto Naskh Arabic", "Noto Nastaliq Urdu", "DejaVu Sans"]


class PresenterWindow(QWidget):
    """Full-screen countdown, phase colours, a message line and a blackout.

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

        self.countdown = QLabel(time_left_text(None), self)
        self.countdown.setObjectName("presenterCountdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel("", self)
        self.message.setObjectName("presenterMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        for label in (self.countdown, self.message):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            label.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground, True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.addWidget(self.countdown, 3)
        layout.addWidget(self.message, 1)
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
        self._fit_fonts()
        self.update()

    def _fit_fonts(self) -> None:
        height = max(self.height(), 1)
        figures = QFont()
        figures.setFamilies(_FIGURE_FAMILIES)
        figures.setBold(True)
        figures.setPixelSize(max(12, int(height * _COUNTDOWN_HEIGHT)))
        # Never wider than the window: "+00:00" is six figures of a monospace font.
        longest = max(6, len(self.countdown.text()))
        width_limit = int((self.width() - 96) / (0.62 * longest))
        figures.setPixelSize(max(12, min(figures.pixelSize(), width_limit)))
        if self.countdown.font() != figures:
            self.countdown.setFont(figures)
        text = QFont()
        text.setFamilies(_TEXT_FAMILIES)
        text.setBold(True)
        text.setPixelSize(max(10, int(height * _MESSAGE_HEIGHT)))
        if self.message.font() != text:
            self.message.setFont(text)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_fonts()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), self.background_colour())
        finally:
            painter.end()
