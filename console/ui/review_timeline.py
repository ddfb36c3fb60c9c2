"""The producer's timeline: planned against actual, outages per language and the audience,
on one time axis in the show's zone.

:func:`paint_timeline` draws it with any QPainter, so the review window
(:class:`ReviewTimeline`) and the report (on a QImage or the PDF's painter) show the
same picture. From the top: the time axis, the sessions as planned, the planned
segments (overlapping ones on rows of their own), the actual runs beneath them (late
takes amber, early or on time blue; a skipped segment's planned bar hatched), a lane
per interpretation language with its outages in red, the viewer total with its scale,
the time axis again and a legend. Labels are never smaller than ten points; a label
with no room is elided or left out, never drawn over another.
"""

from __future__ import annotations

import enum
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from console.models.review import Outage, SegmentRun, ShowReview
from console.models.timer_text import duration_text, signed_duration_text
from console.ui.review_drawing import (
    LEFT,
    CountBand,
    Ticks,
    TimeScale,
    colour,
    count_top,
    draw_count_labels,
    draw_grid,
    draw_text,
    draw_time_labels,
    draw_viewer_curve,
    local_time,
    metrics,
    review_font,
    time_ticks,
    widest_count_label,
)

LATE_AFTER_S = 30.0  # a take later than this is late; anything sooner is on time
MIN_BAR_LABEL_PX = 24  # a bar narrower than this carries no label
MIN_VIEWER_LINES = 3  # the viewer band is at least this many lines of text high
ZOOM_STEP = 1.25  # per notch of the wheel
MIN_WIDTH, MIN_HEIGHT = 480, 320
NOTHING_YET = "Nothing planned or recorded yet"
LEGEND = (("planned", "Planned"), ("on_time", "Early or on time"),
          ("late", f"Late (over {LATE_AFTER_S:g} s)"), ("skipped", "Skipped"),
          ("outage", "No sound on air"), ("viewers", "Viewers (all destinations)"))


class HitKind(enum.StrEnum):
    SESSION = "session"
    PLANNED = "planned"
    ACTUAL = "actual"
    OUTAGE = "outage"
    VIEWERS = "viewers"  # the viewer band: the instant comes from the x coordinate


@dataclass(frozen=True)
class TimelineHit:
    """Something drawn that can be pointed at: a segment's bar (``segment_id``), an
    outage (``outage``: language and span), a session or the viewer band (neither)."""

    rect: QRectF
    kind: HitKind
    segment_id: str | None = None
    outage: Outage | None = None
    session: str | None = None

    @property
    def language(self) -> str | None:
        return self.outage.language if self.outage is not None else None


@dataclass
class _Layout:
    label_left: float
    scale: TimeScale
    axis_top: QRectF
    sessions: QRectF
    planned: list[QRectF]
    actual: QRectF
    languages: dict[str, QRectF]
    viewers: QRectF
    axis_bottom: QRectF
    legend: list[tuple[QRectF, str, str]] = field(default_factory=list)  # swatch, key, text


def planned_rows(segments: Sequence[SegmentRun]) -> dict[str, int]:
    """A row for each planned bar: the first whose last bar ends by its start."""
    ends: list[datetime] = []
    rows: dict[str, int] = {}
    for run in sorted(segments, key=lambda r: (r.planned_start, r.planned_end)):
        row = next((i for i, end in enumerate(ends) if end <= run.planned_start), len(ends))
        if row == len(ends):
            ends.append(run.planned_end)
        else:
            ends[row] = run.planned_end
        rows[run.segment_id] = row
    return rows


def is_late(run: SegmentRun) -> bool:
    return run.deviation_s is not None and run.deviation_s > LATE_AFTER_S


# --- painting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineDrawing:
    hits: list[TimelineHit]
    labels: list[tuple[QRectF, str]]  # each text drawn: where its letters went, and it


def paint_timeline(painter: QPainter, rect: QRectF, review: ShowReview, zone: ZoneInfo,
                   view: tuple[datetime, datetime] | None = None) -> list[TimelineHit]:
    """Draw ``review`` in ``rect`` over ``view`` (default: the whole review); returns
    what was drawn where, for pointing at it."""
    return draw_timeline(painter, rect, review, zone, view).hits


def draw_timeline(painter: QPainter, rect: QRectF, review: ShowReview, zone: ZoneInfo,
                  view: tuple[datetime, datetime] | None = None) -> TimelineDrawing:
    """:func:`paint_timeline`, telling also where each text went."""
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(rect, colour("background"))
        if review.empty:
            painter.setFont(review_font())
            painter.setPen(colour("text_dim"))
            box = draw_text(painter, rect, Qt.AlignmentFlag.AlignCenter, NOTHING_YET)
            return TimelineDrawing([], [(box, NOTHING_YET)])
        return _Painter(painter, rect, review, zone, view or (review.start, review.end)).paint()
    finally:
        painter.restore()


class _Painter:
    def __init__(self, painter: QPainter, rect: QRectF, review: ShowReview, zone: ZoneInfo,
                 view: tuple[datetime, datetime]) -> None:
        self.p = painter
        self.review = review
        self.zone = zone
        self.font = review_font()
        self.measure = metrics(painter, self.font)
        self.line = self.measure.height()
        self.pad = round(self.line * 0.35)
        self.rows = planned_rows(review.segments)
        self.hits: list[TimelineHit] = []
        self.labels: list[tuple[QRectF, str]] = []  # every text drawn, where its letters went
        self.layout = self._lay_out(rect, view)

    # -- layout ---------------------------------------------------------------------------

    def _lay_out(self, rect: QRectF, view: tuple[datetime, datetime]) -> _Layout:
        """The lanes from the top, the legend and a second time axis at the bottom, and
        the viewer band in between with what is left; when that is too little for its
        scale, the lanes narrow and the legend and second axis go."""
        gap = self.measure.horizontalAdvance("  ")
        provisional = TimeScale.over(view, rect.left(), rect.right())
        top = count_top(self.review.viewers, provisional)
        names = ["Sessions", "Planned", "Actual", *self.review.languages]
        label_width = max(
            *(self.measure.horizontalAdvance(name) for name in names),
            self.measure.horizontalAdvance("Viewers") + gap + widest_count_label(self.p, top))
        scale = TimeScale.over(view, rect.left() + self.pad + label_width + gap,
                               rect.right() - self.pad)
        layout = self._lanes(rect, scale, compact=False)
        if layout.viewers.height() < MIN_VIEWER_LINES * self.line:
            layout = self._lanes(rect, scale, compact=True)
        return layout

    def _lanes(self, rect: QRectF, scale: TimeScale, *, compact: bool) -> _Layout:
        bar = self.line + (self.pad if compact else 2 * self.pad)
        lane = self.line if compact else self.line + self.pad
        y = rect.top() + self.pad
        layout = _Layout(rect.left() + self.pad, scale, QRectF(), QRectF(), [], QRectF(), {},
                         QRectF(), QRectF())
        layout.axis_top, y = self._row(scale, y, self.line), y + self.line + self.pad
        layout.sessions, y = self._row(scale, y, lane), y + lane + self.pad
        for _ in range(max(self.rows.values(), default=0) + 1):
            layout.planned.append(self._row(scale, y, bar))
            y += bar
        layout.actual, y = self._row(scale, y, bar), y + bar + self.pad
        for language in self.review.languages:
            layout.languages[language], y = self._row(scale, y, lane), y + lane
        bottom = rect.bottom() - self.pad
        if not compact:
            layout.legend = self._legend(rect, bottom)
            bottom = min(swatch.top() for swatch, _, _ in layout.legend) - self.pad
            layout.axis_bottom = self._row(scale, bottom - self.line, self.line)
            bottom -= self.line + self.pad
        viewers_top = y + self.pad
        layout.viewers = self._row(scale, viewers_top, max(bottom - viewers_top, 0.0))
        return layout

    @staticmethod
    def _row(scale: TimeScale, y: float, height: float) -> QRectF:
        return QRectF(scale.left, y, scale.right - scale.left, height)

    def _legend(self, rect: QRectF, bottom: float) -> list[tuple[QRectF, str, str]]:
        """The legend's items flowed into as many rows as the width needs, from the
        bottom up."""
        swatch = self.line * 0.8
        gap = self.measure.horizontalAdvance("   ")
        rows: list[list[tuple[float, str, str]]] = [[]]
        x = rect.left() + self.pad
        for key, text in LEGEND:
            width = swatch + self.pad + self.measure.horizontalAdvance(text)
            if rows[-1] and x + width > rect.right() - self.pad:
                rows.append([])
                x = rect.left() + self.pad
            rows[-1].append((x, key, text))
            x += width + gap
        items: list[tuple[QRectF, str, str]] = []
        for index, row in enumerate(rows):
            y = bottom - (len(rows) - index) * self.line
            for left, key, text in row:
                items.append((QRectF(left, y + (self.line - swatch) / 2, swatch, swatch),
                              key, text))
        return items

    # -- drawing --------------------------------------------------------------------------

    def paint(self) -> TimelineDrawing:
        layout = self.layout
        ticks = time_ticks(self.p, layout.scale, self.zone)
        self._lane_names()
        self._lane_backgrounds()
        draw_grid(self.p, layout.scale, ticks, layout.sessions.top(), layout.viewers.bottom())
        self._session_lines()
        self._time_labels(ticks, layout.axis_top)
        if not layout.axis_bottom.isEmpty():
            self._time_labels(ticks, layout.axis_bottom)
        self.p.save()
        self.p.setClipRect(QRectF(layout.scale.left, layout.sessions.top(),
                                  layout.scale.right - layout.scale.left,
                                  layout.viewers.bottom() - layout.sessions.top()))
        self._sessions()
        self._segments()
        self._outages()
        self._viewers()
        self.p.restore()
        self._count_labels()
        self._draw_legend()
        return TimelineDrawing(self.hits, self.labels)

    def _time_labels(self, ticks: Ticks, row: QRectF) -> None:
        for box in draw_time_labels(self.p, self.layout.scale, ticks, row):
            self.labels.append((box, "time"))

    def _lane_names(self) -> None:
        layout = self.layout
        self.p.setFont(self.font)
        self.p.setPen(colour("text_dim"))
        lanes = [("Sessions", layout.sessions), ("Planned", layout.planned[0]),
                 ("Actual", layout.actual), *layout.languages.items()]
        lanes.append(("Viewers", QRectF(layout.viewers.left(), layout.viewers.top(), 1,
                                        self.line)))
        for name, lane in lanes:
            box = QRectF(layout.label_left, lane.top(), lane.left() - layout.label_left,
                         lane.height())
            self._text(box, LEFT, name)

    def _lane_backgrounds(self) -> None:
        layout = self.layout
        planned = QRectF(layout.planned[0]).united(layout.planned[-1])
        for index, lane in enumerate([layout.sessions, planned, layout.actual,
                                      *layout.languages.values(), layout.viewers]):
            self.p.fillRect(lane, colour("lane" if index % 2 == 0 else "lane_alt"))

    def _session_lines(self) -> None:
        layout = self.layout
        self.p.setPen(QPen(colour("session"), 1, Qt.PenStyle.DashLine))
        for session in self.review.sessions:
            if session.actual_start is None:
                continue
            x = layout.scale.x(session.actual_start)
            if layout.scale.left <= x <= layout.scale.right:
                self.p.drawLine(QPointF(x, layout.sessions.top()),
                                QPointF(x, layout.viewers.bottom()))

    def _sessions(self) -> None:
        lane = self.layout.sessions
        for session in self.review.sessions:
            span = self.layout.scale.span(session.planned_start, session.planned_end)
            if span is None:
                continue
            box = QRectF(span[0], lane.top() + 1, span[1] - span[0], lane.height() - 2)
            self.p.setPen(QPen(colour("session"), 1))
            self.p.setBrush(Qt.BrushStyle.NoBrush)
            self.p.drawRect(box.adjusted(0.5, 0.5, -0.5, -0.5))
            self._label(box, session.title, "text")
            self.hits.append(TimelineHit(box, HitKind.SESSION, session=session.title))

    def _segments(self) -> None:
        for run in self.review.segments:
            self._planned_bar(run)
            self._actual_bars(run)

    def _planned_bar(self, run: SegmentRun) -> None:
        lane = self.layout.planned[self.rows[run.segment_id]]
        span = self.layout.scale.span(run.planned_start, run.planned_end)
        if span is None:
            return
        box = QRectF(span[0], lane.top() + 1, span[1] - span[0], lane.height() - 2)
        self._bar(box, colour("planned"))
        if run.skipped:
            self._hatch(box)
        self._label(box, f"Skipped: {run.title}" if run.skipped else run.title, "text")
        self.hits.append(TimelineHit(box, HitKind.PLANNED, segment_id=run.segment_id))

    def _actual_bars(self, run: SegmentRun) -> None:
        lane = self.layout.actual
        fill = colour("late" if is_late(run) else "on_time")
        for index, (start, end) in enumerate(run.runs):
            span = self.layout.scale.span(start, end)
            if span is None:
                continue
            box = QRectF(span[0], lane.top() + 1, span[1] - span[0], lane.height() - 2)
            self._bar(box, fill)
            if index == 0:
                self._label(box, signed_duration_text(run.deviation_s), "text_on_bar",
                            elide=False)
            self.hits.append(TimelineHit(box, HitKind.ACTUAL, segment_id=run.segment_id))

    def _outages(self) -> None:
        for outage in self.review.outages:
            lane = self.layout.languages.get(outage.language)
            span = self.layout.scale.span(outage.start, outage.end, min_px=3)
            if lane is None or span is None:
                continue
            box = QRectF(span[0], lane.top() + 2, span[1] - span[0], lane.height() - 4)
            self._bar(box, colour("outage"))
            self._label(box, duration_text(outage.seconds), "text", elide=False)
            self.hits.append(TimelineHit(box, HitKind.OUTAGE, outage=outage))

    def _viewer_band(self) -> CountBand:
        """Where the curve goes (under room for half the top figure) and its top."""
        return CountBand(self.layout.viewers.adjusted(0, self.line / 2, 0, 0),
                         count_top(self.review.viewers, self.layout.scale))

    def _viewers(self) -> None:
        draw_viewer_curve(self.p, self.review.viewers, self.layout.scale,
                          self._viewer_band(), self.review.end)
        self.hits.append(TimelineHit(self.layout.viewers, HitKind.VIEWERS))

    def _count_labels(self) -> None:
        for box in draw_count_labels(self.p, self._viewer_band(), self.layout.label_left):
            self.labels.append((box, "count"))

    def _bar(self, box: QRectF, fill: QColor) -> None:
        # A thin line of the background between neighbours keeps them apart.
        self.p.setPen(QPen(colour("background"), 1))
        self.p.setBrush(QBrush(fill))
        self.p.drawRect(box)

    def _hatch(self, box: QRectF) -> None:
        """Diagonal stripes, spaced in the picture's own units (a pattern brush's are
        device pixels, too fine to see on a picture drawn at three times the size)."""
        step = max(self.line / 3, 4.0)
        self.p.save()
        self.p.setClipRect(box, Qt.ClipOperation.IntersectClip)
        self.p.setPen(QPen(colour("text_dim"), 1.5))
        x = box.left() - box.height()
        while x < box.right():
            self.p.drawLine(QPointF(x, box.bottom()), QPointF(x + box.height(), box.top()))
            x += step
        self.p.restore()

    def _label(self, box: QRectF, text: str, tone: str, *, elide: bool = True) -> None:
        """``text`` inside ``box``, elided to fit (a figure is never cut: it is left out
        whole); a bar too narrow for a few letters carries none."""
        inner = box.adjusted(self.pad / 2, 0, -self.pad / 2, 0)
        if inner.width() < MIN_BAR_LABEL_PX:
            return
        shown = self.measure.elidedText(text, Qt.TextElideMode.ElideRight, inner.width())
        if not shown or shown == "…" or (not elide and shown != text):
            return
        self.p.setFont(self.font)
        self.p.setPen(colour(tone))
        self._text(inner, LEFT, shown)

    def _text(self, box: QRectF, flags: Qt.AlignmentFlag, text: str) -> None:
        self.labels.append((draw_text(self.p, box, flags, text), text))

    def _draw_legend(self) -> None:
        self.p.setFont(self.font)
        for swatch, key, text in self.layout.legend:
            if key == "viewers":
                y = swatch.center().y()
                self.p.setPen(QPen(colour("viewers"), 2))
                self.p.drawLine(QPointF(swatch.left(), y), QPointF(swatch.right(), y))
            else:
                self._bar(swatch, colour("planned" if key == "skipped" else key))
                if key == "skipped":
                    self._hatch(swatch)
            self.p.setPen(colour("text_dim"))
            box = QRectF(swatch.right() + self.pad, swatch.center().y() - self.line / 2,
                         self.measure.horizontalAdvance(text) + 1, self.line)
            self._text(box, LEFT, text)


# --- what a hit says ------------------------------------------------------------------------


def hit_text(hit: TimelineHit, review: ShowReview, zone: ZoneInfo,
             at: datetime | None = None) -> str:
    """The lines a tooltip shows for ``hit`` (plain text; ``at``: the instant pointed at,
    for the viewer band)."""
    if hit.kind in (HitKind.PLANNED, HitKind.ACTUAL):
        run = next((r for r in review.segments if r.segment_id == hit.segment_id), None)
        return segment_text(run, zone) if run is not None else ""
    if hit.outage is not None:
        return outage_text(hit.outage, zone)
    if hit.kind is HitKind.SESSION:
        return f"Session: {hit.session}"
    if hit.kind is HitKind.VIEWERS and at is not None:
        viewers = review.viewers_at(at)
        count = "no count" if viewers is None else f"{viewers:,} viewers"
        return f"{local_time(at, zone)}: {count}"
    return ""


def segment_text(run: SegmentRun, zone: ZoneInfo) -> str:
    lines = [run.title]
    if run.speakers:
        lines.append(", ".join(run.speakers))
    lines.append(f"Planned {local_time(run.planned_start, zone)}–"
                 f"{local_time(run.planned_end, zone)} ({duration_text(run.planned_s)})")
    if run.skipped:
        lines.append("Skipped")
    elif run.actual_start is None or run.actual_end is None:
        lines.append("Not taken")
    else:
        ended = " (still on air when the log ends)" if run.open_at_end else ""
        lines.append(f"Actual {local_time(run.actual_start, zone)}–"
                     f"{local_time(run.actual_end, zone)}{ended}")
        lines.append(f"Started {signed_duration_text(run.deviation_s)}, "
                     f"ran {signed_duration_text(run.overrun_s)} against the plan")
        if len(run.runs) > 1:
            lines.append(f"Taken {len(run.runs)} times")
    return "\n".join(lines)


def outage_text(outage: Outage, zone: ZoneInfo) -> str:
    still = " (no end in the log)" if outage.open_at_end else ""
    return (f"{outage.language}: no sound on air {local_time(outage.start, zone)}–"
            f"{local_time(outage.end, zone)}, {duration_text(outage.seconds)}{still}")


# --- the widget -------------------------------------------------------------------------------


class ReviewTimeline(QWidget):
    """The timeline of one review, zoomed with the wheel and panned by dragging.

    Signals:
        segmentActivated(str): a segment's bar was double-clicked (its segment id).
        outageActivated(str, object, object): an outage was double-clicked (its language,
            its start and end, aware UTC datetimes).
    """

    segmentActivated = Signal(str)  # noqa: N815 (Qt's naming)
    outageActivated = Signal(str, object, object)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewTimeline")
        self.setMouseTracking(True)
        self._review: ShowReview | None = None
        self._planned_rows = 1
        self._zone = ZoneInfo("UTC")
        self._view: tuple[datetime, datetime] | None = None
        self._hits: list[TimelineHit] = []
        self._scale: TimeScale | None = None
        self._drag_from: tuple[float, tuple[datetime, datetime]] | None = None

    # -- what it shows --------------------------------------------------------------------------

    def set_review(self, review: ShowReview | None) -> None:
        """Show ``review`` whole, in its show's zone."""
        self._review = review
        self._zone = ZoneInfo(review.timezone) if review is not None else ZoneInfo("UTC")
        self._planned_rows = (max(planned_rows(review.segments).values(), default=0) + 1
                              if review is not None else 1)
        self._view = None
        self.updateGeometry()
        self.update()

    def review(self) -> ShowReview | None:
        return self._review

    def set_view(self, view: tuple[datetime, datetime] | None) -> None:
        """Show ``view`` (None: the whole review)."""
        self._view = view
        self.update()

    def view(self) -> tuple[datetime, datetime] | None:
        if self._view is not None:
            return self._view
        return (self._review.start, self._review.end) if self._review is not None else None

    def hits(self) -> list[TimelineHit]:
        """What the last paint drew where."""
        return list(self._hits)

    def hit_at(self, point: QPointF | QPoint) -> TimelineHit | None:
        spot = QPointF(point)
        # The bars before the viewer band, which they never overlap anyway.
        return next((hit for hit in self._hits if hit.rect.contains(spot)), None)

    # -- Qt ---------------------------------------------------------------------------------------

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """Room for the lanes, narrowed, and a viewer band of a few lines."""
        line = QFontMetricsF(review_font()).height()
        languages = len(self._review.languages) if self._review is not None else 0
        rows = max(self._planned_rows, 1)
        lines = 1 + 1 + 1.7 * (rows + 1) + languages + MIN_VIEWER_LINES + 3
        return QSize(MIN_WIDTH, max(MIN_HEIGHT, round(lines * line)))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(900, 460)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        try:
            rect = QRectF(self.rect())
            if self._review is None:
                painter.fillRect(rect, colour("background"))
                self._hits = []
                return
            view = self.view()
            self._hits = paint_timeline(painter, rect, self._review, self._zone, view)
            viewers = next((h for h in self._hits if h.kind is HitKind.VIEWERS), None)
            self._scale = (TimeScale.over(view, viewers.rect.left(), viewers.rect.right())
                           if viewers is not None and view is not None else None)
        finally:
            painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            self._tooltip(event)
            return True
        return super().event(event)

    def _tooltip(self, event: QHelpEvent) -> None:
        hit = self.hit_at(event.pos())
        text = ""
        if hit is not None and self._review is not None:
            at = self._scale.instant(event.pos().x()) if self._scale is not None else None
            text = hit_text(hit, self._review, self._zone, at)
        if text:
            QToolTip.showText(event.globalPos(), "<br>".join(
                html.escape(line) for line in text.splitlines()), self)
        else:
            QToolTip.hideText()
            event.ignore()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        hit = self.hit_at(event.position())
        if hit is not None and hit.segment_id is not None:
            self.segmentActivated.emit(hit.segment_id)
        elif hit is not None and hit.outage is not None:
            outage = hit.outage
            self.outageActivated.emit(outage.language, outage.start, outage.end)
        else:
            super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt's name)
        view, scale = self.view(), self._scale
        notches = event.angleDelta().y() / 120
        if view is None or scale is None or not notches:
            return
        pivot = scale.instant(event.position().x())
        factor = ZOOM_STEP ** -notches
        self.set_view((pivot - (pivot - view[0]) * factor, pivot + (view[1] - pivot) * factor))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        view = self.view()
        if event.button() == Qt.MouseButton.LeftButton and view is not None:
            self._drag_from = (event.position().x(), view)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if self._drag_from is not None and self._scale is not None:
            x, (start, end) = self._drag_from
            shift = self._scale.instant(x) - self._scale.instant(event.position().x())
            self.set_view((start + shift, end + shift))
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        self._drag_from = None
        super().mouseReleaseEvent(event)
