"""Importing a schedule from the window: File › Import schedule…, or a file dropped on it.

One import at a time. The file is read first (off the main thread); a file that
does not tell the show's time zone is read again in the zone the operator picks
(Cancel: nothing changes). If a segment is live, the operator is asked, with what
the import would change named (the live segment kept or not, the segments
removed, the edits replaced); only then is the show replaced. A refused file
changes nothing; a dialog and the status line say where (file, line, field).
Every import is an as-run row (written with the show).

Its status messages have the topic "import": the next import's replaces them.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressBar

from console.formats.schedule_build import ImportedShow, ImportOptions
from console.models.errors import OperatorError
from console.models.import_impact import import_impact
from console.services.rundown_editor import RundownEditor
from console.services.show_import import LiveSegmentInTheWay, ShowZoneNeeded
from console.services.show_runner import ShowRunner
from console.store.database import StoreError
from console.ui.confirm import confirm
from console.ui.main_window import MainWindow
from console.ui.tasks import run_task
from console.ui.time_zone_picker import ask_time_zone

log = logging.getLogger(__name__)

SCHEDULE_FILTER = ("Schedules (*.json *.xml *.ics *.csv);;"
                   "Console show (*.json);;frab / pentabarf XML (*.xml);;All files (*)")
# What an import may run into that the operator can act on: the message says it all.
IMPORT_ERRORS = (OperatorError, StoreError, OSError)
TOPIC = "import"  # of its status messages
ERROR_DIALOG_NAME = "importErrorDialog"


class ImportController(QObject):
    """File › Import schedule… and dropped files, for one window.

    Children of the window it adds: ``fileMenu`` › ``importScheduleAction``,
    ``importProgress`` (busy bar while an import runs), ``importDialog`` (the file
    dialog, while open), ``importErrorDialog`` (a refusal, until closed),
    ``timeZoneDialog`` (the zone picker, while it asks).
    """

    def __init__(self, window: MainWindow, editor: RundownEditor, runner: ShowRunner) -> None:
        super().__init__(window)
        self._window = window
        self._editor = editor
        self._runner = runner
        self._running = False
        self._progress = QProgressBar()
        self._progress.setObjectName("importProgress")
        self._progress.setRange(0, 0)  # busy: the importer reports no progress
        self._progress.setMaximumWidth(160)
        self._progress.setTextVisible(False)
        self._progress.hide()
        window.add_status_widget(self._progress)
        action = window.menu("&File").addAction("&Import schedule…", self.choose_schedule)
        action.setObjectName("importScheduleAction")
        window.set_drop_handler(self.import_schedule)

    @property
    def running(self) -> bool:
        return self._running

    def choose_schedule(self) -> QFileDialog:
        # open(), not exec(): a modal loop of its own must never hold up the live show.
        dialog = QFileDialog(self._window, "Import schedule")
        dialog.setObjectName("importDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter(SCHEDULE_FILTER)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda name: self.import_schedule(Path(name)))
        dialog.open()
        return dialog

    def import_schedule(self, path: Path) -> None:
        """Import ``path`` (one import at a time); the result goes to the status line."""
        if self._running:
            self._window.show_error(f"Import {path.name}: another import is still running",
                                    topic=TOPIC)
            return
        self._running = True
        self._progress.show()
        self._window.show_message(f"Importing {path}…", topic=TOPIC)
        run_task(self._run(path), description=f"Import {path.name}",
                 on_error=self._internal_error)

    async def _run(self, path: Path) -> None:
        try:
            summary = await self._import(path)
        except IMPORT_ERRORS as error:
            log.info("import of %s refused: %s", path, error)
            self._window.show_error(f"Import {path.name}: {error}", topic=TOPIC)
            self._show_refusal(str(error))
        else:
            if summary:
                self._window.hide_empty_show_banner()
                self._window.show_message(summary, topic=TOPIC)
        finally:
            self._running = False
            self._progress.hide()

    def _internal_error(self, message: str) -> None:
        self._window.show_error(message, topic=TOPIC)

    def _show_refusal(self, message: str) -> QMessageBox:
        # open(), not exec(): a modal loop of its own must never hold up the live show.
        box = QMessageBox(QMessageBox.Icon.Warning, "Import refused", message,
                          QMessageBox.StandardButton.Ok, self._window)
        box.setObjectName(ERROR_DIALOG_NAME)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the file's own text, never markup
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setInformativeText("Nothing changed: the show is as it was.")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    async def _import(self, path: Path) -> str | None:
        imported = await self._read(path)
        if imported is None:
            return None
        live = self._runner.live.live
        if live is not None:
            impact = import_impact(self._runner.show, imported.show, live.segment_id)
            return await self._confirmed(path, imported, impact.describe())
        try:
            return await self._editor.save_import(imported, str(path))
        except LiveSegmentInTheWay as refusal:  # live on another stage of the show
            return await self._confirmed(path, imported, str(refusal))

    async def _read(self, path: Path) -> ImportedShow | None:
        """The file's show; None if the operator cancelled the question of its zone."""
        try:
            return await self._editor.read_schedule(path)
        except ShowZoneNeeded as refusal:
            log.info("import of %s: the file does not tell the show's time zone", path)
            zone = await ask_time_zone(self._window, f"{path.name}: {refusal.reason}.\n\n"
                                                     "In which time zone is the show?")
        if zone is None:
            self._window.show_message(f"Import of {path.name} cancelled: nothing changed",
                                      topic=TOPIC)
            return None
        return await self._editor.read_schedule(path, options=ImportOptions(timezone=zone))

    async def _confirmed(self, path: Path, imported: ImportedShow, what: str) -> str | None:
        if not await confirm(self._window, "Import over the live show",
                             f"A segment is live. Replace the show with {path.name}?",
                             action="Replace the show", details=what):
            self._window.show_message(f"Import of {path.name} cancelled: nothing changed",
                                      topic=TOPIC)
            return None
        return await self._editor.save_import(imported, str(path), replace_live=True)
