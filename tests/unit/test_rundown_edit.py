"""Pure rundown edits on the demo show."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from console.formats.console_json import load_show_json
from console.models import rundown_edit as edit
from console.models.show import SegmentKind, Show, find_segment, iter_segments
from console.services.show_import import demo_show_path

ZONE = ZoneInfo("Asia/Kuala_Lumpur")
WELCOME, ADDRESS, FILM, KEYNOTE = (f"bridges26-d1s1-0{i}" for i in range(1, 5))
S2_FIRST = "bridges26-d1s2-01"
DAY2_FIRST = "bridges26-d2s5-01"


@pytest.fixture(scope="module")
def show() -> Show:
    return load_show_json(demo_show_path())


def ids_of_session(show: Show, day: int, session: int) -> list[str]:
    return [s.id for s in show.stages[0].days[day].sessions[session].segments]


def head(show: Show, expected: list[str]) -> bool:
    """The first session of day 1 starts with ``expected``."""
    return ids_of_session(show, 0, 0)[:len(expected)] == expected


def seg(show: Show, segment_id: str):
    found = find_segment(show, segment_id)
    assert found is not None
    return found


def test_value_edits_change_only_that_segment(show):
    new = edit.set_duration(show, ADDRESS, timedelta(minutes=12))
    new = edit.set_title(new, ADDRESS, "  Opening address (long)  ")
    new = edit.set_scene(new, ADDRESS, "  ")
    new = edit.set_kind(new, ADDRESS, SegmentKind.PANEL)
    new = edit.set_hard_start(new, ADDRESS, True)
    new = edit.set_notes(new, ADDRESS, "mic 2")
    new = edit.set_planned_start(new, ADDRESS, datetime(2026, 12, 5, 9, 6, tzinfo=ZONE))

    changed = seg(new, ADDRESS)
    assert changed.planned_duration == timedelta(minutes=12)
    assert changed.title == "Opening address (long)"
    assert changed.scene is None
    assert changed.kind is SegmentKind.PANEL
    assert changed.hard_start
    assert changed.notes == "mic 2"
    assert changed.planned_start == datetime(2026, 12, 5, 9, 6, tzinfo=ZONE)
    # Planned times of later segments are the plan: untouched.
    assert seg(new, FILM) == seg(show, FILM)
    assert [s.id for s in iter_segments(new)] == [s.id for s in iter_segments(show)]


def test_an_unchanged_value_returns_the_same_show(show):
    assert edit.set_title(show, ADDRESS, seg(show, ADDRESS).title) is show


def test_invalid_values_are_refused(show):
    with pytest.raises(edit.RundownEditError, match="negative"):
        edit.set_duration(show, ADDRESS, timedelta(seconds=-1))
    with pytest.raises(edit.RundownEditError, match="title"):
        edit.set_title(show, ADDRESS, " ")
    with pytest.raises(edit.RundownEditError, match="time zone"):
        edit.set_planned_start(show, ADDRESS, datetime(2026, 12, 5, 9, 6))
    with pytest.raises(edit.RundownEditError, match="no segment"):
        edit.set_title(show, "nope", "x")
    with pytest.raises(edit.RundownEditError, match="cannot edit id"):
        edit.update_segment(show, ADDRESS, id="other")


def test_speaker_names_keep_known_speakers_and_add_new_ones(show):
    known = seg(show, WELCOME).speakers[0]
    new = edit.set_speaker_names(show, ADDRESS, [known.name, " Ana Ruiz ", ""], "ar")
    speakers = seg(new, ADDRESS).speakers
    assert speakers[0] == known
    assert (speakers[1].name, speakers[1].language) == ("Ana Ruiz", "ar")
    assert len(speakers) == 2


def test_insert_after_starts_when_the_anchor_ends(show):
    new = edit.insert_after(show, ADDRESS, "fresh")
    assert head(new, [WELCOME, ADDRESS, "fresh", FILM, KEYNOTE])
    inserted = seg(new, "fresh")
    assert inserted.planned_start == seg(show, ADDRESS).planned_end
    assert inserted.planned_duration == edit.DEFAULT_NEW_DURATION
    with pytest.raises(edit.RundownEditError, match="used"):
        edit.insert_after(new, FILM, "fresh")


def test_duplicate_copies_right_after(show):
    new = edit.duplicate(show, FILM, "copy")
    assert head(new, [WELCOME, ADDRESS, FILM, "copy", KEYNOTE])
    copy, original = seg(new, "copy"), seg(show, FILM)
    assert copy.title == original.title
    assert copy.source_id is None
    assert copy.planned_start == original.planned_end


def test_delete_refuses_the_live_segment(show):
    with pytest.raises(edit.RundownEditError, match="live"):
        edit.delete(show, FILM, live_segment_id=FILM)
    new = edit.delete(show, FILM, live_segment_id=ADDRESS)
    assert head(new, [WELCOME, ADDRESS, KEYNOTE])


def test_move_swaps_neighbours_and_keeps_their_span(show):
    new = edit.move_down(show, ADDRESS)
    assert head(new, [WELCOME, FILM, ADDRESS, KEYNOTE])
    film, address = seg(new, FILM), seg(new, ADDRESS)
    assert film.planned_start == seg(show, ADDRESS).planned_start
    assert address.planned_start == film.planned_end
    assert address.planned_end == seg(show, FILM).planned_end
    assert edit.move_up(new, ADDRESS) == show


def test_move_across_sessions_of_the_day_and_not_past_its_edges(show):
    last = ids_of_session(show, 0, 0)[-1]
    down = edit.move_down(show, last)  # last of session 1 -> first of session 2
    assert last not in ids_of_session(down, 0, 0)
    assert ids_of_session(down, 0, 1)[:2] == [last, S2_FIRST]
    assert seg(down, last) == seg(show, last)
    assert edit.move_up(down, last) == show
    with pytest.raises(edit.RundownEditError, match="first segment of the day"):
        edit.move_up(show, WELCOME)
    with pytest.raises(edit.RundownEditError, match="first segment of the day"):
        edit.move_up(show, DAY2_FIRST)
