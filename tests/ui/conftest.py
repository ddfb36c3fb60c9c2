"""Fixtures for widget tests: an offscreen Qt, the qasync loop, a mirror fed by hand."""

from __future__ import annotations

import os

# Before anything imports Qt: no display is needed (or wanted) for these tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio
import inspect
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QStyleFactory

from console.obs.connection import ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.mirror import ObsMirror
from console.ui import theme
from tests.helpers.loops import LoopRunner
from tests.ui.support import RecordingSwitcher

# The offscreen platform cannot resize native windows to hints; on screen this never shows.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture
def loop(qloop: LoopRunner) -> asyncio.AbstractEventLoop:
    """The shared qasync loop (tests/helpers/loops.py: no task may outlive the test)."""
    return qloop.loop


@pytest.fixture
def closers(qloop: LoopRunner) -> Iterator[list[Callable[[], object]]]:
    """Closing calls run at the end of the test, last added first, on the loop (a closing
    call that returns an awaitable, such as ``ShowRunner.close``, is awaited there)."""
    stack: list[Callable[[], object]] = []
    yield stack
    for close in reversed(stack):
        result = close()
        if inspect.isawaitable(result):
            qloop.run(result)


@pytest.fixture
def machine_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``machine_zone("Asia/Tokyo")`` makes that the machine's zone (TZ) for the test, so
    that nothing depends on where the tests run; the zone is restored afterwards."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def mirror() -> ObsMirror:
    # Never started: the connection only exists because the mirror needs one.
    return ObsMirror(ObsConnection(ObsEndpoint("127.0.0.1", 1), "not-used"))


@pytest.fixture
def switcher() -> RecordingSwitcher:
    return RecordingSwitcher()


@pytest.fixture
def themed_app(qapp: QApplication) -> Iterator[QApplication]:
    """The application in the control-room theme (figures take their sizes from its style
    sheet), put back as it was afterwards."""
    style_name, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    theme.apply_theme(qapp)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    original_style = QStyleFactory.create(style_name)
    if original_style is not None:
        qapp.setStyle(original_style)
