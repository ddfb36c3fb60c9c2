"""The one way the console writes the as-run log: entries bound to a console, a role, a clock.

Every service that records something (the show runner, the take, the OBS
recorder, imports) holds an :class:`AsRunLog`, so each entry is signed the same
way and stamped by the same clock, and only known kinds can be written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.models.show import Segment
from console.store.asrun import AsRunWriter

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
