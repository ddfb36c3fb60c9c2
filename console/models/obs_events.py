"""OBS events as typed values: what the rest of the console sees of obs-websocket's events.

The OBS layer (``console/obs/events.py``) turns each ``(eventType, eventData)``
message into one of these, checking every field it reads, and stamps it with the
instant its frame arrived (``received_at``, UTC, read on the socket's thread, so a
busy event loop does not make it late). Nothing outside ``console/obs`` reads
protocol names or payload shapes.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, kw_only=True)
class ObsEvent:
    received_at: datetime  # UTC, when the event's frame arrived from OBS


@dataclass(frozen=True, kw_only=True)
class ProgramSceneChanged(ObsEvent):
    """The scene on program changed (after the transition finished)."""

    scene: str


@dataclass(frozen=True, kw_only=True)
class PreviewSceneChanged(ObsEvent):
    scene: str


@dataclass(frozen=True, kw_only=True)
class StudioModeChanged(ObsEvent):
    enabled: bool


@dataclass(frozen=True, kw_only=True)
class SceneListChanged(ObsEvent):
    scenes: tuple[str, ...]  # in the order OBS's own scene list shows them


@dataclass(frozen=True, kw_only=True)
class SceneRenamed(ObsEvent):
    old_name: str
    new_name: str


@dataclass(frozen=True, kw_only=True)
class TransitionChanged(ObsEvent):
    name: str


@dataclass(frozen=True, kw_only=True)
class TransitionDurationChanged(ObsEvent):
    duration_ms: int


@dataclass(frozen=True, kw_only=True)
class TransitionStarted(ObsEvent):
    """A scene transition started: the instant a take goes on air."""

    name: str


class Output(enum.Enum):
    STREAM = "stream"
    RECORD = "record"


class OutputPhase(enum.Enum):
    STARTING = "starting"
    STARTED = "started"
    STOPPING = "stopping"
    STOPPED = "stopped"
    RECONNECTING = "reconnecting"
    RECONNECTED = "reconnected"
    PAUSED = "paused"
    RESUMED = "resumed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, kw_only=True)
class OutputStateChanged(ObsEvent):
    output: Output
    active: bool
    phase: OutputPhase


@dataclass(frozen=True, kw_only=True)
class ExitStarted(ObsEvent):
    """OBS is shutting down."""


class ResourceChange(enum.Enum):
    """Changes that can make a scene, source or input appear or disappear."""

    SCENE_COLLECTION = "scene collection"
    SCENE_ITEM_CREATED = "scene item created"
    SCENE_ITEM_REMOVED = "scene item removed"
    INPUT_CREATED = "input created"
    INPUT_REMOVED = "input removed"
    INPUT_RENAMED = "input renamed"


@dataclass(frozen=True, kw_only=True)
class ResourcesChanged(ObsEvent):
    """Scenes' contents or inputs changed: what preflight and readiness check may differ."""

    change: ResourceChange
    name: str = ""  # the input, scene or collection concerned, when OBS names it
    old_name: str = ""  # a renamed input's name before (its channel lost its input)


@dataclass(frozen=True, kw_only=True)
class InputMuteChanged(ObsEvent):
    """An input was muted or unmuted (a booth's cough button, OBS's own mixer, anyone)."""

    input: str
    muted: bool


@dataclass(frozen=True, kw_only=True)
class InputTracksChanged(ObsEvent):
    """The output audio tracks (1 to 6) an input goes to changed."""

    input: str
    tracks: frozenset[int]


@dataclass(frozen=True, kw_only=True)
class CustomEvent(ObsEvent):
    """A message another client sent with ``BroadcastCustomEvent``."""

    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class OtherEvent(ObsEvent):
    """An event the console does not use (kept for logging and diagnostics)."""

    event_type: str
    data: Mapping[str, Any] = field(default_factory=dict)
