"""The live segment's countdown in an OBS text source, for speakers who join remotely.

Written only when the text changes (once a second while a segment runs), in the
connection's background lane, so a countdown update never waits in front of a
take. At most one update is in flight; a newer text replaces one still waiting.
An OBS without the source is told once, not every second; the console tries
again when an input of that name appears or OBS reconnects.

Signals (psygnal, on the event loop's thread):
    problem(str): the countdown cannot be written (said once until it can again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from psygnal import Signal

from console.models.obs_events import ObsEvent, ResourceChange, ResourcesChanged
from console.models.obs_state import ConnectionState
from console.models.timer_text import time_left_text
from console.models.timing import StageTiming
from console.obs.errors import ObsError, ObsRequestFailed
from console.obs.gateway import RESOURCE_NOT_FOUND, ObsGateway
from console.services.background import BackgroundTask
from console.services.stage_clock import StageClock

log = logging.getLogger(__name__)

COUNTDOWN_SOURCE = "Presenter countdown"


class PresenterCountdown:
    """Keeps the ``Presenter countdown`` text source in step with the stage clock."""

    problem = Signal(str)

    def __init__(self, gateway: ObsGateway, clock: StageClock,
                 source: str = COUNTDOWN_SOURCE,
                 runs_the_show: Callable[[], bool] = lambda: True) -> None:
        self._obs = gateway
        self._clock = clock
        # Only the console that runs the show writes to OBS; followers would repeat it.
        self._runs_the_show = runs_the_show
        self.source = source
        self._written: str | None = None  # what OBS shows now
        self._wanted = ""
        self._missing = False
        self._writer = BackgroundTask("presenter-countdown", self._write_until_current)
        clock.ticked.connect(self._on_tick)
        gateway.events.connect(self._on_event)
        gateway.state_changed.connect(self._on_state)

    @property
    def written(self) -> str | None:
        return self._written

    async def close(self) -> None:
        self._clock.ticked.disconnect(self._on_tick)
        self._obs.events.disconnect(self._on_event)
        self._obs.state_changed.disconnect(self._on_state)
        await self._writer.stop()

    def _on_tick(self, timing: StageTiming | None) -> None:
        live = timing.live if timing is not None else None
        self._wanted = time_left_text(live.remaining_s if live else None)
        self._kick()

    def _on_event(self, event: ObsEvent) -> None:
        if isinstance(event, ResourcesChanged) and event.name == self.source and \
                event.change in (ResourceChange.INPUT_CREATED, ResourceChange.INPUT_RENAMED):
            self._missing = False
            self._kick()

    def _on_state(self, state: ConnectionState) -> None:
        # A (re)connected OBS may have the source now, and shows whatever it had.
        self._written = None
        self._missing = False
        if state is ConnectionState.CONNECTED:
            self._kick()

    def _kick(self) -> None:
        if self._wanted == self._written or self._missing or not self._runs_the_show():
            return
        if self._obs.state is not ConnectionState.CONNECTED:
            return
        self._writer.start()

    async def _write_until_current(self) -> None:
        while self._wanted != self._written and not self._missing:
            text = self._wanted
            try:
                await self._obs.set_text(self.source, text)
            except ObsRequestFailed as error:
                if error.code == RESOURCE_NOT_FOUND:
                    self._missing = True
                    log.info("no OBS text source %r: the countdown for remote speakers is "
                             "off until it exists", self.source)
                    self.problem.emit(f"OBS has no text source '{self.source}': the countdown "
                                      "for remote speakers is off")
                    return
                self._report(error)
                return
            except ObsError as error:
                self._report(error)
                return
            self._written = text

    def _report(self, error: ObsError) -> None:
        log.info("the presenter countdown was not written: %s", error)
