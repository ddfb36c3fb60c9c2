"""CSV cells a spreadsheet would run as formulas: written as text, read back unchanged."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from console.formats.csv_formulas import neutralise, restore
from console.formats.csv_schedule import parse_csv
from console.formats.export import show_to_csv
from console.formats.schedule_build import ImportOptions
from console.models.show import (
    Day,
    Segment,
    SegmentKind,
    Session,
    Show,
    Speaker,
    Stage,
    iter_segments,
)

HYPERLINK = '=HYPERLINK("https://evil.example", "Agenda")'


@pytest.mark.parametrize(("cell", "written"), [
    (HYPERLINK, f"'{HYPERLINK}"), ("-1 minute", "'-1 minute"), ("@home", "'@home"),
    ("+49 30 1234", "'+49 30 1234"), ("\tindented", "'\tindented"), ("\rx", "'\rx"),
    ("'=already marked", "''=already marked"),
    ("Opening", "Opening"), ("'quoted'", "'quoted'"), ("a=b", "a=b"), ("", ""),
])
def test_a_formula_cell_is_written_as_text_and_read_back(cell: str, written: str) -> None:
    assert neutralise(cell) == written
    assert restore(written) == cell


def _show() -> Show:
    start = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    titles = (HYPERLINK, "-1 minute", "@home", "'=already marked", "Plain")
    segments = tuple(
        Segment(id=f"s{index}", kind=SegmentKind.TALK, title=title,
                planned_start=start + timedelta(minutes=30 * index),
                planned_duration=timedelta(minutes=30),
                speakers=(Speaker(name="@home", language="en"),
                          Speaker(name="+Ann", language="en")))
        for index, title in enumerate(titles)
    )
    return Show(name="=SUM(1+1)", timezone="Europe/London", floor_language="en", stages=(
        Stage(name="-Main", days=(Day(date=start.date(), sessions=(
            Session(title="@Morning", segments=segments),)),)),))


def test_the_exported_csv_holds_no_formula() -> None:
    rows = list(csv.reader(io.StringIO(show_to_csv(_show()))))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert f"'{HYPERLINK}" in cells
    assert "'=SUM(1+1)" in cells


def test_an_exported_show_imports_back_with_the_same_text() -> None:
    show = _show()
    again = parse_csv(show_to_csv(show), "export.csv", ImportOptions()).show
    assert again.name == show.name
    assert [s.title for s in iter_segments(again)] == [s.title for s in iter_segments(show)]
    assert [[p.name for p in s.speakers] for s in iter_segments(again)] == \
        [[p.name for p in s.speakers] for s in iter_segments(show)]
    assert [stage.name for stage in again.stages] == ["-Main"]
    assert again.stages[0].days[0].sessions[0].title == "@Morning"
