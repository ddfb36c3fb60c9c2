"""What the widget tests share: sample snapshots, a recording switcher, loop helpers,
and the show's services over a real database (:func:`make_stage`).

These tests never talk to OBS: they publish snapshots into a real
:class:`ObsMirror` (as its connection would) and record what the widgets ask
of the scene switcher.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psygnal
import shiboken6
from PySide6.QtWidgets import QMessageBox, QWidget

from console.models.asrun import AsRunEntry, ConsoleRole
from console.models.obs_state import ConnectionState, ObsSnapshot
from console.obs.mirror import ObsMirror
from console.services.asrun_log import AsRunLog
from console.services.handoff import HandoffService
from console.services.rundown_editor import RundownEditor
from console.services.show_import import ImportAuthor
from console.services.show_runner import ShowRunner
from console.services.stage_clock import StageClock
from console.services.switcher import TakeConfirmation, TakeInFlight
from console.store.asrun import AsRunWriter, read_asrun
from console.store.database import open_database
from console.ui import tasks

LIVE = ObsSnapshot(
    state=ConnectionState.CONNECTED,
    obs_version="30.2.3",
    websocket_version="5.5.2",
    scenes=("Opening", "Keynote", "Panel", "Break"),
    program_scene="Opening",
    transitions=("Cut", "Fade"),
    current_transition="Fade",
    transition_duration_ms=300,
    latency_ms=4.2,
)
STUDIO = replace(LIVE, studio_mode=True, preview_scene="Keynote")


SETTLE_TIMEOUT_S = 10.0


def settle(loop: asyncio.AbstractEventLoop) -> None:
    """Run the loop until every task the widgets started has finished (a hang fails)."""
    loop.run_until_complete(asyncio.wait_for(tasks.wait_idle(), SETTLE_TIMEOUT_S))


async def idle() -> None:
    """Inside a running loop: let Qt's queued events (an editor's commit) and then every
    task the widgets started run to the end."""
    await asyncio.sleep(0.02)
    await tasks.wait_idle()
    await asyncio.sleep(0)


def show_active(qtbot: Any, widget: QWidget) -> None:
    """Show ``widget`` as the active window, so that shortcuts and focus work as for a user."""
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()


def publish(mirror: ObsMirror, snapshot: ObsSnapshot | None = None, **changes: Any) -> None:
    """Publish ``snapshot`` (default: the mirror's) with ``changes``, as OBS's events would."""
    mirror._publish(replace(snapshot or mirror.snapshot, **changes))


Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class RecordingSwitcher:
    """A stand-in for our SceneSwitcher service: records calls, can fail or hold them.

    Single-flight like the real one: while a take is in flight (``hold`` keeps it
    there) ``take_in_flight`` says what it is and ``in_flight`` holds it, and
    another take, another :meth:`exclusive` slot or a preview is refused with
    :class:`TakeInFlight`; refused requests go to ``refused``, never to ``calls``.
    A take (or a slot's ``program``/``preview_only``) is confirmed as of ``clock()``.
    """

    take_in_flight = psygnal.Signal(str)

    def __init__(self, clock: Clock = utc_now) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.refused: list[tuple[str, Any]] = []
        self.failure: BaseException | None = None
        self.hold: asyncio.Event | None = None
        self.in_flight: str | None = None
        self.clock = clock

    async def _record(self, name: str, argument: Any) -> None:
        self.calls.append((name, argument))
        if self.hold is not None:
            await self.hold.wait()
        if self.failure is not None:
            raise self.failure

    def _refuse_while_in_flight(self, name: str, argument: Any, what: str) -> None:
        if self.in_flight is not None:
            self.refused.append((name, argument))
            raise TakeInFlight(f"refused: a take is already in flight ({self.in_flight}); "
                               "wait for it, then press again")

    @contextlib.asynccontextmanager
    async def _slot(self, name: str, argument: Any, what: str) -> AsyncIterator[RecordingSlot]:
        self._refuse_while_in_flight(name, argument, what)
        self.in_flight = what
        self.take_in_flight.emit(what)
        try:
            yield RecordingSlot(self)
        finally:
            self.in_flight = None
            self.take_in_flight.emit("")

    def exclusive(self, what: str) -> contextlib.AbstractAsyncContextManager[RecordingSlot]:
        """The take slot, as the handoff service holds it for a take."""
        return self._slot("exclusive", what, what)

    def confirmation(self, scene: str | None) -> TakeConfirmation:
        return TakeConfirmation(scene, self.clock(), changed=True)

    async def preview(self, scene: str) -> None:
        if self.in_flight is not None:
            self.refused.append(("preview", scene))
            raise TakeInFlight(f"refused: a take is in flight ({self.in_flight}); the preview "
                               "stays until it is done")
        await self._record("preview", scene)

    async def take(self, scene: str | None = None) -> TakeConfirmation:
        what = f"'{scene}'" if scene else "the preview"
        async with self._slot("take", scene, what):
            await self._record("take", scene)
        return self.confirmation(scene)

    async def set_studio_mode(self, enabled: bool) -> None:
        await self._record("set_studio_mode", enabled)

    async def set_transition(self, name: str) -> None:
        await self._record("set_transition", name)

    async def set_transition_duration(self, milliseconds: int) -> None:
        await self._record("set_transition_duration", milliseconds)


class RecordingSlot:
    """The take slot of a :class:`RecordingSwitcher`: records what the holder puts on air."""

    def __init__(self, switcher: RecordingSwitcher) -> None:
        self._switcher = switcher

    def describe(self, what: str) -> None:
        self._switcher.in_flight = what
        self._switcher.take_in_flight.emit(what)

    async def program(self, scene: str | None) -> TakeConfirmation:
        await self._switcher._record("program", scene)
        return self._switcher.confirmation(scene)

    async def preview_only(self, scene: str) -> TakeConfirmation:
        await self._switcher._record("preview_only", scene)
        return self._switcher.confirmation(scene)


# -- the show's services over a real database ------------------------------------------


class FixedClock:
    """Time under the test's control: the runner, the stage clock and the as-run log read it.

    Moving it changes nothing on screen by itself: call ``StageClock.refresh()``, as
    the stage clock's tick would.
    """

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@dataclass
class Stage:
    """One stage's services, as the app builds them (console/app.py), minus OBS."""

    db_path: Path
    clock: FixedClock
    writer: AsRunWriter
    asrun: AsRunLog
    runner: ShowRunner
    stage_clock: StageClock
    editor: RundownEditor
    switcher: RecordingSwitcher
    handoff: HandoffService

    def asrun_entries(self, kind: str | None = None) -> list[AsRunEntry]:
        """The as-run log as written so far (of ``kind``, if given), oldest first."""
        assert self.writer.flush(5), "the as-run writer did not flush"
        database = open_database(self.db_path)
        try:
            return read_asrun(database, kinds=[kind] if kind is not None else None)
        finally:
            database.conn.close()


CONSOLE_NAME = "test-console"


def make_stage(db_path: Path, clock: FixedClock, mirror: ObsMirror,
               closers: list[Callable[[], object]]) -> Stage:
    """The runner, stage clock, editor and handoff over ``db_path``; their closing goes on
    ``closers`` (the ``closers`` fixture runs them, awaiting what needs awaiting).

    The handoff takes through a :class:`RecordingSwitcher` that OBS "confirms" at once,
    so a take works without OBS; it shows no lower thirds.
    """
    writer = AsRunWriter(db_path)
    closers.append(writer.close)
    asrun = AsRunLog(writer, CONSOLE_NAME, ConsoleRole.STAGE, clock)
    runner = ShowRunner(db_path, asrun, saved_by=CONSOLE_NAME)
    closers.append(runner.close)
    stage_clock = StageClock(runner)
    closers.append(stage_clock.stop)
    editor = RundownEditor(runner, db_path,
                           ImportAuthor(CONSOLE_NAME, ConsoleRole.STAGE, CONSOLE_NAME))
    closers.append(editor.close)
    switcher = RecordingSwitcher(clock)
    handoff = HandoffService(runner, switcher, mirror, stage_clock,  # type: ignore[arg-type]
                             lower_thirds=None, asrun=asrun)
    return Stage(db_path, clock, writer, asrun, runner, stage_clock, editor, switcher, handoff)


def owned(closers: list[Callable[[], object]], widget: Any) -> Any:
    """Delete ``widget`` at the end of the test, on the main thread (the garbage collector
    might otherwise destroy it, timers and all, on whichever thread it runs)."""

    def delete() -> None:
        if shiboken6.isValid(widget):
            widget.close()
            shiboken6.delete(widget)

    closers.append(delete)
    return widget


def open_confirmations(parent: QWidget) -> list[QMessageBox]:
    """The confirmation dialogs (console/ui/confirm.py) open over ``parent``."""
    return [box for box in parent.findChildren(QMessageBox, "confirmDialog")
            if shiboken6.isValid(box) and box.isVisible()]
