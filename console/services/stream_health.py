"""OBS's health, read every few seconds: the figures a producer watches, and the alarms.

:class:`StreamHealthMonitor` reads one OBS (``console/obs/stream_health.read_health``,
in the background lane, so never in front of a take) every ``every_s`` seconds while
the connection is up, judges each reading against its thresholds
(``models/stream_health.health_alarms``) and keeps the alarms standing on an
``AlarmBoard`` (an alarm clears once its condition has been gone for a few readings).
When the connection goes it says why, forgets the last reading (no bitrate across the
gap) and waits; it resumes by itself once OBS is back.

What it writes, on the console that runs the show only (several consoles on one OBS and
one database would write everything twice):

- every reading into the ``obs_stats`` table, through the batched writer (the readings,
  the interval's bitrates and frames lost, the alarm keys standing);
- into the as-run log, as ``stream`` rows, each alarm raised and cleared:
  ``{"obs", "alarm": key, "state": "raised", "severity", "text"}`` and
  ``{"obs", "alarm": key, "state": "cleared", "text"}`` (with ``"reason"`` when the
  alarm was withdrawn because OBS could no longer be read). Not every sample, and not
  the reconnecting alarm: the as-run recorder writes the reconnection itself, from
  OBS's own events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from psygnal import Signal

from console.models.asrun import AsRunKind
from console.models.obs_state import ConnectionState
from console.models.stream_health import (
    STREAM_RECONNECTING,
    AlarmBoard,
    BoardChange,
    HealthAlarm,
    HealthInterval,
    HealthReading,
    HealthThresholds,
    health_alarms,
    health_interval,
)
from console.obs.errors import ObsError
from console.obs.gateway import ObsGateway
from console.obs.stream_health import POLL_INTERVAL_S, read_health
from console.services.asrun_log import AsRunLog
from console.services.background import BackgroundTask
from console.store.database import StoreError
from console.store.obs_stats import append_obs_stats
from console.store.writer import BatchWriter

log = logging.getLogger(__name__)

# Written by the as-run recorder from OBS's own events (reconnecting, reconnected).
NOT_IN_THE_ASRUN = frozenset({STREAM_RECONNECTING})


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StreamHealthMonitor:
    """Reads one OBS's health while it is connected; see the module's docstring.

    Signals (psygnal, on the event loop's thread):
        reading(HealthReading): each reading, every ``every_s`` seconds while OBS is
            connected (``latest_interval`` then holds the interval since the one before).
        alarms_changed(tuple[HealthAlarm, ...]): the alarms standing, most serious first,
            whenever they or their words change; ``()`` when none is left.
        unavailable(str): there are no readings for now, and why ("OBS is
            reconnecting"); readings resume by themselves when OBS is back.
    """

    reading = Signal(HealthReading)
    alarms_changed = Signal(tuple)
    unavailable = Signal(str)

    def __init__(self, gateway: ObsGateway, asrun: AsRunLog | None = None,
                 samples: BatchWriter | None = None, *,
                 thresholds: HealthThresholds | None = None,
                 every_s: float = POLL_INTERVAL_S,
                 runs_the_show: Callable[[], bool] = lambda: True,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        """``asrun`` and ``samples`` (the store's batched writer) may be None: nothing is
        written then. ``runs_the_show()`` says whether this console holds the stage role."""
        self._obs = gateway
        self._asrun = asrun
        self._samples = samples
        self._thresholds = thresholds or HealthThresholds()
        self._every_s = every_s
        self._runs_the_show = runs_the_show
        self._clock = clock
        self._board = AlarmBoard()
        self._previous: HealthReading | None = None
        self._interval = HealthInterval()
        self._why_unavailable: str | None = (
            "no reading yet" if gateway.state is ConnectionState.CONNECTED
            else f"OBS is {gateway.state.value}")
        self._last_failure: str | None = None
        self._store_failure: str | None = None
        self._wake = asyncio.Event()
        self._poller = BackgroundTask(f"stream-health-{gateway.name}", self._run)
        gateway.state_changed.connect(self._on_state)

    # -- what it knows ------------------------------------------------------------------

    @property
    def obs(self) -> str:
        return self._obs.name

    @property
    def thresholds(self) -> HealthThresholds:
        return self._thresholds

    def set_thresholds(self, thresholds: HealthThresholds) -> None:
        """Judge the readings from the next one on by ``thresholds``."""
        self._thresholds = thresholds

    @property
    def latest(self) -> HealthReading | None:
        """The newest reading since OBS last connected; None before the first."""
        return self._previous

    @property
    def latest_interval(self) -> HealthInterval:
        """Bitrates and frames lost between the newest reading and the one before."""
        return self._interval

    @property
    def alarms(self) -> tuple[HealthAlarm, ...]:
        return self._board.alarms

    @property
    def unavailable_reason(self) -> str | None:
        """Why there are no readings now; None while they come."""
        return self._why_unavailable

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        self._poller.start()

    async def close(self) -> None:
        self._obs.state_changed.disconnect(self._on_state)
        await self._poller.stop()

    # -- reading --------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            if self._obs.state is ConnectionState.CONNECTED:
                await self.read_now()
            # asyncio.timeout, not wait_for: Python 3.11's wait_for can swallow the
            # cancellation of close() when a wake-up lands at the same moment.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._every_s):
                    await self._wake.wait()
            self._wake.clear()

    async def read_now(self) -> HealthReading | None:
        """Read OBS once and take the reading in; None when OBS could not be read."""
        try:
            reading = await read_health(self._obs, self._clock)
        except ObsError as error:
            self._failed(str(error))
            return None
        self._last_failure = None
        self.accept(reading)
        return reading

    def accept(self, reading: HealthReading) -> None:
        """Take one reading in: judge it, write it, tell the listeners."""
        self._interval = health_interval(self._previous, reading)
        fresh = health_alarms(self._previous, reading, self._thresholds)
        self._previous = reading
        if self._why_unavailable is not None:
            self._why_unavailable = None
            log.info("OBS health: reading", extra={"obs": reading.obs})
        change = self._board.update(fresh, self._thresholds.clear_after)
        self._apply(change)
        self._sample(reading)
        self.reading.emit(reading)

    def _failed(self, why: str) -> None:
        if why != self._last_failure:
            log.info("OBS health not read: %s", why, extra={"obs": self._obs.name})
        self._last_failure = why
        # The next reading is no longer "two seconds later": no bitrate across the gap.
        self._previous = None

    def _on_state(self, state: ConnectionState) -> None:
        if state is not ConnectionState.CONNECTED:
            self._lose(f"OBS is {state.value}")
        self._wake.set()

    def _lose(self, why: str) -> None:
        self._previous = None
        self._interval = HealthInterval()
        if why == self._why_unavailable:
            return
        self._why_unavailable = why
        self._apply(self._board.clear_all(), reason=f"no readings: {why}")
        self.unavailable.emit(why)

    def _apply(self, change: BoardChange, reason: str | None = None) -> None:
        before, self._board = self._board, change.board
        for alarm in change.raised:
            self._record(alarm, "raised", severity=alarm.severity.value)
        for alarm in change.cleared:
            self._record(alarm, "cleared", reason=reason)
        if change.board.alarms != before.alarms:
            self.alarms_changed.emit(change.board.alarms)

    # -- writing ------------------------------------------------------------------------

    def _record(self, alarm: HealthAlarm, state: str, **details: Any) -> None:
        asrun = self._asrun
        if asrun is None or alarm.key in NOT_IN_THE_ASRUN or not self._runs_the_show():
            return
        self._store(lambda: asrun.record(AsRunKind.STREAM, obs=self._obs.name, alarm=alarm.key,
                                         state=state, text=alarm.text, **details))

    def _sample(self, reading: HealthReading) -> None:
        samples = self._samples
        if samples is None or not self._runs_the_show():
            return
        stats = {**reading.as_stats(), **self._interval.as_stats(),
                 "alarms": sorted(self._board.keys())}
        self._store(lambda: append_obs_stats(samples, reading.at, reading.obs, stats))

    def _store(self, write: Callable[[], object]) -> None:
        try:
            write()
        except StoreError as error:  # the writer is closed: the console is shutting down
            if str(error) != self._store_failure:
                log.info("OBS health not stored: %s", error)
            self._store_failure = str(error)
