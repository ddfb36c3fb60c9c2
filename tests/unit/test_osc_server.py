"""The OSC server over real UDP sockets on 127.0.0.1: messages sent with python-osc's own
client reach the same actions as the control API; refusals do nothing and are logged at
INFO; senders outside the allow-list are dropped."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, closing
from typing import Any

import pytest
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.udp_client import SimpleUDPClient

from console.models.errors import OperatorError
from console.services.osc_commands import all_commands
from console.services.osc_server import Network, OscServer
from console.services.switcher import TakeInFlight
from tests.helpers.loops import LoopRunner, until
from tests.helpers.osc import RecordingActions, RecordingBooth, RecordingNotes

SERVER_LOGGER = "console.services.osc_server"
Packet = bytes | tuple[Any, ...]  # raw bytes, or (address, *arguments)


class Console:
    """The actions a server calls, and what it told the feedback targets."""

    def __init__(self) -> None:
        self.actions, self.notes = RecordingActions(), RecordingNotes()
        self.booth: RecordingBooth | None = RecordingBooth()
        self.told: list[tuple[str, str]] = []

    @property
    def calls(self) -> list[tuple[Any, ...]]:
        return self.actions.calls + self.notes.calls + (self.booth.calls if self.booth else [])

    def tell(self, address: str, reason: str) -> None:
        self.told.append((address, reason))


@asynccontextmanager
async def serving(console: Console, allow: Sequence[Network] = ()) -> AsyncIterator[OscServer]:
    commands = all_commands(console.actions, notes=console.notes, booth=console.booth)
    server = OscServer(commands, 0, allow=allow, errors=console.tell)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def send(port: int, packet: Packet) -> None:
    """A message through python-osc's own client; raw bytes through a plain socket."""
    if isinstance(packet, bytes):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.sendto(packet, ("127.0.0.1", port))
        return
    client = SimpleUDPClient("127.0.0.1", port)
    with closing(client):
        client.send_message(packet[0], list(packet[1:]))


def deliver(aio: LoopRunner, console: Console, *packets: Packet,
            until_done: Callable[[OscServer], object] | None = None,
            allow: Sequence[Network] = ()) -> None:
    """Send ``packets`` to a server, one after the other, and run until ``until_done``
    (by default: until the server has told a refusal)."""
    async def scenario() -> None:
        async with serving(console, allow) as server:
            for packet in packets:
                send(server.port, packet)
            done = until_done or (lambda _server: console.told)
            await until(lambda: done(server), 10, "the server's answer")

    aio.run(scenario())


def message(address: str, *args: Any) -> Any:
    builder = OscMessageBuilder(address)
    for arg in args:
        builder.add_arg(arg)
    return builder.build()


def bundle(*messages: Any, timestamp: float = IMMEDIATELY) -> bytes:
    builder = OscBundleBuilder(timestamp)
    for each in messages:
        builder.add_content(each)
    return bytes(builder.build().dgram)


def called(console: Console) -> Callable[[OscServer], object]:
    return lambda _server: console.calls


def refusals(caplog: pytest.LogCaptureFixture, address: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records
            if r.name == SERVER_LOGGER and getattr(r, "osc_address", None) == address]


@pytest.mark.parametrize(("packet", "call"), [
    (("/console/take",), ("take",)),
    (("/console/take", True), ("take", True)),
    (("/console/add-time", 60.0), ("add_time", 60.0)),
    (("/console/message", "Wrap up"), ("message", "Wrap up")),
    (("/console/note", "Mic 2 crackles"), ("note", "Mic 2 crackles")),
    (("/console/cough", 1.0), ("cough", True)),
])
def test_a_message_from_a_real_udp_socket_calls_its_action(
        aio: LoopRunner, packet: Packet, call: tuple[Any, ...]) -> None:
    console = Console()
    deliver(aio, console, packet, until_done=called(console))
    assert console.calls == [call]
    assert console.told == []


def test_two_takes_at_once_both_reach_the_single_flight_take(aio: LoopRunner) -> None:
    """The server never queues nor merges: both takes are handed to the take service,
    whose single slot decides (the integration test shows one take on air)."""
    console = Console()
    console.actions.gate = gate = asyncio.Event()

    def both_in_flight(_server: OscServer) -> bool:
        if len(console.calls) < 2:
            return False
        gate.set()
        return True

    deliver(aio, console, bundle(message("/console/take"), message("/console/take")),
            until_done=both_in_flight)
    assert console.calls == [("take",), ("take",)]


@pytest.mark.parametrize(("error", "address"), [
    (TakeInFlight("a take is already in flight"), "/console/take"),
    (OperatorError("no segment is live"), "/console/hold"),
])
def test_an_action_the_console_refuses_is_logged_at_info_and_told(
        aio: LoopRunner, caplog: pytest.LogCaptureFixture, error: Exception,
        address: str) -> None:
    console = Console()
    console.actions.raises = error
    deliver(aio, console, (address,))
    assert console.told == [(address, str(error))]
    assert [(r.levelno, r.reason) for r in refusals(caplog, address)] == [  # type: ignore[attr-defined]
        (logging.INFO, str(error))]


@pytest.mark.parametrize(("data", "address", "said"), [
    (message("/console/add-time", "ten").dgram, "/console/add-time", "seconds"),
    (message("/console/message", "bell\x07").dgram, "/console/message", "U+0007"),
    (message("/console/take", 1.0).dgram, "/console/take", "override"),
    (message("/console/*").dgram, "/console/*", "patterns are not accepted"),
    (message("/console/t?ke").dgram, "/console/t?ke", "patterns are not accepted"),
    (message("/console/launch").dgram, "/console/launch", "no such address"),
    (b"\x00\x01garbage", "(packet)", "not an OSC message"),
    (b"#bundle\x00" + b"\xff" * 8 + b"\x00\x00\x10\x00", "(packet)", "not read whole"),
    (b"#bundle\x00" + b"\x00" * 8, "(packet)", "no message in it"),
    # An argument type the library does not know: skipped by it, so refused whole here.
    (b"/console/take\x00\x00\x00,X\x00\x00", "(packet)", "not read whole"),
    (b"/console/take\x00\x00\x00,c\x00\x00\x00\x00\x00\x01", "(packet)", "not read whole"),
    (bundle(*[message("/console/hold")] * 65), "(bundle)", "at most 64"),
])
def test_refusals_do_nothing_are_logged_at_info_and_told(
        aio: LoopRunner, caplog: pytest.LogCaptureFixture, data: bytes, address: str,
        said: str) -> None:
    console = Console()
    deliver(aio, console, bytes(data))
    assert console.calls == []
    [(told_address, reason)] = console.told
    assert told_address == address
    assert said in reason
    records = refusals(caplog, address)
    assert records
    assert {r.levelno for r in records} == {logging.INFO}


def test_an_argument_the_library_skips_is_refused_whatever_the_log_level(
        aio: LoopRunner, caplog: pytest.LogCaptureFixture) -> None:
    """With the log above WARNING, the library's line about the skipped argument is
    never made: the type tag itself is read."""
    caplog.set_level(logging.ERROR)
    console = Console()
    deliver(aio, console, b"/console/take\x00\x00\x00,X\x00\x00")
    assert console.calls == []
    assert console.told == [("/console/take", "arguments of type 'X' are not read: send "
                             "integers, floats, text or booleans")]


def test_a_sender_outside_the_allow_list_is_dropped_and_logged_once(
        aio: LoopRunner, caplog: pytest.LogCaptureFixture) -> None:
    console = Console()
    allow = [ipaddress.ip_network("10.1.0.0/16"), ipaddress.ip_network("192.168.1.30")]
    deliver(aio, console, *[("/console/take",)] * 3,
            until_done=lambda server: server.dropped == 3, allow=allow)
    assert console.calls == []
    assert console.told == []  # a stranger is told nothing
    said = [r for r in caplog.records if r.name == SERVER_LOGGER and "not allowed" in r.msg]
    assert [(r.levelno, r.sender) for r in said] == [  # type: ignore[attr-defined]
        (logging.INFO, "127.0.0.1")]


def test_an_allowed_sender_is_heard(aio: LoopRunner) -> None:
    console = Console()
    deliver(aio, console, ("/console/skip",), until_done=called(console),
            allow=[ipaddress.ip_network("127.0.0.0/8")])
    assert console.calls == [("skip",)]


def test_a_bundle_timed_an_hour_ahead_acts_at_once_without_stalling_the_loop(
        aio: LoopRunner) -> None:
    console = Console()
    later = bundle(message("/console/hold"), timestamp=time.time() + 3600)
    deliver(aio, console, later, until_done=called(console))
    assert console.calls == [("hold",)]


def test_an_unknown_address_is_logged_once(
        aio: LoopRunner, caplog: pytest.LogCaptureFixture) -> None:
    console = Console()
    deliver(aio, console, *[("/1/fader1", 0.5)] * 3, ("/console/back",),
            until_done=called(console))
    assert console.calls == [("back",)]
    assert console.told == []  # not one of ours: a tablet's other controls
    unknown = [r for r in caplog.records if r.name == SERVER_LOGGER and "unknown" in r.msg]
    assert [r.osc_address for r in unknown] == ["/1/fader1"]  # type: ignore[attr-defined]


def test_an_action_that_says_it_ignored_the_message_is_a_refusal(aio: LoopRunner) -> None:
    console = Console()

    async def ignored(*, override: bool = False) -> dict[str, Any]:
        return {"ignored": "a take is already in flight"}

    console.actions.take = ignored  # type: ignore[method-assign]
    deliver(aio, console, ("/console/take",))
    assert console.told == [("/console/take", "a take is already in flight")]


def test_booth_actions_on_a_console_that_is_not_a_booth_are_refused(aio: LoopRunner) -> None:
    console = Console()
    console.booth = None
    deliver(aio, console, ("/console/ready", 1))
    assert console.calls == []
    assert "not a booth" in console.told[0][1]


@pytest.mark.expected_log(SERVER_LOGGER)
def test_a_bug_in_an_action_is_logged_with_its_traceback_and_never_escapes(
        aio: LoopRunner, caplog: pytest.LogCaptureFixture) -> None:
    console = Console()
    console.actions.raises = ZeroDivisionError("a bug")
    deliver(aio, console, ("/console/back",), ("/console/skip",),  # the server still serves
            until_done=lambda _server: len(console.told) == 2)
    assert console.told[0] == ("/console/back", "internal error (ZeroDivisionError)")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.exc_info[0] for r in errors if r.exc_info] == [ZeroDivisionError] * 2


def test_stop_lets_a_running_action_finish(aio: LoopRunner) -> None:
    console = Console()

    async def scenario() -> None:
        async with serving(console) as server:
            console.actions.gate = gate = asyncio.Event()
            send(server.port, ("/console/hold",))
            await until(lambda: console.calls, 10, "the hold in flight")
            aio.loop.call_later(0.05, gate.set)

    aio.run(scenario())
    assert console.calls == [("hold",)]


def test_a_lan_address_needs_an_allow_list() -> None:
    with pytest.raises(ValueError, match="allow-list"):
        OscServer([], 9000, "192.168.1.20")
