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
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
