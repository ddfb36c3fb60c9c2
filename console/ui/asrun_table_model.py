"""The as-run log as a Qt table model, read a page at a time as the producer scrolls.

A show's log can hold a million rows, so the model never holds it whole: it asks
its source for the first page when the filter changes and for the next page (keyed
on the last row's time and id, never an offset) when the view reaches the bottom
(``canFetchMore`` / ``fetchMore``). Pages arrive from a worker thread through the
loop; a page of an older filter that arrives late is dropped.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, tzinfo
from typing import Any, Protocol

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from console.store.asrun_query import UNREADABLE_TIME, LogFilter, LogRow, PageKey, page_key
from console.ui import rundown_format as fmt
from console.ui import tasks
from console.ui.flat_table_model import FlatTableModel
from console.ui.theme import colour

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex

COL_TIME, COL_KIND, COL_SEGMENT, COL_PLANNED, COL_ACTUAL, COL_DEVIATION, COL_LANGUAGE, \
    COL_CONSOLE, COL_ROLE, COL_DETAILS = range(10)
HEADERS = ("Time", "Kind", "Segment", "Planned", "Actual", "Deviation", "Language",
           "Console", "Role", "Details")
PAGE_ROWS = 500
LATE_S = 60.0  # a deviation past a minute is worth the producer's eye
MAX_DETAILS_TEXT = 300  # a cell shows the start; the tooltip holds the rest


class PageSource(Protocol):
    async def page(self, log_filter: LogFilter, after: PageKey | None = None,
                   limit: int = PAGE_ROWS) -> list[LogRow]: ...


def details_text(details: Any) -> str:
    """``key: value · key: value``, short enough for a cell."""
    if not isinstance(details, dict) or not details:
        return ""
    parts = [f"{key}: {_plain(value)}" for key, value in sorted(details.items())]
    text = " · ".join(parts)
    return text if len(text) <= MAX_DETAILS_TEXT else text[:MAX_DETAILS_TEXT - 1] + "…"


def _plain(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def when_text(value: datetime | None, zone: tzinfo) -> str:
    """The date and the second, in the show's zone: a log spans days."""
    if value is None:
        return ""
    if value == UNREADABLE_TIME:
        return "(unreadable)"  # never shifted: year 1 has no room west of UTC
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


class AsRunTableModel(FlatTableModel):
    """The rows of one filter, oldest first, fetched a page at a time.

    Signals:
        rows_loaded(int): the number of rows held now; after each page.
        loading_changed(bool): a page is being read (True) or not.
        failed(str): a page could not be read; the message says why.
    """

    HEADERS = HEADERS
    rows_loaded = Signal(int)
    loading_changed = Signal(bool)
    failed = Signal(str)

    def __init__(self, source: PageSource, zone: tzinfo, parent: QObject | None = None,
                 page_rows: int = PAGE_ROWS) -> None:
        super().__init__(parent)
        self._source = source
        self._zone = zone
        self._page_rows = page_rows
        self._filter = LogFilter()
        self._rows: list[LogRow] = []
        self._generation = 0
        self._in_flight: int | None = None  # the generation whose page is being read
        self._exhausted = True  # nothing to fetch until a filter is set

    @property
    def log_filter(self) -> LogFilter:
        return self._filter

    @property
    def exhausted(self) -> bool:
        """Every row of the filter is loaded."""
        return self._exhausted

    def set_zone(self, zone: tzinfo) -> None:
        self._zone = zone
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(HEADERS) - 1))

    def set_filter(self, log_filter: LogFilter) -> None:
        """Show the rows of ``log_filter`` from the first page (also a refresh)."""
        self.beginResetModel()
        self._filter = log_filter
        self._rows = []
        self._generation += 1
        self._in_flight = None
        self._exhausted = False
        self.endResetModel()
        self._fetch()

    def row_at(self, row: int) -> LogRow:
        return self._rows[row]

    # Qt's model interface

    def row_total(self) -> int:
        return len(self._rows)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self._exhausted and self._in_flight is None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if not parent.isValid():
            self._fetch()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and row.problems:
            return "Stored values that could not be read:\n" + "\n".join(row.problems)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == COL_DETAILS:
            return json.dumps(dict(row.details), ensure_ascii=False, indent=1, sort_keys=True)
        if role == Qt.ItemDataRole.ForegroundRole and row.problems:
            return colour("warning")
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == COL_DEVIATION:
            return _deviation_colour(row.deviation_s)
        return None

    def _display(self, row: LogRow, column: int) -> str:
        title = row.details.get("title")
        texts = {
            COL_TIME: lambda: when_text(row.at_utc, self._zone),
            COL_KIND: lambda: row.kind,
            COL_SEGMENT: lambda: str(title) if title else (row.segment_id or ""),
            COL_PLANNED: lambda: fmt.clock_time(row.planned, self._zone),
            COL_ACTUAL: lambda: fmt.clock_time(row.actual, self._zone),
            COL_DEVIATION: lambda: fmt.over_under_text(row.deviation_s),
            COL_LANGUAGE: lambda: row.language or "",
            COL_CONSOLE: lambda: row.console,
            COL_ROLE: lambda: row.role,
            COL_DETAILS: lambda: details_text(dict(row.details)),
        }
        return texts[column]()

    # Paging

    def _fetch(self) -> None:
        if self._exhausted or self._in_flight is not None:
            return
        generation = self._in_flight = self._generation
        after = page_key(self._rows[-1]) if self._rows else None
        self.loading_changed.emit(True)
        tasks.run_task(self._load(generation, after), description="Read the as-run log",
                       on_error=self.failed.emit)

    async def _load(self, generation: int, after: PageKey | None) -> None:
        try:
            rows = await self._source.page(self._filter, after, self._page_rows)
        except BaseException:
            if generation == self._generation:
                self._in_flight = None
                self._exhausted = True  # a failed page is not retried by scrolling
                self.loading_changed.emit(False)
            raise
        if generation != self._generation:
            return  # the filter changed meanwhile: this page belongs to no one
        self._in_flight = None
        self._exhausted = len(rows) < self._page_rows
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.loading_changed.emit(False)
        self.rows_loaded.emit(len(self._rows))


def _deviation_colour(deviation_s: float | None) -> Any:
    if deviation_s is None:
        return None
    if deviation_s >= LATE_S:
        return colour("warning")
    return None
