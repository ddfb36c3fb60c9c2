"""The viewer graph as the stage window would hold it, with two days of data: synthetic
destinations and samples, markers, and the graph put in a window of a given size.

``python -m tests.helpers.viewer_graph_photos OUT_DIR`` (Qt offscreen unless a display
is set) saves the graph as a dock across the bottom of a 1280x800 and a 1920x1080
window (a third of the height, the full width) and floating at 900x500, hovered, and
prints the geometry of what matters as JSON, one line per picture.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow, QWidget

from console.models.viewers import Destination, Platform, ViewerSample, ViewerState
from console.ui.theme import apply_theme
from console.ui.viewer_graph import GraphView, MarkerKind, ViewerGraph

ZONE = ZoneInfo("Europe/Lisbon")
# Two days from 08:00 in Lisbon (UTC+1 then), one reading every 5 s per destination.
START = datetime(2026, 10, 23, 7, 0, tzinfo=UTC)
DAYS = 2
STEP_S = 5
POINTS = DAYS * 24 * 3600 // STEP_S  # per destination: 34,560
# The instant the pictures hover at: the afternoon of the first day.
HOVER_AT = START + timedelta(hours=7, minutes=12, seconds=30)
NOW = START + timedelta(days=DAYS) - timedelta(seconds=1)
SIZES = {"1280x800": (1280, 800), "1920x1080": (1920, 1080)}
FLOATING = (900, 500)


def destinations() -> list[Destination]:
    """Eight streams in four languages (Spanish is one YouTube stream only)."""
    rows = [
        (1, Platform.YOUTUBE, "dQw4w9WgXcQ", "YouTube EN", "en"),
        (2, Platform.TWITCH, "conf_en", "Twitch EN", "en"),
        (3, Platform.OWNCAST, "https://live.example.org", "Owncast EN", "en"),
        (4, Platform.YOUTUBE, "a1b2c3d4e5f", "YouTube FR", "fr"),
        (5, Platform.TWITCH, "conf_fr", "Twitch FR", "fr"),
        (6, Platform.YOUTUBE, "z9y8x7w6v5u", "YouTube ES", "es"),
        (7, Platform.FACEBOOK, "1234567890", "Facebook AR", "ar"),
        (8, Platform.JSON, "https://stats.example.org/ar.json", "Relay AR", "ar"),
    ]
    return [Destination(platform, target, label=label, language=language,
                        pointer="/viewers" if platform is Platform.JSON else None, id=ident)
            for ident, platform, target, label, language in rows]


@dataclass(frozen=True)
class Outage:
    """A stretch where a destination has no count (offline, an error...)."""

    destination_id: int
    start: datetime
    end: datetime
    state: ViewerState


# Gaps the tests look for: the Spanish stream (its language's only one) offline for
# an hour, Twitch FR failing for 20 minutes, the Arabic relay hidden for 10.
OUTAGES = (
    Outage(6, START + timedelta(hours=5), START + timedelta(hours=6), ViewerState.OFFLINE),
    Outage(5, START + timedelta(hours=9), START + timedelta(hours=9, minutes=20),
           ViewerState.ERROR),
    Outage(8, START + timedelta(days=1, hours=3),
           START + timedelta(days=1, hours=3, minutes=10), ViewerState.HIDDEN),
)


def count(destination_id: int, index: int) -> int:
    """A smooth, day-shaped audience per destination (no randomness: reproducible)."""
    hours = index * STEP_S / 3600
    day_shape = 0.55 + 0.45 * math.sin(math.pi * ((hours % 24) / 24)) ** 2
    wobble = 1 + 0.08 * math.sin(hours * 5.3 + destination_id)
    scale = (1800, 700, 240, 950, 420, 600, 380, 150)[destination_id - 1]
    return round(scale * day_shape * wobble)


def history() -> list[ViewerSample]:
    """Every destination every 5 s for two days, oldest first; outages as above."""
    samples = []
    for index in range(POINTS):
        at = START + timedelta(seconds=index * STEP_S)
        for destination_id in range(1, 9):
            outage = next((o for o in OUTAGES if o.destination_id == destination_id
                           and o.start <= at < o.end), None)
            if outage is not None:
                samples.append(ViewerSample(destination_id, at, outage.state))
            else:
                samples.append(ViewerSample(destination_id, at, ViewerState.LIVE,
                                            count(destination_id, index)))
    return samples


TALKS = ("Ada Lovelace: Opening", "Grace Hopper — Compilers for everyone",
         "Alan Turing: On computable numbers, with an application to the "
         "Entscheidungsproblem", "Katherine Johnson: Orbits", "Edsger Dijkstra: Goto "
         "considered harmful", "Lunch break", "Barbara Liskov: Abstraction",
         "Margaret Hamilton: Software engineering", "Donald Knuth: Literate programming",
         "Frances Allen: Optimising compilers", "Panel: the next fifty years",
         "Closing remarks")


def markers() -> Iterator[tuple[datetime, str, MarkerKind]]:
    """Twelve segments a day, every 45 minutes from 09:00 (Lisbon), each with a take
    half a minute later (so their labels would collide)."""
    for day in range(DAYS):
        base = datetime(2026, 10, 23 + day, 9, 0, tzinfo=ZONE)
        for n, talk in enumerate(TALKS):
            at = base + timedelta(minutes=45 * n)
            yield at, talk, MarkerKind.SEGMENT
            yield at + timedelta(seconds=30), f"Take: {talk.split(':')[0]}", MarkerKind.TAKE


def loaded_graph(view: GraphView = GraphView.TOTAL, now: datetime = NOW) -> ViewerGraph:
    graph = ViewerGraph(clock=lambda: now)
    graph.set_time_zone(ZONE)
    graph.set_destinations(destinations())
    graph.load_history(history())
    for at, label, kind in markers():
        graph.add_marker(at, label, kind)
    graph.set_view(view)
    return graph


def docked(graph: ViewerGraph, size: tuple[int, int]) -> QMainWindow:
    """A stage-sized window with ``graph`` as a dock across the bottom, a third of the
    window's height."""
    window = QMainWindow()
    window.setObjectName("photoWindow")
    rundown = QLabel("rundown")
    rundown.setAlignment(Qt.AlignmentFlag.AlignCenter)
    window.setCentralWidget(rundown)
    dock = QDockWidget("Viewers", window)
    dock.setObjectName("viewersDock")
    dock.setWidget(graph)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    window.resize(*size)
    window.show()
    window.resizeDocks([dock], [size[1] // 3], Qt.Orientation.Vertical)
    QApplication.processEvents()
    return window


def floating(graph: ViewerGraph) -> QWidget:
    graph.resize(*FLOATING)
    graph.show()
    QApplication.processEvents()
    return graph


def settle(graph: ViewerGraph) -> None:
    """Let layouts finish, then draw and hover as a user's mouse would."""
    for _ in range(3):
        QApplication.processEvents()
    graph.redraw()
    graph.show_hover(HOVER_AT, y_px=graph.plot.height() / 2)
    QApplication.processEvents()


def rect_of(widget: QWidget, within: QWidget) -> list[int]:
    top_left = widget.mapTo(within, widget.rect().topLeft())
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


def findings(graph: ViewerGraph) -> dict[str, Any]:
    """Where things are, in the graph's pixels, and how big the figures are."""
    plot_origin = graph.plot.mapTo(graph, graph.plot.rect().topLeft())
    labels = []
    for text, rect in graph.marker_labels():
        moved = QRectF(rect).translated(plot_origin.x(), plot_origin.y())
        labels.append({"text": text, "rect": [moved.x(), moved.y(), moved.width(),
                                              moved.height()]})
    figures = {name: QFontInfo(getattr(graph, name).font()).pixelSize()
               for name in ("stats_current", "stats_peak", "stats_average")}
    return {
        "graph": [0, 0, graph.width(), graph.height()],
        "minimum": [graph.minimumSizeHint().width(), graph.minimumSizeHint().height(),
                    graph.minimumWidth(), graph.minimumHeight()],
        "plot": rect_of(graph.plot, graph),
        "hover": rect_of(graph.hover, graph) if graph.hover.isVisible() else None,
        "hover_text": graph.hover_text(),
        "figures_px": figures,
        "figures": {name: getattr(graph, name).text()
                    for name in ("stats_current", "stats_peak", "stats_average")},
        "figure_rects": {name: rect_of(getattr(graph, name), graph)
                         for name in ("stats_current", "stats_peak", "stats_average")},
        "marker_labels": labels,
        "axis_strings": axis_strings(graph),
    }


def axis_strings(graph: ViewerGraph) -> list[str]:
    start, end = graph.x_range()
    axis = graph.time_axis
    (spacing, values), = axis.tickValues(start, end, axis.geometry().width())
    return list(axis.tickStrings(values, 1.0, spacing))


def inside(inner: list[float], outer: list[float]) -> bool:
    return QRectF(*outer).contains(QRectF(*inner))


def photograph(widget: QWidget, out: Path) -> None:
    widget.grab().save(str(out))


# The first day's afternoon, zoomed in (the hour the Spanish stream was offline in it).
AFTERNOON = (START + timedelta(hours=4), START + timedelta(hours=10))


@dataclass(frozen=True)
class Picture:
    name: str
    size: tuple[int, int] | None  # the window's; None: the graph floating at 900x500
    view: GraphView = GraphView.TOTAL
    now: datetime = NOW
    shown: tuple[datetime, datetime] | None = None  # None: everything


PICTURES = (
    Picture("viewer-graph-1280x800", SIZES["1280x800"]),
    Picture("viewer-graph-1920x1080", SIZES["1920x1080"], GraphView.LANGUAGES),
    Picture("viewer-graph-1280x800-destinations", SIZES["1280x800"], GraphView.DESTINATIONS),
    Picture("viewer-graph-1920x1080-afternoon", SIZES["1920x1080"], GraphView.LANGUAGES,
            shown=AFTERNOON),
    Picture("viewer-graph-floating-900x500", None, GraphView.DESTINATIONS),
    # Ten minutes after the last poll: every count is stale.
    Picture("viewer-graph-floating-900x500-stale", None, now=NOW + timedelta(minutes=10)),
)


def staged(picture: Picture) -> tuple[ViewerGraph, QWidget]:
    """The graph of ``picture`` in its window, drawn and hovered."""
    graph = loaded_graph(picture.view, picture.now)
    window = floating(graph) if picture.size is None else docked(graph, picture.size)
    if picture.shown is not None:
        graph.show_range(*picture.shown)
    settle(graph)
    return graph, window


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    apply_theme(app)  # type: ignore[arg-type]
    for picture in PICTURES:
        graph, window = staged(picture)
        photograph(window, out / f"{picture.name}.png")
        print(json.dumps({"picture": f"{picture.name}.png", **findings(graph)}), flush=True)
        window.close()
        window.deleteLater()
    return 0


if __name__ == "__main__":
    sys.exit(main())
