"""What the stage console tells the booths about the show: who is on, who is next.

A booth console has no access to the show's database. The stage console sends it
a :class:`StageSummary` (through OBS, see ``models/booth.py`` for the wire format):
the live and next segments' titles, speakers, the language spoken, when the live
one started and how long each is planned to run, the floor language and the
channel plan, so that every booth can work out for itself whether it rests on the
floor, interprets directly or takes relay (``channels.channel_modes``).

Pure: times are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from console.models.channels import ChannelPlan, ChannelRole, channel_modes, heard_on_air
from console.models.show import Segment


@dataclass(frozen=True)
class SegmentSummary:
    title: str
    speakers: tuple[str, ...] = ()
    language: str = ""  # the language spoken (BCP-47)
    started_at: datetime | None = None  # the live segment only
    planned_duration_s: float = 0.0


@dataclass(frozen=True)
class StageSummary:
    floor_language: str
    plan: ChannelPlan = field(default_factory=ChannelPlan)
    live: SegmentSummary | None = None
    next: SegmentSummary | None = None
    show: str = ""  # the show's name
    rehearsal: bool = False  # takes go to preview only: nothing is on air
    # Who said it, and the how-manieth time (per console; see ``booth.newer_stage``).
    console: str = ""
    role: str = "stage"
    seq: int = 0
    sent_at: datetime | None = None

    @property
    def spoken_language(self) -> str | None:
        """The language spoken on the floor now (None: nothing is live)."""
        return self.live.language if self.live is not None else None

    def role_of(self, language: str) -> ChannelRole | None:
        """What the channel of ``language`` does now (None: the plan has no such channel)."""
        return channel_modes(self.plan, self.spoken_language, self.floor_language).get(language)

    def on_air(self, language: str, muted: bool = False) -> bool:
        """Whether the audience hears the channel of ``language`` now
        (:func:`~console.models.channels.heard_on_air`)."""
        return heard_on_air(self.plan.channel(language), self.role_of(language),
                            live=self.live is not None, rehearsal=self.rehearsal, muted=muted)


def spoken_language(segment: Segment, floor_language: str) -> str:
    """The language a segment is spoken in: its first speaker's, else the floor's."""
    return segment.speakers[0].language if segment.speakers else floor_language


def summarise(segment: Segment, floor_language: str,
              started_at: datetime | None = None) -> SegmentSummary:
    return SegmentSummary(
        title=segment.title, speakers=tuple(speaker.name for speaker in segment.speakers),
        language=spoken_language(segment, floor_language), started_at=started_at,
        planned_duration_s=segment.planned_duration.total_seconds())


def same_content(first: StageSummary | None, second: StageSummary | None) -> bool:
    """Whether two summaries say the same about the show (whoever sent them, whenever)."""
    if first is None or second is None:
        return first is second
    return _content(first) == _content(second)


def _content(summary: StageSummary) -> StageSummary:
    return replace(summary, console="", role="", seq=0, sent_at=None)
