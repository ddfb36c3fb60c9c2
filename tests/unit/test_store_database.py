import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from console.store.database import MIGRATIONS, StoreError, migrate, open_database, schema_version


def test_fresh_database_gets_the_latest_schema_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "show.sqlite"
    db = open_database(path)
    try:
        assert path.exists()
        assert schema_version(db) == len(MIGRATIONS)
        assert db.journal_mode == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] > 0
        assert {"show", "stage", "day", "session", "segment", "speaker", "asrun"} <= set(
            db.table_names())
    finally:
        db.close()


def test_reopening_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "show.sqlite"
    open_database(path).close()
    db = open_database(path)
    try:
        schema = db.schema
        assert schema_version(db) == len(MIGRATIONS)
    finally:
        db.close()
    db = open_database(path)
    try:
        assert db.schema == schema
    finally:
        db.close()


def test_database_from_a_newer_console_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    raw.close()
    with pytest.raises(StoreError, match=r"future\.sqlite.*newer than this console knows"):
        open_database(path)


def test_a_failing_migration_leaves_neither_its_tables_nor_its_version(tmp_path: Path) -> None:
    def broken(db: sqlite_utils.Database) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("migration failed halfway")

    db = open_database(tmp_path / "show.sqlite")
    try:
        with pytest.raises(RuntimeError, match="halfway"):
            migrate(db, (*MIGRATIONS, broken))
        assert schema_version(db) == len(MIGRATIONS)
        assert "half_done" not in db.table_names()
        assert not db.conn.in_transaction
    finally:
        db.close()


def test_unopenable_file_gives_a_store_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "not-a-db.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"not-a-db\.sqlite: cannot open"):
        open_database(path)
