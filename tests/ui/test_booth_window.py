"""The booth window shows the state OBS confirmed: Ready latches when the booth's state
says so (not on the click), a refusal lands in the status line, the cough mutes while held,
and a partner's request brings Accept and Decline with a countdown. OBS is the fake hub."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt

from console.models import booth
from console.models.asrun import ConsoleRole
from console.models.obs_state import ConnectionState
from console.services.booth_desk import BoothDesk
from console.services.booth_sync import BoothSync, Sender
from console.ui import tasks
from console.ui.booth_window import BoothWindow
from tests.helpers.booth_hub import FakeHub
from tests.helpers.loops import LoopRunner, until


def utc_now() -> datetime:
    return datetime.now(UTC)


def test_the_window_shows_what_obs_confirmed(qtbot: Any, qloop: LoopRunner) -> None:
    hub = FakeHub()
    obs = hub.client()
    sync = BoothSync(obs, Sender("fr-a [1]", ConsoleRole.INTERPRETER), own_languages=("fr",))
    desk = BoothDesk(sync, obs, "fr", "Amélie", clock=utc_now)  # type: ignore[arg-type]
    window = BoothWindow(desk, "FR booth")
    qtbot.addWidget(window)

    async def scenario() -> None:
        sync.start()
        window.show()
        assert window.ready.text() == "NOT READY"
        obs.go(ConnectionState.RECONNECTING)
        qtbot.mouseClick(window.ready, Qt.MouseButton.LeftButton)
        await tasks.wait_idle()
        assert not window.ready.isChecked()  # OBS did not take it: still not ready
        assert "Ready: OBS 'main' is reconnecting" in window.status_text()
        obs.go(ConnectionState.CONNECTED)
        qtbot.mouseClick(window.ready, Qt.MouseButton.LeftButton)
        await tasks.wait_idle()
        assert window.ready.isChecked()
        assert window.ready.text() == "READY"
        assert window.at_microphone.text() == "You are at the microphone"

        qtbot.mousePress(window.cough, Qt.MouseButton.LeftButton)
        await tasks.wait_idle()
        assert window.on_air.text() == "MUTED (cough)"
        qtbot.mouseRelease(window.cough, Qt.MouseButton.LeftButton)
        await tasks.wait_idle()
        assert hub.mutes == [("Booth fr", True), ("Booth fr", False)]

        assert window.accept.isHidden()
        hub.deliver(booth.encode(booth.changed(
            desk.state, utc_now(), "fr-b [2]", handover=booth.Handover("Bruno", utc_now()))))
        await until(window.accept.isVisible, 2, "asked to take over")
        assert window.handover_status.text().startswith("Bruno asks you to take over · 1:00")
        assert not window.handover.isEnabled()  # one request at a time
        qtbot.mouseClick(window.accept, Qt.MouseButton.LeftButton)
        await tasks.wait_idle()
        assert window.at_microphone.text() == "You are at the microphone"
        assert window.handover_status.text() == "Handover accepted"

    try:
        qloop.run(scenario())
    finally:
        window.close()
        qloop.run(desk.close())
        qloop.run(sync.close())
