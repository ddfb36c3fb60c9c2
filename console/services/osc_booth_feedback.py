"""What an interpreter booth's console tells its OSC feedback targets.

The booth knows who is on and who is next from the stage console's summary, and
its own state (ready, coughing) from the booth sync; it has no clock of its own, so
it sends no time left. Read on every change of either (the desk's signals).
"""

from __future__ import annotations

from collections.abc import Sequence

from psygnal import SignalInstance

from console.services.booth_desk import BoothDesk
from console.services.osc_feedback import COUGH, NEXT, ON_AIR, READY, REHEARSAL, Feedback


class BoothFeedback:
    def __init__(self, desk: BoothDesk) -> None:
        self._desk = desk

    @property
    def signals(self) -> Sequence[SignalInstance]:
        return (self._desk.changed, self._desk.stage_changed)

    def feedback(self) -> Feedback:
        stage, state = self._desk.stage, self._desk.state
        live = stage.live if stage is not None else None
        next_up = stage.next if stage is not None else None
        return Feedback({
            ON_AIR: live.title if live else "",
            NEXT: next_up.title if next_up else "",
            REHEARSAL: int(stage.rehearsal) if stage is not None else 0,
            READY: int(state.ready),
            COUGH: int(state.coughing),
        })
