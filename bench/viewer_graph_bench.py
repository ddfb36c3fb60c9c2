"""The live viewer graph with two days of eight destinations polled every 5 s (34,560
points each), against a plain pyqtgraph plot of the same data, in the same run.

Both are 1920x360 (a dock across the bottom of a 1920x1080 stage window, a third of
its height), Qt offscreen, eight curves drawn with the same pens:

- console: :class:`~console.ui.viewer_graph.ViewerGraph` in its per-destination
  view, with the show's markers (24 a day), peak downsampling and clipping to view;
- baseline: a ``pg.PlotWidget`` with eight ``PlotDataItem`` (``connect="finite"``),
  no downsampling, no clipping, fed from series of its own with the same samples.

A frame is timed with ``time.perf_counter`` until the plot is painted (``grab()``
renders it whole), and with ``time.thread_time`` (the main thread's CPU time, which
other programs do not inflate). The two take turns frame by frame (which goes first
alternates), so a busy machine slows both alike:

- redraw: one new sample for each destination, then what the graph's timer does
  (:meth:`~ViewerGraph.redraw`; for the baseline, ``setData`` of the eight curves),
  everything held in view;
- pan: 6 h, then 24 h, in view, moved on by a twentieth of that (``setXRange``).

Also: the time :meth:`~ViewerGraph.load_history` takes for the whole history, at the
graph's start.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication, QWidget

from console.models.viewer_totals import destination_key
from console.models.viewers import Destination, Platform, ViewerSample, ViewerState
from console.ui.theme import colour
from console.ui.viewer_graph import GraphView, MarkerKind, ViewerGraph
from console.ui.viewer_series import ViewerSeries

DESTINATIONS = 8
STEP_S = 5
DAYS = 2
POINTS = DAYS * 24 * 3600 // STEP_S
START = datetime(2026, 10, 23, 7, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Lisbon")
SIZE = (1920, 360)
FRAMES = 60  # timed frames per figure and plot (after three untimed)
WARM_UP = 3
PANS_S = (6 * 3600, 24 * 3600)  # the time in view while panning
TARGET_MS = 16.0
LANGUAGES = ("en", "en", "en", "fr", "fr", "es", "ar", "ar")
KEYS = [destination_key(d) for d in range(1, DESTINATIONS + 1)]

Frame = Callable[[int], object]


@dataclass(frozen=True)
class Timing:
    """A median frame: wall-clock time, and the main thread's CPU time (which other
    programs on the machine do not inflate)."""

    wall_ms: float
    cpu_ms: float

    def __str__(self) -> str:
        return f"{self.wall_ms:.1f} ms (CPU {self.cpu_ms:.1f})"


@dataclass
class Figures:
    """Median frames by what was timed."""

    medians: dict[str, Timing] = field(default_factory=dict)


def destinations() -> list[Destination]:
    return [Destination(Platform.OWNCAST, f"https://live{n}.example.org",
                        label=f"Stream {n} {LANGUAGES[n - 1].upper()}",
                        language=LANGUAGES[n - 1], id=n) for n in range(1, DESTINATIONS + 1)]


def counts(destination_id: int, index: int) -> int | None:
    """A day-shaped audience; destination 6 offline for an hour on the first day."""
    if destination_id == 6 and 720 <= index < 1440:
        return None
    hours = index * STEP_S / 3600
    shape = 0.55 + 0.45 * math.sin(math.pi * (hours % 24) / 24) ** 2
    return round(300 * destination_id * shape * (1 + 0.08 * math.sin(hours * 5.3)))


def sample(destination_id: int, index: int) -> ViewerSample:
    at = START + timedelta(seconds=index * STEP_S)
    value = counts(destination_id, index)
    if value is None:
        return ViewerSample(destination_id, at, ViewerState.OFFLINE)
    return ViewerSample(destination_id, at, ViewerState.LIVE, value)


def history() -> list[ViewerSample]:
    return [sample(d, k) for k in range(POINTS) for d in range(1, DESTINATIONS + 1)]


def _shown(widget: QWidget) -> None:
    widget.resize(*SIZE)
    widget.show()
    for _ in range(3):
        QApplication.processEvents()


def in_turns(*frames: Frame) -> list[Timing]:
    """Median milliseconds of each, frame by frame in turns (the order turning too)."""
    wall: dict[Frame, list[float]] = {frame: [] for frame in frames}
    cpu: dict[Frame, list[float]] = {frame: [] for frame in frames}
    for n in range(WARM_UP + FRAMES):
        shift = n % len(frames)
        for frame in frames[shift:] + frames[:shift]:
            t0, c0 = time.perf_counter(), time.thread_time()
            frame(n)
            if n >= WARM_UP:
                wall[frame].append(time.perf_counter() - t0)
                cpu[frame].append(time.thread_time() - c0)
    return [Timing(statistics.median(wall[frame]) * 1000, statistics.median(cpu[frame]) * 1000)
            for frame in frames]


class ConsolePlot:
    def __init__(self, samples: list[ViewerSample]) -> None:
        self.clock = START + timedelta(days=DAYS)
        self.graph = ViewerGraph(clock=lambda: self.clock)
        self.graph.set_time_zone(ZONE)
        self.graph.set_destinations(destinations())
        t0 = time.perf_counter()
        self.graph.load_history(samples)
        self.load_s = time.perf_counter() - t0
        for day in range(DAYS):
            for n in range(12):
                at = datetime(2026, 10, 23 + day, 9, 0, tzinfo=ZONE) + timedelta(minutes=45 * n)
                self.graph.add_marker(at, f"Speaker {n}: a talk with a title",
                                      MarkerKind.SEGMENT)
                self.graph.add_marker(at + timedelta(seconds=30), f"Take {n}", MarkerKind.TAKE)
        self.graph.set_view(GraphView.DESTINATIONS)
        _shown(self.graph)
        self.next_index = POINTS

    def redraw(self, _: int) -> None:
        for d in range(1, DESTINATIONS + 1):
            self.graph.add_sample(sample(d, self.next_index))
        self.next_index += 1
        self.clock += timedelta(seconds=STEP_S)
        self.graph.redraw()
        self.graph.plot.grab()

    def pan(self, window_s: float) -> Frame:
        def frame(n: int) -> None:
            left = START.timestamp() + 3600 + n * window_s / 20
            self.graph.view_box.setXRange(left, left + window_s, padding=0)
            self.graph.plot.grab()
        return frame

    def close(self) -> None:
        self.graph.close()
        self.graph.deleteLater()


class EmptyPlot:
    """The floor: a PlotWidget with its axes and no curve, panned the same way."""

    def __init__(self) -> None:
        self.plot = pg.PlotWidget()
        self.plot.setBackground(colour("surface"))
        _shown(self.plot)
        self.view = self.plot.getPlotItem().getViewBox()

    def pan(self, window_s: float) -> Frame:
        def frame(n: int) -> None:
            left = START.timestamp() + 3600 + n * window_s / 20
            self.view.setXRange(left, left + window_s, padding=0)
            self.plot.grab()
        return frame

    def close(self) -> None:
        self.plot.close()
        self.plot.deleteLater()


class PlainPlot(EmptyPlot):
    """A plain PlotWidget: eight curves, pyqtgraph's defaults, the console's pens (panned
    and closed as the empty one)."""

    def __init__(self, samples: list[ViewerSample], pens: list[object]) -> None:
        self.series = ViewerSeries()
        self.series.set_destinations(destinations())
        self.series.load(samples)
        self.plot = pg.PlotWidget()
        self.plot.setBackground(colour("surface"))
        self.curves = [self.plot.plot(*self.series.ring(key).arrays(), pen=pen,
                                      connect="finite") for key, pen in zip(KEYS, pens,
                                                                            strict=True)]
        _shown(self.plot)
        self.view = self.plot.getPlotItem().getViewBox()
        self.next_index = POINTS

    def redraw(self, _: int) -> None:
        for d in range(1, DESTINATIONS + 1):
            self.series.add(sample(d, self.next_index))
        self.next_index += 1
        self.series.flush()
        for key, curve in zip(KEYS, self.curves, strict=True):
            curve.setData(*self.series.ring(key).arrays())
        self.plot.grab()  # its automatic range keeps everything in view


def measure() -> tuple[Figures, Figures, Figures, float]:
    """(console, baseline, empty plot, load_history seconds)."""
    app = QApplication.instance() or QApplication([])
    assert app is not None
    samples = history()
    console = ConsolePlot(samples)
    plain = PlainPlot(samples, [console.graph.curve(key).opts["pen"] for key in KEYS])
    empty = EmptyPlot()
    mine, theirs, floor = Figures(), Figures(), Figures()
    try:
        mine.medians["redraw"], theirs.medians["redraw"] = in_turns(console.redraw,
                                                                    plain.redraw)
        for window_s in PANS_S:
            name = f"pan {window_s // 3600} h"
            mine.medians[name], theirs.medians[name], floor.medians[name] = in_turns(
                console.pan(window_s), plain.pan(window_s), empty.pan(window_s))
    finally:
        console.close()
        plain.close()
        empty.close()
        QApplication.processEvents()
    return mine, theirs, floor, console.load_s


def run_viewer_graph_bench() -> list[str]:
    """Markdown rows: ``| what | baseline | console | ratio | target |``."""
    console, baseline, floor, load_s = measure()
    what = (f"viewer graph, {DESTINATIONS} destinations x {DAYS} days at {STEP_S} s "
            f"({POINTS:,} points each), {SIZE[0]}x{SIZE[1]} offscreen, median frame until "
            "painted (baseline: plain pyqtgraph, no downsampling or clipping, in turns)")
    labels = {"redraw": "redraw after a new sample per destination, all held in view",
              **{f"pan {s // 3600} h": f"pan, {s // 3600} h in view moved {s // 20 // 60} min"
                 for s in PANS_S}}
    rows = []
    for name, label in labels.items():
        ours, theirs = console.medians[name], baseline.medians[name]
        rows.append(f"| {what}: {label} | {theirs} | {ours} | "
                    f"{theirs.wall_ms / ours.wall_ms:.1f}x faster | under {TARGET_MS:.0f} ms |")
    pans = " / ".join(str(floor.medians[f"pan {s // 3600} h"]) for s in PANS_S)
    rows.append(f"| the floor: a pyqtgraph plot with its axes and no curve, the same pans "
                f"({' / '.join(f'{s // 3600} h' for s in PANS_S)}) | - | {pans} | - | - |")
    rows.append(f"| viewer graph: load_history of {DESTINATIONS * POINTS:,} samples (two "
                f"days, {DESTINATIONS} destinations) and first draw | - | "
                f"{load_s * 1000:.0f} ms | - | - |")
    return rows


if __name__ == "__main__":
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from console import logs

    logs.configure("WARNING")
    print("\n".join(run_viewer_graph_bench()))
