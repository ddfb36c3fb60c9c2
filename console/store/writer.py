"""The one batched writer: a thread that commits queued rows, many per transaction.

``append_row`` only puts a row on a queue, so the Qt main thread never waits for
SQLite; the writer thread commits whatever is queued (up to ``batch_size`` rows, of
any tables) in one transaction, so a burst of events costs a few commits, not one
per event. The as-run log, viewer samples and OBS stats all go through it.

``when_committed`` is the acknowledgement: a future that resolves once every row
appended before it was asked for is committed (on disk, as ``synchronous=FULL``
makes a commit), so the loop can wait for it without blocking, and an action is
reported done only when its rows would survive the console being killed.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

import sqlite_utils

from console.store.database import StoreError, open_database, write_transaction

log = logging.getLogger(__name__)

THREAD_NAME = "store-writer"
# After a failed commit (disk full, locked too long), wait before trying the same rows
# again, longer each time, so a lasting fault does not flood the log.
_RETRY_DELAY_S = 0.5
_MAX_RETRY_DELAY_S = 2.0
_STOP = object()

Row = tuple[Any, ...]
Item = tuple[str, Row]  # (INSERT statement, its parameters)
StatusCallback = Callable[[str | None], None]


@dataclass(frozen=True)
class WriterStats:
    rows_committed: int
    batches_committed: int
    largest_batch: int


class BatchWriter:
    """Owns a connection on its own thread; ``append_row`` from any thread never blocks."""

    def __init__(self, path: Path, *, batch_size: int = 500, start_timeout: float = 30.0,
                 on_status: StatusCallback | None = None):
        """``on_status(error)`` is called on the writer thread when commits start failing
        (with why) and when they succeed again (with None)."""
        self._on_status = on_status
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._path = path
        self._batch_size = batch_size
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._committed_cond = threading.Condition(self._lock)
        self._closed = False
        self._appended = 0
        self._committed = 0
        self._batches = 0
        self._largest = 0
        self._error: BaseException | None = None
        self._stopped = False
        self._waiters: list[tuple[int, Future[None]]] = []  # (rows appended then, its future)
        self._ready = threading.Event()
        # Not a daemon: the interpreter must wait for queued rows to be committed.
        self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=False)
        self._thread.start()
        if not self._ready.wait(start_timeout):
            self._stop_thread()
            raise StoreError(f"{path}: the store writer did not start")
        if self._error is not None:
            self._thread.join()
            raise StoreError(f"{path}: the store writer cannot start: {self._error}")

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    @property
    def stats(self) -> WriterStats:
        with self._lock:
            return WriterStats(self._committed, self._batches, self._largest)

    def append_row(self, insert: str, row: Row) -> None:
        """Queue one row for the statement ``insert``; returns at once. Raises StoreError
        once closed."""
        with self._lock:
            if self._closed:
                raise StoreError(f"{self._path}: the store writer is closed")
            self._appended += 1
            self._queue.put((insert, row))

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every entry appended so far is committed; False on timeout.

        Raises StoreError if the last commit failed (the rows stay queued for retry).
        """
        with self._committed_cond:
            target = self._appended
            done = self._committed_cond.wait_for(
                lambda: self._committed >= target or self._error is not None
                or self._stopped,
                timeout,
            )
            if self._committed >= target:
                return True
            if self._error is not None:
                raise StoreError(f"{self._path}: rows not committed: {self._error}")
            if not done:
                return False
            raise StoreError(f"{self._path}: the store writer has stopped")

    def when_committed(self) -> Future[None]:
        """A future that resolves once every row appended so far is committed.

        It fails with StoreError when a commit fails meanwhile (the rows stay queued
        and are retried, but nobody should be told they are safe) or the writer stops.
        """
        future: Future[None] = Future()
        with self._lock:
            target = self._appended
            if self._committed >= target:
                future.set_result(None)
            elif self._stopped:
                future.set_exception(StoreError(f"{self._path}: the store writer has stopped"))
            elif self._error is not None:  # failing now: say so rather than wait for a retry
                future.set_exception(StoreError(f"{self._path}: rows not committed: "
                                                f"{self._error}"))
            else:
                self._waiters.append((target, future))
        return future

    def close(self, timeout: float | None = None) -> None:
        """Commit everything queued, then stop and join the thread. Idempotent."""
        with self._lock:
            already_closed = self._closed
            self._closed = True
        if not already_closed:
            self._queue.put(_STOP)
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise StoreError(f"{self._path}: the store writer did not stop in {timeout} s")
        with self._lock:
            lost = self._appended - self._committed
        if lost and not already_closed:
            raise StoreError(f"{self._path}: {lost} rows could not be committed")

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _stop_thread(self) -> None:
        with self._lock:
            self._closed = True
        self._queue.put(_STOP)
        self._thread.join()

    # --- on the writer thread -------------------------------------------------

    def _run(self) -> None:
        try:
            db = open_database(self._path)
        except BaseException as error:  # reported to the constructor
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        try:
            self._loop(db)
        finally:
            db.close()
            with self._committed_cond:  # wake flush() waiters: nothing more will commit
                self._stopped = True
                self._committed_cond.notify_all()
                waiting, self._waiters = self._waiters, []
            _settle(waiting, StoreError(f"{self._path}: the store writer has stopped"))

    def _loop(self, db: sqlite_utils.Database) -> None:
        pending: list[Item] = []
        stopping = False
        retry_delay = _RETRY_DELAY_S
        while True:
            if not pending:
                item = self._queue.get()
                if item is _STOP:
                    stopping = True
                else:
                    pending.append(item)  # type: ignore[arg-type]
            stopping = self._drain_into(pending) or stopping
            if pending and self._commit(db, pending[: self._batch_size]):
                del pending[: self._batch_size]
                retry_delay = _RETRY_DELAY_S
            elif pending and stopping:
                log.error("store writer stopping with %d uncommitted rows", len(pending))
                return
            elif pending:
                stopping = self._wait_for_retry(pending, retry_delay) or stopping
                retry_delay = min(retry_delay * 2, _MAX_RETRY_DELAY_S)
            if stopping and not pending:
                return

    def _drain_into(self, pending: list[Item]) -> bool:
        """Move queued rows into ``pending`` (up to a batch); True if a stop was queued."""
        stopping = False
        while len(pending) < self._batch_size:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                stopping = True  # FIFO, and append is refused after close: nothing follows
            else:
                pending.append(item)  # type: ignore[arg-type]
        return stopping

    def _wait_for_retry(self, pending: list[Item], delay: float) -> bool:
        """Pause before retrying a failed commit, still taking appended rows.

        True if a stop arrived meanwhile (then retry at once, one last time).
        """
        deadline = time.monotonic() + delay
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                item = self._queue.get(timeout=remaining)
            except queue.Empty:
                return False
            if item is _STOP:
                return True
            pending.append(item)  # type: ignore[arg-type]
        return False

    def _commit(self, db: sqlite_utils.Database, rows: list[Item]) -> bool:
        try:
            with write_transaction(db):
                for insert, same in groupby(rows, key=lambda item: item[0]):
                    db.conn.executemany(insert, [row for _, row in same])
        except sqlite3.Error as error:
            with self._committed_cond:
                first = self._error is None or str(self._error) != str(error)
                self._error = error
                self._committed_cond.notify_all()
                waiting, self._waiters = self._waiters, []
            _settle(waiting, StoreError(f"{self._path}: rows not committed: {error}"))
            if first:  # once per kind of failure: the retries would flood the log
                log.error("store writer could not commit %d rows (it keeps them and "
                          "retries): %s", len(rows), error)
                self._report(f"{self._path}: the as-run log cannot be written: {error}")
            return False
        with self._committed_cond:
            recovered = self._error is not None
            self._error = None
            self._committed += len(rows)
            self._batches += 1
            self._largest = max(self._largest, len(rows))
            self._committed_cond.notify_all()
            done = [waiter for waiter in self._waiters if waiter[0] <= self._committed]
            self._waiters = [waiter for waiter in self._waiters if waiter[0] > self._committed]
        _settle(done, None)
        if recovered:
            log.info("store writer committed again")
            self._report(None)
        return True

    def _report(self, error: str | None) -> None:
        if self._on_status is not None:
            try:
                self._on_status(error)
            except Exception:  # the writer thread must survive a listener's bug
                log.exception("store writer status listener failed")


def _settle(waiters: list[tuple[int, Future[None]]], error: BaseException | None) -> None:
    """Resolve the waiters' futures (outside the lock: their callbacks run here)."""
    for _target, future in waiters:
        try:
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)
        except InvalidStateError:
            pass  # its waiter gave up (cancelled): nobody to tell
