"""Twitch: viewers of live channels, from the Helix API.

Request (up to 100 logins a call; ``first=100`` because the page size is 20 otherwise)::

    GET {base}/streams?user_login=a&user_login=b&first=100
    Client-Id: CLIENT_ID
    Authorization: Bearer TOKEN

Answer (the parts we read)::

    {"data": [{"user_login": "a", "type": "live", "viewer_count": 78365}],
     "pagination": {}}

Twitch lists live channels only: a login missing from ``data`` (or an empty ``data``)
is OFFLINE, not zero viewers. Each answer carries ``Ratelimit-Remaining`` and
``Ratelimit-Reset`` (the epoch second the bucket refills); a 429 or an empty bucket
holds the next request until then.

The token is ``TWITCH_ACCESS_TOKEN`` when set; otherwise an app token from the client
credentials grant::

    POST https://id.twitch.tv/oauth2/token
    client_id=...&client_secret=...&grant_type=client_credentials
    -> {"access_token": "...", "expires_in": 5011271, "token_type": "bearer"}

kept until it expires and fetched again once when Helix answers 401.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import ClassVar

import aiohttp

from console.models.viewers import Destination, Platform, Reading, ViewerState, live
from console.platforms.base import (
    REQUEST_TIMEOUT_S,
    PlatformAdapter,
    SecretLookup,
    complete,
    grouped_by_prefix,
)
from console.platforms.credentials import (
    TWITCH_ACCESS_TOKEN,
    TWITCH_AUTH_URL,
    TWITCH_CLIENT_ID,
    TWITCH_CLIENT_SECRET,
    missing_hint,
)
from console.platforms.exchange import (
    Answer,
    Params,
    Unreadable,
    as_list,
    as_object,
    as_text,
    credentials_reading,
    error,
    fetch,
    member,
    parse_json,
    rate_limited,
    retry_after_s,
    server_text,
    status_reading,
    viewers_from,
)
from console.platforms.oauth import Token, TokenCache, parse_token, token_refusal

TOKEN_URL = "https://id.twitch.tv/oauth2/token"
LOGINS_PER_CALL = 100
_LOGIN = re.compile(r"[A-Za-z0-9_]{1,25}")
NOT_LIVE = "not live (Twitch lists live channels only)"


def streams_request(prefix: str, logins: Sequence[str]) -> tuple[str, Params]:
    """The URL and query of one Get Streams call (at most 100 logins)."""
    if not 0 < len(logins) <= LOGINS_PER_CALL:
        raise ValueError(f"one call reads 1 to {LOGINS_PER_CALL} logins, not {len(logins)}")
    return (f"{prefix}/streams",
            [*(("user_login", login) for login in logins), ("first", str(LOGINS_PER_CALL))])


def parse_streams(body: bytes, logins: Sequence[str]) -> list[Reading]:
    """One reading per login of ``logins`` from a Get Streams answer (pure); logins are
    matched without regard to case."""
    try:
        data = as_list(member(as_object(parse_json(body), "the answer"), "data", "data"),
                       "data")
    except Unreadable as unreadable:
        return [unreadable.reading()] * len(logins)
    found: dict[str, Reading] = {}
    unattributed: Unreadable | None = None
    for index, item in enumerate(data):
        path = f"data[{index}]"
        try:
            stream = as_object(item, path)
            login = as_text(member(stream, "user_login", f"{path}.user_login"),
                            f"{path}.user_login").lower()
        except Unreadable as unreadable:
            unattributed = unattributed or unreadable
            continue
        try:
            if stream.get("type", "live") != "live":
                # "If an error occurs, this field is set to an empty string."
                raise Unreadable(f"{path}.type", f"is {server_text(stream.get('type'), 40)!r}, "
                                                 "not 'live' (Twitch could not read the stream)")
            found[login] = live(viewers_from(member(stream, "viewer_count",
                                                    f"{path}.viewer_count"),
                                             f"{path}.viewer_count"))
        except Unreadable as unreadable:
            found[login] = unreadable.reading()
    missing = unattributed.reading() if unattributed else Reading(ViewerState.OFFLINE,
                                                                  detail=NOT_LIVE)
    return [found.get(login.lower(), missing) for login in logins]


def helix_message(body: bytes) -> str:
    """Helix's own words in an error answer: ``{"error": "...", "status": 401,
    "message": "Invalid OAuth token"}``."""
    try:
        document = as_object(parse_json(body), "the answer")
    except Unreadable:
        return ""
    message = document.get("message")
    return server_text(message) if isinstance(message, str) and message else ""


class TwitchAdapter(PlatformAdapter):
    """Reads live channels 100 to a call, with an app token kept until it expires."""

    platform: ClassVar[Platform] = Platform.TWITCH

    def __init__(self, secrets: SecretLookup | None = None, *,
                 timeout_s: float = REQUEST_TIMEOUT_S,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(secrets, timeout_s=timeout_s, clock=clock)
        self._client_id = self._secrets.get(TWITCH_CLIENT_ID)
        self._fixed_token = self._secrets.get(TWITCH_ACCESS_TOKEN)
        self._client_secret = self._secrets.get(TWITCH_CLIENT_SECRET)
        self._auth_url = self._secrets.get(TWITCH_AUTH_URL) or TOKEN_URL
        self._tokens = TokenCache(clock, "Twitch app")
        self._not_before = 0.0  # epoch second: Twitch's bucket is empty until then

    @property
    def tokens_fetched(self) -> int:
        return self._tokens.fetched

    def _variables(self) -> tuple[str, ...]:
        return ((TWITCH_CLIENT_ID, TWITCH_ACCESS_TOKEN) if self._fixed_token
                else (TWITCH_CLIENT_ID, TWITCH_CLIENT_SECRET))

    def _missing(self) -> Reading | None:
        missing = [] if self._client_id else [TWITCH_CLIENT_ID]
        if not self._fixed_token and not self._client_secret:
            missing.append(TWITCH_CLIENT_SECRET)
        if not missing:
            return None
        alternative = "" if self._fixed_token else f" (or {TWITCH_ACCESS_TOKEN} instead of " \
                                                   f"{TWITCH_CLIENT_SECRET})"
        return credentials_reading(missing_hint(missing) + alternative)

    async def read(self, http: aiohttp.ClientSession,
                   destinations: Sequence[Destination]) -> list[Reading]:
        readings: list[Reading | None] = [None] * len(destinations)
        missing = self._missing()
        wait = self._not_before - self._clock()
        for index, destination in enumerate(destinations):
            if not _LOGIN.fullmatch(destination.target):
                readings[index] = error(f"{server_text(destination.target, 80)!r} is not a "
                                        "Twitch channel login")
            elif missing is not None:
                readings[index] = missing
            elif wait > 0:
                readings[index] = rate_limited("Twitch's rate limit: waiting for its bucket "
                                               "to refill", wait)
        for prefix, indices in grouped_by_prefix(destinations).items():
            wanted = [i for i in indices if readings[i] is None]
            logins = list(dict.fromkeys(destinations[i].target.lower() for i in wanted))
            by_login: dict[str, Reading] = {}
            for start in range(0, len(logins), LOGINS_PER_CALL):
                chunk = logins[start:start + LOGINS_PER_CALL]
                by_login.update(zip(chunk, await self._read_chunk(http, prefix or "", chunk),
                                    strict=True))
            for i in wanted:
                readings[i] = by_login[destinations[i].target.lower()]
        return complete(readings)

    async def _read_chunk(self, http: aiohttp.ClientSession, prefix: str,
                          logins: list[str]) -> list[Reading]:
        answer = await self._streams(http, prefix, logins)
        if isinstance(answer, Reading):
            return [answer] * len(logins)
        now = self._clock()
        wait = retry_after_s(answer.headers, now)
        bucket_empty = answer.headers.get("ratelimit-remaining", "").strip() == "0"
        if (bucket_empty or answer.status == 429) and wait:
            self._not_before = now + wait
        if not answer.ok:
            reading = status_reading(answer, variables=self._variables(), now=now,
                                     message=helix_message(answer.body))
            return [reading or error(f"HTTP {answer.status} from {answer.host}")] * len(logins)
        readings = parse_streams(answer.body, logins)
        if bucket_empty and wait:
            readings = [replace(reading, retry_after_s=wait) for reading in readings]
        return readings

    async def _streams(self, http: aiohttp.ClientSession, prefix: str,
                       logins: list[str]) -> Answer | Reading:
        """Get Streams with the current token; with a new one once if Helix refuses it."""
        for attempt in range(2):
            token = await self._token(http)
            if isinstance(token, Reading):
                return token
            url, params = streams_request(prefix, logins)
            assert self._client_id is not None
            answer = await fetch(http, "GET", url, params=params, timeout_s=self._timeout_s,
                                 headers={"Client-Id": self._client_id,
                                          "Authorization": f"Bearer {token}"})
            if isinstance(answer, Reading) or answer.status != 401 or self._fixed_token \
                    or attempt:
                return answer
            self._tokens.forget(token)
        raise AssertionError("unreachable")

    async def _token(self, http: aiohttp.ClientSession) -> str | Reading:
        if self._fixed_token:
            return self._fixed_token
        return await self._tokens.get(lambda: self._fetch_token(http))

    async def _fetch_token(self, http: aiohttp.ClientSession) -> Token | Reading:
        variables = (TWITCH_CLIENT_ID, TWITCH_CLIENT_SECRET)
        client_id, client_secret = self._client_id, self._client_secret
        if client_id is None or client_secret is None:
            return credentials_reading(missing_hint(variables))
        if not self._auth_url.startswith(("https://", "http://")):
            return error(f"{TWITCH_AUTH_URL} is not an http(s) URL")
        answer = await fetch(http, "POST", self._auth_url, timeout_s=self._timeout_s,
                             data={"client_id": client_id, "client_secret": client_secret,
                                   "grant_type": "client_credentials"})
        if isinstance(answer, Reading):
            return answer
        if not answer.ok:
            return token_refusal(answer, variables=variables, now=self._clock())
        try:
            return parse_token(answer.body)
        except Unreadable as unreadable:
            return error(f"the token answer from {answer.host}: {unreadable}")
