"""What the console knows about one OBS instance: a pure, immutable snapshot.

The OBS layer builds a snapshot on (re)connection and folds each OBS event into
it with :func:`apply_event`; the UI only ever shows a snapshot, so it only ever
shows what OBS confirmed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from console.models.obs_events import (
    ObsEvent,
    Output,
    OutputPhase,
    OutputStateChanged,
    PreviewSceneChanged,
    ProgramSceneChanged,
    SceneListChanged,
    SceneRenamed,
    StudioModeChanged,
    TransitionChanged,
    TransitionDurationChanged,
)


class ConnectionState(enum.Enum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    AUTH_FAILED = "authentication failed"
    KICKED = "kicked"

    @property
    def is_final(self) -> bool:
        """States the connection does not leave by itself (the user must act)."""
        return self in (ConnectionState.AUTH_FAILED, ConnectionState.KICKED)


@dataclass(frozen=True)
class OutputState:
    """The stream or the recording. While the stream reconnects it is still active (OBS's
    ``GetStreamStatus`` says so, though its ``RECONNECTING`` events say not): it is on,
    trying to get its connection back. ``starting``: asked to start, not started yet."""

    active: bool = False
    reconnecting: bool = False
    paused: bool = False
    starting: bool = False


@dataclass(frozen=True)
class ObsSnapshot:
    """Everything the UI shows about one OBS, as OBS last confirmed it."""

    state: ConnectionState = ConnectionState.DISCONNECTED
    obs_version: str | None = None
    websocket_version: str | None = None
    scenes: tuple[str, ...] = ()
    program_scene: str | None = None
    preview_scene: str | None = None
    studio_mode: bool = False
    transitions: tuple[str, ...] = ()
    current_transition: str | None = None
    transition_duration_ms: int | None = None
    stream: OutputState = field(default_factory=OutputState)
    record: OutputState = field(default_factory=OutputState)
    latency_ms: float | None = None
    error: str | None = None

    @property
    def connected(self) -> bool:
        return self.state is ConnectionState.CONNECTED


def _renamed(scenes: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(new if name == old else name for name in scenes)


def _rename_refs(snapshot: ObsSnapshot, old: str, new: str) -> ObsSnapshot:
    return replace(
        snapshot,
        scenes=_renamed(snapshot.scenes, old, new),
        program_scene=new if snapshot.program_scene == old else snapshot.program_scene,
        preview_scene=new if snapshot.preview_scene == old else snapshot.preview_scene,
    )


def _output_state(event: OutputStateChanged, previous: OutputState) -> OutputState:
    paused = previous.paused
    if event.phase is OutputPhase.PAUSED:
        paused = True
    elif event.phase in (OutputPhase.RESUMED, OutputPhase.STOPPED):
        paused = False
    reconnecting = event.phase is OutputPhase.RECONNECTING
    return replace(previous, active=event.active or reconnecting, reconnecting=reconnecting,
                   paused=paused, starting=event.phase is OutputPhase.STARTING)


def apply_event(snapshot: ObsSnapshot, event: ObsEvent) -> ObsSnapshot:
    """Fold one OBS event into the snapshot; events it does not show change nothing."""
    match event:
        case ProgramSceneChanged(scene=scene):
            return replace(snapshot, program_scene=scene)
        case PreviewSceneChanged(scene=scene):
            return replace(snapshot, preview_scene=scene)
        case StudioModeChanged(enabled=enabled):
            # Either way the preview is unknown until OBS says which scene it is.
            return replace(snapshot, studio_mode=enabled, preview_scene=None)
        case SceneListChanged(scenes=scenes):
            return replace(snapshot, scenes=scenes)
        case SceneRenamed(old_name=old, new_name=new):
            return _rename_refs(snapshot, old, new)
        case TransitionChanged(name=name):
            return replace(snapshot, current_transition=name)
        case TransitionDurationChanged(duration_ms=duration):
            return replace(snapshot, transition_duration_ms=duration)
        case OutputStateChanged(output=Output.STREAM):
            return replace(snapshot, stream=_output_state(event, snapshot.stream))
        case OutputStateChanged(output=Output.RECORD):
            return replace(snapshot, record=_output_state(event, snapshot.record))
        case _:
            return snapshot
