"""The stage role lock: at most one console at a time runs the show on a database.

The holder is one row naming its console name, host and process id, with a
heartbeat it renews every few seconds. Another console takes the role over only
when the holder is provably gone: on the same host its process no longer exists,
or (any host) its heartbeat is older than ``stale_after_s``. Every decision is
made inside one ``BEGIN IMMEDIATE`` transaction, so two consoles starting at the
same instant cannot both win.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from console.store.database import StoreError, database_file, write_transaction

STALE_AFTER_S = 10.0

PidAlive = Callable[[int], bool]


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it is just not ours
    return True


@dataclass(frozen=True)
class RoleHolder:
    instance: str  # unique to one run of one console
    console: str
    host: str
    pid: int
    acquired_at: datetime | None = None
    heartbeat_at: datetime | None = None

    def describe(self) -> str:
        return f"console {self.console!r} on {self.host} (PID {self.pid})"

    def same_run(self, other: RoleHolder | None) -> bool:
        return other is not None and other.instance == self.instance


@dataclass(frozen=True)
class RoleClaim:
    """The outcome of a claim: who holds the role now, and whom it was taken from."""

    holder: RoleHolder
    taken_over_from: RoleHolder | None = None

    def held_by(self, me: RoleHolder) -> bool:
        return me.same_run(self.holder)


def _read(db: sqlite_utils.Database) -> RoleHolder | None:
    row = db.execute("SELECT instance, console, host, pid, acquired_at, heartbeat_at "
                     "FROM stage_role WHERE id = 1").fetchone()
    if row is None:
        return None
    instance, console, host, pid, acquired, heartbeat = row
    try:
        process = int(pid)
    except (TypeError, ValueError):
        process = -1  # a hand-edited row: no such process, so the holder counts as gone
    return RoleHolder(str(instance), str(console), str(host), process,
                      _parse(acquired), _parse(heartbeat))


def _parse(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None  # unreadable: treated as a heartbeat long gone


def is_stale(holder: RoleHolder, me: RoleHolder, now: datetime, stale_after_s: float,
             alive: PidAlive = pid_alive) -> bool:
    if holder.host == me.host and not alive(holder.pid):
        return True
    beat = holder.heartbeat_at
    return beat is None or now - beat > timedelta(seconds=stale_after_s)


def current_holder(db: sqlite_utils.Database) -> RoleHolder | None:
    try:
        return _read(db)
    except sqlite3.Error as error:
        raise StoreError(f"{database_file(db)}: cannot read the stage role: {error}") from error


def claim(db: sqlite_utils.Database, me: RoleHolder, now: datetime, *,
          stale_after_s: float = STALE_AFTER_S, alive: PidAlive = pid_alive) -> RoleClaim:
    """Take the role if it is free, ours, or held by a console that is gone."""
    try:
        with write_transaction(db):
            holder = _read(db)
            if holder is not None and not me.same_run(holder) and \
                    not is_stale(holder, me, now, stale_after_s, alive):
                return RoleClaim(holder)
            _write(db, me, holder if me.same_run(holder) else None, now)
            taken = holder if holder is not None and not me.same_run(holder) else None
            return RoleClaim(_read(db) or me, taken)
    except sqlite3.Error as error:
        raise StoreError(f"{database_file(db)}: cannot claim the stage role: {error}") from error


def _write(db: sqlite_utils.Database, me: RoleHolder, mine: RoleHolder | None,
           now: datetime) -> None:
    acquired = mine.acquired_at if mine is not None and mine.acquired_at else now
    db.execute(
        "INSERT INTO stage_role (id, instance, console, host, pid, acquired_at, heartbeat_at) "
        "VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET instance = excluded.instance, "
        "console = excluded.console, host = excluded.host, pid = excluded.pid, "
        "acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at",
        [me.instance, me.console, me.host, me.pid, acquired.isoformat(), now.isoformat()],
    )


def heartbeat(db: sqlite_utils.Database, me: RoleHolder, now: datetime) -> RoleHolder:
    """Renew our heartbeat; return who holds the role now (``me``, or whoever took it over
    while we were frozen: then we have lost it)."""
    try:
        with write_transaction(db):
            holder = _read(db)
            if holder is not None and not me.same_run(holder):
                return holder
            _write(db, me, holder, now)
            return _read(db) or me
    except sqlite3.Error as error:
        raise StoreError(f"{database_file(db)}: cannot renew the stage role: {error}") from error


def release(db: sqlite_utils.Database, me: RoleHolder) -> None:
    try:
        with write_transaction(db):
            db.execute("DELETE FROM stage_role WHERE id = 1 AND instance = ?", [me.instance])
    except sqlite3.Error as error:
        raise StoreError(f"{database_file(db)}: cannot release the stage role: {error}") \
            from error
