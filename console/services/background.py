"""One background task of a service: started once, stopped and awaited on close.

Several services keep a loop running (the stage clock's ticks, readiness checks,
following other consoles, the stage role's heartbeat); each holds one of these
instead of repeating the start-if-not-running and cancel-and-wait steps.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any


class BackgroundTask:
    """Runs ``work()`` as a task named ``name`` (one at a time)."""

    def __init__(self, name: str, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self._name = name
        self._work = work
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start it unless it is running (on the running loop)."""
        if not self.running:
            self._task = asyncio.get_running_loop().create_task(self._work(), name=self._name)

    async def stop(self) -> None:
        """Cancel it and wait until it has ended."""
        task, self._task = self._task, None
        if task is None:
            return
        # Python 3.11's wait_for (inside every OBS request) swallows a cancellation that
        # lands as its inner future completes (CPython gh-86296): a work loop would go on
        # waiting for its next turn and stop() with it, for ever. So cancel until it ends.
        while not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=0.1)
        with contextlib.suppress(asyncio.CancelledError):
            await task
