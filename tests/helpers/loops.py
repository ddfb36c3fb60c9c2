"""Event loops for tests: plain asyncio for the core, qasync for the UI."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest

T = TypeVar("T")
DEFAULT_TIMEOUT_S = 30.0


async def until(predicate: Callable[[], object], timeout_s: float, what: str) -> None:
    """Inside a running loop: wait until ``predicate()`` is true; fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached within {timeout_s} s")
        await asyncio.sleep(0.01)


class LoopRunner:
    """Runs coroutines to completion on one loop, with a timeout so a hang fails the test."""

    def __init__(self, loop: asyncio.AbstractEventLoop, qt: bool = False) -> None:
        self.loop = loop
        self._qt = qt

    def run(self, coro: Coroutine[Any, Any, T], timeout_s: float = DEFAULT_TIMEOUT_S) -> T:
        bounded = asyncio.wait_for(coro, timeout_s)
        if self._qt:
            # As the app runs it: qasync's run_until_complete steps tasks with no running loop.
            from console.ui.gui_loop import run_to_completion

            return run_to_completion(self.loop, bounded)
        return self.loop.run_until_complete(bounded)

    def wait_until(self, predicate: Callable[[], object], timeout_s: float = 10.0,
                   what: str = "condition") -> None:
        """Run the loop until ``predicate()`` is true; fail after ``timeout_s``."""

        async def poll() -> None:
            while not predicate():
                await asyncio.sleep(0.01)

        try:
            self.run(poll(), timeout_s)
        except TimeoutError:
            raise AssertionError(f"{what} not reached within {timeout_s} s") from None

    def pending_tasks(self) -> list[asyncio.Task[Any]]:
        return [task for task in asyncio.all_tasks(self.loop) if not task.done()]


def _finish(runner: LoopRunner) -> None:
    pending = runner.pending_tasks()
    for task in pending:
        task.cancel()
    if pending:
        runner.run(asyncio.gather(*pending, return_exceptions=True))
    runner.run(runner.loop.shutdown_default_executor())
    asyncio.set_event_loop(None)
    runner.loop.close()
    if pending:
        pytest.fail(f"asyncio tasks left pending: {[t.get_name() for t in pending]}",
                    pytrace=False)


@pytest.fixture
def aio() -> Iterator[LoopRunner]:
    """A fresh asyncio loop; fails the test if a task is still pending at the end."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    runner = LoopRunner(loop)
    yield runner
    _finish(runner)


@pytest.fixture
def qloop(qapp: Any) -> Iterator[LoopRunner]:
    """A qasync loop on the Qt main thread, as the app runs it."""
    import qasync

    # As the app: closing a window must not quit Qt's event loop under asyncio's feet.
    qapp.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    runner = LoopRunner(loop, qt=True)
    yield runner
    _finish(runner)
