"""The console's own iCalendar export reads back with its show days, whatever the hour."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from console.formats.export import show_to_ical
from console.formats.ical import parse_ical
from console.formats.schedule_build import ImportOptions
from console.models.show import Day, Segment, SegmentKind, Session, Show, Stage

ZONE = ZoneInfo("Asia/Kuala_Lumpur")


def segment(ident: str, start: datetime) -> Segment:
    return Segment(id=ident, kind=SegmentKind.TALK, title=f"Talk {ident}", planned_start=start,
                   planned_duration=timedelta(minutes=30), source_id=ident)


def test_an_early_morning_day_keeps_its_date_on_the_way_back() -> None:
    # A show that starts at 04:30 (a re-dated demo, an overnight event): read without the
    # day property, the 06:00 rule would put its second day's events on the first day.
    day_one = Day(date(2026, 11, 30), (Session("One", (
        segment("a", datetime(2026, 11, 30, 4, 30, tzinfo=ZONE)),)),))
    day_two = Day(date(2026, 12, 1), (Session("Two", (
        segment("b", datetime(2026, 12, 1, 4, 30, tzinfo=ZONE)),)),))
    show = Show(name="Dawn", timezone="Asia/Kuala_Lumpur", floor_language="en",
                stages=(Stage("Main", (day_one, day_two)),))
    text = show_to_ical(show)
    assert "X-CONFERENCE-CONSOLE-DAY:2026-12-01" in text
    back = parse_ical(text.encode(), "dawn.ics", ImportOptions()).show
    days = back.stages[0].days
    assert [day.date for day in days] == [date(2026, 11, 30), date(2026, 12, 1)]
    assert [s.title for s in days[1].sessions[0].segments] == ["Talk b"]


def test_a_day_that_is_not_a_date_is_refused_naming_the_line() -> None:
    text = show_to_ical(Show(name="X", timezone="UTC", floor_language="en", stages=(
        Stage("Main", (Day(date(2026, 11, 30), (Session("S", (
            segment("a", datetime(2026, 11, 30, 9, tzinfo=ZoneInfo("UTC"))),)),)),)),)))
    broken = text.replace("X-CONFERENCE-CONSOLE-DAY:2026-11-30", "X-CONFERENCE-CONSOLE-DAY:soon")
    with pytest.raises(ValueError, match=r"line \d+.*X-CONFERENCE-CONSOLE-DAY.*2026-12-05"):
        parse_ical(broken.encode(), "broken.ics", ImportOptions())
