"""The interpretation desk: every channel's signal, booth state and role, and its alarms.

Ten times a second it looks at the newest meter frame (it never sees every frame:
the meter feed keeps only the newest), follows each channel's signal
(``console.models.meters.follow``), and works out which channels are on air and
what each booth does for the speaker on the floor (``channel_modes``). A channel
on air that goes silent for longer than the plan allows, or loses its input, is an
alarm; the console that runs the show writes the start and end of every outage,
and every change of a booth's state, to the as-run log (its ``language`` column).

Levels change twenty times a second and are read by the window on its own timer
(:meth:`InterpretationDesk.levels`); ``changed`` fires only when something a person
must notice changed (a signal state, readiness, a mode, an alarm).

Signals (psygnal, on the event loop's thread):
    changed(object): the channels (``tuple[ChannelView, ...]``), when anything but a
        level changed.
    plan_changed(object): the new :class:`ChannelPlan` (channels came or went).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from psygnal import Signal as PsygnalSignal
from psygnal import SignalInstance

from console.models.asrun import AsRunKind
from console.models.booth import BoothState, HandoverState, current_handover
from console.models.channels import (
    ChannelConfig,
    ChannelMode,
    ChannelPlan,
    ChannelRole,
    ReadinessPolicy,
    channel_modes,
    heard_on_air,
)
from console.models.meters import FLOOR_DB, MeterReading, Signal, SignalState, follow
from console.models.show import Segment
from console.services.asrun_log import AsRunLog
from console.services.background import BackgroundTask
from console.services.show_runner import ShowRunner

log = logging.getLogger(__name__)

POLL_S = 0.1
MUTED = "muted in OBS"
# A cough mutes the input in OBS a moment before the booth's state says it coughs;
# a mute that lasts longer than this on air is no cough.
MUTED_ALARM_AFTER_S = 2.0
# Whether an OBS input is muted (None: unknown), by OBS connection name and input name.
MuteReader = Callable[[str, str], bool | None]
Monotonic = Callable[[], float]
# The newest meter readings of one OBS connection (by its name), by input name; None
# while that OBS is not connected.
MeterReader = Callable[[str], Mapping[str, MeterReading] | None]


class BoothSource(Protocol):
    """Where booth states come from (the consoles' messages through OBS)."""

    @property
    def changed(self) -> SignalInstance: ...  # (BoothState)

    @property
    def states(self) -> Mapping[str, BoothState]: ...


@dataclass(frozen=True)
class ChannelView:
    """One channel as the stage manager and the control API see it."""

    language: str
    obs: str
    input: str
    floor: bool
    signal: SignalState
    level_db: float
    on_air: bool
    mode: ChannelMode
    relay_from: str | None
    ready: bool | None  # None: no booth has said anything yet
    interpreter: str
    ready_since: datetime | None  # when the booth last said it
    handover: HandoverState | None
    need_relay: bool
    no_floor_sound: bool
    override_by: str | None
    muted: bool | None = None  # the OBS input's mute (None: unknown)
    mute_alarm: bool = False  # muted in OBS, on air, longer than a cough's press takes

    @property
    def alarm(self) -> bool:
        return self.on_air and (self.signal.alarming or self.mute_alarm)

    @property
    def problem(self) -> str:
        """What is wrong, in the as-run log's and the alarm band's words."""
        if self.signal.alarming or not self.mute_alarm:
            return self.signal.value
        return MUTED

    def to_json(self) -> dict[str, Any]:
        """The control API's shape (``GET /api/state`` ``channels``)."""
        return {"language": self.language, "obs": self.obs, "input": self.input,
                "ready": self.ready, "signal": self.signal.value,
                "level_db": None if self.signal is SignalState.UNKNOWN
                else round(self.level_db, 1),
                "on_air": self.on_air, "interpreter": self.interpreter or None,
                "mode": self.mode.value, "relay_from": self.relay_from,
                "alarm": self.alarm, "muted": self.muted}


class InterpretationDesk:
    """Follows the show's channels; see the module docstring."""

    changed = PsygnalSignal(object)
    plan_changed = PsygnalSignal(object)

    def __init__(self, plan: ChannelPlan, floor_language: str, runner: ShowRunner,
                 asrun: AsRunLog, *, read_meters: MeterReader, booths: BoothSource | None = None,
                 runs_the_show: Callable[[], bool] = lambda: True,
                 read_mutes: MuteReader = lambda _obs, _input: None,
                 monotonic: Monotonic = time.monotonic) -> None:
        self.plan = plan
        self._floor_language = floor_language
        self._runner = runner
        self._asrun = asrun
        self._read_meters = read_meters
        self._booths = booths
        self._runs_the_show = runs_the_show
        self._read_mutes = read_mutes
        self._monotonic = monotonic
        self._muted_since: dict[str, float] = {}
        self._signals: dict[str, Signal] = {c.language: Signal() for c in plan.channels}
        self._outage_since: dict[str, datetime] = {}
        self._known_booths: dict[str, BoothState] = {}
        self._views: tuple[ChannelView, ...] = ()
        self._poller = BackgroundTask("interpretation-desk", self._poll_forever)
        if booths is not None:
            booths.changed.connect(self._on_booth)
        self.poll()

    def start(self) -> None:
        self._poller.start()

    def set_plan(self, plan: ChannelPlan, floor_language: str) -> None:
        """Follow ``plan`` from now on; a channel that keeps its language keeps its signal,
        and an outage on a channel that is gone ends in the record."""
        self.plan, self._floor_language = plan, floor_language
        self._signals = {c.language: self._signals.get(c.language, Signal())
                         for c in plan.channels}
        for language in [lang for lang in self._outage_since if plan.channel(lang) is None]:
            since = self._outage_since.pop(language)
            if self._runs_the_show():
                self._asrun.record(AsRunKind.INTERPRETER, language=language,
                                   event="outage_end", signal="channel removed",
                                   outage_s=round((self._runner.now() - since)
                                                  .total_seconds(), 1))
        self._views = ()
        self.plan_changed.emit(plan)
        self.poll()

    async def close(self) -> None:
        if self._booths is not None:
            self._booths.changed.disconnect(self._on_booth)
        await self._poller.stop()

    @property
    def views(self) -> tuple[ChannelView, ...]:
        return self._views

    def levels(self) -> dict[str, tuple[float, float]]:
        """Each channel's level and held peak in dBFS from the newest meter frame: the
        window reads this on its own timer, more often than the desk looks."""
        frames = self._frames()
        levels = {}
        for channel in self.plan.channels:
            reading = (frames[channel.obs] or {}).get(channel.input)
            held = self._signals[channel.language].peak_hold_db
            levels[channel.language] = (reading.level_db, max(held, reading.peak_db)) \
                if reading is not None else (FLOOR_DB, FLOOR_DB)
        return levels

    def signal_of(self, obs: str, input_name: str) -> Signal | None:
        """The followed signal of an OBS input that carries a channel (the control API's
        channel rows read it)."""
        channel = next((c for c in self.plan.channels
                        if c.obs == obs and c.input == input_name), None)
        return self._signals.get(channel.language) if channel is not None else None

    def muted_of(self, obs: str, input_name: str) -> bool | None:
        """Whether OBS has that input muted (None: unknown), for the API's channel rows."""
        return self._read_mutes(obs, input_name)

    def view(self, language: str) -> ChannelView | None:
        return next((v for v in self._views if v.language == language), None)

    # -- readiness for a take ---------------------------------------------------------

    @property
    def readiness(self) -> ReadinessPolicy:
        return self.plan.readiness

    def take_warnings(self, segment: Segment) -> list[str]:
        """What is wrong with the channels that go on air with ``segment``, in words."""
        roles = channel_modes(self.plan, _speaker_language(segment), self._floor_language)
        warnings = []
        for channel in self.plan.channels:
            role = roles[channel.language]
            view = self.view(channel.language)
            if view is None or (role.mode is ChannelMode.FLOOR and not channel.floor):
                continue
            if view.signal is SignalState.NO_INPUT:
                warnings.append(f"{channel.language}: no input in OBS ({channel.input})")
            elif view.signal is SignalState.SILENT:
                warnings.append(f"{channel.language}: silent")
            if view.muted:
                warnings.append(f"{channel.language}: {MUTED} ({channel.input})")
            if not channel.floor and view.ready is not True:
                warnings.append(f"{channel.language}: the booth is not ready")
            if role.mode is ChannelMode.NO_SOURCE:
                warnings.append(f"{channel.language}: no booth can serve it (no pivot)")
        return warnings

    # -- following -------------------------------------------------------------------

    async def _poll_forever(self) -> None:
        while True:
            await asyncio.sleep(POLL_S)
            try:
                self.poll()
            except Exception:  # a bug here must not silence every alarm for the show
                log.exception("the interpretation desk's look at the channels failed")

    def poll(self) -> None:
        """One look at the meters and the booths; announce what changed."""
        now = self._monotonic()
        frames = self._frames()
        roles = channel_modes(self.plan, self._speaker_language(), self._floor_language)
        views = tuple(self._follow(channel, frames[channel.obs], roles[channel.language], now)
                      for channel in self.plan.channels)
        self._record_outages(views)
        if _without_levels(views) != _without_levels(self._views):
            self._views = views
            self.changed.emit(views)
        self._views = views

    def _frames(self) -> dict[str, Mapping[str, MeterReading] | None]:
        return {obs: self._read_meters(obs) for obs in self.plan.obs_names}

    def _follow(self, channel: ChannelConfig, readings: Mapping[str, MeterReading] | None,
                role: ChannelRole, now: float) -> ChannelView:
        on_air = self._on_air(channel, role)
        signal = self._signals[channel.language]
        if readings is None:
            signal = replace(signal, state=SignalState.UNKNOWN, level_db=FLOOR_DB)
        else:
            signal = follow(signal, readings.get(channel.input), now, on_air=on_air,
                            silent_after_s=self.plan.silent_after_s)
        self._signals[channel.language] = signal
        muted = self._read_mutes(channel.obs, channel.input)
        booth = self._booth(channel.language)
        handover = current_handover(booth, self._runner.now()) if booth else None
        return ChannelView(
            muted=muted, mute_alarm=self._mute_alarm(channel.language, muted, on_air, now),
            language=channel.language, obs=channel.obs, input=channel.input,
            floor=channel.floor, signal=signal.state, level_db=signal.level_db,
            on_air=on_air, mode=role.mode, relay_from=role.relay_from,
            ready=booth.ready if booth else None,
            interpreter=booth.interpreter if booth else "",
            ready_since=booth.updated_at if booth else None,
            handover=handover.state if handover else None,
            need_relay=booth.need_relay if booth else False,
            no_floor_sound=booth.no_floor_sound if booth else False,
            override_by=booth.override_by if booth else None)

    def _mute_alarm(self, language: str, muted: bool | None, on_air: bool,
                    now: float) -> bool:
        if not (muted and on_air):
            self._muted_since.pop(language, None)
            return False
        since = self._muted_since.setdefault(language, now)
        return now - since >= MUTED_ALARM_AFTER_S

    def _on_air(self, channel: ChannelConfig, role: ChannelRole) -> bool:
        live = self._runner.live
        booth = self._booth(channel.language)
        return heard_on_air(channel, role, live=live.live is not None,
                            rehearsal=live.rehearsal,
                            muted=booth is not None and booth.coughing)

    def _speaker_language(self) -> str | None:
        segment = self._runner.live_segment()
        return _speaker_language(segment) if segment is not None else None

    def _booth(self, language: str) -> BoothState | None:
        if self._booths is None:
            return None
        return self._booths.states.get(language)

    # -- the record -------------------------------------------------------------------

    def _record_outages(self, views: tuple[ChannelView, ...]) -> None:
        if not self._runs_the_show():
            # Another console keeps the record; if this one takes over, an outage still
            # going on then starts its own rows.
            self._outage_since.clear()
            return
        now = self._runner.now()
        for view in views:
            since = self._outage_since.get(view.language)
            if view.alarm and since is None:
                self._outage_since[view.language] = now
                log.warning("channel %s: %s on air", view.language, view.problem,
                            extra={"language": view.language, "signal": view.signal.value,
                                   "muted": view.muted})
                self._asrun.record(AsRunKind.INTERPRETER, language=view.language,
                                   event="outage_start", signal=view.signal.value,
                                   input=view.input, muted=view.muted or None)
            elif not view.alarm and since is not None:
                del self._outage_since[view.language]
                log.info("channel %s: sound is back", view.language,
                         extra={"language": view.language})
                self._asrun.record(AsRunKind.INTERPRETER, language=view.language,
                                   event="outage_end", signal=view.signal.value,
                                   outage_s=round((now - since).total_seconds(), 1))

    def _on_booth(self, state: BoothState) -> None:
        before = self._known_booths.get(state.language)
        self._known_booths[state.language] = state
        if self._runs_the_show() and _booth_facts(before) != _booth_facts(state):
            handover = state.handover.state.value if state.handover else None
            self._asrun.record(AsRunKind.INTERPRETER, language=state.language,
                               event="booth", ready=state.ready,
                               interpreter=state.interpreter or None, handover=handover,
                               need_relay=state.need_relay or None,
                               no_floor_sound=state.no_floor_sound or None,
                               override_by=state.override_by, console=state.console)
        self.poll()


def _speaker_language(segment: Segment) -> str | None:
    return segment.speakers[0].language if segment.speakers else None


def _without_levels(views: tuple[ChannelView, ...]) -> tuple[ChannelView, ...]:
    return tuple(replace(view, level_db=FLOOR_DB) for view in views)


def _booth_facts(state: BoothState | None) -> tuple[Any, ...] | None:
    if state is None:
        return None
    handover = state.handover.state if state.handover else None
    return (state.ready, state.interpreter, handover, state.need_relay,
            state.no_floor_sound, state.override_by)
