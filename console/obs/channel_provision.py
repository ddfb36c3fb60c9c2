"""Give the interpretation channels of a plan their OBS inputs and their audio tracks.

For each channel of one OBS: an input of the channel's name that exists is
assigned to the plan's tracks, and nothing else about it changes (its kind, its
settings, its scenes are the operator's: a booth's input is their sound card). An
input that is missing is created only when the caller asks for placeholders (the
demo does); otherwise it is reported. Nothing is ever deleted or renamed.

A plan with problems (``console.models.channels.plan_problems``, such as seven
mixes on one OBS) is reported and not provisioned at all: fitting it in some other
way (dropping a language, sharing a track) would put the wrong audio on air.

Placeholders are created in one scene, :data:`AUDIO_SCENE`, and that scene is
added (visible: it draws nothing) to every scene of the show that lacks it,
because OBS meters and mixes only the inputs of the scene on program.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from console.models.channels import MAIN_OBS, ChannelConfig, ChannelPlan, plan_problems
from console.models.preflight import ObsInventory
from console.obs.connection import ObsConnection
from console.obs.errors import ObsRequestFailed
from console.obs.gateway import (
    NAME_TAKEN,
    NOT_AN_INPUT,
    NOT_AUDIO,
    RESOURCE_NOT_FOUND,
    ObsGateway,
)
from console.obs.preflight import read_live_inventory
from console.obs.provision import ChannelOutcome, ChannelStatus, ProvisionReport, SceneSource

log = logging.getLogger(__name__)

AUDIO_SCENE = "Interpretation audio"


@dataclass(frozen=True)
class InputSpec:
    """An OBS input to create: its kind and settings."""

    kind: str
    settings: Mapping[str, Any] = field(default_factory=dict)


# What to create for a channel whose input OBS lacks.
Placeholders = Callable[[ChannelConfig], InputSpec]


def silent_placeholder(_channel: ChannelConfig) -> InputSpec:
    """A media source with no file: it has a mute and audio tracks and carries nothing,
    until the operator replaces it with the booth's sound under the same name."""
    return InputSpec("ffmpeg_source", {})


async def provision_channels(
    connection: ObsConnection,
    plan: ChannelPlan,
    floor_language: str,
    *,
    obs_name: str = MAIN_OBS,
    placeholders: Placeholders | None = None,
    show_scenes: Iterable[str] = (),
    report: ProvisionReport | None = None,
) -> ProvisionReport:
    """Provision the channels of ``plan`` that ``obs_name`` carries on the OBS behind
    ``connection``; add what happened to ``report`` (a new one by default).

    ``placeholders`` makes the input of a channel that OBS lacks (None: report it
    missing). ``show_scenes`` are the scenes that get :data:`AUDIO_SCENE` once it holds
    a channel input. An empty plan (no interpretation) has nothing to do. Idempotent.
    """
    report = report if report is not None else ProvisionReport()
    if not plan.channels:  # a show without interpretation
        return report
    problems = plan_problems(plan, floor_language)
    if problems:
        report.plan_problems.extend(problems)
        return report
    channels = [channel for channel in plan.channels if channel.obs == obs_name]
    if not channels:
        return report
    builder = _ChannelBuilder(ObsGateway(connection), await read_live_inventory(connection),
                              report, placeholders)
    for channel in channels:
        report.channels.append(await builder.channel(channel))
    await builder.add_audio_scene_to(show_scenes, {channel.input for channel in channels})
    return report


class _ChannelBuilder:
    def __init__(self, gateway: ObsGateway, inventory: ObsInventory, report: ProvisionReport,
                 placeholders: Placeholders | None) -> None:
        self.gateway = gateway
        self.scenes = {name: set(items) for name, items in inventory.scenes.items()}
        self.inputs = set(inventory.inputs)
        self.report = report
        self.placeholders = placeholders

    async def channel(self, channel: ChannelConfig) -> ChannelOutcome:
        if channel.input in self.scenes:
            return _outcome(channel, ChannelStatus.NOT_AUDIO,
                            "a scene has that name, and a scene cannot carry a channel")
        if channel.input in self.inputs:
            return await self.assign_tracks(channel)
        if self.placeholders is None:
            return _outcome(channel, ChannelStatus.MISSING,
                            "OBS has no input of that name: add the booth's sound under it")
        return await self.create(channel, self.placeholders(channel))

    async def assign_tracks(self, channel: ChannelConfig) -> ChannelOutcome:
        try:
            tracks = await self.gateway.input_audio_tracks(channel.input)
        except ObsRequestFailed as error:
            if error.code in (NOT_AUDIO, NOT_AN_INPUT):
                return _outcome(channel, ChannelStatus.NOT_AUDIO,
                                "that input has no audio, so it cannot carry a channel")
            if error.code == RESOURCE_NOT_FOUND:  # removed since we looked
                return _outcome(channel, ChannelStatus.MISSING, "the input was just removed")
            raise
        if tracks == frozenset(channel.tracks):
            return _outcome(channel, ChannelStatus.READY)
        await self.gateway.set_input_audio_tracks(channel.input, channel.tracks)
        log.info("channel input assigned to its tracks",
                 extra={"input": channel.input, "tracks": list(channel.tracks)})
        return _outcome(channel, ChannelStatus.TRACKS_SET)

    async def create(self, channel: ChannelConfig, spec: InputSpec) -> ChannelOutcome:
        if not await self.audio_scene():
            return _outcome(channel, ChannelStatus.MISSING,
                            f"no placeholder: an input is named '{AUDIO_SCENE}'")
        try:
            await self.gateway.create_input(AUDIO_SCENE, channel.input, spec.kind, spec.settings)
        except ObsRequestFailed as error:
            if error.code != NAME_TAKEN:
                raise
            self.inputs.add(channel.input)  # someone made it since we looked: use theirs
            return await self.assign_tracks(channel)
        self.inputs.add(channel.input)
        self.scenes[AUDIO_SCENE].add(channel.input)
        self.report.created_inputs.append(SceneSource(AUDIO_SCENE, channel.input, visible=True))
        log.info("created channel placeholder", extra={"input": channel.input,
                                                       "kind": spec.kind})
        await self.gateway.set_input_audio_tracks(channel.input, channel.tracks)
        return _outcome(channel, ChannelStatus.CREATED)

    async def audio_scene(self) -> bool:
        """Whether :data:`AUDIO_SCENE` is there (created now if need be)."""
        if AUDIO_SCENE in self.scenes:
            return True
        if AUDIO_SCENE in self.inputs:
            self.report.skipped.append(f"scene '{AUDIO_SCENE}': an input already has that name")
            return False
        await self.gateway.create_scene(AUDIO_SCENE)
        self.scenes[AUDIO_SCENE] = set()
        self.report.created.append(AUDIO_SCENE)
        return True

    async def add_audio_scene_to(self, show_scenes: Iterable[str], inputs: set[str]) -> None:
        """Make the audio scene's inputs active whichever show scene is on program."""
        if not self.scenes.get(AUDIO_SCENE, set()) & inputs:
            return
        for scene in dict.fromkeys(show_scenes):
            items = self.scenes.get(scene)
            if items is None or scene == AUDIO_SCENE or AUDIO_SCENE in items:
                continue
            await self.gateway.add_scene_item(scene, AUDIO_SCENE)
            items.add(AUDIO_SCENE)
            self.report.added_items.append(SceneSource(scene, AUDIO_SCENE, visible=True))


def _outcome(channel: ChannelConfig, status: ChannelStatus, why: str = "") -> ChannelOutcome:
    return ChannelOutcome(channel.language, channel.input, channel.tracks, status,
                          channel.obs, why)
