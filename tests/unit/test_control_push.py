"""The control API's WebSocket over real sockets: authentication, state, changes, actions."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from psygnal import Signal

from console.services import control_push
from console.services.control_api import MAX_BODY, ControlServer
from tests.helpers.loops import LoopRunner, until
from tests.unit.test_control_api import API_LOGGER, TOKEN, RecordingActions, call

PUSH_LOGGER = "console.services.control_push"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LIVE = {"segment_id": "s1", "title": "Keynote", "remaining_s": 600.0, "phase": "running"}


class LiveActions(RecordingActions):
    """Actions with a state of their own that a take changes, and a signal for each change."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.live: dict[str, Any] = dict(LIVE)
        self.message_text = ""

    async def state(self) -> dict[str, Any]:
        return {"live": copy.deepcopy(self.live), "message": self.message_text,
                "obs": {"state": "connected"}}

    async def take(self, *, override: bool = False) -> dict[str, Any]:
        answer = await super().take(override=override)
        self.live = {**LIVE, "segment_id": "s2", "title": "Panel"}
        self.changed.emit()
        return answer

    async def set_rehearsal(self, enabled: bool) -> dict[str, Any]:
        return await self._record("set_rehearsal", enabled)

    def tick(self, remaining_s: float) -> None:
        self.live["remaining_s"] = remaining_s
        self.changed.emit()

    def say(self, text: str) -> None:
        self.message_text = text
        self.changed.emit()


@asynccontextmanager
async def serving(actions: LiveActions) -> AsyncIterator[ControlServer]:
    server = ControlServer(actions, TOKEN, 0, changes=[actions.changed])
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@asynccontextmanager
async def socket_to(server: ControlServer, headers: dict[str, str] | None = None,
                    query: str = "") -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    async with aiohttp.ClientSession() as session, session.ws_connect(
            f"http://127.0.0.1:{server.port}/api/ws{query}",
            headers=AUTH if headers is None else headers) as ws:
        yield ws


@asynccontextmanager
async def joined(actions: LiveActions) -> AsyncIterator[
        tuple[ControlServer, aiohttp.ClientWebSocketResponse]]:
    """A server and a socket to it that has had the state."""
    async with serving(actions) as server, socket_to(server) as ws:
        assert (await receive(ws))["type"] == "state"
        yield server, ws


async def receive(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    message = await asyncio.wait_for(ws.receive(), 5)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    document = json.loads(message.data)
    assert isinstance(document, dict)
    return document


async def http_state(server: ControlServer) -> dict[str, Any]:
    reply = await call(server.port, "GET", "/api/state")
    assert reply.status == 200
    state = reply.json
    assert isinstance(state, dict)
    return state


# --- authentication ---------------------------------------------------------------------

def test_the_header_authenticates_and_the_state_comes_first(aio: LoopRunner) -> None:
    actions = LiveActions()

    async def main() -> None:
        async with serving(actions) as server, socket_to(server) as ws:
            assert await receive(ws) == {"type": "state", "state": await http_state(server)}

    aio.run(main())


def test_the_token_may_come_as_the_first_message(aio: LoopRunner) -> None:
    async def main() -> None:
        async with serving(LiveActions()) as server, socket_to(server, headers={}) as ws:
            await ws.send_json({"token": TOKEN})
            assert (await receive(ws))["type"] == "state"

    aio.run(main())


@pytest.mark.expected_log(API_LOGGER, PUSH_LOGGER)
@pytest.mark.parametrize("first", [{"token": "wrong"}, {"token": TOKEN + "x"}, {"token": None},
                                   {"action": "take"}, "not json", [TOKEN]])
def test_a_first_message_without_the_token_closes_the_socket(aio: LoopRunner,
                                                             first: object) -> None:
    actions = LiveActions()

    async def main() -> None:
        async with serving(actions) as server, socket_to(server, headers={}) as ws:
            await ws.send_str(first if isinstance(first, str) else json.dumps(first))
            message = await asyncio.wait_for(ws.receive(), 5)
            assert (message.type, message.data) == (aiohttp.WSMsgType.CLOSE, 1008)
            assert "token" in message.extra

    aio.run(main())
    assert actions.calls == []


@pytest.mark.expected_log(API_LOGGER, PUSH_LOGGER)
def test_no_first_message_in_time_closes_the_socket(
        aio: LoopRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(control_push, "AUTH_S", 0.2)

    async def main() -> None:
        async with serving(LiveActions()) as server, socket_to(server, headers={}) as ws:
            message = await asyncio.wait_for(ws.receive(), 5)
            assert (message.type, message.data) == (aiohttp.WSMsgType.CLOSE, 1008)

    aio.run(main())


@pytest.mark.expected_log(API_LOGGER)
@pytest.mark.parametrize(("headers", "query", "status"), [
    ({"Authorization": "Bearer wrong"}, "", 401),
    ({"Authorization": f"Basic {TOKEN}"}, "", 401),
    ({}, f"?token={TOKEN}", 400),
    (AUTH, f"?token={TOKEN}", 400),
    (AUTH, f"?access_token={TOKEN}", 400),
])
def test_a_wrong_header_or_a_token_in_the_url_is_refused(
        aio: LoopRunner, headers: dict[str, str], query: str, status: int) -> None:
    async def main() -> None:
        async with serving(LiveActions()) as server:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                async with socket_to(server, headers, query):
                    pass
            assert refused.value.status == status

    aio.run(main())


@pytest.mark.expected_log(API_LOGGER)
def test_a_plain_request_to_the_socket_is_refused(aio: LoopRunner) -> None:
    async def main() -> None:
        async with serving(LiveActions()) as server:
            assert (await call(server.port, "GET", "/api/ws")).status == 400
            assert (await call(server.port, "GET", "/api/ws", token=None)).status == 401
            reply = await call(server.port, "POST", "/api/ws", token=None)
            assert reply.status == 401

    aio.run(main())


# --- changes ----------------------------------------------------------------------------

def test_a_take_over_http_reaches_the_socket_as_a_change(aio: LoopRunner) -> None:
    actions = LiveActions()

    async def main() -> None:
        async with joined(actions) as (server, ws):
            assert (await call(server.port, "POST", "/api/take")).status == 200
            change = await receive(ws)
            assert change == {"type": "change",
                              "state": {"live": (await http_state(server))["live"]}}
            assert change["state"]["live"]["segment_id"] == "s2"

    aio.run(main())


def test_the_time_left_ticks(aio: LoopRunner) -> None:
    actions = LiveActions()

    async def main() -> None:
        async with joined(actions) as (_server, ws):
            seen = []
            for remaining_s in (599.0, 598.0, 597.0):
                actions.tick(remaining_s)
                seen.append((await receive(ws))["state"]["live"]["remaining_s"])
            assert seen == [599.0, 598.0, 597.0]

    aio.run(main())


def test_a_burst_of_signals_is_one_change_and_no_change_sends_nothing(aio: LoopRunner) -> None:
    actions = LiveActions()

    async def main() -> None:
        async with joined(actions) as (_server, ws):
            actions.changed.emit()  # nothing differs: nothing is sent
            for remaining_s in (599.0, 598.0, 597.0):
                actions.tick(remaining_s)
            actions.say("Wrap up")
            assert await receive(ws) == {"type": "change", "state": {
                "live": {**LIVE, "remaining_s": 597.0}, "message": "Wrap up"}}
            actions.say("Wrap up")
            actions.say("Two minutes")
            assert await receive(ws) == {"type": "change", "state": {"message": "Two minutes"}}

    aio.run(main())


def test_two_hundred_clients_each_see_a_take(aio: LoopRunner) -> None:
    actions = LiveActions()

    async def main() -> None:
        async with serving(actions) as server, aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0)) as session:  # not 100 at most
            url = f"http://127.0.0.1:{server.port}/api/ws"
            sockets = await asyncio.gather(*(session.ws_connect(url, headers=AUTH)
                                             for _ in range(200)))
            try:
                firsts = await asyncio.gather(*(receive(ws) for ws in sockets))
                assert {first["type"] for first in firsts} == {"state"}
                assert (await call(server.port, "POST", "/api/take")).status == 200
                changes = await asyncio.gather(*(receive(ws) for ws in sockets))
                assert [c["state"]["live"]["segment_id"] for c in changes] == ["s2"] * 200
            finally:
                await asyncio.gather(*(ws.close() for ws in sockets))

    aio.run(main(), timeout_s=60)
    assert actions.calls == [("take", ())]


def test_the_console_closing_closes_every_socket(aio: LoopRunner) -> None:
    async def main() -> None:
        server = ControlServer(LiveActions(), TOKEN, 0)
        await server.start()
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{server.port}/api/ws"
            sockets = [await session.ws_connect(url, headers=AUTH) for _ in range(3)]
            for ws in sockets:
                await receive(ws)
            await asyncio.wait_for(server.stop(), 5)
            for ws in sockets:  # read only now: the console did not wait for their answers
                message = await asyncio.wait_for(ws.receive(), 5)
                assert (message.type, message.data) == (aiohttp.WSMsgType.CLOSE, 1001)
                assert "closing" in message.extra
                await ws.close()

    aio.run(main())


def stalled_socket(port: int, token: str = TOKEN) -> socket.socket:
    """A WebSocket client that authenticates and then never reads, with a tiny window."""
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", port))
    raw.sendall((f"GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                 "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += raw.recv(1)
    assert head.startswith(b"HTTP/1.1 101")
    return raw


def test_a_client_that_never_reads_is_dropped_and_the_others_keep_receiving(
        aio: LoopRunner, caplog: pytest.LogCaptureFixture) -> None:
    actions = LiveActions()
    caplog.set_level(logging.INFO, PUSH_LOGGER)

    async def main() -> None:
        async with serving(actions) as server, socket_to(server) as reader:
            await receive(reader)
            stalled = await asyncio.to_thread(stalled_socket, server.port)
            try:
                await until(lambda: server._push.clients == 2, 5, "both clients joined")
                sent = 0
                while server._push.clients == 2:  # a big message each time fills the pipe
                    sent += 1
                    actions.say(f"{sent:06d}" + "x" * 60_000)
                    assert (await receive(reader))["state"]["message"].startswith(f"{sent:06d}")
                    assert sent < 2000, "the stalled client was never dropped"
                actions.say("after")
                assert (await receive(reader))["state"] == {"message": "after"}
            finally:
                stalled.close()

    aio.run(main(), timeout_s=60)
    drops = [r.getMessage() for r in caplog.records if "too slow" in r.getMessage()]
    assert len(drops) == 1
    assert "1008" in drops[0]


# --- actions ----------------------------------------------------------------------------

ACTIONS: list[tuple[str, dict[str, Any]]] = [
    ("take", {}), ("take", {"override": True}), ("take", {"override": "yes"}),
    ("back", {}), ("skip", {}), ("hold", {}),
    ("add-time", {"seconds": 60}), ("add-time", {"seconds": 10**6}), ("add-time", {}),
    ("add-time", {"seconds": "60"}), ("message", {"text": "Back in 5"}),
    ("message", {"text": "a\x1bb"}), ("message", {"text": "x" * 501}),
    ("rehearsal", {"on": True}), ("note", {"note": "hello"}), ("ready", {"ready": True}),
    ("handover", {}), ("cough", {"on": False}),
]


@pytest.mark.parametrize(("action", "fields"), ACTIONS)
def test_an_action_on_the_socket_answers_as_its_http_route(
        aio: LoopRunner, action: str, fields: dict[str, Any]) -> None:
    over_http, over_ws = LiveActions(), LiveActions()

    async def main() -> None:
        async with serving(over_http) as server:
            reply = await call(server.port, "POST", f"/api/{action}", fields or None)
        async with joined(over_ws) as (server, ws):
            await ws.send_json({"action": action, "id": [7, "x"], **fields})
            answer = await receive(ws)
            while answer["type"] == "change":
                answer = await receive(ws)
            assert answer == {"type": "answer", "id": [7, "x"], "status": reply.status,
                              "body": reply.json}

    aio.run(main())
    assert over_ws.calls == over_http.calls


@pytest.mark.parametrize(("message", "status"), [
    ('{"action": "nowhere", "id": 1}', 404), ('{"action": "state", "id": 1}', 404),
    ('{"action": "ws", "id": 1}', 404), ('{"id": 1}', 400), ('{"action": 5, "id": 1}', 400),
    ("not json", 400), ("[1, 2]", 400), ('{"action": "take", "x": NaN}', 400),
    ("[" * 60_000, 400),
])
def test_a_message_that_is_no_action_is_refused_naming_the_field(
        aio: LoopRunner, message: str, status: int) -> None:
    actions = LiveActions()

    async def main() -> None:
        async with joined(actions) as (_server, ws):
            await ws.send_str(message)
            answer = await receive(ws)
            assert (answer["type"], answer["status"]) == ("answer", status)
            assert answer["body"]["ok"] is False
            assert answer["body"]["field"] == "action"
            await ws.send_json({"action": "hold", "id": 2})  # the socket still works
            assert (await receive(ws))["status"] == 200

    aio.run(main())
    assert actions.calls == [("hold", ())]


@pytest.mark.parametrize(("send", "code"), [
    (lambda ws: ws.send_bytes(b'{"action": "take"}'), 1003),
    (lambda ws: ws.send_str('{"action": "message", "text": "' + "x" * MAX_BODY + '"}'), 1009),
])
def test_a_binary_or_oversized_message_closes_the_socket(
        aio: LoopRunner, send: Callable[[aiohttp.ClientWebSocketResponse], Awaitable[None]],
        code: int) -> None:
    actions = LiveActions()

    async def main() -> None:
        async with joined(actions) as (_server, ws):
            await send(ws)
            message = await asyncio.wait_for(ws.receive(), 5)
            assert (message.type, message.data) == (aiohttp.WSMsgType.CLOSE, code)

    aio.run(main())
    assert actions.calls == []
