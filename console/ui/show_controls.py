"""The Show menu: rehearsal mode, resetting the live state, taking the stage role.

Resetting forgets what ran: it is offered only in rehearsal or with nothing live,
and asks first, naming what would be forgotten (the as-run log keeps it all).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from console.models.live import LiveState
from console.services.handoff import HandoffService
from console.services.show_runner import ShowRunner
from console.services.stage_role import RoleStatus, StageRole
from console.ui.confirm import confirm
from console.ui.main_window import MainWindow
from console.ui.subscription import subscribe
from console.ui.tasks import run_task


def forgotten_by_reset(runner: ShowRunner) -> str:
    """What resetting the live state would forget, in words."""
    state = runner.live
    parts = [f"{len(state.runs)} segment run(s)"]
    live = runner.live_segment()
    if live is not None:
        parts.append(f"the live segment {live.title!r}")
    if state.skipped:
        parts.append(f"{len(state.skipped)} skipped segment(s)")
    return ", ".join(parts)


class ShowControls(QObject):
    """Actions (objectNames): ``rehearsalAction``, ``resetLiveAction``, ``takeRoleAction``."""

    def __init__(self, window: MainWindow, runner: ShowRunner, handoff: HandoffService,
                 role: StageRole) -> None:
        super().__init__(window)
        self._window = window
        self._runner = runner
        self._handoff = handoff
        self._role = role
        menu = window.menu("&Show")
        self.rehearsal = self._action(menu.addAction("Rehearsal mode (preview only)"),
                                      "rehearsalAction", self._toggle_rehearsal)
        self.rehearsal.setCheckable(True)
        self.reset = self._action(menu.addAction("Reset the live state…"), "resetLiveAction",
                                  self._ask_reset)
        menu.addSeparator()
        self.take_role = self._action(menu.addAction("Take the stage role"), "takeRoleAction",
                                      self.claim_role)
        subscribe(self, runner.live_changed, self._on_live_changed)
        subscribe(self, role.changed, self._on_role)
        self._on_live_changed(runner.live)
        self._on_role(role.status)

    @staticmethod
    def _action(action: QAction, name: str, slot: object) -> QAction:
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return action

    def _toggle_rehearsal(self) -> None:
        wanted = self.rehearsal.isChecked()
        self.rehearsal.setChecked(self._runner.rehearsal)  # shows the state, not the click
        run_task(self._handoff.set_rehearsal(wanted),
                 description="Switch rehearsal " + ("on" if wanted else "off"),
                 on_error=self._window.show_error)

    def _ask_reset(self) -> None:
        run_task(self._reset(), description="Reset the live state",
                 on_error=self._window.show_error)

    async def _reset(self) -> None:
        lost = forgotten_by_reset(self._runner)
        if not await confirm(self._window, "Reset the live state",
                             "Start the rundown afresh, with nothing live?",
                             action="Reset", details=f"This forgets {lost}. The as-run log "
                                                     "keeps the record of what happened."):
            return
        await self._runner.reset(reason="rehearsal" if self._runner.rehearsal else "operator")
        self._window.show_message("The live state was reset: nothing is live")

    def claim_role(self) -> None:
        run_task(self._claim(), description="Take the stage role",
                 on_error=self._window.show_error)

    async def _claim(self) -> None:
        status = await self._role.claim()
        if status.held:
            self._window.show_message("This console now holds the stage role")
        else:
            self._window.show_error(f"The stage role was not taken: {status.describe()}")

    def _on_live_changed(self, state: LiveState) -> None:
        self.rehearsal.setChecked(state.rehearsal)
        # Only in rehearsal or with nothing live: never one click from wiping the show.
        self.reset.setEnabled(state.rehearsal or state.live is None)

    def _on_role(self, status: RoleStatus) -> None:
        self.take_role.setEnabled(not status.held)
        for action in (self.rehearsal, self.reset):
            action.setVisible(status.held)
