"""How OBS is coping: readings of its stats, stream and recording, and the alarms they raise.

A :class:`HealthReading` is what one poll of OBS gave (``GetStats``, ``GetStreamStatus``,
``GetRecordStatus`` and the configured frame rate). OBS's counters only ever grow
while an output runs, so what matters happened *between* two readings:
:func:`health_interval` turns two readings into bitrates (kbit/s, from the outputs'
byte counters) and frames lost over that interval, as OBS's own stats window counts
them:

- *render missed*: frames the renderer did not produce in time (``renderSkippedFrames``
  of ``renderTotalFrames``), a GPU or scene too heavy;
- *encoder skipped*: frames the encoder could not keep up with (``GetStats``'
  ``outputSkippedFrames`` of ``outputTotalFrames``), a CPU or encoder setting too heavy;
- *network dropped*: frames the stream dropped because the network did not take them
  (``GetStreamStatus``' ``outputSkippedFrames`` of ``outputTotalFrames``).

:func:`health_alarms` says what an operator must look at, with
:class:`HealthThresholds`; :class:`AlarmBoard` keeps alarms standing until their
condition has been gone for a few readings, so a value wavering around a threshold
raises one alarm, not one a reading. Whether the stream *should* be on is not judged
here: a stopped stream is a state, not an alarm.

Every value is checked where it enters (:func:`checked_number` and friends): a field
OBS left out, or sent as something else (a string, NaN, a negative count), is None
for that metric, never an exception. Nothing here reads a clock.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from types import MappingProxyType
from typing import Any

from console.models.errors import InvalidValue

MB_PER_GB = 1024.0  # OBS counts disk space in MiB; "GB" here is 1024 of them, as OBS shows it

# Alarm keys: stable names, for the as-run log and the window.
STREAM_RECONNECTING = "stream_reconnecting"
BITRATE_LOW = "bitrate_low"
NETWORK_DROPPED = "network_dropped"
RENDER_MISSED = "render_missed"
ENCODER_SKIPPED = "encoder_skipped"
CONGESTION = "congestion"
FPS_LOW = "fps_low"
CPU_HIGH = "cpu_high"
DISK_LOW = "disk_low"
# The order alarms are listed in, within a severity.
ALARM_ORDER = (STREAM_RECONNECTING, BITRATE_LOW, NETWORK_DROPPED, RENDER_MISSED,
               ENCODER_SKIPPED, DISK_LOW, CONGESTION, FPS_LOW, CPU_HIGH)
# States rather than measurements: they go as soon as OBS says so, without waiting.
CLEARS_AT_ONCE = frozenset({STREAM_RECONNECTING})

_TIMECODE = re.compile(r"^(\d{2,}):([0-5]\d):([0-5]\d)(?:\.\d{1,3})?$")


# -- values as they enter --------------------------------------------------------------

def checked_number(value: object, *, at_most: float | None = None) -> float | None:
    """A finite, non-negative number (at most ``at_most``), else None. Booleans are not
    numbers here, though Python counts them as such."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    if not math.isfinite(number) or number < 0 or (at_most is not None and number > at_most):
        return None
    return number


def checked_count(value: object) -> int | None:
    """A non-negative whole number (a frame or byte counter), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and math.isfinite(value) and value >= 0 and value.is_integer():
        return int(value)
    return None


def checked_flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def checked_timecode(value: object) -> str | None:
    """OBS's ``HH:MM:SS.mmm`` timecode, else None."""
    return value if isinstance(value, str) and _TIMECODE.match(value) else None


# -- readings ----------------------------------------------------------------------------

@dataclass(frozen=True)
class StreamStatus:
    """``GetStreamStatus``: None wherever OBS's answer had no usable value."""

    active: bool | None = None
    reconnecting: bool | None = None
    timecode: str | None = None  # "HH:MM:SS.mmm" since the stream (re)started
    duration_ms: int | None = None
    congestion: float | None = None  # 0 (none) to 1
    bytes: int | None = None  # sent since the stream (re)started
    dropped_frames: int | None = None  # dropped because the network did not take them
    total_frames: int | None = None


@dataclass(frozen=True)
class RecordStatus:
    """``GetRecordStatus``: None wherever OBS's answer had no usable value."""

    active: bool | None = None
    paused: bool | None = None
    timecode: str | None = None
    duration_ms: int | None = None
    bytes: int | None = None


@dataclass(frozen=True)
class HealthReading:
    """One poll of one OBS. ``at`` is when it was taken (aware, UTC); ``monotonic``, when
    known, a monotonic clock's seconds then: intervals are counted with it, so a wall clock
    set back or forward never makes a bitrate."""

    at: datetime
    obs: str = "main"
    monotonic: float | None = None
    cpu_percent: float | None = None  # OBS's process, as a share of the whole machine
    memory_mb: float | None = None
    disk_free_mb: float | None = None  # where OBS records
    fps: float | None = None  # frames OBS rendered in the last second
    configured_fps: float | None = None  # the frame rate OBS is set to render
    frame_render_ms: float | None = None  # average time to render a frame
    render_missed: int | None = None  # frames missed because rendering lagged
    render_total: int | None = None
    encoder_skipped: int | None = None  # frames skipped because encoding lagged
    encoder_total: int | None = None
    stream: StreamStatus = field(default_factory=StreamStatus)
    record: RecordStatus = field(default_factory=RecordStatus)

    def __post_init__(self) -> None:
        if self.at.utcoffset() is None:
            raise ValueError("a health reading's time must be timezone-aware")

    @property
    def streaming(self) -> bool:
        return self.stream.active is True

    @property
    def recording(self) -> bool:
        return self.record.active is True

    def as_stats(self) -> dict[str, Any]:
        """The reading as plain JSON values (the ``obs_stats`` table's ``stats``)."""
        values: dict[str, Any] = {
            f.name: getattr(self, f.name) for f in fields(self)
            if f.name not in ("at", "obs", "monotonic", "stream", "record")}
        values["stream"] = {f.name: getattr(self.stream, f.name) for f in fields(self.stream)}
        values["record"] = {f.name: getattr(self.record, f.name) for f in fields(self.record)}
        return values


# -- what happened between two readings ---------------------------------------------------

@dataclass(frozen=True)
class FrameLoss:
    """Frames lost out of the frames due, over one interval."""

    lost: int
    total: int

    @property
    def percent(self) -> float | None:
        return 100.0 * self.lost / self.total if self.total > 0 else None


@dataclass(frozen=True)
class HealthInterval:
    """What happened between two readings; None where it cannot be told (the first
    reading, a counter that went back because an output restarted, a value missing)."""

    seconds: float | None = None
    stream_kbps: float | None = None
    record_kbps: float | None = None
    render: FrameLoss | None = None  # render missed
    encoder: FrameLoss | None = None  # encoder skipped
    network: FrameLoss | None = None  # network dropped (only while streaming)
    # Whether the output's duration (its timecode) moved with the clock: OBS 29.0.2 sends
    # garbage for the recording's once its video settings were changed while it ran.
    stream_clock_ok: bool | None = None
    record_clock_ok: bool | None = None

    @property
    def worst_loss_percent(self) -> float | None:
        """The highest share of frames lost by any of the three, over the interval."""
        shares = [loss.percent for loss in (self.render, self.encoder, self.network)
                  if loss is not None and loss.percent is not None]
        return max(shares) if shares else None

    def as_stats(self) -> dict[str, Any]:
        values: dict[str, Any] = {"interval_s": self.seconds, "stream_kbps": self.stream_kbps,
                                  "record_kbps": self.record_kbps,
                                  "stream_clock_ok": self.stream_clock_ok,
                                  "record_clock_ok": self.record_clock_ok}
        for name in ("render", "encoder", "network"):
            loss: FrameLoss | None = getattr(self, name)
            values[f"{name}_lost"] = loss.lost if loss else None
            values[f"{name}_due"] = loss.total if loss else None
        return values


def bitrate_kbps(bytes_before: int | None, bytes_after: int | None,
                 seconds: float | None) -> float | None:
    """kbit/s from two readings of a byte counter ``seconds`` apart; None when a value is
    missing, no time passed, or the counter went back (the output restarted)."""
    if bytes_before is None or bytes_after is None or seconds is None or seconds <= 0:
        return None
    if bytes_after < bytes_before:
        return None
    return (bytes_after - bytes_before) * 8 / 1000.0 / seconds


def frame_loss(lost_before: int | None, total_before: int | None, lost_after: int | None,
               total_after: int | None) -> FrameLoss | None:
    """Frames lost between two readings of a (lost, total) pair of counters; None when a
    value is missing or a counter went back (OBS or the output restarted)."""
    if lost_before is None or total_before is None or lost_after is None \
            or total_after is None:
        return None
    lost, total = lost_after - lost_before, total_after - total_before
    if lost < 0 or total < 0:
        return None
    return FrameLoss(lost, max(total, lost))


def clock_followed(before: StreamStatus | RecordStatus, after: StreamStatus | RecordStatus,
                   seconds: float | None) -> bool | None:
    """Whether an output's duration moved as the clock did between two readings
    ``seconds`` apart (not backwards, not faster than the clock, not standing still while
    bytes went out); None when it cannot be told (an output not running in both, a value
    missing, a counter that started again).

    OBS 29.0.2 counts a recording's duration from its frames and the frame time of the
    video it was started with; once the video settings were changed while OBS ran, it
    sends garbage: ``3839318:40:56.400``, ``01:50:35.724`` then ``04:18:03.357`` half a
    second later, or ``00:00:00.000`` for ever while the file grows.
    """
    if not (before.active and after.active) or seconds is None or seconds <= 0:
        return None
    if isinstance(after, StreamStatus) and (
            after.reconnecting or (isinstance(before, StreamStatus) and before.reconnecting)):
        return None
    if before.duration_ms is None or after.duration_ms is None \
            or before.bytes is None or after.bytes is None or after.bytes < before.bytes:
        return None
    advance_s = (after.duration_ms - before.duration_ms) / 1000
    if advance_s < 0 or advance_s > seconds * 1.5 + 1.0:
        return False
    return not (advance_s == 0 and after.bytes > before.bytes)


def health_interval(previous: HealthReading | None, current: HealthReading) -> HealthInterval:
    """Bitrates and frames lost between ``previous`` and ``current`` (of one OBS)."""
    if previous is None or previous.obs != current.obs:
        return HealthInterval()
    if previous.monotonic is not None and current.monotonic is not None:
        seconds = current.monotonic - previous.monotonic
    else:
        seconds = (current.at - previous.at).total_seconds()
    if seconds <= 0:
        return HealthInterval()
    stream_kbps = network = None
    # While the stream reconnects nothing goes out, and its counters start again after.
    if previous.streaming and current.streaming \
            and not (previous.stream.reconnecting or current.stream.reconnecting):
        stream_kbps = bitrate_kbps(previous.stream.bytes, current.stream.bytes, seconds)
        network = frame_loss(previous.stream.dropped_frames, previous.stream.total_frames,
                             current.stream.dropped_frames, current.stream.total_frames)
    record_kbps = None
    if previous.recording and current.recording:
        record_kbps = bitrate_kbps(previous.record.bytes, current.record.bytes, seconds)
    return HealthInterval(
        seconds=seconds, stream_kbps=stream_kbps, record_kbps=record_kbps,
        render=frame_loss(previous.render_missed, previous.render_total,
                          current.render_missed, current.render_total),
        encoder=frame_loss(previous.encoder_skipped, previous.encoder_total,
                           current.encoder_skipped, current.encoder_total),
        network=network,
        stream_clock_ok=clock_followed(previous.stream, current.stream, seconds),
        record_clock_ok=clock_followed(previous.record, current.record, seconds))


# -- words and figures -----------------------------------------------------------------

def bitrate_text(kbps: float | None) -> str:
    if kbps is None:
        return "—"
    if kbps >= 10_000:
        return f"{kbps / 1000:.1f} Mbit/s"
    return f"{kbps:,.0f} kbit/s"


def disk_text(megabytes: float | None) -> str:
    if megabytes is None:
        return "—"
    if megabytes < MB_PER_GB:
        return f"{megabytes:.0f} MB"
    return f"{megabytes / MB_PER_GB:.1f} GB"


def minutes_left(disk_free_mb: float | None, kbps: float | None) -> float | None:
    """Minutes of recording the free space holds at ``kbps``; None if either is unknown."""
    if disk_free_mb is None or kbps is None or kbps <= 0:
        return None
    return disk_free_mb * 1024 * 1024 * 8 / (kbps * 1000) / 60


def duration_text(minutes: float) -> str:
    if minutes < 120:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"


def short_timecode(timecode: str | None) -> str | None:
    """``HH:MM:SS`` of OBS's ``HH:MM:SS.mmm``."""
    if timecode is None:
        return None
    match = _TIMECODE.match(timecode)
    return f"{match.group(1)}:{match.group(2)}:{match.group(3)}" if match else None


def trusted_timecode(status: StreamStatus | RecordStatus, clock_ok: bool | None) -> str | None:
    """The output's ``HH:MM:SS`` once its duration has been seen to follow the clock."""
    return short_timecode(status.timecode) if clock_ok else None


def percent_text(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f} %"


# -- alarms ----------------------------------------------------------------------------

class Severity(enum.StrEnum):
    CRITICAL = "critical"  # viewers see or will see it now: the stream or its frames
    WARNING = "warning"  # trouble on its way: CPU, disk, congestion, frame rate


SEVERITIES: Mapping[str, Severity] = MappingProxyType({
    STREAM_RECONNECTING: Severity.CRITICAL,
    BITRATE_LOW: Severity.CRITICAL,
    NETWORK_DROPPED: Severity.CRITICAL,
    RENDER_MISSED: Severity.CRITICAL,
    ENCODER_SKIPPED: Severity.CRITICAL,
    DISK_LOW: Severity.WARNING,
    CONGESTION: Severity.WARNING,
    FPS_LOW: Severity.WARNING,
    CPU_HIGH: Severity.WARNING,
})


@dataclass(frozen=True)
class HealthAlarm:
    key: str  # one of the keys above; stable, for the as-run log
    severity: Severity
    text: str  # what the operator reads: "Stream reconnecting", "Disk: 3.2 GB left ..."


def _alarm(key: str, text: str) -> HealthAlarm:
    return HealthAlarm(key, SEVERITIES[key], text)


@dataclass(frozen=True)
class HealthThresholds:
    """When an alarm is raised. Broadcast defaults; every one can be set per show."""

    cpu_percent: float = 85.0  # OBS's share of the machine above this
    fps_ratio: float = 0.95  # rendering fewer frames than this share of the configured rate
    disk_min_mb: float = 5 * MB_PER_GB  # less free space than this where OBS records...
    disk_min_minutes: float = 30.0  # ... or less than this much recording at its bitrate
    congestion: float = 0.2  # OBS's stream congestion (0 to 1) above this
    lost_percent: float = 1.0  # frames missed, skipped or dropped over one interval
    bitrate_floor_kbps: float = 500.0  # while streaming, a stream slower than this
    bitrate_grace_s: float = 10.0  # ... once it has run this long (it starts slowly)
    clear_after: int = 3  # readings without the condition before an alarm clears

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "clear_after":
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise InvalidValue(item.name, "must be a whole number of readings, 1 "
                                                  "or more")
            elif isinstance(value, bool) or not isinstance(value, int | float) \
                    or math.isnan(value):
                raise InvalidValue(item.name, "must be a number")


def health_alarms(previous: HealthReading | None, current: HealthReading,
                  thresholds: HealthThresholds) -> list[HealthAlarm]:
    """What the operator must look at, from ``current`` and the interval since
    ``previous`` (None: only what one reading can tell), most serious first."""
    interval = health_interval(previous, current)
    alarms = [*_stream_alarms(current, interval, thresholds),
              *_frame_alarms(current, interval, thresholds),
              *_machine_alarms(current, interval, thresholds)]
    return sorted(alarms, key=_alarm_rank)


def _alarm_rank(alarm: HealthAlarm) -> tuple[int, int]:
    severity = 0 if alarm.severity is Severity.CRITICAL else 1
    order = ALARM_ORDER.index(alarm.key) if alarm.key in ALARM_ORDER else len(ALARM_ORDER)
    return severity, order


def _loss_words(loss: FrameLoss) -> str:
    return f"{loss.lost} of {loss.total} frames ({percent_text(loss.percent)})"


def _too_many(loss: FrameLoss | None, thresholds: HealthThresholds) -> bool:
    return loss is not None and loss.percent is not None \
        and loss.percent > thresholds.lost_percent


def _stream_alarms(current: HealthReading, interval: HealthInterval,
                   thresholds: HealthThresholds) -> Iterable[HealthAlarm]:
    stream = current.stream
    if not current.streaming:
        return
    if stream.reconnecting:
        yield _alarm(STREAM_RECONNECTING, "Stream reconnecting")
        return  # while it reconnects, nothing is sent: its figures say nothing more
    running_s = stream.duration_ms / 1000 if stream.duration_ms is not None else None
    if interval.stream_kbps is not None and running_s is not None \
            and running_s >= thresholds.bitrate_grace_s \
            and interval.stream_kbps < thresholds.bitrate_floor_kbps:
        yield _alarm(BITRATE_LOW, f"Stream bitrate low: {bitrate_text(interval.stream_kbps)}")
    if _too_many(interval.network, thresholds):
        assert interval.network is not None
        yield _alarm(NETWORK_DROPPED, f"Network dropped {_loss_words(interval.network)}")
    if stream.congestion is not None and stream.congestion > thresholds.congestion:
        yield _alarm(CONGESTION, f"Stream congestion {stream.congestion * 100:.0f} %")


def _frame_alarms(current: HealthReading, interval: HealthInterval,
                  thresholds: HealthThresholds) -> Iterable[HealthAlarm]:
    if _too_many(interval.render, thresholds):
        assert interval.render is not None
        yield _alarm(RENDER_MISSED, f"Render lag: missed {_loss_words(interval.render)}")
    if _too_many(interval.encoder, thresholds):
        assert interval.encoder is not None
        yield _alarm(ENCODER_SKIPPED, f"Encoder lag: skipped {_loss_words(interval.encoder)}")
    if current.fps is not None and current.configured_fps \
            and current.fps < thresholds.fps_ratio * current.configured_fps:
        yield _alarm(FPS_LOW, f"Frame rate {current.fps:.1f} of {current.configured_fps:g} fps")


def _machine_alarms(current: HealthReading, interval: HealthInterval,
                    thresholds: HealthThresholds) -> Iterable[HealthAlarm]:
    if current.cpu_percent is not None and current.cpu_percent > thresholds.cpu_percent:
        yield _alarm(CPU_HIGH, f"OBS CPU {current.cpu_percent:.0f} %")
    free = current.disk_free_mb
    if free is None:
        return
    minutes = minutes_left(free, interval.record_kbps) if current.recording else None
    if free < thresholds.disk_min_mb or (
            minutes is not None and minutes < thresholds.disk_min_minutes):
        if free == 0:  # what OBS 29 says, too, of a recording folder that does not exist
            yield _alarm(DISK_LOW, "Disk: 0 MB free, or no recording folder")
            return
        left = f" (≈ {duration_text(minutes)} of recording)" if minutes is not None else ""
        yield _alarm(DISK_LOW, f"Disk: {disk_text(free)} left{left}")


# -- alarms that stand until their condition has gone -------------------------------------

@dataclass(frozen=True)
class BoardChange:
    board: AlarmBoard
    raised: tuple[HealthAlarm, ...] = ()  # alarms new on the board
    cleared: tuple[HealthAlarm, ...] = ()  # alarms gone from it (as they last read)


@dataclass(frozen=True)
class AlarmBoard:
    """The alarms standing. An alarm is raised by the first reading that shows it and
    cleared once ``clear_after`` readings in a row have not (a state such as
    reconnecting: at once), so a value wavering around its threshold does not raise
    and clear an alarm every reading."""

    alarms: tuple[HealthAlarm, ...] = ()
    quiet: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def keys(self) -> frozenset[str]:
        return frozenset(alarm.key for alarm in self.alarms)

    def update(self, fresh: Sequence[HealthAlarm], clear_after: int) -> BoardChange:
        """The board after a reading that showed ``fresh``."""
        now = {alarm.key: alarm for alarm in fresh}
        standing: list[HealthAlarm] = []
        quiet: dict[str, int] = {}
        cleared: list[HealthAlarm] = []
        for alarm in self.alarms:
            if alarm.key in now:
                standing.append(now[alarm.key])  # the newest words
                continue
            readings = self.quiet.get(alarm.key, 0) + 1
            if alarm.key in CLEARS_AT_ONCE or readings >= clear_after:
                cleared.append(alarm)
            else:
                standing.append(alarm)
                quiet[alarm.key] = readings
        known = self.keys()
        raised = tuple(alarm for alarm in fresh if alarm.key not in known)
        board = AlarmBoard(tuple(sorted([*standing, *raised], key=_alarm_rank)),
                           MappingProxyType(quiet))
        return BoardChange(board, raised, tuple(cleared))

    def clear_all(self) -> BoardChange:
        """Every alarm withdrawn at once (OBS can no longer be read)."""
        return BoardChange(AlarmBoard(), (), self.alarms)

