"""A small show for store and format tests (the demo show covers the big case)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from console.models import show as show_model
from console.models.live import LiveState
from console.models.show import Day, Segment, SegmentKind, Session, Show, Speaker, Stage

ZONE = ZoneInfo("Europe/Istanbul")


def sample_show(name: str = "Sample", speaker: str = "ليلى حداد") -> Show:
    start = datetime(2026, 12, 5, 9, 0, tzinfo=ZONE)
    talk = Segment(
        id=f"{name}-talk", kind=SegmentKind.TALK, title="Opening talk",
        planned_start=start, planned_duration=timedelta(minutes=20, microseconds=5),
        speakers=(Speaker(speaker, "ar", "Centre for Language Access"),
                  Speaker("Elif Yıldız", "tr")),
        source_id="src-1", hard_start=True, scene="Speaker", notes="check the return feed",
        warning_s=300, danger_s=60,
    )
    coffee = Segment(
        id=f"{name}-break", kind=SegmentKind.BREAK, title="Coffee",
        planned_start=talk.planned_end, planned_duration=timedelta(minutes=15), scene="Break",
    )
    video = Segment(
        id=f"{name}-video", kind=SegmentKind.VIDEO, title="Film",
        planned_start=datetime(2026, 12, 6, 9, 0, tzinfo=ZONE),
        planned_duration=timedelta(seconds=90.5),
    )
    return Show(
        name=name, timezone="Europe/Istanbul", floor_language="ar", languages=("en", "ur"),
        stages=(
            Stage("Main", (
                Day(date(2026, 12, 5), (Session("Morning", (talk, coffee), chair="عائشہ ملک"),)),
                Day(date(2026, 12, 6), (Session("Films", (video,)), Session("Empty"))),
            )),
            Stage("Side room"),
        ),
    )


@dataclass
class OnAir:
    """The sample show's main stage with a live state set by the test, as a show runner
    answers about it (``live``, ``segment``)."""

    live: LiveState = field(default_factory=lambda: LiveState("Main"))
    show: Show = field(default_factory=sample_show)

    def segment(self, segment_id: str) -> Segment | None:
        return show_model.find_segment(self.show, segment_id)
