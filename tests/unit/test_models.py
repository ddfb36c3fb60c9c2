from datetime import UTC, datetime, timedelta, timezone

import pytest

from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.models.show import (
    Day,
    Segment,
    SegmentKind,
    Show,
    Stage,
    count_show,
    derive_segment_id,
    find_segment,
    scene_names,
)
from tests.unit.sample_show import sample_show

PLUS3 = timezone(timedelta(hours=3))


def test_counts_and_scenes_of_the_sample_show() -> None:
    show = sample_show()
    counts = count_show(show)
    assert (counts.stages, counts.days, counts.sessions, counts.segments, counts.speakers) == (
        2, 2, 3, 3, 2)
    assert scene_names(show) == ("Speaker", "Break")
    assert find_segment(show, "Sample-break") is not None
    assert find_segment(show, "missing") is None


def test_segment_rejects_naive_start_and_inverted_thresholds() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Segment(id="a", kind=SegmentKind.TALK, title="t", planned_start=datetime(2026, 12, 5),
                planned_duration=timedelta(minutes=1))
    with pytest.raises(ValueError, match="danger_s <= warning_s"):
        Segment(id="a", kind=SegmentKind.TALK, title="t",
                planned_start=datetime(2026, 12, 5, tzinfo=UTC),
                planned_duration=timedelta(minutes=1), warning_s=10, danger_s=20)


def test_show_rejects_duplicate_segment_ids_and_floor_language_as_target() -> None:
    show = sample_show()
    session = show.stages[0].days[0].sessions[0]
    twice = Stage("s", (Day(show.stages[0].days[0].date, (session, session)),))
    with pytest.raises(ValueError, match="used twice"):
        Show(name="x", timezone="UTC", floor_language="ar", stages=(twice,))
    with pytest.raises(ValueError, match="floor language"):
        Show(name="x", timezone="UTC", floor_language="ar", languages=("ar", "en"))


def test_derived_segment_ids_are_stable_and_distinct() -> None:
    assert derive_segment_id("frab", "42") == derive_segment_id("frab", "42")
    assert derive_segment_id("frab", "42") != derive_segment_id("frab", "43")


def test_asrun_entry_normalises_to_utc_and_derives_deviation() -> None:
    entry = AsRunEntry(
        at_utc=datetime(2026, 12, 5, 9, 1, tzinfo=PLUS3), kind=AsRunKind.TAKE,
        console="stage-1", role=ConsoleRole.STAGE, segment_id="s1",
        planned=datetime(2026, 12, 5, 9, 0, tzinfo=PLUS3),
        actual=datetime(2026, 12, 5, 6, 1, 30, tzinfo=UTC),
        details={"scene": "Speaker", "speakers": ("a", "b")},
    )
    assert entry.at_utc == datetime(2026, 12, 5, 6, 1, tzinfo=UTC)
    assert entry.at_utc.utcoffset() == timedelta(0)
    assert entry.deviation_s == 90.0
    assert entry.details["speakers"] == ["a", "b"]
    with pytest.raises(TypeError):
        entry.details["scene"] = "other"  # type: ignore[index]


def test_asrun_entry_refuses_secrets_naive_times_and_unserialisable_details() -> None:
    now = datetime(2026, 12, 5, tzinfo=UTC)
    with pytest.raises(ValueError, match=r"secrets \(details.obs.password\)"):
        AsRunEntry(at_utc=now, kind="connection", console="c", role="stage",
                   details={"obs": {"host": "localhost", "password": "hunter2"}})
    with pytest.raises(ValueError, match="secrets"):
        AsRunEntry(at_utc=now, kind="stream", console="c", role="stage",
                   details={"streamKey": "live_123"})
    with pytest.raises(ValueError, match="timezone-aware"):
        AsRunEntry(at_utc=datetime(2026, 12, 5), kind="note", console="c", role="stage")
    with pytest.raises(TypeError):
        AsRunEntry(at_utc=now, kind="note", console="c", role="stage", details={"x": object()})
    assert AsRunEntry(at_utc=now, kind="note", console="c", role="stage").deviation_s is None


def test_planned_end_is_real_time_across_a_dst_change() -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from console.models.show import Segment, SegmentKind

    berlin = ZoneInfo("Europe/Berlin")
    # The night of 2026-10-25: clocks go back at 03:00 CEST to 02:00 CET.
    segment = Segment(id="night", kind=SegmentKind.TALK, title="Night talk",
                      planned_start=datetime(2026, 10, 25, 1, 30, tzinfo=berlin),
                      planned_duration=timedelta(hours=2))
    assert segment.planned_end.utcoffset() == timedelta(hours=1)
    assert (segment.planned_end.hour, segment.planned_end.minute) == (2, 30)
