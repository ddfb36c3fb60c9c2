"""A console killed (SIGKILL) mid-segment resumes the same segment with the right elapsed time,
and keeps every as-run row it had acknowledged (a control API action answered 200)."""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from console.obs.private_obs import PrivateObs, free_port
from tests.helpers.cli import ConsoleProcess, console_environment, imported_demo
from tests.helpers.control import call, provisioned_demo, start_console


def test_killed_console_resumes_the_live_segment(tmp_path: Path) -> None:
    db, show = imported_demo(tmp_path)
    env = console_environment(tmp_path)
    segment = show.stages[0].days[0].sessions[1].segments[2]
    # No OBS is needed to run the rundown: the console keeps reconnecting meanwhile.
    obs_url = f"ws://127.0.0.1:{free_port()}"

    first = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.live_console", str(db), obs_url, segment.id],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        stdin=subprocess.DEVNULL,
    )
    try:
        assert first.stdout is not None
        assert first.stdout.readline().strip() == "LIVE"
        live_since = time.monotonic()
        time.sleep(2.0)  # the segment runs for a while before the crash
    finally:
        first.kill()  # SIGKILL: no chance to save anything more
        first.wait()
        if first.stdout is not None:
            first.stdout.close()
    down_for = time.monotonic() - live_since

    second = ConsoleProcess(["run", "--db", str(db), "--obs", obs_url], env)
    try:
        resumed = second.wait_for_record(30, msg="resumed live segment")
    finally:
        assert second.stop() == 0
    assert resumed["segment_id"] == segment.id
    # The elapsed time counts from the original start, the time the console was down included.
    assert resumed["elapsed_s"] >= down_for
    assert resumed["elapsed_s"] < down_for + 60


@pytest.mark.obs
def test_a_killed_console_keeps_every_row_it_acknowledged(
    shared_obs: PrivateObs, tmp_path: Path,
) -> None:
    db = provisioned_demo(tmp_path, shared_obs)
    app, port = start_console(tmp_path, shared_obs, db)
    taken: list[tuple[str, str]] = []
    noted: list[str] = []
    try:
        for index in range(4):
            status, answer = call(port, "POST", "/api/take")
            assert status == 200, answer
            taken.append((answer["segment_id"], answer["actual"]))
            status, answer = call(port, "POST", "/api/note", {"note": f"note {index}"})
            assert status == 200, answer
            noted.append(answer["note"])
    finally:
        app.process.kill()  # SIGKILL the instant the last answer is read: no shutdown at all
        assert app.stop() == -signal.SIGKILL

    with contextlib.closing(sqlite3.connect(db)) as reopened:
        assert reopened.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        takes = reopened.execute(
            "SELECT segment_id, actual FROM asrun WHERE kind = 'take' ORDER BY id").fetchall()
        notes = reopened.execute(
            "SELECT json_extract(details, '$.text') FROM asrun WHERE kind = 'note' "
            "ORDER BY id").fetchall()
    # Each exactly once, in order: stored actual times are the answers' instants in UTC.
    assert [(segment, datetime.fromisoformat(actual)) for segment, actual in takes] == \
        [(segment, datetime.fromisoformat(actual)) for segment, actual in taken]
    assert [text for (text,) in notes] == noted
