"""Show ▸ Viewer destinations…: the streams whose viewers are counted, and typed counts.

One row per destination with its latest count and state. Under the table, a form
adds one (each field checked as in ``viewers add``: a refusal names the field),
Remove stops counting the selected one (its samples stay), and a manual
destination takes a count read off a screen. Every change goes through the viewer
monitor, which serialises them and stores them at once, so the command line and
another console see them too. Opened with ``open()``: ``exec()`` would stall the
asyncio loop.
"""

from __future__ import annotations

from collections.abc import Coroutine, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.models.errors import OperatorError
from console.models.viewers import (
    MAX_VIEWERS,
    Destination,
    Platform,
    ViewerSample,
    check_destination,
)
from console.services.viewer_monitor import ViewerMonitor
from console.ui.subscription import subscribe
from console.ui.tasks import run_task
from console.ui.theme import Tone, set_tone

DIALOG_NAME = "viewerDestinationsDialog"
TABLE_MIN_PX = 300  # about eight rows and the header
DIALOG_HEIGHT_PX = 740
COLUMNS = ("Id", "Platform", "Target", "Language", "Label", "Viewers", "State")
ID, PLATFORM, TARGET, LANGUAGE, LABEL, VIEWERS, STATE = range(len(COLUMNS))
TARGET_HINTS = {
    Platform.YOUTUBE: "video id (the v= part of the watch URL)",
    Platform.TWITCH: "channel login",
    Platform.OWNCAST: "https://your-owncast-server",
    Platform.ZOOM: "webinar id",
    Platform.FACEBOOK: "live video id",
    Platform.JSON: "https://… URL of a JSON document",
    Platform.MANUAL: "a name, e.g. Hall B screen",
}


class ViewerDestinationsDialog(QDialog):
    """Adds, removes and lists viewer destinations; takes typed counts."""

    def __init__(self, monitor: ViewerMonitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(DIALOG_NAME)
        self.setWindowTitle("Viewer destinations")
        self._monitor = monitor
        self.table = self._make_table()
        self.problem = QLabel()
        self.problem.setObjectName("destinationProblem")
        self.problem.setWordWrap(True)
        set_tone(self.problem, Tone.ALARM)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(self._make_row_actions())
        layout.addWidget(self._make_form())
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        subscribe(self, monitor.destinations_changed, self._on_destinations)
        subscribe(self, monitor.sampled, self._on_sample)
        self._on_destinations(monitor.destinations)
        self._fit_to_screen()

    def _fit_to_screen(self) -> None:
        # Room for a show's seven or eight streams without scrolling, where the screen has it.
        self.table.setMinimumHeight(TABLE_MIN_PX)
        screen = self.screen().availableGeometry() if self.screen() else None
        height = DIALOG_HEIGHT_PX if screen is None else min(DIALOG_HEIGHT_PX,
                                                               screen.height() - 60)
        self.resize(900, height)

    # -- building ------------------------------------------------------------------------

    def _make_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setObjectName("destinationTable")
        table.setHorizontalHeaderLabels(COLUMNS)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TARGET, QHeaderView.ResizeMode.Stretch)
        table.itemSelectionChanged.connect(self._on_selection)
        return table

    def _make_row_actions(self) -> QHBoxLayout:
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeDestination")
        self.remove_button.clicked.connect(self._remove)
        self.count = QSpinBox()
        self.count.setObjectName("manualCount")
        self.count.setRange(0, min(MAX_VIEWERS, 2**31 - 1))
        self.count.setGroupSeparatorShown(True)
        self.count_button = QPushButton("Enter count")
        self.count_button.setObjectName("enterCount")
        self.count_button.clicked.connect(self._enter_count)
        row = QHBoxLayout()
        row.addWidget(self.remove_button)
        row.addStretch(1)
        row.addWidget(QLabel("Count read off a screen:"))
        row.addWidget(self.count)
        row.addWidget(self.count_button)
        self._on_selection()
        return row

    def _make_form(self) -> QWidget:
        form_widget = QWidget()
        form = QFormLayout(form_widget)
        self.platform = QComboBox()
        self.platform.setObjectName("destinationPlatform")
        for platform in Platform:
            self.platform.addItem(platform.value, platform.value)
        self.target = QLineEdit()
        self.target.setObjectName("destinationTarget")
        self.base_url = QLineEdit()
        self.base_url.setObjectName("destinationBaseUrl")
        self.base_url.setPlaceholderText("empty: the platform's documented address")
        self.pointer = QLineEdit()
        self.pointer.setObjectName("destinationPointer")
        self.pointer.setPlaceholderText("json only, e.g. /stats/viewers")
        self.language = QLineEdit()
        self.language.setObjectName("destinationLanguage")
        self.language.setPlaceholderText("e.g. en")
        self.label = QLineEdit()
        self.label.setObjectName("destinationLabel")
        self.add_button = QPushButton("Add destination")
        self.add_button.setObjectName("addDestination")
        self.add_button.clicked.connect(self._add)
        self.platform.currentIndexChanged.connect(self._on_platform)
        form.addRow("Platform", self.platform)
        form.addRow("Target", self.target)
        form.addRow("Base URL", self.base_url)
        form.addRow("JSON pointer", self.pointer)
        form.addRow("Language", self.language)
        form.addRow("Label", self.label)
        form.addRow("", self.add_button)
        self._on_platform()
        return form_widget

    # -- what the monitor says ---------------------------------------------------------

    def _on_destinations(self, destinations: Sequence[Destination]) -> None:
        self.table.setRowCount(len(destinations))
        for row, destination in enumerate(destinations):
            values = (str(destination.id), destination.platform.value, destination.target,
                      destination.language or "", destination.label, "", "")
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, destination)
                self.table.setItem(row, column, item)
            if destination.id is not None:
                sample = self._monitor.latest(destination.id)
                if sample is not None:
                    self._show_sample(row, sample)
        self._on_selection()

    def _on_sample(self, destination: Destination, sample: ViewerSample) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, ID)
            if item is not None and item.text() == str(destination.id):
                self._show_sample(row, sample)

    def _show_sample(self, row: int, sample: ViewerSample) -> None:
        viewers = "—" if sample.viewers is None else f"{sample.viewers:,}"
        state = sample.state.value + (" (stale)" if sample.stale else "")
        for column, text in ((VIEWERS, viewers), (STATE, state)):
            item = self.table.item(row, column)
            if item is not None:
                item.setText(text)
                item.setToolTip(sample.detail)

    # -- actions ---------------------------------------------------------------------------

    def selected(self) -> Destination | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), ID)
        found = None if item is None else item.data(Qt.ItemDataRole.UserRole)
        return found if isinstance(found, Destination) else None

    def _on_selection(self) -> None:
        if not hasattr(self, "count_button"):
            return
        chosen = self.selected()
        self.remove_button.setEnabled(chosen is not None)
        manual = chosen is not None and not chosen.polled
        self.count.setEnabled(manual)
        self.count_button.setEnabled(manual)

    def chosen_platform(self) -> Platform:
        return Platform(self.platform.currentData())

    def _on_platform(self) -> None:
        platform = self.chosen_platform()
        self.target.setPlaceholderText(TARGET_HINTS.get(platform, ""))
        self.pointer.setEnabled(platform is Platform.JSON)
        self.base_url.setEnabled(platform is not Platform.MANUAL)

    def _add(self) -> None:
        try:
            destination = check_destination(
                self.chosen_platform(), self.target.text(), label=self.label.text(),
                language=self.language.text(), base_url=self.base_url.text(),
                pointer=self.pointer.text() if self.pointer.isEnabled() else None)
        except OperatorError as error:
            self._refuse(str(error))
            return
        self._run(self._added(destination), "Add the viewer destination")

    async def _added(self, destination: Destination) -> None:
        await self._monitor.add(destination)
        self.target.clear()
        self.label.clear()
        self.problem.clear()

    def _remove(self) -> None:
        chosen = self.selected()
        if chosen is not None and chosen.id is not None:
            self._run(self._monitor.remove(chosen.id), f"Remove {chosen.name}")

    def _enter_count(self) -> None:
        chosen = self.selected()
        if chosen is not None and chosen.id is not None:
            self._run(self._monitor.enter_count(chosen.id, self.count.value()),
                      f"Count for {chosen.name}")

    def _run(self, coro: Coroutine[Any, Any, Any], description: str) -> None:
        self.problem.clear()
        run_task(coro, description=description, on_error=self._refuse)

    def _refuse(self, message: str) -> None:
        self.problem.setText(message)
