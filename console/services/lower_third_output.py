"""Puts a speaker's lower third on air in OBS.

Left-to-right names go into the text source. Right-to-left and complex-script
names (Arabic, Urdu, ...) are rendered by Qt into a PNG shown by the image
source, because OBS's Linux text source draws them unjoined and in the wrong
order. The renderer is handed in by the composition root, so this service
stays free of Qt.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from console.models.lower_third import LowerThird, needs_rendered_image
from console.models.preflight import LOWER_THIRD_IMAGE, LOWER_THIRD_TEXT
from console.models.show import Segment
from console.obs.connection import ObsConnection
from console.obs.errors import ObsError, ObsRequestFailed

log = logging.getLogger(__name__)

Renderer = Callable[[LowerThird, Path], Path]


class LowerThirdOutput:
    """Shows and hides the lower third in the scene a segment goes to."""

    def __init__(self, connection: ObsConnection, renderer: Renderer, image_folder: Path,
                 auto_hide_s: float | None = 10.0) -> None:
        self._connection = connection
        self._renderer = renderer
        self._folder = image_folder
        self.auto_hide_s = auto_hide_s
        self._hide_task: asyncio.Task[None] | None = None
        self.current: LowerThird | None = None

    async def show_for(self, segment: Segment, scene: str) -> LowerThird | None:
        """Prepare and show the first speaker's lower third in ``scene`` (None: no speaker)."""
        self._cancel_hide()
        if not segment.speakers:
            await self._set_visible(scene, LOWER_THIRD_TEXT, False)
            await self._set_visible(scene, LOWER_THIRD_IMAGE, False)
            self.current = None
            return None
        lower_third = LowerThird.from_speaker(segment.speakers[0])
        if needs_rendered_image(lower_third.name) or needs_rendered_image(lower_third.role or ""):
            await self._show_image(lower_third, scene)
        else:
            await self._show_text(lower_third, scene)
        self.current = lower_third
        if self.auto_hide_s:
            self._hide_task = asyncio.get_running_loop().create_task(
                self._hide_later(scene, self.auto_hide_s), name="lower-third-auto-hide")
        return lower_third

    async def hide(self, scene: str) -> None:
        self._cancel_hide()
        await self._set_visible(scene, LOWER_THIRD_TEXT, False)
        await self._set_visible(scene, LOWER_THIRD_IMAGE, False)

    async def close(self) -> None:
        task = self._hide_task
        self._cancel_hide()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _show_image(self, lower_third: LowerThird, scene: str) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        # One file per lower third: OBS reloads an image source when its file changes,
        # and a speaker who comes back needs no second rendering.
        target = self._folder / f"lower-third-{_fingerprint(lower_third)}.png"
        path = target if target.exists() else \
            await asyncio.to_thread(self._renderer, lower_third, target)
        await self._connection.request("SetInputSettings", {
            "inputName": LOWER_THIRD_IMAGE, "inputSettings": {"file": str(path)}})
        await self._set_visible(scene, LOWER_THIRD_TEXT, False)
        await self._set_visible(scene, LOWER_THIRD_IMAGE, True)

    async def _show_text(self, lower_third: LowerThird, scene: str) -> None:
        text = lower_third.plain_text
        await self._connection.request(
            "SetInputSettings", {"inputName": LOWER_THIRD_TEXT, "inputSettings": {"text": text}})
        await self._set_visible(scene, LOWER_THIRD_IMAGE, False)
        await self._set_visible(scene, LOWER_THIRD_TEXT, True)

    async def _set_visible(self, scene: str, source: str, visible: bool) -> None:
        try:
            found = await self._connection.request(
                "GetSceneItemId", {"sceneName": scene, "sourceName": source})
        except ObsRequestFailed:
            return  # this scene has no such source; preflight reports it
        await self._connection.request("SetSceneItemEnabled", {
            "sceneName": scene, "sceneItemId": found["sceneItemId"], "sceneItemEnabled": visible})

    async def _hide_later(self, scene: str, delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        try:
            await self.hide(scene)
        except ObsError as error:
            log.info("could not hide the lower third: %s", error)

    def _cancel_hide(self) -> None:
        if self._hide_task is not None and not self._hide_task.done() and \
                self._hide_task is not asyncio.current_task():
            self._hide_task.cancel()
        self._hide_task = None


def _fingerprint(lower_third: LowerThird) -> str:
    key = "\x1f".join((lower_third.name, lower_third.role or "", lower_third.language))
    return hashlib.sha256(key.encode()).hexdigest()[:16]
