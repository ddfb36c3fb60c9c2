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
from console.store.review import load_review
from console.store.shows import show_timezone

log = logging.getLogger(__name__)

T = TypeVar("T")
THREAD_NAME = "log-review"
PAGE_ROWS = 500


class _Lane:
    """One worker thread and the read-only connection it owns."""

    def __init__(self, path: Path, name: str) -> None:
        self._path = path
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=name)
        self._db: sqlite_utils.Database | None = None

    async def run(self, work: Callable[[sqlite_utils.Database], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, lambda: work(self._connection()))

    def _connection(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = open_read_only(self._path)
        return self._db

    async def close(self) -> None:
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._close)
        finally:
            self._executor.shutdown(wait=True)

    def _close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            db.close()


class LogReview:
    """Reads one show database for the review; ``open()`` first, ``close()`` last.

    Two lanes, each a thread with its own connection: the log's pages and choices in
    one, the review (which replays the whole log) in the other, so a long review never
    holds up the page the producer scrolls to. Within a lane, reads queue up.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pages = _Lane(path, f"{THREAD_NAME}-pages")
        self._review = _Lane(path, f"{THREAD_NAME}-review")

    async def open(self) -> None:
        """Open the file read-only; StoreError says why it cannot be reviewed."""
        await self._pages.run(lambda db: None)
        log.info("reviewing a show database", extra={"db": str(self.path)})

    async def page(self, log_filter: LogFilter, after: PageKey | None = None,
                   limit: int = PAGE_ROWS) -> list[LogRow]:
        return await self._pages.run(lambda db: read_page(db, log_filter, after, limit))

    async def show_zone(self) -> str | None:
        """The show's time zone name, read alone: the first page shows in it at once."""
        return await self._pages.run(show_timezone)

    async def facets(self) -> LogFacets:
        return await self._pages.run(log_facets)

    async def review(self) -> ShowReview:
        return await self._review.run(load_review)

    async def close(self) -> None:
        """Close each connection on its thread, then end the threads."""
        try:
            await self._pages.close()
        finally:
            await self._review.close()
