"""ask_obs_password: a password field, and None when the operator cancels."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from console import logs
from console.ui.password_prompt import ask_obs_password, password_dialog


def test_the_password_is_never_shown(qtbot):
    dialog = password_dialog(None, "ws://10.0.0.5:4455")
    qtbot.addWidget(dialog)

    assert dialog.textEchoMode() == QLineEdit.EchoMode.Password
    field = dialog.findChild(QLineEdit)
    assert field is not None
    assert field.echoMode() == QLineEdit.EchoMode.Password
    assert "ws://10.0.0.5:4455" in dialog.labelText()


def _answer_when_open(text: str | None) -> None:
    """Type ``text`` into the modal dialog once it is open and accept it (None: cancel)."""
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(10, answer)
            return
        if text is None:
            dialog.reject()
        else:
            dialog.setTextValue(text)
            dialog.accept()
    QTimer.singleShot(0, answer)


@pytest.mark.timeout(10)
def test_the_typed_password_is_returned_and_kept_out_of_logs(qapp):
    _answer_when_open("s3cret-pw")

    assert ask_obs_password(None, "ws://127.0.0.1:4455") == "s3cret-pw"
    assert logs.scrub("password s3cret-pw") == f"password {logs.REDACTED}"


@pytest.mark.timeout(10)
def test_cancel_returns_none(qapp):
    _answer_when_open(None)

    assert ask_obs_password(None, "ws://127.0.0.1:4455") is None
