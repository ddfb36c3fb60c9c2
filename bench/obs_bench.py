"""The console's OBS path against bare obsws-python, on the same real OBS in the same run.

1. Request round trip: ``SetCurrentProgramScene`` through :class:`ObsConnection`
   (on the app's qasync loop) against a bare ``ReqClient`` call.
2. Event path: the time from asking a third client to switch scenes to the
   console's snapshot update, against the same time to a bare ``EventClient``
   callback, both listening to the same switches.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import obsws_python

from console.models.obs_state import ConnectionState, ObsSnapshot
from console.obs.connection import ObsConnection
from console.obs.display import VirtualDisplay
from console.obs.endpoint import ObsEndpoint
from console.obs.mirror import ObsMirror
from console.obs.private_obs import PrivateObs

REQUESTS = 300
SWITCHES = 100
SCENES = ("Bench A", "Bench B")


@dataclass
class ObsBenchResult:
    bare_request_ms: float
    console_request_ms: float
    bare_event_ms: float
    console_event_ms: float

    @property
    def request_ratio(self) -> float:
        return self.console_request_ms / self.bare_request_ms

    @property
    def event_extra_ms(self) -> float:
        return self.console_event_ms - self.bare_event_ms


def _client(obs: PrivateObs) -> obsws_python.ReqClient:
    return obsws_python.ReqClient(host="127.0.0.1", port=obs.port, password=obs.password,
                                  timeout=5)


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000.0


def bare_requests(obs: PrivateObs) -> float:
    client = _client(obs)
    try:
        samples = []
        for index in range(REQUESTS):
            started = time.perf_counter()
            client.send("SetCurrentProgramScene", {"sceneName": SCENES[index % 2]})
            samples.append(time.perf_counter() - started)
        return _median_ms(samples)
    finally:
        client.disconnect()


async def console_requests(connection: ObsConnection) -> float:
    samples = []
    for index in range(REQUESTS):
        started = time.perf_counter()
        await connection.request("SetCurrentProgramScene", {"sceneName": SCENES[index % 2]})
        samples.append(time.perf_counter() - started)
    return _median_ms(samples)


class _EventTimes:
    """Arrival times of program-scene events, keyed by scene name, for one switch at a time."""

    def __init__(self) -> None:
        self.bare: dict[str, float] = {}
        self.console: dict[str, float] = {}


async def event_paths(obs: PrivateObs, mirror: ObsMirror) -> tuple[float, float]:
    times = _EventTimes()
    events = obsws_python.EventClient(host="127.0.0.1", port=obs.port, password=obs.password)

    def on_current_program_scene_changed(data: object) -> None:
        times.bare[data.scene_name] = time.perf_counter()  # type: ignore[attr-defined]

    events.callback.register(on_current_program_scene_changed)

    def on_snapshot(snapshot: ObsSnapshot) -> None:
        if snapshot.program_scene and snapshot.program_scene not in times.console:
            times.console[snapshot.program_scene] = time.perf_counter()

    mirror.changed.connect(on_snapshot)
    switcher = _client(obs)
    bare, console = [], []
    try:
        for index in range(SWITCHES):
            scene = f"{SCENES[index % 2]}"
            times.bare.pop(scene, None)
            times.console.pop(scene, None)
            started = await asyncio.to_thread(_switch, switcher, scene)
            # Arrival times are stamped where the events land; polling only collects them.
            while scene not in times.bare or scene not in times.console:  # noqa: ASYNC110
                await asyncio.sleep(0.001)
            bare.append(times.bare[scene] - started)
            console.append(times.console[scene] - started)
    finally:
        mirror.changed.disconnect(on_snapshot)
        switcher.disconnect()
        events.disconnect()
    return _median_ms(bare), _median_ms(console)


def _switch(client: obsws_python.ReqClient, scene: str) -> float:
    started = time.perf_counter()
    client.send("SetCurrentProgramScene", {"sceneName": scene})
    return started


async def _console_side(obs: PrivateObs) -> tuple[float, float, float]:
    connection = ObsConnection(ObsEndpoint("127.0.0.1", obs.port), obs.password, name="bench")
    mirror = ObsMirror(connection)
    connection.start()
    try:
        await connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=15)
        await mirror.wait_synced(5)
        await connection.request("SetCurrentSceneTransition", {"transitionName": "Cut"})
        request_ms = await console_requests(connection)
        bare_event_ms, console_event_ms = await event_paths(obs, mirror)
        return request_ms, bare_event_ms, console_event_ms
    finally:
        await mirror.close()
        await connection.stop()


def run_obs_bench() -> ObsBenchResult:
    import qasync  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    display = VirtualDisplay()
    display.start()
    obs = PrivateObs(home=Path(tempfile.mkdtemp(prefix="bench-obs-")), display=display)
    obs.start()
    try:
        client = _client(obs)
        for scene in SCENES:
            client.send("CreateScene", {"sceneName": scene})
        client.send("SetCurrentSceneTransition", {"transitionName": "Cut"})
        client.disconnect()
        bare_ms = bare_requests(obs)
        app = QApplication.instance() or QApplication([])
        loop = qasync.QEventLoop(app)
        with loop:
            console_ms, bare_event, console_event = loop.run_until_complete(_console_side(obs))
        asyncio.set_event_loop(None)
        # Tear Qt down now, not during interpreter finalisation (PySide6 can crash then).
        app.shutdown()
        return ObsBenchResult(bare_ms, console_ms, bare_event, console_event)
    finally:
        obs.stop()
        display.stop()
