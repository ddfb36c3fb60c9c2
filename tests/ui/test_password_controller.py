"""PasswordController: a refused password asks again, and its status message goes once OBS
is connected. (The dialog itself: tests/ui/test_password_prompt.py.)"""

from __future__ import annotations

import psygnal
import pytest
import shiboken6
from PySide6.QtWidgets import QInputDialog

from console.models.obs_state import ConnectionState
from console.ui.main_window import MainWindow
from console.ui.password_controller import PasswordController
from tests.ui.support import idle, owned

URL = "ws://127.0.0.1:4455"


class FakeConnection:
    """What the controller needs of the OBS connection; records the passwords tried."""

    state_changed = psygnal.Signal(ConnectionState)

    def __init__(self) -> None:
        self.passwords: list[str] = []

    async def reconnect_with(self, password: str) -> None:
        self.passwords.append(password)


@pytest.fixture
def window(tmp_path, mirror, switcher, closers) -> MainWindow:
    return owned(closers, MainWindow(mirror, switcher, tmp_path / "window.ini"))


def password_dialogs(window: MainWindow) -> list[QInputDialog]:
    return [dialog for dialog in window.findChildren(QInputDialog, "obsPasswordDialog")
            if shiboken6.isValid(dialog) and dialog.isVisible()]


def test_the_refusal_stands_until_obs_is_connected(window, qloop):
    connection = FakeConnection()
    PasswordController(window, connection, URL)

    async def scenario() -> None:
        connection.state_changed.emit(ConnectionState.AUTH_FAILED)
        assert window.status_text().endswith(f"OBS refused the password ({URL})")
        [dialog] = password_dialogs(window)
        dialog.setTextValue("right-password")
        dialog.accept()
        await idle()
        window.show_message("Importing talks.csv…", topic="import")
        connection.state_changed.emit(ConnectionState.CONNECTING)
        connection.state_changed.emit(ConnectionState.CONNECTED)
        assert window.status_text().endswith("Importing talks.csv…")  # another topic stays
        window.clear("import")
        assert window.status_text() == ""  # the refusal went with the connection

    qloop.run(scenario())
    assert connection.passwords == ["right-password"]
