"""Where the OBS password comes from: the environment, the OS keyring, or a prompt.

Never from the command line (other users see argv) and never from a file we write.
Every password found is registered with the log scrubber before it is used.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys

from console import logs

PASSWORD_ENV = "OBS_WEBSOCKET_PASSWORD"
KEYRING_SERVICE = "conference-console/obs-websocket"

log = logging.getLogger(__name__)


def password_from_environment() -> str | None:
    return os.environ.get(PASSWORD_ENV) or None


def password_from_keyring(url: str) -> str | None:
    """The password stored for ``url``; None when there is no usable keyring."""
    try:
        import keyring  # noqa: PLC0415  (a slow import, needed only here)

        value = keyring.get_password(KEYRING_SERVICE, url)
    except Exception as error:  # no backend, locked, D-Bus missing: all mean "not there"
        log.debug("no OBS password from the keyring: %s", type(error).__name__)
        return None
    return value or None


def store_in_keyring(url: str, password: str) -> bool:
    try:
        import keyring  # noqa: PLC0415

        keyring.set_password(KEYRING_SERVICE, url, password)
    except Exception as error:
        log.info("could not store the OBS password in the keyring: %s", type(error).__name__)
        return False
    return True


def password_from_terminal(url: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    try:
        return getpass.getpass(f"OBS websocket password for {url}: ") or None
    except (EOFError, KeyboardInterrupt):
        return None


def find_password(url: str, *, prompt: bool = False) -> str:
    """The first password found; empty when none (OBS may not require one)."""
    password = password_from_environment() or password_from_keyring(url)
    if password is None and prompt:
        password = password_from_terminal(url)
    logs.register_secret(password)
    return password or ""
