"""``conference-console provision [--obs URL] [--db PATH] [--json]``.

Creates in OBS what the show needs and OBS lacks: a scene per segment scene (a
colour background and a label) and, in every scene with speakers, the hidden
lower-third sources. Idempotent; never deletes or renames anything.

Exit codes as ``preflight``: 0 done, 2 wrong password, 3 OBS unreachable,
4 it could not be done (no show, OBS ended the session or refused a request).
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
    EXIT_OK,
    CommandFailed,
    load_show,
    parse_endpoint,
    with_obs,
)
from console.obs.connection import ObsConnection
from console.obs.provision import ProvisionReport, provision_show


def register(subparsers: Any) -> None:  # argparse's _SubParsersAction is private
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "provision", help="create in OBS the scenes and sources the show needs",
        description="Create in OBS every scene the rundown takes and the lower-third sources "
        "(hidden) in every scene with speakers, where they are missing. Never deletes or "
        f"renames anything. The password comes from {secrets.PASSWORD_ENV} or the OS keyring.",
    )
    add_obs_argument(parser)
    parser.add_argument("--json", action="store_true",
                        help='print JSON: {"created": {"scenes", "inputs", "scene_items"}, ...}')
    add_db_argument(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        endpoint = parse_endpoint(args.obs)
        show = load_show(args.db)
        password = secrets.find_password(endpoint.url, prompt=not args.json)

        async def work(connection: ObsConnection) -> ProvisionReport:
            return await provision_show(connection, show)

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
    return EXIT_OK
