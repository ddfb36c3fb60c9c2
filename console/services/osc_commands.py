"""The OSC addresses the console acts on, and how each one's arguments are checked.

Every address calls the action the control API calls for the same thing (the
``ControlActions``, ``NoteActions`` and ``BoothActions`` a composition root hands to
both), so a take from a tablet and one from a Stream Deck meet in the same
single-flight take.

Arguments are checked here, where they enter, before anything is called: their
number, their OSC type, their range and control characters. A refusal is an
:class:`InvalidValue` naming the argument.

Why the take is stricter than the flags: TouchOSC's buttons send ``1.0`` on press
and ``0.0`` on release by default. For a flag (ready, cough, rehearsal) that is
exactly right: the cough mutes while the button is held. A take cannot be undone,
so it takes no number that a press-and-release could send twice: only no argument,
or an explicit override as an integer or an OSC boolean.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from console.models.errors import InvalidValue, OperatorError
from console.models.limits import (
    MAX_ADDED_S,
    MAX_MESSAGE,
    MAX_OPERATOR_NOTE,
    check_seconds,
    check_text,
)
from console.services.control_routes import (
    NO_NOTES,
    NOT_A_BOOTH,
    BoothActions,
    ControlActions,
    NoteActions,
)

PREFIX = "/console/"

Arguments = Sequence[object]
Action = Callable[[], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class OscCommand:
    """One address: what it takes (as the README writes it) and what it calls."""

    address: str
    arguments: str
    prepare: Callable[[Arguments], Action]  # checks the arguments; the action to run


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    return {int: "integer", float: "float", str: "text", bytes: "blob"}.get(
        type(value), type(value).__name__)


def _shown(value: object) -> str:
    return f"{_type_name(value)} {value!r}" if not isinstance(value, bytes) else "a blob"


def no_arguments(args: Arguments, field: str) -> None:
    if args:
        raise InvalidValue(field, f"takes no argument, got {_shown(args[0])}: set the button "
                           "to send the address alone")


def one_argument(args: Arguments, field: str, expected: str) -> object:
    if len(args) != 1:
        raise InvalidValue(field, f"takes one argument, {expected}; got {len(args)}")
    return args[0]


def check_flag(value: object, field: str, *, floats: bool = True) -> bool:
    """0 or 1 (an integer, an OSC boolean, or with ``floats`` the float a toggle sends)."""
    if isinstance(value, bool):
        return value
    accepted = (int, float) if floats else (int,)
    if isinstance(value, accepted) and value in (0, 1):  # NaN and infinities are neither
        return value == 1
    wanted = "0 or 1" + ("" if floats else " as an integer, or an OSC boolean")
    raise InvalidValue(field, f"must be {wanted}, got {_shown(value)}")


def check_take(args: Arguments) -> bool:
    """The take's override: none, or 0/1 as an integer or an OSC boolean."""
    if not args:
        return False
    value = one_argument(args, "override", "0 or 1")
    return check_flag(value, "override", floats=False)


def check_add_time(args: Arguments) -> float:
    expected = f"a number of seconds from {-MAX_ADDED_S:g} to {MAX_ADDED_S:g}"
    return check_seconds(one_argument(args, "seconds", expected), "seconds",
                         low=-MAX_ADDED_S, high=MAX_ADDED_S)


def check_line(args: Arguments, field: str, max_length: int) -> str:
    value = one_argument(args, field, f"one line of text of at most {max_length} characters")
    return check_text(value, field, max_length=max_length)


def check_handover(args: Arguments) -> bool | None:
    """No argument asks for a handover; 0 or 1 declines or accepts the partner's."""
    if not args:
        return None
    return check_flag(one_argument(args, "accept", "0 or 1"), "accept")


def _refused(message: str) -> Action:
    async def refuse() -> dict[str, Any]:
        raise OperatorError(message)

    return refuse


def stage_commands(actions: ControlActions, notes: NoteActions | None) -> list[OscCommand]:
    def take(args: Arguments) -> Action:
        override = check_take(args)
        return lambda: actions.take(override=True) if override else actions.take()

    def plain(name: str, call: Callable[[], Awaitable[dict[str, Any]]]) -> OscCommand:
        def prepare(args: Arguments) -> Action:
            no_arguments(args, name)
            return call

        return OscCommand(PREFIX + name, "", prepare)

    def add_time(args: Arguments) -> Action:
        seconds = check_add_time(args)
        return lambda: actions.add_time(seconds)

    def message(args: Arguments) -> Action:
        text = check_line(args, "text", MAX_MESSAGE)
        return lambda: actions.message(text)

    def rehearsal(args: Arguments) -> Action:
        on = check_flag(one_argument(args, "on", "0 or 1"), "on")
        return lambda: actions.set_rehearsal(on)

    def note(args: Arguments) -> Action:
        text = check_line(args, "note", MAX_OPERATOR_NOTE)
        return _refused(NO_NOTES) if notes is None else lambda: notes.note(text)

    return [
        OscCommand(PREFIX + "take", "[override: 0|1]", take),
        plain("back", actions.back), plain("skip", actions.skip), plain("hold", actions.hold),
        OscCommand(PREFIX + "add-time", "<seconds>", add_time),
        OscCommand(PREFIX + "message", "<text>", message),
        OscCommand(PREFIX + "rehearsal", "<0|1>", rehearsal),
        OscCommand(PREFIX + "note", "<text>", note),
    ]


def booth_commands(booth: BoothActions | None) -> list[OscCommand]:
    def flag(name: str, field: str,
             call: Callable[[BoothActions, bool], Awaitable[dict[str, Any]]]) -> OscCommand:
        def prepare(args: Arguments) -> Action:
            on = check_flag(one_argument(args, field, "0 or 1"), field)
            return _refused(NOT_A_BOOTH) if booth is None else lambda: call(booth, on)

        return OscCommand(PREFIX + name, "<0|1>", prepare)

    def handover(args: Arguments) -> Action:
        accept = check_handover(args)
        return _refused(NOT_A_BOOTH) if booth is None else lambda: booth.handover_action(accept)

    return [
        flag("ready", "ready", lambda desk, on: desk.set_ready(on)),
        OscCommand(PREFIX + "handover", "[accept: 0|1]", handover),
        flag("cough", "on", lambda desk, on: desk.cough(on)),
    ]


def all_commands(actions: ControlActions, *, notes: NoteActions | None = None,
                 booth: BoothActions | None = None) -> list[OscCommand]:
    """Every address, on either console: what a console cannot do is refused when called,
    as the control API refuses it (a booth's actions on the stage console, a take on a
    booth's)."""
    return [*stage_commands(actions, notes), *booth_commands(booth)]
