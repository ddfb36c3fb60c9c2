"""The Control API: a small HTTP server on 127.0.0.1 for Stream Deck / Companion and scripts.

Standard-library asyncio streams rather than a web framework: twelve fixed routes,
JSON in and out, one request per connection (``Connection: close``), so the server
is short and carries no extra dependency. Every request needs
``Authorization: Bearer <token>``; without it nothing happens (401). The token is
never logged (it is registered with the log scrubber as well).

    GET  /api/state                       -> actions.state(), with "channels"
    POST /api/take | back | skip | hold   -> actions.take() ...
    POST /api/take      {"override": true} -> actions.take(override=True)
    POST /api/add-time  {"seconds": N}    -> actions.add_time(N)
    POST /api/message   {"text": "..."}   -> actions.message(text)
    POST /api/rehearsal {"on": true}      -> actions.set_rehearsal(True)
    POST /api/note      {"note": "..."}   -> notes.note(text), a line in the as-run log
    POST /api/ready     {"ready": true}   -> booth.set_ready(True)
    POST /api/handover  [{"accept": b}]   -> booth.handover_action(None or b)
    POST /api/cough     {"on": true}      -> booth.cough(True)

The last three are an interpreter booth's (``booth``); a console that is not a
booth refuses them (409), and a console given no ``notes`` refuses a note (409).
An action is answered once the as-run rows it wrote are committed. ``channels``
(every interpretation channel, see ``services/channel_board.py``) is added to the
state when a source is given.

An action's answer (a dict) comes back as ``{"ok": true, ...}``, unless it says the
request was ignored (``{"ignored": why}``): 409. What an action raises is sorted by
class, never by name: an ``InvalidValue`` (a value out of range, or a body without
the field) gives 400 ``{"ok": false, "error": "...", "field": "..."}``; any other
``OperatorError`` (a refusal the operator can act on: OBS refused the take, nothing
left to take) gives 409 ``{"ok": false, "error": "..."}`` with the error's details
(a take refused for channels not ready adds ``channel_warnings``), logged at INFO; anything
else is a bug: 500 ``{"ok": false, "error": "internal error (...)"}``, logged with
its traceback.

Limits, so that a hostile local client can neither stall the console nor make it
read without end: a request head of 16 KiB and 100 header lines (400); a body of
64 KiB (413, answered at once; the refused body is read and dropped afterwards, up
to 64 MiB and within the request timeout, so the client is not reset before it
reads the answer); head and body within ``request_timeout_s`` together (408); at
most ``max_connections`` connections (503).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from http import HTTPStatus
from typing import Any, Protocol

from console import logs
from console.models.errors import InvalidValue, OperatorError
from console.models.limits import MAX_ADDED_S, MAX_MESSAGE, check_seconds, check_text

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
MAX_BODY = 64 * 1024
MAX_HEAD = 16 * 1024
MAX_HEADER_LINES = 100  # as http.client; a client of this API sends a handful
# A refused body up to this size is read and dropped after the 413, so that a client
# still sending it (urllib sends the whole body before reading) gets the answer rather
# than a reset; a larger announced body is answered 413 without waiting for it.
MAX_DRAIN = 64 * 1024 * 1024
LINGER_BYTES = 1024 * 1024  # what a client may still send after any other answer
LINGER_S = 1.0
READ_CHUNK = 64 * 1024
BUSY = {"ok": False, "error": "too many connections to the control API; try again"}


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


NOT_A_BOOTH = "this console is not a booth: ready, handover and cough are an interpreter " \
    "booth console's (conference-console run --role interpreter)"
NO_NOTES = "this console keeps no as-run log: add the note on the stage console"


class HttpError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None, unread_body: int = 0) -> None:
        super().__init__(message)
        self.status, self.field, self.headers = status, field, headers or {}
        self.unread_body = unread_body


@dataclasses.dataclass(frozen=True)
class _Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    unread_body: int = 0  # announced body bytes not read: dropped after answering


Handler = Callable[[bytes], Awaitable[dict[str, Any]]]


class ControlServer:
    """Serves the Control API on 127.0.0.1 (no other address is accepted)."""

    request_timeout_s = 10.0  # the whole request head and body; slower clients get 408
    stop_grace_s = 2.0  # how long stop() lets a running action finish
    # Each connection holds a socket and up to ~100 KiB of buffers for up to
    # request_timeout_s; without a cap, clients trickling bytes could exhaust the
    # process's file descriptors, which the OBS connection and the database share.
    max_connections = 256  # a show's Stream Decks and scripts, with room for bursts

    def __init__(self, actions: ControlActions, token: str, port: int,
                 host: str = LOOPBACK, *, booth: BoothActions | None = None,
                 notes: NoteActions | None = None,
                 channels: Callable[[], list[dict[str, Any]]] | None = None) -> None:
        if host != LOOPBACK:
            raise ValueError(f"the Control API listens on {LOOPBACK} only, not {host!r}")
        if not token:
            raise ValueError("the Control API needs a token")
        logs.register_secret(token)
        self._actions, self._token, self._port, self._host = actions, token.encode(), port, host
        self._booth, self._notes, self._channels = booth, notes, channels
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[Any]] = set()
        self._busy: set[asyncio.Task[Any]] = set()  # running an action: they get a grace
        self._routes: dict[str, tuple[str, Handler]] = {
            "/api/state": ("GET", self._state),
            "/api/take": ("POST", self._take),
            "/api/back": ("POST", lambda _body: actions.back()),
            "/api/skip": ("POST", lambda _body: actions.skip()),
            "/api/hold": ("POST", lambda _body: actions.hold()),
            "/api/add-time": ("POST", self._add_time),
            "/api/message": ("POST", self._message),
            "/api/rehearsal": ("POST", self._rehearsal),
            "/api/note": ("POST", self._note),
            "/api/ready": ("POST", self._ready),
            "/api/handover": ("POST", self._handover),
            "/api/cough": ("POST", self._cough),
        }

    @property
    def port(self) -> int:
        """The port listened on (the one the OS chose when given 0), once started."""
        return self._port

    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("the Control API is already running")
        self._server = await asyncio.start_server(
            self._serve, self._host, self._port, limit=MAX_HEAD)
        self._port = self._server.sockets[0].getsockname()[1]
        log.info("Control API listening on http://%s:%d", self._host, self._port)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        await asyncio.sleep(0)  # a connection accepted just before close() registers itself
        tasks, busy = set(self._connections), self._connections & self._busy
        for task in tasks - busy:
            task.cancel()
        if busy:
            await asyncio.wait(busy, timeout=self.stop_grace_s)
        for task in busy:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()  # after the connections: from 3.12 on it waits for them
        log.info("Control API stopped")

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        full = len(self._connections) >= self.max_connections
        self._connections.add(task)
        try:
            if full:
                # Closed at once, without reading: a request already sent may turn
                # this answer into a reset, which refuses it all the same.
                await _respond(writer, _Answer(503, BUSY, {"Retry-After": "1"}))
                return
            answer = await self._answer(reader, task)
            await _respond(writer, answer)
            if answer.unread_body:
                await _linger(reader, writer, answer.unread_body, self.request_timeout_s)
            else:
                await _linger(reader, writer, LINGER_BYTES, LINGER_S)
        except (OSError, asyncio.IncompleteReadError):  # OSError includes TimeoutError
            pass  # the client went away, or would not read the answer
        except asyncio.CancelledError:
            pass  # stop() ended it; a cancelled connection task makes 3.11's streams log an error
        finally:
            self._connections.discard(task)
            self._busy.discard(task)
            writer.close()

    async def _answer(self, reader: asyncio.StreamReader,
                      task: asyncio.Task[Any]) -> _Answer:
        """The answer to one request; a client that hangs up raises (IncompleteReadError)."""
        method = path = "-"
        try:
            try:
                async with asyncio.timeout(self.request_timeout_s):
                    method, path, headers = await _read_head(reader)
                    body = await reader.readexactly(_content_length(headers))
            except TimeoutError:
                raise HttpError(408, "request not received in time") from None
            self._authenticate(headers)
            handler = self._route(method, path)
            self._busy.add(task)
            status, answer = await self._call(handler, body, f"{method} {path}")
        except HttpError as error:
            if error.status == 401:
                log.warning("Control API: %s refused: %s", self._shown(method, path), error)
            return _Answer(error.status, _error_body(error, error.field), error.headers,
                           error.unread_body)
        except (OSError, asyncio.IncompleteReadError):
            raise  # the client went away: there is no one to answer
        except Exception as error:  # a bug in reading the request: answer, do not just hang up
            log.exception("Control API: %s failed", self._shown(method, path))
            return _Answer(500, _internal_error(error))
        return _Answer(status, answer)

    def _shown(self, method: str, path: str) -> str:
        """The request as the log may show it: nothing unknown, as it might hold the token."""
        shown = path if path in self._routes else "(unknown path)"
        verb = method if method in ("GET", "POST", "PUT", "DELETE", "HEAD") else "?"
        return f"{verb} {shown}"

    async def _call(self, handler: Handler, body: bytes,
                    request: str) -> tuple[int, dict[str, Any]]:
        try:
            result = await handler(body)
        except InvalidValue as error:
            log.info("Control API: %s refused: %s", request, error)
            return 400, _error_body(error, error.field)
        except OperatorError as error:
            log.info("Control API: %s refused: %s: %s", request, type(error).__name__, error)
            return 409, {**error.details, **_error_body(error)}
        except Exception as error:
            log.exception("Control API: %s failed", request)
            return 500, _internal_error(error)
        if request.endswith("/api/state"):
            log.info("Control API: %s", request)
            return 200, result
        return _action_answer(result, request)

    def _authenticate(self, headers: dict[str, list[str]]) -> None:
        values = headers.get("authorization", [])
        scheme, _, credentials = (values[0] if len(values) == 1 else "").partition(" ")
        given = credentials.strip().encode("latin-1")
        if not (scheme.lower() == "bearer" and hmac.compare_digest(given, self._token)):
            raise HttpError(401, "a valid 'Authorization: Bearer <token>' header is required",
                            headers={"WWW-Authenticate": 'Bearer realm="console"'})

    def _route(self, method: str, path: str) -> Handler:
        if path not in self._routes:
            raise HttpError(404, f"no such endpoint: {path}")
        allowed, handler = self._routes[path]
        if method != allowed:
            raise HttpError(405, f"{path} accepts {allowed} only", headers={"Allow": allowed})
        return handler

    async def _state(self, _body: bytes) -> dict[str, Any]:
        state = await self._actions.state()
        if self._channels is None:
            return state
        return {**state, "channels": self._channels()}

    async def _take(self, body: bytes) -> dict[str, Any]:
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

    def _the_booth(self) -> BoothActions:
        if self._booth is None:
            raise OperatorError(NOT_A_BOOTH)
        return self._booth

    async def _ready(self, body: bytes) -> dict[str, Any]:
        booth = self._the_booth()
        return await booth.set_ready(_json_flag(body, "ready"))

    async def _cough(self, body: bytes) -> dict[str, Any]:
        booth = self._the_booth()
        return await booth.cough(_json_flag(body, "on"))

    async def _handover(self, body: bytes) -> dict[str, Any]:
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

    async def _add_time(self, body: bytes) -> dict[str, Any]:
        expected = f"a number of seconds from {-MAX_ADDED_S:g} to {MAX_ADDED_S:g}"
        value = _json_field(body, "seconds", expected)
        seconds = check_seconds(value, "seconds", low=-MAX_ADDED_S, high=MAX_ADDED_S)
        return await self._actions.add_time(seconds)

    async def _rehearsal(self, body: bytes) -> dict[str, Any]:
        return await self._actions.set_rehearsal(_json_flag(body, "on"))

    async def _note(self, body: bytes) -> dict[str, Any]:
        if self._notes is None:
            raise OperatorError(NO_NOTES)
        # Checked by the notes themselves (one line, not empty, no control characters).
        return await self._notes.note(_json_field(body, "note", "one line of text"))

    async def _message(self, body: bytes) -> dict[str, Any]:
        # One line: the presenter screen shows it as a single line.
        value = _json_field(body, "text", f"one line of at most {MAX_MESSAGE} characters")
        return await self._actions.message(check_text(value, "text", max_length=MAX_MESSAGE))


async def _read_head(reader: asyncio.StreamReader) -> tuple[str, str, dict[str, list[str]]]:
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError:
        raise HttpError(400, "request head too large") from None
    request_line, *lines = raw[:-4].decode("latin-1").split("\r\n")
    if len(lines) > MAX_HEADER_LINES:
        raise HttpError(400, f"more than {MAX_HEADER_LINES} header lines")
    parts = request_line.split(" ")
    if len(parts) != 3 or parts[2] not in ("HTTP/1.0", "HTTP/1.1") or not parts[1].startswith("/"):
        raise HttpError(400, "malformed request line")
    headers: dict[str, list[str]] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise HttpError(400, "malformed header line")
        headers.setdefault(name.lower(), []).append(value.strip())
    return parts[0], parts[1].split("?", 1)[0], headers


def _content_length(headers: dict[str, list[str]]) -> int:
    if "transfer-encoding" in headers:
        raise HttpError(400, "chunked bodies are not supported: send Content-Length")
    values = set(headers.get("content-length", ["0"]))
    if len(values) != 1 or not (value := values.pop()).isdigit() or not value.isascii():
        raise HttpError(400, "malformed Content-Length")
    too_large = f"the body may be at most {MAX_BODY} bytes"
    digits = value.lstrip("0") or "0"
    if len(digits) > len(str(MAX_DRAIN)):  # before int(): it refuses over 4,300 digits
        raise HttpError(413, too_large)
    length = int(digits)
    if length > MAX_DRAIN:
        raise HttpError(413, too_large)
    if length > MAX_BODY:
        raise HttpError(413, too_large, unread_body=length)
    return length


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


def _action_answer(result: dict[str, Any] | None, request: str) -> tuple[int, dict[str, Any]]:
    """``{"ok": true, ...}`` for an action that was done; 409 for one it says it ignored.

    An action may answer ``{"ignored": why}`` instead of raising (the take service
    did so for a take already in flight): nothing happened, so it is never "ok".
    """
    answer = dict(result or {})
    if "ignored" in answer:
        log.info("Control API: %s ignored: %s", request, answer["ignored"])
        return 409, {"ok": False, "error": str(answer["ignored"])}
    log.info("Control API: %s", request)
    answer.pop("ok", None)
    return 200, {"ok": True, **answer}


def _error_body(error: Exception, field: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error": str(error)}
    if field is not None:
        body["field"] = field
    return body


def _internal_error(error: Exception) -> dict[str, Any]:
    return {"ok": False, "error": f"internal error ({type(error).__name__})"}


def _json_default(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime | date) else str(value)


async def _respond(writer: asyncio.StreamWriter, answer: _Answer) -> None:
    status = answer.status
    try:
        body = json.dumps(answer.body, default=_json_default, allow_nan=False).encode()
    except ValueError:
        log.exception("Control API: the answer is not JSON")
        status, body = 500, b'{"ok": false, "error": "internal error (answer not JSON)"}'
    head = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}",
            "Content-Type: application/json", f"Content-Length: {len(body)}",
            "Cache-Control: no-store", "Connection: close",
            *(f"{name}: {value}" for name, value in answer.headers.items())]
    writer.write("\r\n".join(head).encode("latin-1") + b"\r\n\r\n" + body)
    await writer.drain()


async def _linger(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                  max_bytes: int, timeout_s: float) -> None:
    """Half-close, then read and drop what the client still sends (a body we refused to
    read), so that closing does not reset the connection before the client has read the
    answer. Whoever sends more than ``max_bytes``, or for longer than ``timeout_s``, is
    cut off all the same."""
    if writer.can_write_eof():
        writer.write_eof()
    async with asyncio.timeout(timeout_s):
        received = 0
        while received < max_bytes and (
                chunk := await reader.read(min(READ_CHUNK, max_bytes - received))):
            received += len(chunk)
