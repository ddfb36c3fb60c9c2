"""run_task: every failure is reported, no task is lost or left behind."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest

from console.models.errors import OperatorError
from console.obs.errors import ObsNotConnected
from console.services.show_runner import ShowRunnerError
from console.services.switcher import TakeInFlight
from console.store.database import StoreError
from console.ui import tasks
from tests.ui.support import settle


async def _answer() -> int:
    await asyncio.sleep(0)
    return 42


async def _fail(error: BaseException) -> None:
    await asyncio.sleep(0)
    raise error


def test_a_task_runs_and_returns_its_result(loop):
    task = tasks.run_task(_answer(), description="Answer")

    assert loop.run_until_complete(task) == 42


def test_a_running_task_is_held_until_it_is_done(loop):
    task = tasks.run_task(_answer(), description="Answer")
    task_name = task.get_name()
    del task
    gc.collect()

    assert [t.get_name() for t in tasks.running_tasks()] == [task_name]
    settle(loop)
    assert tasks.running_tasks() == frozenset()


def test_an_obs_error_is_reported_in_the_operators_words(loop, caplog):
    reports: list[str] = []
    tasks.run_task(_fail(ObsNotConnected("OBS 'main' is disconnected")),
                   description="Take 'Keynote'", on_error=reports.append)
    settle(loop)

    assert reports == ["Take 'Keynote': OBS 'main' is disconnected"]
    [record] = [r for r in caplog.records if r.name == "console.ui.tasks"]
    # A refusal the operator can act on, not a problem of the console: INFO, no traceback.
    assert record.levelno == logging.INFO
    assert record.getMessage() == "Take 'Keynote' refused: OBS 'main' is disconnected"
    assert record.exc_info is None


@pytest.mark.parametrize("error", [
    OperatorError("nothing left to take"),
    ShowRunnerError("nothing left to take"),
    TakeInFlight("nothing left to take"),
], ids=lambda error: type(error).__name__)
def test_every_operator_error_is_a_refusal_told_as_is(loop, caplog, error):
    reports: list[str] = []
    tasks.run_task(_fail(error), description="Take the next segment", on_error=reports.append)
    settle(loop)

    assert reports == ["Take the next segment: nothing left to take"]
    [record] = [r for r in caplog.records if r.name == "console.ui.tasks"]
    assert record.levelno == logging.INFO
    assert record.getMessage() == "Take the next segment refused: nothing left to take"
    assert record.exc_info is None


@pytest.mark.expected_log("console.ui.tasks")
def test_a_store_error_is_reported_as_is_and_logged_as_an_error(loop, caplog):
    reports: list[str] = []
    tasks.run_task(_fail(StoreError("disk full")), description="Save the rundown",
                   on_error=reports.append)
    settle(loop)

    assert reports == ["Save the rundown: disk full"]  # not an "internal error"
    [record] = [r for r in caplog.records if r.name == "console.ui.tasks"]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "Save the rundown failed: disk full"
    assert record.exc_info is None


@pytest.mark.expected_log("console.ui.tasks")
def test_any_other_exception_is_an_internal_error_logged_with_its_traceback(loop, caplog):
    reports: list[str] = []
    tasks.run_task(_fail(KeyError("scene")), description="Take 'Keynote'",
                   on_error=reports.append)
    settle(loop)

    assert reports == ["Take 'Keynote': internal error: KeyError: 'scene'"]
    [record] = [r for r in caplog.records if r.name == "console.ui.tasks"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert record.exc_info[0] is KeyError


def test_a_failure_without_a_reporter_is_still_logged(loop, caplog):
    tasks.run_task(_fail(ObsNotConnected("gone")), description="Preview 'Break'")
    settle(loop)

    assert "Preview 'Break' refused: gone" in caplog.text


@pytest.mark.expected_log("console.ui.tasks")
def test_an_internal_error_without_a_reporter_is_still_logged(loop, caplog):
    tasks.run_task(_fail(KeyError("scene")), description="Preview 'Break'")
    settle(loop)

    assert "Preview 'Break' failed with an internal error" in caplog.text


@pytest.mark.expected_log("console.ui.tasks")
def test_a_failing_reporter_does_not_hide_the_failure(loop, caplog):
    def broken_reporter(message: str) -> None:
        raise RuntimeError("status bar gone")

    tasks.run_task(_fail(ObsNotConnected("gone")), description="Take",
                   on_error=broken_reporter)
    settle(loop)

    messages = [r.getMessage() for r in caplog.records]
    assert "Take refused: gone" in messages
    assert any("reporting a failed task failed" in m and "Take: gone" in m for m in messages)


def test_cancel_all_cancels_running_tasks(loop):
    never = asyncio.Event()
    task = tasks.run_task(never.wait(), description="Wait forever")

    cancelled = tasks.cancel_all()
    settle(loop)

    assert cancelled == [task]
    assert task.cancelled()
    assert tasks.running_tasks() == frozenset()


def test_without_an_event_loop_the_coroutine_is_closed_not_leaked(monkeypatch):
    def no_loop() -> asyncio.AbstractEventLoop:
        raise RuntimeError("no event loop")

    monkeypatch.setattr(tasks, "_event_loop", no_loop)
    coro = _answer()

    with pytest.raises(RuntimeError, match="no event loop"):
        tasks.run_task(coro, description="Answer")
    assert coro.cr_frame is None  # closed: no "never awaited" warning later
