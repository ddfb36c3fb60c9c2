from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from console.store.database import StoreError, open_database
from console.store.shows import load_show, save_show
from tests.unit.sample_show import sample_show


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "show.sqlite")
    yield database
    database.close()


def test_empty_database_has_no_show(db: sqlite_utils.Database) -> None:
    assert load_show(db) is None


def test_show_round_trips_through_the_store(db: sqlite_utils.Database) -> None:
    show = sample_show()
    save_show(db, show)
    loaded = load_show(db)
    assert loaded == show
    assert loaded is not None
    first = loaded.stages[0].days[0].sessions[0].segments[0]
    assert first.planned_start.tzinfo == show.stages[0].days[0].sessions[0].segments[0] \
        .planned_start.tzinfo


def test_saving_replaces_the_previous_show_completely(db: sqlite_utils.Database) -> None:
    save_show(db, sample_show("First"))
    save_show(db, sample_show("Second"))
    assert load_show(db) == sample_show("Second")
    assert db["segment"].count == 3
    assert db.execute("SELECT count(*) FROM segment WHERE id LIKE 'First-%'").fetchone()[0] == 0


def test_failed_save_leaves_the_old_show_intact(db: sqlite_utils.Database) -> None:
    save_show(db, sample_show("Old"))
    # Fail deep inside the save, after the old rows are deleted and new ones inserted.
    db.execute("""CREATE TEMP TRIGGER inject_failure BEFORE INSERT ON main.speaker
                  WHEN NEW.name = 'Boom' BEGIN SELECT RAISE(ABORT, 'injected failure'); END""")
    with pytest.raises(StoreError, match=r"show\.sqlite: could not save the show 'New'"):
        save_show(db, sample_show("New", speaker="Boom"))
    assert not db.conn.in_transaction
    assert load_show(db) == sample_show("Old")


def test_a_second_connection_sees_the_saved_show(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    writer, reader = open_database(path), open_database(path)
    try:
        save_show(writer, sample_show())
        assert load_show(reader) == sample_show()
    finally:
        writer.close()
        reader.close()
