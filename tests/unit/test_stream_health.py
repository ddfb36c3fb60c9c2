"""OBS health: readings checked where they enter, bitrates and frames lost between two
readings, the alarms and the board that keeps them standing."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.models.errors import InvalidValue
from console.models.stream_health import (
    BITRATE_LOW,
    CONGESTION,
    CPU_HIGH,
    DISK_LOW,
    ENCODER_SKIPPED,
    FPS_LOW,
    NETWORK_DROPPED,
    RENDER_MISSED,
    STREAM_RECONNECTING,
    AlarmBoard,
    FrameLoss,
    HealthReading,
    HealthThresholds,
    RecordStatus,
    Severity,
    StreamStatus,
    bitrate_kbps,
    bitrate_text,
    checked_count,
    checked_flag,
    checked_number,
    checked_timecode,
    clock_followed,
    disk_text,
    frame_loss,
    health_alarms,
    health_interval,
    minutes_left,
    short_timecode,
    trusted_timecode,
)
from console.obs.stream_health import configured_fps, health_from_answers

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
GB = 1024.0


def reading(seconds: float = 0.0, **changes: Any) -> HealthReading:
    """A healthy OBS ``seconds`` after T0: 30 of 30 fps, a little CPU, plenty of disk."""
    base = HealthReading(at=T0 + timedelta(seconds=seconds), cpu_percent=20.0,
                         memory_mb=300.0, disk_free_mb=200 * GB, fps=30.0, configured_fps=30.0,
                         frame_render_ms=3.0, render_missed=0, render_total=1000,
                         encoder_skipped=0, encoder_total=1000)
    return replace(base, **changes)


def streaming(sent: int, *, dropped: int = 0, total: int = 600, duration_ms: int = 60_000,
              **changes: Any) -> StreamStatus:
    """A stream that has run a minute and sent ``sent`` bytes."""
    return replace(StreamStatus(active=True, reconnecting=False, timecode="00:01:00.000",
                                duration_ms=duration_ms, congestion=0.0, bytes=sent,
                                dropped_frames=dropped, total_frames=total), **changes)


def keys(alarms: list[Any]) -> list[str]:
    return [alarm.key for alarm in alarms]


# -- values as they enter -------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "12", True, False, math.nan, math.inf, -1, -0.5, [1],
                                   {"a": 1}])
def test_a_number_that_is_not_one_reads_as_unknown(value: object) -> None:
    assert checked_number(value) is None


def test_numbers_are_taken_as_floats_within_their_bounds() -> None:
    assert checked_number(3) == 3.0
    assert checked_number(0.25, at_most=1.0) == 0.25
    assert checked_number(1.5, at_most=1.0) is None


@pytest.mark.parametrize(("value", "expected"), [(5, 5), (5.0, 5), (0, 0), (5.5, None),
                                                 (-1, None), (True, None), ("5", None),
                                                 (math.nan, None), (None, None)])
def test_counters_are_whole_and_not_negative(value: object, expected: int | None) -> None:
    assert checked_count(value) == expected


def test_flags_and_timecodes_are_checked() -> None:
    assert checked_flag(True) is True
    assert checked_flag(1) is None
    assert checked_flag("true") is None
    assert checked_timecode("01:02:03.456") == "01:02:03.456"
    assert checked_timecode("100:00:00.000") == "100:00:00.000"
    assert checked_timecode("1:2:3") is None
    assert checked_timecode(12) is None
    assert short_timecode("01:02:03.456") == "01:02:03"
    assert short_timecode(None) is None


OBS_29_STATS = {"activeFps": 10.0, "availableDiskSpace": 78006.0546875,
                "averageFrameRenderTime": 11.828072, "cpuUsage": 10.991379310344827,
                "memoryUsage": 202.88671875, "outputSkippedFrames": 0, "outputTotalFrames": 7,
                "renderSkippedFrames": 1, "renderTotalFrames": 35,
                "webSocketSessionIncomingMessages": 10, "webSocketSessionOutgoingMessages": 10}
OBS_29_STREAM = {"outputActive": True, "outputBytes": 283112, "outputCongestion": 0.0,
                 "outputDuration": 1000, "outputReconnecting": False,
                 "outputSkippedFrames": 0, "outputTimecode": "00:00:01.000",
                 "outputTotalFrames": 10}
OBS_29_RECORD = {"outputActive": True, "outputBytes": 42520, "outputDuration": 233,
                 "outputPaused": False, "outputTimecode": "00:00:00.233"}
OBS_29_VIDEO = {"baseHeight": 180, "baseWidth": 320, "fpsDenominator": 1, "fpsNumerator": 10,
                "outputHeight": 180, "outputWidth": 320}


def test_obs_29s_answers_read_in_full() -> None:
    """The answers as OBS 29.0.2 sent them while streaming and recording."""
    read = health_from_answers("main", T0, stats=OBS_29_STATS, stream=OBS_29_STREAM,
                               record=OBS_29_RECORD, video=OBS_29_VIDEO)

    assert read.cpu_percent == pytest.approx(10.99, abs=0.01)
    assert read.disk_free_mb == pytest.approx(78006.05)
    assert (read.fps, read.configured_fps) == (10.0, 10.0)
    assert (read.render_missed, read.render_total) == (1, 35)
    assert (read.encoder_skipped, read.encoder_total) == (0, 7)
    assert read.stream == StreamStatus(True, False, "00:00:01.000", 1000, 0.0, 283112, 0, 10)
    assert read.record == RecordStatus(True, False, "00:00:00.233", 233, 42520)
    json.dumps(read.as_stats(), allow_nan=False)  # what the obs_stats table stores


def test_a_malformed_field_is_unknown_and_the_rest_still_reads() -> None:
    stats = {**OBS_29_STATS, "cpuUsage": "lots", "availableDiskSpace": -5,
             "renderTotalFrames": math.nan}
    stream = {**OBS_29_STREAM, "outputCongestion": 7.0, "outputBytes": None}
    read = health_from_answers("main", T0, stats=stats, stream=stream, record={}, video={})

    assert (read.cpu_percent, read.disk_free_mb, read.render_total) == (None, None, None)
    assert read.render_missed == 1
    assert (read.stream.congestion, read.stream.bytes) == (None, None)
    assert read.stream.active is True
    assert read.record == RecordStatus()
    assert read.configured_fps is None


@pytest.mark.parametrize(("video", "expected"), [
    ({"fpsNumerator": 30000, "fpsDenominator": 1001}, pytest.approx(29.97, abs=0.01)),
    ({"fpsNumerator": 25, "fpsDenominator": 0}, None),
    ({"fpsNumerator": 25}, None),
    ({"fpsNumerator": 10**9, "fpsDenominator": 1}, None),
])
def test_the_configured_frame_rate_is_a_fraction(video: dict[str, Any], expected: Any) -> None:
    assert configured_fps(video) == expected


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=4)
FIELDS = ["cpuUsage", "memoryUsage", "availableDiskSpace", "activeFps", "averageFrameRenderTime",
          "renderSkippedFrames", "renderTotalFrames", "outputSkippedFrames", "outputTotalFrames",
          "outputActive", "outputReconnecting", "outputTimecode", "outputDuration",
          "outputCongestion", "outputBytes", "outputPaused", "fpsNumerator", "fpsDenominator"]
ANSWER = st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=10)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANSWER, ANSWER, ANSWER, ANSWER, ANSWER, ANSWER)
def test_any_answer_reads_and_judges_without_raising(
        stats: dict[str, Any], stream: dict[str, Any], record: dict[str, Any],
        later_stats: dict[str, Any], later_stream: dict[str, Any],
        video: dict[str, Any]) -> None:
    first = health_from_answers("main", T0, stats=stats, stream=stream, record=record,
                                video=video)
    second = health_from_answers("main", T0 + timedelta(seconds=2), stats=later_stats,
                                 stream=later_stream, record=record, video=video)

    alarms = health_alarms(first, second, HealthThresholds())
    interval = health_interval(first, second)
    json.dumps({**second.as_stats(), **interval.as_stats()}, allow_nan=False)
    assert all(alarm.text for alarm in alarms)
    for loss in (interval.render, interval.encoder, interval.network):
        assert loss is None or loss.percent is None or 0 <= loss.percent <= 100


def test_a_reading_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        HealthReading(at=datetime(2026, 3, 14, 9, 0))


# -- between two readings -------------------------------------------------------------------


def test_bitrate_is_kilobits_per_second_between_two_byte_counts() -> None:
    assert bitrate_kbps(1_000_000, 1_625_000, 2.0) == 2500.0
    assert bitrate_kbps(1_000_000, 1_000_000, 2.0) == 0.0


@pytest.mark.parametrize(("before", "after", "seconds"), [
    (None, 10, 2.0), (10, None, 2.0), (10, 20, 0.0), (10, 20, -1.0), (10, 20, None),
    (910_740, 0, 2.0),  # OBS starts counting again after a reconnection
])
def test_bitrate_is_unknown_without_two_counts_in_order(before: int | None, after: int | None,
                                                       seconds: float | None) -> None:
    assert bitrate_kbps(before, after, seconds) is None


def test_frames_lost_are_counted_over_the_interval_only() -> None:
    loss = frame_loss(100, 10_000, 103, 10_060)
    assert loss == FrameLoss(3, 60)
    assert loss is not None
    assert loss.percent == pytest.approx(5.0)
    assert frame_loss(0, 0, 0, 0) == FrameLoss(0, 0)
    assert FrameLoss(0, 0).percent is None  # no frame was due: no share to tell


def test_counters_that_went_back_tell_nothing() -> None:
    assert frame_loss(5, 100, 0, 10) is None  # the output started again
    assert frame_loss(None, 100, 0, 110) is None


def test_the_interval_of_two_readings() -> None:
    before = reading(0, render_missed=10, render_total=1000, encoder_skipped=0,
                     encoder_total=900, stream=streaming(1_000_000, dropped=2, total=600),
                     record=RecordStatus(active=True, bytes=5_000_000))
    after = reading(2, render_missed=13, render_total=1060, encoder_skipped=6,
                    encoder_total=960, stream=streaming(1_625_000, dropped=2, total=660),
                    record=RecordStatus(active=True, bytes=6_500_000))

    interval = health_interval(before, after)

    assert interval.seconds == 2.0
    assert interval.stream_kbps == 2500.0
    assert interval.record_kbps == 6000.0
    assert interval.render == FrameLoss(3, 60)
    assert interval.encoder == FrameLoss(6, 60)
    assert interval.network == FrameLoss(0, 60)
    assert interval.worst_loss_percent == pytest.approx(10.0)


def test_no_interval_from_a_first_reading_or_another_obs() -> None:
    assert health_interval(None, reading(2)).seconds is None
    assert health_interval(replace(reading(0), obs="booth"), reading(2)).seconds is None
    assert health_interval(reading(2), reading(2)).seconds is None


def test_no_stream_figures_while_it_reconnects() -> None:
    before = reading(0, stream=streaming(1_000_000))
    after = reading(2, stream=streaming(1_000_046, reconnecting=True))

    interval = health_interval(before, after)

    assert (interval.stream_kbps, interval.network) == (None, None)


def test_no_stream_figures_across_a_stream_start() -> None:
    before = reading(0)  # not streaming
    after = reading(2, stream=streaming(500_000))

    interval = health_interval(before, after)

    assert interval.stream_kbps is None
    assert interval.network is None


# -- alarms -------------------------------------------------------------------------------


def test_a_healthy_obs_raises_nothing() -> None:
    before = reading(0, stream=streaming(1_000_000))
    after = reading(2, render_total=1060, encoder_total=1060,
                    stream=streaming(1_625_000, total=660))

    assert health_alarms(before, after, HealthThresholds()) == []
    assert health_alarms(None, after, HealthThresholds()) == []


def test_a_stream_reconnecting_is_the_one_stream_alarm() -> None:
    now = reading(2, stream=streaming(0, reconnecting=True, congestion=0.9))

    alarms = health_alarms(reading(0, stream=streaming(900_000)), now, HealthThresholds())

    assert keys(alarms) == [STREAM_RECONNECTING]
    assert alarms[0].text == "Stream reconnecting"
    assert alarms[0].severity is Severity.CRITICAL


def test_a_stream_below_the_floor_once_it_has_run_a_while() -> None:
    slow_before = reading(0, stream=streaming(1_000_000))
    slow_after = reading(2, stream=streaming(1_050_000))  # 200 kbit/s

    alarms = health_alarms(slow_before, slow_after, HealthThresholds())
    assert keys(alarms) == [BITRATE_LOW]
    assert alarms[0].text == "Stream bitrate low: 200 kbit/s"

    just_started = reading(2, stream=streaming(1_050_000, duration_ms=3_000))
    assert health_alarms(slow_before, just_started, HealthThresholds()) == []


def test_dropped_skipped_and_missed_frames_over_the_interval() -> None:
    before = reading(0, render_missed=0, render_total=1000, encoder_skipped=0,
                     encoder_total=1000, stream=streaming(1_000_000, dropped=0, total=600))
    after = reading(2, render_missed=2, render_total=1060, encoder_skipped=3,
                    encoder_total=1060, stream=streaming(1_625_000, dropped=6, total=660))

    alarms = {alarm.key: alarm for alarm in health_alarms(before, after, HealthThresholds())}

    assert set(alarms) == {NETWORK_DROPPED, RENDER_MISSED, ENCODER_SKIPPED}
    assert alarms[NETWORK_DROPPED].text == "Network dropped 6 of 60 frames (10.0 %)"
    assert alarms[RENDER_MISSED].text == "Render lag: missed 2 of 60 frames (3.3 %)"
    assert alarms[ENCODER_SKIPPED].text == "Encoder lag: skipped 3 of 60 frames (5.0 %)"


def test_a_loss_at_the_threshold_is_not_an_alarm() -> None:
    before = reading(0, render_missed=0, render_total=0)
    after = reading(2, render_missed=1, render_total=100)  # exactly 1 %

    assert health_alarms(before, after, HealthThresholds()) == []


def test_congestion_cpu_and_frame_rate() -> None:
    now = reading(2, cpu_percent=91.4, fps=24.0, configured_fps=30.0,
                  stream=streaming(1_000_000, congestion=0.35))

    alarms = {alarm.key: alarm.text for alarm in health_alarms(None, now, HealthThresholds())}

    assert alarms == {CONGESTION: "Stream congestion 35 %", CPU_HIGH: "OBS CPU 91 %",
                      FPS_LOW: "Frame rate 24.0 of 30 fps"}


def test_a_frame_rate_just_under_the_configured_one_is_fine() -> None:
    now = reading(2, fps=29.97, configured_fps=30.0)
    assert health_alarms(None, now, HealthThresholds()) == []
    unknown_rate = reading(2, fps=1.0, configured_fps=None)
    assert health_alarms(None, unknown_rate, HealthThresholds()) == []


def test_disk_space_in_gigabytes_and_minutes_of_recording() -> None:
    # 3.2 GB at 21.8 Mbit/s: 21 minutes.
    before = reading(0, disk_free_mb=3.2 * GB, record=RecordStatus(active=True, bytes=0))
    after = reading(2, disk_free_mb=3.2 * GB,
                    record=RecordStatus(active=True, bytes=5_453_750))

    alarms = health_alarms(before, after, HealthThresholds())

    assert [alarm.text for alarm in alarms] == ["Disk: 3.2 GB left (≈ 21 min of recording)"]
    assert alarms[0].key == DISK_LOW


def test_plenty_of_gigabytes_can_still_be_too_few_minutes() -> None:
    # 20 GB at 100 Mbit/s: 29 minutes.
    before = reading(0, disk_free_mb=20 * GB, record=RecordStatus(active=True, bytes=0))
    after = reading(2, disk_free_mb=20 * GB,
                    record=RecordStatus(active=True, bytes=25_000_000))

    assert [a.text for a in health_alarms(before, after, HealthThresholds())] == [
        "Disk: 20.0 GB left (≈ 29 min of recording)"]
    not_recording = reading(2, disk_free_mb=20 * GB)
    assert health_alarms(None, not_recording, HealthThresholds()) == []


def test_no_space_at_all_may_be_no_folder_at_all() -> None:
    alarms = health_alarms(None, reading(0, disk_free_mb=0.0), HealthThresholds())

    assert [alarm.text for alarm in alarms] == ["Disk: 0 MB free, or no recording folder"]


def test_thresholds_set_to_trip_always_trip() -> None:
    tripping = HealthThresholds(cpu_percent=-1, disk_min_mb=1e12)

    alarms = health_alarms(None, reading(0, cpu_percent=0.0), tripping)

    assert keys(alarms) == [DISK_LOW, CPU_HIGH]  # warnings, the disk before the CPU
    assert alarms[0].text == "Disk: 200.0 GB left"


def test_critical_alarms_come_first() -> None:
    before = reading(0, render_missed=0, render_total=0)
    after = reading(2, cpu_percent=99.0, render_missed=50, render_total=60)

    alarms = health_alarms(before, after, HealthThresholds())

    assert keys(alarms) == [RENDER_MISSED, CPU_HIGH]
    assert [a.severity for a in alarms] == [Severity.CRITICAL, Severity.WARNING]


@pytest.mark.parametrize("changes", [{"cpu_percent": math.nan}, {"congestion": "high"},
                                     {"clear_after": 0}, {"clear_after": 1.5},
                                     {"lost_percent": True}])
def test_thresholds_are_checked(changes: dict[str, Any]) -> None:
    with pytest.raises(InvalidValue) as refused:
        HealthThresholds(**changes)
    assert refused.value.field == next(iter(changes))


def test_figures_in_words() -> None:
    assert bitrate_text(2540.4) == "2,540 kbit/s"
    assert bitrate_text(12_345.0) == "12.3 Mbit/s"
    assert bitrate_text(None) == "—"
    assert disk_text(500.0) == "500 MB"
    assert disk_text(78006.0) == "76.2 GB"
    # 1 GiB at 1 Mbit/s: 8,590 seconds.
    assert minutes_left(1024.0, 1000.0) == pytest.approx(8589.93 / 60)
    assert minutes_left(1024.0, 0.0) is None


# -- the board ----------------------------------------------------------------------------


def cpu(percent: float) -> Any:
    return health_alarms(None, reading(0, cpu_percent=percent), HealthThresholds())


def test_an_alarm_stands_until_its_condition_has_gone_for_a_few_readings() -> None:
    board = AlarmBoard()

    change = board.update(cpu(90), clear_after=3)
    assert keys(list(change.raised)) == [CPU_HIGH]
    board = change.board
    for _ in range(2):
        change = board.update(cpu(50), clear_after=3)
        assert (change.raised, change.cleared) == ((), ())
        assert board.keys() == change.board.keys() == {CPU_HIGH}
        board = change.board
    change = board.update(cpu(50), clear_after=3)
    assert keys(list(change.cleared)) == [CPU_HIGH]
    assert change.board.alarms == ()


def test_an_alarm_back_before_it_cleared_is_not_raised_again() -> None:
    board = AlarmBoard().update(cpu(90), 3).board
    board = board.update(cpu(50), 3).board
    change = board.update(cpu(95), 3)

    assert change.raised == ()
    assert [a.text for a in change.board.alarms] == ["OBS CPU 95 %"]  # the newest words
    change = change.board.update(cpu(50), 3).board.update(cpu(50), 3)
    assert change.cleared == ()  # the count started again at 95 %


def test_a_reconnection_clears_at_once() -> None:
    reconnecting = health_alarms(None, reading(0, stream=streaming(0, reconnecting=True)),
                                 HealthThresholds())
    board = AlarmBoard().update(reconnecting, 3).board

    change = board.update([], 3)

    assert keys(list(change.cleared)) == [STREAM_RECONNECTING]


def test_clearing_all_withdraws_every_alarm() -> None:
    board = AlarmBoard().update(cpu(90), 3).board

    change = board.clear_all()

    assert keys(list(change.cleared)) == [CPU_HIGH]
    assert change.board == AlarmBoard()


# -- does the timecode follow the clock? ------------------------------------------------------


def rec(timecode: str, duration_ms: int, sent: int, active: bool = True) -> RecordStatus:
    return RecordStatus(active=active, paused=False, timecode=timecode, duration_ms=duration_ms,
                        bytes=sent)


def test_a_recording_clock_that_follows_the_clock_is_trusted() -> None:
    # OBS 29.0.2 at its default video settings, half a second apart.
    before, after = rec("00:00:00.633", 633, 167_628), rec("00:00:01.266", 1266, 365_719)

    assert clock_followed(before, after, 0.5) is True
    interval = health_interval(reading(0, record=before), reading(0.5, record=after))
    assert interval.record_clock_ok is True
    assert trusted_timecode(after, interval.record_clock_ok) == "00:00:01"


@pytest.mark.parametrize(("before", "after"), [
    # OBS 29.0.2 after SetVideoSettings while it ran, half a second apart.
    (rec("3839318:40:56.400", 13_821_548_456_400, 63_305),
     rec("3834314:40:57.890", 13_803_533_457_890, 188_425)),
    (rec("01:50:35.724", 6_635_724, 63_305), rec("04:18:03.357", 15_483_357, 188_425)),
    (rec("00:00:00.000", 0, 4_974_017), rec("00:00:00.000", 0, 5_130_411)),
])
def test_a_recording_clock_that_does_not_is_not_shown(before: RecordStatus,
                                                      after: RecordStatus) -> None:
    assert clock_followed(before, after, 0.5) is False
    assert trusted_timecode(after, False) is None


def test_a_clock_is_not_judged_without_two_readings_of_a_running_output() -> None:
    running = rec("00:00:01.000", 1000, 100)
    assert clock_followed(rec("00:00:00.000", 0, 0, active=False), running, 2.0) is None
    assert clock_followed(running, replace(running, duration_ms=None), 2.0) is None
    assert clock_followed(running, running, None) is None
    assert trusted_timecode(running, None) is None
    paused = replace(running, paused=True)
    assert clock_followed(paused, paused, 2.0) is True  # nothing sent, nothing counted


def test_a_stream_that_reconnected_starts_its_clock_again() -> None:
    before = streaming(910_740, duration_ms=3000)
    after = streaming(63_410, duration_ms=300)  # after a reconnection: from zero again

    assert clock_followed(before, after, 2.0) is None
    assert clock_followed(before, replace(before, reconnecting=True), 2.0) is None
    assert clock_followed(streaming(0, duration_ms=1000), streaming(313_791, duration_ms=2000),
                          1.0) is True


def test_intervals_are_counted_on_the_monotonic_clock_when_there_is_one() -> None:
    # The wall clock was set back an hour between the two readings.
    before = reading(0, monotonic=500.0, stream=streaming(1_000_000))
    after = reading(-3600, monotonic=502.0, stream=streaming(1_625_000))

    interval = health_interval(before, after)

    assert interval.seconds == 2.0
    assert interval.stream_kbps == 2500.0
