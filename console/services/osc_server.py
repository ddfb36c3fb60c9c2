"""The OSC server: the console's actions from TouchOSC, QLab or Companion, over UDP.

python-osc's :class:`AsyncIOOSCUDPServer` receives on the console's own asyncio loop
and its :class:`Dispatcher` maps each address to its command
(``services/osc_commands.py``). Before the dispatcher sees a packet, the server:

- drops a packet from a sender outside the allow-list (counted; the first from each
  sender is logged at INFO, so a flood from one address is one line);
- reads the packet itself and dispatches its messages at once, in order: the
  library's own packet handling sleeps until a bundle's time tag, which on the
  loop would freeze the console for as long as a sender asks;
- refuses an address pattern (``/console/*``): OSC would match every action with
  it, and nobody means "take, skip, hold and go back at once".

Each action runs as a task started in one place (:meth:`OscServer._run`), so messages
that arrive together meet in the services' own locks and single flight, as HTTP
requests do: two takes at once take once. A refusal (an argument that does not fit,
an action the console refuses) is logged at INFO with the address and the reason
and told to the feedback targets as ``/console/error <address> <reason>``. Nothing a
handler raises reaches the library: a bug is logged with its traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

import pythonosc
from pythonosc.dispatcher import Dispatcher
from pythonosc.osc_message import OscMessage
from pythonosc.osc_packet import OscPacket
from pythonosc.osc_server import AsyncIOOSCUDPServer
from pythonosc.parsing import osc_types

from console.models.errors import InvalidValue, OperatorError
from console.services.osc_commands import PREFIX, Action, OscCommand

log = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Sender = tuple[str, int]
ErrorSink = Callable[[str, str], None]

LOOPBACK = "127.0.0.1"
PATTERN_CHARACTERS = frozenset("*?[]{}")
READ_TYPES = frozenset("ihfdsbrmtTFN[]")  # the argument types python-osc reads
MAX_MESSAGES = 64  # in one bundle; a button box sends one message at a time
MAX_REMEMBERED = 256  # senders and unknown addresses already logged; then said once more
MAX_SHOWN_ADDRESS = 100
_LIBRARY_FOLDER = os.path.dirname(pythonosc.__file__) + os.sep


def type_tags(message: OscMessage) -> str:
    """The message's argument types, as its type tag string names them."""
    dgram = message.dgram
    _address, index = osc_types.get_string(dgram, 0)
    return osc_types.get_string(dgram, index)[0].removeprefix(",") if dgram[index:] else ""


def is_loopback(host: str) -> bool:
    return ipaddress.ip_address(host).is_loopback


def shown_address(address: str) -> str:
    """The address as a log line or an error message may carry it: printable and short."""
    if address.isprintable() and len(address) <= MAX_SHOWN_ADDRESS:
        return address
    return ascii(address[:MAX_SHOWN_ADDRESS])


class _OnceEach:
    """Says whether something (a sender, an address) is new, remembering a bounded number."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self.overflowed = False

    def first(self, key: str) -> bool:
        if key in self._seen or self.overflowed:
            return False
        if len(self._seen) >= MAX_REMEMBERED:
            self.overflowed = True
            return True
        self._seen.add(key)
        return True


class _LibraryWarnings(logging.Filter):
    """Collects what python-osc says it skipped while reading a packet (an element it
    cannot identify, an argument type it does not know: WARNING lines on the root
    logger, the rest of the packet read as if they were not there)."""

    def __init__(self) -> None:
        super().__init__()
        self.said: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.pathname.startswith(_LIBRARY_FOLDER):
            self.said.append(record.getMessage())
            return False
        return True


@contextlib.contextmanager
def _library_warnings() -> Iterator[list[str]]:
    """While a packet is read: what the library skipped, instead of its WARNING lines
    (the server refuses such a packet whole, at INFO)."""
    collector = _LibraryWarnings()
    root = logging.getLogger()
    root.addFilter(collector)
    try:
        yield collector.said
    finally:
        root.removeFilter(collector)


class _Dispatcher(Dispatcher):
    """python-osc's address map, handed one packet at a time by the server, which checks
    the sender and reads the packet first (see the module's docstring)."""

    def __init__(self, receive: Callable[[bytes, Sender], None]) -> None:
        super().__init__()
        self._receive = receive

    def call_handlers_for_packet(self, data: bytes, client_address: Sender) -> list[Any]:
        self._receive(data, client_address)
        return []

    async def async_call_handlers_for_packet(self, data: bytes,
                                             client_address: Sender) -> list[Any]:
        self._receive(data, client_address)
        return []


class OscServer:
    """Listens for OSC messages on ``host:port`` (UDP) and runs their commands."""

    stop_grace_s = 2.0  # how long stop() lets a running action finish

    def __init__(self, commands: Sequence[OscCommand], port: int, host: str = LOOPBACK, *,
                 allow: Sequence[Network] = (), errors: ErrorSink | None = None) -> None:
        if not is_loopback(host) and not allow:
            raise ValueError(f"OSC on {host} (not loopback) needs an allow-list of senders")
        self._host, self._port, self._allow = host, port, tuple(allow)
        self._errors = errors
        self._dispatcher = _Dispatcher(self._receive)
        for command in commands:
            self._dispatcher.map(command.address, self._command_handler(command),
                                 needs_reply_address=True)
        self._dispatcher.set_default_handler(self._unknown, needs_reply_address=True)
        self._transport: asyncio.BaseTransport | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._refused_senders = _OnceEach()
        self._unknown_addresses = _OnceEach()
        self.dropped = 0  # packets from senders outside the allow-list

    @property
    def port(self) -> int:
        """The port listened on (the one the OS chose when given 0), once started."""
        return self._port

    async def start(self) -> None:
        if self._transport is not None:
            raise RuntimeError("the OSC server is already running")
        loop = cast(asyncio.BaseEventLoop, asyncio.get_running_loop())
        server = AsyncIOOSCUDPServer((self._host, self._port), self._dispatcher, loop)
        self._transport, _protocol = await server.create_serve_endpoint()
        self._port = self._transport.get_extra_info("sockname")[1]
        log.info("OSC listening", extra={"osc_host": self._host, "osc_port": self._port,
                                         "osc_allow": [str(n) for n in self._allow]})

    async def stop(self) -> None:
        transport, self._transport = self._transport, None
        if transport is None:
            return
        transport.close()
        tasks = set(self._tasks)
        if tasks:
            await asyncio.wait(tasks, timeout=self.stop_grace_s)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        log.info("OSC stopped", extra={"osc_dropped": self.dropped})

    # -- receiving -----------------------------------------------------------------------

    def _receive(self, data: bytes, sender: Sender) -> None:
        try:
            if not self._allowed(sender[0]):
                return
            for message in self._messages(data, sender[0]):
                self._dispatch(message, sender)
        except Exception:  # a bug: never into the library, which would log it as the loop's
            log.exception("OSC: a packet could not be handled", extra={"sender": sender[0]})

    def _allowed(self, host: str) -> bool:
        if not self._allow:
            return True
        address = ipaddress.ip_address(host.partition("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address in network for network in self._allow):
            return True
        self.dropped += 1
        if self._refused_senders.first(host):
            more = " (and others: no longer said per sender)" \
                if self._refused_senders.overflowed else ""
            log.info("OSC sender not allowed: its packets are dropped%s", more,
                     extra={"sender": host})
        return False

    def _messages(self, data: bytes, host: str) -> list[OscMessage]:
        with _library_warnings() as skipped:
            try:
                messages = [timed.message for timed in OscPacket(data).messages]
            except Exception as error:  # ParseError, and whatever a hostile packet causes
                self._refuse("(packet)", "not an OSC message or bundle "
                             f"({type(error).__name__})", host)
                return []
        if skipped or not messages:
            # A message whose unknown argument was skipped would reach its command without
            # it: /console/take with an argument nobody can read must not take.
            self._refuse("(packet)", f"not read whole: {skipped[0]}" if skipped
                         else "no message in it", host)
            return []
        if len(messages) > MAX_MESSAGES:
            self._refuse("(bundle)", f"{len(messages)} messages; at most {MAX_MESSAGES} are "
                         "accepted in one bundle", host)
            return []
        return messages

    def _dispatch(self, message: OscMessage, sender: Sender) -> None:
        address = message.address
        if PATTERN_CHARACTERS.intersection(address):
            self._refuse(address, "address patterns are not accepted: send one address",
                         sender[0])
            return
        unread = set(type_tags(message)) - READ_TYPES
        if unread:  # skipped by the library (said at WARNING, which a log level may hide)
            self._refuse(address, f"arguments of type {''.join(sorted(unread))!r} are not "
                         "read: send integers, floats, text or booleans", sender[0])
            return
        for handler in self._dispatcher.handlers_for_address(address):
            handler.invoke(sender, message)

    def _command_handler(self, command: OscCommand) -> Callable[..., None]:
        def handle(sender: Sender, address: str, *args: object) -> None:
            try:
                action = command.prepare(args)
            except InvalidValue as error:
                self._refuse(address, str(error), sender[0])
                return
            self._run(address, action)

        return handle

    def _unknown(self, sender: Sender, address: str, *_args: object) -> None:
        # A tablet's layout sends every control's address; one line for each is enough.
        if self._unknown_addresses.first(address):
            log.info("OSC address unknown: ignored (see README, OSC)",
                     extra={"osc_address": shown_address(address), "sender": sender[0]})
        if address.startswith(PREFIX):
            self._tell(address, "no such address")

    # -- acting --------------------------------------------------------------------------

    def _run(self, address: str, action: Action) -> None:
        """The one place an OSC action starts: a task, kept until it is done."""
        task = asyncio.get_running_loop().create_task(self._act(address, action),
                                                      name=f"osc {address}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _act(self, address: str, action: Action) -> None:
        try:
            answer = await action()
        except OperatorError as error:  # InvalidValue included
            self._refuse(address, str(error))
        except Exception as error:
            log.exception("OSC: %s failed", address)
            self._tell(address, f"internal error ({type(error).__name__})")
        else:
            if isinstance(answer, dict) and "ignored" in answer:  # nothing happened
                self._refuse(address, str(answer["ignored"]))
            else:
                log.info("OSC action", extra={"osc_address": address})

    def _refuse(self, address: str, reason: str, sender: str | None = None) -> None:
        log.info("OSC refused: %s", reason,
                 extra={"osc_address": shown_address(address), "reason": reason,
                        "sender": sender})
        self._tell(address, reason)

    def _tell(self, address: str, reason: str) -> None:
        if self._errors is not None:
            self._errors(shown_address(address), reason)
