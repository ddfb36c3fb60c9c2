"""What the stand-in platforms answer, in each platform's documented shape, and the
faults a target can be made to answer with instead (``console/platforms/standin.py``)."""

from __future__ import annotations

import enum
import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from console.models.viewers import Platform

STARTED_AT = "2026-12-05T08:00:00Z"


class Fault(enum.Enum):
    """How a target answers instead of its count, until :meth:`StandIn.clear`."""

    HTTP_401 = "401"
    HTTP_403 = "403"
    HTTP_429 = "429"  # with the platform's headers: Ratelimit-Reset (Twitch), Retry-After
    HTTP_500 = "500"
    QUOTA_EXCEEDED = "quota"  # YouTube's 403 quotaExceeded; a 429 elsewhere
    BUCKET_EMPTY = "bucket"  # Twitch: a 200 that spends the bucket (Ratelimit-Remaining: 0)
    MALFORMED_JSON = "malformed"
    COUNT_AS_STRING = "string"  # "1234" where the platform documents a number
    MISSING_FIELD = "missing"  # the count left out (YouTube, Owncast: the hidden count)
    EMPTY_DATA = "empty"  # Twitch's data [], YouTube's items [], an empty document
    NEVER_ANSWERS = "hang"  # no answer until the server stops


# Faults that replace the whole answer (the others change one target's entry in it).
WHOLE_ANSWER = frozenset({Fault.HTTP_401, Fault.HTTP_403, Fault.HTTP_429, Fault.HTTP_500,
                          Fault.QUOTA_EXCEEDED, Fault.MALFORMED_JSON, Fault.NEVER_ANSWERS,
                          Fault.EMPTY_DATA})


@dataclass
class Stream:
    """What one target of the stand-in answers (changed under the stand-in's lock)."""

    viewers: int | None = None  # None: not live
    level: int | None = None  # walking around this level
    rng: random.Random | None = None
    fault: Fault | None = None
    retry_after_s: int = 30


def step(stream: Stream) -> int | None:
    """The count now; a walk moves one step, pulled back toward its level."""
    if stream.level is None or stream.rng is None or stream.viewers is None:
        return stream.viewers
    level, now = stream.level, stream.viewers
    move = stream.rng.gauss(0.0, max(1.0, level * 0.03)) + 0.2 * (level - now)
    stream.viewers = max(0, round(now + move))
    return stream.viewers


def count(viewers: int, stream: Stream) -> int | str:
    return str(viewers) if stream.fault is Fault.COUNT_AS_STRING else viewers


def youtube_video(video_id: str, stream: Stream, viewers: int | None) -> dict[str, Any]:
    details: dict[str, Any] = {"actualStartTime": STARTED_AT, "scheduledStartTime": STARTED_AT}
    if viewers is None:
        details["actualEndTime"] = STARTED_AT
    elif stream.fault is not Fault.MISSING_FIELD:  # missing: the owner hides the count
        details["concurrentViewers"] = str(viewers)  # a string, as documented
    return {"kind": "youtube#video", "etag": "standin", "id": video_id,
            "liveStreamingDetails": details}


def twitch_stream(login: str, stream: Stream, viewers: int) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": "40952121085", "user_id": "101051819", "user_login": login.lower(),
        "user_name": login, "game_id": "509670", "game_name": "Science & Technology",
        "type": "live", "title": "Stand-in", "tags": [], "started_at": STARTED_AT,
        "language": "en", "thumbnail_url": "", "tag_ids": [], "is_mature": False}
    if stream.fault is not Fault.MISSING_FIELD:
        entry["viewer_count"] = count(viewers, stream)
    return entry


def google_error(status: int, message: str, reason: str,
                  detail_reason: str | None = None) -> web.Response:
    error: dict[str, Any] = {"code": status, "message": message,
                             "errors": [{"message": message, "domain": "global",
                                         "reason": reason}]}
    if detail_reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                             "reason": detail_reason}]
    return web.json_response({"error": error}, status=status)


def graph_error(status: int, code: int, message: str,
                 headers: Mapping[str, str] | None = None) -> web.Response:
    return web.json_response({"error": {"message": message, "type": "OAuthException",
                                        "code": code, "fbtrace_id": "AstandinA"}},
                             status=status, headers=headers)


def refusal(platform: Platform, status: int) -> web.Response:
    match platform:
        case Platform.YOUTUBE:
            return google_error(status, "The request is missing a valid API key.",
                                 "required" if status == 401 else "forbidden")
        case Platform.TWITCH:
            return web.json_response({"error": "Unauthorized" if status == 401 else "Forbidden",
                                      "status": status, "message": "Invalid OAuth token"},
                                     status=status)
        case Platform.ZOOM:
            return web.json_response({"code": 124, "message": "Invalid access token."},
                                     status=status)
        case Platform.FACEBOOK:
            return graph_error(status, 190 if status == 401 else 200,
                                "Error validating access token")
    return web.json_response({"error": "unauthorized"}, status=status)


def rate_limit(platform: Platform, fault: Fault, retry_after_s: int,
                now: float) -> web.Response:
    match platform:
        case Platform.YOUTUBE if fault is Fault.QUOTA_EXCEEDED:
            return google_error(403, "The request cannot be completed because you have "
                                      "exceeded your quota.", "quotaExceeded")
        case Platform.TWITCH:
            return web.json_response(
                {"error": "Too Many Requests", "status": 429, "message": "rate limit"},
                status=429, headers={"Ratelimit-Limit": "800", "Ratelimit-Remaining": "0",
                                     "Ratelimit-Reset": str(int(now) + retry_after_s)})
        case Platform.FACEBOOK:
            usage = {"1122": [{"type": "pages", "call_count": 100, "total_cputime": 20,
                               "total_time": 20,
                               "estimated_time_to_regain_access": -(-retry_after_s // 60)}]}
            return graph_error(400, 32, "Page request limit reached",
                                {"X-Business-Use-Case-Usage": json.dumps(usage)})
        case Platform.ZOOM:
            return web.json_response({"code": 429, "message": "You have reached the maximum "
                                                              "per-second rate limit"},
                                     status=429, headers={"Retry-After": str(retry_after_s)})
    return web.json_response({"error": "too many requests"}, status=429,
                             headers={"Retry-After": str(retry_after_s)})
