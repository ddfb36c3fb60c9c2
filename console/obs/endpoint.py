"""Where an OBS websocket server listens: ``ws://HOST:PORT``."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORT = 4455
DEFAULT_URL = f"ws://127.0.0.1:{DEFAULT_PORT}"


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
        try:
            parts = urlsplit(text)
        except ValueError as error:  # an unclosed "[" of an IPv6 address, for example
            raise ValueError(f"{url!r}: not an address such as ws://HOST:PORT ({error})") \
                from error
        if parts.scheme not in ("ws", "wss"):
            raise ValueError(f"{url!r}: the OBS address must look like ws://HOST:PORT")
        if parts.username or parts.password:
            raise ValueError(
                "the OBS address must not contain a password: set OBS_WEBSOCKET_PASSWORD instead"
            )
        if not parts.hostname:
            raise ValueError(f"{url!r}: no host name in the OBS address")
        try:
            port = DEFAULT_PORT if parts.port is None else parts.port
        except ValueError:
            port = 0
        if not 1 <= port <= 65535:  # urlsplit accepts port 0, which nothing listens on
            raise ValueError(f"{url!r}: the port must be a number from 1 to 65535")
        return cls(parts.hostname, port)
