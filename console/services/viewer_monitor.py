"""Live viewer counts: polls every destination on its platform's schedule, stores the
samples, and tells the window.

Each group of destinations (one platform, one server) is polled by a task of its
own, so a platform that hangs delays no other, and never twice at once. After a
poll the group waits:

- its interval (YouTube's is chosen so that polling the whole show fits the daily
  quota);
- after errors, the interval doubled per error in a row, up to five minutes;
- after a 429, as long as the platform's headers say;
- after a 401/403, for ever: the destination reads "credentials" until the
  credentials are fixed and the destinations reloaded (or the console restarted).

Only the console that holds the stage role polls and stores; another console on the
same database follows the samples it stores, so the platforms are asked once (the
YouTube quota is shared by the whole show). Destinations added or removed anywhere
(the window, ``conference-console viewers add``, another console) are picked up
within ``SYNC_S``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import aiohttp
import sqlite_utils
from psygnal import Signal

from console.models.asrun import AsRunKind
from console.models.errors import InvalidValue, OperatorError
from console.models.viewer_ledger import ViewerEvent, ViewerLedger
from console.models.viewers import (
    DEFAULT_INTERVALS_S,
    Destination,
    Platform,
    Reading,
    ViewerSample,
    ViewerState,
    backoff_s,
    check_viewers,
    stale_after_s,
    youtube_interval,
)
from console.platforms.base import REQUEST_TIMEOUT_S, SecretLookup
from console.platforms.registry import Adapters
from console.services.asrun_log import AsRunLog, utc_now
from console.services.background import BackgroundTask
from console.services.viewer_polling import Group, groups_of, read_group, secrets_for
from console.store import revisions
from console.store.database import StoreError, open_database
from console.store.viewers import (
    REVISION,
    add_destination,
    append_sample,
    load_destinations,
    read_samples,
    remove_destination,
    samples_after,
)

log = logging.getLogger(__name__)
_T = TypeVar("_T")

SYNC_S = 2.0  # how often destinations changed elsewhere (and a follower's samples) are read
HISTORY = timedelta(days=3)  # samples loaded at start, for the graph


class DestinationsRefused(OperatorError):
    """A destination could not be added or removed; the message says why."""


@dataclass
class _Schedule:
    due: float = 0.0  # time.monotonic() of the next poll
    failures: int = 0
    stopped: str | None = None  # why polling stopped (credentials)
    not_before: bool = False  # the platform said when to ask again
    asked: frozenset[int | None] = frozenset()  # the destinations of its last poll


class ViewerMonitor:
    """Polls viewer counts and keeps the latest sample of every destination.

    Signals:
        sampled(Destination, ViewerSample): a new sample (polled, typed, or stored by the
            console that polls), on the loop.
        destinations_changed(tuple): the destinations counted, after any change.
        problem(str): something the producer should know (a destination row left out).
    """

    sampled = Signal(object, object)
    destinations_changed = Signal(object)
    problem = Signal(str)

    def __init__(self, db_path: Path, asrun: AsRunLog, *, saved_by: str,
                 polls: Callable[[], bool] = lambda: True,
                 show_length: Callable[[], timedelta] = lambda: timedelta(hours=8),
                 secrets: SecretLookup | None = None, timeout_s: float = REQUEST_TIMEOUT_S,
                 clock: Callable[[], datetime] = utc_now) -> None:
        """``polls()`` says whether this console polls (holds the stage role) or follows
        the samples another console stores; ``show_length()`` is how long the show still
        runs (for YouTube's quota). Credentials are ``secrets`` (by variable name) or, by
        default, looked up (environment, keyring) whenever the destinations change."""
        self._db_path = db_path
        self._asrun = asrun
        self._saved_by = saved_by
        self._polls = polls
        self._show_length = show_length
        self._secrets = secrets
        self._timeout_s = timeout_s
        self._adapters = Adapters({}, timeout_s=timeout_s)
        self._clock = clock
        self._executor = concurrent.futures.ThreadPoolExecutor(
            1, thread_name_prefix="viewer-store")
        self._db: sqlite_utils.Database | None = None  # owned by the executor thread
        self._destinations: tuple[Destination, ...] = ()
        self._latest: dict[int, ViewerSample] = {}
        self._schedules: dict[tuple[Platform, str | None], _Schedule] = {}
        self._inflight: dict[tuple[Platform, str | None], asyncio.Task[None]] = {}
        self._ledger = ViewerLedger()
        self._changes = asyncio.Lock()
        self._wake = asyncio.Event()
        self._revision = -1
        self._followed_id = 0
        self._told: set[str] = set()
        self._closed = False
        self._http: aiohttp.ClientSession | None = None
        self._loop_task = BackgroundTask("viewer-monitor", self._run)

    # -- what the window reads ---------------------------------------------------------

    @property
    def destinations(self) -> tuple[Destination, ...]:
        return self._destinations

    def latest(self, destination_id: int) -> ViewerSample | None:
        """The latest sample, marked stale when it is older than two missed polls."""
        sample = self._latest.get(destination_id)
        destination = self._find(destination_id)
        if sample is None or destination is None or not destination.polled:
            return sample
        age = (self._clock() - sample.at_utc).total_seconds()
        return sample.marked_stale() if age > stale_after_s(self.interval_s(destination)) \
            else sample

    def next_poll_s(self, destination: Destination) -> float | None:
        """Seconds until ``destination`` is asked again (0: due or being asked); None when
        polling it has stopped (credentials refused) or it is typed by hand."""
        for group in groups_of(self._destinations):
            if destination in group.destinations:
                schedule = self._schedules.get(group.key)
                if schedule is None:
                    return 0.0
                if schedule.stopped is not None:
                    return None
                return max(0.0, schedule.due - time.monotonic())
        return None

    def interval_s(self, destination: Destination) -> float:
        if destination.platform is Platform.YOUTUBE:
            videos = sum(d.platform is Platform.YOUTUBE for d in self._destinations)
            return youtube_interval(videos, self._show_length())
        return DEFAULT_INTERVALS_S.get(destination.platform, 60.0)

    async def history(self, since: timedelta = HISTORY) -> list[ViewerSample]:
        """The stored samples of the last ``since`` (for the graph at start)."""
        start = self._clock() - since
        return await self._on_store(lambda db: read_samples(db, since=start))

    # -- changes -------------------------------------------------------------------------

    async def add(self, destination: Destination) -> Destination:
        """Count ``destination`` (checked by :func:`check_destination`) from now on."""
        async with self._changes:
            try:
                stored = await self._on_store(lambda db: add_destination(
                    db, destination, saved_by=self._saved_by, at=self._clock()))
            except StoreError as error:
                raise DestinationsRefused(str(error)) from None
            await self._reload()
        log.info("viewer destination added", extra={"destination": stored.name})
        return stored

    async def remove(self, destination_id: int) -> Destination:
        async with self._changes:
            try:
                removed = await self._on_store(lambda db: remove_destination(
                    db, destination_id, saved_by=self._saved_by, at=self._clock()))
            except StoreError as error:
                raise DestinationsRefused(str(error)) from None
            await self._reload()
        log.info("viewer destination removed", extra={"destination": removed.name})
        return removed

    async def enter_count(self, destination_id: int, viewers: object) -> ViewerSample:
        """A count read off a screen, for a manual destination."""
        count = check_viewers(viewers)
        destination = self._find(destination_id)
        if destination is None:
            raise InvalidValue("destination", f"no destination {destination_id} is counted")
        if destination.polled:
            raise InvalidValue("destination", f"{destination.name} is counted from "
                               f"{destination.platform.value}; only a manual destination "
                               "takes a typed count")
        sample = ViewerSample(destination_id, self._clock(), ViewerState.LIVE, count,
                              "entered by hand")
        self._take(destination, sample, store=True)
        return sample

    # -- running -------------------------------------------------------------------------

    def start(self) -> None:
        self._loop_task.start()

    async def close(self) -> None:
        """Stop polling, log the peak not logged yet, release the store. Idempotent."""
        if self._closed:
            return
        self._closed = True
        await self._loop_task.stop()
        for task in list(self._inflight.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._inflight.clear()
        final = self._ledger.final_peak()
        if final is not None and self._polls():
            self._log(final)
        if self._http is not None:
            await self._http.close()
            self._http = None
        await asyncio.get_running_loop().run_in_executor(self._executor, self._close_db)
        self._executor.shutdown(wait=True)

    async def poll_all(self) -> None:
        """Ask every destination once, now, one group after the other (not those whose
        credentials were refused), whether or not the schedule runs."""
        if self._http is None:
            self._http = aiohttp.ClientSession()
        for group in groups_of(self._destinations):
            schedule = self._schedules.setdefault(group.key, _Schedule())
            if schedule.stopped is None and group.key not in self._inflight:
                schedule.asked = frozenset(d.id for d in group.destinations)
                await self._poll(group, schedule)

    def poll_now(self) -> None:
        """Poll at once every group that is waiting only for its interval (not one that
        backs off after errors, waits out a rate limit, or was refused)."""
        for schedule in self._schedules.values():
            if schedule.failures == 0 and schedule.stopped is None \
                    and not schedule.not_before:
                schedule.due = 0.0
        self._wake.set()

    async def _run(self) -> None:
        if self._http is None:
            self._http = aiohttp.ClientSession()
        await self._reload()
        next_sync = time.monotonic() + SYNC_S
        while True:
            if time.monotonic() >= next_sync:
                await self._sync()
                next_sync = time.monotonic() + SYNC_S
            polls = self._polls()
            if polls:
                self._start_due_polls()
            # A console that follows has no polls due: it wakes to read the store only.
            dues = self._waiting_dues() if polls else []
            wait = min([next_sync, *dues]) - time.monotonic()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.05, wait))

    def _waiting_dues(self) -> list[float]:
        return [schedule.due for key, schedule in self._schedules.items()
                if schedule.stopped is None and key not in self._inflight]

    def _start_due_polls(self) -> None:
        now = time.monotonic()
        for group in groups_of(self._destinations):
            schedule = self._schedules.setdefault(group.key, _Schedule())
            members = frozenset(d.id for d in group.destinations)
            if members - schedule.asked and schedule.failures == 0 \
                    and not schedule.not_before:
                schedule.due = now  # a destination just added does not wait an interval
            if schedule.stopped is None and schedule.due <= now \
                    and group.key not in self._inflight:
                schedule.asked = members
                task = asyncio.get_running_loop().create_task(
                    self._poll(group, schedule), name=f"viewers-{group.platform.value}")
                self._inflight[group.key] = task

    async def _poll(self, group: Group, schedule: _Schedule) -> None:
        assert self._http is not None
        try:
            answers = await read_group(self._http, group, self._adapters.get)
        finally:
            self._inflight.pop(group.key, None)
        current = {d.id for d in self._destinations}
        for destination, reading in answers:
            if destination.id in current and destination.id is not None:
                sample = ViewerSample.of(destination.id, self._clock(), reading)
                self._take(destination, sample, store=True)
        self._reschedule(group, schedule, [reading for _, reading in answers])
        self._wake.set()

    def _reschedule(self, group: Group, schedule: _Schedule, readings: list[Reading]) -> None:
        interval = self.interval_s(group.destinations[0])
        states = {reading.state for reading in readings}
        if ViewerState.CREDENTIALS in states:
            schedule.stopped = next(r.detail for r in readings
                                    if r.state is ViewerState.CREDENTIALS)
            log.info("viewer polling stopped: check the credentials",
                     extra={"platform": group.platform.value, "detail": schedule.stopped})
            return
        if states & {ViewerState.RATE_LIMITED, ViewerState.ERROR}:
            schedule.failures += 1
            wait = backoff_s(schedule.failures, interval)
        else:
            schedule.failures = 0
            wait = interval
        # A platform's "not before" (429, an empty rate-limit bucket, a spent quota) wins,
        # even on a reading that has a count.
        not_before = [r.retry_after_s for r in readings if r.retry_after_s is not None]
        schedule.not_before = bool(not_before)
        schedule.due = time.monotonic() + max([wait, *not_before])

    def _take(self, destination: Destination, sample: ViewerSample, *, store: bool) -> None:
        assert destination.id is not None
        self._latest[destination.id] = sample
        if store:
            append_sample(self._asrun.writer, sample, self._asrun.console)
            for event in self._ledger.observe(destination, sample):
                self._log(event)
                if "state" in event.details:
                    log.info("viewer count state", extra={
                        "destination": destination.name, "state": sample.state.value,
                        "viewers": sample.viewers, "detail": sample.detail})
        self.sampled.emit(destination, sample)

    def _log(self, event: ViewerEvent) -> None:
        self._asrun.record(AsRunKind.VIEWERS, at=event.at_utc, actual=event.at_utc,
                           language=event.language, **event.details)

    # -- the store, on its own thread -----------------------------------------------------

    async def _reload(self) -> None:
        stored = await self._on_store(load_destinations)
        # Credentials are read again with every change of destinations: fixing a key and
        # touching the destinations (or restarting) resumes a platform that refused.
        secrets = self._secrets if self._secrets is not None else await self._on_store(
            lambda _db: secrets_for(stored.destinations))
        self._adapters = Adapters(secrets, timeout_s=self._timeout_s)
        for problem in stored.problems:
            if problem not in self._told:
                self._told.add(problem)
                self.problem.emit(problem)
        before = {d.id for d in self._destinations}
        self._destinations = stored.destinations
        now_ids = {d.id for d in stored.destinations}
        for gone in before - now_ids:
            if gone is not None:
                self._latest.pop(gone, None)
                self._ledger.forget(gone)
        keys = {group.key for group in groups_of(self._destinations)}
        for key in list(self._schedules):
            if key not in keys:
                del self._schedules[key]
        for schedule in self._schedules.values():
            schedule.stopped = None  # a change of destinations is the time to try again
        self.destinations_changed.emit(self._destinations)
        self._wake.set()

    async def _sync(self) -> None:
        follows = not self._polls()
        revision, samples = await self._on_store(
            lambda db: self._changes_on_thread(db, follows=follows))
        if revision != self._revision:
            self._revision = revision
            await self._reload()
        known = {d.id: d for d in self._destinations}
        for sample in samples:
            destination = known.get(sample.destination_id)
            if destination is not None:
                self._take(destination, sample, store=False)

    def _changes_on_thread(self, db: sqlite_utils.Database, *,
                           follows: bool) -> tuple[int, list[ViewerSample]]:
        """The destinations' revision, and the samples stored since the last look (by
        another console: only read when this one follows)."""
        found = revisions.read_revisions(db).get(REVISION)
        self._followed_id, samples = samples_after(db, self._followed_id, read=follows)
        return (found.value if found is not None else 0), samples

    async def _on_store(self, work: Callable[[sqlite_utils.Database], _T]) -> _T:
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, lambda: work(self._database()))

    def _database(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = open_database(self._db_path)
        return self._db

    def _close_db(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None

    def _find(self, destination_id: int) -> Destination | None:
        return next((d for d in self._destinations if d.id == destination_id), None)
