"""A console killed (SIGKILL) mid-segment resumes the same segment with the right elapsed time."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from console.obs.private_obs import free_port
from tests.helpers.cli import ConsoleProcess, console_environment, imported_demo


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
