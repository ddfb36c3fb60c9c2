"""The photographer's side of a walk through several states in one process (see
``tests/helpers/photos.py``): reading the steps as they come, reporting each as one JSON
line (its findings or its error), and clearing the windows a step left so the next
step's console is the only one on screen."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Coroutine, Iterator
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

Step = dict[str, str]  # "name", "state", "picture" and what the photographer needs


def steps_given() -> Iterator[Step]:
    """The steps on standard input, one JSON object a line, as the test gives them."""
    for line in sys.stdin:
        step = json.loads(line)
        assert isinstance(step, dict), line
        yield {str(key): str(value) for key, value in step.items()}


async def reporting(step: Step, findings: Coroutine[Any, Any, dict[str, Any]]) -> None:
    """Print the step's findings, or its error: a failing step fails its own test, the
    steps after it still run."""
    try:
        found = await findings
    except Exception:
        found = {"error": traceback.format_exc()}
    print(json.dumps({**found, "step": step["name"], "picture": step["picture"]}), flush=True)


def forget_windows() -> None:
    """Delete every window the last console left (closed, not deleted): the next step
    looks widgets up among the top-level windows and must find only its own."""
    for window in QApplication.topLevelWidgets():
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
