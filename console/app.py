"""The stage console's composition root: the store, the OBS connection, the services, the window.

One asyncio loop (qasync) runs on the Qt main thread. ``run_gui``
(``ui/gui_loop.run_gui_app``) owns the QApplication and the loop;
:class:`ConsoleApp` owns everything else and tears it down in the reverse order it
was built, so no thread, task or socket outlives the window. An interpreter booth
has a composition root of its own (``console/booth_app.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import socket
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import shiboken6
from psygnal import SignalInstance
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from console import logs
from console.formats.lower_third_template import load_template
from console.models.asrun import ConsoleRole
from console.models.show import Show
from console.models.stream_health import HealthAlarm
from console.obs.connection import ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.gateway import ObsGateway
from console.obs.instances import ObsInstance, instances_of
from console.obs.mirror import ObsMirror
from console.obs.provision import ObsPreflightService
from console.services.asrun_log import AsRunLog
from console.services.asrun_recorder import AsRunRecorder
from console.services.booth_sync import BoothSync, Sender, sender_id
from console.services.channel_board import ChannelBoard
from console.services.control_api import ControlServer
from console.services.control_token import control_token
from console.services.handoff import HandoffService
from console.services.lower_third_output import LowerThirdOutput
from console.services.operator_notes import OperatorNotes
from console.services.osc_commands import all_commands
from console.services.osc_stage_feedback import StageFeedback
from console.services.osc_surface import OscSettings, OscSurface
from console.services.presenter_countdown import PresenterCountdown
from console.services.readiness import ReadinessMonitor
from console.services.rundown_editor import RundownEditor
from console.services.show_import import ImportAuthor
from console.services.show_runner import ShowRunner
from console.services.show_sync import ShowSync
from console.services.stage_announcer import StageAnnouncer
from console.services.stage_clock import StageClock
from console.services.stage_role import RoleStatus, StageRole, signature, this_console
from console.services.storage_health import StorageHealth
from console.services.stream_health import StreamHealthMonitor
from console.services.switcher import SceneSwitcher
from console.services.viewer_monitor import ViewerMonitor
from console.stage_interpretation import StageInterpretation
from console.store.asrun import AsRunWriter
from console.store.database import open_database
from console.ui import shortcuts, tasks
from console.ui.clock_panel import ClockPanel
from console.ui.gui_loop import run_gui_app
from console.ui.import_controller import ImportController
from console.ui.lower_third_render import render_lower_third_png
from console.ui.main_window import MainWindow
from console.ui.note_bar import add_note_bar
from console.ui.now_next_panel import NowNextPanel
from console.ui.password_controller import PasswordController
from console.ui.preflight_panel import PreflightPanel
from console.ui.presenter_controller import PresenterController
from console.ui.rundown_view import RundownPanel
from console.ui.show_controls import ShowControls
from console.ui.status_bands import StatusBands
from console.ui.stream_health_panel import StreamHealthPanel
from console.ui.subscription import subscribe
from console.ui.viewers_controller import ViewersController

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppOptions:
    db_path: Path
    obs_url: str
    settings_path: Path
    console_name: str = socket.gethostname()
    title_suffix: str = ""
    control_port: int | None = None  # the control API listens on 127.0.0.1 when set
    rehearsal: bool = False
    lower_third_s: float = 10.0  # the lower third hides itself after this; 0 keeps it up
    extra_obs: tuple[tuple[str, str], ...] = ()  # (name, url) of OBS instances for channels
    osc: OscSettings = field(default_factory=OscSettings)  # OSC server and feedback, if any


class ConsoleApp:
    """Everything the console runs, built on a running qasync loop."""

    def __init__(self, options: AppOptions, password: str,
                 extra_passwords: Mapping[str, str] | None = None) -> None:
        self.options = options
        self._endpoint = ObsEndpoint.parse(options.obs_url)
        for secret in (password, *(extra_passwords or {}).values()):
            logs.register_secret(secret)
        self._build_store(options)
        self._build_obs(password)
        self._build_show(options)
        self._build_booths(options, instances_of(self._endpoint.url, password,
                                                 options.extra_obs, extra_passwords or {}))
        self._build_monitoring(options)
        self._build_window(options)
        self._build_handoff(options)
        self._build_controllers(options)
        self.window.restore_layout()  # now that every dock is in

    # -- construction, bottom up -----------------------------------------------------

    def _build_store(self, options: AppOptions) -> None:
        self.me = this_console(options.console_name)
        self.signature = signature(self.me)
        self.database = open_database(options.db_path)
        self.storage = StorageHealth(asyncio.get_event_loop())
        self.writer = AsRunWriter(options.db_path, on_status=self.storage.writer_status)
        self.asrun = AsRunLog(self.writer, options.console_name, ConsoleRole.STAGE)

    def _build_obs(self, password: str) -> None:
        self.connection = ObsConnection(self._endpoint, password, name="main")
        self.gateway = ObsGateway(self.connection)
        # Countdown text and readiness checks wait in a lane of their own: never in
        # front of a take. (One connection: OBS 29 crashes on some requests that
        # arrive from two sessions at once.)
        self.background_gateway = self.gateway.background()
        self.mirror = ObsMirror(self.connection)

    def _build_show(self, options: AppOptions) -> None:
        self.role = StageRole(options.db_path, self.me, self.asrun)
        self.role.claim_now()
        self.recorder = AsRunRecorder(self.mirror, self.asrun, lambda: self.role.held)
        self.runner = ShowRunner(options.db_path, self.asrun, saved_by=self.signature,
                                 role_guard=self.role.refusal)
        self.storage.watch(self.runner)
        self.sync = ShowSync(options.db_path, self.runner, self.signature)
        self.clock = StageClock(self.runner)
        self.switcher = SceneSwitcher(self.gateway, self.mirror, guard=self.role.refusal)
        self.editor = RundownEditor(self.runner, options.db_path,
                                    ImportAuthor(options.console_name, ConsoleRole.STAGE,
                                                 self.signature),
                                    role_guard=self.role.refusal)

    def _build_booths(self, options: AppOptions, instances: tuple[ObsInstance, ...]) -> None:
        # The booths hear who is on from this console, and it hears the booths: through
        # OBS, in the background lane (never in front of a take).
        me = Sender(sender_id(options.console_name, self.me.instance), ConsoleRole.STAGE)
        self.booth_sync = BoothSync(self.background_gateway, me)
        self.interpretation = StageInterpretation(
            instances, options.db_path, self.runner, asrun=self.asrun, booths=self.booth_sync,
            role=self.role, console_name=options.console_name)
        self.desk = self.interpretation.desk
        self.announcer = StageAnnouncer(self.runner, self.booth_sync, self.role,
                                        plan_for=self.interpretation.plan_for)
        self.interpretation.setup.changed.connect(self.announcer.refresh)
        self.channels = ChannelBoard(self.booth_sync, self.announcer.summary, self.runner.now,
                                     meters=self.desk)

    def _build_monitoring(self, options: AppOptions) -> None:
        # Only the console that runs the show asks the platforms (their quotas are the
        # show's); another one follows the counts it stores.
        self.viewers = ViewerMonitor(options.db_path, self.asrun, saved_by=self.signature,
                                     polls=lambda: self.role.held,
                                     show_length=self._show_left)
        # In the background lane: a stats request never waits in front of a take.
        self.health = StreamHealthMonitor(self.background_gateway, self.asrun, self.writer,
                                          runs_the_show=lambda: self.role.held)

    def _show_left(self) -> timedelta:
        """From now to the stage's last planned end (none: nothing to poll for)."""
        ends = [segment.planned_end for segment in self.runner.segments()]
        return max(ends) - self.runner.now() if ends else timedelta(0)

    def _build_window(self, options: AppOptions) -> None:
        self.window = MainWindow(self.mirror, self.switcher, options.settings_path,
                                 options.title_suffix or self._endpoint.url)

    def _build_handoff(self, options: AppOptions) -> None:
        renderer = functools.partial(render_lower_third_png, template=load_template())
        self.lower_thirds = LowerThirdOutput(self.gateway, renderer,
                                             options.db_path.parent / "lower-thirds",
                                             auto_hide_s=options.lower_third_s or None)
        self.handoff = HandoffService(self.runner, self.switcher, self.mirror, self.clock,
                                      lower_thirds=self.lower_thirds, asrun=self.asrun,
                                      role=self.role, channels=self.desk)
        self.readiness = ReadinessMonitor(self.background_gateway, self.runner)
        self.countdown = PresenterCountdown(self.background_gateway, self.clock,
                                            runs_the_show=lambda: self.role.held)
        self.notes = OperatorNotes(self.asrun, self.runner)
        self.control: ControlServer | None = None
        if options.control_port is not None:
            token, generated = control_token(os.environ)
            self.control = ControlServer(self.handoff, token, options.control_port,
                                         notes=self.notes, channels=self.channels.rows,
                                         changes=self._state_changes())
            self._control_token_generated = (token, generated)
        # Beside the control API, calling the same actions: one take slot for both.
        self.osc = OscSurface(options.osc, all_commands(self.handoff, notes=self.notes),
                              StageFeedback(self.runner, self.clock)) \
            if options.osc.wanted else None

    def _state_changes(self) -> tuple[SignalInstance, ...]:
        """What the control API's state is built from: its WebSocket pushes after these."""
        return (self.runner.live_changed, self.runner.show_changed, self.clock.ticked,
                self.mirror.changed, self.switcher.take_in_flight, self.handoff.message_changed,
                self.role.changed, self.booth_sync.changed, self.booth_sync.stage_changed)

    def _build_controllers(self, options: AppOptions) -> None:
        window = self.window
        window.set_rundown(RundownPanel(self.runner, self.editor, self.clock, self.handoff),
                           ClockPanel(self.runner, self.clock))
        self.now_next = NowNextPanel(self.runner, self.handoff, self.clock, self.switcher,
                                     self.readiness)
        window.add_panel("nowNextDock", "Now / Next", self.now_next)
        self.preflight_service = ObsPreflightService(self.connection, lambda: self.runner.show)
        self.preflight = PreflightPanel(self.preflight_service)
        subscribe(self.preflight, self.preflight_service.stale, self.preflight.recheck)
        window.add_panel("preflightDock", "Preflight", self.preflight,
                         Qt.DockWidgetArea.LeftDockWidgetArea, behind="obsDock")
        self.imports = ImportController(window, self.editor, self.runner)
        self.passwords = PasswordController(window, MainObsLogin(self), self._endpoint.url)
        self.show_controls = ShowControls(window, self.runner, self.handoff, self.role)
        self.note_bar = add_note_bar(window, self.notes)
        self.bands = StatusBands(window, self.runner, self.storage, self.role,
                                 self.show_controls.claim_role)
        self.interpretation.add_to_window(window)
        self.viewer_graph = ViewersController(window, self.viewers, self.runner,
                                              behind="channelsDock")
        self.health_panel = StreamHealthPanel(self.health)
        window.add_panel("healthDock", "Stream health", self.health_panel,
                         Qt.DockWidgetArea.LeftDockWidgetArea, behind="obsDock")
        subscribe(window, self.health.alarms_changed, self._on_health_alarms)
        self._build_presenter()
        subscribe(window, self.role.changed, self._on_role)
        self._on_role(self.role.status)
        subscribe(window, self.runner.notice, window.show_message)
        subscribe(window, self.countdown.problem, window.show_message)
        subscribe(window, self.runner.show_changed, self._on_show)
        self._on_show(self.runner.show)

    def _build_presenter(self) -> None:
        keys = {shortcuts.TAKE: self.window.scene_panel.take,
                shortcuts.TAKE_NEXT: self.now_next.take, shortcuts.BACK: self.now_next.back}
        self.presenter = PresenterController(self.clock, self.handoff, self.window, keys)
        self.window.add_view_action("Presenter window", self.presenter.toggle)
        self.window.add_view_choice(
            "Presenter screen", [screen.name() for screen in QGuiApplication.screens()],
            self.presenter.choose_screen)
        blackout = self.window.add_view_action(
            "Presenter blackout", lambda: self.presenter.set_blackout(blackout.isChecked()),
            checkable=True)

    def _on_show(self, show: Show | None) -> None:
        # The status line stamps messages with the show's time of day, as its clocks read.
        self.window.set_show_zone(ZoneInfo(show.timezone) if show is not None else None)

    def _on_health_alarms(self, alarms: tuple[HealthAlarm, ...]) -> None:
        # Whichever dock is in front, an alarm about the stream reaches the status line.
        if alarms:
            self.window.show_error("Stream health: " + "; ".join(a.text for a in alarms),
                                   topic="stream health")
        else:
            self.window.clear("stream health")

    def _on_role(self, status: RoleStatus) -> None:
        # A console that follows another shows the show but offers nothing that acts on it.
        why = "" if status.held else status.describe()
        self.now_next.set_read_only(not status.held, why)
        self.window.scene_panel.set_read_only(not status.held, why)

    # -- running -------------------------------------------------------------------

    async def _start_control_api(self) -> None:
        assert self.control is not None
        await self.control.start()
        token, generated = self._control_token_generated
        log.info("control API listening", extra={"port": self.control.port})
        where = f"Control API on http://127.0.0.1:{self.control.port}/api"
        # Shown only in the window: the token is scrubbed from every log line.
        self.window.show_message(f"{where}, token {token}" if generated else where)

    def start(self) -> None:
        self.window.show()
        for notice in self.runner.startup_notices:
            self.window.show_error(notice)
        if self.control is not None:
            tasks.run_task(self._start_control_api(), description="Start the control API",
                           on_error=self.window.show_error)
        if self.osc is not None:
            tasks.run_task(self.osc.start(), description="Start OSC",
                           on_error=self.window.show_error)
        if self.runner.show is None:
            self.window.offer_demo(self._load_demo)
        if self.options.rehearsal and self.role.held:
            tasks.run_task(self.handoff.set_rehearsal(True), description="Rehearsal mode",
                           on_error=self.window.show_error)
        for service in (self.role, self.sync, self.clock, self.readiness, self.booth_sync,
                        self.announcer, self.interpretation, self.viewers, self.health):
            service.start()
        self.connection.start()
        log.info("console started", extra={"db": str(self.options.db_path),
                                           "obs_url": self._endpoint.url,
                                           "stage_role": self.role.held})

    async def _load_demo(self) -> str:
        # Through the editor: its executor is the one writer of the show.
        return await self.editor.import_demo(datetime.now(UTC))

    async def close(self) -> None:
        for task in tasks.cancel_all():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.control is not None:
            await self.control.stop()
        if self.osc is not None:
            await self.osc.stop()
        self.presenter.stop()
        await self.countdown.close()
        await self.readiness.close()
        await self.lower_thirds.close()
        await self.clock.stop()
        await self.interpretation.close()
        await self.viewers.close()
        await self.health.close()
        self.interpretation.setup.changed.disconnect(self.announcer.refresh)
        await self.announcer.close()
        await self.booth_sync.close()
        await self.sync.close()
        self.editor.close()
        self.recorder.close()
        self.switcher.close()
        self.preflight_service.close()
        await self.mirror.close()
        await self.connection.stop()
        await self.runner.close()
        await self.role.close()
        self.storage.close()
        self.writer.close()
        self.database.conn.close()
        self._delete_window()
        log.info("console stopped")

    def _delete_window(self) -> None:
        # Qt deletes it on this thread when the loop next runs (run_gui flushes that);
        # left to the garbage collector, the panels' timers could die on a worker thread.
        if shiboken6.isValid(self.window):
            self.window.deleteLater()


def run_gui(options: AppOptions, password: str, after_start: AfterStart | None = None, *,
            extra_passwords: Mapping[str, str] | None = None) -> int:
    """Show the console until its window is closed (or SIGTERM/SIGINT); return the exit code."""
    return run_gui_app(lambda: ConsoleApp(options, password, extra_passwords), after_start)


class MainObsLogin:
    """The main OBS's password, as the password prompt changes it: the console's
    connection and its meter feed's both log in with the new one."""

    def __init__(self, console: ConsoleApp) -> None:
        self._console = console

    @property
    def state_changed(self) -> SignalInstance:
        return self._console.connection.state_changed

    async def reconnect_with(self, password: str) -> None:
        await self._console.connection.reconnect_with(password)
        await self._console.interpretation.reconnect_meters(password)


AfterStart = Callable[[ConsoleApp], Coroutine[Any, Any, None]]
