"""An interpreter booth's state, and the messages consoles exchange about it through OBS.

A booth says whether it is ready, who is at the microphone, whether it needs relay
or hears no floor sound, and hands over to its partner: a request that the partner
accepts or declines, and that lapses after :data:`HANDOVER_LAPSES_S`. Every change
is a new :class:`BoothState` with a higher sequence number, so consoles that hear
the same state twice, or late, keep the newest.

:func:`encode` and :func:`decode` are the wire format of the ``CustomEvent``
messages (versioned; a message of another version or shape is refused with the
field named, never half-read). Every message carries ``app``, ``v``, ``kind``, the
sending console's id (``console``), its ``role`` and a sequence number (``seq``).
Three kinds:

- ``booth`` (:data:`KIND`): one booth's :class:`BoothState`; ``seq`` orders the
  states of that booth, whoever said them.
- ``roll_call`` (:data:`KIND_ROLL_CALL`): a console that has just joined asks the
  others for what they know (:class:`RollCall`); ``seq`` counts its roll calls.
- ``stage`` (:data:`KIND_STAGE`): the stage console's
  :class:`~console.models.stage_summary.StageSummary`, who is on and who is next;
  ``seq`` counts that console's summaries.

OBS's persistent data keeps the newest state of every booth in one slot
(:func:`encode_slot`, :func:`decode_slot`), for consoles that join when nobody
else is there to answer. Pure: times are passed in.
"""

from __future__ import annotations

import enum
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from console.models.channels import TRACKS_PER_OUTPUT, ChannelConfig, ChannelPlan
from console.models.errors import InvalidValue
from console.models.limits import (
    MAX_DURATION,
    MAX_NAME,
    MAX_TITLE,
    check_instant,
    check_text,
)
from console.models.stage_summary import SegmentSummary, StageSummary

HANDOVER_LAPSES_S = 60.0
APP = "conference-console"
VERSION = 1
KIND = "booth"
KIND_ROLL_CALL = "roll_call"
KIND_STAGE = "stage"
KINDS = frozenset({KIND, KIND_ROLL_CALL, KIND_STAGE})
# The persistent-data slot (global realm) that keeps the newest state of every booth.
SLOT = "conference-console.booths"
# Enough for any real show; a message listing more is not one of ours.
MAX_CHANNELS = 32
MAX_SPEAKERS = 100
MAX_BOOTHS = 64
# BCP-47 as schedules write it: "fr", "zh-Hant", "es-419".
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
MAX_LANGUAGE = 35


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
    return data.get("app") == APP and data.get("kind") in KINDS


def check_language(value: object, field: str) -> str:
    """A language code as schedules write it ("fr", "zh-Hant"); InvalidValue otherwise."""
    text = check_text(value, field, max_length=MAX_LANGUAGE)
    if not _LANGUAGE.fullmatch(text):
        raise InvalidValue(field, f"{text!r} is not a language code such as 'fr' or 'zh-Hant'")
    return text


def decode(data: Mapping[str, Any]) -> BoothState:
    """The state a message carries; :class:`InvalidValue` naming the field otherwise."""
    _check_version(data)
    return BoothState(
        language=check_language(data.get("language"), "language"), ready=_flag(data, "ready"),
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


def _check_version(data: Mapping[str, Any]) -> None:
    version = data.get("v")
    if isinstance(version, bool) or not isinstance(version, int) or version != VERSION:
        raise InvalidValue("v", f"message version {data.get('v')!r}; this console reads "
                                f"version {VERSION}")


# -- who is asking, and what the stage says --------------------------------------------


@dataclass(frozen=True)
class RollCall:
    """A console that has just joined asks the others to say what they know."""

    console: str
    role: str
    seq: int = 0


def encode_roll_call(call: RollCall) -> dict[str, Any]:
    return {"app": APP, "v": VERSION, "kind": KIND_ROLL_CALL, "console": call.console,
            "role": call.role, "seq": call.seq}


def decode_roll_call(data: Mapping[str, Any]) -> RollCall:
    _check_version(data)
    return RollCall(_text(data, "console"), _text(data, "role"), _whole(data, "seq"))


def encode_stage(summary: StageSummary) -> dict[str, Any]:
    """The ``eventData`` of a stage message: who is on, who is next, the channel plan."""
    return {
        "app": APP, "v": VERSION, "kind": KIND_STAGE, "console": summary.console,
        "role": summary.role, "seq": summary.seq, "sent_at": _when(summary.sent_at),
        "show": summary.show, "floor_language": summary.floor_language,
        "rehearsal": summary.rehearsal,
        "live": _encode_segment(summary.live), "next": _encode_segment(summary.next),
        "channels": [_encode_channel(channel) for channel in summary.plan.channels],
    }


def _encode_segment(segment: SegmentSummary | None) -> dict[str, Any] | None:
    if segment is None:
        return None
    return {"title": segment.title, "speakers": list(segment.speakers),
            "language": segment.language, "started_at": _when(segment.started_at),
            "planned_duration_s": segment.planned_duration_s}


def _encode_channel(channel: ChannelConfig) -> dict[str, Any]:
    return {"language": channel.language, "obs": channel.obs, "input": channel.input,
            "tracks": list(channel.tracks), "floor": channel.floor,
            "covers": list(channel.covers), "pivot": channel.pivot}


def decode_stage(data: Mapping[str, Any]) -> StageSummary:
    """The summary a stage message carries; :class:`InvalidValue` naming the field otherwise."""
    _check_version(data)
    return StageSummary(
        floor_language=check_language(data.get("floor_language"), "floor_language"),
        plan=ChannelPlan(tuple(
            _decode_channel(item, f"channels[{index}]")
            for index, item in enumerate(_items(data, "channels", MAX_CHANNELS)))),
        live=_decode_segment(data.get("live"), "live"),
        next=_decode_segment(data.get("next"), "next"),
        show=_text(data, "show", empty=True), rehearsal=_flag(data, "rehearsal"),
        console=_text(data, "console"), role=_text(data, "role"), seq=_whole(data, "seq"),
        sent_at=_instant(data, "sent_at"),
    )


def newer_stage(candidate: StageSummary, known: StageSummary | None) -> bool:
    """Whether ``candidate`` supersedes ``known``: any summary from another console (the
    stage role moved, or the stage console started again), else a later one."""
    if known is None or candidate.console != known.console:
        return True
    return candidate.seq > known.seq


def _items(data: Mapping[str, Any], key: str, limit: int) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InvalidValue(key, "must be a list")
    if len(value) > limit:
        raise InvalidValue(key, f"has {len(value)} entries; at most {limit} are accepted")
    return value


def _decode_segment(value: Any, where: str) -> SegmentSummary | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidValue(where, "must be an object or null")
    try:
        speakers = tuple(check_text(name, f"speakers[{index}]", max_length=MAX_NAME)
                         for index, name in enumerate(_items(value, "speakers", MAX_SPEAKERS)))
        return SegmentSummary(
            title=check_text(value.get("title"), "title", max_length=MAX_TITLE),
            speakers=speakers, language=check_language(value.get("language"), "language"),
            started_at=_instant(value, "started_at"),
            planned_duration_s=_duration_s(value.get("planned_duration_s")))
    except InvalidValue as error:
        raise InvalidValue(f"{where}.{error.field}", error.problem) from None


def _duration_s(value: Any) -> float:
    longest = MAX_DURATION.total_seconds()
    if isinstance(value, bool) or not isinstance(value, int | float) or \
            not math.isfinite(value) or not 0 <= value <= longest:
        raise InvalidValue("planned_duration_s", f"must be a number of seconds from 0 to "
                                                 f"{longest:g}")
    return float(value)


def _decode_channel(value: Any, where: str) -> ChannelConfig:
    if not isinstance(value, Mapping):
        raise InvalidValue(where, "must be an object")
    try:
        pivot = value.get("pivot")
        return ChannelConfig(
            language=check_language(value.get("language"), "language"),
            obs=_text(value, "obs"), input=_text(value, "input"),
            tracks=tuple(_track(track) for track in _items(value, "tracks", TRACKS_PER_OUTPUT)),
            floor=_flag(value, "floor"),
            covers=tuple(check_language(code, "covers")
                         for code in _items(value, "covers", MAX_CHANNELS)),
            pivot=None if pivot is None else check_language(pivot, "pivot"))
    except InvalidValue as error:
        raise InvalidValue(f"{where}.{error.field}", error.problem) from None


def _track(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or \
            not 1 <= value <= TRACKS_PER_OUTPUT:
        raise InvalidValue("tracks", f"must hold track numbers from 1 to {TRACKS_PER_OUTPUT}")
    return value


Message = BoothState | RollCall | StageSummary


def decode_message(data: Mapping[str, Any]) -> Message:
    """Any of our messages (see :func:`is_booth_message`), by its kind."""
    kind = data.get("kind")
    if kind == KIND:
        return decode(data)
    if kind == KIND_ROLL_CALL:
        return decode_roll_call(data)
    if kind == KIND_STAGE:
        return decode_stage(data)
    raise InvalidValue("kind", f"{kind!r} is not a kind of message this console reads")


# -- OBS's persistent data: the newest state of every booth -----------------------------


def encode_slot(states: Iterable[BoothState]) -> dict[str, Any]:
    """What the persistent-data slot :data:`SLOT` holds: every booth's newest state.

    The states are JSON text in ASCII (``\\u`` escapes), not JSON objects: OBS 29
    (obs-websocket 5.1) hands persistent data back with every non-ASCII character
    mangled (its UTF-8 read as Latin-1: "Amélie" comes back "AmÃ©lie"), and ASCII
    survives that, as it survives a fixed OBS.
    """
    booths = [encode(state) for state in states]
    return {"app": APP, "v": VERSION,
            "booths": json.dumps(booths, ensure_ascii=True, separators=(",", ":"))}


def decode_slot(value: Any) -> tuple[list[BoothState], list[InvalidValue]]:
    """The states the slot holds, and what was wrong with the entries left out (a slot
    never written holds None: no states, nothing wrong)."""
    if value is None:
        return [], []
    if not isinstance(value, Mapping) or value.get("app") != APP:
        return [], [InvalidValue("slot", "does not hold this console's booth states")]
    try:
        _check_version(value)
        listed = {"booths": _json_text(value.get("booths"), "booths")}
        entries = _items(listed, "booths", MAX_BOOTHS)
    except InvalidValue as error:
        return [], [error]
    states: list[BoothState] = []
    problems: list[InvalidValue] = []
    for index, entry in enumerate(entries):
        try:
            if not isinstance(entry, Mapping):
                raise InvalidValue("", "must be an object")
            states.append(decode(entry))
        except InvalidValue as error:
            problems.append(InvalidValue(f"booths[{index}].{error.field}".rstrip("."),
                                         error.problem))
    return states, problems


MAX_SLOT_TEXT = 1024 * 1024  # far more than MAX_BOOTHS states need


def _json_text(value: Any, field: str) -> Any:
    """The JSON that the text ``value`` holds; InvalidValue naming ``field`` otherwise."""
    if not isinstance(value, str) or len(value) > MAX_SLOT_TEXT:
        raise InvalidValue(field, f"must be JSON text of at most {MAX_SLOT_TEXT} characters")
    try:
        return json.loads(value, parse_constant=_no_constant)
    except RecursionError:
        raise InvalidValue(field, "nests too deeply") from None
    except ValueError as error:  # JSONDecodeError, NaN or Infinity
        raise InvalidValue(field, f"is not JSON ({error})") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
