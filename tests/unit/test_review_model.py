"""The producer's review from hand-made as-run entries: late and early takes, skips,
backs, segments taken twice, rehearsals and resets, outages across sessions and still
open at the end, viewer gaps, peaks and averages, and logs without a show or takes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from console.models.asrun import AsRunEntry, AsRunKind
from console.models.review import (
    DAY_MARGIN,
    MAX_SPAN_MARGIN,
    ShowReview,
    ViewerPoint,
    build_review,
    review_days,
    viewer_stats,
)
from console.models.show import Day, Segment, SegmentKind, Session, Show, Speaker, Stage

ZONE = ZoneInfo("Europe/Paris")
DAY = date(2026, 10, 23)


def local(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 10, 23, hour, minute, second, tzinfo=ZONE)


def utc(hour: int, minute: int, second: int = 0) -> datetime:
    return local(hour, minute, second).astimezone(UTC)


def segment(ident: str, start: datetime, minutes: int, *speakers: str) -> Segment:
    return Segment(id=ident, kind=SegmentKind.TALK, title=f"Talk {ident}",
                   planned_start=start, planned_duration=timedelta(minutes=minutes),
                   speakers=tuple(Speaker(name, "ar") for name in speakers))


def show() -> Show:
    opening = Session("Opening", (segment("a", local(9, 0), 20, "Amal", "Bilal"),
                                  segment("b", local(9, 20), 20, "Chen")))
    panel = Session("Panel", (segment("c", local(10, 0), 30), segment("d", local(10, 30), 15)))
    return Show(name="Summit", timezone="Europe/Paris", floor_language="ar",
                languages=("fr", "es"),
                stages=(Stage("Main", (Day(DAY, (opening, panel, Session("Empty"))),)),))


def entry(kind: AsRunKind, at: datetime, segment_id: str | None = None,
          language: str | None = None, **details: Any) -> AsRunEntry:
    planned = None
    actual = at if kind is AsRunKind.TAKE else None
    return AsRunEntry(at_utc=at, kind=kind, console="stage", role="stage",
                      segment_id=segment_id, planned=planned, actual=actual,
                      language=language, details=details)


def take(segment_id: str, at: datetime, *, rehearsal: bool = False) -> AsRunEntry:
    return entry(AsRunKind.TAKE, at, segment_id, rehearsal=rehearsal)


def stream(at: datetime, active: bool, obs: str = "main") -> AsRunEntry:
    return entry(AsRunKind.STREAM, at, obs=obs, active=active)


def outage(language: str, at: datetime, event: str, **details: Any) -> AsRunEntry:
    return entry(AsRunKind.INTERPRETER, at, language=language, event=event, **details)


def review(entries: list[AsRunEntry], viewers: list[ViewerPoint] | None = None,
           the_show: Show | None = None, **kwargs: Any) -> ShowReview:
    return build_review(show() if the_show is None else the_show, entries, viewers or [],
                        **kwargs)


def runs(result: ShowReview) -> dict[str, Any]:
    return {run.segment_id: run for run in result.segments}


# --- segments ------------------------------------------------------------------------


def test_a_late_take_and_an_early_take_give_their_deviation_and_overrun() -> None:
    result = runs(review([take("a", utc(9, 2)), take("b", utc(9, 19)),
                          stream(utc(9, 45), active=False)]))
    assert result["a"].deviation_s == 120
    assert result["a"].actual_end == utc(9, 19)
    assert result["a"].overrun_s == -180  # 17 minutes of 20
    assert result["b"].deviation_s == -60
    assert result["b"].actual_end == utc(9, 45)  # the stream stopped
    assert result["b"].overrun_s == 360
    assert not result["b"].open_at_end


def test_segments_carry_their_plan_session_and_speakers_in_utc() -> None:
    run = runs(review([]))["a"]
    assert (run.session_title, run.title, run.speakers) == ("Opening", "Talk a",
                                                            ("Amal", "Bilal"))
    assert run.planned_start == utc(9, 0)
    assert run.planned_start.tzinfo is UTC
    assert run.planned_end == utc(9, 20)
    assert (run.actual_start, run.actual_end, run.deviation_s, run.overrun_s) == (
        None, None, None, None)
    assert not run.skipped


def test_a_skipped_segment_has_no_actual_times_and_the_next_one_runs() -> None:
    result = runs(review([take("b", utc(9, 20)), entry(AsRunKind.SKIP, utc(9, 50), "c"),
                          take("d", utc(10, 1)), stream(utc(10, 20), active=False)]))
    assert result["c"].skipped
    assert result["c"].actual_start is None
    assert result["b"].actual_end == utc(10, 1)
    assert not result["d"].skipped
    assert result["d"].actual_end == utc(10, 20)


def test_an_unskipped_segment_and_a_skipped_one_that_is_taken_are_not_skipped() -> None:
    result = runs(review([entry(AsRunKind.SKIP, utc(9, 0), "c"),
                          entry(AsRunKind.UNSKIP, utc(9, 1), "c"),
                          entry(AsRunKind.SKIP, utc(9, 2), "d"), take("d", utc(10, 30))]))
    assert not result["c"].skipped
    assert not result["d"].skipped
    assert result["d"].actual_start == utc(10, 30)


def test_a_back_drops_the_undone_take_and_the_segment_before_continues() -> None:
    result = runs(review([take("a", utc(9, 0)), take("b", utc(9, 5)),
                          entry(AsRunKind.BACK, utc(9, 6), undone="b"),
                          take("b", utc(9, 21)), stream(utc(9, 40), active=False)]))
    assert result["a"].runs == ((utc(9, 0), utc(9, 21)),)
    assert result["b"].actual_start == utc(9, 21)
    assert result["b"].runs == ((utc(9, 21), utc(9, 40)),)


def test_a_back_after_the_only_take_leaves_nothing_on_air() -> None:
    result = runs(review([take("a", utc(9, 0)), entry(AsRunKind.BACK, utc(9, 1))]))
    assert result["a"].actual_start is None


def test_a_segment_taken_twice_spans_first_start_to_last_end_and_counts_time_on_air() -> None:
    result = runs(review([take("a", utc(9, 0)), take("b", utc(9, 10)), take("a", utc(9, 20)),
                          take("c", utc(9, 30)), stream(utc(10, 0), active=False)]))
    run = result["a"]
    assert (run.actual_start, run.actual_end) == (utc(9, 0), utc(9, 30))
    assert run.runs == ((utc(9, 0), utc(9, 10)), (utc(9, 20), utc(9, 30)))
    assert run.on_air_s == 20 * 60
    assert run.overrun_s == 0
    assert run.deviation_s == 0


def test_rehearsal_takes_are_left_out_and_so_is_a_back_in_rehearsal() -> None:
    result = runs(review([
        entry(AsRunKind.REHEARSAL, utc(8, 0), rehearsal=True),
        take("a", utc(8, 1), rehearsal=True), take("b", utc(8, 2), rehearsal=True),
        entry(AsRunKind.BACK, utc(8, 3)),
        entry(AsRunKind.REHEARSAL, utc(8, 30), rehearsal=False),
        take("a", utc(9, 0)), stream(utc(9, 30), active=False)]))
    assert result["a"].runs == ((utc(9, 0), utc(9, 30)),)
    assert result["b"].actual_start is None


def test_a_reset_forgets_a_rehearsal_that_ran_again_but_not_a_show_that_did_not() -> None:
    result = runs(review([
        take("a", utc(8, 0)), take("b", utc(8, 5)), entry(AsRunKind.SKIP, utc(8, 6), "c"),
        entry(AsRunKind.RESET, utc(8, 10)),
        take("a", utc(9, 1)), stream(utc(9, 25), active=False),
        entry(AsRunKind.RESET, utc(11, 0))]))
    assert result["a"].runs == ((utc(9, 1), utc(9, 25)),)  # the show's run, not the rehearsal's
    assert result["b"].runs == ((utc(8, 5), utc(8, 10)),)  # only ran before: kept
    assert result["c"].skipped  # skipped before the reset, never run after


def test_a_reset_ends_the_live_segment() -> None:
    result = runs(review([take("a", utc(9, 0)), entry(AsRunKind.RESET, utc(9, 15))]))
    assert result["a"].actual_end == utc(9, 15)
    assert not result["a"].open_at_end


def test_a_segment_still_live_at_the_end_of_the_log_ends_there_flagged() -> None:
    result = runs(review([take("a", utc(9, 0))], log_span=(utc(7, 0), utc(9, 40))))
    assert result["a"].actual_end == utc(9, 40)
    assert result["a"].open_at_end


def test_a_stream_restarted_without_a_take_continues_the_segment() -> None:
    result = runs(review([take("a", utc(9, 0)), stream(utc(9, 5), active=False),
                          stream(utc(9, 6), active=True), take("b", utc(9, 20)),
                          stream(utc(9, 30), active=False, obs="second"),
                          stream(utc(9, 40), active=False)]))
    assert result["a"].actual_end == utc(9, 20)
    assert result["b"].actual_end == utc(9, 40)  # the second OBS's stream is not the show


def test_a_take_of_a_segment_no_longer_in_the_show_ends_the_one_before() -> None:
    result = review([take("a", utc(9, 0)), take("gone", utc(9, 10)),
                     stream(utc(9, 30), active=False)])
    assert runs(result)["a"].actual_end == utc(9, 10)
    assert "gone" not in runs(result)


# --- outages -----------------------------------------------------------------------


def test_an_outage_across_two_sessions_is_split_between_them() -> None:
    result = review([take("a", utc(9, 0)), take("c", utc(9, 40)),
                     outage("fr", utc(9, 39, 18), "outage_start"),
                     outage("fr", utc(9, 41), "outage_end", outage_s=102),
                     take("d", utc(10, 0)), stream(utc(10, 30), active=False)])
    assert [(o.language, o.start, o.end, o.open_at_end) for o in result.outages] == [
        ("fr", utc(9, 39, 18), utc(9, 41), False)]
    opening, panel = result.sessions
    assert opening.outage_s == {"fr": 42.0, "es": 0.0}
    assert panel.outage_s == {"fr": 60.0, "es": 0.0}


def test_an_outage_with_no_end_closes_at_the_review_end_flagged() -> None:
    result = review([take("a", utc(9, 0)), outage("es", utc(9, 10), "outage_start"),
                     outage("es", utc(9, 11), "outage_start"),  # a second console's row
                     stream(utc(9, 30), active=False)],
                    log_span=(utc(9, 0), utc(11, 0)))
    (only,) = result.outages
    assert (only.start, only.end, only.open_at_end) == (utc(9, 10), result.end, True)
    assert result.end == utc(11, 0)
    assert result.sessions[0].outage_s["es"] == 20 * 60


def test_an_outage_end_without_a_start_uses_its_length_or_is_dropped() -> None:
    result = review([outage("fr", utc(9, 5), "outage_end", outage_s=30.5),
                     outage("es", utc(9, 6), "outage_end"),
                     outage("es", utc(9, 7), "outage_end", outage_s=True),
                     outage("es", utc(9, 8), "outage_end", outage_s=-4)])
    assert [(o.language, o.start, o.end) for o in result.outages] == [
        ("fr", utc(9, 5) - timedelta(seconds=30.5), utc(9, 5))]


def test_booth_events_and_rows_without_a_language_are_not_outages() -> None:
    result = review([outage("fr", utc(9, 0), "booth", ready=True),
                     entry(AsRunKind.INTERPRETER, utc(9, 1), event="outage_start")])
    assert result.outages == ()


def test_languages_are_the_shows_then_any_other_with_an_outage() -> None:
    result = review([outage("tr", utc(9, 0), "outage_start"),
                     outage("tr", utc(9, 1), "outage_end")])
    assert result.languages == ("fr", "es", "tr")


# --- viewers -----------------------------------------------------------------------


def test_peak_and_average_weigh_time_and_leave_gaps_out() -> None:
    points = [ViewerPoint(utc(9, 0), 100), ViewerPoint(utc(9, 10), None),
              ViewerPoint(utc(9, 20), 300), ViewerPoint(utc(9, 30), 1234),
              ViewerPoint(utc(9, 31), 200)]
    peak, average = viewer_stats(points, utc(9, 0), utc(9, 40), utc(9, 40))
    assert peak == 1234
    # 10 min at 100, a 10 min gap, 10 at 300, 1 at 1234, 9 at 200, over 30 min with a count
    assert average == pytest.approx((10 * 100 + 10 * 300 + 1234 + 9 * 200) / 30)


def test_a_session_counts_the_viewers_of_its_actual_span_only() -> None:
    points = [ViewerPoint(utc(8, 50), 5000), ViewerPoint(utc(9, 0), 100),
              ViewerPoint(utc(9, 30), 900), ViewerPoint(utc(10, 0), 50)]
    result = review([take("a", utc(9, 0)), take("b", utc(9, 20)),
                     stream(utc(9, 40), active=False)], points)
    opening = result.sessions[0]
    assert opening.peak_viewers == 900
    assert opening.average_viewers == pytest.approx((30 * 100 + 10 * 900) / 40)


def test_a_session_all_gap_has_no_peak_and_no_average() -> None:
    result = review([take("a", utc(9, 0)), stream(utc(9, 40), active=False)],
                    [ViewerPoint(utc(8, 55), None)])
    assert (result.sessions[0].peak_viewers, result.sessions[0].average_viewers) == (
        None, None)


def test_viewer_points_before_the_span_give_the_count_holding_at_its_start() -> None:
    early = utc(9, 0) - MAX_SPAN_MARGIN - timedelta(hours=72)
    result = review([take("a", utc(9, 0))],
                    [ViewerPoint(early, 7), ViewerPoint(utc(8, 30), 40),
                     ViewerPoint(utc(9, 5), 60)])
    assert result.start == utc(8, 0)  # one hour before the plan at most
    assert result.viewers == (ViewerPoint(utc(8, 0), 7), ViewerPoint(utc(8, 30), 40),
                              ViewerPoint(utc(9, 5), 60))
    clipped = review([take("a", utc(9, 0))], [ViewerPoint(early, 7)])
    assert clipped.viewers == (ViewerPoint(clipped.start, 7),)


# --- sessions and the span ----------------------------------------------------------------


def test_a_session_overrun_is_its_actual_length_against_its_planned_length() -> None:
    result = review([take("a", utc(9, 5)), take("b", utc(9, 25)),
                     stream(utc(9, 48), active=False)])
    opening, panel = result.sessions
    assert (opening.actual_start, opening.actual_end) == (utc(9, 5), utc(9, 48))
    assert opening.overrun_s == 180
    assert (opening.planned_start, opening.planned_end) == (utc(9, 0), utc(9, 40))
    assert panel.actual_start is None
    assert panel.overrun_s is None
    assert panel.outage_s == {}
    assert panel.peak_viewers is None


def test_sessions_without_segments_have_no_summary() -> None:
    assert [s.title for s in review([]).sessions] == ["Opening", "Panel"]


def test_a_show_without_takes_spans_its_plan() -> None:
    result = review([])
    assert (result.start, result.end) == (utc(9, 0), utc(10, 45))
    assert (result.show_name, result.timezone) == ("Summit", "Europe/Paris")


def test_a_log_without_a_show_gives_a_review_spanning_the_log() -> None:
    entries = [take("a", utc(9, 0)), outage("fr", utc(9, 5), "outage_start"),
               outage("fr", utc(9, 6), "outage_end")]
    result = build_review(None, entries, [ViewerPoint(utc(9, 30), 12)])
    assert result.segments == ()
    assert result.sessions == ()
    assert (result.start, result.end) == (utc(9, 0), utc(9, 30))
    assert len(result.outages) == 1
    assert result.languages == ("fr",)
    assert (result.show_name, result.timezone) == ("", "UTC")
    assert not result.empty


def test_nothing_at_all_gives_an_empty_review() -> None:
    result = build_review(None, [], [])
    assert result.empty
    assert result.start == result.end


def test_entries_out_of_order_are_replayed_in_time_order() -> None:
    result = runs(review([stream(utc(9, 40), active=False), take("b", utc(9, 20)),
                          take("a", utc(9, 0))]))
    assert result["a"].actual_end == utc(9, 20)
    assert result["b"].actual_end == utc(9, 40)


def test_a_review_is_cut_into_show_days_by_the_planned_date() -> None:
    two_days = show()
    later = segment("e", datetime(2026, 10, 24, 0, 30, tzinfo=ZONE), 20)
    sessions = (*two_days.stages[0].days[0].sessions, Session("Night", (later,)))
    the_show = Show("Summit", "Europe/Paris", "ar", ("fr",), (Stage("Main", (
        Day(DAY, sessions[:2]), Day(date(2026, 10, 24), sessions[3:])),),))
    result = build_review(the_show, [take("d", utc(10, 30)), stream(utc(10, 50), False)], [])
    first, second = review_days(result, ZONE)
    assert (first.day, first.start, first.end) == (
        DAY, utc(9, 0) - DAY_MARGIN, utc(10, 50) + DAY_MARGIN)
    assert second.day == date(2026, 10, 24)
    assert second.end == later.planned_end.astimezone(UTC) + DAY_MARGIN
    assert review_days(build_review(None, [], []), ZONE) == ()
    log_only = build_review(None, [outage("fr", utc(9, 0), "outage_start"),
                                   outage("fr", utc(9, 1), "outage_end")], [])
    (only,) = review_days(log_only, ZONE)
    assert (only.day, only.start, only.end) == (DAY, utc(9, 0), utc(9, 1))
