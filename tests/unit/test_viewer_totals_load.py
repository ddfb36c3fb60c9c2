"""A whole history loaded at once (``ViewerTotals.load``, over arrays) gives exactly the
points of the samples fed one by one (``add_all``), and leaves the same state behind:
on random histories with offline, hidden and failed polls, gaps, counts going stale,
stale marks, samples of one instant, unknown destinations and any order.

Each case is drawn from its own seed (named when it fails), so a failure replays."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import numpy as np

from console.models.viewer_totals import SeriesPoint, ViewerTotals
from console.models.viewers import Destination, Platform, ViewerSample, ViewerState

T0 = datetime(2026, 10, 23, 9, 0, tzinfo=UTC)
LIVE = ViewerState.LIVE
LANGUAGES = ("en", "fr", None)
# Limits that are multiples of one another, so that counts go stale at one instant.
LIMITS = (2.5, 5.0, 7.5, 12.5, 30.0)
# Steps between samples: many at one instant, some within a bucket, a night.
STEPS = (0.0, 0.0, 0.0, 0.25, 1.0, 2.5, 4.999999, 5.0, 7.5, 12.5, 30.0, 3600.0)
JITTER_US = (0, 0, 0, 1, 333_333)
UNKNOWN_ID = 99
STATES = (LIVE, LIVE, LIVE, *ViewerState)
CASES = 800


def twins(rng: random.Random) -> tuple[ViewerTotals, ViewerTotals]:
    """Two models counting the same destinations with the same limits."""
    count = rng.randint(1, 5)
    destinations = [Destination(Platform.OWNCAST, f"https://{n}.example", label=f"S{n}",
                                language=rng.choice(LANGUAGES), id=n)
                    for n in range(1, count + 1)]
    # Without limits, each destination's platform default (here 12.5 s) applies.
    limits = None if rng.random() < 0.3 else {
        n: rng.choice(LIMITS) for n in range(1, count + 1)}
    bucket_s = rng.choice((5.0, 2.0))
    return (ViewerTotals(destinations, limits, bucket_s),
            ViewerTotals(destinations, limits, bucket_s))


def samples(rng: random.Random, start: float = 0.0, most: int = 80) -> list[ViewerSample]:
    """Oldest first; one in ten marked stale, some of a destination not counted."""
    found = []
    seconds = start
    for _ in range(rng.randint(0, most)):
        seconds += rng.choice(STEPS)
        at = T0 + timedelta(seconds=seconds, microseconds=rng.choice(JITTER_US))
        state = rng.choice(STATES)
        viewers = rng.choice((None, rng.randint(0, 10**7))) if state is LIVE else None
        sample = ViewerSample(rng.choice((1, 2, 3, 4, 5, UNKNOWN_ID)), at, state, viewers)
        found.append(sample.marked_stale() if rng.random() < 0.1 else sample)
    return found


def by_time(history: list[ViewerSample]) -> list[ViewerSample]:
    return sorted(history, key=lambda sample: sample.at_utc)


def applied(points: list[SeriesPoint]) -> dict[object, tuple[list[float], list[float]]]:
    """The points as the graph's rings take them: a replacing point overwrites the last."""
    found: dict[object, tuple[list[float], list[float]]] = {}
    for key, at, value, replaces in points:
        times, values = found.setdefault(key, ([], []))
        if replaces and times:
            times[-1], values[-1] = at, value
        else:
            times.append(at)
            values.append(value)
    return found


def same_points(a: list[SeriesPoint], b: list[SeriesPoint]) -> bool:
    return len(a) == len(b) and all(
        (ka, ta, ra) == (kb, tb, rb) and (va == vb or (math.isnan(va) and math.isnan(vb)))
        for (ka, ta, va, ra), (kb, tb, vb, rb) in zip(a, b, strict=True))


def test_loading_at_once_gives_the_points_of_adding_one_by_one() -> None:
    for seed in range(CASES):
        rng = random.Random(seed)
        one_by_one, at_once = twins(rng)
        history = samples(rng)
        rng.shuffle(history)  # samples of one instant are taken in the order given, by both
        expected = applied(one_by_one.add_all(by_time(history)))
        loaded = at_once.load(history)

        assert set(loaded) == set(one_by_one.keys), seed
        for key in one_by_one.keys:
            times, values = expected.get(key, ([], []))
            assert np.array_equal(loaded[key][0], np.array(times, dtype=np.float64)), \
                (seed, key)
            assert np.array_equal(loaded[key][1], np.array(values, dtype=np.float64),
                                  equal_nan=True), (seed, key)


def test_after_loading_new_samples_go_on_as_if_added_one_by_one() -> None:
    for seed in range(CASES // 2):
        rng = random.Random(seed)
        one_by_one, at_once = twins(rng)
        history = samples(rng)
        one_by_one.add_all(by_time(history))
        at_once.load(history)
        end = max(((s.at_utc - T0).total_seconds() for s in history), default=0.0)

        for sample in samples(rng, start=end, most=25):
            now = sample.at_utc.timestamp()
            for key in one_by_one.keys:
                assert one_by_one.stale(key, now) == at_once.stale(key, now), (seed, key)
            assert same_points(one_by_one.add(sample), at_once.add(sample)), (seed, sample)
        assert same_points(one_by_one.flush(), at_once.flush()), seed


def test_loading_again_forgets_what_was_loaded_or_added_before() -> None:
    rng = random.Random(0)
    fresh, reused = twins(rng)
    reused.add_all(samples(rng))
    reused.load(samples(rng))
    history = samples(rng)
    expected, loaded = fresh.load(history), reused.load(history)
    for key in fresh.keys:
        assert np.array_equal(np.stack(expected[key]), np.stack(loaded[key]),
                              equal_nan=True), key


def test_loading_nothing_or_only_unknown_destinations_gives_empty_series() -> None:
    model = ViewerTotals([Destination(Platform.OWNCAST, "https://a.example", id=1)])
    for history in ([], [ViewerSample(UNKNOWN_ID, T0, LIVE, 5)]):
        loaded = model.load(history)
        assert set(loaded) == set(model.keys)
        assert all(len(times) == len(values) == 0 for times, values in loaded.values())
        assert model.flush() == []
