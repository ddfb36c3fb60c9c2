"""The viewer graph's data: a fixed-size ring of (time, value) per series, in numpy.

:class:`RingSeries` appends in O(1) and hands out its points oldest first as views
(no copy), which the graph gives pyqtgraph as they are. Each array is stored twice
over (a mirrored ring), so the newest points are always one contiguous slice
whatever the wrap. It holds :attr:`~RingSeries.capacity` points plus a headroom that
is never shown: a view handed out stays unchanged for ``headroom`` further appends
(only :meth:`~RingSeries.replace_last` touches a point in it, its last one), long
after the graph has asked for a new one.

:class:`ViewerSeries` keeps one ring per series of
:class:`~console.models.viewer_totals.ViewerTotals` (each destination, each
language, the total) and notes which changed since the graph last drew them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from console.models.viewer_totals import SeriesKey, SeriesPoint, ViewerTotals
from console.models.viewers import MIN_INTERVAL_S, Destination, ViewerSample

Array = npt.NDArray[np.float64]

# Three days at the fastest poll: a two-day conference and its eve, with room to spare.
CAPACITY = int(3 * 24 * 3600 / MIN_INTERVAL_S)
HEADROOM = CAPACITY // 8


class RingSeries:
    """Points ``(t, value)``, ``t`` in POSIX seconds never going back, ``value`` NaN for a
    gap. When full, each append drops the oldest point."""

    def __init__(self, capacity: int = CAPACITY, headroom: int = HEADROOM) -> None:
        if capacity < 1 or headroom < 0:
            raise ValueError("a ring needs room for at least one point")
        self.capacity = capacity
        self._size = capacity + headroom  # slots in one copy of the ring
        self._t: Array = np.full(2 * self._size, np.nan)
        self._v: Array = np.full(2 * self._size, np.nan)
        self._written = 0  # points ever appended; the next goes to _written % _size

    def __len__(self) -> int:
        return min(self._written, self.capacity)

    def append(self, t: float, value: float) -> None:
        slot = self._written % self._size
        self._t[slot] = self._t[slot + self._size] = t
        self._v[slot] = self._v[slot + self._size] = value
        self._written += 1

    def replace_last(self, t: float, value: float) -> None:
        """Replace the newest point (append when there is none)."""
        if self._written == 0:
            self.append(t, value)
            return
        slot = (self._written - 1) % self._size
        self._t[slot] = self._t[slot + self._size] = t
        self._v[slot] = self._v[slot + self._size] = value

    def extend(self, ts: npt.ArrayLike, values: npt.ArrayLike) -> None:
        """Append many points at once (oldest first)."""
        t = np.asarray(ts, dtype=np.float64)
        v = np.asarray(values, dtype=np.float64)
        if t.shape != v.shape or t.ndim != 1:
            raise ValueError("times and values must be two 1-D arrays of one length")
        skipped = max(0, len(t) - self._size)  # only the newest fit
        slots = (self._written + skipped + np.arange(len(t) - skipped)) % self._size
        for half in (0, self._size):
            self._t[slots + half] = t[skipped:]
            self._v[slots + half] = v[skipped:]
        self._written += len(t)

    def clear(self) -> None:
        self._written = 0

    def arrays(self) -> tuple[Array, Array]:
        """Times and values, oldest first: views into the ring, not copies."""
        count = len(self)
        end = self._written % self._size
        if end < count:
            end += self._size  # the mirrored copy continues where the ring wraps
        return self._t[end - count:end], self._v[end - count:end]

    def last(self) -> tuple[float, float] | None:
        if self._written == 0:
            return None
        slot = (self._written - 1) % self._size
        return float(self._t[slot]), float(self._v[slot])

    def value_at(self, t: float, carried_for_s: float = math.inf) -> float:
        """The value in force at ``t``: the last point at or before it, unless that is
        more than ``carried_for_s`` before; NaN otherwise."""
        times, values = self.arrays()
        index = int(np.searchsorted(times, t, side="right")) - 1
        if index < 0 or t - times[index] > carried_for_s:
            return math.nan
        return float(values[index])

    def between(self, start: float, end: float) -> Array:
        """The values of the points from ``start`` to ``end`` (a view)."""
        times, values = self.arrays()
        first = int(np.searchsorted(times, start, side="left"))
        last = int(np.searchsorted(times, end, side="right"))
        return values[first:last]


class ViewerSeries:
    """Every series of the graph, fed with samples; :attr:`changed` names the series
    with points the graph has not drawn yet (the graph empties it)."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.totals = ViewerTotals()
        self._capacity = capacity
        self._rings: dict[SeriesKey, RingSeries] = {}
        self.changed: set[SeriesKey] = set()
        self._ensure_rings()

    def set_destinations(self, destinations: Sequence[Destination],
                         stale_after: Mapping[int, float] | None = None) -> None:
        self.totals.set_destinations(destinations, stale_after)
        self._ensure_rings()

    def ring(self, key: SeriesKey) -> RingSeries:
        return self._rings[key]

    @property
    def keys(self) -> tuple[SeriesKey, ...]:
        return self.totals.keys

    def add(self, sample: ViewerSample) -> None:
        self._apply(self.totals.add(sample))

    def flush(self) -> bool:
        """Settle the aggregates of the newest samples; True when anything is undrawn."""
        self._apply(self.totals.flush())
        return bool(self.changed)

    def load(self, samples: Iterable[ViewerSample]) -> None:
        """Replace every series with what ``samples`` (in any order) make, in one go."""
        arrays = self.totals.load(samples)
        for key, ring in self._rings.items():
            ring.clear()
            if key in arrays:
                ring.extend(*arrays[key])
            self.changed.add(key)

    # --- inside -------------------------------------------------------------------------

    def _ensure_rings(self) -> None:
        for key in self.keys:
            if key not in self._rings:
                self._rings[key] = RingSeries(self._capacity)

    def _apply(self, points: list[SeriesPoint]) -> None:
        for key, at, value, replaces in points:
            ring = self._rings[key]
            if replaces:
                ring.replace_last(at, value)
            else:
                ring.append(at, value)
            self.changed.add(key)
