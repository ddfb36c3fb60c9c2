"""``conference-console chapters`` on a hand-made show database: each format field by field,
the stream or the recording as origin, a restart, and the exit codes."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from console import cli
from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.models.show import Day, Segment, SegmentKind, Session, Show, Speaker, Stage
from console.store.asrun import AsRunWriter
from console.store.database import open_database
from console.store.shows import save_show
from tests.unit.test_chapters import parse_edl

ZONE = ZoneInfo("Europe/Lisbon")
T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)  # 09:00 in Lisbon too
PANEL_TITLE = "Panel:\nwhat\x07 next?"
PLAN = [  # id, title, minutes from T0, speakers
    ("welcome", "Welcome", 0, ("Ana Lima",)),
    ("keynote", "Keynote", 10, ("Bo Chen",)),
    ("panel", PANEL_TITLE, 55, ("=Eve", "Cy\tDe")),
    ("film", "Film", 85, ()),
    ("closing", "Closing", 125, ("Ana Lima",)),
]


def demo_show() -> Show:
    segments = tuple(
        Segment(id=ident, kind=SegmentKind.TALK, title=title,
                planned_start=(T0 + timedelta(minutes=minutes)).astimezone(ZONE),
                planned_duration=timedelta(minutes=10),
                speakers=tuple(Speaker(name, "en") for name in names))
        for ident, title, minutes, names in PLAN)
    return Show(name="Hand Made", timezone="Europe/Lisbon", floor_language="en",
                stages=(Stage("Main", (Day(date(2026, 12, 5),
                                           (Session("All", segments),)),)),))


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@dataclass
class Log:
    db_path: Path
    writer: AsRunWriter

    def add(self, kind: AsRunKind, seconds: float, *, console: str = "desk",
            segment_id: str | None = None, **details: Any) -> None:
        when = at(seconds)
        self.writer.append(AsRunEntry(
            at_utc=when, kind=kind, console=console, role=ConsoleRole.STAGE.value,
            segment_id=segment_id, actual=when if kind is AsRunKind.TAKE else None,
            details=details))

    def take(self, seconds: float, segment_id: str, **details: Any) -> None:
        title = next(title for ident, title, *_ in PLAN if ident == segment_id)
        details.setdefault("rehearsal", False)
        self.add(AsRunKind.TAKE, seconds, segment_id=segment_id, title=title, **details)

    def output(self, kind: AsRunKind, seconds: float, active: bool, **details: Any) -> None:
        self.add(kind, seconds, obs="main", active=active, **details)

    def the_day(self) -> None:
        """Stream from 09:00:00, recording from 09:00:30; a rehearsal before; a take undone
        by Back; stopped at 11:20 and 11:21."""
        self.take(-1800, "welcome", rehearsal=True)
        self.add(AsRunKind.RESET, -1700, reason="rehearsal")
        self.output(AsRunKind.STREAM, 0, True)
        self.output(AsRunKind.RECORD, 30, True)
        self.add(AsRunKind.STREAM, 40, obs="main", alarm="bitrate_low", raised=True)
        self.take(65.4, "welcome")
        self.take(600, "keynote")
        self.take(3300, "panel")
        self.take(4800, "film")
        self.add(AsRunKind.BACK, 4804, undone="film")
        self.take(5400, "film")
        self.take(7500, "closing")
        self.output(AsRunKind.STREAM, 8400, False)
        self.output(AsRunKind.RECORD, 8460, False)
        self.add(AsRunKind.NOTE, 8500, text="wrap")  # the log's last entry


@pytest.fixture
def log(tmp_path: Path) -> Iterator[Log]:
    db_path = tmp_path / "show.sqlite"
    database = open_database(db_path)
    save_show(database, demo_show(), "test")
    database.close()
    writer = AsRunWriter(db_path)
    yield Log(db_path, writer)
    writer.close(5)


def chapters(log: Log, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    log.writer.flush(5)
    code = cli.main(["chapters", "--db", str(log.db_path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_youtube_chapters_from_the_streams_start(log: Log, capsys: Any) -> None:
    log.the_day()

    code, out, err = chapters(log, capsys)

    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "0:00 Before the show",
        "1:05 Welcome — Ana Lima",
        "10:00 Keynote — Bo Chen",
        "55:00 Panel: what next? — =Eve, Cy De",
        "1:30:00 Film",
        "2:05:00 Closing — Ana Lima",
    ]


def test_csv_chapters_from_the_recordings_start(log: Log, capsys: Any) -> None:
    log.the_day()

    code, out, err = chapters(log, capsys, "--format", "csv", "--from", "record")

    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["segment_id"] for row in rows] == ["", "welcome", "keynote", "panel", "film",
                                                   "closing"]
    assert rows[0] == {"start": "00:00:00.000", "end": "00:00:35.400",
                      "duration": "00:00:35.400", "segment_id": "", "title": "Before the show",
                      "speakers": ""}
    assert rows[3] == {"start": "00:54:30.000", "end": "01:29:30.000",
                       "duration": "00:35:00.000", "segment_id": "panel",
                       "title": "Panel: what next?", "speakers": "'=Eve; Cy De"}
    assert rows[-1]["start"] == "02:04:30.000"
    assert rows[-1]["end"] == "02:20:30.000"  # the recording stopped at 11:21


def test_edl_chapters_parse_back_at_the_frame_rate_asked(log: Log, capsys: Any,
                                                        tmp_path: Path) -> None:
    log.the_day()
    out_file = tmp_path / "show.edl"

    code, out, err = chapters(log, capsys, "--format", "edl", "--fps", "30", "--out",
                              str(out_file))

    assert (code, out, err) == (0, "", "")
    title, events = parse_edl(out_file.read_text(encoding="utf-8"), 30)
    assert title == "Hand Made — stream"
    seconds = [0, 65.4, 600, 3300, 5400, 7500, 8400]
    frames = [round(s * 30) for s in seconds]
    assert [e["frames"] for e in events] == [[a, b, a, b] for a, b in itertools.pairwise(frames)]
    assert [e["clip"] for e in events] == ["Before the show", "Welcome — Ana Lima",
                                           "Keynote — Bo Chen", "Panel: what next? — =Eve, Cy De",
                                           "Film", "Closing — Ana Lima"]
    assert events[3]["comments"] == ["COMMENT: segment panel"]


def test_a_stream_restarted_mid_show_is_refused_until_a_run_is_named(log: Log,
                                                                      capsys: Any) -> None:
    log.output(AsRunKind.STREAM, 0, True)
    log.take(60, "welcome")
    log.take(600, "keynote")
    log.output(AsRunKind.STREAM, 900, False)
    log.output(AsRunKind.STREAM, 960, True)
    log.take(3300, "panel")

    code, out, err = chapters(log, capsys)

    assert (code, out) == (1, "")
    assert err.startswith("error: the takes fall in 2 runs of the stream (each its own video): "
                          "--run 1: 2026-12-05 09:00:00 to 2026-12-05 09:15:00, 2 takes; "
                          "--run 2: 2026-12-05 09:16:00 to the end of the log, 1 takes.")
    code, out, err = chapters(log, capsys, "--run", "2")
    assert code == 0
    assert out.splitlines() == ["0:00 Keynote — Bo Chen", "39:00 Panel: what next? — =Eve, Cy De"]
    assert err.splitlines() == [
        "warning: the stream's stop is not in the log, so the last chapter's end is not "
        "known",
        "warning: 2 chapter(s): YouTube shows chapters only when there are at least 3"]
    log.add(AsRunKind.NOTE, 3600, text="still streaming")  # the log's last entry
    code, out, err = chapters(log, capsys, "--run", "2", "--format", "edl")
    assert code == 0
    assert "(the EDL ends it at the log's last entry)" in err
    _, events = parse_edl(out, 25)
    assert [e["frames"][:2] for e in events] == [[0, 2340 * 25], [2340 * 25, 2640 * 25]]


def test_another_consoles_stream_rows_and_other_obs_do_not_count(log: Log, capsys: Any) -> None:
    log.add(AsRunKind.STREAM, -100, console="backup", obs="main", active=True)
    log.add(AsRunKind.STREAM, -50, obs="second", active=True)
    log.output(AsRunKind.STREAM, 30, True)
    for seconds, segment in ((38, "welcome"), (600, "keynote"), (1200, "panel")):
        log.take(seconds, segment)

    code, out, _ = chapters(log, capsys)

    assert code == 0
    assert out.splitlines()[:2] == ["0:00 Welcome — Ana Lima", "9:30 Keynote — Bo Chen"]


def test_no_takes_is_nothing_to_make(log: Log, capsys: Any) -> None:
    log.output(AsRunKind.STREAM, 0, True)
    log.take(60, "welcome", rehearsal=True)

    code, out, err = chapters(log, capsys)

    assert (code, out) == (1, "")
    assert err.startswith("error: no takes in the as-run log")


def test_no_stream_start_names_the_recording_instead(log: Log, capsys: Any) -> None:
    log.output(AsRunKind.RECORD, 0, True)
    log.take(60, "welcome")

    code, out, err = chapters(log, capsys)

    assert (code, out) == (1, "")
    assert err == ("error: no stream start in the as-run log: pass --from record to time the "
                   "chapters from the record's start\n")
    code, _, err = chapters(log, capsys, "--from", "record")
    assert code == 0
    code, _, err = chapters(log, capsys, "--from", "record", "--run", "2")
    assert code == 2
    assert err == "error: --run 2: the record started 1 time(s) in the log; pass 1 to 1\n"


@pytest.mark.parametrize(("args", "problem"), [
    (["--fps", "0"], "error: --fps 0: give whole frames a second from 1 to 120"),
    (["--db", "/nonexistent/show.sqlite"], "error: /nonexistent/show.sqlite: no such database"),
])
def test_bad_arguments_exit_2(log: Log, capsys: Any, args: list[str], problem: str) -> None:
    code, out, err = chapters(log, capsys, *args)

    assert (code, out) == (2, "")
    assert err.startswith(problem)


def test_a_file_that_is_not_a_database_exits_2(tmp_path: Path, capsys: Any) -> None:
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database at all" * 100)

    code = cli.main(["chapters", "--db", str(broken)])

    assert code == 2
    assert "cannot read the as-run log" in capsys.readouterr().err
