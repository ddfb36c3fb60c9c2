"""ObsPanel shows the confirmed OBS state: connection badge, versions, latency, outputs."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from console.models.obs_state import ConnectionState, OutputState
from console.ui.obs_panel import ObsPanel
from console.ui.theme import Tone
from tests.ui.support import LIVE, publish


@pytest.fixture
def panel(qtbot, mirror) -> ObsPanel:
    widget = ObsPanel(mirror)
    qtbot.addWidget(widget)
    return widget


def child(panel: ObsPanel, name: str) -> QLabel:
    label = panel.findChild(QLabel, name)
    assert label is not None, name
    return label


@pytest.mark.parametrize(
    ("state", "text", "tone"),
    [
        (ConnectionState.CONNECTED, "CONNECTED", Tone.OK),
        (ConnectionState.CONNECTING, "CONNECTING", Tone.WARNING),
        (ConnectionState.RECONNECTING, "RECONNECTING", Tone.WARNING),
        (ConnectionState.DISCONNECTED, "DISCONNECTED", Tone.NEUTRAL),
        (ConnectionState.AUTH_FAILED, "AUTHENTICATION FAILED", Tone.ALARM),
        (ConnectionState.KICKED, "KICKED", Tone.ALARM),
    ],
)
def test_the_connection_badge_names_the_state_in_its_colour(panel, state, text, tone):
    panel.show_snapshot(LIVE.__class__(state=state))

    badge = child(panel, "connectionState")
    assert badge.text() == text
    assert badge.property("tone") == tone.value


def test_the_panel_follows_the_mirror(panel, mirror):
    publish(mirror, LIVE)

    assert child(panel, "connectionState").text() == "CONNECTED"
    assert child(panel, "obsVersion").text() == "30.2.3"
    assert child(panel, "websocketVersion").text() == "5.5.2"
    assert child(panel, "latency").text() == "4 ms"


def test_a_panel_built_after_the_first_snapshot_shows_it_at_once(qtbot, mirror):
    publish(mirror, LIVE)

    late = ObsPanel(mirror)
    qtbot.addWidget(late)

    assert child(late, "obsVersion").text() == "30.2.3"


def test_the_last_error_is_shown_while_disconnected_and_hidden_once_connected(panel, mirror):
    publish(mirror, LIVE, state=ConnectionState.RECONNECTING, error="OBS is shutting down")
    error = child(panel, "connectionError")
    assert error.text() == "OBS is shutting down"
    assert not error.isHidden()
    assert error.property("tone") == Tone.WARNING.value

    publish(mirror, state=ConnectionState.KICKED, error="OBS ended this session (kicked)")
    assert error.property("tone") == Tone.ALARM.value

    publish(mirror, LIVE)
    assert error.isHidden()


def test_slow_latency_is_a_warning(panel, mirror):
    publish(mirror, LIVE, latency_ms=480.4)

    latency = child(panel, "latency")
    assert latency.text() == "480 ms"
    assert latency.property("tone") == Tone.WARNING.value


@pytest.mark.parametrize(
    ("stream", "text", "tone"),
    [
        (OutputState(active=True), "ON AIR", Tone.PROGRAM),
        (OutputState(active=True, reconnecting=True), "STREAM RECONNECTING", Tone.WARNING),
        (OutputState(), "OFF AIR", Tone.NEUTRAL),
    ],
)
def test_the_stream_indicator(panel, mirror, stream, text, tone):
    publish(mirror, LIVE, stream=stream)

    indicator = child(panel, "streamState")
    assert (indicator.text(), indicator.property("tone")) == (text, tone.value)


@pytest.mark.parametrize(
    ("record", "text", "tone"),
    [
        (OutputState(active=True), "REC", Tone.PROGRAM),
        (OutputState(active=True, paused=True), "REC PAUSED", Tone.WARNING),
        (OutputState(), "NOT RECORDING", Tone.NEUTRAL),
    ],
)
def test_the_record_indicator(panel, mirror, record, text, tone):
    publish(mirror, LIVE, record=record)

    indicator = child(panel, "recordState")
    assert (indicator.text(), indicator.property("tone")) == (text, tone.value)


def test_without_a_connection_outputs_and_latency_are_unknown_not_off(panel, mirror):
    publish(mirror, LIVE, stream=OutputState(active=True), record=OutputState(active=True))
    publish(mirror, state=ConnectionState.RECONNECTING, error="connection lost")

    assert child(panel, "streamState").text() == "STREAM ?"
    assert child(panel, "recordState").text() == "REC ?"
    assert child(panel, "latency").text() == "—"


def test_a_deleted_panel_stops_listening_to_the_mirror(qtbot, mirror):
    panel = ObsPanel(mirror)
    qtbot.addWidget(panel)
    listeners = len(mirror.changed)

    panel.deleteLater()
    qtbot.waitUntil(lambda: len(mirror.changed) == listeners - 1)
    publish(mirror, LIVE)  # must not reach the deleted C++ widget
