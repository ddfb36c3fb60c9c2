"""Operator notes: a line of text the stage manager adds to the as-run log during the show.

A note is about what happened when the operator started writing it ("the speaker's
microphone dropped"), so it is stamped with that instant, ``noticed_at``, and
names the segment that was on air then, even when a take went on air while the
note was typed. The text is checked here, where it enters: one line, not empty,
at most :data:`~console.models.limits.MAX_OPERATOR_NOTE` characters, no control
characters; a refusal is an :class:`InvalidValue` naming the field ``note``.

Any console may write notes, also one that follows another: a note changes nothing
on air. Thread-safe: the as-run writer queues each entry under its lock.

The control API's note (:meth:`OperatorNotes.note`) is answered once the note is
committed, so a script told "ok" has a note that survives the console being killed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from console.models.asrun import AsRunEntry, AsRunKind
from console.models.errors import InvalidValue
from console.models.limits import MAX_OPERATOR_NOTE, check_instant, check_text
from console.models.live import LiveState
from console.models.show import Segment
from console.services.asrun_log import AsRunLog

FIELD = "note"


class LiveShow(Protocol):
    """What a note asks of the show runner."""

    @property
    def live(self) -> LiveState: ...

    def segment(self, segment_id: str) -> Segment | None: ...


def checked_note(text: object) -> str:
    """``text`` stripped, as a note may be stored; :class:`InvalidValue` otherwise."""
    if not isinstance(text, str):
        raise InvalidValue(FIELD, f"must be text, not {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise InvalidValue(FIELD, "is empty; type what happened, or press Escape")
    return check_text(stripped, FIELD, max_length=MAX_OPERATOR_NOTE)


class OperatorNotes:
    """Writes operator notes for one console into the as-run log."""

    def __init__(self, asrun: AsRunLog, show: LiveShow) -> None:
        self._asrun = asrun
        self._show = show

    def now(self) -> datetime:
        return self._asrun.clock()

    def on_air_at(self, at: datetime) -> Segment | None:
        """The segment that was on air at ``at`` (None: nothing, or not in the show)."""
        run = self._show.live.run_at(at)
        return self._show.segment(run.segment_id) if run is not None else None

    def record_note(self, text: object, *, noticed_at: datetime | None = None) -> AsRunEntry:
        """Append the note, stamped ``noticed_at`` (default: now); returns the entry."""
        note = checked_note(text)
        now = self.now()
        at = now if noticed_at is None else check_instant(noticed_at, "noticed_at")
        if at > now:
            raise InvalidValue("noticed_at", f"{at.isoformat()} is later than now")
        run = self._show.live.run_at(at)
        # The run's id even when a re-import has since dropped its segment from the show.
        segment = self.on_air_at(at)
        return self._asrun.record(
            AsRunKind.NOTE, segment=segment,
            segment_id=run.segment_id if run is not None else None, at=at, text=note,
            rehearsal=True if self._show.live.rehearsal else None)

    async def committed(self) -> bool:
        """Returns once every note recorded so far is committed: True, or False when the
        writer cannot commit them yet (see ``AsRunLog.committed``)."""
        return await self._asrun.committed()

    async def note(self, text: object) -> dict[str, Any]:
        """A note stamped now, for the control API: returns once it is committed (or the
        writer has said it cannot commit, see ``AsRunLog.committed``)."""
        entry = self.record_note(text)
        await self._asrun.committed()
        return {"note": entry.details["text"], "segment_id": entry.segment_id,
                "at": entry.at_utc.isoformat()}
