"""Setting up the interpretation channels in the window: the dialog, its checks, saving."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QDialogButtonBox

from console.models.channels import ChannelPlan, ReadinessPolicy
from console.models.errors import OperatorError
from console.services.channel_setup import ChannelPlanRefused, ChannelSetupService
from console.services.show_import import demo_show_path, import_show_file, load_stored_show
from console.store.channel_plans import load_channel_plan
from console.store.database import open_database
from console.ui.channel_plan_controller import ChannelPlanController
from console.ui.channel_plan_dialog import OBS, PIVOT, TRACKS, ChannelPlanDialog
from console.ui.main_window import MainWindow
from tests.ui.support import idle, owned

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "show.sqlite"
    import_show_file(demo_show_path(), path)
    return path


def service(db_path: Path, *obs: str, guard: Any = lambda: None) -> ChannelSetupService:
    made = ChannelSetupService(db_path, ("main", *obs), lambda: NOW, guard)
    made.load(load_stored_show(db_path))
    return made


def dialog_for(setup: ChannelSetupService, closers: list[Any]) -> ChannelPlanDialog:
    assert setup.setup is not None
    return owned(closers, ChannelPlanDialog(setup.setup.plan, setup.obs_names, setup.problems))


def save_button(dialog: ChannelPlanDialog) -> Any:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def cell_combo(dialog: ChannelPlanDialog, row: int, column: int) -> QComboBox:
    widget = dialog.table.cellWidget(row, column)
    assert isinstance(widget, QComboBox)
    return widget


def stored_plan(db_path: Path) -> ChannelPlan | None:
    database = open_database(db_path)
    try:
        return load_channel_plan(database).plan
    finally:
        database.conn.close()


def test_every_channel_is_in_view_and_no_chooser_covers_the_next_row(
        db_path: Path, closers: list[Any]) -> None:
    dialog = dialog_for(service(db_path, "second"), closers)
    dialog.show()
    table = dialog.table
    assert table.rowCount() == 7
    assert not table.verticalScrollBar().isVisible()
    for row in range(table.rowCount()):
        combo = cell_combo(dialog, row, OBS)
        assert combo.height() <= table.rowHeight(row), row
        assert table.viewport().rect().contains(table.visualRect(table.model().index(row, 0)))


def test_seven_mixes_on_one_obs_cannot_be_saved(db_path: Path, closers: list[Any]) -> None:
    dialog = dialog_for(service(db_path), closers)
    assert not save_button(dialog).isEnabled()
    assert "7 mixes (ar, en, fr, es, tr, ur, ms) do not fit one OBS" in dialog.problems.text()


def test_moving_the_seventh_mix_to_a_second_obs_makes_it_sound(
        db_path: Path, closers: list[Any]) -> None:
    setup = service(db_path, "second")
    assert setup.setup is not None
    assert setup.setup.problems == ()
    dialog = dialog_for(setup, closers)
    cell_combo(dialog, 6, OBS).setCurrentText("main")
    assert not save_button(dialog).isEnabled()
    cell_combo(dialog, 6, OBS).setCurrentText("second")
    assert save_button(dialog).isEnabled()
    assert dialog.problems.text() == "The plan is sound."


@pytest.mark.parametrize(("tracks", "problem"), [
    ("2, x", "channel fr: tracks: '2, x' is not a list of track numbers"),
    ("", "channel fr: tracks"),
    ("7", "channel fr: track 7 does not exist"),
    ("2", "track 2 carries both en and fr"),
])
def test_tracks_are_checked_as_typed(db_path: Path, closers: list[Any], tracks: str,
                                     problem: str) -> None:
    dialog = dialog_for(service(db_path, "second"), closers)
    dialog.table.item(2, TRACKS).setText(tracks)
    assert problem in dialog.problems.text()
    assert not save_button(dialog).isEnabled()


def test_the_form_reads_back_as_the_plan(db_path: Path, closers: list[Any]) -> None:
    dialog = dialog_for(service(db_path, "second"), closers)
    dialog.table.item(2, 4).setText("  Radio France  ")
    cell_combo(dialog, 2, PIVOT).setCurrentText("es")
    dialog.policy.setCurrentIndex(1)
    dialog.silent_after.setValue(9)
    plan = dialog.plan()
    fr = plan.channel("fr")
    assert fr is not None
    assert (fr.destination, fr.pivot) == ("Radio France", "es")
    assert (plan.readiness, plan.silent_after_s) == (ReadinessPolicy.REQUIRE, 9)
    assert dialog.table.cellWidget(0, PIVOT) is None  # the floor relays nobody


def test_save_from_the_show_menu_stores_the_plan_and_tells_the_desk(
        db_path: Path, tmp_path: Path, mirror: Any, switcher: Any, qloop: Any,
        closers: list[Any]) -> None:
    window = owned(closers, MainWindow(mirror, switcher, tmp_path / "settings.ini"))
    setup = service(db_path, "second")
    seen: list[Any] = []
    setup.changed.connect(seen.append)
    controller = ChannelPlanController(window, setup)
    window.findChild(type(controller.action), "channelPlanAction").trigger()
    dialog = controller.dialog
    assert dialog is not None
    assert dialog.isVisible()
    dialog.table.item(1, 4).setText("YouTube English")
    save_button(dialog).click()
    qloop.run(idle())
    plan = stored_plan(db_path)
    assert plan is not None
    assert plan.channel("en").destination == "YouTube English"
    assert seen
    assert seen[-1].plan == plan
    assert "Channel plan saved" in window.status_text()


def test_saves_at_once_are_one_after_the_other(db_path: Path, qloop: Any) -> None:
    setup = service(db_path, "second")
    assert setup.setup is not None
    plans = [replace(setup.setup.plan, silent_after_s=float(s)) for s in range(2, 12)]

    async def together() -> None:
        await asyncio.gather(*(setup.save(plan) for plan in plans))

    qloop.run(together())
    stored = stored_plan(db_path)
    assert stored is not None
    assert stored.silent_after_s == 11.0


def test_a_plan_with_problems_or_a_follower_console_stores_nothing(
        db_path: Path, qloop: Any) -> None:
    setup = service(db_path)
    assert setup.setup is not None
    with pytest.raises(ChannelPlanRefused, match="do not fit one OBS"):
        qloop.run(setup.save(setup.setup.plan))
    follower = service(db_path, "second", guard=lambda: "this console follows the show")
    assert follower.setup is not None
    with pytest.raises(OperatorError, match="follows the show"):
        qloop.run(follower.save(follower.setup.plan))
    assert stored_plan(db_path) is None
