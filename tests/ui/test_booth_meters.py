"""The booth's two meters: a level in dB, "silence" when the input is metered but quiet,
"no input" when OBS does not meter it; the bar fills upwards and the peak mark holds."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor

from console.models.meters import FLOOR_DB, PEAK_HOLD_S, MeterReading
from console.ui.booth_meters import BoothMeter, BoothMeters
from console.ui.theme import colour


def bar_colour(meter: BoothMeter, y_fraction: float) -> QColor:
    image = meter.meter.grab().toImage()
    return image.pixelColor(image.width() // 2, int(image.height() * y_fraction))


def test_the_meters_show_levels_silence_and_no_input(qtbot: Any) -> None:
    floor, booth = BoothMeter("floorMeter", "FLOOR"), BoothMeter("boothMeter", "FR (you)")
    for widget in (floor, booth):
        qtbot.addWidget(widget)
        widget.resize(120, 300)
        widget.show()
    levels: list[tuple[MeterReading | None, MeterReading | None]] = [
        (MeterReading(-20.0, -10.0), None)]
    meters = BoothMeters(floor, booth, lambda: levels[0])
    meters.refresh()
    assert floor.value.text() == "-20 dB"
    assert booth.value.text() == "no input"
    assert booth.value.property("tone") == "warning"
    # Filled from the bottom: -20 dBFS is two thirds up a -60..0 scale.
    assert bar_colour(floor, 0.9) == colour("preview")
    assert bar_colour(floor, 0.1) == colour("raised")

    levels[0] = (MeterReading(FLOOR_DB, FLOOR_DB), MeterReading(-30.0, -25.0))
    meters.refresh()
    assert floor.value.text() == "silence"
    assert booth.value.text() == "-30 dB"
    assert booth.value.property("tone") == "neutral"


def test_the_peak_mark_holds_then_falls(qtbot: Any) -> None:
    meter = BoothMeter("floorMeter", "FLOOR")
    qtbot.addWidget(meter)
    meter.show_reading(MeterReading(-20.0, -6.0), now=100.0)
    meter.show_reading(MeterReading(-30.0, -24.0), now=100.5)
    assert meter.meter.peak_db == -6.0
    meter.show_reading(MeterReading(-30.0, -24.0), now=100.0 + PEAK_HOLD_S + 0.1)
    assert meter.meter.peak_db == -24.0
    meter.show_reading(None, now=103.0)
    assert (meter.meter.level_db, meter.meter.peak_db) == (FLOOR_DB, FLOOR_DB)
