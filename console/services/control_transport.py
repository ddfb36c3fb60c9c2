"""One connection to the control API: aiohttp's HTTP/1.1 protocol, with what it leaves to us.

aiohttp reads requests and writes answers. Per connection this adds:

- the head read whole before aiohttp parses it, so that it is at most 16 KiB and
  100 lines in all (aiohttp limits each line, not the head), and given ``Host: 127.0.0.1`` when
  it has none: aiohttp refuses an HTTP/1.1 request without it, this API never did,
  and on a loopback-only server the header says nothing;
- one deadline for the whole request, head and body (the server's
  ``request_timeout_s``): a head still incomplete by then is answered 408 here, as
  aiohttp has no timeout for a head that trickles in; the server reads the body
  against the same deadline (:meth:`ControlProtocol.request_started`);
- the API's own JSON answers to what aiohttp cannot parse (400, and 413 for a
  Content-Length too long to be a number), without the request's bytes, which
  aiohttp puts into its error and logs, and which may hold the token;
- lingering after an answer written here (408, 503): the connection is half-closed
  and what the client still sends is read and dropped, up to a limit and for a
  while, so that closing does not reset it before it reads the answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import date, datetime
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import (
    BadStatusLine,
    HttpProcessingError,
    InvalidURLError,
    LineTooLong,
)

log = logging.getLogger(__name__)

MAX_HEAD = 16 * 1024
MAX_HEADER_LINES = 100  # as http.client; a client of this API sends a handful
LINGER_BYTES = 1024 * 1024  # what a client may still send after an answer written here
LINGER_S = 1.0
JSON_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store"}
# llhttp's reason for a Content-Length beyond 64 bits: too large, not malformed (413).
OVERFLOW = "Content-Length overflow"


def json_default(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime | date) else str(value)


def encode_json(body: dict[str, Any]) -> bytes:
    """``body`` as JSON; ValueError for what JSON cannot hold (NaN, infinity)."""
    return json.dumps(body, default=json_default, allow_nan=False).encode()


def json_answer(status: int, body: bytes, headers: dict[str, str] | None = None
                ) -> web.Response:
    answer = web.Response(status=status, body=body, headers={**JSON_HEADERS, **(headers or {})})
    answer.force_close()  # one request per connection, as ever
    return answer


def raw_answer(status: int, body: dict[str, Any], headers: dict[str, str]) -> bytes:
    """An answer written straight to a connection that has no request (yet) to answer."""
    payload = encode_json(body)
    head = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", f"Content-Length: {len(payload)}",
            "Connection: close", *(f"{name}: {value}" for name, value in
                                   {**JSON_HEADERS, **headers}.items())]
    return "\r\n".join(head).encode("latin-1") + b"\r\n\r\n" + payload


def unparsable(error: BaseException | None, too_large: str) -> tuple[int, str]:
    """The status and words for a request aiohttp could not parse (never its bytes)."""
    if isinstance(error, HttpProcessingError) and OVERFLOW in error.message:
        return 413, too_large
    if isinstance(error, LineTooLong):
        return 400, "request head too large"
    if isinstance(error, BadStatusLine | InvalidURLError):
        return 400, "malformed request line"
    return 400, "malformed request head"


def with_host(received: bytes, end: int) -> bytes:
    """``received``, whose head ends at ``end``, with a Host header if it had none."""
    request_line, _, headers = received[:end].partition(b"\r\n")
    if not request_line or any(line[:5].lower() == b"host:" for line in headers.split(b"\r\n")):
        return received
    return request_line + b"\r\nHost: 127.0.0.1" + received[len(request_line):]


class ControlProtocol(web.RequestHandler):
    """A connection of the control API (see the module's docstring)."""

    def __init__(self, manager: web.Server, *, timeout_s: float, too_large: str,
                 opened: Callable[[ControlProtocol], None],
                 lost: Callable[[ControlProtocol], None]) -> None:
        # No access log: a path may hold a token. None is how aiohttp's own runners say so.
        super().__init__(manager, loop=asyncio.get_running_loop(),
                         access_log=None,  # type: ignore[arg-type]
                         max_line_size=MAX_HEAD, max_field_size=MAX_HEAD,
                         max_headers=MAX_HEADER_LINES + 1,  # with the Host it may add
                         lingering_time=0.0)
        self._timeout_s, self._too_large = timeout_s, too_large
        self._opened, self._lost = opened, lost
        self._deadline = 0.0
        self._timers: list[asyncio.TimerHandle] = []
        self._linger_left: int | None = None  # lingering: what may still be dropped
        self._head: bytes | None = b""  # until the head is whole: what came of it
        self._started = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        loop = asyncio.get_running_loop()
        self._deadline = loop.time() + self._timeout_s
        self._timers.append(loop.call_at(self._deadline, self._head_too_slow))
        self._opened(self)

    def connection_lost(self, exc: BaseException | None) -> None:
        for timer in self._timers:
            timer.cancel()
        self._lost(self)
        super().connection_lost(exc)

    def request_started(self) -> float:
        """The head is in: the loop time by which the body must be too."""
        self._started = True
        return self._deadline

    def data_received(self, data: bytes) -> None:
        if self._linger_left is not None:
            self._linger_left -= len(data)
            if self._linger_left < 0:
                self.force_close()
        elif self._head is None:
            super().data_received(data)
        else:
            self._head_received(self._head + data)

    def _head_received(self, received: bytes) -> None:
        end = received.find(b"\r\n\r\n")
        if end < 0 and len(received) <= MAX_HEAD:
            self._head = received  # not whole yet
        elif end < 0 or end + 4 > MAX_HEAD:
            self._refuse(400, "request head too large")
        elif received.count(b"\r\n", 0, end) > MAX_HEADER_LINES:
            self._refuse(400, f"more than {MAX_HEADER_LINES} header lines")
        else:
            self._head = None
            super().data_received(with_host(received, end))

    def _head_too_slow(self) -> None:
        if not self._started:
            self._refuse(408, "request not received in time")

    def _refuse(self, status: int, error: str) -> None:
        """Answers a request that never reached aiohttp's handler."""
        if self.transport is None:
            return
        self.transport.write(raw_answer(status, {"ok": False, "error": error}, {}))
        self.linger(LINGER_BYTES, LINGER_S)

    def linger(self, max_bytes: int, timeout_s: float) -> None:
        """Half-close, drop up to ``max_bytes`` more for ``timeout_s``, then close."""
        transport = self.transport
        if transport is None:
            return
        if transport.can_write_eof():
            transport.write_eof()
        self._linger_left = max_bytes
        self._timers.append(asyncio.get_running_loop().call_later(timeout_s, self.force_close))

    def handle_error(self, request: web.BaseRequest, status: int = 500,
                     exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        """What aiohttp answers when it cannot parse a request or a handler raised; the
        server's handler answers everything else itself."""
        if isinstance(exc, OSError | asyncio.IncompleteReadError):
            self.force_close()  # the client went away: there is no one to answer
        elif status != 400:
            log.error("Control API: the HTTP layer failed", exc_info=exc)
        status, text = unparsable(exc, self._too_large) if status == 400 else (
            500, f"internal error ({type(exc).__name__})")
        return json_answer(status, encode_json({"ok": False, "error": text}))


class Refusal(asyncio.Protocol):
    """A connection beyond the cap: answered at once and closed without reading (a request
    already sent may turn the answer into a reset, which refuses it all the same)."""

    def __init__(self, answer: bytes) -> None:
        self._answer = answer

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(self._answer)
        transport.close()
