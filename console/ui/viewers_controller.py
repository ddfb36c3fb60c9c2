"""The viewer graph in the window, fed by the viewer monitor, marked with the show.

Owns the Viewers dock (the graph), the Show ▸ Viewer destinations… action and its
dialog. The graph gets the destinations, then the stored history (two days and
more), then every new sample; its markers are the stage's planned segment
boundaries (the segment's title) and every take (the speakers' names).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt

from console.models.live import LiveState
from console.models.show import Segment, Show
from console.models.viewers import Destination, ViewerSample, stale_after_s
from console.services.show_runner import ShowRunner
from console.services.viewer_monitor import ViewerMonitor
from console.ui.main_window import MainWindow
from console.ui.subscription import subscribe
from console.ui.tasks import run_task
from console.ui.viewer_destinations_dialog import ViewerDestinationsDialog
from console.ui.viewer_graph import MarkerKind, ViewerGraph

DOCK_NAME = "viewersDock"


class ViewersController(QObject):
    """Wires the monitor and the runner to the graph; opens the destinations dialog."""

    def __init__(self, window: MainWindow, monitor: ViewerMonitor, runner: ShowRunner,
                 *, behind: str | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._monitor = monitor
        self._runner = runner
        self._history_loaded = False
        self._marked_takes: set[tuple[str, datetime]] = set()
        self.graph = ViewerGraph()
        self.graph.setObjectName("viewerGraph")
        self.dock = window.add_panel(DOCK_NAME, "Viewers", self.graph,
                                     Qt.DockWidgetArea.BottomDockWidgetArea, behind=behind)
        self.dialog: ViewerDestinationsDialog | None = None
        self.action = window.menu("&Show").addAction("Viewer destinations…")
        self.action.setObjectName("viewerDestinationsAction")
        self.action.triggered.connect(lambda _checked=False: self.open())
        subscribe(self.graph, monitor.destinations_changed, self._on_destinations)
        subscribe(self.graph, monitor.sampled, self._on_sample)
        subscribe(self.graph, monitor.problem, window.show_error)
        subscribe(self.graph, runner.show_changed, self._on_show)
        subscribe(self.graph, runner.live_changed, self._on_live)
        self._on_show(runner.show)

    def open(self) -> ViewerDestinationsDialog:
        if self.dialog is None:
            dialog = ViewerDestinationsDialog(self._monitor, self._window)
            dialog.finished.connect(lambda _result: self._closed(dialog))
            self.dialog = dialog
        self.dialog.open()
        return self.dialog

    def _closed(self, dialog: ViewerDestinationsDialog) -> None:
        self.dialog = None
        dialog.deleteLater()

    # -- viewers -----------------------------------------------------------------------------

    def _on_destinations(self, destinations: tuple[Destination, ...]) -> None:
        stale = {d.id: stale_after_s(self._monitor.interval_s(d))
                 for d in destinations if d.id is not None and d.polled}
        self.graph.set_destinations(destinations, stale)
        if not self._history_loaded:
            self._history_loaded = True
            run_task(self._load_history(), description="Read the viewer history",
                     on_error=self._window.show_error)

    async def _load_history(self) -> None:
        self.graph.load_history(await self._monitor.history())

    def _on_sample(self, _destination: Destination, sample: ViewerSample) -> None:
        self.graph.add_sample(sample)

    # -- the show's marks --------------------------------------------------------------------

    def _on_show(self, show: Show | None) -> None:
        self.graph.clear_markers()
        self._marked_takes.clear()
        if show is None:
            return
        self.graph.set_time_zone(ZoneInfo(show.timezone))
        for segment in self._runner.segments():
            self.graph.add_marker(segment.planned_start, segment.title, MarkerKind.SEGMENT)
        self._on_live(self._runner.live)

    def _on_live(self, live: LiveState) -> None:
        segments = {segment.id: segment for segment in self._runner.segments()}
        for run in live.runs:
            key = (run.segment_id, run.started_at)
            segment = segments.get(run.segment_id)
            if key in self._marked_takes or segment is None:
                continue
            self._marked_takes.add(key)
            self.graph.add_marker(run.started_at, take_label(segment), MarkerKind.TAKE)


def take_label(segment: Segment) -> str:
    """The speakers' names, or the segment's title when nobody is named."""
    names = ", ".join(speaker.name for speaker in segment.speakers)
    return names or segment.title
