"""Where the console keeps its data and settings (the platform's user folders)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "conference-console"


def data_dir() -> Path:
    """The user data folder; ``CONSOLE_DATA_DIR`` overrides it (tests, portable installs)."""
    override = os.environ.get("CONSOLE_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


def config_dir() -> Path:
    """The user settings folder; ``CONSOLE_CONFIG_DIR`` overrides it."""
    override = os.environ.get("CONSOLE_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def default_database() -> Path:
    return data_dir() / "show.sqlite"


def resources_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "resources"
