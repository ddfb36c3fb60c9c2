"""A fresh console database for a test: its path, and a connection to it (migrated)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from console.models.asrun import AsRunEntry, AsRunKind
from console.store.asrun import AsRunWriter, read_asrun
from console.store.database import open_database
from console.store.obs_stats import read_obs_stats


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "show.sqlite"


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(db_path)
    yield database
    database.conn.close()


def stored_entries(writer: AsRunWriter, db_path: Path, kind: AsRunKind) -> list[AsRunEntry]:
    """Every as-run entry of ``kind``, oldest first, once ``writer`` has committed."""
    writer.flush(5)
    database = open_database(db_path)
    try:
        return read_asrun(database, kinds=[kind])
    finally:
        database.close()


def stored_details(writer: AsRunWriter, db_path: Path, kind: AsRunKind) -> list[dict[str, Any]]:
    """The details of every as-run row of ``kind``, once ``writer`` has committed."""
    return [dict(entry.details) for entry in stored_entries(writer, db_path, kind)]


def stored_obs_stats(writer: AsRunWriter, db_path: Path) -> list[dict[str, Any]]:
    """Every OBS stats sample, once ``writer`` has committed."""
    writer.flush(5)
    database = open_database(db_path)
    try:
        return [dict(sample.stats) for sample in read_obs_stats(database)]
    finally:
        database.close()
