"""Zoom: the participants of a live webinar, from the Dashboards (metrics) API.

A Server-to-Server OAuth app's token (HTTP Basic with the app's client id and secret)::

    POST https://zoom.us/oauth/token?grant_type=account_credentials&account_id=ID
    -> {"access_token": "...", "token_type": "bearer", "expires_in": 3599, "scope": "..."}

then, with ``Authorization: Bearer TOKEN`` (scope ``dashboard_webinars:read:admin``)::

    GET {base}/metrics/webinars/{webinarId}/participants?type=live&page_size=1
    -> {"page_count": 1, "page_size": 1, "total_records": 213, "next_page_token": "...",
        "participants": [{...}]}

``total_records`` is the number of participants in the live webinar (one page of one
is enough to read it). A webinar that is not live is not found among live ones: Zoom
answers 404 with ``{"code": 3001, "message": "Webinar does not exist: ..."}``, read
as OFFLINE. Errors are ``{"code": ..., "message": ...}``; a 401 (code 124, an invalid
token) fetches a new token once. The Dashboards API is "heavy": a few calls a minute.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import ClassVar
from urllib.parse import quote

import aiohttp

from console.models.viewers import Destination, Platform, Reading, ViewerState, live
from console.platforms.base import REQUEST_TIMEOUT_S, OneByOneAdapter, SecretLookup
from console.platforms.credentials import (
    ZOOM_ACCOUNT_ID,
    ZOOM_AUTH_URL,
    ZOOM_CLIENT_ID,
    ZOOM_CLIENT_SECRET,
    missing_hint,
)
from console.platforms.exchange import (
    Answer,
    Params,
    Unreadable,
    as_object,
    basic_auth,
    credentials_reading,
    detail_text,
    error,
    fetch,
    member,
    parse_json,
    server_text,
    status_reading,
    viewers_from,
)
from console.platforms.oauth import Token, TokenCache, parse_token, token_refusal

TOKEN_URL = "https://zoom.us/oauth/token"
VARIABLES = (ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET)
NOT_FOUND_CODES = frozenset({3001})  # "Meeting/Webinar does not exist"
# Webinar ids are 9 to 11 digits; a UUID is base64 (a "/" in it is refused as a target).
_WEBINAR_ID = re.compile(r"[A-Za-z0-9+=_-]{1,64}")


def participants_request(prefix: str, webinar_id: str) -> tuple[str, Params]:
    """The URL and query of the live participants call, one participant to a page."""
    return (f"{prefix}/metrics/webinars/{quote(webinar_id, safe='')}/participants",
            [("type", "live"), ("page_size", "1")])


def token_request(auth_url: str, account_id: str) -> tuple[str, Params]:
    return auth_url, [("grant_type", "account_credentials"), ("account_id", account_id)]


def parse_participants(body: bytes) -> Reading:
    """The reading of a live participants answer (pure): ``total_records``."""
    try:
        document = as_object(parse_json(body), "the answer")
        return live(viewers_from(member(document, "total_records", "total_records"),
                                 "total_records"))
    except Unreadable as unreadable:
        return unreadable.reading()


def zoom_error(body: bytes) -> tuple[int | None, str]:
    """The ``code`` and ``message`` of a Zoom error body; (None, "") if it is not one."""
    try:
        document = as_object(parse_json(body), "the answer")
    except Unreadable:
        return None, ""
    code = document.get("code")
    message = document.get("message")
    return (code if isinstance(code, int) and not isinstance(code, bool) else None,
            server_text(message) if isinstance(message, str) else "")


def zoom_refusal(answer: Answer, now: float) -> Reading:
    """What an answer that is not 2xx means (pure): 404 or code 3001 is a webinar that
    is not live (or does not exist), the rest as every platform's."""
    code, message = zoom_error(answer.body)
    said = f" (Zoom {code}: {message})" if code is not None else ""
    if answer.status == 404 or code in NOT_FOUND_CODES:
        return Reading(ViewerState.OFFLINE,
                       detail=detail_text(f"the webinar is not live, or no such webinar{said}"))
    reading = status_reading(answer, variables=VARIABLES, now=now,
                             message=f"Zoom {code}: {message}" if code is not None else "")
    return reading or error(f"HTTP {answer.status} from {answer.host}")


class ZoomAdapter(OneByOneAdapter):
    """Reads live webinars one by one with a Server-to-Server OAuth app token."""

    platform: ClassVar[Platform] = Platform.ZOOM
    CONCURRENCY: ClassVar[int] = 2  # a heavy API

    def __init__(self, secrets: SecretLookup | None = None, *,
                 timeout_s: float = REQUEST_TIMEOUT_S,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(secrets, timeout_s=timeout_s, clock=clock)
        self._account_id = self._secrets.get(ZOOM_ACCOUNT_ID)
        self._client_id = self._secrets.get(ZOOM_CLIENT_ID)
        self._client_secret = self._secrets.get(ZOOM_CLIENT_SECRET)
        self._auth_url = self._secrets.get(ZOOM_AUTH_URL) or TOKEN_URL
        self._tokens = TokenCache(clock, "Zoom app")

    @property
    def tokens_fetched(self) -> int:
        return self._tokens.fetched

    async def read_one(self, http: aiohttp.ClientSession, destination: Destination) -> Reading:
        if not _WEBINAR_ID.fullmatch(destination.target):
            return error(f"{server_text(destination.target, 80)!r} is not a Zoom webinar id")
        missing = [name for name, value in zip(
            VARIABLES, (self._account_id, self._client_id, self._client_secret), strict=True)
            if not value]
        if missing:
            return credentials_reading(missing_hint(missing))
        url, params = participants_request(destination.url_prefix or "", destination.target)
        for attempt in range(2):
            token = await self._tokens.get(lambda: self._fetch_token(http))
            if isinstance(token, Reading):
                return token
            answer = await fetch(http, "GET", url, params=params, timeout_s=self._timeout_s,
                                 headers={"Authorization": f"Bearer {token}"})
            if isinstance(answer, Reading):
                return answer
            if answer.status == 401 and not attempt:
                self._tokens.forget(token)
                continue
            if not answer.ok:
                return zoom_refusal(answer, self._clock())
            return parse_participants(answer.body)
        raise AssertionError("unreachable: the second answer is returned whatever it is")

    async def _fetch_token(self, http: aiohttp.ClientSession) -> Token | Reading:
        account_id, client_id = self._account_id, self._client_id
        client_secret = self._client_secret
        if not (account_id and client_id and client_secret):
            return credentials_reading(missing_hint(VARIABLES))
        if not self._auth_url.startswith(("https://", "http://")):
            return error(f"{ZOOM_AUTH_URL} is not an http(s) URL")
        url, params = token_request(self._auth_url, account_id)
        answer = await fetch(http, "POST", url, params=params, timeout_s=self._timeout_s,
                             headers={"Authorization": basic_auth(client_id, client_secret)})
        if isinstance(answer, Reading):
            return answer
        if not answer.ok:
            return token_refusal(answer, variables=VARIABLES, now=self._clock())
        try:
            return parse_token(answer.body)
        except Unreadable as unreadable:
            return error(f"the token answer from {answer.host}: {unreadable}")
