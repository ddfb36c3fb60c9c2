"""The rundown view and the clock over a real ShowRunner, editor, stage clock, handoff and
database (demo show)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox, QPushButton

from console.models.show import Show, find_segment
from console.models.timing import TimerPhase
from console.services.rundown_editor import RundownEditor
from console.services.show_import import demo_show_path, import_show_file
from console.services.show_runner import ShowRunner
from console.store.database import open_database
from console.store.shows import load_show
from console.ui import tasks
from console.ui.clock_panel import ClockPanel
from console.ui.rundown_model import (
    COL_DURATION,
    COL_PLANNED,
    COL_PROJECTED,
    COL_SPEAKERS,
    COL_STATUS,
    STATUS_ROLE,
    RundownModel,
)
from console.ui.rundown_view import RundownPanel
from console.ui.theme import Tone, colour
from tests.helpers.loops import until
from tests.ui.support import (
    FixedClock,
    Stage,
    idle,
    make_stage,
    open_confirmations,
    owned,
    show_active,
)

ZONE = ZoneInfo("Asia/Kuala_Lumpur")
WELCOME, ADDRESS, FILM, KEYNOTE = (f"bridges26-d1s1-0{i}" for i in range(1, 5))
SESSION_TWO = [f"bridges26-d1s2-0{i}" for i in range(1, 6)]  # "Technology in the Booth"


def at(hour: int, minute: int, second: int = 0) -> datetime:
    """That time on the demo show's first day."""
    return datetime(2026, 12, 5, hour, minute, second, tzinfo=ZONE)


@dataclass
class Rig:
    stage: Stage
    panel: RundownPanel
    errors: list[str]

    @property
    def db_path(self) -> Path:
        return self.stage.db_path

    @property
    def runner(self) -> ShowRunner:
        return self.stage.runner

    @property
    def editor(self) -> RundownEditor:
        return self.stage.editor

    @property
    def model(self) -> RundownModel:
        return self.panel.model

    def set_time(self, hour: int, minute: int, second: int = 0) -> None:
        """Move the clock to that time and let the stage clock tick."""
        self.stage.clock.at = at(hour, minute, second)
        self.stage.stage_clock.refresh()

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


def make_rig(db_path: Path, mirror, closers: list) -> Rig:
    stage = make_stage(db_path, FixedClock(at(8, 50)), mirror, closers)
    panel = owned(closers, RundownPanel(stage.runner, stage.editor, stage.stage_clock,
                                        stage.handoff))
    errors: list[str] = []
    panel.failed.connect(errors.append)
    return Rig(stage, panel, errors)


@pytest.fixture
def rig(tmp_path, mirror, closers) -> Rig:
    db_path = tmp_path / "show.db"
    import_show_file(demo_show_path(), db_path)  # its own dates: the tests' clock is on them
    return make_rig(db_path, mirror, closers)


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
        await rig.runner.go_live(WELCOME)  # at 08:50, for 5 minutes
        assert rig.text(ADDRESS, COL_PROJECTED) == "08:55:00"
        index = rig.model.index_of_segment(FILM, COL_DURATION)
        tree.setCurrentIndex(index)
        tree.edit(index)
        editor = tree.findChild(QLineEdit)
        assert editor is not None
        editor.selectAll()
        qtbot.keyClicks(editor, "7:")
        rig.set_time(9, 10)  # the stage clock ticks: the welcome is 15 minutes over
        assert editor.isVisible()
        assert editor.text() == "7:"
        assert rig.text(ADDRESS, COL_PROJECTED) == "09:10:00"
        assert rig.panel.selected_segment_id() == FILM
        tree.closePersistentEditor(index)

    qloop.run(scenario())


def test_the_clock_shows_time_left_in_its_phase_colours(rig, qloop, closers):
    clock_panel = owned(closers, ClockPanel(rig.runner, rig.stage.stage_clock))

    async def scenario() -> None:
        rig.set_time(9, 0)
        await rig.runner.go_live(WELCOME)  # 5 minutes, warning at 2:00, danger at 0:30

        steps = [((9, 2, 0), "3:00", TimerPhase.NORMAL, Tone.NEUTRAL),
                 ((9, 3, 30), "1:30", TimerPhase.WARNING, Tone.WARNING),
                 ((9, 4, 45), "0:15", TimerPhase.DANGER, Tone.ALARM)]
        for time, text, phase, tone in steps:
            rig.set_time(*time)
            assert clock_panel.remaining.text() == text
            assert clock_panel.phase is phase
            assert clock_panel.remaining.property("tone") == tone.value
        assert clock_panel.time_label.text() == "09:04:45"
        assert clock_panel.live_title.text() == "Welcome and housekeeping"

        rig.set_time(9, 5, 10)
        assert clock_panel.remaining.text() == "-0:10"
        assert clock_panel.phase is TimerPhase.OVERTIME
        tones = {clock_panel.remaining.property("tone")}
        rig.stage.stage_clock.refresh()  # the next tick
        tones.add(clock_panel.remaining.property("tone"))
        assert tones == {Tone.ALARM.value, Tone.NEUTRAL.value}  # it blinks
        assert clock_panel.drift.text() == "0:10 late"

        # Far behind: the next hard start (11:00) is at risk.
        rig.set_time(10, 50)
        assert "AT RISK" in clock_panel.next_hard.text()
        assert clock_panel.next_hard.property("tone") == Tone.ALARM.value

    qloop.run(scenario())


def session_index(rig: Rig, day_row: int, session_row: int):
    day = rig.model.index(day_row, 0)
    return rig.model.index(session_row, 0, day)


def segment_ids(show: Show | None) -> set[str]:
    assert show is not None
    return {segment.id for stage in show.stages for day in stage.days
            for session in day.sessions for segment in session.segments}


def test_go_live_takes_the_selected_segment_through_the_handoff(qtbot, rig, qloop):
    async def scenario() -> None:
        show_active(qtbot, rig.panel)
        rig.panel.select_segment(FILM)
        rig.panel.tree.setFocus()
        qtbot.keyClick(rig.panel.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        await idle()

    qloop.run(scenario())
    assert rig.errors == []
    # One take, in the take slot, of the segment's own scene: out of order is allowed.
    assert rig.stage.switcher.calls == [("program", "Video")]
    live = rig.runner.live.live
    assert live is not None
    assert live.segment_id == FILM
    assert live.started_at == at(8, 50)  # as of OBS's confirmation
    [take] = rig.stage.asrun_entries("take")
    assert take.segment_id == FILM
    assert take.actual == at(8, 50)
    assert take.details["scene"] == "Video"
    assert rig.model.index_of_segment(FILM).data(STATUS_ROLE) == "live"
    assert not rig.panel.actions_by_name["goLiveAction"].isEnabled()  # it is live already


def test_go_live_while_a_take_is_in_flight_is_refused(rig, qloop):
    switcher = rig.stage.switcher
    switcher.hold = asyncio.Event()

    async def scenario() -> None:
        first = tasks.run_task(rig.stage.handoff.take(), description="Take the next segment")
        await until(lambda: switcher.in_flight is not None, 5, "the first take in flight")
        rig.panel.select_segment(KEYNOTE)
        rig.panel.actions_by_name["goLiveAction"].trigger()
        await until(lambda: rig.errors, 5, "the refusal reported")
        assert rig.runner.live.live is None  # the first take is still in flight
        switcher.hold.set()
        await first

    qloop.run(scenario())
    assert len(rig.errors) == 1
    assert rig.errors[0] == ("Go live with 'Keynote: Interpreting for a million listeners': "
                             "refused: a take is already in flight ('Welcome and "
                             "housekeeping'); wait for it, then press again")
    assert switcher.refused == [("exclusive", "the next segment")]
    # Only the first take went on air: the rundown's next segment, not the keynote.
    assert switcher.calls == [("program", "Opening")]
    live = rig.runner.live.live
    assert live is not None
    assert live.segment_id == WELCOME
    assert [entry.segment_id for entry in rig.stage.asrun_entries("take")] == [WELCOME]


def test_deleting_a_session_asks_first_naming_its_segments(qtbot, rig, qloop):
    before = rig.runner.show
    session = session_index(rig, 0, 1)
    assert "Technology in the Booth" in session.data()

    async def delete_session() -> QMessageBox:
        rig.panel.tree.setCurrentIndex(session)
        assert rig.panel.selected_segment_id() is None  # a session row, not a segment
        delete = rig.panel.actions_by_name["deleteAction"]
        assert delete.isEnabled()
        delete.trigger()
        await until(lambda: open_confirmations(rig.panel), 5, "the confirmation")
        [box] = open_confirmations(rig.panel)
        return box

    async def cancelled() -> None:
        box = await delete_session()
        assert "'Technology in the Booth'" in box.text()
        assert "5 segment(s)" in box.text()
        assert "Latency budgets for live interpretation" in box.informativeText()
        assert "Lunch break" in box.informativeText()
        box.button(QMessageBox.StandardButton.Cancel).click()
        await idle()

    qloop.run(cancelled())
    assert rig.runner.show is before
    assert set(SESSION_TWO) <= segment_ids(rig.saved_show())
    assert not rig.editor.can_undo
    assert rig.errors == []

    async def confirmed() -> None:
        box = await delete_session()
        action = box.findChild(QPushButton, "confirmAction")
        assert action is not None
        assert action.text() == "Delete session"
        action.click()
        await idle()

    qloop.run(confirmed())
    assert rig.errors == []
    assert not set(SESSION_TWO) & segment_ids(rig.runner.show)
    assert not set(SESSION_TWO) & segment_ids(rig.saved_show())
    assert "Technology in the Booth" not in session_index(rig, 0, 1).data()
    assert rig.editor.can_undo

    async def undo() -> None:
        rig.panel.actions_by_name["undoAction"].trigger()
        await idle()

    qloop.run(undo())
    assert set(SESSION_TWO) <= segment_ids(rig.saved_show())
    assert rig.runner.show == before


def test_right_to_left_names_start_at_the_cells_right_edge(rig) -> None:
    # Right-aligned, an elided Arabic or Urdu name keeps its beginning and loses its end.
    model = rig.panel.model
    rtl = ltr = None
    for segment in rig.runner.segments():
        if segment.speakers and segment.speakers[0].language in ("ar", "ur"):
            rtl = rtl or segment.id
        elif segment.speakers:
            ltr = ltr or segment.id
    assert rtl is not None
    assert ltr is not None
    align = Qt.ItemDataRole.TextAlignmentRole
    right = model.index_of_segment(rtl, COL_SPEAKERS).data(align)
    left = model.index_of_segment(ltr, COL_SPEAKERS).data(align)
    assert Qt.AlignmentFlag(right) & Qt.AlignmentFlag.AlignRight
    assert Qt.AlignmentFlag(left) & Qt.AlignmentFlag.AlignLeft
