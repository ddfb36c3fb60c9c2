"""An interpreter booth's state, and the messages consoles exchange about it through OBS.

A booth says whether it is ready, who is at the microphone, whether it needs relay
or hears no floor sound, and hands over to its partner: a request that the partner
accepts or declines, and that lapses after :data:`HANDOVER_LAPSES_S`. Every change
is a new :class:`BoothState` with a higher sequence number, so consoles that hear
the same state twice, or late, keep the newest.

:func:`encode` and :func:`decode` are the wire format of the ``CustomEvent``
messages (versioned; a message of another version or shape is refused with the
field named, never half-read). Pure: times are passed in.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from console.models.errors import InvalidValue
from console.models.limits import MAX_NAME, check_instant, check_text

HANDOVER_LAPSES_S = 60.0
APP = "conference-console"
VERSION = 1
KIND = "booth"


class HandoverState(enum.StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"


@dataclass(frozen=True)
class Handover:
    requested_by: str  # the interpreter handing over
    requested_at: datetime
    state: HandoverState = HandoverState.REQUESTED

    def lapsed_at(self) -> datetime:
        return self.requested_at + timedelta(seconds=HANDOVER_LAPSES_S)


@dataclass(frozen=True)
class BoothState:
    language: str
    ready: bool = False
    interpreter: str = ""  # who is at the microphone
    need_relay: bool = False
    no_floor_sound: bool = False
    coughing: bool = False  # the booth's microphone is muted for a moment
    handover: Handover | None = None
    console: str = ""  # the console that said it
    role: str = "interpreter"
    seq: int = 0
    updated_at: datetime | None = None
    override_by: str | None = None  # the stage manager who set this state for the booth


def changed(state: BoothState, at: datetime, console: str, **changes: Any) -> BoothState:
    """``state`` with ``changes``, said by ``console`` at ``at``: the next in sequence."""
    return replace(state, **changes, console=console, seq=state.seq + 1, updated_at=at)


def current_handover(state: BoothState, now: datetime) -> Handover | None:
    """The handover as of ``now``: a request older than a minute has lapsed."""
    handover = state.handover
    if handover is not None and handover.state is HandoverState.REQUESTED and \
            now >= handover.lapsed_at():
        return replace(handover, state=HandoverState.LAPSED)
    return handover


def newer(candidate: BoothState, known: BoothState | None) -> bool:
    """Whether ``candidate`` supersedes ``known`` (the later sequence, then the later time)."""
    if known is None:
        return True
    if candidate.seq != known.seq:
        return candidate.seq > known.seq
    if candidate.updated_at is None or known.updated_at is None:
        return False
    return candidate.updated_at > known.updated_at


# -- the wire format -------------------------------------------------------------------


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def encode(state: BoothState) -> dict[str, Any]:
    """The ``eventData`` of a ``BroadcastCustomEvent`` carrying ``state``."""
    handover = state.handover
    return {
        "app": APP, "v": VERSION, "kind": KIND, "console": state.console, "role": state.role,
        "seq": state.seq, "language": state.language, "ready": state.ready,
        "interpreter": state.interpreter, "need_relay": state.need_relay,
        "no_floor_sound": state.no_floor_sound, "coughing": state.coughing,
        "updated_at": _when(state.updated_at), "override_by": state.override_by,
        "handover": None if handover is None else {
            "requested_by": handover.requested_by,
            "requested_at": _when(handover.requested_at), "state": handover.state.value},
    }


def is_booth_message(data: Mapping[str, Any]) -> bool:
    """Whether a ``CustomEvent`` is ours at all (other tools use custom events too)."""
    return data.get("app") == APP and data.get("kind") == KIND


def decode(data: Mapping[str, Any]) -> BoothState:
    """The state a message carries; :class:`InvalidValue` naming the field otherwise."""
    version = data.get("v")
    if isinstance(version, bool) or not isinstance(version, int) or version != VERSION:
        raise InvalidValue("v", f"message version {data.get('v')!r}; this console reads "
                                f"version {VERSION}")
    return BoothState(
        language=_text(data, "language"), ready=_flag(data, "ready"),
        interpreter=_text(data, "interpreter", empty=True),
        need_relay=_flag(data, "need_relay"), no_floor_sound=_flag(data, "no_floor_sound"),
        coughing=_flag(data, "coughing"), handover=_handover(data.get("handover")),
        console=_text(data, "console"), role=_text(data, "role"), seq=_whole(data, "seq"),
        updated_at=_instant(data, "updated_at"),
        override_by=_text(data, "override_by", empty=True) or None,
    )


def _text(data: Mapping[str, Any], key: str, empty: bool = False, where: str = "") -> str:
    value = data.get(key)
    if value is None and empty:
        return ""
    text = check_text(value, where + key, max_length=MAX_NAME)
    if not text and not empty:
        raise InvalidValue(where + key, "must not be empty")
    return text


def _flag(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise InvalidValue(key, "must be true or false")
    return value


def _whole(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**53:
        raise InvalidValue(key, "must be a whole number from 0")
    return value


def _instant(data: Mapping[str, Any], key: str, where: str = "") -> datetime | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue(where + key, "must be an ISO 8601 date and time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidValue(where + key, f"{value!r} is not an ISO 8601 date and time") \
            from None
    return check_instant(moment, where + key)


def _handover(value: Any) -> Handover | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidValue("handover", "must be an object")
    try:
        state = HandoverState(str(value.get("state")))
    except ValueError:
        raise InvalidValue("handover.state", f"{value.get('state')!r} is not a state") \
            from None
    requested_at = _instant(value, "requested_at", where="handover.")
    if requested_at is None:
        raise InvalidValue("handover.requested_at", "is required")
    return Handover(_text(value, "requested_by", where="handover."), requested_at, state)
