"""``conference-console api-example``: every control route and OSC address, ready to paste.

Read from the tables the servers are built with (the control API's route table, the
OSC address table and its feedback addresses), so a route cannot be served and be
missing here. The token stays a shell variable in every line: the command never
reads it, so nothing it prints can leak it into a terminal's scrollback or a ticket.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import Any

from console.services.control_routes import ROUTES, WS_PATH, Route
from console.services.control_token import TOKEN_ENV
from console.services.osc_feedback import ADDRESSES as FEEDBACK_ADDRESSES
from console.services.osc_surface import address_table

EXIT_OK = 0
EXIT_USAGE = 2
HOST = "127.0.0.1"  # the control API listens on loopback only
DEFAULT_PORT = 8080
DEFAULT_OSC_PORT = 8000
AUTH_HEADER = f'-H "Authorization: Bearer ${TOKEN_ENV}"'
# A value of each JSON type for a body's required fields.
EXAMPLE_VALUES: dict[str, object] = {"boolean": True, "number": 60, "string": "Wrap up, please"}
# An oscsend type tag and value for each argument as the OSC address table writes it.
OSC_ARGUMENTS: dict[str, str] = {
    "<seconds>": "i 60", "<text>": "s " + shlex.quote("Wrap up, please"), "<0|1>": "i 1"}


def register(subparsers: Any) -> None:  # argparse's _SubParsersAction is private
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "api-example",
        help="print every control API route and OSC address with a line to try it",
        description="Print every route of the control API with a curl line, the WebSocket "
                    "with a websocat line, and every OSC address with an oscsend line. "
                    f"The token is left as ${TOKEN_ENV}: export it before pasting.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N",
                        help=f"the console's --control-port (default: {DEFAULT_PORT})")
    parser.add_argument("--osc-port", type=int, default=DEFAULT_OSC_PORT, metavar="N",
                        help=f"the console's --osc-port (default: {DEFAULT_OSC_PORT})")
    parser.add_argument("--json", action="store_true",
                        help="print JSON: {routes, websocket, osc, osc_feedback}")
    parser.set_defaults(handler=run)


def example_body(route: Route) -> dict[str, object] | None:
    """The route's required fields, each with a value of its type; None when none is needed."""
    schema = route.body or {}
    required = schema.get("required", [])
    if not required:
        return None
    fields = schema["properties"]
    return {name: EXAMPLE_VALUES[fields[name]["type"]] for name in required}


def curl_line(route: Route, port: int) -> str:
    parts = ["curl -sS"]
    if route.method != "GET":
        parts.append(f"-X {route.method}")
    parts.append(AUTH_HEADER)
    body = example_body(route)
    if body is not None:
        parts += ['-H "Content-Type: application/json"', "-d " + shlex.quote(json.dumps(body))]
    parts.append(f"http://{HOST}:{port}{route.path}")
    return " ".join(parts)


def oscsend_line(address: str, arguments: str, port: int) -> str:
    # An optional argument ("[override: 0|1]") is left out: the plain form.
    given = "" if not arguments or arguments.startswith("[") else " " + OSC_ARGUMENTS[arguments]
    return f"oscsend {HOST} {port} {address}{given}"


def examples(port: int, osc_port: int) -> dict[str, Any]:
    url = f"ws://{HOST}:{port}{WS_PATH}"
    return {
        "routes": [{"method": route.method, "path": route.path, "summary": route.summary,
                    "body": example_body(route), "curl": curl_line(route, port)}
                   for route in ROUTES if route.path != WS_PATH],
        "websocket": {"url": url, "example": f"websocat {AUTH_HEADER} {url}",
                      "send": json.dumps({"action": "take", "id": 1})},
        "osc": [{"address": address, "arguments": arguments,
                 "example": oscsend_line(address, arguments, osc_port)}
                for address, arguments in address_table()],
        "osc_feedback": [{"address": address, "value": value}
                         for address, value in FEEDBACK_ADDRESSES.items()],
    }


def as_text(listing: dict[str, Any], port: int, osc_port: int) -> str:
    lines = [f"# Control API: conference-console run --control-port {port}",
             f"# export {TOKEN_ENV}=... (the token the console uses) before pasting", ""]
    for route in listing["routes"]:
        lines += [f"# {route['method']} {route['path']}: {route['summary']}", route["curl"], ""]
    socket = listing["websocket"]
    lines += [f"# WebSocket {socket['url']}: the state, then every change; actions like "
              f"{socket['send']}", socket["example"], "",
              f"# OSC: conference-console run --osc-port {osc_port}", ""]
    for command in listing["osc"]:
        lines += [f"# {command['address']} {command['arguments'] or '(no argument)'}",
                  command["example"], ""]
    lines.append("# OSC feedback, to each --osc-feedback HOST:PORT (watch with: oscdump PORT)")
    lines += [f"#   {item['address']}  {item['value']}" for item in listing["osc_feedback"]]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    for flag, port in (("--port", args.port), ("--osc-port", args.osc_port)):
        if not 1 <= port <= 65535:
            print(f"error: {flag} must be a port from 1 to 65535, got {port}", file=sys.stderr)
            return EXIT_USAGE
    listing = examples(args.port, args.osc_port)
    if args.json:
        print(json.dumps(listing, indent=2))
    else:
        print(as_text(listing, args.port, args.osc_port))
    return EXIT_OK
