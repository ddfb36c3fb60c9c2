"""The scene switcher: OBS's scenes with program and preview marked, and the TAKE.

The panel only asks; it shows what OBS confirmed. Selecting a scene in studio
mode asks OBS to put it on preview, but the green PVW mark moves only when the
snapshot says OBS did it. Outside studio mode, selecting a scene only chooses
what the next TAKE puts on air.

In studio mode the selection follows OBS's preview whenever the preview changes
(someone else changed it in OBS, or studio mode was just switched on), so what
TAKE takes is what the PVW mark shows. Between the operator's click and OBS's
confirmation the selection runs ahead of the mark, and TAKE takes the selection:
the switcher previews it first, so the operator gets what they clicked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, Protocol

from psygnal import SignalInstance
from PySide6.QtCore import QItemSelectionModel, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.models.obs_state import ObsSnapshot
from console.obs.mirror import ObsMirror
from console.ui import shortcuts
from console.ui.scene_model import SceneItemDelegate, SceneListModel
from console.ui.subscription import subscribe
from console.ui.tasks import run_task
from console.ui.theme import Tone, set_tone

MAX_TRANSITION_MS = 20_000
TRANSITION_STEP_MS = 50


class SceneActions(Protocol):
    """What the panel asks of :class:`console.services.switcher.SceneSwitcher`."""

    @property
    def take_in_flight(self) -> SignalInstance: ...  # (str): what is in flight, "" when none
    async def preview(self, scene: str) -> None: ...
    async def take(self, scene: str | None = None) -> object: ...
    async def set_studio_mode(self, enabled: bool) -> None: ...
    async def set_transition(self, name: str) -> None: ...
    async def set_transition_duration(self, milliseconds: int) -> None: ...


class ScenePanel(QWidget):
    """OBS's scenes, studio mode, the transition and the TAKE button.

    Child widgets (by objectName): ``sceneList``, ``takeButton``, ``sceneTakeStatus`` (why
    the last take was refused), ``studioModeButton``, ``transitionCombo``,
    ``transitionDuration``.

    Signals:
        failed(str): an action failed; the message is written for the operator.
    """

    failed = Signal(str)

    def __init__(self, mirror: ObsMirror, switcher: SceneActions,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scenePanel")
        self._switcher = switcher
        self._snapshot = ObsSnapshot()
        self._take_in_flight = ""
        self._read_only = False
        self._model = SceneListModel(self)
        self._list = self._make_list()
        self._take_button = self._make_take_button()
        self._take_status = QLabel()
        self._take_status.setObjectName("sceneTakeStatus")
        self._take_status.setWordWrap(True)
        self._take_status.hide()
        self._studio_button = self._make_studio_button()
        self._transition = self._make_transition_combo()
        self._duration = self._make_duration_box()
        self._lay_out()
        self._install_shortcuts()
        self.show_snapshot(mirror.snapshot)
        subscribe(self, mirror.changed, self.show_snapshot)
        subscribe(self, switcher.take_in_flight, self._on_take_in_flight)

    # -- construction --------------------------------------------------------

    def _make_list(self) -> QListView:
        view = QListView()
        view.setObjectName("sceneList")
        view.setModel(self._model)
        view.setItemDelegate(SceneItemDelegate(view))
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setMouseTracking(True)  # hover highlight
        view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        return view

    def _make_take_button(self) -> QPushButton:
        button = QPushButton("TAKE")
        button.setObjectName("takeButton")
        # Never focusable: Space must mean "the TAKE shortcut", not "click the focused button".
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setToolTip(f"Put the selected scene on air ({shortcuts.TAKE})")
        button.clicked.connect(self.take)
        return button

    def _make_studio_button(self) -> QPushButton:
        button = QPushButton("Studio mode")
        button.setObjectName("studioModeButton")
        button.setCheckable(True)
        button.setToolTip(f"Switch OBS's studio mode on or off ({shortcuts.STUDIO_MODE})")
        button.clicked.connect(self._on_studio_mode_clicked)
        return button

    def _make_transition_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName("transitionCombo")
        combo.setToolTip("The transition TAKE uses")
        # activated: the operator chose; currentIndexChanged would also fire on our refreshes.
        combo.activated.connect(self._on_transition_chosen)
        return combo

    def _make_duration_box(self) -> QSpinBox:
        box = QSpinBox()
        box.setObjectName("transitionDuration")
        box.setRange(0, MAX_TRANSITION_MS)
        box.setSingleStep(TRANSITION_STEP_MS)
        box.setSuffix(" ms")
        box.setToolTip("Transition duration")
        # One request when the operator is done typing, not one per digit.
        box.setKeyboardTracking(False)
        box.valueChanged.connect(self._on_duration_chosen)
        return box

    def _lay_out(self) -> None:
        # Two rows, so the column stays narrow enough for the rundown at 1280 pixels.
        transition_row = QHBoxLayout()
        transition_row.addWidget(self._transition, 1)
        transition_row.addWidget(self._duration)
        layout = QVBoxLayout(self)
        layout.addWidget(self._list, 1)
        layout.addWidget(self._studio_button)
        layout.addLayout(transition_row)
        layout.addWidget(self._take_button)
        layout.addWidget(self._take_status)

    def _install_shortcuts(self) -> None:
        # Keys call take() even while a take is in flight: the switcher refuses the
        # second one and the operator is told, rather than a key press doing nothing.
        shortcuts.window_shortcut(self, shortcuts.TAKE, self.take)
        shortcuts.reserve_for_shortcut(self._duration, shortcuts.TAKE)
        for keys in shortcuts.TAKE_ON_LIST:
            shortcuts.widget_shortcut(self._list, keys, self.take)
        shortcuts.window_shortcut(self, shortcuts.STUDIO_MODE, self._studio_button.click)

    # -- what the operator selected ----------------------------------------------

    def selected_scene(self) -> str | None:
        rows = self._list.selectionModel().selectedRows()
        return self._model.scenes[rows[0].row()] if rows else None

    def select_scene(self, scene: str | None) -> None:
        """Select ``scene`` as the operator would (in studio mode this asks for a preview)."""
        row = self._model.row_of(scene)
        selection = self._list.selectionModel()
        if row is None:
            selection.clearSelection()
            return
        index = self._model.index(row)
        selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self._list.scrollTo(index)

    def _on_selection_changed(self) -> None:
        self._update_take_button()
        scene = self.selected_scene()
        snapshot = self._snapshot
        if scene is None or not snapshot.studio_mode or scene == snapshot.preview_scene:
            return
        self._run(self._switcher.preview(scene), f"Preview '{scene}'")

    # -- actions -----------------------------------------------------------------

    def take(self) -> None:
        """Put the selected scene on program (studio mode: the preview, through the transition)."""
        if not self._can_take():
            return
        scene = self.selected_scene()
        description = f"Take '{scene}'" if scene is not None else "Take the preview"
        run_task(self._switcher.take(scene), description=description,
                 on_error=self._take_refused)

    def _take_refused(self, message: str) -> None:
        # Said where the operator is looking (under TAKE), and in the status bar.
        self._take_status.setText(message)
        set_tone(self._take_status, Tone.ALARM)
        self._take_status.show()
        self._on_failure(message)

    def _on_take_in_flight(self, what: str) -> None:
        self._take_in_flight = what
        # A short button text: a long one would widen the column for good. What is in
        # flight is said under the button.
        self._take_button.setText("TAKING…" if what else "TAKE")
        self._take_status.setText(f"Taking {what}…" if what else "")
        set_tone(self._take_status, Tone.NEUTRAL)
        self._take_status.setVisible(bool(what))
        self._update_take_button()

    def _on_studio_mode_clicked(self) -> None:
        enabled = not self._snapshot.studio_mode
        # The button shows OBS's state, not the click: it changes when OBS confirms.
        self._studio_button.setChecked(self._snapshot.studio_mode)
        if self._snapshot.connected:
            self._run(self._switcher.set_studio_mode(enabled),
                      "Switch studio mode " + ("on" if enabled else "off"))

    def _on_transition_chosen(self, index: int) -> None:
        name = self._transition.itemText(index)
        if name and name != self._snapshot.current_transition:
            self._run(self._switcher.set_transition(name), f"Choose transition '{name}'")

    def _on_duration_chosen(self, milliseconds: int) -> None:
        if milliseconds != self._snapshot.transition_duration_ms:
            self._run(self._switcher.set_transition_duration(milliseconds),
                      f"Set the transition to {milliseconds} ms")

    def _run(self, coro: Coroutine[Any, Any, Any], description: str) -> asyncio.Task[Any]:
        return run_task(coro, description=description, on_error=self._on_failure)

    def _on_failure(self, message: str) -> None:
        # OBS did not do it: go back to showing what OBS last confirmed.
        self._show_controls(self._snapshot, force=True)
        self._follow_preview(self._snapshot)
        self.failed.emit(message)

    # -- showing the confirmed state ---------------------------------------------

    def show_snapshot(self, snapshot: ObsSnapshot) -> None:
        previous, self._snapshot = self._snapshot, snapshot
        self._show_scenes(snapshot)
        if snapshot.preview_scene != previous.preview_scene or \
                snapshot.studio_mode != previous.studio_mode:
            self._follow_preview(snapshot)
        self._show_controls(snapshot, force=False, previous=previous)
        self._enable_controls(snapshot.connected)

    def _show_scenes(self, snapshot: ObsSnapshot) -> None:
        selected = self.selected_scene()
        # A refresh is not the operator's choice: it must not send a preview request.
        with QSignalBlocker(self._list.selectionModel()):
            self._model.show_scenes(snapshot.scenes, snapshot.program_scene,
                                    snapshot.preview_scene)
            if self.selected_scene() != selected:  # the rows were rebuilt
                self._select_quietly(selected)
        self._list.viewport().update()

    def _follow_preview(self, snapshot: ObsSnapshot) -> None:
        if snapshot.studio_mode and snapshot.preview_scene is not None:
            with QSignalBlocker(self._list.selectionModel()):
                self._select_quietly(snapshot.preview_scene)
            self._list.viewport().update()
            self._update_take_button()

    def _select_quietly(self, scene: str | None) -> None:
        # Callers block the selection model's signals around this.
        row = self._model.row_of(scene)
        selection = self._list.selectionModel()
        if row is None:
            selection.clear()
        else:
            selection.setCurrentIndex(self._model.index(row),
                                      QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _show_controls(self, snapshot: ObsSnapshot, *, force: bool,
                       previous: ObsSnapshot | None = None) -> None:
        """Studio mode, transition and duration as OBS has them.

        Snapshots arrive several times a second (latency); touching a control whose
        value did not change would undo what the operator is typing into it.
        """
        def changed(field: str) -> bool:
            return force or previous is None or \
                getattr(previous, field) != getattr(snapshot, field)

        with QSignalBlocker(self._studio_button):
            self._studio_button.setChecked(snapshot.studio_mode)
        if changed("transitions") or changed("current_transition"):
            self._show_transitions(snapshot)
        if changed("transition_duration_ms"):
            with QSignalBlocker(self._duration):
                self._duration.setValue(snapshot.transition_duration_ms or 0)

    def _show_transitions(self, snapshot: ObsSnapshot) -> None:
        with QSignalBlocker(self._transition):
            current_items = tuple(self._transition.itemText(i)
                                  for i in range(self._transition.count()))
            if current_items != snapshot.transitions:
                self._transition.clear()
                self._transition.addItems(list(snapshot.transitions))
            self._transition.setCurrentIndex(
                self._transition.findText(snapshot.current_transition or ""))

    def set_read_only(self, read_only: bool, why: str = "") -> None:
        """Show OBS but change nothing in it (another console runs the show)."""
        self._read_only = read_only
        self.setToolTip(why if read_only else "")
        self._enable_controls(self._snapshot.connected)

    def _enable_controls(self, connected: bool) -> None:
        usable = connected and not self._read_only
        for widget in (self._list, self._studio_button):
            widget.setEnabled(usable)
        self._transition.setEnabled(usable and bool(self._snapshot.transitions))
        self._duration.setEnabled(
            usable and self._snapshot.transition_duration_ms is not None)
        self._update_take_button()

    def _can_take(self) -> bool:
        snapshot = self._snapshot
        # Outside studio mode TAKE needs a selected scene; in studio mode it takes the preview.
        has_target = snapshot.studio_mode or self.selected_scene() is not None
        return snapshot.connected and has_target and not self._read_only

    def _update_take_button(self) -> None:
        self._take_button.setEnabled(self._can_take() and not self._take_in_flight)
