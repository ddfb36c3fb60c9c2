"""``conference-console obs-status --json [--obs ws://HOST:PORT]``: a check for scripts.

Exit codes: 0 connected, 2 OBS refused the password, 3 OBS unreachable (or not
answering), 1 anything else. Always answers within 10 s.

Scripts read stderr as the verdict: a failure is exactly one line ``error: ...``,
and a success none. Whatever else would reach stderr meanwhile (the structured
log, a library's traceback or warning) is dropped, unless ``--log-level`` asks
for the log.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import Iterator
from typing import Any

from console import logs, secrets
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

log = logging.getLogger(__name__)


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


def _auth_message(why: str | None) -> str:
    hint = f"check the password in {secrets.PASSWORD_ENV} or the keyring"
    if why and secrets.PASSWORD_ENV in why:
        return why  # it already says where the password comes from
    return f"{why or 'OBS refused the password'} ({hint})"


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
            return EXIT_AUTH, _auth_message(connection.last_error)
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


def _status(args: argparse.Namespace) -> tuple[int, ObsSnapshot | str]:
    """The exit code and the snapshot, or what went wrong; never raises."""
    try:
        endpoint = ObsEndpoint.parse(args.obs)
    except ValueError as error:
        return EXIT_FAILED, str(error)
    try:
        # A person at a terminal may be asked; a script (--json, or no terminal) never is.
        password = secrets.find_password(endpoint.url, prompt=not args.json)
        return asyncio.run(_query(endpoint, password))
    except Exception as error:  # a bug still answers in one line, with the code for "other"
        log.exception("obs-status failed")
        return EXIT_FAILED, f"internal error ({type(error).__name__}); " \
            "--log-level ERROR shows its traceback"


@contextlib.contextmanager
def _stderr_dropped() -> Iterator[None]:
    """Send everything written to stderr meanwhile to the null device.

    At the file descriptor, not ``sys.stderr``: the log handler holds its own
    reference to the stream, and a library may write to descriptor 2 directly.
    """
    sys.stderr.flush()
    try:
        kept = os.dup(2)
    except OSError:  # no stderr at all: nothing to keep clean
        yield
        return
    try:
        with open(os.devnull, "w", encoding="utf-8") as null:
            os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(kept, 2)
    finally:
        os.close(kept)


def _one_line(message: str) -> str:
    # A reason OBS or a library gave may span lines; scripts read exactly one.
    return logs.scrub(" ".join(message.split()))


def run(args: argparse.Namespace) -> int:
    asked_for_the_log = getattr(args, "log_level", None) is not None
    with contextlib.nullcontext() if asked_for_the_log else _stderr_dropped():
        code, result = _status(args)
    if isinstance(result, str):
        message = _one_line(result)
        if args.json:
            print(json.dumps({"connected": False, "error": message}, ensure_ascii=False))
        print(f"error: {message}", file=sys.stderr)
        return code
    document = status_document(result)
    if args.json:
        print(json.dumps(document, ensure_ascii=False))
    else:
        _print_human(document)
    return code
