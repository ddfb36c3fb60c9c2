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
from console.models.channels import MAIN_OBS

PASSWORD_ENV = "OBS_WEBSOCKET_PASSWORD"
KEYRING_SERVICE = "conference-console/obs-websocket"

log = logging.getLogger(__name__)


def password_variable(obs_name: str | None = None) -> str:
    """The environment variable with the password of the OBS connection ``obs_name``:
    ``OBS_WEBSOCKET_PASSWORD`` for the main one, ``OBS_WEBSOCKET_PASSWORD_SECOND`` for
    one called "second" (letters and digits upper-cased, anything else an underscore)."""
    if obs_name is None or obs_name == MAIN_OBS:
        return PASSWORD_ENV
    suffix = "".join(c.upper() if c.isascii() and c.isalnum() else "_" for c in obs_name)
    return f"{PASSWORD_ENV}_{suffix}"


def password_from_environment(obs_name: str | None = None) -> str | None:
    return os.environ.get(password_variable(obs_name)) or None


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


def find_password(url: str, *, prompt: bool = False, obs_name: str | None = None) -> str:
    """The first password found for the OBS at ``url`` (the connection ``obs_name``, the
    main one by default); empty when none (OBS may not require one)."""
    password = password_from_environment(obs_name) or password_from_keyring(url)
    if password is None and prompt:
        password = password_from_terminal(url)
    logs.register_secret(password)
    return password or ""
