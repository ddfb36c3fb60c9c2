"""Now / Next: who is on, how long they have, who comes next and whether it is ready."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from console.models.live import LiveState
from console.models.lower_third import LowerThird
from console.models.obs_state import ConnectionState
from console.models.show import Segment
from console.models.timing import compute_timing
from console.obs.connection import ObsConnection
from console.services.handoff import HandoffService
from console.services.readiness import Check, check_segment
from console.services.show_runner import ShowRunner
from console.ui import shortcuts
from console.ui.lower_third_preview import LowerThirdPreview
from console.ui.subscription import subscribe
from console.ui.tasks import run_task
from console.ui.theme import Tone, set_tone

REFRESH_MS = 500
READINESS_EVERY_TICKS = 10  # ask OBS every 5 s, and whenever the next segment changes

TAKE_NEXT = "PgDown"  # what a presenter's clicker sends for "next"
BACK = "PgUp"


def speaker_line(segment: Segment | None) -> str:
    if segment is None:
        return "—"
    if not segment.speakers:
        return segment.title
    speaker = segment.speakers[0]
    parts = [speaker.name, speaker.affiliation or "", speaker.language]
    return " · ".join(part for part in parts if part)


class NowNextPanel(QWidget):
    """Signals:
        failed(str): an action failed; the message says why.
    """

    failed = Signal(str)

    def __init__(self, runner: ShowRunner, handoff: HandoffService,
                 connection: ObsConnection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nowNextPanel")
        self._runner = runner
        self._handoff = handoff
        self._connection = connection
        self._next_id: str | None = None
        self._ticks = 0
        self.now_label = self._label("nowSpeaker")
        self.remaining = self._label("nowRemaining")
        self.next_label = self._label("nextSpeaker")
        self.checklist = self._label("nextChecklist")
        self.rehearsal_badge = self._label("rehearsalBadge")
        self.take_button = QPushButton("TAKE NEXT")
        self.take_button.setObjectName("takeNextButton")
        self.take_button.clicked.connect(self.take)
        self.preview = LowerThirdPreview()
        self.preview.setObjectName("nextLowerThird")
        self.preview.setMinimumHeight(90)
        self.message_edit = QLineEdit()
        self.message_edit.setObjectName("presenterMessageEdit")
        self.message_edit.setPlaceholderText("Message to the presenter (Enter sends)")
        self.message_edit.returnPressed.connect(self.send_message)
        self._lay_out()
        shortcuts.application_shortcut(self, TAKE_NEXT, self.take)
        shortcuts.application_shortcut(self, BACK, self.back)
        subscribe(self, runner.live_changed, self._on_live_changed)
        subscribe(self, handoff.take_in_flight, self._on_take_in_flight)
        subscribe(self, handoff.rehearsal_changed, self._show_rehearsal)
        subscribe(self, handoff.problem, self._on_problem)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(REFRESH_MS)
        self._show_rehearsal(handoff.rehearsal)
        self.refresh()

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
        layout.addLayout(self._action_row())
        layout.addWidget(self.message_edit)
        layout.addStretch(1)

    def _action_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        actions = (
            ("Back", "backButton", self.back),
            ("Skip next", "skipButton", lambda: self._run(self._handoff.skip(), "Skip")),
            ("Hold", "holdButton", lambda: self._run(self._handoff.hold(), "Hold")),
            ("+1 min", "addMinuteButton",
             lambda: self._run(self._handoff.add_time(60), "Add a minute")),
            ("−1 min", "removeMinuteButton",
             lambda: self._run(self._handoff.add_time(-60), "Take a minute off")),
        )
        for text, name, slot in actions:
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        return row

    def _run(self, coro: Coroutine[Any, Any, Any], description: str) -> None:
        run_task(coro, description=description, on_error=self.failed.emit)

    def send_message(self) -> None:
        self._run(self._handoff.message(self.message_edit.text()), "Send the message")

    # -- actions ------------------------------------------------------------------

    def take(self) -> None:
        self._run(self._handoff.take(), "Take the next segment")

    def back(self) -> None:
        self._run(self._handoff.back(), "Back")

    # -- showing --------------------------------------------------------------------

    def refresh(self) -> None:
        stage = self._runner.stage
        live_run = self._runner.live.live
        live_segment = next((s for s in self._runner.segments()
                             if live_run and s.id == live_run.segment_id), None)
        self.now_label.setText(speaker_line(live_segment) if live_segment else "Nothing live")
        timing = compute_timing(stage, self._runner.live, self._runner.now()) if stage else None
        if timing is not None and timing.live is not None:
            remaining = timing.live.remaining_s
            sign = "-" if remaining < 0 else ""
            minutes, seconds = divmod(int(abs(remaining)), 60)
            self.remaining.setText(f"{sign}{minutes:02d}:{seconds:02d} left ({timing.live.phase})")
            set_tone(self.remaining, _tone(timing.live.phase.value))
        else:
            self.remaining.setText("")
        upcoming = self._runner.next_segment()
        self.next_label.setText(speaker_line(upcoming) if upcoming else "End of the rundown")
        if upcoming is not None and upcoming.id != self._next_id:
            self.preview.set_lower_third(
                LowerThird.from_speaker(upcoming.speakers[0]) if upcoming.speakers else None)
        self._ticks += 1
        next_id = upcoming.id if upcoming else None
        if upcoming is not None and (next_id != self._next_id
                                     or self._ticks % READINESS_EVERY_TICKS == 0):
            self._check(upcoming)
        self._next_id = next_id

    def _check(self, segment: Segment) -> None:
        if self._connection.state is not ConnectionState.CONNECTED:
            self.show_checks([Check("OBS connected", False, self._connection.state.value)])
            return
        run_task(self._run_check(segment), description="Check the next segment")

    async def _run_check(self, segment: Segment) -> None:
        self.show_checks(await check_segment(self._connection, segment))

    def show_checks(self, checks: list[Check]) -> None:
        lines = [("✔ " if check.ok else "✘ ") + check.label
                 + (f" ({check.detail})" if check.detail else "") for check in checks]
        self.checklist.setText("\n".join(lines))
        set_tone(self.checklist, Tone.OK if all(check.ok for check in checks) else Tone.ALARM)

    def _on_live_changed(self, _state: LiveState) -> None:
        self.refresh()

    def _on_problem(self, message: str) -> None:
        self.failed.emit(message)

    def _on_take_in_flight(self, in_flight: bool) -> None:
        self.take_button.setEnabled(not in_flight)

    def _show_rehearsal(self, on: bool) -> None:
        self.rehearsal_badge.setText("REHEARSAL: preview only, program untouched" if on else "")
        self.rehearsal_badge.setVisible(on)
        set_tone(self.rehearsal_badge, Tone.WARNING)


def _tone(phase: str) -> Tone:
    return {"warning": Tone.WARNING, "danger": Tone.ALARM,
            "overtime": Tone.ALARM}.get(phase, Tone.NEUTRAL)
