"""Opening a show database for review: the live file a stage console is writing, and
copies of it (with or without their -wal and -shm files, in a folder we cannot write)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.store.asrun import AsRunWriter
from console.store.asrun_query import LogFilter, open_read_only, read_page
from console.store.database import MIGRATIONS, StoreError, migrate, open_database
from tests.helpers.mounts import private_tmpfs, remount_read_only

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def note(index: int) -> AsRunEntry:
    return AsRunEntry(at_utc=T0 + timedelta(seconds=index), kind=AsRunKind.NOTE,
                      console="stage-1", role=ConsoleRole.STAGE, details={"i": index})


def logged(path: Path) -> list[int]:
    db = open_read_only(path)
    try:
        return [row.details["i"] for row in read_page(db, LogFilter())]
    finally:
        db.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def closed_log(db_path: Path) -> Path:
    """A show database with three notes, closed (its WAL checkpointed into the file)."""
    with AsRunWriter(db_path) as writer:
        for index in range(3):
            writer.append(note(index))
    return db_path


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """Made read-only by :func:`make_read_only` once the test has put files in it."""
    with private_tmpfs(tmp_path / "stick", "4m", "made read-only") as folder:
        yield folder


def make_read_only(folder: Path) -> None:
    remount_read_only(folder)
    with pytest.raises(OSError, match="Read-only"):
        (folder / "probe").write_bytes(b"")


def test_the_review_reads_what_the_stage_console_commits_while_it_writes(db_path: Path) -> None:
    with AsRunWriter(db_path) as writer:
        writer.append(note(0))
        writer.flush(5)
        assert logged(db_path) == [0]
        writer.append(note(1))
        writer.flush(5)
        assert logged(db_path) == [0, 1]


def test_a_plain_copy_of_the_file_opens_and_is_left_as_it_was(
    closed_log: Path, tmp_path: Path,
) -> None:
    copy = tmp_path / "copy" / "show.db"
    copy.parent.mkdir()
    shutil.copy(closed_log, copy)
    before = digest(copy)
    assert logged(copy) == [0, 1, 2]
    assert digest(copy) == before


def test_a_copy_in_a_read_only_folder_without_its_shm_file_opens(
    closed_log: Path, read_only_folder: Path,
) -> None:
    shutil.copy(closed_log, read_only_folder / "show.db")
    make_read_only(read_only_folder)
    assert logged(read_only_folder / "show.db") == [0, 1, 2]


def test_a_copy_in_a_read_only_folder_with_its_wal_and_shm_opens(
    db_path: Path, read_only_folder: Path,
) -> None:
    db = open_database(db_path)  # held open: the rows stay in the WAL, not yet in the file
    try:
        with AsRunWriter(db_path) as writer:
            writer.append(note(7))
        for suffix in ("", "-wal", "-shm"):
            shutil.copy(f"{db_path}{suffix}", read_only_folder / f"show.db{suffix}")
    finally:
        db.close()
    make_read_only(read_only_folder)
    assert logged(read_only_folder / "show.db") == [7]


def test_a_copy_whose_rows_are_in_a_wal_it_cannot_index_is_refused_saying_what_to_do(
    db_path: Path, read_only_folder: Path,
) -> None:
    db = open_database(db_path)
    try:
        with AsRunWriter(db_path) as writer:
            writer.append(note(7))
        for suffix in ("", "-wal"):
            shutil.copy(f"{db_path}{suffix}", read_only_folder / f"show.db{suffix}")
    finally:
        db.close()
    make_read_only(read_only_folder)
    with pytest.raises(StoreError, match=r"stick/show\.db: cannot open .*copy the file "
                                         r"with its -wal file into a folder you can write"):
        open_read_only(read_only_folder / "show.db")


def test_an_older_schema_is_read_without_being_migrated(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    db = sqlite_utils.Database(path)
    migrate(db, MIGRATIONS[:1])
    db.close()
    before = digest(path)
    assert logged(path) == []
    assert digest(path) == before


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: None, r"no such database file"),
    (lambda p: p.write_bytes(b"not sqlite at all" * 300), r"not a console database"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE notes (x)").connection.close(),
     r"not a console database \(it has no as-run log\)"),
    (lambda p: sqlite3.connect(p).execute(
        f"PRAGMA user_version = {len(MIGRATIONS) + 1}").connection.close(),
     r"schema version \d+, newer than this console knows .*newer version of the console"),
])
def test_what_is_not_a_readable_console_database_is_refused_naming_the_file(
    tmp_path: Path, make: object, message: str,
) -> None:
    path = tmp_path / "odd.db"
    make(path)  # type: ignore[operator]
    with pytest.raises(StoreError, match=rf"odd\.db: .*{message}"):
        open_read_only(path)
