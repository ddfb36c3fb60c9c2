"""Writing the producer's report from the review window, on a worker thread with progress.

Drawing a show's report takes a moment (a timeline and an audience picture per
day), so it runs on its own thread while a progress bar moves; the window stays
live. One report at a time: a second request while one is being written is refused
(the menu, its shortcut and a double click all reach :meth:`ReportExport.export`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from console.formats.review_report import report_format
from console.models.errors import OperatorError
from console.models.review import ShowReview
from console.ui.report import render_report

log = logging.getLogger(__name__)

THREAD_NAME = "report-writer"
ChoosePath = Callable[[], Path | None]


class ReportBusy(OperatorError):
    """A report is being written already."""


class ReportNotWritten(OperatorError):
    """The report's file cannot be written there (or with that name)."""


class ReportExport(QObject):
    """Asks where, then writes the report of a review there.

    Signals:
        progressed(int, int): steps done, steps in all (on the main thread).
        written(str): the report's path, once it is whole on disk.
    """

    progressed = Signal(int, int)
    written = Signal(str)

    def __init__(self, parent: QWidget, choose_path: ChoosePath | None = None) -> None:
        super().__init__(parent)
        self._parent = parent
        self._choose_path = choose_path or self._ask_for_path
        self._thread: QThread | None = None
        self._busy = False
        self._folder = Path.home()

    @property
    def busy(self) -> bool:
        return self._busy

    async def export(self, review: ShowReview) -> Path | None:
        """Write ``review``'s report where the producer chooses; None if they chose nothing.
        Raises ReportBusy while another is being written, ReportNotWritten if it cannot
        be (the file that was there is left as it was)."""
        if self._busy:
            raise ReportBusy("a report is being written already; wait for it to finish")
        self._busy = True
        try:
            path = self._choose_path()
            if path is None:
                return None
            try:
                report_format(path)
                await self._write(review, path)
            except (ValueError, OSError) as error:
                raise ReportNotWritten(_why(error)) from error
        finally:
            self._busy = False
        log.info("report written", extra={"path": str(path)})
        self.written.emit(str(path))
        return path

    async def _write(self, review: ShowReview, path: Path) -> None:
        loop = asyncio.get_running_loop()
        dialog = self._progress_dialog()

        def progress(done: int, total: int) -> None:  # on the worker thread
            loop.call_soon_threadsafe(self._show_progress, dialog, done, total)

        done: asyncio.Future[None] = loop.create_future()

        def work() -> None:
            try:
                render_report(review, path, progress)
            except BaseException as error:  # handed to the loop's side, raised there
                loop.call_soon_threadsafe(_settle, done, error)
            else:
                loop.call_soon_threadsafe(_settle, done, None)

        # A QThread, not a Python one: the text layout and the PDF writer start Qt timers,
        # which need the event dispatcher that only a QThread has.
        self._thread = _WorkerThread(work)
        self._thread.start()
        try:
            await asyncio.shield(done)
        finally:
            dialog.close()
            dialog.deleteLater()

    def _progress_dialog(self) -> QProgressDialog:
        dialog = QProgressDialog("Drawing the report…", "", 0, 0, self._parent)
        dialog.setObjectName("reportProgress")
        dialog.setWindowTitle("Export report")
        dialog.setCancelButton(None)  # no button: a report cannot be half written
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(360)
        dialog.show()
        return dialog

    def _show_progress(self, dialog: QProgressDialog, done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)
        self.progressed.emit(done, total)

    def _ask_for_path(self) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(
            self._parent, "Export the producer's report", str(self._folder / "report.pdf"),
            "PDF (*.pdf);;HTML (*.html *.htm)")
        if not chosen:
            return None
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(".pdf")
        self._folder = path.parent
        return path

    def close(self) -> None:
        """Wait for the report being written, if any: it is never left half done."""
        if self._thread is not None:
            self._thread.wait()
            self._thread = None


def _why(error: ValueError | OSError) -> str:
    if isinstance(error, OSError) and error.strerror:
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror}; choose another folder"
    return str(error)


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


class _WorkerThread(QThread):
    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__()
        self.setObjectName(THREAD_NAME)
        self._work = work

    def run(self) -> None:
        self._work()
