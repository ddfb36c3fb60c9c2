"""Seven metered channels at OBS's ~50 ms cadence: what the meters cost the main thread.

Against a real OBS with seven ``ffmpeg_source`` inputs looping generated voices (one
silent), two phases of the same length, one after the other, each with a 10 Hz
reader on the main thread (an asyncio loop) that takes the newest frame and follows
all seven channels' signals (``console.models.meters.follow``), as a display would:

- baseline: a bare obsws-python ``EventClient`` subscribed to the meters, its
  callback keeping the newest frame (and its arrival time) under a lock;
- console: a :class:`~console.obs.meter_feed.MeterFeed` (own connection, heartbeat
  included), read with ``latest()``;
- window: what the stage console runs for them, end to end: the feed, the
  interpretation desk looking ten times a second (signals, outages to the as-run
  log of a live show) and the language matrix reading levels and repainting seven
  meters every 50 ms, on a qasync loop (Qt offscreen). Its age is that of the frame
  in hand each time the desk or the matrix reads one.

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import obsws_python
import qasync
from PySide6.QtWidgets import QApplication

from console.models.asrun import ConsoleRole
from console.models.channels import MAIN_OBS, default_plan, input_name
from console.models.meters import MeterReading, Signal, follow, parse_meters
from console.models.obs_state import ConnectionState
from console.obs.display import VirtualDisplay
from console.obs.endpoint import ObsEndpoint
from console.obs.meter_feed import MeterFeed
from console.obs.private_obs import PrivateObs
from console.obs.session import EventSubscriptions
from console.services.asrun_log import AsRunLog
from console.services.demo_audio import write_booth_files
from console.services.interpretation import InterpretationDesk
from console.services.meter_readings import MeterReadings
from console.services.show_import import demo_show_path, import_show_file
from console.services.show_runner import ShowRunner
from console.store.asrun import AsRunWriter
from console.ui.channels_panel import ChannelsPanel
from console.ui.gui_loop import run_to_completion

LANGUAGES = ("ar", "en", "fr", "es", "tr", "ur", "ms")
FLOOR = "ar"
INPUTS = {language: input_name(language, floor=language == FLOOR) for language in LANGUAGES}
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
    signals = {name: Signal() for name in INPUTS.values()}
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
                "sceneName": "Booths", "inputName": INPUTS[language],
                "inputKind": "ffmpeg_source",
                "inputSettings": {"local_file": str(path), "looping": True}})
        client.send("SetCurrentProgramScene", {"sceneName": "Booths"})
    finally:
        client.disconnect()


class _TimedReadings(MeterReadings):
    """The console's readings, noting the age of the frame in hand at every read."""

    def __init__(self, feeds: dict[str, MeterFeed]) -> None:
        super().__init__(feeds)
        self.ages_ms: list[float] = []

    def __call__(self, obs: str) -> Mapping[str, MeterReading] | None:
        age = self.newest_age_s(obs)
        if age is not None:
            self.ages_ms.append(age * 1000)
        return super().__call__(obs)


async def _window(obs: PrivateObs, folder: Path) -> PhaseResult:
    db = folder / "show.sqlite"
    import_show_file(demo_show_path(), db)
    writer = AsRunWriter(db)
    asrun = AsRunLog(writer, "bench", ConsoleRole.STAGE, lambda: datetime.now(UTC))
    runner = ShowRunner(db, asrun)
    feed = MeterFeed(ObsEndpoint("127.0.0.1", obs.port), obs.password)
    readings = _TimedReadings({MAIN_OBS: feed})
    # All seven on one OBS: the desk follows a plan whatever its problems.
    plan = default_plan(FLOOR, LANGUAGES[1:], (MAIN_OBS,))
    desk = InterpretationDesk(plan, FLOOR, runner, asrun, read_meters=readings)
    panel = ChannelsPanel(desk, lambda: datetime.now(UTC))
    feed.start()
    try:
        await feed.connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=15)
        next_segment = runner.next_segment()
        assert next_segment is not None
        await runner.go_live(next_segment.id)  # on air: silence counts
        desk.start()
        panel.resize(900, 300)
        panel.show()
        await asyncio.sleep(WARM_UP_S)
        readings.ages_ms.clear()
        frames_before = feed.frames_received
        wall0, main0, process0 = time.monotonic(), time.thread_time(), time.process_time()
        await asyncio.sleep(PHASE_S)
        wall = time.monotonic() - wall0
        main = time.thread_time() - main0
        return PhaseResult(
            frames_per_s=(feed.frames_received - frames_before) / wall,
            reader_share=main / wall, main_thread_share=main / wall,
            process_share=(time.process_time() - process0) / wall,
            ages_ms=list(readings.ages_ms))
    finally:
        panel.close()
        panel.deleteLater()
        await desk.close()
        await feed.stop()
        await runner.close()
        writer.close()


def _window_phase(obs: PrivateObs, folder: Path) -> PhaseResult:
    app = QApplication.instance() or QApplication([])
    app.setQuitOnLastWindowClosed(False)  # closing the matrix must not end the loop
    loop = qasync.QEventLoop(app)
    try:
        return run_to_completion(loop, _window(obs, folder))
    finally:
        run_to_completion(loop, loop.shutdown_default_executor())
        loop.close()


def measure() -> tuple[PhaseResult, PhaseResult, PhaseResult]:
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
        return baseline, console, _window_phase(obs, home)
    finally:
        obs.stop()
        display.stop()


def _share(value: float) -> str:
    return f"{value * 100:.2f}%"


def run_meter_bench() -> list[str]:
    """Markdown rows: ``| what | baseline | console | ratio / difference | target |``."""
    bare, console, window = measure()
    what = f"{len(LANGUAGES)} metered channels, 10 Hz reader, {PHASE_S:.0f} s"
    baseline = "(baseline: bare obsws-python EventClient)"
    shown = f"{len(LANGUAGES)} metered channels on air in the stage window's matrix " \
        f"(desk at 10 Hz, meters painted every 50 ms, Qt offscreen), {PHASE_S:.0f} s"
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
        f"| {shown}: all main-thread time, share of one core (baseline: the bare reader "
        f"above) | {_share(bare.main_thread_share)} | {_share(window.main_thread_share)} | "
        f"{window.main_thread_share / bare.main_thread_share:.2f}x | under "
        f"{TARGET_SHARE * 100:.0f}% |",
        f"| {shown}: meter age at display, median / p95 | "
        f"{bare.median_age_ms:.1f} / {bare.p95_age_ms:.1f} ms | "
        f"{window.median_age_ms:.1f} / {window.p95_age_ms:.1f} ms | "
        f"{window.median_age_ms - bare.median_age_ms:+.1f} ms | under "
        f"{TARGET_AGE_MS:.0f} ms |",
    ]


if __name__ == "__main__":
    from console import logs

    logs.configure("WARNING")
    print("\n".join(run_meter_bench()))
