"""The producer's read-only view of a show database, read on one worker thread.

The review window never blocks the loop: every read runs on a single worker
thread that owns the read-only connection (an SQLite connection belongs to the
thread that opened it), and the loop awaits the answer. One thread also means
one read at a time, whoever asks: pages, facets and the review queue up instead
of racing on one connection. The stage console may be writing the same file
meanwhile; WAL lets both go on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import sqlite_utils

from console.models.review import ShowReview
from console.store.asrun_query import (
    LogFacets,
    LogFilter,
    LogRow,
    PageKey,
    log_facets,
    open_read_only,
    read_page,
)
from console.store.database import StoreError
from console.store.review import load_review
from console.store.shows import show_timezone

log = logging.getLogger(__name__)

T = TypeVar("T")
THREAD_NAME = "log-review"
PAGE_ROWS = 500


class LogReview:
    """Reads one show database for the review; ``open()`` first, ``close()`` last."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=THREAD_NAME)
        self._db: sqlite_utils.Database | None = None

    async def open(self) -> None:
        """Open the file read-only; StoreError says why it cannot be reviewed."""
        await self._on_worker(self._open)
        log.info("reviewing a show database", extra={"db": str(self.path)})

    async def page(self, log_filter: LogFilter, after: PageKey | None = None,
                   limit: int = PAGE_ROWS) -> list[LogRow]:
        return await self._on_worker(lambda: read_page(self._connection(), log_filter,
                                                       after, limit))

    async def show_zone(self) -> str | None:
        """The show's time zone name, read alone: the first page shows in it at once."""
        return await self._on_worker(lambda: show_timezone(self._connection()))

    async def facets(self) -> LogFacets:
        return await self._on_worker(lambda: log_facets(self._connection()))

    async def review(self) -> ShowReview:
        return await self._on_worker(lambda: load_review(self._connection()))

    async def close(self) -> None:
        """Close the connection on its thread, then end the thread."""
        try:
            await self._on_worker(self._close_connection)
        finally:
            self._executor.shutdown(wait=True)

    def _open(self) -> None:
        if self._db is None:
            self._db = open_read_only(self.path)

    def _close_connection(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            db.close()

    def _connection(self) -> sqlite_utils.Database:
        if self._db is None:
            raise StoreError(f"{self.path}: the review has not opened the database")
        return self._db

    async def _on_worker(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, work)
