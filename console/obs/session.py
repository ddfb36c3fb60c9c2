"""One live session with OBS: two websockets, blocking, used from worker threads only.

obsws-python's ``ObsClient`` opens each socket and reads OBS's Hello. We send
Identify ourselves and read events ourselves because obsws-python drops the
close frame's code (so a wrong password, close code 4009, would look like any
other failure) and its ``EventClient`` thread dies silently on errors.

The request socket has no event subscriptions, so every message on it is the
answer to the one request in flight: callers must serialise requests (the
connection runs them on a single-thread executor).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import websocket
from obsws_python.baseclient import ObsClient

from console.obs.arrival import ArrivalStampedSocket
from console.obs.endpoint import ObsEndpoint
from console.obs.errors import (
    ObsAuthFailed,
    ObsConnectionLost,
    ObsError,
    ObsRequestFailed,
    ObsRequestTimeout,
    ObsUnreachable,
    ServerClosed,
)

log = logging.getLogger(__name__)


def _silence_obsws_logger() -> None:
    # obsws-python logs the password at INFO and full tracebacks at ERROR for
    # failures we report ourselves.
    obsws = logging.getLogger("obsws_python")
    obsws.setLevel(logging.CRITICAL + 1)
    obsws.propagate = False


_silence_obsws_logger()

# (eventType, eventData, when the frame arrived, UTC)
EventHandler = Callable[[str, dict[str, Any], datetime], None]
ClosedHandler = Callable[[ObsError], None]
# (an InputVolumeMeters frame's ``inputs``, unchecked; when the frame arrived, UTC)
MeterSink = Callable[[Any, datetime], None]

RPC_VERSION = 1
INPUT_VOLUME_METERS = "InputVolumeMeters"
OP_HELLO = 0
OP_IDENTIFIED = 2
OP_IDENTIFY = 1
OP_EVENT = 5
OP_REQUEST_RESPONSE = 7


@dataclass(frozen=True)
class EventSubscriptions:
    """obs-websocket event subscription bits (see its protocol)."""

    INPUTS = 1 << 3
    ALL_LOW_VOLUME = 2047
    INPUT_VOLUME_METERS = 1 << 16
    INPUT_ACTIVE_STATE_CHANGED = 1 << 17
    INPUT_SHOW_STATE_CHANGED = 1 << 18


def _authentication(password: str, salt: str, challenge: str) -> str:
    secret = base64.b64encode(hashlib.sha256((password + salt).encode()).digest())
    return base64.b64encode(hashlib.sha256(secret + challenge.encode()).digest()).decode()


def receive(ws: websocket.WebSocket) -> dict[str, Any]:
    """The next JSON message; raise :class:`ServerClosed` on a close frame."""
    try:
        opcode, payload = ws.recv_data_frame()
    except websocket.WebSocketTimeoutException as error:
        raise ObsRequestTimeout("OBS did not answer in time") from error
    except (websocket.WebSocketException, OSError, ValueError) as error:
        raise ObsConnectionLost(f"connection to OBS lost ({type(error).__name__})") from error
    if opcode == websocket.ABNF.OPCODE_CLOSE:
        data = payload.data or b""
        code = int.from_bytes(data[:2], "big") if len(data) >= 2 else None
        raise ServerClosed(code, data[2:].decode("utf-8", "replace"))
    message = json.loads(payload.data)
    if not isinstance(message, dict):
        raise ObsConnectionLost("OBS sent a message that is not a JSON object")
    return message


class _ObsClient(ObsClient):  # type: ignore[misc]
    """obsws-python's client, but closing its socket when reading Hello fails."""

    def __init__(self, **kwargs: Any) -> None:
        try:
            super().__init__(**kwargs)
        except BaseException:
            ws = getattr(self, "ws", None)
            if ws is not None:
                close_socket(ws)
            raise


def _open_socket(endpoint: ObsEndpoint, password: str, subscriptions: int, timeout_s: float) -> Any:
    """Connect, read Hello and Identify; return obsws-python's client holding the socket."""
    try:
        client = _ObsClient(
            host=endpoint.host, port=endpoint.port, password=password,
            subs=subscriptions, timeout=timeout_s,
        )
    except (TimeoutError, websocket.WebSocketTimeoutException):
        raise ObsUnreachable(
            f"OBS at {endpoint.url} accepts connections but does not answer (frozen or overloaded)"
        ) from None
    except (OSError, websocket.WebSocketException, ValueError) as error:
        raise ObsUnreachable(f"OBS is not reachable at {endpoint.url} ({type(error).__name__})") \
            from None
    try:
        _identify(client.ws, _challenge(client.server_hello, endpoint), password, subscriptions)
    except BaseException:
        close_socket(client.ws)
        raise
    return client


def _challenge(hello: object, endpoint: ObsEndpoint) -> dict[str, str] | None:
    """The authentication challenge in OBS's Hello; None when OBS wants no password.

    Anything else listening on the port may answer with any JSON; it must end this
    attempt as an OBS that is not there, never as an exception nobody expects.
    """
    body = hello.get("d") if isinstance(hello, dict) and hello.get("op") == OP_HELLO else None
    challenge = body.get("authentication") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not (challenge is None or _is_challenge(challenge)):
        raise ObsUnreachable(f"the server at {endpoint.url} does not speak obs-websocket 5 "
                             "(its first message is not OBS's Hello)")
    return challenge


def _is_challenge(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(value.get(key), str) for key in ("salt", "challenge"))


def _identify(ws: websocket.WebSocket, challenge: dict[str, str] | None, password: str,
              subs: int) -> None:
    identify: dict[str, Any] = {"rpcVersion": RPC_VERSION, "eventSubscriptions": subs}
    if challenge:
        if not password:
            raise ObsAuthFailed(
                "OBS requires a password: set OBS_WEBSOCKET_PASSWORD or store it in the keyring"
            )
        identify["authentication"] = _authentication(
            password, challenge["salt"], challenge["challenge"]
        )
    ws.send(json.dumps({"op": OP_IDENTIFY, "d": identify}))
    try:
        reply = receive(ws)
    except ServerClosed as closed:
        if closed.code == ServerClosed.AUTHENTICATION_FAILED:
            raise ObsAuthFailed("OBS refused the websocket password") from None
        raise
    if reply.get("op") != OP_IDENTIFIED:
        raise ObsConnectionLost(f"OBS answered Identify with op {reply.get('op')}")


def close_socket(ws: websocket.WebSocket) -> None:
    """Close at once, waking any thread blocked reading this socket.

    No close handshake: it could wait on a frozen OBS, and OBS handles a dropped
    socket as a normal disconnection.
    """
    sock = ws.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    ws.connected = False
    ws.shutdown()  # type: ignore[no-untyped-call]


class ObsSession:
    """A request socket and an event socket to one OBS, with a reader thread.

    ``on_event`` and ``on_closed`` are called on the reader thread; they must only
    hand over to the event loop (``call_soon_threadsafe``). With a ``meter_sink``,
    ``InputVolumeMeters`` frames go to it instead of ``on_event``, also on the reader
    thread: twenty a second must not each wake the event loop, so the sink only
    keeps the newest (see ``console.obs.meter_feed``).
    """

    def __init__(
        self,
        endpoint: ObsEndpoint,
        password: str,
        *,
        subscriptions: int,
        timeout_s: float,
        on_event: EventHandler,
        on_closed: ClosedHandler,
        meter_sink: MeterSink | None = None,
    ) -> None:
        self._requests = _open_socket(endpoint, password, 0, timeout_s)
        try:
            self._events = _open_socket(endpoint, password, subscriptions, timeout_s)
        except BaseException:
            close_socket(self._requests.ws)
            raise
        self._events.ws.settimeout(None)
        # Events are stamped with the kernel's arrival time, not when Python got to them.
        self._arrival = ArrivalStampedSocket(self._events.ws.sock)
        self._events.ws.sock = self._arrival
        self._on_event = on_event
        self._on_closed = on_closed
        self._meter_sink = meter_sink
        self._closing = threading.Event()
        self._reader = threading.Thread(
            target=self._read_events, name=f"obs-events-{endpoint.port}", daemon=True
        )
        self._reader.start()

    def request(self, request_type: str, data: dict[str, Any] | None, timeout_s: float) -> \
            dict[str, Any]:
        """Send one request and wait for its answer (blocking; one caller at a time)."""
        try:
            # Inside the try: the socket may have been closed under a queued request.
            self._requests.ws.settimeout(timeout_s)
            response: dict[str, Any] = self._requests.req(request_type, data)
        except ObsError:
            raise
        except websocket.WebSocketTimeoutException as error:
            raise ObsRequestTimeout(f"OBS did not answer {request_type} in time") from error
        except Exception as error:  # obsws-python leaks json, websocket and socket errors
            if type(error).__name__ == "OBSSDKTimeoutError":
                raise ObsRequestTimeout(f"OBS did not answer {request_type} in time") from None
            raise ObsConnectionLost(
                f"connection to OBS lost during {request_type} ({type(error).__name__})"
            ) from None
        status = response.get("requestStatus", {})
        if not status.get("result", False):
            raise ObsRequestFailed(request_type, int(status.get("code", 0)), status.get("comment"))
        answer: dict[str, Any] = response.get("responseData") or {}
        return answer

    def _read_events(self) -> None:
        reason: ObsError
        try:
            while True:
                message = receive(self._events.ws)
                received_at = self._arrival.last_arrival()
                if message.get("op") == OP_EVENT:
                    self._deliver(message.get("d", {}), received_at)
        except ObsError as error:
            reason = error
        except Exception as error:  # a bug must end the session visibly, never silently
            log.exception("OBS event reader failed")
            reason = ObsConnectionLost(f"event reader failed ({type(error).__name__})")
        if not self._closing.is_set():
            self._on_closed(reason)

    def _deliver(self, body: Any, received_at: datetime) -> None:
        event_type = str(body.get("eventType"))
        data = body.get("eventData")
        data = data if isinstance(data, dict) else {}
        if event_type == INPUT_VOLUME_METERS and self._meter_sink is not None:
            self._meter_sink(data.get("inputs"), received_at)
        else:
            self._on_event(event_type, data, received_at)

    def close(self) -> None:
        """Close both sockets and join the reader thread (idempotent)."""
        self._closing.set()
        close_socket(self._requests.ws)
        close_socket(self._events.ws)
        if threading.current_thread() is not self._reader:
            self._reader.join(timeout=5)
