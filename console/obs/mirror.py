"""Keeps an :class:`ObsSnapshot` in step with one OBS connection.

On every (re)connection it asks OBS for everything the UI shows, then folds in
events. Events that arrive while the resynchronisation is in flight are applied
again on top of its answers: events carry absolute values, so the newest wins.

Signals:
    changed(ObsSnapshot): the snapshot changed (emitted on the event loop's thread).
    synced(ObsSnapshot): a full resynchronisation after a (re)connection finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Mapping
from dataclasses import replace
from typing import Any

from psygnal import Signal

from console.models.obs_events import ObsEvent, StudioModeChanged
from console.models.obs_state import ConnectionState, ObsSnapshot, OutputState, apply_event
from console.obs.connection import ObsConnection
from console.obs.errors import ObsError
from console.obs.events import MalformedEvent, scene_names

log = logging.getLogger(__name__)

# snapshot_from_queries' keyword for the answer of each request.
RESYNC_REQUESTS = {
    "scene_list": "GetSceneList",
    "studio_mode": "GetStudioModeEnabled",
    "transitions": "GetSceneTransitionList",
    "current_transition": "GetCurrentSceneTransition",
    "stream": "GetStreamStatus",
    "record": "GetRecordStatus",
}


class ObsMirror:
    """The console's confirmed view of one OBS."""

    changed = Signal(ObsSnapshot)
    synced = Signal(ObsSnapshot)

    def __init__(self, connection: ObsConnection) -> None:
        self.connection = connection
        self._snapshot = ObsSnapshot()
        self._during_resync: list[ObsEvent] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._synced_once = False
        connection.state_changed.connect(self._on_state)
        connection.connected.connect(self._on_connected)
        connection.event.connect(self._on_event)
        connection.heartbeat.connect(self._on_heartbeat)

    @property
    def snapshot(self) -> ObsSnapshot:
        return self._snapshot

    async def close(self) -> None:
        self.connection.state_changed.disconnect(self._on_state)
        self.connection.connected.disconnect(self._on_connected)
        self.connection.event.disconnect(self._on_event)
        self.connection.heartbeat.disconnect(self._on_heartbeat)
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def resync(self) -> None:
        """Ask OBS for the full state and replace the snapshot with its answers."""
        self._during_resync = []
        try:
            answers = {key: await self.connection.request(request)
                       for key, request in RESYNC_REQUESTS.items()}
        except ObsError as error:
            log.info("OBS resynchronisation interrupted: %s", error)
            return
        finally:
            buffered, self._during_resync = self._during_resync or [], None
        try:
            fresh = snapshot_from_queries(self._snapshot, version=self.connection.version,
                                          **answers)
        except MalformedEvent as error:
            log.error("OBS answered the resynchronisation with something unreadable: %s", error)
            return
        for event in buffered:
            fresh = apply_event(fresh, event)
        self._publish(fresh)
        self._synced_once = True
        log.info("OBS state read", extra={"obs": self.connection.name,
                                          "program_scene": fresh.program_scene,
                                          "scenes": len(fresh.scenes)})
        self.synced.emit(fresh)

    async def wait_synced(self, timeout_s: float) -> ObsSnapshot:
        """Wait for the next full resynchronisation (or return at once if one is done
        and the connection is still up)."""
        if self._synced_once and self._snapshot.connected:
            return self._snapshot
        done: asyncio.Future[ObsSnapshot] = asyncio.get_running_loop().create_future()

        def finish(snapshot: ObsSnapshot) -> None:
            if not done.done():
                done.set_result(snapshot)

        self.synced.connect(finish)
        try:
            return await asyncio.wait_for(done, timeout_s)
        finally:
            self.synced.disconnect(finish)

    def _on_connected(self) -> None:
        self._spawn(self.resync(), "obs-resync")

    def _on_state(self, state: ConnectionState) -> None:
        if state is not ConnectionState.CONNECTED:
            self._synced_once = False
        error = None if state is ConnectionState.CONNECTED else self.connection.last_error
        self._publish(replace(self._snapshot, state=state, error=error))

    def _on_event(self, event: ObsEvent) -> None:
        if self._during_resync is not None:
            self._during_resync.append(event)
        self._publish(apply_event(self._snapshot, event))
        if isinstance(event, StudioModeChanged) and event.enabled:
            # OBS picks the preview scene itself and announces it with no event of its own.
            self._spawn(self._fetch_preview(), "obs-preview")

    async def _fetch_preview(self) -> None:
        try:
            answer = await self.connection.request("GetCurrentPreviewScene")
        except ObsError as error:
            log.info("could not read the preview scene: %s", error)
            return
        if self._snapshot.studio_mode and self._snapshot.preview_scene is None:
            preview = answer.get("currentPreviewSceneName")
            self._publish(replace(self._snapshot, preview_scene=preview))

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=f"{name}-{self.connection.name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_heartbeat(self, latency_ms: float) -> None:
        self._publish(replace(self._snapshot, latency_ms=round(latency_ms, 1)))

    def _publish(self, snapshot: ObsSnapshot) -> None:
        if snapshot != self._snapshot:
            self._snapshot = snapshot
            self.changed.emit(snapshot)


def snapshot_from_queries(
    base: ObsSnapshot,
    *,
    version: Mapping[str, Any],
    scene_list: Mapping[str, Any],
    studio_mode: Mapping[str, Any],
    transitions: Mapping[str, Any],
    current_transition: Mapping[str, Any],
    stream: Mapping[str, Any],
    record: Mapping[str, Any],
) -> ObsSnapshot:
    """A full snapshot from the answers of the resynchronisation requests."""
    studio = bool(studio_mode.get("studioModeEnabled", False))
    preview = scene_list.get("currentPreviewSceneName")
    program = scene_list.get("currentProgramSceneName")
    duration = current_transition.get("transitionDuration")
    return replace(
        base,
        obs_version=str(version.get("obsVersion")),
        websocket_version=str(version.get("obsWebSocketVersion")),
        scenes=scene_names(scene_list),
        program_scene=str(program) if program else None,
        preview_scene=str(preview) if studio and preview else None,
        studio_mode=studio,
        transitions=tuple(str(t.get("transitionName")) for t in transitions.get("transitions", [])
                          if isinstance(t, Mapping)),
        current_transition=_optional_text(current_transition.get("transitionName")),
        transition_duration_ms=duration if isinstance(duration, int) else None,
        stream=OutputState(
            active=bool(stream.get("outputActive")),
            reconnecting=bool(stream.get("outputReconnecting")),
        ),
        record=OutputState(
            active=bool(record.get("outputActive")),
            paused=bool(record.get("outputPaused")),
        ),
    )


def _optional_text(value: object) -> str | None:
    return value if isinstance(value, str) else None
