"""Show ▸ Interpretation channels…: the channel plan dialog, and saving what it says.

The dialog checks the plan as the operator types; saving goes through the channel
setup service (one save at a time, refused on a console that follows another), and
every console part that shows channels follows the service's ``changed``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog

from console.models.channels import ChannelPlan
from console.services.channel_setup import ChannelSetupService
from console.services.stage_role import RoleStatus, StageRole
from console.ui.channel_plan_dialog import ChannelPlanDialog
from console.ui.main_window import MainWindow
from console.ui.subscription import subscribe
from console.ui.tasks import run_task


class ChannelPlanController(QObject):
    """Owns the ``channelPlanAction`` in the Show menu and the dialog it opens."""

    def __init__(self, window: MainWindow, service: ChannelSetupService,
                 role: StageRole | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._service = service
        self.dialog: ChannelPlanDialog | None = None
        self.action = window.menu("&Show").addAction("Interpretation channels…")
        self.action.setObjectName("channelPlanAction")
        self.action.triggered.connect(lambda _checked=False: self.open())
        if role is not None:
            subscribe(self, role.changed, self._on_role)
            self._on_role(role.status)

    def _on_role(self, status: RoleStatus) -> None:
        self.action.setEnabled(status.held)
        self.action.setToolTip("" if status.held else status.describe())

    def open(self) -> ChannelPlanDialog | None:
        setup = self._service.setup
        if setup is None:
            self._window.show_error("No show: import one first, then set up its channels")
            return None
        dialog = ChannelPlanDialog(setup.plan, self._service.obs_names,
                                   self._service.problems, self._window)
        dialog.finished.connect(lambda result: self._finished(dialog, result))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _finished(self, dialog: ChannelPlanDialog, result: int) -> None:
        self.dialog = None
        dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted:
            return
        plan = dialog.plan()
        run_task(self._save(plan), description="Save the channel plan",
                 on_error=self._window.show_error)

    async def _save(self, plan: ChannelPlan) -> None:
        await self._service.save(plan)
        self._window.show_message("Channel plan saved", topic="channel plan")
