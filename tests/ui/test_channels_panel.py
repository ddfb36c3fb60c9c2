"""The language matrix, the channel alarm band and the take's channel check, on the demo
show's seven channels over a real database (meters are given by hand: the real-OBS
meters are tested in tests/integration)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import psygnal
import pytest
from PySide6.QtWidgets import QPushButton, QToolButton

from console.models.booth import BoothState
from console.models.channels import ReadinessPolicy, default_plan, plan_problems
from console.models.meters import MeterReading
from console.models.obs_state import ConnectionState
from console.services.handoff import ChannelsNotReady, HandoffService
from console.services.interpretation import MUTED_ALARM_AFTER_S, InterpretationDesk
from console.services.show_import import demo_show_path, import_show_file
from console.ui.channel_alarms import ChannelAlarms, alarm_text
from console.ui.channels_panel import ChannelsPanel
from console.ui.main_window import MainWindow
from console.ui.now_next_panel import NowNextPanel
from tests.ui.support import (
    FixedClock,
    Stage,
    idle,
    make_stage,
    open_confirmations,
    owned,
)

# An outage on air is logged at WARNING by the desk.
pytestmark = pytest.mark.expected_log("console.services.interpretation")

FIRST_DAY = datetime.fromisoformat("2026-12-05T08:50:00+08:00")
SPEECH = MeterReading(-20.0, -12.0)


class Booths:
    """Booth states as the consoles' messages would bring them."""

    changed = psygnal.Signal(object)

    def __init__(self) -> None:
        self.known: dict[str, BoothState] = {}

    @property
    def states(self) -> dict[str, BoothState]:
        return self.known

    def say(self, state: BoothState) -> None:
        self.known[state.language] = state
        self.changed.emit(state)


class NoChecks:
    """The readiness monitor's signal, never fired: OBS is not part of these tests."""

    checked = psygnal.Signal(object)
    checks: tuple[Any, ...] = ()


class Seconds:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Rig:
    def __init__(self, stage: Stage, policy: ReadinessPolicy = ReadinessPolicy.WARN) -> None:
        show = stage.runner.show
        assert show is not None
        self.stage = stage
        self.plan = replace(default_plan(show.floor_language, show.languages,
                                         ("main", "second")), readiness=policy)
        self.meters = {c.input: SPEECH for c in self.plan.channels}
        self.booths = Booths()
        self.seconds = Seconds()
        self.mutes: dict[str, bool] = {}
        self.desk = InterpretationDesk(self.plan, show.floor_language, stage.runner,
                                       stage.asrun, read_meters=lambda _obs: self.meters,
                                       booths=self.booths, monotonic=self.seconds,
                                       read_mutes=lambda _obs, name: self.mutes.get(name))

    def look(self, after_s: float = 0.0) -> None:
        self.seconds.now += after_s
        self.desk.poll()

    def all_ready(self) -> None:
        for channel in self.plan.channels:
            if not channel.floor:
                self.booths.say(BoothState(channel.language, ready=True, seq=1,
                                           interpreter=f"Booth {channel.language} A",
                                           updated_at=self.stage.clock()))


@pytest.fixture
def rig(tmp_path: Path, mirror: Any, closers: list[Any]) -> Rig:
    db_path = tmp_path / "show.db"
    import_show_file(demo_show_path(), db_path)
    stage = make_stage(db_path, FixedClock(FIRST_DAY), mirror, closers)
    rig = Rig(stage)
    closers.append(rig.desk.close)
    return rig


def with_channels(rig: Rig) -> HandoffService:
    stage = rig.stage
    return HandoffService(stage.runner, stage.switcher, stage.handoff._mirror,  # type: ignore[arg-type]
                          stage.stage_clock, lower_thirds=None, asrun=stage.asrun,
                          channels=rig.desk)


def test_the_matrix_has_a_row_per_channel_with_its_meter(rig: Rig, closers: list[Any]) -> None:
    panel = owned(closers, ChannelsPanel(rig.desk, rig.stage.clock))
    assert list(panel.rows) == ["ar", "en", "fr", "es", "tr", "ur", "ms"]
    rig.meters["Booth fr"] = MeterReading(-6.0, -1.0)
    panel.show_levels()
    assert panel.rows["fr"].meter.level_db == -6.0
    assert panel.rows["fr"].meter.peak_db == -1.0
    assert panel.rows["ar"].ready.text() == "FLOOR"
    assert panel.rows["fr"].ready.text() == "NO BOOTH"


def test_a_silent_booth_on_air_raises_the_alarm_and_it_clears(
        rig: Rig, qloop: Any, closers: list[Any]) -> None:
    panel = owned(closers, ChannelsPanel(rig.desk, rig.stage.clock))
    rig.meters["Booth es"] = MeterReading(-100.0, -100.0)
    rig.look(10)
    assert panel.rows["es"].signal.text() == "PRESENT"  # nothing live: nobody hears it
    qloop.run(rig.stage.handoff.take())
    rig.look(1)
    rig.look(rig.plan.silent_after_s + 0.5)
    assert panel.rows["es"].signal.text() == "SILENT"
    assert panel.rows["es"].language.property("tone") == "alarm"
    assert not panel.rows["es"].on_air.isHidden()
    assert alarm_text(rig.desk.views) == \
        "CHANNEL ALARM — ES silent on air: check the booth's microphone"
    rig.meters["Booth es"] = SPEECH
    rig.look(0.1)
    assert panel.rows["es"].signal.text() == "PRESENT"
    assert alarm_text(rig.desk.views) is None
    events = [e.details.get("event") for e in rig.stage.asrun_entries("interpreter")]
    assert events == ["outage_start", "outage_end"]


def test_the_alarm_band_names_a_missing_input(rig: Rig, qloop: Any, closers: list[Any],
                                               tmp_path: Path) -> None:
    window = owned(closers, MainWindow(rig.stage.handoff._mirror, rig.stage.switcher,
                                       tmp_path / "settings.ini"))
    alarms = ChannelAlarms(window, rig.desk)
    qloop.run(rig.stage.handoff.take())
    del rig.meters["Booth ms"]
    rig.look(2)
    assert not alarms.band.isHidden()
    assert "MS no input in OBS" in alarms.band.label.text()
    rig.meters["Booth ms"] = SPEECH
    rig.look(0.1)
    assert alarms.band.isHidden()


def test_readiness_shows_who_said_it_and_how_long_ago(rig: Rig, closers: list[Any]) -> None:
    panel = owned(closers, ChannelsPanel(rig.desk, rig.stage.clock))
    rig.all_ready()
    rig.stage.clock.advance(125)
    panel._show_ages()
    assert panel.rows["fr"].ready.text() == "READY"
    assert "Booth fr A" in panel.rows["fr"].detail.text()
    assert "said 2 min ago" in panel.rows["fr"].detail.text()
    rig.booths.say(BoothState("tr", ready=False, seq=2, updated_at=rig.stage.clock(),
                              need_relay=True))
    assert panel.rows["tr"].ready.text() == "NOT READY"
    assert "NEEDS RELAY" in panel.rows["tr"].detail.text()


def test_the_alarm_groups_channels_by_what_is_wrong(rig: Rig, qloop: Any) -> None:
    qloop.run(rig.stage.handoff.take())
    for language in ("en", "fr", "ur"):
        del rig.meters[f"Booth {language}"]
    rig.meters["Booth es"] = MeterReading(-100.0, -100.0)
    rig.look(1)
    rig.look(rig.plan.silent_after_s + 0.5)
    assert alarm_text(rig.desk.views) == (
        "CHANNEL ALARM — ES silent on air: check the booth's microphone · "
        "EN FR UR no input in OBS: check the audio source")


def test_an_input_muted_in_obs_on_air_shows_muted_and_raises_the_alarm(
        rig: Rig, qloop: Any, closers: list[Any]) -> None:
    panel = owned(closers, ChannelsPanel(rig.desk, rig.stage.clock))
    rig.mutes["Booth fr"] = True
    rig.look(0.1)
    assert panel.rows["fr"].signal.text() == "MUTED"
    assert panel.rows["fr"].signal.property("tone") == "warning"  # off air: a look
    qloop.run(rig.stage.handoff.take())
    rig.look(0.1)
    rig.look(MUTED_ALARM_AFTER_S + 0.1)
    assert panel.rows["fr"].signal.property("tone") == "alarm"
    assert alarm_text(rig.desk.views) == \
        "CHANNEL ALARM — FR muted in OBS: unmute the input"


def test_the_override_menu_asks_the_service(rig: Rig, qloop: Any, closers: list[Any]) -> None:
    asked: list[tuple[str, bool]] = []

    async def override(language: str, ready: bool) -> None:
        asked.append((language, ready))

    panel = owned(closers, ChannelsPanel(rig.desk, rig.stage.clock, override))
    buttons = {b.objectName() for b in panel.findChildren(QToolButton)}
    assert "channel_fr_override" in buttons
    assert "channel_ar_override" not in buttons  # the floor has no booth to override
    button = panel.findChild(QToolButton, "channel_fr_override")
    button.menu().actions()[1].trigger()
    qloop.run(idle())
    assert asked == [("fr", False)]


def test_a_take_warns_of_booths_not_ready_and_records_it(rig: Rig, qloop: Any) -> None:
    handoff = with_channels(rig)
    answer = qloop.run(handoff.take())
    assert "fr: the booth is not ready" in answer["channel_warnings"]
    rows = rig.stage.asrun_entries("interpreter")
    assert [r.details["event"] for r in rows] == ["take_warning"]


def test_require_refuses_until_an_override_is_confirmed(rig: Rig, qloop: Any) -> None:
    rig.desk.plan = replace(rig.plan, readiness=ReadinessPolicy.REQUIRE)
    handoff = with_channels(rig)
    with pytest.raises(ChannelsNotReady, match="Take anyway with an override"):
        qloop.run(handoff.take())
    assert rig.stage.runner.live.live is None
    qloop.run(handoff.take(override=True))
    assert rig.stage.runner.live.live is not None
    rows = rig.stage.asrun_entries("interpreter")
    assert [r.details["event"] for r in rows] == ["take_override"]


def test_require_passes_when_every_booth_on_air_is_ready(rig: Rig, qloop: Any) -> None:
    rig.desk.plan = replace(rig.plan, readiness=ReadinessPolicy.REQUIRE)
    rig.all_ready()
    answer = qloop.run(with_channels(rig).take())
    assert "channel_warnings" not in answer


def test_take_next_asks_before_an_override(rig: Rig, qloop: Any, closers: list[Any],
                                           qtbot: Any) -> None:
    rig.desk.plan = replace(rig.plan, readiness=ReadinessPolicy.REQUIRE)
    stage = rig.stage
    panel = owned(closers, NowNextPanel(stage.runner, with_channels(rig), stage.stage_clock,
                                        stage.switcher, NoChecks()))  # type: ignore[arg-type]

    async def scenario() -> None:
        panel.take()
        await _until(lambda: bool(open_confirmations(panel)))
        box = open_confirmations(panel)[0]
        assert "fr: the booth is not ready" in box.informativeText()
        box.findChild(QPushButton, "confirmAction").click()
        await idle()

    qloop.run(scenario())
    assert stage.runner.live.live is not None


async def _until(condition: Any) -> None:
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


def test_a_second_obs_that_is_down_leaves_only_its_channels_unknown(
        rig: Rig, closers: list[Any]) -> None:
    rig.desk._read_meters = lambda obs: rig.meters if obs == "main" else None
    panel = owned(closers, ChannelsPanel(rig.desk, rig.stage.clock))
    rig.look(0.1)
    assert rig.plan.channel("ms").obs == "second"  # the seventh mix does not fit one OBS
    assert panel.rows["ms"].signal.text() == "UNKNOWN"
    assert panel.rows["ur"].signal.text() == "PRESENT"
    assert rig.desk.view("ms").to_json()["level_db"] is None


class StandInConnection:
    state_changed = psygnal.Signal(object)

    def __init__(self, state: ConnectionState) -> None:
        self.state = state

    def move_to(self, state: ConnectionState) -> None:
        self.state = state
        self.state_changed.emit(state)


def test_each_obs_connection_shows_its_own_state_and_the_plan_its_problems(
        rig: Rig, closers: list[Any]) -> None:
    main, second = (StandInConnection(ConnectionState.CONNECTED),
                    StandInConnection(ConnectionState.CONNECTING))
    one_obs = default_plan("ar", ("en", "fr", "es", "tr", "ur", "ms"))
    problems = plan_problems(one_obs, "ar")
    panel = owned(closers, ChannelsPanel(rig.desk, rig.stage.clock,
                                         connections={"main": main, "second": second},
                                         problems=problems))
    badges = panel.connections.badges
    assert badges["main"].text() == "OBS main: CONNECTED"
    assert badges["second"].text() == "OBS second: CONNECTING"
    second.move_to(ConnectionState.RECONNECTING)
    assert badges["second"].text() == "OBS second: RECONNECTING"
    assert badges["main"].property("tone") == "ok"
    assert not panel.problems.isHidden()
    assert "7 mixes (ar, en, fr, es, tr, ur, ms) do not fit one OBS" in panel.problems.text()
