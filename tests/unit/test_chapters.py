"""Chapters from takes: which takes stood, which output run counts, where chapters start and
end; and how YouTube, CSV and EDL write them (YouTube's rules: first at 0:00, at least 10 s
each, at least three)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from console.formats.chapter_export import (
    chapters_csv,
    chapters_edl,
    csv_timecode,
    edl_timecode,
    youtube_chapters,
    youtube_clock,
)
from console.models.chapters import (
    BEFORE_THE_SHOW,
    BackEvent,
    Chapter,
    NothingToChapter,
    OutputChange,
    OutputRun,
    ResetEvent,
    TakeEvent,
    build_chapters,
    choose_run,
    one_line,
    output_runs,
    takes_on_air,
)

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def take(seconds: float, segment_id: str, rehearsal: bool = False) -> TakeEvent:
    return TakeEvent(at(seconds), segment_id, segment_id.title(), rehearsal=rehearsal)


def same_day(_segment_id: str | None, when: datetime) -> date:
    return when.date()


# -- which takes stood -------------------------------------------------------------------


def test_a_take_undone_by_back_is_dropped_and_the_segment_before_goes_on() -> None:
    events = [take(0, "a"), take(60, "b"), BackEvent(at(64), "b"), take(300, "b")]

    assert [(t.segment_id, t.at) for t in takes_on_air(events)] == [("a", at(0)), ("b", at(300))]


def test_rehearsal_takes_put_nothing_on_air_and_back_stops_at_a_reset() -> None:
    events = [take(-600, "a", rehearsal=True), take(-500, "b", rehearsal=True),
              ResetEvent(at(-400)), take(0, "a"), BackEvent(at(10), "a"), BackEvent(at(11), "b")]

    assert takes_on_air(events) == []


def test_a_segment_taken_again_while_on_air_keeps_its_chapter_and_later_gets_another() -> None:
    events = [take(0, "a"), take(5, "a"), take(60, "b"), take(120, "a")]

    assert [(t.segment_id, t.at) for t in takes_on_air(events)] == [
        ("a", at(0)), ("b", at(60)), ("a", at(120))]


# -- which run counts ---------------------------------------------------------------------


def test_output_runs_pair_starts_with_stops_and_an_unseen_stop_ends_at_the_next_start() -> None:
    changes = [OutputChange(at(0), True), OutputChange(at(100), False),
               OutputChange(at(200), False), OutputChange(at(300), True),
               OutputChange(at(400), True)]

    assert output_runs(changes) == [OutputRun(at(0), at(100)), OutputRun(at(300), at(400)),
                                    OutputRun(at(400), None)]


def test_the_run_the_first_take_happened_in_counts_not_an_earlier_test_stream() -> None:
    runs = [OutputRun(at(-3600), at(-3000)), OutputRun(at(-60), None)]

    assert choose_run(runs, [take(0, "a"), take(600, "b")], UTC) == runs[1]


def test_a_stream_started_after_the_first_take_counts() -> None:
    runs = [OutputRun(at(-3600), at(-3000)), OutputRun(at(120), None)]

    assert choose_run(runs, [take(0, "a"), take(600, "b")], UTC) == runs[1]


def test_takes_in_two_runs_are_refused_naming_each_run() -> None:
    runs = [OutputRun(at(-60), at(1800)), OutputRun(at(1900), None)]

    with pytest.raises(NothingToChapter) as refused:
        choose_run(runs, [take(0, "a"), take(600, "b"), take(2000, "c")], UTC, "stream")

    message = str(refused.value)
    assert "2 runs of the stream" in message
    assert "--run 1: 2026-12-05 08:59:00 to 2026-12-05 09:30:00, 2 takes" in message
    assert "--run 2: 2026-12-05 09:31:40 to the end of the log, 1 takes" in message


def test_a_stream_that_stopped_before_the_first_take_is_refused() -> None:
    with pytest.raises(NothingToChapter, match="stopped at 2026-12-05 08:50:00, before the "
                                               "first take at 2026-12-05 09:00:00"):
        choose_run([OutputRun(at(-1200), at(-600))], [take(0, "a")], UTC)


# -- where chapters start and end -----------------------------------------------------------


def chapters_of(run: OutputRun, takes: list[TakeEvent]) -> list[Chapter]:
    built = build_chapters(run, takes, speakers={"a": ("Ana\nLima",), "b": ("Bo", "Cy")},
                           show_day=same_day)
    return list(built.chapters)


def test_a_long_wait_before_the_first_take_is_a_chapter_of_its_own() -> None:
    chapters = chapters_of(OutputRun(at(-65.4), at(900)), [take(0, "a"), take(300, "b")])

    assert chapters == [
        Chapter(0.0, 65.4, BEFORE_THE_SHOW),
        Chapter(65.4, 365.4, "A", ("Ana Lima",), "a"),
        Chapter(365.4, 965.4, "B", ("Bo", "Cy"), "b"),
    ]


def test_a_short_wait_moves_the_first_take_to_zero() -> None:
    chapters = chapters_of(OutputRun(at(-9), at(400)), [take(0, "a"), take(300, "b")])

    assert [(c.start_s, c.end_s, c.segment_id) for c in chapters] == [
        (0.0, 309.0, "a"), (309.0, 409.0, "b")]


def test_a_restart_on_the_same_show_day_opens_with_the_segment_on_air() -> None:
    takes = [take(0, "a"), take(600, "b"), take(1500, "c")]
    chapters = chapters_of(OutputRun(at(700), None), takes)

    assert [(c.start_s, c.segment_id) for c in chapters] == [(0.0, "b"), (800.0, "c")]
    assert chapters[-1].end_s is None  # nothing says where it ended


def test_the_next_show_day_does_not_open_with_yesterdays_last_segment() -> None:
    takes = [take(0, "a"), take(86_400 + 120, "b")]
    chapters = chapters_of(OutputRun(at(86_400), at(90_000)), takes)

    assert [(c.start_s, c.title) for c in chapters] == [(0.0, BEFORE_THE_SHOW), (120.0, "B")]


def test_takes_after_the_output_stopped_are_left_out() -> None:
    built = build_chapters(OutputRun(at(-30), at(400)), [take(0, "a"), take(500, "b")],
                           speakers={}, show_day=same_day)

    assert [c.segment_id for c in built.chapters] == [None, "a"]
    assert [t.segment_id for t in built.left_out] == ["b"]


def test_titles_become_one_clean_line() -> None:
    assert one_line("  Panel:\nwhat\x07 next\u2028\tnow \u200b ") == "Panel: what next now"


# -- YouTube --------------------------------------------------------------------------------


def test_youtube_clock_is_m_ss_under_an_hour_and_h_mm_ss_from_there() -> None:
    assert [youtube_clock(s) for s in (0, 65, 3599, 3600, 7384)] == [
        "0:00", "1:05", "59:59", "1:00:00", "2:03:04"]


def test_youtube_lines_name_the_speakers_and_round_down_to_the_second() -> None:
    chapters = [Chapter(0, 65.9, BEFORE_THE_SHOW), Chapter(65.9, 3700.2, "A <b>", ("Ana",), "a"),
                Chapter(3700.2, 4000, "B", ("Bo", "Cy"), "b")]

    text, warnings = youtube_chapters(chapters)

    assert text == "0:00 Before the show\n1:05 A ‹b› — Ana\n1:01:40 B — Bo, Cy\n"
    assert warnings == []


def test_a_chapter_under_ten_seconds_is_merged_into_the_next_and_said() -> None:
    chapters = [Chapter(0, 100, "A"), Chapter(100, 104, "B"), Chapter(104, 200, "C"),
                Chapter(200, 400, "D"), Chapter(400, 405, "E")]

    text, warnings = youtube_chapters(chapters)

    assert text == "0:00 A\n1:40 C\n3:20 D\n"
    assert warnings == [
        "'B' at 1:40 ran 4 s, under YouTube's 10 s: merged into 'C', which starts there instead",
        "'E' at 6:40 ran 5 s, under YouTube's 10 s, at the end: merged into 'D'",
    ]


def test_fewer_than_three_chapters_are_written_with_a_warning() -> None:
    text, warnings = youtube_chapters([Chapter(0, 60, "A"), Chapter(60, 900, "B")])

    assert text == "0:00 A\n1:00 B\n"
    assert warnings == ["2 chapter(s): YouTube shows chapters only when there are at least 3"]


# -- CSV and EDL ----------------------------------------------------------------------------


def test_csv_keeps_every_chapter_with_exact_times_and_harmless_cells() -> None:
    chapters = [Chapter(0, 4.5, BEFORE_THE_SHOW), Chapter(4.5, 3723.25, "=SUM(A1)", ("@bo", "Cy"),
                                                          "seg-1"),
                Chapter(3723.25, None, "Last", (), "seg-2")]

    rows = list(csv.reader(io.StringIO(chapters_csv(chapters))))

    assert rows == [
        ["start", "end", "duration", "segment_id", "title", "speakers"],
        ["00:00:00.000", "00:00:04.500", "00:00:04.500", "", "Before the show", ""],
        ["00:00:04.500", "01:02:03.250", "01:01:58.750", "seg-1", "'=SUM(A1)", "'@bo; Cy"],
        ["01:02:03.250", "", "", "seg-2", "Last", ""],
    ]
    assert csv_timecode(None) == ""


EVENT = re.compile(r"^(\d{3})  (\S+)\s+V\s+C\s+((?:\d\d:\d\d:\d\d:\d\d ?){4})$")


def parse_edl(text: str, fps: int) -> tuple[str, list[dict[str, object]]]:
    """A small CMX 3600 reader: the title and each event's frames, clip name and comments."""
    lines = text.splitlines()
    assert lines[1] == "FCM: NON-DROP FRAME"
    title = lines[0].removeprefix("TITLE: ")
    events: list[dict[str, object]] = []
    for line in lines[2:]:
        if match := EVENT.match(line):
            hh_mm_ss_ff = [[int(p) for p in tc.split(":")] for tc in match.group(3).split()]
            frames = [((h * 60 + m) * 60 + s) * fps + f for h, m, s, f in hh_mm_ss_ff]
            assert all(f < fps for *_, f in hh_mm_ss_ff)
            events.append({"number": int(match.group(1)), "reel": match.group(2),
                           "frames": frames, "comments": []})
        elif line.startswith("* FROM CLIP NAME: "):
            events[-1]["clip"] = line.removeprefix("* FROM CLIP NAME: ")
        elif line.startswith("* "):
            events[-1]["comments"].append(line[2:])  # type: ignore[attr-defined]
        else:
            assert line == "", line
    return title, events


def test_an_edl_reads_back_cut_to_cut_at_its_frame_rate() -> None:
    chapters = [Chapter(0, 65.4, BEFORE_THE_SHOW), Chapter(65.4, 3725.04, "A", ("Ana",), "a"),
                Chapter(3725.04, None, "B", (), "b")]

    title, events = parse_edl(chapters_edl(chapters, "Bridges\n2026 — stream", 25), 25)
    _, open_ended = parse_edl(chapters_edl(chapters, "Bridges", 25, open_end_s=4000), 25)

    assert title == "Bridges 2026 — stream"
    assert [e["number"] for e in events] == [1, 2, 3]
    assert {e["reel"] for e in events} == {"AX"}
    assert [e["frames"] for e in events] == [
        [0, 1635, 0, 1635], [1635, 93126, 1635, 93126], [93126, 93127, 93126, 93127]]
    assert open_ended[-1]["frames"] == [93126, 100000, 93126, 100000]
    assert [e["clip"] for e in events] == ["Before the show", "A — Ana", "B"]
    assert [e["comments"] for e in events] == [[], ["COMMENT: segment a"], ["COMMENT: segment b"]]


def test_edl_timecode_counts_frames_non_drop() -> None:
    assert edl_timecode(0, 25) == "00:00:00:00"
    assert edl_timecode(25 * 3661 + 24, 25) == "01:01:01:24"
    assert edl_timecode(30 * 60, 30) == "00:01:00:00"
