"""Shared by the format tests: the real files, and a hash of the show in a database."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"
FRAB_38C3 = "eventfahrplan-38c3-schedule.xml"
DEMOCON = "voc-pretalx-democon.json"
PYCONUK = "pyconuk2015-schedule.ics"
TABLES = ("show", "stage", "day", "session", "segment", "speaker", "asrun", "channel_plan")


def realdata(name: str) -> Path:
    path = REALDATA / name
    if not path.is_file():
        pytest.fail(f"real test file missing: {path} (see ../shared/realdata/SOURCES.md)",
                    pytrace=False)
    return path


def database_hash(db_path: Path) -> str:
    """A hash of every row of the show and as-run tables."""
    digest = hashlib.sha256()
    connection = sqlite3.connect(db_path)
    try:
        for table in TABLES:
            for row in connection.execute(f"SELECT * FROM {table} ORDER BY rowid"):
                digest.update(repr((table, row)).encode())
    finally:
        connection.close()
    return digest.hexdigest()
