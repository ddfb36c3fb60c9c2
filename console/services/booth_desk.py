"""One interpreter booth's console: ready, handover, flags and the cough button.

The booth's state is shared by every console of the booth (the two partners'
consoles) and heard by every other console through OBS (``BoothSync``); a change
counts once OBS took the broadcast. Who is on and who is next, and so what this
booth does now (rest on the floor, interpret directly, take relay from its
pivot), come from the stage console's summary; before the stage console is heard
from, none of that is known and the desk says so rather than guess.

Handover: one partner asks (the request lapses after a minute), the other
partner's console accepts (its interpreter takes the microphone) or declines.
Partners tell each other apart by their interpreter names.

Cough: the booth's OBS input is muted while the button is held (a request in
the console's foreground lane: the booth console never takes, so nothing waits
in front of it), and unmuted on release; a mute held longer than
:data:`COUGH_LIMIT_S` (a Stream Deck that never sent the release) lifts by itself,
and so does a mute still on when the console closes.

Signals (psygnal, on the event loop's thread):
    changed(object): this booth's newest :class:`~console.models.booth.BoothState`.
    stage_changed(object): the stage's newest
        :class:`~console.models.stage_summary.StageSummary`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, NoReturn

from psygnal import Signal, SignalInstance

from console.models import booth
from console.models.booth import BoothState, Handover, HandoverState
from console.models.channels import ChannelRole, input_name
from console.models.errors import OperatorError
from console.models.obs_state import ConnectionState
from console.models.stage_summary import SegmentSummary, StageSummary
from console.obs.errors import ObsError
from console.obs.gateway import ObsGateway
from console.services.background import BackgroundTask
from console.services.booth_sync import BoothSync
from console.services.channel_board import handover_row

log = logging.getLogger(__name__)

COUGH_LIMIT_S = 30.0
NOT_THE_STAGE = ("this console is an interpreter booth: takes, the rundown and the presenter "
                 "are run from the stage console")


class BoothError(OperatorError):
    """A booth action refused: nothing was changed."""


class BoothDesk:
    """What an interpreter can do at the booth's console, for the window and the API."""

    changed = Signal(object)
    stage_changed = Signal(object)

    def __init__(self, sync: BoothSync, obs: ObsGateway, language: str, interpreter: str,
                 *, clock: Callable[[], datetime],
                 cough_limit_s: float = COUGH_LIMIT_S,
                 audio: Mapping[str, ObsGateway] | None = None) -> None:
        self._sync = sync
        self._obs = obs
        # The gateways of the OBS instances the plan may put this booth on, by name (the
        # main OBS's is ``obs`` unless given here).
        self._audio = dict(audio or {})
        self.language = language
        self.interpreter = interpreter  # the person at this console
        self._clock = clock
        self._cough_limit_s = cough_limit_s
        self._muted_input: str | None = None  # the input this console muted, while it is
        self._muted_on: ObsGateway | None = None  # and the OBS it is on
        self._cough_presses = 0
        self._release = BackgroundTask(f"cough-release-{language}", self._release_later)
        sync.changed.connect(self._on_state)
        sync.stage_changed.connect(self.stage_changed.emit)

    # -- what the booth sees -------------------------------------------------------------

    @property
    def state(self) -> BoothState:
        return self._sync.state(self.language) or BoothState(self.language)

    @property
    def stage(self) -> StageSummary | None:
        return self._sync.stage

    @property
    def obs_state(self) -> ConnectionState:
        return self._obs.state

    @property
    def obs_state_changed(self) -> SignalInstance:
        """``obs_state_changed(ConnectionState)``."""
        return self._obs.state_changed

    def now(self) -> datetime:
        return self._clock()

    @property
    def input_name(self) -> str:
        """The booth's OBS input: as the stage's channel plan names it, else the default."""
        stage = self.stage
        channel = stage.plan.channel(self.language) if stage is not None else None
        return channel.input if channel is not None else input_name(self.language)

    def role(self) -> ChannelRole | None:
        """What this booth does now (None: the stage console has not been heard from)."""
        stage = self.stage
        return stage.role_of(self.language) if stage is not None else None

    def pivot(self) -> str | None:
        """The booth this one takes relay from when it does not understand the speaker."""
        stage = self.stage
        channel = stage.plan.channel(self.language) if stage is not None else None
        return channel.pivot if channel is not None else None

    def on_air(self) -> bool | None:
        """Whether the audience hears this booth now (None: not known yet)."""
        stage = self.stage
        return stage.on_air(self.language, muted=self.state.coughing) \
            if stage is not None else None

    def handover(self) -> booth.Handover | None:
        return booth.current_handover(self.state, self.now())

    def awaiting_my_answer(self) -> booth.Handover | None:
        """A partner's request this console may accept or decline."""
        handover = self.handover()
        if handover is not None and handover.state is HandoverState.REQUESTED and \
                handover.requested_by != self.interpreter:
            return handover
        return None

    # -- actions -----------------------------------------------------------------------

    async def set_ready(self, ready: bool) -> dict[str, Any]:
        def change(state: BoothState) -> BoothState:
            # Whoever says the booth is ready, with nobody at the microphone, takes it.
            interpreter = state.interpreter or (self.interpreter if ready else "")
            if state.ready == ready and state.interpreter == interpreter:
                return state
            return self._changed(state, ready=ready, interpreter=interpreter)

        state = await self._sync.publish(self.language, change)
        log.info("booth %s %s", self.language, "ready" if state.ready else "not ready",
                 extra={"language": self.language, "ready": state.ready})
        return {"language": self.language, "ready": state.ready,
                "interpreter": state.interpreter or None}

    async def request_handover(self) -> dict[str, Any]:
        def change(state: BoothState) -> BoothState:
            pending = booth.current_handover(state, self.now())
            if pending is not None and pending.state is HandoverState.REQUESTED:
                raise BoothError(f"{pending.requested_by} already asked for a handover; the "
                                 f"request lapses in {self._lapses_in(pending)} s")
            return self._changed(state, handover=Handover(self.interpreter, self.now()))

        state = await self._sync.publish(self.language, change)
        log.info("handover requested", extra={"language": self.language})
        return {"language": self.language, "handover": handover_row(state, self.now())}

    async def answer_handover(self, accept: bool) -> dict[str, Any]:
        def change(state: BoothState) -> BoothState:
            pending = booth.current_handover(state, self.now())
            if pending is None or pending.state is not HandoverState.REQUESTED:
                lapsed = pending is not None and pending.state is HandoverState.LAPSED
                raise BoothError("no handover request is waiting" +
                                 (": the last one lapsed" if lapsed else ""))
            if pending.requested_by == self.interpreter:
                raise BoothError("that is this console's own request: the partner's console "
                                 "accepts or declines it")
            if not accept:
                return self._changed(state, handover=replace(
                    pending, state=HandoverState.DECLINED))
            return self._changed(state, interpreter=self.interpreter,
                                 handover=replace(pending, state=HandoverState.ACCEPTED))

        state = await self._sync.publish(self.language, change)
        log.info("handover %s", "accepted" if accept else "declined",
                 extra={"language": self.language})
        return {"language": self.language, "interpreter": state.interpreter or None,
                "handover": handover_row(state, self.now())}

    async def handover_action(self, accept: bool | None) -> dict[str, Any]:
        """The control API's handover: None asks, True or False answers the partner."""
        if accept is None:
            return await self.request_handover()
        return await self.answer_handover(accept)

    async def set_need_relay(self, on: bool) -> dict[str, Any]:
        state = await self._set_flag(need_relay=on)
        return {"language": self.language, "need_relay": state.need_relay}

    async def set_no_floor_sound(self, on: bool) -> dict[str, Any]:
        state = await self._set_flag(no_floor_sound=on)
        return {"language": self.language, "no_floor_sound": state.no_floor_sound}

    async def _set_flag(self, **flags: bool) -> BoothState:
        def change(state: BoothState) -> BoothState:
            if all(getattr(state, name) == value for name, value in flags.items()):
                return state
            return self._changed(state, **flags)

        return await self._sync.publish(self.language, change)

    # -- the cough button ----------------------------------------------------------------

    async def cough(self, on: bool) -> dict[str, Any]:
        """Mute the booth's input while the interpreter coughs (``on``), unmute after."""
        self._cough_presses += 1
        if on:
            await self._release.stop()  # a new press gets the whole limit
        muted = await self._mute(on)
        if on:
            self._release.start()
        await self._publish_coughing(on)
        return {"language": self.language, "coughing": on, "input": muted}

    async def _mute(self, on: bool) -> str:
        # Unmute what was muted, even if the plan has renamed or moved the input since.
        if on:
            target, gateway = self.input_name, self._audio_gateway()
        else:
            target = self._muted_input or self.input_name
            gateway = self._muted_on or self._audio_gateway()
        await gateway.set_input_mute(target, on)
        self._muted_input, self._muted_on = (target, gateway) if on else (None, None)
        return target

    def _audio_gateway(self) -> ObsGateway:
        """The gateway of the OBS that carries this booth's input."""
        stage = self.stage
        channel = stage.plan.channel(self.language) if stage is not None else None
        return self._audio.get(channel.obs, self._obs) if channel is not None else self._obs

    async def _publish_coughing(self, on: bool) -> None:
        await self._sync.publish(self.language, lambda state: state if state.coughing == on
                                 else self._changed(state, coughing=on))

    async def _release_later(self) -> None:
        press = self._cough_presses
        await asyncio.sleep(self._cough_limit_s)
        if press == self._cough_presses and self._muted_input is not None:
            log.info("cough mute lifted after %g s without a release", self._cough_limit_s,
                     extra={"language": self.language})
            await self._mute(False)
            await self._publish_coughing(False)

    async def close(self) -> None:
        self._sync.changed.disconnect(self._on_state)
        self._sync.stage_changed.disconnect(self.stage_changed.emit)
        await self._release.stop()
        if self._muted_input is None:
            return
        try:  # never leave the booth muted behind a closed console
            async with asyncio.timeout(2.0):
                await self._mute(False)
                await self._publish_coughing(False)
        except (ObsError, TimeoutError) as error:
            log.error("the booth's input %r may still be muted: %s", self._muted_input, error)

    # -- helpers -------------------------------------------------------------------------

    def _changed(self, state: BoothState, **changes: Any) -> BoothState:
        # The booth speaking for itself ends any override the stage manager made.
        return booth.changed(state, self.now(), self._sync.me.console,
                             **{"override_by": None, "role": self._sync.me.role.value,
                                **changes})

    def _lapses_in(self, handover: Handover) -> int:
        return max(0, round((handover.lapsed_at() - self.now()).total_seconds()))

    def _on_state(self, state: BoothState) -> None:
        if state.language == self.language:
            self.changed.emit(state)

    def describe(self) -> dict[str, Any]:
        """This booth and the stage as the control API shows them."""
        state, stage, role = self.state, self.stage, self.role()
        return {
            "role": "interpreter", "language": self.language, "interpreter": self.interpreter,
            "booth": {
                "ready": state.ready, "at_microphone": state.interpreter or None,
                "need_relay": state.need_relay, "no_floor_sound": state.no_floor_sound,
                "coughing": state.coughing, "input": self.input_name,
                "mode": role.mode.value if role else None,
                "relay_from": role.relay_from if role else None, "pivot": self.pivot(),
                "on_air": self.on_air(), "handover": handover_row(state, self.now()),
                "seq": state.seq},
            "stage": None if stage is None else {
                "show": stage.show, "floor_language": stage.floor_language,
                "rehearsal": stage.rehearsal, "live": _segment(stage.live),
                "next": _segment(stage.next)},
            "obs": {"state": self._obs.state.value},
        }


def _segment(segment: SegmentSummary | None) -> dict[str, Any] | None:
    if segment is None:
        return None
    return {"title": segment.title, "speakers": list(segment.speakers),
            "language": segment.language,
            "started_at": segment.started_at.isoformat() if segment.started_at else None,
            "planned_duration_s": segment.planned_duration_s}


class BoothControl:
    """The control API's stage actions on a booth console: refused, every one (409)."""

    def __init__(self, desk: BoothDesk) -> None:
        self._desk = desk

    async def state(self) -> dict[str, Any]:
        return self._desk.describe()

    async def take(self, *, override: bool = False) -> dict[str, Any]:
        _refuse()

    async def back(self) -> dict[str, Any]:
        _refuse()

    async def skip(self) -> dict[str, Any]:
        _refuse()

    async def hold(self) -> dict[str, Any]:
        _refuse()

    async def add_time(self, seconds: float) -> dict[str, Any]:
        _refuse()

    async def message(self, text: str) -> dict[str, Any]:
        _refuse()

    async def set_rehearsal(self, enabled: bool) -> dict[str, Any]:
        _refuse()


def _refuse() -> NoReturn:
    raise BoothError(NOT_THE_STAGE)
