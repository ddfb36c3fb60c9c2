"""The zone picker: the machine's zone found from TZ, and a combo that takes only real zones.
(Importing with it: tests/ui/test_import_controller.py.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from console.ui import time_zone_picker
from console.ui.time_zone_picker import TimeZoneDialog, zone_names


@pytest.mark.parametrize(("tz", "zone"), [
    ("Asia/Tokyo", "Asia/Tokyo"),
    (":America/Sao_Paulo", "America/Sao_Paulo"),
    (":/usr/share/zoneinfo/Europe/Berlin", "Europe/Berlin"),
    ("JST-9", "UTC"),  # a POSIX rule names no zone
    ("Mars/Olympus_Mons", "UTC"),
])
def test_the_machines_zone_comes_from_tz(machine_zone, tz: str, zone: str):
    machine_zone(tz)

    assert time_zone_picker.machine_zone() == zone


def test_only_zones_a_show_can_be_in_are_offered():
    names = zone_names()

    assert "Europe/London" in names
    assert "UTC" in names
    assert "localtime" not in names
    assert names == sorted(names)


def test_the_dialog_starts_on_the_default_and_takes_only_a_zone(qtbot):
    dialog = TimeZoneDialog(None, "Which zone?", "Asia/Kuala_Lumpur")
    qtbot.addWidget(dialog)
    combo = dialog.combo

    assert combo.currentText() == "Asia/Kuala_Lumpur"
    assert dialog.chosen() == "Asia/Kuala_Lumpur"
    assert dialog.choose.isEnabled()

    combo.setEditText("Europe")
    assert dialog.chosen() is None
    assert not dialog.choose.isEnabled()

    combo.setEditText(" america/new_york ")
    assert dialog.chosen() == "America/New_York"  # as the database spells it
    assert dialog.choose.isEnabled()


def test_typing_part_of_a_name_offers_the_zones_that_contain_it(qtbot):
    dialog = TimeZoneDialog(None, "Which zone?", "UTC")
    qtbot.addWidget(dialog)
    completer = dialog.combo.completer()

    completer.setCompletionPrefix("london")

    offered = [completer.completionModel().index(row, 0).data()
               for row in range(completer.completionCount())]
    assert offered == ["Europe/London"]
    assert completer.filterMode() == Qt.MatchFlag.MatchContains
