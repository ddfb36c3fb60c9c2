"""What every platform adapter offers, and the HTTP answers they all read the same way.

``PlatformAdapter.read`` asks about several destinations of its platform at once
(YouTube reads 50 video ids in one call) and answers one :class:`Reading` per
destination, in order. It never raises for what a server does: a refusal, a 429, a
5xx, a timeout or an answer that cannot be read becomes a reading with its state and
a detail that says what to do.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from typing import ClassVar

import aiohttp

from console.models.viewers import Destination, Platform, Reading

# A platform that has not answered in this long is counted as an error for this poll.
REQUEST_TIMEOUT_S = 10.0


class PlatformAdapter(abc.ABC):
    """Reads the viewer counts of one platform's destinations."""

    platform: ClassVar[Platform]

    @abc.abstractmethod
    async def read(self, http: aiohttp.ClientSession,
                   destinations: Sequence[Destination]) -> list[Reading]:
        """One reading per destination, in the same order; never raises for what the
        server answers (nor for a server that does not answer)."""


SecretLookup = Mapping[str, str]
