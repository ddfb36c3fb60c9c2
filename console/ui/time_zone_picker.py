"""Asking the operator for the show's time zone, when a schedule file does not tell it.

An editable combo of the IANA zones, searched as the operator types (any part of
a name, in any case), starting on the machine's own zone; OK only for a zone that
exists. The dialog is opened with ``open()``: a nested ``exec()`` loop would stall
the asyncio loop, and with it the clocks and OBS.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

DIALOG_NAME = "timeZoneDialog"
FALLBACK_ZONE = "UTC"
# In the time zone database but not zones a show is in: "localtime" is this machine's
# zone under another name, "Factory" and "posixrules" are the database's own.
NOT_CHOICES = frozenset({"localtime", "Factory", "posixrules"})
SYSTEM_ZONE_LINK = Path("/etc/localtime")
SYSTEM_ZONE_NAME = Path("/etc/timezone")  # Debian and Ubuntu write the name here too


def zone_names() -> list[str]:
    """The IANA zones to choose from, sorted."""
    return sorted(available_timezones() - NOT_CHOICES)


def machine_zone() -> str:
    """The IANA name of the zone this machine's clock is in; UTC when it cannot be told.

    A name found in TZ, /etc/localtime or /etc/timezone counts only if its UTC offset
    now is the machine's: TZ may be a POSIX rule ("CET-1CEST") that names no zone, and a
    copied /etc/localtime names nothing. Elsewhere (Windows) it is UTC.
    """
    known = set(zone_names())
    offset = datetime.now().astimezone().utcoffset()
    for name in _zones_named_by_the_system():
        if name in known and datetime.now(ZoneInfo(name)).utcoffset() == offset:
            return name
    return FALLBACK_ZONE


def _zones_named_by_the_system() -> Iterator[str]:
    tz = os.environ.get("TZ")
    if tz is not None:  # the C library reads TZ first; the system's files do not apply then
        value = tz.removeprefix(":")
        yield _zone_in_path(os.path.realpath(value)) if value.startswith("/") else value
        return
    yield _zone_in_path(os.path.realpath(SYSTEM_ZONE_LINK))
    try:
        yield SYSTEM_ZONE_NAME.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return


def _zone_in_path(path: str) -> str:
    """``/usr/share/zoneinfo/Europe/Berlin`` -> ``Europe/Berlin``; "" if it names none."""
    parts = Path(path).parts
    if "zoneinfo" not in parts:
        return ""
    after = parts[len(parts) - parts[::-1].index("zoneinfo"):]
    if after[:1] in (("posix",), ("right",)):  # the same zones, with or without leap seconds
        after = after[1:]
    return "/".join(after)


class TimeZoneDialog(QDialog):
    """Asks for the show's time zone.

    Children (objectNames): ``timeZoneQuestion`` (why it asks), ``timeZoneCombo`` (the
    zones, editable: typing part of a name offers the zones that contain it),
    ``timeZoneChoose`` (OK, enabled only for a zone that exists), ``timeZoneCancel``.
    """

    def __init__(self, parent: QWidget | None, question: str, default: str) -> None:
        super().__init__(parent)
        self.setObjectName(DIALOG_NAME)
        self.setWindowTitle("The show's time zone")
        names = zone_names()
        self._by_folded_name = {name.casefold(): name for name in names}
        label = QLabel(question)
        label.setObjectName("timeZoneQuestion")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.combo = self._zone_combo(names, default)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.choose = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.choose.setObjectName("timeZoneChoose")
        self.choose.setText("Import in this zone")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("timeZoneCancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(buttons)
        self.combo.editTextChanged.connect(self._enable_choice)
        self._enable_choice()

    def _zone_combo(self, names: list[str], default: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName("timeZoneCombo")
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)  # typing adds no zones
        combo.addItems(names)
        combo.setMaxVisibleItems(20)
        completer = QCompleter(names, combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)  # "london" finds Europe/London
        combo.setCompleter(completer)
        combo.setCurrentIndex(combo.findText(default))
        combo.setEditText(default)
        return combo

    def chosen(self) -> str | None:
        """The zone in the combo (as the database spells it), None if it is not one."""
        return self._by_folded_name.get(self.combo.currentText().strip().casefold())

    def _enable_choice(self) -> None:
        self.choose.setEnabled(self.chosen() is not None)


async def ask_time_zone(parent: QWidget, question: str) -> str | None:
    """Ask for the show's zone, starting on the machine's; the IANA name chosen, or None
    when the operator cancelled."""
    dialog = TimeZoneDialog(parent, question, machine_zone())
    answer: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()

    def finished(result: int) -> None:
        if not answer.done():
            accepted = result == QDialog.DialogCode.Accepted.value
            answer.set_result(dialog.chosen() if accepted else None)

    dialog.finished.connect(finished)
    dialog.open()
    try:
        return await answer
    finally:
        dialog.deleteLater()
