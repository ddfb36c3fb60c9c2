"""The stand-in platforms for tests: a server on the test's loop with known credentials, a
client session, a fixed clock, and one call to read destinations with an adapter."""

from __future__ import annotations

import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import pytest

from console.models.viewers import Destination, Platform, Reading
from console.platforms.base import PlatformAdapter
from console.platforms.registry import adapter_for
from console.platforms.standin import StandIn
from tests.helpers.loops import LoopRunner

# Values no test would write by chance: each must never reach a detail or a log record.
SECRETS = {
    "YOUTUBE_API_KEY": "yt-key-S3CR3T-A1b2C3d4",
    "TWITCH_CLIENT_ID": "tw-client-S3CR3T-E5f6G7h8",
    "TWITCH_CLIENT_SECRET": "tw-secret-S3CR3T-I9j0K1l2",
    "ZOOM_ACCOUNT_ID": "zm-account-S3CR3T-M3n4O5p6",
    "ZOOM_CLIENT_ID": "zm-client-S3CR3T-Q7r8S9t0",
    "ZOOM_CLIENT_SECRET": "zm-secret-S3CR3T-U1v2W3x4",
    "FACEBOOK_ACCESS_TOKEN": "fb-token-S3CR3T-Y5z6A7b8",
    "VIEWERS_JSON_TOKEN": "json-token-S3CR3T-C9d0E1f2",
}
POLLED = (Platform.YOUTUBE, Platform.TWITCH, Platform.OWNCAST, Platform.ZOOM, Platform.FACEBOOK,
          Platform.JSON)
# A target name each platform accepts (a video id, a login, a webinar id...).
TARGETS = {Platform.YOUTUBE: "dQw4w9WgXcQ", Platform.TWITCH: "conference_en",
           Platform.OWNCAST: "hall_a", Platform.ZOOM: "93201235621",
           Platform.FACEBOOK: "10158000000000001", Platform.JSON: "stage_fr"}
SHORT_TIMEOUT_S = 0.3


class Clock:
    """Epoch seconds that move only when a test moves them."""

    def __init__(self, start: datetime = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)) -> None:
        self.now = start.timestamp()

    def __call__(self) -> float:
        return self.now


@dataclass
class Platforms:
    """A started stand-in, a client session and a clock, all on the test's loop."""

    aio: LoopRunner
    standin: StandIn
    http: aiohttp.ClientSession
    clock: Clock

    def adapter(self, platform: Platform, *, secrets: dict[str, str] | None = None,
                timeout_s: float = 5.0) -> PlatformAdapter:
        """``platform``'s adapter with the stand-in's credentials (or ``secrets``)."""
        return adapter_for(platform, self.standin.secrets() if secrets is None else secrets,
                           timeout_s=timeout_s, clock=self.clock)

    def destination(self, platform: Platform, target: str | None = None) -> Destination:
        return self.standin.destination(platform, target or TARGETS[platform])

    def read(self, adapter: PlatformAdapter,
             destinations: Sequence[Destination]) -> list[Reading]:
        return self.aio.run(adapter.read(self.http, destinations))

    def read_one(self, platform: Platform, target: str | None = None, *,
                 secrets: dict[str, str] | None = None, timeout_s: float = 5.0) -> Reading:
        adapter = self.adapter(platform, secrets=secrets, timeout_s=timeout_s)
        [reading] = self.read(adapter, [self.destination(platform, target)])
        return reading


@pytest.fixture
def platforms(aio: LoopRunner) -> Iterator[Platforms]:
    """The stand-in on the test's loop, with :data:`SECRETS` and a fixed clock."""
    clock = Clock()
    standin = StandIn(seed=7, clock=clock, secrets=SECRETS, json_token=True)
    aio.run(standin.start())

    async def session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    http = aio.run(session())
    try:
        yield Platforms(aio, standin, http, clock)
    finally:
        aio.run(http.close())
        aio.run(standin.stop())


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
