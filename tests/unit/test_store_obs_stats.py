"""OBS health samples in the obs_stats table: written through the batched writer, read back
by time and by OBS."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from console.store.database import open_database
from console.store.obs_stats import append_obs_stats, read_obs_stats
from console.store.writer import BatchWriter

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "show.sqlite"
    open_database(path).close()
    return path


@pytest.fixture
def writer(db_path: Path) -> Iterator[BatchWriter]:
    with BatchWriter(db_path) as batch:
        yield batch


@pytest.fixture
def database(db_path: Path) -> Iterator[sqlite_utils.Database]:
    db = open_database(db_path)
    yield db
    db.close()


def test_samples_are_read_back_in_order(writer: BatchWriter,
                                        database: sqlite_utils.Database) -> None:
    for second in (4, 0, 2):
        append_obs_stats(writer, T0 + timedelta(seconds=second), "main",
                         {"cpu_percent": 12.5 + second, "stream": {"active": True}, "fps": None})
    writer.flush(5)

    samples = read_obs_stats(database)

    assert [sample.at_utc for sample in samples] == [T0 + timedelta(seconds=s) for s in (0, 2, 4)]
    assert dict(samples[0].stats) == {"cpu_percent": 12.5, "stream": {"active": True},
                                      "fps": None}
    assert {sample.obs for sample in samples} == {"main"}


def test_samples_between_two_instants_and_of_one_obs(writer: BatchWriter,
                                                     database: sqlite_utils.Database) -> None:
    for second in range(6):
        append_obs_stats(writer, T0 + timedelta(seconds=second),
                         "main" if second % 2 == 0 else "booth", {"n": second})
    writer.flush(5)

    between = read_obs_stats(database, since=T0 + timedelta(seconds=1),
                             until=T0 + timedelta(seconds=4))
    assert [sample.stats["n"] for sample in between] == [1, 2, 3, 4]
    booth = read_obs_stats(database, obs="booth")
    assert [sample.stats["n"] for sample in booth] == [1, 3, 5]


def test_a_sample_that_is_not_json_is_refused_before_the_writer(writer: BatchWriter) -> None:
    with pytest.raises(ValueError, match="JSON"):
        append_obs_stats(writer, T0, "main", {"cpu_percent": math.nan})
    with pytest.raises(ValueError, match="timezone-aware"):
        append_obs_stats(writer, datetime(2026, 3, 14, 9, 0), "main", {})
    assert writer.flush(5)


def test_stats_that_are_not_an_object_read_as_empty(database: sqlite_utils.Database) -> None:
    database.execute("INSERT INTO obs_stats (at_utc, obs, stats) VALUES (?, ?, ?)",
                     [T0.isoformat(timespec="microseconds"), "main", "[1, 2]"])
    database.conn.commit()

    assert [dict(sample.stats) for sample in read_obs_stats(database)] == [{}]
