"""Viewer destinations (added, listed, removed) and viewer samples.

Destinations change rarely and are written at once; samples are many and go through
the batched writer. A destination row that no longer fits (an older or hand-edited
database) is left out of the list with why, never stops the console.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from console.models.errors import InvalidValue
from console.models.viewers import Destination, ViewerSample, ViewerState, check_destination
from console.store.asrun import utc_text
from console.store.database import StoreError, database_file, write_transaction
from console.store.revisions import bump
from console.store.writer import BatchWriter

REVISION = "viewers"  # bumped when destinations change, so other consoles reload them

_SAMPLE_COLUMNS = ("destination_id", "at_utc", "state", "viewers", "detail", "console")
_INSERT_SAMPLE = (f"INSERT INTO viewer_sample ({', '.join(_SAMPLE_COLUMNS)}) "
                  f"VALUES ({', '.join('?' for _ in _SAMPLE_COLUMNS)})")


class DuplicateDestination(StoreError):
    """The same stream is already counted."""


@dataclass(frozen=True)
class StoredDestinations:
    destinations: tuple[Destination, ...]
    problems: tuple[str, ...] = ()  # rows left out, and why


def add_destination(db: sqlite_utils.Database, destination: Destination, *, saved_by: str,
                    at: datetime) -> Destination:
    """Store ``destination``; the stored one (with its id) is returned. Refuses a stream
    already counted (same platform, target and base URL)."""
    try:
        with write_transaction(db):
            for other in _active(db).destinations:
                if (other.platform, other.target, other.base_url) == (
                        destination.platform, destination.target, destination.base_url):
                    raise DuplicateDestination(
                        f"{destination.platform.value} {destination.target} is already "
                        f"counted (destination {other.id}); remove it first to change it")
            cursor = db.conn.execute(
                "INSERT INTO viewer_destination (platform, target, label, language, base_url, "
                "pointer, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [destination.platform.value, destination.target, destination.label,
                 destination.language, destination.base_url, destination.pointer,
                 utc_text(at)])
            bump(db, REVISION, saved_by, at)
    except sqlite3.Error as error:
        raise StoreError(f"{database_file(db)}: could not add the destination: {error}") \
            from error
    return Destination(destination.platform, destination.target, destination.label,
                       destination.language, destination.base_url, destination.pointer,
                       id=cursor.lastrowid)


def remove_destination(db: sqlite_utils.Database, destination_id: int, *, saved_by: str,
                       at: datetime) -> Destination:
    """Stop counting a destination; its samples stay. Raises InvalidValue for an id that
    is not counted."""
    try:
        with write_transaction(db):
            found = [d for d in _active(db).destinations if d.id == destination_id]
            if not found:
                raise InvalidValue("id", f"no destination {destination_id} is counted; "
                                         "`conference-console viewers list` shows the ids")
            db.conn.execute("UPDATE viewer_destination SET removed_at = ? WHERE id = ?",
                            [utc_text(at), destination_id])
            bump(db, REVISION, saved_by, at)
    except sqlite3.Error as error:
        raise StoreError(f"{database_file(db)}: could not remove the destination: "
                         f"{error}") from error
    return found[0]


def load_destinations(db: sqlite_utils.Database) -> StoredDestinations:
    """Every destination being counted, oldest first."""
    return _active(db)


def destination_names(db: sqlite_utils.Database) -> dict[int, Destination]:
    """Every destination ever counted, removed ones too (to name old samples)."""
    rows = db.execute("SELECT id, platform, target, label, language, base_url, pointer "
                      "FROM viewer_destination ORDER BY id").fetchall()
    found: dict[int, Destination] = {}
    for row in rows:
        destination = _destination(row)
        if isinstance(destination, Destination) and destination.id is not None:
            found[destination.id] = destination
    return found


def _active(db: sqlite_utils.Database) -> StoredDestinations:
    rows = db.execute("SELECT id, platform, target, label, language, base_url, pointer "
                      "FROM viewer_destination WHERE removed_at IS NULL ORDER BY id").fetchall()
    good: list[Destination] = []
    problems: list[str] = []
    for row in rows:
        destination = _destination(row)
        if isinstance(destination, Destination):
            good.append(destination)
        else:
            problems.append(destination)
    return StoredDestinations(tuple(good), tuple(problems))


def _destination(row: tuple[object, ...]) -> Destination | str:
    """The destination in a row, or why it cannot be used."""
    identity, platform, target, label, language, base_url, pointer = row
    try:
        checked = check_destination(platform, target, label=label, language=language,
                                    base_url=base_url, pointer=pointer)
    except InvalidValue as error:
        return f"viewer destination {identity} is left out: {error}"
    return Destination(checked.platform, checked.target, checked.label, checked.language,
                       checked.base_url, checked.pointer, id=int(str(identity)))


def append_sample(writer: BatchWriter, sample: ViewerSample, console: str) -> None:
    """Queue one sample on the batched writer; returns at once."""
    writer.append_row(_INSERT_SAMPLE, (sample.destination_id, utc_text(sample.at_utc),
                                       sample.state.value, sample.viewers, sample.detail,
                                       console))


def read_samples(db: sqlite_utils.Database, since: datetime | None = None,
                 until: datetime | None = None) -> list[ViewerSample]:
    """Samples between ``since`` and ``until`` (aware), oldest first; rows whose state
    this version does not know are read as errors."""
    clauses, params = [], []
    if since is not None:
        clauses.append("at_utc >= ?")
        params.append(utc_text(since))
    if until is not None:
        clauses.append("at_utc <= ?")
        params.append(utc_text(until))
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    samples: list[ViewerSample] = []
    for destination_id, at, state, viewers, detail in db.execute(
            f"SELECT destination_id, at_utc, state, viewers, detail FROM viewer_sample{where} "
            "ORDER BY at_utc, id", params).fetchall():
        samples.append(_sample(destination_id, at, state, viewers, detail))
    return samples


def samples_after(db: sqlite_utils.Database, after_id: int, *, read: bool = True,
                  limit: int = 1000) -> tuple[int, list[ViewerSample]]:
    """The newest sample id, and (when ``read``) the samples stored after ``after_id``,
    oldest first, at most ``limit`` (the newest ones: a follower wants now, not a
    backlog)."""
    newest = db.execute("SELECT max(id) FROM viewer_sample").fetchone()[0]
    if newest is None:
        return after_id, []
    if not read:
        return int(newest), []
    rows = db.execute(
        "SELECT destination_id, at_utc, state, viewers, detail FROM viewer_sample "
        "WHERE id > ? ORDER BY id DESC LIMIT ?", [after_id, limit]).fetchall()
    return int(newest), [_sample(*row) for row in reversed(rows)]


def _sample(destination_id: int, at: str, state: str, viewers: object,
            detail: str) -> ViewerSample:
    try:
        kind = ViewerState(state)
    except ValueError:
        kind = ViewerState.ERROR
    count = viewers if isinstance(viewers, int) and viewers >= 0 else None
    if kind is ViewerState.LIVE and count is None:
        kind = ViewerState.ERROR
    return ViewerSample(int(destination_id), datetime.fromisoformat(at), kind,
                        count if kind is ViewerState.LIVE else None, str(detail))
