"""Take, rehearsal and the Now/Next panel in the assembled console against a real OBS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from console.app import AppOptions, ConsoleApp
from console.obs.private_obs import PrivateObs
from console.services.osc_surface import OscSettings
from console.services.show_import import import_demo
from console.store.asrun import read_asrun
from tests.helpers.loops import LoopRunner, until
from tests.helpers.obs import bare_client, ensure_scenes

pytestmark = [pytest.mark.obs,
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


@asynccontextmanager
async def demo_console(tmp_path: Path, obs: PrivateObs, rehearsal: bool,
                       osc: OscSettings | None = None) -> AsyncIterator[ConsoleApp]:
    db = tmp_path / "show.sqlite"
    import_demo(db)
    options = AppOptions(db_path=db, obs_url=obs.url, settings_path=tmp_path / "w.ini",
                         console_name="handoff-test", rehearsal=rehearsal,
                         osc=osc or OscSettings())
    console = ConsoleApp(options, obs.password)
    console.start()
    try:
        await until(lambda: console.mirror.snapshot.connected and console.mirror.snapshot.scenes,
                    15, "connected")
        yield console
    finally:
        console.window.close()
        await console.close()


def test_rehearsal_takes_go_to_preview_and_leave_program_alone(
    qloop: LoopRunner, shared_obs: PrivateObs, tmp_path: Path
) -> None:
    other = bare_client(shared_obs)

    async def scenario() -> None:
        ensure_scenes(other, "Opening", "Speaker", "Rehearsal program")
        other.send("SetStudioModeEnabled", {"studioModeEnabled": False})
        other.send("SetCurrentProgramScene", {"sceneName": "Rehearsal program"})
        async with demo_console(tmp_path, shared_obs, rehearsal=True) as console:
            panel = console.now_next
            assert panel.rehearsal_badge.isVisibleTo(panel)
            answer = await console.handoff.take()
            assert answer["rehearsal"] is True
            await until(lambda: console.mirror.snapshot.preview_scene == "Opening", 5, "preview")
            program = other.send("GetCurrentProgramScene", raw=True)["currentProgramSceneName"]
            assert program == "Rehearsal program"
            assert console.writer.flush(5)
            takes = read_asrun(console.database, kinds=["take"])
            assert takes[-1].details["rehearsal"] is True

    try:
        qloop.run(scenario())
    finally:
        other.send("SetStudioModeEnabled", {"studioModeEnabled": False})
        other.disconnect()


# The demo show on an OBS without booth inputs: its channels on air raise alarms.
@pytest.mark.expected_log("console.ui.tasks", "console.services.interpretation")
def test_now_next_panel_takes_holds_and_adds_time(
    qtbot: Any, qloop: LoopRunner, shared_obs: PrivateObs, tmp_path: Path
) -> None:
    other = bare_client(shared_obs)

    async def scenario() -> None:
        ensure_scenes(other, "Opening", "Speaker")
        other.send("SetStudioModeEnabled", {"studioModeEnabled": False})
        async with demo_console(tmp_path, shared_obs, rehearsal=False) as console:
            panel = console.now_next
            first = console.runner.next_segment()
            assert first is not None
            assert first.speakers[0].name in panel.next_label.text()
            assert panel.next_label.text().startswith(first.title)  # every kind has a title
            await until(lambda: "Scene 'Opening' exists" in panel.checklist.text(), 10,
                        "readiness checked")
            qtbot.mouseClick(panel.take_button, Qt.MouseButton.LeftButton)
            await until(lambda: console.runner.live.live is not None, 10, "segment live")
            await until(lambda: other.send("GetCurrentProgramScene", raw=True)
                        ["currentProgramSceneName"] == "Opening", 5, "OBS program")
            hold = panel.findChild(QPushButton, "holdButton")
            hold.click()
            await until(lambda: console.runner.live.on_hold, 5, "on hold")
            await until(hold.isChecked, 5, "the Hold button latched")
            assert panel.remaining.property("tone") == "hold"
            assert panel.remaining.text().startswith("HOLD")
            clock = console.window.findChild(QWidget, "clockPanel")
            assert "HOLD" in clock.remaining.text()
            assert clock.remaining.property("tone") == "hold"
            hold.click()  # released: unlatched, the timer's own colour again
            await until(lambda: not hold.isChecked(), 5, "the Hold button released")
            assert not console.runner.live.on_hold
            panel.findChild(QPushButton, "addMinuteButton").click()
            await until(lambda: console.runner.live.live.added_s == 60, 5, "minute added")
            panel.message_edit.setText("wrap up")
            panel.send_message()
            await until(lambda: console.handoff.presenter_message == "wrap up", 5, "message")

    try:
        qloop.run(scenario())
    finally:
        other.disconnect()
