import re
from datetime import date, timedelta

from console.formats.console_json import load_show_json
from console.models.show import (
    SegmentKind,
    count_show,
    distinct_speakers,
    iter_segments,
    iter_sessions,
    scene_names,
)
from console.services.show_import import demo_show_path

ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
URDU_ONLY_LETTERS = re.compile(r"[\u06A9\u06AF\u06BA\u06BE\u06C1\u06CC\u06D2\u0679\u0688\u0691]")


def test_demo_show_shape() -> None:
    show = load_show_json(demo_show_path())
    counts = count_show(show)
    assert show.name == "Bridges 2026"
    assert show.floor_language == "ar"
    assert show.languages == ("en", "fr", "es", "tr", "ur", "ms")
    assert (counts.stages, counts.days, counts.sessions) == (1, 2, 8)
    assert [len(day.sessions) for day in show.stages[0].days] == [4, 4]
    assert counts.segments >= 36
    assert counts.speakers >= 30
    assert all(session.chair for session in iter_sessions(show))
    assert {seg.kind for seg in iter_segments(show)} == set(SegmentKind)


def test_demo_show_speakers_in_arabic_urdu_and_latin_scripts() -> None:
    speakers = distinct_speakers(load_show_json(demo_show_path()))
    arabic = [s for s in speakers if s.language == "ar" and ARABIC_SCRIPT.search(s.name)]
    urdu = [s for s in speakers if s.language == "ur" and URDU_ONLY_LETTERS.search(s.name)]
    latin = [s for s in speakers if not ARABIC_SCRIPT.search(s.name)]
    assert len(arabic) >= 5
    assert len(urdu) >= 4
    assert {s.language for s in latin} >= {"tr", "ms", "fr", "es", "en"}
    assert all(s.affiliation for s in speakers)


def test_demo_show_timing_is_realistic() -> None:
    show = load_show_json(demo_show_path())
    assert [day.date for day in show.stages[0].days] == [date(2026, 12, 5), date(2026, 12, 6)]
    for day in show.stages[0].days:
        assert day.sessions[0].segments[0].planned_start.strftime("%H:%M") == "09:00"
        for session in day.sessions:
            assert session.segments[0].hard_start
            for segment in session.segments:
                assert segment.planned_start.date() == day.date
                assert str(segment.planned_start.tzinfo) == show.timezone
            pairs = zip(session.segments, session.segments[1:], strict=False)
            assert all(a.planned_end <= b.planned_start for a, b in pairs)
    talks = [s for s in iter_segments(show) if s.kind is SegmentKind.TALK]
    assert sum(s.planned_duration == timedelta(minutes=20) for s in talks) >= 15


def test_every_demo_segment_has_a_scene_from_a_small_set() -> None:
    show = load_show_json(demo_show_path())
    assert all(segment.scene for segment in iter_segments(show))
    assert set(scene_names(show)) == {"Opening", "Speaker", "Slides", "Panel", "Break", "Video"}
