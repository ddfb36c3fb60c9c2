"""Every interpretation channel at a glance, for the control API on every console.

One row per channel of the plan (the stage's show, or what the stage console
said), then any other booth heard from: its OBS and input, what it does now
(floor, direct, relay), whether the booth is ready and who is at the microphone,
its flags, whether it is on air, its signal and level, and whether OBS has its
input muted. Signal and level come
from a :class:`MeterSource` when one is given (the meter feed); until then they
are "unknown" and None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

from console.models import booth
from console.models.booth import BoothState
from console.models.channels import ChannelConfig, ChannelPlan
from console.models.meters import Signal, SignalState
from console.models.stage_summary import StageSummary
from console.services.booth_sync import BoothSync


class MeterSource(Protocol):
    def signal_of(self, obs: str, input_name: str) -> Signal | None:
        """The newest signal of an OBS input (None: not measured)."""

    def muted_of(self, obs: str, input_name: str) -> bool | None:
        """Whether OBS has the input muted (None: unknown)."""


def handover_row(state: BoothState | None, now: datetime) -> dict[str, Any] | None:
    handover = booth.current_handover(state, now) if state is not None else None
    if handover is None:
        return None
    return {"requested_by": handover.requested_by,
            "requested_at": handover.requested_at.isoformat(), "state": handover.state.value,
            "lapses_in_s": round(max(0.0, (handover.lapsed_at() - now).total_seconds()), 1)
            if handover.state is booth.HandoverState.REQUESTED else None}


def channel_row(language: str, channel: ChannelConfig | None, state: BoothState | None,
                summary: StageSummary | None, *, signal: Signal | None,
                now: datetime, muted: bool | None = None) -> dict[str, Any]:
    """One channel as the control API shows it."""
    floor = channel is not None and channel.floor
    role = summary.role_of(language) if summary is not None else None
    coughing = state is not None and state.coughing
    measured = signal is not None and signal.state not in (SignalState.UNKNOWN,
                                                            SignalState.NO_INPUT)
    return {
        "language": language,
        "obs": channel.obs if channel else None,
        "input": channel.input if channel else None,
        "floor": floor,
        "mode": role.mode.value if role else None,
        "relay_from": role.relay_from if role else None,
        # The floor has no booth; a booth never heard from has not said it is ready.
        "ready": None if floor else state is not None and state.ready,
        "interpreter": (state.interpreter or None) if state is not None else None,
        "need_relay": state is not None and state.need_relay,
        "no_floor_sound": state is not None and state.no_floor_sound,
        "coughing": coughing,
        "handover": handover_row(state, now),
        "on_air": summary.on_air(language, muted=coughing) if summary is not None else None,
        "signal": (signal.state if signal is not None else SignalState.UNKNOWN).value,
        "level_db": round(signal.level_db, 1) if signal is not None and measured else None,
        "muted": muted,
        "updated_at": state.updated_at.isoformat()
        if state is not None and state.updated_at else None,
    }


def channel_rows(summary: StageSummary | None, states: Mapping[str, BoothState],
                 meters: MeterSource | None, now: datetime,
                 also: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The plan's channels in its order, then booths heard from outside it (and ``also``)."""
    plan = summary.plan if summary is not None else ChannelPlan()
    languages = [channel.language for channel in plan.channels]
    languages += sorted({*states, *also} - set(languages))
    rows = []
    for language in languages:
        channel = plan.channel(language)
        signal, muted = None, None
        if meters is not None and channel is not None:
            signal = meters.signal_of(channel.obs, channel.input)
            muted = meters.muted_of(channel.obs, channel.input)
        rows.append(channel_row(language, channel, states.get(language), summary,
                                signal=signal, now=now, muted=muted))
    return rows


class ChannelBoard:
    """The channel rows of this console, from its sync, the stage summary and the meters."""

    def __init__(self, sync: BoothSync, summary: Callable[[], StageSummary | None],
                 clock: Callable[[], datetime], *, meters: MeterSource | None = None,
                 own_language: str | None = None) -> None:
        self._sync = sync
        self._summary = summary
        self._clock = clock
        self._meters = meters
        self._also = (own_language,) if own_language else ()

    def set_meters(self, meters: MeterSource | None) -> None:
        """Take signal and level from ``meters`` from now on."""
        self._meters = meters

    def rows(self) -> list[dict[str, Any]]:
        return channel_rows(self._summary(), self._sync.states, self._meters, self._clock(),
                            self._also)
