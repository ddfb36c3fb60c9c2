"""The show's interpretation channel plan: the stored one, or the default for its languages.

A stored plan is used as long as it can be read; a show without one (or with one
that cannot be read: the notice says why) gets :func:`default_plan` over this
console's OBS connections. Either way the plan's problems (seven mixes on one OBS,
a language nobody carries, an OBS this console is not connected to) are worked out
here, so that the window, ``preflight`` and the ``channels`` command say the same.

A plan is saved only when it has no problem: the refusal names every one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from psygnal import Signal as PsygnalSignal

from console.models.channels import ChannelPlan, PlanProblem, default_plan, plan_problems
from console.models.errors import InvalidValue, OperatorError
from console.models.show import Show
from console.store.channel_plans import load_channel_plan, save_channel_plan
from console.store.database import open_database


class ChannelPlanRefused(OperatorError):
    def __init__(self, problems: list[PlanProblem]) -> None:
        super().__init__("the channel plan was not saved: " + "; ".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class ChannelSetup:
    plan: ChannelPlan
    problems: tuple[PlanProblem, ...]
    stored: bool  # False: the default plan for the show's languages
    notice: str | None = None  # why a stored plan was not used


def problems_for(plan: ChannelPlan, show: Show,
                 obs_names: Iterable[str] | None) -> list[PlanProblem]:
    """``plan``'s problems for ``show``; its OBS names are checked when ``obs_names`` (this
    console's connections) are given."""
    return plan_problems(plan, show.floor_language, show.languages, obs_names)


def current_setup(db_path: Path, show: Show, obs_names: tuple[str, ...]) -> ChannelSetup:
    """The plan this console uses for ``show``, with its problems."""
    database = open_database(db_path)
    try:
        stored = load_channel_plan(database)
    finally:
        database.conn.close()
    plan = stored.plan or default_plan(show.floor_language, show.languages, obs_names)
    return ChannelSetup(plan, tuple(problems_for(plan, show, obs_names)),
                        stored=stored.plan is not None, notice=stored.problem)


def save_plan(db_path: Path, plan: ChannelPlan, show: Show,
              obs_names: Iterable[str] | None, at: datetime) -> ChannelSetup:
    """Store ``plan`` for ``show``; :class:`ChannelPlanRefused` (nothing stored) when it
    has a problem."""
    problems = problems_for(plan, show, obs_names)
    if problems:
        raise ChannelPlanRefused(problems)
    database = open_database(db_path)
    try:
        save_channel_plan(database, plan, at)
    finally:
        database.conn.close()
    return ChannelSetup(plan, (), stored=True)


def parse_tracks(text: str, field: str) -> tuple[int, ...]:
    """Track numbers as an operator types them ("2", "2, 3"); InvalidValue otherwise."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts or not all(part.isascii() and part.isdigit() for part in parts):
        raise InvalidValue(field, f"{text!r} is not a list of track numbers: write them "
                                  "separated by commas, for example 2 or 2, 3")
    return tuple(int(part) for part in parts)


class ChannelSetupService:
    """The plan this console uses, kept current: reloaded when the show changes, saved
    one at a time (a second save while one runs waits for it).

    Signals (psygnal, on the event loop's thread):
        changed(object): the new :class:`ChannelSetup`.
    """

    changed = PsygnalSignal(object)

    def __init__(self, db_path: Path, obs_names: tuple[str, ...],
                 clock: Callable[[], datetime],
                 guard: Callable[[], str | None] = lambda: None) -> None:
        self._db_path = db_path
        self._guard = guard
        self.obs_names = obs_names
        self._clock = clock
        self._lock = asyncio.Lock()
        self.setup: ChannelSetup | None = None
        self.show: Show | None = None

    def load(self, show: Show | None) -> ChannelSetup | None:
        """Work out the plan for ``show`` (None: no show, no channels)."""
        self.show = show
        self.setup = current_setup(self._db_path, show, self.obs_names) if show else None
        self.changed.emit(self.setup)
        return self.setup

    def problems(self, plan: ChannelPlan) -> list[PlanProblem]:
        if self.show is None:
            return [PlanProblem("show", "there is no show: import one first")]
        return problems_for(plan, self.show, self.obs_names)

    async def save(self, plan: ChannelPlan) -> ChannelSetup:
        async with self._lock:
            refusal = self._guard()
            if refusal is not None:
                raise OperatorError(refusal)
            show = self.show
            if show is None:
                raise ChannelPlanRefused(self.problems(plan))
            setup = await asyncio.to_thread(save_plan, self._db_path, plan, show,
                                            self.obs_names, self._clock())
            self.setup = setup
        self.changed.emit(setup)
        return setup
