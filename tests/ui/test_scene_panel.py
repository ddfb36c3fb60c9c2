"""ScenePanel: program/preview marks, selection, TAKE, studio mode and transitions."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QListView,
    QPushButton,
    QSpinBox,
    QWidget,
)

from console.models.obs_state import ConnectionState, ObsSnapshot
from console.obs.errors import ObsNotConnected
from console.ui.scene_model import TAG_ROLE
from console.ui.scene_panel import ScenePanel
from console.ui.theme import COLOURS
from tests.ui.support import LIVE, STUDIO, publish, settle, show_active


@pytest.fixture
def panel(qtbot, loop, mirror, switcher) -> ScenePanel:
    widget = ScenePanel(mirror, switcher)
    qtbot.addWidget(widget)
    return widget


def scene_list(panel: ScenePanel) -> QListView:
    view = panel.findChild(QListView, "sceneList")
    assert view is not None
    return view


def button(panel: ScenePanel, name: str) -> QPushButton:
    found = panel.findChild(QPushButton, name)
    assert found is not None, name
    return found


def marks(panel: ScenePanel) -> dict[str, str]:
    """Scene name -> its tag, for the scenes that have one."""
    model = scene_list(panel).model()
    rows = (model.index(row, 0) for row in range(model.rowCount()))
    return {index.data(): index.data(TAG_ROLE) for index in rows if index.data(TAG_ROLE)}


def background(panel: ScenePanel, scene: str) -> str | None:
    model = scene_list(panel).model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data() == scene:
            colour = index.data(Qt.ItemDataRole.BackgroundRole)
            return colour.name() if colour is not None else None
    raise AssertionError(f"{scene} is not in the list")


def test_the_list_shows_obs_scenes_in_order_with_program_marked(panel, mirror):
    publish(mirror, LIVE)

    model = scene_list(panel).model()
    assert [model.index(row, 0).data() for row in range(model.rowCount())] == list(LIVE.scenes)
    assert marks(panel) == {"Opening": "PGM"}
    assert background(panel, "Opening") == COLOURS["program"]
    assert background(panel, "Keynote") is None


def test_studio_mode_marks_preview_green(panel, mirror):
    publish(mirror, STUDIO)

    assert marks(panel) == {"Opening": "PGM", "Keynote": "PVW"}
    assert background(panel, "Keynote") == COLOURS["preview"]


def test_a_scene_on_program_and_preview_shows_both_tags_and_is_red(panel, mirror):
    publish(mirror, STUDIO, preview_scene="Opening")

    assert marks(panel) == {"Opening": "PGM PVW"}
    assert background(panel, "Opening") == COLOURS["program"]


def test_a_scene_change_made_elsewhere_shows_at_once(panel, mirror):
    publish(mirror, LIVE)

    publish(mirror, program_scene="Break")  # someone switched in OBS itself

    assert marks(panel) == {"Break": "PGM"}


def test_a_new_snapshot_keeps_the_operators_selection(panel, mirror, switcher):
    publish(mirror, LIVE)
    panel.select_scene("Panel")

    publish(mirror, program_scene="Keynote")
    publish(mirror, scenes=("Walk-in", *LIVE.scenes))  # the rows are rebuilt
    publish(mirror, latency_ms=9.0)

    assert panel.selected_scene() == "Panel"
    assert scene_list(panel).selectionModel().selectedRows()[0].row() == 3
    assert switcher.calls == []


def test_a_refresh_in_studio_mode_does_not_ask_for_the_preview_again(panel, mirror, switcher,
                                                                     loop):
    publish(mirror, STUDIO)
    panel.select_scene("Break")  # OBS has not confirmed yet
    settle(loop)

    publish(mirror, scenes=("Walk-in", *STUDIO.scenes))  # the rows are rebuilt
    publish(mirror, program_scene="Panel")
    settle(loop)

    assert panel.selected_scene() == "Break"
    assert switcher.calls == [("preview", "Break")]


def test_a_selected_scene_that_disappears_is_no_longer_selected(panel, mirror):
    publish(mirror, LIVE)
    panel.select_scene("Panel")

    publish(mirror, scenes=("Opening", "Keynote", "Break"))

    assert panel.selected_scene() is None
    assert not button(panel, "takeButton").isEnabled()


def test_selecting_in_studio_mode_asks_for_a_preview_and_waits_for_obs(panel, mirror, switcher,
                                                                     loop):
    publish(mirror, STUDIO)

    panel.select_scene("Break")
    settle(loop)

    assert switcher.calls == [("preview", "Break")]
    assert marks(panel)["Keynote"] == "PVW"  # not confirmed yet: the mark stays
    publish(mirror, preview_scene="Break")
    assert marks(panel) == {"Opening": "PGM", "Break": "PVW"}
    assert switcher.calls == [("preview", "Break")]  # the confirmation asks for nothing


def test_selecting_outside_studio_mode_only_chooses_what_to_take(panel, mirror, switcher, loop):
    publish(mirror, LIVE)

    panel.select_scene("Break")
    settle(loop)

    assert panel.selected_scene() == "Break"
    assert switcher.calls == []
    assert marks(panel) == {"Opening": "PGM"}


def test_clicking_a_scene_in_studio_mode_previews_it(qtbot, panel, mirror, switcher, loop):
    publish(mirror, STUDIO)
    view = scene_list(panel)
    show_active(qtbot, panel)

    rect = view.visualRect(view.model().index(2, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle(loop)

    assert switcher.calls == [("preview", "Panel")]


def test_in_studio_mode_the_selection_follows_obs_preview(panel, mirror, switcher):
    publish(mirror, STUDIO)
    assert panel.selected_scene() == "Keynote"

    publish(mirror, preview_scene="Panel")  # changed in OBS by someone else

    assert panel.selected_scene() == "Panel"
    assert switcher.calls == []


def test_take_takes_the_selected_scene(panel, mirror, switcher, loop):
    publish(mirror, LIVE)
    panel.select_scene("Keynote")

    button(panel, "takeButton").click()
    settle(loop)

    assert switcher.calls == [("take", "Keynote")]


def test_take_in_studio_mode_takes_the_preview(panel, mirror, switcher, loop):
    publish(mirror, STUDIO)

    button(panel, "takeButton").click()
    settle(loop)

    assert switcher.calls == [("take", "Keynote")]


def test_take_needs_a_selection_outside_studio_mode(panel, mirror, switcher, loop):
    publish(mirror, LIVE)

    take = button(panel, "takeButton")
    take.click()
    settle(loop)

    assert not take.isEnabled()
    assert switcher.calls == []


def test_while_a_take_is_in_flight_take_says_so_and_a_second_one_is_refused(
        qtbot, qloop, panel, mirror, switcher, loop):
    publish(mirror, LIVE)
    panel.select_scene("Keynote")
    show_active(qtbot, panel)
    switcher.hold = asyncio.Event()
    failures: list[str] = []
    panel.failed.connect(failures.append)
    take = button(panel, "takeButton")

    take.click()
    qloop.wait_until(lambda: switcher.in_flight is not None, what="the take in flight")

    assert take.text() == "TAKING…"
    assert panel.findChild(QLabel, "sceneTakeStatus").text() == "Taking 'Keynote'…"
    assert not take.isEnabled()
    take.click()  # disabled: the click goes nowhere
    assert switcher.refused == []
    # Space still calls the switcher, which refuses: the operator is told, nothing is queued.
    qtbot.keyClick(panel, Qt.Key.Key_Space)
    qloop.wait_until(lambda: failures, what="the refusal reported")
    assert switcher.refused == [("take", "Keynote")]
    assert failures == ["Take 'Keynote': refused: a take is already in flight "
                        "('Keynote'); wait for it, then press again"]
    status = panel.findChild(QLabel, "sceneTakeStatus")
    assert status.isVisibleTo(panel)  # said under TAKE too
    assert "already in flight" in status.text()

    switcher.hold.set()
    settle(loop)

    assert switcher.calls == [("take", "Keynote")]  # one take ran, never two at once
    assert take.text() == "TAKE"
    assert take.isEnabled()


def test_the_take_button_is_back_after_a_failed_take(qtbot, qloop, panel, mirror, switcher,
                                                     loop):
    publish(mirror, LIVE)
    panel.select_scene("Keynote")
    switcher.hold = asyncio.Event()
    switcher.failure = ObsNotConnected("OBS 'main' is reconnecting")
    take = button(panel, "takeButton")

    take.click()
    qloop.wait_until(lambda: switcher.in_flight is not None, what="the take in flight")
    assert not take.isEnabled()
    with qtbot.waitSignal(panel.failed) as failure:
        switcher.hold.set()
        settle(loop)

    assert failure.args == ["Take 'Keynote': OBS 'main' is reconnecting"]
    assert take.text() == "TAKE"
    assert take.isEnabled()


def test_a_take_in_flight_elsewhere_disables_take_until_it_is_done(panel, mirror, switcher):
    publish(mirror, STUDIO)
    take = button(panel, "takeButton")

    switcher.take_in_flight.emit("the next segment")  # TAKE NEXT, the API, a clicker

    assert take.text() == "TAKING…"
    assert panel.findChild(QLabel, "sceneTakeStatus").text() == \
        "Taking the next segment…"
    assert not take.isEnabled()
    switcher.take_in_flight.emit("")
    assert take.text() == "TAKE"
    assert take.isEnabled()


def test_a_preview_chosen_while_a_take_is_in_flight_is_refused(qloop, panel, mirror, switcher,
                                                              loop):
    publish(mirror, STUDIO)
    switcher.hold = asyncio.Event()
    failures: list[str] = []
    panel.failed.connect(failures.append)

    panel.take()  # takes the preview, Keynote
    qloop.wait_until(lambda: switcher.in_flight is not None, what="the take in flight")
    panel.select_scene("Break")
    qloop.wait_until(lambda: failures, what="the refusal reported")

    assert switcher.refused == [("preview", "Break")]
    assert failures[0].startswith("Preview 'Break': refused: a take is in flight")
    assert panel.selected_scene() == "Keynote"  # back to what OBS has on preview
    switcher.hold.set()
    settle(loop)
    assert switcher.calls == [("take", "Keynote")]


def test_the_take_button_never_takes_the_keyboard_focus(panel):
    assert button(panel, "takeButton").focusPolicy() == Qt.FocusPolicy.NoFocus


@pytest.mark.parametrize("other_window", ["a dialog of the window", "another window"])
def test_space_takes_only_while_the_panels_window_is_active(qtbot, panel, mirror, switcher, loop,
                                                           other_window):
    publish(mirror, LIVE)
    panel.select_scene("Panel")
    show_active(qtbot, panel)

    qtbot.keyClick(QApplication.activeWindow(), Qt.Key.Key_Space)
    settle(loop)
    assert switcher.calls == [("take", "Panel")]

    if other_window == "a dialog of the window":
        other: QWidget = QDialog(panel)  # as the console's own dialogs are
    else:
        other = QWidget()
        qtbot.addWidget(other)
    other.resize(200, 100)
    show_active(qtbot, other)
    # A dialog counts as active while its parent window is: wait for the dialog itself.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is other)
    qtbot.keyClick(QApplication.activeWindow(), Qt.Key.Key_Space)
    qtbot.keyClick(QApplication.activeWindow(), Qt.Key.Key_M,
                   Qt.KeyboardModifier.ControlModifier)
    settle(loop)

    assert switcher.calls == [("take", "Panel")]  # neither Space nor Ctrl+M reached it
    other.close()


def test_space_takes_wherever_the_focus_is(qtbot, panel, mirror, switcher, loop):
    publish(mirror, LIVE)
    panel.select_scene("Panel")
    show_active(qtbot, panel)
    duration = panel.findChild(QSpinBox, "transitionDuration")
    duration.setFocus()

    QTest.keyClick(duration, Qt.Key.Key_Space)
    settle(loop)

    assert switcher.calls == [("take", "Panel")]


def test_return_on_the_list_takes(qtbot, panel, mirror, switcher, loop):
    publish(mirror, LIVE)
    panel.select_scene("Break")
    show_active(qtbot, panel)
    scene_list(panel).setFocus()

    QTest.keyClick(scene_list(panel), Qt.Key.Key_Return)
    settle(loop)

    assert switcher.calls == [("take", "Break")]


def test_ctrl_m_toggles_studio_mode(qtbot, panel, mirror, switcher, loop):
    publish(mirror, LIVE)
    show_active(qtbot, panel)

    QTest.keyClick(scene_list(panel), Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    settle(loop)

    assert switcher.calls == [("set_studio_mode", True)]


def test_the_studio_mode_button_shows_obs_state_not_the_click(panel, mirror, switcher, loop):
    publish(mirror, LIVE)
    studio = button(panel, "studioModeButton")

    studio.click()
    settle(loop)

    assert switcher.calls == [("set_studio_mode", True)]
    assert not studio.isChecked()
    publish(mirror, STUDIO)
    assert studio.isChecked()


def test_choosing_a_transition_asks_obs(panel, mirror, switcher, loop):
    publish(mirror, LIVE)
    combo = panel.findChild(QComboBox, "transitionCombo")
    assert [combo.itemText(i) for i in range(combo.count())] == ["Cut", "Fade"]
    assert combo.currentText() == "Fade"

    combo.activated.emit(0)  # what a choice in the popup emits
    settle(loop)

    assert switcher.calls == [("set_transition", "Cut")]


def test_a_transition_changed_in_obs_shows_without_a_request(panel, mirror, switcher):
    publish(mirror, LIVE)

    publish(mirror, current_transition="Cut", transition_duration_ms=1200)

    assert panel.findChild(QComboBox, "transitionCombo").currentText() == "Cut"
    assert panel.findChild(QSpinBox, "transitionDuration").value() == 1200
    assert switcher.calls == []


def test_the_duration_box_asks_obs(panel, mirror, switcher, loop):
    publish(mirror, LIVE)
    duration = panel.findChild(QSpinBox, "transitionDuration")
    assert (duration.minimum(), duration.maximum(), duration.singleStep()) == (0, 20000, 50)

    duration.stepUp()
    settle(loop)

    assert switcher.calls == [("set_transition_duration", 350)]


def test_a_snapshot_does_not_overwrite_a_duration_being_edited(panel, mirror):
    publish(mirror, LIVE)
    duration = panel.findChild(QSpinBox, "transitionDuration")
    duration.lineEdit().setText("15 ms")  # typing, not confirmed yet

    publish(mirror, latency_ms=12.0)

    assert duration.lineEdit().text() == "15 ms"


@pytest.mark.parametrize(
    "state",
    [ConnectionState.DISCONNECTED, ConnectionState.RECONNECTING, ConnectionState.AUTH_FAILED],
)
def test_controls_are_disabled_while_obs_is_not_connected(panel, mirror, state):
    publish(mirror, STUDIO)
    publish(mirror, state=state)

    for name in ("takeButton", "studioModeButton"):
        assert not button(panel, name).isEnabled(), name
    assert not scene_list(panel).isEnabled()
    assert not panel.findChild(QComboBox, "transitionCombo").isEnabled()
    assert not panel.findChild(QSpinBox, "transitionDuration").isEnabled()

    publish(mirror, state=ConnectionState.CONNECTED)
    assert button(panel, "takeButton").isEnabled()
    assert scene_list(panel).isEnabled()


def test_a_panel_without_any_snapshot_is_disabled(panel):
    assert panel.selected_scene() is None
    assert not button(panel, "takeButton").isEnabled()
    assert ObsSnapshot().state is ConnectionState.DISCONNECTED


def test_a_failed_preview_reports_and_goes_back_to_obs_preview(qtbot, panel, mirror, switcher,
                                                              loop):
    publish(mirror, STUDIO)
    switcher.failure = ObsNotConnected("OBS 'main' is reconnecting")

    with qtbot.waitSignal(panel.failed) as failure:
        panel.select_scene("Break")
        settle(loop)

    assert failure.args == ["Preview 'Break': OBS 'main' is reconnecting"]
    assert panel.selected_scene() == "Keynote"


def test_a_failed_transition_choice_shows_obs_transition_again(qtbot, panel, mirror, switcher,
                                                              loop):
    publish(mirror, LIVE)
    switcher.failure = ObsNotConnected("gone")
    combo = panel.findChild(QComboBox, "transitionCombo")

    with qtbot.waitSignal(panel.failed):
        combo.setCurrentIndex(0)
        combo.activated.emit(0)
        settle(loop)

    assert combo.currentText() == "Fade"
