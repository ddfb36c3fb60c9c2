"""The live viewer graph: viewers over time, per destination, per language or in total.

Fed by whoever polls the platforms (the service emits every new
:class:`~console.models.viewers.ViewerSample` on the main thread): :meth:`add_sample`
only buffers (:mod:`console.ui.viewer_series`); a timer draws once a second, and only
when a shown series has new points. :meth:`load_history` takes a whole history at
once (two days of eight destinations from the database at start).

- The curves: pyqtgraph, downsampled to the pixels (``peak``: a spike survives the
  reduction) and clipped to the time shown. Offline, hidden and failed readings are
  gaps (NaN, ``connect="finite"``), never a drop to zero.
- The time axis is in the show's time zone (:meth:`set_time_zone`), its ticks on the
  zone's whole hours (or minutes, or days), across a change of daylight saving time.
- The view: the total, per language (the total listed, unticked) or per destination;
  the legend on the right ticks curves on and off, and its selected row is the series
  of the stats strip (the total by default).
- The stats strip: the selected series' current value, and its peak and average over
  the time shown, in big figures; the current value is greyed with a note when the
  count under it is stale (older than its destination's stale limit).
- Markers (:meth:`add_marker`): a vertical line at each segment boundary or take,
  its label (the speaker, the segment) at the top in up to :data:`MARKER_LANES` rows,
  the newest first, never overlapping: a label with no room is left out (the hover
  still names the marker in force).
- The hover: a crosshair and a read-out of the time (in the show's zone), the marker
  in force and each shown series' value at that instant.
- The time shown: everything held, or the last hour, 6 or 24 hours, following the
  clock; panning or zooming with the mouse (time only: the count axis always fits
  the data shown, from zero) stops following until a choice is made again.
"""

from __future__ import annotations

import bisect
import enum
import html
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QIcon,
    QPainterPath,
    QPen,
    QPixmap,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.models.timer_text import age_text
from console.models.viewer_totals import TOTAL, SeriesKey, destination_key
from console.models.viewers import Destination, ViewerSample
from console.ui.axis_text import (
    DAY_LABEL_SAMPLE,
    SECONDS_LABEL_SAMPLE,
    TIME_LABEL_SAMPLE,
    axis_step,
    compact_count,
    nice_ceiling,
    tick_label,
    wall_ticks,
)
from console.ui.eliding_label import ElidingLabel
from console.ui.theme import colour, series_colour
from console.ui.viewer_series import ViewerSeries

REDRAW_MS = 1000
MARKER_LANES = 3  # rows of marker labels at the bottom of the plot, at most
MARKER_SHARE = 0.3  # of the plot's height, at most, for those rows
FOLLOW_MARGIN = 0.02  # of the time shown, kept ahead of the newest point
COUNT_HEADROOM = 1.08  # the count axis ends this much over the highest count shown
MIN_COUNT_TOP = 10.0
TOP_ROOM_PX = 9  # over the count axis's top tick, for its label
MARKER_LABEL_MAX_PX = 200  # a longer label is elided
MARKER_GAP_PX = 6  # between two labels in a row
TICK_PX = 12  # the axes' figures
LABEL_PX = 12  # marker labels
LEGEND_WIDTH = 190
MIN_WIDTH, MIN_HEIGHT = 500, 220
NO_VALUE = "—"
KEY_ROLE = Qt.ItemDataRole.UserRole


class GraphView(enum.StrEnum):
    TOTAL = "total"
    LANGUAGES = "languages"
    DESTINATIONS = "destinations"


VIEW_NAMES = {GraphView.TOTAL: "Total", GraphView.LANGUAGES: "Per language",
              GraphView.DESTINATIONS: "Per destination"}
# The time shown: seconds back from now, or None for everything held.
RANGES: tuple[tuple[str, float | None], ...] = (
    ("Everything", None), ("Last hour", 3600.0), ("Last 6 hours", 6 * 3600.0),
    ("Last 24 hours", 24 * 3600.0))


class MarkerKind(enum.StrEnum):
    SEGMENT = "segment"  # a segment's boundary (it started, or ended)
    TAKE = "take"  # a take put a scene on air


MARKER_COLOURS = {MarkerKind.SEGMENT: "text_dim", MarkerKind.TAKE: "program"}


@dataclass(frozen=True)
class Stats:
    """What the stats strip shows (NaN: nothing to show)."""

    key: SeriesKey
    current: float
    peak: float
    average: float
    stale: bool


def count_text(value: float) -> str:
    """A viewer count as the graph writes it: 12,345; a gap is a dash."""
    if not math.isfinite(value):
        return NO_VALUE
    return f"{round(value):,}"


# --- axes ---------------------------------------------------------------------------------

LABEL_ROOM_PX = 28  # between two time labels, at least


def tick_font() -> QFont:
    font = QFont()
    font.setPixelSize(TICK_PX)
    return font


def label_font() -> QFont:
    font = QFont()
    font.setPixelSize(LABEL_PX)
    return font


class ShowTimeAxis(pg.AxisItem):  # type: ignore[misc]  # (pyqtgraph is untyped)
    """A time axis in a time zone: ticks on the zone's round wall-clock times (whole
    hours, minutes, days), labelled "14:00", "14:05:30", or "Sat 24" at midnight."""

    def __init__(self, zone: ZoneInfo | None = None) -> None:
        super().__init__("bottom")
        self.zone = zone or ZoneInfo("UTC")
        self.step_s: float = 3600
        self.enableAutoSIPrefix(False)
        self.setStyle(tickFont=tick_font(), autoExpandTextSpace=False)
        metrics = QFontMetricsF(tick_font())
        # The widest label (a day, "Wed 30", or a time) and room around it: fewer labels
        # read better, and each costs pyqtgraph a text layout a frame.
        self._label_px = max(metrics.horizontalAdvance(text) for text in
                             (DAY_LABEL_SAMPLE, TIME_LABEL_SAMPLE)) + LABEL_ROOM_PX
        self._seconds_label_px = max(self._label_px, metrics.horizontalAdvance(
            SECONDS_LABEL_SAMPLE) + LABEL_ROOM_PX)

    def set_zone(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.picture = None  # AxisItem caches its drawing
        self.update()

    def tickValues(self, minVal: float, maxVal: float,  # noqa: N802, N803 (pyqtgraph's names)
                   size: float) -> list[tuple[float, list[float]]]:
        if not (math.isfinite(minVal) and math.isfinite(maxVal)) or maxVal <= minVal \
                or size <= 0:
            return []
        self.step_s = axis_step((maxVal - minVal) / size, self._label_px,
                                self._seconds_label_px)
        return [(self.step_s, self.wall_ticks(minVal, maxVal, self.step_s))]

    def wall_ticks(self, start: float, end: float, step: float) -> list[float]:
        """Instants from ``start`` to ``end`` on the zone's round wall-clock times."""
        return wall_ticks(start, end, step, self.zone)

    def tickStrings(self, values: list[float], scale: float,  # noqa: N802 (pyqtgraph's)
                    spacing: float) -> list[str]:
        return [self.tick_label(value, spacing) for value in values]

    def tick_label(self, value: float, spacing: float) -> str:
        return tick_label(value, spacing, self.zone)


class CountAxis(pg.AxisItem):  # type: ignore[misc]
    """Viewer counts: whole numbers, 12k and 1.2M rather than a scale factor."""

    def __init__(self) -> None:
        super().__init__("left")
        self.enableAutoSIPrefix(False)
        self.setStyle(tickFont=tick_font())
        self.setWidth(int(QFontMetricsF(tick_font()).horizontalAdvance("99.9k")) + 16)

    def tickValues(self, minVal: float, maxVal: float,  # noqa: N802, N803 (pyqtgraph's names)
                   size: float) -> list[tuple[float, list[float]]]:
        levels = super().tickValues(minVal, maxVal, size)
        # Below zero is the markers' band, not counts.
        whole = [(spacing, [v for v in values if float(v).is_integer() and v >= 0])
                 for spacing, values in levels]
        return [level for level in whole if level[1]]

    def tickStrings(self, values: list[float], scale: float,  # noqa: N802 (pyqtgraph's)
                    spacing: float) -> list[str]:
        return [compact_count(value) for value in values]


# --- markers ------------------------------------------------------------------------------

class _MarkerLabel(QGraphicsRectItem):
    """A marker's label: its text on a dark block, placed in the view box's pixels."""

    def __init__(self, text: str, kind: MarkerKind, parent: pg.ViewBox) -> None:
        super().__init__(parent)
        self.full_text = text
        self.text_item = QGraphicsSimpleTextItem(self)
        font = label_font()
        self.text_item.setFont(font)
        self.text_item.setBrush(QBrush(colour("text")))
        self.text_item.setPos(4, 1)
        fill = colour("surface")
        fill.setAlpha(225)
        self.setBrush(QBrush(fill))
        self.setPen(QPen(colour(MARKER_COLOURS[kind])))
        self.setZValue(20)
        metrics = QFontMetricsF(font)
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, MARKER_LABEL_MAX_PX)
        self.text_item.setText(shown)
        self.setRect(QRectF(0, 0, metrics.horizontalAdvance(shown) + 8, metrics.height() + 2))
        self.hide()  # until laid out

    @property
    def shown_text(self) -> str:
        return str(self.text_item.text())


@dataclass
class _Marker:
    at: float
    label: str
    kind: MarkerKind
    tag: _MarkerLabel


# --- the widget ---------------------------------------------------------------------------

def utc_now() -> datetime:
    return datetime.now(UTC)


class ViewerGraph(QWidget):
    """Viewers over time (objectName ``viewerGraph``); see the module's docstring.

    Children (objectNames): ``graphView`` and ``graphRange`` (combos), ``viewerPlot``
    (the pyqtgraph PlotWidget), ``graphLegend`` (ticks curves on and off; its current
    row is the stats' series), ``statsSeries``, ``statsCurrent``, ``statsPeak``,
    ``statsAverage``, ``statsNote`` (stale, offline) and ``graphHover`` (the read-out).
    """

    def __init__(self, clock: Callable[[], datetime] = utc_now,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("viewerGraph")
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        self._clock = clock
        self._zone = ZoneInfo("UTC")
        self.series = ViewerSeries()
        self._names: dict[SeriesKey, str] = {TOTAL: "Total"}
        self._colours: dict[SeriesKey, QColor] = {TOTAL: colour("text")}
        self._curves: dict[SeriesKey, pg.PlotDataItem] = {}
        self._view = GraphView.TOTAL
        self._unticked: dict[GraphView, set[SeriesKey]] = {
            GraphView.TOTAL: set(), GraphView.LANGUAGES: {TOTAL},
            GraphView.DESTINATIONS: {TOTAL}}
        self._selected = TOTAL
        self._window_s: float | None = None
        self._following = True
        self._markers: list[_Marker] = []  # oldest first
        self._marker_times: list[float] = []  # theirs, to find those in view
        self._tags_shown: list[_MarkerLabel] = []
        self._laid_out: tuple[tuple[float, ...], int] = ((), 0)  # (what for, rows used)
        self._hover_at: float | None = None
        self._hover_lines: list[str] = []
        self._stats: Stats | None = None
        self._label_font = label_font()

        self._make_header()
        self._make_plot()
        self._make_legend()
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(6)
        body.addWidget(self.plot, 1)
        body.addWidget(self.legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(self._header)
        layout.addLayout(body, 1)

        self.redraw_timer = QTimer(self)
        self.redraw_timer.setInterval(REDRAW_MS)
        self.redraw_timer.timeout.connect(self._on_timer)
        self.redraw_timer.start()
        self._add_curve(TOTAL)
        self._fill_legend()
        self._update_stats()

    # --- building -------------------------------------------------------------------------

    def _make_header(self) -> None:
        self.stats_series = ElidingLabel()
        self.stats_series.setObjectName("statsSeries")
        self.stats_series.setMinimumWidth(60)
        self.stats_note = ElidingLabel()
        self.stats_note.setObjectName("statsNote")
        self.stats_note.setProperty("caption", True)
        self.stats_current = self._figure("statsCurrent")
        self.stats_peak = self._figure("statsPeak")
        self.stats_average = self._figure("statsAverage")
        name_box = QVBoxLayout()
        name_box.setSpacing(0)
        name_box.addWidget(self.stats_series)
        name_box.addWidget(self.stats_note)
        self._header = QHBoxLayout()
        self._header.setSpacing(10)
        self._header.addLayout(name_box, 1)
        for caption, figure, tip in (
                ("CURRENT", self.stats_current, "the newest count"),
                ("PEAK", self.stats_peak, "the highest count in the time shown"),
                ("AVERAGE", self.stats_average, "the average count in the time shown")):
            box = QVBoxLayout()
            box.setSpacing(0)
            label = QLabel(caption)
            label.setProperty("caption", True)
            box.addWidget(label)
            box.addWidget(figure)
            figure.setToolTip(tip)
            self._header.addLayout(box)
        self._header.addStretch(1)
        self.view_combo = QComboBox()
        self.view_combo.setObjectName("graphView")
        for view in GraphView:
            self.view_combo.addItem(VIEW_NAMES[view], view)
        self.view_combo.activated.connect(
            lambda index: self.set_view(GraphView(self.view_combo.itemData(index))))
        self.range_combo = QComboBox()
        self.range_combo.setObjectName("graphRange")
        for name, seconds in RANGES:
            self.range_combo.addItem(name, seconds)
        self.range_combo.setPlaceholderText("Panned")  # shown once the mouse moved the time
        self.range_combo.activated.connect(
            lambda index: self.show_last(self.range_combo.itemData(index)))
        # One above the other: side by side they would not leave the figures room in the
        # stage window's bottom slot at 1280x800 (about 540 px between its side columns).
        controls = QVBoxLayout()
        controls.setSpacing(2)
        controls.addWidget(self.view_combo)
        controls.addWidget(self.range_combo)
        self._header.addLayout(controls)

    @staticmethod
    def _figure(name: str) -> QLabel:
        label = QLabel(NO_VALUE)
        label.setObjectName(name)
        label.setProperty("figure", True)
        label.setProperty("stale", False)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return label

    def _make_plot(self) -> None:
        self.time_axis = ShowTimeAxis(self._zone)
        self.count_axis = CountAxis()
        self.plot = pg.PlotWidget(axisItems={"bottom": self.time_axis,
                                             "left": self.count_axis})
        self.plot.setObjectName("viewerPlot")
        self.plot.setBackground(colour("surface"))
        self.plot.setMinimumHeight(120)
        item = self.plot.getPlotItem()
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        item.setMenuEnabled(False)
        item.hideButtons()
        # No grid: pyqtgraph's grid lines cost 20 ms a frame (1920x360, offscreen), more
        # than all eight curves; the count axis and the zero line say enough.
        for axis in (self.time_axis, self.count_axis):
            axis.setPen(pg.mkPen(colour("border")))
            axis.setTextPen(pg.mkPen(colour("text_dim")))
        self.view_box: pg.ViewBox = item.getViewBox()
        self.view_box.setMouseEnabled(x=True, y=False)
        # Time follows the data or the clock (_follow), counts are fitted (_fit_counts):
        # pyqtgraph's own automatic range reads the clipped curves, not the data.
        self.view_box.disableAutoRange()
        baseline = pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen(colour("border")))
        self.view_box.addItem(baseline, ignoreBounds=True)
        # Every marker's line in one path a kind, in the view box's pixels (under the
        # curves): one item to paint, where a line item each cost a Python call a frame.
        self._marker_lines: dict[MarkerKind, QGraphicsPathItem] = {}
        for kind in MarkerKind:
            ink = colour(MARKER_COLOURS[kind])
            ink.setAlpha(170)
            pen = QPen(ink, 1, Qt.PenStyle.DashLine if kind is MarkerKind.SEGMENT
                       else Qt.PenStyle.SolidLine)
            pen.setCosmetic(True)
            path_item = QGraphicsPathItem(self.view_box)
            path_item.setPen(pen)
            path_item.setZValue(-1)
            self._marker_lines[kind] = path_item
        self.view_box.sigRangeChangedManually.connect(self._on_manual_range)
        self.view_box.sigXRangeChanged.connect(self._on_x_range)
        self.view_box.sigResized.connect(self._on_x_range)

        self.crosshair = pg.InfiniteLine(angle=90, pen=pg.mkPen(colour("text"), width=1))
        self.crosshair.setZValue(30)
        self.hover_dots = pg.ScatterPlotItem(size=8, pen=pg.mkPen(colour("surface")))
        self.hover_dots.setZValue(31)
        for hover_item in (self.crosshair, self.hover_dots):
            hover_item.hide()
            self.view_box.addItem(hover_item, ignoreBounds=True)
        self.hover = QLabel(self.plot)
        self.hover.setObjectName("graphHover")
        self.hover.setTextFormat(Qt.TextFormat.RichText)
        self.hover.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hover.hide()
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.plot.viewport().installEventFilter(self)

    def _make_legend(self) -> None:
        self.legend = QListWidget()
        self.legend.setObjectName("graphLegend")
        self.legend.setFixedWidth(LEGEND_WIDTH)
        self.legend.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.legend.setToolTip("Tick a series to draw it; select one for the figures above")
        self.legend.itemChanged.connect(self._on_legend_ticked)
        self.legend.currentItemChanged.connect(self._on_legend_selected)

    # --- what to draw ---------------------------------------------------------------------

    def set_destinations(self, destinations: Sequence[Destination],
                         stale_after: Mapping[int, float] | None = None) -> None:
        """The destinations whose counts the graph shows (samples of others are ignored);
        ``stale_after`` (seconds by destination id) defaults to the platform's poll
        interval (:func:`~console.models.viewer_totals.default_stale_after_s`)."""
        self.series.set_destinations(destinations, stale_after)
        totals = self.series.totals
        names = {TOTAL: "Total"}
        for key in totals.languages:
            names[key] = key.name.upper() if key.name else "No language"
        for destination in destinations:
            if destination.id is not None:
                names[destination_key(destination.id)] = destination.name
        self._names = names
        self._colours = {TOTAL: colour("text")}
        for group in (totals.languages, totals.destinations):
            for index, key in enumerate(group):
                self._colours[key] = series_colour(index)
        for key in list(self._curves):
            if key not in names:
                curve = self._curves.pop(key)
                if curve in self.plot.getPlotItem().items:
                    self.plot.removeItem(curve)
        for key in totals.keys:
            if key not in self._curves:
                self._add_curve(key)
            self._curves[key].setPen(self._pen(key))
            self.series.changed.add(key)
        self._fill_legend()
        self.redraw()

    def add_sample(self, sample: ViewerSample) -> None:
        """Buffer one sample; the timer draws it (within a second)."""
        self.series.add(sample)

    def load_history(self, samples: Iterable[ViewerSample]) -> None:
        """Replace everything shown with ``samples`` (any order; the destinations set
        first), and draw at once. Samples added before are dropped."""
        self.series.load(samples)
        self.redraw()

    def add_marker(self, at_utc: datetime, label: str,
                   kind: MarkerKind = MarkerKind.SEGMENT) -> None:
        """A vertical line at ``at_utc`` (a segment's boundary, a take) with ``label``
        (the speaker, the segment's title)."""
        at = at_utc.timestamp()
        marker = _Marker(at, label, kind, _MarkerLabel(label, kind, self.view_box))
        index = bisect.bisect_right(self._marker_times, at)
        self._markers.insert(index, marker)
        self._marker_times.insert(index, at)
        self._on_x_range()

    def clear_markers(self) -> None:
        for marker in self._markers:
            scene = marker.tag.scene()
            if scene is not None:
                scene.removeItem(marker.tag)
        self._markers.clear()
        self._marker_times.clear()
        self._tags_shown.clear()
        self._on_x_range()

    def set_time_zone(self, zone: ZoneInfo) -> None:
        """Times (axis, hover) in ``zone``, the show's."""
        self._zone = zone
        self.time_axis.set_zone(zone)
        if self._hover_at is not None:
            self._show_hover(self._hover_at, None)

    def set_view(self, view: GraphView) -> None:
        self._view = view
        self.view_combo.setCurrentIndex(self.view_combo.findData(view))
        if self._selected not in self.view_keys():
            self._selected = TOTAL
        self._fill_legend()
        self.redraw()

    @property
    def view(self) -> GraphView:
        return self._view

    def view_keys(self) -> tuple[SeriesKey, ...]:
        """The series the legend lists in the current view."""
        totals = self.series.totals
        if self._view is GraphView.LANGUAGES:
            return (TOTAL, *totals.languages)
        if self._view is GraphView.DESTINATIONS:
            return (TOTAL, *totals.destinations)
        return (TOTAL,)

    def shown_keys(self) -> tuple[SeriesKey, ...]:
        """The series drawn: listed and ticked."""
        unticked = self._unticked[self._view]
        return tuple(key for key in self.view_keys() if key not in unticked)

    def set_shown(self, key: SeriesKey, shown: bool) -> None:
        """Tick (or untick) a series in the current view's legend."""
        unticked = self._unticked[self._view]
        if shown:
            unticked.discard(key)
        else:
            unticked.add(key)
        self._fill_legend()
        self.redraw()

    def select(self, key: SeriesKey) -> None:
        """The series of the stats strip (one of the view's)."""
        if key in self.view_keys():
            self._selected = key
            self._fill_legend()
            self._update_stats()

    @property
    def selected(self) -> SeriesKey:
        return self._selected

    def name(self, key: SeriesKey) -> str:
        return self._names.get(key, key.name)

    def curve(self, key: SeriesKey) -> pg.PlotDataItem:
        return self._curves[key]

    def is_drawn(self, key: SeriesKey) -> bool:
        """Whether the series' curve is in the plot (shown in this view, and ticked)."""
        return key in self._curves and self._curves[key] in self.plot.getPlotItem().items

    def show_last(self, seconds: float | None) -> None:
        """Show the last ``seconds`` up to now, following the clock (None: everything)."""
        self._window_s = seconds
        self._following = True
        self.range_combo.setCurrentIndex(self.range_combo.findData(seconds))
        self._follow(force=True)

    def show_range(self, start: datetime, end: datetime) -> None:
        """Show this stretch of time (and stop following the clock), as a pan would."""
        self._on_manual_range()
        self.view_box.setXRange(start.timestamp(), end.timestamp(), padding=0)

    @property
    def following(self) -> bool:
        """Whether the time shown follows the data or the clock (no pan since a choice)."""
        return self._following

    def x_range(self) -> tuple[float, float]:
        (start, end), _ = self.view_box.viewRange()
        return float(start), float(end)

    # --- drawing --------------------------------------------------------------------------

    def redraw(self) -> None:
        """Draw every shown series that has new points now (the timer does this once a
        second), with the range, the stats and the markers."""
        self.series.flush()
        shown = set(self.shown_keys())
        item = self.plot.getPlotItem()
        for key, curve in self._curves.items():
            # A curve in the plot works out what it would draw at every pan, shown or not:
            # only the shown ones are in it.
            if key not in shown and curve in item.items:
                # Emptied first: pyqtgraph re-adding a curve with data asks the plot
                # widget, not the view box, whether to clip it, and fails.
                curve.setData([], [])
                item.removeItem(curve)
            elif key in shown and curve not in item.items:
                item.addItem(curve)
                self.series.changed.add(key)
        for key in shown & self.series.changed:
            self._curves[key].setData(*self.series.ring(key).arrays())
        self.series.changed -= shown
        if not self._follow():  # a move has done what follows
            self._on_x_range()
        self._fill_legend_marks()
        if self._hover_at is not None:
            self._show_hover(self._hover_at, None)

    def needs_redraw(self) -> bool:
        """Whether a shown series has points not drawn yet."""
        self.series.flush()
        return bool(self.series.changed & set(self.shown_keys()))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.redraw()  # what came while it was hidden

    def _on_timer(self) -> None:
        if not self.isVisible():
            return  # a closed dock draws nothing; its samples wait in the rings
        if self.needs_redraw():
            self.redraw()
        else:  # a count goes stale with time alone
            self._update_stats()
            self._fill_legend_marks()

    def _add_curve(self, key: SeriesKey) -> None:
        curve = pg.PlotDataItem(pen=self._pen(key), connect="finite", antialias=False)
        # Counts never reach the sizes this guards against, and it measures the whole
        # series at every new point.
        curve.setDynamicRangeLimit(None)
        curve.setDownsampling(auto=True, method="peak")
        curve.setClipToView(True)
        # One bin a pixel column, its highest and lowest count: the envelope a wider
        # sampling would draw, at a fifth of the points (pyqtgraph's default is five).
        curve.opts["autoDownsampleFactor"] = 1.0
        curve.setZValue(10 if key == TOTAL else 9)
        self._curves[key] = curve  # added to the plot when shown (redraw)

    def _pen(self, key: SeriesKey) -> QPen:
        # One pixel: a wider line is drawn segment by segment, and eight curves of two
        # pixels took 20 ms a frame. The total, often drawn alone, is the one at two.
        pen: QPen = pg.mkPen(self._colours.get(key, colour("text")),
                             width=2 if key == TOTAL else 1)
        return pen

    def _follow(self, force: bool = False) -> bool:
        """Keep the time shown on the data (everything) or the clock (the last hour...),
        a margin ahead of the newest point; True when the range moved. The view moves
        only once the newest point or the clock reaches the margin's end, since a move
        makes every curve work out what it draws again."""
        if not self._following:
            return False
        left, right = self.x_range()
        if self._window_s is None:
            span = self._data_span()
            if span is None:
                return False
            start, end = span
            margin = max((end - start) * FOLLOW_MARGIN, 60.0)
            target = (start - margin, end + margin)
            fits = (left <= start <= left + 2 * margin
                    and right - 2 * margin <= end <= right)
        else:
            now = self._clock().timestamp()
            margin = self._window_s * FOLLOW_MARGIN
            target = (now - self._window_s, now + margin)
            fits = (right - margin <= now <= right
                    and math.isclose(right - left, self._window_s + margin))
        if fits and not force:
            return False
        self.view_box.setXRange(*target, padding=0)
        return self.x_range() != (left, right)

    def _data_span(self) -> tuple[float, float] | None:
        """From the oldest to the newest point of the series shown (of any, if none)."""
        for keys in (self.shown_keys(), self.series.keys):
            spans = [(times[0], times[-1]) for times, _ in
                     (self.series.ring(key).arrays() for key in keys) if len(times)]
            if spans:
                return float(min(s for s, _ in spans)), float(max(e for _, e in spans))
        return None

    def _on_manual_range(self, *_: object) -> None:
        self._following = False
        self.range_combo.setCurrentIndex(-1)

    def _on_x_range(self, *_: object) -> None:
        band_rows = self._layout_markers()
        self._fit_counts(band_rows)
        self._update_stats()

    def _fit_counts(self, band_rows: int) -> None:
        """The count axis from zero to a little over the highest count shown; below
        zero, a band as high as the marker labels' rows, so they cover no curve."""
        start, end = self.x_range()
        highest = 0.0
        for key in self.shown_keys():
            values = self.series.ring(key).between(start, end)
            if values.size:
                peak = float(np.fmax.reduce(values))  # NaN (gaps) left out, in one pass
                if math.isfinite(peak):
                    highest = max(highest, peak)
        top = nice_ceiling(max(highest * COUNT_HEADROOM, MIN_COUNT_TOP))
        height = self.view_box.height()
        band_px = band_rows * self._row_px()
        data_px = height - band_px - TOP_ROOM_PX
        if data_px <= 0:
            self.view_box.setYRange(0, top, padding=0)
            return
        # The round top's label is centred on its tick: a few pixels over it keep it whole.
        per_px = top / data_px
        self.view_box.setYRange(-band_px * per_px, top + TOP_ROOM_PX * per_px, padding=0)

    # --- stats ----------------------------------------------------------------------------

    def stats(self) -> Stats:
        """The selected series' current value, and its peak and average in the time shown."""
        key = self._selected
        ring = self.series.ring(key)
        newest = ring.last()
        current = newest[1] if newest is not None else math.nan
        start, end = self.x_range()
        values = ring.between(start, end)
        finite = values[np.isfinite(values)]
        peak = float(finite.max()) if finite.size else math.nan
        average = float(finite.mean()) if finite.size else math.nan
        stale = math.isfinite(current) and self.series.totals.stale(
            key, self._clock().timestamp())
        return Stats(key, current, peak, average, stale)

    def _update_stats(self) -> None:
        stats = self.stats()
        if stats != self._stats:
            self._stats = stats
            self.stats_series.setText(self.name(stats.key))
            self.stats_current.setText(count_text(stats.current))
            self.stats_peak.setText(count_text(stats.peak))
            self.stats_average.setText(count_text(stats.average))
            if self.stats_current.property("stale") != stats.stale:
                self.stats_current.setProperty("stale", stats.stale)
                self.stats_current.style().unpolish(self.stats_current)
                self.stats_current.style().polish(self.stats_current)
        newest = self.series.ring(stats.key).last()
        if stats.stale and newest is not None:
            note = f"stale: last count {age_text(self._clock().timestamp() - newest[0])} ago"
        elif newest is not None and not math.isfinite(stats.current):
            note = "offline: no live count"
        else:
            note = ""
        if self.stats_note.text() != note:  # the age moves on with the clock alone
            self.stats_note.setText(note)

    # --- legend ---------------------------------------------------------------------------

    def _fill_legend(self) -> None:
        # The total alone needs no legend: the plot takes its width.
        self.legend.setVisible(self._view is not GraphView.TOTAL)
        self.legend.blockSignals(True)
        try:
            self.legend.clear()
            unticked = self._unticked[self._view]
            for key in self.view_keys():
                item = QListWidgetItem(self.name(key))
                item.setData(KEY_ROLE, key)
                item.setIcon(_swatch(self._colours.get(key, colour("text"))))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked if key in unticked
                                   else Qt.CheckState.Checked)
                self.legend.addItem(item)
                if key == self._selected:
                    self.legend.setCurrentItem(item)
        finally:
            self.legend.blockSignals(False)
        self._fill_legend_marks()

    def _fill_legend_marks(self) -> None:
        """A stale series says so in the legend too."""
        now = self._clock().timestamp()
        for row in range(self.legend.count()):
            item = self.legend.item(row)
            key = item.data(KEY_ROLE)
            text = self.name(key)
            if self.series.totals.stale(key, now):
                text += " (stale)"
            if item.text() != text:
                self.legend.blockSignals(True)
                item.setText(text)
                self.legend.blockSignals(False)

    def _on_legend_ticked(self, item: QListWidgetItem) -> None:
        self.set_shown(item.data(KEY_ROLE), item.checkState() == Qt.CheckState.Checked)

    def _on_legend_selected(self, item: QListWidgetItem | None, _: object) -> None:
        if item is not None:
            self._selected = item.data(KEY_ROLE)
            self._update_stats()

    # --- markers --------------------------------------------------------------------------

    def markers(self) -> list[tuple[datetime, str, MarkerKind]]:
        return [(datetime.fromtimestamp(m.at, UTC), m.label, m.kind) for m in self._markers]

    def marker_at(self, at: datetime) -> str | None:
        """The label of the segment in force at ``at`` (else of the latest take)."""
        return self._marker_label_at(at.timestamp())

    def _marker_label_at(self, at: float) -> str | None:
        before = self._markers[:bisect.bisect_right(self._marker_times, at)]
        segments = [m for m in before if m.kind is MarkerKind.SEGMENT]
        newest = (segments or before)[-1:]
        return newest[0].label if newest else None

    def marker_labels(self) -> list[tuple[str, QRectF]]:
        """The marker labels shown (elided text) and where, in the plot widget's pixels."""
        shown = []
        for marker in self._markers:
            if marker.tag.isVisible():
                scene = marker.tag.sceneBoundingRect()
                top_left = self.plot.mapFromScene(scene.topLeft())
                shown.append((marker.tag.shown_text,
                              QRectF(QPointF(top_left), scene.size())))
        return shown

    def _row_px(self) -> float:
        return QFontMetricsF(self._label_font).height() + 4

    def _layout_markers(self) -> int:
        """Labels in rows along the bottom of the plot, under the zero line (see
        _fit_counts), each to the right of its line (left of it near the right edge),
        in the first row where it overlaps nothing; segments first, the newest first,
        then takes in the room left. Returns the number of rows used. Runs at every
        pan: only the markers in view are looked at, and nothing when neither they,
        the time shown nor the size changed (a redraw with new points)."""
        width, height = self.view_box.width(), self.view_box.height()
        start, end = self.x_range()
        laid_out = (start, end, width, height, len(self._markers))
        if laid_out == self._laid_out[0]:
            return self._laid_out[1]
        row_px = self._row_px()
        rows = max(1, min(MARKER_LANES, int(height * MARKER_SHARE // row_px)))
        lanes: list[list[tuple[float, float]]] = [[] for _ in range(rows)]
        first = bisect.bisect_left(self._marker_times, start)
        last = bisect.bisect_right(self._marker_times, end)
        in_view = sorted(self._markers[first:last],
                         key=lambda m: (m.kind is MarkerKind.TAKE, -m.at))
        lines = {kind: QPainterPath() for kind in MarkerKind}
        px_per_s = width / (end - start) if end > start else 0.0
        for tag in self._tags_shown:
            tag.hide()
        self._tags_shown = []
        for marker in in_view:
            x = (marker.at - start) * px_per_s
            lines[marker.kind].moveTo(x, 0)
            lines[marker.kind].lineTo(x, height)
            tag = marker.tag
            size = tag.rect().width()
            left = x + 3
            if left + size > width:
                left = x - 3 - size
            left = max(0.0, left)
            right = left + size
            for row, lane in enumerate(lanes):
                if all(right + MARKER_GAP_PX <= a or b + MARKER_GAP_PX <= left for a, b in lane):
                    lane.append((left, right))
                    tag.setPos(left, height - (row + 1) * row_px)
                    tag.show()
                    self._tags_shown.append(tag)
                    break
        for kind, path in lines.items():
            self._marker_lines[kind].setPath(path)
        used = sum(1 for lane in lanes if lane)
        self._laid_out = (laid_out, used)
        return used

    # --- hover ----------------------------------------------------------------------------

    def show_hover(self, at: datetime, y_px: float | None = None) -> None:
        """The crosshair and read-out at ``at`` (as the mouse at that time would)."""
        self._show_hover(at.timestamp(), y_px)

    def hide_hover(self) -> None:
        self._hover_at = None
        self.hover.hide()
        self.crosshair.hide()
        self.hover_dots.hide()

    def hover_text(self) -> str:
        """The read-out as plain text, a line each (empty when hidden)."""
        return "\n".join(self._hover_lines) if self.hover.isVisible() else ""

    def value_at(self, key: SeriesKey, at: datetime) -> float:
        """The series' value in force at ``at`` (NaN: a gap)."""
        return self.series.ring(key).value_at(at.timestamp(),
                                              self.series.totals.carried_for_s(key))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Leave:
            self.hide_hover()
        return super().eventFilter(watched, event)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if not self.view_box.sceneBoundingRect().contains(scene_pos):
            self.hide_hover()
            return
        at = self.view_box.mapSceneToView(scene_pos).x()
        self._show_hover(at, self.plot.mapFromScene(scene_pos).y())

    def _show_hover(self, at: float, y_px: float | None) -> None:
        self._hover_at = at
        local = datetime.fromtimestamp(at, self._zone)
        lines = [local.strftime("%a %d %b %H:%M:%S ") + (local.tzname() or "")]
        head = [f"<b>{html.escape(lines[0])}</b>"]
        in_force = self._marker_label_at(at)
        if in_force is not None:
            lines.append(in_force)
            head.append(f"<i>{html.escape(in_force)}</i>")
        cells: list[str] = []
        dots_x, dots_y, brushes = [], [], []
        for key in self.shown_keys():
            value = self.series.ring(key).value_at(at, self.series.totals.carried_for_s(key))
            shown = count_text(value) if math.isfinite(value) else "offline"
            lines.append(f"{self.name(key)}  {shown}")
            ink = self._colours.get(key, colour("text"))
            cells.append(f"<td><span style='color:{ink.name()}'>■</span> "
                         f"{html.escape(self.name(key))}</td>"
                         f"<td align='right'>&nbsp;&nbsp;<b>{shown}</b></td>")
            if math.isfinite(value):
                dots_x.append(at)
                dots_y.append(value)
                brushes.append(pg.mkBrush(ink))
        self._hover_lines = lines
        self.crosshair.setPos(at)
        self.crosshair.show()
        self.hover_dots.setData(x=dots_x, y=dots_y, brush=brushes)
        self.hover_dots.show()
        self.hover.setText("<br>".join(head) + self._hover_table(cells, len(head)))
        self.hover.adjustSize()
        self._place_hover(at, y_px)
        self.hover.show()
        self.hover.raise_()

    def _hover_table(self, cells: list[str], head_lines: int) -> str:
        """The series' values in as many columns as it takes to fit the plot's height."""
        if not cells:
            return ""
        line_px = self.hover.fontMetrics().lineSpacing() + 2
        fits = int((self.view_box.height() - 16) // line_px) - head_lines
        rows = max(1, min(len(cells), fits))
        columns = math.ceil(len(cells) / rows)
        rows = math.ceil(len(cells) / columns)
        gap = "<td>&nbsp;&nbsp;&nbsp;&nbsp;</td>"
        body = "".join(
            "<tr>" + gap.join(cells[row + column * rows] for column in range(columns)
                              if row + column * rows < len(cells)) + "</tr>"
            for row in range(rows))
        return f"<table cellspacing='0' cellpadding='0'>{body}</table>"

    def _place_hover(self, at: float, y_px: float | None) -> None:
        """Beside the crosshair, inside the plotting area: right of it, or left near
        the right edge; vertically at the mouse, kept inside."""
        area = self.plot.mapFromScene(self.view_box.sceneBoundingRect()).boundingRect()
        x = self.plot.mapFromScene(self.view_box.mapViewToScene(QPointF(at, 0))).x()
        size = self.hover.size()
        left = x + 12
        if left + size.width() > area.right():
            left = x - 12 - size.width()
        left = max(area.left(), min(left, area.right() - size.width()))
        top = area.top() + 4 if y_px is None else y_px - size.height() / 2
        top = max(area.top(), min(top, area.bottom() - size.height()))
        self.hover.move(int(left), int(top))


def _swatch(colour_value: QColor) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(colour_value)
    return QIcon(pixmap)
