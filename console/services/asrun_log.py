"""The one way the console writes the as-run log: entries bound to a console, a role, a clock.

Every service that records something (the show runner, the take, the OBS
recorder, imports) holds an :class:`AsRunLog`, so each entry is signed the same
way and stamped by the same clock, and only known kinds can be written.

``record`` only queues; an action that tells someone it is done (a take, a note,
the control API's 200) first awaits :meth:`AsRunLog.committed`, so what the
console acknowledged is on disk and survives the console being killed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.models.show import Segment
from console.store.asrun import AsRunWriter
from console.store.database import StoreError

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class AsRunLog:
    """Writes as-run entries for one console in one role; never blocks (the writer queues)."""

    def __init__(self, writer: AsRunWriter, console: str, role: ConsoleRole,
                 clock: Clock = utc_now) -> None:
        self._writer = writer
        self.console = console
        self.role = role
        self.clock = clock

    @property
    def writer(self) -> AsRunWriter:
        """The batched writer, for rows of other tables (viewer samples, OBS stats)."""
        return self._writer

    def record(self, kind: AsRunKind, *, segment: Segment | None = None,
               segment_id: str | None = None, planned: datetime | None = None,
               actual: datetime | None = None, at: datetime | None = None,
               language: str | None = None, **details: Any) -> AsRunEntry:
        """Append one entry (``at`` defaults to now); details that are None are left out.

        A segment's title goes into the details, so the log reads without the show.
        """
        if segment is not None:
            segment_id = segment.id
            details.setdefault("title", segment.title)
        entry = AsRunEntry(
            at_utc=at or self.clock(), kind=kind, console=self.console, role=self.role.value,
            segment_id=segment_id, planned=planned, actual=actual, language=language,
            details={key: value for key, value in details.items() if value is not None},
        )
        self._writer.append(entry)
        return entry

    async def committed(self) -> bool:
        """Wait, without blocking the loop, until every entry recorded so far is committed.

        False when the writer cannot commit them (a full disk): it keeps them and
        retries, and has already said so (the storage band); what happened on air
        still stands, so the caller goes on rather than failing the action.
        """
        try:
            await asyncio.wrap_future(self._writer.when_committed())
        except StoreError as error:
            log.info("as-run rows not committed yet: %s", error)
            return False
        return True
