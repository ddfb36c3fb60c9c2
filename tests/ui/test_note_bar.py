"""The note bar: Ctrl+N or Show › Add a note… opens it, Enter adds the note to the as-run log,
Escape forgets it, a refused note stays with its reason; photographed in the stage window at
1280x800 and 1920x1080 (set ``CONSOLE_SCREENSHOTS`` to a folder to keep the pictures)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.models.live import LiveState, SegmentRun
from console.services.asrun_log import AsRunLog
from console.services.operator_notes import OperatorNotes
from console.store.asrun import AsRunWriter
from console.store.database import open_database
from console.ui import shortcuts
from console.ui.main_window import MainWindow
from console.ui.note_bar import NoteBar, add_note_bar
from tests.helpers.loops import LoopRunner
from tests.helpers.store import stored_entries
from tests.ui.support import FixedClock, show_active
from tests.unit.sample_show import OnAir, sample_show

NOW = datetime(2026, 12, 5, 7, 30, tzinfo=UTC)
TALK = sample_show().stages[0].days[0].sessions[0].segments[0]


@dataclass
class Desk:
    window: MainWindow
    bar: NoteBar
    clock: FixedClock
    writer: AsRunWriter
    db_path: Path

    def child(self, kind: type[QWidget], name: str) -> Any:
        found = self.window.findChild(kind, name)
        assert found is not None, name
        return found


def notes_in(desk: Desk) -> list[AsRunEntry]:
    return stored_entries(desk.writer, desk.db_path, AsRunKind.NOTE)


@pytest.fixture
def desk(qtbot: Any, loop: Any, mirror: Any, switcher: Any, tmp_path: Path) -> Iterator[Desk]:
    db_path = tmp_path / "show.sqlite"
    open_database(db_path).close()
    writer = AsRunWriter(db_path)
    clock = FixedClock(NOW)
    on_air = OnAir(LiveState("Main", runs=(SegmentRun(TALK.id, NOW - timedelta(minutes=4)),)))
    notes = OperatorNotes(AsRunLog(writer, "desk-1", ConsoleRole.STAGE, clock), on_air)
    window = MainWindow(mirror, switcher, tmp_path / "window.ini", clock=clock)
    qtbot.addWidget(window)
    bar = add_note_bar(window, notes)
    yield Desk(window, bar, clock, writer, db_path)
    writer.close(5)


def test_ctrl_n_opens_the_bar_with_the_cursor_in_it_and_what_is_on_air(qtbot: Any,
                                                                       desk: Desk) -> None:
    show_active(qtbot, desk.window)
    assert desk.bar.isHidden()

    qtbot.keyClick(desk.window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)

    assert desk.bar.isVisible()
    qtbot.waitUntil(desk.bar.edit.hasFocus)
    assert desk.child(QLabel, "noteOnAir").text() == f"on air: {TALK.title}"


def test_enter_adds_the_note_stamped_when_the_bar_opened(qtbot: Any, desk: Desk,
                                                         switcher: Any,
                                                         qloop: LoopRunner) -> None:
    show_active(qtbot, desk.window)
    qtbot.keyClick(desk.window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    opened = desk.clock.at
    desk.clock.advance(25)  # the time it takes to type it

    qtbot.keyClicks(desk.bar.edit, "Mic swap for the panel")
    qtbot.keyClick(desk.bar.edit, Qt.Key.Key_Return)

    assert desk.bar.isHidden()
    assert desk.bar.edit.text() == ""
    # Said once it is on disk.
    qloop.wait_until(lambda: "Mic swap for the panel" in desk.window.status_text(),
                     what="the note confirmed")
    [note] = notes_in(desk)
    assert (note.at_utc, note.segment_id) == (opened, TALK.id)
    assert note.details["text"] == "Mic swap for the panel"
    assert switcher.calls == []  # the spaces were typed, not takes


def test_the_show_keys_still_take_while_a_note_is_typed(qtbot: Any, desk: Desk) -> None:
    taken: list[str] = []
    shortcuts.window_shortcut(desk.window, shortcuts.TAKE_NEXT, lambda: taken.append("next"))
    show_active(qtbot, desk.window)
    desk.bar.open()
    qtbot.waitUntil(desk.bar.edit.hasFocus)

    qtbot.keyClicks(desk.bar.edit, "half a note")
    qtbot.keyClick(desk.bar.edit, Qt.Key.Key_PageDown)

    assert taken == ["next"]
    assert desk.bar.isVisible()
    assert desk.bar.edit.text() == "half a note"


def test_escape_closes_the_bar_and_records_nothing(qtbot: Any, desk: Desk) -> None:
    show_active(qtbot, desk.window)
    desk.bar.open()
    qtbot.keyClicks(desk.bar.edit, "never mind")

    qtbot.keyClick(desk.bar.edit, Qt.Key.Key_Escape)

    assert desk.bar.isHidden()
    assert notes_in(desk) == []
    desk.bar.open()
    assert desk.bar.edit.text() == ""  # forgotten, not kept for next time


def test_a_refused_note_stays_with_the_reason_under_it(qtbot: Any, desk: Desk) -> None:
    show_active(qtbot, desk.window)
    desk.bar.open()
    qtbot.keyClicks(desk.bar.edit, "   ")

    qtbot.keyClick(desk.bar.edit, Qt.Key.Key_Return)

    error = desk.child(QLabel, "noteError")
    assert error.isVisible()
    assert error.text().startswith("note: is empty")
    assert desk.bar.isVisible()
    assert notes_in(desk) == []
    qtbot.keyClicks(desk.bar.edit, "Booth FR back")
    qtbot.keyClick(desk.bar.edit, Qt.Key.Key_Return)
    assert [note.details["text"] for note in notes_in(desk)] == ["Booth FR back"]


def test_the_show_menu_offers_it_with_its_key(qtbot: Any, desk: Desk) -> None:
    show_active(qtbot, desk.window)
    action = desk.child(QAction, "addNoteAction")

    assert action.text() == "Add a note…"
    assert action.shortcut().toString() == "Ctrl+N"
    action.trigger()
    assert desk.bar.isVisible()


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)], ids=["1280x800", "1920x1080"])
def test_the_open_bar_reads_in_the_stage_window(qtbot: Any, themed_app: QApplication,
                                                desk: Desk, size: tuple[int, int]) -> None:
    desk.window.resize(*size)
    desk.bar.open()
    qtbot.keyClicks(desk.bar.edit, "Speaker's slides froze for 20 s; restarted from the booth")
    picture = desk.window.grab()
    folder = os.environ.get("CONSOLE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        picture.save(str(Path(folder) / f"note-bar-{size[0]}x{size[1]}.png"))

    def rect(widget: QWidget) -> QRect:
        return QRect(widget.mapTo(desk.window, widget.rect().topLeft()), widget.size())

    window = desk.window.rect()
    assert picture.size().toTuple() == size
    edit, on_air = rect(desk.bar.edit), rect(desk.child(QLabel, "noteOnAir"))
    for shown in (edit, on_air):
        assert window.contains(shown)
    assert edit.width() >= size[0] // 2  # room for a sentence
    assert not edit.intersects(on_air)
    assert edit.bottom() < rect(desk.child(QLabel, "statusMessage")).top()
    label = desk.child(QLabel, "noteOnAir")
    assert label.fontMetrics().horizontalAdvance(f"on air: {TALK.title}") <= on_air.width()
