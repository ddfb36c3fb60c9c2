"""The composition root: builds the store, the OBS connection, the services and the window.

One asyncio loop (qasync) runs on the Qt main thread. ``run_gui`` owns the
QApplication and the loop; :class:`ConsoleApp` owns everything else and tears
it down in the reverse order it was built, so no thread, task or socket
outlives the window.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import qasync
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from console import logs
from console.formats.lower_third_template import load_template
from console.models.asrun import ConsoleRole
from console.models.obs_state import ConnectionState
from console.obs.connection import ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.mirror import ObsMirror
from console.obs.provision import ObsPreflightService
from console.services import show_import
from console.services.asrun_recorder import AsRunRecorder
from console.services.control_api import ControlServer
from console.services.control_token import control_token
from console.services.handoff import HandoffService
from console.services.lower_third_output import LowerThirdOutput
from console.services.rundown_editor import RundownEditor
from console.services.show_runner import ShowRunner
from console.services.switcher import SceneSwitcher
from console.store.asrun import AsRunWriter
from console.store.database import open_database
from console.ui import tasks
from console.ui.clock_panel import ClockPanel
from console.ui.lower_third_render import render_lower_third_png
from console.ui.main_thread_gc import MainThreadGarbageCollector
from console.ui.main_window import MainWindow
from console.ui.now_next_panel import NowNextPanel
from console.ui.password_prompt import password_dialog
from console.ui.preflight_panel import PreflightPanel
from console.ui.presenter_controller import PresenterController
from console.ui.qt_messages import route_qt_messages_to_log
from console.ui.rundown_view import RundownPanel
from console.ui.theme import apply_theme

log = logging.getLogger(__name__)
T = TypeVar("T")
PREFLIGHT_EVENTS = frozenset({"SceneListChanged", "CurrentSceneCollectionChanged",
                              "SceneItemCreated", "SceneItemRemoved", "InputCreated",
                              "InputRemoved", "InputNameChanged", "SceneNameChanged"})

# Python runs signal handlers only when the interpreter gets control; this timer
# gives it control even while Qt waits for input.
SIGNAL_POLL_MS = 200


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


class ConsoleApp:
    """Everything the console runs, built on a running qasync loop."""

    def __init__(self, options: AppOptions, password: str) -> None:
        self.options = options
        self._endpoint = ObsEndpoint.parse(options.obs_url)
        logs.register_secret(password)
        self.database = open_database(options.db_path)
        self.writer = AsRunWriter(options.db_path)
        self.connection = ObsConnection(self._endpoint, password, name="main")
        self.mirror = ObsMirror(self.connection)
        self.switcher = SceneSwitcher(self.connection, self.mirror)
        self.recorder = AsRunRecorder(self.mirror, self.writer, options.console_name,
                                      ConsoleRole.STAGE)
        self.runner = ShowRunner(options.db_path, self.writer, options.console_name)
        self.window = MainWindow(self.mirror, self.switcher, options.settings_path,
                                 options.title_suffix or self._endpoint.url)
        self.editor = RundownEditor(self.runner, options.db_path)
        self.window.set_rundown(RundownPanel(self.runner, self.editor), ClockPanel(self.runner))
        self.window.enable_import(self.editor.import_file)
        self._build_handoff(options)
        self.window.restore_layout()  # now that every dock is in
        self.connection.state_changed.connect(self._on_connection_state)
        self.connection.event.connect(self._on_obs_event)
        self._password_prompt_open = False

    def _build_handoff(self, options: AppOptions) -> None:
        renderer = functools.partial(render_lower_third_png, template=load_template())
        self.lower_thirds = LowerThirdOutput(self.connection, renderer,
                                             options.db_path.parent / "lower-thirds",
                                             auto_hide_s=options.lower_third_s or None)
        self.handoff = HandoffService(
            self.runner, self.switcher, self.mirror, lower_thirds=self.lower_thirds,
            writer=self.writer, console_name=options.console_name, rehearsal=options.rehearsal)
        self.now_next = NowNextPanel(self.runner, self.handoff, self.connection)
        self.window.add_panel("nowNextDock", "Now / Next", self.now_next)
        self.preflight = PreflightPanel(ObsPreflightService(self.connection,
                                                            lambda: self.runner.show))
        self.window.add_panel("preflightDock", "Preflight", self.preflight)
        self.presenter = PresenterController(self.runner, self.handoff, self.connection,
                                             self.window)
        self.window.add_view_action("Presenter window", self.presenter.toggle)
        self.window.add_view_choice(
            "Presenter screen", [screen.name() for screen in QGuiApplication.screens()],
            self.presenter.choose_screen)
        blackout = self.window.add_view_action(
            "Presenter blackout", lambda: self.presenter.set_blackout(blackout.isChecked()),
            checkable=True)
        rehearsal = self.window.add_view_action(
            "Rehearsal mode (preview only)",
            lambda: self.handoff.set_rehearsal(rehearsal.isChecked()), checkable=True)
        rehearsal.setChecked(options.rehearsal)
        self.window.add_view_action("Reset the live state (after a rehearsal)", self._reset_live)
        self.control: ControlServer | None = None
        if options.control_port is not None:
            token, generated = control_token(os.environ)
            self.control = ControlServer(self.handoff, token, options.control_port)
            self._control_token_generated = (token, generated)

    def _reset_live(self) -> None:
        tasks.run_task(self.runner.reset(), description="Reset the live state",
                       on_error=self.window.show_error)

    def _on_obs_event(self, event_type: str, _data: dict[str, Any]) -> None:
        if event_type in PREFLIGHT_EVENTS:
            self.preflight.recheck()

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
        if self.control is not None:
            tasks.run_task(self._start_control_api(), description="Start the control API",
                           on_error=self.window.show_error)
        if self.runner.show is None:
            self.window.offer_demo(self._load_demo)
        if self.handoff.rehearsal:
            log.info("rehearsal mode on", extra={"rehearsal": True})
        self.connection.start()
        log.info("console started", extra={"db": str(self.options.db_path),
                                           "obs_url": self._endpoint.url})

    async def _load_demo(self) -> str:
        # Through the editor: its executor is the one writer of the show.
        return await self.editor.import_file(show_import.demo_show_path())

    def _on_connection_state(self, state: ConnectionState) -> None:
        if state is ConnectionState.AUTH_FAILED and not self._password_prompt_open:
            self.window.show_error(f"OBS refused the password ({self._endpoint.url})")
            self._ask_password()

    def _ask_password(self) -> None:
        # open(), not exec(): a nested event loop would stall the asyncio loop.
        dialog = password_dialog(self.window, self._endpoint.url)
        self._password_prompt_open = True

        def accepted(password: str) -> None:
            logs.register_secret(password)
            tasks.run_task(self.connection.reconnect_with(password),
                           description="Reconnect to OBS", on_error=self.window.show_error)

        def finished() -> None:
            self._password_prompt_open = False
            dialog.deleteLater()

        dialog.textValueSelected.connect(accepted)
        dialog.finished.connect(finished)
        dialog.open()

    async def close(self) -> None:
        for task in tasks.cancel_all():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.connection.state_changed.disconnect(self._on_connection_state)
        if self.control is not None:
            await self.control.stop()
        self.presenter.stop()
        await self.lower_thirds.close()
        self.editor.close()
        self.recorder.close()
        self.switcher.close()
        await self.mirror.close()
        await self.connection.stop()
        self.runner.close()
        self.writer.close()
        self.database.conn.close()
        self._delete_window()
        log.info("console stopped")


    def _delete_window(self) -> None:
        # Qt deletes it on this thread when the loop next runs (run_gui flushes that);
        # left to the garbage collector, the panels' timers could die on a worker thread.
        if shiboken6.isValid(self.window):
            self.window.deleteLater()


def _install_signal_handlers(request_quit: Callable[[], object]) -> QTimer:
    def handler(signum: int, _frame: object) -> None:
        log.info("received signal %s, closing", signal.Signals(signum).name)
        request_quit()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    timer = QTimer()
    timer.start(SIGNAL_POLL_MS)
    timer.timeout.connect(lambda: None)
    return timer


def run_to_completion(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T]) -> T:
    """``loop.run_until_complete`` for a qasync loop, without its last ``processEvents``:
    qasync runs that with no running loop set, so a task stepped there dies with
    "no running event loop". Events left over simply run in the next loop run."""
    future = asyncio.ensure_future(coro, loop=loop)

    def stop(_future: asyncio.Future[T]) -> None:
        loop.stop()

    future.add_done_callback(stop)
    try:
        loop.run_forever()
    finally:
        future.remove_done_callback(stop)
    if not future.done():
        raise RuntimeError("the event loop stopped before the coroutine finished")
    return future.result()


async def _run_until_closed(
    console: ConsoleApp, closed: asyncio.Event, after_start: AfterStart | None
) -> None:
    console.start()
    if after_start is not None:
        tasks.run_task(after_start(console), description="Prepare the show",
                       on_error=console.window.show_error)
    try:
        await closed.wait()
    finally:
        await console.close()


AfterStart = Callable[[ConsoleApp], Coroutine[Any, Any, None]]


def run_gui(options: AppOptions, password: str, after_start: AfterStart | None = None) -> int:
    """Show the console until its window is closed (or SIGTERM/SIGINT); return the exit code."""
    route_qt_messages_to_log()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("conference-console")
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    closed = asyncio.Event()
    # Handlers first: a SIGTERM while the console is still being built closes it as
    # soon as it stands, instead of killing it halfway.
    quit_requested: list[bool] = []
    window: list[MainWindow] = []
    timer = _install_signal_handlers(
        lambda: window[0].close() if window else quit_requested.append(True))
    collector = MainThreadGarbageCollector()
    with loop:
        console = ConsoleApp(options, password)
        console.window.closing.connect(closed.set)
        window.append(console.window)
        if quit_requested:
            closed.set()
        run_to_completion(loop, _run_until_closed(console, closed, after_start))
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        timer.stop()
    collector.stop()
    asyncio.set_event_loop(None)
    return 0
