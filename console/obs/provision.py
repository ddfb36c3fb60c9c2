"""Create in OBS the scenes a show needs and that are missing.

Idempotent, and never deletes or renames anything: a scene that exists is left
exactly as the user made it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from console.obs.connection import ObsConnection

log = logging.getLogger(__name__)

# Distinct, dark backgrounds so each demo scene is recognisable in OBS's preview.
_BACKGROUNDS = (0xFF402010, 0xFF103040, 0xFF204010, 0xFF301040, 0xFF404010, 0xFF104030)
_CANVAS = (1920, 1080)


@dataclass
class ProvisionReport:
    created: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)


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


async def _decorate(connection: ObsConnection, scene: str, index: int) -> None:
    width, height = _CANVAS
    await connection.request("CreateInput", {
        "sceneName": scene,
        "inputName": f"{scene} background",
        "inputKind": "color_source_v3",
        "inputSettings": {"color": _BACKGROUNDS[index % len(_BACKGROUNDS)],
                          "width": width, "height": height},
    })
    await connection.request("CreateInput", {
        "sceneName": scene,
        "inputName": f"{scene} label",
        "inputKind": "text_ft2_source_v2",
        "inputSettings": {"text": scene, "font": {"face": "Sans", "size": 96}},
    })
