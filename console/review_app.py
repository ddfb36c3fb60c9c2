"""The producer's review: its composition root (``run --role producer``).

It opens one show database read-only (the stage console may be writing it: WAL
lets both go on) on one worker thread, and builds the review window around it:
the timeline, the per-session summary and the paged as-run log. It connects to no
OBS and writes nothing: no writer, no show runner, no stage role is built here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import shiboken6
from PySide6.QtGui import QGuiApplication

from console.models.review import ReviewDay, ShowReview, review_days
from console.services.log_review import LogReview
from console.ui import tasks
from console.ui.asrun_table_model import AsRunTableModel
from console.ui.gui_loop import run_gui_app
from console.ui.report_export import ReportExport
from console.ui.review_timeline import ReviewTimeline
from console.ui.review_window import ReviewWindow
from console.ui.session_summary_model import SessionSummaryModel

log = logging.getLogger(__name__)

OUTAGE_MARGIN = timedelta(seconds=30)  # the rows just before and after an outage explain it


@dataclass(frozen=True)
class ReviewOptions:
    db_path: Path


class ReviewApp:
    """Everything the review runs, built on a running qasync loop."""

    def __init__(self, options: ReviewOptions) -> None:
        self.options = options
        self.source = LogReview(options.db_path)
        self.review: ShowReview | None = None
        self.log_model = AsRunTableModel(self.source, UTC)
        self.sessions = SessionSummaryModel(UTC)
        self.timeline = ReviewTimeline()
        self._window = ReviewWindow(self.log_model, self.sessions, self.timeline, UTC,
                                    options.db_path.name)
        self.log_model.setParent(self._window)
        self.sessions.setParent(self._window)
        self.timeline.segmentActivated.connect(self._window.filter_bar.show_segment)
        self.timeline.outageActivated.connect(self._show_outage)
        self._window.refresh_requested.connect(self._refresh_later)
        self._window.day_chosen.connect(self._draw_day)
        self.reports = ReportExport(self._window)
        self.reports.written.connect(lambda path: self._window.show_message(
            f"Report written: {path}"))
        self._window.report_requested.connect(self._report_later)

    @property
    def window(self) -> ReviewWindow:
        return self._window

    def start(self) -> None:
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self._window.setGeometry(screen.availableGeometry())
        self._window.show()
        tasks.run_task(self._open(), description=f"Open {self.options.db_path}",
                       on_error=self._window.show_error)

    async def _open(self) -> None:
        # The first page first: it is what the producer looks at while the rest is read.
        await self.source.open()
        self._set_zone(_zone(await self.source.show_zone() or "UTC"))
        self.log_model.set_filter(self._window.filter_bar.current_filter())
        await self.refresh(reload_log=False)

    def _refresh_later(self) -> None:
        tasks.run_task(self.refresh(), description="Read the show database again",
                       on_error=self._window.show_error)

    async def refresh(self, reload_log: bool = True) -> None:
        """Read the review and the log's facets again (the stage may still be writing)."""
        review = await self.source.review()
        facets = await self.source.facets()
        self.review = review
        zone = _zone(review.timezone)
        self.sessions.set_sessions(review.sessions, zone)
        self.timeline.set_review(review)
        days = review_days(review, zone)
        self._window.set_days(days, _first_day_on_air(review, days))
        titles = {run.segment_id: run.title for run in review.segments}
        self._window.filter_bar.set_facets(facets, titles)
        self._set_zone(zone)
        self._window.setWindowTitle(f"Review — {review.show_name} — "
                                    f"{self.options.db_path.name} (read-only)")
        if reload_log:
            self.log_model.set_filter(self._window.filter_bar.current_filter())
        log.info("review read", extra={"segments": len(review.segments),
                                       "sessions": len(review.sessions)})

    def _set_zone(self, zone: ZoneInfo) -> None:
        self._window.filter_bar.set_zone(zone)
        self.log_model.set_zone(zone)

    def _draw_day(self, day: ReviewDay | None) -> None:
        self.timeline.set_view(None if day is None else (day.start, day.end))

    def _report_later(self) -> None:
        if self.review is None:
            self._window.show_error("The report needs the show read first: wait for the "
                                    "timeline to appear")
            return
        tasks.run_task(self.reports.export(self.review), description="Export the report",
                       on_error=self._window.show_error)

    def _show_outage(self, language: str, start: object, end: object) -> None:
        if isinstance(start, datetime) and isinstance(end, datetime):
            self._window.filter_bar.show_span(language, start - OUTAGE_MARGIN,
                                              end + OUTAGE_MARGIN)

    async def close(self) -> None:
        for task in tasks.cancel_all():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.source.close()
        self.reports.close()
        if shiboken6.isValid(self._window):
            self._window.deleteLater()
        log.info("review closed")


def _first_day_on_air(review: ShowReview, days: tuple[ReviewDay, ...]) -> ReviewDay | None:
    """The first day that had a segment on air (the one a producer asks about), else the
    first day."""
    starts = [run.actual_start for run in review.segments if run.actual_start is not None]
    if starts:
        first = min(starts)
        for day in days:
            if day.start <= first <= day.end:
                return day
    return days[0] if days else None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        log.info("unknown time zone %r in the show: times shown in UTC", name)
        return ZoneInfo("UTC")


def run_review(options: ReviewOptions) -> int:
    """Show the review until its window is closed (or SIGTERM/SIGINT)."""
    return run_gui_app(lambda: ReviewApp(options))
