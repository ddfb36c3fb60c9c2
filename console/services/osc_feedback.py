"""OSC feedback: what the console shows, sent to the configured targets over UDP.

A Companion button that turns red on overtime, a TouchOSC label with the time
left, QLab waiting for the next title: each listens on a UDP port of its own,
named with ``run --osc-feedback HOST:PORT``. A :class:`FeedbackSource` (the stage
clock and the show runner on the stage console, the desk on a booth's) says what
there is to show, as ``address -> value``, whenever one of its signals fires.

Only values that changed are sent, except the time left: while a segment is live
it goes out every second (with its seconds), also while the clock is held, so a
display that started late shows it within a second. ``/console/refresh`` (an OSC
command) sends everything again.

Sending never waits: each target has a connected UDP socket on the loop (a
datagram transport), so a send is one non-blocking ``send``; a target whose socket
buffer is full loses messages rather than piling them up. A connected socket also
names its target in its errors (nothing listens, no route): each target's first
error is logged once, at WARNING; after that it is only counted, and sending goes
on, so a display started after the console still gets the next values. A target
whose socket could not be opened (a name that does not resolve yet, no network)
is tried again every ten seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, cast

from psygnal import SignalInstance
from pythonosc.osc_message_builder import OscMessageBuilder

from console.services.background import BackgroundTask
from console.services.osc_commands import PREFIX

log = logging.getLogger(__name__)

TIME_LEFT = PREFIX + "time-left"
TIME_LEFT_S = PREFIX + "time-left-s"
PHASE = PREFIX + "phase"
ON_AIR = PREFIX + "on-air"
NEXT = PREFIX + "next"
HOLD = PREFIX + "hold"
REHEARSAL = PREFIX + "rehearsal"
READY = PREFIX + "ready"
COUGH = PREFIX + "cough"
ERROR = PREFIX + "error"
NO_PHASE = "none"  # nothing is live

# What each address carries, as listings (``api-example``) show it; a booth's console
# sends on-air, next and rehearsal as the stage announced them, and ready and cough.
ADDRESSES: dict[str, str] = {
    TIME_LEFT: "text: the time left as the clocks write it (12:05, -1:23 over, --:-- nothing "
               "live)",
    TIME_LEFT_S: "float: the seconds left, negative once over, 0.0 when nothing is live",
    PHASE: "text: normal, warning, danger, overtime, or none when nothing is live",
    ON_AIR: "text: the live segment's title (empty when nothing is live)",
    NEXT: "text: the next segment's title (empty at the end of the rundown)",
    HOLD: "integer: 1 while the live segment's clock is held, else 0",
    REHEARSAL: "integer: 1 in rehearsal, else 0",
    READY: "integer (booth consoles): 1 while the booth is ready, else 0",
    COUGH: "integer (booth consoles): 1 while the cough button is held, else 0",
    ERROR: "two texts: the address refused, and why",
}

RESEND_S = 1.0
# The stage clock ticks on the quarter second: a resend due a moment after a tick
# would otherwise wait for the next one.
RESEND_SLACK_S = 0.1
MAX_QUEUED = 64 * 1024  # bytes waiting in a target's socket buffer; beyond, messages drop
MAX_REASON = 500  # characters of a refusal told in /console/error
RETRY_S = 10.0

OscValue = str | int | float
_TYPE_TAGS: dict[type, str] = {str: "s", int: "i", float: "f"}
_UNSENT = object()


@dataclass(frozen=True)
class Feedback:
    values: Mapping[str, OscValue]  # address -> value, sent when it changes
    ticking: bool = False  # a segment is live: the time left goes out every second


class FeedbackSource(Protocol):
    @property
    def signals(self) -> Sequence[SignalInstance]: ...

    def feedback(self) -> Feedback: ...


@dataclass(frozen=True)
class FeedbackTarget:
    host: str  # an IP address or a host name
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def encode(address: str, *values: OscValue) -> bytes:
    """One OSC message (types from the Python values: text, integer, float)."""
    builder = OscMessageBuilder(address)
    for value in values:
        builder.add_arg(value, _TYPE_TAGS[type(value)])
    return bytes(builder.build().dgram)


class _Socket(Protocol):
    """What a link uses of asyncio's datagram transport (whose typing lacks the buffer
    size that its implementation has)."""

    def sendto(self, data: bytes) -> None: ...
    def is_closing(self) -> bool: ...
    def get_write_buffer_size(self) -> int: ...
    def close(self) -> None: ...


class _Link(asyncio.DatagramProtocol):
    """One target's connected UDP socket: its errors name the target."""

    def __init__(self, target: FeedbackTarget) -> None:
        self.target = target
        self.transport: _Socket | None = None
        self.failures = 0
        self.dropped = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # asyncio's own datagram transports are not DatagramTransport subclasses.
        self.transport = cast(_Socket, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if exc is not None:
            self.fail(exc)

    def error_received(self, exc: Exception) -> None:
        self.fail(exc)

    def fail(self, error: BaseException) -> None:
        self.failures += 1
        if self.failures == 1:
            log.warning("OSC feedback to %s fails: %s (said once; sending goes on)",
                        self.target, error, extra={"target": str(self.target)})

    def send(self, data: bytes) -> None:
        transport = self.transport
        if transport is None or transport.is_closing() or \
                transport.get_write_buffer_size() > MAX_QUEUED:
            self.dropped += 1
            return
        transport.sendto(data)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None


class OscFeedback:
    """Sends a source's values to the feedback targets: changes, and the time left."""

    def __init__(self, targets: Sequence[FeedbackTarget], source: FeedbackSource | None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._links = [_Link(target) for target in dict.fromkeys(targets)]
        self._source = source
        self._clock = clock
        self._sent: dict[str, object] = {}
        self._time_sent_at = float("-inf")
        self._retry = BackgroundTask("osc-feedback-retry", self._reopen)
        self._started = False

    @property
    def links(self) -> Sequence[_Link]:
        return self._links

    async def start(self) -> None:
        await self._open_closed()
        if any(link.transport is None for link in self._links):
            self._retry.start()
        if self._source is not None:
            for signal in self._source.signals:
                signal.connect(self.update)
        self._started = True
        self.update()
        log.info("OSC feedback", extra={"targets": [str(link.target) for link in self._links]})

    async def stop(self) -> None:
        if self._source is not None and self._started:
            for signal in self._source.signals:
                signal.disconnect(self.update)
        self._started = False
        await self._retry.stop()
        for link in self._links:
            link.close()

    def update(self, *_changed: object) -> None:
        """Send what changed (and the time left, when it is due)."""
        if self._source is None or not self._started:
            return
        feedback = self._source.feedback()
        due = {address: value for address, value in feedback.values.items()
               if address != TIME_LEFT_S and self._sent.get(address, _UNSENT) != value}
        now = self._clock()
        if TIME_LEFT in due or (feedback.ticking and TIME_LEFT in feedback.values and
                                now - self._time_sent_at >= RESEND_S - RESEND_SLACK_S):
            due[TIME_LEFT] = feedback.values[TIME_LEFT]
            if TIME_LEFT_S in feedback.values:
                due[TIME_LEFT_S] = feedback.values[TIME_LEFT_S]
            self._time_sent_at = now
        for address, value in due.items():
            self._send(encode(address, value))
            self._sent[address] = value

    def refresh(self) -> None:
        """Send every value again (a display that started after the console asks)."""
        self._sent.clear()
        self._time_sent_at = float("-inf")
        self.update()

    def error(self, address: str, reason: str) -> None:
        """``/console/error <address> <reason>``: an OSC message was refused."""
        self._send(encode(ERROR, address, reason[:MAX_REASON]))

    def _send(self, data: bytes) -> None:
        for link in self._links:
            link.send(data)

    async def _open_closed(self) -> None:
        await asyncio.gather(*(self._open(link) for link in self._links
                               if link.transport is None))

    @staticmethod
    async def _open(link: _Link) -> None:
        target = link.target
        try:
            await asyncio.get_running_loop().create_datagram_endpoint(
                lambda: link, remote_addr=(target.host, target.port))
        except OSError as error:  # a name that does not resolve, no route
            link.fail(error)

    async def _reopen(self) -> None:
        while any(link.transport is None for link in self._links):
            await asyncio.sleep(RETRY_S)
            await self._open_closed()
