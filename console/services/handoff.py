"""The speaker handoff: one Take does everything, in order, or reports why not.

Take = the next segment's scene on program (studio mode: preview, then the
transition), confirmed by OBS; then its lower third; then the segment timer
starts; then the as-run log records planned against actual time. A take OBS
refuses stops there: nothing is recorded as done. A second Take while one is in
flight is ignored. In rehearsal mode the scene goes to OBS's preview only and
program is never touched.

Signals (psygnal, on the event loop's thread):
    message_changed(str): the stage manager's message to the presenter.
    problem(str): something went wrong that did not stop the take (the lower third).
    rehearsal_changed(bool): rehearsal mode switched.
    take_in_flight(bool): a take started or ended.
"""

from __future__ import annotations

import logging
from typing import Any

from psygnal import Signal

from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.models.show import Segment
from console.models.timing import LiveTiming, compute_timing
from console.obs.errors import ObsError
from console.obs.mirror import ObsMirror
from console.services.lower_third_output import LowerThirdOutput
from console.services.show_runner import ShowRunner, ShowRunnerError
from console.services.switcher import SceneSwitcher
from console.store.asrun import AsRunWriter

log = logging.getLogger(__name__)


class HandoffService:
    """Take, back, skip, hold, add time and messages, for the window and the control API."""

    message_changed = Signal(str)
    rehearsal_changed = Signal(bool)
    take_in_flight = Signal(bool)
    problem = Signal(str)

    def __init__(self, runner: ShowRunner, switcher: SceneSwitcher, mirror: ObsMirror, *,
                 lower_thirds: LowerThirdOutput | None, writer: AsRunWriter,
                 console_name: str, rehearsal: bool = False) -> None:
        self._runner = runner
        self._switcher = switcher
        self._mirror = mirror
        self._lower_thirds = lower_thirds
        self._writer = writer
        self._console = console_name
        self._rehearsal = rehearsal
        self._in_flight = False
        self.presenter_message = ""

    @property
    def rehearsal(self) -> bool:
        return self._rehearsal

    def set_rehearsal(self, enabled: bool) -> None:
        if enabled != self._rehearsal:
            self._rehearsal = enabled
            log.info("rehearsal mode %s", "on" if enabled else "off",
                     extra={"rehearsal": enabled})
            self._record("rehearsal", None, rehearsal=enabled)
            self.rehearsal_changed.emit(enabled)

    # -- actions ------------------------------------------------------------------

    async def take(self) -> dict[str, Any]:
        if self._in_flight:
            return {"ignored": "a take is already in flight"}
        segment = self._runner.next_segment()
        if segment is None:
            raise ShowRunnerError("nothing left to take: the rundown is at its end")
        self._in_flight = True
        self.take_in_flight.emit(True)
        try:
            return await self._take(segment)
        finally:
            self._in_flight = False
            self.take_in_flight.emit(False)

    async def _take(self, segment: Segment) -> dict[str, Any]:
        scene = segment.scene
        if scene:
            if self._rehearsal:
                await self._preview_only(scene)
            else:
                await self._switcher.take(scene)  # raises when OBS refuses or never starts it
        # The scene is on air now: whatever happens to the lower third, the take stands.
        lower_third_error = await self._show_lower_third(segment, scene)
        await self._runner.go_live(segment.id)
        actual = self._runner.now()
        self._record(AsRunKind.TAKE.value, segment, scene=scene, rehearsal=self._rehearsal,
                     lower_third_error=lower_third_error,
                     planned=segment.planned_start, actual=actual)
        log.info("take", extra={"segment_id": segment.id, "scene": scene,
                                "rehearsal": self._rehearsal})
        answer: dict[str, Any] = {"segment_id": segment.id, "scene": scene,
                                  "rehearsal": self._rehearsal}
        if lower_third_error:
            answer["lower_third_error"] = lower_third_error
        return answer

    async def _show_lower_third(self, segment: Segment, scene: str | None) -> str | None:
        if not scene or self._lower_thirds is None:
            return None
        try:
            await self._lower_thirds.show_for(segment, scene)
        except ObsError as error:
            message = f"lower third not shown: {error} (run preflight / provision)"
            log.info(message, extra={"segment_id": segment.id})
            self.problem.emit(message)
            return message
        return None

    async def _preview_only(self, scene: str) -> None:
        if not self._mirror.snapshot.studio_mode:
            await self._switcher.set_studio_mode(True)
        await self._switcher.preview(scene)

    async def back(self) -> dict[str, Any]:
        state = await self._runner.back()
        live = state.live
        return {"segment_id": live.segment_id if live else None}

    async def skip(self) -> dict[str, Any]:
        segment = self._runner.next_segment()
        if segment is None:
            raise ShowRunnerError("nothing to skip: the rundown is at its end")
        await self._runner.skip(segment.id)
        return {"skipped": segment.id}

    async def hold(self) -> dict[str, Any]:
        """Hold the live segment's clock, or release it when it is on hold."""
        if self._runner.live.on_hold:
            await self._runner.release_hold()
        else:
            await self._runner.hold()
        return {"on_hold": self._runner.live.on_hold}

    async def add_time(self, seconds: float) -> dict[str, Any]:
        await self._runner.add_time(seconds)
        return {"added_s": seconds}

    async def message(self, text: str) -> dict[str, Any]:
        self.presenter_message = text
        self._record("message", None, text=text)
        self.message_changed.emit(text)
        return {"message": text}

    # -- state for the control API ------------------------------------------------

    async def state(self) -> dict[str, Any]:
        now = self._runner.now()
        stage = self._runner.stage
        timing = compute_timing(stage, self._runner.live, now) if stage else None
        live_run = self._runner.live.live
        live_segment = self._segment(live_run.segment_id) if live_run else None
        snapshot = self._mirror.snapshot
        return {
            "live": self._describe(live_segment, timing.live if timing else None),
            "next": self._describe(self._runner.next_segment(), None),
            "drift_s": timing.drift_s if timing else 0.0,
            "rehearsal": self._rehearsal,
            "message": self.presenter_message,
            "obs": {"state": snapshot.state.value, "program_scene": snapshot.program_scene,
                    "preview_scene": snapshot.preview_scene, "studio_mode": snapshot.studio_mode},
        }

    def _segment(self, segment_id: str) -> Segment | None:
        return next((s for s in self._runner.segments() if s.id == segment_id), None)

    @staticmethod
    def _describe(segment: Segment | None, live: LiveTiming | None) -> dict[str, Any] | None:
        if segment is None:
            return None
        return {
            "segment_id": segment.id,
            "title": segment.title,
            "speakers": [speaker.name for speaker in segment.speakers],
            "scene": segment.scene,
            "started_at": live.started_at.isoformat() if live else None,
            "elapsed_s": round(live.elapsed_s, 1) if live else None,
            "remaining_s": round(live.remaining_s, 1) if live else None,
            "phase": live.phase.value if live else None,
        }

    def _record(self, kind: str, segment: Segment | None, **details: Any) -> None:
        planned, actual = details.pop("planned", None), details.pop("actual", None)
        now = self._runner.now()
        self._writer.append(AsRunEntry(
            at_utc=now, kind=kind, console=self._console, role=ConsoleRole.STAGE.value,
            segment_id=segment.id if segment else None, planned=planned, actual=actual,
            details={key: value for key, value in details.items() if value is not None},
        ))
