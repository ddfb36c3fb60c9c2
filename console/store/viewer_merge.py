"""The viewer samples of another console's database (a backup stage console that kept
counting), added to this database's unless it has them (see merge_rows).

Samples name their destination by the source's own id, so destinations are matched
first, by what identifies a stream (platform, target, base URL; as
``add_destination`` refuses a second one). A destination this database lacks is
added already removed (at the time it was removed there, or now): its samples get a
name here, and no console of this database starts counting it because of a merge.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from console.models.errors import InvalidValue
from console.models.limits import MAX_NAME, check_text
from console.models.viewers import ViewerState, check_destination, check_viewers
from console.store.asrun import utc_text
from console.store.merge_rows import Tally, checked_time, merge_rows, read_through, refuse_row

MAX_DETAIL = 10_000
_SAMPLE_COLUMNS = ("destination_id", "at_utc", "state", "viewers", "detail", "console")
_STREAM = tuple[str, str, str | None]  # platform, target, base URL
Sample = tuple[Any, ...]  # the values of _SAMPLE_COLUMNS, checked


def _streams_here(db: sqlite_utils.Database) -> dict[_STREAM, int]:
    found: dict[_STREAM, int] = {}
    # Counted destinations first, so a stream counted again after a removal maps there.
    for identity, platform, target, base_url in db.conn.execute(
            "SELECT id, platform, target, base_url FROM viewer_destination "
            "ORDER BY removed_at IS NOT NULL, id"):
        found.setdefault((platform, target, base_url), int(identity))
    return found


def _destination_ids(db: sqlite_utils.Database, source: sqlite_utils.Database, path: Path,
                     now: datetime) -> dict[int, int]:
    """Each source destination's id in this database, adding those it lacks."""
    here = _streams_here(db)
    ids: dict[int, int] = {}
    cursor = source.execute("SELECT id, platform, target, label, language, base_url, pointer, "
                            "added_at, removed_at FROM viewer_destination ORDER BY id")
    for (identity, platform, target, label, language, base_url, pointer, added_at,
         removed_at) in read_through(cursor, path):
        try:
            checked = check_destination(platform, target, label=label, language=language,
                                        base_url=base_url, pointer=pointer)
            added = checked_time(added_at, "added_at")
            removed = checked_time(removed_at, "removed_at", optional=True) or now
        except InvalidValue as error:
            raise refuse_row(path, "viewer destination", identity, error) from None
        stream = (checked.platform.value, checked.target, checked.base_url)
        if stream not in here:
            here[stream] = int(db.conn.execute(
                "INSERT INTO viewer_destination (platform, target, label, language, base_url, "
                "pointer, added_at, removed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [*stream[:2], checked.label, checked.language, checked.base_url,
                 checked.pointer, utc_text(added), utc_text(removed)]).lastrowid or 0)
        ids[int(identity)] = here[stream]
    return ids


def _checked_sample(values: tuple[Any, ...], ids: dict[int, int]) -> Sample:
    destination_id, at_utc, state, viewers, detail, console = values
    if not isinstance(destination_id, int) or destination_id not in ids:
        raise InvalidValue("destination_id", f"{destination_id!r} is no destination of "
                                             "that file")
    state_text = check_text(state, "state", max_length=MAX_NAME)
    if state_text not in set(ViewerState):
        raise InvalidValue("state", f"{state_text!r} is not a state this console knows")
    return (ids[destination_id], utc_text(checked_time(at_utc, "at_utc")), state_text,
            None if viewers is None else check_viewers(viewers),
            check_text(detail, "detail", max_length=MAX_DETAIL, multiline=True),
            check_text(console, "console", max_length=MAX_NAME))


def _source_samples(source: sqlite_utils.Database, path: Path,
                    ids: dict[int, int]) -> Iterator[tuple[str, Sample]]:
    cursor = source.execute(f"SELECT id, {', '.join(_SAMPLE_COLUMNS)} FROM viewer_sample "
                            "ORDER BY at_utc, id")
    for identity, *values in read_through(cursor, path):
        try:
            sample = _checked_sample(tuple(values), ids)
        except InvalidValue as error:
            raise refuse_row(path, "viewer sample", identity, error) from None
        yield str(sample[1]), sample


def merge_viewer_samples(db: sqlite_utils.Database, source: sqlite_utils.Database,
                         path: Path, now: datetime) -> Tally:
    """Add the samples of ``source`` that ``db`` lacks, inside the caller's transaction;
    a source from before viewer counts (schema < 5) has none."""
    if "viewer_sample" not in source.table_names():
        return Tally()
    ids = _destination_ids(db, source, path, now)

    def present(sample: Sample) -> int:
        return int(db.conn.execute(
            "SELECT count(*) FROM viewer_sample WHERE destination_id = ? AND at_utc = ? AND "
            "state = ? AND viewers IS ? AND detail = ? AND console = ?", sample).fetchone()[0])

    def insert(sample: Sample) -> None:
        db.conn.execute(f"INSERT INTO viewer_sample ({', '.join(_SAMPLE_COLUMNS)}) "
                        f"VALUES ({', '.join('?' for _ in _SAMPLE_COLUMNS)})", sample)

    return merge_rows(_source_samples(source, path, ids), present, insert)
