"""The per-session summary of a show's review as a Qt table model (read-only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from console.models.review import SessionSummary
from console.ui import rundown_format as fmt
from console.ui.flat_table_model import FlatTableModel
from console.ui.theme import colour

Index = QModelIndex | QPersistentModelIndex

HEADERS = ("Session", "Planned start", "Planned end", "Actual start", "Actual end", "Overrun",
           "Peak viewers", "Average viewers", "Interpreting lost")
COL_OVERRUN, COL_OUTAGE = 5, 8
LATE_S = 60.0


def count_text(value: float | None) -> str:
    return "" if value is None else f"{round(value):,}"


def outage_text(outage_s: Mapping[str, float]) -> str:
    """``fr 0:42 · de 1:05``: languages that lost sound, longest first; empty if none did."""
    lost = sorted(((s, lang) for lang, s in outage_s.items() if s > 0), reverse=True)
    return " · ".join(f"{lang} {fmt.duration_text(s)}" for s, lang in lost)


class SessionSummaryModel(FlatTableModel):
    HEADERS = HEADERS

    def __init__(self, zone: tzinfo, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._zone = zone
        self._sessions: tuple[SessionSummary, ...] = ()

    def set_sessions(self, sessions: Sequence[SessionSummary], zone: tzinfo) -> None:
        self.beginResetModel()
        self._sessions, self._zone = tuple(sessions), zone
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._sessions)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        session = self._sessions[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts(session)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(session, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= COL_OVERRUN \
                and index.column() != COL_OUTAGE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _texts(self, session: SessionSummary) -> tuple[str, ...]:
        zone = self._zone
        return (
            session.title,
            fmt.clock_time(session.planned_start, zone, seconds=False),
            fmt.clock_time(session.planned_end, zone, seconds=False),
            fmt.clock_time(session.actual_start, zone),
            fmt.clock_time(session.actual_end, zone),
            fmt.over_under_text(session.overrun_s),
            count_text(session.peak_viewers),
            count_text(session.average_viewers),
            outage_text(session.outage_s),
        )

    def _colour(self, session: SessionSummary, column: int) -> Any:
        if column == COL_OVERRUN and (session.overrun_s or 0) >= LATE_S:
            return colour("warning")
        if column == COL_OUTAGE and outage_text(session.outage_s):
            return colour("program")
        return None
