"""Is the next segment ready to take? A checklist asked of OBS before the take."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from psygnal import Signal

from console.models.obs_events import ObsEvent, ResourcesChanged, SceneListChanged, SceneRenamed
from console.models.obs_state import ConnectionState
from console.models.preflight import LOWER_THIRD_IMAGE, LOWER_THIRD_TEXT
from console.models.show import Segment
from console.obs.errors import ObsError
from console.obs.gateway import ObsGateway
from console.services.background import BackgroundTask
from console.services.show_runner import ShowRunner

RECHECK_S = 5.0


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str = ""


def not_connected(state: ConnectionState) -> list[Check]:
    """The one thing to say while OBS is not connected (the preflight panel says the same)."""
    return [Check("unknown: OBS is not connected", False, f"OBS is {state.value}")]


async def check_segment(gateway: ObsGateway, segment: Segment) -> list[Check]:
    """The readiness checklist of ``segment`` against the connected OBS."""
    if not segment.scene:
        return [Check("No OBS scene: the take only starts the timer", True)]
    if gateway.state is not ConnectionState.CONNECTED:
        return not_connected(gateway.state)
    try:
        items = await gateway.scene_items(segment.scene)
    except ObsError as error:
        return [Check("OBS answers", False, str(error))]
    if items is None:
        return [Check(f"Scene '{segment.scene}' exists in OBS", False, "missing: provision it")]
    names = {item.source for item in items}
    disabled = [item.source for item in items if not item.enabled
                and item.source not in (LOWER_THIRD_TEXT, LOWER_THIRD_IMAGE)]
    checks = [
        Check(f"Scene '{segment.scene}' exists in OBS", True),
        Check("Scene sources are on", not disabled,
              f"hidden: {', '.join(disabled)}" if disabled else ""),
    ]
    if segment.speakers:
        missing = [name for name in (LOWER_THIRD_TEXT, LOWER_THIRD_IMAGE) if name not in names]
        checks.append(Check("Lower third prepared", not missing,
                            f"missing: {', '.join(missing)}" if missing else ""))
    return checks


class ReadinessMonitor:
    """Checks the next segment whenever it changes, every few seconds, and says "unknown"
    as soon as OBS is not connected.

    Signals (psygnal, on the event loop's thread):
        checked(object): the newest checklist (``list[Check]``) of the next segment.
    """

    checked = Signal(object)

    def __init__(self, gateway: ObsGateway, runner: ShowRunner,
                 every_s: float = RECHECK_S) -> None:
        self._obs = gateway
        self._runner = runner
        self._every_s = every_s
        self._checker = BackgroundTask("readiness", self._run)
        self._wake = asyncio.Event()
        self.checks: list[Check] = []
        runner.live_changed.connect(self._on_change)
        runner.show_changed.connect(self._on_change)
        gateway.state_changed.connect(self._on_state)
        gateway.events.connect(self._on_event)

    def start(self) -> None:
        self._checker.start()

    async def close(self) -> None:
        self._runner.live_changed.disconnect(self._on_change)
        self._runner.show_changed.disconnect(self._on_change)
        self._obs.state_changed.disconnect(self._on_state)
        self._obs.events.disconnect(self._on_event)
        await self._checker.stop()

    async def check_now(self) -> list[Check]:
        segment = self._runner.next_segment()
        checks = await check_segment(self._obs, segment) if segment else []
        self._publish(checks)
        return checks

    async def _run(self) -> None:
        while True:
            await self.check_now()
            # asyncio.timeout, not wait_for: Python 3.11's wait_for can swallow the
            # cancellation of close() when a wake-up lands at the same moment.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._every_s):
                    await self._wake.wait()
            self._wake.clear()

    def _on_change(self, *_args: object) -> None:
        self._wake.set()

    def _on_event(self, event: ObsEvent) -> None:
        if isinstance(event, ResourcesChanged | SceneListChanged | SceneRenamed):
            self._wake.set()

    def _on_state(self, state: ConnectionState) -> None:
        if state is not ConnectionState.CONNECTED and self._runner.next_segment() is not None:
            self._publish(not_connected(state))  # at once: no request would answer now
        self._wake.set()

    def _publish(self, checks: list[Check]) -> None:
        if checks != self.checks:
            self.checks = checks
            self.checked.emit(checks)
