"""PreflightPanel with a fake service: missing items listed, blocking in red, provisioning
with progress, and rechecks folded together."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QListWidget, QProgressBar, QPushButton

from console.models.preflight import LOWER_THIRD_TEXT, MissingItem, MissingKind
from console.obs.errors import ObsNotConnected, ObsRequestTimeout
from console.obs.provision import ProgressCallback, ProvisionReport
from console.ui import tasks
from console.ui.preflight_panel import PreflightPanel
from console.ui.theme import COLOURS
from tests.helpers.loops import LoopRunner

SCENE = MissingItem(MissingKind.SCENE, "Panel", "Panel", ("a",), True)
SOURCE = MissingItem(MissingKind.SOURCE, LOWER_THIRD_TEXT, "Speaker", ("b",), False)


class FakeService:
    def __init__(self) -> None:
        self.missing: list[MissingItem] = [SCENE, SOURCE]
        self.checks = 0
        self.gate: asyncio.Event | None = None
        self.progress_seen: list[int] = []

    async def check(self) -> Sequence[MissingItem]:
        self.checks += 1
        if self.gate is not None:
            await self.gate.wait()
        return list(self.missing)

    async def provision(self, progress: ProgressCallback | None) -> ProvisionReport:
        assert progress is not None
        for step in range(3):
            progress(step, 3, f"step {step}")
            self.progress_seen.append(step)
            await asyncio.sleep(0)
        progress(3, 3, "")
        self.missing = []
        return ProvisionReport(created=["Panel"])


def settle(qloop: LoopRunner) -> None:
    qloop.run(tasks.wait_idle(), 10)


def test_lists_missing_items_blocking_in_red_and_provisions(qtbot, qloop: LoopRunner) -> None:
    service = FakeService()
    panel = PreflightPanel(service)
    qtbot.addWidget(panel)
    button = panel.findChild(QPushButton, "preflightProvision")
    assert not button.isEnabled()

    panel.recheck()
    settle(qloop)
    listing = panel.findChild(QListWidget, "preflightMissing")
    assert listing.count() == 2
    assert listing.item(0).text().startswith("BLOCKING")
    assert listing.item(0).foreground().color().name() == COLOURS["program"]
    assert listing.item(1).foreground().color().name() == COLOURS["warning"]
    summary = panel.findChild(QLabel, "preflightSummary")
    assert summary.text() == "1 blocking, 1 warnings"
    assert summary.property("tone") == "alarm"
    assert button.isEnabled()

    button.click()
    settle(qloop)
    assert service.progress_seen == [0, 1, 2]
    bar = panel.findChild(QProgressBar, "preflightProgress")
    assert bar.value() == bar.maximum()
    assert panel.findChild(QLabel, "preflightStatus").text() == "created scene 'Panel'"
    assert panel.missing == ()
    assert listing.count() == 0
    assert summary.property("tone") == "ok"
    assert not button.isEnabled()


def test_rechecks_during_a_check_fold_into_one_more(qtbot, qloop: LoopRunner) -> None:
    service = FakeService()
    panel = PreflightPanel(service)
    qtbot.addWidget(panel)

    async def scenario() -> None:
        service.gate = asyncio.Event()
        panel.recheck()
        await asyncio.sleep(0.01)
        for _ in range(5):
            panel.recheck()
        service.missing = [SOURCE]
        service.gate.set()
        await tasks.wait_idle()

    qloop.run(scenario())
    assert service.checks == 2
    assert panel.missing == (SOURCE,)


def test_a_check_that_cannot_reach_obs_says_unknown(qtbot, qloop: LoopRunner) -> None:
    class Disconnected(FakeService):
        async def check(self) -> Sequence[MissingItem]:
            raise ObsNotConnected("OBS 'main' is disconnected")

    panel = PreflightPanel(Disconnected())
    qtbot.addWidget(panel)
    panel.show_missing([SCENE])  # what an earlier check found
    panel.recheck()
    settle(qloop)
    summary = panel.findChild(QLabel, "preflightSummary")
    assert summary.text() == "unknown: OBS is not connected"  # as the readiness list says
    assert panel.missing == ()
    assert panel.findChild(QListWidget, "preflightMissing").count() == 0
    assert not panel.findChild(QPushButton, "preflightProvision").isEnabled()


def test_a_failed_check_is_shown(qtbot, qloop: LoopRunner) -> None:
    class Failing(FakeService):
        async def check(self) -> Sequence[MissingItem]:
            raise ObsRequestTimeout("OBS 'main' did not answer GetSceneList within 2.0 s")

    panel = PreflightPanel(Failing())
    qtbot.addWidget(panel)
    panel.recheck()
    settle(qloop)
    status = panel.findChild(QLabel, "preflightStatus")
    assert status.text() == ("Preflight check: OBS 'main' did not answer GetSceneList "
                             "within 2.0 s")
    assert status.property("tone") == "alarm"
