"""Putting scenes on preview and program: one take at a time, confirmed by OBS.

Every take goes through :meth:`SceneSwitcher.exclusive`, whoever starts it (Space
on the scene list, TAKE NEXT, the control API, a rehearsal take): while one is in
flight, another is refused with :class:`TakeInFlight`, never queued, so a Stream
Deck and a clicker pressed together give one take, not two.

A take counts only once OBS confirms it for *its* scene: ``CurrentProgramSceneChanged``
naming the target (in rehearsal, ``CurrentPreviewSceneChanged``). Its instant is
when OBS started the transition (``SceneTransitionStarted`` seen between the
request and that confirmation), else the confirmation itself: the segment's clock
starts then, not when our follow-up work is done.

OBS 29 answers ``TriggerStudioModeTransition`` with success yet does nothing when
studio mode was switched on less than about 0.4 s earlier, so the switcher lets
studio mode settle first. It never retries: a late second trigger would swap
program and preview back on air.

Signals (psygnal, on the event loop's thread):
    take_in_flight(str): what take is in flight ("" once none is).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from psygnal import Signal

from console.models.errors import OperatorError
from console.models.obs_events import (
    ObsEvent,
    PreviewSceneChanged,
    ProgramSceneChanged,
    StudioModeChanged,
    TransitionStarted,
)
from console.models.obs_state import ObsSnapshot
from console.obs.errors import ObsError, ObsNotConnected
from console.obs.gateway import ObsGateway
from console.obs.mirror import ObsMirror

STUDIO_MODE_SETTLE_S = 0.6
# How long OBS may take to start a transition after accepting the request, on top of
# the transition's own duration.
TAKE_CONFIRM_TIMEOUT_S = 1.5
SYNC_WAIT_S = 3.0  # a take right after a (re)connection waits this long for OBS's state

Monotonic = Callable[[], float]
Clock = Callable[[], datetime]
TakeGuard = Callable[[], str | None]


def utc_now() -> datetime:
    return datetime.now(UTC)


class TakeInFlight(OperatorError):
    """Another take is in flight: this one is refused, not queued."""


class TakeNotConfirmed(ObsError):
    """OBS accepted the take but did not put the scene on air."""


@dataclass(frozen=True)
class TakeConfirmation:
    scene: str | None
    at: datetime  # UTC: when OBS started it (or the moment it was already there)
    changed: bool  # False when the scene was already where the take would put it


class SceneSwitcher:
    """Scene, studio mode and transition actions on one OBS; takes one at a time."""

    take_in_flight = Signal(str)

    def __init__(self, gateway: ObsGateway, mirror: ObsMirror, *,
                 monotonic: Monotonic = time.monotonic, clock: Clock = utc_now,
                 guard: TakeGuard | None = None) -> None:
        self._obs = gateway
        self._mirror = mirror
        self._monotonic = monotonic
        self._clock = clock
        self._guard = guard
        self._in_flight: str | None = None
        self._studio_enabled_at = float("-inf")
        gateway.events.connect(self._on_event)

    def close(self) -> None:
        self._obs.events.disconnect(self._on_event)

    @property
    def in_flight(self) -> str | None:
        """What take is in flight, or None."""
        return self._in_flight

    # -- one take at a time --------------------------------------------------------

    @contextlib.asynccontextmanager
    async def exclusive(self, what: str) -> AsyncIterator[TakeSlot]:
        """Hold the one take slot for ``what`` (refused at once if it is taken)."""
        if self._in_flight is not None:
            raise TakeInFlight(f"refused: a take is already in flight ({self._in_flight}); "
                               "wait for it, then press again")
        refusal = self._guard() if self._guard is not None else None
        if refusal:
            raise OperatorError(refusal)
        self._in_flight = what
        self.take_in_flight.emit(what)
        try:
            yield TakeSlot(self, what)
        finally:
            self._in_flight = None
            self.take_in_flight.emit("")

    async def take(self, scene: str | None = None) -> TakeConfirmation:
        """Put ``scene`` (default: the preview scene) on program; return once OBS has
        confirmed it. In studio mode the scene goes to preview first and the current
        transition carries it to program, as an operator would do it in OBS."""
        what = f"'{scene}'" if scene else "the preview"
        async with self.exclusive(what) as slot:
            return await slot.program(scene)

    # -- other requests -------------------------------------------------------------

    async def preview(self, scene: str) -> None:
        """Put ``scene`` on preview (studio mode only). Refused while a take is in flight:
        a preview changed between a take's preview and its transition would send the
        wrong scene to air."""
        if self._in_flight is not None:
            raise TakeInFlight(f"refused: a take is in flight ({self._in_flight}); the preview "
                               f"stays until it is done")
        await self._obs.set_preview_scene(scene)

    async def set_studio_mode(self, enabled: bool) -> None:
        await self._obs.set_studio_mode(enabled)

    async def set_transition(self, name: str) -> None:
        await self._obs.set_transition(name)

    async def set_transition_duration(self, milliseconds: int) -> None:
        await self._obs.set_transition_duration(milliseconds)

    # -- inside the slot ------------------------------------------------------------

    async def _program(self, scene: str | None) -> TakeConfirmation:
        snapshot = await self._known_state()
        if not snapshot.studio_mode:
            if scene is None:
                raise OperatorError("choose a scene to take")
            if scene == snapshot.program_scene:
                return TakeConfirmation(scene, self._clock(), changed=False)
            return await self._confirmed(scene, program=True,
                                         request=lambda: self._obs.set_program_scene(scene))
        await self._settle_studio_mode()
        target = scene or snapshot.preview_scene
        if target is None:
            raise OperatorError("nothing on preview to take: choose a scene")
        if target != snapshot.preview_scene:
            await self._obs.set_preview_scene(target)
        return await self._confirmed(target, program=True,
                                     request=self._obs.trigger_studio_transition)

    async def _preview_only(self, scene: str) -> TakeConfirmation:
        snapshot = await self._known_state()
        if not snapshot.studio_mode:
            await self._obs.set_studio_mode(True)
        elif snapshot.preview_scene == scene:
            return TakeConfirmation(scene, self._clock(), changed=False)
        return await self._confirmed(scene, program=False,
                                     request=lambda: self._obs.set_preview_scene(scene))

    async def _known_state(self) -> ObsSnapshot:
        """OBS's state once the mirror has read it since the connection came up: until
        then its program scene may be unknown or from before a reconnection, and a take
        of the scene that is already on air would wait for a change that never comes."""
        self._require_connected()
        try:
            return await self._mirror.wait_synced(SYNC_WAIT_S)
        except TimeoutError:
            raise ObsNotConnected("OBS has connected but not yet told its scenes: the take "
                                  "was not sent; take again") from None

    def _require_connected(self) -> ObsSnapshot:
        snapshot = self._mirror.snapshot
        if not snapshot.connected:
            raise ObsNotConnected(f"OBS is {snapshot.state.value}: the take was not sent")
        return snapshot

    async def _confirmed(self, scene: str, *, program: bool,
                         request: Callable[[], Awaitable[None]]) -> TakeConfirmation:
        watch = _ConfirmationWatch(scene, program)
        self._obs.events.connect(watch.on_event)
        try:
            await request()
            duration_s = (self._mirror.snapshot.transition_duration_ms or 0) / 1000
            try:
                async with asyncio.timeout(TAKE_CONFIRM_TIMEOUT_S + duration_s):
                    at = await watch.confirmed
            except TimeoutError:
                where = "program" if program else "preview"
                raise TakeNotConfirmed(
                    f"OBS accepted the take of '{scene}' but did not put it on {where}; "
                    "check OBS and take again") from None
            return TakeConfirmation(scene, at, changed=True)
        finally:
            self._obs.events.disconnect(watch.on_event)

    async def _settle_studio_mode(self) -> None:
        remaining = self._studio_enabled_at + STUDIO_MODE_SETTLE_S - self._monotonic()
        if remaining > 0:
            await asyncio.sleep(remaining)

    def _on_event(self, event: ObsEvent) -> None:
        if isinstance(event, StudioModeChanged) and event.enabled:
            self._studio_enabled_at = self._monotonic()


class TakeSlot:
    """The one take in flight: only its holder can put a scene on air."""

    def __init__(self, switcher: SceneSwitcher, what: str) -> None:
        self._switcher = switcher
        self.what = what

    def describe(self, what: str) -> None:
        """Say what is in flight, once the holder knows (the segment it chose)."""
        if self._switcher._in_flight is not None:
            self.what = self._switcher._in_flight = what
            self._switcher.take_in_flight.emit(what)

    async def program(self, scene: str | None) -> TakeConfirmation:
        return await self._switcher._program(scene)

    async def preview_only(self, scene: str) -> TakeConfirmation:
        """Rehearsal: ``scene`` on OBS's preview (studio mode on); program untouched."""
        return await self._switcher._preview_only(scene)


class _ConfirmationWatch:
    """Waits for OBS to put *this* scene on program (or preview), noting when the
    transition that did it started."""

    def __init__(self, scene: str, program: bool) -> None:
        self._scene = scene
        self._program = program
        self._started_at: datetime | None = None
        self.confirmed: asyncio.Future[datetime] = \
            asyncio.get_running_loop().create_future()

    def on_event(self, event: ObsEvent) -> None:
        if self.confirmed.done():
            return
        if isinstance(event, TransitionStarted) and self._started_at is None:
            self._started_at = event.received_at
        elif isinstance(event, ProgramSceneChanged) and self._program:
            if event.scene == self._scene:
                self.confirmed.set_result(self._started_at or event.received_at)
            else:
                self._started_at = None  # someone else's transition went to another scene
        elif isinstance(event, PreviewSceneChanged) and not self._program \
                and event.scene == self._scene:
            self.confirmed.set_result(event.received_at)
