"""The as-run rows of scene changes (with their transition), and of the stream and the
recording, from OBS's output events in the order OBS 29.0.2 sends them (seen against a real
OBS: tests/integration/test_stream_health_obs.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from console.models.asrun import AsRunKind, ConsoleRole
from console.models.obs_events import (
    ObsEvent,
    Output,
    OutputPhase,
    OutputStateChanged,
    ProgramSceneChanged,
    TransitionChanged,
)
from console.models.obs_state import ConnectionState, ObsSnapshot, OutputState, apply_event
from console.obs.connection import ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.mirror import ObsMirror
from console.services.asrun_log import AsRunLog
from console.services.asrun_recorder import AsRunRecorder
from console.store.asrun import AsRunWriter, read_asrun
from console.store.database import open_database
from tests.helpers.store import stored_details

AT = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
P = OutputPhase


class Recording:
    def __init__(self, db_path: Path, runs_the_show: bool = True) -> None:
        self.db_path = db_path
        open_database(db_path).close()
        self.writer = AsRunWriter(db_path)
        # Never started: the connection is only the mirror's source of signals.
        self.connection = ObsConnection(ObsEndpoint("127.0.0.1", 1), "not-used")
        self.mirror = ObsMirror(self.connection)
        self.recorder = AsRunRecorder(self.mirror, AsRunLog(self.writer, "test", ConsoleRole.STAGE),
                                      lambda: runs_the_show)
        self.connection.state_changed.emit(ConnectionState.CONNECTED)

    def output(self, output: Output, *steps: tuple[OutputPhase, bool]) -> None:
        for phase, active in steps:
            self.connection.event.emit(OutputStateChanged(received_at=AT, output=output,
                                                          active=active, phase=phase))

    def events(self, *events: ObsEvent) -> None:
        for event in events:
            self.connection.event.emit(event)

    def rows(self) -> list[dict[str, Any]]:
        self.writer.flush(5)
        database = open_database(self.db_path)
        try:
            return [dict(entry.details) for entry in read_asrun(database)
                    if entry.kind in (AsRunKind.STREAM, AsRunKind.RECORD)]
        finally:
            database.close()

    def scene_changes(self) -> list[dict[str, Any]]:
        return stored_details(self.writer, self.db_path, AsRunKind.SCENE_CHANGE)

    def close(self) -> None:
        self.recorder.close()
        self.writer.close(5)


@pytest.fixture
def recording(tmp_path: Path) -> Iterator[Recording]:
    recording = Recording(tmp_path / "show.sqlite")
    yield recording
    recording.close()


def scene(name: str) -> ProgramSceneChanged:
    return ProgramSceneChanged(received_at=AT, scene=name)


def transition(name: str) -> TransitionChanged:
    return TransitionChanged(received_at=AT, name=name)


def test_a_scene_change_names_the_transition_in_effect(recording: Recording) -> None:
    recording.events(scene("Opening"), transition("Fade"), scene("Keynote"),
                     transition("Cut"), scene("Break"))

    assert recording.scene_changes() == [
        {"obs": "main", "scene": "Keynote", "previous": "Opening", "transition": "Fade"},
        {"obs": "main", "scene": "Break", "previous": "Keynote", "transition": "Cut"},
    ]


def test_a_scene_change_before_obs_named_its_transition_leaves_it_out(
        recording: Recording) -> None:
    recording.events(scene("Opening"), scene("Keynote"))

    assert recording.scene_changes() == [{"obs": "main", "scene": "Keynote",
                                          "previous": "Opening"}]


def test_a_stream_that_starts_and_stops(recording: Recording) -> None:
    recording.output(Output.STREAM, (P.STARTING, False), (P.STARTED, True),
                     (P.STOPPING, False), (P.STOPPED, False))

    assert recording.rows() == [{"obs": "main", "active": True}, {"obs": "main", "active": False}]


def test_a_reconnection_is_one_row_each_way_however_many_retries(recording: Recording) -> None:
    # OBS 29 sends a RECONNECTING event (saying "not active") for every retry.
    recording.output(Output.STREAM, (P.STARTING, False), (P.STARTED, True),
                     (P.RECONNECTING, False), (P.RECONNECTING, False), (P.RECONNECTING, False),
                     (P.RECONNECTED, True), (P.STOPPING, False), (P.STOPPED, False))

    assert recording.rows() == [
        {"obs": "main", "active": True},
        {"obs": "main", "phase": "reconnecting"},
        {"obs": "main", "phase": "reconnected"},
        {"obs": "main", "active": False},
    ]


def test_a_stream_that_gives_up_reconnecting_stops(recording: Recording) -> None:
    recording.output(Output.STREAM, (P.STARTING, False), (P.STARTED, True),
                     (P.RECONNECTING, False), (P.STOPPED, False))

    assert recording.rows() == [{"obs": "main", "active": True},
                                {"obs": "main", "phase": "reconnecting"},
                                {"obs": "main", "active": False}]


def test_a_stream_refused_by_its_server_never_started(recording: Recording) -> None:
    # OBS 29 with a server that refuses the connection: starting, then stopped at once.
    recording.output(Output.STREAM, (P.STARTING, False), (P.STOPPED, False))

    assert recording.rows() == [{"obs": "main", "phase": "start_failed"}]


def test_a_recording_that_starts_and_stops(recording: Recording) -> None:
    recording.output(Output.RECORD, (P.STARTING, False), (P.STARTED, True),
                     (P.PAUSED, True), (P.RESUMED, True), (P.STOPPING, False),
                     (P.STOPPED, False))

    assert recording.rows() == [{"obs": "main", "active": True}, {"obs": "main", "active": False}]


def test_a_console_that_follows_records_no_output(tmp_path: Path) -> None:
    follower = Recording(tmp_path / "show.sqlite", runs_the_show=False)
    try:
        follower.output(Output.STREAM, (P.STARTING, False), (P.STARTED, True),
                        (P.RECONNECTING, False), (P.RECONNECTED, True))
        assert follower.rows() == []
    finally:
        follower.close()


def test_the_snapshot_keeps_a_reconnecting_stream_active() -> None:
    """OBS's events say "not active" while it reconnects; GetStreamStatus says active and
    reconnecting, and so does the snapshot."""
    snapshot = ObsSnapshot(state=ConnectionState.CONNECTED, stream=OutputState(active=True))
    for phase, active in [(P.RECONNECTING, False), (P.RECONNECTING, False)]:
        snapshot = apply_event(snapshot, OutputStateChanged(
            received_at=AT, output=Output.STREAM, active=active, phase=phase))
        assert snapshot.stream == OutputState(active=True, reconnecting=True)
    snapshot = apply_event(snapshot, OutputStateChanged(
        received_at=AT, output=Output.STREAM, active=True, phase=P.RECONNECTED))
    assert snapshot.stream == OutputState(active=True)
