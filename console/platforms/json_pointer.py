"""Any JSON document with the count in it: the destination's target is its URL, its
pointer (RFC 6901, ``/stats/viewers``) says where the count is.

Request::

    GET {url}                       (Authorization: Bearer VIEWERS_JSON_TOKEN, when set)

The value at the pointer must be a whole number of viewers: 1234, or "1234" written
as a string. true, 12.5, -3, null or "1,234" are refused as ERROR, the detail naming
the pointer. A generic document has no "offline": a missing value is an ERROR too.

The token, when set, goes to every json destination: set it only when they all
belong to the one service that issued it. Redirects are followed (aiohttp drops the
Authorization header when a redirect leaves the host).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import aiohttp

from console.models.viewers import Destination, Platform, Reading, live
from console.platforms.base import OneByOneAdapter
from console.platforms.credentials import VIEWERS_JSON_TOKEN, missing_hint
from console.platforms.exchange import (
    Unreadable,
    credentials_reading,
    error,
    fetch,
    parse_json,
    server_text,
    status_reading,
    viewers_from,
)

_INDEX = re.compile(r"0|[1-9][0-9]{0,8}")


def pointer_tokens(pointer: str) -> list[str]:
    """The reference tokens of ``pointer``, unescaped (``~1`` is ``/``, ``~0`` is ``~``)."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise Unreadable(pointer, "is not a JSON pointer (it starts with /)")
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]


def resolve(document: Any, pointer: str) -> Any:
    """The value ``pointer`` names in ``document``; :class:`Unreadable` naming the pointer
    and the step that has no value."""
    value = document
    walked = ""
    for token in pointer_tokens(pointer):
        place = f"at {walked}" if walked else "at the top"
        shown = server_text(token, 60)
        if isinstance(value, dict):
            if token not in value:
                raise Unreadable(pointer, f"names nothing: no {shown!r} {place}")
            value = value[token]
        elif isinstance(value, list):
            if not _INDEX.fullmatch(token):
                raise Unreadable(pointer, f"names nothing: {shown!r} is not an index of the "
                                          f"list {place}")
            if int(token) >= len(value):
                raise Unreadable(pointer, f"names nothing: the list {place} has "
                                          f"{len(value)} entries")
            value = value[int(token)]
        else:
            raise Unreadable(pointer, f"names nothing: {place} is a value, not an object "
                                      "or a list")
        walked += "/" + token.replace("~", "~0").replace("/", "~1")
    return value


def parse_count(body: bytes, pointer: str) -> Reading:
    """The reading of a JSON document with the count at ``pointer`` (pure)."""
    try:
        return live(viewers_from(resolve(parse_json(body), pointer), pointer))
    except Unreadable as unreadable:
        return unreadable.reading()


class JsonPointerAdapter(OneByOneAdapter):
    platform: ClassVar[Platform] = Platform.JSON

    @property
    def _token(self) -> str | None:
        return self._secrets.get(VIEWERS_JSON_TOKEN)

    async def read_one(self, http: aiohttp.ClientSession, destination: Destination) -> Reading:
        url = destination.base_url or destination.target
        if not url.startswith(("https://", "http://")):
            return error("the target is not an http(s) URL")
        if not destination.pointer:
            return error("a json destination needs the JSON pointer to the count")
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else None
        answer = await fetch(http, "GET", url, headers=headers, timeout_s=self._timeout_s,
                             allow_redirects=True)
        if isinstance(answer, Reading):
            return answer
        if answer.status in (401, 403) and not self._token:
            return credentials_reading(f"the server wants credentials: "
                                       f"{missing_hint((VIEWERS_JSON_TOKEN,))}; HTTP "
                                       f"{answer.status} from {answer.host}")
        refusal = status_reading(answer, variables=(VIEWERS_JSON_TOKEN,), now=self._clock())
        return refusal or parse_count(answer.body, destination.pointer)
