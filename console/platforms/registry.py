"""The adapter of each platform, and destinations grouped the way they are asked for.

YouTube reads 50 videos a call and Twitch 100 channels, but only from one URL prefix
at a time, so destinations are batched by platform and prefix (:func:`batches`).
:class:`Adapters` keeps one adapter per platform (Twitch's and Zoom's tokens live in
theirs) and reads any list of polled destinations, batches side by side.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import aiohttp

from console.models.viewers import Destination, Platform, Reading
from console.platforms.base import REQUEST_TIMEOUT_S, PlatformAdapter, SecretLookup, complete
from console.platforms.credentials import platform_secrets
from console.platforms.facebook import FacebookAdapter
from console.platforms.json_pointer import JsonPointerAdapter
from console.platforms.owncast import OwncastAdapter
from console.platforms.twitch import TwitchAdapter
from console.platforms.youtube import YouTubeAdapter
from console.platforms.zoom import ZoomAdapter


class NotPolled(ValueError):
    """A platform nothing asks: manual counts are typed by an operator."""


def adapter_for(platform: Platform, secrets: SecretLookup | None = None, *,
                timeout_s: float = REQUEST_TIMEOUT_S,
                clock: Callable[[], float] = time.time) -> PlatformAdapter:
    """The adapter of ``platform``. ``secrets`` holds its credentials and settings by
    variable name; without it they are looked up now (environment, then the OS keyring:
    this may block, so make adapters at start-up, not in a poll). ``timeout_s`` bounds
    each request, ``clock`` (epoch seconds) reads rate-limit resets and token expiry.
    Raises :class:`NotPolled` for manual counts."""
    if platform is Platform.MANUAL:
        raise NotPolled("manual viewer counts are typed by an operator: there is no "
                        "platform to ask, so no adapter")
    found = platform_secrets(platform) if secrets is None else secrets
    kinds: dict[Platform, Callable[..., PlatformAdapter]] = {
        Platform.YOUTUBE: YouTubeAdapter, Platform.TWITCH: TwitchAdapter,
        Platform.OWNCAST: OwncastAdapter, Platform.ZOOM: ZoomAdapter,
        Platform.FACEBOOK: FacebookAdapter, Platform.JSON: JsonPointerAdapter}
    return kinds[platform](found, timeout_s=timeout_s, clock=clock)


@dataclass(frozen=True)
class Batch:
    """Destinations of one platform and URL prefix, read by one ``read`` call;
    ``indices`` are their places in the list they came from."""

    platform: Platform
    url_prefix: str | None
    destinations: tuple[Destination, ...]
    indices: tuple[int, ...]


def batches(destinations: Iterable[Destination]) -> list[Batch]:
    """The polled destinations grouped by (platform, URL prefix), in order of first
    appearance; manual ones are left out."""
    groups: dict[tuple[Platform, str | None], list[tuple[int, Destination]]] = {}
    for index, destination in enumerate(destinations):
        if destination.polled:
            groups.setdefault((destination.platform, destination.url_prefix), []).append(
                (index, destination))
    return [Batch(platform, prefix, tuple(d for _, d in members), tuple(i for i, _ in members))
            for (platform, prefix), members in groups.items()]


class Adapters:
    """One adapter per platform, made when first needed, with ``secrets`` (every
    platform's variables by name) or, without them, each platform's own lookup."""

    def __init__(self, secrets: SecretLookup | None = None, *,
                 timeout_s: float = REQUEST_TIMEOUT_S,
                 clock: Callable[[], float] = time.time) -> None:
        self._secrets = secrets
        self._timeout_s = timeout_s
        self._clock = clock
        self._adapters: dict[Platform, PlatformAdapter] = {}

    def get(self, platform: Platform) -> PlatformAdapter:
        if platform not in self._adapters:
            self._adapters[platform] = adapter_for(platform, self._secrets,
                                                   timeout_s=self._timeout_s, clock=self._clock)
        return self._adapters[platform]

    async def read(self, http: aiohttp.ClientSession,
                   destinations: Sequence[Destination]) -> list[Reading]:
        """One reading per destination, in order; the batches are read side by side.
        Raises :class:`NotPolled` for a manual destination (there is nothing to read)."""
        manual = [d.name for d in destinations if not d.polled]
        if manual:
            raise NotPolled(f"manual destinations are not polled: {', '.join(manual)}")
        readings: list[Reading | None] = [None] * len(destinations)
        groups = batches(destinations)
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self.get(b.platform).read(http, b.destinations))
                     for b in groups]
        for batch, task in zip(groups, tasks, strict=True):
            for index, reading in zip(batch.indices, task.result(), strict=True):
                readings[index] = reading
        return complete(readings)
