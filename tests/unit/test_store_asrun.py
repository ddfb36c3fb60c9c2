import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.store.asrun import THREAD_NAME, AsRunWriter, read_asrun
from console.store.database import StoreError, open_database

T0 = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)


def entry(index: int, kind: str = AsRunKind.NOTE, **details: object) -> AsRunEntry:
    return AsRunEntry(at_utc=T0 + timedelta(milliseconds=index), kind=kind,
                      console="stage-1", role=ConsoleRole.STAGE, details={"i": index, **details})



def test_asrun_rows_cannot_be_updated_or_deleted(db_path: Path, db: sqlite_utils.Database) -> None:
    with AsRunWriter(db_path) as writer:
        writer.append(entry(1))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE asrun SET kind = 'take'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM asrun")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("INSERT OR REPLACE INTO asrun (id, at_utc, kind, console, role) "
                   "VALUES (1, 'x', 'note', 'c', 'stage')")
    assert [e.kind for e in read_asrun(db)] == ["note"]


def test_entries_round_trip_and_filter(db_path: Path, db: sqlite_utils.Database) -> None:
    take = AsRunEntry(
        at_utc=T0 + timedelta(seconds=5), kind=AsRunKind.TAKE, console="stage-1",
        role=ConsoleRole.STAGE, segment_id="bridges26-d1s1-01", planned=T0,
        actual=T0 + timedelta(seconds=4.5), language="ur", details={"scene": "Speaker"},
    )
    with AsRunWriter(db_path) as writer:
        writer.append(entry(0))
        writer.append(take)
        writer.append(entry(9000, AsRunKind.SCENE_CHANGE))
    assert read_asrun(db)[1] == take
    assert db.execute("SELECT deviation_s FROM asrun WHERE kind = 'take'").fetchone()[0] == 4.5
    assert [e.kind for e in read_asrun(db, since=T0 + timedelta(seconds=5))] == [
        "take", "scene_change"]
    assert read_asrun(db, kinds=[AsRunKind.TAKE]) == [take]
    assert read_asrun(db, kinds=[]) == []


def test_many_threads_append_and_everything_lands_in_few_transactions(
    db_path: Path, db: sqlite_utils.Database,
) -> None:
    per_thread, threads = 2500, 4
    writer = AsRunWriter(db_path, batch_size=500)
    try:
        def produce(thread_no: int) -> None:
            for i in range(per_thread):
                writer.append(entry(i, thread=thread_no))

        producers = [threading.Thread(target=produce, args=(n,)) for n in range(threads)]
        for producer in producers:
            producer.start()
        for producer in producers:
            producer.join()
        assert writer.flush(timeout=60)
        stats = writer.stats
    finally:
        writer.close()
    total = per_thread * threads
    assert db["asrun"].count == total
    pairs = {(row["t"], row["i"]) for row in db.query(
        "SELECT details ->> 'thread' AS t, details ->> 'i' AS i FROM asrun")}
    assert len(pairs) == total
    assert stats.rows_committed == total
    assert stats.largest_batch <= 500
    # Batched: on average far more than one row per transaction.
    assert stats.batches_committed <= total // 10


def test_close_commits_everything_stops_the_thread_and_is_idempotent(
    db_path: Path, db: sqlite_utils.Database,
) -> None:
    writer = AsRunWriter(db_path)
    assert writer.thread.name == THREAD_NAME
    assert not writer.thread.daemon
    for i in range(100):
        writer.append(entry(i))
    writer.close()
    assert not writer.thread.is_alive()
    assert THREAD_NAME not in {thread.name for thread in threading.enumerate()}
    assert db["asrun"].count == 100
    writer.close()
    with pytest.raises(StoreError, match="closed"):
        writer.append(entry(101))
    assert writer.flush(timeout=1)


def test_writer_for_a_newer_database_fails_to_start(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 999")
    raw.close()
    with pytest.raises(StoreError, match=r"cannot start.*newer"):
        AsRunWriter(path)
    assert THREAD_NAME not in {thread.name for thread in threading.enumerate()}


CHILD = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from console.models.asrun import AsRunEntry
from console.store.asrun import AsRunWriter

writer = AsRunWriter(Path(sys.argv[1]))
for i in range(1000):
    writer.append(AsRunEntry(at_utc=datetime.now(UTC), kind="note", console="child",
                             role="stage", details={"i": i}))
assert writer.flush(timeout=60)
print("flushed", flush=True)
sys.stdin.read()  # wait here until the parent kills us
"""


def test_flushed_rows_survive_sigkill(db_path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "flushed"
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    db = open_database(db_path)
    try:
        assert db.execute("SELECT count(*) FROM asrun WHERE console = 'child'").fetchone()[0] \
            == 1000
    finally:
        db.close()


@pytest.mark.expected_log("console.store.writer")
def test_failed_commits_are_reported_and_retried(
    db_path: Path, db: sqlite_utils.Database,
) -> None:
    statuses: list[str | None] = []
    writer = AsRunWriter(db_path, on_status=statuses.append)
    try:
        db.execute("""CREATE TRIGGER inject_failure BEFORE INSERT ON asrun
                      WHEN NEW.details LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'injected');
                      END""")
        writer.append(entry(1))
        writer.append(entry(2, AsRunKind.TAKE, poison=True))
        with pytest.raises(StoreError, match="not committed: injected"):
            writer.flush(timeout=30)
        assert db.execute("SELECT count(*) FROM asrun WHERE kind = 'take'").fetchone()[0] == 0
        db.execute("DROP TRIGGER inject_failure")
        deadline = time.monotonic() + 30
        while len(statuses) < 2:  # the kept rows, committed by a retry
            assert time.monotonic() < deadline, "the writer never committed again"
            time.sleep(0.02)
    finally:
        writer.close()
    assert [e.kind for e in read_asrun(db)] == ["note", "take"]
    assert len(statuses) == 2
    assert "injected" in str(statuses[0])
    assert statuses[1] is None


def test_when_committed_resolves_once_the_rows_before_it_are_on_disk(
    db_path: Path, db: sqlite_utils.Database,
) -> None:
    with AsRunWriter(db_path) as writer:
        for index in range(50):
            writer.append(entry(index))
        acknowledged = writer.when_committed()
        acknowledged.result(timeout=30)
        # Read on another connection: what was acknowledged is committed, all of it.
        assert db.execute("SELECT count(*) FROM asrun").fetchone()[0] == 50
        assert writer.when_committed().done()  # nothing new: resolved at once


@pytest.mark.expected_log("console.store.writer")
def test_when_committed_fails_while_commits_fail_and_the_rows_stay_queued(
    db_path: Path, db: sqlite_utils.Database,
) -> None:
    writer = AsRunWriter(db_path)
    try:
        db.execute("""CREATE TRIGGER inject_failure BEFORE INSERT ON asrun
                      BEGIN SELECT RAISE(ABORT, 'injected'); END""")
        writer.append(entry(1))
        with pytest.raises(StoreError, match="not committed: injected"):
            writer.when_committed().result(timeout=30)
        writer.append(entry(2))
        # Still failing: refused at once, not after the next retry.
        with pytest.raises(StoreError, match="injected"):
            writer.when_committed().result(timeout=0)
        db.execute("DROP TRIGGER inject_failure")
    finally:
        writer.close()  # tries the kept rows once more before stopping
    assert [e.details["i"] for e in read_asrun(db)] == [1, 2]

