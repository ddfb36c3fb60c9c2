"""Keeps the presenter window (and an optional OBS countdown text source) in step."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from console.models.lower_third import countdown_text
from console.models.timing import compute_timing
from console.obs.connection import ObsConnection
from console.obs.errors import ObsError
from console.services.handoff import HandoffService
from console.services.show_runner import ShowRunner
from console.ui.presenter_window import PresenterWindow
from console.ui.subscription import subscribe
from console.ui.tasks import run_task

REFRESH_MS = 250
COUNTDOWN_SOURCE = "Presenter countdown"  # an OBS text source for remote speakers, if present


class PresenterController(QObject):
    """Opens the presenter window on a screen and feeds it four times a second."""

    def __init__(self, runner: ShowRunner, handoff: HandoffService, connection: ObsConnection,
                 main_window: QWidget) -> None:
        super().__init__(main_window)
        self._runner = runner
        self._connection = connection
        self._main_window = main_window
        self.window: PresenterWindow | None = None
        self.screen_name: str | None = None  # None: any screen but the stage manager's
        self._last_countdown = ""
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(REFRESH_MS)
        subscribe(main_window, handoff.message_changed, self._on_message)

    def toggle(self) -> None:
        if self.window is not None:
            self.close()
            return
        self.window = PresenterWindow()
        self.window.show_on(self._target_screen())
        self.refresh()

    def choose_screen(self, name: str | None) -> None:
        """Show the presenter window on the screen called ``name`` (now, if it is open)."""
        self.screen_name = name
        if self.window is not None:
            self.window.show_on(self._target_screen())

    def _target_screen(self) -> QScreen:
        screens = QGuiApplication.screens()
        chosen = next((screen for screen in screens if screen.name() == self.screen_name), None)
        if chosen is not None:
            return chosen
        own = self._main_window.screen()
        # By default a screen other than the stage manager's own.
        return next((screen for screen in screens if screen is not own), own)

    def set_blackout(self, on: bool) -> None:
        if self.window is not None:
            self.window.set_blackout(on)

    def close(self) -> None:
        self._timer.stop()
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        self._timer.start(REFRESH_MS)

    def stop(self) -> None:
        self._timer.stop()
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None

    def refresh(self) -> None:
        stage = self._runner.stage
        timing = compute_timing(stage, self._runner.live, self._runner.now()) if stage else None
        live = timing.live if timing else None
        if self.window is not None:
            if live is None:
                self.window.show_timing(None, "normal")
            else:
                self.window.show_timing(live.remaining_s, live.phase)
        text = countdown_text(live.remaining_s if live else None)
        if text != self._last_countdown and self._connection.supports("SetInputSettings"):
            self._last_countdown = text
            run_task(self._write_countdown(text), description="Update the countdown source")

    async def _write_countdown(self, text: str) -> None:
        # No such source in this OBS means remote speakers are not set up: nothing to do.
        with contextlib.suppress(ObsError):
            await self._connection.request("SetInputSettings", {
                "inputName": COUNTDOWN_SOURCE, "inputSettings": {"text": text}})

    def _on_message(self, text: str) -> None:
        if self.window is not None:
            self.window.show_message(text)
