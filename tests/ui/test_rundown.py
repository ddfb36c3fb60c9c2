"""The rundown view and the clock over a real ShowRunner, editor and database (demo show)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import shiboken6
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QLineEdit

from console.models.show import Show, find_segment
from console.models.timing import TimerPhase
from console.services.rundown_editor import RundownEditor
from console.services.show_import import demo_show_path, import_demo
from console.services.show_runner import ShowRunner
from console.store.asrun import AsRunWriter
from console.store.database import open_database
from console.store.shows import load_show
from console.ui import tasks
from console.ui.clock_panel import ClockPanel
from console.ui.main_window import MainWindow
from console.ui.rundown_model import (
    COL_DURATION,
    COL_PLANNED,
    COL_PROJECTED,
    COL_STATUS,
    STATUS_ROLE,
    RundownModel,
)
from console.ui.rundown_view import RundownPanel
from console.ui.theme import Tone, colour

ZONE = ZoneInfo("Asia/Kuala_Lumpur")
WELCOME, ADDRESS, FILM, KEYNOTE = (f"bridges26-d1s1-0{i}" for i in range(1, 5))


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, hour: int, minute: int, second: int = 0) -> None:
        self.at = datetime(2026, 12, 5, hour, minute, second, tzinfo=ZONE)


@dataclass
class Rig:
    db_path: Path
    clock: FixedClock
    runner: ShowRunner
    editor: RundownEditor
    panel: RundownPanel
    errors: list[str]

    @property
    def model(self) -> RundownModel:
        return self.panel.model

    def text(self, segment_id: str, column: int) -> str:
        return self.model.index_of_segment(segment_id, column).data()

    def saved_show(self) -> Show:
        database = open_database(self.db_path)
        try:
            show = load_show(database)
        finally:
            database.conn.close()
        assert show is not None
        return show


def owned(stack: list, widget):
    """Delete ``widget`` at the end of the test, on the main thread (the garbage collector
    might otherwise destroy it, timers and all, on whichever thread it runs)."""

    def delete() -> None:
        if shiboken6.isValid(widget):
            widget.close()
            shiboken6.delete(widget)

    stack.append(delete)
    return widget


def make_rig(qtbot, db_path: Path, stack: list) -> Rig:
    clock = FixedClock(datetime(2026, 12, 5, 8, 50, tzinfo=ZONE))
    writer = AsRunWriter(db_path)
    stack.append(writer.close)
    runner = ShowRunner(db_path, writer, "test-console", clock=clock)
    stack.append(runner.close)
    editor = RundownEditor(runner, db_path)
    stack.append(editor.close)
    panel = owned(stack, RundownPanel(runner, editor))
    errors: list[str] = []
    panel.failed.connect(errors.append)
    return Rig(db_path, clock, runner, editor, panel, errors)


@pytest.fixture
def closers(loop) -> Iterator[list]:
    stack: list = []
    yield stack
    for close in reversed(stack):
        close()


@pytest.fixture
def rig(qtbot, tmp_path, closers) -> Rig:
    db_path = tmp_path / "show.db"
    import_demo(db_path)
    return make_rig(qtbot, db_path, closers)


async def idle() -> None:
    await asyncio.sleep(0.02)  # Qt's queued events (an editor's commit) run first
    await tasks.wait_idle()
    await asyncio.sleep(0)


def test_the_tree_shows_days_sessions_and_segments_with_planned_times(rig):
    model = rig.model
    show = rig.runner.show
    assert show is not None
    days = show.stages[0].days
    assert model.rowCount() == len(days)
    day = model.index(0, 0)
    assert day.data() == "Saturday 05 December 2026"
    assert model.rowCount(day) == len(days[0].sessions)
    session = model.index(0, 0, day)
    assert "09:00" in session.data()
    assert "Opening" in session.data()
    assert model.rowCount(session) == len(days[0].sessions[0].segments)
    assert rig.text(WELCOME, COL_PLANNED) == "09:00 ▲"  # a hard start
    assert rig.text(ADDRESS, COL_PLANNED) == "09:05"
    assert rig.text(ADDRESS, COL_DURATION) == "10:00"
    assert rig.text(FILM, COL_PROJECTED) == "09:15:00"
    assert rig.text(WELCOME, COL_STATUS) == "NEXT"
    assert rig.panel.tree.isExpanded(session)


def test_editing_a_duration_in_place_moves_later_rows_is_saved_and_undoable(qtbot, rig, qloop):
    tree = rig.panel.tree

    async def scenario() -> None:
        rig.panel.show()
        index = rig.model.index_of_segment(ADDRESS, COL_DURATION)
        tree.setCurrentIndex(index)
        tree.edit(index)
        editor = tree.findChild(QLineEdit)
        assert editor is not None
        editor.selectAll()
        qtbot.keyClicks(editor, "15:00")
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        await idle()

        assert rig.text(ADDRESS, COL_DURATION) == "15:00"
        assert rig.text(FILM, COL_PROJECTED) == "09:20:00"
        assert rig.text(FILM, COL_PLANNED) == "09:15"  # the plan is the plan
        saved = find_segment(rig.saved_show(), ADDRESS)
        assert saved is not None
        assert saved.planned_duration == timedelta(minutes=15)
        assert rig.panel.selected_segment_id() == ADDRESS

        rig.panel.actions_by_name["undoAction"].trigger()
        await idle()
        assert rig.text(FILM, COL_PROJECTED) == "09:15:00"
        saved = find_segment(rig.saved_show(), ADDRESS)
        assert saved is not None
        assert saved.planned_duration == timedelta(minutes=10)
        assert rig.editor.can_redo

        rig.panel.actions_by_name["redoAction"].trigger()
        await idle()
        assert rig.text(ADDRESS, COL_DURATION) == "15:00"
        saved = find_segment(rig.saved_show(), ADDRESS)
        assert saved is not None
        assert saved.planned_duration == timedelta(minutes=15)

    qloop.run(scenario())


def test_a_value_that_does_not_parse_changes_nothing(rig, qloop):
    async def scenario() -> None:
        index = rig.model.index_of_segment(ADDRESS, COL_DURATION)
        assert not rig.model.setData(index, "ten minutes")
        await idle()

    before = rig.runner.show
    qloop.run(scenario())
    assert rig.runner.show is before
    assert rig.errors
    assert "not a duration" in rig.errors[-1]


def test_the_live_segment_cannot_be_deleted(rig, qloop):
    async def scenario() -> None:
        await rig.runner.go_live(ADDRESS)
        rig.panel.select_segment(ADDRESS)
        rig.panel.actions_by_name["deleteAction"].trigger()
        await idle()

    before = rig.runner.show
    qloop.run(scenario())
    assert rig.runner.show is before
    assert "is live and cannot be deleted" in rig.errors[-1]
    assert find_segment(rig.saved_show(), ADDRESS) is not None
    assert not rig.editor.can_undo
    assert rig.model.index_of_segment(ADDRESS).data(STATUS_ROLE) == "live"
    assert rig.model.index_of_segment(ADDRESS).data(
        Qt.ItemDataRole.BackgroundRole) == colour("program")
    assert rig.model.index_of_segment(FILM).data(
        Qt.ItemDataRole.BackgroundRole) == colour("preview")


def test_delete_move_insert_and_duplicate_keep_the_selection(rig, qloop):
    def session_ids() -> list[str]:
        show = rig.runner.show
        assert show is not None
        return [s.id for s in show.stages[0].days[0].sessions[0].segments]

    async def scenario() -> None:
        rig.panel.select_segment(ADDRESS)
        rig.panel.actions_by_name["moveDownAction"].trigger()
        await idle()
        assert session_ids()[:4] == [WELCOME, FILM, ADDRESS, KEYNOTE]
        assert rig.panel.selected_segment_id() == ADDRESS
        assert rig.text(FILM, COL_PLANNED) == "09:05"

        rig.panel.actions_by_name["moveUpAction"].trigger()
        await idle()
        assert session_ids()[:4] == [WELCOME, ADDRESS, FILM, KEYNOTE]

        count = len(session_ids())
        rig.panel.actions_by_name["insertAction"].trigger()
        await idle()
        ids = session_ids()
        assert len(ids) == count + 1
        inserted = ids[2]
        assert rig.panel.selected_segment_id() == inserted
        assert rig.text(inserted, COL_PLANNED) == "09:15"

        rig.panel.actions_by_name["duplicateAction"].trigger()
        await idle()
        ids = session_ids()
        assert len(ids) == count + 2
        assert rig.panel.selected_segment_id() == ids[3]

        rig.panel.actions_by_name["deleteAction"].trigger()
        await idle()
        assert len(session_ids()) == count + 1
        saved = rig.saved_show()
        assert [s.id for s in saved.stages[0].days[0].sessions[0].segments] == session_ids()

    qloop.run(scenario())


def test_skip_dims_the_row_and_moves_the_projections(rig, qloop):
    async def scenario() -> None:
        rig.panel.select_segment(FILM)
        rig.panel.actions_by_name["skipAction"].trigger()
        await idle()
        assert FILM in rig.runner.live.skipped
        film = rig.model.index_of_segment(FILM)
        assert film.data(STATUS_ROLE) == "skipped"
        assert film.data(Qt.ItemDataRole.ForegroundRole) == colour("text_dim")
        assert film.data(Qt.ItemDataRole.FontRole).strikeOut()
        assert rig.text(KEYNOTE, COL_PROJECTED) == "09:15:00"
        assert rig.panel.actions_by_name["skipAction"].text() == "Unskip"

        rig.panel.actions_by_name["skipAction"].trigger()
        await idle()
        assert FILM not in rig.runner.live.skipped
        assert rig.text(KEYNOTE, COL_PROJECTED) == "09:20:00"

    qloop.run(scenario())


def test_the_projections_move_with_the_clock_without_closing_an_editor(qtbot, rig, qloop):
    tree = rig.panel.tree

    async def scenario() -> None:
        rig.panel.show()
        await rig.runner.go_live(WELCOME)
        rig.clock.set(9, 10)  # the welcome is 5 minutes over
        index = rig.model.index_of_segment(FILM, COL_DURATION)
        tree.setCurrentIndex(index)
        tree.edit(index)
        editor = tree.findChild(QLineEdit)
        assert editor is not None
        editor.selectAll()
        qtbot.keyClicks(editor, "7:")
        rig.panel.refresh_timing()
        assert editor.isVisible()
        assert editor.text() == "7:"
        assert rig.text(ADDRESS, COL_PROJECTED) == "09:10:00"
        assert rig.panel.selected_segment_id() == FILM
        tree.closePersistentEditor(index)

    qloop.run(scenario())


def test_the_clock_shows_time_left_in_its_phase_colours(rig, qloop, closers):
    clock_panel = owned(closers, ClockPanel(rig.runner))

    async def scenario() -> None:
        rig.clock.set(9, 0)
        await rig.runner.go_live(WELCOME)  # 5 minutes, warning at 2:00, danger at 0:30

        steps = [((9, 2, 0), "3:00", TimerPhase.NORMAL, Tone.NEUTRAL),
                 ((9, 3, 30), "1:30", TimerPhase.WARNING, Tone.WARNING),
                 ((9, 4, 45), "0:15", TimerPhase.DANGER, Tone.ALARM)]
        for at, text, phase, tone in steps:
            rig.clock.set(*at)
            clock_panel.refresh()
            assert clock_panel.remaining.text() == text
            assert clock_panel.phase is phase
            assert clock_panel.remaining.property("tone") == tone.value
        assert clock_panel.time_label.text() == "09:04:45"
        assert clock_panel.live_title.text() == "Welcome and housekeeping"

        rig.clock.set(9, 5, 10)
        clock_panel.refresh()
        assert clock_panel.remaining.text() == "−0:10"
        assert clock_panel.phase is TimerPhase.OVERTIME
        tones = {clock_panel.remaining.property("tone")}
        clock_panel.refresh()
        tones.add(clock_panel.remaining.property("tone"))
        assert tones == {Tone.ALARM.value, Tone.NEUTRAL.value}  # it blinks
        assert clock_panel.drift.text() == "0:10 late"

        # Far behind: the next hard start (11:00) is at risk.
        rig.clock.set(10, 50)
        clock_panel.refresh()
        assert "AT RISK" in clock_panel.next_hard.text()
        assert clock_panel.next_hard.property("tone") == Tone.ALARM.value

    qloop.run(scenario())


def drop(window: MainWindow, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)


@pytest.fixture
def empty_window(qtbot, tmp_path, closers, mirror, switcher):
    rig = make_rig(qtbot, tmp_path / "empty.db", closers)
    window = owned(closers, MainWindow(mirror, switcher, tmp_path / "window.ini"))
    window.set_rundown(rig.panel, ClockPanel(rig.runner))
    window.enable_import(rig.editor.import_file)
    return rig, window


def test_dropping_a_schedule_imports_it_into_the_rundown(empty_window, qloop, tmp_path):
    rig, window = empty_window
    assert rig.model.rowCount() == 0
    assert window.menuBar().actions()[0].text() == "&File"

    async def scenario() -> None:
        drop(window, demo_show_path())
        assert window.import_running()
        assert not window.findChild(type(window._progress), "importProgress").isHidden()
        await idle()

    qloop.run(scenario())
    assert not window.import_running()
    assert "imported \"Bridges 2026\"" in window.status_text()
    assert rig.model.rowCount() >= 1
    assert rig.text(WELCOME, COL_PLANNED) == "09:00 ▲"
    assert rig.runner.show is not None
    assert rig.saved_show() == rig.runner.show


def test_a_bad_file_shows_the_importers_message(empty_window, qloop, tmp_path):
    rig, window = empty_window
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "conference-console/show", "version": 1, "name": ')

    async def scenario() -> None:
        drop(window, bad)
        await idle()

    qloop.run(scenario())
    assert "broken.json" in window.status_text()
    assert window._status.property("tone") == Tone.ALARM.value
    assert rig.runner.show is None
