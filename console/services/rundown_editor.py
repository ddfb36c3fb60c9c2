"""Editing the show while it runs: every edit is saved at once, and can be undone.

An edit is a pure function of the show (:mod:`console.models.rundown_edit`).
:meth:`RundownEditor.apply` computes the new show, saves it (``save_show``, one
transaction) on the editor's own single-thread executor, so the loop never waits
on SQLite and edits reach the disk in the order they were made, and only then
hands it to the :class:`ShowRunner` (``set_show``, which emits ``show_changed``).

Undo and redo keep (before, after) pairs. An undo is refused when the show was
replaced behind the editor's back (an import): the pair no longer applies.

Imports go through the same executor (:meth:`read_schedule` then
:meth:`save_import`, or :meth:`import_file` and :meth:`import_demo`), so an import
and an edit never race on the database; an import clears the undo history. An import
over a show with a live segment is refused unless the caller confirmed it
(``replace_live``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from console.formats.schedule_build import ImportedShow, ImportOptions
from console.models.rundown_edit import RundownEditError
from console.models.show import Show
from console.services import show_import
from console.services.show_runner import ShowRunner
from console.store.database import open_database
from console.store.shows import load_show, save_show

log = logging.getLogger(__name__)

Edit = Callable[[Show], Show]
UNDO_LIMIT = 200


def new_segment_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class _Step:
    description: str
    before: Show
    after: Show


class RundownEditor:
    """Applies edits to the runner's show, saves each at once, keeps undo/redo history."""

    def __init__(self, runner: ShowRunner, db_path: Path,
                 author: show_import.ImportAuthor,
                 role_guard: Callable[[], str | None] | None = None) -> None:
        self._runner = runner
        self._db_path = db_path
        self._author = author
        self._role_guard = role_guard
        self._executor = concurrent.futures.ThreadPoolExecutor(
            1, thread_name_prefix="rundown-editor")
        self._db: sqlite_utils.Database | None = None  # owned by the executor thread
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []
        self._busy = asyncio.Lock()  # one edit at a time: each starts from the saved show
        self._closed = False

    # -- history -----------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_description(self) -> str | None:
        return self._undo[-1].description if self._undo else None

    @property
    def redo_description(self) -> str | None:
        return self._redo[-1].description if self._redo else None

    # -- edits ---------------------------------------------------------------------

    async def apply(self, edit: Edit, description: str = "edit") -> Show:
        """Apply ``edit`` to the current show, save it, and make it the runner's show.

        Raises :class:`RundownEditError` (nothing changed) when the edit does not fit,
        or :class:`console.store.database.StoreError` when the save failed.
        """
        async with self._busy:
            before = self._require_show()
            after = edit(before)
            if after == before:
                return before
            await self._save(after)
            self._undo.append(_Step(description, before, after))
            del self._undo[:-UNDO_LIMIT]
            self._redo.clear()
            self._runner.set_show(after)
            log.info("rundown edited", extra={"edit": description})
            return after

    async def undo(self) -> Show:
        async with self._busy:
            self._require_role()
            if not self._undo:
                raise RundownEditError("nothing to undo")
            step = self._undo[-1]
            self._check_current(step.after, "undo")
            await self._save(step.before)
            self._undo.pop()
            self._redo.append(step)
            self._runner.set_show(step.before)
            log.info("rundown edit undone", extra={"edit": step.description})
            return step.before

    async def redo(self) -> Show:
        async with self._busy:
            self._require_role()
            if not self._redo:
                raise RundownEditError("nothing to redo")
            step = self._redo[-1]
            self._check_current(step.before, "redo")
            await self._save(step.after)
            self._redo.pop()
            self._undo.append(step)
            self._runner.set_show(step.after)
            log.info("rundown edit redone", extra={"edit": step.description})
            return step.after

    async def read_schedule(self, path: Path, file_format: str = show_import.AUTO,
                            options: ImportOptions | None = None) -> ImportedShow:
        """Read a schedule file (off the loop) with ``options`` (room, time zone); nothing
        is saved yet. Raises ``ShowZoneNeeded`` when the file does not tell its zone."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, show_import.read_schedule, path,
                                          file_format, options)

    async def save_import(self, imported: ImportedShow, source: str, *,
                          replace_live: bool = False) -> str:
        """Make ``imported`` the show (replacing it), load it into the runner; return the
        summary. Raises ``ShowImportError`` (nothing changed) when it cannot."""
        async with self._busy:
            self._require_role()
            loop = asyncio.get_running_loop()
            summary, show = await loop.run_in_executor(
                self._executor, self._save_import_on_thread, imported, source, replace_live)
            self._undo.clear()
            self._redo.clear()
            self._runner.set_show(show)
            return summary.describe()

    async def import_file(self, path: Path, file_format: str = show_import.AUTO, *,
                          replace_live: bool = False) -> str:
        """Read and import a schedule file in one go; return the importer's summary."""
        imported = await self.read_schedule(path, file_format)
        return await self.save_import(imported, str(path), replace_live=replace_live)

    async def import_demo(self, now: datetime) -> str:
        """Import the bundled demo show dated from ``now`` (refused while a segment is
        live); return the importer's summary."""
        loop = asyncio.get_running_loop()
        imported = await loop.run_in_executor(self._executor, show_import.read_demo, now)
        return await self.save_import(imported, str(show_import.demo_show_path()))

    def close(self) -> None:
        """Wait for pending saves, close the connection and stop the executor thread."""
        if self._closed:
            return
        self._closed = True
        self._executor.submit(self._close_db).result()
        self._executor.shutdown(wait=True)

    # -- helpers -------------------------------------------------------------------

    def _require_role(self) -> None:
        refusal = self._role_guard() if self._role_guard is not None else None
        if refusal:
            raise RundownEditError(refusal)

    def _require_show(self) -> Show:
        self._require_role()
        show = self._runner.show
        if show is None:
            raise RundownEditError("no show is loaded")
        return show

    def _check_current(self, expected: Show, action: str) -> None:
        if self._runner.show != expected:
            self._undo.clear()
            self._redo.clear()
            raise RundownEditError(f"cannot {action}: the show was replaced since that edit")

    async def _save(self, show: Show) -> None:
        if self._closed:
            raise RundownEditError("the rundown editor is closed")
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._save_on_thread, show)

    def _connection(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = open_database(self._db_path)
        return self._db

    def _save_on_thread(self, show: Show) -> None:
        save_show(self._connection(), show, self._author.signature)

    def _save_import_on_thread(self, imported: ImportedShow, source: str, replace_live: bool
                               ) -> tuple[show_import.ImportSummary, Show]:
        summary = show_import.save_imported_show(
            imported.show, self._db_path, imported.notes, source=source,
            replace_live=replace_live, author=self._author)
        show = load_show(self._connection())
        if show is None:  # the importer just saved one
            raise show_import.ShowImportError(f"{source}: the imported show could not be read")
        return summary, show

    def _close_db(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None
