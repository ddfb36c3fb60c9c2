"""What the widget tests share: sample snapshots, a recording switcher, loop helpers.

These tests never talk to OBS: they publish snapshots into a real
:class:`ObsMirror` (as its connection would) and record what the widgets ask
of the scene switcher.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QWidget

from console.models.obs_state import ConnectionState, ObsSnapshot
from console.obs.mirror import ObsMirror
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


def show_active(qtbot: Any, widget: QWidget) -> None:
    """Show ``widget`` as the active window, so that shortcuts and focus work as for a user."""
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()


def publish(mirror: ObsMirror, snapshot: ObsSnapshot | None = None, **changes: Any) -> None:
    """Publish ``snapshot`` (default: the mirror's) with ``changes``, as OBS's events would."""
    mirror._publish(replace(snapshot or mirror.snapshot, **changes))


class RecordingSwitcher:
    """A stand-in for our SceneSwitcher service: records calls, can fail or hold them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.failure: BaseException | None = None
        self.hold: asyncio.Event | None = None

    async def _record(self, name: str, argument: Any) -> None:
        self.calls.append((name, argument))
        if self.hold is not None:
            await self.hold.wait()
        if self.failure is not None:
            raise self.failure

    async def preview(self, scene: str) -> None:
        await self._record("preview", scene)

    async def take(self, scene: str | None = None) -> None:
        await self._record("take", scene)

    async def set_studio_mode(self, enabled: bool) -> None:
        await self._record("set_studio_mode", enabled)

    async def set_transition(self, name: str) -> None:
        await self._record("set_transition", name)

    async def set_transition_duration(self, milliseconds: int) -> None:
        await self._record("set_transition_duration", milliseconds)
