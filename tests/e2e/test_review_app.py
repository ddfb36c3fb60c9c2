"""The producer's review as users start it (``run --role producer``): it opens a show
database that a stage console may still be writing, reads it, and changes nothing."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest

from console import cli
from console.models.asrun import AsRunEntry, AsRunKind
from console.store.asrun import insert_entry
from console.store.database import open_database, write_transaction
from tests.helpers.cli import ConsoleProcess, console_environment, imported_demo


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def reviewed_show(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Read only by every test here (the first checks that it stays so)."""
    db_path, show = imported_demo(tmp_path_factory.mktemp("reviewed"))
    segments = [s for day in show.stages[0].days for ses in day.sessions for s in ses.segments]
    db = open_database(db_path)
    with write_transaction(db):
        for number, segment in enumerate(segments[:4]):
            actual = segment.planned_start + timedelta(seconds=40 * number)
            insert_entry(db, AsRunEntry(
                at_utc=actual, kind=AsRunKind.TAKE, console="stage-a", role="stage",
                segment_id=segment.id, planned=segment.planned_start, actual=actual,
                details={"title": segment.title}))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return db_path


def test_the_review_reads_a_show_and_leaves_the_file_as_it_was(
        tmp_path: Path, reviewed_show: Path) -> None:
    before = _digest(reviewed_show)
    review = ConsoleProcess(["run", "--role", "producer", "--db", str(reviewed_show)],
                            console_environment(tmp_path))
    try:
        read = review.wait_for_record(30, msg="review read")
        assert read["segments"] > 4
        assert read["sessions"] >= 1
    finally:
        code = review.stop()
    assert code == 0, review.log_text()
    assert not [r for r in review.records if r.get("level") in ("WARNING", "ERROR")], \
        review.log_text()
    assert _digest(reviewed_show) == before


@pytest.mark.parametrize(("args", "named"), [
    (["--rehearsal"], "--rehearsal"),
    (["--language", "fr"], "--language"),
    (["--control-port", "8123"], "--control-port"),
])
def test_the_review_refuses_what_belongs_to_other_roles(
        reviewed_show: Path, args: list[str], named: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    # In process: the refusal comes before any window (the entry point is run above).
    assert cli.main(["run", "--role", "producer", "--db", str(reviewed_show), *args]) == 2
    assert named in capsys.readouterr().err


def test_the_review_refuses_a_file_that_is_no_show_database(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "--role", "producer", "--db", str(tmp_path / "none.db")]) == 2
    missing = capsys.readouterr().err
    assert "--db" in missing
    assert "none.db" in missing
    notes = tmp_path / "notes.db"
    notes.write_text("shopping list\n", encoding="utf-8")
    assert cli.main(["run", "--role", "producer", "--db", str(notes)]) == 2
    wrong = capsys.readouterr().err
    assert "notes.db" in wrong
    assert "not a console database" in wrong
    assert notes.read_text(encoding="utf-8") == "shopping list\n"




def test_the_demo_replay_opens_its_simulated_day_in_the_review(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    review = ConsoleProcess(["demo", "--replay", "--open-review", "--db", str(db)],
                            console_environment(tmp_path))
    try:
        read = review.wait_for_record(60, msg="review read")
    finally:
        code = review.stop()
    assert code == 0, review.log_text()
    assert read["segments"] > 20
    assert read["sessions"] >= 4
