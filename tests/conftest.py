"""Fixtures shared by every test; they live in tests/helpers."""

from __future__ import annotations

import os

# Qt widgets render offscreen unless a test session asks for a real (virtual) display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = [
    "tests.helpers.hygiene",
    "tests.helpers.loops",
    "tests.helpers.obs",
    "tests.helpers.platforms",
    "tests.helpers.store",
]
