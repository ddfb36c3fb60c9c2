"""The rundown panel: the show's running order, edited in place while it runs.

Every edit goes through the :class:`~console.services.rundown_editor.RundownEditor`
(saved at once, undoable); skip/unskip go to the
:class:`~console.services.show_runner.ShowRunner`, and "go live" is a take of that
segment (:class:`~console.services.handoff.HandoffService`: its scene, its lower
third, one take at a time). Refusals (the live segment cannot be deleted, a value
that does not parse) are reported through ``failed`` and change nothing. Deleting
a whole session asks first, naming what would go. Timing comes from the stage
clock, applied once a second (and at once when the live state changes).

Shortcuts (while the rundown has the focus; also in its context menu):

=====================  ============================================
Ctrl+Return            go live with the selected segment
Insert, Ctrl+I         insert a new segment after the selected one
Ctrl+D                 duplicate the selected segment
Delete                 delete the selected segment (on a session row: the session,
                       after a confirmation)
Ctrl+K                 skip / unskip the selected segment
Alt+Up, Alt+Down       move the selected segment up / down
Ctrl+Z, Ctrl+Shift+Z   undo / redo the last edit
F2, double-click       edit the cell in place
=====================  ============================================
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTreeView, QVBoxLayout, QWidget

from console.models import rundown_edit
from console.models.errors import OperatorError
from console.models.live import LiveState
from console.models.show import Segment, Show
from console.models.timing import SegmentStatus, StageTiming
from console.services.handoff import HandoffService
from console.services.rundown_editor import RundownEditor, new_segment_id
from console.services.show_runner import ShowRunner
from console.services.stage_clock import StageClock
from console.store.database import StoreError
from console.ui.confirm import confirm
from console.ui.rundown_model import (
    COL_PLANNED,
    COL_SCENE,
    COL_SPEAKERS,
    COL_TITLE,
    KEY_ROLE,
    KIND_ROLE,
    SEGMENT,
    SEGMENT_ID_ROLE,
    SESSION,
    RundownDelegate,
    RundownModel,
)
from console.ui.subscription import subscribe
from console.ui.tasks import run_task

log = logging.getLogger(__name__)

# Column widths: the title takes what is left, at least TITLE_MIN; speakers and scene are
# capped, and shrink first (down to SHRINK_FLOOR) on a narrow screen.
TITLE_MIN = 220
WIDTH_CAPS = {COL_SPEAKERS: 220, COL_SCENE: 140}
SHRINK_FIRST = (COL_SPEAKERS, COL_SCENE)
SHRINK_FLOOR = 80
COLUMN_PAD = 16
PLANNED_SAMPLE = "00:00 ▲ "  # (a trailing space: the bold live row is wider)

GO_LIVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")
INSERT_KEYS = ("Insert", "Ctrl+I")
DUPLICATE_KEYS = ("Ctrl+D",)
DELETE_KEYS = ("Delete",)
SKIP_KEYS = ("Ctrl+K",)
MOVE_UP_KEYS = ("Alt+Up",)
MOVE_DOWN_KEYS = ("Alt+Down",)
UNDO_KEYS = ("Ctrl+Z",)
REDO_KEYS = ("Ctrl+Shift+Z", "Ctrl+Y")

# What an operator's action may run into: reported as it is, not as an internal error.
OPERATOR_ERRORS = (OperatorError, StoreError)


class RundownPanel(QWidget):
    """The stage's rundown as an editable tree (objectName ``rundownPanel``).

    Children: ``rundownTree`` (:class:`QTreeView`). Actions (objectNames):
    ``goLiveAction``, ``insertAction``, ``duplicateAction``, ``deleteAction``,
    ``skipAction``, ``moveUpAction``, ``moveDownAction``, ``undoAction``, ``redoAction``.

    Signals:
        failed(str): an action was refused or failed (for the status bar).
        message(str): an action worked (for the status bar).
    """

    failed = Signal(str)
    message = Signal(str)

    def __init__(self, runner: ShowRunner, editor: RundownEditor, clock: StageClock,
                 handoff: HandoffService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rundownPanel")
        self._runner = runner
        self._editor = editor
        self._clock = clock
        self._handoff = handoff
        self._natural: dict[int, int] = {}
        self._shown_second: int | None = None
        self._shown_live: LiveState | None = None
        self.model = RundownModel(self)
        self.model.edit_requested.connect(self._submit_edit)
        self.model.edit_refused.connect(self.failed)
        self.tree = QTreeView()
        self.tree.setObjectName("rundownTree")
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(RundownDelegate(self.tree))
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        header = self.tree.header()
        header.setStretchLastSection(False)
        # Widths are fitted once per show (_fit_columns), not on every change: fitting
        # to contents measures every row, and the projections change every second.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)

        self._saved_selection: str | None = None
        self._pending_select: str | None = None
        self._saved_collapsed: set[str] = set()
        self._known_keys: set[str] = set()
        self.model.modelAboutToBeReset.connect(self._remember_place)
        self.model.modelReset.connect(self._restore_place)

        self.actions_by_name: dict[str, QAction] = {}
        self._go_live = self._action("goLiveAction", "Go live", GO_LIVE_KEYS, self.go_live)
        self._action("insertAction", "Insert segment after", INSERT_KEYS, self.insert_after)
        self._action("duplicateAction", "Duplicate", DUPLICATE_KEYS, self.duplicate)
        self._action("deleteAction", "Delete", DELETE_KEYS, self.delete)
        self._skip = self._action("skipAction", "Skip", SKIP_KEYS, self.toggle_skip)
        self._action("moveUpAction", "Move up", MOVE_UP_KEYS, self.move_up)
        self._action("moveDownAction", "Move down", MOVE_DOWN_KEYS, self.move_down)
        self.undo_action = self._action("undoAction", "Undo", UNDO_KEYS, self.undo)
        self.redo_action = self._action("redoAction", "Redo", REDO_KEYS, self.redo)
        self.tree.selectionModel().currentRowChanged.connect(self._update_actions)

        subscribe(self, runner.show_changed, self._on_show_changed)
        subscribe(self, clock.ticked, self._on_tick)
        self._load()

    def _action(self, name: str, text: str, keys: tuple[str, ...],
                slot: Callable[..., Any]) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setAutoRepeat(False)
        action.triggered.connect(slot)
        self.addAction(action)
        self.actions_by_name[name] = action
        return action

    # -- keeping up with the runner ---------------------------------------------------

    def _load(self) -> None:
        self.model.set_show(self._runner.show, self._runner.stage, self._clock.timing)
        self._update_actions()

    def _on_show_changed(self, _show: Show) -> None:
        self._load()

    def _on_tick(self, timing: StageTiming | None) -> None:
        # The projections move by the second: once a second is enough, unless what
        # happened on the stage changed.
        live = self._runner.live
        second = int(timing.now.timestamp()) if timing is not None else None
        if second == self._shown_second and live is self._shown_live:
            return
        changed_live = live is not self._shown_live
        self._shown_second, self._shown_live = second, live
        self.model.set_timing(timing)
        if changed_live:
            self._update_actions()

    def refresh_timing(self) -> None:
        """Show the stage clock's latest timing now."""
        self.model.set_timing(self._clock.timing)

    def _remember_place(self) -> None:
        self._saved_selection = self.selected_segment_id()
        self._saved_collapsed = set()
        for row in range(self.model.rowCount()):
            self._collect_collapsed(self.model.index(row, 0))

    def _collect_collapsed(self, index: QModelIndex) -> None:
        key = index.data(KEY_ROLE)
        self._known_keys.add(key)
        if self.model.rowCount(index) and not self.tree.isExpanded(index):
            self._saved_collapsed.add(key)
        for row in range(self.model.rowCount(index)):
            self._collect_collapsed(self.model.index(row, 0, index))

    def _restore_place(self) -> None:
        for row in range(self.model.rowCount()):
            self._restore_rows(self.model.index(row, 0))
        self._fit_columns()
        target = self._pending_select or self._saved_selection
        self._pending_select = None
        if target is not None:
            self.select_segment(target)

    def _fit_columns(self) -> None:
        """Each column as wide as its contents (speakers and scene within a cap), measured
        once per show; then shared out for the tree's width (:meth:`_share_width`)."""
        self._natural = {}
        for column in range(self.model.columnCount()):
            if column == COL_TITLE:
                continue
            if column == COL_PLANNED:
                # The day and session rows span this column: measure the segment rows' own
                # figures, indented as deep as they are, not the headings.
                # (depth 2, plus the root's own decoration: three indentations)
                width = self._text_width(PLANNED_SAMPLE, bold=True) + 4 * self.tree.indentation()
            else:
                width = self.tree.sizeHintForColumn(column)
            header = self._text_width(str(self.model.headerData(
                column, Qt.Orientation.Horizontal)), bold=False)
            self._natural[column] = min(max(width, header) + COLUMN_PAD,
                                        WIDTH_CAPS.get(column, 10_000))
        self._share_width()

    def _text_width(self, text: str, *, bold: bool) -> int:
        font = QFont(self.tree.font())
        font.setBold(bold)
        return QFontMetrics(font).horizontalAdvance(text)

    def _share_width(self) -> None:
        """The title takes the spare width; when there is too little for a readable title,
        speakers and scene give theirs up first (they elide), down to a floor."""
        if not self._natural:
            return
        widths = dict(self._natural)
        short = TITLE_MIN + sum(widths.values()) - self.tree.viewport().width()
        for column in SHRINK_FIRST:
            give = max(0, min(short, widths[column] - SHRINK_FLOOR))
            widths[column] -= give
            short -= give
        for column, width in widths.items():
            self.tree.setColumnWidth(column, width)
        # Still too narrow (a small screen): the title keeps a readable width and the
        # columns after it scroll, rather than the title shrinking to a few letters.
        header = self.tree.header()
        if short > 0:
            header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Interactive)
            self.tree.setColumnWidth(COL_TITLE, TITLE_MIN)
        else:
            header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._share_width()

    def _restore_rows(self, index: QModelIndex) -> None:
        if index.data(KIND_ROLE) != SEGMENT:
            # Day and session rows read across the whole width.
            self.tree.setFirstColumnSpanned(index.row(), index.parent(), True)
            self.tree.setExpanded(index, index.data(KEY_ROLE) not in self._saved_collapsed)
        for row in range(self.model.rowCount(index)):
            self._restore_rows(self.model.index(row, 0, index))

    # -- selection ---------------------------------------------------------------------

    def selected_segment_id(self) -> str | None:
        index = self.tree.currentIndex()
        if not index.isValid() or not self.tree.selectionModel().isRowSelected(
                index.row(), index.parent()):
            return None
        value = index.data(SEGMENT_ID_ROLE)
        return value if isinstance(value, str) else None

    def selected_segment(self) -> Segment | None:
        index = self.tree.currentIndex()
        return self.model.segment_at(index) if self.selected_segment_id() else None

    def select_segment(self, segment_id: str) -> bool:
        index = self.model.index_of_segment(segment_id)
        if not index.isValid():
            return False
        self.tree.setCurrentIndex(index)  # selects the row (SelectRows)
        self.tree.scrollTo(index)
        return True

    def _update_actions(self, *_args: Any) -> None:
        segment_id = self.selected_segment_id()
        for action in self.actions_by_name.values():
            action.setEnabled(segment_id is not None)
        self.undo_action.setEnabled(self._editor.can_undo)
        self.redo_action.setEnabled(self._editor.can_redo)
        self._skip.setText("Unskip" if segment_id in self._runner.live.skipped else "Skip")
        live = self._runner.live.live
        self._go_live.setEnabled(segment_id is not None
                                 and (live is None or live.segment_id != segment_id))
        index = self.tree.currentIndex()
        session_row = index.isValid() and index.data(KIND_ROLE) == SESSION and \
            self.tree.selectionModel().isRowSelected(index.row(), index.parent())
        self.actions_by_name["deleteAction"].setEnabled(segment_id is not None or session_row)

    def _context_menu(self, position: QPoint) -> None:
        index = self.tree.indexAt(position)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        self._update_actions()
        menu = QMenu(self)
        menu.setObjectName("rundownMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        names = ("goLiveAction", None, "insertAction", "duplicateAction", "deleteAction", None,
                 "skipAction", "moveUpAction", "moveDownAction", None, "undoAction",
                 "redoAction")
        for name in names:
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(self.actions_by_name[name])
        menu.popup(self.tree.viewport().mapToGlobal(position))

    # -- actions -------------------------------------------------------------------------

    def _run(self, coro: Coroutine[Any, Any, Any], description: str) -> None:
        run_task(self._guarded(coro, description), description=description,
                 on_error=self.failed.emit)

    async def _guarded(self, coro: Coroutine[Any, Any, Any], description: str) -> None:
        try:
            await coro
        except OPERATOR_ERRORS as error:
            log.info("%s refused: %s", description, error)
            self.failed.emit(f"{description}: {error}")
        finally:
            self._update_actions()

    def _submit_edit(self, edit: Callable[[Show], Show], description: str) -> None:
        self._run(self._editor.apply(edit, description), description)

    def _with_selected(self, build: Callable[[Segment], tuple[Callable[[Show], Show], str]]
                       ) -> None:
        segment = self.selected_segment()
        if segment is None:
            return
        edit, description = build(segment)
        self._submit_edit(edit, description)

    def insert_after(self) -> None:
        new_id = new_segment_id()

        def build(segment: Segment) -> tuple[Callable[[Show], Show], str]:
            return (partial(rundown_edit.insert_after, after_id=segment.id, new_id=new_id),
                    f"Insert a segment after {segment.title!r}")

        self._with_selected(build)
        self._select_when_there(new_id)

    def duplicate(self) -> None:
        new_id = new_segment_id()

        def build(segment: Segment) -> tuple[Callable[[Show], Show], str]:
            return (partial(rundown_edit.duplicate, segment_id=segment.id, new_id=new_id),
                    f"Duplicate {segment.title!r}")

        self._with_selected(build)
        self._select_when_there(new_id)

    def _select_when_there(self, segment_id: str) -> None:
        # The new row appears when the runner announces the new show (after the save).
        self._pending_select = segment_id

    def delete(self) -> None:
        live = self._runner.live.live
        live_id = live.segment_id if live is not None else None
        if self.tree.currentIndex().data(KIND_ROLE) == SESSION:
            self._delete_session(live_id)
            return
        self._with_selected(lambda segment: (
            partial(rundown_edit.delete, segment_id=segment.id, live_segment_id=live_id),
            f"Delete {segment.title!r}"))

    def _delete_session(self, live_id: str | None) -> None:
        index = self.tree.currentIndex()
        first = self.model.index(0, 0, index.siblingAtColumn(0))
        segment_id = first.data(SEGMENT_ID_ROLE) if first.isValid() else None
        if not isinstance(segment_id, str):
            return  # an empty session: nothing to lose, nothing to delete here
        show = self._runner.show
        if show is None:
            return
        session = rundown_edit.session_of(show, segment_id)
        self._run(self._confirm_delete_session(session.title, segment_id, live_id,
                                               [s.title for s in session.segments]),
                  f"Delete the session {session.title!r}")

    async def _confirm_delete_session(self, title: str, segment_id: str, live_id: str | None,
                                      titles: list[str]) -> None:
        listed = "\n".join(f"• {name}" for name in titles[:12])
        more = f"\n… and {len(titles) - 12} more" if len(titles) > 12 else ""
        if not await confirm(self, "Delete session",
                             f"Delete the session {title!r} and its {len(titles)} "
                             f"segment(s)?", action="Delete session",
                             details=f"{listed}{more}\n\nUndo (Ctrl+Z) brings it back."):
            return
        await self._editor.apply(partial(rundown_edit.delete_session, segment_id=segment_id,
                                         live_segment_id=live_id),
                                 f"Delete the session {title!r}")

    def move_up(self) -> None:
        self._with_selected(lambda segment: (
            partial(rundown_edit.move_up, segment_id=segment.id), f"Move {segment.title!r} up"))

    def move_down(self) -> None:
        self._with_selected(lambda segment: (
            partial(rundown_edit.move_down, segment_id=segment.id),
            f"Move {segment.title!r} down"))

    def toggle_skip(self) -> None:
        segment = self.selected_segment()
        if segment is None:
            return
        if segment.id in self._runner.live.skipped:
            self._run(self._runner.unskip(segment.id), f"Unskip {segment.title!r}")
        else:
            self._run(self._runner.skip(segment.id), f"Skip {segment.title!r}")

    def go_live(self) -> None:
        segment = self.selected_segment()
        if segment is None:
            return
        self._run(self._handoff.take(segment.id), f"Go live with {segment.title!r}")

    def undo(self) -> None:
        if self._editor.can_undo:
            self._run(self._editor.undo(), f"Undo {self._editor.undo_description or ''}".strip())

    def redo(self) -> None:
        if self._editor.can_redo:
            self._run(self._editor.redo(), f"Redo {self._editor.redo_description or ''}".strip())

    def current_status(self, segment_id: str) -> SegmentStatus | None:
        timing = self.model.timing
        found = timing.segment(segment_id) if timing else None
        return found.status if found else None
