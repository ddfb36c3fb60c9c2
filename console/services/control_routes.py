"""The control API's routes in one table, and what each does with the body it is sent.

The HTTP router, the WebSocket's actions and the OpenAPI document all read
:data:`ROUTES`, so a route cannot exist in one of them and be missing from
another. A route's ``handler`` names a :class:`RouteHandlers` method, which
checks the body (JSON, the fields the route needs, their types and ranges) and
calls the console's action; each refusal names the field and says what would be
accepted.
The schemas here say what those methods enforce: change both together.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from console.models.errors import InvalidValue, OperatorError
from console.models.limits import (
    MAX_ADDED_S,
    MAX_MESSAGE,
    MAX_OPERATOR_NOTE,
    check_seconds,
    check_text,
)

MAX_BODY = 64 * 1024  # a request's body, and a WebSocket message

NOT_A_BOOTH = "this console is not a booth: ready, handover and cough are an interpreter " \
    "booth console's (conference-console run --role interpreter)"
NO_NOTES = "this console keeps no as-run log: add the note on the stage console"


class ControlActions(Protocol):
    async def state(self) -> dict[str, Any]: ...
    async def take(self, *, override: bool = False) -> dict[str, Any]: ...
    async def back(self) -> dict[str, Any]: ...
    async def skip(self) -> dict[str, Any]: ...
    async def hold(self) -> dict[str, Any]: ...
    async def add_time(self, seconds: float) -> dict[str, Any]: ...
    async def message(self, text: str) -> dict[str, Any]: ...
    async def set_rehearsal(self, enabled: bool) -> dict[str, Any]: ...


class NoteActions(Protocol):
    async def note(self, text: object) -> dict[str, Any]: ...


class BoothActions(Protocol):
    async def set_ready(self, ready: bool) -> dict[str, Any]: ...
    async def handover_action(self, accept: bool | None) -> dict[str, Any]: ...
    async def cough(self, on: bool) -> dict[str, Any]: ...


Handler = Callable[[bytes], Awaitable[dict[str, Any]]]

ONE_LINE = "one line: no control characters (tab, line break, escape and the like)"


def _flag(name: str, meaning: str) -> dict[str, Any]:
    return {"type": "object", "required": [name], "properties": {
        name: {"type": "boolean", "description": meaning}}}


def _answer(**properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": ["ok"], "additionalProperties": True,
            "properties": {"ok": {"const": True}, **properties}}


NULLABLE_NUMBER = {"type": ["number", "null"]}
NULLABLE_STRING = {"type": ["string", "null"]}
SEGMENT = {"type": ["object", "null"], "description": "null when there is none",
           "properties": {
               "segment_id": {"type": "string"}, "title": {"type": "string"},
               "speakers": {"type": "array", "items": {"type": "string"}},
               "scene": NULLABLE_STRING, "started_at": {**NULLABLE_STRING, "format": "date-time"},
               "elapsed_s": NULLABLE_NUMBER, "remaining_s": NULLABLE_NUMBER,
               "phase": {**NULLABLE_STRING, "description": "the live segment's phase"}}}
STATE = {"type": "object", "additionalProperties": True,
         "description": "What the console shows now. A booth console answers its own state "
                        "(language, ready, cough, handover) instead of the stage's keys.",
         "properties": {
             "live": SEGMENT, "next": SEGMENT, "drift_s": {"type": "number"},
             "rehearsal": {"type": "boolean"}, "message": {"type": "string"},
             "take_in_flight": {"type": "boolean"},
             "stage_role": {"type": "object", "properties": {
                 "held": {"type": "boolean"},
                 "holder": {**NULLABLE_STRING, "description": "the console that holds the "
                            "stage role (its name, host and process), null when unknown"}}},
             "obs": {"type": "object", "properties": {
                 "state": {"type": "string"}, "program_scene": NULLABLE_STRING,
                 "preview_scene": NULLABLE_STRING, "studio_mode": {"type": "boolean"}}},
             "channels": {"type": "array", "items": {"type": "object"},
                          "description": "every interpretation channel, when the console "
                                         "has any"}}}


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: str  # the RouteHandlers method that serves it
    summary: str
    body: dict[str, Any] | None = None  # JSON schema of the body; None: any body is ignored
    answer: dict[str, Any] = dataclasses.field(default_factory=_answer)
    refusals: tuple[int, ...] = (409,)  # statuses the route itself may answer, besides 200

    @property
    def action(self) -> str | None:
        """The name a WebSocket message gives it (``{"action": "take"}``): POST routes only."""
        return self.path.removeprefix("/api/") if self.method == "POST" else None


WS_PATH = "/api/ws"
OPENAPI_PATH = "/api/openapi.json"

ROUTES: tuple[Route, ...] = (
    Route("GET", "/api/state", "state", "The console's state", answer=STATE),
    Route("POST", "/api/take", "take", "Put the next segment on air",
          body={"type": "object", "properties": {"override": {
              "type": "boolean", "description": "true takes even though channels the show "
                                                "requires are not ready"}},
                "description": "Optional; any other body is ignored"},
          answer=_answer(segment_id=NULLABLE_STRING,
                         channel_warnings={"type": "array", "items": {"type": "string"}}),
          refusals=(400, 409)),
    Route("POST", "/api/back", "back", "Go back to the previous segment"),
    Route("POST", "/api/skip", "skip", "Skip the next segment"),
    Route("POST", "/api/hold", "hold", "Hold the live segment's clock, or release it",
          answer=_answer(on_hold={"type": "boolean"})),
    Route("POST", "/api/add-time", "add_time", "Add (or take away) time on the live segment",
          body={"type": "object", "required": ["seconds"], "properties": {"seconds": {
              "type": "number", "minimum": -MAX_ADDED_S, "maximum": MAX_ADDED_S}}},
          answer=_answer(added_s={"type": "number"}, total_added_s=NULLABLE_NUMBER),
          refusals=(400, 409)),
    Route("POST", "/api/message", "message", "The stage manager's message to the presenter",
          body={"type": "object", "required": ["text"], "properties": {"text": {
              "type": "string", "maxLength": MAX_MESSAGE, "description": ONE_LINE}}},
          answer=_answer(message={"type": "string"}), refusals=(400, 409)),
    Route("POST", "/api/rehearsal", "rehearsal", "Rehearsal mode on or off",
          body=_flag("on", "true: rehearsal (takes go to preview only)"),
          answer=_answer(rehearsal={"type": "boolean"}), refusals=(400, 409)),
    Route("POST", "/api/note", "note", "A line in the as-run log",
          body={"type": "object", "required": ["note"], "properties": {"note": {
              "type": "string", "minLength": 1, "maxLength": MAX_OPERATOR_NOTE,
              "description": ONE_LINE}}},
          answer=_answer(note={"type": "string"}), refusals=(400, 409)),
    Route("POST", "/api/ready", "ready", "An interpreter booth: ready or not",
          body=_flag("ready", "true: the booth is ready"), refusals=(400, 409)),
    Route("POST", "/api/handover", "handover",
          "An interpreter booth: ask the partner to take over (no body), or answer",
          body={"type": "object", "properties": {"accept": {
              "type": "boolean", "description": "the answer to the partner's request"}},
                "description": "Optional: no body (or {}) asks for a handover"},
          refusals=(400, 409)),
    Route("POST", "/api/cough", "cough", "An interpreter booth: the cough button",
          body=_flag("on", "true: the booth's microphone is muted"), refusals=(400, 409)),
    Route("GET", OPENAPI_PATH, "openapi", "This document (OpenAPI 3.1)",
          answer={"type": "object"}, refusals=()),
    Route("GET", WS_PATH, "websocket", "Live state pushed over a WebSocket, and actions",
          answer={"type": "object"}, refusals=(400,)),
)


class RouteHandlers:
    """Each route's body checked and its action called: the one place both transports use."""

    def __init__(self, actions: ControlActions, *, booth: BoothActions | None,
                 notes: NoteActions | None,
                 channels: Callable[[], list[dict[str, Any]]] | None,
                 document: dict[str, Any]) -> None:
        self._actions, self._booth, self._notes = actions, booth, notes
        self._channels, self._document = channels, document

    async def openapi(self, _body: bytes) -> dict[str, Any]:
        return self._document

    async def state(self, _body: bytes) -> dict[str, Any]:
        state = await self._actions.state()
        if self._channels is None:
            return state
        return {**state, "channels": self._channels()}

    async def take(self, body: bytes) -> dict[str, Any]:
        """A take; ``{"override": true}`` confirms it when the show requires ready
        channels and some are not (409 names them otherwise). Any other body is
        ignored, as for the other actions: button boxes send what they send."""
        document = _lenient_json(body)
        if not isinstance(document, dict) or "override" not in document:
            return await self._actions.take()
        if not isinstance(document["override"], bool):
            raise InvalidValue("override", "must be true or false (true takes even though "
                               "channels are not ready)")
        if document["override"]:
            return await self._actions.take(override=True)
        return await self._actions.take()

    async def back(self, _body: bytes) -> dict[str, Any]:
        return await self._actions.back()

    async def skip(self, _body: bytes) -> dict[str, Any]:
        return await self._actions.skip()

    async def hold(self, _body: bytes) -> dict[str, Any]:
        return await self._actions.hold()

    def _the_booth(self) -> BoothActions:
        if self._booth is None:
            raise OperatorError(NOT_A_BOOTH)
        return self._booth

    async def ready(self, body: bytes) -> dict[str, Any]:
        booth = self._the_booth()
        return await booth.set_ready(_json_flag(body, "ready"))

    async def cough(self, body: bytes) -> dict[str, Any]:
        booth = self._the_booth()
        return await booth.cough(_json_flag(body, "on"))

    async def handover(self, body: bytes) -> dict[str, Any]:
        """No body (or ``{}``) asks for a handover; ``{"accept": bool}`` answers one."""
        booth = self._the_booth()
        if not body.strip():
            return await booth.handover_action(None)
        expected = "true or false to answer the partner's request (no body to make one)"
        document = _parse_json(body, "accept", expected)
        if not isinstance(document, dict):
            raise InvalidValue("accept", f"send a JSON object with 'accept', {expected}")
        if "accept" not in document:
            return await booth.handover_action(None)
        accept = document["accept"]
        if not isinstance(accept, bool):
            raise InvalidValue("accept", "must be true or false")
        return await booth.handover_action(accept)

    async def add_time(self, body: bytes) -> dict[str, Any]:
        expected = f"a number of seconds from {-MAX_ADDED_S:g} to {MAX_ADDED_S:g}"
        value = _json_field(body, "seconds", expected)
        seconds = check_seconds(value, "seconds", low=-MAX_ADDED_S, high=MAX_ADDED_S)
        return await self._actions.add_time(seconds)

    async def rehearsal(self, body: bytes) -> dict[str, Any]:
        return await self._actions.set_rehearsal(_json_flag(body, "on"))

    async def note(self, body: bytes) -> dict[str, Any]:
        if self._notes is None:
            raise OperatorError(NO_NOTES)
        # Checked by the notes themselves (one line, not empty, no control characters).
        return await self._notes.note(_json_field(body, "note", "one line of text"))

    async def message(self, body: bytes) -> dict[str, Any]:
        # One line: the presenter screen shows it as a single line.
        value = _json_field(body, "text", f"one line of at most {MAX_MESSAGE} characters")
        return await self._actions.message(check_text(value, "text", max_length=MAX_MESSAGE))


def _json_field(body: bytes, field: str, expected: str) -> object:
    """``field`` of the JSON object that ``body`` must be; InvalidValue naming it otherwise."""
    document = _parse_json(body, field, expected)
    if not isinstance(document, dict) or field not in document:
        raise InvalidValue(field, f"is required: send a JSON object with {field!r}, {expected}")
    return document[field]


def _json_flag(body: bytes, field: str) -> bool:
    value = _json_field(body, field, "true or false")
    if not isinstance(value, bool):
        raise InvalidValue(field, "must be true or false")
    return value


def _parse_json(body: bytes, field: str, expected: str) -> object:
    wanted = f"send a JSON object with {field!r}, {expected}"
    try:
        text = body.decode("utf-8-sig")  # JSON is UTF-8; a byte order mark is tolerated
    except UnicodeDecodeError as error:
        raise InvalidValue(field, f"the body is not UTF-8 (byte {error.start}): {wanted}") \
            from None
    return parse_json_text(text, field, wanted)


def parse_json_text(text: str, field: str, wanted: str) -> object:
    """``text`` as strict JSON (no NaN, no Infinity); InvalidValue naming ``field`` if not."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:  # json's C parser recurses once per nested array or object
        raise InvalidValue(field, f"the body nests too deeply: {wanted}") from None
    except json.JSONDecodeError as error:
        raise InvalidValue(field, f"the body is not JSON ({error}): {wanted}") from None
    except ValueError:  # NaN or Infinity, or an integer too long to convert
        raise InvalidValue(field, f"the body holds a number JSON does not allow: {wanted}") \
            from None


def _lenient_json(body: bytes) -> object:
    """The body as JSON, or None when it is not (for actions that need no body)."""
    if not body.strip():
        return None
    try:
        return _parse_json(body, "body", "")
    except InvalidValue:
        return None


def _refuse_constant(name: str) -> object:
    """Python's json accepts NaN and Infinity by default; JSON does not."""
    raise ValueError(f"{name} is not a JSON number")
