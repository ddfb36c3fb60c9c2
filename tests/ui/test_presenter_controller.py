"""The presenter window as the assembled console drives it (no OBS needed for this)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication

from console.app import AppOptions, ConsoleApp
from console.obs.private_obs import free_port
from console.services.show_import import import_demo
from tests.helpers.loops import LoopRunner


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_presenter_window_follows_the_live_segment_and_messages(
    qloop: LoopRunner, qapp: Any, tmp_path: Path
) -> None:
    db = tmp_path / "show.sqlite"
    import_demo(db)
    options = AppOptions(db_path=db, obs_url=f"ws://127.0.0.1:{free_port()}",
                         settings_path=tmp_path / "w.ini", console_name="presenter-test")

    async def scenario() -> None:
        console = ConsoleApp(options, "")
        console.start()
        try:
            presenter = console.presenter
            screen = QGuiApplication.screens()[0]
            presenter.choose_screen(screen.name())
            presenter.toggle()
            assert presenter.window is not None
            assert presenter.window.screen() is screen
            await console.runner.take_next()
            presenter.refresh()
            countdown = presenter.window.countdown.text()
            assert countdown not in ("", "--:--")
            await console.handoff.message("wrap up")
            assert presenter.window.message.text() == "wrap up"
            presenter.set_blackout(True)
            assert presenter.window.blackout
            presenter.toggle()
            assert presenter.window is None
        finally:
            console.window.close()
            await console.close()

    qloop.run(scenario())
