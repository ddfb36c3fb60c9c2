"""``conference-console``: the command line.

Each subcommand lives in its own module under :mod:`console.commands` with a
``register(subparsers)`` function that adds its parser and sets ``handler``, a
function ``(args) -> exit code``. Without a subcommand the console window starts
(``run``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from console import logs

COMMAND_MODULES = (
    "console.commands.run",
    "console.commands.demo",
    "console.commands.obs_status",
    "console.commands.import_show",
    "console.commands.show_cmd",
    "console.commands.export_show",
    "console.commands.export_log",
    "console.commands.merge_logs",
    "console.commands.preflight",
    "console.commands.provision",
    "console.commands.channels",
    "console.commands.viewers",
    "console.commands.chapters",
    "console.commands.report",
    "console.commands.api_example",
)
DEFAULT_COMMAND = "run"


def build_parser() -> tuple[argparse.ArgumentParser, set[str]]:
    parser = argparse.ArgumentParser(
        prog="conference-console",
        description="Production console for live-streamed, interpreted conferences.",
    )
    parser.add_argument(
        "--log-level", choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        help="level of the structured log written to stderr "
        "(default: INFO for the window, WARNING for the other commands)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser, set(subparsers.choices)


def _with_default_command(arguments: list[str], commands: set[str]) -> list[str]:
    """Insert ``run`` where the subcommand would stand when none is given."""
    index = 0
    while index < len(arguments):
        arg = arguments[index]
        if arg in commands or arg in ("-h", "--help"):
            return arguments
        if arg == "--log-level":
            index += 2
        elif arg.startswith("--log-level="):
            index += 1
        else:
            break
    return [*arguments[:index], DEFAULT_COMMAND, *arguments[index:]]


def main(argv: Sequence[str] | None = None) -> int:
    parser, commands = build_parser()
    arguments = _with_default_command(list(sys.argv[1:] if argv is None else argv), commands)
    args = parser.parse_args(arguments)
    logs.configure(args.log_level or getattr(args, "default_log_level", "WARNING"))
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
