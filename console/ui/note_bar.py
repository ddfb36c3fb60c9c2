"""The note bar: a one-line note for the as-run log, typed without leaving the show.

Ctrl+N (or Show › Add a note…) opens a bar under the menus with a line edit and
what was on air; Enter records the note, Escape closes the bar and forgets it. The
note is stamped with the instant the bar opened (what it is about happened then)
and names the segment on air at that instant (``OperatorNotes.record_note``); the
status line says it was added once it is committed.

A bar in the stage window rather than a dialog: the window's show keys keep
working while a note is typed (PgDown still takes; Space types a space, as in any
text field), and nothing waits for the note. A refused note (empty, too long, a
control character) stays in the bar with the reason under it.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from console.models.errors import InvalidValue
from console.services.operator_notes import OperatorNotes
from console.store.database import StoreError
from console.ui import shortcuts, tasks
from console.ui.eliding_label import ElidingLabel
from console.ui.main_window import MainWindow
from console.ui.theme import Tone, set_tone

PLACEHOLDER = "What happened? Enter adds it to the as-run log, Escape cancels"


class NoteBar(QFrame):
    """Children (objectNames): ``noteEdit``, ``noteOnAir``, ``noteError``."""

    def __init__(self, window: MainWindow, notes: OperatorNotes,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteBar")
        self._window = window
        self._notes = notes
        self._noticed_at: datetime | None = None
        self.edit = QLineEdit()
        self.edit.setObjectName("noteEdit")
        self.edit.setPlaceholderText(PLACEHOLDER)
        self.edit.returnPressed.connect(self.record)
        shortcuts.widget_shortcut(self.edit, shortcuts.CANCEL, self.cancel)
        self.on_air = ElidingLabel()
        self.on_air.setObjectName("noteOnAir")
        self.on_air.setProperty("caption", True)
        self.error = QLabel()
        self.error.setObjectName("noteError")
        self.error.setWordWrap(True)
        set_tone(self.error, Tone.ALARM)
        self.error.hide()
        self._lay_out()
        self.hide()

    def _lay_out(self) -> None:
        title = QLabel("NOTE")
        title.setProperty("badge", True)
        set_tone(title, Tone.NEUTRAL)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(title)
        line.addWidget(self.edit, 3)
        line.addWidget(self.on_air, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(line)
        layout.addWidget(self.error)

    def open(self) -> None:
        """Show the bar with the cursor in it; a note being typed is kept as it is."""
        if self.isHidden():
            self._noticed_at = self._notes.now()
            segment = self._notes.on_air_at(self._noticed_at)
            self.on_air.setText(f"on air: {segment.title}" if segment else "nothing on air")
            self._say(None)
            self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def record(self) -> None:
        try:
            entry = self._notes.record_note(self.edit.text(), noticed_at=self._noticed_at)
        except (InvalidValue, StoreError) as error:
            self._say(str(error))
            return
        self._close()
        tasks.run_task(self._confirm(str(entry.details["text"])), description="Add a note",
                       on_error=self._window.show_error)

    async def _confirm(self, text: str) -> None:
        # "Added" once it is on disk: a console killed a moment later still has it.
        if await self._notes.committed():
            self._window.show_message(f"Note added to the as-run log: {text}")
        else:
            self._window.show_error(f"Note kept, not yet written (the storage band says why): "
                                    f"{text}")

    def cancel(self) -> None:
        self._close()

    def _close(self) -> None:
        self.edit.clear()
        self._say(None)
        self._noticed_at = None
        self.hide()
        self._window.setFocus(Qt.FocusReason.OtherFocusReason)

    def _say(self, problem: str | None) -> None:
        self.error.setText(problem or "")
        self.error.setVisible(problem is not None)


def add_note_bar(window: MainWindow, notes: OperatorNotes) -> NoteBar:
    """The note bar under the window's menus, opened by Ctrl+N and Show › Add a note…"""
    bar = NoteBar(window, notes)
    window.add_banner(bar)
    action = window.menu("&Show").addAction("Add a note…")
    action.setObjectName("addNoteAction")
    shortcuts.set_window_keys(action, shortcuts.NOTE)
    action.triggered.connect(lambda _checked=False: bar.open())
    window.addAction(action)  # the key works with the menu closed, wherever the focus is
    return bar

