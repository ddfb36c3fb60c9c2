"""``conference-console run``: the console window, against the user's own OBS."""

from __future__ import annotations

import argparse
import socket
import sys
from typing import Any

from console import paths, secrets
from console.commands.common import add_db_argument
from console.commands.obs_status import add_obs_argument
from console.obs.endpoint import ObsEndpoint


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "run", help="start the console window (the default command)",
        description="Start the console connected to OBS. The OBS password comes from "
        f"{secrets.PASSWORD_ENV}, the OS keyring, or a prompt in the window.",
    )
    add_obs_argument(parser)
    add_db_argument(parser)
    add_console_name_argument(parser)
    parser.add_argument(
        "--control-port", type=int, metavar="N",
        help="serve the control API (Stream Deck, Companion, scripts) on 127.0.0.1:N; "
        "requests need 'Authorization: Bearer TOKEN' with the token from "
        "CONSOLE_CONTROL_TOKEN (or one generated and shown in the window)",
    )
    parser.add_argument("--lower-third-seconds", type=float, default=10.0, metavar="S",
                        help="hide a speaker's lower third after S seconds; 0 keeps it up "
                        "(default: 10)")
    parser.add_argument("--rehearsal", action="store_true",
                        help="rehearse: takes go to OBS's preview only, program is untouched")
    parser.set_defaults(handler=run, default_log_level="INFO")


def add_console_name_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--console-name", default=socket.gethostname(), metavar="NAME",
        help="how this console signs the as-run log (default: the host name)",
    )


def run(args: argparse.Namespace) -> int:
    from console.app import AppOptions, run_gui  # noqa: PLC0415  (Qt loads only for the GUI)

    try:
        endpoint = ObsEndpoint.parse(args.obs)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    options = AppOptions(
        db_path=args.db, obs_url=endpoint.url,
        settings_path=paths.config_dir() / "window.ini", console_name=args.console_name,
        control_port=args.control_port, rehearsal=args.rehearsal,
        lower_third_s=args.lower_third_seconds,
    )
    return run_gui(options, secrets.find_password(endpoint.url))
