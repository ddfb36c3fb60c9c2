"""Reading OBS's health: ``GetStats``, ``GetStreamStatus``, ``GetRecordStatus`` and the
configured frame rate, in the background lane, as one :class:`HealthReading`.

The requests go through :meth:`ObsGateway.background` whatever gateway is handed in,
so a reading never waits in front of a take. Every field of OBS's answers is checked
(``console/models/stream_health.py``): a missing or malformed one reads as None for
that metric; only a failed request raises (an :class:`~console.obs.errors.ObsError`).

What OBS 29.0.2 (obs-websocket 5.1.0) sends, checked against it: ``availableDiskSpace``
in MiB of the disk OBS records to (0 when that folder does not exist); ``cpuUsage`` as a
share of the whole machine; ``outputBytes``, ``outputDuration`` and the frame counters
of the stream start from 0 again after each reconnection; ``outputCongestion`` is 0
when OBS cannot tell (it turns libobs' NaN into 0).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from console.models.stream_health import (
    HealthReading,
    RecordStatus,
    StreamStatus,
    checked_count,
    checked_flag,
    checked_number,
    checked_timecode,
)
from console.obs.gateway import ObsGateway

POLL_INTERVAL_S = 2.0  # how often the health monitor reads OBS, by default
# Above any frame rate OBS offers (its highest common rate is 240): a bigger one is garbage.
MAX_FPS = 1000.0


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def read_health(gateway: ObsGateway, clock: Callable[[], datetime] = _utc_now,
                      monotonic: Callable[[], float] = time.monotonic) -> HealthReading:
    """One reading of ``gateway``'s OBS, in its background lane, stamped by ``clock()``
    and ``monotonic()`` when the stream's byte count has arrived (bitrates are counted
    between two stamps)."""
    obs = gateway.background()
    stream = await obs.stream_status()
    at, stamp = clock(), monotonic()
    stats = await obs.stats()
    record = await obs.record_status()
    video = await obs.video_settings()
    return health_from_answers(obs.name, at, stats=stats, stream=stream, record=record,
                               video=video, monotonic=stamp)


def health_from_answers(obs: str, at: datetime, *, stats: Mapping[str, Any],
                        stream: Mapping[str, Any], record: Mapping[str, Any],
                        video: Mapping[str, Any],
                        monotonic: float | None = None) -> HealthReading:
    """The reading in OBS's answers; whatever does not read is None, nothing raises."""
    return HealthReading(
        at=at, obs=obs, monotonic=monotonic,
        cpu_percent=checked_number(stats.get("cpuUsage")),
        memory_mb=checked_number(stats.get("memoryUsage")),
        disk_free_mb=checked_number(stats.get("availableDiskSpace")),
        fps=checked_number(stats.get("activeFps"), at_most=MAX_FPS),
        configured_fps=configured_fps(video),
        frame_render_ms=checked_number(stats.get("averageFrameRenderTime")),
        render_missed=checked_count(stats.get("renderSkippedFrames")),
        render_total=checked_count(stats.get("renderTotalFrames")),
        encoder_skipped=checked_count(stats.get("outputSkippedFrames")),
        encoder_total=checked_count(stats.get("outputTotalFrames")),
        stream=StreamStatus(
            active=checked_flag(stream.get("outputActive")),
            reconnecting=checked_flag(stream.get("outputReconnecting")),
            timecode=checked_timecode(stream.get("outputTimecode")),
            duration_ms=checked_count(stream.get("outputDuration")),
            congestion=checked_number(stream.get("outputCongestion"), at_most=1.0),
            bytes=checked_count(stream.get("outputBytes")),
            dropped_frames=checked_count(stream.get("outputSkippedFrames")),
            total_frames=checked_count(stream.get("outputTotalFrames")),
        ),
        record=RecordStatus(
            active=checked_flag(record.get("outputActive")),
            paused=checked_flag(record.get("outputPaused")),
            timecode=checked_timecode(record.get("outputTimecode")),
            duration_ms=checked_count(record.get("outputDuration")),
            bytes=checked_count(record.get("outputBytes")),
        ),
    )


def configured_fps(video: Mapping[str, Any]) -> float | None:
    """The frame rate OBS renders at (``fpsNumerator / fpsDenominator``), else None."""
    numerator = checked_number(video.get("fpsNumerator"))
    denominator = checked_number(video.get("fpsDenominator"))
    if not numerator or not denominator:
        return None
    fps = numerator / denominator
    return fps if fps <= MAX_FPS else None
