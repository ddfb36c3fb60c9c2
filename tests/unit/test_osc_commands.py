"""OSC arguments are checked where they enter: their number, type, range and control
characters; a refusal names the argument and nothing is called."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest

from console.models.errors import InvalidValue, OperatorError
from console.services.control_routes import NO_NOTES, NOT_A_BOOTH
from console.services.osc_commands import (
    all_commands,
    check_add_time,
    check_flag,
    check_handover,
    check_take,
)
from tests.helpers.osc import RecordingActions, RecordingBooth, RecordingNotes


def commands(*, notes: bool = True, booth: bool = True) -> tuple[
        dict[str, Any], RecordingActions, RecordingNotes, RecordingBooth]:
    actions, recorded_notes, desk = RecordingActions(), RecordingNotes(), RecordingBooth()
    table = all_commands(actions, notes=recorded_notes if notes else None,
                         booth=desk if booth else None)
    return {command.address: command for command in table}, actions, recorded_notes, desk


def act(address: str, *args: object, notes: bool = True, booth: bool = True) -> list[Any]:
    """Check ``args`` for ``address``, run its action, and return every call made."""
    table, actions, recorded_notes, desk = commands(notes=notes, booth=booth)
    action = table[address].prepare(args)
    asyncio.run(action())
    return actions.calls + recorded_notes.calls + desk.calls


def refused(address: str, *args: object) -> InvalidValue:
    table, actions, recorded_notes, desk = commands()
    with pytest.raises(InvalidValue) as raised:
        table[address].prepare(args)
    assert actions.calls == recorded_notes.calls == desk.calls == []
    return raised.value


@pytest.mark.parametrize(("address", "args", "call"), [
    ("/console/take", (), ("take",)),
    ("/console/take", (1,), ("take", True)),
    ("/console/take", (0,), ("take",)),
    ("/console/take", (True,), ("take", True)),
    ("/console/back", (), ("back",)),
    ("/console/skip", (), ("skip",)),
    ("/console/hold", (), ("hold",)),
    ("/console/add-time", (60,), ("add_time", 60.0)),
    ("/console/add-time", (-30.5,), ("add_time", -30.5)),
    ("/console/message", ("wrap up, please",), ("message", "wrap up, please")),
    ("/console/message", ("",), ("message", "")),
    ("/console/rehearsal", (1,), ("set_rehearsal", True)),
    ("/console/rehearsal", (0.0,), ("set_rehearsal", False)),
    ("/console/note", ("the microphone dropped",), ("note", "the microphone dropped")),
    ("/console/ready", (1.0,), ("set_ready", True)),
    ("/console/ready", (False,), ("set_ready", False)),
    ("/console/handover", (), ("handover_action", None)),
    ("/console/handover", (1,), ("handover_action", True)),
    ("/console/handover", (0.0,), ("handover_action", False)),
    ("/console/cough", (1.0,), ("cough", True)),
    ("/console/cough", (0,), ("cough", False)),
])
def test_each_address_calls_the_control_api_action(
        address: str, args: tuple[object, ...], call: tuple[object, ...]) -> None:
    assert act(address, *args) == [call]


@pytest.mark.parametrize(("address", "args", "field"), [
    # A button's press and release (1.0, 0.0) must not take twice, nor override.
    ("/console/take", (1.0,), "override"),
    ("/console/take", (2,), "override"),
    ("/console/take", ("yes",), "override"),
    ("/console/take", (1, 1), "override"),
    ("/console/back", (1.0,), "back"),
    ("/console/skip", ("now",), "skip"),
    ("/console/hold", (0,), "hold"),
    ("/console/add-time", (), "seconds"),
    ("/console/add-time", ("60",), "seconds"),
    ("/console/add-time", (True,), "seconds"),
    ("/console/add-time", (math.nan,), "seconds"),
    ("/console/add-time", (math.inf,), "seconds"),
    ("/console/add-time", (86401,), "seconds"),
    ("/console/add-time", (2**63 - 1,), "seconds"),
    ("/console/add-time", (60, 60), "seconds"),
    ("/console/add-time", (b"\x00\x01",), "seconds"),
    ("/console/message", (), "text"),
    ("/console/message", (5,), "text"),
    ("/console/message", ("line\nbreak",), "text"),
    ("/console/message", ("bell\x07",), "text"),
    ("/console/message", ("x" * 501,), "text"),
    ("/console/note", ("a\x1b[31m",), "note"),
    ("/console/note", ("y" * 501,), "note"),
    ("/console/note", (None,), "note"),
    ("/console/rehearsal", (), "on"),
    ("/console/rehearsal", (0.5,), "on"),
    ("/console/rehearsal", ("1",), "on"),
    ("/console/ready", (2,), "ready"),
    ("/console/ready", (math.nan,), "ready"),
    ("/console/handover", ("accept",), "accept"),
    ("/console/cough", (), "on"),
    ("/console/cough", (-1,), "on"),
])
def test_arguments_that_do_not_fit_are_refused_naming_them(
        address: str, args: tuple[object, ...], field: str) -> None:
    assert refused(address, *args).field == field


def test_a_refusal_says_what_would_be_accepted() -> None:
    assert "0 or 1" in str(refused("/console/take", 1.0))
    assert "-86400 to 86400" in str(refused("/console/add-time"))
    assert "control character U+0007" in str(refused("/console/message", "bell\x07"))
    assert "send the address alone" in str(refused("/console/back", 1.0))


def test_what_a_console_cannot_do_is_refused_when_called() -> None:
    table, *_ = commands(notes=False, booth=False)
    for address, args, reason in [("/console/note", ("hello",), NO_NOTES),
                                  ("/console/ready", (1,), NOT_A_BOOTH),
                                  ("/console/handover", (), NOT_A_BOOTH),
                                  ("/console/cough", (0,), NOT_A_BOOTH)]:
        with pytest.raises(OperatorError, match="^" + reason[:30]):
            asyncio.run(table[address].prepare(args)())


def test_the_checks_on_their_own() -> None:
    assert check_take(()) is False
    assert check_take((True,)) is True
    assert check_flag(1.0, "on") is True
    assert check_flag(0, "on") is False
    with pytest.raises(InvalidValue):
        check_flag(1.0, "override", floats=False)
    assert check_add_time((-86400,)) == -86400.0
    assert check_handover(()) is None
