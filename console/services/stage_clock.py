"""One timing clock for the stage: computed once per tick (or change), shown everywhere.

The big clock, Now/Next, the rundown, the presenter screen, the OBS countdown and
the control API all show the one :class:`StageTiming` this service publishes, so
they never disagree by a second. It ticks four times a second, on the quarter
second of the wall clock (so the seconds shown turn over together), and at once
whenever the live state or the show changes. The stage's plan is worked out
once per show.

Signals (psygnal, on the event loop's thread):
    ticked(object): the new :class:`StageTiming`, or None when there is no stage.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from psygnal import Signal

from console.models.live import LiveState
from console.models.show import Show
from console.models.timing import StagePlan, StageTiming, compute_timing, plan_stage
from console.services.background import BackgroundTask
from console.services.show_runner import ShowRunner

log = logging.getLogger(__name__)

TICK_S = 0.25


class StageClock:
    """Computes the runner's stage timing on each tick and publishes it."""

    ticked = Signal(object)

    def __init__(self, runner: ShowRunner) -> None:
        self._runner = runner
        self._plan: StagePlan | None = None
        self._timing: StageTiming | None = None
        self._now = runner.now()
        self._ticker = BackgroundTask("stage-clock", self._tick)
        runner.show_changed.connect(self._on_show_changed)
        runner.live_changed.connect(self._on_live_changed)
        self._replan()
        self.refresh()

    @property
    def timing(self) -> StageTiming | None:
        return self._timing

    @property
    def now(self) -> datetime:
        """The instant of the latest tick (the runner's clock)."""
        return self._now

    def start(self) -> None:
        self._ticker.start()

    async def stop(self) -> None:
        self._runner.show_changed.disconnect(self._on_show_changed)
        self._runner.live_changed.disconnect(self._on_live_changed)
        await self._ticker.stop()

    def refresh(self) -> StageTiming | None:
        """Recompute now and publish."""
        self._now = self._runner.now()
        plan = self._plan
        self._timing = compute_timing(plan, self._runner.live, self._now) if plan else None
        self.ticked.emit(self._timing)
        return self._timing

    async def _tick(self) -> None:
        while True:
            # Sleep to the next quarter second of the wall clock.
            fraction = self._runner.now().timestamp() % TICK_S
            await asyncio.sleep(TICK_S - fraction)
            try:
                self.refresh()
            except Exception:  # a subscriber's bug must not stop every clock in the console
                log.exception("the stage clock's tick failed")

    def _replan(self) -> None:
        stage = self._runner.stage
        if self._plan is None or stage is not self._plan.stage:
            self._plan = plan_stage(stage) if stage is not None else None

    def _on_show_changed(self, _show: Show) -> None:
        self._replan()
        self.refresh()

    def _on_live_changed(self, _state: LiveState) -> None:
        self.refresh()
