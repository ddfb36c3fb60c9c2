"""The messages consoles exchange through OBS: booth states, roll calls, the stage summary,
and the persistent-data slot. Anything that is not exactly one of ours is refused with the
field named, never half-read and never with another exception."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.models import booth
from console.models.booth import BoothState, Handover, HandoverState, RollCall
from console.models.channels import ChannelMode, ChannelRole, default_plan
from console.models.errors import InvalidValue
from console.models.stage_summary import SegmentSummary, StageSummary, same_content

AT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def summary(**changes: Any) -> StageSummary:
    fields: dict[str, Any] = {
        "floor_language": "ar", "plan": default_plan("ar", ("en", "fr", "ur")),
        "live": SegmentSummary("Opening", ("Amira Haddad",), "ar", AT, 1200.0),
        "next": SegmentSummary("Keynote", ("Jean Dupont", "Ana Ruiz"), "fr", None, 1800.0),
        "show": "Bridges 2026", "console": "stage [abc]", "seq": 4, "sent_at": AT}
    fields.update(changes)
    return StageSummary(**fields)


def test_a_booth_state_survives_the_wire() -> None:
    state = BoothState("fr", ready=True, interpreter="Amélie", need_relay=True,
                       handover=Handover("Amélie", AT), console="booth-fr [1]", seq=7,
                       updated_at=AT)
    assert booth.decode_message(booth.encode(state)) == state


def test_a_roll_call_survives_the_wire() -> None:
    call = RollCall("booth-es [9]", "interpreter", 2)
    data = booth.encode_roll_call(call)
    assert booth.is_booth_message(data)
    assert booth.decode_message(data) == call


def test_a_stage_summary_survives_the_wire_with_its_plan() -> None:
    sent = summary()
    received = booth.decode_message(booth.encode_stage(sent))
    assert received == sent
    assert isinstance(received, StageSummary)
    # The booth works out what it does from the plan it was sent.
    assert received.role_of("fr") == ChannelRole(ChannelMode.DIRECT)
    assert received.role_of("ar") == ChannelRole(ChannelMode.FLOOR)
    assert received.role_of("de") is None


def test_nothing_live_and_nothing_next_is_a_summary_too() -> None:
    sent = summary(live=None, next=None, plan=default_plan("ar", ()))
    assert booth.decode_stage(booth.encode_stage(sent)) == sent


def test_messages_of_other_tools_are_not_ours() -> None:
    assert not booth.is_booth_message({"app": "companion", "kind": "booth"})
    assert not booth.is_booth_message({"app": booth.APP, "kind": "weather"})
    assert not booth.is_booth_message({})


@pytest.mark.parametrize(("change", "field"), [
    ({"v": 2}, "v"),
    ({"seq": -1}, "seq"),
    ({"seq": True}, "seq"),
    ({"console": ""}, "console"),
    ({"floor_language": "Arabic!"}, "floor_language"),
    ({"live": {"title": "x", "language": "fr", "planned_duration_s": 1e300}},
     "live.planned_duration_s"),
    ({"live": {"title": "x", "language": "fr", "planned_duration_s": 60, "speakers": "Ada"}},
     "live.speakers"),
    ({"next": {"title": "x\x00", "language": "fr", "planned_duration_s": 60}}, "next.title"),
    ({"live": {"title": "x", "language": "fr", "planned_duration_s": 60,
               "started_at": "9999-01-01T00:00:00+00:00"}}, "live.started_at"),
    ({"channels": [{"language": "fr", "obs": "main", "input": "Booth fr", "tracks": [7]}]},
     "channels[0].tracks"),
    ({"channels": "fr"}, "channels"),
    ({"channels": [{}] * 33}, "channels"),
])
def test_a_malformed_stage_message_is_refused_naming_the_field(
    change: dict[str, Any], field: str
) -> None:
    data = {**booth.encode_stage(summary()), **change}
    with pytest.raises(InvalidValue) as refused:
        booth.decode_message(data)
    assert refused.value.field == field


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        booth.decode_message({"app": booth.APP, "v": 1, "kind": "gossip"})
    assert refused.value.field == "kind"


def test_a_language_code_is_checked() -> None:
    assert booth.check_language("zh-Hant", "language") == "zh-Hant"
    for bad in ("", "f", "fr_FR", "français", "fr-", 3):
        with pytest.raises(InvalidValue):
            booth.check_language(bad, "language")


def test_a_stage_summary_from_another_console_always_wins() -> None:
    known = summary(seq=9)
    assert booth.newer_stage(summary(seq=10), known)
    assert not booth.newer_stage(summary(seq=9), known)
    assert not booth.newer_stage(summary(seq=3), known)  # late, from the same console
    assert booth.newer_stage(summary(seq=0, console="stage [new run]"), known)


def test_summaries_that_say_the_same_are_the_same_whoever_sent_them() -> None:
    assert same_content(summary(), summary(seq=12, console="other", sent_at=None))
    assert not same_content(summary(), summary(next=None))
    assert same_content(None, None)
    assert not same_content(summary(), None)


def test_the_slot_keeps_good_entries_and_names_the_bad_ones() -> None:
    good = BoothState("fr", ready=True, console="booth-fr [1]", seq=3, updated_at=AT)
    entries = [booth.encode(good), {**booth.encode(good), "language": "??"}, "not an object"]
    slot = {**booth.encode_slot([]), "booths": json.dumps(entries)}
    states, problems = booth.decode_slot(slot)
    assert states == [good]
    assert [problem.field for problem in problems] == ["booths[1].language", "booths[2]"]


def test_the_slot_is_ascii_whatever_the_names_so_obs_keeps_them_intact() -> None:
    state = BoothState("ar", interpreter="Amélie عمر", console="كابينة [1]", seq=1,
                       updated_at=AT)
    slot = booth.encode_slot([state])
    assert json.dumps(slot, ensure_ascii=False).isascii()
    assert booth.decode_slot(json.loads(json.dumps(slot))) == ([state], [])


@pytest.mark.parametrize("booths", [
    [], "[", "[NaN]", "{}", "[" * 100_000, "x" * (booth.MAX_SLOT_TEXT + 1), json.dumps([{}] * 65)])
def test_a_slot_that_does_not_read_is_refused_whole(booths: object) -> None:
    states, problems = booth.decode_slot({**booth.encode_slot([]), "booths": booths})
    assert states == []
    assert problems[0].field == "booths"


def test_a_slot_never_written_holds_nothing_and_a_foreign_one_is_refused() -> None:
    assert booth.decode_slot(None) == ([], [])
    states, problems = booth.decode_slot({"app": "someone else", "booths": "[]"})
    assert states == []
    assert problems[0].field == "slot"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=8)


def valid_messages() -> list[dict[str, Any]]:
    state = BoothState("fr", handover=Handover("Amélie", AT), console="b [1]", updated_at=AT)
    return [booth.encode(state), booth.encode_roll_call(RollCall("b [1]", "interpreter")),
            booth.encode_stage(summary())]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(3)), st.dictionaries(
    st.sampled_from(["v", "console", "role", "seq", "language", "ready", "handover",
                     "live", "next", "channels", "floor_language", "updated_at", "sent_at",
                     "rehearsal", "show", "interpreter"]),
    JSON, min_size=1, max_size=3))
def test_any_json_in_any_field_is_read_or_refused_never_anything_else(
    which: int, fields: dict[str, Any]
) -> None:
    data = {**valid_messages()[which], **fields}
    refusal: InvalidValue | None = None
    try:
        booth.decode_message(data)
    except InvalidValue as error:
        refusal = error
    assert refusal is None or refusal.field  # a refusal always names where


def test_a_request_lapses_a_minute_after_it_was_made() -> None:
    state = BoothState("fr", handover=Handover("Amélie", AT))
    assert booth.current_handover(state, AT + timedelta(seconds=59)).state \
        is HandoverState.REQUESTED  # type: ignore[union-attr]
    assert booth.current_handover(state, AT + timedelta(seconds=60)).state \
        is HandoverState.LAPSED  # type: ignore[union-attr]
