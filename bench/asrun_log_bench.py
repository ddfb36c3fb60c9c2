"""The as-run log at a million rows: the review's first page, a filtered page, the
filters' choices, and writing 100,000 entries through the batched writer.

One log of a million rows (a long multi-day show: takes, scene changes, interpreter
states, viewer events, notes, over eight consoles and six languages) is built once in
a temporary folder by a bare ``executemany`` on the migrated schema. Then, each the
median of several runs, against a baseline measured in the same run:

- open read-only and read the first page (500 rows): :func:`open_read_only` +
  :func:`read_page` against a bare ``sqlite3.connect`` and the same ``SELECT ... ORDER
  BY at_utc, id LIMIT 500`` fetched as tuples;
- a filtered page, from the middle of the log (keyed after the 500,000th row): by kind,
  by language, by text (words in 1 row in 100), against the bare query (for the text,
  the same LIKE over the same six columns);
- the filters' choices (:func:`log_facets`: the distinct kinds, languages, consoles
  and segments) against a bare ``SELECT DISTINCT`` of each column;
- 100,000 entries appended to a fresh database through :class:`AsRunWriter` until
  ``flush`` returns (turning each entry into its row included), against a bare
  ``executemany`` of the same rows, made beforehand, in one transaction; both on the
  console's schema with its pragmas (WAL, ``synchronous=FULL``).
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.medians import median_s
from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.store.asrun import AsRunWriter, entry_row
from console.store.asrun_query import LogFilter, PageKey, log_facets, open_read_only, read_page
from console.store.database import open_database

ROWS = 1_000_000
WRITES = 100_000
PAGE = 500
RUNS = 7
START = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)
KINDS = (AsRunKind.SCENE_CHANGE, AsRunKind.INTERPRETER, AsRunKind.VIEWERS, AsRunKind.NOTE,
         AsRunKind.STREAM, AsRunKind.CONNECTION, AsRunKind.TAKE, AsRunKind.HOLD)
LANGUAGES = (None, None, "fr", "es", "ar", "zh-Hant", "de", "uk")
CONSOLES = tuple(f"console-{n}" for n in range(8))
SEGMENTS = 2000
TEXT = "standing ovation"  # in the details of one row in a hundred
TARGETS_MS = {"first page": 500.0, "filtered page": 300.0, "write": 2000.0}
_COLUMNS = ("at_utc", "kind", "segment_id", "planned", "actual", "deviation_s", "language",
            "console", "role", "details")
_SEARCHED = ("kind", "segment_id", "language", "console", "role", "details")
_INSERT = (f"INSERT INTO asrun ({', '.join(_COLUMNS)}) "
           f"VALUES ({', '.join('?' for _ in _COLUMNS)})")


def entry(index: int) -> AsRunEntry:
    """Row ``index`` of the log: a row every 0.25 s, takes with planned and actual."""
    kind = KINDS[index * 7919 % len(KINDS)]
    at = START + timedelta(milliseconds=250 * index)
    planned = at - timedelta(seconds=index % 90) if kind is AsRunKind.TAKE else None
    said = TEXT if index % 100 == 37 else f"event {index}"
    return AsRunEntry(at_utc=at, kind=kind, console=CONSOLES[index % len(CONSOLES)],
                      role=ConsoleRole.STAGE, segment_id=f"seg-{index * SEGMENTS // ROWS:04d}",
                      planned=planned, actual=at if planned else None,
                      language=LANGUAGES[index * 31 % len(LANGUAGES)],
                      details={"said": said, "n": index})


# Row i of the log as entry_row(entry(i)) stores it, made by SQLite itself: a million
# AsRunEntry in Python (each checking its details for secrets) would take most of the
# bench's minute. build_log checks the first rows against entry_row.
_FILL = f"""
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {ROWS}),
row(i, at, kind) AS (
    SELECT i, strftime('%Y-%m-%d %H:%M:%f', '{START:%Y-%m-%d %H:%M:%S}',
                       printf('+%.2f seconds', i * 0.25)),
           json_extract(:kinds, printf('$[%d]', i * 7919 % {len(KINDS)})) FROM n)
INSERT INTO asrun ({', '.join(_COLUMNS)})
SELECT replace(at, ' ', 'T') || '000+00:00', kind,
       printf('seg-%04d', i * {SEGMENTS} / {ROWS}),
       CASE kind WHEN 'take' THEN replace(strftime('%Y-%m-%d %H:%M:%f', at,
            printf('-%d seconds', i % 90)), ' ', 'T') || '000+00:00' END,
       CASE kind WHEN 'take' THEN replace(at, ' ', 'T') || '000+00:00' END,
       CASE kind WHEN 'take' THEN CAST(i % 90 AS REAL) END,
       json_extract(:languages, printf('$[%d]', i * 31 % {len(LANGUAGES)})),
       'console-' || (i % {len(CONSOLES)}), 'stage',
       printf('{{"n": %d, "said": "%s"}}', i,
              CASE i % 100 WHEN 37 THEN '{TEXT}' ELSE 'event ' || i END)
FROM row"""


def build_log(path: Path) -> None:
    """The console's schema, filled in one statement; its indexes are dropped first and
    made again after (the same SQL), as sorting once beats a million inserts into each."""
    open_database(path).close()
    connection = sqlite3.connect(path)
    try:
        indexes = connection.execute("SELECT name, sql FROM sqlite_master WHERE type = "
                                     "'index' AND tbl_name = 'asrun' AND sql IS NOT NULL"
                                     ).fetchall()
        connection.execute("PRAGMA synchronous = OFF")  # a bench file: speed over safety
        with connection:
            for name, _ in indexes:
                connection.execute(f"DROP INDEX {name}")
            connection.execute(_FILL, {"kinds": json.dumps([str(k) for k in KINDS]),
                                       "languages": json.dumps(LANGUAGES)})
            for _, sql in indexes:
                connection.execute(sql)
        stored = connection.execute(f"SELECT {', '.join(_COLUMNS)} FROM asrun ORDER BY id "
                                    "LIMIT 200").fetchall()
    finally:
        connection.close()
    if stored != [entry_row(entry(index)) for index in range(200)]:
        raise AssertionError("the bench's log is not what the console would have written")


def median_ms(action: Callable[[], object], runs: int = RUNS) -> float:
    return median_s(action, runs) * 1000


def _bare_page(path: Path, where: str = "", params: tuple[object, ...] = ()) -> None:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        connection.execute(f"SELECT * FROM asrun {where} ORDER BY at_utc, id LIMIT {PAGE}",
                           params).fetchall()
    finally:
        connection.close()


def _console_page(path: Path, log_filter: LogFilter, after: PageKey | None = None) -> None:
    db = open_read_only(path)
    try:
        read_page(db, log_filter, after, PAGE)
    finally:
        db.close()


def _middle_key(path: Path) -> PageKey:
    connection = sqlite3.connect(path)
    try:
        at, identity = connection.execute("SELECT at_utc, id FROM asrun ORDER BY at_utc, id "
                                          f"LIMIT 1 OFFSET {ROWS // 2}").fetchone()
    finally:
        connection.close()
    return str(at), int(identity)


def _bare_facets(path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        for column in ("kind", "language", "console", "segment_id"):
            connection.execute(f"SELECT DISTINCT {column} FROM asrun").fetchall()
    finally:
        connection.close()


def _console_facets(path: Path) -> None:
    db = open_read_only(path)
    try:
        log_facets(db)
    finally:
        db.close()


def _bare_write(path: Path, rows: list[tuple[object, ...]]) -> float:
    """Milliseconds to insert and commit, on the console's schema (made beforehand)."""
    open_database(path).close()
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA synchronous = FULL")
        started = time.perf_counter()
        with connection:
            connection.executemany(_INSERT, rows)
        return (time.perf_counter() - started) * 1000
    finally:
        connection.close()


def _writer_write(path: Path, entries: list[AsRunEntry]) -> float:
    """Milliseconds from the first append until everything is committed."""
    writer = AsRunWriter(path)
    try:
        started = time.perf_counter()
        for item in entries:
            writer.append(item)
        writer.flush()
        return (time.perf_counter() - started) * 1000
    finally:
        writer.close()


def _row(what: str, baseline_ms: float, console_ms: float, target: str) -> str:
    ratio = console_ms / baseline_ms
    shown = f"{ratio:.1f}x" if ratio >= 1 else f"{1 / ratio:.0f}x faster"
    return f"| {what} | {baseline_ms:.1f} ms | {console_ms:.1f} ms | {shown} | {target} |"


def _page_rows(path: Path) -> list[str]:
    prefix = f"as-run log of {ROWS:,} rows"
    first = _row(f"{prefix}: open read-only + first page of {PAGE} (baseline: bare sqlite3, "
                 "same query, tuples)", median_ms(lambda: _bare_page(path)),
                 median_ms(lambda: _console_page(path, LogFilter())),
                 f"under {TARGETS_MS['first page']:.0f} ms")
    middle = _middle_key(path)
    keyed = "AND (at_utc, id) > (?, ?)"
    filters = (
        ("kind take", LogFilter(kinds=frozenset({"take"})), "kind = ?", ("take",)),
        ("language fr", LogFilter(language="fr"), "language = ?", ("fr",)),
        (f"text {TEXT!r} (kind, segment, language, console, role, details)",
         LogFilter(text=TEXT), f"({' OR '.join(f'{c} LIKE ?' for c in _SEARCHED)})",
         (f"%{TEXT}%",) * len(_SEARCHED)),
    )
    result = [first]
    for name, log_filter, where, params in filters:
        result.append(_row(
            f"{prefix}: open + a page filtered by {name}, from the middle of the log",
            median_ms(lambda w=where, p=params: _bare_page(path, f"WHERE {w} {keyed}",
                                                           (*p, *middle))),
            median_ms(lambda f=log_filter: _console_page(path, f, middle)),
            f"under {TARGETS_MS['filtered page']:.0f} ms"))
    result.append(_row(f"{prefix}: open + the filters' choices (distinct kinds, languages, "
                       "consoles, segments; baseline: SELECT DISTINCT each)",
                       median_ms(lambda: _bare_facets(path), 3),
                       median_ms(lambda: _console_facets(path), 3), "-"))
    return result


def _write_rows(folder: Path) -> list[str]:
    entries = [entry(index) for index in range(WRITES)]
    rows = [entry_row(item) for item in entries]
    bare, console = [], []
    for run in range(3):
        bare.append(_bare_write(folder / f"bare-{run}.db", rows))
        console.append(_writer_write(folder / f"writer-{run}.db", entries))
    return [_row(f"{WRITES:,} as-run entries through AsRunWriter until flushed (baseline: "
                 "bare executemany, one transaction; both WAL, synchronous=FULL)",
                 statistics.median(bare), statistics.median(console),
                 f"under {TARGETS_MS['write'] / 1000:.0f} s")]


def _window_rows(path: Path) -> list[str]:
    from bench.review_window_bench import window_timings  # noqa: PLC0415  (Qt only here)

    first_ms, filtered_ms = window_timings(path)
    prefix = f"review window on {ROWS:,} rows"
    return [
        _row(f"{prefix}: opened to the first page shown (baseline: bare sqlite3 first page)",
             median_ms(lambda: _bare_page(path)), first_ms,
             f"under {TARGETS_MS['first page']:.0f} ms"),
        _row(f"{prefix}: a language filter to its first page shown (baseline: bare sqlite3, "
             "same page)", median_ms(lambda: _bare_page(path, "WHERE language = ?", ("fr",))),
             filtered_ms, f"under {TARGETS_MS['filtered page']:.0f} ms"),
    ]


def run_asrun_log_bench() -> list[str]:
    """Markdown rows: | what | baseline | console | ratio | target |."""
    with tempfile.TemporaryDirectory(prefix="asrun-bench-") as folder:
        log = Path(folder) / "million.db"
        build_log(log)
        return [*_page_rows(log), *_window_rows(log), *_write_rows(Path(folder))]


if __name__ == "__main__":
    from console import logs

    logs.configure("WARNING")
    print("\n".join(run_asrun_log_bench()))
