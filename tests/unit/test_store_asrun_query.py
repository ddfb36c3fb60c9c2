"""Paged, filtered reading of the as-run log (console/store/asrun_query.py) on real files."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
import sqlite_utils

from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.store.asrun import insert_entry
from console.store.asrun_query import (
    LogFilter,
    LogRow,
    PageKey,
    iter_rows,
    log_facets,
    open_read_only,
    page_key,
    page_sql,
    read_page,
)
from console.store.database import MIGRATIONS, migrate, schema_version, write_transaction

T0 = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
KINDS = (AsRunKind.TAKE, AsRunKind.NOTE, AsRunKind.SCENE_CHANGE, AsRunKind.INTERPRETER)
LANGUAGES = (None, "fr", "es")
CONSOLES = ("stage-1", "booth-fr")


def sample_entry(index: int) -> AsRunEntry:
    """A varied log; every fifth pair of rows shares its time, so the id breaks ties."""
    return AsRunEntry(
        at_utc=T0 + timedelta(seconds=index - index % 2 * (index % 5 == 0)),
        kind=KINDS[index % len(KINDS)], console=CONSOLES[index % 2],
        role=ConsoleRole.STAGE if index % 2 == 0 else ConsoleRole.INTERPRETER,
        segment_id=f"seg-{index % 7}", language=LANGUAGES[index % 3],
        planned=T0 + timedelta(seconds=index), actual=T0 + timedelta(seconds=index + 1.5),
        details={"i": index, "said": f"row {index}"},
    )


def append(db: sqlite_utils.Database, entries: list[AsRunEntry]) -> None:
    with write_transaction(db):
        for entry in entries:
            insert_entry(db, entry)


@pytest.fixture
def log_db(db: sqlite_utils.Database) -> sqlite_utils.Database:
    append(db, [sample_entry(index) for index in range(240)])
    return db


def all_rows(db: sqlite_utils.Database) -> list[LogRow]:
    return read_page(db, LogFilter(), limit=10_000)


def paged(db: sqlite_utils.Database, log_filter: LogFilter, size: int) -> Iterator[LogRow]:
    after: PageKey | None = None
    while page := read_page(db, log_filter, after, size):
        assert len(page) <= size
        yield from page
        after = page_key(page[-1])


FILTERS = {
    "everything": LogFilter(),
    "one kind": LogFilter(kinds=frozenset({"take"})),
    "two kinds": LogFilter(kinds=frozenset({"take", "interpreter"})),
    "segment": LogFilter(segment_id="seg-3"),
    "language": LogFilter(language="fr"),
    "console": LogFilter(console="booth-fr"),
    "time window": LogFilter(since=T0 + timedelta(seconds=30), until=T0 + timedelta(seconds=90)),
    "text": LogFilter(text="ROW 1"),
    "all at once": LogFilter(kinds=frozenset({"note", "take", "interpreter"}), language="es",
                             console="stage-1", since=T0 + timedelta(seconds=10), text="row"),
}


def matches(row: LogRow, log_filter: LogFilter) -> bool:
    searched = " ".join(str(v) for v in (row.kind, row.segment_id, row.language,
                                         row.console, row.role, dict(row.details)))
    return ((not log_filter.kinds or row.kind in log_filter.kinds)
            and log_filter.segment_id in (None, row.segment_id)
            and log_filter.language in (None, row.language)
            and log_filter.console in (None, row.console)
            and (log_filter.since is None or row.at_utc >= log_filter.since)
            and (log_filter.until is None or row.at_utc < log_filter.until)
            and log_filter.text.lower() in searched.lower())


@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("size", [1, 7, 500])
def test_pages_put_together_are_the_whole_filtered_log_in_time_order(
    log_db: sqlite_utils.Database, name: str, size: int,
) -> None:
    log_filter = FILTERS[name]
    expected = [row for row in all_rows(log_db) if matches(row, log_filter)]
    assert expected, "the sample log has rows for every filter"
    assert list(paged(log_db, log_filter, size)) == expected
    assert list(iter_rows(log_db, log_filter, batch=size)) == expected
    keys = [page_key(row) for row in expected]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_the_whole_log_reads_back_as_stored(log_db: sqlite_utils.Database) -> None:
    rows = all_rows(log_db)
    assert len(rows) == 240
    take = next(row for row in rows if row.details["i"] == 4)
    assert (take.kind, take.segment_id, take.language, take.console, take.role) == (
        "take", "seg-4", "fr", "stage-1", "stage")
    assert take.planned == T0 + timedelta(seconds=4)
    assert take.actual == T0 + timedelta(seconds=5.5)
    assert take.deviation_s == 1.5
    assert take.problems == ()
    tied = [row for row in rows if row.at_utc == T0 + timedelta(seconds=4)]
    assert [row.details["i"] for row in tied] == [4, 5]  # same time: by id


def test_paging_is_stable_while_another_connection_appends(
    db_path: Path, log_db: sqlite_utils.Database,
) -> None:
    before = all_rows(log_db)
    reader = open_read_only(db_path)
    try:
        seen = read_page(reader, LogFilter(), None, 50)
        later = [sample_entry(index) for index in range(240, 300)]
        while page := read_page(reader, LogFilter(), page_key(seen[-1]), 50):
            seen.extend(page)
            if later:  # the stage console keeps logging while the producer scrolls
                append(log_db, [later.pop(0) for _ in range(20)])
    finally:
        reader.close()
    assert seen[:len(before)] == before
    assert [row.details["i"] for row in seen[len(before):]] == list(range(240, 300))


@pytest.mark.parametrize(("text", "expected"), [
    ("50%", ["50% done"]),
    ("a_b", ["a_b"]),
    ("%", ["50% done"]),
    ("_", ["a_b"]),
    ("\\", ["back\\slash"]),
    ("A_B", ["a_b"]),
    ("axb", ["axb"]),
])
def test_text_search_takes_percent_underscore_and_backslash_literally(
    db: sqlite_utils.Database, text: str, expected: list[str],
) -> None:
    append(db, [AsRunEntry(at_utc=T0 + timedelta(seconds=n), kind=AsRunKind.NOTE,
                           console="c", role=ConsoleRole.STAGE, details={"text": said})
                for n, said in enumerate(["50% done", "500 done", "a_b", "axb", "back\\slash"])])
    found = read_page(db, LogFilter(text=text))
    assert [row.details["text"] for row in found] == expected


@pytest.mark.parametrize("column", ["kind", "segment_id", "language", "console", "role",
                                    "details"])
def test_text_search_covers_kind_segment_language_console_role_and_details(
    db: sqlite_utils.Database, column: str,
) -> None:
    for other in ("kind", "segment_id", "language", "console", "role", "details"):
        value = f"zq-{other}"
        raw_insert(db, **{other: f'{{"x": "{value}"}}' if other == "details" else value})
    [row] = read_page(db, LogFilter(text=f"ZQ-{column.upper()}"))
    assert f"zq-{column}" in str(getattr(row, column))


@pytest.mark.parametrize(("log_filter", "index"), [
    (LogFilter(kinds=frozenset({"take"})), "asrun_kind_at"),
    (LogFilter(kinds=frozenset({"take", "note"})), "asrun_kind_at"),
    (LogFilter(segment_id="seg-1"), "asrun_segment_id_at"),
    (LogFilter(language="fr"), "asrun_language_at"),
    (LogFilter(console="stage-1"), "asrun_console_at"),
    (LogFilter(since=T0, until=T0 + timedelta(hours=1)), "asrun_at"),
    (LogFilter(text="take"), "asrun_at"),
])
@pytest.mark.parametrize("after", [None, ("2026-12-05T08:00:01.000000+00:00", 3)])
def test_filtered_pages_read_an_index_in_order_and_sort_nothing(
    log_db: sqlite_utils.Database, log_filter: LogFilter, index: str, after: PageKey | None,
) -> None:
    sql, params = page_sql(log_filter, after, 500)
    plan = [str(row[3]) for row in log_db.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    reads = [step for step in plan if step.startswith(("SCAN asrun", "SEARCH asrun"))]
    assert all(f"USING INDEX {index} " in f"{step} " for step in reads), plan
    assert len(reads) == max(1, len(log_filter.kinds)), plan
    # Several kinds: a page of each (LIMIT in the subquery), read in order, then merged;
    # the only sorts are of those pages, never of the table.
    sorted_steps = [before for before, step in pairwise(plan)
                    if "TEMP B-TREE" in step]
    assert all(step.startswith("SCAN (subquery-") for step in sorted_steps), plan
    assert bool(sorted_steps) == (len(log_filter.kinds) > 1), plan
    if after is not None or log_filter.since is not None or log_filter.kinds:
        assert all(step.startswith("SEARCH") for step in reads), plan


def test_facets_are_the_distinct_values_present(log_db: sqlite_utils.Database) -> None:
    facets = log_facets(log_db)
    assert facets.kinds == tuple(sorted(str(kind) for kind in KINDS))
    assert facets.languages == ("es", "fr")
    assert facets.consoles == ("booth-fr", "stage-1")
    assert facets.segment_ids == tuple(f"seg-{n}" for n in range(7))


def raw_insert(db: sqlite_utils.Database, **values: object) -> None:
    row = {"at_utc": "2026-12-05T09:00:00.000000+00:00", "kind": "note", "console": "c",
           "role": "stage", **values}
    with write_transaction(db):
        db.conn.execute(f"INSERT INTO asrun ({', '.join(row)}) "
                        f"VALUES ({', '.join('?' for _ in row)})", tuple(row.values()))


def test_a_kind_from_a_newer_console_is_shown_as_stored(db: sqlite_utils.Database) -> None:
    raw_insert(db, kind="drone_camera", details='{"angle": 3}')
    [row] = read_page(db, LogFilter())
    assert (row.kind, dict(row.details), row.problems) == ("drone_camera", {"angle": 3}, ())
    assert log_facets(db).kinds == ("drone_camera",)


def test_unreadable_values_are_shown_with_what_can_be_read(
    db: sqlite_utils.Database, caplog: pytest.LogCaptureFixture,
) -> None:
    raw_insert(db, at_utc="2026-12-05 09:00 yesterday", planned="2026-12-05T09:00:00",
               deviation_s="late", details="[1, 2]", segment_id="s1")
    raw_insert(db, at_utc="2026-12-05T09:00:01.000000+00:00", details='{"ok": true}')
    with caplog.at_level(logging.INFO, logger="console.store.asrun_query"):
        bad, good = read_page(db, LogFilter())
    assert bad.segment_id == "s1"
    assert bad.planned is None
    assert bad.deviation_s is None
    assert dict(bad.details) == {}
    assert [problem.split(":")[0] for problem in bad.problems] == [
        "at_utc", "planned", "deviation_s", "details"]
    assert page_key(bad) == ("2026-12-05 09:00 yesterday", 1)
    assert good.problems == ()
    assert dict(good.details) == {"ok": True}
    assert [r.levelname for r in caplog.records] == ["INFO"]
    assert "as-run row 1" in caplog.records[0].getMessage()


def test_a_database_of_the_first_schema_is_read_as_it_is(db_path: Path) -> None:
    db = sqlite_utils.Database(db_path)
    migrate(db, MIGRATIONS[:1])
    append(db, [sample_entry(index) for index in range(30)])
    db.close()
    old = open_read_only(db_path)
    try:
        log_filter = LogFilter(language="fr", kinds=frozenset({"take", "note"}))
        expected = [row for row in all_rows(old) if matches(row, log_filter)]
        assert expected
        assert list(paged(old, log_filter, 2)) == expected
        assert log_facets(old).segment_ids == tuple(f"seg-{n}" for n in range(7))
        assert schema_version(old) == 1
    finally:
        old.close()


@pytest.mark.parametrize(("arguments", "field"), [
    ({"text": "a\nb"}, "text"),
    ({"language": "fr\x00"}, "language"),
    ({"kinds": frozenset({"take\t"})}, "kinds"),
    ({"since": datetime(2026, 12, 5)}, "since"),
    ({"until": datetime(2026, 12, 5)}, "until"),
])
def test_a_filter_refuses_control_characters_and_naive_times(
    arguments: dict[str, object], field: str,
) -> None:
    with pytest.raises(ValueError, match=field):
        LogFilter(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize("limit", [0, -1, 10_001])
def test_a_page_size_out_of_range_is_refused(log_db: sqlite_utils.Database, limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        read_page(log_db, LogFilter(), None, limit)


def test_the_read_only_connection_cannot_write(
    db_path: Path, log_db: sqlite_utils.Database,
) -> None:
    reader = open_read_only(db_path)
    try:
        with pytest.raises(sqlite3.OperationalError, match=r"readonly"):
            reader.execute("INSERT INTO asrun (at_utc, kind, console, role) "
                           "VALUES ('x', 'note', 'c', 'stage')")
        assert len(all_rows(reader)) == 240
    finally:
        reader.close()
