"""A finished show for the review's tests and pictures: the demo show (two days, eight
sessions, six languages) with takes late and early, one skipped segment, a French outage
of 0:42 across a session boundary, a Spanish one never ended, and an audience that
peaks at 1,234 with a gap where nobody answered."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from console.formats.console_json import load_show_json
from console.models import show as plan
from console.models.asrun import AsRunEntry, AsRunKind
from console.models.review import ShowReview, ViewerPoint, build_review
from console.models.show import Show, iter_sessions
from console.models.viewers import ViewerSample, ViewerState, check_destination
from console.services.show_import import demo_show_path
from console.store.asrun import AsRunWriter, insert_entry
from console.store.database import write_transaction
from console.store.shows import save_show
from console.store.viewers import add_destination, append_sample

# Seconds late (negative: early) of each take, in turn, over and over.
DEVIATIONS_S = (40, -25, 95, 10, 310, -70, 15, 180, 0, 55, -10, 240)
SKIPPED_TITLE_INDEX = 6  # the seventh segment of the show is skipped
PEAK = 1234
OUTAGE_S = 42


def demo_show() -> Show:
    return load_show_json(demo_show_path())


def _entry(kind: AsRunKind, at: datetime, segment_id: str | None = None,
           language: str | None = None, **details: object) -> AsRunEntry:
    take = kind is AsRunKind.TAKE
    return AsRunEntry(at_utc=at, kind=kind, console="stage [1]", role="stage",
                      segment_id=segment_id, language=language,
                      actual=at if take else None, details=details)


def sample_entries(show: Show) -> list[AsRunEntry]:
    """Takes of every segment but one, a stream stop at each day's end, two outages."""
    entries: list[AsRunEntry] = []
    segments = [segment for session in iter_sessions(show) for segment in session.segments]
    for index, segment in enumerate(segments):
        if index == SKIPPED_TITLE_INDEX:
            entries.append(_entry(AsRunKind.SKIP, segment.planned_start - timedelta(minutes=1),
                                  segment.id))
            continue
        at = segment.planned_start + timedelta(seconds=DEVIATIONS_S[index % len(DEVIATIONS_S)])
        entries.append(_entry(AsRunKind.TAKE, at, segment.id, title=segment.title,
                              rehearsal=False))
        following = segments[index + 1] if index + 1 < len(segments) else None
        if following is None or following.planned_start.date() != segment.planned_start.date():
            entries.append(_entry(AsRunKind.STREAM, segment.planned_end + timedelta(minutes=4),
                                  obs="main", active=False))
    boundary = next(s for s in iter_sessions(show)).segments[-1].planned_end
    fr_start = boundary + timedelta(seconds=60 - OUTAGE_S // 2)
    entries += [
        _entry(AsRunKind.INTERPRETER, fr_start, language="fr", event="outage_start",
               signal="silent"),
        _entry(AsRunKind.INTERPRETER, fr_start + timedelta(seconds=OUTAGE_S), language="fr",
               event="outage_end", signal="ok", outage_s=OUTAGE_S),
        _entry(AsRunKind.INTERPRETER, segments[-2].planned_start + timedelta(minutes=2),
               language="es", event="outage_start", signal="silent"),
    ]
    return sorted(entries, key=lambda entry: entry.at_utc)


def sample_viewer_counts(show: Show) -> list[tuple[datetime, int | None]]:
    """One count a minute over each day's plan, rising to :data:`PEAK` and falling; no
    count for ten minutes of the first afternoon."""
    counts: list[tuple[datetime, int | None]] = []
    for day_start, day_end in _day_spans(show):
        minutes = int((day_end - day_start).total_seconds() // 60) + 5
        for minute in range(minutes):
            at = day_start + timedelta(minutes=minute)
            share = minute / minutes
            count = round(300 + (PEAK - 300) * (1 - abs(share - 0.45) / 0.55) ** 2)
            counts.append((at, count))
        counts.append((day_start + timedelta(minutes=minutes), None))  # the stream ends
    peak_at = max(range(len(counts)), key=lambda i: counts[i][1] or 0)
    counts[peak_at] = (counts[peak_at][0], PEAK)
    gap_from = len(counts) // 4
    for index in range(gap_from, gap_from + 10):
        counts[index] = (counts[index][0], None)
    return counts


def _day_spans(show: Show) -> list[tuple[datetime, datetime]]:
    days: dict[object, list[datetime]] = {}
    for session in iter_sessions(show):
        for segment in session.segments:
            days.setdefault(segment.planned_start.date(), []).extend(
                [segment.planned_start, segment.planned_end])
    return [(min(times).astimezone(UTC), max(times).astimezone(UTC)) for times in days.values()]


def sample_review() -> ShowReview:
    show = demo_show()
    points = [ViewerPoint(at, count) for at, count in sample_viewer_counts(show)]
    return build_review(show, sample_entries(show), points)


def fill_database(db: sqlite_utils.Database, db_path: Path, show: Show | None = None) -> Show:
    """Store the sample show, its log and its viewer counts (one manual destination)."""
    show = show or demo_show()
    save_show(db, show)
    with write_transaction(db):
        for entry in sample_entries(show):
            insert_entry(db, entry)
    destination = add_destination(db, check_destination("manual", "", label="Hall"),
                                  saved_by="test", at=datetime(2026, 12, 1, tzinfo=UTC))
    assert destination.id is not None
    with AsRunWriter(db_path) as writer:
        for at, count in sample_viewer_counts(show):
            state = ViewerState.LIVE if count is not None else ViewerState.OFFLINE
            append_sample(writer, ViewerSample(destination.id, at, state, count), "test")
        assert writer.flush(5)
    return show


# --- a small show with round figures, for the report's tests ---------------------------------

SUMMIT_ZONE = "Europe/Paris"


def summit_show(name: str = "Summit 2026") -> Show:
    """Two sessions: "Morning talks" runs 3:00 over, "Afternoon panel" 3:00 short."""
    zone = ZoneInfo(SUMMIT_ZONE)

    def segment(ident: str, hour: int, minute: int, minutes: int, title: str) -> plan.Segment:
        return plan.Segment(ident, plan.SegmentKind.TALK, title,
                       datetime(2026, 10, 23, hour, minute, tzinfo=zone),
                       timedelta(minutes=minutes), (plan.Speaker("Amal Haddad", "ar"),))

    morning = plan.Session("Morning talks", (segment("a", 9, 0, 30, "Opening address"),
                                        segment("b", 9, 30, 30, "Access for all")))
    afternoon = plan.Session("Afternoon panel", (segment("c", 14, 0, 60, "Panel on booths"),))
    return Show(name, SUMMIT_ZONE, "ar", ("fr", "es"),
                (plan.Stage("Main", (plan.Day(date(2026, 10, 23), (morning, afternoon)),)),))


def summit_instant(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 10, 23, hour, minute, second, tzinfo=ZoneInfo(SUMMIT_ZONE))


def fill_summit(db: sqlite_utils.Database, db_path: Path, name: str = "Summit 2026") -> None:
    """The morning ends at 10:03 (3:00 over), French loses sound for 0:42 at 09:40, the
    audience peaks at 1,234; the panel starts 2:00 late and ends 3:00 short."""
    at = summit_instant
    save_show(db, summit_show(name))
    entries = [
        _entry(AsRunKind.TAKE, at(9, 0), "a"), _entry(AsRunKind.TAKE, at(9, 31), "b"),
        _entry(AsRunKind.INTERPRETER, at(9, 40), language="fr", event="outage_start"),
        _entry(AsRunKind.INTERPRETER, at(9, 40, 42), language="fr", event="outage_end",
               outage_s=42.0),
        _entry(AsRunKind.STREAM, at(10, 3), obs="main", active=False),
        _entry(AsRunKind.TAKE, at(14, 2), "c"),
        _entry(AsRunKind.STREAM, at(14, 59), obs="main", active=False),
    ]
    with write_transaction(db):
        for entry in entries:
            insert_entry(db, entry)
    hall = add_destination(db, check_destination("manual", "", label="Hall"),
                           saved_by="test", at=at(8, 0))
    assert hall.id is not None
    counts = [(at(9, 0), 800), (at(9, 10), 1234), (at(9, 20), 1000), (at(9, 30), 900),
              (at(9, 45), 950), (at(10, 0), 700), (at(14, 0), 500), (at(14, 10), 600),
              (at(14, 20), 650), (at(14, 30), 640), (at(14, 45), 620)]
    with AsRunWriter(db_path) as writer:
        for when, count in counts:
            append_sample(writer, ViewerSample(hall.id, when, ViewerState.LIVE, count), "test")
        assert writer.flush(5)
