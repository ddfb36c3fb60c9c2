"""The stage console tells the booths who is on and who is next.

Booth consoles have no access to the show's database: the stage console sends
them a :class:`~console.models.stage_summary.StageSummary` through OBS whenever
the live segment or the next one changes (a take, back, skip, an edit or an
import that changes them, rehearsal switched), and answers roll calls with it
(it is the sync's stage source). Only the console holding the stage role speaks
for the stage, so booths never hear two versions of the show. Sends go through
the sync, in the background lane: never in front of a take.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from console.models.channels import ChannelPlan, default_plan
from console.models.show import Show
from console.models.stage_summary import StageSummary, same_content, summarise
from console.obs.errors import ObsError
from console.services.background import BackgroundTask
from console.services.booth_sync import BoothSync
from console.services.show_runner import ShowRunner
from console.services.stage_role import StageRole

log = logging.getLogger(__name__)


def _default_plan(show: Show) -> ChannelPlan:
    return default_plan(show.floor_language, show.languages)


class StageAnnouncer:
    """Keeps the booths told of the stage's live and next segments."""

    def __init__(self, runner: ShowRunner, sync: BoothSync, role: StageRole | None, *,
                 plan_for: Callable[[Show], ChannelPlan] | None = None) -> None:
        self._runner = runner
        self._plan_for = plan_for or _default_plan
        self._sync = sync
        self._role = role
        self._wake = asyncio.Event()
        self._sender = BackgroundTask("stage-announcer", self._run)
        sync.set_stage_source(self.for_roll_call)
        runner.live_changed.connect(self._on_change)
        runner.show_changed.connect(self._on_change)
        if role is not None:
            role.changed.connect(self._on_change)

    def summary(self) -> StageSummary | None:
        """What this console knows of the stage now (None: no show)."""
        show = self._runner.show
        if show is None:
            return None
        floor = show.floor_language
        live_segment, run = self._runner.live_segment(), self._runner.live.live
        upcoming = self._runner.next_segment()
        return StageSummary(
            floor_language=floor, plan=self._plan_for(show),
            live=summarise(live_segment, floor, run.started_at)
            if live_segment is not None and run is not None else None,
            next=summarise(upcoming, floor) if upcoming is not None else None,
            show=show.name, rehearsal=self._runner.rehearsal)

    def speaks_for_stage(self) -> bool:
        return self._role is None or self._role.held

    def for_roll_call(self) -> StageSummary | None:
        """The summary to answer a roll call with: only the stage role's holder answers."""
        return self.summary() if self.speaks_for_stage() else None

    def start(self) -> None:
        self._sender.start()

    async def close(self) -> None:
        self._runner.live_changed.disconnect(self._on_change)
        self._runner.show_changed.disconnect(self._on_change)
        if self._role is not None:
            self._role.changed.disconnect(self._on_change)
        await self._sender.stop()

    def refresh(self, *_args: object) -> None:
        """Tell the booths again if what they know has changed (the channel plan did)."""
        self._wake.set()

    _on_change = refresh

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            summary = self.for_roll_call()
            if summary is None or same_content(summary, self._sync.stage):
                continue
            try:
                await self._sync.publish_stage(summary)
            except ObsError as error:
                # The booths hear it when OBS is back: the sync's join says it again.
                log.info("the booths could not be told who is on: %s", error)
