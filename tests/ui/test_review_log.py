"""The review's log table: paged from a real show database as the producer scrolls, and
narrowed by the filter bar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.models.asrun import AsRunEntry, AsRunKind
from console.services.log_review import LogReview
from console.store.asrun import insert_entry
from console.store.asrun_query import LogFilter
from console.store.database import open_database, write_transaction
from console.ui.asrun_table_model import (
    COL_DEVIATION,
    COL_KIND,
    COL_SEGMENT,
    COL_TIME,
    AsRunTableModel,
)
from console.ui.log_filter_bar import LogFilterBar
from tests.helpers.loops import LoopRunner

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
ROWS = 1_234
PAGE = 100


def _entry(number: int) -> AsRunEntry:
    at = START + timedelta(seconds=number)
    if number % 10 == 0:
        return AsRunEntry(at_utc=at, kind=AsRunKind.TAKE, console="stage-a", role="stage",
                          segment_id=f"seg-{number // 100}", planned=at - timedelta(seconds=90),
                          actual=at, details={"title": f"Talk {number // 100}"})
    return AsRunEntry(at_utc=at, kind=AsRunKind.INTERPRETER, console="stage-a", role="stage",
                      language="fr" if number % 2 else "de", details={"event": "booth"})


@pytest.fixture
def show_file(tmp_path: Path) -> Path:
    path = tmp_path / "show.sqlite"
    db = open_database(path)
    with write_transaction(db):
        for number in range(ROWS):
            insert_entry(db, _entry(number))
    db.close()
    return path


@pytest.fixture
def review(show_file: Path, qloop: LoopRunner) -> Iterator[LogReview]:
    source = LogReview(show_file)
    qloop.run(source.open())
    yield source
    qloop.run(source.close())


def _load_all(model: AsRunTableModel, qloop: LoopRunner) -> None:
    qloop.wait_until(lambda: model.canFetchMore() or model.exhausted, what="first page")
    while not model.exhausted:
        before = model.rowCount()
        model.fetchMore()
        qloop.wait_until(lambda: model.rowCount() > before or model.exhausted,  # noqa: B023
                         what="next page")


def test_pages_arrive_one_at_a_time_and_join_into_the_whole_log(
        review: LogReview, qloop: LoopRunner, qtbot: QtBot) -> None:
    model = AsRunTableModel(review, UTC, page_rows=PAGE)
    with qtbot.waitSignal(model.rows_loaded, timeout=10_000) as first:
        model.set_filter(LogFilter())
        qloop.wait_until(lambda: model.rowCount() > 0, what="first page")
    assert first.args == [PAGE]
    assert model.canFetchMore()
    _load_all(model, qloop)
    ids = [model.row_at(row).id for row in range(model.rowCount())]
    assert len(ids) == ROWS
    assert ids == sorted(ids)
    assert len(set(ids)) == ROWS


def test_a_take_shows_its_title_and_how_late_it_was(
        review: LogReview, qloop: LoopRunner) -> None:
    model = AsRunTableModel(review, UTC, page_rows=PAGE)
    model.set_filter(LogFilter(kinds=frozenset({"take"})))
    qloop.wait_until(lambda: model.rowCount() > 0, what="takes")
    assert model.index(0, COL_KIND).data() == "take"
    assert model.index(0, COL_SEGMENT).data() == "Talk 0"
    assert model.index(0, COL_DEVIATION).data() == "+1:30"


def test_a_new_filter_drops_the_page_of_the_old_one(
        review: LogReview, qloop: LoopRunner) -> None:
    model = AsRunTableModel(review, UTC, page_rows=PAGE)
    model.set_filter(LogFilter())
    model.set_filter(LogFilter(language="de"))  # while the first page is still being read
    qloop.wait_until(lambda: model.rowCount() > 0, what="the second filter's page")
    _load_all(model, qloop)
    languages = {model.row_at(row).language for row in range(model.rowCount())}
    assert languages == {"de"}
    assert model.rowCount() == sum(1 for n in range(ROWS) if n % 10 and n % 2 == 0)


def test_the_filter_bar_lists_the_facets_and_narrows_to_a_timeline_span(
        review: LogReview, qloop: LoopRunner, qtbot: QtBot) -> None:
    bar = LogFilterBar(UTC)
    qtbot.addWidget(bar)
    bar.set_facets(qloop.run(review.facets()), {"seg-3": "Talk 3"})
    assert bar.language.findData("fr") > 0
    assert bar.segment.findText("Talk 3") > 0
    start, end = START + timedelta(minutes=1), START + timedelta(minutes=2)
    with qtbot.waitSignal(bar.filter_changed) as changed:
        bar.show_span("fr", start, end)
    assert changed.args[0] == LogFilter(language="fr", since=start, until=end)
    assert bar.time_window.isVisibleTo(bar)
    with qtbot.waitSignal(bar.filter_changed) as cleared:
        bar.time_window.click()
    assert cleared.args[0] == LogFilter(language="fr")
    with qtbot.waitSignal(bar.filter_changed, timeout=5_000) as searched:
        qtbot.keyClicks(bar.search, "Talk 1")
    assert searched.args[0].text == "Talk 1"


def test_a_pasted_tab_or_line_break_searches_as_a_space(qtbot: QtBot) -> None:
    bar = LogFilterBar(UTC)
    qtbot.addWidget(bar)
    bar.search.setText("Talk\t1\n")
    assert bar.current_filter().text == "Talk 1"


def test_a_row_with_unreadable_values_still_shows_and_says_what_was_wrong(
        tmp_path: Path, qloop: LoopRunner) -> None:
    path = tmp_path / "older.sqlite"
    db = open_database(path)
    db.execute("INSERT INTO asrun (at_utc, kind, console, role, details) "
               "VALUES ('noon', 'take', 'stage-a', 'stage', '{}')")
    db.conn.commit()
    db.close()
    source = LogReview(path)
    qloop.run(source.open())
    try:
        model = AsRunTableModel(source, ZoneInfo("America/Los_Angeles"), page_rows=PAGE)
        model.set_filter(LogFilter())
        qloop.wait_until(lambda: model.rowCount() == 1, what="the row")
        assert model.index(0, COL_TIME).data() == "(unreadable)"
        assert "at_utc" in model.index(0, COL_KIND).data(Qt.ItemDataRole.ToolTipRole)
    finally:
        qloop.run(source.close())
