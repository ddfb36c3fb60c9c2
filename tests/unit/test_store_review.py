"""The review read from a real database: the show, its takes and outages, and the
audience total over every destination (removed ones too), with gaps where nobody
answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_utils

from console.models.asrun import AsRunEntry, AsRunKind
from console.models.review import ViewerPoint
from console.models.viewers import ViewerSample, ViewerState, check_destination
from console.store.asrun import AsRunWriter, insert_entry
from console.store.database import write_transaction
from console.store.review import load_review, viewer_points
from console.store.shows import save_show
from console.store.viewers import add_destination, append_sample, remove_destination
from tests.unit.sample_show import sample_show

T0 = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)  # 09:00 in Istanbul: the sample show's start


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def record(db: sqlite_utils.Database, *entries: AsRunEntry) -> None:
    with write_transaction(db):
        for entry in entries:
            insert_entry(db, entry)


def row(kind: AsRunKind, when: datetime, segment_id: str | None = None,
        language: str | None = None, **details: object) -> AsRunEntry:
    return AsRunEntry(at_utc=when, kind=kind, console="stage", role="stage",
                      segment_id=segment_id, language=language,
                      planned=when if kind is AsRunKind.TAKE else None,
                      actual=when if kind is AsRunKind.TAKE else None, details=details)


def store_samples(db_path: Path, samples: list[ViewerSample]) -> None:
    with AsRunWriter(db_path) as writer:
        for sample in samples:
            append_sample(writer, sample, "stage")
        assert writer.flush(5)


def test_the_total_sums_every_destination_and_is_a_gap_when_none_holds(
        db: sqlite_utils.Database, db_path: Path) -> None:
    youtube = add_destination(db, check_destination("youtube", "vid1", language="en"),
                              saved_by="stage", at=T0)
    twitch = add_destination(db, check_destination("twitch", "conf", language="fr"),
                             saved_by="stage", at=T0)
    assert youtube.id is not None
    assert twitch.id is not None
    store_samples(db_path, [
        ViewerSample(youtube.id, at(0), ViewerState.LIVE, 1000),
        ViewerSample(twitch.id, at(1), ViewerState.LIVE, 234),
        ViewerSample(twitch.id, at(16), ViewerState.OFFLINE),
        ViewerSample(youtube.id, at(30), ViewerState.LIVE, 1100),
        # Nothing more: YouTube's count is stale 75 s after its last sample.
    ])
    remove_destination(db, twitch.id, saved_by="stage", at=at(40))  # its samples still count
    points = viewer_points(db)
    assert points[0] == ViewerPoint(at(1), 1234)
    assert ViewerPoint(at(16), 1000) in points
    assert ViewerPoint(at(30), 1100) in points
    assert points[-1] == ViewerPoint(at(105), None)


def test_a_database_gives_the_shows_runs_and_outages(
        db: sqlite_utils.Database) -> None:
    save_show(db, sample_show())
    record(db,
           row(AsRunKind.TAKE, at(90), "Sample-talk"),
           row(AsRunKind.INTERPRETER, at(100), language="en", event="outage_start"),
           row(AsRunKind.INTERPRETER, at(142), language="en", event="outage_end"),
           row(AsRunKind.TAKE, at(1300), "Sample-break"),
           row(AsRunKind.SCENE_CHANGE, at(3000), scene="Break"))
    review = load_review(db)
    talk, coffee, _film = review.segments
    assert talk.deviation_s == 90
    assert talk.actual_end == at(1300)
    assert coffee.actual_end == at(3000)  # the log's last row of any kind
    assert coffee.open_at_end
    assert review.sessions[0].title == "Morning"
    assert review.sessions[0].outage_s == {"en": 42.0, "ur": 0.0}


def test_a_log_without_a_show_still_gives_a_review(db: sqlite_utils.Database) -> None:
    record(db, row(AsRunKind.NOTE, at(0), text="doors open"),
           row(AsRunKind.INTERPRETER, at(10), language="fr", event="outage_start"))
    review = load_review(db)
    assert review.segments == ()
    assert review.show_name == ""
    assert (review.start, review.end) == (at(0), at(10))
    assert [(o.language, o.open_at_end) for o in review.outages] == [("fr", True)]
