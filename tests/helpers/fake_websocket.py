"""A websocket server that is not OBS: it completes the handshake, sends one message
of our choosing and then says nothing, to see how the console takes a stranger."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import socket
import threading
from types import TracebackType

_ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3


def _text_frame(payload: bytes) -> bytes:
    assert len(payload) < 126, "a short message is all these tests need"
    return bytes([0x81, len(payload)]) + payload


def _accept_key(request: bytes) -> bytes:
    for line in request.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"sec-websocket-key":
            return base64.b64encode(hashlib.sha1(value.strip() + _ACCEPT_GUID).digest())
    raise AssertionError(f"not a websocket handshake: {request!r}")


class StrangeWebsocketServer:
    """Serves ``hello`` as the first message of every connection, on 127.0.0.1."""

    def __init__(self, hello: bytes) -> None:
        self.hello = hello
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, name="strange-websocket", daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def __enter__(self) -> StrangeWebsocketServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(timeout=5)
        with self._lock:
            for connection in self._connections:
                connection.close()

    def _serve(self) -> None:
        while True:
            try:
                connection, _address = self._listener.accept()
            except OSError:
                return  # closed by __exit__
            with self._lock:
                self._connections.append(connection)
            with contextlib.suppress(OSError):
                self._greet(connection)

    def _greet(self, connection: socket.socket) -> None:
        connection.settimeout(5)
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = connection.recv(4096)
            if not chunk:
                return
            request += chunk
        connection.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                           b"Connection: Upgrade\r\nSec-WebSocket-Accept: "
                           + _accept_key(request) + b"\r\n\r\n" + _text_frame(self.hello))
