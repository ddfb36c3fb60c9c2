"""The review's filter bar: a search box and one chooser per column worth narrowing.

It turns what the producer picks into a :class:`LogFilter`; the choosers list what
the log holds (its facets). A time window comes from the timeline (an outage's
span) and shows as a chip that clears it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, tzinfo

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from console.models.limits import MAX_NAME
from console.store.asrun_query import LogFacets, LogFilter
from console.ui import rundown_format as fmt

SEARCH_PAUSE_MS = 300  # filter once the producer stops typing, not on every key
ALL = ""


class LogFilterBar(QWidget):
    """Search, kind, language, console and segment choosers, and the time window.

    Signals:
        filter_changed(object): the LogFilter to show now.
    """

    filter_changed = Signal(object)

    def __init__(self, zone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logFilterBar")
        self._zone = zone
        self._window: tuple[datetime | None, datetime | None] = (None, None)
        self.search = QLineEdit()
        self.search.setObjectName("logSearch")
        self.search.setPlaceholderText("Search the log (titles, scenes, notes, consoles…)")
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(MAX_NAME)
        self._pause = QTimer(self, singleShot=True, interval=SEARCH_PAUSE_MS)
        self._pause.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _text: self._pause.start())
        self.kind = self._chooser("logKind", "Every kind")
        self.language = self._chooser("logLanguage", "Every language")
        self.console = self._chooser("logConsole", "Every console")
        self.segment = self._chooser("logSegment", "Every segment")
        self.time_window = QPushButton()
        self.time_window.setObjectName("logTimeWindow")
        self.time_window.setToolTip("Rows of this time span only; click to show all times")
        self.time_window.clicked.connect(self.clear_time_window)
        self.time_window.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 3)
        for chooser in (self.kind, self.language, self.console, self.segment):
            layout.addWidget(chooser, 1)
        layout.addWidget(self.time_window)

    def _chooser(self, name: str, every: str) -> QComboBox:
        chooser = QComboBox()
        chooser.setObjectName(name)
        chooser.addItem(every, ALL)
        chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        chooser.setMinimumContentsLength(8)
        chooser.currentIndexChanged.connect(lambda _index: self._emit())
        return chooser

    def set_zone(self, zone: tzinfo) -> None:
        self._zone = zone

    def set_facets(self, facets: LogFacets, segment_titles: dict[str, str]) -> None:
        """List what the log holds, keeping what is chosen where it still exists."""
        self._fill(self.kind, [(kind, kind) for kind in facets.kinds])
        self._fill(self.language, [(code, code) for code in facets.languages])
        self._fill(self.console, [(name, name) for name in facets.consoles])
        self._fill(self.segment, [(segment_titles.get(sid, sid), sid)
                                  for sid in facets.segment_ids])

    def _fill(self, chooser: QComboBox, items: list[tuple[str, str]]) -> None:
        chosen = chooser.currentData()
        chooser.blockSignals(True)
        try:
            while chooser.count() > 1:
                chooser.removeItem(1)
            for text, value in items:
                chooser.addItem(text, value)
            chooser.setCurrentIndex(max(0, chooser.findData(chosen)))
        finally:
            chooser.blockSignals(False)

    def show_segment(self, segment_id: str) -> None:
        """Narrow to one segment's rows (a double-click on the timeline)."""
        self._set(self.segment, segment_id)
        self._window = (None, None)
        self._emit()

    def show_span(self, language: str | None, start: datetime, end: datetime) -> None:
        """Narrow to a time span, and to a language if given (an outage on the timeline)."""
        self._set(self.language, language or ALL)
        self._set(self.segment, ALL)
        self._window = (start, end)
        self._emit()

    def clear_time_window(self) -> None:
        self._window = (None, None)
        self._emit()

    def _set(self, chooser: QComboBox, value: str) -> None:
        index = chooser.findData(value)
        if index < 0:  # not among the facets yet (a segment with no rows): still filter
            chooser.addItem(value, value)
            index = chooser.count() - 1
        chooser.blockSignals(True)
        chooser.setCurrentIndex(index)
        chooser.blockSignals(False)

    def current_filter(self) -> LogFilter:
        since, until = self._window
        return replace(
            LogFilter(),
            text=searchable(self.search.text()),
            kinds=frozenset({self.kind.currentData()} - {ALL}),
            language=self.language.currentData() or None,
            console=self.console.currentData() or None,
            segment_id=self.segment.currentData() or None,
            since=since, until=until,
        )

    def _emit(self) -> None:
        self._pause.stop()
        since, until = self._window
        if since is not None and until is not None:
            self.time_window.setText(f"{fmt.clock_time(since, self._zone)}–"
                                     f"{fmt.clock_time(until, self._zone)}  ✕")
            self.time_window.show()
        else:
            self.time_window.hide()
        self.filter_changed.emit(self.current_filter())



def searchable(typed: str) -> str:
    """What was typed, without the control characters a paste can bring (a tab, a line
    break): the log's filter refuses them, and no title holds one."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in typed).split())
