"""The show's interpretation channel plan: the stored one, or the default for its languages.

A stored plan is used as long as it can be read; a show without one (or with one
that cannot be read: the notice says why) gets :func:`default_plan` over this
console's OBS connections. Either way the plan's problems (seven mixes on one OBS,
a language nobody carries, an OBS this console is not connected to) are worked out
here, so that the window, ``preflight`` and the ``channels`` command say the same.

A plan is saved only when it has no problem: the refusal names every one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from console.models.channels import ChannelPlan, PlanProblem, default_plan, plan_problems
from console.models.errors import OperatorError
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
