"""What every platform adapter offers, and the HTTP answers they all read the same way.

``PlatformAdapter.read`` asks about several destinations of its platform at once
(YouTube reads 50 video ids in one call) and answers one :class:`Reading` per
destination, in order. It never raises for what a server does: a refusal, a 429, a
5xx, a timeout or an answer that cannot be read becomes a reading with its state and
a detail that says what to do.
"""

from __future__ import annotations

import abc
import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

import aiohttp

from console.models.viewers import Destination, Platform, Reading
from console.platforms.credentials import register_all

SecretLookup = Mapping[str, str]

# A platform that has not answered in this long is counted as an error for this poll.
REQUEST_TIMEOUT_S = 10.0


class PlatformAdapter(abc.ABC):
    """Reads the viewer counts of one platform's destinations.

    ``secrets`` holds its credentials and settings by variable name (each registered
    with the log scrubber here), ``timeout_s`` bounds each request, ``clock`` (epoch
    seconds) reads rate-limit resets and token expiry."""

    platform: ClassVar[Platform]

    def __init__(self, secrets: SecretLookup | None = None, *,
                 timeout_s: float = REQUEST_TIMEOUT_S,
                 clock: Callable[[], float] = time.time) -> None:
        self._secrets: dict[str, str] = dict(secrets or {})
        register_all(self._secrets)
        self._timeout_s = timeout_s
        self._clock = clock

    @abc.abstractmethod
    async def read(self, http: aiohttp.ClientSession,
                   destinations: Sequence[Destination]) -> list[Reading]:
        """One reading per destination, in the same order; never raises for what the
        server answers (nor for a server that does not answer)."""




class OneByOneAdapter(PlatformAdapter):
    """An adapter whose platform answers one destination per request (Owncast, Zoom,
    Facebook, JSON): the requests go out together, at most ``CONCURRENCY`` at a time."""

    CONCURRENCY: ClassVar[int] = 8

    async def read(self, http: aiohttp.ClientSession,
                   destinations: Sequence[Destination]) -> list[Reading]:
        gate = asyncio.Semaphore(self.CONCURRENCY)

        async def one(destination: Destination) -> Reading:
            async with gate:
                return await self.read_one(http, destination)

        # A task group: if one read fails with a bug, the others are cancelled, not left.
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(d)) for d in destinations]
        return [task.result() for task in tasks]

    @abc.abstractmethod
    async def read_one(self, http: aiohttp.ClientSession, destination: Destination) -> Reading:
        """The reading of one destination; never raises for what the server does."""


def grouped_by_prefix(destinations: Sequence[Destination]) -> dict[str | None, list[int]]:
    """The indices of ``destinations`` by URL prefix, in order of first appearance: one
    batched request (YouTube, Twitch) goes to one prefix."""
    groups: dict[str | None, list[int]] = {}
    for index, destination in enumerate(destinations):
        groups.setdefault(destination.url_prefix, []).append(index)
    return groups


def complete(readings: Sequence[Reading | None]) -> list[Reading]:
    """``readings`` once every destination has one (a gap is a bug of the adapter)."""
    done = [reading for reading in readings if reading is not None]
    if len(done) != len(readings):
        raise AssertionError("a destination was left without a reading")
    return done
