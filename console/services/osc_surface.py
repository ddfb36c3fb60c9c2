"""OSC on either console: the server and its feedback, as the command line set them.

A service beside the control API: both call the same actions, which a composition
root hands to each (``app.py``: the handoff service and the notes; ``booth_app.py``:
the booth's desk). Either part may run alone: a server without feedback targets
(a clicker, QLab firing cues), or feedback without a server (Companion showing the
time left while its buttons use HTTP).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from console.services.control_routes import BoothActions, ControlActions
from console.services.osc_commands import (
    PREFIX,
    Arguments,
    OscCommand,
    all_commands,
    no_arguments,
)
from console.services.osc_feedback import FeedbackSource, FeedbackTarget, OscFeedback
from console.services.osc_server import LOOPBACK, Network, OscServer

REFRESH = PREFIX + "refresh"


@dataclass(frozen=True)
class OscSettings:
    port: int | None = None  # the server listens on host:port when set
    host: str = LOOPBACK
    allow: tuple[Network, ...] = ()  # senders accepted (none given: any, on loopback)
    feedback: tuple[FeedbackTarget, ...] = ()

    @property
    def wanted(self) -> bool:
        return self.port is not None or bool(self.feedback)


class OscSurface:
    """The OSC server and feedback of one console, started and stopped together."""

    def __init__(self, settings: OscSettings, commands: Sequence[OscCommand],
                 source: FeedbackSource | None) -> None:
        self.feedback = OscFeedback(settings.feedback, source) if settings.feedback else None
        self.server: OscServer | None = None
        if settings.port is not None:
            errors = self.feedback.error if self.feedback is not None else None
            self.server = OscServer([*commands, self._refresh_command()], settings.port,
                                    settings.host, allow=settings.allow, errors=errors)

    def _refresh_command(self) -> OscCommand:
        def prepare(args: Arguments) -> Any:
            no_arguments(args, "refresh")
            return self._refresh

        return OscCommand(REFRESH, "", prepare)

    async def _refresh(self) -> dict[str, Any]:
        if self.feedback is not None:
            self.feedback.refresh()
        return {}

    async def start(self) -> None:
        # The server first: a feedback target's host name may take a while to resolve.
        if self.server is not None:
            await self.server.start()
        if self.feedback is not None:
            await self.feedback.start()

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()
        if self.feedback is not None:
            await self.feedback.stop()


class _NeverCalled:
    """Actions for a listing of the addresses: building the commands names them, and a
    listing never runs one."""

    def __getattr__(self, name: str) -> Any:
        async def refuse(*_args: object, **_kwargs: object) -> dict[str, Any]:
            raise RuntimeError(f"{name} is not run from a listing of the addresses")

        return refuse


def address_table() -> list[tuple[str, str]]:
    """Every address a console acts on, with its arguments as the README writes them,
    taken from the commands the server is built with."""
    never = _NeverCalled()
    commands = all_commands(cast(ControlActions, never), booth=cast(BoothActions, never))
    return [*((command.address, command.arguments) for command in commands), (REFRESH, "")]
