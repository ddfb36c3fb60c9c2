"""Puts a speaker's lower third on air in OBS, after the take.

Left-to-right names go into the text source. Right-to-left and complex-script
names (Arabic, Urdu, ...) are rendered by Qt into a PNG shown by the image
source, because OBS's Linux text source draws them unjoined and in the wrong
order. The renderer is handed in by the composition root, so this service
stays free of Qt.

One lower third at a time, newest first: a take that follows quickly makes a
lower third still being prepared for the previous one give way. Nothing that
goes wrong here (OBS refusing, a PNG the disk will not take, a renderer error)
escapes :meth:`LowerThirdOutput.show_for`: it answers with what went wrong, and
the take, already on air, stands.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from console.models.lower_third import LowerThird
from console.models.preflight import LOWER_THIRD_IMAGE, LOWER_THIRD_TEXT
from console.models.show import Segment
from console.obs.errors import ObsError
from console.obs.gateway import ObsGateway

log = logging.getLogger(__name__)

Renderer = Callable[[LowerThird, Path], Path]


@dataclass(frozen=True)
class LowerThirdResult:
    shown: LowerThird | None = None
    error: str | None = None  # what went wrong, for the operator
    superseded: bool = False  # a newer take's lower third took over


class LowerThirdOutput:
    """Shows and hides the lower third in the scene a segment goes to."""

    def __init__(self, gateway: ObsGateway, renderer: Renderer, image_folder: Path,
                 auto_hide_s: float | None = 10.0) -> None:
        self._obs = gateway
        self._renderer = renderer
        self._folder = image_folder
        self.auto_hide_s = auto_hide_s
        self._hide_task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._generation = 0
        self.current: LowerThird | None = None

    async def show_for(self, segment: Segment, scene: str) -> LowerThirdResult:
        """Show the first speaker's lower third in ``scene`` (none: hide it). Never raises
        for a failure of its own: the result says what went wrong."""
        self._generation += 1
        mine = self._generation
        async with self._lock:
            if mine != self._generation:
                return LowerThirdResult(superseded=True)
            self._cancel_hide()
            try:
                shown = await self._show(segment, scene)
            except (ObsError, OSError) as error:
                return self._failed(segment, error)
            except Exception as error:  # a renderer bug: logged, and the take still stands
                log.exception("the lower third of %s could not be prepared", segment.id)
                return self._failed(segment, error)
            self.current = shown
            if shown is not None and self.auto_hide_s:
                self._hide_task = asyncio.get_running_loop().create_task(
                    self._hide_later(scene, self.auto_hide_s), name="lower-third-auto-hide")
            return LowerThirdResult(shown)

    def _failed(self, segment: Segment, error: BaseException) -> LowerThirdResult:
        message = f"lower third not shown: {error}"
        log.info(message, extra={"segment_id": segment.id})
        return LowerThirdResult(error=message)

    async def _show(self, segment: Segment, scene: str) -> LowerThird | None:
        if not segment.speakers:
            await self._hide_both(scene)
            return None
        lower_third = LowerThird.from_speaker(segment.speakers[0])
        if lower_third.needs_image:
            await self._show_image(lower_third, scene)
        else:
            await self._show_text(lower_third, scene)
        return lower_third

    async def hide(self, scene: str) -> None:
        self._cancel_hide()
        await self._hide_both(scene)

    async def close(self) -> None:
        task = self._hide_task
        self._cancel_hide()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _hide_both(self, scene: str) -> None:
        await self._set_visible(scene, LOWER_THIRD_TEXT, False)
        await self._set_visible(scene, LOWER_THIRD_IMAGE, False)

    async def _show_image(self, lower_third: LowerThird, scene: str) -> None:
        # One file per lower third: OBS reloads an image source when its file changes,
        # and a speaker who comes back needs no second rendering.
        target = self._folder / f"lower-third-{_fingerprint(lower_third)}.png"
        path = target if target.exists() else \
            await asyncio.to_thread(self._render, lower_third, target)
        await self._obs.set_image_file(LOWER_THIRD_IMAGE, path)
        await self._set_visible(scene, LOWER_THIRD_TEXT, False)
        await self._set_visible(scene, LOWER_THIRD_IMAGE, True)

    def _render(self, lower_third: LowerThird, target: Path) -> Path:
        self._folder.mkdir(parents=True, exist_ok=True)
        return self._renderer(lower_third, target)

    async def _show_text(self, lower_third: LowerThird, scene: str) -> None:
        await self._obs.set_text(LOWER_THIRD_TEXT, lower_third.plain_text)
        await self._set_visible(scene, LOWER_THIRD_IMAGE, False)
        await self._set_visible(scene, LOWER_THIRD_TEXT, True)

    async def _set_visible(self, scene: str, source: str, visible: bool) -> None:
        item_id = await self._obs.scene_item_id(scene, source)
        if item_id is not None:  # a scene without this source: preflight reports it
            await self._obs.set_scene_item_enabled(scene, item_id, visible)

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
