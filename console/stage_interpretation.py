"""The stage console's interpretation part: meters, the channel plan, the desk, their panels.

Built by the stage console's composition root (``console/app.py``), which owns it:
one meter feed per OBS that carries channels (its own connection: meters and audio
requests never wait behind a take) and the mute of each channel's input there; the
show's channel plan (stored, or the default over this console's OBS connections);
the interpretation desk that follows every channel; and in the window the language
matrix, the alarm band and the plan dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from console.models.channels import MAIN_OBS, ChannelPlan, PlanProblem
from console.models.show import Show
from console.obs.instances import ObsInstance
from console.obs.meter_feed import meter_feeds
from console.services.asrun_log import AsRunLog
from console.services.booth_sync import BoothSync
from console.services.channel_setup import ChannelSetup, ChannelSetupService
from console.services.interpretation import InterpretationDesk
from console.services.meter_readings import MeterReadings
from console.services.mute_watch import MuteWatch
from console.services.show_runner import ShowRunner
from console.services.stage_role import StageRole
from console.ui.channel_alarms import ChannelAlarms
from console.ui.channel_plan_controller import ChannelPlanController
from console.ui.channels_panel import ChannelsPanel
from console.ui.main_window import MainWindow
from console.ui.password_controller import PasswordController
from console.ui.subscription import subscribe


class StageInterpretation:
    """Owns the meter feeds, the channel setup and the desk; see the module docstring."""

    def __init__(self, instances: tuple[ObsInstance, ...], db_path: Path, runner: ShowRunner,
                 *, asrun: AsRunLog, booths: BoothSync, role: StageRole,
                 console_name: str) -> None:
        self._runner = runner
        self._console_name = console_name
        self._role = role
        self._booths = booths
        self.instances = {instance.name: instance for instance in instances}
        self.feeds = meter_feeds(instances)
        self.readings = MeterReadings(self.feeds)
        self.mutes = MuteWatch({name: feed.gateway for name, feed in self.feeds.items()},
                               self._channel_inputs)
        self.setup = ChannelSetupService(db_path, tuple(self.feeds), runner.now,
                                         guard=role.refusal)
        show = runner.show
        loaded = self.setup.load(show)
        self.desk = InterpretationDesk(
            loaded.plan if loaded else ChannelPlan(),
            show.floor_language if show else "", runner, asrun,
            read_meters=self.readings, booths=booths, runs_the_show=lambda: role.held,
            read_mutes=self.mutes)
        self.setup.changed.connect(self._on_setup)
        runner.show_changed.connect(self._on_show)

    def _channel_inputs(self) -> dict[str, list[str]]:
        """The inputs whose mute matters, by OBS (the plan in use)."""
        inputs: dict[str, list[str]] = {}
        for channel in self.desk.plan.channels:
            inputs.setdefault(channel.obs, []).append(channel.input)
        return inputs

    def plan_for(self, _show: Show) -> ChannelPlan:
        """The plan the booths are told of (the stage announcer asks)."""
        return self.desk.plan

    # -- the window ----------------------------------------------------------------------

    def add_to_window(self, window: MainWindow) -> None:
        self.panel = ChannelsPanel(self.desk, self._runner.now, self._override,
                                   connections={name: feed.connection
                                                for name, feed in self.feeds.items()},
                                   problems=self._problems())
        window.add_panel("channelsDock", "Interpretation", self.panel,
                         Qt.DockWidgetArea.BottomDockWidgetArea)
        self.alarms = ChannelAlarms(window, self.desk)
        self.plan_dialog = ChannelPlanController(window, self.setup, self._role)
        subscribe(self.panel, self.setup.changed, self._show_problems)
        # The main OBS's password is asked for by the console's own controller; the
        # meter feed follows it (see reconnect_meters). Others have their own prompt.
        self.passwords = [PasswordController(window, feed.connection,
                                             self.instances[name].url,
                                             topic=f"obs {name}")
                          for name, feed in self.feeds.items() if name != MAIN_OBS]

    def _problems(self) -> tuple[PlanProblem, ...]:
        setup = self.setup.setup
        return setup.problems if setup is not None else ()

    def _show_problems(self, setup: ChannelSetup | None) -> None:
        self.panel.show_problems(setup.problems if setup is not None else ())

    async def _override(self, language: str, ready: bool) -> None:
        await self._booths.override(language, ready, self._console_name)

    async def reconnect_meters(self, password: str) -> None:
        """The main OBS took a new password: the main meter feed uses it too."""
        await self.feeds[MAIN_OBS].connection.reconnect_with(password)

    # -- running -------------------------------------------------------------------------

    def start(self) -> None:
        for feed in self.feeds.values():
            feed.start()
        self.mutes.start()
        self.desk.start()

    async def close(self) -> None:
        self.setup.changed.disconnect(self._on_setup)
        self._runner.show_changed.disconnect(self._on_show)
        await self.desk.close()
        await self.mutes.close()
        for feed in self.feeds.values():
            await feed.stop()

    def _on_show(self, show: Show | None) -> None:
        self.setup.load(show)

    def _on_setup(self, setup: ChannelSetup | None) -> None:
        show = self.setup.show
        self.desk.set_plan(setup.plan if setup is not None else ChannelPlan(),
                           show.floor_language if show is not None else "")
        self.mutes.reread()

