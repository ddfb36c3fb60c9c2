"""The stage manager's language matrix: every interpretation channel at a glance.

On top, each OBS connection that carries channels with its state, and the plan's
problems (seven mixes on one OBS, a language nobody carries) in words. Then one
line per channel: the language, its meter (level and held peak), its signal
(present, clipping, silent, no input), the booth's readiness and how old that is,
what the booth does for the speaker on the floor (floor, direct, relay from a pivot),
whether the channel is on air, and the booth's own calls (need relay, no floor
sound, a handover). The stage manager can override a booth's readiness (the booth
is on the phone, its console is down); the override is logged as one.

Meters are read from the desk on this panel's own timer, never through a signal per
frame; everything else follows the desk's ``changed``.

Signals:
    failed(str): an override could not be sent, in words for the status line.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from psygnal import SignalInstance
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.models.booth import HandoverState
from console.models.channels import ChannelMode, PlanProblem
from console.models.meters import SignalState
from console.models.obs_state import ConnectionState
from console.models.timer_text import age_text
from console.services.interpretation import ChannelView, InterpretationDesk
from console.ui import tasks
from console.ui.eliding_label import ElidingLabel
from console.ui.level_meter import LevelMeter
from console.ui.obs_panel import CONNECTION_TONES
from console.ui.subscription import subscribe
from console.ui.theme import Tone, set_tone

OVERRIDE_COLUMN = 6
OVERRIDE_HEIGHT = 24
METER_MS = 50  # OBS sends meters every 50 ms: faster is wasted, slower looks sluggish
AGES_MS = 1000

Override = Callable[[str, bool], Coroutine[Any, Any, object]]

SIGNAL_TONES = {
    SignalState.UNKNOWN: Tone.NEUTRAL, SignalState.NO_INPUT: Tone.ALARM,
    SignalState.SILENT: Tone.ALARM, SignalState.PRESENT: Tone.OK,
    SignalState.CLIPPING: Tone.WARNING,
}


def signal_words(view: ChannelView) -> str:
    """The signal badge's text: a mute in OBS says so, whatever the meter shows."""
    if view.muted and not view.signal.alarming:
        return "MUTED"
    return view.signal.value.upper()


def signal_tone(view: ChannelView) -> Tone:
    if view.alarm:
        return Tone.ALARM
    if (view.signal.alarming or view.muted) and not view.mute_alarm:
        return Tone.WARNING  # worth a look, but nobody hears it yet (or a cough)
    return SIGNAL_TONES[view.signal]


def readiness_words(view: ChannelView) -> tuple[str, Tone]:
    if view.floor:
        return "FLOOR", Tone.NEUTRAL
    if view.ready is None:
        return "NO BOOTH", Tone.WARNING
    return ("READY", Tone.OK) if view.ready else ("NOT READY", Tone.ALARM)


def mode_words(view: ChannelView) -> str:
    if view.floor:
        return "room sound"
    if view.mode is ChannelMode.RELAY:
        return f"relay from {view.relay_from}"
    if view.mode is ChannelMode.FLOOR:
        return "floor serves it"
    return view.mode.value


def detail_words(view: ChannelView, now: datetime) -> str:
    """The second line of a channel: what the booth does and says, and since when."""
    parts = [mode_words(view)]
    if view.interpreter:
        parts.append(view.interpreter)
    if view.ready_since is not None:
        parts.append(f"said {age_text((now - view.ready_since).total_seconds())} ago")
    if view.override_by:
        parts.append(f"override by {view.override_by}")
    if view.need_relay:
        parts.append("NEEDS RELAY")
    if view.no_floor_sound:
        parts.append("NO FLOOR SOUND")
    if view.handover is HandoverState.REQUESTED:
        parts.append("handover asked")
    return " · ".join(parts)


class Connection(Protocol):
    """An OBS connection as the panel watches it (``ObsConnection``)."""

    @property
    def state(self) -> ConnectionState: ...

    @property
    def state_changed(self) -> SignalInstance: ...


class ConnectionBadges(QWidget):
    """One badge per OBS connection that carries channels: its name and its state."""

    def __init__(self, connections: Mapping[str, Connection],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.badges: dict[str, QLabel] = {}
        for name, connection in connections.items():
            badge = _badge(f"obs_{name}_state")
            self.badges[name] = badge
            layout.addWidget(badge)
            subscribe(self, connection.state_changed,
                      lambda state, name=name: self._show(name, state))
            self._show(name, connection.state)
        layout.addStretch(1)

    def _show(self, name: str, state: ConnectionState) -> None:
        self.badges[name].setText(f"OBS {name}: {state.value.upper()}")
        set_tone(self.badges[name], CONNECTION_TONES[state])


class ChannelRow:
    """The widgets of one channel, on one line of the panel's grid (a meter bridge)."""

    def __init__(self, grid: QGridLayout, line: int, language: str,
                 override: Callable[[str, bool], None] | None) -> None:
        self.language = QLabel(language.upper())
        self.language.setObjectName(f"channel_{language}_language")
        self.language.setProperty("channelLanguage", True)
        self.meter = LevelMeter()
        self.meter.setObjectName(f"channel_{language}_meter")
        self.signal = _badge(f"channel_{language}_signal")
        self.ready = _badge(f"channel_{language}_ready")
        self.on_air = _badge(f"channel_{language}_onAir")
        set_tone(self.on_air, Tone.PROGRAM)
        # The detail gives way (elided, whole in its tooltip) before anything else does.
        self.detail = ElidingLabel()
        self.detail.setObjectName(f"channel_{language}_detail")
        self.detail.setProperty("caption", True)
        for column, widget in enumerate((self.language, self.meter, self.signal, self.ready,
                                         self.on_air, self.detail)):
            grid.addWidget(widget, line, column)
        if override is not None:
            grid.addWidget(_override_button(language, override), line, OVERRIDE_COLUMN)

    def show(self, view: ChannelView, now: datetime) -> None:
        set_tone(self.language, Tone.ALARM if view.alarm else Tone.NEUTRAL)
        self.signal.setText(signal_words(view))
        set_tone(self.signal, signal_tone(view))
        words, tone = readiness_words(view)
        self.ready.setText(words)
        set_tone(self.ready, tone)
        self.on_air.setText("ON AIR" if view.on_air else "")
        self.on_air.setVisible(view.on_air)
        self.show_age(view, now)

    def show_age(self, view: ChannelView, now: datetime) -> None:
        words = detail_words(view, now)
        self.detail.setText(words)
        self.detail.setToolTip(f"{words}\nOBS {view.obs}: {view.input}")


def _badge(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setProperty("badge", True)
    label.setProperty("compact", True)
    return label


def _override_button(language: str, override: Callable[[str, bool], None]) -> QToolButton:
    button = QToolButton()
    button.setObjectName(f"channel_{language}_override")
    button.setText("…")
    button.setToolTip(f"Override the {language} booth's readiness")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setAutoRaise(True)
    button.setMaximumHeight(OVERRIDE_HEIGHT)  # no taller than the line's badges
    menu = QMenu(button)
    menu.addAction(f"Mark {language} ready (override)", lambda: override(language, True))
    menu.addAction(f"Mark {language} not ready (override)", lambda: override(language, False))
    button.setMenu(menu)
    return button


class ChannelsPanel(QWidget):
    """The language matrix; see the module docstring."""

    failed = Signal(str)

    def __init__(self, desk: InterpretationDesk, now: Callable[[], datetime],
                 override: Override | None = None, *,
                 connections: Mapping[str, Connection] | None = None,
                 problems: Sequence[PlanProblem] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("channelsPanel")
        self._desk = desk
        self._now = now
        self._override = override
        self.rows: dict[str, ChannelRow] = {}
        self.connections = ConnectionBadges(connections or {})
        self.problems = QLabel()
        self.problems.setObjectName("channelPlanProblems")
        self.problems.setWordWrap(True)
        set_tone(self.problems, Tone.WARNING)
        self.show_problems(problems)
        self.empty = QLabel("No interpretation channels: the show has one language.")
        self.empty.setProperty("caption", True)
        self.empty.setWordWrap(True)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.connections)
        layout.addWidget(self.problems)
        layout.addWidget(self.empty)
        layout.addWidget(self._scroll, 1)
        self._build_rows()
        subscribe(self, desk.changed, self._show)
        subscribe(self, desk.plan_changed, self._on_plan)
        self._show(desk.views)
        self._meters = _timer(self, METER_MS, self.show_levels)
        self._ages = _timer(self, AGES_MS, self._show_ages)

    def show_problems(self, problems: Sequence[PlanProblem]) -> None:
        """List what is wrong with the plan in use (nothing: the line goes)."""
        self.problems.setText("\n".join(f"Plan: {problem}" for problem in problems))
        self.problems.setVisible(bool(problems))

    def _build_rows(self) -> None:
        holder = QFrame()
        grid = QGridLayout(holder)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 2)  # the meter
        grid.setColumnStretch(5, 3)  # the detail
        self.rows = {}
        for index, channel in enumerate(self._desk.plan.channels):
            override = None if channel.floor or self._override is None else self._ask_override
            self.rows[channel.language] = ChannelRow(grid, index, channel.language, override)
        grid.setRowStretch(len(self.rows), 1)
        self.empty.setVisible(not self.rows)
        self._scroll.setWidget(holder)  # the old rows go with their holder

    def _on_plan(self, _plan: object) -> None:
        self._build_rows()
        self._show(self._desk.views)

    def show_levels(self) -> None:
        """Paint the newest levels (the panel's timer calls this every 50 ms)."""
        for language, (level, peak) in self._desk.levels().items():
            row = self.rows.get(language)
            if row is not None:
                row.meter.set_levels(level, peak)

    def _show(self, views: tuple[ChannelView, ...]) -> None:
        now = self._now()
        for view in views:
            row = self.rows.get(view.language)
            if row is not None:
                row.show(view, now)

    def _show_ages(self) -> None:
        now = self._now()
        for view in self._desk.views:
            row = self.rows.get(view.language)
            if row is not None:
                row.show_age(view, now)

    def _ask_override(self, language: str, ready: bool) -> None:
        assert self._override is not None
        state = "ready" if ready else "not ready"
        tasks.run_task(self._override(language, ready),
                       description=f"Mark the {language} booth {state}",
                       on_error=self.failed.emit)


def _timer(owner: QWidget, interval_ms: int, slot: Callable[[], None]) -> QTimer:
    timer = QTimer(owner)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    timer.start()
    return timer
