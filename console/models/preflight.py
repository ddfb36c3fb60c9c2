"""Preflight: what the rundown needs from OBS that OBS does not have.

Pure: it compares a :class:`~console.models.show.Show` with an
:class:`ObsInventory` (what one OBS, live or a scene collection file, holds) and
lists what is missing. Reading OBS lives in ``console/obs/preflight.py``.

Rules:

- every segment's ``scene`` must exist as an OBS scene; a missing one is
  *blocking* (taking that segment would fail on air);
- every segment scene used by a segment with speakers must hold the two
  lower-third sources, :data:`LOWER_THIRD_TEXT` and :data:`LOWER_THIRD_IMAGE`,
  as items of that scene itself or of a group in it (not of a nested scene: the
  console shows and hides the lower third by its item in the segment's scene).
  A missing one is a *warning*: the segment can go on air without a name caption.
  When the scene itself is missing, its lower-third sources are listed too, so
  the report says everything provisioning will create.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from console.models.show import Segment, Show, Stage

# The console's own sources: it writes the speaker's name into the text source
# and shows the image for names the text source cannot shape (right-to-left).
LOWER_THIRD_TEXT = "Lower third text"
LOWER_THIRD_IMAGE = "Lower third image"
LOWER_THIRD_TEXT_KIND = "text_ft2_source_v2"
LOWER_THIRD_IMAGE_KIND = "image_source"
# (name, OBS input kind), in the order they are checked and created.
LOWER_THIRD_SOURCES: tuple[tuple[str, str], ...] = (
    (LOWER_THIRD_TEXT, LOWER_THIRD_TEXT_KIND),
    (LOWER_THIRD_IMAGE, LOWER_THIRD_IMAGE_KIND),
)


class MissingKind(enum.StrEnum):
    SCENE = "scene"
    SOURCE = "source"


@dataclass(frozen=True)
class MissingItem:
    """One thing the rundown refers to that OBS lacks.

    ``scene`` is the scene concerned: the scene a source is missing from, or, for
    a missing scene, that scene's own name. ``segments`` are the ids of the
    segments that need it, in running order.
    """

    kind: MissingKind
    name: str
    scene: str
    segments: tuple[str, ...]
    blocking: bool

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "name": self.name, "scene": self.scene,
                "segments": list(self.segments), "blocking": self.blocking}

    def describe(self) -> str:
        count = len(self.segments)
        needed = f"needed by {count} segment{'s' if count != 1 else ''}"
        if self.kind is MissingKind.SCENE:
            return f"scene '{self.name}' is missing ({needed})"
        return f"source '{self.name}' is missing from scene '{self.scene}' ({needed})"


@dataclass(frozen=True)
class ObsInventory:
    """What one OBS holds: its scenes (each with the names of the sources in it,
    group members included) in OBS's order, and the names of its inputs."""

    scenes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    inputs: frozenset[str] = frozenset()

    def has_scene(self, name: str) -> bool:
        return name in self.scenes

    def scene_has(self, scene: str, source: str) -> bool:
        return source in self.scenes.get(scene, frozenset())


@dataclass(frozen=True)
class PreflightReport:
    missing: tuple[MissingItem, ...]
    checked_scenes: int  # distinct segment scenes checked
    checked_sources: int  # (scene, lower-third source) pairs checked

    @property
    def ok(self) -> bool:
        """Nothing blocking is missing (warnings may remain)."""
        return not any(item.blocking for item in self.missing)

    @property
    def blocking(self) -> tuple[MissingItem, ...]:
        return tuple(item for item in self.missing if item.blocking)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "missing": [item.to_json() for item in self.missing],
            "checked": {"scenes": self.checked_scenes, "sources": self.checked_sources},
        }


@dataclass(frozen=True)
class SceneNeeds:
    """What the rundown needs of one OBS scene."""

    scene: str
    segments: tuple[str, ...]  # every segment taking this scene
    speaker_segments: tuple[str, ...]  # those of them with speakers

    @property
    def needs_lower_third(self) -> bool:
        return bool(self.speaker_segments)


def _stage_segments(show: Show, stage: str | None) -> Iterable[Segment]:
    stages: Iterable[Stage] = show.stages
    if stage is not None:
        stages = [s for s in show.stages if s.name == stage]
        if not stages:
            known = ", ".join(repr(s.name) for s in show.stages) or "none"
            raise ValueError(f"the show has no stage {stage!r} (stages: {known})")
    for one in stages:
        for day in one.days:
            for session in day.sessions:
                yield from session.segments


def scene_needs(show: Show, stage: str | None = None) -> tuple[SceneNeeds, ...]:
    """The scenes the rundown (of one ``stage``, or all) uses, in order of first use."""
    segments: dict[str, list[str]] = {}
    with_speakers: dict[str, list[str]] = {}
    for segment in _stage_segments(show, stage):
        if not segment.scene:
            continue
        segments.setdefault(segment.scene, []).append(segment.id)
        if segment.speakers:
            with_speakers.setdefault(segment.scene, []).append(segment.id)
    return tuple(
        SceneNeeds(scene, tuple(ids), tuple(with_speakers.get(scene, ())))
        for scene, ids in segments.items()
    )


def preflight(show: Show, inventory: ObsInventory, stage: str | None = None) -> PreflightReport:
    """Everything the rundown refers to that ``inventory`` lacks: scenes first (blocking),
    each followed by the lower-third sources missing from it (warnings)."""
    missing: list[MissingItem] = []
    needs = scene_needs(show, stage)
    checked_sources = 0
    for need in needs:
        if not inventory.has_scene(need.scene):
            missing.append(MissingItem(MissingKind.SCENE, need.scene, need.scene,
                                       need.segments, blocking=True))
        if not need.needs_lower_third:
            continue
        for name, _kind in LOWER_THIRD_SOURCES:
            checked_sources += 1
            if not inventory.scene_has(need.scene, name):
                missing.append(MissingItem(MissingKind.SOURCE, name, need.scene,
                                           need.speaker_segments, blocking=False))
    return PreflightReport(tuple(missing), checked_scenes=len(needs),
                           checked_sources=checked_sources)
