"""What the stage console tells its OSC feedback targets.

Read from the same services as the control API's ``GET /api/state`` (the stage
clock's timing, the show runner's live and next segments and its rehearsal flag),
on every tick of the stage clock: four times a second, and at once on every change
of the live state or the show. The time left is written as every screen of the
console writes it (``models/timer_text.time_left_text``).
"""

from __future__ import annotations

from collections.abc import Sequence

from psygnal import SignalInstance

from console.models.timer_text import time_left_text
from console.services.osc_feedback import (
    HOLD,
    NEXT,
    NO_PHASE,
    ON_AIR,
    PHASE,
    REHEARSAL,
    TIME_LEFT,
    TIME_LEFT_S,
    Feedback,
)
from console.services.show_runner import ShowRunner
from console.services.stage_clock import StageClock


class StageFeedback:
    def __init__(self, runner: ShowRunner, clock: StageClock) -> None:
        self._runner = runner
        self._clock = clock

    @property
    def signals(self) -> Sequence[SignalInstance]:
        return (self._clock.ticked,)

    def feedback(self) -> Feedback:
        timing = self._clock.timing
        live = timing.live if timing is not None else None
        on_air, next_up = self._runner.live_segment(), self._runner.next_segment()
        return Feedback({
            TIME_LEFT: time_left_text(live.remaining_s if live else None),
            TIME_LEFT_S: float(live.remaining_s) if live else 0.0,
            PHASE: live.phase.value if live else NO_PHASE,
            ON_AIR: on_air.title if on_air else "",
            NEXT: next_up.title if next_up else "",
            HOLD: int(live.on_hold) if live else 0,
            REHEARSAL: int(self._runner.rehearsal),
        }, ticking=live is not None)
