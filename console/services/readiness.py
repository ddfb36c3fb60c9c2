"""Is the next segment ready to take? A checklist asked of OBS before the Take."""

from __future__ import annotations

from dataclasses import dataclass

from console.models.preflight import LOWER_THIRD_IMAGE, LOWER_THIRD_TEXT
from console.models.show import Segment
from console.obs.connection import ObsConnection
from console.obs.errors import ObsError, ObsRequestFailed


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str = ""


async def check_segment(connection: ObsConnection, segment: Segment) -> list[Check]:
    """The readiness checklist of ``segment`` against the connected OBS."""
    if not segment.scene:
        return [Check("No OBS scene: the take only starts the timer", True)]
    try:
        items = await connection.request("GetSceneItemList", {"sceneName": segment.scene})
    except ObsRequestFailed:
        return [Check(f"Scene '{segment.scene}' exists in OBS", False, "missing: provision it")]
    except ObsError as error:
        return [Check("OBS answers", False, str(error))]
    scene_items = items.get("sceneItems", [])
    names = {str(item.get("sourceName")) for item in scene_items}
    disabled = [str(item.get("sourceName")) for item in scene_items
                if not item.get("sceneItemEnabled", True)
                and item.get("sourceName") not in (LOWER_THIRD_TEXT, LOWER_THIRD_IMAGE)]
    checks = [
        Check(f"Scene '{segment.scene}' exists in OBS", True),
        Check("Scene sources are on", not disabled,
              f"hidden: {', '.join(disabled)}" if disabled else ""),
    ]
    if segment.speakers:
        missing = [name for name in (LOWER_THIRD_TEXT, LOWER_THIRD_IMAGE) if name not in names]
        checks.append(Check("Lower third prepared", not missing,
                            f"missing: {', '.join(missing)}" if missing else ""))
    return checks
