"""Where an OBS websocket server listens: ``ws://HOST:PORT``."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_URL = "ws://127.0.0.1:4455"


@dataclass(frozen=True)
class ObsEndpoint:
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    @classmethod
    def parse(cls, url: str) -> ObsEndpoint:
        """Parse ``ws://HOST:PORT`` (scheme and port optional); refuse credentials in the URL."""
        text = url if "://" in url else f"ws://{url}"
        parts = urlsplit(text)
        if parts.scheme not in ("ws", "wss"):
            raise ValueError(f"{url!r}: the OBS address must look like ws://HOST:PORT")
        if parts.username or parts.password:
            raise ValueError(
                "the OBS address must not contain a password: set OBS_WEBSOCKET_PASSWORD instead"
            )
        if not parts.hostname:
            raise ValueError(f"{url!r}: no host name in the OBS address")
        try:
            port = parts.port or 4455
        except ValueError as error:
            raise ValueError(f"{url!r}: the port must be a number from 1 to 65535") from error
        return cls(parts.hostname, port)
