"""Following other processes on the same database: another console, an import.

Polls SQLite's ``PRAGMA data_version`` twice a second on a connection of its own
(it changes only when another connection commits, and reading it costs no I/O);
when it moved, reads the revisions (``console/store/revisions.py``) and reloads
what someone else changed: the show (an import from the command line, an edit on
another console) or this stage's live state (the stage console's takes, holds,
rehearsal flag, as seen by a follower). Its own saves are signed by this console
and ignored.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from pathlib import Path

import sqlite_utils

from console.models.live import LiveState
from console.models.show import Show
from console.services.background import BackgroundTask
from console.services.show_runner import ShowRunner
from console.services.stage_role import readable
from console.store import revisions
from console.store.database import StoreError, open_database
from console.store.live_state import read_live_state
from console.store.revisions import Revision
from console.store.shows import load_show

log = logging.getLogger(__name__)

POLL_S = 0.5


class ShowSync:
    """Reloads into the runner what other processes saved to its database."""

    def __init__(self, db_path: Path, runner: ShowRunner, own_signature: str) -> None:
        self._db_path = db_path
        self._runner = runner
        self._own = own_signature
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="show-sync")
        self._db: sqlite_utils.Database | None = None
        self._data_version: int | None = None
        self._seen: dict[str, Revision] = {}
        self._poller = BackgroundTask("show-sync", self._poll)
        # What the runner has just loaded is the baseline: changes count from here.
        self._executor.submit(self._database).result()

    def start(self) -> None:
        self._poller.start()

    async def close(self) -> None:
        await self._poller.stop()
        await asyncio.get_running_loop().run_in_executor(self._executor, self._close_db)
        self._executor.shutdown(wait=True)

    async def check(self) -> None:
        """Look once for changes made elsewhere, and reload them."""
        loop = asyncio.get_running_loop()
        changed = await loop.run_in_executor(self._executor, self._changed_revisions)
        stage = self._runner.stage
        for name, revision in changed.items():
            if revision.saved_by == self._own:
                continue
            if name == revisions.SHOW:
                show = await loop.run_in_executor(self._executor, self._load_show)
                self._runner.show_replaced_elsewhere(show, readable(revision.saved_by))
            elif stage is not None and name == revisions.live_key(stage.name):
                state = await loop.run_in_executor(self._executor, self._load_live, stage.name)
                await self._runner.follow(state)

    async def _poll(self) -> None:
        while True:
            try:
                await self.check()
            except StoreError as error:
                log.error("could not look for changes by other consoles: %s", error)
            except Exception:  # a bug must not silently stop the following
                log.exception("following other consoles failed")
            await asyncio.sleep(POLL_S)

    # -- on the sync thread ------------------------------------------------------

    def _database(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = open_database(self._db_path)
            self._seen = revisions.read_revisions(self._db)  # what the runner loaded
            self._data_version = revisions.data_version(self._db)
        return self._db

    def _changed_revisions(self) -> dict[str, Revision]:
        db = self._database()
        version = revisions.data_version(db)
        if version == self._data_version:
            return {}
        self._data_version = version
        current = revisions.read_revisions(db)
        changed = {name: rev for name, rev in current.items() if self._seen.get(name) != rev}
        self._seen = current
        return changed

    def _load_show(self) -> Show | None:
        return load_show(self._database())

    def _load_live(self, stage: str) -> LiveState:
        return read_live_state(self._database(), stage).state

    def _close_db(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None
