"""Meter levels: linear values in dBFS, InputVolumeMeters frames, and a channel's signal
state followed frame by frame (present, clipping, silent on air, no input)."""

from __future__ import annotations

import math

import pytest

from console.models.meters import (
    FLOOR_DB,
    NO_METERS_AFTER_S,
    PEAK_HOLD_S,
    SILENT_AFTER_S,
    MeterReading,
    Signal,
    SignalState,
    follow,
    parse_meters,
    to_dbfs,
)

LOUD = MeterReading(-20.0, -12.0)
QUIET = MeterReading(-70.0, -65.0)


def frames(*steps: tuple[float, MeterReading | None], on_air: bool = True,
           silent_after_s: float = SILENT_AFTER_S) -> Signal:
    """The signal after ``(time, reading)`` frames, starting from nothing measured."""
    signal = Signal()
    for now, reading in steps:
        signal = follow(signal, reading, now, on_air=on_air, silent_after_s=silent_after_s)
    return signal


# -- dBFS ---------------------------------------------------------------------------------


def test_full_scale_is_zero_dbfs() -> None:
    assert to_dbfs(1.0) == 0.0


def test_half_scale_is_about_minus_six_dbfs() -> None:
    assert to_dbfs(0.5) == pytest.approx(-6.0206, abs=1e-4)


@pytest.mark.parametrize("linear", [0.0, -0.5, math.nan, math.inf, -math.inf, 1e-12])
def test_silence_and_nonsense_read_as_the_floor(linear: float) -> None:
    assert to_dbfs(linear) == FLOOR_DB


# -- InputVolumeMeters frames -------------------------------------------------------


def test_parse_meters_reads_the_loudest_channel_of_each_input() -> None:
    readings = parse_meters([
        {"inputName": "Booth fr", "inputLevelsMul": [[0.1, 0.5, 0.6], [0.01, 1.0, 1.0]]},
        {"inputName": "Floor (en)", "inputLevelsMul": [[0.0, 0.0, 0.0]]},
    ])
    assert readings == {"Booth fr": MeterReading(to_dbfs(0.1), 0.0),
                        "Floor (en)": MeterReading(FLOOR_DB, FLOOR_DB)}


@pytest.mark.parametrize("frame", [None, {}, "inputs", 3])
def test_parse_meters_of_something_other_than_a_list_is_empty(frame: object) -> None:
    assert parse_meters(frame) == {}


@pytest.mark.parametrize("entry", [
    "Booth fr",
    ["Booth fr", [[0.5, 0.5, 0.5]]],
    {"inputLevelsMul": [[0.5, 0.5, 0.5]]},
    {"inputName": 7, "inputLevelsMul": [[0.5, 0.5, 0.5]]},
    {"inputName": "Booth fr"},
    {"inputName": "Booth fr", "inputLevelsMul": {"0": [0.5, 0.5, 0.5]}},
])
def test_parse_meters_leaves_out_malformed_entries(entry: object) -> None:
    good = {"inputName": "Booth de", "inputLevelsMul": [[0.5, 0.5, 0.5]]}
    assert list(parse_meters([entry, good])) == ["Booth de"]


def test_parse_meters_ignores_malformed_level_triples() -> None:
    readings = parse_meters([{"inputName": "Booth fr", "inputLevelsMul": [
        "loud", [0.1, 0.2], [None, None, None], [0.5, "x", 0.5], [0.9]]}])
    assert readings == {"Booth fr": MeterReading(to_dbfs(0.9), to_dbfs(0.2))}


# -- following a channel ----------------------------------------------------------


def test_nothing_measured_is_unknown() -> None:
    assert Signal().state is SignalState.UNKNOWN


def test_sound_is_present() -> None:
    signal = frames((10.0, LOUD))
    assert signal.state is SignalState.PRESENT
    assert signal.level_db == LOUD.level_db
    assert signal.last_sound_at == signal.last_meter_at == 10.0


def test_quiet_on_air_is_silent_only_after_silent_after_s() -> None:
    assert frames((10.0, QUIET), (15.0, QUIET)).state is SignalState.PRESENT
    assert frames((10.0, QUIET), (15.1, QUIET)).state is SignalState.SILENT


def test_silent_after_s_is_the_callers() -> None:
    assert frames((10.0, QUIET), (12.1, QUIET), silent_after_s=2.0).state is \
        SignalState.SILENT


def test_quiet_off_air_is_never_silent() -> None:
    assert frames((10.0, QUIET), (100.0, QUIET), on_air=False).state is SignalState.PRESENT


def test_quiet_off_air_does_not_count_once_on_air() -> None:
    # A booth quiet through a break is not silent the moment its segment is taken.
    signal = frames((10.0, QUIET), (100.0, QUIET), on_air=False)
    signal = follow(signal, QUIET, 100.1, on_air=True)
    assert signal.state is SignalState.PRESENT
    assert follow(signal, QUIET, 105.0, on_air=True).state is SignalState.PRESENT
    assert follow(signal, QUIET, 105.2, on_air=True).state is SignalState.SILENT


def test_sound_restarts_the_quiet_count() -> None:
    signal = frames((10.0, QUIET), (14.0, LOUD), (19.0, QUIET))
    assert signal.state is SignalState.PRESENT
    assert follow(signal, QUIET, 19.1, on_air=True).state is SignalState.SILENT


def test_sound_after_silence_is_present_again() -> None:
    assert frames((10.0, QUIET), (16.0, QUIET), (16.1, LOUD)).state is SignalState.PRESENT


def test_a_peak_at_full_scale_clips() -> None:
    assert frames((10.0, MeterReading(-3.0, -0.5))).state is SignalState.CLIPPING
    assert frames((10.0, MeterReading(-3.0, -0.6))).state is SignalState.PRESENT


def test_the_peak_is_held_then_falls_back_after_peak_hold_s() -> None:
    signal = frames((10.0, MeterReading(-20.0, -3.0)), (11.0, MeterReading(-20.0, -30.0)))
    assert (signal.peak_hold_db, signal.peak_hold_at) == (-3.0, 10.0)
    held = follow(signal, MeterReading(-20.0, -30.0), 10.0 + PEAK_HOLD_S, on_air=True)
    assert held.peak_hold_db == -3.0
    fallen = follow(signal, MeterReading(-20.0, -30.0), 10.1 + PEAK_HOLD_S, on_air=True)
    assert (fallen.peak_hold_db, fallen.peak_hold_at) == (-30.0, 10.1 + PEAK_HOLD_S)


def test_a_higher_peak_replaces_the_held_one_at_once() -> None:
    signal = frames((10.0, MeterReading(-20.0, -30.0)), (10.5, MeterReading(-20.0, -6.0)))
    assert (signal.peak_hold_db, signal.peak_hold_at) == (-6.0, 10.5)


def test_an_input_never_metered_is_no_input() -> None:
    signal = frames((10.0, None))
    assert signal.state is SignalState.NO_INPUT
    assert signal.level_db == FLOOR_DB


def test_a_frame_without_the_input_keeps_the_signal_for_a_moment() -> None:
    signal = frames((10.0, LOUD))
    assert follow(signal, None, 10.0 + NO_METERS_AFTER_S, on_air=True) == signal


def test_no_frames_for_longer_than_no_meters_after_s_is_no_input() -> None:
    signal = follow(frames((10.0, LOUD)), None, 10.1 + NO_METERS_AFTER_S, on_air=True)
    assert signal.state is SignalState.NO_INPUT
    assert signal.level_db == FLOOR_DB


def test_an_input_obs_does_not_have_is_no_input_whatever_the_reading() -> None:
    signal = follow(frames((10.0, LOUD)), LOUD, 10.1, on_air=True, input_exists=False)
    assert signal.state is SignalState.NO_INPUT
    assert signal.level_db == FLOOR_DB


def test_only_no_input_and_silence_are_alarming() -> None:
    assert {state for state in SignalState if state.alarming} == {
        SignalState.NO_INPUT, SignalState.SILENT}


def test_parse_meters_ignores_levels_that_are_not_finite() -> None:
    readings = parse_meters([{"inputName": "Booth fr", "inputLevelsMul": [
        [float("nan"), float("nan"), 0.0], [0.5, 0.5, 0.5]]}])
    assert readings == {"Booth fr": MeterReading(to_dbfs(0.5), to_dbfs(0.5))}
