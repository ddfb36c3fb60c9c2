"""MainWindow: docks, remembered layout, the status line, the empty-show banner."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QSize
from PySide6.QtWidgets import QDockWidget, QFrame, QLabel, QMessageBox, QPushButton

from console.obs.errors import ObsNotConnected
from console.ui.main_window import LAYOUT_KEY, MainWindow
from console.ui.obs_panel import ObsPanel
from console.ui.scene_panel import ScenePanel
from console.ui.theme import Tone
from tests.ui.support import LIVE, publish, settle, show_active


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "window.ini"


@pytest.fixture
def make_window(qtbot, loop, mirror, switcher, settings_path):
    def make() -> MainWindow:
        window = MainWindow(mirror, switcher, settings_path, title_suffix="Stage")
        qtbot.addWidget(window)
        return window
    return make


def dock(window: MainWindow, name: str) -> QDockWidget:
    found = window.findChild(QDockWidget, name)
    assert found is not None, name
    return found


def banner(window: MainWindow) -> QFrame:
    found = window.findChild(QFrame, "emptyShowBanner")
    assert found is not None
    return found


def status(window: MainWindow) -> QLabel:
    found = window.findChild(QLabel, "statusMessage")
    assert found is not None
    return found


def test_the_panels_live_in_named_docks(make_window):
    window = make_window()

    assert isinstance(dock(window, "obsDock").widget(), ObsPanel)
    assert isinstance(dock(window, "scenesDock").widget(), ScenePanel)
    assert window.windowTitle() == "Conference production console — Stage"


def test_the_view_menu_shows_and_hides_docks(qtbot, make_window):
    window = make_window()
    show_active(qtbot, window)
    view_menu = window.menuBar().actions()[0].menu()
    toggles = {action.text(): action for action in view_menu.actions()}

    toggles["OBS"].trigger()

    assert dock(window, "obsDock").isHidden()
    toggles["OBS"].trigger()
    assert not dock(window, "obsDock").isHidden()


def test_geometry_and_dock_layout_survive_a_restart(qtbot, make_window, settings_path):
    first = make_window()
    show_active(qtbot, first)
    first.resize(640, 480)  # within the offscreen screen (800×600), which Qt clamps to
    dock(first, "obsDock").hide()
    first.close()
    assert QSettings(str(settings_path), QSettings.Format.IniFormat).contains(LAYOUT_KEY)

    second = make_window()
    show_active(qtbot, second)

    assert second.size() == QSize(640, 480)
    assert dock(second, "obsDock").isHidden()
    assert not dock(second, "scenesDock").isHidden()


def test_an_unreadable_settings_file_is_ignored(qtbot, make_window, settings_path):
    settings_path.parent.mkdir(parents=True)
    settings_path.write_text("[mainWindow]\ngeometry=garbage\nlayout=@ByteArray(nonsense)\n")

    window = make_window()
    show_active(qtbot, window)

    assert not dock(window, "obsDock").isHidden()


def test_show_message_stays_and_errors_are_red(make_window):
    window = make_window()

    window.show_message("Demo show loaded")
    assert status(window).text().endswith("Demo show loaded")
    assert status(window).property("tone") == Tone.NEUTRAL.value

    window.show_message("OBS refused", error=True)
    assert status(window).text().endswith("OBS refused")
    assert status(window).property("tone") == Tone.ALARM.value


@pytest.mark.expected_log("console.ui.tasks")
def test_a_failing_take_shows_in_the_status_bar(make_window, mirror, switcher, loop):
    window = make_window()
    publish(mirror, LIVE)
    window.scene_panel.select_scene("Keynote")
    switcher.failure = ObsNotConnected("OBS 'main' is reconnecting")

    window.scene_panel.take()
    settle(loop)

    assert status(window).text().endswith("Take 'Keynote': OBS 'main' is reconnecting")
    assert status(window).property("tone") == Tone.ALARM.value


def test_the_banner_is_hidden_until_a_demo_is_offered(make_window):
    window = make_window()

    assert banner(window).isHidden()
    window.offer_demo(_summary("unused"))
    assert not banner(window).isHidden()
    assert "This show database is empty." in [
        label.text() for label in banner(window).findChildren(QLabel)
    ]


def test_loading_the_demo_hides_the_banner_and_shows_the_summary(make_window, loop):
    window = make_window()
    calls: list[str] = []
    window.offer_demo(_summary("Demo show loaded: 8 sessions, 41 speakers", calls))

    load = banner(window).findChild(QPushButton, "loadDemoButton")
    assert load.text() == "Load the demo show"
    load.click()
    load.click()  # a second click while loading must not load twice
    settle(loop)

    assert calls == ["loaded"]
    assert banner(window).isHidden()
    assert status(window).text().endswith("Demo show loaded: 8 sessions, 41 speakers")


@pytest.mark.expected_log("console.ui.tasks")
def test_a_failed_demo_load_keeps_the_banner_and_reports(make_window, loop):
    window = make_window()

    async def broken() -> str:
        await asyncio.sleep(0)
        raise OSError("database is locked")

    window.offer_demo(broken)
    load = banner(window).findChild(QPushButton, "loadDemoButton")
    load.click()
    settle(loop)

    assert not banner(window).isHidden()
    assert load.isEnabled()  # the operator may try again
    assert "Load the demo show: internal error: OSError: database is locked" in \
        status(window).text()
    assert status(window).property("tone") == Tone.ALARM.value


def test_about_opens_without_blocking(qtbot, make_window):
    window = make_window()

    box = window.show_about()

    assert isinstance(box, QMessageBox)
    assert box.isVisible()
    assert "Conference production console" in box.text()
    box.close()


def _summary(text: str, calls: list[str] | None = None):
    async def load() -> str:
        await asyncio.sleep(0)
        if calls is not None:
            calls.append("loaded")
        return text
    return load
