"""The assembled console (window, services, store) against a real OBS.

Each test is one coroutine run on the qasync loop, as the app runs: clicks and
keystrokes happen inside the running loop, never between two runs of it.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QListView, QPushButton

from console import logs
from console.app import AppOptions, ConsoleApp
from console.models.asrun import AsRunKind
from console.models.obs_state import ConnectionState
from console.obs.private_obs import PrivateObs
from console.services.show_import import import_demo
from console.store.asrun import read_asrun
from console.ui.theme import apply_theme
from tests.helpers.loops import LoopRunner, until
from tests.helpers.obs import bare_client, ensure_scenes

pytestmark = [pytest.mark.obs,
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


@pytest.fixture
def themed(qapp: Any) -> Any:
    """The app's theme, as the app applies it; undone so other tests see a plain Qt."""
    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    apply_theme(qapp)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setStyle(style)


@asynccontextmanager
async def running_console(
    tmp_path: Path, obs: PrivateObs, password: str | None = None, name: str = "show"
) -> AsyncIterator[ConsoleApp]:
    options = AppOptions(db_path=tmp_path / f"{name}.sqlite", obs_url=obs.url,
                         settings_path=tmp_path / f"{name}.ini", console_name="test-stage")
    console = ConsoleApp(options, obs.password if password is None else password)
    console.start()
    try:
        yield console
    finally:
        console.window.close()  # as the operator does; it saves the layout
        await console.close()


async def synced(console: ConsoleApp) -> None:
    await until(lambda: console.mirror.snapshot.connected and console.mirror.snapshot.scenes,
                15, "connected and synced")


def button(console: ConsoleApp, name: str) -> QPushButton:
    found = console.window.scene_panel.findChild(QPushButton, name)
    assert found is not None
    return found


def test_scene_switched_elsewhere_is_marked_on_program(
    qloop: LoopRunner, themed: Any, shared_obs: PrivateObs, tmp_path: Path
) -> None:
    other = bare_client(shared_obs)

    async def scenario() -> None:
        ensure_scenes(other, "UI Elsewhere A", "UI Elsewhere B")
        other.send("SetCurrentProgramScene", {"sceneName": "UI Elsewhere A"})
        async with running_console(tmp_path, shared_obs) as console:
            await synced(console)
            scene_list = console.window.scene_panel.findChild(QListView, "sceneList")
            model = scene_list.model()
            await until(lambda: model.tag("UI Elsewhere A") == "PGM", 5, "PGM on A")
            other.send("SetCurrentProgramScene", {"sceneName": "UI Elsewhere B"})
            await until(lambda: model.tag("UI Elsewhere B") == "PGM", 5, "PGM on B")
            assert model.tag("UI Elsewhere A") == ""

    try:
        qloop.run(scenario())
    finally:
        other.disconnect()


def test_take_in_the_window_changes_obs_program(
    qtbot: Any, qloop: LoopRunner, themed: Any, shared_obs: PrivateObs, tmp_path: Path
) -> None:
    other = bare_client(shared_obs)

    async def scenario() -> None:
        ensure_scenes(other, "UI Take A", "UI Take B")
        other.send("SetStudioModeEnabled", {"studioModeEnabled": False})
        other.send("SetCurrentProgramScene", {"sceneName": "UI Take A"})
        async with running_console(tmp_path, shared_obs) as console:
            await synced(console)
            await until(lambda: console.mirror.snapshot.program_scene == "UI Take A", 5, "A")
            console.window.scene_panel.select_scene("UI Take B")
            qtbot.mouseClick(button(console, "takeButton"), Qt.MouseButton.LeftButton)
            await until(lambda: console.mirror.snapshot.program_scene == "UI Take B", 5,
                        "OBS confirms the take")
            seen_by_other = other.send("GetCurrentProgramScene", raw=True)
            assert seen_by_other["currentProgramSceneName"] == "UI Take B"
            assert console.writer.flush(5)
            changes = read_asrun(console.database, kinds=[AsRunKind.SCENE_CHANGE.value])
            assert changes[-1].details["scene"] == "UI Take B"
            assert changes[-1].details["previous"] == "UI Take A"
            in_effect = other.send("GetCurrentSceneTransition", raw=True)["transitionName"]
            assert changes[-1].details["transition"] == in_effect
            assert changes[-1].console == "test-stage"

    try:
        qloop.run(scenario())
    finally:
        other.disconnect()


def test_studio_mode_previews_then_transitions(
    qtbot: Any, qloop: LoopRunner, themed: Any, shared_obs: PrivateObs, tmp_path: Path
) -> None:
    other = bare_client(shared_obs)

    async def scenario() -> None:
        ensure_scenes(other, "UI Studio A", "UI Studio B")
        other.send("SetStudioModeEnabled", {"studioModeEnabled": False})
        other.send("SetCurrentProgramScene", {"sceneName": "UI Studio A"})
        async with running_console(tmp_path, shared_obs) as console:
            await synced(console)
            snapshot = lambda: console.mirror.snapshot  # noqa: E731
            qtbot.mouseClick(button(console, "studioModeButton"), Qt.MouseButton.LeftButton)
            await until(lambda: snapshot().studio_mode, 5, "studio mode on")
            assert other.send("GetStudioModeEnabled", raw=True)["studioModeEnabled"] is True
            console.window.scene_panel.select_scene("UI Studio B")
            await until(lambda: snapshot().preview_scene == "UI Studio B", 5, "B on preview")
            preview = other.send("GetCurrentPreviewScene", raw=True)
            assert preview["currentPreviewSceneName"] == "UI Studio B"
            assert snapshot().program_scene == "UI Studio A"
            # At once, as an operator would: OBS drops a transition asked for within
            # ~0.4 s of entering studio mode, and the switcher must not lose this take.
            qtbot.mouseClick(button(console, "takeButton"), Qt.MouseButton.LeftButton)
            await until(lambda: snapshot().program_scene == "UI Studio B", 5, "B on program")
            program = other.send("GetCurrentProgramScene", raw=True)
            assert program["currentProgramSceneName"] == "UI Studio B"

    try:
        qloop.run(scenario())
    finally:
        other.send("SetStudioModeEnabled", {"studioModeEnabled": False})
        other.disconnect()


class StallMeter:
    """A QTimer on the main thread that records the longest gap between its ticks."""

    INTERVAL_MS = 10

    def __init__(self) -> None:
        self.longest_gap_s = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.timer.start(self.INTERVAL_MS)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest_gap_s = max(self.longest_gap_s, now - self._last)
        self._last = now

    def stop(self) -> None:
        self.timer.stop()


@pytest.mark.expected_log("console.ui.tasks")
def test_frozen_obs_never_stalls_the_main_thread(
    qtbot: Any, qloop: LoopRunner, themed: Any, own_obs: PrivateObs, tmp_path: Path
) -> None:
    other = bare_client(own_obs)
    ensure_scenes(other, "Frozen B")
    other.disconnect()

    async def scenario() -> None:
        async with running_console(tmp_path, own_obs) as console:
            await synced(console)
            await until(lambda: "Frozen B" in console.mirror.snapshot.scenes, 5, "scene listed")
            meter = StallMeter()
            try:
                own_obs.freeze()
                # The operator presses Take on a frozen OBS: it must fail by its timeout.
                console.window.scene_panel.select_scene("Frozen B")
                qtbot.mouseClick(button(console, "takeButton"), Qt.MouseButton.LeftButton)
                await until(lambda: console.connection.state is ConnectionState.RECONNECTING, 3,
                            "frozen OBS detected")
                await until(lambda: "Take" in console.window.status_text(), 5, "failure shown")
                await asyncio.sleep(1.0)  # reconnection attempts against the frozen OBS
                assert meter.longest_gap_s < 0.100, \
                    f"main thread stalled {meter.longest_gap_s:.3f} s"
                own_obs.thaw()
                await until(lambda: console.mirror.snapshot.connected, 10, "reconnected")
            finally:
                meter.stop()
                own_obs.thaw()

    qloop.run(scenario())


@pytest.mark.expected_log("console.obs.connection", "console.app")
def test_password_never_reaches_logs_or_files(
    qloop: LoopRunner, themed: Any, shared_obs: PrivateObs, tmp_path: Path
) -> None:
    wrong_password = "definitely-Wrong-Secret-42"
    captured = io.StringIO()

    async def scenario() -> None:
        async with running_console(tmp_path, shared_obs) as console:
            await synced(console)
            await console.switcher.take(console.mirror.snapshot.scenes[0])
            async with running_console(tmp_path, shared_obs, wrong_password, "wrong") as wrong:
                await until(lambda: wrong.connection.state is ConnectionState.AUTH_FAILED, 10,
                            "wrong password refused")
            assert console.writer.flush(5)

    logs.configure("DEBUG", stream=captured)
    try:
        qloop.run(scenario())
    finally:
        logs.reset()
    text = captured.getvalue()
    assert "connected to OBS" in text  # the log did capture the session
    files = [path for path in tmp_path.iterdir() if path.is_file()]
    assert any(path.suffix == ".sqlite" for path in files)
    for secret in (shared_obs.password, wrong_password):
        assert secret not in text
        for path in files:
            assert secret.encode() not in path.read_bytes(), path.name


@pytest.mark.expected_log("console.obs.connection")
def test_refused_password_asks_once_and_reconnects_with_the_typed_one(
    qloop: LoopRunner, themed: Any, shared_obs: PrivateObs, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QApplication, QInputDialog

    def open_prompts() -> list[QInputDialog]:
        return [widget for widget in QApplication.topLevelWidgets()
                if isinstance(widget, QInputDialog) and widget.isVisible()
                and widget.objectName() == "obsPasswordDialog"]

    async def scenario() -> None:
        async with running_console(tmp_path, shared_obs, "not-the-password") as console:
            await until(open_prompts, 10, "password prompt shown")
            assert console.connection.state is ConnectionState.AUTH_FAILED
            assert "password" in console.window.status_text()
            await asyncio.sleep(1.0)  # a retry loop would show a second prompt by now
            prompts = open_prompts()
            assert len(prompts) == 1
            prompts[0].setTextValue(shared_obs.password)
            prompts[0].accept()
            await synced(console)
            assert console.connection.state is ConnectionState.CONNECTED

    qloop.run(scenario())


def test_health_says_unknown_everywhere_once_obs_is_gone(
    qloop: LoopRunner, own_obs: PrivateObs, tmp_path: Path
) -> None:
    import_demo(tmp_path / "health.sqlite")

    async def scenario() -> None:
        async with running_console(tmp_path, own_obs, name="health") as console:
            await synced(console)
            preflight = console.preflight.findChild(QLabel, "preflightSummary")
            checklist = console.now_next.checklist
            await until(lambda: "unknown" not in preflight.text()
                        and "not checked" not in preflight.text(), 10, "preflight checked")
            await until(lambda: "exists in OBS" in checklist.text(), 10, "readiness checked")
            own_obs.kill()
            await until(lambda: preflight.text() == "unknown: OBS is not connected"
                        and checklist.text().startswith("✘ unknown: OBS is not connected"),
                        5, "both say unknown")
            # Never a panel saying all is well beside one saying OBS is gone.
            assert not console.mirror.snapshot.connected
            assert console.window.obs_panel.findChild(
                QLabel, "connectionState").text() != "CONNECTED"

    qloop.run(scenario())
