"""Bringing rows of another console's database into this one, each once.

The tables merged (the as-run log, viewer samples) are append-only and have no row
identity shared between databases, so a row is identified by its content: a source
row is added unless this database already has it. Identical rows do happen (two
notes in the same microsecond are unlikely, not impossible), so the test counts:
the n-th copy of a content in the source is added only if this database has fewer
than n. Merging the same file twice, or two files that share rows, thus adds each
row once, and a source's own repeated rows stay repeated. Identical rows share their
time, so the count only needs to remember the rows of the current instant.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from console.models.errors import InvalidValue
from console.models.limits import check_instant, check_text
from console.store.database import StoreError

MAX_TIME_TEXT = 64
Content = TypeVar("Content", bound=Hashable)  # what identifies a row


class MergeRefused(StoreError):
    """A source cannot be merged (a row that does not fit, this database itself...);
    nothing was merged."""


@dataclass(frozen=True)
class Tally:
    added: int = 0
    skipped: int = 0  # already in this database


def refuse_row(path: Path, what: str, row_id: object, error: InvalidValue) -> MergeRefused:
    return MergeRefused(f"{path}: {what} {row_id}: {error}; nothing was merged (fix or "
                        "leave out that file)")


def read_through(cursor: Iterable[tuple[Any, ...]], path: Path) -> Iterator[tuple[Any, ...]]:
    """The rows of a query on the source ``path``; a damaged file is refused by name."""
    try:
        yield from cursor
    except sqlite3.DatabaseError as error:
        raise MergeRefused(f"{path}: cannot be read to the end: {error}; nothing was "
                           "merged") from None


def checked_time(value: object, field: str, *, optional: bool = False) -> datetime | None:
    """A stored UTC time (ISO 8601 text with an offset), in the years a show can have."""
    if value is None and optional:
        return None
    text = check_text(value, field, max_length=MAX_TIME_TEXT)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValue(field, f"{text!r} is not an ISO 8601 time") from None
    return check_instant(parsed, field)


def merge_rows(rows: Iterable[tuple[str, Content]], present: Callable[[Content], int],
               insert: Callable[[Content], None]) -> Tally:
    """Insert each ``(instant, content)`` of ``rows`` (in time order) that this database
    does not have yet; ``present(content)`` counts its copies here."""
    added = skipped = 0
    instant: str | None = None
    seen: Counter[Content] = Counter()
    for at, content in rows:
        if at != instant:
            instant, seen = at, Counter()
        seen[content] += 1
        if present(content) < seen[content]:
            insert(content)
            added += 1
        else:
            skipped += 1
    return Tally(added, skipped)
