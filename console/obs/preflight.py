"""Reading what an OBS holds, for the preflight check: live, or from a scene collection file.

Live: ``GetSceneList``, ``GetSceneItemList`` per scene (and ``GetGroupSceneItemList``
per group in it), ``GetInputList``. All by name, so obs-websocket 5.1 is enough.

Offline: an OBS scene collection (``basic/scenes/NAME.json``). Scenes are the
``sources[]`` entries with ``id`` ``"scene"``; their items are in
``settings.items[]`` and name their source by ``name`` (OBS 26-29), or by
``source_uuid`` (and usually ``name``) from OBS 30 on. Groups live in ``groups[]``
with their own ``settings.items[]``; a group's members count as the scene's
sources, as they do live. Every other ``sources[]`` entry is an input, whatever
its ``id``/``versioned_id`` (``text_gdiplus``/``text_gdiplus_v2``, ...).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from console.models.preflight import ObsInventory
from console.obs.connection import ObsConnection
from console.obs.errors import ObsRequestFailed

# obs-websocket's status for "no such scene/source": someone removed it while we read.
_RESOURCE_NOT_FOUND = 600


class CollectionError(ValueError):
    """A scene collection file that cannot be read; the message names the file and the
    JSON path of the problem."""


async def read_live_inventory(connection: ObsConnection) -> ObsInventory:
    """What the connected OBS holds right now."""
    scene_list = await connection.request("GetSceneList")
    # GetSceneList lists the scenes bottom-up (the reverse of OBS's scene dock).
    names = [str(scene["sceneName"]) for scene in reversed(scene_list.get("scenes", []))]
    scenes: dict[str, frozenset[str]] = {}
    for name in names:
        try:
            items = await _scene_items(connection, "GetSceneItemList", name)
        except ObsRequestFailed as error:
            if error.code == _RESOURCE_NOT_FOUND:
                continue  # removed while we were reading: it is missing now
            raise
        sources = {str(item["sourceName"]) for item in items}
        for item in items:
            if item.get("isGroup"):
                group = str(item["sourceName"])
                try:
                    members = await _scene_items(connection, "GetGroupSceneItemList", group)
                except ObsRequestFailed as error:
                    if error.code != _RESOURCE_NOT_FOUND:
                        raise
                    members = []
                sources.update(str(member["sourceName"]) for member in members)
        scenes[name] = frozenset(sources)
    input_list = await connection.request("GetInputList")
    inputs = frozenset(str(entry["inputName"]) for entry in input_list.get("inputs", []))
    return ObsInventory(scenes=scenes, inputs=inputs)


async def _scene_items(connection: ObsConnection, request: str, scene: str) -> \
        list[dict[str, Any]]:
    answer = await connection.request(request, {"sceneName": scene})
    items: list[dict[str, Any]] = answer.get("sceneItems", [])
    return items


def read_collection(path: Path) -> ObsInventory:
    """What the scene collection file at ``path`` holds; :class:`CollectionError` if it
    cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise CollectionError(f"{path}: cannot read the scene collection: "
                              f"{error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise CollectionError(f"{path}: not a scene collection (not UTF-8 text)") from error
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CollectionError(f"{path}: not valid JSON at line {error.lineno}, "
                              f"column {error.colno}: {error.msg}") from error
    return _Collection(path).inventory(document)


class _Collection:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, what: str) -> CollectionError:
        return CollectionError(f"{self.path}: {where}: {what}")

    def object_at(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected an object, found {_json_type(value)}")
        return value

    def list_at(self, parent: dict[str, Any], key: str, where: str) -> list[Any]:
        value = parent.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f"{where}.{key}", f"expected a list, found {_json_type(value)}")
        return value

    def text_at(self, parent: dict[str, Any], key: str, where: str) -> str:
        value = parent.get(key)
        if not isinstance(value, str) or not value:
            found = "nothing" if value is None else _json_type(value)
            raise self.fail(f"{where}.{key}", f"expected a non-empty string, found {found}")
        return value

    def inventory(self, document: Any) -> ObsInventory:
        root = self.object_at(document, "$")
        if "sources" not in root:
            raise self.fail("$.sources", "missing: this is not an OBS scene collection")
        sources = [self.object_at(entry, f"$.sources[{index}]")
                   for index, entry in enumerate(self.list_at(root, "sources", "$"))]
        groups = [self.object_at(entry, f"$.groups[{index}]")
                  for index, entry in enumerate(self.list_at(root, "groups", "$"))]
        # OBS 30+ items may refer by uuid only: map every uuid to its name first.
        names_by_uuid: dict[str, str] = {}
        for prefix, entries in (("$.sources", sources), ("$.groups", groups)):
            for index, entry in enumerate(entries):
                name = self.text_at(entry, "name", f"{prefix}[{index}]")
                uuid = entry.get("uuid")
                if isinstance(uuid, str) and uuid:
                    names_by_uuid[uuid] = name
        group_members = {
            self.text_at(group, "name", f"$.groups[{index}]"):
                self.item_names(group, f"$.groups[{index}]", names_by_uuid)
            for index, group in enumerate(groups)
        }
        scenes: dict[str, frozenset[str]] = {}
        inputs: set[str] = set()
        for index, entry in enumerate(sources):
            where = f"$.sources[{index}]"
            name = self.text_at(entry, "name", where)
            if entry.get("id") != "scene":
                inputs.add(name)
                continue
            items = self.item_names(entry, where, names_by_uuid)
            members = [member for item in items for member in group_members.get(item, ())]
            scenes[name] = frozenset([*items, *members])
        return ObsInventory(scenes=scenes, inputs=frozenset(inputs))

    def item_names(self, owner: dict[str, Any], where: str,
                   names_by_uuid: dict[str, str]) -> list[str]:
        settings = owner.get("settings", {})
        settings = self.object_at(settings, f"{where}.settings")
        names: list[str] = []
        for index, raw in enumerate(self.list_at(settings, "items", f"{where}.settings")):
            item_where = f"{where}.settings.items[{index}]"
            item = self.object_at(raw, item_where)
            name = item.get("name")
            if isinstance(name, str) and name:
                names.append(name)
                continue
            uuid = item.get("source_uuid")
            if isinstance(uuid, str) and uuid in names_by_uuid:
                names.append(names_by_uuid[uuid])
                continue
            if isinstance(uuid, str) and uuid:
                raise self.fail(f"{item_where}.source_uuid",
                                f"{uuid!r} is not the uuid of any source or group")
            raise self.fail(item_where, "a scene item with neither 'name' nor 'source_uuid'")
        return names


def _json_type(value: Any) -> str:
    match value:
        case None:
            return "null"
        case bool():
            return "a boolean"
        case int() | float():
            return "a number"
        case str():
            return "a string"
        case list():
            return "a list"
        case _:
            return "an object"
