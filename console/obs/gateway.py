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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psygnal import SignalInstance

from console.models.channels import TRACKS_PER_OUTPUT
from console.models.errors import InvalidValue
from console.models.obs_state import ConnectionState
from console.obs.connection import Lane, ObsConnection
from console.obs.errors import ObsBadAnswer, ObsRequestFailed
from console.obs.events import MalformedEvent, audio_tracks

# obs-websocket's "resource not found" (no such scene, input or scene item).
RESOURCE_NOT_FOUND = 600
# obs-websocket's refusals about audio inputs: a name that is a scene, not an input; an
# input that has no audio (a colour or text source)
NOT_AN_INPUT = 602
NOT_AUDIO = 604
NAME_TAKEN = 601  # a scene or an input already has that name (they share one namespace)


@dataclass(frozen=True)
class InputInfo:
    name: str
    kind: str  # OBS's input kind, versioned ("ffmpeg_source", "color_source_v3")


def _scene_item_id(answer: dict[str, Any], request_type: str) -> int:
    item_id = answer.get("sceneItemId")
    if isinstance(item_id, bool) or not isinstance(item_id, int):
        raise ObsBadAnswer(request_type, "no sceneItemId")
    return item_id
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

    # -- audio inputs (interpretation channels) ---------------------------------------------
    # A request about an input OBS lacks is refused with code 600 (RESOURCE_NOT_FOUND), about
    # an input without audio with 604 (NOT_AUDIO), about a scene's name with 602.

    async def inputs(self) -> tuple[InputInfo, ...]:
        """Every input OBS has, with its kind (audio or not), in OBS's order."""
        answer = await self._request("GetInputList")
        entries = answer.get("inputs")
        if not isinstance(entries, list):
            raise ObsBadAnswer("GetInputList", "no list of inputs")
        return tuple(InputInfo(str(entry.get("inputName")), str(entry.get("inputKind")))
                     for entry in entries
                     if isinstance(entry, dict) and isinstance(entry.get("inputName"), str))

    async def has_input(self, input_name: str) -> bool:
        return any(found.name == input_name for found in await self.inputs())

    async def input_muted(self, input_name: str) -> bool:
        answer = await self._request("GetInputMute", {"inputName": input_name})
        muted = answer.get("inputMuted")
        if not isinstance(muted, bool):
            raise ObsBadAnswer("GetInputMute", "inputMuted is not true or false")
        return muted

    async def set_input_mute(self, input_name: str, muted: bool) -> None:
        """Mute or unmute (a booth's cough button); OBS confirms with ``InputMuteChanged``."""
        await self._request("SetInputMute", {"inputName": input_name, "inputMuted": muted})

    async def input_audio_tracks(self, input_name: str) -> frozenset[int]:
        """The output audio tracks (1 to 6) the input goes to."""
        answer = await self._request("GetInputAudioTracks", {"inputName": input_name})
        try:
            return audio_tracks(answer, "inputAudioTracks")
        except MalformedEvent as error:
            raise ObsBadAnswer("GetInputAudioTracks", str(error)) from None

    async def set_input_audio_tracks(self, input_name: str, tracks: Iterable[int]) -> None:
        """Send the input to exactly ``tracks`` (1 to 6), and to no other track."""
        wanted = frozenset(tracks)
        outside = sorted(track for track in wanted if not 1 <= track <= TRACKS_PER_OUTPUT)
        if outside:
            raise InvalidValue("tracks", f"track {outside[0]} does not exist: an OBS output "
                                         f"has tracks 1 to {TRACKS_PER_OUTPUT}")
        await self._request("SetInputAudioTracks", {"inputName": input_name, "inputAudioTracks": {
            str(track): track in wanted for track in range(1, TRACKS_PER_OUTPUT + 1)}})

    async def create_input(self, scene: str, input_name: str, kind: str,
                           settings: Mapping[str, Any]) -> int:
        """Create an input in ``scene``; its scene item's id. Refused with 601 when a
        scene or input already has the name (they share one namespace), 605 for a kind
        this OBS does not know."""
        answer = await self._request("CreateInput", {
            "sceneName": scene, "inputName": input_name, "inputKind": kind,
            "inputSettings": dict(settings)})
        return _scene_item_id(answer, "CreateInput")

    async def create_scene(self, name: str) -> None:
        """A new, empty scene (for the audio inputs); refused with 601 when the name is taken."""
        await self._request("CreateScene", {"sceneName": name})

    async def add_scene_item(self, scene: str, source: str) -> int:
        """Show an existing source (an input, or a scene nested in ``scene``); its item's id."""
        answer = await self._request("CreateSceneItem", {"sceneName": scene, "sourceName": source})
        return _scene_item_id(answer, "CreateSceneItem")

    async def set_video_settings(self, width: int, height: int, fps: int) -> None:
        """The canvas and output size and the frame rate (an OBS that only carries audio
        needs little picture; refused while an output is active)."""
        await self._request("SetVideoSettings", {
            "baseWidth": width, "baseHeight": height, "outputWidth": width,
            "outputHeight": height, "fpsNumerator": fps, "fpsDenominator": 1})

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

    # -- health: raw answers, read field by field in console/obs/stream_health.py ----------

    async def stats(self) -> dict[str, Any]:
        """``GetStats``: CPU, memory, disk space, frame rate, render and encoder frames."""
        return await self._request("GetStats")

    async def stream_status(self) -> dict[str, Any]:
        """``GetStreamStatus``: active, reconnecting, timecode, congestion, bytes, frames."""
        return await self._request("GetStreamStatus")

    async def record_status(self) -> dict[str, Any]:
        """``GetRecordStatus``: active, paused, timecode, bytes."""
        return await self._request("GetRecordStatus")

    async def video_settings(self) -> dict[str, Any]:
        """``GetVideoSettings``: canvas and output sizes, the frame rate as a fraction."""
        return await self._request("GetVideoSettings")

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

