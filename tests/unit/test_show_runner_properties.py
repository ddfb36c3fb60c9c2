"""Property: however actions interleave, the runner applies them one at a time to the newest
state, so the result is the actions applied in turn: no update lost, none applied twice."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from console.models import live as ops
from console.models.asrun import ConsoleRole
from console.models.limits import MAX_ADDED_S
from console.models.live import LiveState
from console.services.asrun_log import AsRunLog
from console.services.show_runner import ShowRunner, ShowRunnerError, next_after, stage_segments
from console.store.asrun import AsRunWriter, read_asrun
from console.store.database import open_database
from console.store.live_state import load_live_state
from console.store.shows import save_show
from tests.unit.sample_show import sample_show

T0 = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
SHOW = sample_show()
SEGMENTS = stage_segments(SHOW.stages[0])
IDS = [segment.id for segment in SEGMENTS]


@dataclass(frozen=True)
class Action:
    name: str
    argument: Any
    delay: int  # event-loop turns to wait before calling: varies the arrival order

    def call(self, runner: ShowRunner) -> Coroutine[Any, Any, Any]:
        calls: dict[str, Callable[[], Coroutine[Any, Any, Any]]] = {
            "go_live": lambda: runner.go_live(self.argument),
            "add_time": lambda: runner.add_time(self.argument),
            "toggle_hold": runner.toggle_hold,
            "skip_next": runner.skip_next,
            "back": runner.back,
            "rehearsal": lambda: runner.set_rehearsal(self.argument),
        }
        return calls[self.name]()


def expected(state: LiveState, action: Action) -> LiveState | None:
    """The oracle: the state after ``action``, or None when it must be refused."""
    live = state.live
    match action.name:
        case "go_live":
            return ops.go_live(state, action.argument, T0)
        case "add_time":
            if live is None or abs(live.added_s + action.argument) > MAX_ADDED_S:
                return None
            return ops.add_time(state, action.argument)
        case "toggle_hold":
            if live is None:
                return None
            return ops.release_hold(state, T0) if state.on_hold else ops.hold(state, T0)
        case "skip_next":
            upcoming = next_after(SEGMENTS, state)
            return None if upcoming is None else ops.skip(state, upcoming.id)
        case "back":
            return ops.back(state) if state.runs else None
        case _:
            return ops.set_rehearsal(state, action.argument)


actions = st.lists(st.one_of(
    st.builds(Action, st.just("go_live"), st.sampled_from(IDS), st.integers(0, 3)),
    st.builds(Action, st.just("add_time"), st.sampled_from([-60, 60, 300, 50_000]),
              st.integers(0, 3)),
    st.builds(Action, st.just("toggle_hold"), st.none(), st.integers(0, 3)),
    st.builds(Action, st.just("skip_next"), st.none(), st.integers(0, 3)),
    st.builds(Action, st.just("back"), st.none(), st.integers(0, 3)),
    st.builds(Action, st.just("rehearsal"), st.booleans(), st.integers(0, 3)),
), min_size=1, max_size=12)


async def run_concurrently(runner: ShowRunner, chosen: list[Action]
                           ) -> list[tuple[Action, LiveState | None]]:
    done: list[tuple[Action, LiveState | None]] = []

    async def one(action: Action) -> None:
        for _ in range(action.delay):
            await asyncio.sleep(0)
        try:
            await action.call(runner)
        except ShowRunnerError:
            done.append((action, None))
        else:
            done.append((action, runner.live))

    await asyncio.gather(*(one(action) for action in chosen))
    return done


@settings(max_examples=30, deadline=None)
@given(actions)
def test_any_interleaving_equals_the_actions_applied_in_turn(chosen: list[Action]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "show.sqlite"
        database = open_database(path)
        save_show(database, SHOW)
        writer = AsRunWriter(path)
        try:
            runner = ShowRunner(path, AsRunLog(writer, "prop", ConsoleRole.STAGE, lambda: T0))

            async def scenario() -> list[tuple[Action, LiveState | None]]:
                try:
                    return await run_concurrently(runner, chosen)
                finally:
                    await runner.close()

            done = asyncio.run(scenario())
            state = LiveState(stage="Main")
            rows = 0
            for action, result in done:  # in the order the runner applied them
                want = expected(state, action)
                assert result == want, (action, state)
                # A rehearsal switch to the mode already on changes nothing, logs nothing.
                rows += want is not None and not (action.name == "rehearsal" and want == state)
                state = want if want is not None else state
            assert load_live_state(database, "Main") == state
            assert writer.flush(5)
            assert len(read_asrun(database)) == rows
        finally:
            writer.close()
            database.conn.close()
