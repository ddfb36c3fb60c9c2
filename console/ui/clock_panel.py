"""The big clock: time of day, the live segment's time left, the show's drift, the next hard start.

Read from across the room by the stage manager and the speaker's floor manager.
Everything comes from the stage clock's ticks (four a second), the one timing every
view of the console shows, in the show's time zone.

The time left is a badge whose colour is its phase: neutral, amber (warning), red
(danger), and red blinking (overtime, counting up with a minus sign).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console.models.show import Show, find_segment
from console.models.timer_text import time_left_text
from console.models.timing import StageTiming, TimerPhase
from console.services.show_runner import ShowRunner
from console.services.stage_clock import StageClock
from console.ui import rundown_format as fmt
from console.ui.eliding_label import ElidingLabel
from console.ui.subscription import subscribe
from console.ui.theme import Tone, set_tone

FIGURE_PX = 56  # the time left, read from across the room
FIGURE_FAMILIES = ("DejaVu Sans Mono", "Consolas", "monospace")
DRIFT_WARNING_S = 60  # running this late (or later) is amber
DRIFT_ALARM_S = 300  # and this late, red

PHASE_TONES = {
    TimerPhase.NORMAL: Tone.NEUTRAL,
    TimerPhase.WARNING: Tone.WARNING,
    TimerPhase.DANGER: Tone.ALARM,
    TimerPhase.OVERTIME: Tone.ALARM,
}


def _label(name: str, *, figure: bool = False, caption: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    if figure:
        label.setProperty("figure", True)
    if caption:
        label.setProperty("caption", True)
    return label


class ClockPanel(QWidget):
    """The clock (objectName ``clockPanel``).

    Labels (objectNames): ``clockTime`` (time of day), ``clockLiveTitle``,
    ``clockRemaining`` (badge; its ``tone`` property follows the phase),
    ``clockDrift``, ``clockNextHardStart``. :attr:`phase` is the live segment's
    :class:`TimerPhase` (None when nothing is live).
    """

    def __init__(self, runner: ShowRunner, clock: StageClock,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clockPanel")
        self._runner = runner
        self._clock = clock
        self._zone = ZoneInfo("UTC")
        self.phase: TimerPhase | None = None
        self.timing: StageTiming | None = None
        self._blink_on = False

        self.time_label = _label("clockTime", figure=True)
        # One line each, elided: the strip stays low and the figures stay in view.
        self.live_title = ElidingLabel()
        self.live_title.setObjectName("clockLiveTitle")
        self.remaining = _label("clockRemaining")
        self.remaining.setProperty("badge", True)
        self.remaining.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Size only; the colours stay the theme's (tone property).
        self.remaining.setStyleSheet(
            f"font-size: {FIGURE_PX}px; font-family: "
            + ", ".join(f'"{family}"' for family in FIGURE_FAMILIES) + ";")
        self.drift = _label("clockDrift", figure=True)
        self.next_hard = ElidingLabel()
        self.next_hard.setObjectName("clockNextHardStart")

        # One strip across the top of the rundown: the figures read from across the room
        # and the rundown below keeps the window's full width.
        grid = QGridLayout()
        for row, (caption, value) in enumerate((("Time", self.time_label),
                                                ("Show", self.drift))):
            label = _label(f"{value.objectName()}Caption", caption=True)
            label.setText(caption)
            grid.addWidget(label, row, 0)
            grid.addWidget(value, row, 1)
        details = QVBoxLayout()
        details.addWidget(self.live_title)
        details.addWidget(self.next_hard)
        details.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.remaining)
        layout.addLayout(details, 1)
        figures = QFont(list(FIGURE_FAMILIES))
        figures.setPixelSize(FIGURE_PX)
        # Room for minutes and seconds either way of zero: the strip never clips them
        # (an hour or more, or HOLD, widens the badge).
        self.remaining.setMinimumWidth(QFontMetrics(figures).horizontalAdvance("-00:00") + 40)

        subscribe(self, runner.show_changed, self._on_show_changed)
        subscribe(self, clock.ticked, self.show_timing)
        self._set_zone(runner.show)
        self.show_timing(clock.timing)

    def _set_zone(self, show: Show | None) -> None:
        self._zone = ZoneInfo(show.timezone) if show is not None else ZoneInfo("UTC")

    def _on_show_changed(self, show: Show) -> None:
        self._set_zone(show)

    def refresh(self) -> None:
        """Show the stage clock's latest timing again."""
        self.show_timing(self._clock.timing)

    def show_timing(self, timing: StageTiming | None) -> None:
        self.time_label.setText(fmt.clock_time(self._clock.now, self._zone))
        show = self._runner.show
        self.timing = timing
        if timing is None or show is None:
            self._show_live(None, show)
            self.drift.setText("")
            self.next_hard.setText("")
            return
        self._show_live(timing, show)
        self._show_drift(timing.drift_s)
        self._show_next_hard(timing, show)

    def _show_live(self, timing: StageTiming | None, show: Show | None) -> None:
        live = timing.live if timing is not None else None
        if live is None:
            self.phase = None
            self.live_title.setText("Nothing live")
            self.remaining.setText(time_left_text(None))
            set_tone(self.remaining, Tone.NEUTRAL)
            return
        segment = find_segment(show, live.segment_id) if show is not None else None
        title = segment.title if segment is not None else live.segment_id
        self.live_title.setText(title)
        self.phase = live.phase
        if live.on_hold:
            # Held: the figure stands still, so say so in a colour of its own.
            self.remaining.setText(f"<span style='font-size: {FIGURE_PX // 3}px'>HOLD</span> "
                                   f"{time_left_text(live.remaining_s)}")
            self._blink_on = False
            set_tone(self.remaining, Tone.HOLD)
            return
        self.remaining.setText(time_left_text(live.remaining_s))
        tone = PHASE_TONES[live.phase]
        if live.phase is TimerPhase.OVERTIME:
            # Blink at 2 Hz: red, grey, red...
            self._blink_on = not self._blink_on
            tone = Tone.ALARM if self._blink_on else Tone.NEUTRAL
        else:
            self._blink_on = False
        set_tone(self.remaining, tone)

    def _show_drift(self, drift_s: float) -> None:
        whole = int(drift_s)
        if abs(whole) < 1:
            text, tone = "On time", Tone.OK
        elif whole > 0:
            text = f"{fmt.duration_text(whole)} late"
            tone = Tone.ALARM if whole >= DRIFT_ALARM_S else \
                Tone.WARNING if whole >= DRIFT_WARNING_S else Tone.NEUTRAL
        else:
            text, tone = f"{fmt.duration_text(-whole)} early", Tone.NEUTRAL
        self.drift.setText(text)
        set_tone(self.drift, tone)

    def _show_next_hard(self, timing: StageTiming, show: Show) -> None:
        hard = timing.next_hard_start
        if hard is None:
            self.next_hard.setText("No hard start ahead")
            set_tone(self.next_hard, Tone.NEUTRAL)
            return
        segment = find_segment(show, hard.segment_id)
        title = segment.title if segment is not None else hard.segment_id
        at = fmt.clock_time(hard.planned_start, self._zone, seconds=False)
        if hard.at_risk:
            late = fmt.duration_text(-hard.slack_s)
            self.next_hard.setText(f"Next hard start {at} {title!r}: AT RISK, {late} late")
            set_tone(self.next_hard, Tone.ALARM)
        else:
            slack = fmt.duration_text(hard.slack_s)
            self.next_hard.setText(f"Next hard start {at} {title!r}: {slack} to spare")
            set_tone(self.next_hard, Tone.NEUTRAL)
