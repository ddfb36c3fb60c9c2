"""Operator notes: checked where they enter, stamped when noticed, with the segment on air
then, and every note of many written at once stored exactly once."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.models.errors import InvalidValue
from console.models.limits import MAX_OPERATOR_NOTE
from console.models.live import LiveState, SegmentRun
from console.services.asrun_log import AsRunLog
from console.services.operator_notes import OperatorNotes
from console.store.asrun import AsRunWriter
from console.store.database import open_database
from tests.helpers.loops import LoopRunner
from tests.helpers.store import stored_entries
from tests.unit.sample_show import OnAir, sample_show

NOW = datetime(2026, 12, 5, 7, 30, tzinfo=UTC)
SHOW = sample_show()
TALK, COFFEE = SHOW.stages[0].days[0].sessions[0].segments


@dataclass
class Notes:
    db_path: Path
    writer: AsRunWriter
    show: OnAir
    notes: OperatorNotes

    def stored(self) -> list[AsRunEntry]:
        return stored_entries(self.writer, self.db_path, AsRunKind.NOTE)


@pytest.fixture
def notes(tmp_path: Path) -> Iterator[Notes]:
    db_path = tmp_path / "show.sqlite"
    open_database(db_path).close()
    writer = AsRunWriter(db_path)
    show = OnAir()
    log = AsRunLog(writer, "desk-1", ConsoleRole.STAGE, lambda: NOW)
    yield Notes(db_path, writer, show, OperatorNotes(log, show))
    writer.close(5)


def test_a_note_names_the_segment_on_air_and_keeps_its_text(notes: Notes) -> None:
    notes.show.live = LiveState("Main", runs=(SegmentRun(TALK.id, NOW - timedelta(minutes=3)),))

    notes.notes.record_note("  Speaker's microphone dropped; handheld given  ")

    [entry] = notes.stored()
    assert entry.kind is AsRunKind.NOTE
    assert entry.segment_id == TALK.id
    assert dict(entry.details) == {"text": "Speaker's microphone dropped; handheld given",
                                   "title": TALK.title}
    assert (entry.at_utc, entry.console, entry.role) == (NOW, "desk-1", "stage")


def test_a_note_is_stamped_when_noticed_with_what_was_on_air_then(notes: Notes) -> None:
    # The talk ended and the coffee break went on air while the note was being typed.
    took_coffee = NOW - timedelta(seconds=20)
    notes.show.live = LiveState("Main", runs=(
        SegmentRun(TALK.id, NOW - timedelta(minutes=20), ended_at=took_coffee),
        SegmentRun(COFFEE.id, took_coffee)))
    noticed = NOW - timedelta(seconds=45)

    assert notes.notes.on_air_at(noticed) == TALK
    notes.notes.record_note("Applause cut short by the break jingle", noticed_at=noticed)

    [entry] = notes.stored()
    assert (entry.at_utc, entry.segment_id) == (noticed, TALK.id)


def test_a_note_with_nothing_on_air_has_no_segment_and_rehearsal_says_so(notes: Notes) -> None:
    notes.show.live = LiveState("Main", rehearsal=True)

    notes.notes.record_note("Line check with the French booth")

    [entry] = notes.stored()
    assert entry.segment_id is None
    assert dict(entry.details) == {"text": "Line check with the French booth", "rehearsal": True}


@pytest.mark.parametrize(("text", "problem"), [
    ("", "is empty"),
    ("   \t ", "is empty"),
    ("x" * (MAX_OPERATOR_NOTE + 1), f"at most {MAX_OPERATOR_NOTE} are accepted"),
    ("two\nlines", "control character U+000A"),
    ("bell\x07", "control character U+0007"),
    (42, "must be text"),
])
def test_a_note_that_does_not_fit_is_refused_naming_the_field(notes: Notes, text: object,
                                                              problem: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        notes.notes.record_note(text)

    assert refused.value.field == "note"
    assert problem in refused.value.problem
    assert notes.stored() == []


def test_a_note_noticed_in_the_future_is_refused(notes: Notes) -> None:
    with pytest.raises(InvalidValue) as refused:
        notes.notes.record_note("later", noticed_at=NOW + timedelta(minutes=1))

    assert refused.value.field == "noticed_at"
    assert notes.stored() == []


def test_the_longest_note_accepted_is_kept_whole(notes: Notes) -> None:
    text = "é" * MAX_OPERATOR_NOTE

    notes.notes.record_note(text)

    assert [entry.details["text"] for entry in notes.stored()] == [text]


def test_notes_written_at_once_from_many_threads_are_each_stored_once(notes: Notes) -> None:
    threads, each = 8, 25
    start = threading.Barrier(threads)

    def write(thread: int) -> None:
        start.wait()
        for index in range(each):
            notes.notes.record_note(f"note {thread}-{index}")

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    texts = [entry.details["text"] for entry in notes.stored()]
    assert sorted(texts) == sorted(f"note {t}-{i}" for t in range(threads) for i in range(each))


def test_a_note_from_the_control_api_is_committed_when_it_is_answered(
        aio: LoopRunner, notes: Notes) -> None:
    answer = aio.run(notes.notes.note("  the stream stuttered  "))

    database = open_database(notes.db_path)
    try:  # read without flushing the writer: the answer promised it is on disk
        stored = database.execute("SELECT details FROM asrun WHERE kind = 'note'").fetchall()
    finally:
        database.close()
    assert answer["note"] == "the stream stuttered"
    assert [json.loads(details)["text"] for (details,) in stored] == ["the stream stuttered"]
