"""Asking for the OBS password again when OBS refuses it, without blocking the show."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from psygnal import SignalInstance
from PySide6.QtCore import QObject

from console import logs
from console.models.obs_state import ConnectionState
from console.ui.password_prompt import password_dialog
from console.ui.subscription import subscribe
from console.ui.tasks import run_task

if TYPE_CHECKING:
    from console.ui.booth_window import BoothWindow
    from console.ui.main_window import MainWindow


class Reconnectable(Protocol):
    """What the controller needs of the OBS connection."""

    @property
    def state_changed(self) -> SignalInstance: ...  # (ConnectionState)

    def reconnect_with(self, password: str) -> Coroutine[Any, Any, None]: ...


TOPIC = "obs"  # of its status messages


class PasswordController(QObject):
    """Opens the password dialog (``obsPasswordDialog``) once per refusal. Its status
    message stays until OBS is connected again."""

    def __init__(self, window: MainWindow | BoothWindow, connection: Reconnectable,
                 url: str, *, topic: str = TOPIC) -> None:
        super().__init__(window)
        self._topic = topic
        self._window = window
        self._connection = connection
        self._url = url
        self._open = False
        subscribe(self, connection.state_changed, self._on_state)

    def _on_state(self, state: ConnectionState) -> None:
        if state is ConnectionState.CONNECTED:
            self._window.clear(self._topic)  # the password was right after all
        elif state is ConnectionState.AUTH_FAILED and not self._open:
            self._window.show_error(f"OBS refused the password ({self._url})", topic=self._topic)
            self.ask()

    def ask(self) -> None:
        # open(), not exec(): a nested event loop would stall the asyncio loop.
        dialog = password_dialog(self._window, self._url)
        self._open = True

        def accepted(password: str) -> None:
            logs.register_secret(password)
            run_task(self._connection.reconnect_with(password),
                     description="Reconnect to OBS", on_error=self._reconnect_failed)

        def finished() -> None:
            self._open = False
            dialog.deleteLater()

        dialog.textValueSelected.connect(accepted)
        dialog.finished.connect(finished)
        dialog.open()

    def _reconnect_failed(self, message: str) -> None:
        self._window.show_error(message, topic=self._topic)
