"""What the console knows about one OBS instance: a pure, immutable snapshot.

The OBS layer builds a snapshot on (re)connection and folds each OBS event into
it with :func:`apply_event`; the UI only ever shows a snapshot, so it only ever
shows what OBS confirmed.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any


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
    active: bool = False
    reconnecting: bool = False
    paused: bool = False


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


def _scene_list_from(data: Mapping[str, Any]) -> tuple[str, ...]:
    # OBS lists scenes bottom-up (index 0 is the last one in its UI); show them as OBS's UI does.
    ordered = sorted(data.get("scenes", []), key=lambda scene: -int(scene.get("sceneIndex", 0)))
    return tuple(str(scene["sceneName"]) for scene in ordered)


def _renamed(scenes: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(new if name == old else name for name in scenes)


def _rename_refs(snapshot: ObsSnapshot, old: str, new: str) -> ObsSnapshot:
    return replace(
        snapshot,
        scenes=_renamed(snapshot.scenes, old, new),
        program_scene=new if snapshot.program_scene == old else snapshot.program_scene,
        preview_scene=new if snapshot.preview_scene == old else snapshot.preview_scene,
    )


def _output_state(data: Mapping[str, Any], previous: OutputState) -> OutputState:
    output_state = str(data.get("outputState", ""))
    return replace(
        previous,
        active=bool(data.get("outputActive", previous.active)),
        reconnecting=output_state == "OBS_WEBSOCKET_OUTPUT_RECONNECTING",
        paused=_paused_after(output_state, previous.paused),
    )


def _paused_after(output_state: str, was_paused: bool) -> bool:
    if output_state == "OBS_WEBSOCKET_OUTPUT_PAUSED":
        return True
    if output_state in ("OBS_WEBSOCKET_OUTPUT_RESUMED", "OBS_WEBSOCKET_OUTPUT_STOPPED"):
        return False
    return was_paused


def apply_event(snapshot: ObsSnapshot, event_type: str, data: Mapping[str, Any]) -> ObsSnapshot:
    """Fold one obs-websocket event into the snapshot; unknown events change nothing."""
    match event_type:
        case "CurrentProgramSceneChanged":
            return replace(snapshot, program_scene=str(data["sceneName"]))
        case "CurrentPreviewSceneChanged":
            return replace(snapshot, preview_scene=str(data["sceneName"]))
        case "StudioModeStateChanged":
            # Either way the preview is unknown until OBS says which scene it is.
            return replace(snapshot, studio_mode=bool(data["studioModeEnabled"]),
                           preview_scene=None)
        case "SceneListChanged":
            return replace(snapshot, scenes=_scene_list_from(data))
        case "SceneNameChanged":
            return _rename_refs(snapshot, str(data["oldSceneName"]), str(data["sceneName"]))
        case "CurrentSceneTransitionChanged":
            return replace(snapshot, current_transition=str(data["transitionName"]))
        case "CurrentSceneTransitionDurationChanged":
            return replace(snapshot, transition_duration_ms=int(data["transitionDuration"]))
        case "StreamStateChanged":
            return replace(snapshot, stream=_output_state(data, snapshot.stream))
        case "RecordStateChanged":
            return replace(snapshot, record=_output_state(data, snapshot.record))
        case _:
            return snapshot


def snapshot_from_queries(
    base: ObsSnapshot,
    *,
    version: Mapping[str, Any],
    scene_list: Mapping[str, Any],
    studio_mode: Mapping[str, Any],
    transitions: Mapping[str, Any],
    current_transition: Mapping[str, Any],
    stream: Mapping[str, Any],
    record: Mapping[str, Any],
) -> ObsSnapshot:
    """A full snapshot from the answers of the resynchronisation requests."""
    studio = bool(studio_mode.get("studioModeEnabled", False))
    preview = scene_list.get("currentPreviewSceneName")
    return replace(
        base,
        obs_version=str(version.get("obsVersion")),
        websocket_version=str(version.get("obsWebSocketVersion")),
        scenes=_scene_list_from(scene_list),
        program_scene=scene_list.get("currentProgramSceneName"),
        preview_scene=str(preview) if studio and preview else None,
        studio_mode=studio,
        transitions=tuple(str(t["transitionName"]) for t in transitions.get("transitions", [])),
        current_transition=current_transition.get("transitionName"),
        transition_duration_ms=current_transition.get("transitionDuration"),
        stream=OutputState(
            active=bool(stream.get("outputActive")),
            reconnecting=bool(stream.get("outputReconnecting")),
        ),
        record=OutputState(
            active=bool(record.get("outputActive")),
            paused=bool(record.get("outputPaused")),
        ),
    )
