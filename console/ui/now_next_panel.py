"""Now / Next: who is on, how long they have, who comes next and whether it is ready.

A view: timing comes from the stage clock, readiness from the readiness monitor,
the take-in-flight state from the switcher; actions go to the handoff service.
A take that is refused says why under the TAKE NEXT button, in plain words. When
the show requires ready interpretation channels and some are not, the panel asks
whether to take anyway (Cancel is the default); yes takes that same segment with an
override, which the handoff service logs.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from console.models.live import LiveState
from console.models.lower_third import LowerThird
from console.models.show import Segment
from console.models.timer_text import time_left_text
from console.models.timing import LiveTiming, StageTiming, TimerPhase
from console.services.handoff import ChannelsNotReady, HandoffService
from console.services.readiness import Check, ReadinessMonitor
from console.services.show_runner import ShowRunner
from console.services.stage_clock import StageClock
from console.services.switcher import SceneSwitcher
from console.ui import shortcuts
from console.ui.confirm import confirm
from console.ui.lower_third_preview import LowerThirdPreview
from console.ui.subscription import subscribe
from console.ui.tasks import run_task
from console.ui.theme import Tone, set_tone

TAKE_NEXT_TEXT = "TAKE NEXT"
TAKING_TEXT = "TAKING…"


def speaker_line(segment: Segment | None) -> str:
    """Who speaks: the first speaker's name, affiliation and language ("" for none)."""
    if segment is None or not segment.speakers:
        return ""
    speaker = segment.speakers[0]
    parts = [speaker.name, speaker.affiliation or "", speaker.language]
    return " · ".join(part for part in parts if part)


def segment_lines(segment: Segment) -> str:
    """The segment's title (every kind has one), then who speaks, if anyone."""
    speakers = speaker_line(segment)
    return f"{segment.title}\n{speakers}" if speakers else segment.title


class NowNextPanel(QWidget):
    """Children (objectNames): ``nowSpeaker``, ``nowRemaining``, ``nextSpeaker``,
    ``nextChecklist``, ``rehearsalBadge``, ``takeNextButton``, ``takeStatus`` (why the
    last take was refused, or what is in flight), ``nextLowerThird``,
    ``presenterMessageEdit``, and the action buttons.

    Signals:
        failed(str): an action failed or was refused; the message says why.
    """

    failed = Signal(str)

    def __init__(self, runner: ShowRunner, handoff: HandoffService, clock: StageClock,
                 switcher: SceneSwitcher, readiness: ReadinessMonitor, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nowNextPanel")
        self._runner = runner
        self._handoff = handoff
        self._next: Segment | None = None
        self._next_shown = False
        self._read_only = False
        self._switcher_in_flight = ""
        self.now_label = self._label("nowSpeaker")
        self.remaining = self._label("nowRemaining")
        self.next_label = self._label("nextSpeaker")
        self.checklist = self._label("nextChecklist")
        self.rehearsal_badge = self._label("rehearsalBadge")
        self.take_button = QPushButton(TAKE_NEXT_TEXT)
        self.take_button.setObjectName("takeNextButton")
        self.take_button.clicked.connect(self.take)
        self.take_status = self._label("takeStatus")
        self.preview = LowerThirdPreview()
        self.preview.setObjectName("nextLowerThird")
        self.preview.setMinimumHeight(90)
        self.message_edit = QLineEdit()
        self.message_edit.setObjectName("presenterMessageEdit")
        self.message_edit.setPlaceholderText("Message to the presenter (Enter sends)")
        self.message_edit.returnPressed.connect(self.send_message)
        self._lay_out()
        shortcuts.window_shortcut(self, shortcuts.TAKE_NEXT, self.take)
        shortcuts.window_shortcut(self, shortcuts.BACK, self.back)
        subscribe(self, clock.ticked, self.show_timing)
        subscribe(self, runner.live_changed, self._on_live_changed)
        subscribe(self, switcher.take_in_flight, self._on_take_in_flight)
        subscribe(self, readiness.checked, self.show_checks)
        subscribe(self, handoff.problem, self._on_problem)
        self._show_rehearsal(runner.rehearsal)
        self.show_checks(readiness.checks)
        self.show_timing(clock.timing)

    def _label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        return label

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.rehearsal_badge)
        layout.addWidget(QLabel("NOW"))
        layout.addWidget(self.now_label)
        layout.addWidget(self.remaining)
        layout.addWidget(QLabel("NEXT"))
        layout.addWidget(self.next_label)
        layout.addWidget(self.checklist)
        layout.addWidget(self.preview)
        layout.addWidget(self.take_button)
        layout.addWidget(self.take_status)
        layout.addLayout(self._action_row())
        layout.addWidget(self.message_edit)
        layout.addStretch(1)

    def _action_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        actions: tuple[tuple[str, str, Callable[[], object]], ...] = (
            ("Back", "backButton", self.back),
            ("Skip next", "skipButton", lambda: self._run(self._handoff.skip(), "Skip")),
            ("Hold", "holdButton", lambda: self._run(self._handoff.hold(), "Hold")),
            ("+1 min", "addMinuteButton",
             lambda: self._run(self._handoff.add_time(60), "Add a minute")),
            ("−1 min", "removeMinuteButton",
             lambda: self._run(self._handoff.add_time(-60), "Take a minute off")),
        )
        self._action_buttons: list[QPushButton] = []
        for text, name, slot in actions:
            button = QPushButton(text)
            button.setObjectName(name)
            button.setProperty("compact", True)  # five in a row in a narrow column
            button.clicked.connect(slot)
            row.addWidget(button)
            self._action_buttons.append(button)
        hold = self._action_buttons[2]
        hold.setCheckable(True)
        # The button shows the state, not the click: it latches when the hold is confirmed.
        hold.clicked.connect(lambda: hold.setChecked(self._runner.live.on_hold))
        return row

    def set_read_only(self, read_only: bool, why: str = "") -> None:
        """Show the show but offer nothing that would change it (another console runs it)."""
        self._read_only = read_only
        for button in (self.take_button, *self._action_buttons):
            button.setEnabled(not read_only)
            button.setToolTip(why if read_only else "")
        if not read_only:
            self.take_button.setEnabled(not self._switcher_in_flight)

    def _run(self, coro: Coroutine[Any, Any, Any], description: str) -> None:
        run_task(coro, description=description, on_error=self.failed.emit)

    def send_message(self) -> None:
        self._run(self._handoff.message(self.message_edit.text()), "Send the message")

    # -- actions ------------------------------------------------------------------

    def take(self) -> None:
        run_task(self._take(), description="Take the next segment",
                 on_error=self._take_refused)

    async def _take(self) -> None:
        try:
            await self._handoff.take()
        except ChannelsNotReady as refusal:
            segment = refusal.segment
            if not await confirm(self, "Channels not ready",
                                 f"Interpretation channels are not ready for "
                                 f"{segment.title!r}.", action="Take anyway",
                                 details="\n".join(refusal.warnings)):
                raise
            await self._handoff.take(segment.id, override=True)

    def back(self) -> None:
        self._run(self._handoff.back(), "Back")

    def _take_refused(self, message: str) -> None:
        self.take_status.setText(message)
        set_tone(self.take_status, Tone.ALARM)
        self.failed.emit(message)

    # -- showing --------------------------------------------------------------------

    def show_timing(self, timing: StageTiming | None) -> None:
        live_segment = self._runner.live_segment()
        self.now_label.setText(segment_lines(live_segment) if live_segment else "Nothing live")
        live = timing.live if timing is not None else None
        self._show_remaining(live)
        self._show_next(self._runner.next_segment())

    def _show_remaining(self, live: LiveTiming | None) -> None:
        hold = self.findChild(QPushButton, "holdButton")
        on_hold = live is not None and live.on_hold
        if hold is not None and hold.isChecked() != on_hold:
            hold.setChecked(on_hold)  # latched while the clock is held, whoever held it
        if live is None:
            self.remaining.setText("")
            return
        text = time_left_text(live.remaining_s)
        if on_hold:
            self.remaining.setText(f"HOLD  {text} left")
            set_tone(self.remaining, Tone.HOLD)
            return
        over = live.phase is TimerPhase.OVERTIME
        self.remaining.setText(f"{text} over time" if over else f"{text} left ({live.phase})")
        set_tone(self.remaining, _tone(live.phase.value))

    def _show_next(self, upcoming: Segment | None) -> None:
        if self._next_shown and upcoming == self._next:
            return  # (a lower-third preview is worth rendering only when it changes)
        self._next, self._next_shown = upcoming, True
        self.next_label.setText(segment_lines(upcoming) if upcoming else "End of the rundown")
        self.preview.set_lower_third(
            LowerThird.from_speaker(upcoming.speakers[0])
            if upcoming is not None and upcoming.speakers else None)

    def show_checks(self, checks: list[Check]) -> None:
        lines = [("✔ " if check.ok else "✘ ") + check.label
                 + (f" ({check.detail})" if check.detail else "") for check in checks]
        self.checklist.setText("\n".join(lines))
        set_tone(self.checklist, Tone.OK if all(check.ok for check in checks) else Tone.ALARM)

    def _on_live_changed(self, state: LiveState) -> None:
        self._show_rehearsal(state.rehearsal)

    def _on_problem(self, message: str) -> None:
        self.take_status.setText(message)
        set_tone(self.take_status, Tone.WARNING)
        self.failed.emit(message)

    def _on_take_in_flight(self, what: str) -> None:
        self._switcher_in_flight = what
        self.take_button.setEnabled(not what and not self._read_only)
        # A short button text: a long one would widen the column for good. What is in
        # flight is said under the button.
        self.take_button.setText(TAKING_TEXT if what else TAKE_NEXT_TEXT)
        self.take_status.setText(f"Taking {what}…" if what else "")
        set_tone(self.take_status, Tone.NEUTRAL)

    def _show_rehearsal(self, on: bool) -> None:
        self.rehearsal_badge.setText("REHEARSAL: preview only, program untouched" if on else "")
        self.rehearsal_badge.setVisible(on)
        set_tone(self.rehearsal_badge, Tone.WARNING)


def _tone(phase: str) -> Tone:
    return {"warning": Tone.WARNING, "danger": Tone.ALARM,
            "overtime": Tone.ALARM}.get(phase, Tone.NEUTRAL)
