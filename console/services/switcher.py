"""Putting scenes on preview and program, in or out of studio mode.

The switcher only asks; the snapshot changes when OBS's events confirm it.
"""

from __future__ import annotations

from console.obs.connection import ObsConnection
from console.obs.mirror import ObsMirror


class SceneSwitcher:
    """Scene, studio mode and transition actions on one OBS."""

    def __init__(self, connection: ObsConnection, mirror: ObsMirror) -> None:
        self._connection = connection
        self._mirror = mirror

    async def preview(self, scene: str) -> None:
        """Put ``scene`` on preview (studio mode only; OBS refuses it otherwise with 506)."""
        await self._connection.request("SetCurrentPreviewScene", {"sceneName": scene})

    async def take(self, scene: str | None = None) -> None:
        """Put ``scene`` (default: the preview scene) on program.

        In studio mode the scene goes to preview first and the current transition
        carries it to program, as an operator would do it in OBS.
        """
        snapshot = self._mirror.snapshot
        if not snapshot.studio_mode:
            if scene is None:
                raise ValueError("choose a scene to take")
            await self._connection.request("SetCurrentProgramScene", {"sceneName": scene})
            return
        if scene is not None and scene != snapshot.preview_scene:
            await self.preview(scene)
        await self._connection.request("TriggerStudioModeTransition")

    async def set_studio_mode(self, enabled: bool) -> None:
        await self._connection.request("SetStudioModeEnabled", {"studioModeEnabled": enabled})

    async def set_transition(self, name: str) -> None:
        await self._connection.request("SetCurrentSceneTransition", {"transitionName": name})

    async def set_transition_duration(self, milliseconds: int) -> None:
        await self._connection.request(
            "SetCurrentSceneTransitionDuration", {"transitionDuration": milliseconds}
        )
