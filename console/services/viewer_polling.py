"""Asking every platform once: destinations grouped so each platform is asked in as few
calls as it allows (YouTube reads 50 videos a call, Twitch 100 channels).

The monitor (``viewer_monitor``) and ``conference-console viewers sample`` both poll
through :func:`read_group`, so what the window shows and what the command prints
come from the same code.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import aiohttp

from console.models.viewers import Destination, Platform, Reading, ViewerState
from console.platforms.base import PlatformAdapter
from console.platforms.credentials import platform_secrets

log = logging.getLogger(__name__)

AdapterFactory = Callable[[Platform], PlatformAdapter]  # ``Adapters.get``: one per platform


def secrets_for(destinations: Iterable[Destination]) -> dict[str, str]:
    """The credentials of every platform among ``destinations`` (environment, then the
    keyring: may block, so call it off the loop)."""
    found: dict[str, str] = {}
    for platform in {d.platform for d in destinations if d.polled}:
        found.update(platform_secrets(platform))
    return found


@dataclass(frozen=True)
class Group:
    """Destinations asked in one go: one platform, one server."""

    platform: Platform
    url_prefix: str | None
    destinations: tuple[Destination, ...]

    @property
    def key(self) -> tuple[Platform, str | None]:
        return self.platform, self.url_prefix


def groups_of(destinations: Iterable[Destination]) -> list[Group]:
    """The polled destinations by platform and server, in the order first seen.

    Owncast and JSON targets are servers of their own: each is a group by itself, so
    one that does not answer delays (and backs off) no other. (``platforms.batches``
    groups them by prefix instead: one read for a whole list.)
    """
    grouped: dict[tuple[Platform, str | None], list[Destination]] = {}
    for destination in destinations:
        if not destination.polled:
            continue
        prefix = destination.url_prefix
        if destination.platform in (Platform.OWNCAST, Platform.JSON):
            prefix = f"{prefix or ''}|{destination.target}"
        grouped.setdefault((destination.platform, prefix), []).append(destination)
    return [Group(platform, prefix, tuple(items))
            for (platform, prefix), items in grouped.items()]


async def read_group(http: aiohttp.ClientSession, group: Group,
                     adapter_for: AdapterFactory) -> list[tuple[Destination, Reading]]:
    """One reading per destination of ``group``; an adapter's bug becomes an error
    reading (and a logged traceback), never an exception that stops the poller."""
    try:
        readings = await adapter_for(group.platform).read(http, group.destinations)
    except Exception:
        log.exception("reading %s viewer counts failed", group.platform.value)
        readings = [Reading(ViewerState.ERROR, detail="internal error: see the log")
                    for _ in group.destinations]
    if len(readings) != len(group.destinations):
        log.error("%s answered %d readings for %d destinations", group.platform.value,
                  len(readings), len(group.destinations))
        readings = [Reading(ViewerState.ERROR, detail="internal error: see the log")
                    for _ in group.destinations]
    return list(zip(group.destinations, readings, strict=True))


async def read_all(http: aiohttp.ClientSession, destinations: Sequence[Destination],
                   adapter_for: AdapterFactory) -> dict[int | None, Reading]:
    """Every polled destination read once (the groups at the same time, so a server that
    does not answer delays no other), by id."""
    answers = await asyncio.gather(*(read_group(http, group, adapter_for)
                                     for group in groups_of(destinations)))
    return {destination.id: reading for answer in answers for destination, reading in answer}
