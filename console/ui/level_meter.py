"""An audio level meter in dBFS with a peak-hold mark, horizontal or vertical.

The scale runs from :data:`SCALE_LOW_DB` to 0 dBFS: green for speech, amber above
:data:`HOT_DB`, red from :data:`CLIP_DB`. The meter only paints what it is given;
who reads the levels, and how often, is the panel's business.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from console.models.meters import FLOOR_DB
from console.ui.theme import colour

SCALE_LOW_DB = -60.0
HOT_DB = -12.0
CLIP_DB = -3.0
MIN_WIDTH, HEIGHT = 80, 16


def scale_position(db: float) -> float:
    """Where ``db`` sits on the meter, from 0.0 (the bottom of the scale) to 1.0."""
    return max(0.0, min(1.0, (db - SCALE_LOW_DB) / -SCALE_LOW_DB))


class LevelMeter(QWidget):
    """Paints one level and one held peak; see the module docstring. Horizontal (the
    stage's matrix) or vertical, filling upwards (a booth's big meters)."""

    def __init__(self, parent: QWidget | None = None, *, vertical: bool = False) -> None:
        super().__init__(parent)
        self.level_db = FLOOR_DB
        self.peak_db = FLOOR_DB
        self.vertical = vertical
        if vertical:
            self.setMinimumSize(HEIGHT * 2, MIN_WIDTH)
            self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        else:
            self.setMinimumSize(MIN_WIDTH, HEIGHT)
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(HEIGHT * 3, MIN_WIDTH * 3) if self.vertical else QSize(MIN_WIDTH * 2, HEIGHT)

    def set_levels(self, level_db: float, peak_db: float) -> None:
        if (level_db, peak_db) == (self.level_db, self.peak_db):
            return
        self.level_db, self.peak_db = level_db, peak_db
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        bounds = QRectF(self.rect())
        painter.fillRect(bounds, colour("raised"))
        length = bounds.height() if self.vertical else bounds.width()
        level = scale_position(self.level_db) * length
        for low, high, name in ((SCALE_LOW_DB, HOT_DB, "preview"), (HOT_DB, CLIP_DB, "warning"),
                                (CLIP_DB, 0.0, "program")):
            start, end = scale_position(low) * length, min(level, scale_position(high) * length)
            if end > start:
                painter.fillRect(self._span(bounds, start, end - start), colour(name))
        if self.peak_db > SCALE_LOW_DB:
            at = min(scale_position(self.peak_db) * length, length - 2)
            painter.fillRect(self._span(bounds, at, 2), colour("text"))
        painter.setPen(colour("border"))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(bounds.adjusted(0, 0, -1, -1))
        painter.end()

    def _span(self, bounds: QRectF, start: float, size: float) -> QRectF:
        """The part of the meter from ``start`` along the scale, ``size`` long."""
        if self.vertical:  # the scale runs upwards
            return QRectF(0, bounds.height() - start - size, bounds.width(), size)
        return QRectF(start, 0, size, bounds.height())
