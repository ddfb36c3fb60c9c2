"""Viewer destinations and samples in SQLite: added, removed, read back, and kept safe
from rows that no longer fit."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.models.errors import InvalidValue
from console.models.viewers import ViewerSample, ViewerState, check_destination
from console.store.asrun import AsRunWriter, read_asrun
from console.store.database import open_database
from console.store.revisions import read_revisions
from console.store.viewers import (
    REVISION,
    DuplicateDestination,
    add_destination,
    append_sample,
    destination_names,
    load_destinations,
    read_samples,
    remove_destination,
    samples_after,
)

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)



def test_destinations_are_added_listed_and_removed(db: sqlite_utils.Database) -> None:
    youtube = add_destination(db, check_destination("youtube", "vid1", language="en"),
                              saved_by="stage", at=T0)
    twitch = add_destination(db, check_destination("twitch", "conf", label="FR"),
                             saved_by="stage", at=T0)
    assert [d.id for d in load_destinations(db).destinations] == [youtube.id, twitch.id]
    assert read_revisions(db)[REVISION].value == 2
    assert youtube.id is not None
    removed = remove_destination(db, youtube.id, saved_by="stage", at=T0)
    assert removed.target == "vid1"
    assert [d.target for d in load_destinations(db).destinations] == ["conf"]
    assert destination_names(db)[youtube.id].target == "vid1"  # old samples keep a name
    with pytest.raises(InvalidValue) as unknown:
        remove_destination(db, youtube.id, saved_by="stage", at=T0)
    assert unknown.value.field == "id"


def test_the_same_stream_is_counted_once(db: sqlite_utils.Database) -> None:
    add_destination(db, check_destination("twitch", "conf"), saved_by="a", at=T0)
    with pytest.raises(DuplicateDestination, match="already counted"):
        add_destination(db, check_destination("twitch", "conf", label="again"),
                        saved_by="b", at=T0)
    # The same login on another server is another stream.
    add_destination(db, check_destination("twitch", "conf", base_url="http://127.0.0.1:1"),
                    saved_by="a", at=T0)
    assert len(load_destinations(db).destinations) == 2


def test_two_consoles_adding_at_once_store_each_stream_once(db_path: Path) -> None:
    open_database(db_path).close()
    outcomes: list[str] = []

    def add() -> None:
        database = open_database(db_path)
        try:
            add_destination(database, check_destination("owncast", "http://o.example"),
                            saved_by=threading.current_thread().name, at=T0)
            outcomes.append("added")
        except DuplicateDestination:
            outcomes.append("refused")
        finally:
            database.close()

    threads = [threading.Thread(target=add) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["added"] + ["refused"] * 5


def test_a_row_that_no_longer_fits_is_left_out_with_why(db: sqlite_utils.Database) -> None:
    add_destination(db, check_destination("youtube", "good"), saved_by="a", at=T0)
    db.execute("INSERT INTO viewer_destination (platform, target, added_at) "
               "VALUES ('myspace', 'x', '2026')")
    db.execute("INSERT INTO viewer_destination (platform, target, added_at) "
               "VALUES ('json', 'http://x', '2026')")  # no pointer
    db.conn.commit()
    stored = load_destinations(db)
    assert [d.target for d in stored.destinations] == ["good"]
    assert len(stored.problems) == 2
    assert "platform" in stored.problems[0]
    assert "pointer" in stored.problems[1]


def test_samples_share_the_writer_and_its_transactions_with_the_asrun_log(
        db_path: Path, db: sqlite_utils.Database) -> None:
    destination = add_destination(db, check_destination("youtube", "v"), saved_by="a", at=T0)
    assert destination.id is not None
    with AsRunWriter(db_path) as writer:
        for index in range(300):
            at = T0 + timedelta(seconds=5 * index)
            append_sample(writer, ViewerSample(destination.id, at, ViewerState.LIVE, index),
                          "stage")
            if index % 100 == 0:
                writer.append(AsRunEntry(at_utc=at, kind=AsRunKind.VIEWERS, console="stage",
                                         role=ConsoleRole.STAGE, details={"peak": index}))
        append_sample(writer, ViewerSample(destination.id, T0 + timedelta(hours=1),
                                           ViewerState.OFFLINE), "stage")
        assert writer.flush(10)
        assert writer.stats.rows_committed == 304
    samples = read_samples(db)
    assert len(samples) == 301
    assert samples[1].viewers == 1
    assert samples[-1].viewers is None
    assert samples[-1].state is ViewerState.OFFLINE
    assert len(read_asrun(db, kinds=[AsRunKind.VIEWERS])) == 3
    window = read_samples(db, since=T0 + timedelta(seconds=10),
                          until=T0 + timedelta(seconds=20))
    assert [s.viewers for s in window] == [2, 3, 4]


def test_a_follower_reads_only_the_newest_samples(db_path: Path,
                                                  db: sqlite_utils.Database) -> None:
    with AsRunWriter(db_path) as writer:
        for index in range(20):
            append_sample(writer, ViewerSample(1, T0 + timedelta(seconds=index),
                                               ViewerState.LIVE, index), "stage")
    newest, none = samples_after(db, 0, read=False)
    assert none == []
    assert newest == 20
    newest, tail = samples_after(db, 15)
    assert [s.viewers for s in tail] == [15, 16, 17, 18, 19]
    _, capped = samples_after(db, 0, limit=3)
    assert [s.viewers for s in capped] == [17, 18, 19]


def test_stored_samples_out_of_range_read_as_errors(db: sqlite_utils.Database) -> None:
    db.execute("INSERT INTO viewer_sample (destination_id, at_utc, state, viewers, console) "
               "VALUES (1, ?, 'live', -5, 'x'), (1, ?, 'exploded', NULL, 'x')",
               [T0.isoformat(), (T0 + timedelta(seconds=1)).isoformat()])
    db.conn.commit()
    assert [(s.state, s.viewers) for s in read_samples(db)] == [
        (ViewerState.ERROR, None), (ViewerState.ERROR, None)]
