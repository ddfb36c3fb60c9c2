"""``conference-console merge-logs``: other consoles' logs into this database, each row once,
every file checked row by row, all or nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from console.commands import merge_logs
from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.models.viewers import Destination, Platform, ViewerState
from console.store.asrun import insert_entry, utc_text
from console.store.asrun_query import LogFilter, iter_rows
from console.store.database import MIGRATIONS, migrate, open_database, write_transaction
from console.store.viewers import add_destination, destination_names, read_samples
from tests.helpers.cli import run_in_process

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def note(second: float, console: str = "stage-1", **details: object) -> AsRunEntry:
    return AsRunEntry(at_utc=T0 + timedelta(seconds=second), kind=AsRunKind.NOTE,
                      console=console, role=ConsoleRole.STAGE, details=details)


def take(second: float, console: str) -> AsRunEntry:
    return AsRunEntry(at_utc=T0 + timedelta(seconds=second), kind=AsRunKind.TAKE,
                      console=console, role=ConsoleRole.STAGE, segment_id=f"seg-{second}",
                      planned=T0, actual=T0 + timedelta(seconds=second),
                      details={"scene": "Speaker", "by": console})


def outage(second: float) -> AsRunEntry:
    return AsRunEntry(at_utc=T0 + timedelta(seconds=second), kind=AsRunKind.INTERPRETER,
                      console="booth-fr", role=ConsoleRole.INTERPRETER, language="fr",
                      details={"state": "silent"})


def console_db(path: Path, entries: list[AsRunEntry]) -> Path:
    db = open_database(path)
    try:
        with write_transaction(db):
            for entry in entries:
                insert_entry(db, entry)
    finally:
        db.close()
    return path


def merge(*argv: str | Path) -> int:
    return run_in_process(merge_logs, *map(str, argv))


def content(path: Path) -> list[tuple[Any, ...]]:
    """Every row of the log without its id (which each database numbers itself)."""
    db = open_database(path)
    try:
        return [(row.at_text, row.kind, row.segment_id, row.planned, row.actual,
                 row.deviation_s, row.language, row.console, row.role, dict(row.details))
                for row in iter_rows(db, LogFilter())]
    finally:
        db.close()


def digest(path: Path) -> str:
    db = open_database(path)  # checkpoints on close: the file then holds everything
    db.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def stage(tmp_path: Path) -> Path:
    return console_db(tmp_path / "stage.db", [note(0, text="doors open"), take(60, "stage-1")])


@pytest.fixture
def backup(tmp_path: Path) -> Path:
    """A backup stage console: one row it shares with the stage (a copy taken before it
    took over), then its own."""
    return console_db(tmp_path / "backup.db", [note(0, text="doors open"),
                                               take(120, "stage-2"), note(121, "stage-2")])


@pytest.fixture
def booth(tmp_path: Path) -> Path:
    return console_db(tmp_path / "booth.db", [outage(90), outage(95)])


def test_merging_two_databases_twice_gives_their_rows_once(
    stage: Path, backup: Path, booth: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert merge(backup, booth, "--db", stage) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{backup}: 2 as-run entries added, 1 already here; 0 viewer samples added, "
        "0 already here",
        f"{booth}: 2 as-run entries added, 0 already here; 0 viewer samples added, "
        "0 already here",
    ]
    once = content(stage)
    assert merge(backup, booth, "--db", stage) == 0
    assert merge(booth, "--db", stage) == 0
    assert "0 as-run entries added, 2 already here" in capsys.readouterr().out
    assert content(stage) == once
    assert [row[1] for row in once] == ["note", "take", "interpreter", "interpreter", "take",
                                        "note"]
    assert sorted(once, key=str) == sorted(
        {str(row): row for path in (stage, backup, booth) for row in content(path)}.values(),
        key=str)


def test_merged_rows_are_stored_as_they_were_recorded(
    stage: Path, backup: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert merge(backup, "--db", stage) == 0
    merged = [row for row in content(stage) if row[7] == "stage-2"]
    assert merged == [row for row in content(backup) if row[7] == "stage-2"]
    assert merged[0][5] == 120.0  # the deviation, computed as this console computes it


def test_a_source_s_own_repeated_rows_stay_repeated_and_are_added_once(
    stage: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    twice = console_db(tmp_path / "twice.db", [note(5, text="same"), note(5, text="same")])
    assert merge(twice, "--db", stage) == 0
    assert merge(twice, twice, "--db", stage) == 0
    assert [row[9] for row in content(stage)].count({"text": "same"}) == 2


def test_a_row_written_by_an_older_version_with_other_key_order_is_the_same_row(
    stage: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    older = console_db(tmp_path / "older.db", [])
    with sqlite3.connect(older) as raw:  # details with keys out of order, no microseconds
        raw.execute("INSERT INTO asrun (at_utc, kind, console, role, details) VALUES "
                    "('2026-12-05T09:00:00+00:00', 'note', 'stage-1', 'stage', "
                    "'{\"z\": 1, \"a\": 2}')")
    raw.close()
    console_db(stage, [note(0, z=1, a=2)])
    assert merge(older, "--db", stage) == 0
    assert "0 as-run entries added, 1 already here" in capsys.readouterr().out


def raw_row(**values: object) -> dict[str, object]:
    return {"at_utc": utc_text(T0), "kind": "note", "console": "stage-2", "role": "stage",
            "details": "{}", **values}


@pytest.mark.parametrize(("bad", "message"), [
    (raw_row(kind="made_up"), "kind: 'made_up' is not a kind this console knows"),
    (raw_row(kind="note\x1b"), "kind: contains the control character U+001B"),
    (raw_row(at_utc="noon"), "at_utc: 'noon' is not an ISO 8601 time"),
    (raw_row(at_utc="2026-12-05T09:00:00"), "at_utc: needs a time zone"),
    (raw_row(planned="9999-01-01T00:00:00+00:00"), "planned: 9999-01-01T00:00:00+00:00 is "
                                                   "outside the years"),
    (raw_row(details="[1]"), "details: must be a JSON object, not list"),
    (raw_row(details='{"obs_password": "x"}'), "details: as-run entries must not carry "
                                               "secrets"),
    (raw_row(console="stage\n2"), "console: contains the control character U+000A"),
    (raw_row(role=b"stage"), "role: must be text, not bytes"),
    (raw_row(language="fr\x00"), "language: contains the control character U+0000"),
])
def test_a_bad_row_leaves_this_database_unchanged_naming_the_file_and_row(
    stage: Path, booth: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    bad: dict[str, object], message: str,
) -> None:
    source = console_db(tmp_path / "broken.db", [note(1, "stage-2"), note(2, "stage-2")])
    with sqlite3.connect(source) as raw:
        raw.execute(f"INSERT INTO asrun ({', '.join(bad)}) VALUES "
                    f"({', '.join('?' for _ in bad)})", list(bad.values()))
    raw.close()
    before = digest(stage)
    assert merge(booth, source, "--db", stage) == 2  # the good file first: not merged either
    err = capsys.readouterr().err
    assert err.startswith(f"error: {source}: as-run row 3: {message}")
    assert "nothing was merged" in err
    assert digest(stage) == before


def test_this_database_is_refused_as_its_own_source(
    stage: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    link = tmp_path / "link.db"
    link.symlink_to(stage)
    assert merge(link, "--db", stage) == 2
    assert capsys.readouterr().err.startswith(f"error: {link}: is this database itself")


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: None, "no such database file"),
    (lambda p: p.write_bytes(b"y" * 4096), "not a console database"),
    (lambda p: sqlite3.connect(p).execute(
        f"PRAGMA user_version = {len(MIGRATIONS) + 1}").connection.close(),
     "newer than this console knows"),
])
def test_a_source_that_cannot_be_read_is_refused_by_name(
    stage: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Any, message: str,
) -> None:
    source = tmp_path / "other.db"
    make(source)
    before = digest(stage)
    assert merge(source, "--db", stage) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {source}: ")
    assert message in err
    assert digest(stage) == before


def test_a_source_of_the_first_schema_merges(
    stage: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    old = sqlite_utils.Database(tmp_path / "v1.db")
    migrate(old, MIGRATIONS[:1])
    with write_transaction(old):
        insert_entry(old, outage(30))
    old.close()
    assert merge(tmp_path / "v1.db", "--db", stage) == 0
    assert "1 as-run entries added, 0 already here; 0 viewer samples" in \
        capsys.readouterr().out
    assert [row[1] for row in content(stage)] == ["note", "interpreter", "take"]


def with_samples(path: Path, target: str, counts: list[int]) -> Path:
    db = open_database(path)
    try:
        destination = add_destination(db, Destination(Platform.OWNCAST, target, label="Main"),
                                      saved_by="test", at=T0)
        with write_transaction(db):
            for minute, viewers in enumerate(counts):
                db.execute("INSERT INTO viewer_sample (destination_id, at_utc, state, viewers, "
                           "detail, console) VALUES (?, ?, 'live', ?, '', 'stage-2')",
                           [destination.id, utc_text(T0 + timedelta(minutes=minute)), viewers])
    finally:
        db.close()
    return path


def samples(path: Path) -> Iterator[tuple[str, datetime, ViewerState, int | None]]:
    db = open_database(path)
    try:
        names = destination_names(db)
        for sample in read_samples(db):
            yield (names[sample.destination_id].target, sample.at_utc, sample.state,
                   sample.viewers)
    finally:
        db.close()


def test_viewer_samples_are_merged_once_under_the_same_stream(
    stage: Path, backup: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    with_samples(stage, "https://live.example.org", [])
    with_samples(backup, "https://live.example.org", [120, 130])
    with_samples(backup, "https://other.example.org", [7])
    assert merge(backup, "--db", stage) == 0
    assert "3 viewer samples added, 0 already here" in capsys.readouterr().out
    assert merge(backup, "--db", stage) == 0
    assert "0 viewer samples added, 3 already here" in capsys.readouterr().out
    assert sorted(samples(stage)) == sorted(samples(backup))
    db = open_database(stage)
    try:
        rows = db.execute("SELECT target, removed_at IS NULL FROM viewer_destination "
                          "ORDER BY id").fetchall()
    finally:
        db.close()
    # The stage keeps counting its stream; the other one only names its merged samples.
    assert rows == [("https://live.example.org", 1), ("https://other.example.org", 0)]


def test_a_sample_of_an_unknown_state_is_refused_by_row(
    stage: Path, backup: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    with_samples(backup, "https://live.example.org", [10])
    with sqlite3.connect(backup) as raw:
        raw.execute("UPDATE viewer_sample SET state = 'exploded'")
    raw.close()
    assert merge(backup, "--db", stage) == 2
    assert capsys.readouterr().err.startswith(
        f"error: {backup}: viewer sample 1: state: 'exploded' is not a state")


def test_a_merge_that_cannot_write_exits_1_with_nothing_merged(
    stage: Path, backup: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    holder = sqlite3.connect(stage, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the busy timeout
    try:
        assert merge(backup, "--db", stage) == 1
    finally:
        holder.rollback()
        holder.close()
    assert "the merge could not be written, nothing was merged" in capsys.readouterr().err
    assert len(content(stage)) == 2
