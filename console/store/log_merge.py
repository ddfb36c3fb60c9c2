"""Several consoles, one record: other consoles' as-run logs and viewer samples merged
into this database, all files in one transaction (every row of every file, or none)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from console.store.asrun_merge import merge_asrun
from console.store.database import database_file, write_transaction
from console.store.merge_rows import MergeRefused, Tally
from console.store.read_only import open_read_only
from console.store.viewer_merge import merge_viewer_samples


@dataclass(frozen=True)
class SourceMerged:
    source: Path
    entries: Tally
    samples: Tally


def _refuse_this_database(db: sqlite_utils.Database, sources: Sequence[Path]) -> None:
    here = Path(database_file(db))
    for source in sources:
        with contextlib.suppress(OSError):  # a missing source is refused when opened
            if source.samefile(here):
                raise MergeRefused(f"{source}: is this database itself; give the other "
                                   "consoles' databases")


def merge_logs(db: sqlite_utils.Database, sources: Sequence[Path],
               now: datetime) -> list[SourceMerged]:
    """Merge each of ``sources`` (opened read-only) into ``db``; raises MergeRefused or
    StoreError naming the file (and row) that cannot be merged, with nothing merged.
    ``now`` dates the removal of a destination added only to name merged samples."""
    _refuse_this_database(db, sources)
    opened: list[sqlite_utils.Database] = []
    try:
        for source in sources:
            opened.append(open_read_only(source))
        merged: list[SourceMerged] = []
        with write_transaction(db):
            for source, source_db in zip(sources, opened, strict=True):
                merged.append(SourceMerged(source, merge_asrun(db, source_db, source),
                                           merge_viewer_samples(db, source_db, source, now)))
        return merged
    finally:
        for source_db in opened:
            source_db.close()
