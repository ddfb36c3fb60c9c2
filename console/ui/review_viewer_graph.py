"""The report's audience picture: the viewer total over a day, large, with its count axis,
the time axis in the show's zone, each session's actual start marked and named, and the
peak marked. Drawn with a plain QPainter, like the timeline (``review_drawing.py``).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPen

from console.models.review import ShowReview
from console.ui import review_drawing as draw
from console.ui.review_drawing import CountBand, TimeScale


def paint_viewer_graph(painter: QPainter, rect: QRectF, review: ShowReview, zone: ZoneInfo,
                       view: tuple[datetime, datetime] | None = None) -> list[QRectF]:
    """Draw the audience over ``view`` (default: the whole review) in ``rect``; returns
    where each text went."""
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(rect, draw.colour("background"))
        return _draw(painter, rect, review, zone, view or (review.start, review.end))
    finally:
        painter.restore()


def _draw(painter: QPainter, rect: QRectF, review: ShowReview, zone: ZoneInfo,
          view: tuple[datetime, datetime]) -> list[QRectF]:
    font = draw.review_font()
    measure = draw.metrics(painter, font)
    line = measure.height()
    pad = round(line * 0.5)
    provisional = TimeScale.over(view, rect.left(), rect.right())
    top = draw.count_top(review.viewers, provisional)
    label_left = rect.left() + pad
    plot_left = label_left + draw.widest_count_label(painter, top) + measure.horizontalAdvance("  ")
    scale = TimeScale.over(view, plot_left, rect.right() - pad)
    names = QRectF(plot_left, rect.top() + pad, scale.right - plot_left, line)
    axis = QRectF(plot_left, rect.bottom() - pad - line, names.width(), line)
    plot = QRectF(plot_left, names.bottom() + pad, names.width(),
                  axis.top() - pad - names.bottom() - pad)
    painter.fillRect(plot, draw.colour("lane"))
    ticks = draw.time_ticks(painter, scale, zone)
    draw.draw_grid(painter, scale, ticks, plot.top(), plot.bottom())
    band = CountBand(plot.adjusted(0, line / 2, 0, 0), top)
    drawn = draw.draw_count_labels(painter, band, label_left)
    drawn += _session_marks(painter, review, scale, names, plot)
    draw.draw_viewer_curve(painter, review.viewers, scale, band, review.end)
    drawn += _peak(painter, review, scale, band, zone)
    drawn += draw.draw_time_labels(painter, scale, ticks, axis)
    return drawn


def _session_marks(painter: QPainter, review: ShowReview, scale: TimeScale, names: QRectF,
                   plot: QRectF) -> list[QRectF]:
    """A dashed line at each session's actual start, its title over the plot from there
    to the next mark, elided, or left out when there is no room."""
    font = draw.review_font()
    measure = draw.metrics(painter, font)
    painter.setFont(font)
    starts = sorted((s.actual_start, s.title) for s in review.sessions
                    if s.actual_start is not None
                    and scale.left <= scale.x(s.actual_start) <= scale.right)
    drawn: list[QRectF] = []
    for index, (start, title) in enumerate(starts):
        x = scale.x(start)
        painter.setPen(QPen(draw.colour("session"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(x, names.top()), QPointF(x, plot.bottom()))
        until = scale.x(starts[index + 1][0]) if index + 1 < len(starts) else scale.right
        room = until - x - 2 * measure.horizontalAdvance(" ")
        shown = measure.elidedText(title, Qt.TextElideMode.ElideRight, room)
        if room <= 0 or not shown or shown == "…":
            continue
        painter.setPen(draw.colour("text_dim"))
        box = QRectF(x + measure.horizontalAdvance(" "), names.top(), room, names.height())
        drawn.append(draw.draw_text(painter, box, draw.LEFT, shown))
    return drawn


def _peak(painter: QPainter, review: ShowReview, scale: TimeScale, band: CountBand,
          zone: ZoneInfo) -> list[QRectF]:
    """A dot on the highest count in view and its figure beside it, where it fits."""
    view = (scale.instant(scale.left), scale.instant(scale.right))
    peak, _ = review.viewer_stats(*view)
    if peak is None:
        return []
    # The count may hold from before the view: then it is marked where the view starts.
    at = next((point.at for point in review.viewers
               if point.viewers == peak and view[0] <= point.at <= view[1]), view[0])
    x, y = max(scale.x(at), scale.left), band.y(peak)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(draw.colour("viewers")))
    painter.drawEllipse(QPointF(x, y), 4, 4)
    font = draw.review_font(bold=True)
    measure = draw.metrics(painter, font)
    label = f"Peak {peak:,} at {draw.local_time(at, zone, seconds=False)}"
    width = measure.horizontalAdvance(label) + 2
    left = x + 8 if x + 8 + width <= band.rect.right() else x - 8 - width
    if left < band.rect.left():
        return []
    painter.setFont(font)
    painter.setPen(draw.colour("text"))
    # Above the dot, clear of the curve, unless that is over the plot's top.
    box = QRectF(left, y - measure.height() - 2, width, measure.height())
    box.moveTop(max(box.top(), band.rect.top() - measure.height() / 2))
    return [draw.draw_text(painter, box, draw.LEFT, label)]
