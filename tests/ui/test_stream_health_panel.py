"""The stream health panel, fed by a monitor that is given readings by hand (the real-OBS
readings are tested in tests/integration/test_stream_health_obs.py): figures, badges,
alarms in red, "no readings" while OBS is gone, graphs of ten minutes redrawn at most
once a second, and the sizes it has in a dock photographed and measured."""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow

from console.models.obs_state import ConnectionState
from console.models.stream_health import (
    CPU_HIGH,
    HealthReading,
    HealthThresholds,
    RecordStatus,
    StreamStatus,
)
from console.obs.connection import ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.gateway import ObsGateway
from console.services.stream_health import StreamHealthMonitor
from console.ui.stream_health_panel import (
    FIGURES,
    HISTORY_S,
    MINIMUM_HEIGHT,
    MINIMUM_WIDTH,
    StreamHealthPanel,
)
from console.ui.theme import Tone
from tests.helpers.loops import LoopRunner

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
DOCK_SIZES = [(400, 300), (600, 400)]


def timecode(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000"


def reading(n: int, **changes: Any) -> HealthReading:
    """The n-th reading, two seconds apart, of an OBS streaming and recording for a while."""
    seconds = 62 + 2 * n
    base = HealthReading(
        at=T0 + timedelta(seconds=2 * n), cpu_percent=38.0, memory_mb=420.0,
        disk_free_mb=81_234.0, fps=29.97, configured_fps=30.0, frame_render_ms=4.2,
        render_missed=0, render_total=2000 + 60 * n, encoder_skipped=0,
        encoder_total=2000 + 60 * n,
        stream=StreamStatus(active=True, reconnecting=False,
                            timecode=timecode(seconds),
                            duration_ms=seconds * 1000, congestion=0.04,
                            bytes=20_000_000 + 1_125_000 * n, dropped_frames=0,
                            total_frames=1860 + 60 * n),
        record=RecordStatus(active=True, paused=False, timecode=timecode(seconds),
                            duration_ms=seconds * 1000, bytes=45_000_000 + 1_500_000 * n))
    return replace(base, **changes)


@pytest.fixture
def connection() -> ObsConnection:
    # Never started: its signals are emitted by hand.
    return ObsConnection(ObsEndpoint("127.0.0.1", 1), "not-used")


@pytest.fixture
def monitor(qloop: LoopRunner, connection: ObsConnection) -> Iterator[StreamHealthMonitor]:
    # Never started: readings are handed to it with accept().
    made = StreamHealthMonitor(ObsGateway(connection), thresholds=HealthThresholds(clear_after=1))
    yield made
    qloop.run(made.close())


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def panel(qtbot: Any, monitor: StreamHealthMonitor, clock: Clock) -> StreamHealthPanel:
    widget = StreamHealthPanel(monitor, monotonic=clock)
    qtbot.addWidget(widget)
    return widget



def child(panel: StreamHealthPanel, name: str) -> QLabel:
    label = panel.findChild(QLabel, name)
    assert label is not None, name
    return label


def texts(panel: StreamHealthPanel) -> dict[str, str]:
    return {name: child(panel, name).text() for name, *_ in FIGURES}


def test_before_any_reading_nothing_looks_live(panel: StreamHealthPanel) -> None:
    assert set(texts(panel).values()) == {"—"}
    assert child(panel, "healthStream").text() == "STREAM ?"
    assert child(panel, "healthRecord").text() == "REC ?"
    assert child(panel, "healthStatus").text() == "No readings: OBS is disconnected"


def test_the_figures_of_a_stream_and_a_recording(panel: StreamHealthPanel,
                                                 monitor: StreamHealthMonitor) -> None:
    monitor.accept(reading(0))
    monitor.accept(reading(1))

    assert texts(panel) == {
        "healthBitrate": "4,500 kbit/s", "healthFps": "30.0 / 30", "healthCpu": "38 %",
        "healthDisk": "79.3 GB", "healthDropped": "0.0 % (0)", "healthCongestion": "4 %",
        "healthRender": "0.0 % (0)", "healthEncoder": "0.0 % (0)"}
    stream, record = child(panel, "healthStream"), child(panel, "healthRecord")
    assert (stream.text(), stream.property("tone")) == ("STREAM 00:01:04", Tone.PROGRAM.value)
    assert (record.text(), record.property("tone")) == ("REC 00:01:04", Tone.PROGRAM.value)
    assert child(panel, "healthStatus").isHidden()


def test_a_timecode_is_shown_once_it_follows_the_clock(panel: StreamHealthPanel,
                                                       monitor: StreamHealthMonitor) -> None:
    monitor.accept(reading(0))
    assert child(panel, "healthRecord").text() == "REC"  # one reading tells nothing yet

    garbage = replace(reading(1).record, timecode="3839318:40:56.400",
                      duration_ms=13_821_548_456_400)
    monitor.accept(reading(1, record=garbage))

    assert child(panel, "healthRecord").text() == "REC"


def test_outputs_that_are_off_paused_or_reconnecting(panel: StreamHealthPanel,
                                                     monitor: StreamHealthMonitor) -> None:
    monitor.accept(reading(0, stream=StreamStatus(active=False, reconnecting=False),
                           record=RecordStatus(active=True, paused=True)))
    assert child(panel, "healthStream").text() == "STREAM OFF"
    assert child(panel, "healthRecord").text() == "REC PAUSED"
    assert child(panel, "healthRecord").property("tone") == Tone.WARNING.value
    assert child(panel, "healthBitrate").text() == "—"

    monitor.accept(reading(1, stream=replace(reading(1).stream, reconnecting=True)))
    assert child(panel, "healthStream").text() == "RECONNECTING"
    assert child(panel, "healthStream").property("tone") == Tone.ALARM.value
    assert child(panel, "healthAlarms").text() == "Stream reconnecting"


def test_alarms_in_red_and_their_figure_too(panel: StreamHealthPanel,
                                            monitor: StreamHealthMonitor) -> None:
    monitor.accept(reading(0, cpu_percent=97.0))

    alarms = child(panel, "healthAlarms")
    assert not alarms.isHidden()
    assert alarms.text() == "OBS CPU 97 %"
    assert alarms.property("tone") == Tone.ALARM.value
    assert child(panel, "healthCpu").property("tone") == Tone.ALARM.value
    assert child(panel, "healthDisk").property("tone") == Tone.NEUTRAL.value
    assert [alarm.key for alarm in monitor.alarms] == [CPU_HIGH]

    monitor.accept(reading(1))

    assert alarms.isHidden()
    assert child(panel, "healthCpu").property("tone") == Tone.NEUTRAL.value


def test_obs_gone_shows_no_figure_and_says_why(panel: StreamHealthPanel,
                                               monitor: StreamHealthMonitor,
                                               connection: ObsConnection) -> None:
    monitor.accept(reading(0, cpu_percent=97.0))
    monitor.accept(reading(1, cpu_percent=97.0))

    connection.state_changed.emit(ConnectionState.RECONNECTING)

    assert set(texts(panel).values()) == {"—"}
    assert child(panel, "healthStream").text() == "STREAM ?"
    assert child(panel, "healthStatus").text() == "No readings: OBS is reconnecting"
    assert child(panel, "healthAlarms").isHidden()
    monitor.accept(reading(5))
    assert child(panel, "healthStatus").isHidden()
    assert child(panel, "healthCpu").text() == "38 %"


def test_a_panel_built_later_shows_the_newest_reading(qtbot: Any,
                                                      monitor: StreamHealthMonitor) -> None:
    monitor.accept(reading(0))
    monitor.accept(reading(1, cpu_percent=97.0))

    late = StreamHealthPanel(monitor)
    qtbot.addWidget(late)

    assert child(late, "healthCpu").text() == "97 %"
    assert child(late, "healthAlarms").text() == "OBS CPU 97 %"
    assert child(late, "healthStatus").isHidden()


def test_the_graphs_are_redrawn_at_most_once_a_second(qtbot: Any, panel: StreamHealthPanel,
                                                      monitor: StreamHealthMonitor,
                                                      clock: Clock) -> None:
    for n in range(10):  # a burst: ten readings in the same instant
        monitor.accept(reading(n))

    assert panel.redraws == 1  # the first at once, the rest wait for the next second
    clock.now += 1.0
    qtbot.waitUntil(lambda: panel.redraws == 2, timeout=5000)
    xs, ys = panel._graphs[0].curve.getData()
    assert len(xs) == 10  # the one redraw showed every reading of the burst
    assert ys[-1] == pytest.approx(4500.0)


def test_the_graphs_keep_ten_minutes(panel: StreamHealthPanel, monitor: StreamHealthMonitor,
                                     clock: Clock) -> None:
    for n in range(400):  # 800 seconds of readings
        monitor.accept(reading(n))
        clock.now += 2.0

    xs, _ys = panel._graphs[1].curve.getData()
    assert xs[-1] == 0.0
    assert -HISTORY_S <= xs[0] <= -HISTORY_S + 2


def test_the_graphs_leave_a_gap_while_obs_cannot_be_read(panel: StreamHealthPanel,
                                                         monitor: StreamHealthMonitor,
                                                         connection: ObsConnection,
                                                         clock: Clock) -> None:
    monitor.accept(reading(0))
    connection.state_changed.emit(ConnectionState.RECONNECTING)
    monitor.accept(reading(30))
    clock.now += 5

    panel._redraw()

    _xs, cpu = panel._graphs[1].curve.getData()
    assert [math.isnan(value) for value in cpu] == [False, True, False]
    panel.resize(400, 300)
    assert not panel.grab().isNull()  # painted, gap and all, without a complaint


def photograph(window: QMainWindow, picture: Path) -> Path:
    """Save a picture of ``window``; keep a copy in ``CONSOLE_SCREENSHOTS`` when that is set
    (as the screen tests do), for a person to look at."""
    assert window.grab().save(str(picture))
    keep = os.environ.get("CONSOLE_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(picture, Path(keep) / picture.name)
    return picture


def clipped(panel: StreamHealthPanel) -> list[str]:
    """Labels whose text does not fit their width, or that fall outside the panel."""
    found = []
    for label in panel.findChildren(QLabel):
        if label.isHidden() or not label.text() or label.wordWrap():
            continue
        needed = label.fontMetrics().horizontalAdvance(label.text())
        inside = panel.rect().contains(label.geometry().translated(
            label.mapTo(panel, label.rect().topLeft()) - label.geometry().topLeft()))
        if needed > label.contentsRect().width() or not inside:
            found.append(f"{label.objectName() or label.text()}: needs {needed}, has "
                         f"{label.contentsRect().width()}")
    return found


@pytest.mark.parametrize(("width", "height"), DOCK_SIZES)
def test_in_a_dock_every_figure_is_whole(qtbot: Any, themed_app: QApplication,
                                         monitor: StreamHealthMonitor, tmp_path: Path,
                                         width: int, height: int) -> None:
    """The panel in a dock of the size it will have beside the rundown, streaming and
    recording with two alarms standing (the photographs are for a person to look at)."""
    window = QMainWindow()
    qtbot.addWidget(window)
    panel = StreamHealthPanel(monitor)
    dock = QDockWidget("Stream health")
    dock.setObjectName("streamHealthDock")
    dock.setWidget(panel)
    window.setCentralWidget(QLabel())
    window.centralWidget().setMaximumWidth(1)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    for n in range(300):  # ten minutes: a dip in the bitrate, a few frames lost, then trouble
        wobble = (n * 7919) % 13
        missed = sum(1 for m in (120, 121, 200) if m <= n) + (14 if n == 299 else 0)
        monitor.accept(reading(
            n, cpu_percent=91.0 if n == 299 else 36.0 + wobble, render_missed=missed,
            disk_free_mb=81_234.0 - 9 * n,
            stream=replace(reading(n).stream, bytes=20_000_000 + 1_125_000 * n
                           - (700_000 if 160 <= n < 175 else 0) + 8_000 * wobble)))
    QApplication.processEvents()
    qtbot.wait(1100)  # the graphs' next redraw

    photo = photograph(window, tmp_path / f"stream_health_{width}x{height}.png")

    assert photo.stat().st_size > 0
    assert panel.height() >= MINIMUM_HEIGHT - 1
    assert not child(panel, "healthAlarms").isHidden()
    assert clipped(panel) == []


def test_the_panel_fits_the_smallest_dock(qtbot: Any, themed_app: QApplication,
                                          monitor: StreamHealthMonitor) -> None:
    panel = StreamHealthPanel(monitor)
    qtbot.addWidget(panel)
    monitor.accept(reading(0, cpu_percent=97.0))

    hint = panel.minimumSizeHint().expandedTo(panel.minimumSize())

    # A dock's title bar takes about 25 pixels of the 400x300 it is given.
    assert hint.width() <= 400
    assert hint.height() <= 300 - 25
    assert (panel.minimumWidth(), panel.minimumHeight()) == (MINIMUM_WIDTH, MINIMUM_HEIGHT)
