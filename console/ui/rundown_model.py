"""The rundown as a Qt tree model: days > sessions > segments of the runner's stage.

Columns: planned start, projected start, duration, title, speakers, scene, status,
over/under. The live row is red, the next row green, skipped and passed rows dim.
Times are shown in the show's time zone.

The model never changes the show itself: an edit made in place is turned into a
pure edit (:mod:`console.models.rundown_edit`) and handed to ``submit`` (the view
runs it through the :class:`~console.services.rundown_editor.RundownEditor`); the
rows change when the runner announces the new show.

Keeping the operator's place: a new show with the same rows (an edit of a value)
and the timing refresh only emit ``dataChanged`` over whole rows, which neither
closes an open editor nor touches the selection. A new show with other rows
(insert, delete, move, import) resets the model; the view restores its selection
by segment id (``modelAboutToBeReset`` / ``modelReset``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QWidget

from console.models import rundown_edit
from console.models.lower_third import Direction, base_direction
from console.models.show import Day, Segment, Session, Show, Stage
from console.models.timing import SegmentStatus, StageTiming
from console.ui import rundown_format as fmt
from console.ui.theme import colour

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
Edit = Callable[[Show], Show]

COL_PLANNED, COL_PROJECTED, COL_DURATION, COL_TITLE, COL_SPEAKERS, COL_SCENE, COL_STATUS, \
    COL_OVER_UNDER = range(8)
HEADERS = ("Planned", "Projected", "Duration", "Title", "Speakers", "Scene", "Status",
           "Over/under")
EDITABLE_COLUMNS = frozenset({COL_PLANNED, COL_DURATION, COL_TITLE, COL_SPEAKERS, COL_SCENE})

SEGMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the segment id (None on day/session rows)
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2  # SegmentStatus value of a segment row
KIND_ROLE = Qt.ItemDataRole.UserRole + 3  # "day", "session" or "segment"
KEY_ROLE = Qt.ItemDataRole.UserRole + 4  # a key that survives a reset (for expansion state)

DAY, SESSION, SEGMENT = "day", "session", "segment"
_ROOT = 0


@dataclass
class _Node:
    kind: str
    key: str
    parent: int  # node id of the parent (0: the root)
    row: int
    children: list[int] = field(default_factory=list)
    day: Day | None = None
    session: Session | None = None
    segment: Segment | None = None
    day_index: int = 0
    session_index: int = 0


def _alignment_for(text: str) -> Qt.AlignmentFlag:
    """Right-to-left text (an Arabic or Urdu name) starts at the cell's right edge, so
    an elided one keeps its beginning and loses its logical end."""
    vertical = Qt.AlignmentFlag.AlignVCenter
    if base_direction(text) is Direction.RTL:
        return Qt.AlignmentFlag.AlignRight | vertical
    return Qt.AlignmentFlag.AlignLeft | vertical


def _shape(stage: Stage | None) -> tuple[Any, ...]:
    if stage is None:
        return ()
    return tuple(tuple(tuple(seg.id for seg in session.segments) for session in day.sessions)
                 for day in stage.days)


class RundownModel(QAbstractItemModel):
    """The runner's stage as a tree; refresh with :meth:`set_show` / :meth:`set_timing`.

    Signals:
        edit_requested(edit, description): an in-place edit to apply (a pure
            ``Show -> Show`` function) and its description for undo and the log.
        edit_refused(str): what the operator typed does not fit (nothing changed).
    """

    edit_requested = Signal(object, str)
    edit_refused = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._show: Show | None = None
        self._stage: Stage | None = None
        self._zone: tzinfo = ZoneInfo("UTC")
        self._timing: StageTiming | None = None
        self._nodes: list[_Node] = [_Node(kind="root", key="", parent=-1, row=0)]
        self._by_segment: dict[str, int] = {}
        self._shape: tuple[Any, ...] = ()

    # -- feeding ------------------------------------------------------------------

    @property
    def show(self) -> Show | None:
        return self._show

    @property
    def zone(self) -> tzinfo:
        return self._zone

    @property
    def timing(self) -> StageTiming | None:
        return self._timing

    def set_show(self, show: Show | None, stage: Stage | None,
                 timing: StageTiming | None) -> None:
        """Show ``stage`` of ``show`` with its ``timing`` (the stage clock's)."""
        self._timing = timing if stage is not None else None
        zone = ZoneInfo(show.timezone) if show is not None else ZoneInfo("UTC")
        shape = _shape(stage)
        if shape == self._shape and zone == self._zone:
            self._show, self._stage = show, stage
            if stage is None:
                return
            self._fill_payloads()
            self._emit_all_changed()
            return
        self.beginResetModel()
        self._show, self._stage, self._zone, self._shape = show, stage, zone, shape
        self._build()
        self.endResetModel()

    def set_timing(self, timing: StageTiming | None) -> None:
        """Show new projections (every second, and when the live state changes).

        Only rows whose timing changed are announced, and of a row whose status stayed
        the same only its time columns: a late show moves every projection each
        second, and announcing whole rows made the view lay everything out again.
        """
        if self._stage is None or timing is None:
            return
        before, self._timing = self._timing, timing
        if before is None or len(before.segments) != len(timing.segments):
            self._emit_all_changed()
            return
        for old, new in zip(before.segments, timing.segments, strict=True):
            if old != new:
                self._emit_segment_changed(new.segment_id, whole_row=old.status != new.status)

    def _build(self) -> None:
        self._nodes = [_Node(kind="root", key="", parent=-1, row=0)]
        self._by_segment = {}
        if self._stage is None:
            return
        for d, day in enumerate(self._stage.days):
            day_id = self._add(_Node(DAY, f"day/{day.date.isoformat()}/{d}", _ROOT,
                                     len(self._nodes[_ROOT].children), day=day, day_index=d))
            for s, session in enumerate(day.sessions):
                session_id = self._add(_Node(
                    SESSION, f"session/{d}/{s}/{session.title}", day_id,
                    len(self._nodes[day_id].children), day=day, session=session,
                    day_index=d, session_index=s))
                for i, segment in enumerate(session.segments):
                    node_id = self._add(_Node(SEGMENT, f"segment/{segment.id}", session_id, i,
                                              day=day, session=session, segment=segment,
                                              day_index=d, session_index=s))
                    self._by_segment[segment.id] = node_id

    def _add(self, node: _Node) -> int:
        self._nodes.append(node)
        node_id = len(self._nodes) - 1
        self._nodes[node.parent].children.append(node_id)
        return node_id

    def _fill_payloads(self) -> None:
        # Same shape: the same node ids, new values.
        assert self._stage is not None
        for node in self._nodes[1:]:
            day = self._stage.days[node.day_index]
            node.day = day
            if node.kind in (SESSION, SEGMENT):
                node.session = day.sessions[node.session_index]
            if node.kind == SEGMENT:
                assert node.session is not None
                node.segment = node.session.segments[node.row]

    def _emit_all_changed(self) -> None:
        last = len(HEADERS) - 1
        for node_id, node in enumerate(self._nodes):
            if node.children:
                parent = self._index_of(node_id)
                self.dataChanged.emit(self.index(0, 0, parent),
                                      self.index(len(node.children) - 1, last, parent))

    def _emit_segment_changed(self, segment_id: str, *, whole_row: bool) -> None:
        node_id = self._by_segment.get(segment_id)
        if node_id is None:
            return
        first = 0 if whole_row else COL_PROJECTED
        last = len(HEADERS) - 1
        self.dataChanged.emit(self._index_of(node_id, first), self._index_of(node_id, last))

    # -- lookups ----------------------------------------------------------------------

    def _node(self, index: Index) -> _Node:
        return self._nodes[index.internalId()] if index.isValid() else self._nodes[_ROOT]

    def _index_of(self, node_id: int, column: int = 0) -> QModelIndex:
        if node_id == _ROOT:
            return QModelIndex()
        return self.createIndex(self._nodes[node_id].row, column, node_id)

    def index_of_segment(self, segment_id: str, column: int = 0) -> QModelIndex:
        node_id = self._by_segment.get(segment_id)
        return QModelIndex() if node_id is None else self._index_of(node_id, column)

    def segment_at(self, index: Index) -> Segment | None:
        return self._node(index).segment if index.isValid() else None

    def segment_ids(self) -> list[str]:
        return list(self._by_segment)

    # -- QAbstractItemModel ------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent)
        if not 0 <= row < len(node.children) or not 0 <= column < len(HEADERS):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        return self._index_of(self._nodes[index.internalId()].parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._node(index).kind == SEGMENT and index.column() in EDITABLE_COLUMNS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        if role == KIND_ROLE:
            return node.kind
        if role == KEY_ROLE:
            return node.key
        if node.kind == DAY:
            return self._day_data(node, index.column(), role)
        if node.kind == SESSION:
            return self._session_data(node, index.column(), role)
        return self._segment_data(node, index.column(), role)

    def _day_data(self, node: _Node, column: int, role: int) -> Any:
        assert node.day is not None
        if role == Qt.ItemDataRole.DisplayRole and column == 0:
            return node.day.date.strftime("%A %d %B %Y")
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _session_data(self, node: _Node, column: int, role: int) -> Any:
        assert node.session is not None
        if role == Qt.ItemDataRole.DisplayRole and column == 0:
            segments = node.session.segments
            start = fmt.clock_time(segments[0].planned_start, self._zone, seconds=False) \
                if segments else ""
            chair = f"  (chair: {node.session.chair})" if node.session.chair else ""
            return f"{start}  {node.session.title}{chair}".strip()
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            return colour("text_dim")
        return None

    def _segment_data(self, node: _Node, column: int, role: int) -> Any:
        segment = node.segment
        assert segment is not None
        timing = self._timing.segment(segment.id) if self._timing else None
        status = timing.status if timing else SegmentStatus.UPCOMING
        if role == SEGMENT_ID_ROLE:
            return segment.id
        if role == STATUS_ROLE:
            return status.value
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._segment_text(segment, timing, column, role)
        if role == Qt.ItemDataRole.ToolTipRole:
            return segment.notes or None
        return self._segment_look(segment, timing, status, column, role)

    def _segment_look(self, segment: Segment, timing: Any, status: SegmentStatus,
                      column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            if status is SegmentStatus.LIVE:
                return colour("program")
            if status is SegmentStatus.NEXT:
                return colour("preview")
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if status in (SegmentStatus.SKIPPED, SegmentStatus.PASSED, SegmentStatus.DONE):
                return colour("text_dim")
            if column == COL_OVER_UNDER and timing is not None \
                    and (timing.over_under_s or 0) >= 1 and status is not SegmentStatus.LIVE:
                return colour("warning")
            return colour("text")
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            if status is SegmentStatus.SKIPPED:
                font.setStrikeOut(True)
                font.setItalic(True)
            if status is SegmentStatus.LIVE:
                font.setBold(True)
            if column == COL_PLANNED and segment.hard_start:
                font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_TITLE, COL_SPEAKERS):
            return _alignment_for(self._segment_text(segment, timing, column, role))
        return None

    def _segment_text(self, segment: Segment, timing: Any, column: int, role: int) -> Any:
        edit = role == Qt.ItemDataRole.EditRole
        if column == COL_PLANNED:
            text = fmt.clock_time(segment.planned_start, self._zone, seconds=edit)
            return text if edit or not segment.hard_start else f"{text} ▲"
        if column == COL_PROJECTED:
            if timing is None:
                return ""
            shown = timing.actual_start or timing.projected_start
            return fmt.clock_time(shown, self._zone)
        if column == COL_DURATION:
            return fmt.duration_text(segment.planned_duration)
        if column == COL_TITLE:
            return segment.title
        if column == COL_SPEAKERS:
            return ", ".join(speaker.name for speaker in segment.speakers)
        if column == COL_SCENE:
            return segment.scene or ""
        if column == COL_STATUS:
            return timing.status.value.upper() if timing else ""
        if column == COL_OVER_UNDER:
            return fmt.over_under_text(timing.over_under_s) if timing else ""
        return None

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        segment = self._node(index).segment
        if segment is None or self._show is None:
            return False
        text = "" if value is None else str(value)
        column = index.column()
        if text == self._segment_text(segment, None, column, Qt.ItemDataRole.EditRole):
            return False  # unchanged: no save, no undo step
        try:
            edit, description = self._edit_for(segment, column, text)
        except (ValueError, rundown_edit.RundownEditError) as error:
            self.edit_refused.emit(f"{HEADERS[column]} of {segment.title!r}: {error}")
            return False
        self.edit_requested.emit(edit, description)
        return True

    def _edit_for(self, segment: Segment, column: int, text: str) -> tuple[Edit, str]:
        sid = segment.id
        what = f"{HEADERS[column].lower()} of {segment.title!r}"
        if column == COL_PLANNED:
            start = fmt.parse_time_on(text, segment.planned_start, self._zone)
            return partial(rundown_edit.set_planned_start, segment_id=sid, start=start), \
                f"Change the {what}"
        if column == COL_DURATION:
            duration = fmt.parse_duration(text)
            return partial(rundown_edit.set_duration, segment_id=sid, duration=duration), \
                f"Change the {what}"
        if column == COL_TITLE:
            if not text.strip():
                raise ValueError("a segment needs a title")
            return partial(rundown_edit.set_title, segment_id=sid, title=text), \
                f"Change the {what}"
        if column == COL_SPEAKERS:
            assert self._show is not None
            language = self._show.floor_language
            return partial(rundown_edit.set_speaker_names, segment_id=sid,
                           names=fmt.split_names(text), default_language=language), \
                f"Change the {what}"
        if column == COL_SCENE:
            return partial(rundown_edit.set_scene, segment_id=sid, scene=text), \
                f"Change the {what}"
        raise ValueError(f"the {HEADERS[column].lower()} cannot be edited")


class RundownDelegate(QStyledItemDelegate):
    """Edits cells with a line edit that a refresh never overwrites while the operator types.

    Qt hands every ``dataChanged`` over an open editor's cell to ``setEditorData``;
    the rundown's rows change every second, so an editor the operator has typed in
    keeps its text.
    """

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802 (Qt API)
        if isinstance(editor, QLineEdit) and (
                editor.isModified() or editor.text() == index.data(Qt.ItemDataRole.EditRole)):
            return
        super().setEditorData(editor, index)
