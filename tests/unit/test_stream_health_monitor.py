"""The stream health monitor, fed readings by hand: alarms raised and cleared in the as-run
log (and nothing else there), every reading in obs_stats, OBS lost and back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from console.models.asrun import AsRunKind, ConsoleRole
from console.models.obs_state import ConnectionState
from console.models.stream_health import (
    CPU_HIGH,
    STREAM_RECONNECTING,
    HealthAlarm,
    HealthReading,
    HealthThresholds,
    StreamStatus,
)
from console.obs.connection import ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.gateway import ObsGateway
from console.services.asrun_log import AsRunLog
from console.services.stream_health import StreamHealthMonitor
from console.store.asrun import AsRunWriter
from console.store.database import open_database
from tests.helpers.loops import LoopRunner
from tests.helpers.store import stored_details, stored_obs_stats

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def reading(n: int, **changes: Any) -> HealthReading:
    """The n-th reading (two seconds apart) of a healthy OBS."""
    healthy = HealthReading(at=T0 + timedelta(seconds=2 * n), cpu_percent=20.0,
                            disk_free_mb=200_000.0, fps=30.0, configured_fps=30.0,
                            render_missed=0, render_total=1000 + 60 * n, encoder_skipped=0,
                            encoder_total=1000 + 60 * n)
    return replace(healthy, **changes)


class Console:
    """A monitor on a connection that is never started, with a real store."""

    def __init__(self, tmp_path: Path, aio: LoopRunner, *, runs_the_show: bool = True,
                 thresholds: HealthThresholds | None = None) -> None:
        self.db_path = tmp_path / "show.sqlite"
        open_database(self.db_path).close()
        self.aio = aio
        self.writer = AsRunWriter(self.db_path)
        self.connection = ObsConnection(ObsEndpoint("127.0.0.1", 1), "not-used")
        self.monitor = StreamHealthMonitor(
            ObsGateway(self.connection), AsRunLog(self.writer, "test", ConsoleRole.STAGE),
            self.writer, thresholds=thresholds, runs_the_show=lambda: runs_the_show)
        self.alarms: list[tuple[HealthAlarm, ...]] = []
        self.unavailable: list[str] = []
        self.monitor.alarms_changed.connect(self.alarms.append)
        self.monitor.unavailable.connect(self.unavailable.append)

    def asrun(self) -> list[dict[str, Any]]:
        return stored_details(self.writer, self.db_path, AsRunKind.STREAM)

    def samples(self) -> list[dict[str, Any]]:
        return stored_obs_stats(self.writer, self.db_path)

    def close(self) -> None:
        self.aio.run(self.monitor.close())
        self.writer.close(5)


@pytest.fixture
def console(tmp_path: Path, aio: LoopRunner) -> Iterator[Console]:
    made = Console(tmp_path, aio)
    yield made
    made.close()


def test_an_alarm_is_raised_once_and_cleared_once(console: Console) -> None:
    console.monitor.accept(reading(0))
    console.monitor.accept(reading(1, cpu_percent=97.0))
    console.monitor.accept(reading(2, cpu_percent=99.0))
    for n in range(3, 6):
        console.monitor.accept(reading(n))

    assert console.asrun() == [
        {"obs": "main", "alarm": CPU_HIGH, "state": "raised", "severity": "warning",
         "text": "OBS CPU 97 %"},
        {"obs": "main", "alarm": CPU_HIGH, "state": "cleared", "text": "OBS CPU 99 %"},
    ]
    assert [[alarm.text for alarm in alarms] for alarms in console.alarms] == [
        ["OBS CPU 97 %"], ["OBS CPU 99 %"], []]
    assert console.monitor.alarms == ()


def test_every_reading_is_a_sample_with_its_interval(console: Console) -> None:
    for n in range(3):
        console.monitor.accept(reading(n, cpu_percent=90.0 if n == 1 else 20.0))

    samples = console.samples()

    assert len(samples) == 3
    assert samples[0]["interval_s"] is None
    assert samples[1]["interval_s"] == 2.0
    assert samples[1]["render_due"] == 60
    assert samples[1]["cpu_percent"] == 90.0
    assert samples[1]["alarms"] == [CPU_HIGH]
    assert samples[2]["alarms"] == [CPU_HIGH]  # it stands until it has been gone a while


def test_the_reconnecting_alarm_is_shown_but_left_to_the_asrun_recorder(
        console: Console) -> None:
    stream = StreamStatus(active=True, reconnecting=True, bytes=0, duration_ms=60_000)
    console.monitor.accept(reading(0, stream=stream))
    # As OBS 29 counts after a reconnection: from zero again.
    console.monitor.accept(reading(1, stream=replace(stream, reconnecting=False,
                                                     bytes=63_410, duration_ms=300)))

    assert [[alarm.key for alarm in alarms] for alarms in console.alarms] == [
        [STREAM_RECONNECTING], []]
    assert console.asrun() == []


def test_losing_obs_withdraws_the_alarms_and_says_why(console: Console) -> None:
    console.connection.state_changed.emit(ConnectionState.CONNECTED)
    console.monitor.accept(reading(0, cpu_percent=97.0))

    console.connection.state_changed.emit(ConnectionState.RECONNECTING)

    assert console.unavailable == ["OBS is reconnecting"]
    assert console.monitor.unavailable_reason == "OBS is reconnecting"
    assert console.monitor.alarms == ()
    assert console.monitor.latest is None
    assert console.asrun()[-1] == {"obs": "main", "alarm": CPU_HIGH, "state": "cleared",
                                   "text": "OBS CPU 97 %",
                                   "reason": "no readings: OBS is reconnecting"}
    console.monitor.accept(reading(5))
    assert console.monitor.unavailable_reason is None
    assert console.monitor.latest_interval.seconds is None  # nothing across the gap


def test_thresholds_changed_apply_to_the_next_reading(console: Console) -> None:
    console.monitor.accept(reading(0))
    console.monitor.set_thresholds(HealthThresholds(cpu_percent=-1, clear_after=1))
    console.monitor.accept(reading(1))
    assert [alarm.key for alarm in console.monitor.alarms] == [CPU_HIGH]

    console.monitor.set_thresholds(HealthThresholds(clear_after=1))
    console.monitor.accept(reading(2))
    assert console.monitor.alarms == ()


def test_a_console_that_follows_shows_alarms_and_writes_nothing(tmp_path: Path,
                                                                aio: LoopRunner) -> None:
    follower = Console(tmp_path, aio, runs_the_show=False)
    try:
        follower.monitor.accept(reading(0, cpu_percent=97.0))
        assert [alarm.key for alarm in follower.monitor.alarms] == [CPU_HIGH]
        assert follower.asrun() == []
        assert follower.samples() == []
    finally:
        follower.close()


def test_a_closed_store_does_not_stop_the_readings(tmp_path: Path, aio: LoopRunner) -> None:
    closing = Console(tmp_path, aio)
    closing.writer.close(5)
    seen: list[HealthReading] = []
    closing.monitor.reading.connect(seen.append)

    closing.monitor.accept(reading(0, cpu_percent=97.0))

    assert len(seen) == 1
    assert [alarm.key for alarm in closing.monitor.alarms] == [CPU_HIGH]
    aio.run(closing.monitor.close())
