"""obs-websocket event messages into typed events (``console.models.obs_events``).

Every field read is checked for its type: an event OBS (or something pretending
to be OBS) sends with a missing or mistyped field becomes an :class:`OtherEvent`
and is logged, instead of raising later in whoever reads it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from console.models.obs_events import (
    CustomEvent,
    ExitStarted,
    InputMuteChanged,
    InputTracksChanged,
    ObsEvent,
    OtherEvent,
    Output,
    OutputPhase,
    OutputStateChanged,
    PreviewSceneChanged,
    ProgramSceneChanged,
    ResourceChange,
    ResourcesChanged,
    SceneListChanged,
    SceneRenamed,
    StudioModeChanged,
    TransitionChanged,
    TransitionDurationChanged,
    TransitionStarted,
)

log = logging.getLogger(__name__)

Data = Mapping[str, Any]
Parser = Callable[[Data, datetime], ObsEvent]


class MalformedEvent(ValueError):
    """An event field is missing or has the wrong type."""


def _text(data: Data, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise MalformedEvent(f"{key} must be a string")
    return value


def _flag(data: Data, key: str) -> bool:
    value = data.get(key)
    if not isinstance(value, bool):
        raise MalformedEvent(f"{key} must be true or false")
    return value


def _whole(data: Data, key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedEvent(f"{key} must be a whole number")
    return value


def scene_names(data: Data) -> tuple[str, ...]:
    """Scene names in the order OBS's UI shows them (OBS lists them bottom-up)."""
    scenes = data.get("scenes")
    if not isinstance(scenes, list) or not all(isinstance(s, Mapping) for s in scenes):
        raise MalformedEvent("scenes must be a list of objects")
    ordered = sorted(scenes, key=lambda scene: -_index(scene))
    return tuple(_text(scene, "sceneName") for scene in ordered)


def _index(scene: Data) -> int:
    value = scene.get("sceneIndex", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


_PHASES = {
    "OBS_WEBSOCKET_OUTPUT_STARTING": OutputPhase.STARTING,
    "OBS_WEBSOCKET_OUTPUT_STARTED": OutputPhase.STARTED,
    "OBS_WEBSOCKET_OUTPUT_STOPPING": OutputPhase.STOPPING,
    "OBS_WEBSOCKET_OUTPUT_STOPPED": OutputPhase.STOPPED,
    "OBS_WEBSOCKET_OUTPUT_RECONNECTING": OutputPhase.RECONNECTING,
    "OBS_WEBSOCKET_OUTPUT_RECONNECTED": OutputPhase.RECONNECTED,
    "OBS_WEBSOCKET_OUTPUT_PAUSED": OutputPhase.PAUSED,
    "OBS_WEBSOCKET_OUTPUT_RESUMED": OutputPhase.RESUMED,
}


def _output(output: Output) -> Parser:
    def parse(data: Data, at: datetime) -> ObsEvent:
        phase = _PHASES.get(str(data.get("outputState")), OutputPhase.UNKNOWN)
        return OutputStateChanged(received_at=at, output=output,
                                  active=_flag(data, "outputActive"), phase=phase)
    return parse


def _resources(change: ResourceChange, name_key: str, old_name_key: str = "") -> Parser:
    def parse(data: Data, at: datetime) -> ObsEvent:
        name, old_name = data.get(name_key), data.get(old_name_key)
        return ResourcesChanged(received_at=at, change=change,
                                name=name if isinstance(name, str) else "",
                                old_name=old_name if isinstance(old_name, str) else "")
    return parse


def audio_tracks(data: Data, key: str) -> frozenset[int]:
    """The tracks switched on in obs-websocket's ``{"1": true, ..., "6": false}``."""
    tracks = data.get(key)
    if not isinstance(tracks, Mapping) or not all(
            isinstance(number, str) and number.isascii() and number.isdigit()
            and isinstance(on, bool)
            for number, on in tracks.items()):
        raise MalformedEvent(f"{key} must map track numbers to true or false")
    return frozenset(int(number) for number, on in tracks.items() if on)


_PARSERS: dict[str, Parser] = {
    "CurrentProgramSceneChanged": lambda d, at: ProgramSceneChanged(
        received_at=at, scene=_text(d, "sceneName")),
    "CurrentPreviewSceneChanged": lambda d, at: PreviewSceneChanged(
        received_at=at, scene=_text(d, "sceneName")),
    "StudioModeStateChanged": lambda d, at: StudioModeChanged(
        received_at=at, enabled=_flag(d, "studioModeEnabled")),
    "SceneListChanged": lambda d, at: SceneListChanged(received_at=at, scenes=scene_names(d)),
    "SceneNameChanged": lambda d, at: SceneRenamed(
        received_at=at, old_name=_text(d, "oldSceneName"), new_name=_text(d, "sceneName")),
    "CurrentSceneTransitionChanged": lambda d, at: TransitionChanged(
        received_at=at, name=_text(d, "transitionName")),
    "CurrentSceneTransitionDurationChanged": lambda d, at: TransitionDurationChanged(
        received_at=at, duration_ms=_whole(d, "transitionDuration")),
    "SceneTransitionStarted": lambda d, at: TransitionStarted(
        received_at=at, name=_text(d, "transitionName")),
    "StreamStateChanged": _output(Output.STREAM),
    "RecordStateChanged": _output(Output.RECORD),
    "ExitStarted": lambda _d, at: ExitStarted(received_at=at),
    "CurrentSceneCollectionChanged": _resources(ResourceChange.SCENE_COLLECTION,
                                                "sceneCollectionName"),
    "SceneItemCreated": _resources(ResourceChange.SCENE_ITEM_CREATED, "sourceName"),
    "SceneItemRemoved": _resources(ResourceChange.SCENE_ITEM_REMOVED, "sourceName"),
    "InputCreated": _resources(ResourceChange.INPUT_CREATED, "inputName"),
    "InputRemoved": _resources(ResourceChange.INPUT_REMOVED, "inputName"),
    "InputNameChanged": _resources(ResourceChange.INPUT_RENAMED, "inputName", "oldInputName"),
    "InputMuteStateChanged": lambda d, at: InputMuteChanged(
        received_at=at, input=_text(d, "inputName"), muted=_flag(d, "inputMuted")),
    "InputAudioTracksChanged": lambda d, at: InputTracksChanged(
        received_at=at, input=_text(d, "inputName"), tracks=audio_tracks(d, "inputAudioTracks")),
    "CustomEvent": lambda d, at: CustomEvent(received_at=at, data=dict(d)),
}


def parse_event(event_type: str, data: Data, received_at: datetime) -> ObsEvent:
    """The typed event for one obs-websocket event message."""
    parser = _PARSERS.get(event_type)
    if parser is None:
        return OtherEvent(received_at=received_at, event_type=event_type, data=dict(data))
    try:
        return parser(data, received_at)
    except MalformedEvent as error:
        log.info("OBS sent a malformed %s event (%s); ignored", event_type, error)
        return OtherEvent(received_at=received_at, event_type=event_type, data=dict(data))
