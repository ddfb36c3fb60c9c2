"""Is the show's record being written? One answer for the whole console.

The as-run writer (on its thread) and the show runner's live-state saves report
failures and recoveries here; the window shows one loud band while anything
cannot be written. Nothing is dropped meanwhile: both keep what they could not
write and retry until the disk takes it.

Signals (psygnal, on the event loop's thread):
    changed(object): a ``str`` saying what cannot be written, or None once all is written.
"""

from __future__ import annotations

import asyncio
import contextlib

from psygnal import Signal

from console.services.show_runner import ShowRunner


class StorageHealth:
    """Merges the as-run writer's and the live-state saver's failures into one state."""

    changed = Signal(object)

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._runner: ShowRunner | None = None
        self._problems: dict[str, str] = {}

    def watch(self, runner: ShowRunner) -> None:
        """Follow the runner's live-state saves too."""
        self._runner = runner
        runner.storage_changed.connect(self._on_live_state)

    @property
    def problem(self) -> str | None:
        return "; ".join(self._problems.values()) or None

    def close(self) -> None:
        if self._runner is not None:
            self._runner.storage_changed.disconnect(self._on_live_state)

    def writer_status(self, error: str | None) -> None:
        """For the as-run writer: called on its thread."""
        with contextlib.suppress(RuntimeError):  # the loop is closed at shutdown
            self._loop.call_soon_threadsafe(self._set, "asrun", error)

    def _on_live_state(self, error: str | None) -> None:
        self._set("live", error)

    def _set(self, source: str, error: str | None) -> None:
        before = self.problem
        if error is None:
            self._problems.pop(source, None)
        else:
            self._problems[source] = error
        if self.problem != before:
            self.changed.emit(self.problem)
