"""The Control API: a small HTTP server on 127.0.0.1 for Stream Deck / Companion and scripts.

aiohttp's web server (aiohttp is already the viewer platforms' HTTP client), run
at its low level: one handler, the routes of ``services/control_routes.py``,
JSON in and out, one request per connection (``Connection: close``). Every request
needs ``Authorization: Bearer <token>``; without it nothing happens (401). The token
is never logged (it is registered with the log scrubber as well).

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
    GET  /api/openapi.json                -> all of this as OpenAPI 3.1
    GET  /api/ws                          -> the state pushed over a WebSocket, and actions
                                             (``services/control_push.py``)

The three booth routes are an interpreter booth's (``booth``); a console that is not
a booth refuses them (409), and a console given no ``notes`` refuses a note (409).
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
its traceback. A WebSocket action gets the same answer through the same code.

Limits, so that a hostile local client can neither stall the console nor make it
read without end: a request head of 16 KiB and 100 header lines (400); a body of
64 KiB (413, answered at once; the refused body is read and dropped afterwards, up
to 64 MiB and within the request timeout, so the client is not reset before it
reads the answer); head and body within ``request_timeout_s`` together (408); at
most ``max_connections`` connections (503). aiohttp enforces the line and header
limits and parses; ``services/control_transport.py`` adds the rest per connection.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web
from aiohttp.http import HttpVersion10, HttpVersion11
from multidict import CIMultiDictProxy
from psygnal import SignalInstance

from console import logs
from console.models.errors import InvalidValue, OperatorError
from console.services.control_openapi import openapi_document
from console.services.control_push import PushHub
from console.services.control_routes import (
    MAX_BODY,
    ROUTES,
    WS_PATH,
    BoothActions,
    ControlActions,
    Handler,
    NoteActions,
    Route,
    RouteHandlers,
)
from console.services.control_transport import (
    LINGER_BYTES,
    LINGER_S,
    MAX_HEADER_LINES,
    ControlProtocol,
    Refusal,
    encode_json,
    json_answer,
    raw_answer,
)

__all__ = ["MAX_BODY", "MAX_HEADER_LINES", "BoothActions", "ControlActions", "ControlServer",
           "NoteActions"]

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
# A refused body up to this size is read and dropped after the 413, so that a client
# still sending it (urllib sends the whole body before reading) gets the answer rather
# than a reset; a larger announced body is answered 413 without waiting for it.
MAX_DRAIN = 64 * 1024 * 1024
BUSY = {"ok": False, "error": "too many connections to the control API; try again"}
TOO_LARGE = f"the body may be at most {MAX_BODY} bytes"
NOT_JSON = b'{"ok": false, "error": "internal error (answer not JSON)"}'


class HttpError(Exception):
    """A refusal of the request itself; ``drain`` is how much of a body the client may still
    send after the answer, read and dropped (None: what any answer allows)."""

    def __init__(self, status: int, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None, drain: int | None = None) -> None:
        super().__init__(message)
        self.status, self.field, self.headers = status, field, headers or {}
        self.drain = drain


class ControlServer:
    """Serves the Control API on 127.0.0.1 (no other address is accepted)."""

    request_timeout_s = 10.0  # the whole request head and body; slower clients get 408
    stop_grace_s = 2.0  # how long stop() lets a running action finish
    # Each connection holds a socket and up to ~100 KiB of buffers for up to
    # request_timeout_s; without a cap, clients trickling bytes could exhaust the
    # process's file descriptors, which the OBS connection and the database share.
    # WebSocket clients count too.
    max_connections = 256  # a show's Stream Decks and scripts, with room for bursts

    def __init__(self, actions: ControlActions, token: str, port: int,
                 host: str = LOOPBACK, *, booth: BoothActions | None = None,
                 notes: NoteActions | None = None,
                 channels: Callable[[], list[dict[str, Any]]] | None = None,
                 changes: Iterable[SignalInstance] = ()) -> None:
        """``changes``: the signals after which the state may differ, for the WebSocket."""
        if host != LOOPBACK:
            raise ValueError(f"the Control API listens on {LOOPBACK} only, not {host!r}")
        if not token:
            raise ValueError("the Control API needs a token")
        logs.register_secret(token)
        self._token, self._port, self._host = token.encode(), port, host
        handlers = RouteHandlers(actions, booth=booth, notes=notes, channels=channels,
                                 document=openapi_document())
        self._routes: dict[str, tuple[Route, Handler]] = {
            route.path: (route, getattr(handlers, route.handler, _served_by_the_hub))
            for route in ROUTES}
        self._push = PushHub(handlers.state, self._act, self._token_matches, changes)
        self._server: asyncio.Server | None = None
        self._web: web.Server | None = None
        self._connections: set[ControlProtocol] = set()

    @property
    def port(self) -> int:
        """The port listened on (the one the OS chose when given 0), once started."""
        return self._port

    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("the Control API is already running")
        self._web = web.Server(self._handle)
        self._server = await asyncio.get_running_loop().create_server(
            self._connection, self._host, self._port)
        self._port = self._server.sockets[0].getsockname()[1]
        self._push.start()
        log.info("Control API listening on http://%s:%d", self._host, self._port)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        await self._push.close()
        assert self._web is not None
        self._web.pre_shutdown()  # idle connections end; running actions get the grace
        await self._web.shutdown(self.stop_grace_s)
        await server.wait_closed()
        log.info("Control API stopped")

    def _connection(self) -> asyncio.Protocol:
        if len(self._connections) >= self.max_connections:
            return Refusal(raw_answer(503, BUSY, {"Retry-After": "1"}))
        assert self._web is not None
        return ControlProtocol(self._web, timeout_s=self.request_timeout_s, too_large=TOO_LARGE,
                               opened=self._connections.add, lost=self._connections.discard)

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        protocol = request.protocol
        assert isinstance(protocol, ControlProtocol)
        deadline = protocol.request_started()
        method, path = request.method, request.raw_path.split("?", 1)[0]
        try:
            body = await self._read(request, deadline)
            authorized = self._authenticate(request.headers, method, path)
            route, handler = self._route(method, path)
            if path == WS_PATH:
                return await self._websocket(request, authorized)
            status, answer = await self._call(route, handler, body, f"{method} {path}")
        except HttpError as error:
            if error.status == 401:
                log.warning("Control API: %s refused: %s", self._shown(method, path), error)
            return await self._answer(request, error.status, _error_body(error, error.field),
                                      error.headers, error.drain)
        except (OSError, asyncio.IncompleteReadError):
            raise  # the client went away: there is no one to answer
        except Exception as error:  # a bug in reading the request: answer, do not just hang up
            log.exception("Control API: %s failed", self._shown(method, path))
            return await self._answer(request, 500, _internal_error(error))
        return await self._answer(request, status, answer)

    async def _read(self, request: web.BaseRequest, deadline: float) -> bytes:
        """The body, once the head is known to be one this API reads."""
        if request.version not in (HttpVersion10, HttpVersion11) or \
                not request.raw_path.startswith("/"):
            raise HttpError(400, "malformed request line")
        length = _content_length(request.headers)
        try:
            async with asyncio.timeout_at(deadline):
                return await request.content.readexactly(length) if length else b""
        except TimeoutError:
            raise HttpError(408, "request not received in time") from None

    async def _answer(self, request: web.BaseRequest, status: int, body: dict[str, Any],
                      headers: dict[str, str] | None = None,
                      drain: int | None = None) -> web.StreamResponse:
        """Sends the answer, then reads and drops what is left of a body the client may still
        be sending, so that closing does not reset the connection before it reads the answer."""
        try:
            payload = encode_json(body)
        except ValueError:
            log.exception("Control API: the answer is not JSON")
            status, payload = 500, NOT_JSON
        answer = json_answer(status, payload, headers)
        await answer.prepare(request)
        await answer.write_eof()
        if not request.content.at_eof() and drain != 0:
            timeout_s = self.request_timeout_s if drain else LINGER_S
            await _drop_body(request, drain or LINGER_BYTES, timeout_s)
        return answer

    def _shown(self, method: str, path: str) -> str:
        """The request as the log may show it: nothing unknown, as it might hold the token."""
        shown = path if path in self._routes else "(unknown path)"
        verb = method if method in ("GET", "POST", "PUT", "DELETE", "HEAD") else "?"
        return f"{verb} {shown}"

    async def _act(self, name: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """A WebSocket action: the answer its route gives over HTTP."""
        found = self._routes.get(f"/api/{name}")
        if found is None or found[0].action is None:
            names = ", ".join(route.action for route in ROUTES if route.action)
            return 404, {"ok": False, "field": "action",
                         "error": f"action: no such action; one of {names}"}
        route, handler = found
        return await self._call(route, handler, body, f"{route.method} {route.path} (WebSocket)")

    async def _call(self, route: Route, handler: Handler, body: bytes,
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
        if route.method == "GET":
            log.info("Control API: %s", request)
            return 200, result
        return _action_answer(result, request)

    def _authenticate(self, headers: CIMultiDictProxy[str], method: str, path: str) -> bool:
        """True when the header holds the token; False for a WebSocket without the header,
        whose first message must; 401 otherwise."""
        values = headers.getall("Authorization", [])
        if not values and (method, path) == ("GET", WS_PATH):
            return False
        scheme, _, credentials = (values[0] if len(values) == 1 else "").partition(" ")
        if not (scheme.lower() == "bearer" and self._token_matches(credentials.strip())):
            raise _unauthorized()
        return True

    def _token_matches(self, given: str) -> bool:
        return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), self._token)

    def _route(self, method: str, path: str) -> tuple[Route, Handler]:
        if path not in self._routes:
            raise HttpError(404, f"no such endpoint: {path}")
        route, handler = self._routes[path]
        if method != route.method:
            raise HttpError(405, f"{path} accepts {route.method} only",
                            headers={"Allow": route.method})
        return route, handler

    async def _websocket(self, request: web.BaseRequest, authorized: bool) -> web.StreamResponse:
        if request.query_string:
            raise HttpError(400, f"{WS_PATH} takes nothing in its URL: send the token in the "
                                 "Authorization header or as the first message")
        if not web.WebSocketResponse().can_prepare(request).ok:
            if not authorized:
                raise _unauthorized()
            raise HttpError(400, f"{WS_PATH} is a WebSocket: open it with a WebSocket client")
        return await self._push.serve(request, authorized)


async def _served_by_the_hub(_body: bytes) -> dict[str, Any]:
    raise AssertionError(f"{WS_PATH} is served by the push hub, never called")


def _unauthorized() -> HttpError:
    return HttpError(401, "a valid 'Authorization: Bearer <token>' header is required",
                     headers={"WWW-Authenticate": 'Bearer realm="console"'})


def _content_length(headers: CIMultiDictProxy[str]) -> int:
    if "Transfer-Encoding" in headers:
        raise HttpError(400, "chunked bodies are not supported: send Content-Length")
    values = set(headers.getall("Content-Length", ["0"]))
    if len(values) != 1 or not (value := values.pop()).isdigit() or not value.isascii():
        raise HttpError(400, "malformed Content-Length")
    digits = value.lstrip("0") or "0"
    if len(digits) > len(str(MAX_DRAIN)):  # before int(): it refuses over 4,300 digits
        raise HttpError(413, TOO_LARGE, drain=0)
    length = int(digits)
    if length > MAX_DRAIN:
        raise HttpError(413, TOO_LARGE, drain=0)
    if length > MAX_BODY:
        raise HttpError(413, TOO_LARGE, drain=length)
    return length


async def _drop_body(request: web.BaseRequest, max_bytes: int, timeout_s: float) -> None:
    """Half-close, then read and drop up to ``max_bytes`` of the body for ``timeout_s``."""
    transport = request.transport
    if transport is not None and transport.can_write_eof():
        transport.write_eof()
    received = 0
    try:
        async with asyncio.timeout(timeout_s):
            while received < max_bytes and (chunk := await request.content.readany()):
                received += len(chunk)
    except (TimeoutError, OSError):
        pass  # cut off all the same: the connection closes after the answer


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
