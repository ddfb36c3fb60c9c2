"""A red band across the stage window while an interpretation channel on air has no sound.

The language matrix may be hidden, tabbed away or scrolled: the band is not. It
names each channel in alarm and what is wrong; the sound (off unless the stage
manager turns it on in the View menu) rings once when a new alarm starts.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from console.models.meters import SignalState
from console.services.interpretation import MUTED, ChannelView, InterpretationDesk
from console.ui.main_window import MainWindow
from console.ui.status_bands import Band
from console.ui.subscription import subscribe
from console.ui.theme import Tone

WHAT_TO_DO = {  # by ChannelView.problem, in the order the band names them
    SignalState.SILENT.value: "silent on air: check the booth's microphone",
    MUTED: "muted in OBS: unmute the input",
    SignalState.NO_INPUT.value: "no input in OBS: check the audio source",
}


def alarm_text(views: tuple[ChannelView, ...]) -> str | None:
    """The band's words for the channels in alarm, grouped by what is wrong so that
    seven channels down still fit one line; None when there is none."""
    grouped: dict[str, list[str]] = {problem: [] for problem in WHAT_TO_DO}
    for view in views:
        if view.alarm and view.problem in grouped:
            grouped[view.problem].append(view.language.upper())
    named = [f"{' '.join(languages)} {WHAT_TO_DO[problem]}"
             for problem, languages in grouped.items() if languages]
    return "CHANNEL ALARM — " + " · ".join(named) if named else None


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
