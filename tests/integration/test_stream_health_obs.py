"""OBS's health against a real OBS 29: readings with real values, alarms that trip and
clear, a recording, a stream to a server that refuses it, a stream whose server goes and
comes back (ffmpeg as the server), and OBS killed while it is being read.

What OBS 29.0.2 does, seen here: a stream to a closed port goes STARTING then STOPPED
within a tenth of a second, never STARTED and never reconnecting (the as-run says
``start_failed``); a stream whose server goes away sends RECONNECTING once per retry
(saying "not active", while GetStreamStatus says active and reconnecting), then
RECONNECTED, and counts its bytes and frames from zero again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import obsws_python
import pytest

from console.models.asrun import AsRunKind, ConsoleRole
from console.models.obs_state import ConnectionState
from console.models.stream_health import (
    CPU_HIGH,
    DISK_LOW,
    STREAM_RECONNECTING,
    HealthReading,
    HealthThresholds,
    trusted_timecode,
)
from console.obs.connection import ObsConnection
from console.obs.display import VirtualDisplay
from console.obs.endpoint import ObsEndpoint
from console.obs.gateway import ObsGateway
from console.obs.mirror import ObsMirror
from console.obs.private_obs import PrivateObs, free_port
from console.services.asrun_log import AsRunLog
from console.services.asrun_recorder import AsRunRecorder
from console.services.stream_health import StreamHealthMonitor
from console.store.asrun import AsRunWriter
from console.store.database import open_database
from tests.helpers.loops import LoopRunner, until
from tests.helpers.obs import bare_client, write_profile
from tests.helpers.rtmp import RtmpServer
from tests.helpers.store import stored_details, stored_obs_stats

pytestmark = pytest.mark.obs

# Never raises a thing: what "every alarm off" takes.
QUIET = HealthThresholds(cpu_percent=1e9, fps_ratio=0.0, disk_min_mb=0.0, disk_min_minutes=0.0,
                         congestion=1.0, lost_percent=100.0, bitrate_floor_kbps=0.0,
                         clear_after=1)


@dataclass
class HealthConsole:
    """What the console runs for one OBS's health: connection, mirror, as-run recorder and
    the monitor, over a real store."""

    connection: ObsConnection
    mirror: ObsMirror
    monitor: StreamHealthMonitor
    writer: AsRunWriter
    db_path: Path
    readings: list[HealthReading] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)

    def output_rows(self, kind: AsRunKind) -> list[dict[str, Any]]:
        """The recorder's rows of ``kind`` (the monitor's alarm rows left out)."""
        return [row for row in self._rows(kind) if "alarm" not in row]

    def alarm_rows(self) -> list[dict[str, Any]]:
        return [row for row in self._rows(AsRunKind.STREAM) if "alarm" in row]

    def _rows(self, kind: AsRunKind) -> list[dict[str, Any]]:
        return stored_details(self.writer, self.db_path, kind)

    def samples(self) -> list[dict[str, Any]]:
        return stored_obs_stats(self.writer, self.db_path)


@asynccontextmanager
async def health_console(obs: PrivateObs, tmp_path: Path,
                         thresholds: HealthThresholds | None = None,
                         every_s: float = 0.5) -> AsyncIterator[HealthConsole]:
    db_path = tmp_path / "show.sqlite"
    open_database(db_path).close()
    writer = AsRunWriter(db_path)
    connection = ObsConnection(ObsEndpoint("127.0.0.1", obs.port), obs.password)
    mirror = ObsMirror(connection)
    asrun = AsRunLog(writer, "test", ConsoleRole.STAGE)
    recorder = AsRunRecorder(mirror, asrun)
    monitor = StreamHealthMonitor(ObsGateway(connection), asrun, writer, thresholds=thresholds,
                                  every_s=every_s)
    console = HealthConsole(connection, mirror, monitor, writer, db_path)
    monitor.reading.connect(console.readings.append)
    monitor.unavailable.connect(console.unavailable.append)
    connection.start()
    monitor.start()
    try:
        await connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=10)
        await mirror.wait_synced(10)
        yield console
    finally:
        await monitor.close()
        recorder.close()
        await mirror.close()
        await connection.stop()
        writer.close(10)


def recording_for_a_while(console: HealthConsole) -> bool:
    """Recording, its bitrate known, its timecode past zero and following the clock."""
    read, interval = console.monitor.latest, console.monitor.latest_interval
    return read is not None and read.recording and bool(interval.record_kbps) \
        and trusted_timecode(read.record, interval.record_clock_ok) not in (None, "00:00:00")


@pytest.fixture
def light_obs(virtual_display: VirtualDisplay, tmp_path: Path) -> Iterator[PrivateObs]:
    """An OBS of the test's own with a light picture, recording into tmp_path/recordings."""
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    # 320x180 at 10 fps: software rendering and x264 stay well within a small machine.
    write_profile(tmp_path / "obs", recordings, (320, 180, 10))
    obs = PrivateObs(home=tmp_path / "obs", display=virtual_display)
    obs.start()
    yield obs
    obs.stop()


@pytest.fixture
def obs_client(light_obs: PrivateObs) -> Iterator[obsws_python.ReqClient]:
    """Someone at OBS's own controls."""
    client = bare_client(light_obs)
    yield client
    client.disconnect()


async def stopped(client: obsws_python.ReqClient, status_request: str) -> None:
    """Wait until OBS has finished stopping an output (its file or connection closed): OBS
    29 asked to quit meanwhile does not quit."""
    for _ in range(200):
        if not client.send(status_request, raw=True)["outputActive"]:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{status_request}: the output did not stop")


def test_readings_have_real_values(aio: LoopRunner, shared_obs: PrivateObs,
                                   tmp_path: Path) -> None:
    async def scenario() -> None:
        async with health_console(shared_obs, tmp_path) as console:
            await until(lambda: len(console.readings) >= 3 and console.readings[-1].fps,
                        20, "readings with frames rendered")
            read = console.readings[-1]
            video = await console.connection.request("GetVideoSettings")
            assert read.obs == "main"
            assert read.fps is not None
            assert read.fps > 0
            assert read.disk_free_mb is not None
            assert read.disk_free_mb > 0
            assert read.cpu_percent is not None
            assert read.memory_mb is not None
            assert read.memory_mb > 0
            assert read.configured_fps == video["fpsNumerator"] / video["fpsDenominator"]
            assert read.render_total is not None
            assert read.render_total > 0
            assert read.stream.active is False
            assert read.stream.timecode == "00:00:00.000"
            assert read.record.active is False
            assert read.record.paused is False
            interval = console.monitor.latest_interval
            assert interval.seconds is not None
            assert interval.seconds > 0
            assert interval.render is not None
            assert interval.render.total > 0
            samples = console.samples()
            assert len(samples) >= 3
            assert samples[-1]["disk_free_mb"] > 0

    aio.run(scenario())


def test_alarms_trip_and_clear(aio: LoopRunner, shared_obs: PrivateObs, tmp_path: Path) -> None:
    tripping = HealthThresholds(cpu_percent=-1, disk_min_mb=1e12, clear_after=1)

    async def scenario() -> None:
        async with health_console(shared_obs, tmp_path, thresholds=tripping) as console:
            await until(lambda: {CPU_HIGH, DISK_LOW} <= {a.key for a in console.monitor.alarms},
                        20, "the CPU and disk alarms")
            disk = next(a for a in console.monitor.alarms if a.key == DISK_LOW)
            assert disk.text.startswith("Disk: ")
            assert disk.text.endswith(" GB left")
            console.monitor.set_thresholds(QUIET)
            await until(lambda: console.monitor.alarms == (), 20, "every alarm cleared")
            rows = {(row["alarm"], row["state"]) for row in console.alarm_rows()}
            assert {(CPU_HIGH, "raised"), (DISK_LOW, "raised"), (CPU_HIGH, "cleared"),
                    (DISK_LOW, "cleared")} <= rows

    aio.run(scenario())


def test_a_recording_reads_active_with_its_timecode_and_goes_in_the_asrun(
        aio: LoopRunner, light_obs: PrivateObs, obs_client: obsws_python.ReqClient,
        tmp_path: Path) -> None:
    recordings = tmp_path / "recordings"
    assert obs_client.send("GetRecordDirectory", raw=True)["recordDirectory"] == str(recordings)

    async def scenario() -> None:
        async with health_console(light_obs, tmp_path) as console:
            obs_client.send("StartRecord")
            try:
                await until(lambda: recording_for_a_while(console), 30,
                            "a recording with a timecode and a bitrate")
                record = console.readings[-1].record
                assert record.bytes is not None
                assert record.bytes > 0
                assert record.paused is False
            finally:
                obs_client.send("StopRecord")
                await stopped(obs_client, "GetRecordStatus")
            await until(lambda: len(console.output_rows(AsRunKind.RECORD)) >= 2, 20,
                        "the recording's rows")
            assert console.output_rows(AsRunKind.RECORD) == [
                {"obs": "main", "active": True}, {"obs": "main", "active": False}]
            assert any(sample["record"]["active"] for sample in console.samples())
        assert [path.suffix for path in recordings.iterdir()] == [".mkv"]

    aio.run(scenario())


def test_a_recording_never_shows_longer_than_it_has_run(
        aio: LoopRunner, light_obs: PrivateObs, obs_client: obsws_python.ReqClient,
        tmp_path: Path) -> None:
    """OBS 29.0.2 sends garbage for a recording's timecode once its video settings were
    changed while it ran (seen: 3839318:40:56, or 01:50:35 a second into the recording,
    or 00:00:00 for ever); whatever it sends, the timecode the console shows never runs
    ahead of the clock."""
    obs_client.send("SetVideoSettings", {"baseWidth": 320, "baseHeight": 180,
                                         "outputWidth": 320, "outputHeight": 180,
                                         "fpsNumerator": 15, "fpsDenominator": 1})
    shown: list[tuple[float, str]] = []

    async def scenario() -> None:
        async with health_console(light_obs, tmp_path) as console:
            def note(read: HealthReading) -> None:
                timecode = trusted_timecode(read.record,
                                            console.monitor.latest_interval.record_clock_ok)
                if timecode is not None:
                    shown.append((time.monotonic() - started, timecode))

            console.monitor.reading.connect(note)
            started = time.monotonic()
            obs_client.send("StartRecord")
            try:
                await until(lambda: console.monitor.latest is not None
                            and (console.monitor.latest.record.bytes or 0) > 0
                            and len(console.readings) >= 8, 30, "a recording read a while")
            finally:
                obs_client.send("StopRecord")
                await stopped(obs_client, "GetRecordStatus")

    aio.run(scenario())
    for elapsed_s, timecode in shown:
        hours, minutes, seconds = (int(part) for part in timecode.split(":"))
        assert hours * 3600 + minutes * 60 + seconds <= elapsed_s + 1, shown


def test_a_stream_to_a_server_that_refuses_never_starts(
        aio: LoopRunner, light_obs: PrivateObs, obs_client: obsws_python.ReqClient,
        tmp_path: Path) -> None:
    obs_client.send("SetStreamServiceSettings", {
        "streamServiceType": "rtmp_custom",
        "streamServiceSettings": {"server": f"rtmp://127.0.0.1:{free_port()}/live",
                                  "key": "test"}})

    async def scenario() -> None:
        async with health_console(light_obs, tmp_path) as console:
            obs_client.send("StartStream")
            await until(lambda: console.output_rows(AsRunKind.STREAM), 20, "a stream row")
            assert console.output_rows(AsRunKind.STREAM) == [
                {"obs": "main", "phase": "start_failed"}]
            count = len(console.readings)
            await until(lambda: len(console.readings) > count + 1, 20, "readings after it")
            assert console.readings[-1].stream.active is False
            assert console.readings[-1].stream.reconnecting is False
            assert STREAM_RECONNECTING not in {a.key for a in console.monitor.alarms}

    aio.run(scenario())


def test_a_stream_whose_server_goes_reconnects_and_the_asrun_says_so(
        aio: LoopRunner, light_obs: PrivateObs, obs_client: obsws_python.ReqClient,
        tmp_path: Path) -> None:
    server = RtmpServer(tmp_path / "ffmpeg.log")
    obs_client.send("SetStreamServiceSettings", {
        "streamServiceType": "rtmp_custom",
        "streamServiceSettings": {"server": server.server, "key": server.key}})
    # OBS waits 2 s before its first retry, longer after each: 1 s keeps the test short.
    obs_client.send("SetProfileParameter", {"parameterCategory": "Output",
                                            "parameterName": "RetryDelay",
                                            "parameterValue": "1"})

    def alarm_keys(console: HealthConsole) -> set[str]:
        return {alarm.key for alarm in console.monitor.alarms}

    async def scenario() -> None:
        async with health_console(light_obs, tmp_path) as console:
            server.start()
            obs_client.send("StartStream")
            await until(lambda: (console.monitor.latest_interval.stream_kbps or 0) > 0, 30,
                        "the stream's bitrate")
            assert console.readings[-1].stream.reconnecting is False
            server.kill()
            await until(lambda: STREAM_RECONNECTING in alarm_keys(console), 30,
                        "the reconnecting alarm")
            assert console.mirror.snapshot.stream.active
            assert console.mirror.snapshot.stream.reconnecting
            await asyncio.to_thread(server.start)
            await until(lambda: STREAM_RECONNECTING not in alarm_keys(console)
                        and (console.monitor.latest_interval.stream_kbps or 0) > 0, 60,
                        "the stream back, with a bitrate")
            obs_client.send("StopStream")
            await stopped(obs_client, "GetStreamStatus")
            assert console.output_rows(AsRunKind.STREAM) == [
                {"obs": "main", "active": True},
                {"obs": "main", "phase": "reconnecting"},
                {"obs": "main", "phase": "reconnected"},
                {"obs": "main", "active": False},
            ]
            # The reconnection is the recorder's to write, not the monitor's.
            assert STREAM_RECONNECTING not in {row["alarm"] for row in console.alarm_rows()}

    try:
        aio.run(scenario(), timeout_s=120)
    finally:
        server.kill()


def test_obs_killed_while_being_read_is_waited_for_and_read_again(
        aio: LoopRunner, own_obs: PrivateObs, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with health_console(own_obs, tmp_path, every_s=0.2) as console:
            await until(lambda: len(console.readings) >= 2, 20, "readings")
            said = len(console.unavailable)  # "OBS is connecting", before the first reading
            own_obs.kill()
            await until(lambda: len(console.unavailable) > said, 10,
                        "the readings said to be gone")
            assert console.unavailable[said:] == ["OBS is reconnecting"]
            assert console.monitor.latest is None
            before = len(console.readings)
            await asyncio.to_thread(own_obs.start)
            await until(lambda: len(console.readings) > before + 1, 30, "readings again")
            assert console.monitor.unavailable_reason is None
            assert console.readings[-1].fps is not None

    aio.run(scenario(), timeout_s=90)
