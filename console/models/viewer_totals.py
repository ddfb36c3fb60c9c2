"""Viewer series: one per destination, one per language, and the show's total.

A destination's series is its own readings: the count when it is live, a gap (NaN)
otherwise (offline, hidden, an error: never zero). A language's series is the sum
of its destinations' latest live counts, and the total the sum over every
destination. A destination's last count is carried forward only while it is not
stale (:func:`~console.models.viewers.stale_after_s` of its poll interval); once
stale, or offline, it adds nothing. A language with no live destination is a gap,
not zero, and so is the total with none at all.

Aggregate points are kept to one per :data:`BUCKET_S` (the fastest poll): a new
reading in the same bucket replaces the bucket's point (``replaces_last``), so eight
destinations polled every five seconds give the total one point every five seconds,
not eight. When a carried count goes stale with nothing else arriving, the
aggregates get a point at that instant without it, and the destination's series a
gap, so a night without polls is a gap in every series, not a straight line.

Times are POSIX seconds (floats); nothing here reads a clock: callers pass ``now``.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from console.models.viewers import (
    DEFAULT_INTERVALS_S,
    MIN_INTERVAL_S,
    Destination,
    Platform,
    ViewerSample,
    ViewerState,
    stale_after_s,
)

NAN = math.nan
LIVE = ViewerState.LIVE
BUCKET_S = MIN_INTERVAL_S
# An operator types a manual count now and then; it stands this long, then it is stale.
MANUAL_STALE_AFTER_S = 15 * 60.0


class SeriesKind(enum.StrEnum):
    TOTAL = "total"
    LANGUAGE = "language"
    DESTINATION = "destination"


class SeriesKey(NamedTuple):
    """Which series: the total, a language (its code; "" for destinations without one),
    or a destination (its id, as text). A tuple: cheap to hash, it keys every point."""

    kind: SeriesKind
    name: str = ""


TOTAL = SeriesKey(SeriesKind.TOTAL)


def language_key(language: str | None) -> SeriesKey:
    return SeriesKey(SeriesKind.LANGUAGE, language or "")


def destination_key(destination_id: int) -> SeriesKey:
    return SeriesKey(SeriesKind.DESTINATION, str(destination_id))


# A point to add to a series: (series, at, value, replaces_last); ``replaces_last``: it
# replaces the series' last point (a newer reading in the same bucket). A plain tuple:
# a two-day history makes half a million of them.
SeriesPoint = tuple[SeriesKey, float, float, bool]


def default_stale_after_s(destination: Destination) -> float:
    """How long a destination's count is carried, from its platform's default interval."""
    if destination.platform is Platform.MANUAL:
        return MANUAL_STALE_AFTER_S
    return stale_after_s(DEFAULT_INTERVALS_S[destination.platform])


class _Latest:
    """What is known of one destination: its newest reading."""

    __slots__ = ("at", "expired", "key", "language", "marked", "stale_after", "value")

    def __init__(self, key: SeriesKey, language: SeriesKey, stale_after: float) -> None:
        self.key = key
        self.language = language
        self.stale_after = stale_after
        self.at = -math.inf
        self.value: float | None = None  # the live count, None when not live
        self.expired = False  # carried past its stale limit: it no longer counts
        self.marked = False  # the sample source said the count is stale

    def counts_at(self, at: float) -> bool:
        return (self.value is not None and not self.expired and not self.marked
                and at - self.at <= self.stale_after)

    def stale_at(self, now: float) -> bool:
        return self.value is not None and not self.expired and (
            self.marked or now - self.at > self.stale_after)


class ViewerTotals:
    """Turns samples into series points (see the module's docstring).

    Feed samples oldest first with :meth:`add`; a sample older than its destination's
    newest is dropped, and samples of destinations not given are ignored. Aggregate
    points wait until a sample of a later bucket arrives or :meth:`flush` is called.
    """

    def __init__(self, destinations: Sequence[Destination] = (),
                 stale_after: Mapping[int, float] | None = None,
                 bucket_s: float = BUCKET_S) -> None:
        self._bucket_s = bucket_s
        self._latest: dict[int, _Latest] = {}
        self._languages: tuple[SeriesKey, ...] = ()
        self._destinations: tuple[SeriesKey, ...] = ()
        self._pending: float | None = None  # newest sample time not yet in the aggregates
        self._pending_bucket = -math.inf
        self._aggregate_at = -math.inf
        self._aggregate_bucket: float | None = None
        self._next_expiry = math.inf
        self.set_destinations(destinations, stale_after)

    # --- what the series are -------------------------------------------------------

    def set_destinations(self, destinations: Sequence[Destination],
                         stale_after: Mapping[int, float] | None = None) -> None:
        """Count these destinations from now on (those with an id); one still counted
        keeps its newest reading. ``stale_after`` (seconds, by destination id) defaults
        to :func:`default_stale_after_s`."""
        limits = stale_after or {}
        latest: dict[int, _Latest] = {}
        for destination in destinations:
            if destination.id is None:
                continue
            limit = limits.get(destination.id, default_stale_after_s(destination))
            state = self._latest.get(destination.id)
            language = language_key(destination.language)
            if state is None:
                state = _Latest(destination_key(destination.id), language, limit)
            state.language, state.stale_after = language, limit
            latest[destination.id] = state
        self._latest = latest
        self._destinations = tuple(state.key for state in latest.values())
        self._languages = tuple(sorted({state.language for state in latest.values()},
                                       key=lambda key: (key.name == "", key.name)))
        self._next_expiry = -math.inf  # worked out again at the next sample

    @property
    def keys(self) -> tuple[SeriesKey, ...]:
        """Every series: the total, the languages (by code, none last), the destinations
        (in the order given)."""
        return (TOTAL, *self._languages, *self._destinations)

    @property
    def languages(self) -> tuple[SeriesKey, ...]:
        return self._languages

    @property
    def destinations(self) -> tuple[SeriesKey, ...]:
        return self._destinations

    def members(self, key: SeriesKey) -> tuple[SeriesKey, ...]:
        """The destinations a series is made of."""
        if key.kind is SeriesKind.TOTAL:
            return self._destinations
        if key.kind is SeriesKind.LANGUAGE:
            return tuple(s.key for s in self._latest.values() if s.language == key)
        return (key,) if key in self._destinations else ()

    def carried_for_s(self, key: SeriesKey) -> float:
        """How long a value of the series may stand (the longest stale limit among its
        destinations): a reading further back than this says nothing about an instant."""
        members = set(self.members(key))
        limits = [s.stale_after for s in self._latest.values() if s.key in members]
        return max(limits, default=self._bucket_s)

    def stale(self, key: SeriesKey, now: float) -> bool:
        """Whether the series' current value rests on a count older than its limit (or
        one the sample source marked stale)."""
        members = set(self.members(key))
        return any(s.stale_at(now) for s in self._latest.values() if s.key in members)

    # --- feeding it ---------------------------------------------------------------------

    def add(self, sample: ViewerSample) -> list[SeriesPoint]:
        """The points ``sample`` settles: its destination's, and the aggregates of any
        earlier bucket (and any stale limit passed on the way)."""
        points: list[SeriesPoint] = []
        self._add(sample, points)
        return points

    def add_all(self, samples: Iterable[ViewerSample]) -> list[SeriesPoint]:
        """:meth:`add` of each sample (oldest first), then :meth:`flush`."""
        points: list[SeriesPoint] = []
        add = self._add
        for sample in samples:
            add(sample, points)
        points.extend(self.flush())
        return points

    def flush(self) -> list[SeriesPoint]:
        """The aggregates as of the newest sample (a later sample in the same bucket
        will replace them)."""
        if self._pending is None:
            return []
        points = self._aggregates(self._pending)
        self._pending = None
        return points

    # --- inside -------------------------------------------------------------------------

    def _add(self, sample: ViewerSample, points: list[SeriesPoint]) -> None:
        state = self._latest.get(sample.destination_id)
        if state is None:
            return
        at = sample.at_utc.timestamp()
        if sample.stale:
            # The source says the count in hand is stale: it stops counting now.
            state.marked = True
            self._pending = max(at, self._aggregate_at, self._pending or -math.inf)
            self._pending_bucket = self._bucket(self._pending)
            return
        if at < state.at:
            return
        if self._pending is not None and at // self._bucket_s != self._pending_bucket:
            points.extend(self._aggregates(self._pending))
            self._pending = None
        if at > self._next_expiry:
            points.extend(self._expire_before(at))
        value = float(sample.viewers) if sample.state is LIVE and sample.viewers is not None \
            else None
        state.at, state.value, state.expired, state.marked = at, value, False, False
        points.append((state.key, at, NAN if value is None else value, False))
        if self._pending is None or at > self._pending:
            self._pending = at
            self._pending_bucket = at // self._bucket_s
        if value is not None and at + state.stale_after < self._next_expiry:
            self._next_expiry = at + state.stale_after

    def _bucket(self, at: float) -> float:
        return at // self._bucket_s

    def _aggregates(self, at: float) -> list[SeriesPoint]:
        at = max(at, self._aggregate_at)  # a series' times never go back
        sums: dict[SeriesKey, float] = {}
        for state in self._latest.values():
            value = state.value  # what counts_at asks, inline: this runs for every bucket
            if value is not None and not state.expired and not state.marked \
                    and at - state.at <= state.stale_after:
                sums[state.language] = sums.get(state.language, 0.0) + value
        bucket = self._bucket(at)
        replaces = bucket == self._aggregate_bucket
        self._aggregate_at, self._aggregate_bucket = at, bucket
        points = [(TOTAL, at, sum(sums.values()) if sums else NAN, replaces)]
        points.extend((key, at, sums.get(key, NAN), replaces)
                      for key in self._languages)
        return points

    def _expire_before(self, at: float) -> list[SeriesPoint]:
        """Counts whose stale limit passed before ``at`` stop counting: a gap in their
        series and, unless later aggregates already left them out, an aggregate point."""
        points: list[SeriesPoint] = []
        expiring = sorted((s.at + s.stale_after, i, s) for i, s in enumerate(
            self._latest.values()) if s.value is not None and not s.expired
            and s.at + s.stale_after < at)
        for expiry, _, state in expiring:
            state.expired = True
            points.append((state.key, expiry, NAN, False))
            if expiry >= self._aggregate_at and (self._pending is None
                                                 or expiry >= self._pending):
                # Newer than anything pending: this point stands for it too.
                points.extend(self._aggregates(expiry))
                self._pending = None
        self._next_expiry = min((s.at + s.stale_after for s in self._latest.values()
                                 if s.value is not None and not s.expired), default=math.inf)
        return points
