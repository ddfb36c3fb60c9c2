"""Where the platforms' keys and tokens come from: the environment, then the OS keyring.

Each one is found under its variable's name: the environment variable itself, or the
keyring entry of service ``conference-console/viewers`` whose user name is that
variable's name (as ``console/secrets.py`` does for the OBS password). Every secret
found is registered with the log scrubber before anyone uses it. Secrets never go
into a reading's detail, an exception, a URL that is logged or the database: details
name the variable to set, never its value.

The token endpoints' addresses (``TWITCH_AUTH_URL``, ``ZOOM_AUTH_URL``) are settings,
not secrets: read from the environment only, for a self-hosted or stand-in platform.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping

from console import logs
from console.models.viewers import Platform

KEYRING_SERVICE = "conference-console/viewers"

YOUTUBE_API_KEY = "YOUTUBE_API_KEY"
TWITCH_CLIENT_ID = "TWITCH_CLIENT_ID"
TWITCH_CLIENT_SECRET = "TWITCH_CLIENT_SECRET"
TWITCH_ACCESS_TOKEN = "TWITCH_ACCESS_TOKEN"
TWITCH_AUTH_URL = "TWITCH_AUTH_URL"
ZOOM_ACCOUNT_ID = "ZOOM_ACCOUNT_ID"
ZOOM_CLIENT_ID = "ZOOM_CLIENT_ID"
ZOOM_CLIENT_SECRET = "ZOOM_CLIENT_SECRET"
ZOOM_AUTH_URL = "ZOOM_AUTH_URL"
FACEBOOK_ACCESS_TOKEN = "FACEBOOK_ACCESS_TOKEN"
VIEWERS_JSON_TOKEN = "VIEWERS_JSON_TOKEN"

# The secrets each platform may use (Twitch takes an access token or a client secret).
SECRET_VARIABLES: dict[Platform, tuple[str, ...]] = {
    Platform.YOUTUBE: (YOUTUBE_API_KEY,),
    Platform.TWITCH: (TWITCH_CLIENT_ID, TWITCH_ACCESS_TOKEN, TWITCH_CLIENT_SECRET),
    Platform.OWNCAST: (),
    Platform.ZOOM: (ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET),
    Platform.FACEBOOK: (FACEBOOK_ACCESS_TOKEN,),
    Platform.JSON: (VIEWERS_JSON_TOKEN,),
    Platform.MANUAL: (),
}
# Plain settings, from the environment only.
SETTING_VARIABLES: dict[Platform, tuple[str, ...]] = {
    Platform.TWITCH: (TWITCH_AUTH_URL,),
    Platform.ZOOM: (ZOOM_AUTH_URL,),
}
MAX_SECRET = 4096  # longer is not a key or a token

KeyringLookup = Callable[[str], "str | None"]

log = logging.getLogger(__name__)


def secret_from_environment(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    value = (os.environ if environ is None else environ).get(name, "").strip()
    return value or None


def secret_from_keyring(name: str) -> str | None:
    """The keyring's entry for ``name``; None when there is none or no usable keyring."""
    try:
        import keyring  # noqa: PLC0415  (a slow import, needed only here)

        value = keyring.get_password(KEYRING_SERVICE, name)
    except Exception as error:  # no backend, locked, D-Bus missing: all mean "not there"
        log.debug("no %s from the keyring: %s", name, type(error).__name__)
        return None
    return value.strip() if isinstance(value, str) and value.strip() else None


def store_in_keyring(name: str, value: str) -> bool:
    """Keep ``value`` in the keyring under ``name``; False (and why, logged) if it cannot."""
    try:
        import keyring  # noqa: PLC0415

        keyring.set_password(KEYRING_SERVICE, name, value)
    except Exception as error:
        log.info("could not store %s in the keyring: %s", name, type(error).__name__)
        return False
    return True


def find_secret(name: str, *, environ: Mapping[str, str] | None = None,
                keyring_lookup: KeyringLookup = secret_from_keyring) -> str | None:
    """The secret called ``name``: the environment's, else the keyring's; registered with
    the log scrubber. A value with line breaks or past 4096 characters is no secret of
    ours and is ignored (logged, without the value)."""
    value = secret_from_environment(name, environ) or keyring_lookup(name)
    if value is None:
        return None
    logs.register_secret(value)
    if len(value) > MAX_SECRET or any(c in value for c in "\r\n\0"):
        log.info("%s is ignored: it is not one line of at most %d characters", name, MAX_SECRET)
        return None
    return value


def find_secrets(names: Iterable[str], *, environ: Mapping[str, str] | None = None,
                 keyring_lookup: KeyringLookup = secret_from_keyring) -> dict[str, str]:
    """Each of ``names`` that is set, by name."""
    found: dict[str, str] = {}
    for name in names:
        value = find_secret(name, environ=environ, keyring_lookup=keyring_lookup)
        if value is not None:
            found[name] = value
    return found


def platform_secrets(platform: Platform, *, environ: Mapping[str, str] | None = None,
                     keyring_lookup: KeyringLookup = secret_from_keyring) -> dict[str, str]:
    """What ``platform``'s adapter needs: its secrets (environment, then keyring) and its
    settings (environment). Read once, when the adapter is made: the keyring may block."""
    found = find_secrets(SECRET_VARIABLES.get(platform, ()), environ=environ,
                         keyring_lookup=keyring_lookup)
    for name in SETTING_VARIABLES.get(platform, ()):
        value = secret_from_environment(name, environ)
        if value is not None:
            found[name] = value
    return found


def missing_hint(names: Iterable[str]) -> str:
    """What a reading says when credentials are missing: "set A and B (environment or
    keyring)"."""
    listed = list(names)
    joined = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
    return f"set {joined} (environment or keyring)"


def register_all(secrets: Mapping[str, str]) -> None:
    """Register the secrets of ``secrets`` (not its settings) with the log scrubber."""
    settings = {name for names in SETTING_VARIABLES.values() for name in names}
    for name, value in secrets.items():
        if name not in settings:
            logs.register_secret(value)
