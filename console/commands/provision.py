"""``conference-console provision [--obs URL] [--db PATH] [--audio-placeholders] [--json]``.

Creates in OBS what the show needs and OBS lacks: a scene per segment scene (a
colour background and a label) and, in every scene with speakers, the hidden
lower-third sources. Then the interpretation channels (the default plan: the
floor and one booth per language, one audio track each): an input of the
channel's name that exists is sent to its track, nothing else about it changes;
a missing one is reported, or created as a silent placeholder with
``--audio-placeholders``. Idempotent; never deletes or renames anything.

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
from typing import Any

from console import secrets
from console.commands.common import add_db_argument
from console.commands.obs_status import add_obs_argument
from console.commands.preflight import (
    EXIT_BLOCKING,
    EXIT_OK,
    CommandFailed,
    load_show,
    parse_endpoint,
    with_obs,
)
from console.models.channels import ChannelPlan, default_plan
from console.models.show import Show, scene_names
from console.obs.channel_provision import AUDIO_SCENE, provision_channels, silent_placeholder
from console.obs.connection import ObsConnection
from console.obs.provision import ProvisionReport, provision_show


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


def channel_plan(show: Show) -> ChannelPlan:
    """The show's channels on this OBS: the default plan (until plans are stored), none
    for a show without interpretation."""
    return default_plan(show.floor_language, show.languages) if show.languages else ChannelPlan()


def run(args: argparse.Namespace) -> int:
    try:
        endpoint = parse_endpoint(args.obs)
        show = load_show(args.db)
        password = secrets.find_password(endpoint.url, prompt=not args.json)

        async def work(connection: ObsConnection) -> ProvisionReport:
            report = await provision_show(connection, show)
            return await provision_channels(
                connection, channel_plan(show), show.floor_language, report=report,
                placeholders=silent_placeholder if args.audio_placeholders else None,
                show_scenes=scene_names(show))

        report = asyncio.run(with_obs(endpoint, password, work))
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


def _audio_verdict(problems: list[str]) -> int:
    if not problems:
        return EXIT_OK
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    print(f"error: {problems[0]}{more}", file=sys.stderr)
    return EXIT_BLOCKING
