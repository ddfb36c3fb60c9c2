"""The one way widgets run service coroutines.

A widget calls :func:`run_task` from a Qt slot and returns at once; the coroutine
runs on the application's asyncio loop (qasync, on the Qt main thread). Nothing
a task raises may vanish: an :class:`~console.models.errors.OperatorError` is a
refusal the operator can act on ("OBS is reconnecting", "nothing left to take"),
so its message is reported as is and logged at INFO; a
:class:`~console.store.database.StoreError` (a full disk) is reported as is and
logged as an error; anything else is a bug, logged with its traceback and
reported as an "internal error".

asyncio keeps only weak references to tasks, so a task nobody holds can be
garbage-collected mid-flight; this module holds every task until it is done.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from console.models.errors import OperatorError
from console.store.database import StoreError

log = logging.getLogger(__name__)

ErrorReporter = Callable[[str], None]

_running: set[asyncio.Task[Any]] = set()


def run_task(
    coro: Coroutine[Any, Any, Any],
    *,
    description: str,
    on_error: ErrorReporter | None = None,
) -> asyncio.Task[Any]:
    """Run ``coro`` on the event loop; report its failure to ``on_error``.

    ``description`` names the action for the operator and the log ("Take
    'Keynote'"); the message given to ``on_error`` starts with it.
    """
    try:
        loop = _event_loop()
    except BaseException:
        coro.close()  # otherwise Python warns that it was never awaited
        raise
    task = loop.create_task(_reporting(coro, description, on_error), name=description)
    _running.add(task)
    task.add_done_callback(functools.partial(_forget, coro))
    return task


def running_tasks() -> frozenset[asyncio.Task[Any]]:
    """The tasks started by :func:`run_task` that have not finished yet."""
    return frozenset(_running)


def cancel_all() -> list[asyncio.Task[Any]]:
    """Cancel every running task (at shutdown); return them so the caller can await them."""
    cancelled = list(_running)
    for task in cancelled:
        task.cancel()
    return cancelled


async def wait_idle() -> None:
    """Wait until no task started by :func:`run_task` is running (tasks may start others)."""
    while _running:
        await asyncio.wait(list(_running))


def _event_loop() -> asyncio.AbstractEventLoop:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        # A slot called while the loop is not running (before qasync starts it, or from a
        # test between loop runs): the task starts when the loop runs next.
        return asyncio.get_event_loop()


async def _reporting(
    coro: Coroutine[Any, Any, Any], description: str, on_error: ErrorReporter | None
) -> Any:
    try:
        return await coro
    except OperatorError as error:
        log.info("%s refused: %s", description, error)
        _report(on_error, f"{description}: {error}")
    except StoreError as error:
        log.error("%s failed: %s", description, error)
        _report(on_error, f"{description}: {error}")
    except Exception as error:
        log.exception("%s failed with an internal error", description)
        _report(on_error, f"{description}: internal error: {type(error).__name__}: {error}")
    return None


def _report(on_error: ErrorReporter | None, message: str) -> None:
    if on_error is None:
        return
    try:
        on_error(message)
    except Exception:
        # The reporter is UI code; its own failure must not hide the first one.
        log.exception("reporting a failed task failed (message: %s)", message)


def _forget(coro: Coroutine[Any, Any, Any], task: asyncio.Task[Any]) -> None:
    _running.discard(task)
    # A task cancelled before it first ran never started ``coro``: close it, or Python
    # warns that it was never awaited. (Closing a finished coroutine does nothing.)
    coro.close()
    if task.cancelled():
        log.debug("task cancelled: %s", task.get_name())
