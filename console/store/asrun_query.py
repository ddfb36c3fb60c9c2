"""Reading the as-run log a page at a time, filtered: the review window and exports.

Rows come back as stored (:class:`LogRow`), not as :class:`~console.models.asrun.AsRunEntry`,
so a log written by a newer console (a kind this one does not know) or a damaged copy
still shows. A value that cannot be read does not stop the review: the row comes back
with what could be read, the rest ``None`` (or an empty ``details``), each problem named
in ``LogRow.problems``, and one INFO line in the log.

Paging is by key on ``(at_utc, id)``, never OFFSET: a page starts after the last row
of the one before, so each page costs the same however deep in the log it is, and rows
appended meanwhile (later in time) do not shift the pages already read. Schema v6 adds
an index per filter column, each followed by ``at_utc``, so a filtered page reads the
index in time order and stops after ``limit`` rows. Older schemas are read as they
are: the same answers, only slower on big logs.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import sqlite_utils

from console.models.limits import forbidden_character
from console.store.read_only import ASRUN_COLUMNS, open_read_only

__all__ = ["LogFacets", "LogFilter", "LogRow", "PageKey", "iter_rows", "log_facets",
           "open_read_only", "page_key", "read_page"]

log = logging.getLogger(__name__)

PageKey = tuple[str, int]  # (at_utc as stored, id)
MAX_LIMIT = 10_000
_LIKE_ESCAPE = "\\"
# The text filter searches these, one LIKE each (half the time of one LIKE over the
# columns joined, which builds a string per row).
_SEARCHED = ("kind", "segment_id", "language", "console", "role", "details")
_TEXT_MATCH = " OR ".join(f"{column} LIKE ? ESCAPE '{_LIKE_ESCAPE}'" for column in _SEARCHED)
_SELECT = f"SELECT {', '.join(ASRUN_COLUMNS)} FROM asrun"


def _utc_text(value: datetime) -> str:
    # The stored format (console/store/asrun.utc_text): comparing texts compares instants.
    return value.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class LogFilter:
    """Which rows to show; every criterion given must hold. Empty means everything."""

    text: str = ""  # case-insensitive (ASCII letters, as SQLite's LIKE) substring
    kinds: frozenset[str] = frozenset()  # empty: every kind
    segment_id: str | None = None
    language: str | None = None
    console: str | None = None
    since: datetime | None = None  # aware; inclusive
    until: datetime | None = None  # aware; exclusive

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware")
        object.__setattr__(self, "kinds", frozenset(self.kinds))
        for name, value in (("text", self.text), ("segment_id", self.segment_id),
                            ("language", self.language), ("console", self.console),
                            *(("kinds", kind) for kind in self.kinds)):
            if value is not None and forbidden_character(value) is not None:
                raise ValueError(f"{name} must not contain control characters: {value!r}")


@dataclass(frozen=True)
class LogRow:
    """One as-run row as stored; what could not be read is ``None`` and named in
    ``problems``."""

    id: int
    at_utc: datetime  # UNREADABLE_TIME when the stored text is not a time
    kind: str
    segment_id: str | None
    planned: datetime | None
    actual: datetime | None
    deviation_s: float | None
    language: str | None
    console: str
    role: str
    details: Mapping[str, Any] = field(default_factory=dict, hash=False)
    at_text: str = ""  # at_utc exactly as stored: the paging key
    problems: tuple[str, ...] = ()  # "column: why", for values that could not be read


# Shown for a row whose time cannot be read; it sorts by its stored text all the same.
UNREADABLE_TIME = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class LogFacets:
    """The distinct values present, sorted: the choices of the review's filters."""

    kinds: tuple[str, ...]
    languages: tuple[str, ...]
    consoles: tuple[str, ...]
    segment_ids: tuple[str, ...]


def page_key(row: LogRow) -> PageKey:
    return (row.at_text or _utc_text(row.at_utc), row.id)


class _RowReader:
    """Turns stored values into a LogRow, noting each one it cannot read."""

    def __init__(self, values: tuple[Any, ...]) -> None:
        self.raw = dict(zip(ASRUN_COLUMNS, values, strict=True))
        self.problems: list[str] = []

    def time(self, column: str) -> datetime | None:
        value = self.raw[column]
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.utcoffset() is None:
            self.problems.append(f"{column}: not a UTC time: {value!r}")
            return None
        return parsed.astimezone(UTC)

    def text(self, column: str) -> str | None:
        value = self.raw[column]
        if value is None or isinstance(value, str):
            return value
        self.problems.append(f"{column}: not text: {value!r}")
        return str(value)

    def number(self, column: str) -> float | None:
        value = self.raw[column]
        if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            return None if value is None else float(value)
        self.problems.append(f"{column}: not a number: {value!r}")
        return None

    def details(self) -> Mapping[str, Any]:
        value = self.raw["details"]
        try:
            parsed = json.loads(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            self.problems.append(f"details: not a JSON object: {str(value)[:80]!r}")
            return MappingProxyType({})
        return MappingProxyType(parsed)

    def row(self) -> LogRow:
        at_utc = self.time("at_utc")
        row = LogRow(
            id=int(self.raw["id"]), at_utc=at_utc or UNREADABLE_TIME,
            kind=self.text("kind") or "", segment_id=self.text("segment_id"),
            planned=self.time("planned"), actual=self.time("actual"),
            deviation_s=self.number("deviation_s"), language=self.text("language"),
            console=self.text("console") or "", role=self.text("role") or "",
            details=self.details(), at_text=str(self.raw["at_utc"]),
            problems=tuple(self.problems),
        )
        if row.problems:
            log.info("as-run row %d shown with what could be read: %s", row.id,
                     "; ".join(row.problems))
        return row


def _like_pattern(text: str) -> str:
    escaped = re.sub(r"([\\%_])", r"\\\1", text)
    return f"%{escaped}%"


def _where(log_filter: LogFilter, after: PageKey | None) -> tuple[list[str], list[Any]]:
    """Every clause but the kinds, and their parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    for column in ("segment_id", "language", "console"):
        value = getattr(log_filter, column)
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if log_filter.since is not None:
        clauses.append("at_utc >= ?")
        params.append(_utc_text(log_filter.since))
    if log_filter.until is not None:
        clauses.append("at_utc < ?")
        params.append(_utc_text(log_filter.until))
    if after is not None:
        clauses.append("(at_utc, id) > (?, ?)")
        params.extend(after)
    if log_filter.text:
        clauses.append(f"({_TEXT_MATCH})")
        params.extend([_like_pattern(log_filter.text)] * len(_SEARCHED))
    return clauses, params


def page_sql(log_filter: LogFilter, after: PageKey | None, limit: int) -> tuple[str, list[Any]]:
    clauses, params = _where(log_filter, after)
    order = f"ORDER BY at_utc, id LIMIT {limit}"
    if len(log_filter.kinds) == 1:
        clauses.insert(0, "kind = ?")
        params.insert(0, next(iter(log_filter.kinds)))
    if len(log_filter.kinds) <= 1:
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return f"{_SELECT}{where} {order}", params
    # kind IN (...) would read every row of those kinds and sort them; one page per kind,
    # each read in time order from the kind's index, then merged, reads at most a page
    # a kind.
    parts: list[str] = []
    all_params: list[Any] = []
    for kind in sorted(log_filter.kinds):
        where = " AND ".join(["kind = ?", *clauses])
        parts.append(f"SELECT * FROM ({_SELECT} WHERE {where} {order})")
        all_params.extend([kind, *params])
    return f"SELECT * FROM ({' UNION ALL '.join(parts)}) {order}", all_params


def read_page(db: sqlite_utils.Database, log_filter: LogFilter, after: PageKey | None = None,
              limit: int = 500) -> list[LogRow]:
    """Up to ``limit`` rows matching ``log_filter`` after the key ``after`` (from
    :func:`page_key` of the last row of the page before), oldest first."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    sql, params = page_sql(log_filter, after, limit)
    return [_RowReader(values).row() for values in db.execute(sql, params).fetchall()]


def iter_rows(db: sqlite_utils.Database, log_filter: LogFilter = LogFilter(),
              batch: int = 1000) -> Iterator[LogRow]:
    """Every row matching ``log_filter``, oldest first, read ``batch`` rows at a time."""
    after: PageKey | None = None
    while page := read_page(db, log_filter, after, batch):
        yield from page
        after = page_key(page[-1])


def _leading_index_columns(db: sqlite_utils.Database) -> set[str]:
    columns: set[str] = set()
    for index in db.execute("PRAGMA index_list(asrun)").fetchall():
        first = db.execute(f"PRAGMA index_info({index[1]})").fetchone()
        if first is not None:
            columns.add(str(first[2]))
    return columns


def _distinct(db: sqlite_utils.Database, column: str, indexed: bool) -> tuple[str, ...]:
    if indexed:
        # Hop from value to value through the index: a few lookups per distinct value,
        # where SELECT DISTINCT would read the whole index (a million entries).
        sql = (f"WITH RECURSIVE hop(value) AS (SELECT min({column}) FROM asrun "
               f"UNION ALL SELECT (SELECT min({column}) FROM asrun WHERE {column} > value) "
               "FROM hop WHERE value IS NOT NULL) SELECT value FROM hop "
               "WHERE value IS NOT NULL")
    else:  # an older schema without the index: correct, slower
        sql = f"SELECT DISTINCT {column} FROM asrun WHERE {column} IS NOT NULL"
    return tuple(sorted({str(row[0]) for row in db.execute(sql).fetchall()}))


def log_facets(db: sqlite_utils.Database) -> LogFacets:
    indexed = _leading_index_columns(db)

    def values(column: str) -> tuple[str, ...]:
        return _distinct(db, column, column in indexed)

    return LogFacets(kinds=values("kind"), languages=values("language"),
                     consoles=values("console"), segment_ids=values("segment_id"))
