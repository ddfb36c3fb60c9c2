"""MainWindow: docks, remembered layout, menus, banners, drops, the status line, the
empty-show banner. (Importing: tests/ui/test_import_controller.py.)"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, QSize, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDockWidget, QFrame, QLabel, QMessageBox, QPushButton

from console.obs.errors import ObsNotConnected
from console.ui.main_window import LAYOUT_KEY, MainWindow
from console.ui.obs_panel import ObsPanel
from console.ui.scene_panel import ScenePanel
from console.ui.theme import Tone
from tests.ui.support import LIVE, FixedClock, publish, settle, show_active


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "window.ini"


@pytest.fixture
def make_window(qtbot, loop, mirror, switcher, settings_path):
    def make(**options) -> MainWindow:
        window = MainWindow(mirror, switcher, settings_path, title_suffix="Stage", **options)
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


def test_a_message_carries_the_shows_time_of_day(make_window, machine_zone):
    machine_zone("Asia/Tokyo")
    window = make_window(clock=FixedClock(datetime(2026, 12, 5, 0, 50, 7, tzinfo=UTC)))

    window.show_message("No show yet")
    assert status(window).text() == "09:50:07  No show yet"  # the machine's zone

    window.set_show_zone(ZoneInfo("America/New_York"))
    window.show_message("Imported")
    assert status(window).text() == "19:50:07  Imported"  # the show's zone, not Tokyo's

    window.set_show_zone(None)  # no show any more
    assert status(window).text() == "09:50:07  Imported"


def test_a_topics_message_is_replaced_by_its_next_one_and_cleared_with_it(make_window):
    window = make_window()

    window.show_error("Import a.csv: line 3, start: not a time", topic="import")
    window.show_error("OBS refused the password", topic="obs")
    window.show_message("Importing b.csv…", topic="import")
    assert status(window).text().endswith("Importing b.csv…")
    assert status(window).property("tone") == Tone.NEUTRAL.value

    window.clear("import")
    # The import's messages are gone (the older refusal too); the OBS one still stands.
    assert status(window).text().endswith("OBS refused the password")
    assert status(window).property("tone") == Tone.ALARM.value

    window.show_message("Control API on http://127.0.0.1:8080/api")  # no topic
    window.clear("import")
    assert status(window).text().endswith("Control API on http://127.0.0.1:8080/api")

    window.clear("obs")
    window.show_error("Reconnect to OBS: refused", topic="obs")
    window.clear("obs")
    assert status(window).text() == ""  # a message without a topic lasts until the next one
    assert status(window).property("tone") == Tone.NEUTRAL.value


def test_a_message_is_one_line(make_window):
    window = make_window()

    window.show_error("first line\nsecond line")

    assert status(window).text().endswith("first line second line")


def test_a_failing_take_shows_in_the_status_bar(make_window, mirror, switcher, loop):
    window = make_window()
    publish(mirror, LIVE)
    window.scene_panel.select_scene("Keynote")
    switcher.failure = ObsNotConnected("OBS 'main' is reconnecting")

    window.scene_panel.take()
    settle(loop)

    assert status(window).text().endswith("Take 'Keynote': OBS 'main' is reconnecting")
    assert status(window).property("tone") == Tone.ALARM.value


def test_a_take_refused_while_another_is_in_flight_shows_in_the_status_bar(
        qloop, make_window, mirror, switcher, loop):
    window = make_window()
    publish(mirror, LIVE)
    window.scene_panel.select_scene("Keynote")
    switcher.hold = asyncio.Event()

    window.scene_panel.take()
    qloop.wait_until(lambda: switcher.in_flight is not None, what="the take in flight")
    window.scene_panel.take()  # Space again: the switcher refuses, the operator is told
    qloop.wait_until(lambda: switcher.refused, what="the second take refused")
    switcher.hold.set()
    settle(loop)

    assert switcher.calls == [("take", "Keynote")]
    assert "Take 'Keynote': refused: a take is already in flight ('Keynote')" in \
        status(window).text()
    assert status(window).property("tone") == Tone.ALARM.value


def test_menus_are_made_once_and_come_before_view(make_window):
    window = make_window()

    show_menu = window.menu("&Show")
    file_menu = window.menu("&File")

    assert window.menu("&Show") is show_menu
    assert [a.text() for a in window.menuBar().actions()] == ["&Show", "&File", "&View", "&Help"]
    assert file_menu.objectName() == "fileMenu"
    assert show_menu.objectName() == "showMenu"


def test_banners_and_status_widgets_go_where_the_operator_sees_them(make_window):
    window = make_window()
    band = QLabel("STORAGE FAILING")
    band.setObjectName("storageBand")
    busy = QLabel("busy")
    busy.setObjectName("busyIndicator")

    window.add_banner(band)
    window.add_status_widget(busy)

    # Across the whole window, under the menus: not squeezed between the docks.
    assert window.menuWidget().findChild(QLabel, "storageBand") is band
    assert window.centralWidget().findChild(QLabel, "storageBand") is None
    assert window.statusBar().findChild(QLabel, "busyIndicator") is busy


def test_a_dropped_file_goes_to_the_drop_handler(make_window, tmp_path):
    window = make_window()
    dropped: list[Path] = []
    schedule = tmp_path / "schedule.json"

    assert not drop(window, schedule).isAccepted()  # no handler: refused

    window.set_drop_handler(dropped.append)
    assert window.acceptDrops()
    assert drop(window, schedule).isAccepted()
    assert not drop(window, schedule, tmp_path / "other.json").isAccepted()  # one at a time
    assert dropped == [schedule]

    window.set_drop_handler(None)
    assert not window.acceptDrops()
    assert not drop(window, schedule).isAccepted()
    assert dropped == [schedule]


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


def test_hide_empty_show_banner_hides_the_offer(make_window):
    window = make_window()
    window.offer_demo(_summary("unused"))

    window.hide_empty_show_banner()  # a show arrived another way (an import)

    assert banner(window).isHidden()


def test_about_opens_without_blocking(qtbot, make_window):
    window = make_window()

    box = window.show_about()

    assert isinstance(box, QMessageBox)
    assert box.isVisible()
    assert "Conference production console" in box.text()
    box.close()


def drop(window: MainWindow, *paths: Path) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    event.setAccepted(False)
    window.dropEvent(event)
    return event


def _summary(text: str, calls: list[str] | None = None):
    async def load() -> str:
        await asyncio.sleep(0)
        if calls is not None:
            calls.append("loaded")
        return text
    return load
