"""A red band across the stage window while an interpretation channel on air has no sound.

The language matrix may be hidden, tabbed away or scrolled: the band is not. It
names each channel in alarm and what is wrong; the sound (off unless the stage
manager turns it on in the View menu) rings once when a new alarm starts.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from console.models.meters import SignalState
from console.services.interpretation import ChannelView, InterpretationDesk
from console.ui.main_window import MainWindow
from console.ui.status_bands import Band
from console.ui.subscription import subscribe
from console.ui.theme import Tone

WHAT_TO_DO = {
    SignalState.SILENT: "silent on air: check the booth's microphone",
    SignalState.NO_INPUT: "no input in OBS: check the audio source",
}


def alarm_text(views: tuple[ChannelView, ...]) -> str | None:
    """The band's words for the channels in alarm, grouped by what is wrong so that
    seven channels down still fit one line; None when there is none."""
    grouped: dict[SignalState, list[str]] = {}
    for view in views:
        if view.alarm and view.signal in WHAT_TO_DO:
            grouped.setdefault(view.signal, []).append(view.language.upper())
    if not grouped:
        return None
    return "CHANNEL ALARM — " + " · ".join(
        f"{' '.join(languages)} {WHAT_TO_DO[signal]}"
        for signal, languages in sorted(grouped.items(), key=lambda item: item[0].value,
                                        reverse=True))


class ChannelAlarms:
    """Keeps the ``channelAlarmBand`` in step with the desk."""

    def __init__(self, window: MainWindow, desk: InterpretationDesk) -> None:
        self.band = Band("channelAlarmBand", Tone.ALARM)
        window.add_banner(self.band)
        self._in_alarm: set[str] = set()
        self.sound = window.add_view_action("Alarm sound", lambda: None, checkable=True)
        subscribe(self.band, desk.changed, self._show)
        self._show(desk.views)

    def _show(self, views: tuple[ChannelView, ...]) -> None:
        self.band.say(alarm_text(views))
        in_alarm = {view.language for view in views if view.alarm}
        if in_alarm - self._in_alarm and self.sound.isChecked():
            QApplication.beep()
        self._in_alarm = in_alarm
