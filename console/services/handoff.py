"""The speaker handoff: one take puts the next segment on air, stamped when OBS starts it.

A take holds the switcher's one take slot from choosing the segment to recording
it, so takes from the keyboard, the window, the control API and a Stream Deck
can arrive together and still go on air strictly in rundown order, each segment
once: a second take while one is in flight is refused (:class:`TakeInFlight`).

Order: the scene to program (studio mode: preview, then the transition; in
rehearsal only to preview, program untouched), confirmed by OBS for that scene;
the segment goes live *as of the instant OBS started the transition* (its timer,
the as-run ``take`` row with planned, actual and deviation); then, with the slot
already free, its lower third. A take OBS refuses stops before anything is
recorded; a lower third that fails (OBS, disk, renderer) never undoes or hides a
take that is on air: it is reported and logged as a ``lower_third`` row.

Before a take, the interpretation channels that will be on air with the segment are
checked (a booth not ready, an input missing in OBS). The show's plan says what that
does: ``warn`` takes and says which channels; ``require`` refuses
(:class:`ChannelsNotReady`) until the operator confirms an override, which is logged.
Rehearsal takes only warn: nothing is on air.

Signals (psygnal, on the event loop's thread):
    message_changed(str): the stage manager's message to the presenter.
    problem(str): something went wrong that did not stop the take (the lower third).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from psygnal import Signal

from console.models.asrun import AsRunKind
from console.models.channels import ReadinessPolicy
from console.models.errors import OperatorError
from console.models.limits import MAX_MESSAGE, check_text
from console.models.show import Segment
from console.models.timing import LiveTiming
from console.obs.mirror import ObsMirror
from console.services.asrun_log import AsRunLog
from console.services.lower_third_output import LowerThirdOutput
from console.services.show_runner import ShowRunner, ShowRunnerError
from console.services.stage_clock import StageClock
from console.services.stage_role import StageRole
from console.services.switcher import SceneSwitcher, TakeConfirmation

log = logging.getLogger(__name__)


class ChannelGate(Protocol):
    """What the take asks the interpretation desk."""

    @property
    def readiness(self) -> ReadinessPolicy: ...

    def take_warnings(self, segment: Segment) -> list[str]: ...


def warned_languages(warnings: list[str]) -> str:
    """``"FR, ES"`` from ``["fr: the booth is not ready", "es: ...", "fr: ..."]``: a
    line short enough for a status line (the whole warnings go to the as-run log)."""
    languages = dict.fromkeys(warning.partition(":")[0].strip().upper()
                              for warning in warnings)
    return ", ".join(languages)


class ChannelsNotReady(OperatorError):
    """The show requires ready channels and some are not: confirm an override to take."""

    def __init__(self, segment: Segment, warnings: list[str]) -> None:
        super().__init__(f"channels not ready for {segment.title!r}: " + "; ".join(warnings)
                         + ". Take anyway with an override")
        self.segment = segment
        self.warnings = warnings

    @property
    def details(self) -> dict[str, object]:
        return {"segment_id": self.segment.id, "channel_warnings": list(self.warnings)}


class HandoffService:
    """Take, back, skip, hold, add time and messages, for the window and the control API."""

    message_changed = Signal(str)
    problem = Signal(str)

    def __init__(self, runner: ShowRunner, switcher: SceneSwitcher, mirror: ObsMirror,
                 clock: StageClock, *, lower_thirds: LowerThirdOutput | None,
                 asrun: AsRunLog, role: StageRole | None = None,
                 channels: ChannelGate | None = None) -> None:
        self._runner = runner
        self._channels = channels
        self._switcher = switcher
        self._mirror = mirror
        self._clock = clock
        self._lower_thirds = lower_thirds
        self._asrun = asrun
        self._role = role
        self.presenter_message = ""

    @property
    def rehearsal(self) -> bool:
        return self._runner.rehearsal

    async def set_rehearsal(self, enabled: bool) -> dict[str, Any]:
        await self._runner.set_rehearsal(enabled)
        log.info("rehearsal mode %s", "on" if enabled else "off", extra={"rehearsal": enabled})
        return {"rehearsal": enabled}

    # -- the take -------------------------------------------------------------------

    async def take(self, segment_id: str | None = None, *,
                   override: bool = False) -> dict[str, Any]:
        """Take the next segment (or ``segment_id``, out of order); ``override`` takes it
        even though the show requires ready channels and some are not."""
        async with self._switcher.exclusive("the next segment") as slot:
            segment = self._choose(segment_id)
            slot.describe(repr(segment.title))
            scene = segment.scene
            rehearsal = self._runner.rehearsal
            warnings = self._check_channels(segment, rehearsal, override)
            confirmation: TakeConfirmation | None = None
            if scene and rehearsal:
                confirmation = await slot.preview_only(scene)
            elif scene:
                confirmation = await slot.program(scene)
            # On air now: recorded as of OBS's instant, whatever follows.
            await self._runner.go_live(segment.id, at=confirmation.at if confirmation else None,
                                       scene=scene)
        log.info("take", extra={"segment_id": segment.id, "scene": scene,
                                "rehearsal": rehearsal})
        answer: dict[str, Any] = {"segment_id": segment.id, "scene": scene,
                                  "rehearsal": rehearsal}
        if confirmation is not None:
            answer["actual"] = confirmation.at.isoformat()
        if warnings:
            answer["channel_warnings"] = warnings
            self._report_channels(segment, warnings, override)
        error = await self._show_lower_third(segment, scene)
        if error:
            answer["lower_third_error"] = error
        await self._asrun.committed()  # the warnings' and the lower third's rows too
        return answer

    def _check_channels(self, segment: Segment, rehearsal: bool, override: bool) -> list[str]:
        if self._channels is None:
            return []
        warnings = self._channels.take_warnings(segment)
        required = self._channels.readiness is ReadinessPolicy.REQUIRE and not rehearsal
        if warnings and required and not override:
            raise ChannelsNotReady(segment, warnings)
        return warnings

    def _report_channels(self, segment: Segment, warnings: list[str], override: bool) -> None:
        event = "take_override" if override else "take_warning"
        self._asrun.record(AsRunKind.INTERPRETER, segment=segment, event=event,
                           warnings=warnings)
        log.info("take with channels not ready", extra={"segment_id": segment.id,
                                                        "override": override})
        verb = "Taken with an override" if override else "Taken"
        self.problem.emit(f"{verb}; channels not ready: {warned_languages(warnings)} "
                          "(see Interpretation)")

    def _choose(self, segment_id: str | None) -> Segment:
        if segment_id is None:
            segment = self._runner.next_segment()
            if segment is None:
                raise ShowRunnerError("nothing left to take: the rundown is at its end")
            return segment
        segment = self._runner.segment(segment_id)
        if segment is None:
            raise ShowRunnerError(f"no segment {segment_id!r} in the show")
        live = self._runner.live.live
        if live is not None and live.segment_id == segment_id:
            raise ShowRunnerError(f"{segment.title!r} is already live")
        return segment

    async def _show_lower_third(self, segment: Segment, scene: str | None) -> str | None:
        if not scene or self._lower_thirds is None:
            return None
        result = await self._lower_thirds.show_for(segment, scene)
        if result.error is None:
            return None
        message = f"{result.error} (the take stands; check preflight / provision)"
        self._asrun.record(AsRunKind.LOWER_THIRD, segment=segment, error=result.error)
        self.problem.emit(message)
        return message

    # -- the other actions -------------------------------------------------------------

    async def back(self) -> dict[str, Any]:
        state = await self._runner.back()
        live = state.live
        return {"segment_id": live.segment_id if live else None}

    async def skip(self) -> dict[str, Any]:
        segment = await self._runner.skip_next()
        return {"skipped": segment.id}

    async def hold(self) -> dict[str, Any]:
        """Hold the live segment's clock, or release it when it is on hold."""
        state = await self._runner.toggle_hold()
        return {"on_hold": state.on_hold}

    async def add_time(self, seconds: float) -> dict[str, Any]:
        state = await self._runner.add_time(seconds)
        live = state.live
        return {"added_s": seconds, "total_added_s": live.added_s if live else None}

    async def message(self, text: str) -> dict[str, Any]:
        text = check_text(text, "text", max_length=MAX_MESSAGE)
        self.presenter_message = text
        self._asrun.record(AsRunKind.MESSAGE, text=text)
        await self._asrun.committed()
        self.message_changed.emit(text)
        return {"message": text}

    # -- state for the control API ------------------------------------------------

    async def state(self) -> dict[str, Any]:
        timing = self._clock.timing
        live_segment = self._runner.live_segment()
        snapshot = self._mirror.snapshot
        return {
            "live": _describe(live_segment, timing.live if timing else None),
            "next": _describe(self._runner.next_segment(), None),
            "drift_s": timing.drift_s if timing else 0.0,
            "rehearsal": self._runner.rehearsal,
            "message": self.presenter_message,
            "take_in_flight": self._switcher.in_flight is not None,
            "stage_role": self._role_state(),
            "obs": {"state": snapshot.state.value, "program_scene": snapshot.program_scene,
                    "preview_scene": snapshot.preview_scene, "studio_mode": snapshot.studio_mode},
        }


    def _role_state(self) -> dict[str, Any]:
        status = self._role.status if self._role is not None else None
        if status is None:
            return {"held": True, "holder": None}
        holder = status.holder
        return {"held": status.held, "holder": holder.describe() if holder else None}


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
