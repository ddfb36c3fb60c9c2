"""The meter path without OBS: readings OBS garbles, the one-frame slot, audio input events."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from console.models.meters import FLOOR_DB, parse_meters
from console.models.obs_events import InputMuteChanged, InputTracksChanged, OtherEvent
from console.models.obs_state import ConnectionState
from console.obs.endpoint import ObsEndpoint
from console.obs.events import parse_event
from console.obs.meter_feed import MeterFeed
from tests.helpers.loops import LoopRunner

AT = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def frame(name: str, magnitude: float, peak: float) -> list[dict[str, object]]:
    return [{"inputName": name, "inputLevelsMul": [[magnitude, peak, peak]] * 2}]


def test_levels_in_dbfs_and_garbage_peaks_ignored() -> None:
    readings = parse_meters(frame("Booth fr", 0.1, 0.5))
    assert readings["Booth fr"].level_db == pytest.approx(-20.0)
    assert readings["Booth fr"].peak_db == pytest.approx(-6.02, abs=0.01)
    # OBS 29.0.2 reports uninitialised memory as a silent input's first peaks.
    for garbage in (1.5e17, 4.6e-41, float("nan"), -1.0):
        silent = parse_meters(frame("Booth tr", 0.0, garbage))["Booth tr"]
        assert silent.peak_db == FLOOR_DB, garbage
        assert silent.level_db == FLOOR_DB


def test_the_slot_keeps_only_the_newest_frame_and_parses_it_once(aio: LoopRunner) -> None:
    async def scenario() -> MeterFeed:
        return MeterFeed(ObsEndpoint("127.0.0.1", 1), "unused")

    feed = aio.run(scenario())
    assert feed.latest() is None
    for step in range(5):  # the reader thread's side, faster than anyone reads
        feed._keep(frame("Booth en", 0.01 * (step + 1), 0.1), AT + timedelta(seconds=step))
    newest = feed.latest()
    assert newest is not None
    assert newest.number == 5
    assert feed.frames_received == 5
    assert newest.received_at == AT + timedelta(seconds=4)
    assert newest.readings["Booth en"].level_db == pytest.approx(-26.02, abs=0.01)
    assert newest.age_s(AT + timedelta(seconds=4.25)) == pytest.approx(0.25)
    assert feed.latest() is newest  # read again: not parsed again


def test_the_slot_is_emptied_when_obs_goes_away(aio: LoopRunner) -> None:
    async def scenario() -> MeterFeed:
        return MeterFeed(ObsEndpoint("127.0.0.1", 1), "unused")

    feed = aio.run(scenario())
    feed.connection.state_changed.emit(ConnectionState.CONNECTED)
    feed._keep(frame("Booth en", 0.1, 0.1), AT)
    assert feed.latest() is not None
    feed.connection.state_changed.emit(ConnectionState.RECONNECTING)
    assert feed.latest() is None  # no stale levels shown as live
    feed._keep(frame("Booth en", 0.1, 0.1), AT)
    later = feed.latest()
    assert later is not None
    assert later.number == 2  # the count goes on across reconnections


def test_frames_kept_from_another_thread_are_all_counted(aio: LoopRunner) -> None:
    async def scenario() -> MeterFeed:
        return MeterFeed(ObsEndpoint("127.0.0.1", 1), "unused")

    feed = aio.run(scenario())

    def reader() -> None:
        for _ in range(2000):
            feed._keep(frame("Booth en", 0.1, 0.1), AT)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    seen = 0
    while any(thread.is_alive() for thread in threads):
        latest = feed.latest()
        if latest is not None:
            assert latest.number >= seen  # never goes back
            seen = latest.number
    for thread in threads:
        thread.join()
    assert feed.frames_received == 4000
    final = feed.latest()
    assert final is not None
    assert final.number == 4000


def test_mute_and_track_events_are_typed() -> None:
    muted = parse_event("InputMuteStateChanged", {"inputName": "Booth fr", "inputMuted": True},
                        AT)
    assert muted == InputMuteChanged(received_at=AT, input="Booth fr", muted=True)
    tracks = parse_event("InputAudioTracksChanged", {"inputName": "Booth fr", "inputAudioTracks": {
        "1": False, "2": False, "3": True, "4": False, "5": False, "6": False}}, AT)
    assert tracks == InputTracksChanged(received_at=AT, input="Booth fr",
                                        tracks=frozenset({3}))
    odd = parse_event("InputAudioTracksChanged", {"inputName": "Booth fr",
                                                  "inputAudioTracks": {"³": True}}, AT)
    assert isinstance(odd, OtherEvent)
