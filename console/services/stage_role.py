"""The stage role: this console runs the show, or follows the one that does.

Only the console holding the role may take, hold, skip or edit the live state;
others on the same database follow it (``show_sync``). The role is claimed at
start and renewed by a heartbeat every few seconds (``console/store/stage_role.py``
decides, in one transaction, when a holder is gone). A console that was frozen
long enough for another to take over finds out at its next heartbeat and becomes
a follower, loudly. Every change of holder is an as-run ``stage_role`` row.

Signals (psygnal, on the event loop's thread):
    changed(object): a :class:`RoleStatus`, whenever who holds the role changed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import sqlite_utils
from psygnal import Signal

from console.models.asrun import AsRunKind
from console.services.asrun_log import AsRunLog
from console.services.background import BackgroundTask
from console.store import stage_role
from console.store.database import StoreError, open_database
from console.store.stage_role import RoleClaim, RoleHolder

log = logging.getLogger(__name__)

HEARTBEAT_S = 2.0
T = TypeVar("T")


def this_console(name: str) -> RoleHolder:
    """This run of this console: its name, host, process and a unique instance id."""
    return RoleHolder(uuid.uuid4().hex[:12], name, socket.gethostname(), os.getpid())


def signature(holder: RoleHolder) -> str:
    """How this console signs what it saves: readable, and unique to this run."""
    return f"{holder.describe()} [{holder.instance}]"


def readable(signature_text: str) -> str:
    """A signature without its instance id, for messages."""
    return signature_text.rsplit(" [", 1)[0] if signature_text.endswith("]") else signature_text


@dataclass(frozen=True)
class RoleStatus:
    held: bool
    holder: RoleHolder | None  # None: nobody holds it
    error: str | None = None  # the role could not be checked (the database failed)

    def describe(self) -> str:
        if self.held:
            return "This console holds the stage role"
        if self.holder is None:
            return "Nobody holds the stage role: take it to run the show from here"
        return f"Following: the stage role is held by {self.holder.describe()}"


class StageRole:
    """Claims, renews and releases this console's stage role on one database."""

    changed = Signal(object)

    def __init__(self, db_path: Path, me: RoleHolder, asrun: AsRunLog, *,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._db_path = db_path
        self.me = me
        self._asrun = asrun
        self._clock = clock or asrun.clock
        self._executor = concurrent.futures.ThreadPoolExecutor(
            1, thread_name_prefix="stage-role")
        self._db: sqlite_utils.Database | None = None
        self._status = RoleStatus(held=False, holder=None)
        self._heart = BackgroundTask("stage-role", self._beat)

    @property
    def status(self) -> RoleStatus:
        return self._status

    @property
    def held(self) -> bool:
        return self._status.held

    def refusal(self) -> str | None:
        """Why this console may not act on the show now (None: it may)."""
        if self._status.held:
            return None
        holder = self._status.holder
        if holder is None:
            return "this console does not hold the stage role: take it (Show menu) first"
        return (f"this console follows the show: the stage role is held by "
                f"{holder.describe()}; take the stage role (Show menu) to run the show from here")

    def claim_now(self) -> RoleStatus:
        """Claim the role (at start, before the loop runs; blocks for one short write)."""
        return self._settle(self._on_thread(self._claim))

    async def claim(self) -> RoleStatus:
        """Claim the role now (the operator asked); refused if another console is alive."""
        return self._settle(await self._run(self._claim))

    def start(self) -> None:
        self._heart.start()

    async def close(self) -> None:
        await self._heart.stop()
        if self._status.held:
            with contextlib.suppress(StoreError):
                await self._run(self._release)
                self._asrun.record(AsRunKind.STAGE_ROLE, event="released",
                                   holder=self.me.describe())
        await self._run(self._close_db)
        self._executor.shutdown(wait=True)

    # -- on the role's thread ------------------------------------------------------

    def _database(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = open_database(self._db_path)
        return self._db

    def _claim(self) -> RoleClaim:
        return stage_role.claim(self._database(), self.me, self._clock())

    def _heartbeat(self) -> RoleHolder | None:
        if self._status.held:
            return stage_role.heartbeat(self._database(), self.me, self._clock())
        return stage_role.current_holder(self._database())

    def _release(self) -> None:
        stage_role.release(self._database(), self.me)

    def _close_db(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None

    def _on_thread(self, work: Callable[[], T]) -> T:
        return self._executor.submit(work).result()

    async def _run(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, work)

    # -- on the loop ----------------------------------------------------------------

    def _settle(self, claim: RoleClaim) -> RoleStatus:
        held = claim.held_by(self.me)
        if held and claim.taken_over_from is not None:
            log.warning("stage role taken over", extra={
                "from": claim.taken_over_from.describe(),
                "why": "the console that held it is gone"})
        if held and not self._status.held:
            self._asrun.record(AsRunKind.STAGE_ROLE, event="taken", holder=self.me.describe(),
                               taken_over_from=claim.taken_over_from.describe()
                               if claim.taken_over_from else None)
        self._publish(RoleStatus(held, claim.holder))
        return self._status

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            try:
                holder = await self._run(self._heartbeat)
            except StoreError as error:
                self._publish(RoleStatus(self._status.held, self._status.holder, str(error)))
                continue
            held = self.me.same_run(holder)
            if self._status.held and not held:
                log.error("this console lost the stage role to %s",
                          holder.describe() if holder else "nobody")
            self._publish(RoleStatus(held, holder))

    def _publish(self, status: RoleStatus) -> None:
        before = self._status
        self._status = status  # (its heartbeat time is news to nobody)
        if (status.held, _instance(status.holder), status.error) != \
                (before.held, _instance(before.holder), before.error):
            log.info("stage role: %s", status.describe())
            self.changed.emit(status)


def _instance(holder: RoleHolder | None) -> str | None:
    return holder.instance if holder is not None else None
