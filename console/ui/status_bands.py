"""Bands across the top of the stage window for states nobody may miss.

``storageBand`` (red): the show's record cannot be written (a full disk); what
happens on air goes on and is written as soon as the disk takes it.
``roleBand`` (blue-grey): this console follows another one that holds the stage
role; it shows the show but cannot run it. ``rehearsalBand`` (amber): rehearsal
mode, takes go to OBS's preview only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from console.models.live import LiveState
from console.services.show_runner import ShowRunner
from console.services.stage_role import RoleStatus, StageRole
from console.services.storage_health import StorageHealth
from console.ui.main_window import MainWindow
from console.ui.subscription import subscribe
from console.ui.theme import Tone, set_tone


class Band(QFrame):
    """One band: a message and, optionally, a button."""

    def __init__(self, name: str, tone: Tone, button: tuple[str, Callable[[], object]] | None
                 = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.label = QLabel()
        self.label.setObjectName(f"{name}Text")
        self.label.setWordWrap(True)
        self.label.setProperty("badge", True)  # a filled block in the tone's colour
        set_tone(self.label, tone)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        if button is not None:
            text, slot = button
            self.button = QPushButton(text)
            self.button.setObjectName(f"{name}Button")
            self.button.clicked.connect(lambda _checked=False: slot())
            layout.addWidget(self.button)
        self.hide()

    def say(self, text: str | None) -> None:
        self.label.setText(text or "")
        self.setVisible(bool(text))


class StatusBands:
    """Keeps the window's bands in step with storage, the stage role and rehearsal."""

    def __init__(self, window: MainWindow, runner: ShowRunner, storage: StorageHealth,
                 role: StageRole, claim_role: Callable[[], object]) -> None:
        self.storage = Band("storageBand", Tone.ALARM)
        self.role = Band("roleBand", Tone.NEUTRAL, ("Take the stage role", claim_role))
        self.rehearsal = Band("rehearsalBand", Tone.WARNING)
        for band in (self.storage, self.role, self.rehearsal):
            window.add_banner(band)
        subscribe(self.storage, storage.changed, self._on_storage)
        subscribe(self.role, role.changed, self._on_role)
        subscribe(self.rehearsal, runner.live_changed, self._on_live)
        self._on_storage(storage.problem)
        self._on_role(role.status)
        self._on_live(runner.live)

    def _on_storage(self, problem: str | None) -> None:
        self.storage.say(f"STORAGE FAILING: {problem}. The show goes on: what happens is kept "
                         "in memory and written as soon as the disk takes it again."
                         if problem else None)

    def _on_role(self, status: RoleStatus) -> None:
        holder = status.holder
        who = f"held by {holder.describe()}" if holder is not None else "held by nobody"
        self.role.say(None if status.held else
                      f"FOLLOWING: the stage role is {who}. This console shows the show but "
                      "does not run it." + (f" ({status.error})" if status.error else ""))

    def _on_live(self, state: LiveState) -> None:
        self.rehearsal.say("REHEARSAL: takes go to OBS's preview only; program is untouched"
                           if state.rehearsal else None)
