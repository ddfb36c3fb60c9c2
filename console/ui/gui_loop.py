"""Running a console window on one qasync loop, whichever console it is (stage or booth).

``run_gui_app`` owns the QApplication and the loop; the app it builds owns
everything else (its window, services and connections), starts them and closes
them in reverse order, so no thread, task or socket outlives the window.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any, Protocol, TypeVar

import qasync
from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QApplication

from console.ui import tasks
from console.ui.main_thread_gc import MainThreadGarbageCollector
from console.ui.qt_messages import route_qt_messages_to_log
from console.ui.theme import apply_theme

log = logging.getLogger(__name__)
T = TypeVar("T")

# Python runs signal handlers only when the interpreter gets control; this timer
# gives it control even while Qt waits for input.
SIGNAL_POLL_MS = 200


class AppWindow(Protocol):
    closing: Any  # a Qt signal: the window is closing

    def close(self) -> bool: ...
    def show_error(self, text: str, *, topic: str | None = None) -> None: ...


class GuiApp(Protocol):
    @property
    def window(self) -> AppWindow: ...
    def start(self) -> None: ...
    async def close(self) -> None: ...


A = TypeVar("A", bound=GuiApp)
AfterStart = Callable[[A], Coroutine[Any, Any, None]]


def install_signal_handlers(request_quit: Callable[[], object]) -> QTimer:
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


async def _run_until_closed(app: A, closed: asyncio.Event,
                            after_start: AfterStart[A] | None) -> None:
    app.start()
    if after_start is not None:
        tasks.run_task(after_start(app), description="Prepare the show",
                       on_error=app.window.show_error)
    try:
        await closed.wait()
    finally:
        await app.close()


def run_gui_app(build: Callable[[], A], after_start: AfterStart[A] | None = None) -> int:
    """Show the app ``build`` makes until its window is closed (or SIGTERM/SIGINT); return
    the exit code."""
    route_qt_messages_to_log()
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("conference-console")
    qt_app.setQuitOnLastWindowClosed(False)
    apply_theme(qt_app)
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    closed = asyncio.Event()
    # Handlers first: a SIGTERM while the app is still being built closes it as soon as
    # it stands, instead of killing it halfway.
    quit_requested: list[bool] = []
    window: list[AppWindow] = []
    timer = install_signal_handlers(
        lambda: window[0].close() if window else quit_requested.append(True))
    collector = MainThreadGarbageCollector()
    with loop:
        app = build()
        app.window.closing.connect(closed.set)
        window.append(app.window)
        if quit_requested:
            closed.set()
        run_to_completion(loop, _run_until_closed(app, closed, after_start))
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        timer.stop()
    collector.stop()
    asyncio.set_event_loop(None)
    return 0
