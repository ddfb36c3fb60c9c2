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

A whole history (the graph's start) goes through :meth:`ViewerTotals.load`, which
gives the same points over arrays: the stale limits that pass, the instants the
aggregates are worked out and who counts at each follow from the sorted samples
alone, so no sample needs a step of its own.

Times are POSIX seconds (floats); nothing here reads a clock: callers pass ``now``.
"""

from __future__ import annotations

import enum
import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from itertools import repeat
from operator import attrgetter
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

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

Array = npt.NDArray[np.float64]
Indices = npt.NDArray[np.intp]
Flags = npt.NDArray[np.bool_]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A series' points as :meth:`ViewerTotals.load` gives them: times and values.
SeriesArrays = tuple[Array, Array]


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

    # --- a whole history at once ----------------------------------------------------------

    def load(self, samples: Iterable[ViewerSample]) -> dict[SeriesKey, SeriesArrays]:
        """Forget every reading, then take ``samples`` (any order) in one go: each
        series' points as arrays (times, values), less the points a newer one of their
        bucket replaced. Points and the state left are those of :meth:`add_all` of the
        samples sorted by time on a fresh instance, worked out over arrays: two days of
        eight destinations are a quarter of a million samples."""
        self._forget()
        readings = self._readings(samples)
        if readings is None:
            return {key: (np.empty(0), np.empty(0)) for key in self.keys}
        expiries = _expiries(readings)
        emitted = _aggregate_points(readings, expiries, self._bucket_s)
        arrays = self._sums(readings, expiries, emitted)
        for d, state in enumerate(self._latest.values()):
            arrays[state.key] = _destination_points(readings, expiries, d)
        self._resume(readings, expiries, emitted)
        return arrays

    def _forget(self) -> None:
        for state in self._latest.values():
            state.at, state.value, state.expired, state.marked = -math.inf, None, False, False
        self._pending, self._pending_bucket = None, -math.inf
        self._aggregate_at, self._aggregate_bucket = -math.inf, None
        self._next_expiry = -math.inf

    def _readings(self, samples: Iterable[ViewerSample]) -> _Readings | None:
        # The order add_all's callers give: by time, the samples of one instant as given.
        ordered = sorted(samples, key=attrgetter("at_utc"))
        count = len(ordered)
        # Maps of C functions, not a loop: each of these runs once per sample.
        ids = np.fromiter(map(attrgetter("destination_id"), ordered), np.int64, count)
        counted = np.array(list(self._latest), dtype=np.int64)
        known = np.flatnonzero(np.isin(ids, counted))  # the others change nothing
        if not len(known):
            return None
        at = _timestamps(list(map(attrgetter("at_utc"), ordered)))[known]
        live = np.fromiter(map(operator.is_, map(attrgetter("state"), ordered), repeat(LIVE)),
                           np.bool_, count)[known]
        viewers = np.fromiter(map(attrgetter("viewers"), ordered), np.float64, count)[known]
        marked = np.fromiter(map(attrgetter("stale"), ordered), np.bool_, count)[known]
        by_id = np.argsort(counted)
        who = by_id[np.searchsorted(counted, ids[known], sorter=by_id)]
        limits = np.array([s.stale_after for s in self._latest.values()], dtype=np.float64)
        return _Readings(
            at=at, who=who, value=np.where(live, viewers, NAN), marked=marked, limits=limits,
            languages=[self._languages.index(s.language) for s in self._latest.values()],
            normal_of=_by_destination(np.flatnonzero(~marked), who, len(limits)),
            marks_of=_by_destination(np.flatnonzero(marked), who, len(limits)),
        )

    def _sums(self, readings: _Readings, expiries: _Expiries,
              emitted: _Emitted) -> dict[SeriesKey, SeriesArrays]:
        """The total and each language at each aggregate point kept."""
        sums = np.zeros((len(self._languages) + 1, len(emitted.at)))
        counted = np.zeros(sums.shape, dtype=np.bool_)
        for d in range(len(self._latest)):
            counts = _counts(readings, expiries, emitted, d)
            values = np.where(counts, readings.value[_latest(readings, emitted, d)], 0.0)
            for row in (0, 1 + readings.languages[d]):
                # Counts are whole numbers: their sums are exact in any order.
                sums[row] += values
                counted[row] |= counts
        sums[~counted] = NAN
        return {key: (emitted.at, sums[row])
                for row, key in enumerate((TOTAL, *self._languages))}

    def _resume(self, readings: _Readings, expiries: _Expiries, emitted: _Emitted) -> None:
        """Leave each destination's newest reading, and what the aggregates were last
        given, as :meth:`add_all` would have left them."""
        for d, state in enumerate(self._latest.values()):
            normal, marks = readings.normal_of[d], readings.marks_of[d]
            if len(normal):
                newest = int(normal[-1])
                value = float(readings.value[newest])
                state.at = float(readings.at[newest])
                state.value = None if math.isnan(value) else value
                state.expired = bool(expiries.rank[newest] < len(expiries.at))
            state.marked = bool(len(marks)) and (not len(normal) or marks[-1] > normal[-1])
        if not readings.marked.all():
            self._next_expiry = min((s.at + s.stale_after for s in self._latest.values()
                                     if s.value is not None and not s.expired),
                                    default=math.inf)
        self._pending_bucket = self._bucket(float(readings.at[-1]))
        self._aggregate_at = float(emitted.at[-1])
        self._aggregate_bucket = self._bucket(self._aggregate_at)


# --- the arrays behind ViewerTotals.load ---------------------------------------------------
# Sample indices are positions in the sorted samples; "normal" samples are readings,
# the others stale marks. Fed in time order, add_all settles the aggregates of the
# previous sample whenever a reading falls in a later bucket, passes each stale limit
# at the first reading after it, and works the aggregates out again at each limit that
# is not older than the previous sample; the functions below find those instants.


class _Readings(NamedTuple):
    at: Array  # POSIX seconds, oldest first
    who: Indices  # the destination's position among the counted ones
    value: Array  # the live count; NaN when not live
    marked: Flags  # a stale mark, not a reading
    limits: Array  # each destination's stale limit
    languages: list[int]  # each destination's language, by position
    normal_of: list[Indices]  # each destination's readings
    marks_of: list[Indices]  # each destination's stale marks


class _Expiries(NamedTuple):
    """The stale limits passed, in the order add_all passes them: by time, then by
    destination."""

    sample: Indices  # the reading whose count went stale
    at: Array  # when: its time plus its destination's limit
    when: Indices  # the reading that passed it: the first one after ``at``
    rank: Indices  # by sample: its limit's place in this order (len(at) if never passed)


class _Emitted(NamedTuple):
    """The aggregate points kept: each with how much had happened before it."""

    at: Array
    samples: Indices  # samples taken before it
    expiries: Indices  # stale limits passed before it (itself included)


def _timestamps(instants: list[datetime]) -> Array:
    """``datetime.timestamp`` of each: for aware ones, by the same subtraction from the
    epoch it makes, at half its cost."""
    try:
        seconds = map(timedelta.total_seconds, map(operator.sub, instants, repeat(_EPOCH)))
        return np.fromiter(seconds, np.float64, len(instants))
    except TypeError:  # naive: local time, as timestamp() reads it
        return np.fromiter(map(datetime.timestamp, instants), np.float64, len(instants))


def _by_destination(indices: Indices, who: Indices, destinations: int) -> list[Indices]:
    grouped = indices[np.argsort(who[indices], kind="stable")]
    counts = np.bincount(who[indices], minlength=destinations)
    return np.split(grouped, np.cumsum(counts)[:-1])


def _ends(readings: _Readings, indices: Indices) -> Array:
    """When the counts of these readings go stale, as ``_expire_before`` works it out."""
    return readings.at[indices] + readings.limits[readings.who[indices]]


def _expiries(readings: _Readings) -> _Expiries:
    """A live count's limit passes when a reading comes after it, unless its own
    destination's next reading came first (at or before the limit)."""
    normal = np.flatnonzero(~readings.marked)
    following = np.full(len(readings.at), math.inf)  # the destination's next reading
    for rows in readings.normal_of:
        following[rows[:-1]] = readings.at[rows[1:]]
    ends = _ends(readings, normal)
    first_after = np.searchsorted(readings.at[normal], ends, side="right")
    passed = (~np.isnan(readings.value[normal]) & (first_after < len(normal))
              & (ends < following[normal]))
    order = np.lexsort((readings.who[normal[passed]], ends[passed]))
    sample = normal[passed][order]
    rank = np.full(len(readings.at), len(sample), dtype=np.intp)
    rank[sample] = np.arange(len(sample))
    return _Expiries(sample=sample, at=ends[passed][order],
                     when=normal[first_after[passed][order]], rank=rank)


def _aggregate_points(readings: _Readings, expiries: _Expiries,
                      bucket_s: float) -> _Emitted:
    """The aggregate points add_all gives, in its order, less those replaced."""
    count, passed = len(readings.at), len(expiries.at)
    buckets = readings.at // bucket_s
    settling = np.flatnonzero(~readings.marked)
    settling = settling[settling > 0]
    settling = settling[buckets[settling] != buckets[settling - 1]]
    # A limit older than the previous sample gives no point: the pending one stands.
    shown = np.flatnonzero(expiries.at >= readings.at[expiries.when - 1])
    samples = np.concatenate([settling, expiries.when[shown], [count]])
    at = np.concatenate([readings.at[settling - 1], expiries.at[shown], readings.at[-1:]])
    before = np.concatenate([np.searchsorted(expiries.when, settling, side="left"),
                             shown + 1, [passed]])
    # At one sample, the previous sample's point comes first, then the limits in order.
    order = np.lexsort((np.concatenate([np.full(len(settling), -1), shown, [-1]]), samples))
    at, samples, before = at[order], samples[order], before[order]
    bucket = at // bucket_s
    kept = np.append(bucket[1:] != bucket[:-1], True)
    return _Emitted(at=at[kept], samples=samples[kept], expiries=before[kept])


def _latest(readings: _Readings, emitted: _Emitted, d: int) -> Indices:
    """Destination ``d``'s newest reading before each point (its first when none)."""
    normal = readings.normal_of[d]
    if not len(normal):
        return np.zeros(len(emitted.at), dtype=np.intp)
    before = np.searchsorted(normal, emitted.samples, side="left")
    return normal[np.maximum(before - 1, 0)]


def _counts(readings: _Readings, expiries: _Expiries, emitted: _Emitted, d: int) -> Flags:
    """Whether destination ``d``'s count is in the aggregates at each point: what
    ``_aggregates`` asks of its newest reading."""
    normal, marks = readings.normal_of[d], readings.marks_of[d]
    if not len(normal):
        return np.zeros(len(emitted.at), dtype=np.bool_)
    has = np.searchsorted(normal, emitted.samples, side="left") > 0
    latest = _latest(readings, emitted, d)
    marked = (np.searchsorted(marks, emitted.samples, side="left")
              > np.searchsorted(marks, latest, side="right"))
    expired = expiries.rank[latest] < emitted.expiries
    fresh = emitted.at - readings.at[latest] <= readings.limits[d]
    counts: Flags = has & ~np.isnan(readings.value[latest]) & ~marked & ~expired & fresh
    return counts


def _destination_points(readings: _Readings, expiries: _Expiries, d: int) -> SeriesArrays:
    """Each reading, and a gap where its count went stale."""
    normal = readings.normal_of[d]
    passed = expiries.rank[normal] < len(expiries.at)
    times = np.column_stack([readings.at[normal], _ends(readings, normal)]).ravel()
    values = np.column_stack([readings.value[normal], np.full(len(normal), NAN)]).ravel()
    kept = np.column_stack([np.ones(len(normal), dtype=np.bool_), passed]).ravel()
    return times[kept], values[kept]
