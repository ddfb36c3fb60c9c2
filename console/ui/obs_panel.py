"""What OBS is doing, at a glance: connection, versions, latency, ON AIR and REC."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from console.models.obs_state import ConnectionState, ObsSnapshot, OutputState
from console.obs.mirror import ObsMirror
from console.ui.subscription import subscribe
from console.ui.theme import Tone, set_tone

CONNECTION_TONES: dict[ConnectionState, Tone] = {
    ConnectionState.CONNECTED: Tone.OK,
    ConnectionState.CONNECTING: Tone.WARNING,
    ConnectionState.RECONNECTING: Tone.WARNING,
    ConnectionState.DISCONNECTED: Tone.NEUTRAL,
    ConnectionState.AUTH_FAILED: Tone.ALARM,
    ConnectionState.KICKED: Tone.ALARM,
}

# A heartbeat slower than this means OBS or the network is struggling: a take may lag.
SLOW_LATENCY_MS = 250.0
UNKNOWN = "—"


def stream_indicator(stream: OutputState, known: bool = True) -> tuple[str, Tone]:
    if not known:
        return "STREAM ?", Tone.NEUTRAL
    if stream.reconnecting:
        return "STREAM RECONNECTING", Tone.WARNING
    if stream.active:
        return "ON AIR", Tone.PROGRAM
    return "OFF AIR", Tone.NEUTRAL


def record_indicator(record: OutputState, known: bool = True) -> tuple[str, Tone]:
    if not known:
        return "REC ?", Tone.NEUTRAL
    if record.active and record.paused:
        return "REC PAUSED", Tone.WARNING
    if record.active:
        return "REC", Tone.PROGRAM
    return "NOT RECORDING", Tone.NEUTRAL


def latency_text(latency_ms: float | None) -> tuple[str, Tone]:
    if latency_ms is None:
        return UNKNOWN, Tone.NEUTRAL
    tone = Tone.WARNING if latency_ms > SLOW_LATENCY_MS else Tone.NEUTRAL
    return f"{latency_ms:.0f} ms", tone


def _badge(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setProperty("badge", True)
    return label


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("caption", True)
    return label


class ObsPanel(QWidget):
    """The confirmed state of one OBS connection; read-only.

    Child widgets (by objectName): ``connectionState`` (badge), ``connectionError``,
    ``obsVersion``, ``websocketVersion``, ``latency``, ``streamState``, ``recordState``.
    """

    def __init__(self, mirror: ObsMirror, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("obsPanel")
        self._connection = _badge("connectionState")
        self._error = QLabel()
        self._error.setObjectName("connectionError")
        self._error.setWordWrap(True)
        self._obs_version = QLabel()
        self._obs_version.setObjectName("obsVersion")
        self._websocket_version = QLabel()
        self._websocket_version.setObjectName("websocketVersion")
        self._latency = QLabel()
        self._latency.setObjectName("latency")
        self._latency.setProperty("figure", True)
        self._stream = _badge("streamState")
        self._record = _badge("recordState")
        self._lay_out()
        self.show_snapshot(mirror.snapshot)
        subscribe(self, mirror.changed, self.show_snapshot)

    def _lay_out(self) -> None:
        # One above the other: side by side they would widen the narrow left column.
        outputs = QVBoxLayout()
        outputs.addWidget(self._stream)
        outputs.addWidget(self._record)
        details = QGridLayout()
        details.addWidget(_caption("OBS"), 0, 0)
        details.addWidget(self._obs_version, 0, 1)
        details.addWidget(_caption("WebSocket"), 1, 0)
        details.addWidget(self._websocket_version, 1, 1)
        details.addWidget(_caption("Latency"), 2, 0)
        details.addWidget(self._latency, 2, 1)
        details.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self._connection)
        layout.addWidget(self._error)
        layout.addLayout(outputs)
        layout.addLayout(details)
        layout.addStretch(1)

    def show_snapshot(self, snapshot: ObsSnapshot) -> None:
        self._show_connection(snapshot)
        self._obs_version.setText(snapshot.obs_version or UNKNOWN)
        self._websocket_version.setText(snapshot.websocket_version or UNKNOWN)
        # Without a connection the last known figures may be stale: say "unknown", not "off".
        known = snapshot.connected
        self._show_tone(self._latency, *latency_text(snapshot.latency_ms if known else None))
        self._show_tone(self._stream, *stream_indicator(snapshot.stream, known))
        self._show_tone(self._record, *record_indicator(snapshot.record, known))

    def _show_connection(self, snapshot: ObsSnapshot) -> None:
        tone = CONNECTION_TONES[snapshot.state]
        self._show_tone(self._connection, snapshot.state.value.upper(), tone)
        self._error.setText(snapshot.error or "")
        # A lost connection is a warning while it retries, an alarm when it has given up.
        set_tone(self._error, Tone.ALARM if snapshot.state.is_final else Tone.WARNING)
        self._error.setVisible(bool(snapshot.error))

    @staticmethod
    def _show_tone(label: QLabel, text: str, tone: Tone) -> None:
        label.setText(text)
        set_tone(label, tone)
