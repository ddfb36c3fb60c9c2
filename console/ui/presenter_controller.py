"""Keeps the presenter window in step with the stage clock, on the screen the operator chose.

The show keys (Space, PgDown, PgUp) work in the presenter window as in the stage
window: a stage manager who clicked on the presenter screen must still be able
to take the next speaker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from console.models.timing import StageTiming
from console.services.handoff import HandoffService
from console.services.stage_clock import StageClock
from console.ui import shortcuts
from console.ui.presenter_window import PresenterWindow
from console.ui.subscription import subscribe

KeyMap = Mapping[str, Callable[[], object]]


class PresenterController(QObject):
    """Opens the presenter window on a screen and feeds it every tick of the stage clock."""

    def __init__(self, clock: StageClock, handoff: HandoffService, main_window: QWidget,
                 keys: KeyMap | None = None) -> None:
        super().__init__(main_window)
        self._clock = clock
        self._main_window = main_window
        self._keys = dict(keys or {})
        self._message = handoff.presenter_message
        self.window: PresenterWindow | None = None
        self.screen_name: str | None = None  # None: any screen but the stage manager's
        subscribe(self, clock.ticked, self._on_tick)
        subscribe(self, handoff.message_changed, self._on_message)

    def toggle(self) -> None:
        if self.window is not None:
            self.close()
            return
        self.window = PresenterWindow()
        for keys, slot in self._keys.items():
            shortcuts.window_shortcut(self.window, keys, slot)
        self.window.show_message(self._message)
        self.window.show_on(self._target_screen())
        self._on_tick(self._clock.timing)

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
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None

    def stop(self) -> None:
        self.close()

    def _on_tick(self, timing: StageTiming | None) -> None:
        if self.window is None:
            return
        live = timing.live if timing is not None else None
        if live is None:
            self.window.show_timing(None, "normal")
        else:
            self.window.show_timing(live.remaining_s, live.phase)

    def _on_message(self, text: str) -> None:
        self._message = text
        if self.window is not None:
            self.window.show_message(text)
