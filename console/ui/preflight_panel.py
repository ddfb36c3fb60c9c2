"""The preflight panel: what the rundown needs that OBS lacks, and a button to create it.

Blocking items (a scene the rundown takes that OBS lacks) are red; warnings (a
lower-third source missing from a speaker scene) amber. The panel never talks to
OBS itself: it asks a :class:`PreflightService`. Call :meth:`PreflightPanel.recheck`
when OBS's scenes may have changed (``SceneListChanged``,
``CurrentSceneCollectionChanged``, a reconnection): checks requested while one
is running are folded into one more check afterwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.models.preflight import MissingItem
from console.obs.errors import ObsNotConnected
from console.obs.provision import ProgressCallback, ProvisionReport
from console.ui.tasks import run_task
from console.ui.theme import Tone, colour, set_tone

W = TypeVar("W", bound=QWidget)
UNKNOWN = "unknown: OBS is not connected"


def _named(widget: W, name: str) -> W:
    widget.setObjectName(name)
    return widget


class PreflightService(Protocol):
    async def check(self) -> Sequence[MissingItem]: ...

    async def provision(self, progress: ProgressCallback | None) -> ProvisionReport: ...


class PreflightPanel(QWidget):
    def __init__(self, service: PreflightService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preflightPanel")
        self._service = service
        self._checking: asyncio.Task[object] | None = None
        self._check_again = False
        self._provisioning = False
        self.missing: tuple[MissingItem, ...] = ()

        self._summary = _named(QLabel("not checked yet"), "preflightSummary")
        self._list = _named(QListWidget(), "preflightMissing")
        self._list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self._provision = _named(QPushButton("Provision"), "preflightProvision")
        self._provision.setToolTip("Create in OBS what the show needs and OBS lacks "
                                   "(never deletes or renames anything)")
        self._provision.setEnabled(False)
        self._provision.clicked.connect(self.provision)
        self._progress = _named(QProgressBar(), "preflightProgress")
        self._progress.setRange(0, 1)
        self._progress.setValue(0)
        self._progress.setTextVisible(True)
        self._progress.setFormat("")
        self._status = _named(QLabel(""), "preflightStatus")
        self._status.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self._provision)
        buttons.addWidget(self._progress, 1)
        self._progress.setMinimumWidth(60)  # the column is narrow: the bar gives way
        layout = QVBoxLayout(self)
        layout.addWidget(self._summary)
        layout.addWidget(self._list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self._status)

    # -- checking ------------------------------------------------------------

    def recheck(self) -> None:
        """Check again (now, or right after the check that is running)."""
        if self._checking is not None and not self._checking.done():
            self._check_again = True
            return
        self._check_again = False
        self._checking = run_task(self._check(), description="Preflight check",
                                  on_error=self._report_error)

    async def _check(self) -> None:
        try:
            missing = tuple(await self._service.check())
        except ObsNotConnected:
            # Nothing can be checked: say "unknown", as the readiness list does, never
            # the result of a check that could not run.
            self.show_unknown()
            return
        self.show_missing(missing)
        if self._check_again:
            self._check_again = False
            await self._check()

    def show_unknown(self) -> None:
        self.missing = ()
        self._list.clear()
        self._summary.setText(UNKNOWN)
        set_tone(self._summary, Tone.WARNING)
        self._status.setText("")
        set_tone(self._status, Tone.NEUTRAL)
        self._provision.setEnabled(False)

    def show_missing(self, missing: Sequence[MissingItem]) -> None:
        if self._status.property("tone") == Tone.ALARM.value:
            self._status.setText("")  # a check worked: an older failure is no longer true
            set_tone(self._status, Tone.NEUTRAL)
        self.missing = tuple(missing)
        self._list.clear()
        for item in self.missing:
            entry = QListWidgetItem(("BLOCKING  " if item.blocking else "warning  ")
                                    + item.describe())
            entry.setData(Qt.ItemDataRole.UserRole, item)
            entry.setForeground(colour("program" if item.blocking else "warning"))
            entry.setToolTip(f"segments: {', '.join(item.segments)}")
            self._list.addItem(entry)
        blocking = sum(1 for item in self.missing if item.blocking)
        warnings = len(self.missing) - blocking
        if not self.missing:
            self._summary.setText("OBS has everything the rundown needs")
            set_tone(self._summary, Tone.OK)
        elif blocking:
            self._summary.setText(f"{blocking} blocking, {warnings} warnings")
            set_tone(self._summary, Tone.ALARM)
        else:
            self._summary.setText(f"{warnings} warnings")
            set_tone(self._summary, Tone.WARNING)
        self._provision.setEnabled(bool(self.missing) and not self._provisioning)

    # -- provisioning ----------------------------------------------------------

    def provision(self) -> None:
        if self._provisioning:
            return
        self._provisioning = True
        self._provision.setEnabled(False)
        self._status.setText("")
        self._progress.setRange(0, 0)  # busy until the first step is known
        run_task(self._provision_and_check(), description="Provision OBS",
                 on_error=self._report_error)

    async def _provision_and_check(self) -> None:
        try:
            report = await self._service.provision(self._on_progress)
        finally:
            self._provisioning = False
            self._progress.setRange(0, 1)
        self._progress.setValue(1)
        self._progress.setFormat("done")
        self._status.setText("; ".join(report.describe()))
        set_tone(self._status, Tone.WARNING if report.skipped else Tone.NEUTRAL)
        self.recheck()

    def _on_progress(self, done: int, total: int, what: str) -> None:
        self._progress.setRange(0, max(total, 1))
        self._progress.setValue(done if total else 1)
        self._progress.setFormat(f"{done}/{total} {what}".rstrip())

    def _report_error(self, message: str) -> None:
        self._status.setText(message)
        set_tone(self._status, Tone.ALARM)
        self._provision.setEnabled(bool(self.missing) and not self._provisioning)
