"""The producer's review assembled (ReviewApp) on a finished show's database: the timeline,
the session summary and the log agree, the timeline narrows the log, and the report is
written from the window, one at a time."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.review_app import ReviewApp, ReviewOptions
from console.store.database import open_database
from console.ui import tasks
from console.ui.report_export import ReportBusy
from console.ui.review_timeline import HitKind
from tests.helpers.loops import LoopRunner
from tests.helpers.review_sample import fill_database


@pytest.fixture(scope="module")
def finished_show(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("finished") / "show.sqlite"
    db = open_database(path)
    try:
        fill_database(db, path)
    finally:
        db.close()
    return path


@pytest.fixture
def review_app(finished_show: Path, tmp_path: Path, qloop: LoopRunner,
               themed_app: object) -> Iterator[ReviewApp]:
    copy = tmp_path / "copy.sqlite"
    shutil.copy(finished_show, copy)
    app = ReviewApp(ReviewOptions(db_path=copy))
    app.start()
    qloop.wait_until(lambda: app.review is not None and app.log_model.rowCount() > 0,
                     what="the review read")
    yield app
    app.window.close()
    qloop.run(app.close())
    qloop.run(tasks.wait_idle())


def test_the_summary_and_timeline_show_what_the_log_says(review_app: ReviewApp) -> None:
    review = review_app.review
    assert review is not None
    assert review_app.sessions.rowCount() == len(review.sessions)
    assert review_app.timeline.review() is review
    assert "(read-only)" in review_app.window.windowTitle()
    assert review.show_name in review_app.window.windowTitle()
    assert review_app.window.log_status.text().endswith("scroll for more") \
        or not review_app.log_model.canFetchMore()


def test_double_clicking_a_segment_narrows_the_log_to_its_rows(
        review_app: ReviewApp, qloop: LoopRunner, qtbot: QtBot) -> None:
    timeline = review_app.timeline
    review_app.window.tabs.setCurrentWidget(timeline)
    qloop.wait_until(lambda: any(hit.kind is HitKind.ACTUAL for hit in timeline.hits()),
                     what="the timeline drawn")
    hit = next(hit for hit in timeline.hits() if hit.kind is HitKind.ACTUAL)
    with qtbot.waitSignal(timeline.segmentActivated) as activated:
        qtbot.mouseDClick(timeline, Qt.MouseButton.LeftButton, pos=hit.rect.center().toPoint())
    segment_id = activated.args[0]
    model = review_app.log_model
    qloop.wait_until(lambda: model.log_filter.segment_id == segment_id and model.exhausted,
                     what="the segment's rows")
    assert model.rowCount() > 0
    assert {model.row_at(row).segment_id for row in range(model.rowCount())} == {segment_id}


def test_the_report_is_written_from_the_window_one_at_a_time(
        review_app: ReviewApp, qloop: LoopRunner, tmp_path: Path, qtbot: QtBot) -> None:
    target = tmp_path / "report.pdf"
    review_app.reports._choose_path = lambda: target  # the file dialog's answer
    review = review_app.review
    assert review is not None
    steps: list[tuple[int, int]] = []
    review_app.reports.progressed.connect(lambda done, total: steps.append((done, total)))

    async def twice() -> list[object]:
        first = asyncio.ensure_future(review_app.reports.export(review))
        await asyncio.sleep(0)
        second = asyncio.ensure_future(review_app.reports.export(review))
        return list(await asyncio.gather(first, second, return_exceptions=True))

    first, second = qloop.run(twice())
    assert first == target
    assert isinstance(second, ReportBusy)
    assert target.read_bytes().startswith(b"%PDF")
    assert steps
    assert steps[-1][0] == steps[-1][1]
    assert not review_app.reports.busy


def test_a_report_that_cannot_be_written_says_where_and_keeps_nothing_half_done(
        review_app: ReviewApp, qloop: LoopRunner, tmp_path: Path) -> None:
    review_app.reports._choose_path = lambda: tmp_path / "no-such-folder" / "report.pdf"
    review_app.window.report_requested.emit()
    qloop.wait_until(lambda: review_app.window.message.isVisibleTo(review_app.window),
                     what="the refusal shown")
    assert "no-such-folder" in review_app.window.message.text()
    assert not (tmp_path / "no-such-folder").exists()



def test_a_refresh_keeps_the_day_the_producer_chose(review_app: ReviewApp,
                                                    qloop: LoopRunner) -> None:
    chooser = review_app.window.day
    assert chooser.count() >= 3  # two days and the whole show
    chooser.setCurrentIndex(chooser.count() - 1)
    assert review_app.timeline.view() == (review_app.review.start, review_app.review.end)
    qloop.run(review_app.refresh())
    assert chooser.currentIndex() == chooser.count() - 1
