"""OSC from a test: stand-ins for the console's actions, and a UDP listener that reads
the feedback a console sends with python-osc's own message parser."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Coroutine
from typing import Any

from pythonosc.osc_message import OscMessage

Message = tuple[str, tuple[Any, ...]]


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.raises: BaseException | None = None
        self.gate: asyncio.Event | None = None  # when set, actions wait for it

    async def _record(self, *call: Any) -> dict[str, Any]:
        self.calls.append(call)
        if self.gate is not None:
            await self.gate.wait()
        if self.raises is not None:
            raise self.raises
        return {"action": call[0]}


def _recorded(name: str) -> Callable[..., Coroutine[Any, Any, dict[str, Any]]]:
    """An action that records ``(name, *arguments)``: a keyword's value as one more."""
    async def action(self: _Recorder, *args: Any, **flags: Any) -> dict[str, Any]:
        return await self._record(name, *args, *flags.values())

    return action


class RecordingActions(_Recorder):
    """The control API's stage actions (``ControlActions``): records every call."""

    take, back, skip, hold = (_recorded(name) for name in ("take", "back", "skip", "hold"))
    add_time, message = _recorded("add_time"), _recorded("message")
    set_rehearsal = _recorded("set_rehearsal")

    async def state(self) -> dict[str, Any]:
        return {}


class RecordingNotes(_Recorder):
    note = _recorded("note")


class RecordingBooth(_Recorder):
    """A booth's actions (``BoothActions``)."""

    set_ready, cough = _recorded("set_ready"), _recorded("cough")
    handover_action = _recorded("handover_action")


def parse(data: bytes) -> Message:
    message = OscMessage(data)
    return message.address, tuple(message.params)


class FeedbackListener(asyncio.DatagramProtocol):
    """A feedback target on the test's loop: every message it received, in order."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.messages.append(parse(data))

    @property
    def port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])

    def values(self, address: str) -> list[tuple[Any, ...]]:
        return [args for sent, args in self.messages if sent == address]

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def feedback_listener() -> FeedbackListener:
    loop = asyncio.get_running_loop()
    _transport, listener = await loop.create_datagram_endpoint(
        FeedbackListener, local_addr=("127.0.0.1", 0))
    return listener


class BlockingListener:
    """A feedback target for a test that runs no loop (a console in another process)."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.settimeout(0.2)
        self.port: int = self._socket.getsockname()[1]
        self.messages: list[Message] = []

    def wait_for(self, predicate: Callable[[Message], bool], timeout_s: float,
                 what: str) -> Message:
        deadline = time.monotonic() + timeout_s
        for message in self.messages:
            if predicate(message):
                return message
        while time.monotonic() < deadline:
            try:
                data = self._socket.recv(65536)
            except TimeoutError:
                continue
            message = parse(data)
            self.messages.append(message)
            if predicate(message):
                return message
        raise AssertionError(f"{what}: not received within {timeout_s} s; got "
                             f"{self.messages[-20:]}")

    def close(self) -> None:
        self._socket.close()
