"""The control API's WebSocket (``GET /api/ws``): the state pushed as it changes, and actions.

After authentication (the upgrade's ``Authorization`` header, or a first message
``{"token": "..."}`` within ``AUTH_S``) a client gets the whole state once, then
``{"type": "change", "state": {...}}`` with the top-level keys that changed. Nothing
polls: the console's services emit psygnal signals when what the state is built
from changes (the take, the clock's second, OBS, the booths); each emission marks
the state stale, and one refresh ``COALESCE_S`` later builds it once, however many
signals came, and compares it per key with what each client was last sent.

Each client has its own queue of at most ``SEND_QUEUE`` messages and its own sender
task: a refresh only appends to the queues, so a client that reads slowly never
delays the console or the others. One whose queue is full is closed (1008, with the
reason, logged). Actions (``{"action": "take", "id": 1}``) are answered on the same
socket, through the server's own dispatch: the status and body the HTTP route gives.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import WSMsgType, web
from psygnal import SignalInstance

from console.models.errors import InvalidValue, OperatorError
from console.services.control_routes import MAX_BODY, parse_json_text
from console.services.control_transport import json_default

log = logging.getLogger(__name__)

AUTH_S = 5.0  # for the first message's token, when the upgrade carried none
COALESCE_S = 0.01  # a burst of signals (a take moves live, next and OBS) is one refresh
SEND_QUEUE = 64  # messages waiting for one client; a minute of ticks and then some
CLOSE_S = 1.0  # for a close handshake; a client that does not answer is cut off
NORMAL, GOING_AWAY, UNSUPPORTED, POLICY, INTERNAL = 1000, 1001, 1003, 1008, 1011

State = Callable[[bytes], Awaitable[dict[str, Any]]]
Act = Callable[[str, bytes], Awaitable[tuple[int, dict[str, Any]]]]


class _Client:
    """One socket: its queue, its sender, and the state it was last sent, key by key."""

    def __init__(self, ws: web.WebSocketResponse, transport: asyncio.Transport | None) -> None:
        self.ws, self.transport = ws, transport
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize=SEND_QUEUE)
        self.sent: dict[str, str] = {}
        self.sender: asyncio.Task[None] | None = None
        self.closer: asyncio.Task[None] | None = None

    def push(self, message: str) -> bool:
        """Queues ``message``; False when the queue is full."""
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            return False
        return True

    async def send_queued(self) -> None:
        while True:
            await self.ws.send_str(await self.queue.get())

    def close(self, code: int, reason: str) -> asyncio.Task[None]:
        if self.closer is None:
            self.closer = asyncio.create_task(self._close(code, reason))
        return self.closer

    async def _close(self, code: int, reason: str) -> None:
        if self.sender is not None:
            self.sender.cancel()
        try:  # aiohttp waits CLOSE_S for the client's close; this covers the sending too
            async with asyncio.timeout(2 * CLOSE_S):
                await self.ws.close(code=code, message=reason.encode())
        except (TimeoutError, OSError):
            if self.transport is not None:
                self.transport.abort()  # it reads nothing, not even the close


class PushHub:
    """The WebSocket clients of one control API server."""

    def __init__(self, state: State, act: Act, token_matches: Callable[[str], bool],
                 changes: Iterable[SignalInstance]) -> None:
        self._state, self._act, self._token_matches = state, act, token_matches
        self._changes = tuple(changes)
        self._clients: set[_Client] = set()  # every socket, authenticated or not
        self._joined: set[_Client] = set()  # those that get the state
        self._lock = asyncio.Lock()  # one state built and queued at a time, in order
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stale = False
        self._refreshes: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for signal in self._changes:
            signal.connect(self._changed)

    async def close(self) -> None:
        for signal in self._changes:
            signal.disconnect(self._changed)
        self._loop = None
        for task in self._refreshes:
            task.cancel()
        closing = [client.close(GOING_AWAY, "the console is closing")
                   for client in self._clients]
        await asyncio.gather(*self._refreshes, *closing, return_exceptions=True)

    @property
    def clients(self) -> int:
        """How many clients get the state."""
        return len(self._joined)

    def _changed(self, *_args: object) -> None:
        loop = self._loop
        if loop is None or self._stale:
            return
        self._stale = True
        loop.call_soon_threadsafe(self._schedule_refresh)  # a signal may come from a worker

    def _schedule_refresh(self) -> None:
        if self._loop is None:
            return
        task = asyncio.create_task(self._refresh())
        self._refreshes.add(task)
        task.add_done_callback(self._refreshes.discard)

    async def _refresh(self) -> None:
        await asyncio.sleep(COALESCE_S)
        self._stale = False  # from here on, a change needs another refresh
        if not self._joined:
            return
        async with self._lock:
            encoded = await self._encoded_state()
            if encoded is None:
                return
            messages: dict[tuple[str, ...], str] = {}
            for client in list(self._joined):
                changed = tuple(key for key, value in encoded.items()
                                if client.sent.get(key) != value)
                if not changed:
                    continue
                if changed not in messages:
                    messages[changed] = _message("change", {key: encoded[key] for key in changed})
                client.sent.update({key: encoded[key] for key in changed})
                self._queue(client, messages[changed])

    async def _encoded_state(self) -> dict[str, str] | None:
        """The state, each top-level value as JSON; None when it cannot be built now."""
        try:
            state = await self._state(b"")
            return {key: json.dumps(value, default=json_default, allow_nan=False,
                                    sort_keys=True) for key, value in state.items()}
        except OperatorError as error:
            log.info("Control API: no state for the WebSocket: %s", error)
        except Exception:
            log.exception("Control API: the state for the WebSocket failed")
        return None

    def _queue(self, client: _Client, message: str) -> None:
        if client.push(message) or client.closer is not None:
            return
        reason = f"too slow: {SEND_QUEUE} messages were waiting; reconnect and read faster"
        log.info("Control API: a WebSocket client closed (%d, %s)", POLICY, reason)
        self._joined.discard(client)
        client.close(POLICY, reason)

    async def serve(self, request: web.BaseRequest, authorized: bool) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(timeout=CLOSE_S, max_msg_size=MAX_BODY)
        await ws.prepare(request)
        client = _Client(ws, request.transport)
        self._clients.add(client)
        try:
            if authorized or await self._authenticate(client):
                await self._join(client)
                await self._run(client)
        finally:
            self._joined.discard(client)
            self._clients.discard(client)
            await client.close(NORMAL, "")
        return ws

    async def _authenticate(self, client: _Client) -> bool:
        try:
            async with asyncio.timeout(AUTH_S):
                message = await client.ws.receive()
        except TimeoutError:
            message = None
        if message is not None and message.type == WSMsgType.TEXT and \
                self._token_matches(_token_in(message.data)):
            return True
        log.warning("Control API: GET /api/ws refused: no valid token in the first message")
        client.close(POLICY, 'a valid token is required: send {"token": "..."} first, or the '
                             "Authorization header with the upgrade")
        return False

    async def _join(self, client: _Client) -> None:
        async with self._lock:
            encoded = await self._encoded_state()
            if encoded is None:
                client.close(INTERNAL, "the state cannot be read now; try again")
                return
            client.sent = encoded
            client.push(_message("state", encoded))
            self._joined.add(client)

    async def _run(self, client: _Client) -> None:
        client.sender = asyncio.create_task(client.send_queued())
        try:
            async for message in client.ws:
                if message.type == WSMsgType.BINARY:
                    client.close(UNSUPPORTED, "send JSON as text messages")
                if message.type != WSMsgType.TEXT:
                    break
                self._queue(client, _answer(*await self._action(message.data)))
        finally:
            client.sender.cancel()
            await asyncio.gather(client.sender, return_exceptions=True)

    async def _action(self, text: str) -> tuple[object, int, dict[str, Any]]:
        """``(id, status, body)`` for one message: the answer of the action's route."""
        try:
            document = parse_json_text(text, "action", 'send {"action": "take", "id": 1}')
            if not isinstance(document, dict) or not isinstance(document.get("action"), str):
                raise InvalidValue("action", 'is required: send {"action": "take", "id": 1}')
        except InvalidValue as error:
            return None, 400, {"ok": False, "error": str(error), "field": "action"}
        fields = {key: value for key, value in document.items() if key not in ("action", "id")}
        body = json.dumps(fields).encode() if fields else b""
        status, answer = await self._act(document["action"], body)
        return document.get("id"), status, answer


def _token_in(text: str) -> str:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return ""
    token = document.get("token") if isinstance(document, dict) else None
    return token if isinstance(token, str) else ""


def _answer(request_id: object, status: int, body: dict[str, Any]) -> str:
    answer = {"type": "answer", "id": request_id, "status": status, "body": body}
    try:
        return json.dumps(answer, default=json_default, allow_nan=False)
    except ValueError:  # as over HTTP: an answer JSON cannot hold is a fault
        log.exception("Control API: the answer is not JSON")
        return json.dumps({**answer, "status": 500, "body": {
            "ok": False, "error": "internal error (answer not JSON)"}})


def _message(kind: str, encoded: dict[str, str]) -> str:
    """A message whose state is built from values already encoded as JSON."""
    state = ", ".join(f"{json.dumps(key)}: {value}" for key, value in encoded.items())
    return f'{{"type": "{kind}", "state": {{{state}}}}}'
