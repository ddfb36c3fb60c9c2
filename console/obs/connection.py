"""The asyncio facade over one OBS: connection state, reconnection, heartbeat, requests.

Nothing here blocks the event loop. Blocking socket work runs on one
single-thread executor per session (obsws-python does not match request ids, so
requests must never overlap), events arrive on the session's reader thread and
are handed to the loop with ``call_soon_threadsafe``.

Signals (psygnal, emitted on the event loop's thread):
    state_changed(ConnectionState): the connection moved to another state.
    connected(): a session was identified; listeners resynchronise now.
    event(ObsEvent): an OBS event, typed (``console.models.obs_events``).
    heartbeat(float): a heartbeat round trip in milliseconds.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psygnal import Signal

from console.models.obs_events import ExitStarted, ObsEvent
from console.models.obs_state import ConnectionState
from console.obs.endpoint import ObsEndpoint
from console.obs.errors import (
    ObsAuthFailed,
    ObsConnectionLost,
    ObsError,
    ObsKicked,
    ObsNotConnected,
    ObsRequestFailed,
    ObsRequestTimeout,
    ObsUnsupported,
    ServerClosed,
)
from console.obs.events import parse_event
from console.obs.session import EventSubscriptions, MeterSink, ObsSession

log = logging.getLogger(__name__)


class Lane(enum.Enum):
    """Which queue a request waits in."""

    FOREGROUND = "foreground"  # takes and what the operator asked for: sent at once
    BACKGROUND = "background"  # countdown text, readiness checks: only when nothing else waits


@dataclass(frozen=True)
class ConnectionSettings:
    connect_timeout_s: float = 2.0
    request_timeout_s: float = 2.0
    heartbeat_interval_s: float = 0.5
    heartbeat_timeout_s: float = 1.2
    backoff_initial_s: float = 0.25
    backoff_max_s: float = 2.0
    subscriptions: int = EventSubscriptions.ALL_LOW_VOLUME


class ObsConnection:
    """One named OBS websocket connection that keeps itself alive.

    Build it on the loop that runs it. With a ``meter_sink``, ``InputVolumeMeters``
    frames (when ``settings.subscriptions`` asks for them) go to that sink on the
    reader thread and never become ``event`` emissions (see ``ObsSession``).
    """

    state_changed = Signal(ConnectionState)
    connected = Signal()
    event = Signal(ObsEvent)
    heartbeat = Signal(float)

    def __init__(
        self,
        endpoint: ObsEndpoint,
        password: str,
        name: str = "main",
        settings: ConnectionSettings | None = None,
        *,
        meter_sink: MeterSink | None = None,
    ) -> None:
        self.name = name
        self.endpoint = endpoint
        self.settings = settings or ConnectionSettings()
        self._password = password
        self._meter_sink = meter_sink
        self._state = ConnectionState.DISCONNECTED
        self.last_error: str | None = None
        self.available_requests: frozenset[str] = frozenset()
        self.version: dict[str, Any] = {}
        self._session: ObsSession | None = None
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._lost: asyncio.Event | None = None
        self._loss_reasons: list[ObsError] = []
        self._supervisor: asyncio.Task[None] | None = None
        self._ever_connected = False
        self._stopping = False
        self._busy = 0  # requests queued or running (foreground and the one background)
        self._idle = asyncio.Event()
        self._idle.set()
        self._background_lane = asyncio.Lock()  # one background request at a time

    def __repr__(self) -> str:
        return f"ObsConnection(name={self.name!r}, url={self.endpoint.url!r}, state={self._state})"

    @property
    def state(self) -> ConnectionState:
        return self._state

    def supports(self, request_type: str) -> bool:
        """Whether the connected obs-websocket offers ``request_type`` (probed on connect)."""
        return request_type in self.available_requests

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> None:
        """Begin connecting in the background; the state signals tell how it goes."""
        if self._supervisor is None or self._supervisor.done():
            self._supervisor = asyncio.get_running_loop().create_task(
                self._supervise(), name=f"obs-supervisor-{self.name}"
            )

    async def stop(self) -> None:
        """Disconnect and stop reconnecting; leaves no thread or task behind."""
        self._stopping = True
        supervisor, self._supervisor = self._supervisor, None
        # Python 3.11's wait_for swallows a cancellation that arrives as its inner
        # future completes (CPython gh-86296), so one cancel() may be lost: repeat it.
        while supervisor is not None and not supervisor.done():
            supervisor.cancel()
            await asyncio.wait({supervisor}, timeout=0.1)
        self._stopping = False
        await self._end_session(wait=True)
        self._set_state(ConnectionState.DISCONNECTED)

    async def reconnect_with(self, password: str) -> None:
        """Start over with another password (after the operator typed the right one)."""
        await self.stop()
        self._password = password
        self._ever_connected = False
        self.start()

    async def wait_for_state(self, *states: ConnectionState, timeout_s: float) -> ConnectionState:
        """Wait until the connection is in one of ``states``; raise TimeoutError otherwise."""
        reached = asyncio.get_running_loop().create_future()

        def check(state: ConnectionState) -> None:
            if state in states and not reached.done():
                reached.set_result(state)

        self.state_changed.connect(check)
        try:
            check(self._state)
            return await asyncio.wait_for(reached, timeout_s)
        finally:
            self.state_changed.disconnect(check)

    # -- requests ------------------------------------------------------------

    async def request(
        self, request_type: str, data: dict[str, Any] | None = None,
        timeout_s: float | None = None, lane: Lane = Lane.FOREGROUND,
    ) -> dict[str, Any]:
        """Send one request; raise an :class:`ObsError` subclass on any failure.

        A timeout or a lost socket ends the session (its request stream can no
        longer be trusted) and the connection reconnects by itself. A
        :attr:`Lane.BACKGROUND` request waits until no foreground request is queued
        or running, so a take waits behind at most one background request already
        sent, never behind a queue of them.
        """
        if lane is Lane.BACKGROUND:
            async with self._background_lane:
                await self._idle.wait()
                return await self.request(request_type, data, timeout_s)
        session, executor = self._session, self._executor
        if session is None or executor is None or self._state is not ConnectionState.CONNECTED:
            raise ObsNotConnected(f"OBS '{self.name}' is {self._state.value}")
        if self.available_requests and request_type not in self.available_requests:
            raise ObsUnsupported(
                f"OBS '{self.name}' (obs-websocket {self.version.get('obsWebSocketVersion')}) "
                f"does not offer {request_type}"
            )
        timeout = timeout_s or self.settings.request_timeout_s
        self._busy += 1
        self._idle.clear()
        try:
            return await self._run_request(session, executor, request_type, data, timeout)
        finally:
            self._busy -= 1
            if self._busy == 0:
                self._idle.set()

    async def _run_request(
        self, session: ObsSession, executor: concurrent.futures.ThreadPoolExecutor,
        request_type: str, data: dict[str, Any] | None, timeout_s: float,
    ) -> dict[str, Any]:
        timeout = timeout_s
        future = executor.submit(session.request, request_type, data, timeout)
        try:
            # The socket timeout ends the call in the thread; this one also covers
            # time spent queued behind a request that is itself hanging.
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout + 0.25)
        except ObsRequestFailed:
            raise
        except (TimeoutError, ObsRequestTimeout):
            self._mark_lost(session, f"OBS did not answer {request_type} within {timeout:.1f} s")
            raise ObsRequestTimeout(
                f"OBS '{self.name}' did not answer {request_type} within {timeout:.1f} s"
            ) from None
        except ObsError as error:
            self._mark_lost(session, str(error))
            raise

    # -- the supervisor: connect, watch, reconnect ---------------------------------

    async def _supervise(self) -> None:
        delay = self.settings.backoff_initial_s
        while not self._stopping:
            self._set_state(
                ConnectionState.RECONNECTING if self._ever_connected else ConnectionState.CONNECTING
            )
            try:
                await self._open_session()
            except ObsAuthFailed as error:
                self._fail_for_good(ConnectionState.AUTH_FAILED, str(error))
                return
            except ObsError as error:
                self._note_error(str(error))
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.settings.backoff_max_s)
                continue
            delay = self.settings.backoff_initial_s
            reason = await self._watch_session()
            await self._end_session()
            if isinstance(reason, ServerClosed) and reason.code == ServerClosed.SESSION_INVALIDATED:
                self._fail_for_good(ConnectionState.KICKED, "OBS ended this session (kicked)")
                return
            self._note_error(str(reason))

    async def _open_session(self) -> None:
        loop = asyncio.get_running_loop()
        executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix=f"obs-{self.name}")
        lost = asyncio.Event()
        reasons: list[ObsError] = []

        def on_closed(error: ObsError) -> None:
            def record() -> None:
                reasons.append(error)
                lost.set()
            _call_soon(loop, record)

        def on_event(event_type: str, data: dict[str, Any], received_at: datetime) -> None:
            event = parse_event(event_type, data, received_at)  # on the reader thread
            _call_soon(loop, self._dispatch_event, event)

        timeout = self.settings.connect_timeout_s
        open_future = executor.submit(
            ObsSession, self.endpoint, self._password, subscriptions=self.settings.subscriptions,
            timeout_s=timeout, on_event=on_event, on_closed=on_closed,
            meter_sink=self._meter_sink,
        )
        try:
            session = await asyncio.wait_for(asyncio.wrap_future(open_future), 2 * timeout + 1)
        except BaseException as error:
            open_future.add_done_callback(_close_if_opened)
            executor.shutdown(wait=False, cancel_futures=True)
            if isinstance(error, TimeoutError):
                raise ObsConnectionLost(f"OBS did not complete the handshake in {timeout} s") \
                    from None
            raise
        self._session, self._executor, self._lost = session, executor, lost
        self._loss_reasons = reasons
        try:
            await self._probe()
        except ObsError:
            await self._end_session()
            raise
        self._ever_connected = True
        self.last_error = None
        self._set_state(ConnectionState.CONNECTED)
        log.info("connected to OBS", extra={"obs": self.name, "url": self.endpoint.url,
                                           "obs_version": self.version.get("obsVersion")})
        self.connected.emit()

    async def _probe(self) -> None:
        assert self._session is not None
        assert self._executor is not None
        self.version = await self._run_request(
            self._session, self._executor, "GetVersion", None, self.settings.request_timeout_s
        )
        self.available_requests = frozenset(self.version.get("availableRequests", ()))

    async def _watch_session(self) -> ObsError:
        """Heartbeat until the session is lost; return why it was lost."""
        assert self._lost is not None
        while not self._lost.is_set():
            await self._beat()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), self.settings.heartbeat_interval_s)
        return self._loss_reasons[0] if self._loss_reasons else ObsConnectionLost("connection lost")

    async def _beat(self) -> None:
        session, executor = self._session, self._executor
        if session is None or executor is None:
            return
        started = time.perf_counter()
        try:
            await self._run_request(
                session, executor, "GetStats", None, self.settings.heartbeat_timeout_s
            )
        except ObsError:
            return  # _run_request has marked the session lost
        self.heartbeat.emit((time.perf_counter() - started) * 1000.0)

    def _mark_lost(self, session: ObsSession, why: str) -> None:
        if session is self._session and self._lost is not None and not self._lost.is_set():
            self._loss_reasons.append(ObsConnectionLost(why))
            self._lost.set()

    async def _end_session(self, wait: bool = False) -> None:
        session, executor = self._session, self._executor
        self._session = self._executor = self._lost = None
        if session is not None:
            session.close()  # shuts the sockets down first, so this returns at once
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=True)

    def _dispatch_event(self, event: ObsEvent) -> None:
        if isinstance(event, ExitStarted) and self._lost is not None and not self._lost.is_set():
            self._loss_reasons.append(ObsConnectionLost("OBS is shutting down"))
            self._lost.set()
        self.event.emit(event)

    # -- state ---------------------------------------------------------------

    def _fail_for_good(self, state: ConnectionState, why: str) -> None:
        self.last_error = why
        log.error("OBS connection stopped: %s", why, extra={"obs": self.name})
        self._set_state(state)

    def _note_error(self, why: str) -> None:
        if why != self.last_error:
            log.info("OBS connection: %s", why, extra={"obs": self.name})
        self.last_error = why

    def _set_state(self, state: ConnectionState) -> None:
        if state is not self._state:
            self._state = state
            log.info("OBS connection state: %s", state.value,
                     extra={"obs": self.name, "state": state.value})
            self.state_changed.emit(state)


def _call_soon(loop: asyncio.AbstractEventLoop, callback: Callable[..., None], *args: Any) -> None:
    # The loop may already be closed when a reader thread ends during shutdown.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(callback, *args)


def _close_if_opened(future: concurrent.futures.Future[ObsSession]) -> None:
    if not future.cancelled() and future.exception() is None:
        future.result().close()


__all__ = ["ConnectionSettings", "Lane", "ObsConnection", "ObsKicked"]
