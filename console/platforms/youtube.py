"""YouTube: concurrent viewers of live videos, from the YouTube Data API v3.

Request (``videos.list``, 1 quota unit per call, up to 50 ids)::

    GET {base}/videos?part=liveStreamingDetails&id=ID1,ID2,...&key=KEY

Answer (the parts we read)::

    {"items": [{"id": "ID1",
                "liveStreamingDetails": {"actualStartTime": "2026-12-05T09:00:00Z",
                                         "scheduledStartTime": "...",
                                         "concurrentViewers": "1234"}}]}

``concurrentViewers`` is a string, and it is missing when the owner hides the count
and once the broadcast is over: ``actualEndTime`` tells which (over: OFFLINE; started,
not over, no count: HIDDEN). A video without ``liveStreamingDetails``, or not in
``items`` at all (private, deleted, a typo), is OFFLINE, "not a live video or not found".

Errors come as ``{"error": {"code": 403, "message": "...", "errors": [{"reason":
"quotaExceeded", "domain": "youtube.quota"}]}}``: a used-up quota is a rate limit until
midnight Pacific time (when YouTube resets it), a refused key (400 ``keyInvalid``,
``API_KEY_INVALID`` in ``details``) or a 403 is the credentials.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp

from console.models.viewers import (
    YOUTUBE_IDS_PER_CALL,
    Destination,
    Platform,
    Reading,
    ViewerState,
    live,
)
from console.platforms.base import (
    PlatformAdapter,
    complete,
    grouped_by_prefix,
)
from console.platforms.credentials import YOUTUBE_API_KEY, missing_hint
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

VARIABLES = (YOUTUBE_API_KEY,)
# Video ids are 11 characters of [A-Za-z0-9_-]; a comma would ask for two videos.
_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
NOT_FOUND = "not a live video or not found"
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"})
KEY_REASONS = frozenset({"keyInvalid", "keyExpired", "API_KEY_INVALID", "API_KEY_EXPIRED"})
QUOTA_ZONE = "America/Los_Angeles"  # the quota resets at midnight Pacific time


def videos_request(prefix: str, video_ids: Sequence[str], key: str) -> tuple[str, Params]:
    """The URL and query of one ``videos.list`` call (at most 50 ids)."""
    if not 0 < len(video_ids) <= YOUTUBE_IDS_PER_CALL:
        raise ValueError(f"one call reads 1 to {YOUTUBE_IDS_PER_CALL} ids, not {len(video_ids)}")
    return (f"{prefix}/videos",
            [("part", "liveStreamingDetails"), ("id", ",".join(video_ids)), ("key", key)])


def parse_videos(body: bytes, video_ids: Sequence[str]) -> list[Reading]:
    """One reading per id of ``video_ids`` from a ``videos.list`` answer (pure)."""
    try:
        items = as_list(member(as_object(parse_json(body), "the answer"), "items", "items"),
                        "items")
    except Unreadable as unreadable:
        return [unreadable.reading()] * len(video_ids)
    found: dict[str, Reading] = {}
    unattributed: Unreadable | None = None
    for index, item in enumerate(items):
        path = f"items[{index}]"
        try:
            video = as_object(item, path)
            video_id = as_text(member(video, "id", f"{path}.id"), f"{path}.id")
        except Unreadable as unreadable:
            unattributed = unattributed or unreadable
            continue
        try:
            found[video_id] = video_reading(video, path)
        except Unreadable as unreadable:
            found[video_id] = unreadable.reading()
    missing = unattributed.reading() if unattributed else Reading(ViewerState.OFFLINE,
                                                                  detail=NOT_FOUND)
    return [found.get(video_id, missing) for video_id in video_ids]


def video_reading(video: dict[str, Any], path: str) -> Reading:
    """The reading of one ``items[]`` entry; :class:`Unreadable` if its shape is not
    the documented one."""
    details = video.get("liveStreamingDetails")
    if details is None:
        return Reading(ViewerState.OFFLINE, detail=NOT_FOUND)
    details = as_object(details, f"{path}.liveStreamingDetails")
    if details.get("actualEndTime") is not None:
        return Reading(ViewerState.OFFLINE, detail="the broadcast has ended")
    viewers = details.get("concurrentViewers")
    if viewers is not None:
        return live(viewers_from(viewers, f"{path}.liveStreamingDetails.concurrentViewers"))
    if details.get("actualStartTime") is not None:
        return Reading(ViewerState.HIDDEN,
                       detail="live, but YouTube gives no viewer count for this video")
    return Reading(ViewerState.OFFLINE, detail="scheduled, not started yet")


def youtube_refusal(answer: Answer, now: float) -> Reading:
    """What an answer that is not 2xx means, from its Google error body (pure)."""
    reasons, message = _google_error(answer.body)
    said = f": {message}" if message else ""
    if reasons & QUOTA_REASONS:
        return rate_limited(f"the YouTube Data API quota is used up for today{said}",
                            retry_after_s(answer.headers, now) or until_quota_reset(now))
    if reasons & RATE_REASONS:
        return rate_limited(f"rate limited by {answer.host}{said}",
                            retry_after_s(answer.headers, now))
    if reasons & KEY_REASONS or answer.status in (401, 403):
        return credentials_reading(f"check the credentials ({YOUTUBE_API_KEY}); HTTP "
                                   f"{answer.status} from {answer.host}{said}")
    reading = status_reading(answer, variables=VARIABLES, now=now, message=message)
    return reading or error(f"HTTP {answer.status} from {answer.host}")


def until_quota_reset(now: float) -> float | None:
    """Seconds from ``now`` (epoch) to the next midnight Pacific time."""
    try:
        zone = ZoneInfo(QUOTA_ZONE)
    except ZoneInfoNotFoundError:
        return None
    local = datetime.fromtimestamp(now, UTC).astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), zone)
    return max(0.0, midnight.timestamp() - now)


def _google_error(body: bytes) -> tuple[frozenset[str], str]:
    """The reasons (``errors[].reason``, ``details[].reason``) and message of a Google
    API error body; nothing if it is not one."""
    try:
        failure = as_object(as_object(parse_json(body), "the answer").get("error"), "error")
    except Unreadable:
        return frozenset(), ""
    reasons: set[str] = set()
    for key in ("errors", "details"):
        entries = failure.get(key)
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and isinstance(entry.get("reason"), str):
                reasons.add(entry["reason"])
    message = failure.get("message")
    return frozenset(reasons), server_text(message) if isinstance(message, str) else ""


class YouTubeAdapter(PlatformAdapter):
    """Reads live videos 50 to a call, one call per base URL."""

    platform: ClassVar[Platform] = Platform.YOUTUBE

    @property
    def _key(self) -> str | None:
        return self._secrets.get(YOUTUBE_API_KEY)

    async def read(self, http: aiohttp.ClientSession,
                   destinations: Sequence[Destination]) -> list[Reading]:
        readings: list[Reading | None] = [None] * len(destinations)
        for index, destination in enumerate(destinations):
            if not _VIDEO_ID.fullmatch(destination.target):
                readings[index] = error(f"{server_text(destination.target, 80)!r} is not a "
                                        "YouTube video id (the v= part of the watch URL)")
            elif self._key is None:
                readings[index] = credentials_reading(missing_hint(VARIABLES))
        for prefix, indices in grouped_by_prefix(destinations).items():
            wanted = [i for i in indices if readings[i] is None]
            ids = list(dict.fromkeys(destinations[i].target for i in wanted))
            by_id: dict[str, Reading] = {}
            for start in range(0, len(ids), YOUTUBE_IDS_PER_CALL):
                chunk = ids[start:start + YOUTUBE_IDS_PER_CALL]
                by_id.update(zip(chunk, await self._read_chunk(http, prefix or "", chunk),
                                 strict=True))
            for i in wanted:
                readings[i] = by_id[destinations[i].target]
        return complete(readings)

    async def _read_chunk(self, http: aiohttp.ClientSession, prefix: str,
                          ids: list[str]) -> list[Reading]:
        assert self._key is not None
        url, params = videos_request(prefix, ids, self._key)
        answer = await fetch(http, "GET", url, params=params, timeout_s=self._timeout_s)
        if isinstance(answer, Reading):
            return [answer] * len(ids)
        if not answer.ok:
            return [youtube_refusal(answer, self._clock())] * len(ids)
        return parse_videos(answer.body, ids)
