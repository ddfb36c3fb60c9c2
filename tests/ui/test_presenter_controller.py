"""The presenter controller: the presenter window follows the stage clock and the messages,
on the chosen screen, and the show keys work in it."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from console.app import AppOptions, ConsoleApp
from console.obs.private_obs import free_port
from console.services.show_import import demo_show_path, import_demo, import_show_file
from console.ui import shortcuts
from console.ui.presenter_controller import PresenterController
from tests.helpers.loops import LoopRunner, until
from tests.ui.support import FixedClock, Stage, make_stage, owned, show_active

ZONE = ZoneInfo("Asia/Kuala_Lumpur")
WELCOME = "bridges26-d1s1-01"  # 5 minutes: warning at 2:00, danger at 0:30
CLOSE_LIMIT_S = 10.0


@pytest.fixture
def stage(tmp_path: Path, mirror, closers) -> Stage:
    db_path = tmp_path / "show.db"
    import_show_file(demo_show_path(), db_path)  # its own dates: the clock below is on them
    return make_stage(db_path, FixedClock(datetime(2026, 12, 5, 9, 0, tzinfo=ZONE)), mirror,
                      closers)


@pytest.fixture
def main_window(qtbot: Any, closers) -> QWidget:
    window = owned(closers, QWidget())
    window.setWindowTitle("stage window")
    window.resize(300, 200)
    return window


def test_the_presenter_window_follows_the_stage_clock(stage: Stage, main_window, qloop,
                                                      closers) -> None:
    presenter = PresenterController(stage.stage_clock, stage.handoff, main_window)
    closers.append(presenter.stop)
    presenter.toggle()
    window = presenter.window
    assert window is not None
    assert window.countdown.text() == "--:--"

    qloop.run(stage.runner.go_live(WELCOME))
    assert window.countdown.text() == "5:00"  # the live change ticks the clock at once
    assert window.phase == "normal"

    stage.clock.advance(4 * 60)  # time passes: nothing moves until the stage clock ticks
    assert window.countdown.text() == "5:00"
    stage.stage_clock.refresh()
    assert window.countdown.text() == "1:00"
    assert window.phase == "warning"

    stage.clock.advance(70)
    stage.stage_clock.refresh()
    assert window.countdown.text() == "-0:10"
    assert window.phase == "overtime"


def test_the_message_shows_even_when_sent_before_the_window_opened(stage: Stage, main_window,
                                                                   qloop, closers) -> None:
    presenter = PresenterController(stage.stage_clock, stage.handoff, main_window)
    closers.append(presenter.stop)

    qloop.run(stage.handoff.message("wrap up"))
    presenter.toggle()
    assert presenter.window is not None
    assert presenter.window.message.text() == "wrap up"

    qloop.run(stage.handoff.message("two minutes"))
    assert presenter.window.message.text() == "two minutes"


def test_the_show_keys_work_in_the_presenter_window_only(qtbot, stage: Stage, main_window,
                                                        closers) -> None:
    pressed: list[str] = []
    keys = {shortcuts.TAKE: lambda: pressed.append("take"),
            shortcuts.TAKE_NEXT: lambda: pressed.append("next"),
            shortcuts.BACK: lambda: pressed.append("back")}
    presenter = PresenterController(stage.stage_clock, stage.handoff, main_window, keys)
    closers.append(presenter.stop)
    presenter.toggle()
    window = presenter.window
    assert window is not None

    show_active(qtbot, window)
    for key in (Qt.Key.Key_Space, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
        qtbot.keyClick(QApplication.activeWindow(), key)
    assert pressed == ["take", "next", "back"]

    show_active(qtbot, main_window)  # the keys were given to the presenter window alone
    qtbot.keyClick(QApplication.activeWindow(), Qt.Key.Key_PageDown)
    assert pressed == ["take", "next", "back"]


def test_the_presenter_window_opens_and_closes(stage: Stage, main_window, closers) -> None:
    presenter = PresenterController(stage.stage_clock, stage.handoff, main_window)
    closers.append(presenter.stop)
    screen = QGuiApplication.screens()[0]

    presenter.choose_screen(screen.name())
    presenter.toggle()
    assert presenter.window is not None
    assert presenter.window.screen() is screen
    assert presenter.window.isFullScreen()
    presenter.set_blackout(True)
    assert presenter.window.blackout

    presenter.toggle()
    assert presenter.window is None


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_presenter_window_follows_the_live_segment_and_messages(
    qtbot: Any, qloop: LoopRunner, qapp: Any, tmp_path: Path
) -> None:
    """As the assembled console drives it (no OBS needed for this)."""
    db = tmp_path / "show.sqlite"
    import_demo(db)
    options = AppOptions(db_path=db, obs_url=f"ws://127.0.0.1:{free_port()}",
                         settings_path=tmp_path / "w.ini", console_name="presenter-test")

    async def scenario() -> None:
        console = ConsoleApp(options, "")
        console.start()
        try:
            presenter = console.presenter
            screen = QGuiApplication.screens()[0]
            presenter.choose_screen(screen.name())
            presenter.toggle()
            assert presenter.window is not None
            assert presenter.window.screen() is screen
            assert presenter.window.countdown.text() == "--:--"
            first = console.runner.next_segment()
            assert first is not None
            await console.runner.go_live(first.id)
            console.clock.refresh()
            countdown = presenter.window.countdown.text()
            assert countdown not in ("", "--:--")
            await console.handoff.message("wrap up")
            assert presenter.window.message.text() == "wrap up"

            # The console's show keys reach it: PgUp is Back, on the stage's live state.
            show_active(qtbot, presenter.window)
            qtbot.keyClick(QApplication.activeWindow(), Qt.Key.Key_PageUp)
            await until(lambda: console.runner.live.live is None, 5, "back: nothing live")
            assert presenter.window.countdown.text() == "--:--"

            presenter.set_blackout(True)
            assert presenter.window.blackout
            presenter.toggle()
            assert presenter.window is None
        finally:
            console.window.close()
            # A hang must fail, not pass late: a cancellation that close() swallows would
            # hide it from qloop.run's own time limit.
            async with asyncio.timeout(CLOSE_LIMIT_S) as closing:
                await console.close()
            assert not closing.expired(), \
                f"closing the console hung: cut short after {CLOSE_LIMIT_S} s"

    qloop.run(scenario())

