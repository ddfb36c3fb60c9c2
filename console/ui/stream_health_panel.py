"""OBS's health at a glance, for a dock: stream and recording, the figures, the alarms, and
the last ten minutes of bitrate, CPU and frames lost.

Everything comes from a :class:`StreamHealthMonitor` (its ``reading``,
``alarms_changed`` and ``unavailable`` signals); the panel acts on nothing. The
graphs keep their own ten minutes of points and redraw at most once a second, however
fast readings come. A figure whose alarm stands is drawn in the alarm's colour; while
OBS cannot be read every figure says "—" and the panel says why, never an old value
that looks live.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from console.models.stream_health import (
    BITRATE_LOW,
    CONGESTION,
    CPU_HIGH,
    DISK_LOW,
    ENCODER_SKIPPED,
    FPS_LOW,
    NETWORK_DROPPED,
    RENDER_MISSED,
    FrameLoss,
    HealthAlarm,
    HealthInterval,
    HealthReading,
    bitrate_text,
    disk_text,
    percent_text,
    trusted_timecode,
)
from console.services.stream_health import StreamHealthMonitor
from console.ui.subscription import subscribe
from console.ui.theme import COLOURS, Tone, set_tone

HISTORY_S = 600.0  # what the graphs show: the last ten minutes
REDRAW_EVERY_S = 1.0
UNKNOWN = "—"
# The smallest the panel may be and still show every figure whole (a test checks it).
MINIMUM_WIDTH = 380
MINIMUM_HEIGHT = 260

# (objectName, caption, tooltip, the alarm that colours it)
FIGURES: tuple[tuple[str, str, str, str | None], ...] = (
    ("healthBitrate", "Bitrate", "What the stream sends, over the last interval", BITRATE_LOW),
    ("healthFps", "FPS", "Frames OBS rendered in the last second, of its frame rate", FPS_LOW),
    ("healthCpu", "CPU", "OBS's share of the whole machine", CPU_HIGH),
    ("healthDisk", "Disk", "Free space where OBS records", DISK_LOW),
    ("healthDropped", "Dropped",
     "Frames the network did not take (the stream), over the last interval", NETWORK_DROPPED),
    ("healthCongestion", "Congestion", "How full the stream's network link is", CONGESTION),
    ("healthRender", "Render",
     "Frames missed because rendering lagged, over the last interval", RENDER_MISSED),
    ("healthEncoder", "Encoder",
     "Frames skipped because encoding lagged, over the last interval", ENCODER_SKIPPED),
)


@dataclass(frozen=True)
class _Point:
    at: datetime
    kbps: float  # NaN: no figure (not streaming), a gap in the graph
    cpu: float
    lost: float


def _number(value: float | None) -> float:
    return math.nan if value is None else value


def loss_text(loss: FrameLoss | None) -> str:
    if loss is None or loss.percent is None:
        return UNKNOWN
    return f"{percent_text(loss.percent)} ({loss.lost})"


def stream_badge(reading: HealthReading | None, interval: HealthInterval) -> tuple[str, Tone]:
    if reading is None or reading.stream.active is None:
        return "STREAM ?", Tone.NEUTRAL
    if reading.stream.reconnecting:
        return "RECONNECTING", Tone.ALARM
    if reading.streaming:
        timecode = trusted_timecode(reading.stream, interval.stream_clock_ok)
        return f"STREAM {timecode}" if timecode else "STREAM", Tone.PROGRAM
    return "STREAM OFF", Tone.NEUTRAL


def record_badge(reading: HealthReading | None, interval: HealthInterval) -> tuple[str, Tone]:
    if reading is None or reading.record.active is None:
        return "REC ?", Tone.NEUTRAL
    if reading.recording and reading.record.paused:
        return "REC PAUSED", Tone.WARNING
    if reading.recording:
        timecode = trusted_timecode(reading.record, interval.record_clock_ok)
        return f"REC {timecode}" if timecode else "REC", Tone.PROGRAM
    return "REC OFF", Tone.NEUTRAL


def figures(reading: HealthReading | None, interval: HealthInterval) -> dict[str, str]:
    """The text of each figure (by objectName)."""
    if reading is None:
        return {name: UNKNOWN for name, *_ in FIGURES}
    fps = UNKNOWN
    if reading.fps is not None:
        fps = f"{reading.fps:.1f}"
        if reading.configured_fps:
            fps += f" / {reading.configured_fps:g}"
    congestion = reading.stream.congestion if reading.streaming else None
    return {
        "healthBitrate": bitrate_text(interval.stream_kbps),
        "healthFps": fps,
        "healthCpu": percent_text(reading.cpu_percent, 0),
        "healthDisk": disk_text(reading.disk_free_mb),
        "healthDropped": loss_text(interval.network),
        "healthCongestion": percent_text(None if congestion is None else congestion * 100, 0),
        "healthRender": loss_text(interval.render),
        "healthEncoder": loss_text(interval.encoder),
    }


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("caption", True)
    return label


class _Sparkline(QWidget):
    """A caption and a small graph without axes: the shape of the last ten minutes."""

    def __init__(self, name: str, caption: str, y_max: float | None) -> None:
        super().__init__()
        self.setObjectName(name)
        self._y_max = y_max
        self.plot = pg.PlotWidget(background=COLOURS["surface"])
        self.plot.setObjectName(f"{name}Plot")
        item = self.plot.getPlotItem()
        item.hideAxis("left")
        item.hideAxis("bottom")
        item.hideButtons()
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        item.setXRange(-HISTORY_S, 0, padding=0)
        self.plot.setMinimumHeight(36)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        fill = pg.mkColor(COLOURS["text"])
        fill.setAlpha(40)
        self.curve = item.plot(pen=pg.mkPen(COLOURS["text"], width=1.5), connect="finite",
                               fillLevel=0, brush=fill)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(_caption(caption))
        layout.addWidget(self.plot, 1)

    def show_points(self, xs: list[float], ys: list[float]) -> None:
        self.curve.setData(xs, ys)
        known = [y for y in ys if not math.isnan(y)]
        top = self._y_max if self._y_max is not None else max([*known, 1.0]) * 1.15
        # A little room below zero: a line at zero stays visible above the frame's edge.
        self.plot.getPlotItem().setYRange(-top * 0.04, top, padding=0)


class StreamHealthPanel(QWidget):
    """The health of one OBS, read-only.

    Child widgets (by objectName): ``healthStream`` and ``healthRecord`` (badges),
    the figures of :data:`FIGURES`, ``healthAlarms`` (the alarms, one a line, red),
    ``healthStatus`` (why there are no readings), ``healthBitrateGraph``,
    ``healthCpuGraph``, ``healthLostGraph``.
    """

    def __init__(self, monitor: StreamHealthMonitor, parent: QWidget | None = None, *,
                 redraw_every_s: float = REDRAW_EVERY_S,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.setObjectName("streamHealthPanel")
        self._monitor = monitor
        self._redraw_every_s = redraw_every_s
        self._monotonic = monotonic
        self._points: deque[_Point] = deque(maxlen=int(HISTORY_S / 0.25))
        self._drawn_at: float | None = None
        self.redraws = 0  # how often the graphs were drawn (the tests count them)
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.timeout.connect(self._redraw)
        self._stream = self._badge("healthStream")
        self._record = self._badge("healthRecord")
        self._values: dict[str, QLabel] = {}
        self._alarm_of: dict[str, str | None] = {}
        self._alarms = QLabel()
        self._alarms.setObjectName("healthAlarms")
        self._alarms.setWordWrap(True)
        set_tone(self._alarms, Tone.ALARM)
        self._status = QLabel()
        self._status.setObjectName("healthStatus")
        self._status.setWordWrap(True)
        set_tone(self._status, Tone.WARNING)
        self._graphs = (_Sparkline("healthBitrateGraph", "Bitrate", None),
                        _Sparkline("healthCpuGraph", "CPU %", 100.0),
                        _Sparkline("healthLostGraph", "Frames lost %", None))
        self._lay_out()
        self.setMinimumSize(MINIMUM_WIDTH, MINIMUM_HEIGHT)
        latest = monitor.latest
        if latest is not None:
            self._add_point(latest, monitor.latest_interval)
        self._show(latest, monitor.latest_interval)
        self.show_alarms(monitor.alarms)
        self._show_status(monitor.unavailable_reason if latest is None else None)
        subscribe(self, monitor.reading, self.show_reading)
        subscribe(self, monitor.alarms_changed, self.show_alarms)
        subscribe(self, monitor.unavailable, self.show_unavailable)

    @staticmethod
    def _badge(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setProperty("badge", True)
        label.setProperty("compact", True)
        return label

    def _lay_out(self) -> None:
        outputs = QHBoxLayout()
        outputs.addWidget(self._stream, 1)
        outputs.addWidget(self._record, 1)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        for index, (name, caption, tooltip, alarm) in enumerate(FIGURES):
            value = QLabel(UNKNOWN)
            value.setObjectName(name)
            value.setToolTip(tooltip)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            label = _caption(caption)
            label.setToolTip(tooltip)
            row, column = divmod(index, 2)
            grid.addWidget(label, row, column * 2)
            grid.addWidget(value, row, column * 2 + 1)
            self._values[name] = value
            self._alarm_of[name] = alarm
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        graphs = QHBoxLayout()
        graphs.setSpacing(6)
        for graph in self._graphs:
            graphs.addWidget(graph, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(outputs)
        layout.addLayout(grid)
        layout.addWidget(self._alarms)
        layout.addWidget(self._status)
        layout.addLayout(graphs, 1)

    # -- from the monitor --------------------------------------------------------------

    def show_reading(self, reading: HealthReading) -> None:
        interval = self._monitor.latest_interval
        self._add_point(reading, interval)
        self._show(reading, interval)
        self._show_status(None)
        self._ask_redraw()

    def show_alarms(self, alarms: tuple[HealthAlarm, ...]) -> None:
        self._alarms.setText("\n".join(alarm.text for alarm in alarms))
        self._alarms.setVisible(bool(alarms))
        standing = {alarm.key for alarm in alarms}
        for name, label in self._values.items():
            key = self._alarm_of[name]
            set_tone(label, Tone.ALARM if key in standing else Tone.NEUTRAL)

    def show_unavailable(self, why: str) -> None:
        self._show(None, HealthInterval())
        self._show_status(why)
        if self._points and not math.isnan(self._points[-1].cpu):
            # A gap in the graphs: no line drawn across the time OBS could not be read.
            gap = self._points[-1].at + timedelta(microseconds=1)
            self._points.append(_Point(gap, math.nan, math.nan, math.nan))
            self._ask_redraw()

    # -- showing -------------------------------------------------------------------------

    def _show(self, reading: HealthReading | None, interval: HealthInterval) -> None:
        for label, (text, tone) in ((self._stream, stream_badge(reading, interval)),
                                    (self._record, record_badge(reading, interval))):
            label.setText(text)
            set_tone(label, tone)
        for name, text in figures(reading, interval).items():
            self._values[name].setText(text)

    def _show_status(self, why: str | None) -> None:
        self._status.setText(f"No readings: {why}" if why else "")
        self._status.setVisible(bool(why))

    # -- the graphs -----------------------------------------------------------------------

    def _add_point(self, reading: HealthReading, interval: HealthInterval) -> None:
        if self._points and reading.at <= self._points[-1].at:
            self._points.clear()  # another OBS session's clock: start the graphs afresh
        self._points.append(_Point(reading.at, _number(interval.stream_kbps),
                                   _number(reading.cpu_percent),
                                   _number(interval.worst_loss_percent)))
        while (reading.at - self._points[0].at).total_seconds() > HISTORY_S:
            self._points.popleft()

    def _ask_redraw(self) -> None:
        if self._redraw_timer.isActive():
            return  # a redraw is already due: it will show this reading too
        now = self._monotonic()
        if self._drawn_at is None or now - self._drawn_at >= self._redraw_every_s:
            self._redraw()
        else:
            wait_s = self._redraw_every_s - (now - self._drawn_at)
            self._redraw_timer.start(max(1, math.ceil(wait_s * 1000)))

    def _redraw(self) -> None:
        self._drawn_at = self._monotonic()
        self.redraws += 1
        if not self._points:
            return
        newest = self._points[-1].at
        xs = [(point.at - newest).total_seconds() for point in self._points]
        bitrate, cpu, lost = self._graphs
        bitrate.show_points(xs, [point.kbps for point in self._points])
        cpu.show_points(xs, [point.cpu for point in self._points])
        lost.show_points(xs, [point.lost for point in self._points])
