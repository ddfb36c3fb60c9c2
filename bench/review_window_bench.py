"""The producer's review window on a log of a million rows: from opening it to the first
page on screen, and from a new filter to its rows, as a producer feels them (the window,
its worker thread and the loop included). Baseline: the same page read with bare sqlite3.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication

from console.review_app import ReviewApp, ReviewOptions
from console.store.asrun_query import LogFilter
from console.ui import tasks
from console.ui.gui_loop import run_to_completion

RUNS = 2  # each run also waits for the review of the whole log (seconds on a million rows)
POLL_S = 0.001


async def _until(predicate: Callable[[], bool]) -> None:
    # Polled as a person would see it: what the model holds, whichever signal got it there.
    while not predicate():  # noqa: ASYNC110
        await asyncio.sleep(POLL_S)


async def _one_run(path: Path) -> tuple[float, float]:
    started = time.perf_counter()
    review = ReviewApp(ReviewOptions(db_path=path))
    review.start()
    try:
        await _until(lambda: review.log_model.rowCount() > 0)
        first_ms = (time.perf_counter() - started) * 1000
        await _until(lambda: review.review is not None)  # the filter is measured alone
        asked = time.perf_counter()
        review.log_model.set_filter(LogFilter(language="fr"))
        await _until(lambda: review.log_model.log_filter.language == "fr"
                     and review.log_model.rowCount() > 0)
        filtered_ms = (time.perf_counter() - asked) * 1000
    finally:
        review.window.close()
        await review.close()
        await tasks.wait_idle()
    return first_ms, filtered_ms


def window_timings(path: Path) -> tuple[float, float]:
    """Median milliseconds: (open to first page shown, filter to its first page shown)."""
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # as the console runs: closing ends a run, not Qt
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    runs: list[tuple[float, float]] = []
    try:
        with loop:
            for _ in range(RUNS):
                runs.append(run_to_completion(loop, _one_run(path)))
    finally:
        asyncio.set_event_loop(None)
    return (statistics.median(first for first, _ in runs),
            statistics.median(filtered for _, filtered in runs))
