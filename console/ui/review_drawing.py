"""What the review's pictures share: colours, fonts, one time scale, the time axis and
the viewer curve, drawn with a plain QPainter on any device (a widget, a QImage, a PDF).

Sizes are in points, so a picture reads the same on a screen and on paper; no widget
is needed, so the report can draw off the main thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from console.models.review import ViewerPoint
from console.ui import axis_text
from console.ui.theme import COLOURS, SERIES_COLOURS

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
FONT_PT = 10.0  # the smallest text of any review picture
MIN_SPAN_S = 60.0  # a view never narrower than this
MIN_COUNT_TOP = 10.0

# Named once; the theme's colours wherever it has one for the meaning.
PALETTE: dict[str, str] = {
    "background": COLOURS["background"],
    "lane": COLOURS["surface"],
    "lane_alt": COLOURS["raised"],
    "grid": COLOURS["border"],
    "text": COLOURS["text"],
    "text_dim": COLOURS["text_dim"],
    "text_on_bar": COLOURS["text_on_amber"],
    "planned": COLOURS["neutral"],
    "late": COLOURS["warning"],  # amber: a warning
    "on_time": SERIES_COLOURS[0],  # blue: cool, and none of on air, healthy or warning
    "outage": COLOURS["program"],  # red: an alarm
    "viewers": COLOURS["text"],  # the total, as on the live graph
    "session": COLOURS["text_dim"],
}


def colour(name: str, alpha: int = 255) -> QColor:
    result = QColor(PALETTE[name])
    result.setAlpha(alpha)
    return result


def review_font(*, bold: bool = False, scale: float = 1.0) -> QFont:
    font = QFont()
    font.setPointSizeF(FONT_PT * scale)
    font.setBold(bold)
    return font


def metrics(painter: QPainter, font: QFont) -> QFontMetricsF:
    """The font's metrics on the painter's device (a PDF's resolution is not a screen's)."""
    device = painter.device()
    return QFontMetricsF(font, device) if device is not None else QFontMetricsF(font)


def draw_text(painter: QPainter, box: QRectF, flags: Qt.AlignmentFlag, text: str) -> QRectF:
    """Draw ``text`` in ``box``; returns where its letters went (for checking overlaps)."""
    return painter.drawText(box, int(flags.value), text)


def local_time(instant: datetime, zone: ZoneInfo, *, seconds: bool = True) -> str:
    return instant.astimezone(zone).strftime("%H:%M:%S" if seconds else "%H:%M")


@dataclass(frozen=True)
class TimeScale:
    """Instants to x coordinates across ``left`` to ``right``, over ``start``..``end``."""

    start: float  # POSIX seconds
    end: float
    left: float
    right: float

    @classmethod
    def over(cls, view: tuple[datetime, datetime], left: float, right: float) -> TimeScale:
        start, end = (instant.astimezone(UTC).timestamp() for instant in view)
        if end - start < MIN_SPAN_S:
            middle = (start + end) / 2
            start, end = middle - MIN_SPAN_S / 2, middle + MIN_SPAN_S / 2
        return cls(start, end, left, max(right, left + 1))

    @property
    def seconds_per_px(self) -> float:
        return (self.end - self.start) / (self.right - self.left)

    def x(self, instant: datetime) -> float:
        return self.x_of(instant.timestamp())

    def x_of(self, seconds: float) -> float:
        return self.left + (seconds - self.start) / self.seconds_per_px

    def instant(self, x: float) -> datetime:
        return datetime.fromtimestamp(self.start + (x - self.left) * self.seconds_per_px, UTC)

    def span(self, start: datetime, end: datetime, *, min_px: float = 2.0,
             ) -> tuple[float, float] | None:
        """The x range of ``start``..``end`` clipped to the scale (at least ``min_px``
        wide, so a short run stays visible), or None when it is outside."""
        left, right = self.x(start), self.x(end)
        if right < self.left or left > self.right:
            return None
        left, right = max(left, self.left), min(right, self.right)
        if right - left < min_px:
            middle = (left + right) / 2
            left, right = middle - min_px / 2, middle + min_px / 2
        return left, right


@dataclass(frozen=True)
class Ticks:
    """A time axis's ticks (POSIX seconds), their step and the zone of their labels."""

    step: float
    values: list[float]
    zone: ZoneInfo


@dataclass(frozen=True)
class CountBand:
    """Where a viewer curve goes, and the count at its top (zero at its bottom)."""

    rect: QRectF
    top: float

    def y(self, count: float) -> float:
        share = min(count / self.top, 1.0) if self.top else 0.0
        return self.rect.bottom() - self.rect.height() * share


def time_ticks(painter: QPainter, scale: TimeScale, zone: ZoneInfo) -> Ticks:
    """Ticks whose labels fit side by side."""
    measure = metrics(painter, review_font())
    room = 2 * measure.height()
    label_px = max(measure.horizontalAdvance(text)
                   for text in (axis_text.DAY_LABEL_SAMPLE, axis_text.TIME_LABEL_SAMPLE)) \
        + room
    seconds_px = measure.horizontalAdvance(axis_text.SECONDS_LABEL_SAMPLE) + room
    step = axis_text.axis_step(scale.seconds_per_px, label_px, max(label_px, seconds_px))
    return Ticks(step, axis_text.wall_ticks(scale.start, scale.end, step, zone), zone)


def draw_grid(painter: QPainter, scale: TimeScale, ticks: Ticks, top: float,
              bottom: float) -> None:
    painter.setPen(QPen(colour("grid"), 1))
    for tick in ticks.values:
        x = scale.x_of(tick)
        painter.drawLine(QPointF(x, top), QPointF(x, bottom))


def draw_time_labels(painter: QPainter, scale: TimeScale, ticks: Ticks,
                     row: QRectF) -> list[QRectF]:
    """The ticks' labels centred on them in ``row``, kept inside the scale; a label that
    would touch the one before is left out. Returns the rectangles drawn."""
    font = review_font()
    measure = metrics(painter, font)
    painter.setFont(font)
    painter.setPen(colour("text_dim"))
    gap = measure.horizontalAdvance(" ")
    drawn: list[QRectF] = []
    for tick in ticks.values:
        text = axis_text.tick_label(tick, ticks.step, ticks.zone)
        width = measure.horizontalAdvance(text)
        left = min(max(scale.x_of(tick) - width / 2, scale.left), scale.right - width)
        box = QRectF(left, row.top(), width, row.height())
        if drawn and box.left() < drawn[-1].right() + gap:
            continue
        drawn.append(draw_text(painter, box, Qt.AlignmentFlag.AlignCenter, text))
    return drawn


def count_top(points: Sequence[ViewerPoint], scale: TimeScale) -> float:
    """The top of the count axis: a round figure over the highest count in view."""
    highest = max((p.viewers for p in visible_points(points, scale) if p.viewers is not None),
                  default=0)
    return axis_text.nice_ceiling(max(highest * 1.08, MIN_COUNT_TOP))


def visible_points(points: Sequence[ViewerPoint], scale: TimeScale) -> list[ViewerPoint]:
    """The points that hold somewhere in the scale's span."""
    shown: list[ViewerPoint] = []
    for index, point in enumerate(points):
        until = points[index + 1].at if index + 1 < len(points) else point.at
        if until.timestamp() >= scale.start and point.at.timestamp() <= scale.end:
            shown.append(point)
    return shown


def viewer_path(points: Sequence[ViewerPoint], scale: TimeScale, band: CountBand,
                until: datetime) -> QPainterPath:
    """The total through its points, as the live graph draws it, broken where nobody
    answered: a count before a gap holds until the gap, the last one until ``until``."""
    path = QPainterPath()
    drawing = False
    for index, point in enumerate(points):
        if point.viewers is None:
            drawing = False
            continue
        x, y = scale.x(point.at), band.y(point.viewers)
        if drawing:
            path.lineTo(x, y)
        else:
            path.moveTo(x, y)
            drawing = True
        following = points[index + 1] if index + 1 < len(points) else None
        if following is None or following.viewers is None:
            path.lineTo(scale.x(following.at if following is not None else until), y)
    return path


def draw_viewer_curve(painter: QPainter, points: Sequence[ViewerPoint], scale: TimeScale,
                      band: CountBand, until: datetime) -> None:
    path = viewer_path(points, scale, band, until)
    if path.isEmpty():
        return
    painter.save()
    painter.setClipRect(QRectF(scale.left, band.rect.top() - 2, scale.right - scale.left,
                               band.rect.height() + 4), Qt.ClipOperation.IntersectClip)
    painter.setPen(QPen(colour("viewers"), 1.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    painter.restore()


def draw_count_labels(painter: QPainter, band: CountBand, label_left: float) -> list[QRectF]:
    """The count axis of a curve drawn in ``band``: its top, its middle when there is room
    for three labels, and zero, right-aligned between ``label_left`` and the band, with a
    faint line across the band at each."""
    font = review_font()
    measure = metrics(painter, font)
    painter.setFont(font)
    line_height = measure.height()
    gap = measure.horizontalAdvance(" ")
    rect, top = band.rect, band.top
    values = [top, top / 2, 0.0] if rect.height() >= 3 * line_height else [top, 0.0]
    drawn: list[QRectF] = []
    for value in values:
        y = band.y(value)
        painter.setPen(QPen(colour("grid"), 1, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        box = QRectF(label_left, y - line_height / 2, rect.left() - gap - label_left,
                     line_height)
        # Half a line over the band is the top figure's; the band's bottom line, zero's.
        box.moveTop(min(max(box.top(), rect.top() - line_height / 2),
                        rect.bottom() - line_height))
        painter.setPen(colour("text_dim"))
        drawn.append(draw_text(painter, box, RIGHT, axis_text.compact_count(value)))
    return drawn


def widest_count_label(painter: QPainter, top: float) -> float:
    measure = metrics(painter, review_font())
    return max(measure.horizontalAdvance(text) for text in (axis_text.compact_count(top), "0"))
