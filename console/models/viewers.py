"""Viewer counts: where the show streams to, and what each platform said.

A *destination* is one stream on one platform (a YouTube video, a Twitch channel,
an Owncast server, a Zoom webinar, a Facebook live video, any JSON URL, or a count
read off a screen), in one language. A *reading* is what one poll of it gave: a
number of viewers, or why there is none. Offline is not zero: a stream that is not
live has no count, and the graph shows a gap, not a drop to zero.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from console.models.errors import InvalidValue
from console.models.limits import MAX_NAME, check_text

MAX_TARGET = 2000
# More viewers than people on earth is a parser bug or a hostile server.
MAX_VIEWERS = 10_000_000_000


class Platform(enum.StrEnum):
    YOUTUBE = "youtube"
    TWITCH = "twitch"
    OWNCAST = "owncast"
    ZOOM = "zoom"
    FACEBOOK = "facebook"
    JSON = "json"
    MANUAL = "manual"


class ViewerState(enum.StrEnum):
    """Why a reading has the count it has (the values are the CLI's and the store's)."""

    LIVE = "live"  # a count
    OFFLINE = "offline"  # the stream is not live: no count, not zero
    HIDDEN = "hidden"  # live, but the platform does not publish the count
    CREDENTIALS = "credentials"  # 401/403 or no key: polling stops until fixed
    RATE_LIMITED = "rate_limited"  # 429: polling waits as the platform says
    ERROR = "error"  # anything else: a 5xx, a timeout, an answer we cannot read


# The documented prefix each platform's target is appended to; --base-url replaces it.
DEFAULT_BASE_URLS: dict[Platform, str] = {
    Platform.YOUTUBE: "https://www.googleapis.com/youtube/v3",
    Platform.TWITCH: "https://api.twitch.tv/helix",
    Platform.ZOOM: "https://api.zoom.us/v2",
    Platform.FACEBOOK: "https://graph.facebook.com/v19.0",
}
# Platforms whose target is itself the URL (an Owncast server's root, a JSON URL).
URL_TARGETS = frozenset({Platform.OWNCAST, Platform.JSON})

_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Destination:
    """One stream to count the viewers of; ``id`` is None until stored."""

    platform: Platform
    target: str  # video id, channel login, webinar id, live video id, or a URL
    label: str = ""
    language: str | None = None
    base_url: str | None = None
    pointer: str | None = None  # JSON pointer to the count (json only)
    id: int | None = None

    @property
    def name(self) -> str:
        """What the window and the log call it: the label, or platform and target."""
        return self.label or f"{self.platform.value} {self.target}"

    @property
    def url_prefix(self) -> str | None:
        """The documented prefix, or the base URL that replaces it."""
        return self.base_url or DEFAULT_BASE_URLS.get(self.platform)

    @property
    def polled(self) -> bool:
        """False for manual counts: nothing to ask, an operator types them."""
        return self.platform is not Platform.MANUAL


def check_destination(platform: object, target: object, *, label: object = "",
                      language: object = None, base_url: object = None,
                      pointer: object = None) -> Destination:
    """A destination from outside (the CLI, the window, the database), every field checked;
    :class:`InvalidValue` names the field that does not fit."""
    try:
        kind = Platform(str(platform))
    except ValueError:
        choices = ", ".join(p.value for p in Platform)
        raise InvalidValue("platform", f"{platform!r} is not one of {choices}") from None
    text = check_text(target, "target", max_length=MAX_TARGET).strip()
    if not text and kind is not Platform.MANUAL:
        raise InvalidValue("target", f"is empty; give the {_target_meaning(kind)}")
    if kind in URL_TARGETS:
        _check_url(text, "target")
    elif kind is not Platform.MANUAL and any(c in text for c in "/?#& "):
        raise InvalidValue("target", f"{text!r} is not a {_target_meaning(kind)}; give the "
                                     "id alone, not a URL")
    base = None
    if base_url not in (None, ""):
        base = _check_url(check_text(base_url, "base_url", max_length=MAX_TARGET),
                          "base_url").rstrip("/")
    path = None
    if pointer not in (None, ""):
        path = check_pointer(pointer, "pointer")
    if kind is Platform.JSON and path is None:
        raise InvalidValue("pointer", "a json destination needs the JSON pointer to the "
                                      "count, for example /stats/viewers")
    if path is not None and kind is not Platform.JSON:
        raise InvalidValue("pointer", "only a json destination takes a pointer")
    return Destination(kind, text, label=check_text(label or "", "label", max_length=MAX_NAME),
                       language=check_language(language), base_url=base, pointer=path)


def check_language(value: object, field: str = "language") -> str | None:
    if value in (None, ""):
        return None
    text = check_text(value, field, max_length=35)
    if not _LANGUAGE.match(text):
        raise InvalidValue(field, f"{text!r} is not a language code such as en or pt-BR")
    return text


def check_pointer(value: object, field: str) -> str:
    """An RFC 6901 JSON pointer ("" is the whole document, so it is refused here)."""
    text = check_text(value, field, max_length=MAX_TARGET)
    if not text.startswith("/"):
        raise InvalidValue(field, f"{text!r} is not a JSON pointer: it starts with /, "
                                  "for example /stats/viewers")
    if re.search(r"~[^01]|~$", text):
        raise InvalidValue(field, "has a ~ that is not ~0 or ~1 (RFC 6901 escapes)")
    return text


def check_viewers(value: object, field: str = "viewers") -> int:
    """A count typed by an operator or read from a platform: a whole number, 0 or more."""
    if isinstance(value, bool):
        raise InvalidValue(field, "must be a whole number of viewers")
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        value = int(value)
    if not isinstance(value, int):
        raise InvalidValue(field, "must be a whole number of viewers")
    if not 0 <= value <= MAX_VIEWERS:
        raise InvalidValue(field, f"must be between 0 and {MAX_VIEWERS}")
    return value


def _check_url(text: str, field: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidValue(field, f"{text!r} is not an http(s) URL")
    return text


def _target_meaning(platform: Platform) -> str:
    return {
        Platform.YOUTUBE: "YouTube video id (the v= part of the watch URL)",
        Platform.TWITCH: "Twitch channel login",
        Platform.ZOOM: "Zoom webinar id",
        Platform.FACEBOOK: "Facebook live video id",
        Platform.OWNCAST: "Owncast server's URL",
        Platform.JSON: "URL of the JSON document",
        Platform.MANUAL: "name of the count",
    }[platform]


@dataclass(frozen=True)
class Reading:
    """What one poll of one destination gave."""

    state: ViewerState
    viewers: int | None = None
    detail: str = ""
    retry_after_s: float | None = None  # set by the platform's rate-limit headers

    def __post_init__(self) -> None:
        if (self.viewers is not None) != (self.state is ViewerState.LIVE):
            raise ValueError(f"a {self.state.value} reading cannot have viewers={self.viewers}")


def live(viewers: int) -> Reading:
    return Reading(ViewerState.LIVE, viewers)


@dataclass(frozen=True)
class ViewerSample:
    """A reading of a destination at an instant, as stored and graphed."""

    destination_id: int
    at_utc: datetime
    state: ViewerState
    viewers: int | None = None
    detail: str = ""
    stale: bool = field(default=False, compare=False)

    @classmethod
    def of(cls, destination_id: int, at_utc: datetime, reading: Reading) -> ViewerSample:
        return cls(destination_id, at_utc, reading.state, reading.viewers, reading.detail)

    def marked_stale(self) -> ViewerSample:
        return replace(self, stale=True)


# --- how often to ask ---------------------------------------------------------------

YOUTUBE_DAILY_QUOTA = 10_000
YOUTUBE_IDS_PER_CALL = 50
# Leave a share of the quota for anything else the project does with the key.
YOUTUBE_QUOTA_SHARE = 0.8
MIN_INTERVAL_S = 5.0
DEFAULT_INTERVALS_S: dict[Platform, float] = {
    Platform.YOUTUBE: 30.0,
    Platform.TWITCH: 15.0,
    Platform.OWNCAST: 5.0,
    Platform.ZOOM: 60.0,  # Zoom's dashboard metrics are a "heavy" API: a few calls a minute
    Platform.FACEBOOK: 15.0,
    Platform.JSON: 5.0,
}


def youtube_interval(video_ids: int, show_length: timedelta) -> float:
    """Seconds between YouTube polls so that polling for the whole show fits the quota.

    One ``videos.list`` call (1 unit) reads up to 50 ids, so a poll costs one unit per
    50 ids. The quota is daily, so only the part of the show within one day counts: a
    two-day show needs each day's polls to fit, a two-hour show may poll faster.
    Never faster than the platform's default interval.
    """
    calls_per_poll = max(1, math.ceil(video_ids / YOUTUBE_IDS_PER_CALL))
    polled = min(max(show_length, timedelta(0)), timedelta(days=1)).total_seconds()
    needed = polled * calls_per_poll / (YOUTUBE_DAILY_QUOTA * YOUTUBE_QUOTA_SHARE)
    return float(max(DEFAULT_INTERVALS_S[Platform.YOUTUBE], math.ceil(needed)))


# --- after an error ---------------------------------------------------------------

BACKOFF_START_S = 5.0
BACKOFF_MAX_S = 300.0


def backoff_s(failures: int, interval_s: float) -> float:
    """The wait after ``failures`` errors in a row: the interval, doubling, capped."""
    if failures <= 0:
        return interval_s
    doubled: float = max(interval_s, BACKOFF_START_S) * 2.0 ** min(failures - 1, 16)
    return min(BACKOFF_MAX_S, doubled)


def stale_after_s(interval_s: float) -> float:
    """A count older than this is shown as stale: two polls missed and a margin."""
    return 2.5 * interval_s
