"""``conference-console run``: the console window, against the user's own OBS."""

from __future__ import annotations

import argparse
import socket
import sys
from typing import Any

from console import paths, secrets
from console.commands.common import add_db_argument, add_extra_obs_argument, parse_extra_obs
from console.commands.obs_status import add_obs_argument
from console.commands.osc_args import add_osc_arguments, osc_flags_given, parse_osc
from console.models.booth import check_language
from console.models.errors import InvalidValue
from console.models.limits import MAX_NAME, check_text
from console.obs.endpoint import ObsEndpoint
from console.services.osc_surface import OscSettings
from console.store.database import StoreError
from console.store.read_only import open_read_only

STAGE, INTERPRETER, PRODUCER = "stage", "interpreter", "producer"


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "run", help="start the console window (the default command)",
        description="Start the console connected to OBS. The OBS password comes from "
        f"{secrets.PASSWORD_ENV}, the OS keyring, or a prompt in the window.",
    )
    add_obs_argument(parser)
    add_extra_obs_argument(parser)
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
    add_osc_arguments(parser)
    booth = parser.add_argument_group(
        "roles", "interpreter: a booth's console (no show database, no takes; who is on "
        "comes from the stage console through OBS); producer: the read-only review of a "
        "show database (--db), no OBS")
    booth.add_argument("--role", choices=(STAGE, INTERPRETER, PRODUCER), default=STAGE,
                       help="stage (default): run the show; interpreter: a booth's console; "
                       "producer: review a show's as-run log (read-only)")
    booth.add_argument("--language", metavar="CODE",
                       help="the booth's language, e.g. fr (with --role interpreter)")
    booth.add_argument("--interpreter", metavar="NAME",
                       help="the interpreter at this console, as the partner and the stage "
                       "manager see it (default: the console name)")
    parser.set_defaults(handler=run, default_log_level="INFO")


def add_console_name_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--console-name", default=socket.gethostname(), metavar="NAME",
        help="how this console signs the as-run log (default: the host name)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        endpoint = ObsEndpoint.parse(args.obs)
        extra_obs = parse_extra_obs(args.extra_obs)
        if args.role == PRODUCER:
            return run_producer(args)
        osc = parse_osc(args)
        if args.role == INTERPRETER:
            return run_booth(args, endpoint, extra_obs, osc)
        if args.language is not None or args.interpreter is not None:
            raise ValueError("--language and --interpreter are for --role interpreter")
    except ValueError as error:  # InvalidValue included
        print(f"error: {error}", file=sys.stderr)
        return 2
    from console.app import AppOptions, run_gui  # noqa: PLC0415  (Qt loads only for the GUI)

    options = AppOptions(
        db_path=args.db, obs_url=endpoint.url,
        settings_path=paths.config_dir() / "window.ini", console_name=args.console_name,
        control_port=args.control_port, rehearsal=args.rehearsal,
        lower_third_s=args.lower_third_seconds, extra_obs=extra_obs, osc=osc,
    )
    return run_gui(options, secrets.find_password(endpoint.url),
                   extra_passwords=extra_passwords(extra_obs))


def run_producer(args: argparse.Namespace) -> int:
    """The producer's review of ``--db``; ValueError for arguments that do not fit."""
    for flag, given in (("--language", args.language), ("--interpreter", args.interpreter),
                        ("--control-port", args.control_port), ("--rehearsal", args.rehearsal),
                        ("--extra-obs", args.extra_obs),
                        *((flag, True) for flag in osc_flags_given(args))):
        if given:
            raise ValueError(f"{flag} does not apply to --role producer: the review only "
                             "reads a show database")
    if not args.db.is_file():
        raise ValueError(f"--db: {args.db} is not a file; give a show database (or a copy "
                         "of one) to review")
    try:
        open_read_only(args.db).close()  # refuse here what the window could not read
    except StoreError as error:
        print(f"error: --db: {error}", file=sys.stderr)
        return 2
    from console.review_app import ReviewOptions, run_review  # noqa: PLC0415  (Qt: GUI only)

    return run_review(ReviewOptions(db_path=args.db))


def extra_passwords(extra_obs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each extra OBS's password, from its own variable or the keyring (never argv)."""
    return {name: secrets.find_password(url, obs_name=name) for name, url in extra_obs}


def run_booth(args: argparse.Namespace, endpoint: ObsEndpoint,
              extra_obs: tuple[tuple[str, str], ...], osc: OscSettings) -> int:
    """An interpreter booth's console; ValueError for arguments that do not fit."""
    if args.language is None:
        raise ValueError("--role interpreter needs --language, the booth's language (e.g. fr)")
    if args.rehearsal:
        raise ValueError("--rehearsal is the stage console's: a booth takes nothing")
    language = check_language(args.language, "--language")
    interpreter = check_text(args.interpreter or args.console_name, "--interpreter",
                             max_length=MAX_NAME).strip()
    if not interpreter:
        raise InvalidValue("--interpreter", "must not be empty")
    from console.booth_app import BoothOptions  # noqa: PLC0415  (Qt loads only for the GUI)
    from console.booth_app import run_booth as run_booth_window  # noqa: PLC0415

    options = BoothOptions(obs_url=endpoint.url, language=language, interpreter=interpreter,
                           console_name=args.console_name, control_port=args.control_port,
                           extra_obs=extra_obs, osc=osc)
    return run_booth_window(options, secrets.find_password(endpoint.url),
                            extra_passwords(extra_obs))
