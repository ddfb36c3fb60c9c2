"""A simulated finished day of the demo show: what the as-run log and the viewer samples of
its first day would hold, had it run.

Pure and deterministic: the show, the viewer destinations and a seed in; what happened
(as the keywords of ``AsRunLog.record``) and the samples out, so a test can count on
them. No clock and no I/O: ``demo_replay.py`` writes them.

The day: the stream starts ten minutes before the first segment and the recording
five; the host starts late; the opening film will not play and is skipped; the
keynote is held (its slides froze) and given two minutes, and overruns; the coffee
break makes up the time; a talk ends early, so the next is taken early; the panel
after lunch starts minutes late; the French booth's microphone goes for 40 seconds;
the stream reconnects once; the English booth hands over at lunch; a platform times
out for a minute and a half. The audience rises from the stream's start, peaks at the
keynote, dips in every break and ebbs through the afternoon.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from console.models.asrun import AsRunKind
from console.models.show import Segment, SegmentKind, Show
from console.models.viewer_ledger import ViewerLedger
from console.models.viewers import Destination, Platform, ViewerSample, ViewerState

SEED = 20261205
OBS = "main"
PEAK_AUDIENCE = 5200  # the event behind the demo: more than 5,000 participants
SAMPLE_EVERY = timedelta(seconds=30)
STREAM_LEAD = timedelta(minutes=10)
RECORD_LEAD = timedelta(minutes=5)

# The demo show's first day, by segment id.
WELCOME = "bridges26-d1s1-01"
OPENING_ADDRESS = "bridges26-d1s1-02"
FILM = "bridges26-d1s1-03"  # skipped: the media server would not play it
KEYNOTE = "bridges26-d1s1-04"  # held, time added, overruns; the audience's peak
OUTAGE_DURING = "bridges26-d1s1-06"
ENDS_EARLY = "bridges26-d1s2-01"  # so the next talk is taken early
PANEL = "bridges26-d1s3-01"  # after lunch, minutes late
LUNCH = "bridges26-d1s2-05"

LATE_S = {WELCOME: 100.0, PANEL: 200.0}  # past the planned start, for starts we script
FACTOR = {ENDS_EARLY: 0.75}  # of the planned duration
KEYNOTE_OVER_S = 180.0
HOLD_S = 75.0
OUTAGE = ("fr", 40.4)  # language, seconds
INTERPRETERS = {"en": "Hannah Clarke", "fr": "Amélie Durand", "es": "Javier Morales",
                "tr": "Deniz Aksoy", "ur": "Sana Iqbal", "ms": "Nur Izzati"}
EN_RELIEF = "Tom Whitaker"
SHARES = {"ar": 0.34, "en": 0.24, "fr": 0.11, "es": 0.09, "tr": 0.08, "ur": 0.08, "ms": 0.06}
TIMEOUT_DETAIL = "no answer within 10 s"


@dataclass(frozen=True)
class Happening:
    """One as-run entry to write: its kind, its instant and the keywords of
    ``AsRunLog.record`` (segment, planned, actual, language, details)."""

    at: datetime
    kind: AsRunKind
    fields: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    segment: Segment
    start: datetime
    end: datetime


@dataclass(frozen=True)
class SimulatedDay:
    day: date
    runs: tuple[Run, ...]
    skipped: tuple[Segment, ...]
    stream: tuple[datetime, datetime]  # start, stop
    record: tuple[datetime, datetime]
    happenings: tuple[Happening, ...]  # in time order
    samples: tuple[ViewerSample, ...]  # in time order


def simulate_day(show: Show, destinations: Sequence[Destination],
                 seed: int = SEED) -> SimulatedDay:
    """The show's first day as it ran; ``destinations`` (stored, with ids) get samples."""
    day = show.stages[0].days[0]
    segments = [segment for session in day.sessions for segment in session.segments]
    rng = random.Random(seed)
    runs = _run(segments, rng)
    first, last = segments[0].planned_start, runs[-1].end
    stream = (first - STREAM_LEAD, last + timedelta(seconds=150))
    record = (first - RECORD_LEAD, last + timedelta(seconds=60))
    happenings = [*_outputs(stream, record, runs), *_takes(runs, segments),
                  *_incidents(runs, segments), *_booths(stream[0], runs)]
    samples = _samples(destinations, runs, stream, rng)
    happenings += _viewer_rows(destinations, samples)
    happenings.sort(key=lambda happening: happening.at)
    skipped = tuple(s for s in segments if s.id == FILM)
    return SimulatedDay(day.date, tuple(runs), skipped, stream, record, tuple(happenings),
                        tuple(samples))


# -- the rundown --------------------------------------------------------------------------


def _run(segments: Sequence[Segment], rng: random.Random) -> list[Run]:
    """When each segment ran: hard starts never early (a few seconds to a minute late, or
    as scripted), others a changeover after the one before; breaks end on time unless
    that leaves them less than half their length (that is how the show catches up)."""
    runs: list[Run] = []
    for segment in segments:
        if segment.id == FILM:
            continue
        planned = segment.planned_start
        late = timedelta(seconds=LATE_S.get(segment.id, rng.uniform(10, 80)))
        if not runs:
            start = planned + late
        else:
            start = runs[-1].end + timedelta(seconds=rng.uniform(4, 20))
            if segment.hard_start:
                start = max(start, planned + late)
        runs.append(Run(segment, start, start + _length(segment, start, rng)))
    return runs


def _length(segment: Segment, start: datetime, rng: random.Random) -> timedelta:
    planned = segment.planned_duration
    if segment.kind is SegmentKind.BREAK:
        return max(planned / 2, segment.planned_end - start)
    if segment.id == KEYNOTE:
        return planned + timedelta(seconds=KEYNOTE_OVER_S + HOLD_S)
    return planned * FACTOR.get(segment.id, rng.uniform(0.93, 1.1))


def _takes(runs: Sequence[Run], segments: Sequence[Segment]) -> Iterator[Happening]:
    holding = next((s.scene for s in segments if s.kind is SegmentKind.BREAK and s.scene),
                   None)
    program = holding
    for run in runs:
        segment = run.segment
        yield Happening(run.start, AsRunKind.TAKE, {
            "segment": segment, "planned": segment.planned_start, "actual": run.start,
            "rehearsal": False})
        if segment.scene and segment.scene != program:
            yield _scene_change(run.start, segment.scene, program, segment.kind)
            program = segment.scene
    if holding and holding != program:
        yield _scene_change(runs[-1].end, holding, program, SegmentKind.BREAK)


def _scene_change(taken: datetime, scene: str, previous: str | None,
                  kind: SegmentKind) -> Happening:
    # OBS confirms the change once the transition has run: a cut for films, else a fade.
    cut = kind is SegmentKind.VIDEO
    at = taken + timedelta(seconds=0.033 if cut else 0.3)
    return Happening(at, AsRunKind.SCENE_CHANGE, {
        "actual": at, "obs": OBS, "scene": scene, "previous": previous,
        "transition": "Cut" if cut else "Fade"})


def _outputs(stream: tuple[datetime, datetime], record: tuple[datetime, datetime],
             runs: Sequence[Run]) -> Iterator[Happening]:
    connected = stream[0] - timedelta(minutes=20)
    yield Happening(connected, AsRunKind.CONNECTION,
                    {"actual": connected, "obs": OBS, "state": "connected"})
    for kind, (start, stop) in ((AsRunKind.STREAM, stream), (AsRunKind.RECORD, record)):
        yield Happening(start, kind, {"actual": start, "obs": OBS, "active": True})
        yield Happening(stop, kind, {"actual": stop, "obs": OBS, "active": False})
    panel = _run_of(runs, PANEL)
    if panel is not None:
        lost = panel.start + timedelta(minutes=20)
        back = lost + timedelta(seconds=8)
        yield Happening(lost, AsRunKind.STREAM, {"actual": lost, "obs": OBS,
                                                 "phase": "reconnecting"})
        yield Happening(back, AsRunKind.STREAM, {"actual": back, "obs": OBS,
                                                 "phase": "reconnected"})


def _run_of(runs: Sequence[Run], segment_id: str) -> Run | None:
    return next((run for run in runs if run.segment.id == segment_id), None)


def _on_air(runs: Sequence[Run], at: datetime) -> Segment | None:
    return next((run.segment for run in reversed(runs) if run.start <= at), None)


def _note(runs: Sequence[Run], at: datetime, text: str) -> Happening:
    return Happening(at, AsRunKind.NOTE, {"segment": _on_air(runs, at), "text": text})


def _incidents(runs: Sequence[Run], segments: Sequence[Segment]) -> Iterator[Happening]:
    film = next((s for s in segments if s.id == FILM), None)
    address = _run_of(runs, OPENING_ADDRESS)
    if film is not None and address is not None:
        skipped = address.start + timedelta(minutes=6)
        yield Happening(skipped, AsRunKind.SKIP, {"segment": film})
        yield _note(runs, skipped, "Opening film would not play from the media server; "
                                   "skipped, to run again after lunch if it can")
    keynote = _run_of(runs, KEYNOTE)
    if keynote is not None:
        held = keynote.start + timedelta(minutes=12, seconds=10)
        yield Happening(held, AsRunKind.HOLD)
        yield _note(runs, held, "Keynote: slides froze, restarted from the booth laptop")
        yield Happening(held + timedelta(seconds=HOLD_S), AsRunKind.RELEASE)
        for minute in (26.0, 28.5):
            yield Happening(keynote.start + timedelta(minutes=minute), AsRunKind.ADD_TIME,
                            {"seconds": 60.0})
    yield from _outage(runs)
    yield _note(runs, runs[-1].end + timedelta(seconds=30),
                "Day one done; the keynote's overrun was made up in the coffee break")


def _outage(runs: Sequence[Run]) -> Iterator[Happening]:
    during = _run_of(runs, OUTAGE_DURING)
    if during is None:
        return
    language, seconds = OUTAGE
    lost = during.start + timedelta(minutes=7)
    found = lost + timedelta(seconds=seconds)
    yield Happening(lost, AsRunKind.INTERPRETER, {
        "language": language, "event": "outage_start", "signal": "silent",
        "input": f"Booth {language}"})
    yield _booth(lost + timedelta(seconds=8), language, ready=False)
    yield _note(runs, lost + timedelta(seconds=12),
                "FR booth lost its microphone; the cable was reseated")
    yield Happening(found, AsRunKind.INTERPRETER, {
        "language": language, "event": "outage_end", "signal": "present",
        "outage_s": seconds})
    yield _booth(found + timedelta(seconds=15), language, ready=True)


def _booth(at: datetime, language: str, *, ready: bool, interpreter: str | None = None,
           handover: str | None = None) -> Happening:
    return Happening(at, AsRunKind.INTERPRETER, {
        "language": language, "event": "booth", "ready": ready,
        "interpreter": interpreter or INTERPRETERS[language], "handover": handover,
        "console": f"booth-{language}"})


def _booths(stream_start: datetime, runs: Sequence[Run]) -> Iterator[Happening]:
    ready_at = stream_start - timedelta(minutes=10)
    for index, language in enumerate(INTERPRETERS):
        yield _booth(ready_at + timedelta(seconds=7 * index), language, ready=True)
    lunch = _run_of(runs, LUNCH)
    if lunch is not None:
        asked = lunch.start + timedelta(minutes=30)
        yield _booth(asked, "en", ready=True, handover="requested")
        yield _booth(asked + timedelta(seconds=20), "en", ready=True, interpreter=EN_RELIEF,
                     handover="accepted")


# -- the audience -------------------------------------------------------------------------


def _interest(segment: Segment | None, position: int) -> float:
    """How much of the peak audience a segment holds, once it has settled: the keynote
    all of it, the rest less as the day goes on, breaks much less."""
    if segment is None:
        return 0.12
    if segment.id == KEYNOTE:
        return 1.0
    settled = max(0.55, 0.85 - 0.015 * position)
    if segment.kind is SegmentKind.BREAK:
        return settled * (0.45 if segment.planned_duration >= timedelta(hours=1) else 0.7)
    return settled * {SegmentKind.PANEL: 1.1, SegmentKind.QA: 0.88}.get(segment.kind, 1.0)


def _samples(destinations: Sequence[Destination], runs: Sequence[Run],
             stream: tuple[datetime, datetime], rng: random.Random) -> list[ViewerSample]:
    """Every destination every 30 s from the stream's start to just after its stop; the
    audience follows what is on air with a lag of a few minutes."""
    positions = {run.segment.id: index for index, run in enumerate(runs)}
    drift = [1.0] * len(destinations)
    faulty = _faulty(destinations)
    fault_from = _fault_start(runs)
    level = 0.02
    samples: list[ViewerSample] = []
    at = stream[0] + timedelta(seconds=20)
    while at < stream[1] + SAMPLE_EVERY:
        segment = _on_air(runs, at) if at < runs[-1].end else None
        target = _interest(segment, positions.get(segment.id, 0) if segment else 0)
        level += (target - level) * (1 - math.exp(-SAMPLE_EVERY / timedelta(minutes=4)))
        for index, destination in enumerate(destinations):
            drift[index] = min(1.15, max(0.85, drift[index] * (1 + rng.gauss(0, 0.015))))
            polled = at + timedelta(seconds=0.35 * index)
            samples.append(_sample(destination, polled, stream[1],
                                   faulty == index and fault_from <= at < fault_from
                                   + 3 * SAMPLE_EVERY,
                                   round(PEAK_AUDIENCE * level * drift[index]
                                         * SHARES.get(destination.language or "", 0.05))))
        at += SAMPLE_EVERY
    return samples


def _sample(destination: Destination, at: datetime, stream_stop: datetime, failing: bool,
            viewers: int) -> ViewerSample:
    assert destination.id is not None, "destinations must be stored"
    if at >= stream_stop:
        return ViewerSample(destination.id, at, ViewerState.OFFLINE)
    if failing:
        return ViewerSample(destination.id, at, ViewerState.ERROR, detail=TIMEOUT_DETAIL)
    return ViewerSample(destination.id, at, ViewerState.LIVE, viewers)


def _faulty(destinations: Sequence[Destination]) -> int:
    """The destination that times out for a while: the JSON one (else the last)."""
    return next((index for index, d in enumerate(destinations) if d.platform is Platform.JSON),
                len(destinations) - 1)


def _fault_start(runs: Sequence[Run]) -> datetime:
    panel = _run_of(runs, PANEL)
    return (panel.start if panel else runs[0].start) + timedelta(minutes=35)


def _viewer_rows(destinations: Sequence[Destination],
                 samples: Sequence[ViewerSample]) -> list[Happening]:
    """What the console's viewer ledger would have logged: each destination's changes of
    state and the audience's peaks."""
    by_id = {destination.id: destination for destination in destinations}
    ledger = ViewerLedger()
    events = [event for sample in samples
              for event in ledger.observe(by_id[sample.destination_id], sample)]
    final = ledger.final_peak()
    events += [final] if final is not None else []
    return [Happening(event.at_utc, AsRunKind.VIEWERS, {
        "actual": event.at_utc, "language": event.language, **event.details})
        for event in events]
