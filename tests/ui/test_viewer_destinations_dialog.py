"""Show ▸ Viewer destinations…: adding, refusing, removing, and typing a count, through the
viewer monitor and into the database, against the stand-in platforms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from console.models.asrun import ConsoleRole
from console.models.viewers import Platform, ViewerState
from console.platforms.standin import StandIn
from console.services.asrun_log import AsRunLog
from console.services.viewer_monitor import ViewerMonitor
from console.store.asrun import AsRunWriter
from console.store.database import open_database
from console.store.viewers import load_destinations, read_samples
from console.ui.viewer_destinations_dialog import STATE, VIEWERS, ViewerDestinationsDialog
from tests.helpers.loops import LoopRunner
from tests.helpers.platforms import SECRETS
from tests.ui.support import idle, owned


@pytest.fixture
def monitor(qloop: LoopRunner, db_path: Path,
            closers: list[Callable[[], object]]) -> tuple[ViewerMonitor, StandIn]:
    standin = StandIn(seed=2, secrets=SECRETS)
    qloop.run(standin.start())
    writer = AsRunWriter(db_path)
    made = ViewerMonitor(db_path, AsRunLog(writer, "stage", ConsoleRole.STAGE),
                         saved_by="stage", secrets=standin.secrets(), timeout_s=2)
    closers.append(standin.stop)
    closers.append(writer.close)
    closers.append(made.close)
    # Its schedule is not started: Qt's events, processed by a click outside the loop's
    # run, would step its task with no running loop. The tests ask for polls instead.
    return made, standin


def fill(dialog: ViewerDestinationsDialog, platform: Platform, target: str,
         **fields: str) -> None:
    dialog.platform.setCurrentIndex(dialog.platform.findData(platform.value))
    dialog.target.setText(target)
    for name, value in fields.items():
        getattr(dialog, name).setText(value)


def test_a_destination_is_added_counted_and_removed(
        qloop: LoopRunner, qtbot: Any, db_path: Path, closers: list[Any],
        monitor: tuple[ViewerMonitor, StandIn]) -> None:
    viewers, standin = monitor
    dialog = owned(closers, ViewerDestinationsDialog(viewers))
    standin.set_count(Platform.TWITCH, "conf_en", 640)
    fill(dialog, Platform.TWITCH, "conf_en", base_url=standin.base_url(Platform.TWITCH),
         language="en", label="Twitch EN")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qloop.run(idle())
    assert dialog.table.rowCount() == 1
    assert dialog.problem.text() == ""
    qloop.run(viewers.poll_all())
    assert dialog.table.item(0, VIEWERS).text() == "640"
    assert dialog.table.item(0, STATE).text() == "live"
    dialog.table.selectRow(0)
    assert not dialog.count_button.isEnabled()  # a polled count is not typed
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qloop.run(idle())
    assert dialog.table.rowCount() == 0
    with open_database(db_path) as db:
        assert load_destinations(db).destinations == ()


def test_a_refusal_names_the_field_and_adds_nothing(
        qloop: LoopRunner, qtbot: Any, db_path: Path, closers: list[Any],
        monitor: tuple[ViewerMonitor, StandIn]) -> None:
    viewers, _standin = monitor
    dialog = owned(closers, ViewerDestinationsDialog(viewers))
    fill(dialog, Platform.YOUTUBE, "https://www.youtube.com/watch?v=abc")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qloop.run(idle())
    assert dialog.problem.text().startswith("target:")
    fill(dialog, Platform.JSON, "https://example.org/stats.json")
    assert dialog.pointer.isEnabled()
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qloop.run(idle())
    assert dialog.problem.text().startswith("pointer:")
    assert dialog.table.rowCount() == 0
    with open_database(db_path) as db:
        assert load_destinations(db).destinations == ()


def test_a_count_read_off_a_screen_is_stored(
        qloop: LoopRunner, qtbot: Any, db_path: Path, closers: list[Any],
        monitor: tuple[ViewerMonitor, StandIn]) -> None:
    viewers, _standin = monitor
    dialog = owned(closers, ViewerDestinationsDialog(viewers))
    fill(dialog, Platform.MANUAL, "Hall B screen", language="fr")
    assert not dialog.base_url.isEnabled()
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qloop.run(idle())
    dialog.table.selectRow(0)
    assert dialog.count_button.isEnabled()
    dialog.count.setValue(1234)
    qtbot.mouseClick(dialog.count_button, Qt.MouseButton.LeftButton)
    qloop.run(idle())
    assert dialog.table.item(0, VIEWERS).text() == "1,234"
    qloop.wait_until(lambda: _stored_counts(db_path) == [1234], 10, "the count stored")
    assert dialog.table.item(0, STATE).text() == ViewerState.LIVE.value


def _stored_counts(db_path: Path) -> list[int | None]:
    with open_database(db_path) as db:
        return [sample.viewers for sample in read_samples(db)]


def test_a_shows_streams_are_all_in_view(
        qloop: LoopRunner, closers: list[Any], monitor: tuple[ViewerMonitor, StandIn]) -> None:
    viewers, standin = monitor
    for destination in standin.demo_destinations(["ar", "en", "fr", "es", "tr", "ur", "ms"]):
        qloop.run(viewers.add(destination))
    dialog = owned(closers, ViewerDestinationsDialog(viewers))
    dialog.show()
    qloop.run(idle())
    assert dialog.table.rowCount() == 7
    assert not dialog.table.verticalScrollBar().isVisible()
    assert dialog.height() <= 740
