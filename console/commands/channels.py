"""``conference-console channels``: show, check and set the show's interpretation channels.

Exit codes: 0 the plan has no problem (or was saved), 1 the plan in use has
problems (they are printed), 2 nothing could be done (no show, a file that cannot
be read, a plan refused; nothing stored).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.commands.common import add_db_argument
from console.models.channels import MAIN_OBS, ChannelPlan, ReadinessPolicy
from console.models.errors import InvalidValue, OperatorError
from console.models.limits import check_seconds
from console.models.show import Show
from console.services.channel_setup import ChannelSetup, current_setup, save_plan
from console.services.show_import import load_stored_show
from console.store.channel_plans import plan_from_json, plan_to_json
from console.store.database import StoreError

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_ERROR = 2
MAX_PLAN_BYTES = 1024 * 1024


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "channels", help="show, check or set the show's interpretation channels",
        description="Print the show's interpretation channels (the floor and one per "
        "language: OBS connection, input, audio tracks, destination) and every problem "
        "with them, such as seven mixes on one OBS (an output has six audio tracks). "
        "Without a stored plan the default is used: the floor and one booth per language, "
        "six to an OBS. Exit 0: no problem; 1: problems; 2: nothing done.")
    parser.add_argument("--json", action="store_true",
                        help='print {"stored", "plan", "problems"}; "plan" is what --set reads')
    parser.add_argument("--set", type=Path, metavar="FILE",
                        help="store the plan in FILE (JSON, the shape --json prints as "
                        '"plan"); refused, with nothing stored, if it has a problem')
    parser.add_argument("--readiness", choices=[p.value for p in ReadinessPolicy],
                        help="what a take does when a channel on air is not ready: warn, or "
                        "require a confirmed override")
    parser.add_argument("--silent-after", type=float, metavar="S",
                        help="raise the alarm when a channel on air is silent for S seconds")
    parser.add_argument("--extra-obs", action="append", default=[], metavar="NAME",
                        help="the name of another OBS connection the console will have "
                        "(NAME or NAME=URL, as for run); repeatable. Used for the default "
                        "plan and to check the plan's OBS names")
    add_db_argument(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    obs_names = (MAIN_OBS, *(entry.split("=", 1)[0] for entry in args.extra_obs))
    try:
        show = load_stored_show(args.db)
        setup = current_setup(args.db, show, obs_names)
        changed = _changed_plan(args, setup.plan)
        if changed is not None:
            check_names = obs_names if args.extra_obs else None
            setup = save_plan(args.db, changed, show, check_names, datetime.now(UTC))
            print(f"saved the channel plan in {args.db}", file=sys.stderr)
    except (OperatorError, StoreError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    _print(setup, show, as_json=args.json)
    return EXIT_PROBLEMS if setup.problems else EXIT_OK


def _changed_plan(args: argparse.Namespace, plan: ChannelPlan) -> ChannelPlan | None:
    if args.set is None and args.readiness is None and args.silent_after is None:
        return None
    if args.set is not None:
        plan = _read_plan(args.set)
    if args.readiness is not None:
        plan = replace(plan, readiness=ReadinessPolicy(args.readiness))
    if args.silent_after is not None:
        plan = replace(plan, silent_after_s=check_seconds(args.silent_after, "--silent-after",
                                                          low=1, high=600))
    return plan


def _read_plan(path: Path) -> ChannelPlan:
    try:
        if path.stat().st_size > MAX_PLAN_BYTES:
            raise InvalidValue(str(path), "is larger than a channel plan can be (1 MiB)")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidValue(str(path), f"cannot be read: {error}") from None
    try:
        return plan_from_json(text)
    except InvalidValue as error:
        raise InvalidValue(f"{path}: {error.field}", error.problem) from None


def _print(setup: ChannelSetup, show: Show, *, as_json: bool) -> None:
    if setup.notice:
        print(f"note: {setup.notice}", file=sys.stderr)
    if as_json:
        print(json.dumps({
            "stored": setup.stored, "plan": json.loads(plan_to_json(setup.plan)),
            "problems": [{"field": p.field, "problem": p.problem} for p in setup.problems],
        }, ensure_ascii=False, indent=2))
        return
    plan = setup.plan
    source = "stored plan" if setup.stored else "default plan (none stored)"
    print(f"{show.name}: floor {show.floor_language}, {len(plan.channels)} channels, "
          f"{source}; take readiness: {plan.readiness.value}, silent alarm after "
          f"{plan.silent_after_s:g} s")
    for channel in plan.channels:
        tracks = ",".join(map(str, channel.tracks))
        role = "floor" if channel.floor else f"booth (relay from {channel.pivot})" \
            if channel.pivot else "booth"
        print(f"  {channel.language:<6} {channel.obs:<10} tracks {tracks:<6} "
              f"{channel.input:<24} {role}"
              + (f" -> {channel.destination}" if channel.destination else ""))
    for problem in setup.problems:
        print(f"problem: {problem}")
