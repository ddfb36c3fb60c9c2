"""One HTTP exchange with a platform, and what every platform's answer means the same way.

:func:`fetch` turns a timeout, a refused connection or an oversized answer into an
ERROR reading, so an adapter only ever sees an :class:`Answer` (status, headers, body)
or the reading to give. :func:`status_reading` reads the statuses all platforms share:
401/403 are credentials, 429 is a rate limit (with the wait its headers give), anything
else not 2xx an error naming the status and the host. The rest are the checks every
parser makes where values enter: JSON that parses, a count that is a whole number of
viewers, text from a server without control characters and not too long.

Nothing here puts a URL into a detail (a key may be in its query), only its host.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from console import logs
from console.models.errors import InvalidValue
from console.models.limits import MAX_MESSAGE
from console.models.viewers import Reading, ViewerState, check_viewers

# A viewer count is a few hundred bytes of JSON; a bigger answer is not the documented one.
MAX_BODY_BYTES = 1_000_000
# Text copied from a server's answer into a detail (an error message, a status).
MAX_SERVER_TEXT = 200
# A wait longer than a day is not a rate limit a show can wait out.
MAX_RETRY_AFTER_S = 86_400.0
_EPOCH_AFTER = 1_000_000_000  # a Ratelimit-Reset past this is an instant, not a delay
_DIGITS = re.compile(r"[0-9]{1,20}")

Params = Sequence[tuple[str, str]]

log = logging.getLogger(__name__)


class Unreadable(Exception):
    """An answer without the documented shape; ``field`` says where (``items[0].id``)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field} {problem}")
        self.field = field
        self.problem = problem

    def reading(self) -> Reading:
        return error(str(self))


@dataclass(frozen=True)
class Answer:
    """A server's whole answer; header names lower-cased."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    host: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class _TooLarge(Exception):
    pass


def error(detail: str, **extra: Any) -> Reading:
    return Reading(ViewerState.ERROR, detail=detail_text(detail), **extra)


def detail_text(text: str) -> str:
    """A detail as stored: at most one message long, with no registered secret in it."""
    text = logs.scrub(text)
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


def server_text(value: object, limit: int = MAX_SERVER_TEXT) -> str:
    """Text a server sent, fit for a detail: control and format characters replaced,
    at most ``limit`` characters, secrets scrubbed. Anything but text is its type."""
    if not isinstance(value, str):
        return f"({type(value).__name__})"
    cleaned = "".join("�" if unicodedata.category(c) in ("Cc", "Cf", "Cs") else c
                      for c in value[:limit + 1])
    if len(cleaned) > limit:
        cleaned = cleaned[:limit - 1] + "…"
    return logs.scrub(cleaned)


def host_of(url: str) -> str:
    """``api.twitch.tv`` or ``127.0.0.1:8080``: never the path, the query or credentials."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "?", parts.port
    except ValueError:
        return "?"
    return f"{host}:{port}" if port is not None else host


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


async def fetch(http: aiohttp.ClientSession, method: str, url: str, *, timeout_s: float,
                params: Params | None = None, headers: Mapping[str, str] | None = None,
                data: Mapping[str, str] | None = None,
                allow_redirects: bool = False) -> Answer | Reading:
    """Ask, and read the whole answer within ``timeout_s``; an ERROR reading if that
    fails (no answer, no connection, an answer past 1 MB). Never raises for what the
    server does; cancellation goes through."""
    host = host_of(url)
    reading = await _exchange(http, method, url, host, timeout_s=timeout_s, params=params,
                              headers=headers, data=data, allow_redirects=allow_redirects)
    # The path alone: a key may be in the query.
    said = (f"HTTP {reading.status}, {len(reading.body)} bytes" if isinstance(reading, Answer)
            else reading.detail)
    log.debug("%s %s%s: %s", method, host, _path_of(url), said)
    return reading


async def _exchange(http: aiohttp.ClientSession, method: str, url: str, host: str, *,
                    timeout_s: float, params: Params | None,
                    headers: Mapping[str, str] | None, data: Mapping[str, str] | None,
                    allow_redirects: bool) -> Answer | Reading:
    try:
        async with asyncio.timeout(timeout_s), http.request(
                method, url, params=params, headers=headers, data=data,
                allow_redirects=allow_redirects) as response:
            body = await _read_body(response)
            return Answer(response.status, lower_headers(response.headers), body, host)
    except TimeoutError:
        return error(f"no answer from {host} within {timeout_s:g} s")
    except _TooLarge:
        return error(f"the answer from {host} is larger than {MAX_BODY_BYTES} bytes; "
                     "not the documented one")
    except aiohttp.ClientConnectorError as failure:
        reason = failure.os_error.strerror or type(failure.os_error).__name__
        return error(f"cannot reach {host} ({server_text(reason)})")
    except aiohttp.ClientError as failure:
        # Never str(failure): some carry the URL, and a key may be in its query.
        return error(f"the exchange with {host} failed ({type(failure).__name__})")
    except OSError as failure:
        return error(f"the exchange with {host} failed ({type(failure).__name__})")


def basic_auth(login: str, password: str) -> str:
    """The ``Authorization`` header of HTTP Basic authentication (RFC 7617), UTF-8."""
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode("ascii")


def _path_of(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


async def _read_body(response: aiohttp.ClientResponse) -> bytes:
    if (response.content_length or 0) > MAX_BODY_BYTES:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(65_536):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def status_reading(answer: Answer, *, variables: Sequence[str], now: float,
                   message: str = "") -> Reading | None:
    """None for a 2xx answer; otherwise the reading its status means. ``variables`` are
    the credentials to check on a 401 or 403, ``message`` the server's own words."""
    if answer.ok:
        return None
    said = f": {message}" if message else ""
    if answer.status in (401, 403):
        check = (f"check the credentials ({', '.join(variables)})" if variables
                 else "the server wants credentials, and this platform takes none")
        return Reading(ViewerState.CREDENTIALS, detail=detail_text(
            f"{check}; HTTP {answer.status} from {answer.host}{said}"))
    if answer.status == 429:
        return rate_limited(f"rate limited by {answer.host}{said}",
                            retry_after_s(answer.headers, now))
    return error(f"HTTP {answer.status} from {answer.host}{said}")


def rate_limited(detail: str, retry_after: float | None) -> Reading:
    return Reading(ViewerState.RATE_LIMITED, detail=detail_text(detail),
                   retry_after_s=retry_after)


def credentials_reading(detail: str) -> Reading:
    return Reading(ViewerState.CREDENTIALS, detail=detail_text(detail))


def retry_after_s(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds to wait as the headers say: ``Ratelimit-Reset`` (Twitch: the epoch second
    the bucket refills; a small number is a delay), else ``Retry-After`` (seconds, an
    HTTP date, or an ISO 8601 instant); None if neither reads. At most a day."""
    named = lower_headers(headers)
    reset = named.get("ratelimit-reset", "").strip()
    if _DIGITS.fullmatch(reset):
        value = float(reset)
        return _bounded(value - now if value > _EPOCH_AFTER else value)
    after = named.get("retry-after", "").strip()
    if not after:
        return None
    if _DIGITS.fullmatch(after):
        return _bounded(float(after))
    at = _instant(after)
    return None if at is None else _bounded(at.timestamp() - now)


def _instant(text: str) -> datetime | None:
    try:
        at = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            at = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _bounded(seconds: float) -> float:
    if not math.isfinite(seconds):
        return MAX_RETRY_AFTER_S
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


# --- reading a documented body ---------------------------------------------------------


def parse_json(body: bytes) -> Any:
    """The JSON document in ``body``; :class:`Unreadable` if it is not one."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("the answer", "is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as failure:
        raise Unreadable("the answer", f"is not valid JSON ({failure.msg} at line "
                                       f"{failure.lineno}, column {failure.colno})") from None
    except (ValueError, RecursionError):  # 4,300-digit integers, thousands of brackets
        raise Unreadable("the answer", "is not JSON a platform sends") from None


def as_object(value: object, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Unreadable(field, f"is {_kind(value)}, not an object")
    return value


def as_list(value: object, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise Unreadable(field, f"is {_kind(value)}, not a list")
    return value


def member(document: Mapping[str, Any], key: str, field: str) -> Any:
    """``document[key]``; :class:`Unreadable` naming ``field`` when it is missing."""
    if key not in document:
        raise Unreadable(field, "is missing")
    return document[key]


def as_text(value: object, field: str, max_length: int = MAX_SERVER_TEXT) -> str:
    if not isinstance(value, str):
        raise Unreadable(field, f"is {_kind(value)}, not text")
    if len(value) > max_length:
        raise Unreadable(field, f"is {len(value)} characters long; at most {max_length}")
    return value


def viewers_from(value: object, field: str) -> int:
    """A count from a server: a whole number from 0 to MAX_VIEWERS, or the same written as
    a string of digits ("1234", as YouTube sends it). True, 12.5, -3 and "12 viewers" are
    refused with :class:`Unreadable` naming ``field``."""
    if isinstance(value, str):
        if not _DIGITS.fullmatch(value):
            raise Unreadable(field, f"is {server_text(value, 40)!r}, not a whole number of "
                                    "viewers")
        value = int(value)
    if value is None or isinstance(value, bool | list | dict):
        raise Unreadable(field, f"is {_kind(value)}, not a whole number of viewers")
    try:
        return check_viewers(value, field)
    except InvalidValue as refusal:
        shown = value if isinstance(value, int | float) else _kind(value)
        raise Unreadable(field, f"is {shown}: {refusal.problem}") from None


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return {dict: "an object", list: "a list", str: "text", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)
