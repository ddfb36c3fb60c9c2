"""The show runner: live state kept in memory, on disk (resumable) and in the as-run log;
actions serialised; storage failures survived."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from console.models.asrun import ConsoleRole
from console.models.live import LiveState, SegmentRun
from console.services import show_runner as runner_module
from console.services.asrun_log import AsRunLog
from console.services.show_runner import ShowRunner, ShowRunnerError
from console.store.asrun import AsRunWriter, read_asrun
from console.store.database import StoreError, open_database
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


def make_runner(db_path: Path, writer: AsRunWriter, clock: FakeClock, **kwargs: Any
                ) -> ShowRunner:
    return ShowRunner(db_path, AsRunLog(writer, "unit-stage", ConsoleRole.STAGE, clock),
                      **kwargs)


@asynccontextmanager
async def running(db_path: Path, writer: AsRunWriter, clock: FakeClock, **kwargs: Any
                  ) -> AsyncIterator[ShowRunner]:
    runner = make_runner(db_path, writer, clock, **kwargs)
    try:
        yield runner
    finally:
        await runner.close()


def asrun_kinds(db_path: Path, writer: AsRunWriter) -> list[str]:
    assert writer.flush(5)
    database = open_database(db_path)
    try:
        return [entry.kind.value for entry in read_asrun(database)]
    finally:
        database.conn.close()


def test_live_state_round_trips_through_json() -> None:
    state = LiveState(
        stage="Main",
        runs=(SegmentRun("a", T0, T0 + timedelta(seconds=5), held_s=1.5, added_s=30),
              SegmentRun("b", T0 + timedelta(seconds=5))),
        hold_started_at=T0 + timedelta(seconds=9), skipped=frozenset({"c"}), rehearsal=True,
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


def test_takes_walk_the_rundown_and_skips(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    clock = FakeClock()

    async def scenario() -> None:
        async with running(db_path, writer, clock) as runner:
            assert runner.next_segment().id == "Sample-talk"  # type: ignore[union-attr]
            await runner.skip("Sample-break")
            await runner.go_live(runner.next_segment().id)  # type: ignore[union-attr]
            clock.advance(60)
            await runner.go_live(runner.next_segment().id)  # type: ignore[union-attr]
            assert runner.live.live is not None
            assert runner.live.live.segment_id == "Sample-video"
            assert runner.live.runs[0].ended_at == T0 + timedelta(seconds=60)
            assert runner.next_segment() is None
            with pytest.raises(ShowRunnerError, match="end"):
                await runner.skip_next()

    aio.run(scenario())


def test_a_take_is_one_row_with_planned_actual_and_deviation(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    clock = FakeClock()
    at = T0 + timedelta(seconds=3, milliseconds=250)  # OBS's instant, not the clock's

    async def scenario() -> None:
        async with running(db_path, writer, clock) as runner:
            await runner.go_live("Sample-talk", at=at, scene="Speaker")
            assert runner.live.live is not None
            assert runner.live.live.started_at == at

    aio.run(scenario())
    assert asrun_kinds(db_path, writer) == ["take"]
    database = open_database(db_path)
    try:
        take = read_asrun(database)[0]
    finally:
        database.conn.close()
    assert take.actual == at
    assert take.at_utc == at
    assert take.planned is not None
    assert take.deviation_s == (at - take.planned).total_seconds()
    assert take.details["scene"] == "Speaker"
    assert take.details["title"] == "Opening talk"


def test_hold_and_added_time_change_elapsed_and_are_logged(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    clock = FakeClock()

    async def scenario() -> None:
        async with running(db_path, writer, clock) as runner:
            await runner.go_live("Sample-talk")
            clock.advance(100)
            await runner.hold()
            clock.advance(50)
            assert runner.live.elapsed_s(clock()) == 100
            with pytest.raises(ShowRunnerError, match="already on hold"):
                await runner.hold()
            await runner.release_hold()
            clock.advance(10)
            await runner.add_time(120)
            assert runner.live.elapsed_s(clock()) == 110
            assert runner.live.live is not None
            assert runner.live.live.added_s == 120

    aio.run(scenario())
    assert asrun_kinds(db_path, writer) == [
        "take", "segment_hold", "segment_release", "segment_add_time"]


def test_two_add_times_at_once_add_up_and_write_two_rows(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    clock = FakeClock()

    async def scenario() -> None:
        async with running(db_path, writer, clock) as runner:
            await runner.go_live("Sample-talk")
            await asyncio.gather(runner.add_time(60), runner.add_time(60))
            assert runner.live.live is not None
            assert runner.live.live.added_s == 120
        async with running(db_path, writer, clock) as reopened:
            assert reopened.live.live is not None
            assert reopened.live.live.added_s == 120

    aio.run(scenario())
    assert asrun_kinds(db_path, writer).count("segment_add_time") == 2


def test_two_hold_presses_at_once_hold_then_release(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    clock = FakeClock()

    async def scenario() -> None:
        async with running(db_path, writer, clock) as runner:
            await runner.go_live("Sample-talk")
            await asyncio.gather(runner.toggle_hold(), runner.toggle_hold())
            assert not runner.live.on_hold

    aio.run(scenario())
    assert asrun_kinds(db_path, writer)[-2:] == ["segment_hold", "segment_release"]


def test_added_time_is_bounded_in_total(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    async def scenario() -> None:
        async with running(db_path, writer, FakeClock()) as runner:
            await runner.go_live("Sample-talk")
            await runner.add_time(20 * 3600)
            with pytest.raises(ShowRunnerError, match="at most"):
                await runner.add_time(5 * 3600)
            assert runner.live.live is not None
            assert runner.live.live.added_s == 20 * 3600

    aio.run(scenario())


def test_a_new_runner_resumes_the_live_segment_with_its_elapsed_time(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    clock = FakeClock()

    async def scenario() -> None:
        async with running(db_path, writer, clock) as first:
            await first.go_live("Sample-talk")
            clock.advance(30)
            await first.hold()
        clock.advance(500)  # the console is down for a while, the segment on hold
        async with running(db_path, writer, clock) as second:
            assert second.live.live is not None
            assert second.live.live.segment_id == "Sample-talk"
            assert second.live.on_hold
            assert second.live.elapsed_s(clock()) == 30

    aio.run(scenario())


def test_back_makes_the_previous_segment_live_again(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    clock = FakeClock()

    async def scenario() -> None:
        async with running(db_path, writer, clock) as runner:
            await runner.go_live("Sample-talk")
            clock.advance(20)
            await runner.go_live("Sample-break")
            await runner.back()
            assert runner.live.live is not None
            assert runner.live.live.segment_id == "Sample-talk"
            assert runner.live.elapsed_s(clock()) == 20
            with pytest.raises(ShowRunnerError, match="live segment cannot be skipped"):
                await runner.skip("Sample-talk")

    aio.run(scenario())


def test_unknown_segment_is_refused(aio: LoopRunner, db_path: Path, writer: AsRunWriter) -> None:
    async def scenario() -> None:
        async with running(db_path, writer, FakeClock()) as runner:
            with pytest.raises(ShowRunnerError, match="no segment"):
                await runner.go_live("nope")
            assert runner.live.runs == ()

    aio.run(scenario())


def test_a_console_without_the_stage_role_is_refused(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    async def scenario() -> None:
        async with running(db_path, writer, FakeClock(),
                           role_guard=lambda: "held by the other console") as runner:
            with pytest.raises(ShowRunnerError, match="held by the other console"):
                await runner.go_live("Sample-talk")
            assert runner.live.runs == ()

    aio.run(scenario())
    assert asrun_kinds(db_path, writer) == []


def test_elapsed_is_real_time_across_a_dst_change() -> None:
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    # 2026-10-25 03:00 CEST becomes 02:00 CET: from 01:30 to 02:30 (CET) is two real hours.
    started = datetime(2026, 10, 25, 1, 30, tzinfo=berlin)
    now = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=berlin)
    state = LiveState(stage="Main", runs=(SegmentRun("a", started),))
    assert state.elapsed_s(now) == 2 * 3600


def test_reset_forgets_what_ran_keeps_rehearsal_and_is_logged(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    clock = FakeClock()

    async def scenario() -> None:
        async with running(db_path, writer, clock) as runner:
            await runner.set_rehearsal(True)
            await runner.go_live("Sample-talk")
            await runner.skip("Sample-break")
            await runner.reset(reason="rehearsal")
            assert runner.live.runs == ()
            assert runner.live.skipped == frozenset()
            assert runner.rehearsal
            assert runner.next_segment().id == "Sample-talk"  # type: ignore[union-attr]
        async with running(db_path, writer, clock) as reopened:
            assert reopened.live.runs == ()
            assert reopened.rehearsal

    aio.run(scenario())
    assert asrun_kinds(db_path, writer)[-1] == "segment_reset"


@pytest.mark.expected_log("console.services.show_runner")
def test_an_out_of_range_saved_state_is_set_aside_and_the_runner_starts(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter
) -> None:
    hostile = json.dumps({"runs": [{"segment_id": "Sample-talk", "started_at": T0.isoformat(),
                                    "added_s": 1e308}]})
    database = open_database(db_path)
    try:
        database.execute("INSERT INTO live_state (stage, state, saved_at) VALUES (?, ?, ?)",
                         ["Main", hostile, T0.isoformat()])
        database.conn.commit()
    finally:
        database.conn.close()

    async def scenario() -> None:
        async with running(db_path, writer, FakeClock()) as runner:
            assert runner.live == LiveState(stage="Main")
            assert "added_s" in runner.startup_notices[0]
            assert "set aside" in runner.startup_notices[0]
            await runner.go_live("Sample-talk")  # and it runs the show

    aio.run(scenario())
    database = open_database(db_path)
    try:
        kept = database.execute("SELECT state, reason FROM live_state_set_aside").fetchall()
    finally:
        database.conn.close()
    assert kept[0][0] == hostile
    assert "runs[0].added_s" in kept[0][1]


@pytest.mark.expected_log("console.services.show_runner")
def test_a_change_the_disk_refuses_stands_and_is_saved_once_the_disk_takes_it(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = runner_module.save_live_state
    disk_full = True

    def save(*args: Any, **kwargs: Any) -> None:
        if disk_full:
            raise StoreError("database or disk is full")
        real_save(*args, **kwargs)

    monkeypatch.setattr(runner_module, "save_live_state", save)
    monkeypatch.setattr(runner_module, "STORAGE_RETRY_S", 0.05)
    reports: list[object] = []

    async def scenario() -> None:
        nonlocal disk_full
        async with running(db_path, writer, FakeClock()) as runner:
            runner.storage_changed.connect(reports.append)
            await runner.go_live("Sample-talk")
            assert runner.live.live is not None  # on air, whatever the disk says
            assert runner.storage_error is not None
            await runner.add_time(60)
            disk_full = False
            deadline = asyncio.get_running_loop().time() + 5
            while runner.storage_error is not None:
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.01)
        async with running(db_path, writer, FakeClock()) as reopened:
            assert reopened.live.live is not None
            assert reopened.live.live.segment_id == "Sample-talk"
            assert reopened.live.live.added_s == 60

    aio.run(scenario())
    assert reports == ["database or disk is full", None]
    assert asrun_kinds(db_path, writer) == ["take", "segment_add_time"]


def test_a_change_is_seen_only_once_its_row_is_committed(
    aio: LoopRunner, db_path: Path, writer: AsRunWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    released = asyncio.Event()
    seen_while_waiting: list[LiveState] = []

    async def scenario() -> None:
        async with running(db_path, writer, clock) as runner:
            before = runner.live
            original = AsRunLog.committed

            async def slow_commit(log: AsRunLog) -> bool:
                seen_while_waiting.append(runner.live)
                await released.wait()
                return await original(log)

            monkeypatch.setattr(AsRunLog, "committed", slow_commit)
            take = asyncio.ensure_future(runner.go_live("Sample-talk"))
            while not seen_while_waiting:
                await asyncio.sleep(0)
            assert runner.live == before  # not yet durable: readers see the state before
            released.set()
            await take
            assert runner.live.live is not None
            assert runner.live.live.segment_id == "Sample-talk"

    aio.run(scenario())
    assert seen_while_waiting
    assert seen_while_waiting[0].live is None
