"""Seven metered channels at OBS's ~50 ms cadence: what the meters cost the main thread.

Against a real OBS with seven ``ffmpeg_source`` inputs looping generated voices (one
silent), two phases of the same length, one after the other, each with a 10 Hz
reader on the main thread (an asyncio loop) that takes the newest frame and follows
all seven channels' signals (``console.models.meters.follow``), as a display would:

- baseline: a bare obsws-python ``EventClient`` subscribed to the meters, its
  callback keeping the newest frame (and its arrival time) under a lock;
- console: a :class:`~console.obs.meter_feed.MeterFeed` (own connection, heartbeat
  included), read with ``latest()``.

Figures: frames received a second; main-thread CPU time spent in the reader, and all
main-thread CPU time, as a share of one core; the age of the frame the reader
displays (now minus the frame's arrival: the kernel's stamp for the console, the
callback's clock read for the baseline); the whole process's CPU, all threads.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import obsws_python

from console.models.meters import MeterReading, Signal, follow, parse_meters
from console.models.obs_state import ConnectionState
from console.obs.display import VirtualDisplay
from console.obs.endpoint import ObsEndpoint
from console.obs.meter_feed import MeterFeed
from console.obs.private_obs import PrivateObs
from console.obs.session import EventSubscriptions
from console.services.demo_audio import write_booth_files

LANGUAGES = ("ar", "en", "fr", "es", "tr", "ur", "ms")
PHASE_S = 10.0
WARM_UP_S = 1.5
READ_EVERY_S = 0.1  # a display's refresh, on average
TARGET_SHARE = 0.10  # of one core
TARGET_AGE_MS = 150.0


@dataclass
class PhaseResult:
    frames_per_s: float
    reader_share: float  # reader's main-thread CPU time / wall time
    main_thread_share: float  # all main-thread CPU time / wall time
    process_share: float  # the whole process, all threads
    ages_ms: list[float] = field(default_factory=list)

    @property
    def median_age_ms(self) -> float:
        return statistics.median(self.ages_ms)

    @property
    def p95_age_ms(self) -> float:
        return statistics.quantiles(self.ages_ms, n=20)[-1]


# What a reader gets: (parsed readings, arrival, frame number), or None before a frame.
Latest = Callable[[], tuple[dict[str, MeterReading], datetime, int] | None]


async def _read_for(latest: Latest, frames_received: Callable[[], int]) -> PhaseResult:
    """The 10 Hz reader for :data:`PHASE_S`, with its costs.

    Its reads are spread at random around the 10 Hz: at exactly twice OBS's frame
    period, every read would land at the same point of the frame cycle, and the ages
    would measure that point's luck rather than the path.
    """
    jitter = random.Random(7)
    signals = {f"Booth {language}": Signal() for language in LANGUAGES}
    reader_cpu, ages, last = 0.0, [], 0
    frames_before = frames_received()
    wall0, main0, process0 = time.monotonic(), time.thread_time(), time.process_time()
    while time.monotonic() - wall0 < PHASE_S:
        started = time.thread_time()
        newest = latest()
        if newest is not None and newest[2] != last:
            readings, arrived, last = newest
            ages.append((datetime.now(UTC) - arrived).total_seconds() * 1000)
            now = time.monotonic()
            for name, signal in signals.items():
                signals[name] = follow(signal, readings.get(name), now, on_air=True)
        reader_cpu += time.thread_time() - started
        await asyncio.sleep(jitter.uniform(0.5, 1.5) * READ_EVERY_S)
    wall = time.monotonic() - wall0
    return PhaseResult(
        frames_per_s=(frames_received() - frames_before) / wall,
        reader_share=reader_cpu / wall,
        main_thread_share=(time.thread_time() - main0) / wall,
        process_share=(time.process_time() - process0) / wall,
        ages_ms=ages,
    )


class _BareSlot:
    """The baseline: obsws-python's EventClient keeping the newest frame."""

    def __init__(self, obs: PrivateObs) -> None:
        self._lock = threading.Lock()
        self._frame: tuple[Any, datetime, int] | None = None
        self.received = 0
        self._client = obsws_python.EventClient(
            host="127.0.0.1", port=obs.port, password=obs.password,
            subs=EventSubscriptions.INPUT_VOLUME_METERS)
        self._client.callback.register(self.on_input_volume_meters)

    def on_input_volume_meters(self, data: Any) -> None:  # obsws-python matches by name
        arrived = datetime.now(UTC)
        with self._lock:
            self.received += 1
            self._frame = (data.inputs, arrived, self.received)

    def latest(self) -> tuple[dict[str, MeterReading], datetime, int] | None:
        with self._lock:
            frame = self._frame
        if frame is None:
            return None
        inputs, arrived, number = frame
        return parse_meters(inputs), arrived, number

    def frames_received(self) -> int:
        with self._lock:
            return self.received

    def close(self) -> None:
        self._client.disconnect()


async def _baseline(obs: PrivateObs) -> PhaseResult:
    slot = await asyncio.to_thread(_BareSlot, obs)
    try:
        await asyncio.sleep(WARM_UP_S)
        return await _read_for(slot.latest, slot.frames_received)
    finally:
        await asyncio.to_thread(slot.close)


async def _console(obs: PrivateObs) -> PhaseResult:
    feed = MeterFeed(ObsEndpoint("127.0.0.1", obs.port), obs.password)
    feed.start()
    try:
        await feed.connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=15)
        await asyncio.sleep(WARM_UP_S)

        def latest() -> tuple[dict[str, MeterReading], datetime, int] | None:
            frame = feed.latest()
            return None if frame is None else (dict(frame.readings), frame.received_at,
                                               frame.number)

        return await _read_for(latest, lambda: feed.frames_received)
    finally:
        await feed.stop()


def _booths(obs: PrivateObs, folder: Path) -> None:
    files = write_booth_files(folder, LANGUAGES, silent=["tr"])
    client = obsws_python.ReqClient(host="127.0.0.1", port=obs.port, password=obs.password,
                                    timeout=5)
    try:
        client.send("CreateScene", {"sceneName": "Booths"})
        for language, path in files.items():
            client.send("CreateInput", {
                "sceneName": "Booths", "inputName": f"Booth {language}",
                "inputKind": "ffmpeg_source",
                "inputSettings": {"local_file": str(path), "looping": True}})
        client.send("SetCurrentProgramScene", {"sceneName": "Booths"})
    finally:
        client.disconnect()


def measure() -> tuple[PhaseResult, PhaseResult]:
    display = VirtualDisplay()
    display.start()
    home = Path(tempfile.mkdtemp(prefix="bench-meters-"))
    obs = PrivateObs(home=home / "obs", display=display)
    obs.start()
    try:
        _booths(obs, home / "audio")
        loop = asyncio.new_event_loop()
        try:
            baseline = loop.run_until_complete(_baseline(obs))
            console = loop.run_until_complete(_console(obs))
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()
        return baseline, console
    finally:
        obs.stop()
        display.stop()


def _share(value: float) -> str:
    return f"{value * 100:.2f}%"


def run_meter_bench() -> list[str]:
    """Markdown rows: ``| what | baseline | console | ratio / difference | target |``."""
    bare, console = measure()
    what = f"{len(LANGUAGES)} metered channels, 10 Hz reader, {PHASE_S:.0f} s"
    baseline = "(baseline: bare obsws-python EventClient)"
    return [
        f"| {what}: meter frames received a second {baseline} | {bare.frames_per_s:.1f} | "
        f"{console.frames_per_s:.1f} | {console.frames_per_s / bare.frames_per_s:.2f}x | "
        "every frame |",
        f"| {what}: main-thread time reading meters, share of one core | "
        f"{_share(bare.reader_share)} | {_share(console.reader_share)} | "
        f"{console.reader_share / bare.reader_share:.2f}x | under "
        f"{TARGET_SHARE * 100:.0f}% |",
        f"| {what}: all main-thread time (loop, heartbeat, reader), share of one core | "
        f"{_share(bare.main_thread_share)} | {_share(console.main_thread_share)} | "
        f"{console.main_thread_share / bare.main_thread_share:.2f}x | under "
        f"{TARGET_SHARE * 100:.0f}% |",
        f"| {what}: meter age at display, median / p95 (console: from the kernel's arrival "
        f"stamp) | {bare.median_age_ms:.1f} / {bare.p95_age_ms:.1f} ms | "
        f"{console.median_age_ms:.1f} / {console.p95_age_ms:.1f} ms | "
        f"{console.median_age_ms - bare.median_age_ms:+.1f} ms | under "
        f"{TARGET_AGE_MS:.0f} ms |",
        f"| {what}: whole process, all threads, share of one core | "
        f"{_share(bare.process_share)} | {_share(console.process_share)} | "
        f"{console.process_share / bare.process_share:.2f}x | - |",
    ]


if __name__ == "__main__":
    from console import logs

    logs.configure("WARNING")
    print("\n".join(run_meter_bench()))
