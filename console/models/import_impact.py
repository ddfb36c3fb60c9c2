"""What importing a schedule over the current show would change, for the confirmation.

Segment ids derive from the file's own ids, so a re-import of the same schedule
keeps them: a segment "stays" when its id is in the new show.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.models.show import Show, find_segment, iter_segments


@dataclass(frozen=True)
class ImportImpact:
    live_title: str | None  # the live segment's title (None: nothing live)
    live_kept: bool  # the live segment is in the new show too
    removed: tuple[str, ...]  # titles of segments the new show does not have
    added: int  # segments the current show does not have

    @property
    def touches_live(self) -> bool:
        return self.live_title is not None

    def describe(self) -> str:
        lines = []
        if self.live_title is not None:
            lines.append(f"The live segment {self.live_title!r} "
                         + ("stays live (it is in the new schedule)." if self.live_kept else
                            "is NOT in the new schedule: it stays on air, but the rundown "
                            "will no longer show it."))
        if self.removed:
            listed = ", ".join(repr(title) for title in self.removed[:8])
            more = f" and {len(self.removed) - 8} more" if len(self.removed) > 8 else ""
            lines.append(f"{len(self.removed)} segment(s) will be removed: {listed}{more}.")
        if self.added:
            lines.append(f"{self.added} segment(s) will be added.")
        lines.append("Edits made to the rundown since the last import are replaced, and "
                     "cannot be undone.")
        return "\n".join(lines)


def import_impact(current: Show | None, new: Show, live_segment_id: str | None) -> ImportImpact:
    current_ids = {s.id: s.title for s in iter_segments(current)} if current else {}
    new_ids = {s.id for s in iter_segments(new)}
    live = find_segment(current, live_segment_id) if current and live_segment_id else None
    return ImportImpact(
        live_title=live.title if live else (live_segment_id if live_segment_id else None),
        live_kept=live_segment_id in new_ids if live_segment_id else False,
        removed=tuple(title for sid, title in current_ids.items() if sid not in new_ids),
        added=sum(1 for sid in new_ids if sid not in current_ids),
    )
