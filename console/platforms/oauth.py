"""App access tokens from an OAuth token endpoint (Twitch's client credentials, Zoom's
account credentials), kept until they expire.

Both endpoints answer the documented shape ``{"access_token": "...", "expires_in":
3600, "token_type": "bearer"}``. A token is used until shortly before it expires, and
fetched again at once when the API refuses it (a 401): a token can be revoked early.
Every token is registered with the log scrubber as soon as it arrives.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from console import logs
from console.models.viewers import Reading
from console.platforms.exchange import (
    Answer,
    Unreadable,
    as_object,
    as_text,
    credentials_reading,
    member,
    parse_json,
    server_text,
    status_reading,
)

# Fetch a new token this long before the old one expires.
EXPIRY_MARGIN_S = 60.0
# Tokens said to last longer are kept this long at most (Twitch's last about 60 days).
MAX_TOKEN_LIFETIME_S = 24 * 3600.0
MAX_TOKEN_LENGTH = 4096

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Token:
    value: str
    expires_in_s: float


def parse_token(body: bytes) -> Token:
    """The token in a token endpoint's answer; :class:`~exchange.Unreadable` if there is
    none. ``expires_in`` may be missing (then the token is kept an hour)."""
    document = as_object(parse_json(body), "the token answer")
    value = as_text(member(document, "access_token", "access_token"), "access_token",
                    max_length=MAX_TOKEN_LENGTH)
    if not value or any(c.isspace() for c in value):
        raise Unreadable("access_token", "is empty or has spaces in it")
    expires = document.get("expires_in", 3600)
    if isinstance(expires, bool) or not isinstance(expires, int | float) or expires <= 0:
        expires = 3600
    logs.register_secret(value)
    return Token(value, float(min(expires, MAX_TOKEN_LIFETIME_S)))


def token_refusal(answer: Answer, *, variables: tuple[str, ...], now: float) -> Reading:
    """What a token endpoint's refusal means: a 400, 401 or 403 is the credentials (the
    endpoints answer 400 for an unknown client), anything else as every answer."""
    message = _token_message(answer.body)
    if answer.status in (400, 401, 403):
        said = f": {message}" if message else ""
        return credentials_reading(
            f"check the credentials ({', '.join(variables)}); the token endpoint "
            f"{answer.host} refused them (HTTP {answer.status}{said})")
    reading = status_reading(answer, variables=variables, now=now, message=message)
    assert reading is not None, "token_refusal is for answers that are not 2xx"
    return reading


def _token_message(body: bytes) -> str:
    """The reason a token endpoint gives: Twitch's ``message``, Zoom's ``reason``, OAuth's
    ``error_description`` or ``error``."""
    try:
        document = parse_json(body)
    except Exception:
        return ""
    if not isinstance(document, dict):
        return ""
    for key in ("message", "reason", "error_description", "error"):
        if isinstance(document.get(key), str):
            return server_text(document[key])
    return ""


class TokenCache:
    """One app token, fetched once and shared by concurrent reads until it expires."""

    def __init__(self, clock: Callable[[], float], name: str = "app") -> None:
        self._clock = clock
        self._name = name
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()
        self.fetched = 0  # how many tokens were fetched (for tests and the log)

    def current(self) -> str | None:
        if self._token is not None and self._clock() < self._renew_at:
            return self._token
        return None

    def forget(self, token: str) -> None:
        """The API refused ``token``: the next :meth:`get` fetches a new one."""
        if self._token == token:
            self._token = None

    async def get(self, fetch: Callable[[], Awaitable[Token | Reading]]) -> str | Reading:
        """The current token, or a new one from ``fetch``; the reading ``fetch`` gave if
        that failed. Reads waiting here share one fetch."""
        if (token := self.current()) is not None:
            return token
        async with self._lock:
            if (token := self.current()) is not None:
                return token
            got = await fetch()
            if isinstance(got, Reading):
                return got
            self.fetched += 1
            log.info("new %s token, for %.0f s", self._name, got.expires_in_s)
            self._token = got.value
            lifetime = got.expires_in_s
            self._renew_at = self._clock() + lifetime - min(EXPIRY_MARGIN_S, lifetime / 2)
            return got.value
