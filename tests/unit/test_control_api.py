"""The Control API over real sockets on 127.0.0.1: authentication, routes, bodies, errors."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from console import logs
from console.models.errors import InvalidValue, OperatorError
from console.models.limits import MAX_ADDED_S
from console.models.rundown_edit import RundownEditError
from console.models.show import find_segment
from console.obs.errors import ObsNotConnected
from console.services import control_api
from console.services.control_api import MAX_BODY, MAX_DRAIN, MAX_HEADER_LINES, ControlServer
from console.services.control_token import TOKEN_ENV, control_token
from console.services.handoff import ChannelsNotReady
from console.services.show_import import ShowImportError
from console.services.show_runner import ShowRunnerError
from console.services.switcher import TakeNotConfirmed
from tests.helpers.loops import LoopRunner, until
from tests.unit.sample_show import sample_show

TOKEN = "unit-test-control-token-4f9a2c"
API_LOGGER = "console.services.control_api"
STATE = {
    "live": {"segment_id": "s1", "title": "Keynote", "speakers": ["Ada"], "scene": "Stage",
             "started_at": datetime(2026, 12, 5, 9, 0, tzinfo=UTC), "elapsed_s": 61.5,
             "remaining_s": 1738.5, "phase": "running"},
    "next": None,
    "drift_s": -12.0,
    "obs": {"state": "connected", "program_scene": "Stage", "preview_scene": "Break"},
}


class Oops(Exception):
    """Not an operator error: a bug."""


class CueError(Exception):
    """Named like an error the operator could act on, but not an OperatorError: a bug."""


class NoCue(OperatorError):
    """A refusal of the operator error family, known to no one but this test."""


class RecordingActions:
    """Stands in for the console's actions: records every call, answers or raises."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.raises: BaseException | None = None
        self.gate: asyncio.Event | None = None  # when set, actions wait for it

    async def _record(self, name: str, *args: Any, wait: bool = True) -> dict[str, Any]:
        self.calls.append((name, args))
        if self.gate is not None and wait:
            await self.gate.wait()
        if self.raises is not None:
            raise self.raises
        return {"action": name}

    async def state(self) -> dict[str, Any]:
        await self._record("state", wait=False)  # never held up by an action in flight
        return STATE

    async def take(self, *, override: bool = False) -> dict[str, Any]:
        return await self._record("take", *(["override"] if override else []))

    async def back(self) -> dict[str, Any]:
        return await self._record("back")

    async def skip(self) -> dict[str, Any]:
        return await self._record("skip")

    async def hold(self) -> dict[str, Any]:
        return await self._record("hold")

    async def add_time(self, seconds: float) -> dict[str, Any]:
        return await self._record("add_time", seconds)

    async def message(self, text: str) -> dict[str, Any]:
        return await self._record("message", text)


class Reply:
    def __init__(self, raw: bytes) -> None:
        head, _, self.body = raw.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split(" ")[1])
        self.headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}

    @property
    def json(self) -> Any:
        return json.loads(self.body)


async def exchange(port: int, raw: bytes) -> Reply:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    data = await reader.read()
    writer.close()
    await writer.wait_closed()
    return Reply(data)


async def call(port: int, method: str, path: str, body: object = None, *,
               token: str | None = TOKEN, raw_body: bytes | None = None) -> Reply:
    payload = raw_body if raw_body is not None else (
        b"" if body is None else json.dumps(body).encode())
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}",
            f"Content-Length: {len(payload)}"]
    if body is not None:
        head.append("Content-Type: application/json")
    if token is not None:
        head.append(f"Authorization: Bearer {token}")
    return await exchange(port, ("\r\n".join(head) + "\r\n\r\n").encode() + payload)


@asynccontextmanager
async def serving(actions: RecordingActions) -> AsyncIterator[ControlServer]:
    server = ControlServer(actions, TOKEN, 0)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


Scenario = Callable[[ControlServer, RecordingActions], Coroutine[Any, Any, None]]


def run(aio: LoopRunner, scenario: Scenario) -> RecordingActions:
    actions = RecordingActions()

    async def main() -> None:
        async with serving(actions) as server:
            await scenario(server, actions)

    aio.run(main())
    return actions


# --- authentication ---------------------------------------------------------------------

@pytest.mark.expected_log(API_LOGGER)
@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN + "x", TOKEN[:-1], "Bearer " + TOKEN])
@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/take", None), ("POST", "/api/add-time", {"seconds": 60}),
    ("GET", "/api/state", None), ("GET", "/api/nowhere", None)])
def test_without_the_right_token_nothing_happens(
        aio: LoopRunner, token: str | None, method: str, path: str, body: object) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reply = await call(server.port, method, path, body, token=token)
        assert reply.status == 401
        assert reply.json["ok"] is False
        assert "Bearer" in reply.json["error"]
        assert reply.headers["www-authenticate"].startswith("Bearer")

    assert run(aio, scenario).calls == []


@pytest.mark.expected_log(API_LOGGER)
@pytest.mark.parametrize("authorization", [
    f"Basic {TOKEN}", f"Token {TOKEN}", TOKEN, f"Bearer{TOKEN}", "Bearer caf\u00e9"])
def test_other_authorization_schemes_are_refused(aio: LoopRunner, authorization: str) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        raw = (f"POST /api/take HTTP/1.1\r\nAuthorization: {authorization}\r\n"
               "Content-Length: 0\r\n\r\n").encode()
        assert (await exchange(server.port, raw)).status == 401

    assert run(aio, scenario).calls == []


@pytest.mark.expected_log(API_LOGGER)
def test_two_authorization_headers_are_refused(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        raw = (f"POST /api/take HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n"
               f"Authorization: Bearer {TOKEN}\r\n\r\n").encode()
        assert (await exchange(server.port, raw)).status == 401

    assert run(aio, scenario).calls == []


def test_the_scheme_is_case_insensitive(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        raw = f"POST /api/hold HTTP/1.0\r\nauthorization: bearer {TOKEN}\r\n\r\n".encode()
        assert (await exchange(server.port, raw)).status == 200

    assert run(aio, scenario).calls == [("hold", ())]


# --- the endpoints ----------------------------------------------------------------------

def test_state_is_what_the_actions_report(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reply = await call(server.port, "GET", "/api/state?fresh=1")
        assert reply.status == 200
        assert reply.headers["content-type"] == "application/json"
        assert reply.headers["connection"] == "close"
        expected = json.loads(json.dumps(STATE, default=str))
        expected["live"]["started_at"] = "2026-12-05T09:00:00+00:00"
        assert reply.json == expected

    assert run(aio, scenario).calls == [("state", ())]


@pytest.mark.parametrize("action", ["take", "back", "skip", "hold"])
def test_each_action_endpoint_calls_its_action(aio: LoopRunner, action: str) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reply = await call(server.port, "POST", f"/api/{action}")
        assert (reply.status, reply.json) == (200, {"ok": True, "action": action})
        # a JSON body, or any body, is ignored by the actions that take no argument
        reply = await call(server.port, "POST", f"/api/{action}", {"scene": "x"})
        assert reply.status == 200

    assert run(aio, scenario).calls == [(action, ()), (action, ())]


@pytest.mark.parametrize(("body", "call_args"), [
    ({"override": True}, ("override",)), ({"override": False}, ()), ({"other": 1}, ()),
    ([1, 2], ()), (None, ())])
def test_a_take_may_confirm_an_override(aio: LoopRunner, body: Any,
                                        call_args: tuple[str, ...]) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reply = await call(server.port, "POST", "/api/take", body)
        assert (reply.status, reply.json) == (200, {"ok": True, "action": "take"})

    assert run(aio, scenario).calls == [("take", call_args)]


@pytest.mark.parametrize("value", ["yes", 1, None, [True]])
def test_an_override_that_is_not_a_boolean_is_refused(aio: LoopRunner, value: Any) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reply = await call(server.port, "POST", "/api/take", {"override": value})
        assert reply.status == 400
        assert reply.json["field"] == "override"
        assert "true or false" in reply.json["error"]

    assert run(aio, scenario).calls == []


def test_a_take_refused_for_channels_not_ready_names_them(aio: LoopRunner) -> None:
    segment = find_segment(sample_show(), "Sample-talk")
    assert segment is not None
    actions = RecordingActions()
    actions.raises = ChannelsNotReady(segment, ["fr: the booth is not ready"])

    async def scenario() -> None:
        async with serving(actions) as server:
            reply = await call(server.port, "POST", "/api/take")
            assert reply.status == 409
            assert reply.json["channel_warnings"] == ["fr: the booth is not ready"]
            assert reply.json["segment_id"] == "Sample-talk"
            assert reply.json["ok"] is False
            assert "Take anyway with an override" in reply.json["error"]

    aio.run(scenario())


@pytest.mark.parametrize(("seconds", "expected"), [
    (90, 90.0), (12.5, 12.5), (-30, -30.0), (0, 0.0),
    (MAX_ADDED_S, MAX_ADDED_S), (-int(MAX_ADDED_S), -MAX_ADDED_S)])
def test_add_time_passes_the_seconds(aio: LoopRunner, seconds: float, expected: float) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reply = await call(server.port, "POST", "/api/add-time", {"seconds": seconds})
        assert (reply.status, reply.json) == (200, {"ok": True, "action": "add_time"})

    calls = run(aio, scenario).calls
    assert calls == [("add_time", (expected,))]
    assert type(calls[0][1][0]) is float


@pytest.mark.parametrize("text", ["", "Back in 5 minutes", "é" * 500, "مرحبا 👋"])
def test_message_passes_the_text(aio: LoopRunner, text: str) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reply = await call(server.port, "POST", "/api/message", {"text": text})
        assert (reply.status, reply.json) == (200, {"ok": True, "action": "message"})

    assert run(aio, scenario).calls == [("message", (text,))]


def test_the_answer_always_says_ok_true(aio: LoopRunner) -> None:
    actions = RecordingActions()

    async def take() -> dict[str, Any]:
        return {"ok": False, "segment_id": "s2"}

    actions.take = take  # type: ignore[method-assign]

    async def main() -> None:
        async with serving(actions) as server:
            reply = await call(server.port, "POST", "/api/take")
            assert reply.json == {"ok": True, "segment_id": "s2"}

    aio.run(main())


class TakeInFlight(OperatorError):
    """What the take service raises for a take while another one is in flight."""


class BusyTakeActions(RecordingActions):
    """A take service with a take in flight: every further take is refused."""

    async def take(self, *, override: bool = False) -> dict[str, Any]:
        self.calls.append(("take", ()))
        raise TakeInFlight("a take is already in flight")


def test_a_take_refused_while_one_is_in_flight_gives_409(aio: LoopRunner) -> None:
    actions = BusyTakeActions()

    async def main() -> None:
        async with serving(actions) as server:
            reply = await call(server.port, "POST", "/api/take")
            assert (reply.status, reply.json) == (
                409, {"ok": False, "error": "a take is already in flight"})

    aio.run(main())
    assert actions.calls == [("take", ())]


@pytest.mark.parametrize("answer", [
    {"ignored": "a take is already in flight"},
    {"ok": True, "ignored": "a take is already in flight", "segment_id": "s2"},
])
def test_an_action_that_says_it_ignored_the_request_never_answers_ok(
        aio: LoopRunner, answer: dict[str, Any]) -> None:
    actions = RecordingActions()

    async def take() -> dict[str, Any]:
        return answer

    actions.take = take  # type: ignore[method-assign]

    async def main() -> None:
        async with serving(actions) as server:
            reply = await call(server.port, "POST", "/api/take")
            assert (reply.status, reply.json) == (
                409, {"ok": False, "error": "a take is already in flight"})

    aio.run(main())


# --- bad requests -----------------------------------------------------------------------

HUGE_INTEGER = b"9" * 4000  # json turns it into an int, far beyond any float


@pytest.mark.parametrize(("path", "field", "raw_body"), [
    ("/api/add-time", "seconds", b""),
    ("/api/add-time", "seconds", b"not json"),
    ("/api/add-time", "seconds", b"[90]"),
    ("/api/add-time", "seconds", b"90"),
    ("/api/add-time", "seconds", b"{}"),
    ("/api/add-time", "seconds", b'{"second": 90}'),
    ("/api/add-time", "seconds", b'{"seconds": "90"}'),
    ("/api/add-time", "seconds", b'{"seconds": true}'),
    ("/api/add-time", "seconds", b'{"seconds": null}'),
    ("/api/add-time", "seconds", b'{"seconds": [90]}'),
    ("/api/add-time", "seconds", b'{"seconds": NaN}'),
    ("/api/add-time", "seconds", b'{"seconds": Infinity}'),
    ("/api/add-time", "seconds", b'{"seconds": -Infinity}'),
    ("/api/add-time", "seconds", b'{"seconds": 1e308}'),
    ("/api/add-time", "seconds", b'{"seconds": -1e308}'),
    ("/api/add-time", "seconds", b'{"seconds": 1e400}'),  # json makes it inf
    ("/api/add-time", "seconds", b'{"seconds": ' + HUGE_INTEGER + b"}"),
    ("/api/add-time", "seconds", b'{"seconds": -' + HUGE_INTEGER + b"}"),
    ("/api/add-time", "seconds", b'{"seconds": ' + b"9" * 5000 + b"}"),  # too long for int()
    ("/api/add-time", "seconds", b'{"seconds": 86401}'),
    ("/api/add-time", "seconds", b'{"seconds": -86400.5}'),
    ("/api/add-time", "seconds", b"[" * 60_000),
    ("/api/add-time", "seconds", b'{"seconds": ' + b"[" * 60_000),
    ("/api/add-time", "seconds", b'{"seconds": 90, "x": ' + b'{"a": ' * 10_000 + b"}"),
    ("/api/add-time", "seconds", b"\xff\xfe"),
    ("/api/add-time", "seconds", b'{"seconds": 90, "note": "\xc3"}'),
    ("/api/add-time", "seconds", '{"seconds": 90}'.encode("utf-16")),
    ("/api/message", "text", b""),
    ("/api/message", "text", b'{"message": "hi"}'),
    ("/api/message", "text", b'{"text": 5}'),
    ("/api/message", "text", b'{"text": null}'),
    ("/api/message", "text", b'{"text": ["hi"]}'),
    ("/api/message", "text", json.dumps({"text": "x" * 501}).encode()),
    ("/api/message", "text", b'{"text": "caf\xe9"}'),  # Latin-1, not UTF-8
    ("/api/message", "text", b'{"text": "bad \xed\xa0\x80 surrogate"}'),
    ("/api/message", "text", b'{"text": "lone \\ud800 surrogate"}'),
    ("/api/message", "text", b"[" * 60_000),
    *[("/api/message", "text", json.dumps({"text": f"Back{char}in 5"}).encode())
      for char in ("\x00", "\x1b", "\x07", "\n", "\r", "\t", "\x7f", "\x85")],
])
def test_bad_bodies_give_400_naming_the_field(
        aio: LoopRunner, path: str, field: str, raw_body: bytes) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reply = await call(server.port, "POST", path, raw_body=raw_body)
        assert reply.status == 400
        assert reply.json["ok"] is False
        assert reply.json["field"] == field
        assert reply.json["error"].startswith(f"{field}: ")

    assert run(aio, scenario).calls == []


def test_a_json_byte_order_mark_is_tolerated(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reply = await call(server.port, "POST", "/api/message",
                           raw_body='{"text": "Back in 5"}'.encode("utf-8-sig"))
        assert reply.status == 200

    assert run(aio, scenario).calls == [("message", ("Back in 5",))]


def test_a_refused_value_says_what_would_be_accepted(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reply = await call(server.port, "POST", "/api/add-time", {"seconds": 10**6})
        assert reply.json["error"] == "seconds: must be between -86400 and 86400 seconds"
        reply = await call(server.port, "POST", "/api/message", {"text": "a\x1bb"})
        assert "U+001B" in reply.json["error"]

    assert run(aio, scenario).calls == []


@pytest.mark.parametrize("raw", [
    b"GARBAGE\r\n\r\n",
    b"POST /api/take\r\n\r\n",
    b"POST /api/take HTTP/2.0\r\n\r\n",
    b"POST api/take HTTP/1.1\r\n\r\n",
    b"POST /api/take HTTP/1.1\r\nNo colon here\r\n\r\n",
    b"POST /api/take HTTP/1.1\r\n folded: header\r\n\r\n",
    b"POST /api/take HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
    b"POST /api/take HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n",
    b"POST /api/take HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx",
    b"POST /api/take HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"POST /api/take HTTP/1.1\r\nX-Long: " + b"a" * (20 * 1024) + b"\r\n\r\n",
    b"POST /api/take HTTP/1.1\r\n" + b"X-Many: 1\r\n" * MAX_HEADER_LINES + b"\r\n",
    b"POST /api/take HTTP/1.1\r\n" + b"a:\r\n" * 5000 + b"\r\n",  # over 16 KiB
])
def test_malformed_requests_give_400(aio: LoopRunner, raw: bytes) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        auth = f"Authorization: Bearer {TOKEN}\r\n".encode()
        first, _, rest = raw.partition(b"\r\n")
        reply = await exchange(server.port, first + b"\r\n" + auth + rest)
        assert reply.status == 400
        assert reply.json["ok"] is False

    assert run(aio, scenario).calls == []


def test_a_hundred_header_lines_are_accepted(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        raw = (f"POST /api/take HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n"
               + "X-Many: 1\r\n" * (MAX_HEADER_LINES - 1) + "\r\n").encode()
        assert (await exchange(server.port, raw)).status == 200

    assert run(aio, scenario).calls == [("take", ())]


def test_a_body_over_64_kib_gives_413_without_calling(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        text = "x" * MAX_BODY
        reply = await call(server.port, "POST", "/api/message", {"text": text})
        assert reply.status == 413
        # exactly 64 KiB is still read (and then refused for its length)
        reply = await call(server.port, "POST", "/api/message",
                           raw_body=b'{"text": "' + b"x" * (MAX_BODY - 12) + b'"}')
        assert (reply.status, reply.json["field"]) == (400, "text")

    assert run(aio, scenario).calls == []


TOO_LARGE = {"ok": False, "error": f"the body may be at most {MAX_BODY} bytes"}
FIFTY_MB = 50_000_000


async def open_post(port: int, content_length: int | str) -> tuple[
        asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection that has sent the head of a message POST announcing ``content_length``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"POST /api/message HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n"
                 f"Content-Type: application/json\r\nContent-Length: {content_length}\r\n"
                 "\r\n".encode())
    await writer.drain()
    return reader, writer


async def send(writer: asyncio.StreamWriter, size: int | None,
               pause_s: float = 0.0, chunk: int = 64 * 1024) -> int:
    """Send ``size`` bytes (forever when None) in chunks; the number of bytes sent."""
    block, sent = b"x" * chunk, 0
    while size is None or sent < size:
        piece = block if size is None else block[:size - sent]
        writer.write(piece)
        await writer.drain()
        sent += len(piece)
        await asyncio.sleep(pause_s)
    return sent


async def close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError):  # the server reset a connection it cut off
        await writer.wait_closed()


def assert_complete_413(reply: Reply) -> None:
    assert reply.status == 413
    assert int(reply.headers["content-length"]) == len(reply.body)
    assert reply.json == TOO_LARGE


def test_a_client_still_sending_a_large_body_reads_its_413(aio: LoopRunner) -> None:
    """The 413 comes as soon as the head is read, and the body is read on after it, so the
    client is not reset while it sends; it reads the answer while still sending."""

    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reader, writer = await open_post(server.port, FIFTY_MB)
        sending = asyncio.create_task(send(writer, FIFTY_MB))
        reply = Reply(await reader.read())  # the server half-closes after its answer
        assert_complete_413(reply)
        assert await sending == FIFTY_MB  # every byte went through: no reset
        await close(writer)

    assert run(aio, scenario).calls == []


def test_urllib_sending_tens_of_megabytes_reads_its_413(aio: LoopRunner) -> None:
    """urllib sends the whole body before it reads anything."""

    def post(port: int, body: bytes) -> tuple[int, Any]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/message", data=body, method="POST",
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30):
                raise AssertionError("an oversized body was accepted")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.load(error)

    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        status, answer = await asyncio.to_thread(post, server.port, b"x" * (20 * 1024 * 1024))
        assert (status, answer) == (413, TOO_LARGE)

    assert run(aio, scenario).calls == []


@pytest.mark.parametrize("content_length", [
    MAX_BODY + 1, FIFTY_MB, MAX_DRAIN, MAX_DRAIN + 1, 10**30, "9" * 5000, "0" * 40 + "99999999"])
def test_an_oversized_body_is_answered_without_waiting_for_it(
        aio: LoopRunner, content_length: int | str) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reader, writer = await open_post(server.port, content_length)
        assert_complete_413(Reply(await reader.read()))  # not a byte of the body was sent
        await close(writer)

    assert run(aio, scenario).calls == []


def test_a_slow_sender_of_a_refused_body_is_cut_off_in_time(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        server.request_timeout_s = 0.3
        reader, writer = await open_post(server.port, FIFTY_MB)
        assert_complete_413(Reply(await reader.read()))
        with pytest.raises(ConnectionError):  # a byte every 20 ms would take 11 days
            await send(writer, None, pause_s=0.02, chunk=1)
        await close(writer)
        assert not server._connections

    assert run(aio, scenario).calls == []


def test_a_sender_of_more_than_it_announced_is_cut_off(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        server.request_timeout_s = 3600.0  # only the byte count can end it
        reader, writer = await open_post(server.port, MAX_BODY + 1)
        assert_complete_413(Reply(await reader.read()))
        with pytest.raises(ConnectionError):
            await send(writer, None)
        await close(writer)
        assert not server._connections

    assert run(aio, scenario).calls == []


@pytest.mark.parametrize("path", ["/", "/api", "/api/", "/api/take/", "/api/TAKE", "/state"])
def test_unknown_paths_give_404(aio: LoopRunner, path: str) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reply = await call(server.port, "POST", path)
        assert (reply.status, reply.json["ok"]) == (404, False)

    assert run(aio, scenario).calls == []


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("GET", "/api/take", "POST"), ("PUT", "/api/hold", "POST"), ("GET", "/api/add-time", "POST"),
    ("POST", "/api/state", "GET"), ("DELETE", "/api/state", "GET"), ("HEAD", "/api/state", "GET")])
def test_wrong_methods_give_405(aio: LoopRunner, method: str, path: str, allow: str) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reply = await call(server.port, method, path)
        assert reply.status == 405
        assert reply.headers["allow"] == allow

    assert run(aio, scenario).calls == []


# --- errors of the actions --------------------------------------------------------------

@pytest.mark.parametrize("error", [
    ObsNotConnected("OBS is not connected"),
    TakeNotConfirmed("OBS accepted the take but did not start it"),
    ShowRunnerError("nothing is live"),
    RundownEditError("the live segment cannot be deleted"),
    ShowImportError("the file is not a schedule"),
    NoCue("no cue"),
])
def test_operator_errors_give_409_and_are_logged_at_info(
        aio: LoopRunner, caplog: pytest.LogCaptureFixture, error: Exception) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        actions.raises = error
        reply = await call(server.port, "POST", "/api/take")
        assert (reply.status, reply.json) == (409, {"ok": False, "error": str(error)})
        reply = await call(server.port, "GET", "/api/state")
        assert reply.status == 409

    assert run(aio, scenario).calls == [("take", ()), ("state", ())]
    refusals = [r for r in caplog.records if r.name == API_LOGGER and "refused" in r.getMessage()]
    assert [r.levelno for r in refusals] == [logging.INFO, logging.INFO]
    assert str(error) in refusals[0].getMessage()


def test_an_invalid_value_from_an_action_gives_400_naming_its_field(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        actions.raises = InvalidValue("seconds", "would take the segment below zero")
        reply = await call(server.port, "POST", "/api/add-time", {"seconds": -60})
        assert (reply.status, reply.json) == (400, {
            "ok": False, "error": "seconds: would take the segment below zero",
            "field": "seconds"})

    assert run(aio, scenario).calls == [("add_time", (-60.0,))]


@pytest.mark.expected_log(API_LOGGER)
@pytest.mark.parametrize("error", [
    Oops("the internals broke"),
    CueError("no cue"),  # its name does not make it an operator error
    ValueError("choose a scene to take"),
    KeyError("s9"),
    ConnectionRefusedError("the lower-third renderer is not running"),  # not a hang-up
])
def test_other_errors_give_500_and_are_logged_with_their_traceback(
        aio: LoopRunner, caplog: pytest.LogCaptureFixture, error: Exception) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        actions.raises = error
        reply = await call(server.port, "POST", "/api/add-time", {"seconds": 5})
        assert reply.status == 500
        assert reply.json == {"ok": False,
                              "error": f"internal error ({type(error).__name__})"}

    run(aio, scenario)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info is not None
    assert errors[0].exc_info[0] is type(error)


@pytest.mark.expected_log(API_LOGGER)
def test_a_bug_in_reading_a_request_still_gets_an_answer(
        aio: LoopRunner, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(headers: dict[str, list[str]]) -> int:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(control_api, "_content_length", broken)

    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reply = await call(server.port, "POST", f"/api/take/{TOKEN}")
        assert (reply.status, reply.json) == (
            500, {"ok": False, "error": "internal error (ZeroDivisionError)"})

    assert run(aio, scenario).calls == []
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [(r.name, r.getMessage()) for r in errors] == [
        (API_LOGGER, "Control API: POST (unknown path) failed")]
    assert errors[0].exc_info is not None


# --- transport --------------------------------------------------------------------------

def test_a_real_http_client_works(aio: LoopRunner) -> None:
    """urllib, as a script would use it; a refused oversized body still reads its 413."""

    def post(port: int, path: str, body: bytes) -> tuple[int, Any]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", data=body, method="POST",
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.load(error)

    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        status, answer = await asyncio.to_thread(
            post, server.port, "/api/add-time", b'{"seconds": 120}')
        assert (status, answer) == (200, {"ok": True, "action": "add_time"})
        status, answer = await asyncio.to_thread(
            post, server.port, "/api/message", b"x" * (4 * MAX_BODY))
        assert status == 413

    assert run(aio, scenario).calls == [("add_time", (120.0,))]


def test_a_slow_client_gets_408_and_nothing_happens(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        server.request_timeout_s = 0.2
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(f"POST /api/take HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n".encode())
        reply = Reply(await asyncio.wait_for(reader.read(), 5))
        assert reply.status == 408
        writer.close()
        await writer.wait_closed()
        # a body that never arrives in full
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(f"POST /api/message HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n"
                     "Content-Length: 100\r\n\r\n{\"text\"".encode())
        assert Reply(await asyncio.wait_for(reader.read(), 5)).status == 408
        writer.close()
        await writer.wait_closed()

    assert run(aio, scenario).calls == []


@pytest.mark.parametrize("complete_head", [False, True])
def test_a_client_trickling_its_request_gets_408(aio: LoopRunner, complete_head: bool) -> None:
    """The timeout covers the whole request, head and body, however busy the client is."""

    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        server.request_timeout_s = 0.3
        head = (f"POST /api/message HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n"
                "Content-Length: 60000\r\n\r\n")
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        if complete_head:
            writer.write(head.encode())
            head = '{"text": "' + "x" * 59_000

        async def trickle() -> None:  # a byte every 20 ms: seconds to finish, or minutes
            for char in head:
                writer.write(char.encode())
                await writer.drain()
                await asyncio.sleep(0.02)

        sending = asyncio.create_task(trickle())
        reply = Reply(await reader.read())
        sending.cancel()
        assert (reply.status, reply.json["ok"]) == (408, False)
        await close(writer)

    assert run(aio, scenario).calls == []


def test_connections_beyond_the_cap_get_503(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        server.max_connections = 2
        idle = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(2)]
        await until(lambda: len(server._connections) == 2, 5.0, "two connections served")
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        reply = Reply(await reader.read())
        assert reply.status == 503
        assert reply.headers["retry-after"] == "1"
        assert reply.json["ok"] is False
        await close(writer)
        for _, idle_writer in idle:
            await close(idle_writer)
        await until(lambda: not server._connections, 5.0, "idle connections ended")
        assert (await call(server.port, "POST", "/api/skip")).status == 200

    assert run(aio, scenario).calls == [("skip", ())]


def test_a_client_that_hangs_up_early_does_no_harm(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        for raw in (b"", b"POST /api/ta", f"POST /api/take HTTP/1.1\r\nAuthorization: Bearer "
                    f"{TOKEN}\r\nContent-Length: 10\r\n\r\n{{}}".encode()):
            _, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(raw)
            writer.close()
            await writer.wait_closed()
        assert (await call(server.port, "POST", "/api/skip")).status == 200

    assert run(aio, scenario).calls == [("skip", ())]


def test_requests_are_served_concurrently(aio: LoopRunner) -> None:
    """A take in flight does not hold up the state (the action's own business)."""

    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        actions.gate = asyncio.Event()
        take = asyncio.create_task(call(server.port, "POST", "/api/take"))
        while not actions.calls:
            await asyncio.sleep(0.01)
        state = await call(server.port, "GET", "/api/state")
        assert state.status == 200
        assert not take.done()
        actions.gate.set()
        assert (await take).status == 200

    assert [name for name, _ in run(aio, scenario).calls] == ["take", "state"]


@pytest.mark.parametrize("host", ["0.0.0.0", "localhost", "::1", "127.0.0.2", "", "192.168.1.5"])
def test_only_127_0_0_1_is_accepted(host: str) -> None:
    with pytest.raises(ValueError, match=r"127\.0\.0\.1 only"):
        ControlServer(RecordingActions(), TOKEN, 0, host=host)


def test_an_empty_token_is_refused() -> None:
    with pytest.raises(ValueError, match="token"):
        ControlServer(RecordingActions(), "", 0)


def test_it_listens_on_loopback_on_the_port_the_os_chose(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        assert server.port > 0
        assert server._server is not None
        assert [s.getsockname()[:2] for s in server._server.sockets] == [
            ("127.0.0.1", server.port)]
        with pytest.raises(RuntimeError):
            await server.start()

    run(aio, scenario)


def test_stop_ends_every_connection_and_refuses_new_ones(aio: LoopRunner) -> None:
    actions = RecordingActions()

    async def main() -> None:
        server = ControlServer(actions, TOKEN, 0)
        server.stop_grace_s = 0.2
        await server.start()
        port = server.port
        # an idle client, a half-sent request and an action that never finishes
        idle = await asyncio.open_connection("127.0.0.1", port)
        half = await asyncio.open_connection("127.0.0.1", port)
        half[1].write(b"POST /api/take HTTP/1.1\r\n")
        actions.gate = asyncio.Event()
        stuck = asyncio.create_task(call(port, "POST", "/api/hold"))
        while not actions.calls:
            await asyncio.sleep(0.01)
        await asyncio.wait_for(server.stop(), 2)
        await server.stop()  # twice is harmless
        for reader, writer in (idle, half):
            assert await asyncio.wait_for(reader.read(), 2) == b""
            writer.close()
            await writer.wait_closed()
        with pytest.raises((ValueError, IndexError)):
            await stuck  # cut off without an answer
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection("127.0.0.1", port)

    aio.run(main())
    assert actions.calls == [("hold", ())]
    assert aio.pending_tasks() == []


def test_stop_lets_a_running_action_finish_within_the_grace(aio: LoopRunner) -> None:
    actions = RecordingActions()

    async def main() -> None:
        server = ControlServer(actions, TOKEN, 0)
        await server.start()
        actions.gate = asyncio.Event()
        take = asyncio.create_task(call(server.port, "POST", "/api/take"))
        while not actions.calls:
            await asyncio.sleep(0.01)
        stopping = asyncio.create_task(server.stop())
        await asyncio.sleep(0.05)
        actions.gate.set()
        await stopping
        assert (await take).status == 200

    aio.run(main())


# --- the token --------------------------------------------------------------------------

@pytest.mark.expected_log(API_LOGGER)
def test_the_token_never_reaches_the_log(aio: LoopRunner,
                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logging.getLogger().addHandler(handler)

    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        await call(server.port, "GET", "/api/state")
        await call(server.port, "POST", "/api/take", token=TOKEN[::-1])
        await call(server.port, "POST", f"/api/take?token={TOKEN}", token=None)
        await call(server.port, "POST", f"/{TOKEN}")
        await call(server.port, "POST", f"/{TOKEN}", token="wrong")
        await call(server.port, "POST", f"/api/take/{TOKEN}", token="wrong")
        actions.raises = Oops("broken")
        await call(server.port, "POST", "/api/hold")

    try:
        run(aio, scenario)
    finally:
        logging.getLogger().removeHandler(handler)
    assert TOKEN not in stream.getvalue()
    assert "Control API" in stream.getvalue()
    for record in caplog.records:
        # the control API itself never puts it in a record (the scrubber is a second line)
        assert TOKEN not in record.getMessage()
        assert TOKEN not in str(vars(record))
    assert logs.scrub(f"x{TOKEN}y") == f"x{logs.REDACTED}y"


def test_a_token_from_the_environment() -> None:
    token, generated = control_token({TOKEN_ENV: "  from-the-environment-123  "})
    assert (token, generated) == ("from-the-environment-123", False)
    assert logs.scrub(token) == logs.REDACTED


@pytest.mark.parametrize("environ", [{}, {TOKEN_ENV: ""}, {TOKEN_ENV: "   "}, {"OTHER": "x"}])
def test_a_generated_token(environ: dict[str, str]) -> None:
    token, generated = control_token(environ)
    assert generated
    assert len(token) >= 32
    assert token != control_token(environ)[0]
    assert logs.scrub(token) == logs.REDACTED


class RecordingNotes:
    def __init__(self) -> None:
        self.notes: list[object] = []

    async def note(self, text: object) -> dict[str, Any]:
        if text == "":
            raise InvalidValue("note", "is empty")
        self.notes.append(text)
        return {"note": text}


def test_a_note_goes_to_the_notes_and_a_refused_one_names_the_field(aio: LoopRunner) -> None:
    notes = RecordingNotes()

    async def main() -> None:
        server = ControlServer(RecordingActions(), TOKEN, 0, notes=notes)
        await server.start()
        try:
            reply = await call(server.port, "POST", "/api/note", {"note": "mic 2 crackles"})
            assert (reply.status, reply.json) == (200, {"ok": True, "note": "mic 2 crackles"})
            empty = await call(server.port, "POST", "/api/note", {"note": ""})
            assert (empty.status, empty.json["field"]) == (400, "note")
            missing = await call(server.port, "POST", "/api/note", {"text": "x"})
            assert (missing.status, missing.json["field"]) == (400, "note")
        finally:
            await server.stop()

    aio.run(main())
    assert notes.notes == ["mic 2 crackles"]


def test_a_console_without_notes_refuses_one(aio: LoopRunner) -> None:
    async def scenario(server: ControlServer, actions: RecordingActions) -> None:
        reply = await call(server.port, "POST", "/api/note", {"note": "hello"})
        assert reply.status == 409
        assert "stage console" in reply.json["error"]

    assert run(aio, scenario).calls == []
