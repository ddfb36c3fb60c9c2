"""The typed gateway to one OBS: every request the services make, by what it does.

Services and the window never name an obs-websocket request or build its
payload: they call these methods, and read typed events from :attr:`events`.
A gateway sends in one lane of the connection (:meth:`ObsGateway.background` for
work that must never hold up a take); OBS sees one request at a time from us
either way.
A request OBS refuses raises :class:`~console.obs.errors.ObsRequestFailed`; a
lost or missing connection raises another :class:`~console.obs.errors.ObsError`
(all are operator errors, told in plain words).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psygnal import SignalInstance

from console.models.obs_state import ConnectionState
from console.obs.connection import Lane, ObsConnection
from console.obs.errors import ObsRequestFailed

# obs-websocket's "resource not found" (no such scene, input or scene item).
RESOURCE_NOT_FOUND = 600
# Persistent data kept by OBS for every client, whatever its profile or scene collection.
GLOBAL_REALM = "OBS_WEBSOCKET_DATA_REALM_GLOBAL"


@dataclass(frozen=True)
class SceneItem:
    source: str
    enabled: bool


class ObsGateway:
    """What the console asks of one OBS, named by what it does."""

    def __init__(self, connection: ObsConnection, lane: Lane = Lane.FOREGROUND) -> None:
        self._connection = connection
        self._lane = lane

    async def _request(self, request_type: str,
                       data: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self._connection.request(request_type, data, lane=self._lane)

    def background(self) -> ObsGateway:
        """The same OBS, for work that must never hold up a take (countdown text,
        readiness checks): its requests wait until no take or other foreground request
        is queued (``Lane.BACKGROUND``)."""
        return ObsGateway(self._connection, Lane.BACKGROUND)

    @property
    def name(self) -> str:
        return self._connection.name

    @property
    def state(self) -> ConnectionState:
        return self._connection.state

    @property
    def events(self) -> SignalInstance:
        """``event(ObsEvent)``: every OBS event, typed."""
        return self._connection.event

    @property
    def state_changed(self) -> SignalInstance:
        """``state_changed(ConnectionState)``."""
        return self._connection.state_changed

    @property
    def can_set_input_settings(self) -> bool:
        return self._connection.supports("SetInputSettings")

    # -- scenes and transitions -------------------------------------------------------

    async def set_program_scene(self, scene: str) -> None:
        await self._request("SetCurrentProgramScene", {"sceneName": scene})

    async def set_preview_scene(self, scene: str) -> None:
        """Studio mode only; OBS refuses it otherwise (code 506)."""
        await self._request("SetCurrentPreviewScene", {"sceneName": scene})

    async def trigger_studio_transition(self) -> None:
        await self._request("TriggerStudioModeTransition")

    async def set_studio_mode(self, enabled: bool) -> None:
        await self._request("SetStudioModeEnabled", {"studioModeEnabled": enabled})

    async def set_transition(self, name: str) -> None:
        await self._request("SetCurrentSceneTransition", {"transitionName": name})

    async def set_transition_duration(self, milliseconds: int) -> None:
        await self._request(
            "SetCurrentSceneTransitionDuration", {"transitionDuration": milliseconds})

    # -- inputs and scene items -------------------------------------------------------

    async def set_text(self, input_name: str, text: str) -> None:
        """The text of a text source."""
        await self._request(
            "SetInputSettings", {"inputName": input_name, "inputSettings": {"text": text}})

    async def set_image_file(self, input_name: str, path: Path) -> None:
        """The file an image source shows."""
        await self._request(
            "SetInputSettings", {"inputName": input_name, "inputSettings": {"file": str(path)}})

    async def scene_item_id(self, scene: str, source: str) -> int | None:
        """The id of ``source`` in ``scene``; None when the scene has no such source."""
        try:
            found = await self._request(
                "GetSceneItemId", {"sceneName": scene, "sourceName": source})
        except ObsRequestFailed as error:
            if error.code == RESOURCE_NOT_FOUND:
                return None
            raise
        item_id = found.get("sceneItemId")
        return item_id if isinstance(item_id, int) else None

    async def set_scene_item_enabled(self, scene: str, item_id: int, enabled: bool) -> None:
        await self._request("SetSceneItemEnabled", {
            "sceneName": scene, "sceneItemId": item_id, "sceneItemEnabled": enabled})

    async def scene_items(self, scene: str) -> tuple[SceneItem, ...] | None:
        """The sources in ``scene``, top to bottom; None when OBS has no such scene."""
        try:
            answer = await self._request("GetSceneItemList", {"sceneName": scene})
        except ObsRequestFailed as error:
            if error.code == RESOURCE_NOT_FOUND:
                return None
            raise
        items = answer.get("sceneItems", [])
        return tuple(
            SceneItem(str(item.get("sourceName")), bool(item.get("sceneItemEnabled", True)))
            for item in (items if isinstance(items, list) else []) if isinstance(item, dict))

    # -- consoles talking to each other through OBS (booth sync) ------------------------

    async def broadcast(self, data: Mapping[str, Any]) -> None:
        """Send ``data`` (a non-empty JSON object) to every client of this OBS that listens
        to general events, as a ``CustomEvent``; our own event socket hears it too."""
        await self._request("BroadcastCustomEvent", {"eventData": dict(data)})

    async def persistent_data(self, slot: str) -> Any:
        """The JSON value OBS keeps in ``slot`` (global realm); None when never written."""
        answer = await self._request(
            "GetPersistentData", {"realm": GLOBAL_REALM, "slotName": slot})
        return answer.get("slotValue")

    async def set_persistent_data(self, slot: str, value: Any) -> None:
        """Keep ``value`` (JSON) in ``slot`` (global realm), for every client, until replaced."""
        await self._request(
            "SetPersistentData", {"realm": GLOBAL_REALM, "slotName": slot, "slotValue": value})

    async def set_input_mute(self, input_name: str, muted: bool) -> None:
        """Mute or unmute an input (a booth's microphone while its interpreter coughs)."""
        await self._request("SetInputMute", {"inputName": input_name, "inputMuted": muted})
