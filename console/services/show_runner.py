"""Running the show on one stage: what is live, holds, added time, skips.

Every change is saved before it is shown (``save_live_state``, one transaction,
on its own writer thread so the loop never waits on a disk sync), so a console
killed mid-segment resumes the same segment with the right elapsed time. Each
change is also written to the as-run log.

Signals (psygnal, on the event loop's thread):
    live_changed(LiveState): the stage's live state changed (and is saved).
    show_changed(Show): the show was replaced (an import or an edit).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from psygnal import Signal

from console.models import live as live_ops
from console.models.asrun import AsRunEntry, ConsoleRole
from console.models.errors import OperatorError
from console.models.live import LiveState
from console.models.show import Segment, Show, Stage, find_segment
from console.store.asrun import AsRunWriter
from console.store.database import open_database
from console.store.live_state import load_live_state, save_live_state
from console.store.shows import load_show

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class ShowRunnerError(OperatorError):
    """The action does not fit the show's state (no show, unknown segment, nothing live)."""


def stage_segments(stage: Stage) -> list[Segment]:
    return [segment for day in stage.days for session in day.sessions
            for segment in session.segments]


class ShowRunner:
    """The live state of one stage, kept in memory, on disk and in the as-run log."""

    live_changed = Signal(LiveState)
    show_changed = Signal(Show)

    def __init__(self, db_path: Path, writer: AsRunWriter, console_name: str,
                 clock: Clock = utc_now, stage_name: str | None = None) -> None:
        self._db_path = db_path
        self._writer = writer
        self._console = console_name
        self._clock = clock
        # Live-state saves run in order on one thread of their own: the UI never waits on fsync.
        self._saver = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="live-state")
        self._saver_db: sqlite_utils.Database | None = None
        database = open_database(db_path)
        try:
            self._show = load_show(database)
            self._stage = self._pick_stage(stage_name)
            self._live = load_live_state(database, self._stage.name if self._stage else "")
        finally:
            database.conn.close()
        if self._live.live is not None:
            log.info("resumed live segment", extra={
                "segment_id": self._live.live.segment_id,
                "elapsed_s": round(self._live.elapsed_s(self._clock()), 1)})

    def close(self) -> None:
        self._saver.submit(self._close_saver_db).result()
        self._saver.shutdown(wait=True)

    # -- what there is -------------------------------------------------------

    @property
    def show(self) -> Show | None:
        return self._show

    @property
    def stage(self) -> Stage | None:
        return self._stage

    @property
    def live(self) -> LiveState:
        return self._live

    def now(self) -> datetime:
        return self._clock()

    def segments(self) -> list[Segment]:
        return stage_segments(self._stage) if self._stage else []

    def next_segment(self) -> Segment | None:
        """The segment a take would put on: the first after the last run, not skipped."""
        segments = self.segments()
        last = self._live.runs[-1].segment_id if self._live.runs else None
        ids = [segment.id for segment in segments]
        start = ids.index(last) + 1 if last in ids else 0
        for segment in segments[start:]:
            if segment.id not in self._live.skipped:
                return segment
        return None

    def set_show(self, show: Show | None) -> None:
        """Use ``show`` (already saved) from now on; the live state stays."""
        self._show = show
        self._stage = self._pick_stage(self._stage.name if self._stage else None)
        if show is not None:
            self.show_changed.emit(show)

    def _pick_stage(self, name: str | None) -> Stage | None:
        if self._show is None or not self._show.stages:
            return None
        for stage in self._show.stages:
            if stage.name == name:
                return stage
        return self._show.stages[0]

    # -- operator actions ---------------------------------------------------------

    async def go_live(self, segment_id: str) -> LiveState:
        segment = self._segment(segment_id)
        now = self._clock()
        return await self._apply(live_ops.go_live(self._live, segment.id, now), "segment_live",
                                 segment=segment, planned=segment.planned_start, actual=now)

    async def take_next(self) -> LiveState:
        segment = self.next_segment()
        if segment is None:
            raise ShowRunnerError("nothing left to take: the rundown is at its end")
        return await self.go_live(segment.id)

    async def back(self) -> LiveState:
        if not self._live.runs:
            raise ShowRunnerError("nothing to go back from: no segment has run yet")
        undone = self._live.runs[-1].segment_id
        return await self._apply(live_ops.back(self._live), "segment_back", undone=undone)

    async def hold(self) -> LiveState:
        self._require_live()
        return await self._apply(live_ops.hold(self._live, self._clock()), "segment_hold")

    async def release_hold(self) -> LiveState:
        self._require_live()
        return await self._apply(live_ops.release_hold(self._live, self._clock()),
                                 "segment_release")

    async def add_time(self, seconds: float) -> LiveState:
        self._require_live()
        return await self._apply(live_ops.add_time(self._live, seconds), "segment_add_time",
                                 seconds=seconds)

    async def skip(self, segment_id: str) -> LiveState:
        segment = self._segment(segment_id)
        live = self._live.live
        if live is not None and live.segment_id == segment.id:
            raise ShowRunnerError("the live segment cannot be skipped: take the next one")
        return await self._apply(live_ops.skip(self._live, segment.id), "segment_skip",
                                 segment=segment)

    async def unskip(self, segment_id: str) -> LiveState:
        segment = self._segment(segment_id)
        return await self._apply(live_ops.unskip(self._live, segment.id), "segment_unskip",
                                 segment=segment)

    async def reset(self) -> LiveState:
        """Forget what ran (after a rehearsal): nothing live, nothing skipped."""
        stage = self._stage.name if self._stage else ""
        return await self._apply(LiveState(stage=stage), "segment_reset")

    # -- helpers -------------------------------------------------------------------

    def _segment(self, segment_id: str) -> Segment:
        if self._show is None:
            raise ShowRunnerError("no show is loaded")
        segment = find_segment(self._show, segment_id)
        if segment is None:
            raise ShowRunnerError(f"no segment {segment_id!r} in the show")
        return segment

    def _require_live(self) -> None:
        if self._live.live is None:
            raise ShowRunnerError("no segment is live")

    async def _apply(self, state: LiveState, kind: str, *, segment: Segment | None = None,
                     planned: datetime | None = None, actual: datetime | None = None,
                     **details: Any) -> LiveState:
        now = self._clock()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._saver, self._save, state, now)
        self._live = state
        segment_id = segment.id if segment else (state.live.segment_id if state.live else None)
        if segment is not None:
            details.setdefault("title", segment.title)
        self._writer.append(AsRunEntry(
            at_utc=now, kind=kind, console=self._console, role=ConsoleRole.STAGE.value,
            segment_id=segment_id, planned=planned, actual=actual, details=details,
        ))
        self.live_changed.emit(state)
        return state

    def _save(self, state: LiveState, now: datetime) -> None:
        # Runs on the saver thread only, which owns this connection.
        if self._saver_db is None:
            self._saver_db = open_database(self._db_path)
        save_live_state(self._saver_db, state, now)

    def _close_saver_db(self) -> None:
        if self._saver_db is not None:
            self._saver_db.conn.close()
            self._saver_db = None
