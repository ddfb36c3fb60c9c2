"""When an event from OBS really arrived: the kernel's receive time of its bytes.

A take is stamped with the instant OBS's ``SceneTransitionStarted`` arrived. Read
in Python after ``recv`` returns, that instant is late by however long the reader
thread waits for the interpreter lock (tens of milliseconds while the window
paints). On Linux the kernel stamps every packet it receives (``SO_TIMESTAMPNS``);
this socket wrapper reads that stamp with each ``recv``. Elsewhere it falls back
to the time ``recv`` returned.
"""

from __future__ import annotations

import socket
import struct
import sys
import time
from datetime import UTC, datetime
from typing import Any

# Linux's SO_TIMESTAMPNS (asm-generic; the control message has the same number).
# Python's socket module does not name it.
SO_TIMESTAMPNS = 35
_TIMESPEC = struct.Struct("@ll")


class ArrivalStampedSocket:
    """Wraps a connected socket; :meth:`last_arrival` is when the latest bytes arrived."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._last = time.time()
        self._kernel_stamps = _enable_kernel_stamps(sock)

    def recv(self, bufsize: int) -> bytes:
        if not self._kernel_stamps:
            data = self._sock.recv(bufsize)
            self._last = time.time()
            return data
        data, ancillary, _flags, _address = self._sock.recvmsg(
            bufsize, socket.CMSG_SPACE(_TIMESPEC.size))
        stamp = _kernel_stamp(ancillary)
        self._last = stamp if stamp is not None else time.time()
        return data

    def last_arrival(self) -> datetime:
        return datetime.fromtimestamp(self._last, UTC)

    def __getattr__(self, name: str) -> Any:
        # Everything else (send, fileno, settimeout, shutdown, close) is the socket's own.
        return getattr(self._sock, name)


def _enable_kernel_stamps(sock: socket.socket) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    except OSError:
        return False
    return True


def _kernel_stamp(ancillary: list[tuple[int, int, bytes]]) -> float | None:
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and \
                len(data) >= _TIMESPEC.size:
            seconds, nanoseconds = _TIMESPEC.unpack_from(data)
            return int(seconds) + int(nanoseconds) / 1e9
    return None
