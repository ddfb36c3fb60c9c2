"""The producer's review: what the show planned, and what the as-run log says happened.

:func:`build_review` reads a show and its as-run entries (pure: no clock, no I/O) into
one :class:`ShowReview`: every planned segment with its actual start and end, every
interpreter outage per language, the audience total, and a summary per session. Every
instant in a review is UTC; a window or report converts to the show's zone.

How the log is read (where the record leaves room for choice):

- Takes are replayed in time order, as the live state applied them. A segment ends
  when the next take starts, when the stream of the main OBS stops (a later start
  without a take in between resumes it), at a reset, or else at the last recorded
  activity (the segment is then ``open_at_end``).
- A *back* undoes the last take, as on the stage: its run is dropped and the
  segment before it continues, as if never ended.
- A segment taken more than once keeps every run: its actual start is the first,
  its actual end the last, and its overrun counts the time on air only.
- Takes in rehearsal (and backs while rehearsal is on) went to the preview, not on
  air: they are left out.
- A reset starts the stage afresh (after a rehearsal without rehearsal mode). A
  segment's record comes from the latest stretch between resets in which it ran or
  was skipped, so runs before a reset count unless the segment ran again after it.
- The plan compared with is the show as stored now; takes of segments no longer in
  it still end the segment before them, but have no row.
- An ``outage_start`` with no ``outage_end`` closes at the review's end, flagged
  ``open_at_end``; an ``outage_end`` with no start (a log that begins mid-outage)
  starts ``outage_s`` earlier when it says, and is dropped otherwise.
- The review spans the plan, the runs and the outages; the viewer curve and the rest
  of the log widen it by at most :data:`MAX_SPAN_MARGIN` either side (a test poll days
  before must not squash the show into a sliver). With none of those, it spans the
  log and the viewer samples.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from console.models.asrun import AsRunEntry, AsRunKind
from console.models.channels import MAIN_OBS
from console.models.show import Segment, Session, Show, iter_sessions

MAX_SPAN_MARGIN = timedelta(hours=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # the span of a review with nothing in it

Interval = tuple[datetime, datetime]


def _seconds(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds()  # both UTC: real seconds


@dataclass(frozen=True)
class SegmentRun:
    """One planned segment and what happened to it."""

    segment_id: str
    session_title: str
    title: str
    speakers: tuple[str, ...]
    planned_start: datetime
    planned_end: datetime
    actual_start: datetime | None  # None if never taken
    actual_end: datetime | None
    skipped: bool
    runs: tuple[Interval, ...] = ()  # each stretch on air, oldest first
    open_at_end: bool = False  # still on air when the log ends: its end is the log's

    @property
    def planned_s(self) -> float:
        return _seconds(self.planned_start, self.planned_end)

    @property
    def on_air_s(self) -> float | None:
        if not self.runs:
            return None
        return sum(_seconds(start, end) for start, end in self.runs)

    @property
    def deviation_s(self) -> float | None:
        """Seconds late (positive) or early (negative) at its first take."""
        if self.actual_start is None:
            return None
        return _seconds(self.planned_start, self.actual_start)

    @property
    def overrun_s(self) -> float | None:
        """Seconds on air beyond (positive) or short of (negative) the planned length."""
        on_air = self.on_air_s
        return None if on_air is None else on_air - self.planned_s


@dataclass(frozen=True)
class Outage:
    """One interpreter channel without sound on air."""

    language: str
    start: datetime
    end: datetime
    open_at_end: bool = False  # no outage_end in the log: closed at the review's end

    @property
    def seconds(self) -> float:
        return _seconds(self.start, self.end)


@dataclass(frozen=True)
class ViewerPoint:
    """The audience total (all destinations) from ``at`` until the next point; None:
    nobody answered (a gap, not zero)."""

    at: datetime
    viewers: int | None


@dataclass(frozen=True)
class SessionSummary:
    title: str
    planned_start: datetime
    planned_end: datetime
    actual_start: datetime | None
    actual_end: datetime | None
    overrun_s: float | None  # actual length minus planned length (start to end)
    peak_viewers: int | None
    average_viewers: float | None  # over the time with a count, gaps left out
    # Seconds without sound per language within the session's actual span (every
    # language of the review, 0.0 when none); empty when the session never ran.
    outage_s: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ShowReview:
    show_name: str
    timezone: str
    segments: tuple[SegmentRun, ...]
    outages: tuple[Outage, ...]
    viewers: tuple[ViewerPoint, ...]
    sessions: tuple[SessionSummary, ...]
    start: datetime
    end: datetime
    languages: tuple[str, ...] = ()  # the show's interpretation languages, then any other

    @property
    def empty(self) -> bool:
        """Nothing planned and nothing recorded."""
        return not (self.segments or self.outages or self.viewers)

    def viewer_stats(self, start: datetime | None = None,
                     end: datetime | None = None) -> tuple[int | None, float | None]:
        """Peak and time-weighted average audience between ``start`` and ``end``
        (default: the whole review)."""
        return viewer_stats(self.viewers, start or self.start, end or self.end, self.end)

    def viewers_at(self, at: datetime) -> int | None:
        """The audience total holding at ``at`` (None: a gap, or outside the review)."""
        if not self.start <= at <= self.end:
            return None
        held = [point for point in self.viewers if point.at <= at]
        return held[-1].viewers if held else None


@dataclass(frozen=True)
class ReviewDay:
    """One show day of a review: its date in the show's zone and the span its segments
    (planned and run) cover, with a margin."""

    day: date
    start: datetime
    end: datetime


DAY_MARGIN = timedelta(minutes=10)


def review_days(review: ShowReview, zone: tzinfo) -> tuple[ReviewDay, ...]:
    """The review day by day (a segment belongs to the date of its planned start), so a
    two-day show is not drawn as one long night; a review without segments is one day."""
    days: dict[date, list[datetime]] = {}
    for run in review.segments:
        instants = days.setdefault(run.planned_start.astimezone(zone).date(), [])
        instants += [run.planned_start, run.planned_end]
        instants += [instant for pair in run.runs for instant in pair]
    if not days:
        if review.empty:
            return ()
        return (ReviewDay(review.start.astimezone(zone).date(), review.start, review.end),)
    return tuple(ReviewDay(day, min(instants) - DAY_MARGIN, max(instants) + DAY_MARGIN)
                 for day, instants in sorted(days.items()))


# --- replaying the takes ------------------------------------------------------------


@dataclass
class _Run:
    segment_id: str
    start: datetime
    end: datetime | None = None
    open_at_end: bool = False


@dataclass
class _Stretch:
    """What ran between two resets."""

    runs: list[_Run] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)
    stream_stopped_at: datetime | None = None

    def close_live(self, at: datetime, *, at_log_end: bool = False) -> None:
        if self.runs and self.runs[-1].end is None:
            run = self.runs[-1]
            run.end = self.stream_stopped_at or at
            run.open_at_end = at_log_end and self.stream_stopped_at is None
        self.stream_stopped_at = None


class _Replay:
    """The takes, backs, skips and resets of the log, applied in turn."""

    def __init__(self) -> None:
        self.stretches = [_Stretch()]
        self.rehearsal = False

    @property
    def current(self) -> _Stretch:
        return self.stretches[-1]

    def apply(self, entry: AsRunEntry) -> None:
        match entry.kind:
            case AsRunKind.TAKE:
                self._take(entry)
            case AsRunKind.BACK:
                self._back()
            case AsRunKind.SKIP if entry.segment_id:
                self.current.skipped.add(entry.segment_id)
            case AsRunKind.UNSKIP if entry.segment_id:
                self.current.skipped.discard(entry.segment_id)
            case AsRunKind.RESET:
                self.current.close_live(entry.at_utc)
                self.stretches.append(_Stretch())
            case AsRunKind.REHEARSAL:
                self.rehearsal = entry.details.get("rehearsal") is True
            case AsRunKind.STREAM:
                self._stream(entry)

    def finish(self, log_end: datetime) -> None:
        self.current.close_live(log_end, at_log_end=True)

    def _take(self, entry: AsRunEntry) -> None:
        self.rehearsal = entry.details.get("rehearsal") is True
        if self.rehearsal or not entry.segment_id:
            return
        at = entry.actual or entry.at_utc
        stretch = self.current
        stretch.close_live(at)
        stretch.runs.append(_Run(entry.segment_id, at.astimezone(UTC)))
        stretch.skipped.discard(entry.segment_id)

    def _back(self) -> None:
        runs = self.current.runs
        if self.rehearsal or not runs:
            return
        if runs[-1].end is None:
            runs.pop()
        if runs:
            runs[-1].end, runs[-1].open_at_end = None, False

    def _stream(self, entry: AsRunEntry) -> None:
        if entry.details.get("obs", MAIN_OBS) != MAIN_OBS:
            return
        active = entry.details.get("active")
        stretch = self.current
        if active is False and stretch.stream_stopped_at is None:
            stretch.stream_stopped_at = entry.at_utc
        elif active is True:
            stretch.stream_stopped_at = None

    def records(self) -> dict[str, tuple[list[_Run], bool]]:
        """Each segment's runs and whether it was skipped, from the latest stretch that
        says either."""
        found: dict[str, tuple[list[_Run], bool]] = {}
        for stretch in self.stretches:
            ran: dict[str, list[_Run]] = {}
            for run in stretch.runs:
                ran.setdefault(run.segment_id, []).append(run)
            found.update({segment_id: ([], True) for segment_id in stretch.skipped
                          if segment_id not in ran})
            found.update({segment_id: (runs, False) for segment_id, runs in ran.items()})
        return found


# --- outages -----------------------------------------------------------------------


@dataclass(frozen=True)
class _OpenOutage:
    language: str
    start: datetime


def _outage_seconds(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


def _read_outages(entries: Iterable[AsRunEntry]) -> tuple[list[Outage], list[_OpenOutage]]:
    closed: list[Outage] = []
    open_since: dict[str, datetime] = {}
    for entry in entries:
        if entry.kind is not AsRunKind.INTERPRETER or not entry.language:
            continue
        event = entry.details.get("event")
        if event == "outage_start":
            open_since.setdefault(entry.language, entry.at_utc)
        elif event == "outage_end":
            start = open_since.pop(entry.language, None)
            if start is None:
                seconds = _outage_seconds(entry.details.get("outage_s"))
                if seconds is None:
                    continue
                start = entry.at_utc - timedelta(seconds=seconds)
            closed.append(Outage(entry.language, start, entry.at_utc))
    return closed, [_OpenOutage(lang, start) for lang, start in open_since.items()]


def _overlap_s(start: datetime, end: datetime, span_start: datetime,
               span_end: datetime) -> float:
    return max(0.0, _seconds(max(start, span_start), min(end, span_end)))


# --- viewers -----------------------------------------------------------------------


def viewer_stats(points: Sequence[ViewerPoint], start: datetime, end: datetime,
                 last_until: datetime) -> tuple[int | None, float | None]:
    """Peak and time-weighted average of ``points`` (each holds until the next; the
    last until ``last_until``) between ``start`` and ``end``; gaps count for neither."""
    peak: int | None = None
    weighted = counted_s = 0.0
    for index, point in enumerate(points):
        until = points[index + 1].at if index + 1 < len(points) else last_until
        held_s = _overlap_s(point.at, until, start, end)
        if point.viewers is None or held_s <= 0:
            continue
        peak = point.viewers if peak is None else max(peak, point.viewers)
        weighted += point.viewers * held_s
        counted_s += held_s
    return peak, (weighted / counted_s if counted_s else None)


def _clip_viewers(points: Sequence[ViewerPoint], start: datetime,
                  end: datetime) -> tuple[ViewerPoint, ...]:
    """The points within the span, with the value that holds at its start."""
    ordered = sorted(points, key=lambda point: point.at)
    before = [point for point in ordered if point.at < start]
    inside = [ViewerPoint(point.at.astimezone(UTC), point.viewers)
              for point in ordered if start <= point.at <= end]
    if before and (not inside or inside[0].at > start):
        inside.insert(0, ViewerPoint(start, before[-1].viewers))
    return tuple(inside)


# --- the span ---------------------------------------------------------------------------


def _span(core: list[datetime], other: list[datetime]) -> Interval:
    if not core:
        return (min(other), max(other)) if other else (EPOCH, EPOCH)
    start, end = min(core), max(core)
    if other:
        start = max(min(start, *other), start - MAX_SPAN_MARGIN)
        end = min(max(end, *other), end + MAX_SPAN_MARGIN)
    return start, end


# --- putting it together ---------------------------------------------------------------


def _segment_runs(show: Show | None, replay: _Replay) -> tuple[SegmentRun, ...]:
    if show is None:
        return ()
    records = replay.records()
    return tuple(_segment_run(session, segment, *records.get(segment.id, ([], False)))
                 for session in iter_sessions(show) for segment in session.segments)


def _segment_run(session: Session, segment: Segment, runs: list[_Run],
                 skipped: bool) -> SegmentRun:
    stretches = tuple((run.start, run.end) for run in runs if run.end is not None)
    return SegmentRun(
        segment_id=segment.id, session_title=session.title, title=segment.title,
        speakers=tuple(speaker.name for speaker in segment.speakers),
        planned_start=segment.planned_start.astimezone(UTC),
        planned_end=segment.planned_end.astimezone(UTC),
        actual_start=min((start for start, _ in stretches), default=None),
        actual_end=max((end for _, end in stretches), default=None),
        skipped=skipped, runs=stretches,
        open_at_end=any(run.open_at_end for run in runs),
    )


def _session_summaries(show: Show | None, segments: Sequence[SegmentRun], *,
                       outages: Sequence[Outage], viewers: Sequence[ViewerPoint],
                       languages: Sequence[str], review_end: datetime,
                       ) -> tuple[SessionSummary, ...]:
    if show is None:
        return ()
    by_id = {run.segment_id: run for run in segments}
    summaries: list[SessionSummary] = []
    for session in iter_sessions(show):
        runs = [by_id[segment.id] for segment in session.segments]
        if runs:
            summaries.append(_summary(session.title, runs, outages=outages, viewers=viewers,
                                      languages=languages, review_end=review_end))
    return tuple(summaries)


def _summary(title: str, runs: Sequence[SegmentRun], *, outages: Sequence[Outage],
             viewers: Sequence[ViewerPoint], languages: Sequence[str],
             review_end: datetime) -> SessionSummary:
    planned_start = min(run.planned_start for run in runs)
    planned_end = max(run.planned_end for run in runs)
    actual_start = min((run.actual_start for run in runs if run.actual_start), default=None)
    actual_end = max((run.actual_end for run in runs if run.actual_end), default=None)
    if actual_start is None or actual_end is None:
        return SessionSummary(title, planned_start, planned_end, None, None, None, None, None)
    peak, average = viewer_stats(viewers, actual_start, actual_end, review_end)
    outage_s = dict.fromkeys(languages, 0.0)
    for outage in outages:
        outage_s[outage.language] += _overlap_s(outage.start, outage.end, actual_start,
                                                actual_end)
    overrun = _seconds(actual_start, actual_end) - _seconds(planned_start, planned_end)
    return SessionSummary(title, planned_start, planned_end, actual_start, actual_end,
                          overrun, peak, average, outage_s)


def build_review(show: Show | None, entries: Iterable[AsRunEntry],
                 viewer_points: Sequence[ViewerPoint], *,
                 log_span: Interval | None = None) -> ShowReview:
    """The review of ``show`` (None: the log alone) from its as-run ``entries`` (any
    kinds; those of a review: take, back, skip, unskip, reset, rehearsal, stream,
    interpreter) and the audience total. ``log_span`` is the first and last instant
    of the whole log when ``entries`` are only part of it (a segment still live when
    the log ends ends there)."""
    ordered = sorted(entries, key=lambda entry: entry.at_utc)
    times = [entry.at_utc for entry in ordered]
    if log_span is not None:
        times.extend(instant.astimezone(UTC) for instant in log_span)
    viewer_times = [point.at.astimezone(UTC) for point in viewer_points]

    replay = _Replay()
    for entry in ordered:
        replay.apply(entry)
    replay.finish(max(times, default=EPOCH))
    segments = _segment_runs(show, replay)
    closed, still_open = _read_outages(ordered)

    core = [instant for run in segments for instant in (run.planned_start, run.planned_end)]
    core.extend(instant for run in segments for pair in run.runs for instant in pair)
    core.extend(instant for outage in closed for instant in (outage.start, outage.end))
    core.extend(outage.start for outage in still_open)
    start, end = _span(core, times + viewer_times)

    outages = sorted([*closed, *(Outage(o.language, o.start, max(end, o.start), True)
                                 for o in still_open)],
                     key=lambda outage: (outage.start, outage.language))
    show_languages = show.languages if show is not None else ()
    languages = (*show_languages,
                 *sorted({o.language for o in outages} - set(show_languages)))
    viewers = _clip_viewers(viewer_points, start, end)
    return ShowReview(
        show_name=show.name if show is not None else "",
        timezone=show.timezone if show is not None else "UTC",
        segments=segments, outages=tuple(outages), viewers=viewers,
        sessions=_session_summaries(show, segments, outages=outages, viewers=viewers,
                                    languages=languages, review_end=end),
        start=start, end=end, languages=languages,
    )
