"""``conference-console preflight --json [--obs URL] [--collection FILE] [--db PATH]``.

Checks that OBS has every scene the rundown takes, and the lower-third sources in
every scene with speakers. With ``--collection`` it reads an OBS scene collection
file instead and never connects to OBS.

Exit codes: 0 nothing blocking missing (warnings may remain), 1 a scene the
rundown needs is missing, 2 OBS refused the password, 3 OBS unreachable (as
``obs-status``), 4 the check could not be made (no show in the database, an
unreadable collection file, OBS ended the session or refused a request).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from console import secrets
from console.commands.common import add_db_argument
from console.commands.obs_status import CONNECT_BUDGET_S, add_obs_argument
from console.models.obs_state import ConnectionState
from console.models.preflight import PreflightReport, preflight
from console.models.show import Show
from console.obs.connection import ConnectionSettings, ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.errors import ObsError
from console.obs.preflight import CollectionError, read_collection, read_live_inventory
from console.services.show_import import ShowImportError, load_stored_show

EXIT_OK = 0
EXIT_BLOCKING = 1
EXIT_AUTH = 2
EXIT_UNREACHABLE = 3
EXIT_CANNOT_CHECK = 4
# Reading every scene of a large collection is one request per scene.
WORK_BUDGET_S = 60.0

T = TypeVar("T")


class CommandFailed(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def register(subparsers: Any) -> None:  # argparse's _SubParsersAction is private
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "preflight", help="check that OBS has the scenes and sources the rundown needs",
        description="List every scene and source the show's rundown refers to that OBS lacks. "
        "Missing scenes are blocking (exit 1); missing lower-third sources are warnings. "
        f"The password comes from {secrets.PASSWORD_ENV} or the OS keyring.",
    )
    add_obs_argument(parser)
    parser.add_argument("--collection", type=Path, metavar="FILE",
                        help="check an OBS scene collection file instead of a running OBS")
    parser.add_argument("--json", action="store_true",
                        help='print JSON: {"ok", "missing": [...], "checked": {...}}')
    add_db_argument(parser)
    parser.set_defaults(handler=run)


def load_show(db: Path) -> Show:
    try:
        return load_stored_show(db)
    except ShowImportError as error:
        raise CommandFailed(EXIT_CANNOT_CHECK, str(error)) from error


def parse_endpoint(url: str) -> ObsEndpoint:
    try:
        return ObsEndpoint.parse(url)
    except ValueError as error:
        raise CommandFailed(EXIT_CANNOT_CHECK, str(error)) from error


async def with_obs(endpoint: ObsEndpoint, password: str,
                   work: Callable[[ObsConnection], Awaitable[T]],
                   password_variable: str = secrets.PASSWORD_ENV) -> T:
    """Connect once, run ``work``, disconnect; connection failures become
    :class:`CommandFailed` with obs-status's exit codes (a wrong password names
    ``password_variable``, where that OBS's password is looked for)."""
    connection = ObsConnection(endpoint, password, name="preflight",
                               settings=ConnectionSettings())
    connection.start()
    try:
        try:
            state = await connection.wait_for_state(
                ConnectionState.CONNECTED, *(s for s in ConnectionState if s.is_final),
                timeout_s=CONNECT_BUDGET_S,
            )
        except TimeoutError:
            why = connection.last_error or f"no answer from OBS at {endpoint.url}"
            raise CommandFailed(EXIT_UNREACHABLE, f"cannot reach OBS: {why}") from None
        if state is ConnectionState.AUTH_FAILED:
            raise CommandFailed(EXIT_AUTH, f"{connection.last_error} (check the password in "
                                           f"{password_variable} or the keyring)")
        if state is not ConnectionState.CONNECTED:
            raise CommandFailed(EXIT_CANNOT_CHECK,
                                connection.last_error or "OBS ended the session")
        try:
            return await asyncio.wait_for(work(connection), WORK_BUDGET_S)
        except TimeoutError:
            raise CommandFailed(EXIT_CANNOT_CHECK,
                                f"OBS at {endpoint.url} did not finish in time") from None
        except ObsError as error:
            raise CommandFailed(EXIT_CANNOT_CHECK, f"OBS at {endpoint.url}: {error}") from error
    finally:
        await connection.stop()


def check(args: argparse.Namespace) -> PreflightReport:
    if args.collection is not None:
        try:
            inventory = read_collection(args.collection)
        except CollectionError as error:
            raise CommandFailed(EXIT_CANNOT_CHECK, str(error)) from error
        return preflight(load_show(args.db), inventory)
    endpoint = parse_endpoint(args.obs)
    show = load_show(args.db)
    # A person at a terminal may be asked; a script (--json, or no terminal) never is.
    password = secrets.find_password(endpoint.url, prompt=not args.json)
    inventory = asyncio.run(with_obs(endpoint, password, read_live_inventory))
    return preflight(show, inventory)


def _print_human(report: PreflightReport) -> None:
    for item in report.missing:
        print(f"{'BLOCKING' if item.blocking else 'warning'}: {item.describe()}")
    verdict = "ready" if report.ok else "NOT ready"
    print(f"{verdict}: checked {report.checked_scenes} scenes and "
          f"{report.checked_sources} lower-third sources, {len(report.missing)} missing")


def run(args: argparse.Namespace) -> int:
    try:
        report = check(args)
    except CommandFailed as error:
        print(f"error: {error}", file=sys.stderr)
        if args.json:
            print(json.dumps({"ok": False, "error": str(error)}, ensure_ascii=False))
        return error.code
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        _print_human(report)
    return EXIT_OK if report.ok else EXIT_BLOCKING
