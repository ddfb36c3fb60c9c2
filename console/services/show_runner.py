"""Running the show on one stage: what is live, holds, added time, skips, rehearsal.

Every action is a function applied to the *newest* live state under one lock,
so actions that arrive together (a key, a click, the control API, a Stream Deck)
are applied one after the other and none is lost: two "+1 minute" at once add
two minutes and write two as-run rows. Preconditions ("no segment is live") are
checked against that newest state, inside the lock.

Each change is saved (``save_live_state``, on a writer thread of its own so the
loop never waits on a disk sync) before it is shown, so a console killed
mid-segment resumes the same segment with the right elapsed time. When the disk
refuses the save (full, read-only), the change still stands in memory, the
failure is announced through ``storage_changed`` and the newest state is saved
again every second until the disk takes it: what happened on air is never
undone by the storage. Its as-run row is committed before the change is shown
or the action returns (``AsRunLog.committed``), so what the operator was told is
done is in the log even if the console is killed the next instant.

Signals (psygnal, on the event loop's thread):
    live_changed(LiveState): the stage's live state changed (here or, followed, elsewhere).
    show_changed(Show): the show was replaced (an import or an edit, here or elsewhere).
    storage_changed(object): a ``str`` saying why the live state cannot be saved, or
        None once it is saved again.
    notice(str): something the operator must know that is not an error of an action
        (a saved state set aside, a live segment missing from a reloaded show).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from psygnal import Signal

from console.models import live as live_ops
from console.models.asrun import AsRunKind
from console.models.errors import OperatorError
from console.models.limits import MAX_ADDED_S
from console.models.live import LiveState
from console.models.show import Segment, Show, Stage, find_segment
from console.services.asrun_log import AsRunLog
from console.store.database import StoreError, open_database
from console.store.live_state import read_live_state, save_live_state
from console.store.shows import load_show

log = logging.getLogger(__name__)

STORAGE_RETRY_S = 1.0

RoleGuard = Callable[[], str | None]


class ShowRunnerError(OperatorError):
    """The action does not fit the show's state (no show, unknown segment, nothing live)."""


def stage_segments(stage: Stage) -> list[Segment]:
    return [segment for day in stage.days for session in day.sessions
            for segment in session.segments]


def next_after(segments: list[Segment], state: LiveState) -> Segment | None:
    """The segment a take would put on: the first after the latest run (of a segment that
    is still in the rundown), not skipped."""
    ids = {segment.id: index for index, segment in enumerate(segments)}
    start = 0
    for run in reversed(state.runs):
        if run.segment_id in ids:
            start = ids[run.segment_id] + 1
            break
    return next((s for s in segments[start:] if s.id not in state.skipped), None)


@dataclass(frozen=True)
class Step:
    """A new live state and what the as-run log says about it."""

    state: LiveState
    segment: Segment | None = None
    planned: datetime | None = None
    actual: datetime | None = None
    at: datetime | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    kind: AsRunKind | None = None  # when the step decides (hold or release)


class ShowRunner:
    """The live state of one stage, kept in memory, on disk and in the as-run log."""

    live_changed = Signal(LiveState)
    show_changed = Signal(Show)
    storage_changed = Signal(object)
    notice = Signal(str)

    def __init__(self, db_path: Path, asrun: AsRunLog, *, saved_by: str = "",
                 stage_name: str | None = None, role_guard: RoleGuard | None = None) -> None:
        self._db_path = db_path
        self._asrun = asrun
        self._saved_by = saved_by
        self._role_guard = role_guard
        # Live-state saves run in order on one thread of their own: the UI never waits on fsync.
        self._saver = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="live-state")
        self._saver_db: sqlite_utils.Database | None = None
        self._lock = asyncio.Lock()
        self._storage_error: str | None = None
        self._retry: asyncio.Task[None] | None = None
        self.startup_notices: list[str] = []
        self._show, self._stage, self._live = self._load(stage_name)
        if self._live.live is not None:
            log.info("resumed live segment", extra={
                "segment_id": self._live.live.segment_id,
                "elapsed_s": round(self._live.elapsed_s(self.now()), 1)})

    def _load(self, stage_name: str | None) -> tuple[Show | None, Stage | None, LiveState]:
        database = open_database(self._db_path)
        try:
            try:
                show = load_show(database)
            except StoreError as error:
                # A show this console cannot read must not keep it from starting.
                show = None
                self._note_at_start(f"{error}; import the show again")
            stage = _pick_stage(show, stage_name)
            loaded = read_live_state(database, stage.name if stage else "", self.now())
        finally:
            database.conn.close()
        if loaded.set_aside:
            self._note_at_start(loaded.set_aside)
        return show, stage, loaded.state

    def _note_at_start(self, message: str) -> None:
        log.error("%s", message)
        self.startup_notices.append(message)

    async def close(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retry
        await asyncio.get_running_loop().run_in_executor(self._saver, self._close_saver_db)
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

    @property
    def rehearsal(self) -> bool:
        return self._live.rehearsal

    @property
    def storage_error(self) -> str | None:
        return self._storage_error

    def now(self) -> datetime:
        return self._asrun.clock()

    def segments(self) -> list[Segment]:
        return stage_segments(self._stage) if self._stage else []

    def segment(self, segment_id: str) -> Segment | None:
        return find_segment(self._show, segment_id) if self._show is not None else None

    def next_segment(self) -> Segment | None:
        return next_after(self.segments(), self._live)

    def live_segment(self) -> Segment | None:
        run = self._live.live
        return self.segment(run.segment_id) if run is not None else None

    def set_show(self, show: Show | None) -> None:
        """Use ``show`` (already saved) from now on; the live state stays."""
        self._show = show
        self._stage = _pick_stage(show, self._stage.name if self._stage else None)
        if show is not None:
            self.show_changed.emit(show)

    def show_replaced_elsewhere(self, show: Show | None, by: str) -> None:
        """Another process saved a new show (an import from the command line, another
        console's edit): use it, keeping the live segment if it is still there."""
        live = self._live.live
        self.set_show(show)
        log.info("show reloaded", extra={"saved_by": by})
        if live is not None and self.segment(live.segment_id) is None:
            self.notice.emit(
                f"The show was replaced ({by}): the live segment is no longer in it. It stays "
                "on air; TAKE NEXT continues after the latest segment still in the rundown.")
        else:
            self.notice.emit(f"The show was replaced ({by}); reloaded")

    async def follow(self, state: LiveState) -> None:
        """Another console saved ``state`` for this stage: show it (nothing is written)."""
        async with self._lock:
            if state != self._live:
                self._live = state
                self.live_changed.emit(state)

    # -- operator actions ---------------------------------------------------------

    async def go_live(self, segment_id: str, *, at: datetime | None = None,
                      **details: Any) -> LiveState:
        """Put ``segment_id`` live as of ``at`` (default now): one ``take`` row with its
        planned and actual start, and the deviation between them."""

        def step(state: LiveState) -> Step:
            segment = self._require_segment(segment_id)
            moment = at or self.now()
            return Step(live_ops.go_live(state, segment.id, moment), segment,
                        planned=segment.planned_start, actual=moment, at=moment,
                        details={**details, "rehearsal": state.rehearsal})

        return await self._change(AsRunKind.TAKE, step)

    async def back(self) -> LiveState:
        def step(state: LiveState) -> Step:
            if not state.runs:
                raise ShowRunnerError("nothing to go back from: no segment has run yet")
            return Step(live_ops.back(state), details={"undone": state.runs[-1].segment_id})

        return await self._change(AsRunKind.BACK, step)

    async def hold(self) -> LiveState:
        def step(state: LiveState) -> Step:
            _require_live(state)
            if state.on_hold:
                raise ShowRunnerError("the live segment is already on hold")
            return Step(live_ops.hold(state, self.now()))

        return await self._change(AsRunKind.HOLD, step)

    async def release_hold(self) -> LiveState:
        def step(state: LiveState) -> Step:
            _require_live(state)
            if not state.on_hold:
                raise ShowRunnerError("the live segment is not on hold")
            return Step(live_ops.release_hold(state, self.now()))

        return await self._change(AsRunKind.RELEASE, step)

    async def toggle_hold(self) -> LiveState:
        """Hold the live segment's clock, or release it when it is on hold, as the newest
        state says (two presses at once: one holds, the other releases)."""

        def step(state: LiveState) -> Step:
            _require_live(state)
            if state.on_hold:
                return Step(live_ops.release_hold(state, self.now()), kind=AsRunKind.RELEASE)
            return Step(live_ops.hold(state, self.now()), kind=AsRunKind.HOLD)

        return await self._change(AsRunKind.HOLD, step)

    async def add_time(self, seconds: float) -> LiveState:
        def step(state: LiveState) -> Step:
            live = _require_live(state)
            total = live.added_s + seconds
            if not -MAX_ADDED_S <= total <= MAX_ADDED_S:
                raise ShowRunnerError(
                    f"the live segment would have {total / 3600:+.1f} h added; at most "
                    f"±{MAX_ADDED_S / 3600:g} h can be added in all")
            return Step(live_ops.add_time(state, seconds), details={"seconds": seconds})

        return await self._change(AsRunKind.ADD_TIME, step)

    async def skip(self, segment_id: str) -> LiveState:
        def step(state: LiveState) -> Step:
            segment = self._require_segment(segment_id)
            live = state.live
            if live is not None and live.segment_id == segment.id:
                raise ShowRunnerError("the live segment cannot be skipped: take the next one")
            return Step(live_ops.skip(state, segment.id), segment)

        return await self._change(AsRunKind.SKIP, step)

    async def skip_next(self) -> Segment:
        """Skip the segment a take would put on next (as the newest state says)."""
        skipped: list[Segment] = []

        def step(state: LiveState) -> Step:
            segment = next_after(self.segments(), state)
            if segment is None:
                raise ShowRunnerError("nothing to skip: the rundown is at its end")
            skipped.append(segment)
            return Step(live_ops.skip(state, segment.id), segment)

        await self._change(AsRunKind.SKIP, step)
        return skipped[0]

    async def unskip(self, segment_id: str) -> LiveState:
        def step(state: LiveState) -> Step:
            segment = self._require_segment(segment_id)
            return Step(live_ops.unskip(state, segment.id), segment)

        return await self._change(AsRunKind.UNSKIP, step)

    async def reset(self, *, reason: str = "") -> LiveState:
        """Forget what ran (after a rehearsal): nothing live, nothing skipped."""

        def step(state: LiveState) -> Step:
            return Step(live_ops.reset(state), details={
                "reason": reason or None, "runs_forgotten": len(state.runs),
                "live_segment_id": state.live.segment_id if state.live else None})

        return await self._change(AsRunKind.RESET, step)

    async def set_rehearsal(self, on: bool) -> LiveState:
        def step(state: LiveState) -> Step:
            return Step(live_ops.set_rehearsal(state, on), details={"rehearsal": on})

        return await self._change(AsRunKind.REHEARSAL, step, unless_unchanged=True)

    # -- applying a change ---------------------------------------------------------

    async def _change(self, kind: AsRunKind, step: Callable[[LiveState], Step], *,
                      unless_unchanged: bool = False) -> LiveState:
        async with self._lock:
            self._require_role()
            outcome = step(self._live)
            if unless_unchanged and outcome.state == self._live:
                return self._live
            await self._persist(outcome.state)
            self._asrun.record(outcome.kind or kind, segment=outcome.segment,
                               planned=outcome.planned, actual=outcome.actual, at=outcome.at,
                               **outcome.details)
            # Shown (and answered) only once its row is on disk: a console killed
            # after the operator saw "done" still has the row. Until then readers see
            # the state before, whole: the new one without the clock's timing for it
            # (updated on live_changed) would show a live segment with no time left.
            try:
                await self._asrun.committed()
            finally:
                self._live = outcome.state
            self.live_changed.emit(outcome.state)
            return outcome.state

    def _require_role(self) -> None:
        refusal = self._role_guard() if self._role_guard is not None else None
        if refusal:
            raise ShowRunnerError(refusal)

    def _require_segment(self, segment_id: str) -> Segment:
        if self._show is None:
            raise ShowRunnerError("no show is loaded")
        segment = find_segment(self._show, segment_id)
        if segment is None:
            raise ShowRunnerError(f"no segment {segment_id!r} in the show")
        return segment

    # -- saving -------------------------------------------------------------------

    async def _persist(self, state: LiveState) -> None:
        """Save ``state``; on a storage failure keep going and retry in the background."""
        try:
            await asyncio.get_running_loop().run_in_executor(
                self._saver, self._save, state, self.now())
        except StoreError as error:
            self._storage_failed(str(error))
        else:
            self._storage_ok()

    def _storage_failed(self, why: str) -> None:
        if why != self._storage_error:
            log.error("live state not saved: %s", why)
            self._storage_error = why
            self.storage_changed.emit(why)
        if self._retry is None or self._retry.done():
            self._retry = asyncio.get_running_loop().create_task(
                self._retry_saving(), name="live-state-retry")

    def _storage_ok(self) -> None:
        if self._storage_error is not None:
            log.info("live state saved again")
            self._storage_error = None
            self.storage_changed.emit(None)

    async def _retry_saving(self) -> None:
        while self._storage_error is not None:
            await asyncio.sleep(STORAGE_RETRY_S)
            async with self._lock:
                if self._storage_error is not None:
                    await self._persist(self._live)

    def _save(self, state: LiveState, now: datetime) -> None:
        # Runs on the saver thread only, which owns this connection.
        if self._saver_db is None:
            self._saver_db = open_database(self._db_path)
        save_live_state(self._saver_db, state, now, self._saved_by)

    def _close_saver_db(self) -> None:
        if self._saver_db is not None:
            self._saver_db.conn.close()
            self._saver_db = None


def _pick_stage(show: Show | None, name: str | None) -> Stage | None:
    if show is None or not show.stages:
        return None
    return next((stage for stage in show.stages if stage.name == name), show.stages[0])


def _require_live(state: LiveState) -> Any:
    if state.live is None:
        raise ShowRunnerError("no segment is live")
    return state.live
