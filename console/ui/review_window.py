"""The producer's review window: read-only, over any show database or a copy of one.

Top: the timeline (planned against actual, outages per language, the audience) and
the per-session summary, in tabs. Bottom: the as-run log, searchable and filtered,
read a page at a time. Nothing here writes: the window has no action that changes
the show, the log or OBS.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFontMetrics, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.models.review import ReviewDay
from console.ui.asrun_table_model import (
    COL_ACTUAL,
    COL_CONSOLE,
    COL_DETAILS,
    COL_DEVIATION,
    COL_KIND,
    COL_LANGUAGE,
    COL_PLANNED,
    COL_ROLE,
    COL_SEGMENT,
    COL_TIME,
    AsRunTableModel,
)
from console.ui.log_filter_bar import LogFilterBar
from console.ui.session_summary_model import SessionSummaryModel

APP_TITLE = "Conference console — review"
MINIMUM_SIZE = QSize(960, 600)
# What each narrow column must fit (the widest value it shows); the rest share the room.
COLUMN_SAMPLES = {COL_TIME: "2026-12-31 23:59:59", COL_KIND: "interpreter",
                  COL_PLANNED: "23:59:59", COL_ACTUAL: "23:59:59", COL_DEVIATION: "Deviation",
                  COL_LANGUAGE: "Language", COL_CONSOLE: "stage-console",
                  COL_ROLE: "interpreter"}
WHOLE_SHOW = "The whole show"


class ReviewWindow(QMainWindow):
    """The review's window; the app fills it (:class:`console.review_app.ReviewApp`).

    Children by objectName: ``reviewTabs`` (``reviewTimeline``, the timeline
    widget given, ``sessionsTable``), ``logFilterBar``, ``logTable``, ``logStatus``,
    ``reviewMessage``.

    Signals:
        closing(): the window is closing.
        day_chosen(object): the ReviewDay to draw, or None for the whole show.
        refresh_requested(): the producer asked to read the database again.
        report_requested(): the producer asked for the report (File › Export report).
    """

    closing = Signal()
    day_chosen = Signal(object)
    refresh_requested = Signal()
    report_requested = Signal()

    def __init__(self, log_model: AsRunTableModel, sessions: SessionSummaryModel,
                 timeline: QWidget, zone: tzinfo, source_name: str) -> None:
        super().__init__()
        self.setObjectName("reviewWindow")
        self.setWindowTitle(f"{APP_TITLE} — {source_name} (read-only)")
        self.setMinimumSize(MINIMUM_SIZE)
        self.log_model = log_model
        self.filter_bar = LogFilterBar(zone)
        self.filter_bar.filter_changed.connect(log_model.set_filter)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reviewTabs")
        self.tabs.addTab(timeline, "Timeline")
        self.day = QComboBox()
        self.day.setObjectName("reviewDay")
        self.day.setToolTip("The show day the timeline draws")
        self.day.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.day.currentIndexChanged.connect(
            lambda _index: self.day_chosen.emit(self.day.currentData()))
        self.tabs.setCornerWidget(self.day, Qt.Corner.TopRightCorner)
        self.sessions_table = self._table("sessionsTable", sessions)
        self.sessions_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.sessions_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(self.sessions_table, "Sessions")
        self.log_table = self._table("logTable", log_model)
        self._columns_sized = False
        self.log_status = QLabel("Opening…")
        self.log_status.setObjectName("logStatus")
        self.message = QLabel()
        self.message.setObjectName("reviewMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        log_model.rows_loaded.connect(self._show_count)
        log_model.failed.connect(self.show_error)
        self.setCentralWidget(self._central())
        self._make_menus()

    def _table(self, name: str, model: object) -> QTableView:
        table = QTableView()
        table.setObjectName(name)
        table.setModel(model)  # type: ignore[arg-type]
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        return table

    def _size_log_columns(self) -> None:
        # The style sheet sets the table's font only once polished: measure with that one.
        self.log_table.ensurePolished()
        header = self.log_table.horizontalHeader()
        metrics = QFontMetrics(self.log_table.font())
        padding = metrics.horizontalAdvance("M")
        for column, sample in COLUMN_SAMPLES.items():
            header.resizeSection(column, metrics.horizontalAdvance(sample) + padding)
        # The segment's title and the details share what is left.
        for column in (COL_SEGMENT, COL_DETAILS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

    def set_days(self, days: Sequence[ReviewDay], chosen: ReviewDay | None) -> None:
        """Offer each show day (and the whole show) to the timeline; choose ``chosen``,
        unless the producer had chosen one that is still offered (a refresh keeps it)."""
        before = self.day.currentText() if self.day.count() else None
        self.day.blockSignals(True)
        try:
            self.day.clear()
            for day in days:
                self.day.addItem(day.day.strftime("%a %d %b %Y"), day)
            if len(days) > 1:
                self.day.addItem(WHOLE_SHOW, None)
            kept = self.day.findText(before) if before is not None else -1
            self.day.setCurrentIndex(kept if kept >= 0 else max(0, self.day.findData(chosen)))
        finally:
            self.day.blockSignals(False)
        self.day.setVisible(bool(days))
        self.day_chosen.emit(self.day.currentData())

    def _central(self) -> QWidget:
        log_pane = QWidget()
        layout = QVBoxLayout(log_pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.log_table, 1)
        layout.addWidget(self.log_status)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("reviewSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.tabs)
        splitter.addWidget(log_pane)
        splitter.setStretchFactor(0, 45)
        splitter.setStretchFactor(1, 55)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.addWidget(self.message)
        outer.addWidget(splitter, 1)
        return central

    def _make_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu.addAction("Export &report…"), "reportAction",
                     QKeySequence.StandardKey.Print, self.report_requested.emit)
        self._action(file_menu.addAction("Re&fresh"), "refreshAction",
                     QKeySequence.StandardKey.Refresh, self.refresh_requested.emit)
        file_menu.addSeparator()
        self._action(file_menu.addAction("&Close"), "closeAction",
                     QKeySequence.StandardKey.Close, self.close)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("&About", self._about)

    @staticmethod
    def _action(action: QAction, name: str, key: QKeySequence.StandardKey,
                slot: object) -> None:
        action.setObjectName(name)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(slot)

    def _about(self) -> None:
        QMessageBox.about(self, "About the review",
                          "The producer's review of a show's as-run log. It only reads: "
                          "nothing here changes the show, the log or OBS.")

    def _show_count(self, rows: int) -> None:
        more = "" if self.log_model.exhausted else " — scroll for more"
        self.log_status.setText(f"{rows:,} row{'s' if rows != 1 else ''}{more}")

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)
        self.message.style().polish(self.message)
        self.message.setVisible(bool(text))

    def show_error(self, text: str, *, topic: str | None = None) -> None:
        self.show_message(text, error=True)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self._columns_sized:
            self._size_log_columns()
            self._columns_sized = True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        # Nothing repaints a closing window: a late page or figure would otherwise ask to
        # flush a window whose native side is already gone (a Qt warning).
        self.setUpdatesEnabled(False)
        super().closeEvent(event)
        self.closing.emit()
