"""Facebook: the viewers of a live video, from the Graph API.

Request::

    GET {base}/{live_video_id}?fields=live_views,status&access_token=TOKEN

Answer::

    {"live_views": 42, "status": "LIVE", "id": "10158..."}

``status`` is one of UNPUBLISHED, LIVE, LIVE_STOPPED, PROCESSING, VOD,
SCHEDULED_UNPUBLISHED, SCHEDULED_LIVE, SCHEDULED_EXPIRED, SCHEDULED_CANCELED; only
LIVE has viewers, anything else is OFFLINE.

Errors come as ``{"error": {"message": "...", "type": "OAuthException", "code": 190,
"error_subcode": 463, "fbtrace_id": "..."}}`` whatever the HTTP status: 190 (a bad or
expired token) and the permission codes (10, 200-299) are the credentials; 4, 17, 32,
613 and 80001-80014 are rate limits (the wait from ``Retry-After`` or the
``estimated_time_to_regain_access`` minutes of ``X-Business-Use-Case-Usage``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import ClassVar

import aiohttp

from console.models.viewers import Destination, Platform, Reading, ViewerState, live
from console.platforms.base import OneByOneAdapter
from console.platforms.credentials import FACEBOOK_ACCESS_TOKEN, missing_hint
from console.platforms.exchange import (
    MAX_RETRY_AFTER_S,
    Answer,
    Params,
    Unreadable,
    as_object,
    as_text,
    credentials_reading,
    error,
    fetch,
    lower_headers,
    member,
    parse_json,
    rate_limited,
    retry_after_s,
    server_text,
    status_reading,
    viewers_from,
)

VARIABLES = (FACEBOOK_ACCESS_TOKEN,)
CREDENTIAL_CODES = frozenset({102, 190, 10, *range(200, 300)})
RATE_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
_VIDEO_ID = re.compile(r"[A-Za-z0-9_]{1,64}")


def live_video_request(prefix: str, video_id: str, token: str) -> tuple[str, Params]:
    return f"{prefix}/{video_id}", [("fields", "live_views,status"), ("access_token", token)]


def parse_live_video(body: bytes) -> Reading:
    """The reading of a live video's fields (pure)."""
    try:
        video = as_object(parse_json(body), "the answer")
        status = as_text(member(video, "status", "status"), "status", max_length=40)
        if status != "LIVE":
            return Reading(ViewerState.OFFLINE,
                           detail=f"the live video's status is {server_text(status)}")
        return live(viewers_from(member(video, "live_views", "live_views"), "live_views"))
    except Unreadable as unreadable:
        return unreadable.reading()


def graph_error(body: bytes) -> tuple[int | None, str]:
    """The ``code`` and ``message`` of a Graph API error body; (None, "") otherwise."""
    try:
        failure = as_object(as_object(parse_json(body), "the answer").get("error"), "error")
    except Unreadable:
        return None, ""
    code = failure.get("code")
    message = failure.get("message")
    return (code if isinstance(code, int) and not isinstance(code, bool) else None,
            server_text(message) if isinstance(message, str) else "")


def graph_refusal(answer: Answer, now: float) -> Reading | None:
    """What an answer means when it is an error (pure); None when it is not one."""
    code, message = graph_error(answer.body)
    if code is None:
        if answer.ok:
            return None
        return status_reading(answer, variables=VARIABLES, now=now)
    said = (f"HTTP {answer.status} from {answer.host}: Graph API error {code}"
            + (f": {message}" if message else ""))
    if code in CREDENTIAL_CODES:
        return credentials_reading(f"check the credentials ({FACEBOOK_ACCESS_TOKEN}); {said}")
    if code in RATE_CODES or answer.status == 429:
        wait = retry_after_s(answer.headers, now) or usage_wait_s(answer.headers)
        return rate_limited(f"rate limited; {said}", wait)
    return error(said)


def usage_wait_s(headers: Mapping[str, str]) -> float | None:
    """The longest ``estimated_time_to_regain_access`` (minutes) in the
    ``X-Business-Use-Case-Usage`` header, in seconds; None if it has none."""
    text = lower_headers(headers).get("x-business-use-case-usage", "")
    try:
        usage = json.loads(text) if 0 < len(text) <= 10_000 else None
    except ValueError:
        return None
    minutes = [entry.get("estimated_time_to_regain_access")
               for entries in (usage.values() if isinstance(usage, dict) else ())
               if isinstance(entries, list)
               for entry in entries if isinstance(entry, dict)]
    waits = [m for m in minutes if isinstance(m, int) and not isinstance(m, bool) and m > 0]
    return min(max(waits) * 60.0, MAX_RETRY_AFTER_S) if waits else None


class FacebookAdapter(OneByOneAdapter):
    platform: ClassVar[Platform] = Platform.FACEBOOK

    @property
    def _token(self) -> str | None:
        return self._secrets.get(FACEBOOK_ACCESS_TOKEN)

    async def read_one(self, http: aiohttp.ClientSession, destination: Destination) -> Reading:
        if not _VIDEO_ID.fullmatch(destination.target):
            return error(f"{server_text(destination.target, 80)!r} is not a Facebook live "
                         "video id")
        if not self._token:
            return credentials_reading(missing_hint(VARIABLES))
        url, params = live_video_request(destination.url_prefix or "", destination.target,
                                         self._token)
        answer = await fetch(http, "GET", url, params=params, timeout_s=self._timeout_s)
        if isinstance(answer, Reading):
            return answer
        return graph_refusal(answer, self._clock()) or parse_live_video(answer.body)
