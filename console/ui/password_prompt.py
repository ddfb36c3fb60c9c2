"""Asking the operator for the OBS websocket password.

The value is never logged; it is registered with the log scrubber so that no
other component can leak it into a log line either.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from console import logs


def password_dialog(parent: QWidget | None, url: str) -> QInputDialog:
    """The dialog :func:`ask_obs_password` shows (built separately so it can be inspected)."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("obsPasswordDialog")
    dialog.setWindowTitle("OBS password")
    dialog.setLabelText(
        f"Password of the OBS websocket server at {url}\n"
        "(OBS: Tools › WebSocket Server Settings › Show Connect Info)"
    )
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    return dialog


def ask_obs_password(parent: QWidget | None, url: str) -> str | None:
    """Ask for the password of the OBS at ``url``; ``None`` if the operator cancels.

    An empty string is a valid answer: an OBS without authentication needs none.
    Blocks in a modal dialog, so call it before the show starts (at connection time).
    """
    dialog = password_dialog(parent, url)
    try:
        if dialog.exec() != QInputDialog.DialogCode.Accepted:
            return None
        password = dialog.textValue()
    finally:
        dialog.deleteLater()
    logs.register_secret(password)
    return password
