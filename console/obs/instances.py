"""The OBS instances a console talks to: "main" (its ``--obs``) and each ``--extra-obs``.

An OBS output has six audio tracks, so a show with seven or more interpretation
mixes needs a second OBS; the channel plan names the instance of each channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from console.models.channels import MAIN_OBS


@dataclass(frozen=True)
class ObsInstance:
    name: str  # as the channel plan calls it ("main" is the console's --obs)
    url: str
    password: str

    def __repr__(self) -> str:  # never the password, not even in a traceback
        return f"ObsInstance({self.name!r}, {self.url!r})"


def instances_of(main_url: str, main_password: str, extra: tuple[tuple[str, str], ...],
                 passwords: Mapping[str, str]) -> tuple[ObsInstance, ...]:
    """The console's OBS instances: "main" (its --obs), then each --extra-obs."""
    return (ObsInstance(MAIN_OBS, main_url, main_password),
            *(ObsInstance(name, url, passwords.get(name, "")) for name, url in extra))
