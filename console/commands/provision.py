"""``conference-console provision [--obs URL] [--extra-obs NAME=URL] [--db PATH]
[--audio-placeholders] [--json]``.

Creates in OBS what the show needs and OBS lacks: a scene per segment scene (a
colour background and a label) and, in every scene with speakers, the hidden
lower-third sources. Then the interpretation channels of the show's plan (the
stored one, or the default: the floor and one booth per language, one audio track
each, six to an OBS), on each OBS the plan names (``--extra-obs`` for all but the
main one): an input of the channel's name that exists is sent to its track,
nothing else about it changes; a missing one is reported, or created as a silent
placeholder with ``--audio-placeholders``. Idempotent; never deletes or renames
anything.

Exit codes as ``preflight``: 0 done, 1 done but the audio channels are not ready
(the plan does not fit this OBS, or a channel's input is missing or has no
audio: the first problem on stderr, all of them on stdout), 2 wrong password,
3 OBS unreachable, 4 it could not be done (no show, OBS ended the session or
refused a request).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from console import secrets
from console.commands.common import add_db_argument, add_extra_obs_argument, parse_extra_obs
from console.commands.obs_status import add_obs_argument
from console.commands.preflight import (
    EXIT_BLOCKING,
    EXIT_CANNOT_CHECK,
    EXIT_OK,
    CommandFailed,
    load_show,
    parse_endpoint,
    with_obs,
)
from console.models.channels import MAIN_OBS
from console.models.show import Show, scene_names
from console.obs.channel_provision import (
    AUDIO_SCENE,
    Placeholders,
    provision_channels,
    silent_placeholder,
)
from console.obs.connection import ObsConnection
from console.obs.provision import ProvisionReport, provision_show
from console.services.channel_setup import ChannelSetup, current_setup


def register(subparsers: Any) -> None:  # argparse's _SubParsersAction is private
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "provision", help="create in OBS the scenes and sources the show needs",
        description="Create in OBS every scene the rundown takes and the lower-third sources "
        "(hidden) in every scene with speakers, where they are missing, and send each "
        "interpretation channel's input (the floor, then 'Booth LANG' per language) to its "
        "own audio track. Never deletes or renames anything. The password comes from "
        f"{secrets.PASSWORD_ENV} or the OS keyring.",
    )
    add_obs_argument(parser)
    add_extra_obs_argument(parser)
    parser.add_argument(
        "--audio-placeholders", action="store_true",
        help=f"create a silent placeholder for each channel input OBS lacks, in scene "
        f"'{AUDIO_SCENE}', which every show scene then shows (replace a placeholder with "
        "the booth's sound card under the same name)")
    parser.add_argument("--json", action="store_true",
                        help='print JSON: {"created": {"scenes", "inputs", "scene_items"}, '
                        '"channels", "plan_problems", ...}')
    add_db_argument(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        endpoint = parse_endpoint(args.obs)
        extra = _parse_extra(args.extra_obs)
        show = load_show(args.db)
        setup = current_setup(args.db, show, (MAIN_OBS, *(name for name, _ in extra)))
        placeholders = silent_placeholder if args.audio_placeholders else None
        password = secrets.find_password(endpoint.url, prompt=not args.json)
        report = asyncio.run(with_obs(endpoint, password, lambda connection: _main_obs(
            connection, show, setup, placeholders)))
        for name, url in extra if not report.plan_problems else ():
            def channels_there(connection: ObsConnection, name: str = name) -> \
                    Awaitable[ProvisionReport]:
                return provision_channels(connection, setup.plan, show.floor_language,
                                          obs_name=name, report=report,
                                          placeholders=placeholders)
            _on_extra_obs(name, url, channels_there, prompt=not args.json)
    except CommandFailed as error:
        print(f"error: {error}", file=sys.stderr)
        if args.json:
            print(json.dumps({"error": str(error)}, ensure_ascii=False))
        return error.code
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print("\n".join(report.describe()))
    return _audio_verdict(report.audio_problems)


def _parse_extra(values: list[str]) -> tuple[tuple[str, str], ...]:
    try:
        return parse_extra_obs(values)
    except ValueError as error:
        raise CommandFailed(EXIT_CANNOT_CHECK, str(error)) from None


async def _main_obs(connection: ObsConnection, show: Show, setup: ChannelSetup,
                    placeholders: Placeholders | None) -> ProvisionReport:
    """The scenes, then the main OBS's channels (none while the plan has a problem, such
    as seven mixes on one OBS or a channel on an OBS not given with --extra-obs)."""
    report = await provision_show(connection, show)
    if setup.problems:
        report.plan_problems.extend(setup.problems)
        return report
    return await provision_channels(connection, setup.plan, show.floor_language,
                                    report=report, placeholders=placeholders,
                                    show_scenes=scene_names(show))


def _on_extra_obs(name: str, url: str,
                  work: Callable[[ObsConnection], Awaitable[ProvisionReport]], *,
                  prompt: bool) -> None:
    """Run ``work`` on the OBS called ``name``: the channels the plan puts there (it
    carries no show scene: placeholders go in its audio scene, which its operator puts
    on program)."""
    endpoint = parse_endpoint(url)
    password = secrets.find_password(endpoint.url, prompt=prompt, obs_name=name)
    asyncio.run(with_obs(endpoint, password, work, secrets.password_variable(name)))


def _audio_verdict(problems: list[str]) -> int:
    if not problems:
        return EXIT_OK
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    print(f"error: {problems[0]}{more}", file=sys.stderr)
    return EXIT_BLOCKING
