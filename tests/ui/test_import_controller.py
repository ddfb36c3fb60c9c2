"""ImportController: File › Import schedule…, dropped files, and the confirmation over a live show.

Over a real ShowRunner, RundownEditor and database, in a real MainWindow.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import shiboken6
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
)

from console.models.show import Segment, Show, find_segment, iter_segments
from console.services.show_import import demo_show_path, import_show_file
from console.store.database import open_database
from console.store.shows import load_show
from console.ui.clock_panel import ClockPanel
from console.ui.import_controller import ImportController
from console.ui.main_window import MainWindow
from console.ui.rundown_model import COL_PLANNED
from console.ui.rundown_view import RundownPanel
from console.ui.theme import Tone
from tests.formats.support import PYCONUK, realdata
from tests.helpers.loops import LoopRunner, until
from tests.ui.support import FixedClock, Stage, idle, make_stage, open_confirmations, owned

ZONE = ZoneInfo("Asia/Kuala_Lumpur")
WELCOME, ADDRESS, FILM = (f"bridges26-d1s1-0{i}" for i in range(1, 4))


@dataclass
class Rig:
    stage: Stage
    window: MainWindow
    imports: ImportController
    panel: RundownPanel

    def saved_show(self) -> Show | None:
        database = open_database(self.stage.db_path)
        try:
            return load_show(database)
        finally:
            database.conn.close()

    def progress(self) -> QProgressBar:
        found = self.window.findChild(QProgressBar, "importProgress")
        assert found is not None
        return found


def make_rig(db_path: Path, tmp_path: Path, mirror, switcher, closers: list) -> Rig:
    stage = make_stage(db_path, FixedClock(datetime(2026, 12, 5, 8, 50, tzinfo=ZONE)),
                       mirror, closers)
    window = owned(closers, MainWindow(mirror, switcher, tmp_path / "window.ini"))
    panel = RundownPanel(stage.runner, stage.editor, stage.stage_clock, stage.handoff)
    window.set_rundown(panel, ClockPanel(stage.runner, stage.stage_clock))
    imports = ImportController(window, stage.editor, stage.runner)
    return Rig(stage, window, imports, panel)


@pytest.fixture
def empty(tmp_path, mirror, switcher, closers) -> Rig:
    """A window over an empty show database."""
    return make_rig(tmp_path / "empty.db", tmp_path, mirror, switcher, closers)


@pytest.fixture
def demo(tmp_path, mirror, switcher, closers) -> Rig:
    """A window over the demo show."""
    db_path = tmp_path / "show.db"
    import_show_file(demo_show_path(), db_path)  # its own dates: the rig's clock is on them
    return make_rig(db_path, tmp_path, mirror, switcher, closers)


def drop(window: MainWindow, path: Path) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    return event


def revised_demo(tmp_path: Path) -> Path:
    """The demo show renamed, without its opening film."""
    data = json.loads(demo_show_path().read_text(encoding="utf-8"))
    data["name"] = "Bridges 2026 (revised)"
    session = data["stages"][0]["days"][0]["sessions"][0]
    session["segments"] = [s for s in session["segments"] if s["id"] != FILM]
    path = tmp_path / "revised.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def show_imports(rig: Rig) -> list:
    return rig.stage.asrun_entries("show_import")


def open_error_dialogs(window: MainWindow) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox, "importErrorDialog")
            if shiboken6.isValid(box) and box.isVisible()]


def open_zone_pickers(window: MainWindow) -> list[QDialog]:
    return [dialog for dialog in window.findChildren(QDialog, "timeZoneDialog")
            if shiboken6.isValid(dialog) and dialog.isVisible()]


async def zone_picker(window: MainWindow) -> tuple[QDialog, QComboBox]:
    """The zone picker, once it is open, and its combo of zones."""
    await until(lambda: open_zone_pickers(window), 5, "the zone picker")
    [dialog] = open_zone_pickers(window)
    combo = dialog.findChild(QComboBox, "timeZoneCombo")
    assert combo is not None
    return dialog, combo


def button(dialog: QDialog, name: str) -> QPushButton:
    found = dialog.findChild(QPushButton, name)
    assert found is not None, name
    return found


def segment_titled(show: Show, title: str) -> Segment:
    return next(s for s in iter_segments(show) if s.title == title)


def test_the_file_menu_offers_the_import_and_opens_a_file_dialog(empty):
    window = empty.window
    assert window.menuBar().actions()[0].text() == "&File"  # before View
    file_menu = window.menuBar().actions()[0].menu()
    [action] = [a for a in file_menu.actions() if a.objectName() == "importScheduleAction"]
    assert window.acceptDrops()

    action.trigger()

    dialog = window.findChild(QFileDialog, "importDialog")
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.fileMode() is QFileDialog.FileMode.ExistingFile
    dialog.close()


def test_dropping_a_schedule_imports_it_into_the_rundown(empty, qloop: LoopRunner):
    rig = empty
    model = rig.panel.model
    assert model.rowCount() == 0
    assert rig.progress().isHidden()

    async def scenario() -> None:
        event = drop(rig.window, demo_show_path())
        assert event.isAccepted()
        assert rig.imports.running
        assert not rig.progress().isHidden()
        await idle()

    qloop.run(scenario())
    assert not rig.imports.running
    assert rig.progress().isHidden()
    assert "imported \"Bridges 2026\"" in rig.window.status_text()
    assert model.rowCount() >= 1
    assert model.index_of_segment(WELCOME, COL_PLANNED).data() == "09:00 ▲"
    assert rig.stage.runner.show is not None
    assert rig.saved_show() == rig.stage.runner.show
    [row] = show_imports(rig)
    assert row.details["file"] == str(demo_show_path())


def test_loading_the_demo_dates_it_from_now(empty, qloop: LoopRunner):
    """What the window's "Load the demo show" runs: the demo file, starting soon."""
    rig = empty
    now = datetime(2025, 6, 1, 14, 41, tzinfo=ZONE)  # months before the file's dates

    summary = qloop.run(rig.stage.editor.import_demo(now))

    assert summary.startswith('imported "Bridges 2026"')
    show = rig.stage.runner.show
    assert show is not None
    welcome = find_segment(show, WELCOME)
    assert welcome is not None
    assert welcome.planned_start == datetime(2025, 6, 1, 14, 45, tzinfo=ZONE)
    assert rig.saved_show() == show
    assert rig.panel.model.index_of_segment(WELCOME, COL_PLANNED).data() == "14:45 ▲"
    [row] = show_imports(rig)
    assert row.details["file"] == str(demo_show_path())


def test_a_second_import_while_one_runs_is_refused(empty, qloop: LoopRunner):
    rig = empty

    async def scenario() -> None:
        rig.imports.import_schedule(demo_show_path())
        rig.imports.import_schedule(demo_show_path())
        assert "another import is still running" in rig.window.status_text()
        await idle()

    qloop.run(scenario())
    assert len(show_imports(rig)) == 1


def test_a_bad_file_opens_a_dialog_with_the_importers_message(empty, qloop: LoopRunner,
                                                              tmp_path):
    rig = empty
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "conference-console/show", "version": 1,\n "name": ')

    async def scenario() -> None:
        drop(rig.window, bad)
        await idle()

    qloop.run(scenario())
    [box] = open_error_dialogs(rig.window)
    assert re.match(r".*broken\.json: line 2, column \d+: ", box.text())  # where, to the column
    label = box.findChild(QLabel, "qt_msgbox_label")
    assert label is not None
    assert label.text() == box.text()
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    # The status line says it too, on one line.
    assert "Import broken.json: " in rig.window.status_text()
    assert "line 2, column" in rig.window.status_text()
    assert "\n" not in rig.window.status_text()
    assert rig.window._status.property("tone") == Tone.ALARM.value
    assert rig.stage.runner.show is None
    assert not rig.imports.running
    assert rig.progress().isHidden()
    assert show_imports(rig) == []
    box.button(QMessageBox.StandardButton.Ok).click()
    assert open_error_dialogs(rig.window) == []


def test_importing_over_a_live_segment_asks_first(demo, qloop: LoopRunner, tmp_path):
    rig = demo
    runner = rig.stage.runner
    revised = revised_demo(tmp_path)
    before_show = runner.show
    assert len(show_imports(rig)) == 1  # the demo's own import

    async def import_and_wait_for_the_question() -> QMessageBox:
        rig.imports.import_schedule(revised)
        await until(lambda: open_confirmations(rig.window), 5, "the confirmation")
        [box] = open_confirmations(rig.window)
        return box

    async def go_live_then_cancel() -> None:
        await runner.go_live(WELCOME)
        box = await import_and_wait_for_the_question()
        assert "revised.json" in box.text()
        # It names the live segment (kept: it is in the new schedule) and what goes.
        assert "'Welcome and housekeeping' stays live" in box.informativeText()
        assert "'Bridges 2026 opening film'" in box.informativeText()
        box.button(QMessageBox.StandardButton.Cancel).click()
        await idle()

    qloop.run(go_live_then_cancel())
    live_before = runner.live
    assert runner.show is before_show
    assert rig.saved_show() == before_show
    assert runner.live.live is not None
    assert runner.live.live.segment_id == WELCOME
    assert "cancelled: nothing changed" in rig.window.status_text()
    assert len(show_imports(rig)) == 1
    assert not rig.imports.running

    async def confirm() -> None:
        box = await import_and_wait_for_the_question()
        action = box.findChild(QPushButton, "confirmAction")
        assert action is not None
        assert action.text() == "Replace the show"
        action.click()
        await idle()

    qloop.run(confirm())
    show = runner.show
    assert show is not None
    assert show.name == "Bridges 2026 (revised)"
    assert find_segment(show, FILM) is None
    assert rig.saved_show() == show
    assert runner.live == live_before  # the live segment stays on air
    assert rig.panel.model.index_of_segment(FILM).isValid() is False
    assert 'imported "Bridges 2026 (revised)"' in rig.window.status_text()
    row = show_imports(rig)[-1]
    assert len(show_imports(rig)) == 2
    assert row.segment_id == WELCOME
    assert row.details["file"] == str(revised)
    assert row.details["replace_live"] is True
    assert row.details["live_kept"] is True
    assert row.details["removed"] == 1


def test_an_import_with_nothing_live_asks_nothing(demo, qloop: LoopRunner, tmp_path):
    rig = demo
    revised = revised_demo(tmp_path)

    async def scenario() -> None:
        rig.imports.import_schedule(revised)
        await idle()
        assert open_confirmations(rig.window) == []

    qloop.run(scenario())
    show = rig.stage.runner.show
    assert show is not None
    assert show.name == "Bridges 2026 (revised)"
    assert len(show_imports(rig)) == 2


def test_a_file_without_its_zone_asks_for_it_and_imports_in_the_zone_chosen(
        empty, qloop: LoopRunner, machine_zone):
    machine_zone("Asia/Tokyo")
    rig = empty
    schedule = realdata(PYCONUK)

    async def scenario() -> None:
        rig.imports.import_schedule(schedule)
        dialog, combo = await zone_picker(rig.window)
        assert combo.currentText() == "Asia/Tokyo"  # the machine's zone to start with
        question = dialog.findChild(QLabel, "timeZoneQuestion")
        assert question is not None
        assert "pyconuk2015-schedule.ics" in question.text()
        assert "every time in it is in UTC" in question.text()
        assert "--timezone" not in question.text()  # no command line in the window
        choose = button(dialog, "timeZoneChoose")
        combo.setEditText("Europe/Londn")
        assert not choose.isEnabled()  # not a zone
        combo.setEditText("europe/london")
        assert choose.isEnabled()
        choose.click()
        await idle()

    qloop.run(scenario())
    show = rig.stage.runner.show
    assert show is not None
    assert show.timezone == "Europe/London"
    opening = segment_titled(show, "Opening Plenary")
    assert opening.planned_start.isoformat() == "2015-09-18T09:30:00+01:00"
    assert rig.saved_show() == show
    assert [row.details["file"] for row in show_imports(rig)] == [str(schedule)]
    assert "imported" in rig.window.status_text()
    assert open_error_dialogs(rig.window) == []
    assert open_zone_pickers(rig.window) == []
    assert not rig.imports.running


def test_cancelling_the_zone_picker_imports_nothing(empty, qloop: LoopRunner, machine_zone):
    machine_zone("Asia/Tokyo")
    rig = empty

    async def scenario() -> None:
        rig.imports.import_schedule(realdata(PYCONUK))
        dialog, _combo = await zone_picker(rig.window)
        button(dialog, "timeZoneCancel").click()
        await idle()

    qloop.run(scenario())
    assert rig.stage.runner.show is None
    assert rig.saved_show() is None
    assert show_imports(rig) == []
    assert "Import of pyconuk2015-schedule.ics cancelled: nothing changed" in \
        rig.window.status_text()
    assert open_error_dialogs(rig.window) == []
    assert not rig.imports.running
    assert rig.progress().isHidden()


def test_over_a_live_segment_the_zone_is_asked_then_the_replacement(
        demo, qloop: LoopRunner, machine_zone):
    machine_zone("Asia/Tokyo")
    rig = demo
    runner = rig.stage.runner
    before_show = runner.show

    async def scenario() -> None:
        await runner.go_live(WELCOME)
        rig.imports.import_schedule(realdata(PYCONUK))
        dialog, combo = await zone_picker(rig.window)
        combo.setEditText("Europe/London")
        button(dialog, "timeZoneChoose").click()
        await until(lambda: open_confirmations(rig.window), 5, "the confirmation")
        [box] = open_confirmations(rig.window)
        assert "pyconuk2015-schedule.ics" in box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()
        await idle()

    qloop.run(scenario())
    assert runner.show is before_show
    assert rig.saved_show() == before_show
    assert len(show_imports(rig)) == 1  # the demo's own
    assert "cancelled: nothing changed" in rig.window.status_text()
