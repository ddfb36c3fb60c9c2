"""Owncast: the viewers of a self-hosted Owncast server, from its public status.

Request (no credentials; the destination's target is the server's URL, which its
base URL replaces when given)::

    GET {server}/api/status

Answer::

    {"online": true, "viewerCount": 12, "streamTitle": "...", "versionNumber": "0.1.3",
     "lastConnectTime": "...", "lastDisconnectTime": null, "serverTime": "..."}

``online: false`` is OFFLINE. Owncast writes ``viewerCount`` with Go's ``omitempty``
and leaves it at zero when its admin hides the count, so a live server without
``viewerCount`` has either nobody watching or a hidden count: it reads HIDDEN, with
a detail that says both.
"""

from __future__ import annotations

from typing import ClassVar

import aiohttp

from console.models.viewers import Destination, Platform, Reading, ViewerState, live
from console.platforms.base import OneByOneAdapter
from console.platforms.exchange import (
    Unreadable,
    as_object,
    error,
    fetch,
    member,
    parse_json,
    status_reading,
    viewers_from,
)

STATUS_PATH = "/api/status"
NO_COUNT = ("live, without viewerCount: nobody is watching or the server's admin hides "
            "the count (Owncast leaves it out for both)")


def status_url(server: str) -> str:
    """``{server}/api/status``; a URL that already ends there is kept as it is."""
    root = server.rstrip("/")
    return root if root.endswith(STATUS_PATH) else root + STATUS_PATH


def parse_status(body: bytes) -> Reading:
    """The reading of an ``/api/status`` answer (pure)."""
    try:
        status = as_object(parse_json(body), "the answer")
        online = member(status, "online", "online")
        if not isinstance(online, bool):
            raise Unreadable("online", "is not true or false")
        if not online:
            return Reading(ViewerState.OFFLINE, detail="the server is not streaming")
        if status.get("viewerCount") is None:
            return Reading(ViewerState.HIDDEN, detail=NO_COUNT)
        return live(viewers_from(status["viewerCount"], "viewerCount"))
    except Unreadable as unreadable:
        return unreadable.reading()


class OwncastAdapter(OneByOneAdapter):
    platform: ClassVar[Platform] = Platform.OWNCAST

    async def read_one(self, http: aiohttp.ClientSession, destination: Destination) -> Reading:
        server = destination.base_url or destination.target
        if not server.startswith(("https://", "http://")):
            return error("the target is not the Owncast server's http(s) URL")
        # Redirects are followed: a server moves from http to https; no secret goes along.
        answer = await fetch(http, "GET", status_url(server), timeout_s=self._timeout_s,
                             allow_redirects=True)
        if isinstance(answer, Reading):
            return answer
        refusal = status_reading(answer, variables=(), now=self._clock())
        return refusal or parse_status(answer.body)
