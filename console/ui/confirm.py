"""Asking the operator to confirm an action that destroys something, without blocking the show.

The question names what will be lost, Cancel is the default (Return or Escape
cancels), and the dialog is opened with ``open()``: a nested ``exec()`` loop
would stall the asyncio loop, and with it the clocks and OBS.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

DIALOG_NAME = "confirmDialog"


async def confirm(parent: QWidget, title: str, text: str, *, action: str,
                  details: str = "") -> bool:
    """Ask; True only when the operator pressed the ``action`` button."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                      QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName(DIALOG_NAME)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if details:
        box.setInformativeText(details)
    accept = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    accept.setObjectName("confirmAction")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def finished(_result: int) -> None:
        if not answer.done():
            answer.set_result(box.clickedButton() is accept)

    box.finished.connect(finished)
    box.open()
    try:
        return await answer
    finally:
        box.deleteLater()
