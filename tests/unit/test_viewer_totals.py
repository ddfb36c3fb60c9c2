"""Viewer series from samples: a destination's own counts, a language's sum of its live
destinations, the total; carried counts expire when stale; offline is a gap, never zero."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from console.models.viewer_totals import (
    BUCKET_S,
    MANUAL_STALE_AFTER_S,
    TOTAL,
    SeriesKind,
    SeriesPoint,
    ViewerTotals,
    default_stale_after_s,
    destination_key,
    language_key,
)
from console.models.viewers import (
    DEFAULT_INTERVALS_S,
    Destination,
    Platform,
    ViewerSample,
    ViewerState,
    stale_after_s,
)

T0 = datetime(2026, 10, 23, 9, 0, tzinfo=UTC)
EN, FR = language_key("en"), language_key("fr")
STALE_S = 30.0  # every destination's limit here, unless a test says otherwise

DESTINATIONS = [
    Destination(Platform.YOUTUBE, "yt-en", label="YouTube EN", language="en", id=1),
    Destination(Platform.TWITCH, "tw-en", label="Twitch EN", language="en", id=2),
    Destination(Platform.YOUTUBE, "yt-fr", label="YouTube FR", language="fr", id=3),
]


def totals(destinations: list[Destination] | None = None,
           limit: float = STALE_S) -> ViewerTotals:
    chosen = DESTINATIONS if destinations is None else destinations
    return ViewerTotals(chosen, {d.id: limit for d in chosen if d.id is not None})


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def live(destination_id: int, seconds: float, viewers: int) -> ViewerSample:
    return ViewerSample(destination_id, at(seconds), ViewerState.LIVE, viewers)


def not_live(destination_id: int, seconds: float, state: ViewerState) -> ViewerSample:
    return ViewerSample(destination_id, at(seconds), state)


def series(points: list[SeriesPoint]) -> dict[object, list[tuple[float, float]]]:
    """The points applied as a ring applies them, by series: (seconds from T0, value)."""
    found: dict[object, list[tuple[float, float]]] = {}
    for key, when, value, replaces in points:
        line = found.setdefault(key, [])
        point = (when - T0.timestamp(), value)
        if replaces:
            assert line, f"{key} replaces a point it does not have"
            line[-1] = point
        else:
            line.append(point)
    return found


def same(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    """Equal point lists, NaN equal to NaN."""
    return len(a) == len(b) and all(
        ta == tb and (va == vb or (math.isnan(va) and math.isnan(vb)))
        for (ta, va), (tb, vb) in zip(a, b, strict=True))


def test_the_series_are_the_total_the_languages_and_the_destinations() -> None:
    nobody = Destination(Platform.OWNCAST, "https://x.example", label="No language", id=9)
    model = totals([*DESTINATIONS, nobody])
    assert model.keys == (TOTAL, EN, FR, language_key(None), destination_key(1),
                          destination_key(2), destination_key(3), destination_key(9))
    assert model.members(EN) == (destination_key(1), destination_key(2))
    assert model.members(TOTAL) == model.destinations
    assert language_key(None).kind is SeriesKind.LANGUAGE


def test_a_language_sums_its_destinations_latest_live_counts() -> None:
    model = totals()
    points = model.add_all([live(1, 0, 100), live(2, 1, 50), live(3, 2, 30)])
    found = series(points)
    assert found[destination_key(1)] == [(0, 100.0)]
    assert found[EN] == [(2, 150.0)]
    assert found[FR] == [(2, 30.0)]
    assert found[TOTAL] == [(2, 180.0)]


def test_offline_hidden_and_errors_add_nothing_and_a_language_without_live_is_a_gap() -> None:
    model = totals()
    model.add_all([live(1, 0, 100), live(2, 0, 50), live(3, 0, 30)])
    found = series(model.add_all([not_live(3, 10, ViewerState.OFFLINE),
                                  not_live(2, 10, ViewerState.HIDDEN),
                                  live(1, 10, 120)]))
    assert math.isnan(found[destination_key(3)][0][1])
    assert math.isnan(found[destination_key(2)][0][1])
    assert found[EN] == [(10, 120.0)]  # the hidden count is not zero, it is absent
    assert math.isnan(found[FR][0][1])  # a gap, not zero
    assert found[TOTAL] == [(10, 120.0)]
    found = series(model.add_all([not_live(1, 15, ViewerState.ERROR)]))
    assert math.isnan(found[TOTAL][0][1])  # nothing live at all: the total is a gap too
    assert math.isnan(found[EN][0][1])


def test_a_count_is_carried_while_fresh_then_leaves_a_gap_and_the_sum() -> None:
    model = totals()
    model.add_all([live(1, 0, 100), live(3, 0, 30)])
    # Only destination 1 answers from now on: 3's count stands until its limit (30 s).
    found = series(model.add_all([live(1, 20, 110)]))
    assert found[TOTAL] == [(20, 140.0)]
    found = series(model.add_all([live(1, 40, 120)]))
    # At 30 s its count went stale: a gap in its series, the sums without it from then.
    assert same(found[destination_key(3)], [(30, math.nan)])
    assert found[TOTAL] == [(30, 110.0), (40, 120.0)]
    assert same(found[FR], [(30, math.nan), (40, math.nan)])


def test_a_night_without_polls_is_a_gap_not_a_straight_line() -> None:
    model = totals()
    model.add_all([live(1, 0, 100), live(2, 0, 50), live(3, 0, 30)])
    morning = 10 * 3600
    found = series(model.add_all([live(1, morning, 80), live(2, morning, 40),
                                  live(3, morning, 20)]))
    for key in (destination_key(1), destination_key(2), destination_key(3)):
        assert same(found[key][:1], [(STALE_S, math.nan)]), key
    assert same(found[TOTAL][:1], [(STALE_S, math.nan)])
    assert found[TOTAL][-1] == (morning, 140.0)


def test_one_aggregate_point_a_bucket_the_newest_replacing_the_last() -> None:
    model = totals()
    first = model.add_all([live(1, 0, 100), live(2, 1, 50)])
    again = model.add_all([live(3, 2, 30)])
    assert [p for p in again if p[0] == TOTAL] == [(TOTAL, at(2).timestamp(), 180.0, True)]
    assert series(first + again)[TOTAL] == [(2, 180.0)]
    later = model.add_all([live(1, BUCKET_S + 1, 90)])
    assert [p[3] for p in later if p[0] == TOTAL] == [False]


def test_aggregates_wait_for_a_later_bucket_or_a_flush() -> None:
    model = totals()
    assert [p[0] for p in model.add(live(1, 0, 100))] == [destination_key(1)]
    assert [p[0] for p in model.add(live(2, 1, 50))] == [destination_key(2)]
    settled = model.add(live(1, BUCKET_S, 110))
    assert (TOTAL, at(1).timestamp(), 150.0, False) in settled
    assert [p[:3] for p in model.flush() if p[0] == TOTAL] == [
        (TOTAL, at(BUCKET_S).timestamp(), 160.0)]
    assert model.flush() == []


def test_older_samples_and_unknown_destinations_are_dropped() -> None:
    model = totals()
    points = model.add_all([live(1, 10, 100)])
    assert model.add(live(1, 5, 999)) == []
    assert model.add(live(42, 20, 999)) == []
    points += model.add_all([live(2, 11, 1)])
    assert series(points)[TOTAL] == [(11, 101.0)]  # its bucket's point, replaced


def test_stale_means_the_newest_count_under_a_series_is_older_than_its_limit() -> None:
    model = totals()
    model.add_all([live(1, 0, 100), live(3, 20, 30)])
    now = at(STALE_S + 5).timestamp()
    assert model.stale(destination_key(1), now)
    assert not model.stale(destination_key(3), now)
    assert model.stale(EN, now)
    assert model.stale(TOTAL, now)  # one count in it is old
    assert not model.stale(FR, now)
    model.add_all([not_live(1, 30, ViewerState.OFFLINE)])
    assert not model.stale(destination_key(1), now)  # offline is not stale: it is offline


def test_a_sample_marked_stale_stops_its_count() -> None:
    model = totals()
    model.add_all([live(1, 0, 100), live(3, 0, 30)])
    marked = live(1, 0, 100).marked_stale()
    assert model.add(marked) == []
    assert model.stale(destination_key(1), at(1).timestamp())
    assert [p[1:3] for p in model.flush() if p[0] == TOTAL] == [(at(0).timestamp(), 30.0)]
    model.add_all([live(1, 5, 90)])
    assert not model.stale(destination_key(1), at(6).timestamp())


def test_limits_follow_the_platform_unless_given() -> None:
    youtube, manual = DESTINATIONS[0], Destination(Platform.MANUAL, "", label="Hall", id=5)
    assert default_stale_after_s(youtube) == stale_after_s(DEFAULT_INTERVALS_S[Platform.YOUTUBE])
    assert default_stale_after_s(manual) == MANUAL_STALE_AFTER_S
    model = ViewerTotals([youtube, manual])
    assert model.carried_for_s(destination_key(1)) == default_stale_after_s(youtube)
    assert model.carried_for_s(TOTAL) == MANUAL_STALE_AFTER_S


def test_changing_the_destinations_keeps_the_counts_of_those_still_counted() -> None:
    model = totals()
    model.add_all([live(1, 0, 100), live(2, 0, 50), live(3, 0, 30)])
    model.set_destinations(DESTINATIONS[:1] + DESTINATIONS[2:], {1: STALE_S, 3: STALE_S})
    assert EN in model.keys
    assert destination_key(2) not in model.keys
    found = series(model.add_all([live(3, 10, 40)]))
    assert found[TOTAL] == [(10, 140.0)]
    assert found[EN] == [(10, 100.0)]


@pytest.mark.parametrize("order", ["forward", "interleaved"])
def test_every_series_time_only_goes_forward(order: str) -> None:
    model = totals(limit=12.5)
    samples = []
    for k in range(200):
        for d in (1, 2, 3):
            if order == "interleaved" and (k + d) % 7 == 0:
                continue  # some polls missed: some counts go stale on the way
            offline = (k // 20 + d) % 5 == 0
            samples.append(not_live(d, k * 5 + d * 0.3, ViewerState.OFFLINE) if offline
                           else live(d, k * 5 + d * 0.3, 10 * d + k))
    found = series(model.add_all(samples))
    for key, points in found.items():
        times = [t for t, _ in points]
        assert times == sorted(times), key
    assert len(found[TOTAL]) <= 200 + 3 * 40  # a point a bucket, and the expiries
