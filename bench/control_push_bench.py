"""Take to WebSocket notification, with 1 and with 200 clients, and the CPU a client costs.

The whole stage console (``ConsoleApp``: the show runner, the switcher, the stage
clock, the control API and its WebSocket, the window under Qt offscreen) runs on
its qasync loop in this process, against a private OBS under Xvfb whose two scenes
the show's segments alternate between, so every take changes OBS's program. The
WebSocket clients run in a process of their own (aiohttp), so their work is not
counted as the console's; both processes stamp with the system's monotonic clock.

- Latency: from the show runner's ``live_changed`` (OBS confirmed the take and the
  runner made the segment live) to a client receiving the change whose ``live`` is
  the new segment; with 200 clients, to the first and to the last of them.
  Baseline: the round trip of ``GET /api/state`` over HTTP in the same run.
- CPU per client: this process's CPU time over a few seconds with a segment live
  (the clock pushes the time left every tick) with no client, then with 200,
  the difference divided by 200.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

TOKEN = "bench-control-push-token-5b1e"
SCENES = ("Push A", "Push B")
TAKES = 12  # per phase
MANY = 200
RTT_SAMPLES = 50
CPU_WINDOW_S = 5.0
SETTLE_S = 0.3
START = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@dataclass
class Latencies:
    first_ms: list[float]
    last_ms: list[float]
    take_ms: list[float]  # POST /api/take to its 200: what the operator waits for


@dataclass
class PushBenchResult:
    state_rtt_ms: float
    one_client: Latencies
    many_clients: Latencies
    many_state_rtt_ms: float
    idle_cpu_s: float
    many_cpu_s: float

    @property
    def cpu_per_client_ms_per_s(self) -> float:
        """CPU milliseconds a second each connected client costs."""
        return (self.many_cpu_s - self.idle_cpu_s) / MANY / CPU_WINDOW_S * 1000.0


# --- the clients' process -------------------------------------------------------------

@dataclass
class _Arrivals:
    """When each segment's change reached each client, and whether all of them are in."""

    count: int
    times: dict[str, list[float]] = field(default_factory=dict)
    connected: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)


async def _client(session: aiohttp.ClientSession, url: str, arrivals: _Arrivals) -> None:
    async with session.ws_connect(url, headers={"Authorization": f"Bearer {TOKEN}"},
                                  max_msg_size=0) as ws:
        live = None
        async for message in ws:
            document = json.loads(message.data)
            state = document["state"]
            now = state.get("live") or {}
            if document["type"] == "state":
                live = now.get("segment_id")
                arrivals.connected += 1
                if arrivals.connected == arrivals.count:
                    arrivals.ready.set()
            elif now.get("segment_id", live) != live:
                live = now["segment_id"]
                arrivals.times.setdefault(live, []).append(time.monotonic())


async def _clients_main(port: int, count: int) -> None:
    arrivals = _Arrivals(count)
    url = f"http://127.0.0.1:{port}/api/ws"
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        sockets = [asyncio.create_task(_client(session, url, arrivals)) for _ in range(count)]
        await arrivals.ready.wait()
        print("ready", flush=True)
        reported: set[str] = set()
        stdin = asyncio.StreamReader()
        await asyncio.get_running_loop().connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
        reading = asyncio.create_task(stdin.read())
        while not reading.done():
            for segment, times in arrivals.times.items():
                if segment not in reported and len(times) == count:
                    reported.add(segment)
                    print(json.dumps({"segment": segment, "first": min(times),
                                      "last": max(times)}), flush=True)
            await asyncio.sleep(0.005)
        for task in sockets:
            task.cancel()
        await asyncio.gather(*sockets, return_exceptions=True)


@asynccontextmanager
async def _clients(port: int, count: int) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.control_push_bench", "clients", str(port), str(count),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stdin is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        if line.strip() != b"ready":
            raise RuntimeError(f"the clients did not connect: {line!r}")
        yield process
    finally:
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


# --- the console's process -------------------------------------------------------------

def _show() -> Any:
    from console.models.show import Day, Segment, SegmentKind, Session, Show, Stage  # noqa: PLC0415

    segments = tuple(
        Segment(id=f"push-{index}", kind=SegmentKind.TALK, title=f"Talk {index}",
                planned_start=START + timedelta(minutes=10 * index),
                planned_duration=timedelta(minutes=10), scene=SCENES[index % 2])
        for index in range(2 * TAKES + 2))
    return Show(name="Push", timezone="UTC", floor_language="en",
                stages=(Stage("Main", (Day(date(2026, 12, 5), (Session("All", segments),)),)),))


async def _state_rtt_ms(session: aiohttp.ClientSession, base: str) -> float:
    samples = []
    for _ in range(RTT_SAMPLES):
        started = time.monotonic()
        async with session.get(f"{base}/api/state") as answer:
            await answer.read()
        samples.append(time.monotonic() - started)
    return statistics.median(samples) * 1000.0


async def _takes(session: aiohttp.ClientSession, base: str, clients: asyncio.subprocess.Process,
                 went_live: dict[str, float]) -> Latencies:
    assert clients.stdout is not None
    first, last, take = [], [], []
    for _ in range(TAKES):
        asked = time.monotonic()
        async with session.post(f"{base}/api/take") as answer:
            body = await answer.json()
        take.append((time.monotonic() - asked) * 1000.0)
        if answer.status != 200:
            raise RuntimeError(f"take refused: {body}")
        line = json.loads(await asyncio.wait_for(clients.stdout.readline(), 10))
        if line["segment"] != body["segment_id"]:
            raise RuntimeError(f"the clients saw {line['segment']}, not {body['segment_id']}")
        live_at = went_live[line["segment"]]
        first.append((line["first"] - live_at) * 1000.0)
        last.append((line["last"] - live_at) * 1000.0)
        await asyncio.sleep(SETTLE_S)
    return Latencies(first, last, take)


async def _cpu_over_window() -> float:
    started = time.process_time()
    await asyncio.sleep(CPU_WINDOW_S)
    return time.process_time() - started


async def _measure(console: Any) -> PushBenchResult:
    from console.models.live import LiveState  # noqa: PLC0415

    went_live: dict[str, float] = {}

    def stamp(state: LiveState) -> None:
        if state.live is not None and state.live.segment_id not in went_live:
            went_live[state.live.segment_id] = time.monotonic()

    console.runner.live_changed.connect(stamp)
    port = console.control.port
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.post(f"{base}/api/take") as answer:  # a segment live: the clock ticks
            answer.raise_for_status()
        await asyncio.sleep(1.0)
        idle_cpu = await _cpu_over_window()
        async with _clients(port, 1) as clients:
            rtt = await _state_rtt_ms(session, base)
            one = await _takes(session, base, clients, went_live)
        async with _clients(port, MANY) as clients:
            await asyncio.sleep(1.0)
            many_cpu = await _cpu_over_window()
            many_rtt = await _state_rtt_ms(session, base)
            many = await _takes(session, base, clients, went_live)
    console.runner.live_changed.disconnect(stamp)
    return PushBenchResult(rtt, one, many, many_rtt, idle_cpu, many_cpu)


async def _with_console(obs: Any, folder: Path) -> PushBenchResult:
    from console.app import AppOptions, ConsoleApp  # noqa: PLC0415
    from console.store.database import open_database  # noqa: PLC0415
    from console.store.shows import save_show  # noqa: PLC0415

    db = folder / "push.sqlite"
    database = open_database(db)
    save_show(database, _show())
    database.conn.close()
    options = AppOptions(db_path=db, obs_url=obs.url, settings_path=folder / "push.ini",
                         console_name="push-bench", control_port=0, lower_third_s=0)
    console = ConsoleApp(options, obs.password)
    console.start()
    try:
        deadline = time.monotonic() + 20
        while not (console.mirror.snapshot.connected and console.control is not None
                   and console.control.port):
            if time.monotonic() > deadline:
                raise RuntimeError("the console did not connect to OBS within 20 s")
            await asyncio.sleep(0.05)
        return await _measure(console)
    finally:
        console.window.close()
        await console.close()


def measure() -> PushBenchResult:
    import obsws_python  # noqa: PLC0415
    import qasync  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from console.obs.display import VirtualDisplay  # noqa: PLC0415
    from console.obs.private_obs import PrivateObs  # noqa: PLC0415
    from console.services.control_token import TOKEN_ENV  # noqa: PLC0415
    from console.ui.gui_loop import run_to_completion  # noqa: PLC0415

    folder = Path(tempfile.mkdtemp(prefix="bench-push-"))
    display = VirtualDisplay()
    display.start()
    obs = PrivateObs(home=folder / "obs", display=display)
    obs.start()
    previous = os.environ.get(TOKEN_ENV)
    os.environ[TOKEN_ENV] = TOKEN
    try:
        client = obsws_python.ReqClient(host="127.0.0.1", port=obs.port,
                                        password=obs.password, timeout=5)
        for scene in SCENES:
            client.send("CreateScene", {"sceneName": scene})
        client.send("SetCurrentSceneTransition", {"transitionName": "Cut"})
        client.disconnect()
        app = QApplication.instance() or QApplication([])
        QApplication.setQuitOnLastWindowClosed(False)  # closing the window must not end the loop
        loop = qasync.QEventLoop(app)
        try:
            return run_to_completion(loop, _with_console(obs, folder))
        finally:
            run_to_completion(loop, loop.shutdown_default_executor())
            loop.close()
    finally:
        if previous is None:
            os.environ.pop(TOKEN_ENV, None)
        else:
            os.environ[TOKEN_ENV] = previous
        obs.stop()
        display.stop()


def _ms(samples: list[float]) -> str:
    return f"{statistics.median(samples):.1f} ms"


def run_control_push_bench() -> list[str]:
    """Markdown rows: ``| what | baseline | console | ratio | target |``."""
    result = measure()
    one, many = result.one_client, result.many_clients
    rtt, many_rtt = result.state_rtt_ms, result.many_state_rtt_ms
    baseline = "(baseline: GET /api/state round trip, median)"
    per_client = result.cpu_per_client_ms_per_s
    return [
        f"| take on air (runner's live signal) to a WebSocket client's change, 1 client, "
        f"median of {TAKES} {baseline} | {rtt:.1f} ms | {_ms(one.first_ms)} | "
        f"{statistics.median(one.first_ms) / rtt:.2f}x | under 50 ms |",
        f"| the same, {MANY} clients connected: the first client {baseline}, with "
        f"{MANY} connected | {many_rtt:.1f} ms | {_ms(many.first_ms)} | "
        f"{statistics.median(many.first_ms) / many_rtt:.2f}x | under 50 ms |",
        f"| the same, {MANY} clients connected: the last client | {many_rtt:.1f} ms | "
        f"{_ms(many.last_ms)} | {statistics.median(many.last_ms) / many_rtt:.2f}x | "
        "under 50 ms |",
        f"| a take through the API (POST /api/take to its 200, OBS's transition included), "
        f"{MANY} clients connected (baseline: the same with 1 client) | {_ms(one.take_ms)} | "
        f"{_ms(many.take_ms)} | "
        f"{statistics.median(many.take_ms) / statistics.median(one.take_ms):.2f}x | "
        "about 1x |",
        f"| CPU of the console's process, a segment live, {CPU_WINDOW_S:.0f} s: no client / "
        f"{MANY} clients (share of one core) | "
        f"{result.idle_cpu_s / CPU_WINDOW_S * 100:.2f}% | "
        f"{result.many_cpu_s / CPU_WINDOW_S * 100:.2f}% | "
        f"{result.many_cpu_s / max(result.idle_cpu_s, 1e-9):.2f}x | - |",
        f"| CPU per connected client (difference / {MANY}) | - | "
        f"{per_client:.3f} ms a second | - | - |",
    ]


if __name__ == "__main__":
    if sys.argv[1:2] == ["clients"]:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_clients_main(int(sys.argv[2]), int(sys.argv[3])))
    else:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from console import logs

        logs.configure("WARNING")
        print("\n".join(run_control_push_bench()))
