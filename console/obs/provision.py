"""Create in OBS the scenes (and lower-third sources) a show needs and that are missing.

Idempotent, and never deletes or renames anything: a scene that exists is left
exactly as the user made it, except that the lower-third sources the console
needs are added to a speaker scene that lacks them (on top, hidden). The audio
channels are provisioned by ``console.obs.channel_provision`` into the same
:class:`ProvisionReport`.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from psygnal import Signal

from console.models.channels import MAIN_OBS, PlanProblem
from console.models.obs_events import ObsEvent, ResourcesChanged, SceneListChanged, SceneRenamed
from console.models.obs_state import ConnectionState
from console.models.preflight import (
    LOWER_THIRD_SOURCES,
    LOWER_THIRD_TEXT_KIND,
    MissingItem,
    ObsInventory,
    preflight,
    scene_needs,
)
from console.models.show import Show
from console.obs.connection import ObsConnection
from console.obs.errors import ObsRequestFailed
from console.obs.preflight import read_live_inventory

log = logging.getLogger(__name__)

# Distinct, dark backgrounds so each demo scene is recognisable in OBS's preview.
_BACKGROUNDS = (0xFF402010, 0xFF103040, 0xFF204010, 0xFF301040, 0xFF404010, 0xFF104030)
_CANVAS = (1920, 1080)


# obs-websocket's status when a name is taken (scenes and inputs share one namespace).
_RESOURCE_ALREADY_EXISTS = 601


@dataclass(frozen=True)
class SceneSource:
    scene: str
    source: str
    visible: bool = False  # lower thirds are added hidden; the audio scene is not

    def to_json(self) -> dict[str, str]:
        return {"scene": self.scene, "name": self.source}


class ChannelStatus(enum.StrEnum):
    """What provisioning did with one audio channel's input."""

    CREATED = "created"  # OBS lacked it: a placeholder was created, on the plan's tracks
    TRACKS_SET = "tracks set"  # it exists (kind and settings kept): now on the plan's tracks
    READY = "ready"  # it exists, on the plan's tracks already
    MISSING = "missing"  # OBS lacks it and no placeholder was asked for (or could be made)
    NOT_AUDIO = "not audio"  # the name is a scene's, or an input's that has no audio

    @property
    def ready(self) -> bool:
        return self in (ChannelStatus.CREATED, ChannelStatus.TRACKS_SET, ChannelStatus.READY)


@dataclass(frozen=True)
class ChannelOutcome:
    language: str
    input: str
    tracks: tuple[int, ...]
    status: ChannelStatus
    obs: str = MAIN_OBS
    why: str = ""  # for a channel that is not ready: what is in the way

    def to_json(self) -> dict[str, Any]:
        return {"language": self.language, "obs": self.obs, "input": self.input,
                "tracks": list(self.tracks), "status": self.status.value}

    def describe(self) -> str:
        tracks = ", ".join(str(track) for track in self.tracks)
        where = f"channel {self.language}: input '{self.input}'"
        match self.status:
            case ChannelStatus.CREATED:
                return f"{where} created as a placeholder, on track {tracks}"
            case ChannelStatus.TRACKS_SET:
                return f"{where} now goes to track {tracks}"
            case ChannelStatus.READY:
                return f"{where} goes to track {tracks}"
        return f"{where}: {self.why}"


@dataclass
class ProvisionReport:
    created: list[str] = field(default_factory=list)  # scenes created
    already_there: list[str] = field(default_factory=list)  # scenes that existed
    # inputs created (each in the scene it was created in)
    created_inputs: list[SceneSource] = field(default_factory=list)
    # inputs (or the audio scene) that existed elsewhere, added to a scene with CreateSceneItem
    added_items: list[SceneSource] = field(default_factory=list)
    # what could not be made without touching the user's things (a name taken, ...)
    skipped: list[str] = field(default_factory=list)
    # the audio channels of this OBS, in the plan's order
    channels: list[ChannelOutcome] = field(default_factory=list)
    # what is wrong with the channel plan; while there is anything, no channel is touched
    plan_problems: list[PlanProblem] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.created_inputs or self.added_items) or any(
            c.status in (ChannelStatus.CREATED, ChannelStatus.TRACKS_SET)
            for c in self.channels)

    @property
    def audio_problems(self) -> list[str]:
        """What keeps the audio channels from being ready, in words; empty when they are."""
        return [f"channel plan: {problem}" for problem in self.plan_problems] + \
            [channel.describe() for channel in self.channels if not channel.status.ready]

    def to_json(self) -> dict[str, Any]:
        return {
            "created": {
                "scenes": list(self.created),
                "inputs": [entry.to_json() for entry in self.created_inputs],
                "scene_items": [entry.to_json() for entry in self.added_items],
            },
            "already_there": list(self.already_there),
            "skipped": list(self.skipped),
            "channels": [channel.to_json() for channel in self.channels],
            "plan_problems": [{"field": p.field, "problem": p.problem}
                              for p in self.plan_problems],
        }

    def describe(self) -> list[str]:
        lines = [f"created scene '{name}'" for name in self.created]
        lines += [f"created source '{e.source}' in scene '{e.scene}'"
                  f"{'' if e.visible else ' (hidden)'}" for e in self.created_inputs]
        lines += [f"added source '{e.source}' to scene '{e.scene}'"
                  f"{'' if e.visible else ' (hidden)'}" for e in self.added_items]
        lines += [f"skipped: {why}" for why in self.skipped]
        lines += [channel.describe() for channel in self.channels
                  if channel.status in (ChannelStatus.CREATED, ChannelStatus.TRACKS_SET)]
        problems = self.audio_problems
        if not lines:
            lines = ["nothing to create" if problems else
                     "nothing to create: OBS has everything the show needs"]
        return lines + problems


ProgressCallback = Callable[[int, int, str], None]


async def ensure_scenes(
    connection: ObsConnection,
    names: Iterable[str],
    *,
    decorate: bool = True,
    progress: ProgressCallback | None = None,
) -> ProvisionReport:
    """Create each scene of ``names`` that OBS lacks; with ``decorate``, give a new
    scene a coloured background and its name as a label."""
    wanted = list(dict.fromkeys(names))
    scene_list = await connection.request("GetSceneList")
    existing = {str(scene["sceneName"]) for scene in scene_list.get("scenes", [])}
    report = ProvisionReport()
    for index, name in enumerate(wanted):
        if progress is not None:
            progress(index, len(wanted), name)
        if name in existing:
            report.already_there.append(name)
            continue
        await connection.request("CreateScene", {"sceneName": name})
        if decorate:
            await _decorate(connection, name, index)
        report.created.append(name)
        log.info("created OBS scene", extra={"scene": name})
    if progress is not None:
        progress(len(wanted), len(wanted), "")
    return report


async def _decorate(connection: ObsConnection, scene: str, index: int,
                    inputs: set[str] | None = None) -> None:
    """A colour background and the scene's name as a label; an input of that name that
    exists already is added to the scene rather than created again."""
    builder = _Builder(connection, ObsInventory(inputs=frozenset(inputs or ())))
    await builder.decorate(scene, index)
    if inputs is not None:
        inputs.update(builder.inputs)


# Where the lower thirds sit on a 1920x1080 canvas: the lower left, clear of the edges.
_LOWER_THIRD_POSITION = {"positionX": 96.0, "positionY": 840.0}
_LOWER_THIRD_SETTINGS: dict[str, dict[str, Any]] = {
    LOWER_THIRD_TEXT_KIND: {"text": "", "font": {"face": "Sans", "size": 64},
                            "outline": True},
    "image_source": {"file": ""},
}


async def provision_show(
    connection: ObsConnection,
    show: Show,
    progress: ProgressCallback | None = None,
    *,
    stage: str | None = None,
    decorate: bool = True,
) -> ProvisionReport:
    """Create in OBS what the show (or one ``stage``) needs and OBS lacks: one scene per
    segment scene (a colour background and a label, with ``decorate``), and the
    lower-third sources in every scene used by a segment with speakers, hidden.

    An input that exists already is added to the scene rather than created again.
    Idempotent; never deletes, renames or changes anything that exists. ``progress``
    is called with (steps done, steps in all, what comes next), and (n, n, "") at the end.
    """
    inventory = await read_live_inventory(connection)
    needs = scene_needs(show, stage)
    steps: list[tuple[str, str]] = [(need.scene, "") for need in needs
                                    if not inventory.has_scene(need.scene)]
    steps += [
        (need.scene, name)
        for need in needs if need.needs_lower_third
        for name, _kind in LOWER_THIRD_SOURCES
        if not inventory.scene_has(need.scene, name)
    ]
    builder = _Builder(connection, inventory)
    builder.report.already_there.extend(n.scene for n in needs if inventory.has_scene(n.scene))
    for index, (scene, source) in enumerate(steps):
        if progress is not None:
            what = f"'{source}' in scene '{scene}'" if source else f"scene '{scene}'"
            progress(index, len(steps), what)
        if not source:
            await builder.scene(scene, decorate)
        elif scene in builder.scenes:  # else the scene could not be made: reported
            await builder.lower_third(scene, source)
    if progress is not None:
        progress(len(steps), len(steps), "")
    return builder.report


class _Builder:
    """Creates things in one OBS, keeping track of the names taken as it goes
    (scenes and inputs share one namespace in OBS)."""

    def __init__(self, connection: ObsConnection, inventory: ObsInventory) -> None:
        self.connection = connection
        self.scenes = set(inventory.scenes)
        self.inputs = set(inventory.inputs)
        self.report = ProvisionReport()

    def taken(self, name: str) -> bool:
        return name in self.scenes or name in self.inputs

    async def scene(self, scene: str, decorate: bool) -> None:
        if self.taken(scene):
            self.report.skipped.append(f"scene '{scene}': an input already has that name")
            return
        await self.connection.request("CreateScene", {"sceneName": scene})
        self.scenes.add(scene)
        self.report.created.append(scene)
        log.info("created OBS scene", extra={"scene": scene})
        if decorate:
            await self.decorate(scene, len(self.report.created) - 1)

    async def decorate(self, scene: str, index: int) -> None:
        width, height = _CANVAS
        await self.decoration(scene, f"{scene} background", "color_source_v3", {
            "color": _BACKGROUNDS[index % len(_BACKGROUNDS)], "width": width, "height": height,
        })
        await self.decoration(scene, f"{scene} label", "text_ft2_source_v2",
                              {"text": scene, "font": {"face": "Sans", "size": 96}})

    async def decoration(self, scene: str, name: str, kind: str,
                         settings: dict[str, Any]) -> None:
        if name in self.inputs:
            await self.connection.request("CreateSceneItem",
                                          {"sceneName": scene, "sourceName": name})
            return
        try:
            await self.connection.request("CreateInput", {
                "sceneName": scene, "inputName": name, "inputKind": kind,
                "inputSettings": settings,
            })
        except ObsRequestFailed as error:
            if error.code != _RESOURCE_ALREADY_EXISTS:
                raise
            log.info("scene left undecorated: name taken", extra={"scene": scene, "input": name})
            return
        self.inputs.add(name)

    async def lower_third(self, scene: str, source: str) -> None:
        if source in self.inputs:
            answer = await self.connection.request(
                "CreateSceneItem", {"sceneName": scene, "sourceName": source})
            self.report.added_items.append(SceneSource(scene, source))
        elif self.taken(source):
            self.report.skipped.append(
                f"'{source}' in scene '{scene}': a scene already has that name")
            return
        else:
            kind = dict(LOWER_THIRD_SOURCES)[source]
            answer = await self.connection.request("CreateInput", {
                "sceneName": scene, "inputName": source, "inputKind": kind,
                "inputSettings": _LOWER_THIRD_SETTINGS.get(kind, {}),
            })
            self.inputs.add(source)
            self.report.created_inputs.append(SceneSource(scene, source))
            log.info("created OBS input", extra={"scene": scene, "input": source})
        item_id = int(answer["sceneItemId"])
        await self.connection.request("SetSceneItemEnabled", {
            "sceneName": scene, "sceneItemId": item_id, "sceneItemEnabled": False,
        })
        await self.connection.request("SetSceneItemTransform", {
            "sceneName": scene, "sceneItemId": item_id,
            "sceneItemTransform": _LOWER_THIRD_POSITION,
        })


class ObsPreflightService:
    """The preflight panel's service for one live OBS: check and provision the show
    that ``show()`` returns now (it may change between calls).

    Signals (psygnal, on the event loop's thread):
        stale(): what OBS has may have changed (scenes, inputs, collection, a
            reconnection): check again.
    """

    stale = Signal()

    def __init__(self, connection: ObsConnection, show: Callable[[], Show | None],
                 stage: str | None = None) -> None:
        self.connection = connection
        self._show = show
        self.stage = stage
        connection.event.connect(self._on_event)
        connection.state_changed.connect(self._on_state)

    def close(self) -> None:
        self.connection.event.disconnect(self._on_event)
        self.connection.state_changed.disconnect(self._on_state)

    def _on_event(self, event: ObsEvent) -> None:
        if isinstance(event, ResourcesChanged | SceneListChanged | SceneRenamed):
            self.stale.emit()

    def _on_state(self, _state: ConnectionState) -> None:
        self.stale.emit()

    async def check(self) -> list[MissingItem]:
        show = self._show()
        if show is None:
            return []
        inventory: ObsInventory = await read_live_inventory(self.connection)
        return list(preflight(show, inventory, self.stage).missing)

    async def provision(self, progress: ProgressCallback | None = None) -> ProvisionReport:
        show = self._show()
        if show is None:
            return ProvisionReport()
        return await provision_show(self.connection, show, progress, stage=self.stage)
