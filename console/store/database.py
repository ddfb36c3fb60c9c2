"""Opening the console's SQLite database: connection settings and schema migrations.

Durability: the database runs in WAL mode with ``synchronous=FULL``. With
``NORMAL`` a committed transaction already survives the *application* being
killed (the WAL is in the OS page cache), but not a power cut or OS crash, and
the console typically runs on a laptop in a venue. ``FULL`` fsyncs the WAL on
every commit; that costs little here because writes are rare (show imports) or
batched (the as-run writer commits many rows per transaction).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 5000

Migration = Callable[[sqlite_utils.Database], None]


class StoreError(Exception):
    """The database cannot be opened, migrated, read or written; the message says why."""


def _schema_v1(db: sqlite_utils.Database) -> None:
    """The show as planned, and the append-only as-run log."""
    statements = (
        # One show per database: importing replaces it.
        """CREATE TABLE show (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            timezone TEXT NOT NULL,
            floor_language TEXT NOT NULL,
            languages TEXT NOT NULL CHECK (json_valid(languages))
        )""",
        """CREATE TABLE stage (
            id INTEGER PRIMARY KEY,
            show_id INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            UNIQUE (show_id, position)
        )""",
        """CREATE TABLE day (
            id INTEGER PRIMARY KEY,
            stage_id INTEGER NOT NULL REFERENCES stage(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            date TEXT NOT NULL,
            UNIQUE (stage_id, position)
        )""",
        """CREATE TABLE session (
            id INTEGER PRIMARY KEY,
            day_id INTEGER NOT NULL REFERENCES day(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            title TEXT NOT NULL,
            chair TEXT,
            UNIQUE (day_id, position)
        )""",
        """CREATE TABLE segment (
            id TEXT PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            source_id TEXT,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            planned_start TEXT NOT NULL,
            planned_duration_s REAL NOT NULL,
            hard_start INTEGER NOT NULL,
            scene TEXT,
            notes TEXT NOT NULL,
            warning_s INTEGER NOT NULL,
            danger_s INTEGER NOT NULL,
            UNIQUE (session_id, position)
        )""",
        """CREATE TABLE speaker (
            id INTEGER PRIMARY KEY,
            segment_id TEXT NOT NULL REFERENCES segment(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            affiliation TEXT,
            language TEXT NOT NULL,
            UNIQUE (segment_id, position)
        )""",
        "CREATE INDEX speaker_name ON speaker(name)",
        # segment_id is deliberately not a foreign key: the log outlives re-imports.
        # Timestamps are UTC ISO 8601 with microseconds, so text order is time order.
        """CREATE TABLE asrun (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at_utc TEXT NOT NULL,
            kind TEXT NOT NULL,
            segment_id TEXT,
            planned TEXT,
            actual TEXT,
            deviation_s REAL,
            language TEXT,
            console TEXT NOT NULL,
            role TEXT NOT NULL,
            details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
        )""",
        "CREATE INDEX asrun_at ON asrun(at_utc)",
        "CREATE INDEX asrun_kind_at ON asrun(kind, at_utc)",
        """CREATE TRIGGER asrun_no_update BEFORE UPDATE ON asrun
           BEGIN SELECT RAISE(ABORT, 'the as-run log is append-only: rows cannot be updated');
           END""",
        """CREATE TRIGGER asrun_no_delete BEFORE DELETE ON asrun
           BEGIN SELECT RAISE(ABORT, 'the as-run log is append-only: rows cannot be deleted');
           END""",
    )
    for statement in statements:
        db.execute(statement)


def _schema_v2(db: sqlite_utils.Database) -> None:
    """Each stage's live state (what is on air, since when, holds), saved on every change."""
    db.execute(
        """CREATE TABLE live_state (
            stage TEXT PRIMARY KEY,
            state TEXT NOT NULL CHECK (json_valid(state)),
            saved_at TEXT NOT NULL
        )"""
    )


def _schema_v3(db: sqlite_utils.Database) -> None:
    """Several consoles on one database: revisions to follow each other's changes, the
    stage role lock, and a place for live states set aside because they were unreadable."""
    statements = (
        # One row per thing another console may need to reload ("show", "live:<stage>"):
        # bumped in the same transaction as the change, signed by who made it.
        """CREATE TABLE revision (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL,
            saved_by TEXT NOT NULL,
            saved_at TEXT NOT NULL
        )""",
        # At most one console holds the stage role; it proves it is alive by its heartbeat.
        """CREATE TABLE stage_role (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            instance TEXT NOT NULL,
            console TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            acquired_at TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL
        )""",
        """CREATE TABLE live_state_set_aside (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            stage TEXT NOT NULL,
            state TEXT NOT NULL,
            reason TEXT NOT NULL,
            set_aside_at TEXT NOT NULL
        )""",
    )
    for statement in statements:
        db.execute(statement)


def _schema_v4(db: sqlite_utils.Database) -> None:
    """The show's interpretation channels and how strictly a take checks them."""
    db.execute(
        """CREATE TABLE channel_plan (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            plan TEXT NOT NULL CHECK (json_valid(plan)),
            saved_at TEXT NOT NULL
        )"""
    )


def _schema_v5(db: sqlite_utils.Database) -> None:
    """Live monitoring: where the show streams to, viewer counts, OBS stream health."""
    statements = (
        # A removed destination keeps its row (removed_at set), so its samples stay named.
        """CREATE TABLE viewer_destination (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL,
            target TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            language TEXT,
            base_url TEXT,
            pointer TEXT,
            added_at TEXT NOT NULL,
            removed_at TEXT
        )""",
        # Append-only like the as-run log, and written by the same batched writer.
        """CREATE TABLE viewer_sample (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            destination_id INTEGER NOT NULL,
            at_utc TEXT NOT NULL,
            state TEXT NOT NULL,
            viewers INTEGER,
            detail TEXT NOT NULL DEFAULT '',
            console TEXT NOT NULL
        )""",
        "CREATE INDEX viewer_sample_at ON viewer_sample(at_utc)",
        "CREATE INDEX viewer_sample_destination_at ON viewer_sample(destination_id, at_utc)",
        # One row per stats poll of one OBS: GetStats, GetStreamStatus, GetRecordStatus.
        """CREATE TABLE obs_stats (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at_utc TEXT NOT NULL,
            obs TEXT NOT NULL,
            stats TEXT NOT NULL CHECK (json_valid(stats))
        )""",
        "CREATE INDEX obs_stats_at ON obs_stats(at_utc)",
    )
    for statement in statements:
        db.execute(statement)


def _schema_v6(db: sqlite_utils.Database) -> None:
    """The review's filters: an index per filtered column, each followed by the time, so
    a filtered page is read in (at_utc, id) order from the index (the rowid, id, ends
    every index) and stops after a page. v1 has the ones for the time and the kind."""
    for column in ("segment_id", "language", "console"):
        db.execute(f"CREATE INDEX asrun_{column}_at ON asrun({column}, at_utc)")


# Append only; never edit a migration that has shipped. Version n = MIGRATIONS[n - 1].
MIGRATIONS: tuple[Migration, ...] = (_schema_v1, _schema_v2, _schema_v3, _schema_v4,
                                     _schema_v5, _schema_v6)


def database_file(db: sqlite_utils.Database) -> str:
    """The file behind ``db``, for error messages."""
    row = db.execute("PRAGMA database_list").fetchone()
    return str(row[2]) if row and row[2] else ":memory:"


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any exception.

    IMMEDIATE takes the write lock up front, so a concurrent writer makes us wait
    (busy_timeout) instead of failing halfway when a read would upgrade to a write.
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def migrate(db: sqlite_utils.Database, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the schema up to date; each step commits together with its version bump."""
    latest = len(migrations)
    version = schema_version(db)
    if version > latest:
        raise StoreError(
            f"{database_file(db)}: the database has schema version {version}, newer than "
            f"this console knows ({latest}); use a newer version of the console"
        )
    while version < latest:
        with write_transaction(db):
            # Re-read under the write lock: another process may have migrated meanwhile.
            version = schema_version(db)
            if version >= latest:
                break
            migrations[version](db)
            # PRAGMA user_version is part of the transaction: it rolls back with it.
            db.execute(f"PRAGMA user_version = {version + 1}")
        version = schema_version(db)
    return version


def open_database(path: Path) -> sqlite_utils.Database:
    """Open (creating it and its folder if needed) and migrate the console database."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Plugins could change the connection behind our back: keep them out.
        db = sqlite_utils.Database(path, execute_plugins=False)
    except (OSError, sqlite3.Error) as error:
        raise StoreError(f"{path}: cannot open the database: {error}") from error
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        db.enable_wal()
        db.execute("PRAGMA synchronous = FULL")
        migrate(db)
    except sqlite3.DatabaseError as error:
        db.close()
        raise StoreError(f"{path}: cannot open the database: {error}") from error
    except BaseException:
        db.close()
        raise
    return db
