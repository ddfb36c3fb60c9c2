"""Writes what OBS confirms into the as-run log: scene changes, connection, stream, record.

It listens to the mirror, so it records only what OBS confirmed, never what was
merely asked for. A scene change row names the scene, the one before it and OBS's
current transition (``transition``; left out when OBS has not said which). That is
the transition the console knows of: a scene's own transition override in OBS is
not seen, and no duration is recorded, since OBS keeps one duration for every
transition and a cut ignores it. Stream and record rows: ``{"active": true}`` when
the output started, ``{"active": false}`` when it stopped; ``{"phase":
"reconnecting"}`` when the stream lost its server and OBS started retrying (once,
however many retries follow), ``{"phase": "reconnected"}`` when it got it back;
``{"phase": "start_failed"}`` when OBS was asked to start an output and it stopped
without ever starting (OBS 29 does that with a stream server that refuses the
connection: no retry, no reconnection).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.models.asrun import AsRunKind
from console.models.obs_state import ObsSnapshot, OutputState
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
            # The transition in effect as the change began: OBS confirms a scene change
            # once its transition has finished.
            self._record(AsRunKind.SCENE_CHANGE, obs=obs, scene=snapshot.program_scene,
                         previous=before.program_scene, transition=before.current_transition)
        if before.connected:
            self._output(AsRunKind.STREAM, obs, before.stream, snapshot.stream)
            self._output(AsRunKind.RECORD, obs, before.record, snapshot.record)

    def _output(self, kind: AsRunKind, obs: str, before: OutputState,
                now: OutputState) -> None:
        if now.active != before.active:
            self._record(kind, obs=obs, active=now.active)
        elif now.active and now.reconnecting != before.reconnecting:
            self._record(kind, obs=obs,
                         phase="reconnecting" if now.reconnecting else "reconnected")
        elif before.starting and not now.starting and not now.active:
            self._record(kind, obs=obs, phase="start_failed")

    def _record(self, kind: AsRunKind, **details: Any) -> None:
        now = self._asrun.clock()
        self._asrun.record(kind, at=now, actual=now, **details)
