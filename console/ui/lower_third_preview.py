"""The lower-third preview on the Now/Next panel: the next speaker's lower third, drawn.

:class:`LowerThirdPreview` draws the lower third in memory with the renderer that
makes the PNG for OBS (``console/ui/lower_third_render.py``), and shows it scaled to fit
over a checkerboard, so the operator sees the bar's transparency and where it sits
on the canvas. It writes no file and has no signals.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from console.formats.lower_third_template import LowerThirdTemplate, load_template
from console.models.lower_third import LowerThird
from console.ui.lower_third_render import RenderedLowerThird, render_lower_third
from console.ui.theme import COLOURS

_CHECKER_PX = 8


class LowerThirdPreview(QWidget):
    """The rendered frame, scaled to fit, over a checkerboard that shows transparency
    (objectName ``lowerThirdPreview``). Renders in memory; writes no file."""

    def __init__(self, template: LowerThirdTemplate | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lowerThirdPreview")
        self._template = template or load_template()
        self._lower_third: LowerThird | None = None
        self._rendered: RenderedLowerThird | None = None
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumSize(160, 90)

    @property
    def lower_third(self) -> LowerThird | None:
        return self._lower_third

    @property
    def rendered(self) -> RenderedLowerThird | None:
        return self._rendered

    def image(self) -> QImage | None:
        return None if self._rendered is None else self._rendered.image

    def set_template(self, template: LowerThirdTemplate) -> None:
        self._template = template
        self.set_lower_third(self._lower_third)

    def set_lower_third(self, lower_third: LowerThird | None) -> None:
        self._lower_third = lower_third
        self._rendered = None if lower_third is None else \
            render_lower_third(lower_third, self._template)
        self.setToolTip("" if lower_third is None else lower_third.plain_text)
        self.update()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        return round(width * self._template.canvas_height / self._template.canvas_width)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(480, self.heightForWidth(480))

    def _frame_rect(self) -> QRectF:
        canvas = QSize(self._template.canvas_width, self._template.canvas_height)
        scaled = canvas.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        left = (self.width() - scaled.width()) / 2
        top = (self.height() - scaled.height()) / 2
        return QRectF(left, top, scaled.width(), scaled.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        try:
            frame = self._frame_rect()
            painter.fillRect(self.rect(), QColor(COLOURS["background"]))
            painter.save()
            painter.setClipRect(frame)
            painter.fillRect(frame, QColor(COLOURS["surface"]))
            dark = QColor(COLOURS["raised"])
            for row in range(math.ceil(frame.height() / _CHECKER_PX)):
                for column in range(row % 2, math.ceil(frame.width() / _CHECKER_PX), 2):
                    painter.fillRect(QRectF(frame.left() + column * _CHECKER_PX,
                                            frame.top() + row * _CHECKER_PX,
                                            _CHECKER_PX, _CHECKER_PX), dark)
            painter.restore()
            if self._rendered is not None:
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                painter.drawImage(frame, self._rendered.image)
            else:
                painter.setPen(QColor(COLOURS["text_dim"]))
                painter.drawText(frame, Qt.AlignmentFlag.AlignCenter, "No lower third")
        finally:
            painter.end()
