"""Booth states: changes in sequence, handovers that lapse, and the wire format consoles
exchange through OBS (refused with the field named, never half-read)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from console.models.booth import (
    APP,
    HANDOVER_LAPSES_S,
    KIND,
    VERSION,
    BoothState,
    Handover,
    HandoverState,
    changed,
    current_handover,
    decode,
    encode,
    is_booth_message,
    newer,
)
from console.models.errors import InvalidValue

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def fr_booth(**changes: Any) -> BoothState:
    return changed(BoothState("fr"), T0, "booth-fr", **changes)


def message(**fields: Any) -> dict[str, Any]:
    """A valid message for the French booth, with ``fields`` replaced."""
    return {**encode(fr_booth(ready=True, interpreter="Amélie")), **fields}


def refusal(data: dict[str, Any]) -> InvalidValue:
    with pytest.raises(InvalidValue) as caught:
        decode(data)
    return caught.value


# -- changes ----------------------------------------------------------------------------


def test_a_change_is_the_next_in_sequence_said_by_a_console_at_a_time() -> None:
    first = fr_booth(ready=True)
    second = changed(first, T0 + timedelta(seconds=1), "stage", interpreter="Amélie")
    assert (first.seq, first.console, first.updated_at, first.ready) == (
        1, "booth-fr", T0, True)
    assert (second.seq, second.console, second.updated_at) == (
        2, "stage", T0 + timedelta(seconds=1))
    assert (second.ready, second.interpreter) == (True, "Amélie")


def test_the_higher_sequence_is_newer_whatever_the_time() -> None:
    older = fr_booth()
    later = changed(older, T0 - timedelta(hours=1), "booth-fr")
    assert newer(later, older)
    assert not newer(older, later)


def test_anything_is_newer_than_nothing_known() -> None:
    assert newer(BoothState("fr"), None)


def test_at_the_same_sequence_the_later_time_is_newer() -> None:
    state = fr_booth()
    later = BoothState("fr", seq=state.seq, updated_at=T0 + timedelta(seconds=1))
    assert newer(later, state)
    assert not newer(state, later)
    assert not newer(state, state)


def test_at_the_same_sequence_without_a_time_nothing_is_newer() -> None:
    assert not newer(BoothState("fr", seq=1), fr_booth())
    assert not newer(fr_booth(), BoothState("fr", seq=1))


# -- handovers --------------------------------------------------------------------------


def test_a_handover_request_lapses_after_a_minute() -> None:
    state = fr_booth(handover=Handover("Amélie", T0))
    just_before = T0 + timedelta(seconds=HANDOVER_LAPSES_S - 0.001)
    at_a_minute = T0 + timedelta(seconds=HANDOVER_LAPSES_S)
    assert current_handover(state, just_before) == Handover("Amélie", T0)
    assert current_handover(state, at_a_minute) == Handover("Amélie", T0, HandoverState.LAPSED)


def test_an_answered_handover_does_not_lapse() -> None:
    accepted = Handover("Amélie", T0, HandoverState.ACCEPTED)
    later = T0 + timedelta(hours=1)
    assert current_handover(fr_booth(handover=accepted), later) == accepted


def test_no_handover_is_no_handover() -> None:
    assert current_handover(fr_booth(), T0) is None


# -- the wire format --------------------------------------------------------------------


def test_a_state_survives_encode_and_decode() -> None:
    state = changed(BoothState("fr"), T0, "booth-fr", ready=True, interpreter="Amélie",
                    need_relay=True, no_floor_sound=True, coughing=True,
                    handover=Handover("Amélie", T0, HandoverState.DECLINED),
                    override_by="Stage manager")
    assert decode(encode(state)) == state


def test_a_plain_state_survives_encode_and_decode() -> None:
    state = fr_booth()
    assert decode(encode(state)) == state


def test_an_encoded_state_is_ours_and_versioned() -> None:
    data = encode(fr_booth())
    assert (data["app"], data["kind"], data["v"]) == (APP, KIND, VERSION)
    assert is_booth_message(data)


@pytest.mark.parametrize("data", [
    {}, {"app": APP}, {"kind": KIND}, {"app": "another-tool", "kind": KIND},
    {"app": APP, "kind": "scene"},
])
def test_other_custom_events_are_not_booth_messages(data: dict[str, Any]) -> None:
    assert not is_booth_message(data)


@pytest.mark.parametrize("version", [None, 0, 2, "1", True, 1.0])
def test_another_version_is_refused(version: object) -> None:
    assert refusal(message(v=version)).field == "v"


@pytest.mark.parametrize("key", ["ready", "need_relay", "no_floor_sound", "coughing"])
@pytest.mark.parametrize("value", [1, 0, "true", None])
def test_flags_must_be_true_or_false(key: str, value: object) -> None:
    error = refusal(message(**{key: value}))
    assert (error.field, error.problem) == (key, "must be true or false")


def test_missing_flags_are_false() -> None:
    data = message()
    del data["coughing"]
    assert decode(data).coughing is False


@pytest.mark.parametrize("seq", [-1, 1.5, "3", True, None, 2**53])
def test_the_sequence_must_be_a_whole_number_from_zero(seq: object) -> None:
    assert refusal(message(seq=seq)).field == "seq"


@pytest.mark.parametrize("when", [
    "yesterday", 1733389200, "2026-12-05T09:00:00", "1980-01-01T00:00:00+00:00"])
def test_a_bad_update_time_is_refused(when: object) -> None:
    assert refusal(message(updated_at=when)).field == "updated_at"


@pytest.mark.parametrize("key", ["language", "interpreter", "console", "role", "override_by"])
def test_control_characters_in_text_are_refused(key: str) -> None:
    error = refusal(message(**{key: "Am\x07lie"}))
    assert error.field == key
    assert "control character U+0007" in error.problem


@pytest.mark.parametrize("key", ["language", "console", "role"])
def test_required_text_must_not_be_empty(key: str) -> None:
    assert refusal(message(**{key: ""})).field == key


def test_text_must_be_text() -> None:
    assert refusal(message(language=["fr"])).field == "language"


def test_a_handover_must_be_an_object() -> None:
    assert refusal(message(handover=["Amélie"])).field == "handover"


@pytest.mark.parametrize(("handover", "field"), [
    ({"requested_by": "Amélie", "requested_at": T0.isoformat(), "state": "forgotten"},
     "handover.state"),
    ({"requested_by": "Amélie", "state": "requested"}, "handover.requested_at"),
    ({"requested_by": "Amélie", "requested_at": "soon", "state": "requested"},
     "handover.requested_at"),
    ({"requested_at": T0.isoformat(), "state": "requested"}, "handover.requested_by"),
    ({"requested_by": "A\x00", "requested_at": T0.isoformat(), "state": "requested"},
     "handover.requested_by"),
])
def test_a_bad_handover_is_refused_naming_its_field(handover: dict[str, Any],
                                                    field: str) -> None:
    assert refusal(message(handover=handover)).field == field
