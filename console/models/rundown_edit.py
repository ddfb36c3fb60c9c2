"""Editing the rundown: pure functions from a :class:`Show` to a new Show.

No Qt, no I/O, no clock, no randomness: the caller passes new segment ids. Every
function raises :class:`RundownEditError` with a message for the operator when
the edit does not fit the show (unknown segment, the live segment deleted, a
move past the day's edges, an invalid value).

Planned times are the plan: changing a duration does not move the planned start
of later segments (the timing engine projects them). A move keeps the plan
consistent with the order: two neighbours that trade places keep the span they
occupied together (the first starts where the pair started, the gap between them
is kept). Moving a segment up from the top of a session (or down from the bottom)
hands it to the neighbouring session of the same day, without changing the order
or any time.

Skipping is not an edit of the show: it is part of the live state
(:func:`console.models.live.skip`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from console.models.errors import OperatorError
from console.models.limits import (
    MAX_NAME,
    MAX_NOTES,
    MAX_TITLE,
    check_duration,
    check_instant,
    check_text,
)
from console.models.show import Day, Segment, SegmentKind, Session, Show, Speaker

DEFAULT_NEW_DURATION = timedelta(minutes=5)
NEW_SEGMENT_TITLE = "New segment"

# Segment fields an edit may change (id, source_id are identity; not editable).
EDITABLE_FIELDS = frozenset({
    "title", "planned_start", "planned_duration", "speakers", "scene", "kind",
    "hard_start", "notes", "warning_s", "danger_s",
})


class RundownEditError(OperatorError, ValueError):
    """The edit does not fit the show; the message says why, for the operator."""


@dataclass(frozen=True)
class SegmentPlace:
    """Where a segment sits: indexes of its stage, day, session and its own position."""

    stage: int
    day: int
    session: int
    index: int


def locate(show: Show, segment_id: str) -> SegmentPlace:
    for st, stage in enumerate(show.stages):
        for d, day in enumerate(stage.days):
            for se, session in enumerate(day.sessions):
                for i, segment in enumerate(session.segments):
                    if segment.id == segment_id:
                        return SegmentPlace(st, d, se, i)
    raise RundownEditError(f"no segment {segment_id!r} in the show")


def segment_at(show: Show, place: SegmentPlace) -> Segment:
    return show.stages[place.stage].days[place.day].sessions[place.session].segments[place.index]


# -- rebuilding the tree --------------------------------------------------------------


def _replace_at(items: Sequence[Any], index: int, item: Any) -> tuple[Any, ...]:
    return (*items[:index], item, *items[index + 1:])


def _with_day(show: Show, stage_i: int, day_i: int, fn: Callable[[Day], Day]) -> Show:
    stage = show.stages[stage_i]
    day = fn(stage.days[day_i])
    new_stage = replace(stage, days=_replace_at(stage.days, day_i, day))
    return _checked(replace(show, stages=_replace_at(show.stages, stage_i, new_stage)))


def _with_session_segments(
    show: Show, place: SegmentPlace,
    fn: Callable[[tuple[Segment, ...]], tuple[Segment, ...]],
) -> Show:
    def day_fn(day: Day) -> Day:
        session = day.sessions[place.session]
        new_session = replace(session, segments=fn(session.segments))
        return replace(day, sessions=_replace_at(day.sessions, place.session, new_session))

    return _with_day(show, place.stage, place.day, day_fn)


def _checked(show: Show) -> Show:
    # Show validates itself (duplicate ids); turn its ValueError into the edit's error.
    try:
        return replace(show)
    except ValueError as error:
        raise RundownEditError(str(error)) from error


# -- changing one segment -----------------------------------------------------------------


def update_segment(show: Show, segment_id: str, **changes: Any) -> Show:
    """Change fields of one segment (see :data:`EDITABLE_FIELDS`)."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise RundownEditError(f"cannot edit {', '.join(sorted(unknown))} of a segment")
    place = locate(show, segment_id)
    old = segment_at(show, place)
    try:
        new = replace(old, **changes)
    except (ValueError, TypeError) as error:
        raise RundownEditError(f"{old.title!r}: {error}") from error
    if new == old:
        return show
    return _with_session_segments(show, place,
                                  lambda segs: _replace_at(segs, place.index, new))


def set_title(show: Show, segment_id: str, title: str) -> Show:
    title = check_text(title, "title", max_length=MAX_TITLE).strip()
    if not title:
        raise RundownEditError("a segment needs a title")
    return update_segment(show, segment_id, title=title)


def set_planned_start(show: Show, segment_id: str, start: datetime) -> Show:
    if start.utcoffset() is None:
        raise RundownEditError("the planned start needs a time zone")
    return update_segment(show, segment_id, planned_start=check_instant(start, "planned start"))


def set_duration(show: Show, segment_id: str, duration: timedelta) -> Show:
    if duration < timedelta(0):
        raise RundownEditError("a duration cannot be negative")
    return update_segment(show, segment_id,
                          planned_duration=check_duration(duration, "duration"))


def set_speakers(show: Show, segment_id: str, speakers: Sequence[Speaker]) -> Show:
    return update_segment(show, segment_id, speakers=tuple(speakers))


def set_speaker_names(show: Show, segment_id: str, names: Sequence[str],
                      default_language: str) -> Show:
    """Speakers by name (a comma list in the rundown): known names keep their language and
    affiliation (from this segment, else from anywhere in the show); new names speak
    ``default_language`` (the floor language)."""
    segment = segment_at(show, locate(show, segment_id))
    known: dict[str, Speaker] = {}
    for stage in show.stages:
        for day in stage.days:
            for session in day.sessions:
                for seg in session.segments:
                    for speaker in seg.speakers:
                        known.setdefault(speaker.name, speaker)
    known.update({speaker.name: speaker for speaker in segment.speakers})
    speakers: list[Speaker] = []
    for raw in names:
        name = check_text(raw, "speaker", max_length=MAX_NAME).strip()
        if not name:
            continue
        try:
            speakers.append(known.get(name) or Speaker(name=name, language=default_language))
        except ValueError as error:
            raise RundownEditError(str(error)) from error
    return set_speakers(show, segment_id, speakers)


def set_scene(show: Show, segment_id: str, scene: str | None) -> Show:
    scene = check_text(scene or "", "scene", max_length=MAX_NAME).strip()
    return update_segment(show, segment_id, scene=scene or None)


def set_kind(show: Show, segment_id: str, kind: SegmentKind) -> Show:
    return update_segment(show, segment_id, kind=SegmentKind(kind))


def set_hard_start(show: Show, segment_id: str, hard_start: bool) -> Show:
    return update_segment(show, segment_id, hard_start=bool(hard_start))


def set_notes(show: Show, segment_id: str, notes: str) -> Show:
    notes = check_text(notes, "notes", max_length=MAX_NOTES, multiline=True)
    return update_segment(show, segment_id, notes=notes)


# -- structure: insert, duplicate, delete, move ------------------------------------------


def insert_after(show: Show, after_id: str, new_id: str, *, title: str = NEW_SEGMENT_TITLE,
                 kind: SegmentKind = SegmentKind.TALK,
                 duration: timedelta = DEFAULT_NEW_DURATION) -> Show:
    """A new segment right after ``after_id``, planned to start when it ends."""
    place = locate(show, after_id)
    anchor = segment_at(show, place)
    try:
        segment = Segment(id=new_id, kind=kind, title=title, planned_start=anchor.planned_end,
                          planned_duration=duration, scene=anchor.scene)
    except ValueError as error:
        raise RundownEditError(str(error)) from error
    return _insert(show, place, segment)


def duplicate(show: Show, segment_id: str, new_id: str) -> Show:
    """A copy of the segment right after it, planned to start when the original ends."""
    place = locate(show, segment_id)
    original = segment_at(show, place)
    if not new_id:
        raise RundownEditError("segment id must not be empty")
    copy = replace(original, id=new_id, source_id=None, planned_start=original.planned_end)
    return _insert(show, place, copy)


def _insert(show: Show, place: SegmentPlace, segment: Segment) -> Show:
    if any(seg.id == segment.id for st in show.stages for d in st.days
           for se in d.sessions for seg in se.segments):
        raise RundownEditError(f"segment id {segment.id!r} is used already")
    return _with_session_segments(
        show, place, lambda segs: (*segs[:place.index + 1], segment, *segs[place.index + 1:]))


def delete(show: Show, segment_id: str, live_segment_id: str | None) -> Show:
    """Remove the segment; the live segment cannot be removed (take another one first)."""
    place = locate(show, segment_id)
    segment = segment_at(show, place)
    if segment_id == live_segment_id:
        raise RundownEditError(
            f"{segment.title!r} is live and cannot be deleted: take another segment first")
    return _with_session_segments(
        show, place, lambda segs: (*segs[:place.index], *segs[place.index + 1:]))


def move(show: Show, segment_id: str, offset: int) -> Show:
    """Move the segment ``offset`` places up (negative) or down (positive) within its day."""
    if offset == 0:
        return show
    step = 1 if offset > 0 else -1
    for _ in range(abs(offset)):
        show = _move_one(show, segment_id, step)
    return show


def move_up(show: Show, segment_id: str) -> Show:
    return move(show, segment_id, -1)


def move_down(show: Show, segment_id: str) -> Show:
    return move(show, segment_id, 1)


def _move_one(show: Show, segment_id: str, step: int) -> Show:
    place = locate(show, segment_id)
    day = show.stages[place.stage].days[place.day]
    segments = day.sessions[place.session].segments
    target = place.index + step
    if 0 <= target < len(segments):
        first, second = sorted((place.index, target))
        a, b = segments[first], segments[second]
        gap = b.planned_start - a.planned_end
        new_b = replace(b, planned_start=a.planned_start)
        new_a = replace(a, planned_start=new_b.planned_end + gap)
        return _with_session_segments(
            show, place,
            lambda segs: (*segs[:first], new_b, new_a, *segs[second + 1:]))
    # At the edge of its session: hand it to the neighbouring session of the day.
    other = place.session + step
    if not 0 <= other < len(day.sessions):
        where = "first" if step < 0 else "last"
        raise RundownEditError(f"{segment_at(show, place).title!r} is already the {where} "
                               f"segment of the day")
    segment = segments[place.index]

    def day_fn(d: Day) -> Day:
        sessions = list(d.sessions)
        source = sessions[place.session]
        sessions[place.session] = replace(
            source, segments=tuple(s for s in source.segments if s.id != segment_id))
        dest = sessions[other]
        sessions[other] = replace(dest, segments=(
            (*dest.segments, segment) if step < 0 else (segment, *dest.segments)))
        return replace(d, sessions=tuple(sessions))

    return _with_day(show, place.stage, place.day, day_fn)



def session_of(show: Show, segment_id: str) -> Session:
    place = locate(show, segment_id)
    return show.stages[place.stage].days[place.day].sessions[place.session]


def delete_session(show: Show, segment_id: str, live_segment_id: str | None) -> Show:
    """Remove the session holding ``segment_id``, with all its segments; a session with
    the live segment cannot be removed."""
    place = locate(show, segment_id)
    session = session_of(show, segment_id)
    if live_segment_id is not None and any(s.id == live_segment_id for s in session.segments):
        raise RundownEditError(f"the session {session.title!r} has the live segment and "
                               "cannot be deleted: take a segment of another session first")

    def day_fn(day: Day) -> Day:
        return replace(day, sessions=(*day.sessions[:place.session],
                                      *day.sessions[place.session + 1:]))

    return _with_day(show, place.stage, place.day, day_fn)
