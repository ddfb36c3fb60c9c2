"""The booth's two big meters: the floor's sound and the booth's own voice.

An interpreter glances at them to know that the floor reaches the booth and that
the booth's voice reaches OBS. Each meter has a caption, a tall level bar with a
peak mark, and under it the level in dB or, when OBS does not meter the input,
"no input". They are read on their own timer (:data:`METER_MS`), never per frame.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from console.models.meters import FLOOR_DB, MeterReading, hold_peak
from console.ui.level_meter import LevelMeter
from console.ui.theme import Tone, set_tone

METER_MS = 50
Levels = Callable[[], tuple[MeterReading | None, MeterReading | None]]  # (floor, booth)


class BoothMeter(QFrame):
    """One captioned vertical meter with its peak mark held for a moment."""

    def __init__(self, name: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.caption = QLabel(caption)
        self.caption.setObjectName(f"{name}Caption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.meter = LevelMeter(vertical=True)
        self.meter.setObjectName(f"{name}Bar")
        self.value = QLabel()
        self.value.setObjectName(f"{name}Value")
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.value.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 4, 2, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.meter, 1, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.value)
        self._held = (FLOOR_DB, 0.0)
        self.show_reading(None, 0.0)

    def show_reading(self, reading: MeterReading | None, now: float) -> None:
        if reading is None:
            self._held = (FLOOR_DB, now)
            self.meter.set_levels(FLOOR_DB, FLOOR_DB)
            self.value.setText("no input")
            set_tone(self.value, Tone.WARNING)
            return
        self._held = hold_peak(*self._held, reading.peak_db, now)
        self.meter.set_levels(reading.level_db, self._held[0])
        self.value.setText(f"{reading.level_db:.0f} dB" if reading.level_db > FLOOR_DB
                           else "silence")
        set_tone(self.value, Tone.NEUTRAL)


class BoothMeters:
    """Feeds the floor and booth meters from ``levels`` every :data:`METER_MS`."""

    def __init__(self, floor: BoothMeter, booth: BoothMeter, levels: Levels) -> None:
        self.floor, self.booth = floor, booth
        self._levels = levels
        self._timer = QTimer(floor)
        self._timer.setInterval(METER_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def refresh(self) -> None:
        now = time.monotonic()
        floor, booth = self._levels()
        self.floor.show_reading(floor, now)
        self.booth.show_reading(booth, now)
