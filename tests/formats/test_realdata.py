"""Every real file imports, with every event at the instant the file gives it."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest

from console.formats.csv_schedule import parse_csv
from console.formats.export import show_to_csv, show_to_ical
from console.formats.frab_xml import read_frab_xml
from console.formats.ical import parse_ical, read_ical
from console.formats.located import ShowFormatError
from console.formats.schedule_build import ImportOptions, kind_from_type
from console.formats.schedule_json import parse_schedule_json, read_schedule_json
from console.models.show import (
    SegmentKind,
    Show,
    find_segment,
    iter_segments,
    iter_sessions,
)
from tests.formats.support import DEMOCON, FRAB_38C3, PYCONUK, realdata


def by_source(show: Show) -> dict[str, datetime]:
    return {s.source_id: s.planned_start for s in iter_segments(show) if s.source_id}


def _sessions_by_source(show: Show) -> list[tuple[str, list[str | None]]]:
    return [(session.title, [segment.source_id for segment in session.segments])
            for session in iter_sessions(show)]


@pytest.fixture(scope="module")
def congress() -> Show:
    return read_frab_xml(realdata(FRAB_38C3), ImportOptions()).show


def test_38c3_has_every_event_in_72_rooms(congress: Show) -> None:
    assert len(list(iter_segments(congress))) == 1007
    assert len(congress.stages) == 72
    assert congress.timezone == "Europe/Berlin"
    assert congress.name == "38C3"


def test_38c3_every_event_at_its_date(congress: Show) -> None:
    root = ET.parse(realdata(FRAB_38C3)).getroot()
    expected = {event.get("guid"): datetime.fromisoformat(event.findtext("date") or "")
                for event in root.iter("event")}
    assert by_source(congress) == expected
    for segment in iter_segments(congress):
        assert segment.planned_start.utcoffset() == timedelta(hours=1)  # Berlin in December


def test_38c3_details(congress: Show) -> None:
    opening = next(s for s in iter_segments(congress)
                   if s.source_id == "270fa44c-821a-577f-8ca3-33e8d4a8c2a7")
    assert opening.title == "38C3: Opening Ceremony"
    assert opening.planned_start == datetime(2024, 12, 27, 9, 30, tzinfo=UTC)
    assert opening.planned_duration == timedelta(minutes=30)
    assert opening.kind is SegmentKind.ANNOUNCEMENT
    assert [s.name for s in opening.speakers] == ["Gabriela Bogk", "Senficon", "Aline Blankertz"]
    assert opening.speakers[0].language == "en"
    assert opening.hard_start
    assert congress.floor_language == "de"
    # A 12-hour event keeps its length.
    assert max(s.planned_duration for s in iter_segments(congress)) == timedelta(hours=12)


def test_38c3_events_after_midnight_stay_on_the_day_before(congress: Show) -> None:
    saal1 = next(stage for stage in congress.stages if stage.name == "Saal 1")
    first_day = saal1.days[0]
    assert first_day.date == date(2024, 12, 27)
    starts = [seg.planned_start for s in first_day.sessions for seg in s.segments]
    assert max(starts).date() == date(2024, 12, 28)


def test_38c3_one_room(congress: Show) -> None:
    one = read_frab_xml(realdata(FRAB_38C3), ImportOptions(room="Saal GLITCH")).show
    assert [s.name for s in one.stages] == ["Saal GLITCH"]
    expected = next(s for s in congress.stages if s.name == "Saal GLITCH")
    assert one.stages[0] == expected


def test_38c3_unknown_room_lists_the_rooms() -> None:
    with pytest.raises(ShowFormatError, match=r"--room: no room named 'Saal 9'.*'Saal 1'"):
        read_frab_xml(realdata(FRAB_38C3), ImportOptions(room="Saal 9"))


def test_democon_every_event_at_its_date() -> None:
    path = realdata(DEMOCON)
    imported = read_schedule_json(path, ImportOptions())
    data = json.loads(path.read_text(encoding="utf-8"))
    expected = {event["guid"]: datetime.fromisoformat(event["date"])
                for day in data["schedule"]["conference"]["days"]
                for events in day["rooms"].values() for event in events}
    assert by_source(imported.show) == expected
    # The file says "UTC" but every time is +01:00: the show keeps the file's local times.
    assert imported.show.timezone == "Etc/GMT-1"
    assert any("--timezone" in note for note in imported.notes)
    assert {s.name for s in imported.show.stages} == {"Gray Room", "Tan Room"}


def test_democon_with_timezone_option() -> None:
    show = read_schedule_json(realdata(DEMOCON), ImportOptions(timezone="Europe/Berlin")).show
    assert show.timezone == "Europe/Berlin"
    first = next(iter_segments(show))
    assert first.planned_start.isoformat() == "2020-12-14T09:00:00+01:00"


def _ics_starts(text: str) -> dict[str, datetime]:
    unfolded = re.sub(r"\r?\n[ \t]", "", text).replace("\r\n", "\n")
    starts = {}
    for block in unfolded.split("BEGIN:VEVENT")[1:]:
        uid = re.search(r"^UID:(.*)$", block, re.MULTILINE)
        start = re.search(r"^DTSTART:(\d{8}T\d{6})Z$", block, re.MULTILINE)
        assert uid
        assert start
        starts[uid[1].strip()] = datetime.strptime(start[1], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    return starts


def test_pyconuk_needs_a_timezone() -> None:
    with pytest.raises(ShowFormatError, match=r"pyconuk2015-schedule\.ics: .*give it with "
                                              r"--timezone"):
        read_ical(realdata(PYCONUK), ImportOptions())


def test_pyconuk_every_event_at_its_instant() -> None:
    path = realdata(PYCONUK)
    show = read_ical(path, ImportOptions(timezone="Europe/London")).show
    assert by_source(show) == _ics_starts(path.read_bytes().decode("utf-8"))
    assert len(list(iter_segments(show))) == 162
    gil = next(s for s in iter_segments(show) if s.title == "Python's Infamous GIL")
    assert [s.name for s in gil.speakers] == ["Larry Hastings"]
    assert gil.planned_start.isoformat() == "2015-09-18T11:30:00+01:00"
    assert gil.source_id is not None
    assert gil.source_id.endswith("-linux-7")  # the folded UID, unfolded


def test_pyconuk_without_session_properties_splits_sessions_at_gaps() -> None:
    show = read_ical(realdata(PYCONUK), ImportOptions(timezone="Europe/London")).show
    sessions = list(iter_sessions(show))
    assert len(sessions) == 30
    assert sessions[0].title == "Cafeteria 08:00–09:30"
    room = next(s for s in sessions if s.title == "PythonAnywhere Room (CC1.3) 09:30–19:30")
    assert len(room.segments) == 15


@pytest.mark.parametrize(("text", "kind"), [
    ("Talk", SegmentKind.TALK), ("lecture", SegmentKind.TALK), ("Workshop", SegmentKind.TALK),
    ("podium", SegmentKind.PANEL), ("Panel discussion", SegmentKind.PANEL),
    ("Talk 40 (30min +10 Q&A)", SegmentKind.TALK), ("Q&A", SegmentKind.QA),
    ("Ceremony", SegmentKind.ANNOUNCEMENT), ("Film", SegmentKind.VIDEO),
    ("Coffee break", SegmentKind.BREAK), ("other", SegmentKind.TALK), (None, SegmentKind.TALK),
])
def test_kinds(text: str | None, kind: SegmentKind) -> None:
    assert kind_from_type(text) is kind


def test_csv_and_ical_exports_reimport_to_the_same_instants(congress: Show) -> None:
    again = parse_csv(show_to_csv(congress), "out.csv", ImportOptions()).show
    assert by_source(again) == by_source(congress)
    assert again.timezone == congress.timezone
    assert [d.date for s in again.stages for d in s.days] == \
        [d.date for s in congress.stages for d in s.days]
    via_ical = parse_ical(show_to_ical(congress).encode(), "out.ics", ImportOptions()).show
    assert by_source(via_ical) == by_source(congress)
    assert via_ical.timezone == congress.timezone
    assert _sessions_by_source(via_ical) == _sessions_by_source(congress)
    segment = find_segment(congress, next(iter_segments(congress)).id)
    assert segment is not None


def test_flat_schedule2_shape() -> None:
    text = json.dumps({"schedule": {"conference": {"title": "Flat", "time_zone_name":
                                                   "Europe/Vienna"}, "events": [
        {"guid": "a", "title": "One", "start": "2025-06-01T10:00:00+02:00",
         "end": "2025-06-01T11:30:00+02:00", "room": {"name": "Hall"},
         "persons": [{"name": "Ann"}], "type": "podium"},
        {"guid": "b", "title": "Two", "start": "2025-06-02T01:00:00+02:00",
         "duration": "00:45", "room": "Hall"},
    ]}})
    show = parse_schedule_json(text, "flat.json", ImportOptions()).show
    assert show.timezone == "Europe/Vienna"
    segments = list(iter_segments(show))
    assert segments[0].planned_duration == timedelta(minutes=90)
    assert segments[0].kind is SegmentKind.PANEL
    assert [d.date for d in show.stages[0].days] == [date(2025, 6, 1)]  # 01:00 is the night before


def test_csv_with_header_aliases_and_time_only_starts() -> None:
    text = ("Stage;Day;Start time;Length;Title;Speaker;Type\n"
            "Main;2026-05-01;09:30;45;Opening;Ann;ceremony\n"
            "Main;2026-05-01;10:15;01:00:00;Keynote;Bob; Carl;talk\n")
    with pytest.raises(ShowFormatError, match=r"line 3.*cells but only 7 columns"):
        parse_csv(text, "s.csv", ImportOptions(timezone="Europe/Paris"))
    text = text.replace("Bob; Carl", "Bob")
    show = parse_csv(text, "s.csv", ImportOptions(timezone="Europe/Paris")).show
    first, second = iter_segments(show)
    assert first.planned_start.isoformat() == "2026-05-01T09:30:00+02:00"
    assert first.planned_duration == timedelta(minutes=45)
    assert second.planned_duration == timedelta(hours=1)
    with pytest.raises(ShowFormatError, match="give it with --timezone"):
        parse_csv(text, "s.csv", ImportOptions())
