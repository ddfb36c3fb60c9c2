"""The interpreter booth console's composition root: OBS, the booth's services, its window.

``conference-console run --role interpreter --language fr`` builds this instead of
the stage console. It opens no show database (who is on comes from the stage
console's messages, through OBS) and builds nothing that changes the show: no
scene switcher, no handoff, no rundown editor, no stage role. What it has: one
connection to the show's OBS, the booth sync (in that connection's background
lane), the booth desk (ready, handover, flags, cough), the channel rows and,
with ``--control-port``, the control API's booth routes. Meters: a meter feed per
OBS (the main one and each ``--extra-obs``: the plan may put the booth on either),
which also carries the cough's mute for a booth on another OBS than the main one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import shiboken6
from PySide6.QtGui import QGuiApplication

from console import logs
from console.models.asrun import ConsoleRole
from console.models.channels import MAIN_OBS
from console.obs.connection import ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.gateway import ObsGateway
from console.obs.instances import instances_of
from console.obs.meter_feed import meter_feeds
from console.services.booth_desk import BoothControl, BoothDesk
from console.services.booth_sync import BoothSync, Sender, sender_id
from console.services.channel_board import ChannelBoard
from console.services.control_api import ControlServer
from console.services.control_token import control_token
from console.services.meter_readings import BoothLevels, MeterReadings
from console.services.osc_booth_feedback import BoothFeedback
from console.services.osc_commands import all_commands
from console.services.osc_surface import OscSettings, OscSurface
from console.ui import booth_texts, tasks
from console.ui.booth_meters import BoothMeter, BoothMeters
from console.ui.booth_window import BoothWindow
from console.ui.gui_loop import run_gui_app
from console.ui.password_controller import PasswordController

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class BoothOptions:
    obs_url: str
    language: str  # the booth's language (BCP-47), checked by the caller
    interpreter: str  # the person at this console
    console_name: str = socket.gethostname()
    control_port: int | None = None  # the control API listens on 127.0.0.1 when set
    extra_obs: tuple[tuple[str, str], ...] = ()  # (name, url) of other OBS instances
    osc: OscSettings = field(default_factory=OscSettings)  # OSC server and feedback, if any


class BoothApp:
    """Everything an interpreter booth console runs, built on a running qasync loop."""

    def __init__(self, options: BoothOptions, password: str,
                 extra_passwords: Mapping[str, str] | None = None) -> None:
        self.options = options
        self._endpoint = ObsEndpoint.parse(options.obs_url)
        for secret in (password, *(extra_passwords or {}).values()):
            logs.register_secret(secret)
        self.connection = ObsConnection(self._endpoint, password, name="main")
        self.gateway = ObsGateway(self.connection)
        self.feeds = meter_feeds(instances_of(self._endpoint.url, password,
                                              options.extra_obs, extra_passwords or {}))
        me = Sender(sender_id(options.console_name, uuid.uuid4().hex[:12]),
                    ConsoleRole.INTERPRETER)
        # Messages wait in the background lane; the cough's mute goes first.
        self.sync = BoothSync(self.gateway.background(), me,
                              own_languages=(options.language,))
        self.desk = BoothDesk(self.sync, self.gateway, options.language, options.interpreter,
                              clock=utc_now,
                              audio={name: feed.gateway for name, feed in self.feeds.items()
                                     if name != MAIN_OBS})
        self.channels = ChannelBoard(self.sync, lambda: self.sync.stage, utc_now,
                                     own_language=options.language)
        title = f"{booth_texts.booth_title(options.language)} · {options.interpreter}"
        self._window = BoothWindow(self.desk, f"{title} · {self._endpoint.url}")
        self.passwords = PasswordController(self._window, self.connection, self._endpoint.url)
        self._build_meters(options.language)
        self.control: ControlServer | None = None
        if options.control_port is not None:
            self._token, self._token_generated = control_token(os.environ)
            self.control = ControlServer(BoothControl(self.desk), self._token,
                                         options.control_port, booth=self.desk,
                                         channels=self.channels.rows,
                                         changes=(self.desk.changed, self.desk.stage_changed,
                                                  self.sync.changed, self.sync.stage_changed,
                                                  self.connection.state_changed))
        self.osc = OscSurface(options.osc, all_commands(BoothControl(self.desk),
                                                        booth=self.desk),
                              BoothFeedback(self.desk)) if options.osc.wanted else None

    def _build_meters(self, language: str) -> None:
        levels = BoothLevels(MeterReadings(self.feeds),
                             lambda: self.sync.stage.plan if self.sync.stage else None, language)
        floor = BoothMeter("floorMeter", "FLOOR")
        booth = BoothMeter("boothMeter", f"{language.upper()} (you)")
        self._window.set_meters(floor, booth)
        self.meters = BoothMeters(floor, booth, levels)

    @property
    def window(self) -> BoothWindow:
        return self._window

    def start(self) -> None:
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self._window.setGeometry(screen.availableGeometry())  # the whole screen is ours
        self._window.show()
        if self.control is not None:
            tasks.run_task(self._start_control_api(), description="Start the control API",
                           on_error=self._window.show_error)
        if self.osc is not None:
            tasks.run_task(self.osc.start(), description="Start OSC",
                           on_error=self._window.show_error)
        self.sync.start()
        self.connection.start()
        for feed in self.feeds.values():
            feed.start()
        log.info("booth console started", extra={
            "language": self.options.language, "obs_url": self._endpoint.url,
            "console": self.sync.me.console})

    async def _start_control_api(self) -> None:
        assert self.control is not None
        await self.control.start()
        log.info("control API listening", extra={"port": self.control.port})
        where = f"Control API on http://127.0.0.1:{self.control.port}/api"
        # Shown only in the window: the token is scrubbed from every log line.
        self._window.show_message(f"{where}, token {self._token}" if self._token_generated
                                  else where)

    async def close(self) -> None:
        for task in tasks.cancel_all():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.control is not None:
            await self.control.stop()
        if self.osc is not None:
            await self.osc.stop()
        await self.desk.close()  # lifts a cough's mute while OBS is still connected
        await self.sync.close()
        for feed in self.feeds.values():
            await feed.stop()
        await self.connection.stop()
        if shiboken6.isValid(self._window):
            self._window.deleteLater()
        log.info("console stopped")


def run_booth(options: BoothOptions, password: str,
              extra_passwords: Mapping[str, str] | None = None) -> int:
    """Show the booth console until its window is closed (or SIGTERM/SIGINT)."""
    return run_gui_app(lambda: BoothApp(options, password, extra_passwords))
