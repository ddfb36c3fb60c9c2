"""Writes what OBS confirms into the as-run log: scene changes, connection, stream, record.

It listens to the mirror, so it records only what OBS confirmed, never what was
merely asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.models.asrun import AsRunKind
from console.models.obs_state import ObsSnapshot
from console.obs.mirror import ObsMirror
from console.services.asrun_log import AsRunLog


class AsRunRecorder:
    """Turns snapshot changes of one OBS into as-run entries."""

    def __init__(self, mirror: ObsMirror, asrun: AsRunLog,
                 runs_the_show: Callable[[], bool] = lambda: True) -> None:
        """``runs_the_show()`` says whether this console holds the stage role: only that
        console records what happens on air, so several consoles on one OBS and one
        database write each scene change once. Every console records its own
        connection."""
        self._mirror = mirror
        self._asrun = asrun
        self._runs_the_show = runs_the_show
        self._last = mirror.snapshot
        mirror.changed.connect(self._on_changed)

    def close(self) -> None:
        self._mirror.changed.disconnect(self._on_changed)

    def _on_changed(self, snapshot: ObsSnapshot) -> None:
        before, self._last = self._last, snapshot
        obs = self._mirror.connection.name
        if snapshot.state is not before.state:
            self._record(AsRunKind.CONNECTION, obs=obs, state=snapshot.state.value,
                         error=snapshot.error)
        if not snapshot.connected or not self._runs_the_show():
            return
        if snapshot.program_scene != before.program_scene and before.program_scene is not None \
                and before.connected:
            self._record(AsRunKind.SCENE_CHANGE, obs=obs, scene=snapshot.program_scene,
                         previous=before.program_scene)
        if snapshot.stream.active != before.stream.active and before.connected:
            self._record(AsRunKind.STREAM, obs=obs, active=snapshot.stream.active)
        if snapshot.record.active != before.record.active and before.connected:
            self._record(AsRunKind.RECORD, obs=obs, active=snapshot.record.active)

    def _record(self, kind: AsRunKind, **details: Any) -> None:
        now = self._asrun.clock()
        self._asrun.record(kind, at=now, actual=now, **details)
