"""Putting scenes on preview and program, in or out of studio mode.

The switcher only asks; the snapshot changes when OBS's events confirm it. A
take is confirmed by OBS starting the transition: OBS 29 answers
``TriggerStudioModeTransition`` with success yet does nothing when studio mode
was switched on less than about 0.4 s earlier, so the switcher waits for studio
mode to settle and reports a take that OBS accepted but never started.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from console.obs.connection import ObsConnection
from console.obs.errors import ObsError
from console.obs.mirror import ObsMirror

STUDIO_MODE_SETTLE_S = 0.6
TAKE_CONFIRM_TIMEOUT_S = 1.5
TAKE_CONFIRMING_EVENTS = frozenset({"SceneTransitionStarted", "CurrentProgramSceneChanged"})

Monotonic = Callable[[], float]


class TakeNotConfirmed(ObsError):
    """OBS accepted the take but did not start a transition."""


class SceneSwitcher:
    """Scene, studio mode and transition actions on one OBS."""

    def __init__(self, connection: ObsConnection, mirror: ObsMirror,
                 monotonic: Monotonic = time.monotonic) -> None:
        self._connection = connection
        self._mirror = mirror
        self._monotonic = monotonic
        self._studio_enabled_at = float("-inf")
        connection.event.connect(self._on_event)

    def close(self) -> None:
        self._connection.event.disconnect(self._on_event)

    async def preview(self, scene: str) -> None:
        """Put ``scene`` on preview (studio mode only; OBS refuses it otherwise with 506)."""
        await self._connection.request("SetCurrentPreviewScene", {"sceneName": scene})

    async def take(self, scene: str | None = None) -> None:
        """Put ``scene`` (default: the preview scene) on program, and return once OBS has
        started the transition.

        In studio mode the scene goes to preview first and the current transition
        carries it to program, as an operator would do it in OBS.
        """
        snapshot = self._mirror.snapshot
        if not snapshot.studio_mode:
            if scene is None:
                raise ValueError("choose a scene to take")
            if scene == snapshot.program_scene:
                return
            async with self._confirmed_take(scene):
                await self._connection.request("SetCurrentProgramScene", {"sceneName": scene})
            return
        await self._settle_studio_mode()
        if scene is not None and scene != snapshot.preview_scene:
            await self.preview(scene)
        async with self._confirmed_take(scene or snapshot.preview_scene):
            await self._connection.request("TriggerStudioModeTransition")

    async def set_studio_mode(self, enabled: bool) -> None:
        await self._connection.request("SetStudioModeEnabled", {"studioModeEnabled": enabled})

    async def set_transition(self, name: str) -> None:
        await self._connection.request("SetCurrentSceneTransition", {"transitionName": name})

    async def set_transition_duration(self, milliseconds: int) -> None:
        await self._connection.request(
            "SetCurrentSceneTransitionDuration", {"transitionDuration": milliseconds}
        )

    async def _settle_studio_mode(self) -> None:
        remaining = self._studio_enabled_at + STUDIO_MODE_SETTLE_S - self._monotonic()
        if remaining > 0:
            await asyncio.sleep(remaining)

    @contextlib.asynccontextmanager
    async def _confirmed_take(self, scene: str | None) -> AsyncIterator[None]:
        started = asyncio.get_running_loop().create_future()

        def watch(event_type: str, _data: dict[str, Any]) -> None:
            if event_type in TAKE_CONFIRMING_EVENTS and not started.done():
                started.set_result(None)

        self._connection.event.connect(watch)
        try:
            yield
            await asyncio.wait_for(started, TAKE_CONFIRM_TIMEOUT_S)
        except TimeoutError:
            raise TakeNotConfirmed(
                f"OBS accepted the take of '{scene}' but did not start the transition; "
                "check OBS and take again"
            ) from None
        finally:
            self._connection.event.disconnect(watch)

    def _on_event(self, event_type: str, data: dict[str, Any]) -> None:
        if event_type == "StudioModeStateChanged" and data.get("studioModeEnabled"):
            self._studio_enabled_at = self._monotonic()
