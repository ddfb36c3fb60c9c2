"""The Control API's bearer token: from ``CONSOLE_CONTROL_TOKEN`` or generated.

The token is registered with the log scrubber before it is returned, so no log
line can carry it, whoever writes it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from console import logs

TOKEN_ENV = "CONSOLE_CONTROL_TOKEN"


def control_token(environ: Mapping[str, str]) -> tuple[str, bool]:
    """``(token, generated)``: the token from ``environ``, or a fresh random one."""
    token = environ.get(TOKEN_ENV, "").strip()
    generated = not token
    if generated:
        token = secrets.token_urlsafe(24)
    logs.register_secret(token)
    return token, generated
