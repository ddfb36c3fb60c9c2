"""Chapters of a stream or a recording: where each segment starts, counted from the output's start.

Pure: the takes, backs and resets of the rundown and the output's starts and stops
come in as values read from the as-run log; the result is a list of
:class:`Chapter` with offsets in seconds, which ``formats/chapter_export.py`` writes
for YouTube, spreadsheets and editing software.

The rules, in the order they apply:

- Takes that stood: a take undone by Back is dropped (the live state drops it too,
  and the segment before it goes on), never past a reset; rehearsal takes put
  nothing on air; a segment taken again while it is on air keeps its chapter. A
  segment taken again later, after others, gets a chapter of its own there: it is
  a stretch of the video of its own.
- The output's runs: from each start to the next stop (or the next start, when the
  stop was not seen). The run that counts is the one the first take happened in,
  else the first to start after it. If takes fall in more than one run (a stream
  restarted mid-show, a show of two days on one database), no run is picked:
  :class:`NothingToChapter` lists the runs, and the caller names one.
- The first chapter starts at 0:00. When the run started in the middle of a
  segment of the same show day (a restart), that segment opens it; otherwise the
  stretch before the first take is a chapter of its own, :data:`BEFORE_THE_SHOW`,
  if it lasts :data:`SHORTEST_OPENING_S` or more, and the first take is moved to
  0:00 if not.
- Takes after the run stopped are in no chapter of it (``left_out``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from console.models.asrun import AsRunEntry, AsRunKind
from console.models.errors import OperatorError

BEFORE_THE_SHOW = "Before the show"
# The shortest chapter YouTube accepts; a shorter opening stretch is not worth one.
SHORTEST_OPENING_S = 10.0

_WHITESPACE = re.compile(r"\s+")
# Control and format characters, and the line and paragraph separators: a title is
# one line in a video description, a cell or an EDL comment.
_NOT_IN_A_LINE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def one_line(text: str) -> str:
    """``text`` as one line: control characters and line breaks become spaces, runs of
    white space one space, the ends trimmed."""
    spaced = "".join(" " if unicodedata.category(char) in _NOT_IN_A_LINE else char
                     for char in text)
    return _WHITESPACE.sub(" ", spaced).strip()


@dataclass(frozen=True)
class TakeEvent:
    at: datetime  # OBS's instant
    segment_id: str
    title: str
    rehearsal: bool = False


@dataclass(frozen=True)
class BackEvent:
    at: datetime
    undone: str | None  # the segment whose take was undone


@dataclass(frozen=True)
class ResetEvent:
    at: datetime


RundownEvent = TakeEvent | BackEvent | ResetEvent


@dataclass(frozen=True)
class OutputChange:
    at: datetime
    active: bool  # started (True) or stopped


@dataclass(frozen=True)
class OutputRun:
    start: datetime
    stop: datetime | None  # None: still running when the log ends

    def holds(self, at: datetime) -> bool:
        return self.start <= at and (self.stop is None or at < self.stop)


@dataclass(frozen=True)
class Chapter:
    start_s: float  # from the output's start
    end_s: float | None  # None: where the output ends is not known
    title: str
    speakers: tuple[str, ...] = ()
    segment_id: str | None = None  # None for the stretch before the show

    @property
    def duration_s(self) -> float | None:
        return None if self.end_s is None else self.end_s - self.start_s


@dataclass(frozen=True)
class ChapterList:
    run: OutputRun
    chapters: tuple[Chapter, ...]
    left_out: tuple[TakeEvent, ...] = field(default=())  # taken after the run stopped


class NothingToChapter(OperatorError):
    """The log does not say which chapters to make (no take in a run, or several runs)."""


def rundown_events(entries: Iterable[AsRunEntry]) -> list[RundownEvent]:
    """The takes, backs and resets among ``entries`` (the log's order kept). A take is
    placed at OBS's instant (``actual``); its title is the one the log wrote then."""
    events: list[RundownEvent] = []
    for entry in entries:
        details = entry.details
        if entry.kind is AsRunKind.TAKE and entry.segment_id is not None:
            title = details.get("title")
            events.append(TakeEvent(entry.actual or entry.at_utc, entry.segment_id,
                                    title if isinstance(title, str) else entry.segment_id,
                                    rehearsal=details.get("rehearsal") is True))
        elif entry.kind is AsRunKind.BACK:
            undone = details.get("undone")
            events.append(BackEvent(entry.at_utc, undone if isinstance(undone, str) else None))
        elif entry.kind is AsRunKind.RESET:
            events.append(ResetEvent(entry.at_utc))
    return events


def show_consoles(entries: Iterable[AsRunEntry]) -> set[str]:
    """The consoles that ran the show: those that wrote a take that was not a rehearsal."""
    return {entry.console for entry in entries
            if entry.kind is AsRunKind.TAKE and entry.details.get("rehearsal") is not True}


def output_changes(entries: Iterable[AsRunEntry], output: AsRunKind, consoles: set[str],
                   obs: str = "main") -> list[OutputChange]:
    """Starts and stops of ``output`` (STREAM or RECORD) of the OBS called ``obs``, as
    the consoles that ran the show recorded them; alarms and reconnections are not
    starts or stops."""
    return [OutputChange(entry.at_utc, active) for entry in entries
            if entry.kind is output and entry.console in consoles
            and isinstance(active := entry.details.get("active"), bool)
            and entry.details.get("obs", obs) == obs]


def takes_on_air(events: Iterable[RundownEvent]) -> list[TakeEvent]:
    """The takes that stood, in the order given (the log's), as the module says."""
    stood: list[TakeEvent] = []
    floor = 0  # Back never reaches past a reset
    for event in events:
        if isinstance(event, TakeEvent):
            stood.append(event)
        elif isinstance(event, ResetEvent):
            floor = len(stood)
        elif len(stood) > floor and stood[-1].segment_id == event.undone:
            stood.pop()
    on_air: list[TakeEvent] = []
    for take in stood:
        if not take.rehearsal and not (on_air and on_air[-1].segment_id == take.segment_id):
            on_air.append(take)
    return on_air


def output_runs(changes: Iterable[OutputChange]) -> list[OutputRun]:
    """Each start to the next stop; a start with no stop before the next start ends there
    (the stop happened while nobody recorded it)."""
    runs: list[OutputRun] = []
    start: datetime | None = None
    for change in changes:
        if change.active:
            if start is not None:
                runs.append(OutputRun(start, change.at))
            start = change.at
        elif start is not None:
            runs.append(OutputRun(start, change.at))
            start = None
    if start is not None:
        runs.append(OutputRun(start, None))
    return runs


def choose_run(runs: Sequence[OutputRun], takes: Sequence[TakeEvent], zone: tzinfo,
               output: str = "stream") -> OutputRun:
    """The run the chapters are counted in, or :class:`NothingToChapter` saying why not."""
    if not takes or not runs:
        raise NothingToChapter("no takes" if not takes else f"no {output} start")
    first = takes[0].at
    chosen = next((run for run in runs if run.holds(first)), None) \
        or next((run for run in runs if run.start > first), None)
    if chosen is None:
        raise NothingToChapter(f"the {output} stopped at {_clock(runs[-1].stop, zone)}, "
                               f"before the first take at {_clock(first, zone)}")
    with_takes = [number for number, run in enumerate(runs, 1)
                  if any(run.holds(take.at) for take in takes)]
    if len(with_takes) > 1:
        listed = "; ".join(f"--run {number}: {describe_run(runs[number - 1], takes, zone)}"
                           for number in with_takes)
        raise NothingToChapter(f"the takes fall in {len(with_takes)} runs of the {output} "
                               f"(each its own video): {listed}. Pass --run N for the "
                               "chapters of one")
    return chosen


def describe_run(run: OutputRun, takes: Sequence[TakeEvent], zone: tzinfo) -> str:
    count = sum(1 for take in takes if run.holds(take.at))
    until = _clock(run.stop, zone) if run.stop is not None else "the end of the log"
    return f"{_clock(run.start, zone)} to {until}, {count} takes"


def _clock(at: datetime | None, zone: tzinfo) -> str:
    return "?" if at is None else at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


ShowDay = Callable[[str | None, datetime], date]  # (segment id, instant) -> its show day


def build_chapters(run: OutputRun, takes: Sequence[TakeEvent], *,
                   speakers: Mapping[str, tuple[str, ...]], show_day: ShowDay) -> ChapterList:
    """The chapters of ``run``; the last ends at the run's stop (not known: None)."""
    inside = [take for take in takes if run.holds(take.at)]
    before = [take for take in takes if take.at < run.start]
    day = show_day(inside[0].segment_id, inside[0].at) if inside \
        else show_day(None, run.start)
    carried = before[-1] if before and show_day(before[-1].segment_id, before[-1].at) == day \
        else None
    starts: list[tuple[float, TakeEvent | None]] = [
        ((take.at - run.start).total_seconds(), take) for take in inside]
    if carried is not None:
        starts.insert(0, (0.0, carried))
    elif starts and starts[0][0] < SHORTEST_OPENING_S:
        starts[0] = (0.0, starts[0][1])
    else:
        starts.insert(0, (0.0, None))
    end_s = None if run.stop is None else (run.stop - run.start).total_seconds()
    ends = [start for start, _ in starts[1:]] + [end_s]
    chapters = tuple(_chapter(start, stop, take, speakers)
                     for (start, take), stop in zip(starts, ends, strict=True))
    left_out = tuple(take for take in takes if run.stop is not None and take.at >= run.stop)
    return ChapterList(run, chapters, left_out)


def _chapter(start: float, end: float | None, take: TakeEvent | None,
             speakers: Mapping[str, tuple[str, ...]]) -> Chapter:
    if take is None:
        return Chapter(start, end, BEFORE_THE_SHOW)
    names = tuple(name for name in (one_line(n) for n in speakers.get(take.segment_id, ()))
                  if name)
    return Chapter(start, end, one_line(take.title) or take.segment_id, names, take.segment_id)
