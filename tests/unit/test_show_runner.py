"""The show runner: live state kept in memory, on disk (resumable) and in the as-run log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.models.live import LiveState, SegmentRun
from console.services.show_runner import ShowRunner, ShowRunnerError
from console.store.asrun import AsRunWriter, read_asrun
from console.store.database import open_database
from console.store.live_state import (
    load_live_state,
    save_live_state,
    state_from_json,
    state_to_json,
)
from console.store.shows import save_show
from tests.helpers.loops import LoopRunner
from tests.unit.sample_show import sample_show

T0 = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)


class FakeClock:
    """Time under the test's control (the runner reads no clock of its own)."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "show.sqlite"
    database = open_database(path)
    save_show(database, sample_show())
    database.conn.close()
    return path


@pytest.fixture
def writer(db_path: Path) -> Iterator[AsRunWriter]:
    writer = AsRunWriter(db_path)
    yield writer
    writer.close()


def make_runner(db_path: Path, writer: AsRunWriter, clock: FakeClock) -> ShowRunner:
    return ShowRunner(db_path, writer, "unit-stage", clock=clock)


def test_live_state_round_trips_through_json() -> None:
    state = LiveState(
        stage="Main",
        runs=(SegmentRun("a", T0, T0 + timedelta(seconds=5), held_s=1.5, added_s=30),
              SegmentRun("b", T0 + timedelta(seconds=5))),
        hold_started_at=T0 + timedelta(seconds=9), skipped=frozenset({"c"}),
    )
    assert state_from_json("Main", state_to_json(state)) == state


def test_saved_state_is_loaded_per_stage(db_path: Path) -> None:
    database = open_database(db_path)
    try:
        assert load_live_state(database, "Main") == LiveState(stage="Main")
        state = LiveState(stage="Main", runs=(SegmentRun("a", T0),))
        save_live_state(database, state, T0)
        assert load_live_state(database, "Main") == state
        assert load_live_state(database, "Side room") == LiveState(stage="Side room")
    finally:
        database.conn.close()


def test_take_next_walks_the_rundown_and_skips(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    clock = FakeClock()
    runner = make_runner(db_path, writer, clock)
    try:
        assert runner.next_segment() is not None
        assert runner.next_segment().id == "Sample-talk"  # type: ignore[union-attr]
        aio.run(runner.skip("Sample-break"))
        aio.run(runner.take_next())
        clock.advance(60)
        aio.run(runner.take_next())
        assert runner.live.live is not None
        assert runner.live.live.segment_id == "Sample-video"
        assert runner.live.runs[0].ended_at == T0 + timedelta(seconds=60)
        with pytest.raises(ShowRunnerError, match="end"):
            aio.run(runner.take_next())
    finally:
        runner.close()


def test_hold_and_added_time_change_elapsed_and_are_logged(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    clock = FakeClock()
    runner = make_runner(db_path, writer, clock)
    try:
        aio.run(runner.go_live("Sample-talk"))
        clock.advance(100)
        aio.run(runner.hold())
        clock.advance(50)
        assert runner.live.elapsed_s(clock()) == 100
        aio.run(runner.release_hold())
        clock.advance(10)
        aio.run(runner.add_time(120))
        assert runner.live.elapsed_s(clock()) == 110
        assert runner.live.live is not None
        assert runner.live.live.added_s == 120
        assert writer.flush(5)
        database = open_database(db_path)
        try:
            kinds = [entry.kind for entry in read_asrun(database)]
            live_rows = read_asrun(database, kinds=["segment_live"])
        finally:
            database.conn.close()
        assert kinds == ["segment_live", "segment_hold", "segment_release", "segment_add_time"]
        assert live_rows[0].segment_id == "Sample-talk"
        assert live_rows[0].planned is not None
        assert live_rows[0].deviation_s == (T0 - live_rows[0].planned).total_seconds()
    finally:
        runner.close()


def test_a_new_runner_resumes_the_live_segment_with_its_elapsed_time(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    clock = FakeClock()
    first = make_runner(db_path, writer, clock)
    try:
        aio.run(first.go_live("Sample-talk"))
        clock.advance(30)
        aio.run(first.hold())
    finally:
        first.close()
    clock.advance(500)  # the console is down for a while, the segment on hold
    second = make_runner(db_path, writer, clock)
    try:
        assert second.live.live is not None
        assert second.live.live.segment_id == "Sample-talk"
        assert second.live.on_hold
        assert second.live.elapsed_s(clock()) == 30
    finally:
        second.close()


def test_back_makes_the_previous_segment_live_again(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    clock = FakeClock()
    runner = make_runner(db_path, writer, clock)
    try:
        aio.run(runner.go_live("Sample-talk"))
        clock.advance(20)
        aio.run(runner.go_live("Sample-break"))
        aio.run(runner.back())
        assert runner.live.live is not None
        assert runner.live.live.segment_id == "Sample-talk"
        assert runner.live.elapsed_s(clock()) == 20
        with pytest.raises(ShowRunnerError, match="live segment cannot be skipped"):
            aio.run(runner.skip("Sample-talk"))
    finally:
        runner.close()


def test_unknown_segment_is_refused(aio: LoopRunner, db_path: Path, writer: AsRunWriter) -> None:
    runner = make_runner(db_path, writer, FakeClock())
    try:
        with pytest.raises(ShowRunnerError, match="no segment"):
            aio.run(runner.go_live("nope"))
        assert runner.live.runs == ()
    finally:
        runner.close()


def test_elapsed_is_real_time_across_a_dst_change() -> None:
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    # 2026-10-25 03:00 CEST becomes 02:00 CET: from 01:30 to 02:30 (CET) is two real hours.
    started = datetime(2026, 10, 25, 1, 30, tzinfo=berlin)
    now = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=berlin)
    state = LiveState(stage="Main", runs=(SegmentRun("a", started),))
    assert state.elapsed_s(now) == 2 * 3600


def test_reset_forgets_what_ran_and_is_logged(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    clock = FakeClock()
    runner = make_runner(db_path, writer, clock)
    try:
        aio.run(runner.go_live("Sample-talk"))
        aio.run(runner.skip("Sample-break"))
        aio.run(runner.reset())
        assert runner.live.runs == ()
        assert runner.live.skipped == frozenset()
        assert runner.next_segment() is not None
        assert runner.next_segment().id == "Sample-talk"  # type: ignore[union-attr]
    finally:
        runner.close()
    reopened = make_runner(db_path, writer, clock)
    try:
        assert reopened.live.runs == ()
    finally:
        reopened.close()
    assert writer.flush(5)
    database = open_database(db_path)
    try:
        assert [entry.kind for entry in read_asrun(database)][-1] == "segment_reset"
    finally:
        database.conn.close()
