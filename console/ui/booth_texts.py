"""What the booth window says, in words an interpreter reads at a glance.

Each function turns what the booth desk knows into a text and the tone it is
shown in; the window only places them. Before the stage console is heard from,
nothing about the floor is guessed: the texts say the booth is waiting for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QLocale

from console.models.booth import Handover, HandoverState
from console.models.channels import ChannelMode, ChannelRole
from console.models.live import seconds_between
from console.models.stage_summary import SegmentSummary, StageSummary
from console.models.timer_text import NO_TIME, time_left_text
from console.ui.theme import Tone

NOT_KNOWN = "—"
WAITING_DETAIL = ("Not heard from the stage console yet. Who is on, who is next and what "
                  "this booth does show here as soon as it is (within a second when it runs).")


@dataclass(frozen=True)
class Said:
    text: str
    tone: Tone = Tone.NEUTRAL
    detail: str = ""


def language_name(code: str) -> str:
    """"French" for "fr": the language's English name, or the code when Qt does not know it."""
    locale = QLocale(code)
    if locale.language() in (QLocale.Language.C, QLocale.Language.AnyLanguage):
        return code
    return QLocale.languageToString(locale.language())


def language_badge(code: str) -> str:
    return code.upper()


def booth_title(language: str) -> str:
    return f"{language_badge(language)} booth · {language_name(language)}"


def speakers_text(segment: SegmentSummary | None, empty: str) -> str:
    if segment is None:
        return empty
    return ", ".join(segment.speakers) or segment.title


def running_time(segment: SegmentSummary | None, now: datetime) -> str:
    """How long the live segment has run, against its plan: "12:34 of 20:00"."""
    if segment is None or segment.started_at is None:
        return ""
    elapsed = max(0.0, seconds_between(segment.started_at, now))
    return f"{time_left_text(elapsed)} of {time_left_text(segment.planned_duration_s)}"


def planned_length(segment: SegmentSummary | None) -> str:
    if segment is None:
        return ""
    planned = time_left_text(segment.planned_duration_s)
    return f"planned {planned}" if planned != NO_TIME else ""


def mode_text(stage: StageSummary | None, role: ChannelRole | None, language: str) -> Said:
    """What this booth does now, on two lines (the action, then from what), with a detail."""
    if stage is None:
        return Said("WAITING FOR\nTHE STAGE", Tone.NEUTRAL, WAITING_DETAIL)
    spoken = stage.spoken_language or stage.floor_language
    standby = "" if stage.live is not None else "Nothing live yet. When it starts: "
    if role is None:
        return Said("NOT IN\nTHE PLAN", Tone.WARNING,
                    f"The show's channel plan has no {language_badge(language)} channel: "
                    "ask the stage manager.")
    if role.mode is ChannelMode.FLOOR:
        return Said(f"REST\nfloor speaks {language_badge(spoken)}", Tone.NEUTRAL,
                    f"{standby}The speaker speaks {language_name(spoken)}: the floor sound "
                    "serves this channel.")
    if role.mode is ChannelMode.DIRECT:
        return Said(f"INTERPRET\nfrom {language_badge(spoken)}", Tone.OK,
                    f"{standby}Directly from the floor ({language_name(spoken)}).")
    if role.mode is ChannelMode.RELAY and role.relay_from:
        return Said(f"RELAY\nfrom {language_badge(role.relay_from)}", Tone.WARNING,
                    f"{standby}The speaker speaks {language_name(spoken)}: take the "
                    f"{language_name(role.relay_from)} booth's interpretation.")
    return Said("NO SOURCE\ncall the stage", Tone.ALARM,
                f"{standby}This booth understands neither {language_name(spoken)} nor a working "
                "pivot booth: tell the stage manager.")


def caption(word: str, segment: SegmentSummary | None) -> str:
    """"NOW · in Arabic": the language spoken, in words next to its badge."""
    return f"{word} · in {language_name(segment.language)}" if segment is not None else word


def on_air_text(on_air: bool | None, coughing: bool) -> Said:
    if coughing:
        return Said("MUTED (cough)", Tone.WARNING)
    if on_air is None:
        return Said("ON AIR: unknown", Tone.NEUTRAL)
    return Said("ON AIR", Tone.PROGRAM) if on_air else Said("OFF AIR", Tone.NEUTRAL)


def ready_text(ready: bool) -> Said:
    if ready:
        return Said("READY", Tone.OK, "Press when the booth is not ready")
    return Said("NOT READY", Tone.WARNING, "Press when the booth is ready")


def at_microphone_text(interpreter: str, me: str) -> str:
    if not interpreter:
        return "Nobody at the microphone yet (Ready takes it)"
    if interpreter == me:
        return "You are at the microphone"
    return f"At the microphone: {interpreter}"


def handover_text(handover: Handover | None, me: str, now: datetime) -> Said:
    """The handover as this console's interpreter sees it; a countdown while it waits."""
    if handover is None:
        return Said("")
    if handover.state is HandoverState.REQUESTED:
        left = time_left_text(max(0.0, seconds_between(now, handover.lapsed_at())))
        if handover.requested_by == me:
            return Said(f"Waiting for your partner to take over · {left}", Tone.WARNING)
        return Said(f"{handover.requested_by} asks you to take over · {left}", Tone.ALARM)
    if handover.state is HandoverState.ACCEPTED:
        return Said("Handover accepted")
    if handover.state is HandoverState.DECLINED:
        return Said("Handover declined", Tone.WARNING)
    return Said("Handover request lapsed (nobody answered within a minute)", Tone.WARNING)
