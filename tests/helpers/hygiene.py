"""Every test fails on stray log records, leaked threads or pending asyncio tasks."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Iterator

import pytest

from console import logs

THREAD_GRACE_S = 5.0


class _RecordCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _expected_prefixes(request: pytest.FixtureRequest) -> tuple[str, ...]:
    marker = request.node.get_closest_marker("expected_log")
    return tuple(marker.args) if marker else ()


@pytest.fixture(autouse=True)
def fail_on_warning_logs(request: pytest.FixtureRequest) -> Iterator[None]:
    """Log records at WARNING or above fail the test unless it declares them with
    ``@pytest.mark.expected_log("logger.prefix", ...)``."""
    collector = _RecordCollector()
    root = logging.getLogger()
    level = root.level
    root.addHandler(collector)
    yield
    root.removeHandler(collector)
    # A command run in process (cli.main) configures the log for the whole process: put
    # it back, so no test sees the level or the handler another one left.
    logs.reset()
    root.setLevel(level)
    allowed = _expected_prefixes(request)
    unexpected = [r for r in collector.records if not r.name.startswith(allowed) or not allowed]
    if unexpected:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in unexpected)
        pytest.fail(f"unexpected log records at WARNING or above:\n{lines}", pytrace=False)


def _alive_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.is_alive()}


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is alive once the tests are collected (modules, Qt's and pytest's own objects)
    lives as long as the session: frozen, it is left out of the collection after each
    test, which then looks at what the tests made, not at the whole heap again."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def collect_garbage_on_the_main_thread() -> Iterator[None]:
    """Qt objects a test left to the garbage collector die here, on the main thread, as
    the app's own collector ensures (console/ui/main_thread_gc.py); left to chance they
    could be destroyed on a worker thread during a later test."""
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def fail_on_leaked_threads() -> Iterator[None]:
    before = _alive_threads()
    yield
    deadline = time.monotonic() + THREAD_GRACE_S
    while (leaked := _alive_threads() - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    if leaked:
        pytest.fail(f"threads left running: {sorted(t.name for t in leaked)}", pytrace=False)
