"""Text that fills a box: figures of a given height, condensed until they fit across,
and wrapped text at the largest size whose lines fit.

Sizes are pixel sizes (``QFont.setPixelSize``), so a fit depends on the box alone,
never on a screen's DPI.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QTextLayout, QTextOption

# Measured once at a large size, so rounding does not skew the ratio.
_REFERENCE_PX = 1000
# Narrower than a tenth of their width no figures stay legible: past that, smaller ones.
MIN_STRETCH = 10
# A face's own condensed cut may be wider than asked for: a few tries to close in.
_CONDENSE_TRIES = 4
_SHRINK_TRIES = 4
_TYPICAL_FIGURE_HEIGHT = 0.72  # of the pixel size


def figure_shape(text: str) -> str:
    """``text`` with every digit as 0.

    With tabular figures (all digits equally wide) it is exactly as wide as ``text``
    whichever digits show, so a fit made for it holds from one second to the next
    and the figures do not twitch as the seconds change.
    """
    return "".join("0" if char.isdigit() else char for char in text)


def figures_ink(font: QFont) -> QRectF:
    """Where a figure's ink lies, relative to the baseline: the same box for every time."""
    return QFontMetricsF(font).tightBoundingRect("0")


def text_width(font: QFont, text: str) -> float:
    """How wide ``text`` is drawn from its origin: its advance, or its ink where that
    reaches further."""
    metrics = QFontMetricsF(font)
    ink = metrics.tightBoundingRect(text)
    return max(metrics.horizontalAdvance(text), ink.right()) - min(0.0, ink.left())


def fit_figures(text: str, base: QFont, width: float, figure_height: float) -> QFont:
    """``base`` sized so a figure's ink is ``figure_height`` pixels tall, condensed until
    ``text`` is no wider than ``width``; only if it cannot be condensed enough, smaller."""
    font = QFont(base)
    font.setStretch(100)
    font.setPixelSize(_REFERENCE_PX)
    # (A font that draws no ink at all must not divide by zero.)
    ink_per_px = figures_ink(font).height() / _REFERENCE_PX or _TYPICAL_FIGURE_HEIGHT
    font.setPixelSize(max(1, math.floor(figure_height / ink_per_px)))
    shape = figure_shape(text)
    for _ in range(_CONDENSE_TRIES):
        used = text_width(font, shape)
        if used <= width:
            return font
        stretch = font.stretch()
        narrower = max(MIN_STRETCH, min(stretch - 1, math.floor(stretch * width / used)))
        if narrower >= stretch:
            break
        font.setStretch(narrower)
    for _ in range(_SHRINK_TRIES):
        used = text_width(font, shape)
        if used <= width or font.pixelSize() <= 1:
            break
        smaller = min(font.pixelSize() - 1, math.floor(font.pixelSize() * width / used))
        font.setPixelSize(max(1, smaller))
    return font


def wrapped_layout(text: str, font: QFont, width: float) -> QTextLayout:
    """``text`` in centred lines no wider than ``width``: broken between words, and inside
    a word only when that word alone is wider (a long link). Either direction."""
    layout = QTextLayout(text, font)
    option = QTextOption(Qt.AlignmentFlag.AlignHCenter)
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
    layout.setTextOption(option)
    leading = max(0.0, QFontMetricsF(font).leading())
    top = 0.0
    layout.beginLayout()
    while (line := layout.createLine()).isValid():
        line.setLineWidth(max(1.0, width))
        line.setPosition(QPointF(0.0, top))
        top += line.height() + leading
    layout.endLayout()
    return layout


def wrapped_height(text: str, font: QFont, width: float) -> float:
    return wrapped_layout(text, font, width).boundingRect().height()


def fit_wrapped(text: str, base: QFont, width: float, height: float, *,
                largest_px: int, smallest_px: int) -> QFont:
    """``base`` at the largest pixel size, from ``smallest_px`` up to ``largest_px``, at
    which ``text`` wrapped to ``width`` is no taller than ``height`` (``smallest_px``
    when even that is too tall)."""
    font = QFont(base)
    low, high = smallest_px, max(smallest_px, largest_px)
    best = smallest_px
    while low <= high:
        middle = (low + high) // 2
        font.setPixelSize(middle)
        if wrapped_height(text, font, width) <= height:
            best, low = middle, middle + 1
        else:
            high = middle - 1
    font.setPixelSize(best)
    return font
