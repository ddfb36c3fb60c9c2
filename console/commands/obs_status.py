"""``conference-console obs-status --json [--obs ws://HOST:PORT]``: a check for scripts.

Exit codes: 0 connected, 2 OBS refused the password, 3 OBS unreachable (or not
answering), 1 anything else. Always answers within 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from console import secrets
from console.models.obs_state import ConnectionState, ObsSnapshot
from console.obs.connection import ConnectionSettings, ObsConnection
from console.obs.endpoint import DEFAULT_URL, ObsEndpoint
from console.obs.errors import ObsError
from console.obs.mirror import ObsMirror

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_AUTH = 2
EXIT_UNREACHABLE = 3
CONNECT_BUDGET_S = 5.0
SYNC_BUDGET_S = 2.0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "obs-status", help="print what OBS is doing (for scripts and checks)",
        description="Connect to OBS once and print its state. The password comes from "
        f"{secrets.PASSWORD_ENV} or the OS keyring.",
    )
    add_obs_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON (the stable format)")
    parser.set_defaults(handler=run)


def add_obs_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--obs", default=DEFAULT_URL, metavar="ws://HOST:PORT",
        help=f"the OBS websocket server (default {DEFAULT_URL})",
    )


def status_document(snapshot: ObsSnapshot) -> dict[str, Any]:
    return {
        "connected": snapshot.connected,
        "obs_version": snapshot.obs_version,
        "websocket_version": snapshot.websocket_version,
        "scenes": list(snapshot.scenes),
        "program_scene": snapshot.program_scene,
        "preview_scene": snapshot.preview_scene,
        "studio_mode": snapshot.studio_mode,
        "transition": snapshot.current_transition,
        "streaming": snapshot.stream.active,
        "recording": snapshot.record.active,
    }


def _print_human(document: dict[str, Any]) -> None:
    print(f"OBS {document['obs_version']} (obs-websocket {document['websocket_version']})")
    print(f"program: {document['program_scene']}")
    if document["studio_mode"]:
        print(f"preview: {document['preview_scene']}")
    print("scenes: " + ", ".join(document["scenes"]))


async def _query(endpoint: ObsEndpoint, password: str) -> tuple[int, ObsSnapshot | str]:
    connection = ObsConnection(endpoint, password, name="status", settings=ConnectionSettings())
    mirror = ObsMirror(connection)
    connection.start()
    try:
        state = await connection.wait_for_state(
            ConnectionState.CONNECTED, *(s for s in ConnectionState if s.is_final),
            timeout_s=CONNECT_BUDGET_S,
        )
        if state is ConnectionState.AUTH_FAILED:
            return EXIT_AUTH, f"{connection.last_error} (check the password in " \
                f"{secrets.PASSWORD_ENV} or the keyring)"
        if state is ConnectionState.KICKED:
            return EXIT_FAILED, connection.last_error or "OBS ended the session"
        return EXIT_OK, await mirror.wait_synced(SYNC_BUDGET_S)
    except TimeoutError:
        why = connection.last_error or f"no answer from OBS at {endpoint.url}"
        return EXIT_UNREACHABLE, f"cannot reach OBS: {why}"
    except ObsError as error:
        return EXIT_UNREACHABLE, f"OBS at {endpoint.url}: {error}"
    finally:
        await mirror.close()
        await connection.stop()


def run(args: argparse.Namespace) -> int:
    try:
        endpoint = ObsEndpoint.parse(args.obs)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    # A person at a terminal may be asked; a script (--json, or no terminal) never is.
    password = secrets.find_password(endpoint.url, prompt=not args.json)
    code, result = asyncio.run(_query(endpoint, password))
    if isinstance(result, str):
        print(f"error: {result}", file=sys.stderr)
        if args.json:
            print(json.dumps({"connected": False, "error": result}))
        return code
    document = status_document(result)
    if args.json:
        print(json.dumps(document, ensure_ascii=False))
    else:
        _print_human(document)
    return code
