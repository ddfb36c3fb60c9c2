"""Takes against a real OBS when everything happens at once: one take at a time, strictly in
rundown order, each confirmed by OBS for its own scene and stamped at OBS's instant."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console.app import AppOptions, ConsoleApp
from console.models.asrun import AsRunKind
from console.models.show import Day, Segment, SegmentKind, Session, Show, Speaker, Stage
from console.obs.private_obs import PrivateObs
from console.store.asrun import read_asrun
from console.store.database import open_database
from console.store.shows import save_show
from tests.helpers.loops import LoopRunner, until
from tests.helpers.obs import ObsEventLog, bare_client, ensure_scenes

# The shows here are interpreted and this OBS has no booth inputs: channels on air alarm.
pytestmark = [pytest.mark.obs,
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
              pytest.mark.expected_log("console.services.interpretation")]

TOKEN = "takes-on-air-token-0123456789"
SCENES = ("Race A", "Race B")
IDLE = "Race idle"
SEGMENTS = 10
START = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def race_show() -> Show:
    """Segments alternating between two scenes: every take changes OBS's program."""
    segments = tuple(
        Segment(id=f"race-{index}", kind=SegmentKind.TALK, title=f"Talk {index}",
                planned_start=START + timedelta(minutes=10 * index),
                planned_duration=timedelta(minutes=10), scene=SCENES[index % 2],
                speakers=(Speaker(f"Speaker {index}", "en"),))
        for index in range(SEGMENTS))
    return Show(name="Race", timezone="UTC", floor_language="en",
                stages=(Stage("Main", (Day(date(2026, 12, 5), (Session("All", segments),)),)),))


@asynccontextmanager
async def race_console(tmp_path: Path, obs: PrivateObs) -> AsyncIterator[ConsoleApp]:
    db = tmp_path / "race.sqlite"
    database = open_database(db)
    save_show(database, race_show())
    database.conn.close()
    options = AppOptions(db_path=db, obs_url=obs.url, settings_path=tmp_path / "race.ini",
                         console_name="race-stage", control_port=0, lower_third_s=0)
    console = ConsoleApp(options, obs.password)
    console.start()
    try:
        await until(lambda: console.mirror.snapshot.connected
                    and console.control is not None and console.control.port, 15, "ready")
        yield console
    finally:
        console.window.close()
        await console.close()


async def post_take(port: int) -> tuple[int, dict[str, Any]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write((f"POST /api/take HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                  f"Authorization: Bearer {TOKEN}\r\n\r\n").encode())
    await writer.drain()
    raw = await reader.read()
    writer.close()
    await writer.wait_closed()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), json.loads(body)


def prepare_obs(obs: PrivateObs, transition: str, duration_ms: int = 300) -> ObsEventLog:
    """OBS on the idle scene with ``transition``; the event log that watches from now on."""
    events = ObsEventLog(obs)
    other = bare_client(obs)
    try:
        ensure_scenes(other, IDLE, *SCENES)
        other.send("SetStudioModeEnabled", {"studioModeEnabled": False})
        other.send("SetCurrentSceneTransition", {"transitionName": "Cut"})
        program = other.send("GetCurrentProgramScene", raw=True)["currentProgramSceneName"]
        if program != IDLE:
            other.send("SetCurrentProgramScene", {"sceneName": IDLE})
            deadline = time.monotonic() + 5
            while IDLE not in events.scenes():
                assert time.monotonic() < deadline, "OBS never went to the idle scene"
                time.sleep(0.02)
        other.send("SetCurrentSceneTransition", {"transitionName": transition})
        other.send("SetCurrentSceneTransitionDuration", {"transitionDuration": duration_ms})
    finally:
        other.disconnect()
    events.clear()
    return events


def test_two_hundred_takes_at_once_plus_keys_go_on_air_in_rundown_order(
    qtbot: Any, qloop: LoopRunner, shared_obs: PrivateObs, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONSOLE_CONTROL_TOKEN", TOKEN)
    events = prepare_obs(shared_obs, "Cut")
    shuffle = random.Random(7)

    async def scenario() -> list[tuple[int, dict[str, Any]]]:
        async with race_console(tmp_path, shared_obs) as console:
            assert console.control is not None
            port = console.control.port
            console.window.activateWindow()
            await until(lambda: QApplication.activeWindow() is console.window, 5, "active")

            async def one_request() -> tuple[int, dict[str, Any]]:
                await asyncio.sleep(shuffle.uniform(0, 3))
                return await post_take(port)

            async def presses() -> None:
                for _ in range(12):
                    await asyncio.sleep(shuffle.uniform(0, 0.3))
                    qtbot.keyClick(console.window, Qt.Key.Key_PageDown)

            answers, _ = await asyncio.gather(
                asyncio.gather(*(one_request() for _ in range(200))), presses())
            await until(lambda: console.switcher.in_flight is None, 5, "no take in flight")
            await until(lambda: len(events.scenes()) >= len(console.runner.live.runs), 5,
                        "OBS's events seen by the other client")
            runs = [run.segment_id for run in console.runner.live.runs]
            assert console.writer.flush(5)
            takes = read_asrun(console.database, kinds=[AsRunKind.TAKE])
            assert runs == [f"race-{index}" for index in range(len(runs))]  # in order, once
            assert [take.segment_id for take in takes] == runs
            assert events.scenes() == [SCENES[index % 2] for index in range(len(runs))]
            accepted = [answer["segment_id"] for status, answer in answers if status == 200]
            assert len(accepted) == len(set(accepted))  # no segment answered twice
            assert set(accepted) <= set(runs)
            assert len(runs) == SEGMENTS  # the rundown was taken to its end
            return list(answers)

    try:
        answers = qloop.run(scenario(), 60)
    finally:
        events.close()
    refused = [answer for status, answer in answers if status != 200]
    assert refused, "all 200 requests were accepted: nothing was concurrent"
    assert {status for status, _ in answers} <= {200, 409}
    for answer in refused:
        assert answer["ok"] is False
        assert "in flight" in answer["error"] or "nothing left" in answer["error"], answer


def test_a_take_is_stamped_when_obs_starts_the_transition_whatever_the_lower_third_does(
    qloop: LoopRunner, shared_obs: PrivateObs, tmp_path: Path,
) -> None:
    events = prepare_obs(shared_obs, "Fade", duration_ms=300)

    async def scenario() -> datetime:
        async with race_console(tmp_path, shared_obs) as console:
            lower_thirds = console.lower_thirds
            show = lower_thirds._show

            async def slow_lower_third(*args: Any) -> Any:
                await asyncio.sleep(1.0)  # a lower third far slower than any take
                return await show(*args)

            lower_thirds._show = slow_lower_third  # type: ignore[method-assign]
            answer = await console.handoff.take()
            assert answer["segment_id"] == "race-0"
            assert console.writer.flush(5)
            take = read_asrun(console.database, kinds=[AsRunKind.TAKE])[0]
            assert take.actual is not None
            live = console.runner.live.live
            assert live is not None
            assert live.started_at == take.actual
            return take.actual

    try:
        actual = qloop.run(scenario(), 60)
    finally:
        events.close()
    assert len(events.transitions) == 1
    started = events.transitions[0]
    program_changed = events.program[0][1]
    assert abs((actual - started).total_seconds()) < 0.020
    # The fade lasts 300 ms: the stamp is its start, not its end.
    assert (program_changed - actual).total_seconds() > 0.2
    assert actual.utcoffset() == timedelta(0)
