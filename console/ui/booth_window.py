"""The interpreter booth's window: large, readable, and nothing that acts on the show.

Top to bottom: the booth and the interpreter at this console, OBS's state; who
is on (their language in a badge) and who is next; what this booth does now
(floor, direct, relay) and whether it is on air; the Ready toggle and the cough
button; handover; "need relay" and "no floor sound"; the status line. On the
right, the place of the two level meters (floor, own booth), filled by
:meth:`BoothWindow.set_meters`.

Buttons show the state OBS confirmed, not the click: Ready latches when the
booth's state says so. Texts come from ``booth_texts.py``.
"""

from __future__ import annotations

from collections.abc import Coroutine
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from console.models.booth import BoothState, HandoverState
from console.models.obs_state import ConnectionState
from console.models.stage_summary import SegmentSummary
from console.services.booth_desk import BoothDesk
from console.ui import booth_texts as texts
from console.ui.eliding_label import ElidingLabel
from console.ui.subscription import subscribe
from console.ui.tasks import run_task
from console.ui.theme import Tone, set_tone

REFRESH_MS = 250  # countdowns and running times
# Font sizes in pixels at 1280x800; the window scales them with its size.
FONT_PX = {
    "boothTitle": 34, "interpreterName": 20, "atMicrophone": 20, "obsBadge": 16,
    "nowCaption": 16, "nowLanguage": 44, "nowSpeakers": 40, "nowTitle": 22, "nowTime": 26,
    "nextCaption": 16, "nextLanguage": 26, "nextSpeakers": 26, "nextTitle": 18,
    "modeText": 38, "modeDetail": 18, "onAirBadge": 36,
    "readyButton": 44, "coughButton": 30, "handoverButton": 20, "handoverStatus": 22,
    "acceptButton": 20, "declineButton": 20, "needRelayButton": 18,
    "noFloorSoundButton": 18, "floorMeterSlot": 14, "boothMeterSlot": 14,
    "floorMeterCaption": 16, "boothMeterCaption": 16, "floorMeterValue": 16,
    "boothMeterValue": 16,
}
BASE_SIZE = (1280, 800)
METER_COLUMN_PX = 220  # two meters with "no input" under each, unclipped
STATUS_TOPIC_OBS = "obs"


class BoothWindow(QMainWindow):
    """Children (objectNames): the keys of :data:`FONT_PX`, ``meterArea``, ``statusMessage``.

    Signals:
        closing(): the window is closing.
    """

    closing = Signal()

    def __init__(self, desk: BoothDesk, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boothWindow")
        self.setWindowTitle(title)
        self._desk = desk
        self._scale = 0.0
        self._messages: list[tuple[str | None, str, bool]] = []  # (topic, text, error)
        self._build()
        subscribe(self, desk.changed, self._on_booth)
        subscribe(self, desk.stage_changed, self._on_stage)
        subscribe(self, desk.obs_state_changed, self._on_obs)
        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start(REFRESH_MS)
        self._on_obs(desk.obs_state)
        self.refresh()

    # -- building -------------------------------------------------------------------------

    def _label(self, name: str, wrap: bool = True) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(wrap)
        return label

    def _button(self, name: str, text: str, checkable: bool = False) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setCheckable(checkable)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no key "clicks" a booth button
        button.setAutoRepeat(False)
        return button

    def _build(self) -> None:
        central = QWidget()
        columns = QHBoxLayout(central)
        main = QVBoxLayout()
        main.addLayout(self._header())
        main.addWidget(self._floor_box(), 3)
        main.addLayout(self._actions(), 2)
        columns.addLayout(main, 1)
        columns.addWidget(self._meter_area())
        self.setCentralWidget(central)
        self._status = ElidingLabel()
        self._status.setObjectName("statusMessage")
        self.statusBar().addWidget(self._status, 1)

    def _header(self) -> QHBoxLayout:
        self.title = self._label("boothTitle", wrap=False)
        self.title.setText(texts.booth_title(self._desk.language))
        self.interpreter = self._label("interpreterName")
        self.interpreter.setText(f"At this console: {self._desk.interpreter}")
        self.at_microphone = self._label("atMicrophone")
        self.obs_badge = self._label("obsBadge", wrap=False)
        self.obs_badge.setProperty("badge", True)
        who = QVBoxLayout()
        who.addWidget(self.interpreter)
        who.addWidget(self.at_microphone)
        row = QHBoxLayout()
        row.addWidget(self.title)
        row.addSpacing(24)
        row.addLayout(who, 1)
        row.addWidget(self.obs_badge, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def _floor_box(self) -> QFrame:
        box = QFrame()
        box.setObjectName("floorBox")
        grid = QGridLayout(box)
        self.now_caption, self.next_caption = self._label("nowCaption"), self._label(
            "nextCaption")
        self.now_language, self.next_language = self._label("nowLanguage", False), \
            self._label("nextLanguage", False)
        for badge in (self.now_language, self.next_language):
            badge.setProperty("badge", True)
            badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.now_speakers, self.next_speakers = self._label("nowSpeakers"), self._label(
            "nextSpeakers")
        self.now_title, self.next_title = self._label("nowTitle"), self._label("nextTitle")
        self.now_time = self._label("nowTime", False)
        self.now_time.setProperty("figure", True)
        now = QVBoxLayout()
        for widget in (self.now_caption, self.now_speakers, self.now_title, self.now_time):
            now.addWidget(widget)
        upcoming = QVBoxLayout()
        for widget in (self.next_caption, self.next_speakers, self.next_title):
            upcoming.addWidget(widget)
        grid.addWidget(self.now_language, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(now, 0, 1)
        grid.addWidget(self.next_language, 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(upcoming, 1, 1)
        grid.addLayout(self._mode_column(), 0, 2, 2, 1)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 2)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        return box

    def _mode_column(self) -> QVBoxLayout:
        self.mode = self._label("modeText")
        self.mode.setProperty("badge", True)  # a block in the colour of what the booth does
        self.mode_detail = self._label("modeDetail")
        self.on_air = self._label("onAirBadge", wrap=False)
        self.on_air.setProperty("badge", True)
        column = QVBoxLayout()
        column.addWidget(self.mode)
        column.addWidget(self.mode_detail)
        column.addStretch(1)
        column.addWidget(self.on_air)
        return column

    def _actions(self) -> QGridLayout:
        self.ready = self._button("readyButton", "", checkable=True)
        self.ready.clicked.connect(self._toggle_ready)
        self.cough = self._button("coughButton", "COUGH\n(hold)")
        self.cough.pressed.connect(lambda: self._run(self._desk.cough(True), "Cough"))
        self.cough.released.connect(lambda: self._run(self._desk.cough(False), "End the cough"))
        self.handover = self._button("handoverButton", "Request handover to partner")
        self.handover.clicked.connect(
            lambda: self._run(self._desk.request_handover(), "Request handover"))
        self.handover_status = self._label("handoverStatus")
        self.accept = self._button("acceptButton", "Accept: I take over")
        self.accept.clicked.connect(
            lambda: self._run(self._desk.answer_handover(True), "Accept the handover"))
        self.decline = self._button("declineButton", "Decline")
        self.decline.clicked.connect(
            lambda: self._run(self._desk.answer_handover(False), "Decline the handover"))
        self.need_relay = self._button("needRelayButton", "", checkable=True)
        self.need_relay.clicked.connect(lambda: self._flag("need_relay"))
        self.no_floor = self._button("noFloorSoundButton", "No floor sound", checkable=True)
        self.no_floor.clicked.connect(lambda: self._flag("no_floor_sound"))
        for tall in (self.ready, self.cough):
            tall.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        grid = QGridLayout()
        grid.addWidget(self.ready, 0, 0, 1, 2)
        grid.addWidget(self.cough, 0, 2)
        grid.addWidget(self.handover, 1, 0)
        grid.addWidget(self.handover_status, 1, 1)
        answers = QHBoxLayout()
        answers.addWidget(self.accept)
        answers.addWidget(self.decline)
        grid.addLayout(answers, 1, 2)
        grid.addWidget(self.need_relay, 2, 0)
        grid.addWidget(self.no_floor, 2, 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 2)
        grid.setRowStretch(0, 3)
        return grid

    def _meter_area(self) -> QFrame:
        # The level meters (floor, own booth) go here, fed from the meter feed: see
        # set_meters(). Until then each slot holds a placeholder label.
        area = QFrame()
        area.setObjectName("meterArea")
        area.setFixedWidth(METER_COLUMN_PX)
        self._meter_row = QHBoxLayout(area)
        self._meter_slots: list[QWidget] = []
        for name, text in (("floorMeterSlot", "Floor\nlevel\n\n(meter)"),
                           ("boothMeterSlot", "Booth\nlevel\n\n(meter)")):
            placeholder = self._label(name)
            placeholder.setText(text)
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            placeholder.setProperty("caption", True)
            self._meter_row.addWidget(placeholder)
            self._meter_slots.append(placeholder)
        return area

    def set_meters(self, floor: QWidget, booth: QWidget) -> None:
        """Put the floor's and this booth's level meters in their places."""
        for slot, meter, name in zip(self._meter_slots, (floor, booth),
                                     ("floorMeter", "boothMeter"), strict=True):
            meter.setObjectName(meter.objectName() or name)
            self._meter_row.replaceWidget(slot, meter)
            slot.deleteLater()
        self._meter_slots = [floor, booth]

    # -- actions ---------------------------------------------------------------------------

    def _run(self, coro: Coroutine[Any, Any, Any], description: str) -> None:
        run_task(coro, description=description, on_error=self.show_error)

    def _toggle_ready(self) -> None:
        wanted = not self._desk.state.ready
        self.ready.setChecked(self._desk.state.ready)  # latches when the state says so
        self._run(self._desk.set_ready(wanted), "Ready" if wanted else "Not ready")

    def _flag(self, name: str) -> None:
        state = self._desk.state
        if name == "need_relay":
            self.need_relay.setChecked(state.need_relay)
            self._run(self._desk.set_need_relay(not state.need_relay), "Need relay")
        else:
            self.no_floor.setChecked(state.no_floor_sound)
            self._run(self._desk.set_no_floor_sound(not state.no_floor_sound),
                      "No floor sound")

    # -- showing ----------------------------------------------------------------------------

    def refresh(self) -> None:
        self._show_booth(self._desk.state)
        self._show_stage()

    def _on_booth(self, state: BoothState) -> None:
        self._show_booth(state)
        self._show_mode()

    def _on_stage(self, _summary: object) -> None:
        self._show_stage()

    def _show_booth(self, state: BoothState) -> None:
        ready = texts.ready_text(state.ready)
        self.ready.setChecked(state.ready)
        self.ready.setText(ready.text)
        self.ready.setToolTip(ready.detail)
        set_tone(self.ready, ready.tone)
        self.at_microphone.setText(texts.at_microphone_text(state.interpreter,
                                                            self._desk.interpreter))
        self.need_relay.setChecked(state.need_relay)
        self.no_floor.setChecked(state.no_floor_sound)
        self._show_pivot()
        self._show_handover()

    def _show_pivot(self) -> None:
        pivot = self._desk.pivot()
        self.need_relay.setText(f"Need relay ({texts.language_badge(pivot)})" if pivot
                                else "Need relay")

    def _show_handover(self) -> None:
        now = self._desk.now()
        said = texts.handover_text(self._desk.handover(), self._desk.interpreter, now)
        self.handover_status.setText(said.text)
        set_tone(self.handover_status, said.tone)
        asked = self._desk.awaiting_my_answer() is not None
        self.accept.setVisible(asked)
        self.decline.setVisible(asked)
        handover = self._desk.handover()
        pending = handover is not None and handover.state is HandoverState.REQUESTED
        self.handover.setEnabled(not pending)  # one request at a time

    def _show_stage(self) -> None:
        stage = self._desk.stage
        live, upcoming = (stage.live, stage.next) if stage else (None, None)
        self.now_caption.setText(texts.caption("NOW", live) if stage is None or live
                                 else "NOW: nothing live")
        self.next_caption.setText(texts.caption("NEXT", upcoming))
        self._show_segment(live, self.now_language, self.now_speakers, self.now_title,
                           texts.NOT_KNOWN)
        self._show_segment(upcoming, self.next_language, self.next_speakers, self.next_title,
                           texts.NOT_KNOWN if stage is None else "End of the rundown")
        self._show_pivot()
        self._show_mode()
        self._show_running_time()

    def _show_segment(self, segment: SegmentSummary | None, badge: QLabel, speakers: QLabel,
                      title: QLabel, empty: str) -> None:
        badge.setText(texts.language_badge(segment.language) if segment else "")
        badge.setVisible(segment is not None)
        badge.setToolTip(texts.language_name(segment.language) if segment else "")
        set_tone(badge, Tone.NEUTRAL)
        speakers.setText(texts.speakers_text(segment, empty))
        title.setText(segment.title if segment and segment.speakers else "")

    def _show_mode(self) -> None:
        said = texts.mode_text(self._desk.stage, self._desk.role(), self._desk.language)
        self.mode.setText(said.text)
        self.mode_detail.setText(said.detail)
        set_tone(self.mode, said.tone)
        on_air = texts.on_air_text(self._desk.on_air(), self._desk.state.coughing)
        self.on_air.setText(on_air.text)
        set_tone(self.on_air, on_air.tone)

    def _show_running_time(self) -> None:
        stage = self._desk.stage
        live = stage.live if stage else None
        now = self._desk.now()
        self.now_time.setText(texts.running_time(live, now) if live
                              else texts.planned_length(live))

    def _tick(self) -> None:
        self._show_running_time()
        self._show_handover()

    def _on_obs(self, state: ConnectionState) -> None:
        connected = state is ConnectionState.CONNECTED
        self.obs_badge.setText(f"OBS {state.value}")
        set_tone(self.obs_badge, Tone.OK if connected else Tone.ALARM)
        if connected:
            self.clear(STATUS_TOPIC_OBS)
        else:
            self.show_error(f"OBS is {state.value}: what this window shows may be out of date, "
                            "and nothing can be changed", topic=STATUS_TOPIC_OBS)

    # -- the status line ---------------------------------------------------------------------

    def show_message(self, text: str, error: bool = False, *, topic: str | None = None
                     ) -> None:
        """One line under everything; a topic's message stands until cleared."""
        self._messages = [m for m in self._messages if m[0] not in (None, topic)]
        stamp = datetime.now().strftime("%H:%M:%S")
        self._messages.append((topic, f"{stamp}  {' '.join(text.splitlines())}", error))
        self._show_newest()

    def show_error(self, text: str, *, topic: str | None = None) -> None:
        self.show_message(text, error=True, topic=topic)

    def clear(self, topic: str) -> None:
        self._messages = [m for m in self._messages if m[0] != topic]
        self._show_newest()

    def status_text(self) -> str:
        return self._status.text()

    def _show_newest(self) -> None:
        _topic, text, error = self._messages[-1] if self._messages else (None, "", False)
        self._status.setText(text)
        set_tone(self._status, Tone.ALARM if error else Tone.NEUTRAL)

    # -- size and closing ---------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        scale = min(self.width() / BASE_SIZE[0], self.height() / BASE_SIZE[1])
        scale = max(0.6, min(scale, 2.0))
        if abs(scale - self._scale) > 0.02:
            self._scale = scale
            for name, px in FONT_PX.items():
                widget = self.findChild(QWidget, name)
                if widget is not None:
                    weight = "bold" if px >= 26 else "normal"
                    widget.setStyleSheet(f"font-size: {round(px * scale)}px; "
                                         f"font-weight: {weight};")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        super().closeEvent(event)
        self.closing.emit()
