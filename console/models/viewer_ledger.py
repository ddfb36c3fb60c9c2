"""What of the viewer samples belongs in the as-run log: state changes, outages, peaks.

Samples themselves go to their own table; the as-run log gets only what a producer
reads afterwards: a platform going live, offline, refusing the credentials or
failing (and for how long it had no count when it comes back), and the audience's
peak, at most once per ``PEAK_EVERY`` while it keeps climbing, and once more at
the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from console.models.viewers import Destination, ViewerSample, ViewerState

PEAK_EVERY = timedelta(minutes=10)


@dataclass(frozen=True)
class ViewerEvent:
    """One as-run row: ``details`` for the VIEWERS kind, ``language`` for its column."""

    at_utc: datetime
    language: str | None
    details: dict[str, Any]


@dataclass
class _Track:
    state: ViewerState
    since: datetime
    viewers: int | None = None


@dataclass
class ViewerLedger:
    """Follows the samples of every destination and says what to log."""

    _tracks: dict[int, _Track] = field(default_factory=dict)
    _latest: dict[int, int] = field(default_factory=dict)
    _peak: int = 0
    _peak_at: datetime | None = None
    _peak_logged: int = 0
    _peak_logged_at: datetime | None = None

    def observe(self, destination: Destination, sample: ViewerSample) -> list[ViewerEvent]:
        events: list[ViewerEvent] = []
        change = self._state_change(destination, sample)
        if change is not None:
            events.append(change)
        if sample.state is ViewerState.LIVE and sample.viewers is not None:
            self._latest[sample.destination_id] = sample.viewers
        else:
            self._latest.pop(sample.destination_id, None)
        peak = self._peak_event(sample.at_utc)
        if peak is not None:
            events.append(peak)
        return events

    def forget(self, destination_id: int) -> None:
        self._tracks.pop(destination_id, None)
        self._latest.pop(destination_id, None)

    def final_peak(self) -> ViewerEvent | None:
        """The peak not logged yet (at the end of a run), if any."""
        if self._peak_at is None or self._peak == self._peak_logged:
            return None
        return self._log_peak(self._peak_at)

    @property
    def total(self) -> int:
        """The sum of every destination's latest live count."""
        return sum(self._latest.values())

    def _state_change(self, destination: Destination,
                      sample: ViewerSample) -> ViewerEvent | None:
        track = self._tracks.get(sample.destination_id)
        self._tracks[sample.destination_id] = (
            _Track(sample.state, sample.at_utc, sample.viewers)
            if track is None or track.state is not sample.state else track)
        if track is not None and track.state is sample.state:
            return None
        details: dict[str, Any] = {
            "destination": destination.name, "platform": destination.platform.value,
            "target": destination.target, "state": sample.state.value,
            "previous": None if track is None else track.state.value,
            "viewers": sample.viewers, "detail": sample.detail or None}
        if track is not None and sample.state is ViewerState.LIVE:
            details["without_count_s"] = round((sample.at_utc - track.since).total_seconds(), 1)
        return ViewerEvent(sample.at_utc, destination.language,
                           {key: value for key, value in details.items() if value is not None})

    def _peak_event(self, at: datetime) -> ViewerEvent | None:
        total = self.total
        if total > self._peak:
            self._peak, self._peak_at = total, at
        if self._peak <= self._peak_logged or self._peak_at is None:
            return None
        if self._peak_logged_at is not None and at - self._peak_logged_at < PEAK_EVERY:
            return None
        return self._log_peak(self._peak_at)

    def _log_peak(self, at: datetime) -> ViewerEvent:
        self._peak_logged, self._peak_logged_at = self._peak, at
        return ViewerEvent(at, None, {"peak": self._peak, "total": True})
