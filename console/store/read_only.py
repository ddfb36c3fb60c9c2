"""Opening a show database to read it only: the producer's review, exports, merges.

Nothing here writes to the file or migrates it: the stage console may be writing the
same database (WAL lets it), or the file is a copy handed over after the show, maybe
on a read-only stick. A database of any schema version that has the as-run table is
read as it is; one newer than this console is refused, since its rows may mean things
this version does not know.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from console.store.database import BUSY_TIMEOUT_MS, MIGRATIONS, StoreError

# The columns every schema version's as-run table has (v1 onwards).
ASRUN_COLUMNS = ("id", "at_utc", "kind", "segment_id", "planned", "actual", "deviation_s",
                 "language", "console", "role", "details")


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    # as_uri() percent-encodes the path, so '?', '#' or '%' in a folder name stay a path.
    uri = f"{path.resolve().as_uri()}?{mode}"
    # The review opens the file, then reads it on its worker thread (one at a time).
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA query_only = ON")
        # The first read opens the WAL index: a copy that cannot have one fails here.
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        connection.close()
        raise
    return connection


def _wal_has_rows(path: Path) -> bool:
    wal = path.with_name(f"{path.name}-wal")
    return wal.exists() and wal.stat().st_size > 0


def _connect_read_only(path: Path) -> sqlite3.Connection:
    try:
        return _connect(path, "mode=ro")
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode != sqlite3.SQLITE_CANTOPEN or _wal_has_rows(path):
            raise
    # A WAL database read with mode=ro needs its -shm file (the WAL index), creating it
    # if missing; a copy without one in a folder we cannot write fails to open. Nobody
    # writes such a copy (a live console would have made the -shm), so it can be read as
    # immutable: no locks, no WAL index. Not when a -wal with rows lies next to it:
    # immutable would ignore those rows, so the refusal above says to copy the folder.
    return _connect(path, "immutable=1")


def _table_columns(connection: sqlite3.Connection, table: str) -> set[str]:
    return {str(row[1]) for row in connection.execute(f"PRAGMA table_info({table})")}


def _check_console_database(path: Path, connection: sqlite3.Connection) -> None:
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    if version > len(MIGRATIONS):
        raise StoreError(f"{path}: the database has schema version {version}, newer than "
                         f"this console knows ({len(MIGRATIONS)}); open it with a newer "
                         "version of the console")
    missing = set(ASRUN_COLUMNS) - _table_columns(connection, "asrun")
    if version < 1 or missing:
        raise StoreError(f"{path}: not a console database (it has no as-run log); choose "
                         "the show database a console wrote")


def open_read_only(path: Path) -> sqlite_utils.Database:
    """``path`` opened for reading only, never written or migrated.

    Raises StoreError naming the file when it is missing, unreadable, not a console
    database or of a newer schema than this console knows.
    """
    if not path.is_file():
        raise StoreError(f"{path}: no such database file; give the path of a show database")
    try:
        connection = _connect_read_only(path)
    except sqlite3.OperationalError as error:
        hint = ("; copy the file with its -wal file into a folder you can write"
                if _wal_has_rows(path) else "")
        raise StoreError(f"{path}: cannot open the database to read it: {error}{hint}") \
            from error
    except sqlite3.DatabaseError as error:  # "file is not a database" and the like
        raise StoreError(f"{path}: not a console database ({error}); choose the show "
                         "database a console wrote") from error
    try:
        _check_console_database(path, connection)
    except sqlite3.DatabaseError as error:
        connection.close()
        raise StoreError(f"{path}: not a console database ({error}); choose the show "
                         "database a console wrote") from error
    except BaseException:
        connection.close()
        raise
    return sqlite_utils.Database(connection, execute_plugins=False)
